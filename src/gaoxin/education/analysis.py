"""The adapter between education rows and the core (gaoxin.analysis.education): the profile's coefficients
as the core's rules, a development's first phase and kindergarten as dates, the zone's areas as arrays,
walking distances from the areas' gates to the schools on the zone's street network."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

import numpy as np
from numpy.typing import NDArray

from gaoxin import standards
from gaoxin.analysis import access as engine
from gaoxin.analysis import education as core
from gaoxin.analysis import siting
from gaoxin.analysis.geo import to_lon_lat, to_projected
from gaoxin.analysis.network import Network
from gaoxin.education.choices import Level
from gaoxin.education.models import Development, Kindergarten, Phase, Profile
from gaoxin.places.models import Facility, ResidentialArea

LEVEL_AGES = core.LEVEL_AGES
StageState = core.StageState
ClassState = core.ClassState
school_age = core.school_age
entry_year = core.entry_year
contiguity = core.contiguity

REACH_FACTOR = 4  # distances are searched up to 4 × the level's radius (at least 3 km): beyond, "no school"


def profile_defaults() -> dict[str, Any]:
    """The profile's values from standards/education.toml (each with its source there)."""
    t = standards.load("education")
    kg, pr, mi, fc, hh, ct = (
        t["kindergarten"],
        t["primary"],
        t["middle"],
        t["forecast"],
        t["households"],
        t["class_terms"],
    )
    return {
        "persons_per_household": Decimal(str(hh["persons_per_household"])),
        "occupancy": Decimal(str(hh["occupancy"])),
        "kg_places_per_1000": Decimal(str(kg["places_per_1000"])),
        "kg_class_size": kg["class_size"],
        "kg_max_classes": kg["max_classes"],
        "kg_min_classes_own": kg["min_classes_own"],
        "primary_class_size": pr["class_size"],
        "middle_class_size": mi["class_size"],
        "large_class": ct["large"],
        "very_large_class": ct["very_large"],
        "kg_radius_m": kg["radius_m"],
        "primary_radius_m": pr["radius_m"],
        "middle_radius_m": mi["radius_m"],
        "births_per_1000": Decimal(str(fc["births_per_1000"])),
        "migration": Decimal(str(fc["migration"])),
        "forecast_years": fc["years"],
        "cutoff_month": fc["cutoff_month"],
        "cutoff_day": fc["cutoff_day"],
        "acceptance_warning_days": kg["acceptance_warning_days"],
    }


def kindergarten_rule(p: Profile) -> core.KindergartenRule:
    return core.KindergartenRule(
        persons_per_household=float(p.persons_per_household),
        occupancy=float(p.occupancy),
        places_per_1000=float(p.kg_places_per_1000),
        class_size=p.kg_class_size,
        min_classes_own=p.kg_min_classes_own,
        max_classes=p.kg_max_classes,
    )


def requirement(dwellings: int, p: Profile) -> core.Requirement:
    return core.required_kindergarten(dwellings, kindergarten_rule(p))


def kindergarten_places(kg: Kindergarten, p: Profile) -> int:
    """Its recorded places, or its classes × the class size when only the classes are recorded."""
    return kg.places or kg.classes * p.kg_class_size


@dataclass(frozen=True)
class LedgerRow:
    development: Development
    dwellings: int
    requirement: core.Requirement
    first_phase: Phase | None
    kindergarten: Kindergarten | None
    sync: core.SyncResult
    shared_with: int  # other developments sharing the kindergarten


def ledger_row(
    dev: Development, phases: Sequence[Phase], p: Profile, today: date, kg_required_total: int | None = None
) -> LedgerRow:
    """One development against the rule: the places its dwellings require, and the 同步 check of its
    kindergarten against its first phase. A shared kindergarten's places are split over the developments
    it serves in proportion to what each requires (``kg_required_total``: the sum)."""
    dwellings = sum(ph.dwellings for ph in phases)
    req = requirement(dwellings, p)
    first = min(phases, key=lambda ph: ph.number) if phases else None
    housing = core.Dates(
        permit=dev.permit_on,
        start=first.started_on if first else None,
        accepted=first.accepted_on if first else None,
        delivered=first.delivered_on if first else None,
    )
    kg = dev.kindergarten
    provided = 0
    kg_dates = None
    if kg is not None:
        total = kg_required_total if kg_required_total else req.places
        places = kindergarten_places(kg, p)
        provided = req.places if total <= places else math.floor(places * req.places / total) if total else 0
        kg_dates = core.Dates(kg.permit_on, kg.started_on, kg.accepted_on, kg.delivered_on)
    sync = core.sync_check(
        housing,
        kg_dates,
        places_required=req.places,
        places_provided=provided,
        today=today,
        acceptance_planned=first.acceptance_planned if first else None,
        warn_days=p.acceptance_warning_days,
    )
    return LedgerRow(dev, dwellings, req, first, kg, sync, 0)


# --- forecast -------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Forecast:
    year0: int
    areas: list[ResidentialArea]
    by_age: NDArray[np.float64]  # (years + 1) × areas × 15
    added: NDArray[np.float64]  # (years) × areas: residents the housing brings

    def demand(self, level: str) -> NDArray[np.float64]:
        """(years + 1) × areas."""
        return core.level_demand(self.by_age, level)

    @property
    def years(self) -> list[int]:
        return [self.year0 + t for t in range(self.by_age.shape[0])]


def _bands(a: ResidentialArea) -> dict[tuple[int, int], float]:
    return {(0, 2): a.pop_0_2, (3, 5): a.pop_3_5, (6, 11): a.pop_6_11, (12, 14): a.pop_12_14}


def nearest_index(lon: float, lat: float, points: Sequence[tuple[float, float]]) -> int:
    """The index of the point nearest to (lon, lat) in a straight line."""
    coslat = math.cos(math.radians(lat))
    return int(np.argmin([((x - lon) * coslat) ** 2 + (y - lat) ** 2 for x, y in points]))


def forecast(
    areas: list[ResidentialArea],
    developments: Sequence[tuple[Development, Sequence[Phase]]],
    p: Profile,
    today: date,
) -> Forecast:
    """Children by area and single age for this school year and the profile's forecast years: the
    areas' registered children spread over single years, cohorts moved up a year, newborns from the birth
    rate, and the children of housing delivered after today (dwellings × persons per household ×
    occupancy × the zone's share of residents at each age), added in the year of its delivery (planned
    or actual) to the development's area (or the nearest area)."""
    years = p.forecast_years
    n = len(areas)
    ages = np.array([core.single_years(_bands(a)) for a in areas]).reshape(n, core.MAX_AGE + 1)
    residents = np.array([float(a.population) for a in areas])
    zone_bands: dict[tuple[int, int], float] = {}
    for a in areas:
        for k, v in _bands(a).items():
            zone_bands[k] = zone_bands.get(k, 0) + v
    shares = core.age_shares(zone_bands, float(residents.sum()))
    add_r = np.zeros((years, n))
    index = {a.pk: i for i, a in enumerate(areas)}
    per_dwelling = float(p.persons_per_household) * float(p.occupancy)
    for dev, phases in developments:
        if not n:
            break
        i = index.get(dev.area_id) if dev.area_id else None
        if i is None:
            i = nearest_index(dev.lon, dev.lat, [(a.center_lon, a.center_lat) for a in areas])
        for ph in phases:
            day = ph.delivered_on or ph.delivery_planned
            if day is None or day <= today:
                continue  # undated, or already delivered: its residents are in the register
            t = max(1, day.year - today.year)
            if t <= years:
                add_r[t - 1, i] += ph.dwellings * per_dwelling
    add_c = add_r[:, :, None] * shares[None, None, :]
    add_c[:, :, 0] = 0.0  # the year's infants are its births, counted from the residents (new ones included)
    rule = core.ForecastRule(births_per_1000=float(p.births_per_1000), migration=float(p.migration))
    by_age = core.forecast(ages, residents, rule, years=years, added_children=add_c, added_residents=add_r)
    return Forecast(today.year, areas, by_age, add_r)


def capacity_in(schools: Sequence[Facility], year: int) -> NDArray[np.float64]:
    """Each school's places in a year: open ones, and planned ones from their planned opening year."""
    out = []
    for s in schools:
        opens = s.status == "open" or (
            s.status in ("planned", "under_construction") and (s.planned_year or 9999) <= year
        )
        out.append(float(s.capacity or 0) if opens and s.status != "closed" else 0.0)
    return np.array(out, dtype=float)


def class_check(pupils: int, classes: int, level: str, p: Profile) -> core.ClassCheck:
    return core.class_check(
        pupils, classes, p.class_size(level), large=p.large_class, very_large=p.very_large_class
    )


# --- walking distances, catchments, new schools ------------------------------------------------------


def distance_matrix(
    network: Network, areas: Sequence[ResidentialArea], schools: Sequence[Facility], radius_m: float
) -> NDArray[np.float64]:
    """Walking metres from each area (its nearest gate) to each school's entrance; inf beyond the reach
    (4 × the radius, at least 3 km) or where one of them is off the network."""
    out = np.full((len(areas), len(schools)), np.inf)
    if not areas or not schools:
        return out
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    origins = engine.snap(network, gates[:, 0], gates[:, 1])
    pts = [s.access_point for s in schools]
    targets = engine.snap(network, [x for x, _ in pts], [y for _, y in pts])
    pairs = engine.pairs_within(network, origins, targets, max_m=max(REACH_FACTOR * radius_m, 3000.0))
    np.minimum.at(out, (gate_area[pairs.origin], pairs.facility), pairs.distance_m)
    return out


def assign(
    distances: NDArray[np.float64],
    demand: NDArray[np.float64],
    capacity: NDArray[np.float64],
    radius_m: float,
    objective: str,
) -> core.CatchmentResult:
    return core.assign_catchments(distances, demand, capacity, radius_m=radius_m, objective=objective)


def _local_xy(lon: NDArray[np.float64], lat: NDArray[np.float64], lat0: float) -> tuple[Any, Any]:
    """Metres on a local plane (equirectangular about ``lat0``): enough for distances of a few km."""
    return lon * 111_320.0 * math.cos(math.radians(lat0)), lat * 110_574.0


def adjacency_by_centres(areas: Sequence[ResidentialArea], touch_m: float = 150.0) -> list[tuple[int, int]]:
    """Which areas touch, approximately: centres closer than the larger of ``touch_m`` and the sum of the
    two areas' half-extents (half the diagonal of each polygon's bounding box) — a check of contiguity
    that needs no polygon engine."""
    if len(areas) < 2:
        return []
    lon = np.array([a.center_lon for a in areas])
    lat = np.array([a.center_lat for a in areas])
    lat0 = float(lat.mean())
    x, y = _local_xy(lon, lat, lat0)
    ext = np.array([_extent(a, lat0) for a in areas])
    edges: list[tuple[int, int]] = []
    for i in range(len(areas)):
        d = np.hypot(x[i + 1 :] - x[i], y[i + 1 :] - y[i])
        near = d <= np.maximum(touch_m, ext[i] + ext[i + 1 :])
        edges.extend((i, i + 1 + int(j)) for j in np.flatnonzero(near))
    return edges


def _extent(a: ResidentialArea, lat0: float) -> float:
    poly = a.polygon if isinstance(a.polygon, dict) else {}
    if poly.get("type") != "Polygon" or not poly.get("coordinates"):
        return 0.0
    ring = poly["coordinates"][0]
    xs, ys = _local_xy(
        np.array([c[0] for c in ring], dtype=float), np.array([c[1] for c in ring], dtype=float), lat0
    )
    return float(np.hypot(np.ptp(xs), np.ptp(ys)) / 2)


@dataclass(frozen=True)
class SiteProposal:
    lon: float
    lat: float
    children: float  # the forecast children it takes
    areas: list[str]  # the areas it serves


def propose_schools(
    network: Network,
    areas: Sequence[ResidentialArea],
    demand: NDArray[np.float64],
    schools: Sequence[Facility],
    capacity: NDArray[np.float64],
    *,
    radius_m: float,
    new_places: float,
    p: int,
    spacing_m: float = 200.0,
) -> tuple[list[SiteProposal], float, float]:
    """``p`` new schools of ``new_places`` places each, on street-network nodes near the demand (one per
    ``spacing_m`` cell), that with the existing schools (at their places) serve the most forecast
    children within the radius — the capacitated maximal-covering model of the siting core. Returns the
    sites, the children served within the radius today and with them."""
    if not areas:
        return [], 0.0, 0.0
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    gx, gy = to_projected(gates[:, 0], gates[:, 1], crs=network.crs)
    box = (gx.min() - radius_m, gx.max() + radius_m, gy.min() - radius_m, gy.max() + radius_m)
    near = (
        (network.x_m >= box[0]) & (network.x_m <= box[1]) & (network.y_m >= box[2]) & (network.y_m <= box[3])
    )
    idx = np.flatnonzero(near)
    cells = np.floor(np.column_stack([network.x_m[idx], network.y_m[idx]]) / spacing_m).astype(np.int64)
    _c, first = np.unique(cells, axis=0, return_index=True)
    nodes = idx[np.sort(first)]
    origins = engine.snap(network, gates[:, 0], gates[:, 1])
    cands = engine.at_nodes(network, nodes)
    pts = [s.access_point for s in schools]
    fixed_snap = engine.snap(network, [x for x, _ in pts], [y for _, y in pts]) if schools else None
    all_sites = cands if fixed_snap is None else engine.concat(cands, fixed_snap)
    pairs = engine.pairs_within(network, origins, all_sites, max_m=radius_m)
    site_pairs = siting.Pairs(
        demand=gate_area[pairs.origin], site=pairs.facility, distance_m=pairs.distance_m
    )
    n_new = nodes.size
    fixed = np.arange(n_new, n_new + len(schools), dtype=np.int64)
    cap = np.r_[np.full(n_new, float(new_places)), np.asarray(capacity, dtype=float)]
    common: dict[str, Any] = {
        "n_demand": len(areas),
        "n_sites": n_new + len(schools),
        "radius_m": radius_m,
        "fixed": fixed,
        "weights": np.asarray(demand, dtype=float),
        "capacity": cap,
    }
    before = siting.capacitated_mclp(site_pairs, p=0, **common)
    result = siting.capacitated_mclp(site_pairs, p=p, **common)
    lon, lat = to_lon_lat(network.x_m[nodes], network.y_m[nodes], crs=network.crs)
    out = []
    for k, site in enumerate(result.chosen):
        served = [areas[int(i)].name for i in np.flatnonzero(result.assigned == site)]
        out.append(SiteProposal(float(lon[site]), float(lat[site]), float(result.gain[k]), served))
    return out, float(before.covered_weight), float(result.covered_weight)


LEVELS = [lvl.value for lvl in Level]

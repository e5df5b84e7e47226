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
from scipy.spatial import cKDTree

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
MAX_AGE = core.MAX_AGE
entry_year = core.entry_year
contiguity = core.contiguity

REACH_FACTOR = 6  # distances are searched up to 6 × the level's radius (at least 5 km): beyond, "no school"


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
    counted: dict[int, NDArray[np.float64]] | None = None,
) -> Forecast:
    """Children by area and single age for this school year and the profile's forecast years: the
    areas' children by school age from a register of birth dates (``counted``, by area id) where there is
    one, else their age bands spread over single years, cohorts moved up a year, newborns from the birth
    rate, and the children of housing delivered after today (dwellings × persons per household ×
    occupancy × the zone's share of residents at each age), added in the year of its delivery (planned
    or actual) to the development's area (or the nearest area)."""
    years = p.forecast_years
    n = len(areas)
    counted = counted or {}
    ages = np.array(
        [counted[a.pk] if a.pk in counted else core.single_years(_bands(a)) for a in areas]
    ).reshape(n, core.MAX_AGE + 1)
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


def shift_ages(ages: NDArray[np.float64], years: int) -> NDArray[np.float64]:
    """Children counted ``years`` school years ago, each a year older per year (those past 14 leave)."""
    out = np.zeros(core.MAX_AGE + 1)
    if years <= core.MAX_AGE:
        out[years:] = np.asarray(ages, dtype=float)[: core.MAX_AGE + 1 - years]
    return out


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
    (6 × the radius, at least 5 km) or where one of them is off the network."""
    out = np.full((len(areas), len(schools)), np.inf)
    if not areas or not schools:
        return out
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    origins = engine.snap(network, gates[:, 0], gates[:, 1])
    pts = [s.access_point for s in schools]
    targets = engine.snap(network, [x for x, _ in pts], [y for _, y in pts])
    pairs = engine.pairs_within(network, origins, targets, max_m=max(REACH_FACTOR * radius_m, 5000.0))
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


def adjacency_by_centres(areas: Sequence[ResidentialArea]) -> list[tuple[int, int]]:
    """Which areas are neighbours (Delaunay on their centres, on a local plane in metres)."""
    if not areas:
        return []
    lon = np.array([a.center_lon for a in areas])
    lat = np.array([a.center_lat for a in areas])
    x, y = _local_xy(lon, lat, float(lat.mean()))
    return core.neighbours(x, y)


@dataclass(frozen=True)
class SiteProposal:
    lon: float
    lat: float
    children: float  # the forecast children it takes
    areas: list[str]  # the areas it serves (the largest share of each)


@dataclass(frozen=True)
class Proposal:
    sites: list[SiteProposal]
    children: float  # the children of the areas short of places
    unplaced_before: float  # of them, without a place at today's schools (within reach)
    unplaced_after: float  # … with the new schools
    mean_walk_m: float | None  # of the placed children, with the new schools


def _area_pairs(
    network: Network, areas: Sequence[ResidentialArea], sites: engine.Snapped, max_m: float
) -> siting.Pairs:
    """Walking metres from each area (its nearest gate) to each site within ``max_m``, one pair each."""
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    origins = engine.snap(network, gates[:, 0], gates[:, 1])
    pairs = engine.pairs_within(network, origins, sites, max_m=max_m)
    best: dict[tuple[int, int], float] = {}
    for g, f, dist in zip(
        pairs.origin.tolist(), pairs.facility.tolist(), pairs.distance_m.tolist(), strict=True
    ):
        key = (int(gate_area[g]), int(f))
        if dist < best.get(key, np.inf):
            best[key] = dist
    keys = sorted(best)
    return siting.Pairs(
        demand=np.array([k[0] for k in keys], dtype=np.int64),
        site=np.array([k[1] for k in keys], dtype=np.int64),
        distance_m=np.array([best[k] for k in keys], dtype=float),
    )


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
    spacing_m: float = 250.0,
) -> Proposal:
    """``p`` new schools of ``new_places`` places each for the children of ``areas`` (the catchments short
    of places), on street-network nodes near them (one per ``spacing_m`` cell), beside their ``schools``
    at their places: the capacitated p-median of the siting core — the least total walk, a child without
    a place counting as a walk of the reach (6 × the radius, at least 5 km), so that the new schools
    first take the children left without a place, then shorten the walks."""
    if not areas or p < 1:
        return Proposal([], float(np.sum(demand)), 0.0, 0.0, None)
    reach = max(REACH_FACTOR * radius_m, 5000.0)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    gx, gy = to_projected(gates[:, 0], gates[:, 1], crs=network.crs)
    # candidates: street nodes within the radius (straight line) of a gate of the areas short of places
    tree = cKDTree(np.column_stack([gx, gy]))
    gap, _nearest = tree.query(np.column_stack([network.x_m, network.y_m]), distance_upper_bound=radius_m)
    idx = np.flatnonzero(np.isfinite(gap))
    cells = np.floor(np.column_stack([network.x_m[idx], network.y_m[idx]]) / spacing_m).astype(np.int64)
    _c, first = np.unique(cells, axis=0, return_index=True)
    nodes = idx[np.sort(first)]
    cands = engine.at_nodes(network, nodes)
    pts = [s.access_point for s in schools]
    all_sites = (
        cands
        if not schools
        else engine.concat(cands, engine.snap(network, [x for x, _ in pts], [y for _, y in pts]))
    )
    pairs = _area_pairs(network, areas, all_sites, reach)
    n_new = nodes.size
    w = np.asarray(demand, dtype=float)
    common: dict[str, Any] = {
        "n_demand": len(areas),
        "n_sites": n_new + len(schools),
        "fixed": np.arange(n_new, n_new + len(schools), dtype=np.int64),
        "weights": w,
        "capacity": np.r_[np.full(n_new, float(new_places)), np.asarray(capacity, dtype=float)],
        "unserved_m": reach,
    }
    before = siting.capacitated_p_median(pairs, p=0, **common)
    result = siting.capacitated_p_median(pairs, p=min(p, n_new), **common)
    lon, lat = to_lon_lat(network.x_m[nodes], network.y_m[nodes], crs=network.crs)
    sites = [
        SiteProposal(
            float(lon[site]),
            float(lat[site]),
            float(result.gain[k]),
            [areas[int(i)].name for i in np.flatnonzero(result.assigned == site)],
        )
        for k, site in enumerate(result.chosen)
        if result.gain[k] > 0
    ]
    total = float(w.sum())
    served = result.covered_weight
    return Proposal(
        sites,
        total,
        max(0.0, total - before.covered_weight),
        max(0.0, total - served),
        result.objective / served if served > 0 else None,
    )


LEVELS = [lvl.value for lvl in Level]

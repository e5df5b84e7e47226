"""The one place where the life-circle app meets the analysis core: ORM rows ⇄ arrays, database keys
⇄ 0..n-1 indices, and the array work of an evaluation, a siting proposal and a scenario comparison
(gaoxin.analysis.access, .circles, .siting). Reads and writes stay in queries.py and services.py."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from django.conf import settings
from django.utils.translation import gettext as _

from gaoxin.analysis import access as engine
from gaoxin.analysis import siting, siting_plan
from gaoxin.analysis.circles import CircleInputs, CircleResult, mean_supply_ratio, weighted_coverage
from gaoxin.analysis.circles import evaluate as evaluate_arrays
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import to_lon_lat, to_projected
from gaoxin.analysis.network import Network
from gaoxin.common.errors import describe
from gaoxin.lifecircle.choices import DEMAND_BANDS, DemandGroup
from gaoxin.lifecircle.models import CandidateList, ProfileItem
from gaoxin.places.choices import FacilityStatus, ServiceClass
from gaoxin.places.models import AGE_BANDS, Facility, ResidentialArea, Zone

CLASSES = [c.value for c in ServiceClass]
GROUPS = [g.value for g in DemandGroup]


class EvaluationError(Exception):
    """An evaluation, a proposal or a comparison cannot run (no network, no areas, …); the message is
    translated."""


@dataclass
class Loaded:
    inputs: CircleInputs
    areas: list[ResidentialArea]
    facility_ids: list[int]
    items: list[dict[str, Any]]
    profile_codes: list[str] = field(default_factory=list)  # walking profiles other than distance


def item_snapshot(profile_items: Any) -> list[dict[str, Any]]:
    """The profile items as plain data (stored with each evaluation: what the run measured against)."""
    return [
        {
            "type": it.facility_type.code,
            "type_zh": it.facility_type.name_zh,
            "type_en": it.facility_type.name_en,
            "class": it.facility_type.service_class,
            "radius_m": it.radius_m,
            "mandatory": it.mandatory,
            "norm_per_person": float(it.norm_per_person) if it.norm_per_person is not None else None,
            "demand_group": it.demand_group,
            "walk_profile": it.walk_profile,
            "checklist_min_coverage": float(it.checklist_min_coverage)
            if it.checklist_min_coverage is not None
            else None,
            "clause": it.clause,
        }
        for it in profile_items
    ]


@dataclass(frozen=True)
class ExtraFacility:
    """A facility that exists only in a scenario."""

    type_code: str
    lon: float
    lat: float
    capacity: int


def planned_areas(
    existing: list[ResidentialArea], planned: list[tuple[str, float, float, int]]
) -> list[ResidentialArea]:
    """Unsaved areas for planned housing: one gate at the given point, the population split over the
    age bands in the proportions of the existing areas."""
    total = sum(a.population for a in existing) or 1
    shares = {band: sum(getattr(a, band) for a in existing) / total for band, _label in AGE_BANDS}
    out = []
    for name, lon, lat, population in planned:
        area = ResidentialArea(
            name=name, center_lon=lon, center_lat=lat, gates=[[lon, lat]], population=population
        )
        for band, share in shares.items():
            setattr(area, band, round(population * share))
        out.append(area)
    return out


def load(
    zone: Zone,
    items: list[dict[str, Any]],
    *,
    extra: list[ExtraFacility] | None = None,
    closed: set[int] | None = None,
    planned_housing: list[tuple[str, float, float, int]] | None = None,
) -> Loaded:
    """Residential areas (with population) and open facilities of the profile's types, as arrays.
    A scenario adds ``extra`` facilities, leaves out the ``closed`` facility ids, and adds
    ``planned_housing`` (name, lon, lat, population) with the zone's average age structure."""
    areas = list(ResidentialArea.objects.filter(street__zone=zone, population__gt=0).order_by("pk"))
    if planned_housing:
        areas += planned_areas(areas, planned_housing)
    gate_area: list[int] = []
    gate_xy: list[tuple[float, float]] = []
    for i, area in enumerate(areas):
        for lon, lat in area.gate_points():
            gate_area.append(i)
            gate_xy.append((lon, lat))
    item_of = {it["type"]: k for k, it in enumerate(items)}
    facilities = list(
        Facility.objects.filter(street__zone=zone, status=FacilityStatus.OPEN, type__code__in=list(item_of))
        .select_related("type")
        .order_by("pk")
    )
    facilities = [f for f in facilities if f.pk not in (closed or set())]
    extras = [e for e in (extra or []) if e.type_code in item_of]
    fxy = np.array(
        [f.access_point for f in facilities] + [(e.lon, e.lat) for e in extras], dtype=float
    ).reshape(-1, 2)
    gxy = np.array(gate_xy, dtype=float).reshape(-1, 2)
    profile_codes = sorted({_walk(it) for it in items} - {"distance"})
    demand = np.zeros((len(areas), len(GROUPS)))
    for g, group in enumerate(GROUPS):
        for band in DEMAND_BANDS[group]:
            demand[:, g] += [getattr(a, band) for a in areas]
    inputs = CircleInputs(
        gate_area=np.array(gate_area, dtype=np.int64),
        gate_lon=gxy[:, 0],
        gate_lat=gxy[:, 1],
        area_population=np.array([a.population for a in areas], dtype=float),
        area_demand=demand,
        facility_item=np.array(
            [item_of[f.type.code] for f in facilities] + [item_of[e.type_code] for e in extras],
            dtype=np.int64,
        ),
        facility_lon=fxy[:, 0],
        facility_lat=fxy[:, 1],
        facility_capacity=np.array(
            [f.capacity or 0 for f in facilities] + [e.capacity for e in extras], dtype=float
        ),
        item_radius_m=np.array([it["radius_m"] for it in items], dtype=float),
        item_mandatory=np.array([it["mandatory"] for it in items], dtype=bool),
        item_class=np.array([CLASSES.index(it["class"]) for it in items], dtype=np.int64),
        item_norm=np.array(
            [np.nan if it["norm_per_person"] is None else it["norm_per_person"] for it in items], dtype=float
        ),
        item_group=np.array(
            [GROUPS.index(it["demand_group"]) if it["demand_group"] else -1 for it in items], dtype=np.int64
        ),
        n_classes=len(CLASSES),
        item_network=np.array(
            [0 if _walk(it) == "distance" else 1 + profile_codes.index(_walk(it)) for it in items],
            dtype=np.int64,
        ),
    )
    return Loaded(
        inputs=inputs,
        areas=areas,
        facility_ids=[f.pk for f in facilities] + [0] * len(extras),
        items=items,
        profile_codes=profile_codes,
    )


def _walk(item: dict[str, Any]) -> str:
    """The walking profile an item is measured for (runs stored before profiles: distance)."""
    return str(item.get("walk_profile") or "distance")


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 2)


def area_rows(loaded: Loaded, result: CircleResult) -> list[dict[str, Any]]:
    """One dict per area, ready for AreaResult."""
    rows = []
    mandatory = [it["mandatory"] for it in loaded.items]
    for i, area in enumerate(loaded.areas):
        items = {}
        for k, it in enumerate(loaded.items):
            f = int(result.facility[i, k])
            items[it["type"]] = {
                "distance_m": _num(result.distance_m[i, k]),
                "facility_id": loaded.facility_ids[f] if f >= 0 else None,
                "covered": bool(result.covered[i, k]),
                "count": int(result.count[i, k]),
                "supply_ratio": _num(result.supply_ratio[i, k]),
            }
        missing = sum(1 for k in range(len(loaded.items)) if mandatory[k] and not result.covered[i, k])
        rows.append(
            {
                "area": area,
                "population": area.population,
                "completeness": _num(result.completeness[i]),
                "passes": missing == 0,
                "missing": missing,
                "class_completeness": {
                    c: _num(result.class_completeness[i, j]) for j, c in enumerate(CLASSES)
                },
                "items": items,
            }
        )
    return rows


def summary(loaded: Loaded, result: CircleResult) -> dict[str, Any]:
    """Population-weighted coverage per item for the zone, each street and each community;
    completeness and pass counts."""
    areas = loaded.areas
    pop = loaded.inputs.area_population
    out: dict[str, Any] = {"items": [it["type"] for it in loaded.items], "classes": CLASSES}
    for level, key in (("street", "street_id"), ("community", "community_id")):
        ids = sorted({getattr(a, key) for a in areas})
        index = {v: i for i, v in enumerate(ids)}
        groups = np.array([index[getattr(a, key)] for a in areas], dtype=np.int64)
        cov = weighted_coverage(result.covered, pop, groups, len(ids))
        out[level] = {
            str(v): [None if np.isnan(x) else round(float(x), 4) for x in cov[i]] for v, i in index.items()
        }
    zone_cov = weighted_coverage(result.covered, pop, np.zeros(len(areas), dtype=np.int64), 1)[0]
    out["zone"] = [None if np.isnan(x) else round(float(x), 4) for x in zone_cov]
    passes = [bool(not (~result.covered[i] & loaded.inputs.item_mandatory).any()) for i in range(len(areas))]
    out["areas"] = len(areas)
    out["areas_passing"] = int(sum(passes))
    out["population"] = int(pop.sum())
    out["population_passing"] = int(sum(p for p, ok in zip(pop, passes, strict=True) if ok))
    out["mean_completeness"] = round(float(np.nanmean(result.completeness)), 4) if len(areas) else None
    out["unreachable_gates"] = int(result.unreachable_gates.size)
    out["unreachable_facilities"] = int(result.unreachable_facilities.size)
    return out


# --- siting ----------------------------------------------------------------------------------------


def propose(
    item: ProfileItem,
    areas: list[ResidentialArea],
    existing: list[Facility],
    network: Network,
    *,
    p: int | None,
    capacity_per_site: float | None = None,
    median: bool = False,
    center: bool = False,
    candidate_list: CandidateList | None = None,
    candidate_spacing_m: float = 100.0,
) -> dict[str, Any]:
    """:func:`_propose` within the installation's solver time limit (settings.GAOXIN_SITING_TIME_LIMIT_S):
    a search it stops returns its best sites, the result's ``solver_gap`` saying how close to the best."""
    with siting.time_limit(settings.GAOXIN_SITING_TIME_LIMIT_S):
        return _propose(
            item,
            areas,
            existing,
            network,
            p=p,
            capacity_per_site=capacity_per_site,
            median=median,
            center=center,
            candidate_list=candidate_list,
            candidate_spacing_m=candidate_spacing_m,
        )


def _propose(
    item: ProfileItem,
    areas: list[ResidentialArea],
    existing: list[Facility],
    network: Network,
    *,
    p: int | None,
    capacity_per_site: float | None = None,
    median: bool = False,
    center: bool = False,
    candidate_list: CandidateList | None = None,
    candidate_spacing_m: float = 100.0,
) -> dict[str, Any]:
    """Where to build next, on arrays: the ``p`` best new sites (MCLP) for a profile item, or the fewest
    that reach everyone (LSCP, ``p`` None), for the demand of ``areas`` (the item's demand group; all
    residents when it has none), walking from the areas' gates. Candidates: street-network nodes near
    the demand, thinned to about one per ``candidate_spacing_m``, or the sites of ``candidate_list``
    near the demand (vacant parcels, 配套用房; a listed site's own places count when capacities are
    respected, and sites farther from every street than the snapping tolerance are left out and named);
    the ``existing`` open facilities of the type count as fixed sites.

    With ``capacity_per_site`` (places of a new site) the capacitated model of the objective is solved
    (MCLP, LSCP or p-median): a site serves at most its capacity (existing facilities their recorded
    capacity; one without a recorded capacity counts with ``capacity_per_site``), and the gain of a site
    is the people it actually serves.

    With ``median`` the p-median is solved instead: ``p`` new sites that minimise the total walking
    distance of the demand to its nearest site (over walks up to ``MEDIAN_REACH`` × the radius); the
    result carries the average walk today and with the sites, and each site's gain is the person-metres
    its closing alone would add.

    With ``center`` the p-center is solved: at most ``p`` new sites so that the longest walk of anyone
    to the nearest site is the shortest possible (the equity objective; over the same walks as the
    p-median). Without capacity and ``center`` or ``median``, the result carries the coverage curve:
    for k = 0 … the sites proposed, the most people k new sites can reach (each k solved on its own)."""
    group = item.demand_group or "all"
    weights = np.array([sum(getattr(a, band) for band in DEMAND_BANDS[group]) for a in areas], dtype=float)
    reach = float(item.radius_m)
    gate_area, origins, cands = _gates_and_candidates(
        areas, network, reach, candidate_list, candidate_spacing_m
    )
    sites = cands.snapped
    fixed_snap = (
        engine.snap(network, [f.access_point[0] for f in existing], [f.access_point[1] for f in existing])
        if existing
        else None
    )
    all_sites = sites if fixed_snap is None else engine.concat(sites, fixed_snap)
    n_new = len(sites)
    pairs = engine.pairs_within(
        network, origins, all_sites, max_m=reach * (MEDIAN_REACH if median or center else 1)
    )
    demand = gate_area[pairs.origin]
    site_pairs = siting.Pairs(demand=demand, site=pairs.facility, distance_m=pairs.distance_m)
    fixed = np.arange(n_new, n_new + len(existing), dtype=np.int64)
    n_sites = n_new + len(existing)
    if capacity_per_site is not None and capacity_per_site <= 0:
        raise EvaluationError(_("The places of a new site must be a positive number."))
    capacity = (
        None
        if capacity_per_site is None
        else np.array(
            [c if np.isfinite(c) else capacity_per_site for c in cands.capacity]  # a listed site's own places
            + [float(f.capacity) if f.capacity else capacity_per_site for f in existing],
            dtype=float,
        )
    )
    if center:
        return _center_proposal(
            item, group, areas, weights, site_pairs, n_new, fixed, p, cands, len(existing)
        )
    if median:
        return _median_proposal(
            item,
            group,
            areas,
            weights,
            site_pairs,
            n_new,
            fixed,
            p,
            cands,
            len(existing),
            capacity,
            capacity_per_site,
        )
    common: dict[str, Any] = {
        "n_demand": len(areas),
        "n_sites": n_sites,
        "radius_m": reach,
        "fixed": fixed,
        "weights": weights,
    }
    try:
        if capacity is not None and p is None:
            result: siting.SitingResult = siting.capacitated_lscp(site_pairs, capacity=capacity, **common)
        elif capacity is not None and p is not None:
            result = siting.capacitated_mclp(site_pairs, p=p, capacity=capacity, **common)
        elif p is None:
            result = siting.lscp(site_pairs, **common)
        else:
            result = siting.mclp(site_pairs, p=p, **common)
    except siting.InfeasibleError as exc:
        raise EvaluationError(_infeasible_message(exc, areas, item.radius_m)) from None
    except AnalysisError as exc:
        raise EvaluationError(describe(exc)) from None
    by_existing = (pairs.facility >= n_new) & (pairs.distance_m <= reach)
    covered_before = float(weights[np.unique(demand[by_existing])].sum())
    if capacity is not None:  # what today's facilities can serve within their places
        today = siting.capacitated_mclp(site_pairs, p=0, capacity=capacity, **common)
        covered_before = today.covered_weight
    proposals = [
        cands.proposal(j, round(gain), _served_areas(result, site_pairs, areas, j))
        for j, gain in zip(result.chosen.tolist(), result.gain.tolist(), strict=True)
    ]
    curve: list[dict[str, Any]] = []
    if capacity is None:  # the people k new sites can reach at best, k = 0 … the sites proposed
        for k in range(result.chosen.size + 1):
            best = siting.mclp(site_pairs, p=k, **common)
            curve.append({"sites": k, "total": round(best.covered_weight, 1), "proven": best.gap is None})
    return {
        "item": item,
        "group": group,
        "proposals": proposals,
        "solver_gap": result.gap,
        "total_weight": float(weights.sum()),
        "covered_after": round(result.covered_weight, 1),
        "existing": len(existing),
        "candidates": n_new,
        "candidate_list": candidate_list.name if candidate_list else None,
        "unreachable_candidates": cands.dropped,
        "covered_before": round(covered_before, 1),
        "capacity_per_site": capacity_per_site,
        "curve": _curve_steps(curve, float(weights.sum())),
    }


def _gates_and_candidates(
    areas: list[Any], network: Network, reach: float, candidate_list: CandidateList | None, spacing_m: float
) -> tuple[np.ndarray, engine.Snapped, Candidates]:
    """The areas' gates on the network (with the area of each) and the candidate sites near them (within
    ``reach`` of a gate's box): street-network points about every ``spacing_m``, or the listed sites."""
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    gx, gy = to_projected(gates[:, 0], gates[:, 1], crs=network.crs)
    box = (gx.min() - reach, gx.max() + reach, gy.min() - reach, gy.max() + reach)  # near the demand
    cands = (
        _network_candidates(network, box, spacing_m)
        if candidate_list is None
        else _listed_candidates(network, box, candidate_list)
    )
    return gate_area, engine.snap(network, gates[:, 0], gates[:, 1]), cands


@dataclass
class Candidates:
    """The candidate sites of a proposal: where each lies, its name (listed sites), its own places
    (NaN when unknown), its point on the network, and the listed sites left out as unreachable."""

    lon: np.ndarray
    lat: np.ndarray
    names: list[str | None]
    capacity: np.ndarray
    snapped: engine.Snapped
    dropped: list[str]
    list_name: str | None = None
    land_cost: np.ndarray | None = None  # yuan per listed site (NaN: not given)

    def proposal(self, j: int, gain: float | None, areas: list[str]) -> dict[str, Any]:
        return {
            "lon": round(float(self.lon[j]), 6),
            "lat": round(float(self.lat[j]), 6),
            "name": self.names[j],
            "capacity": int(self.capacity[j]) if np.isfinite(self.capacity[j]) else None,  # its own places
            "gain": gain,
            "areas": areas,
        }


def _network_candidates(network: Any, box: tuple[float, ...], spacing_m: float) -> Candidates:
    """Street-network nodes inside the box, one per grid cell of ``spacing_m``."""
    x0, x1, y0, y1 = box
    near = (network.x_m >= x0) & (network.x_m <= x1) & (network.y_m >= y0) & (network.y_m <= y1)
    cells = np.floor(np.column_stack([network.x_m, network.y_m]) / spacing_m).astype(np.int64)
    idx = np.flatnonzero(near)
    _cells, first = np.unique(cells[idx], axis=0, return_index=True)
    nodes = idx[np.sort(first)]
    lon, lat = to_lon_lat(network.x_m[nodes], network.y_m[nodes], crs=network.crs)
    return Candidates(
        lon=np.asarray(lon),
        lat=np.asarray(lat),
        names=[None] * nodes.size,
        capacity=np.full(nodes.size, np.nan),
        snapped=engine.at_nodes(network, nodes),
        dropped=[],
    )


def _listed_candidates(network: Any, box: tuple[float, ...], candidate_list: CandidateList) -> Candidates:
    """The listed sites inside the box that lie within the snapping tolerance of a street."""
    listed = list(candidate_list.sites.all())
    if not listed:
        raise EvaluationError(_("The candidate list %(name)s is empty.") % {"name": candidate_list.name})
    lon = np.array([c.lon for c in listed])
    lat = np.array([c.lat for c in listed])
    x, y = to_projected(lon, lat, crs=network.crs)
    x0, x1, y0, y1 = box
    inside = (x >= x0) & (x <= x1) & (y >= y0) & (y <= y1)
    snapped = engine.snap(network, lon, lat)
    keep = np.flatnonzero(inside & snapped.reachable)
    dropped = [listed[i].name for i in np.flatnonzero(inside & ~snapped.reachable).tolist()]
    if keep.size == 0:
        raise EvaluationError(
            _("No site of the candidate list %(name)s lies near these residential areas and a street.")
            % {"name": candidate_list.name}
        )
    return Candidates(
        lon=lon[keep],
        lat=lat[keep],
        names=[listed[i].name for i in keep.tolist()],
        capacity=np.array([float(listed[i].capacity or np.nan) for i in keep.tolist()]),
        snapped=engine.Snapped(
            edge=snapped.edge[keep],
            offset_m=snapped.offset_m[keep],
            distance_m=snapped.distance_m[keep],
            reachable=snapped.reachable[keep],
            node=snapped.node[keep],
        ),
        dropped=dropped,
        list_name=candidate_list.name,
        land_cost=np.array([_yuan_or_nan(listed[i].land_cost) for i in keep.tolist()]),
    )


def _yuan_or_nan(amount_10k: Any) -> float:
    """A listed site's land cost (万元) in yuan; NaN when the list gives none."""
    return float(amount_10k) * 1e4 if amount_10k is not None else float("nan")


def _served_areas(result: siting.SitingResult, pairs: siting.Pairs, areas: list[Any], site: int) -> list[str]:
    """The names of the areas a chosen site serves: its assigned areas, or with capacities every area
    that sends it a share of its demand."""
    if isinstance(result, siting.CapacitatedResult):
        which = pairs.demand[(pairs.site == site) & (result.share > 1e-9)]
    else:
        which = np.flatnonzero(result.assigned == site)
    return sorted({areas[i].name for i in which.tolist()})


def _infeasible_message(exc: siting.InfeasibleError, areas: list[Any], radius_m: float) -> str:
    names = "、".join(areas[i].name for i in exc.points[:20])
    if isinstance(exc, siting.CapacityShortError):
        return _(
            "Even with a new site at every candidate point, the places within %(r)s m cannot take "
            "everyone: %(n)s people are left over, in %(names)s. Raise the places per site or add candidates."
        ) % {"r": round(radius_m), "n": f"{exc.short:,.0f}", "names": names}
    return _("No candidate site reaches these areas within %(r)s m: %(names)s") % {
        "r": round(radius_m),
        "names": names,
    }


MEDIAN_REACH = 3.0  # p-median considers walks up to 3 × the item's radius


def _median_proposal(
    item: ProfileItem,
    group: str,
    areas: list[Any],
    weights: np.ndarray,
    site_pairs: siting.Pairs,
    n_new: int,
    fixed: np.ndarray,
    p: int | None,
    cands: Candidates,
    n_existing: int,
    capacity: np.ndarray | None,
    capacity_per_site: float | None,
) -> dict[str, Any]:
    if p is None:
        raise EvaluationError(_("The shortest-walk model needs the number of new sites."))
    unserved_m = float(item.radius_m) * MEDIAN_REACH  # beyond the reach: counted as that walk
    d = site_pairs.demand
    within = site_pairs.distance_m <= float(item.radius_m)

    def solve(budget: int) -> tuple[siting.SitingResult, float]:
        """The model with ``budget`` new sites, and the people it serves within the item's radius."""
        common: dict[str, Any] = {
            "n_demand": len(areas),
            "n_sites": n_new + n_existing,
            "p": budget,
            "fixed": fixed,
        }
        if capacity is None:
            res = siting.p_median(site_pairs, weights=weights, unserved_m=unserved_m, **common)
            open_now = np.zeros(n_new + n_existing, dtype=bool)
            open_now[res.chosen] = True
            open_now[fixed] = True
            return res, float(weights[np.unique(d[within & open_now[site_pairs.site]])].sum())
        res = siting.capacitated_p_median(
            site_pairs, weights=weights, unserved_m=unserved_m, capacity=capacity, **common
        )
        return res, float((weights[d] * res.share)[within].sum())

    try:
        # today (existing facilities only; with capacities, what their places can take), and with p sites
        today, covered_before = solve(0)
        result, covered_after = solve(p)
    except AnalysisError as exc:
        raise EvaluationError(describe(exc)) from None
    proposals = [
        cands.proposal(
            j,
            # person-km its closing would add; with capacities, the people it serves
            round(gain / (1000 if capacity is None else 1)) if np.isfinite(gain) else None,
            _served_areas(result, site_pairs, areas, j),
        )
        for j, gain in zip(result.chosen.tolist(), result.gain.tolist(), strict=True)
    ]
    return {
        "item": item,
        "group": group,
        "model": "median",
        "proposals": proposals,
        "total_weight": float(weights.sum()),
        "covered_before": round(covered_before, 1),
        "covered_after": round(covered_after, 1),
        "reached_after": round(result.covered_weight, 1),
        # the average walk of the people served (within the reach), today and with the sites
        "walk_before_m": round(today.objective / today.covered_weight) if today.covered_weight else None,
        "walk_after_m": round(result.objective / (result.covered_weight or 1.0)),
        "reach_m": round(unserved_m),
        "solver_gap": max((g for g in (today.gap, result.gap) if g is not None), default=None),
        "existing": n_existing,
        "candidates": n_new,
        "candidate_list": cands.list_name,
        "unreachable_candidates": cands.dropped,
        "capacity_per_site": capacity_per_site,
    }


def _longest_walk(
    pairs: siting.Pairs, open_sites: np.ndarray, weights: np.ndarray, n_demand: int
) -> float | None:
    """The longest walk of anyone (areas with people) to the nearest open site over the pairs; None
    when someone has no open site within them."""
    walk = np.full(n_demand, np.inf)
    on = open_sites[pairs.site]
    np.minimum.at(walk, pairs.demand[on], pairs.distance_m[on])
    need = weights > 0
    if not need.any():
        return 0.0
    longest = float(walk[need].max())
    return round(longest) if np.isfinite(longest) else None


def _center_proposal(
    item: ProfileItem,
    group: str,
    areas: list[Any],
    weights: np.ndarray,
    site_pairs: siting.Pairs,
    n_new: int,
    fixed: np.ndarray,
    p: int | None,
    cands: Candidates,
    n_existing: int,
) -> dict[str, Any]:
    if p is None:
        raise EvaluationError(_("The longest-walk model needs the number of new sites."))
    n_sites = n_new + n_existing
    try:
        result = siting_plan.p_center(
            site_pairs, n_demand=len(areas), n_sites=n_sites, p=p, fixed=fixed, weights=weights
        )
    except siting.InfeasibleError as exc:
        raise EvaluationError(_infeasible_message(exc, areas, float(item.radius_m) * MEDIAN_REACH)) from None
    except AnalysisError as exc:
        raise EvaluationError(describe(exc)) from None
    today = np.zeros(n_sites, dtype=bool)
    today[fixed] = True
    after = today.copy()
    after[result.chosen] = True
    within = site_pairs.distance_m <= float(item.radius_m)
    d = site_pairs.demand

    def reached(open_sites: np.ndarray) -> float:
        return float(weights[np.unique(d[within & open_sites[site_pairs.site]])].sum())

    served = [float(weights[result.assigned == j].sum()) for j in result.chosen.tolist()]
    order = np.argsort(-np.array(served), kind="stable") if served else np.array([], dtype=np.int64)
    proposals = [
        cands.proposal(
            int(result.chosen[k]),
            round(served[k]),
            sorted({areas[i].name for i in np.flatnonzero(result.assigned == result.chosen[k]).tolist()}),
        )
        for k in order.tolist()
    ]
    return {
        "item": item,
        "group": group,
        "model": "center",
        "proposals": proposals,
        "total_weight": float(weights.sum()),
        "covered_before": round(reached(today), 1),
        "covered_after": round(reached(after), 1),
        "longest_before_m": _longest_walk(site_pairs, today, weights, len(areas)),
        "longest_after_m": round(result.objective),
        "reach_m": round(float(item.radius_m) * MEDIAN_REACH),
        "sites_used": int(result.chosen.size),
        "sites_asked": p,
        "solver_gap": result.gap,
        "existing": n_existing,
        "candidates": n_new,
        "candidate_list": cands.list_name,
        "unreachable_candidates": cands.dropped,
        "capacity_per_site": None,
    }


# --- plans: several types, costs and a budget --------------------------------------------------------


def _curve_steps(curve: list[dict[str, Any]], whole: float) -> list[dict[str, Any]]:
    """The coverage curve's points with what each further site adds and the share of the demand
    reached (per cent, for the bars)."""
    for k, pt in enumerate(curve):
        pt["added"] = round(pt["total"] - curve[k - 1]["total"], 1) if k else 0.0
        pt["percent"] = round(100.0 * pt["total"] / whole, 1) if whole > 0 else 0.0
    return curve


def _ten_thousands(yuan: float) -> float:
    """An amount of yuan in 万元 (two decimals), as the zone's budgets are written."""
    return round(float(yuan) / 1e4, 2)


@dataclass(frozen=True)
class TypeCosts:
    """What a new site of a type costs (yuan): building or fit-out once, and running per year."""

    build_yuan: float
    running_yuan: float


def plan(
    items: list[ProfileItem],
    areas: list[ResidentialArea],
    existing: dict[str, list[Facility]],
    network: Network,
    *,
    costs: dict[str, TypeCosts],
    years: int,
    land_cost_yuan: float,
    budget_yuan: float | None,
    max_lots: int | None = None,
    colocate: bool = False,
    closable: bool = False,
    min_street_share: float | None = None,
    candidate_list: CandidateList | None = None,
    candidate_spacing_m: float = 100.0,
    outside: list[ResidentialArea] | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Where to build next with money: one or several facility types (e.g. the elderly canteen with
    the day-care centre) on shared candidate lots, spending at most ``budget_yuan`` (None: no money
    limit, then ``max_lots``) over the plan's ``years``: a lot's land or premises cost (the candidate
    list's, else ``land_cost_yuan``) is paid once however many types it hosts, each type's building
    cost and its running cost × years per site. With ``colocate`` every lot used hosts every type; with
    ``closable`` existing facilities may close (the running cost × years a closure saves pays for new
    sites; closing one to open a better-placed one is a move); ``min_street_share`` asks each street to
    have at least that share of each type's demand reached (equity). The result carries the coverage
    curve (the best plan with 0, 1, … lots, within the same budget) and, like the other models, the
    solver's gap when its time limit stopped it (settings.GAOXIN_SITING_TIME_LIMIT_S). An existing
    facility that also serves ``outside`` areas (the zone's others, when one street is planned) never
    closes."""
    with siting.time_limit(settings.GAOXIN_SITING_TIME_LIMIT_S):
        return _plan(
            items,
            areas,
            existing,
            network,
            costs=costs,
            years=years,
            land_cost_yuan=land_cost_yuan,
            budget_yuan=budget_yuan,
            max_lots=max_lots,
            colocate=colocate,
            closable=closable,
            min_street_share=min_street_share,
            candidate_list=candidate_list,
            candidate_spacing_m=candidate_spacing_m,
            outside=outside or [],
            progress=progress,
        )


def _plan(
    items: list[ProfileItem],
    areas: list[ResidentialArea],
    existing: dict[str, list[Facility]],
    network: Network,
    *,
    costs: dict[str, TypeCosts],
    years: int,
    land_cost_yuan: float,
    budget_yuan: float | None,
    max_lots: int | None,
    colocate: bool,
    closable: bool,
    min_street_share: float | None,
    candidate_list: CandidateList | None,
    candidate_spacing_m: float,
    outside: list[ResidentialArea],
    progress: Callable[[float, str], None] | None,
) -> dict[str, Any]:
    reach = max(float(it.radius_m) for it in items)
    gate_area, origins, cands = _gates_and_candidates(
        areas, network, reach, candidate_list, candidate_spacing_m
    )
    n_lots = len(cands.snapped)
    land = np.full(n_lots, float(land_cost_yuan))
    if cands.land_cost is not None:
        land = np.where(np.isfinite(cands.land_cost), cands.land_cost, land)
    streets = np.array([a.street_id or 0 for a in areas], dtype=np.int64)
    unused: dict[str, list[str]] = {}
    demands: list[siting_plan.TypeDemand] = []
    for it in items:
        code = it.facility_type.code
        group = it.demand_group or "all"
        weights = np.array(
            [sum(getattr(a, band) for band in DEMAND_BANDS[group]) for a in areas], dtype=float
        )
        ex = existing.get(code, [])
        sites = cands.snapped
        may_close = np.ones(len(ex), dtype=bool)
        if ex:
            ex_snapped = engine.snap(
                network, [f.access_point[0] for f in ex], [f.access_point[1] for f in ex]
            )
            sites = engine.concat(sites, ex_snapped)
            if closable and outside:  # a facility that serves people outside the plan stays
                out_gates = np.array([g for a in outside for g in a.gate_points()], dtype=float)
                out = engine.pairs_within(
                    network,
                    engine.snap(network, out_gates[:, 0], out_gates[:, 1]),
                    ex_snapped,
                    max_m=float(it.radius_m),
                )
                may_close[np.unique(out.facility)] = False
        pairs = engine.pairs_within(network, origins, sites, max_m=float(it.radius_m))
        site_pairs = siting.Pairs(
            demand=gate_area[pairs.origin], site=pairs.facility, distance_m=pairs.distance_m
        )
        # A facility that reaches no residential area at all is left alone (the data may miss its
        # users; it is listed for a check), and so is one that also serves people outside the plan.
        reaches = np.zeros(len(ex), dtype=bool)
        reaches[site_pairs.site[site_pairs.site >= n_lots] - n_lots] = True
        may_close &= reaches
        unused[code] = [f.name for f, r in zip(ex, reaches.tolist(), strict=True) if not r]
        cost = costs[code]
        demands.append(
            siting_plan.TypeDemand(
                name=code,
                pairs=site_pairs,
                n_demand=len(areas),
                n_existing=len(ex),
                radius_m=float(it.radius_m),
                weights=weights,
                site_cost=cost.build_yuan + cost.running_yuan * years,
                existing_cost=cost.running_yuan * years,
                groups=streets if min_street_share else None,
                min_share=min_street_share or None,
                may_close=may_close,
            )
        )
    try:
        result, curve = siting_plan.coverage_curve(
            demands,
            n_lots=n_lots,
            lot_cost=land,
            budget=budget_yuan,
            max_lots=max_lots,
            colocate=colocate,
            closable=closable,
            on_point=None
            if progress is None
            else lambda k, n: progress(
                0.2 + 0.75 * k / n, _("coverage curve: %(k)s of %(n)s") % {"k": k, "n": n}
            ),
        )
    except AnalysisError as exc:
        if exc.code == "infeasible":
            raise EvaluationError(
                _(
                    "No plan within this budget gives every street %(share)s %% of its people: raise the "
                    "budget or lower the share."
                )
                % {"share": round((min_street_share or 0) * 100)}
            ) from None
        raise EvaluationError(describe(exc)) from None
    labels = {it.facility_type.code: it.facility_type.label for it in items}
    proposals = []
    for j, gain in zip(result.lots.tolist(), result.gain.tolist(), strict=True):
        here = [k for k, tp in enumerate(result.types) if j in set(tp.lots.tolist())]
        served = sorted(
            {areas[i].name for k in here for i in np.flatnonzero(result.types[k].assigned == j).tolist()}
        )
        row = cands.proposal(j, round(gain), served)
        row["types"] = [labels[result.types[k].name] for k in here]
        row["land_yuan"] = round(float(land[j]))
        row["cost_yuan"] = round(float(land[j]) + sum(float(demands[k].site_cost) for k in here))
        row["cost_10k"] = _ten_thousands(row["cost_yuan"])
        proposals.append(row)
    type_rows = []
    for it, tp, dem in zip(items, result.types, demands, strict=True):
        ex = existing.get(it.facility_type.code, [])
        type_rows.append(
            {
                "code": it.facility_type.code,
                "label": it.facility_type.label,
                "radius_m": it.radius_m,
                "group": it.demand_group or "all",
                "total": round(tp.total, 1),
                "before": round(tp.covered_before, 1),
                "after": round(tp.covered, 1),
                "new_sites": int(tp.lots.size),
                "cost_yuan": round(tp.cost),
                "cost_10k": _ten_thousands(tp.cost),
                "saved_10k": _ten_thousands(tp.saved),
                "site_cost_yuan": round(float(dem.site_cost)),
                "closed": [f.name for f, kept in zip(ex, tp.kept.tolist(), strict=True) if not kept],
                "unused": unused.get(it.facility_type.code, []),
            }
        )
    first = items[0]
    return {
        "item": first,
        "group": first.demand_group or "all",
        "model": "plan",
        "types": type_rows,
        "proposals": proposals,
        "curve": _curve_steps(
            [
                {
                    "sites": pt.lots,
                    "covered": [round(c, 1) for c in pt.covered],
                    "total": round(sum(pt.covered), 1),
                    "cost_yuan": round(pt.cost),
                    "cost_10k": _ten_thousands(pt.cost),
                    "proven": pt.gap is None,
                }
                for pt in curve
            ],
            sum(tp.total for tp in result.types),
        ),
        "cost_yuan": round(result.cost),
        "cost_10k": _ten_thousands(result.cost),
        "budget_yuan": None if budget_yuan is None else round(budget_yuan),
        "budget_10k": None if budget_yuan is None else _ten_thousands(budget_yuan),
        "years": years,
        "colocate": colocate,
        "closable": closable,
        "min_street_share": min_street_share,
        "min_street_percent": round(min_street_share * 100) if min_street_share else None,
        "total_weight": sum(r["total"] for r in type_rows),
        "covered_before": sum(r["before"] for r in type_rows),
        "covered_after": sum(r["after"] for r in type_rows),
        "solver_gap": max((pt.gap for pt in curve if pt.gap is not None), default=None),
        "existing": sum(len(v) for v in existing.values()),
        "candidates": n_lots,
        "candidate_list": cands.list_name,
        "unreachable_candidates": cands.dropped,
        "capacity_per_site": None,
    }


# --- scenarios --------------------------------------------------------------------------------------


def _percent(cover: np.ndarray, weights: np.ndarray) -> list[float | None]:
    """Per column of ``cover`` (areas × items), the percentage of the weight (people) whose area it
    covers — the core's weighted coverage for one group, the whole zone; None without people."""
    share = weighted_coverage(cover, weights, np.zeros(len(weights), dtype=np.int64), 1)[0]
    return [None if np.isnan(x) else round(100 * float(x), 1) for x in share]


def _group_percent(inputs: Any, result: Any, mask: np.ndarray | None = None) -> list[float | None]:
    """Per item, the percentage of its own demand group (e.g. residents aged 60+ for a canteen) whose
    area is within its radius (of the areas of ``mask``, if given); None for an item without a demand
    group."""
    demand = inputs.area_demand if mask is None else inputs.area_demand * mask[:, None]
    by_group = [_percent(result.covered, demand[:, g]) for g in range(demand.shape[1])]
    return [None if g < 0 else by_group[g][k] for k, g in enumerate(inputs.item_group.tolist())]


def compare(
    network: Network,
    items: list[dict[str, Any]],
    base: Loaded,
    what_if: Loaded,
    focus: Sequence[bool] | None = None,
    profile_networks: Sequence[Network] = (),
) -> dict[str, Any]:
    """Today (``base``) and a scenario (``what_if``), evaluated with the same engine and items, side by
    side: per item the share of residents (and of its demand group) within its radius and the
    demand-weighted supply ratio, per service class the share meeting every mandatory item, and the
    areas whose number of missing mandatory items changes (planned housing has no "before").
    ``focus`` (one flag per area of the scenario, today's first): the same shares for those areas only
    — the street a proposal was made for — under the key ``focus``."""
    r0 = evaluate_arrays(network, base.inputs, profile_networks=profile_networks)
    r1 = evaluate_arrays(network, what_if.inputs, profile_networks=profile_networks)
    out = _compare_results(items, base, what_if, r0, r1)
    if focus is not None:
        mask1 = np.asarray(focus, dtype=bool)
        mask0 = mask1[: len(base.areas)]
        out["focus"] = _compare_results(items, base, what_if, r0, r1, mask0, mask1)
    return out


def _compare_results(
    items: list[dict[str, Any]],
    base: Loaded,
    what_if: Loaded,
    r0: Any,
    r1: Any,
    mask0: np.ndarray | None = None,
    mask1: np.ndarray | None = None,
) -> dict[str, Any]:
    """The side-by-side figures of :func:`compare` over the areas of the masks (all without them)."""
    pop0, pop1 = base.inputs.area_population, what_if.inputs.area_population
    if mask0 is not None and mask1 is not None:
        pop0, pop1 = pop0 * mask0, pop1 * mask1
    cov0, cov1 = _percent(r0.covered, pop0), _percent(r1.covered, pop1)
    group0, group1 = _group_percent(base.inputs, r0, mask0), _group_percent(what_if.inputs, r1, mask1)
    ratio0, ratio1 = mean_supply_ratio(base.inputs, r0), mean_supply_ratio(what_if.inputs, r1)
    rows = [
        {
            "type": it["type"],
            "mandatory": it["mandatory"],
            "label": it["type_zh"],
            "radius_m": it["radius_m"],
            "before": cov0[k] or 0.0,
            "after": cov1[k] or 0.0,
            "ratio_before": None if np.isnan(ratio0[k]) else round(float(ratio0[k]), 2),
            "ratio_after": None if np.isnan(ratio1[k]) else round(float(ratio1[k]), 2),
            "group_before": group0[k],
            "group_after": group1[k],
        }
        for k, it in enumerate(items)
    ]
    # per service class: the share of residents whose area meets every mandatory item of the class
    class0 = _percent(r0.class_completeness == 1.0, pop0)
    class1 = _percent(r1.class_completeness == 1.0, pop1)
    classes = []
    for code, label in ServiceClass.choices:
        k = CLASSES.index(code)
        if np.isnan(r0.class_completeness[:, k]).all():  # no mandatory item of this class
            continue
        classes.append(
            {
                "code": code,
                "label": label,
                "before": class0[k] or 0.0,
                "after": class1[k] or 0.0,
            }
        )
    mandatory = np.array([it["mandatory"] for it in items])
    missing0 = (~r0.covered & mandatory).sum(axis=1)
    missing1 = (~r1.covered & mandatory).sum(axis=1)
    n = len(base.areas)
    if mask0 is not None and mask1 is not None:
        return {
            "items": rows,
            "classes": classes,
            "passing_before": int(((missing0 == 0) & mask0).sum()),
            "passing_after": int(((missing1 == 0) & mask1).sum()),
            "areas": int(mask0.sum()),
            "areas_after": int(mask1.sum()),
        }
    changed = [
        {"area": a, "before": int(m0), "after": int(m1)}
        for a, m0, m1 in zip(base.areas, missing0, missing1[:n], strict=True)
        if m0 != m1
    ]
    # planned housing exists only in the scenario: "before" is empty
    changed += [
        {"area": a, "before": None, "after": int(m1)}
        for a, m1 in zip(what_if.areas[n:], missing1[n:], strict=True)
    ]
    return {
        "items": rows,
        "classes": classes,
        "changed": changed,
        "passing_before": int((missing0 == 0).sum()),
        "passing_after": int((missing1 == 0).sum()),
        "areas": n,
        "areas_after": len(what_if.areas),
    }


def isochrone(network: Network, lon: float, lat: float, distance_m: float) -> dict[str, Any]:
    """The GeoJSON geometry a walk of ``distance_m`` from the point reaches on the network;
    EvaluationError when no street lies within the snapping tolerance of the point."""
    point = engine.snap(network, [lon], [lat])
    if not point.reachable[0]:
        raise EvaluationError(_("No street within 300 m of this point."))
    return engine.isochrone(network, point, distance_m=distance_m)

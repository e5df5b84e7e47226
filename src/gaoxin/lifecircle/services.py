"""Every state change of the life-circle app: profiles, evaluation runs, staleness."""

from __future__ import annotations

import time
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.analysis import access as engine
from gaoxin.analysis import siting
from gaoxin.analysis.circles import evaluate as evaluate_arrays
from gaoxin.analysis.circles import mean_supply_ratio, weighted_coverage
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import check_lon_lat, to_lon_lat, to_projected
from gaoxin.common import imports
from gaoxin.common.errors import describe
from gaoxin.lifecircle import access
from gaoxin.lifecircle.analysis import CLASSES, ExtraFacility, area_rows, item_snapshot, load
from gaoxin.lifecircle.choices import DEMAND_BANDS
from gaoxin.lifecircle.imports import KIND as CANDIDATES
from gaoxin.lifecircle.models import (
    AreaResult,
    CandidateList,
    Evaluation,
    Profile,
    ProfileItem,
    Scenario,
    ScenarioArea,
    ScenarioChange,
    ScenarioFacility,
)
from gaoxin.places.analysis import network_for_zone
from gaoxin.places.choices import FacilityStatus, ServiceClass
from gaoxin.places.models import Facility, FacilityType, Street, Zone

BUILTIN_PROFILES = ["lifecircle_jining_2026", "lifecircle_gb50180_2018"]


class EvaluationError(Exception):
    """The evaluation cannot run (no network, no areas, …); the message is translated."""


def sync_builtin_profiles() -> None:
    """Load the built-in profiles from standards/*.toml (idempotent; run after every migrate).
    A built-in profile's items follow its file; copies made by administrators are never touched."""
    types = {t.code: t for t in FacilityType.objects.all()}
    if not types:
        return
    with transaction.atomic():
        for name in BUILTIN_PROFILES:
            data = standards.load(name)
            profile, _created = Profile.objects.update_or_create(
                name=data["name"],
                version=data["version"],
                defaults={
                    "title": data["title"],
                    "builtin": True,
                    "catchment_decay": data.get("catchment", "flat"),
                    "note": f"standards/{Path(name).name}.toml",
                },
            )
            keep = []
            for item in data["item"]:
                obj, _c = ProfileItem.objects.update_or_create(
                    profile=profile,
                    facility_type=types[item["type"]],
                    defaults={
                        "radius_m": item["radius_m"],
                        "mandatory": item["mandatory"],
                        "min_floor_area_m2": item.get("min_floor_area_m2"),
                        "min_land_area_m2": item.get("min_land_area_m2"),
                        "norm_per_person": Decimal(str(item["norm_per_person"]))
                        if "norm_per_person" in item
                        else None,
                        "demand_group": item.get("demand_group", ""),
                        "checklist_min_coverage": Decimal(str(item["checklist_min_coverage"]))
                        if "checklist_min_coverage" in item
                        else None,
                        "clause": item["clause"],
                    },
                )
                keep.append(obj.pk)
            profile.items.exclude(pk__in=keep).delete()


def default_profile() -> Profile:
    profile = (
        Profile.objects.filter(name="jining-2026").order_by("-version").first()
        or Profile.objects.order_by("pk").first()
    )
    if profile is None:
        raise EvaluationError(_("No evaluation profile exists."))
    return profile


def default_profile_or_none() -> Profile | None:
    try:
        return default_profile()
    except EvaluationError:
        return None


@transaction.atomic
def copy_profile(*, actor: User, profile: Profile, title: str = "") -> Profile:
    """A new, editable version of a profile with the same items."""
    if not access.can_edit_profiles(actor):
        raise PermissionDenied
    version = (
        Profile.objects.filter(name=profile.name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    copy = Profile.objects.create(
        name=profile.name,
        version=version,
        title=title or profile.title,
        based_on=profile,
        builtin=False,
        created_by=actor,
        note=_("Copy of %(p)s") % {"p": profile},
    )
    ProfileItem.objects.bulk_create(
        [
            ProfileItem(
                profile=copy,
                **{
                    f.name: getattr(it, f.name)
                    for f in ProfileItem._meta.fields
                    if f.name not in ("id", "profile")
                },
            )
            for it in profile.items.all()
        ]
    )
    return copy


def _summary(loaded: Any, result: Any) -> dict[str, Any]:
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


def evaluate(*, actor: User | None, zone: Zone, profile: Profile | None = None) -> Evaluation:
    """Evaluate every residential area of the zone against the profile and store the run.
    `actor=None` is the operator at the command line (or the recompute on save)."""
    if actor is not None and not access.can_run(actor):
        raise PermissionDenied
    profile = profile or default_profile()
    started = time.perf_counter()
    items = item_snapshot(profile.items.select_related("facility_type").order_by("facility_type__order"))
    if not items:
        raise EvaluationError(_("The profile %(p)s has no items.") % {"p": profile})
    try:
        network = network_for_zone(zone)
    except ValueError as exc:  # AnalysisError: no network stored
        raise EvaluationError(
            _("The zone has no usable walking network: %(reason)s") % {"reason": exc}
        ) from None
    loaded = load(zone, items)
    if not loaded.areas:
        raise EvaluationError(_("The zone has no residential area with population."))
    result = evaluate_arrays(
        network, loaded.inputs, decay="gaussian" if profile.catchment_decay == "gaussian" else "flat"
    )
    rows = area_rows(loaded, result)
    summary = _summary(loaded, result)
    with transaction.atomic():
        run = Evaluation.objects.create(
            zone=zone, profile=profile, items=items, created_by=actor, summary=summary
        )
        AreaResult.objects.bulk_create(
            [AreaResult(evaluation=run, street_id=r["area"].street_id, **r) for r in rows]
        )
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["duration_ms"])
    return run


def mark_stale_on_change(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: any change to facilities, areas or the network makes stored runs stale."""
    Evaluation.objects.filter(stale=False).update(stale=True)


# --- siting and scenarios -------------------------------------------------------------------------


def propose_sites(
    *,
    actor: User,
    zone: Zone,
    type_code: str,
    p: int | None,
    street: Street | None = None,
    profile: Profile | None = None,
    candidate_spacing_m: float = 100.0,
    capacity_per_site: float | None = None,
    median: bool = False,
    candidate_list: CandidateList | None = None,
) -> dict[str, Any]:
    """Where to build next: the ``p`` best new sites (MCLP) for a facility type, or the fewest that
    reach everyone (LSCP, ``p`` None), within the street (or the zone). Demand: the residential areas'
    population of the type's demand group (all residents when it has none); distances: walking, from
    the areas' gates; candidates: street-network nodes in the street, thinned to about one per
    ``candidate_spacing_m``, or the sites of ``candidate_list`` near the demand (vacant parcels,
    配套用房; a listed site's own places count when capacities are respected, and sites farther from
    every street than the snapping tolerance are left out and named); existing open facilities of the
    type count as fixed sites.

    With ``capacity_per_site`` (places of a new site) the capacitated model of the objective is solved
    (MCLP, LSCP or p-median): a site serves at most its capacity (existing facilities their recorded
    capacity; one without a recorded capacity counts with ``capacity_per_site``), and the gain of a site
    is the people it actually serves.

    With ``median`` the p-median is solved instead: ``p`` new sites that minimise the total walking
    distance of the demand to its nearest site (over walks up to ``MEDIAN_REACH`` × the radius); the
    result carries the average walk today and with the sites, and each site's gain is the person-metres
    its closing alone would add."""
    if not access.can_run(actor):
        raise PermissionDenied
    profile = profile or default_profile()
    item = profile.items.select_related("facility_type").filter(facility_type__code=type_code).first()
    if item is None:
        raise EvaluationError(_("The profile %(p)s has no item for this facility type.") % {"p": profile})
    group = item.demand_group or "all"
    areas = [a for a in load(zone, item_snapshot([item])).areas if street is None or a.street_id == street.pk]
    if not areas:
        raise EvaluationError(_("No residential area with population here."))
    try:
        network = network_for_zone(zone)
    except ValueError as exc:
        raise EvaluationError(
            _("The zone has no usable walking network: %(reason)s") % {"reason": exc}
        ) from None
    weights = np.array([sum(getattr(a, band) for band in DEMAND_BANDS[group]) for a in areas], dtype=float)
    gate_area = np.array([i for i, a in enumerate(areas) for _ in a.gate_points()], dtype=np.int64)
    gates = np.array([g for a in areas for g in a.gate_points()], dtype=float)
    gx, gy = to_projected(gates[:, 0], gates[:, 1], crs=network.crs)
    reach = float(item.radius_m)
    box = (gx.min() - reach, gx.max() + reach, gy.min() - reach, gy.max() + reach)  # near the demand
    cands = (
        _network_candidates(network, box, candidate_spacing_m)
        if candidate_list is None
        else _listed_candidates(network, box, candidate_list)
    )
    existing = list(
        Facility.objects.filter(street__zone=zone, status=FacilityStatus.OPEN, type__code=type_code)
    )
    origins = engine.snap(network, gates[:, 0], gates[:, 1])
    sites = cands.snapped
    fixed_snap = (
        engine.snap(network, [f.access_point[0] for f in existing], [f.access_point[1] for f in existing])
        if existing
        else None
    )
    all_sites = sites if fixed_snap is None else _concat(sites, fixed_snap)
    n_new = len(sites)
    pairs = engine.pairs_within(network, origins, all_sites, max_m=reach * (MEDIAN_REACH if median else 1))
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
        elif capacity is not None:
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
    return {
        "item": item,
        "group": group,
        "proposals": proposals,
        "total_weight": float(weights.sum()),
        "covered_after": round(result.covered_weight, 1),
        "existing": len(existing),
        "candidates": n_new,
        "candidate_list": candidate_list.name if candidate_list else None,
        "unreachable_candidates": cands.dropped,
        "covered_before": round(covered_before, 1),
        "capacity_per_site": capacity_per_site,
    }


@dataclass
class _Candidates:
    """The candidate sites of a proposal: where each lies, its name (listed sites), its own places
    (NaN when unknown), its point on the network, and the listed sites left out as unreachable."""

    lon: np.ndarray
    lat: np.ndarray
    names: list[str | None]
    capacity: np.ndarray
    snapped: engine.Snapped
    dropped: list[str]
    list_name: str | None = None

    def proposal(self, j: int, gain: float | None, areas: list[str]) -> dict[str, Any]:
        return {
            "lon": round(float(self.lon[j]), 6),
            "lat": round(float(self.lat[j]), 6),
            "name": self.names[j],
            "capacity": int(self.capacity[j]) if np.isfinite(self.capacity[j]) else None,  # its own places
            "gain": gain,
            "areas": areas,
        }


def _network_candidates(network: Any, box: tuple[float, ...], spacing_m: float) -> _Candidates:
    """Street-network nodes inside the box, one per grid cell of ``spacing_m``."""
    x0, x1, y0, y1 = box
    near = (network.x_m >= x0) & (network.x_m <= x1) & (network.y_m >= y0) & (network.y_m <= y1)
    cells = np.floor(np.column_stack([network.x_m, network.y_m]) / spacing_m).astype(np.int64)
    idx = np.flatnonzero(near)
    _cells, first = np.unique(cells[idx], axis=0, return_index=True)
    nodes = idx[np.sort(first)]
    lon, lat = to_lon_lat(network.x_m[nodes], network.y_m[nodes], crs=network.crs)
    return _Candidates(
        lon=np.asarray(lon),
        lat=np.asarray(lat),
        names=[None] * nodes.size,
        capacity=np.full(nodes.size, np.nan),
        snapped=engine.at_nodes(network, nodes),
        dropped=[],
    )


def _listed_candidates(network: Any, box: tuple[float, ...], candidate_list: CandidateList) -> _Candidates:
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
    return _Candidates(
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
    )


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
    cands: _Candidates,
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
        common = {"n_demand": len(areas), "n_sites": n_new + n_existing, "p": budget, "fixed": fixed}
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
        "existing": n_existing,
        "candidates": n_new,
        "candidate_list": cands.list_name,
        "unreachable_candidates": cands.dropped,
        "capacity_per_site": capacity_per_site,
    }


def _concat(a: engine.Snapped, b: engine.Snapped) -> engine.Snapped:
    return engine.Snapped(
        edge=np.concatenate([a.edge, b.edge]),
        offset_m=np.concatenate([a.offset_m, b.offset_m]),
        distance_m=np.concatenate([a.distance_m, b.distance_m]),
        reachable=np.concatenate([a.reachable, b.reachable]),
        node=np.concatenate([a.node, b.node]),
    )


@transaction.atomic
def create_scenario(
    *,
    actor: User,
    zone: Zone,
    name: str,
    type_code: str,
    sites: list[dict[str, Any]],
    profile: Profile | None = None,
) -> Scenario:
    """A scenario with proposed sites of one type added (never touching the live registry)."""
    if not access.can_run(actor):
        raise PermissionDenied
    with transaction.atomic():
        scenario = Scenario.objects.create(
            zone=zone, name=name[:120], profile=profile or default_profile(), created_by=actor
        )
        add_sites(actor=actor, scenario=scenario, type_code=type_code, sites=sites)
    return scenario


def add_sites(*, actor: User, scenario: Scenario, type_code: str, sites: list[dict[str, Any]]) -> None:
    """Add proposed sites of a type to a scenario (a scenario may hold several types: canteens and
    day-care centres planned together)."""
    if not access.can_run(actor):
        raise PermissionDenied
    ftype = FacilityType.objects.filter(code=type_code).first()
    if ftype is None:
        raise EvaluationError(_("Unknown facility type: %(code)s") % {"code": type_code})
    before = scenario.added.filter(facility_type=ftype).count()
    ScenarioFacility.objects.bulk_create(
        [
            ScenarioFacility(
                scenario=scenario,
                facility_type=ftype,
                name=site.get("name")
                or _("%(type)s (proposed %(n)s)") % {"type": ftype.name_zh, "n": before + k + 1},
                lon=float(site["lon"]),
                lat=float(site["lat"]),
                capacity=int(site.get("capacity") or 0),
                gain=site.get("gain"),
            )
            for k, site in enumerate(sites)
        ]
    )


def import_candidates(
    *, actor: User, zone: Zone, name: str, content: bytes, filename: str, coordinate_system: str = "wgs84"
) -> CandidateList:
    """A list of candidate sites from a CSV, xlsx or GeoJSON file (lifecircle/imports.py). Every problem
    is reported with its row and field (:class:`ImportRejected`) and nothing is written unless the whole
    file is good."""
    batch = imports.run(
        CANDIDATES,
        actor=actor,
        filename=filename,
        content=content,
        options={"zone_id": zone.pk, "name": name, "coordinate_system": coordinate_system},
    )
    return CandidateList.objects.get(pk=batch.summary["list_id"])


def delete_candidate_list(*, actor: User, candidate_list: CandidateList) -> None:
    if not access.can_run(actor):
        raise PermissionDenied
    candidate_list.delete()


def change_site(
    *, actor: User, site: ScenarioFacility, capacity: int | None = None, remove: bool = False
) -> None:
    """Give a proposed facility of a scenario its places, or take it out of the scenario. A site already
    promoted to the registry stays (change the facility there)."""
    if not access.can_run(actor):
        raise PermissionDenied
    if site.promoted_id is not None:
        raise EvaluationError(_("This site is already a planned facility of the registry; change it there."))
    if remove:
        site.delete()
        return
    if capacity is None or capacity < 0:
        raise EvaluationError(_("The places must be a whole number, 0 or more."))
    site.capacity = capacity
    site.save(update_fields=["capacity"])


def delete_scenario(*, actor: User, scenario: Scenario) -> None:
    """Delete a scenario (planners). Facilities already promoted from it stay in the registry."""
    if not access.can_run(actor):
        raise PermissionDenied
    scenario.delete()


def _percent(cover: np.ndarray, weights: np.ndarray) -> list[float | None]:
    """Per column of ``cover`` (areas × items), the percentage of the weight (people) whose area it
    covers — the core's weighted coverage for one group, the whole zone; None without people."""
    share = weighted_coverage(cover, weights, np.zeros(len(weights), dtype=np.int64), 1)[0]
    return [None if np.isnan(x) else round(100 * float(x), 1) for x in share]


def _group_percent(inputs: Any, result: Any) -> list[float | None]:
    """Per item, the percentage of its own demand group (e.g. residents aged 60+ for a canteen) whose
    area is within its radius; None for an item without a demand group."""
    by_group = [
        _percent(result.covered, inputs.area_demand[:, g]) for g in range(inputs.area_demand.shape[1])
    ]
    return [None if g < 0 else by_group[g][k] for k, g in enumerate(inputs.item_group.tolist())]


def compare_scenario(*, actor: User, scenario: Scenario) -> dict[str, Any]:
    """Today's registry and the scenario, evaluated with the same engine and profile, side by side."""
    if not access.can_view(actor):
        raise PermissionDenied
    items = item_snapshot(
        scenario.profile.items.select_related("facility_type").order_by("facility_type__order")
    )
    try:
        network = network_for_zone(scenario.zone)
    except ValueError as exc:
        raise EvaluationError(
            _("The zone has no usable walking network: %(reason)s") % {"reason": exc}
        ) from None
    base = load(scenario.zone, items)
    extra = [
        ExtraFacility(f.facility_type.code, f.lon, f.lat, f.capacity)
        for f in scenario.added.select_related("facility_type")
    ]
    closed = set(scenario.closed_facilities.values_list("pk", flat=True))
    for change in scenario.changes.select_related(
        "facility__type"
    ):  # moved or resized: out, then back changed
        f = change.facility
        if f.pk in closed:
            continue
        closed.add(f.pk)
        lon, lat = (change.lon, change.lat) if change.lon is not None else f.access_point
        extra.append(
            ExtraFacility(
                f.type.code, lon, lat, change.capacity if change.capacity is not None else (f.capacity or 0)
            )
        )
    housing = [(a.name, a.lon, a.lat, a.population) for a in scenario.areas.all()]
    what_if = load(scenario.zone, items, extra=extra, closed=closed, planned_housing=housing)
    r0, r1 = evaluate_arrays(network, base.inputs), evaluate_arrays(network, what_if.inputs)
    pop0, pop1 = base.inputs.area_population, what_if.inputs.area_population
    cov0, cov1 = _percent(r0.covered, pop0), _percent(r1.covered, pop1)
    group0, group1 = _group_percent(base.inputs, r0), _group_percent(what_if.inputs, r1)
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


@transaction.atomic
def promote(*, actor: User, site: ScenarioFacility, street: Street, code: str) -> Facility:
    """Turn a proposed site into a planned facility of the live registry."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility(
        code=code,
        name=site.name,
        type=site.facility_type,
        street=street,
        lon=site.lon,
        lat=site.lat,
        capacity=site.capacity or None if site.facility_type.capacity_unit else None,
        status=FacilityStatus.PLANNED,
    )
    facility.full_clean()
    facility.save()
    site.promoted = facility
    site.save(update_fields=["promoted"])
    return facility


@transaction.atomic
def close_in_scenario(*, actor: User, scenario: Scenario, facility_code: str) -> Facility:
    """Close a facility in the scenario only (the registry keeps it open)."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility.objects.filter(code=facility_code.strip(), street__zone=scenario.zone).first()
    if facility is None:
        raise EvaluationError(_("No facility with the code %(code)s in this zone.") % {"code": facility_code})
    scenario.closed_facilities.add(facility)
    return facility


@transaction.atomic
def change_in_scenario(
    *,
    actor: User,
    scenario: Scenario,
    facility_code: str,
    lon: float | None = None,
    lat: float | None = None,
    capacity: int | None = None,
) -> ScenarioChange:
    """Move a facility and/or set its capacity in the scenario only (the registry keeps it as it is)."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility.objects.filter(code=facility_code.strip(), street__zone=scenario.zone).first()
    if facility is None:
        raise EvaluationError(_("No facility with the code %(code)s in this zone.") % {"code": facility_code})
    if (lon is None) != (lat is None):
        raise EvaluationError(_("A move needs both the longitude and the latitude."))
    if lon is None and capacity is None:
        raise EvaluationError(_("Give a new position, a new capacity, or both."))
    if capacity is not None and capacity < 0:
        raise EvaluationError(_("The capacity cannot be negative."))
    if lon is not None and lat is not None:
        check_lon_lat(lon, lat)
    change, _created = ScenarioChange.objects.update_or_create(
        scenario=scenario, facility=facility, defaults={"lon": lon, "lat": lat, "capacity": capacity}
    )
    return change


@transaction.atomic
def add_planned_housing(
    *, actor: User, scenario: Scenario, name: str, lon: float, lat: float, population: int
) -> ScenarioArea:
    """Planned housing in the scenario only (its residents count in the scenario's evaluation)."""
    if not access.can_run(actor):
        raise PermissionDenied
    if population <= 0:
        raise EvaluationError(_("Give the planned population."))
    check_lon_lat(lon, lat)
    return ScenarioArea.objects.create(
        scenario=scenario, name=name[:120] or _("Planned housing"), lon=lon, lat=lat, population=population
    )

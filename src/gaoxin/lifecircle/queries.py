"""Named reads of the life-circle app, shared by pages, the API and the command: evaluation results,
the siting proposals (one typed request, :class:`SitingRequest`), scenario comparisons, isochrones.
Every read of an object of a zone goes through the gates in access.py."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal
from typing import Any
from urllib.parse import urlencode

from django.core.exceptions import PermissionDenied
from django.db.models import Count, QuerySet
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.network import Network
from gaoxin.common.errors import describe
from gaoxin.common.measures import Counted, Reading
from gaoxin.lifecircle import access, analysis
from gaoxin.lifecircle.analysis import EvaluationError, ExtraFacility, Loaded, item_snapshot, load
from gaoxin.lifecircle.models import (
    AreaResult,
    CandidateList,
    Evaluation,
    Profile,
    ProfileItem,
    Scenario,
    ScenarioFacility,
)
from gaoxin.places.analysis import network_for_profile, network_for_zone
from gaoxin.places.choices import WALK_PROFILE_SHORT, FacilityStatus, ServiceClass
from gaoxin.places.models import Facility, FacilityType, Street, Zone
from gaoxin.places.queries import street_at

# An isochrone is drawn for walks of 50 m to 2 km (a 15-minute walk is about 1,000 m).
ISOCHRONE_MIN_M, ISOCHRONE_MAX_M = 50.0, 2000.0


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


def profiles() -> QuerySet[Profile]:
    return Profile.objects.all()


def network_of(zone: Zone) -> Network:
    """The zone's walking network, or EvaluationError saying why there is none."""
    try:
        return network_for_zone(zone)
    except AnalysisError as exc:
        raise EvaluationError(
            _("The zone has no usable walking network: %(reason)s") % {"reason": describe(exc)}
        ) from None


def latest(zone: Zone | None) -> Evaluation | None:
    if zone is None:
        return None
    return Evaluation.objects.filter(zone=zone).select_related("profile").first()


def evaluations(user: User, zone: Zone, limit: int = 50) -> list[Evaluation]:
    return list(access.evaluations(user, zone).select_related("profile").defer("items")[:limit])


def evaluation_or_latest(user: User, zone: Zone, pk: int | None) -> Evaluation | None:
    """The evaluation asked for (through its gate), or the zone's latest."""
    if pk is not None:
        return access.evaluation_for(user, zone, pk)
    access.require_view(user)
    return latest(zone)


def profile_networks(zone: Zone, loaded: Loaded) -> list[Network]:
    """The zone's network with the costs of each walking profile the loaded items use (in order)."""
    return [network_for_profile(zone, code) for code in loaded.profile_codes]


def item_label(item: dict[str, Any]) -> str:
    return str(item["type_zh"] if (get_language() or "zh").startswith("zh") else item["type_en"])


def items(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The profile items of a run, with their display label and class label."""
    classes = dict(ServiceClass.choices)
    walks = WALK_PROFILE_SHORT
    return [
        it
        | {
            "label": item_label(it),
            "class_label": classes.get(it["class"], it["class"]),
            "walk_label": walks.get(it.get("walk_profile") or "distance", "")
            if (it.get("walk_profile") or "distance") != "distance"
            else "",
        }
        for it in evaluation.items
    ]


def missing_items(evaluation: Evaluation, result: AreaResult) -> list[dict[str, Any]]:
    """The mandatory items an area does not reach within their radius, with the nearest distance."""
    out = []
    for it in items(evaluation):
        r = result.items.get(it["type"], {})
        if it["mandatory"] and not r.get("covered"):
            out.append(it | {"distance_m": r.get("distance_m")})
    return out


def gaps(evaluation: Evaluation, results: Iterable[AreaResult]) -> list[dict[str, Any]]:
    """Failing areas, fewest missing items first (the easiest to complete), with what is missing."""
    failing = sorted((r for r in results if not r.passes), key=lambda r: (r.missing, -r.population))
    return [{"result": r, "missing": missing_items(evaluation, r)} for r in failing]


def coverage(evaluation: Evaluation, results: list[AreaResult]) -> list[dict[str, Any]]:
    """Per item: the population share of these areas that reach it within its radius, and the
    number of areas that do not."""
    people = sum(r.population for r in results) or 1
    out = []
    for it in items(evaluation):
        covered = [r for r in results if r.items.get(it["type"], {}).get("covered")]
        share = sum(r.population for r in covered) / people
        out.append(
            it
            | {
                "share": share,
                "percent": round(100 * share, 1),
                "uncovered_areas": len(results) - len(covered),
            }
        )
    return out


def class_coverage(evaluation: Evaluation, results: list[AreaResult]) -> list[dict[str, Any]]:
    """Per service class: the population share of these areas that meet every mandatory item of the class."""
    people = sum(r.population for r in results) or 1
    out = []
    for code, label in ServiceClass.choices:
        if not any(it["class"] == code and it["mandatory"] for it in evaluation.items):
            continue
        met = sum(r.population for r in results if r.class_completeness.get(code) == 1.0)
        out.append(
            {"code": code, "label": label, "share": met / people, "percent": round(100 * met / people, 1)}
        )
    return out


def street_rows(evaluation: Evaluation, results: list[AreaResult]) -> list[dict[str, Any]]:
    by_street: dict[int, list[AreaResult]] = {}
    for r in results:
        by_street.setdefault(r.street_id, []).append(r)
    rows = []
    for street in Street.objects.filter(pk__in=list(by_street)).order_by("code"):
        rs = by_street[street.pk]
        people = sum(r.population for r in rs) or 1
        rows.append(
            {
                "street": street,
                "areas": len(rs),
                "passing": sum(r.passes for r in rs),
                "population": sum(r.population for r in rs),
                "population_passing_percent": round(
                    100 * sum(r.population for r in rs if r.passes) / people, 1
                ),
                "classes": class_coverage(evaluation, rs),
            }
        )
    return rows


def checklist(evaluation: Evaluation, results: list[AreaResult]) -> dict[str, Any]:
    """The standardized-circle checklist for a set of areas (a street, or some communities): each item
    with a minimum coverage in the profile passes when that share of the circle's residents reaches it."""
    rows = []
    for it in coverage(evaluation, results):
        target = it["checklist_min_coverage"]
        if target is None:
            continue
        uncovered = [r for r in results if not r.items.get(it["type"], {}).get("covered")]
        rows.append(
            it
            | {
                "target_percent": round(100 * target, 1),
                "passes": it["share"] + 1e-9 >= target,
                "uncovered": sorted(uncovered, key=lambda r: -r.population)[:10],
            }
        )
    return {
        "rows": rows,
        "passes": bool(rows) and all(r["passes"] for r in rows),
        "failing": sum(not r["passes"] for r in rows),
    }


def facilities_by_id(results: Iterable[AreaResult]) -> dict[int, Facility]:
    ids = {v["facility_id"] for r in results for v in r.items.values() if v.get("facility_id")}
    return {f.pk: f for f in Facility.objects.filter(pk__in=ids).select_related("type")}


def report(evaluation: Evaluation, result: AreaResult) -> list[dict[str, Any]]:
    """One area's report: each item with its standard, the nearest facility and pass/fail, and for a
    missing item the query string that proposes a new facility at the area's first gate."""
    facilities = facilities_by_id([result])
    types = dict(
        FacilityType.objects.filter(code__in=[it["type"] for it in evaluation.items]).values_list(
            "code", "pk"
        )
    )
    area = result.area
    lon, lat = area.gate_points()[0]
    rows = []
    for it in items(evaluation):
        r = result.items.get(it["type"], {})
        propose = ""
        if not r.get("covered"):
            propose = urlencode(
                {
                    "type": types.get(it["type"], ""),
                    "street": area.street_id,
                    "community": area.community_id,
                    "lon": round(lon, 6),
                    "lat": round(lat, 6),
                    "code": f"{area.code}-{it['type']}",
                    "name": f"{area.name}{it['type_zh']}",
                }
            )
        rows.append(it | r | {"facility": facilities.get(r.get("facility_id") or 0), "propose": propose})
    return rows


def compare(
    a: Evaluation, b: Evaluation, results_a: QuerySet[AreaResult], results_b: QuerySet[AreaResult]
) -> dict[str, Any]:
    """Two runs side by side: zone coverage per item and the areas whose pass/fail changed."""
    cov_a = {it["type"]: it for it in coverage(a, list(results_a))}
    cov_b = {it["type"]: it for it in coverage(b, list(results_b))}
    types = [t for t in cov_b if t in cov_a] + [t for t in cov_b if t not in cov_a]
    item_rows = [
        {
            "label": cov_b[t]["label"],
            "a": cov_a.get(t, {}).get("percent"),
            "b": cov_b[t]["percent"],
            "delta": None if t not in cov_a else round(cov_b[t]["percent"] - cov_a[t]["percent"], 1),
        }
        for t in types
    ]
    before = {r.area_id: r for r in results_a}
    changed = [
        {
            "area": r.area,
            "before": before[r.area_id].passes,
            "after": r.passes,
            "missing_before": before[r.area_id].missing,
            "missing_after": r.missing,
        }
        for r in results_b
        if r.area_id in before and (before[r.area_id].missing != r.missing)
    ]
    return {"items": item_rows, "changed": changed}


def dashboard(user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The figures and charts of the circle dashboard for the results the user may see."""
    results = list(access.results_for(user, evaluation))
    classes = class_coverage(evaluation, results)
    streets = street_rows(evaluation, results)
    return {
        "classes": classes,
        "streets": streets,
        "coverage": coverage(evaluation, results),
        "gaps": gaps(evaluation, results)[:15],
        "areas": len(results),
        "passing": sum(r.passes for r in results),
        "class_chart": {
            "type": "bars",
            "unit": "%",
            "max": 100,
            "labels": [str(c["label"]) for c in classes],
            "series": [{"name": _("Residents"), "values": [c["percent"] for c in classes]}],
        },
        "street_chart": {
            "type": "stacked",
            "labels": [s["street"].name for s in streets],
            "series": [
                {"name": _("meet every mandatory item"), "values": [s["passing"] for s in streets]},
                {"name": _("missing items"), "values": [s["areas"] - s["passing"] for s in streets]},
            ],
        },
    }


def results_geojson(user: User, evaluation: Evaluation) -> dict[str, Any]:
    """The areas the user may see, with their completeness and missing items, for the circle map."""
    features = []
    for r in access.results_for(user, evaluation):
        a = r.area
        features.append(
            {
                "type": "Feature",
                "geometry": a.polygon or {"type": "Point", "coordinates": [a.center_lon, a.center_lat]},
                "properties": {
                    "id": a.pk,
                    "name": a.name,
                    "population": r.population,
                    "completeness": r.completeness,
                    "passes": r.passes,
                    "missing": [m["label"] for m in missing_items(evaluation, r)],
                    "gates": a.gates,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def streets(zone: Zone) -> QuerySet[Street]:
    return Street.objects.filter(zone=zone).order_by("code")


# --- siting -----------------------------------------------------------------------------------------


MAX_NEW_SITES = 50  # new sites one question may ask for (page, API, jobs): beyond, a plan, not a query
MAX_PLAN_TYPES = 4  # facility types one plan sites together
MAX_YUAN = Decimal("100000000000")  # 1,000 亿元: beyond, a typing error
MAX_YEARS = 50


def cost_defaults() -> dict[str, Any]:
    """The planning cost assumptions (standards/siting_costs.toml, 万元): the defaults and per type."""
    data = standards.load("siting_costs")
    return {"defaults": data.get("defaults", {}), "types": data.get("types", {})}


def cost_rows(items: Iterable[ProfileItem]) -> list[dict[str, Any]]:
    """The cost assumptions the siting page starts from, per profile item (万元)."""
    table = cost_defaults()
    base = table["defaults"]
    rows = []
    for it in items:
        own = table["types"].get(it.facility_type.code, {})
        rows.append(
            {
                "label": it.facility_type.label,
                "build": own.get("build_10k_yuan", base.get("build_10k_yuan", 0)),
                "running": own.get("running_10k_yuan", base.get("running_10k_yuan", 0)),
            }
        )
    return rows


def type_costs(code: str, build: Decimal | None, running: Decimal | None) -> analysis.TypeCosts:
    """A type's costs in yuan: the planner's figures (yuan), else the installation's assumptions (万元)."""
    table = cost_defaults()
    own = table["types"].get(code, {})
    base = table["defaults"]
    b = (
        build
        if build is not None
        else Decimal(str(own.get("build_10k_yuan", base.get("build_10k_yuan", 0)))) * 10_000
    )
    r = (
        running
        if running is not None
        else Decimal(str(own.get("running_10k_yuan", base.get("running_10k_yuan", 0)))) * 10_000
    )
    return analysis.TypeCosts(build_yuan=float(b), running_yuan=float(r))


@dataclass(frozen=True)
class SitingRequest:
    """What a planner asks of the siting models — the same object from the page's form and the API's
    payload. ``p`` None: the fewest sites that reach everyone; ``capacity_per_site``: places of a new
    site (the capacitated models); ``median``: the shortest total walk; ``candidate_list``: choose among
    its sites instead of street-network points."""

    type_code: str
    p: int | None = None
    street: Street | None = None
    capacity_per_site: int | None = None
    median: bool = False
    candidate_list: CandidateList | None = None
    center: bool = False
    # a plan with money (yuan): the types sited together with ``type_code``, the budget, the costs
    also: tuple[str, ...] = ()
    budget_yuan: Decimal | None = None
    costs_yuan: tuple[tuple[str, Decimal | None, Decimal | None], ...] = ()  # (type, build, running/year)
    years: int | None = None
    land_yuan: Decimal | None = None
    colocate: bool = False
    closable: bool = False
    min_street_share: float | None = None

    def is_plan(self) -> bool:
        """Whether the budgeted several-type model answers (money, several types, co-location, closing
        or a share per street); else the single-type models."""
        return bool(
            self.also
            or self.budget_yuan is not None
            or self.colocate
            or self.closable
            or self.min_street_share
        )


def proposal_of(result: dict[str, Any]) -> dict[str, Any]:
    """A siting job's stored result as the page shows a proposal (its profile item again an object)."""
    return result | {"item": ProfileItem.objects.select_related("facility_type").get(pk=result["item_id"])}


def propose(
    actor: User,
    zone: Zone,
    request: SitingRequest,
    *,
    profile: Profile | None = None,
    progress: Callable[[float, str], None] | None = None,
) -> dict[str, Any]:
    """Where to build next (planners): see :func:`gaoxin.lifecircle.analysis.propose`. Nothing is stored."""
    if not access.can_run(actor):
        raise PermissionDenied
    if request.candidate_list is not None and request.candidate_list.zone_id != zone.pk:
        raise EvaluationError(_("The candidate list belongs to another zone."))
    if request.street is not None and request.street.zone_id != zone.pk:
        raise EvaluationError(_("The street belongs to another zone."))
    if request.capacity_per_site is not None and request.capacity_per_site <= 0:
        raise EvaluationError(_("The places of a new site must be a positive number."))
    if request.p is not None and not 0 <= request.p <= MAX_NEW_SITES:
        raise EvaluationError(_("The number of new sites lies between 0 and %(n)s.") % {"n": MAX_NEW_SITES})
    profile = profile or default_profile()
    if request.is_plan():
        return _plan(zone, request, profile, progress)
    item = profile.items.select_related("facility_type").filter(facility_type__code=request.type_code).first()
    if item is None:
        raise EvaluationError(_("The profile %(p)s has no item for this facility type.") % {"p": profile})
    street = request.street
    areas = [a for a in load(zone, item_snapshot([item])).areas if street is None or a.street_id == street.pk]
    if not areas:
        raise EvaluationError(_("No residential area with population here."))
    network = network_of(zone)
    existing = list(
        Facility.objects.filter(street__zone=zone, status=FacilityStatus.OPEN, type__code=request.type_code)
    )
    return analysis.propose(
        item,
        areas,
        existing,
        network,
        p=request.p,
        capacity_per_site=request.capacity_per_site,
        median=request.median,
        center=request.center,
        candidate_list=request.candidate_list,
    )


def _plan(
    zone: Zone, request: SitingRequest, profile: Profile, progress: Callable[[float, str], None] | None
) -> dict[str, Any]:
    """The budgeted plan of one or several types (see :func:`gaoxin.lifecircle.analysis.plan`)."""
    codes = list(dict.fromkeys([request.type_code, *request.also]))
    if len(codes) > MAX_PLAN_TYPES:
        raise EvaluationError(_("At most %(n)s facility types in one plan.") % {"n": MAX_PLAN_TYPES})
    if request.median or request.center or request.capacity_per_site is not None:
        raise EvaluationError(
            _(
                "A plan with a budget or several types reaches the most people; it has no capacity, p-median or longest-walk variant."
            )
        )
    budget = request.budget_yuan
    if budget is not None and not (Decimal(0) <= budget <= MAX_YUAN):
        raise EvaluationError(_("The budget is an amount of yuan between 0 and 100 billion."))
    if budget is None and request.p is None:
        raise EvaluationError(_("Give a budget or the number of sites for the plan."))
    if request.min_street_share is not None and not 0 <= request.min_street_share <= 1:
        raise EvaluationError(_("The share per street lies between 0 and 100 %."))
    defaults = cost_defaults()["defaults"]
    years = request.years if request.years is not None else int(defaults.get("years", 5))
    if not 1 <= years <= MAX_YEARS:
        raise EvaluationError(_("The plan's years lie between 1 and %(n)s.") % {"n": MAX_YEARS})
    land = (
        request.land_yuan
        if request.land_yuan is not None
        else Decimal(str(defaults.get("land_10k_yuan", 0))) * 10_000
    )
    given: dict[str, tuple[Decimal | None, Decimal | None]] = {}
    for code, build, running in request.costs_yuan:
        given.setdefault(code, (build, running))  # a type named twice keeps its first costs
    amounts = [land, *(a for pair in given.values() for a in pair if a is not None)]
    if not all(Decimal(0) <= a <= MAX_YUAN for a in amounts):
        raise EvaluationError(_("A cost is an amount of yuan between 0 and 100 billion."))
    items = list(profile.items.select_related("facility_type").filter(facility_type__code__in=codes))
    found = {it.facility_type.code: it for it in items}
    missing = [c for c in codes if c not in found]
    if missing:
        raise EvaluationError(_("The profile %(p)s has no item for this facility type.") % {"p": profile})
    items = [found[c] for c in codes]
    street = request.street
    every = load(zone, item_snapshot(items)).areas
    areas = [a for a in every if street is None or a.street_id == street.pk]
    if not areas:
        raise EvaluationError(_("No residential area with population here."))
    existing: dict[str, list[Facility]] = defaultdict(list)
    for f in Facility.objects.filter(
        street__zone=zone, status=FacilityStatus.OPEN, type__code__in=codes
    ).select_related("type"):
        existing[f.type.code].append(f)
    return analysis.plan(
        items,
        areas,
        dict(existing),
        network_of(zone),
        costs={code: type_costs(code, *given.get(code, (None, None))) for code in codes},
        years=years,
        land_cost_yuan=float(land),
        budget_yuan=None if budget is None else float(budget),
        max_lots=request.p,
        colocate=request.colocate,
        closable=request.closable,
        min_street_share=request.min_street_share,
        candidate_list=request.candidate_list,
        outside=[a for a in every if street is not None and a.street_id != street.pk],
        progress=progress,
    )


def propose_sites(
    *, actor: User, zone: Zone, profile: Profile | None = None, **request: Any
) -> dict[str, Any]:
    """:func:`propose` with the request's fields as keywords (type_code, p, street, capacity_per_site,
    median, candidate_list)."""
    return propose(actor, zone, SitingRequest(**request), profile=profile)


def siting_choices(zone: Zone) -> dict[str, Any]:
    """What the siting page offers: the default profile's items, the zone's streets, candidate lists and
    scenarios."""
    profile = default_profile_or_none()
    items = profile.items.select_related("facility_type").order_by("facility_type__order") if profile else []
    return {
        "items": items,
        "streets": Street.objects.filter(zone=zone).order_by("code"),
        "candidate_lists": CandidateList.objects.filter(zone=zone).annotate(n=Count("sites")),
        "scenarios": Scenario.objects.filter(zone=zone)[:50],
    }


# --- scenarios --------------------------------------------------------------------------------------


def scenario_list(user: User, zone: Zone) -> QuerySet[Scenario]:
    return (
        access.scenarios(user, zone)
        .select_related("created_by", "profile")
        .annotate(n_added=Count("added", distinct=True), n_closed=Count("closed_facilities", distinct=True))
    )


def scenario_rows(user: User, zone: Zone, *, limit: int = 200) -> list[dict[str, Any]]:
    """The zone's scenarios as plain rows (the API's list)."""
    rows = (
        access.scenarios(user, zone)
        .annotate(n_added=Count("added", distinct=True), n_closed=Count("closed_facilities", distinct=True))
        .values("pk", "name", "created_at", "profile_id", "n_added", "n_closed")[:limit]
    )
    return [
        {
            "id": r["pk"],
            "name": r["name"],
            "created_at": r["created_at"].isoformat(),
            "profile_id": r["profile_id"],
            "added": r["n_added"],
            "closed": r["n_closed"],
        }
        for r in rows
    ]


def compare_scenario(*, actor: User, scenario: Scenario) -> dict[str, Any]:
    """Today's registry and the scenario, evaluated with the same engine and profile, side by side."""
    if not access.can_view(actor):
        raise PermissionDenied
    items = item_snapshot(
        scenario.profile.items.select_related("facility_type").order_by("facility_type__order")
    )
    network = network_of(scenario.zone)
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
        lon, lat = (
            (change.lon, change.lat) if change.lon is not None and change.lat is not None else f.access_point
        )
        capacity = change.capacity if change.capacity is not None else (f.capacity or 0)
        extra.append(ExtraFacility(f.type.code, lon, lat, capacity))
    planned = list(scenario.areas.all())
    housing = [(a.name, a.lon, a.lat, a.population) for a in planned]
    what_if = load(scenario.zone, items, extra=extra, closed=closed, planned_housing=housing)
    focus = None
    if scenario.street_id is not None:  # the street the sites were proposed for, planned housing in it too
        focus = [getattr(a, "street_id", None) == scenario.street_id for a in base.areas] + [
            (street_at(a.lon, a.lat, scenario.zone) or Street()).pk == scenario.street_id for a in planned
        ]
    return analysis.compare(
        network, items, base, what_if, focus, profile_networks=profile_networks(scenario.zone, base)
    )


@dataclass(frozen=True)
class SiteRow:
    """A site a scenario adds, with the street its point lies in (a guess for promoting it)."""

    site: ScenarioFacility
    street_guess: Street | None


def scenario_sites(scenario: Scenario) -> list[SiteRow]:
    return [
        SiteRow(site, street_at(site.lon, site.lat, scenario.zone))
        for site in scenario.added.select_related("facility_type", "promoted")
    ]


def scenario_map(scenario: Scenario, added: list[Any], cmp: dict[str, Any] | None) -> dict[str, list[Any]]:
    """What the scenario changes, for its map: sites added, facilities closed or moved, planned housing,
    and the areas whose count of missing mandatory items changes."""

    def point(lon: float | None, lat: float | None, name: str, **extra: object) -> dict[str, object] | None:
        return None if lon is None or lat is None else {"lon": lon, "lat": lat, "name": name, **extra}

    changed = []
    for c in (cmp or {}).get("changed", []):
        area = c["area"]
        lon = getattr(area, "center_lon", None) or getattr(area, "lon", None)
        lat = getattr(area, "center_lat", None) or getattr(area, "lat", None)
        changed.append(point(lon, lat, area.name, before=c["before"], after=c["after"]))
    types = {f.facility_type.code for f in added} | {
        t for t in scenario.closed_facilities.values_list("type__code", flat=True)
    }
    types |= set(scenario.changes.values_list("facility__type__code", flat=True))
    return {
        "types": sorted(
            types
        ),  # the existing facilities of these types are drawn (click one to close or move it)
        "added": [point(f.lon, f.lat, f.name) for f in added],
        "closed": [point(*f.access_point, f.name) for f in scenario.closed_facilities.all()],
        "moved": [
            point(c.lon, c.lat, c.facility.name, origin=list(c.facility.access_point))
            for c in scenario.changes.select_related("facility")
            if c.lon is not None
        ],
        "housing": [point(a.lon, a.lat, a.name, population=a.population) for a in scenario.areas.all()],
        "changed": [c for c in changed if c is not None],
    }


def candidate_lists(user: User, zone: Zone) -> QuerySet[CandidateList]:
    return access.candidate_lists(user, zone).select_related("created_by").annotate(n=Count("sites"))


# --- isochrones -------------------------------------------------------------------------------------


def isochrone(
    user: User, zone: Zone, lon: float, lat: float, distance_m: float, *, profile: str = "distance"
) -> dict[str, Any]:
    """The area a walk of ``distance_m`` (clamped to 50–2,000 m) from the point reaches, as a GeoJSON
    Feature; EvaluationError when no street lies within the snapping tolerance of the point. For a
    walking profile other than distance the walk is the same time (``distance_m`` at the standard's
    1.0 m/s: ``minutes`` in the properties) for that walker, so it reaches less."""
    access.require_view(user)
    distance = min(max(float(distance_m), ISOCHRONE_MIN_M), ISOCHRONE_MAX_M)
    network_of(zone)  # the zone's network, or why there is none
    geometry = analysis.isochrone(network_for_profile(zone, profile), lon, lat, distance)
    return {
        "type": "Feature",
        "properties": {"distance_m": distance, "minutes": round(distance / 60.0, 1), "profile": profile},
        "geometry": geometry,
    }


def facility_choices(zone: Zone) -> list[tuple[str, str]]:
    """The zone's open and planned facilities as (code, "name · type") for a searchable list of a form."""
    return [
        (f.code, f"{f.name} · {f.type.label}")
        for f in Facility.objects.filter(street__zone=zone)
        .exclude(status="closed")
        .select_related("type")
        .order_by("name")
    ]


def standardized_streets_measure(zone: Zone, params: dict[str, Any], day: dt.date) -> Reading:
    """Measure "lifecircle.standardized_streets": the streets with a standardized 15-minute circle — at
    least one community whose residential areas pass the standardized-circle checklist — in the latest
    evaluation run up to the day (the streets given, or every street)."""
    run = (
        Evaluation.objects.filter(zone=zone, created_at__date__lte=day)
        .select_related("profile")
        .order_by("-created_at", "-pk")
        .first()
    )
    if run is None:
        return Reading(None, [], _("No evaluation run yet: run the life-circle evaluation."))
    wanted = {c.strip() for c in str(params.get("streets") or "").replace("，", ",").split(",") if c.strip()}
    by_community: dict[tuple[int, int], list[AreaResult]] = defaultdict(list)
    for r in AreaResult.objects.filter(evaluation=run).select_related("area__community", "street"):
        if not wanted or r.street.code in wanted:
            by_community[(r.street_id, r.area.community_id)].append(r)
    passing: dict[int, tuple[Street, str]] = {}
    for (_street, _community), results in sorted(by_community.items()):
        if results[0].street_id in passing:
            continue
        if checklist(run, results)["passes"]:
            passing[results[0].street_id] = (results[0].street, results[0].area.community.name)
    rows = [
        Counted(
            label=street.name,
            detail=_("%(community)s passes the checklist (run of %(day)s)")
            % {"community": community, "day": run.created_at.date().isoformat()},
            url=reverse("lifecircle:street", args=[run.pk, street.pk]),
        )
        for street, community in sorted(passing.values(), key=lambda v: v[0].code)
    ]
    return Reading(
        Decimal(len(rows)),
        rows,
        _("From the evaluation run of %(day)s.") % {"day": run.created_at.date().isoformat()},
    )

"""Reads of the education app, always through the gates: the 同步 ledger, the forecast of children and
places, the schools' class sizes, catchment plans and their comparison."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np
from django.db.models import Prefetch

from gaoxin.accounts.models import User
from gaoxin.education import access, analysis
from gaoxin.education.choices import FACILITY_TYPE, ClassState, Level, PlanStatus, Unplaced
from gaoxin.education.filtersets import DevelopmentFilter
from gaoxin.education.models import (
    Catchment,
    CatchmentPlan,
    ChildCount,
    Development,
    Kindergarten,
    Phase,
    Profile,
    SchoolRecord,
)
from gaoxin.places.models import Facility, ResidentialArea, Street, Zone


def profile(zone: Zone) -> Profile:
    """The zone's profile, or (unsaved) the defaults of standards/education.toml."""
    return Profile.objects.filter(zone=zone).first() or Profile(zone=zone, **analysis.profile_defaults())


def _developments_with_phases(qs: Any) -> list[tuple[Development, list[Phase]]]:
    devs = list(qs.select_related("street", "kindergarten", "area").prefetch_related("phases"))
    return [(d, sorted(d.phases.all(), key=lambda ph: ph.number)) for d in devs]


@dataclass(frozen=True)
class Ledger:
    rows: list[analysis.LedgerRow]
    kindergartens: list[dict[str, Any]]
    streets: list[dict[str, Any]]
    totals: dict[str, int]


def ledger(user: User | None, zone: Zone, today: date, filters: DevelopmentFilter | None = None) -> Ledger:
    """Every development against the 同步 rule, each kindergarten case (一园一案) with the developments it
    serves, and the figures per street."""
    p = profile(zone)
    qs = access.developments(user, zone)
    all_devs = _developments_with_phases(access.developments(user, zone))
    shown_ids = set((filters.filter(qs) if filters is not None else qs).values_list("pk", flat=True))
    required: dict[int, int] = defaultdict(int)
    reqs = {}
    for dev, phases in all_devs:
        reqs[dev.pk] = analysis.requirement(sum(ph.dwellings for ph in phases), p)
        if dev.kindergarten_id:
            required[dev.kindergarten_id] += reqs[dev.pk].places
    # developments of other streets sharing a kindergarten count in its split (street staff see their own)
    if access.street_only(user) is not None:
        for kg_id, total in _kindergarten_required(zone, p).items():
            required[kg_id] = total
    rows = [
        analysis.ledger_row(dev, phases, p, today, required.get(dev.kindergarten_id or 0))
        for dev, phases in all_devs
        if dev.pk in shown_ids
    ]
    rows.sort(key=lambda r: (not r.sync.breaks, -r.sync.places_short, -r.sync.worst_days, r.development.code))
    cases = []
    by_kg: dict[int, list[analysis.LedgerRow]] = defaultdict(list)
    for r in rows:
        if r.kindergarten is not None:
            by_kg[r.kindergarten.pk].append(r)
    for kg in access.kindergartens(user, zone).select_related("street").order_by("code"):
        served = by_kg.get(kg.pk, [])
        places = analysis.kindergarten_places(kg, p)
        need = required.get(kg.pk, 0)
        cases.append(
            {
                "kindergarten": kg,
                "developments": served,
                "required": need,
                "places": places,
                "short": max(0, need - places),
                "breaks": any(r.sync.breaks for r in served) or need > places,
            }
        )
    streets: dict[int, dict[str, Any]] = {}
    for r in rows:
        s = streets.setdefault(
            r.development.street_id,
            {
                "street": r.development.street,
                "developments": 0,
                "breaking": 0,
                "required": 0,
                "short": 0,
                "held": 0,
            },
        )
        s["developments"] += 1
        s["breaking"] += r.sync.breaks
        s["required"] += r.sync.places_required
        s["short"] += r.sync.places_short
        s["held"] += r.sync.hold_acceptance
    street_rows = sorted(streets.values(), key=lambda s: s["street"].code)
    totals = {
        "developments": len(rows),
        "breaking": sum(r.sync.breaks for r in rows),
        "required": sum(r.sync.places_required for r in rows),
        "short": sum(r.sync.places_short for r in rows),
        "held": sum(r.sync.hold_acceptance for r in rows),
        "missing": sum(r.sync.missing for r in rows),
    }
    return Ledger(rows, cases, street_rows, totals)


def _kindergarten_required(zone: Zone, p: Profile) -> dict[int, int]:
    out: dict[int, int] = defaultdict(int)
    for dev, phases in _developments_with_phases(
        Development.objects.filter(zone=zone, kindergarten__isnull=False)
    ):
        out[dev.kindergarten_id or 0] += analysis.requirement(sum(ph.dwellings for ph in phases), p).places
    return out


def development_detail(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    dev = access.development_for(user, zone, pk)
    p = profile(zone)
    phases = list(dev.phases.order_by("number"))
    total = _kindergarten_required(zone, p).get(dev.kindergarten_id or 0) if dev.kindergarten_id else None
    return {
        "development": dev,
        "phases": phases,
        "row": analysis.ledger_row(dev, phases, p, today, total),
        "profile": p,
        "counted_areas": len(counted_ages(zone, today.year)),
    }


def kindergarten_detail(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    kg = access.kindergarten_for(user, zone, pk)
    p = profile(zone)
    total = _kindergarten_required(zone, p).get(kg.pk, 0)
    rows = [
        analysis.ledger_row(dev, phases, p, today, total)
        for dev, phases in _developments_with_phases(access.developments(user, zone).filter(kindergarten=kg))
    ]
    places = analysis.kindergarten_places(kg, p)
    return {
        "kindergarten": kg,
        "rows": rows,
        "required": total,
        "places": places,
        "short": max(0, total - places),
    }


# --- forecast and places ------------------------------------------------------------------------------


def areas(zone: Zone) -> list[ResidentialArea]:
    return list(ResidentialArea.objects.filter(street__zone=zone).select_related("street").order_by("code"))


def counted_ages(zone: Zone, year: int) -> dict[int, Any]:
    """Each area's children by school age from its latest birth register up to ``year``, aged to it."""
    latest: dict[int, int] = {}
    rows = list(
        ChildCount.objects.filter(area__street__zone=zone, year__lte=year).values_list(
            "area_id", "year", "age", "children"
        )
    )
    for area_id, y, _age, _n in rows:
        latest[area_id] = max(latest.get(area_id, 0), y)
    counted: dict[int, Any] = {}
    for area_id, y, age, n in rows:
        if y == latest[area_id]:
            counted.setdefault(area_id, np.zeros(analysis.MAX_AGE + 1))[age] += n
    return {a: analysis.shift_ages(v, year - latest[a]) for a, v in counted.items()}


def zone_forecast(user: User | None, zone: Zone, today: date) -> analysis.Forecast:
    access.require_view(user)
    return analysis.forecast(
        areas(zone),
        _developments_with_phases(Development.objects.filter(zone=zone)),
        profile(zone),
        today,
        counted_ages(zone, today.year),
    )


def schools_of(user: User | None, zone: Zone, level: str) -> list[Facility]:
    return list(
        access.schools(user, zone, level)
        .exclude(status="closed")
        .select_related("type", "street")
        .prefetch_related(
            Prefetch("school_records", queryset=SchoolRecord.objects.order_by("-year"), to_attr="_records")
        )
        .order_by("code")
    )


def current_plan(zone: Zone, level: str) -> CatchmentPlan | None:
    return (
        CatchmentPlan.objects.filter(zone=zone, level=level, status=PlanStatus.CURRENT)
        .order_by("-updated_at")
        .first()
    )


def places_outlook(user: User | None, zone: Zone, level: str, today: date) -> dict[str, Any]:
    """Children of a level against places, per forecast year: for the zone, per street, and per school
    over its current catchment (or, with none published, over the areas nearest to it in a straight
    line). A negative balance is places short."""
    fc = zone_forecast(user, zone, today)
    p = profile(zone)
    demand = fc.demand(level)  # years × areas
    schools = schools_of(user, zone, level)
    years = fc.years
    caps = np.array([analysis.capacity_in(schools, y) for y in years]).reshape(len(years), len(schools))
    zone_rows = [
        {
            "year": y,
            "children": float(demand[t].sum()),
            "places": float(caps[t].sum()),
            "balance": float(caps[t].sum() - demand[t].sum()),
        }
        for t, y in enumerate(years)
    ]
    plan = current_plan(zone, level)
    index = {a.pk: i for i, a in enumerate(fc.areas)}
    school_of_area = np.full(len(fc.areas), -1, dtype=np.int64)
    sindex = {s.pk: j for j, s in enumerate(schools)}
    if plan is not None:
        for row in plan.rows.all():
            if row.area_id in index and row.school_id in sindex:
                school_of_area[index[row.area_id]] = sindex[row.school_id]
    elif schools:
        points = [s.access_point for s in schools]
        for i, a in enumerate(fc.areas):
            school_of_area[i] = analysis.nearest_index(a.center_lon, a.center_lat, points)
    per_school: list[dict[str, Any]] = []
    for j, s in enumerate(schools):
        mine = school_of_area == j
        loads = demand[:, mine].sum(axis=1)
        record = _latest_record(s)
        check = analysis.class_check(record.pupils, record.classes, level, p) if record else None
        per_school.append(
            {
                "school": s,
                "areas": int(mine.sum()),
                "years": [
                    {
                        "children": float(loads[t]),
                        "places": float(caps[t, j]),
                        "balance": float(caps[t, j] - loads[t]),
                    }
                    for t in range(len(years))
                ],
                "record": record,
                "check": check,
                "state_label": ClassState(check.state.value).label if check else "",
                "short": bool((caps[:, j] - loads < 0).any()),
            }
        )
    per_school.sort(key=lambda s: (min(y["balance"] for y in s["years"]) >= 0, s["school"].code))
    for t, zrow in enumerate(zone_rows):
        shorts = [s["years"][t]["balance"] for s in per_school if s["years"][t]["balance"] < 0]
        zrow["schools_short"] = len(shorts)
        zrow["places_short"] = -float(sum(shorts))
    street_rows: dict[int, dict[str, Any]] = {}
    for i, a in enumerate(fc.areas):
        srow = street_rows.setdefault(
            a.street_id,
            {"street": a.street, "children": np.zeros(len(years)), "places": np.zeros(len(years))},
        )
        srow["children"] += demand[:, i]
    for j, sc in enumerate(schools):
        if sc.street_id in street_rows:
            street_rows[sc.street_id]["places"] += caps[:, j]
    streets = [
        {
            "street": v["street"],
            "years": [
                {
                    "children": float(v["children"][t]),
                    "places": float(v["places"][t]),
                    "balance": float(v["places"][t] - v["children"][t]),
                }
                for t in range(len(years))
            ],
        }
        for v in sorted(street_rows.values(), key=lambda v: v["street"].code)
    ]
    unassigned = float(demand[:, school_of_area < 0].sum(axis=1).max()) if len(fc.areas) else 0.0
    return {
        "level": level,
        "years": years,
        "zone": zone_rows,
        "streets": streets,
        "schools": per_school,
        "plan": plan,
        "unassigned": unassigned,
        "short_years": [r["year"] for r in zone_rows if r["balance"] < 0],
        "short_schools": sum(any(y["balance"] < 0 for y in school_row["years"]) for school_row in per_school),
        "school_of_area": {
            a.pk: schools[int(school_of_area[i])].pk for i, a in enumerate(fc.areas) if school_of_area[i] >= 0
        },
        "profile": p,
    }


def _latest_record(s: Facility) -> SchoolRecord | None:
    records = getattr(s, "_records", None)
    if records is None:
        return SchoolRecord.objects.filter(facility=s).order_by("-year").first()
    return records[0] if records else None


def school_level(facility: Facility) -> str:
    for level, code in FACILITY_TYPE.items():
        if facility.type.code == code:
            return str(level)
    return str(Level.PRIMARY)


# --- catchment plans ----------------------------------------------------------------------------------


def plan_list(user: User | None, zone: Zone) -> list[CatchmentPlan]:
    return list(access.plans(user, zone).select_related("created_by"))


def plan_detail(user: User | None, zone: Zone, pk: int) -> dict[str, Any]:
    """A plan's rows, each school's load against its places and whether its catchment is contiguous, and
    how it differs from the current catchment of its level."""
    plan = access.plan_for(user, zone, pk)
    rows = list(plan.rows.select_related("area__street", "school").order_by("area__code"))
    schools = schools_of(user, zone, plan.level)
    caps = analysis.capacity_in(schools, plan.year)
    load: dict[int, float] = defaultdict(float)
    count: dict[int, int] = defaultdict(int)
    for r in rows:
        if r.school_id:
            load[r.school_id] += r.children
            count[r.school_id] += 1
    area_list = [r.area for r in rows]
    sidx = {s.pk: j for j, s in enumerate(schools)}
    school_idx = [sidx.get(r.school_id or 0, -1) for r in rows]
    pieces = analysis.contiguity(school_idx, analysis.adjacency_by_centres(area_list)) if rows else {}
    current = current_plan(zone, plan.level)
    before: dict[int, int | None] = {}
    if current is not None and current.pk != plan.pk:
        before = dict(current.rows.values_list("area_id", "school_id"))
    changed_ids = {r.area_id for r in rows if r.area_id in before and before[r.area_id] != r.school_id}
    per_school = [
        {
            "school": s,
            "places": float(caps[j]),
            "children": load.get(s.pk, 0.0),
            "balance": float(caps[j]) - load.get(s.pk, 0.0),
            "areas": count.get(s.pk, 0),
            "pieces": pieces.get(j, 0),
        }
        for j, s in enumerate(schools)
    ]
    return {
        "plan": plan,
        "rows": rows,
        "schools": per_school,
        "current": current if current is not None and current.pk != plan.pk else None,
        "before": before,
        "changed": len(changed_ids),
        "changed_ids": changed_ids,
        "beyond": sum(r.beyond for r in rows),
        "unplaced": sum(1 for r in rows if r.unplaced == Unplaced.NO_PLACES),
        "unreachable": sum(1 for r in rows if r.unplaced == Unplaced.UNREACHABLE),
        "radius_m": profile(zone).radius_m(plan.level),
    }


def plan_geojson(detail: dict[str, Any]) -> dict[str, Any]:
    """The plan's areas (points at their centres) and schools for the catchment map."""
    features = []
    for s in detail["schools"]:
        sc = s["school"]
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [sc.lon, sc.lat]},
                "properties": {
                    "kind": "school",
                    "id": sc.pk,
                    "name": sc.name,
                    "places": s["places"],
                    "children": round(s["children"]),
                },
            }
        )
    for r in detail["rows"]:
        features.append(
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [r.area.center_lon, r.area.center_lat]},
                "properties": {
                    "kind": "area",
                    "name": r.area.name,
                    "school": r.school_id,
                    "school_name": r.school.name if r.school else "",
                    "children": round(r.children, 1),
                    "walk": None if r.distance_m is None else round(r.distance_m),
                    "beyond": r.beyond,
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def streets(zone: Zone) -> list[Street]:
    return list(Street.objects.filter(zone=zone).order_by("code"))


def kindergarten_choices(zone: Zone) -> Any:
    return Kindergarten.objects.filter(zone=zone).order_by("code")


def catchment_rows(plan: CatchmentPlan) -> list[Catchment]:
    return list(plan.rows.select_related("area__street", "school").order_by("area__code"))


def propose(
    user: User | None, zone: Zone, *, level: str, year: int, sites: int, places: int, today: date
) -> dict[str, Any]:
    """Where new schools of a level would take the forecast children a year lacks places for: the areas
    of the catchments short of places that year (the current catchment, or the nearest school without
    one), beside their schools at their places — the capacitated p-median of the siting core."""
    access.require_plan(user)
    from gaoxin.places.analysis import network_for_zone

    outlook = places_outlook(user, zone, level, today)
    if year not in outlook["years"]:
        raise ValueError("year outside the forecast")
    t = outlook["years"].index(year)
    short = [s for s in outlook["schools"] if s["years"][t]["balance"] < 0]
    short_ids = {s["school"].pk for s in short}
    fc = zone_forecast(user, zone, today)
    demand = fc.demand(level)[t]
    owner = outlook["school_of_area"]
    keep = [
        i
        for i, a in enumerate(fc.areas)
        if owner.get(a.pk) in short_ids or (owner.get(a.pk) is None and demand[i] > 0)
    ]
    p = profile(zone)
    radius = float(p.radius_m(level))
    result = analysis.propose_schools(
        network_for_zone(zone),
        [fc.areas[i] for i in keep],
        demand[keep],
        [s["school"] for s in short],
        np.array([s["years"][t]["places"] for s in short], dtype=float),
        radius_m=radius,
        new_places=places,
        p=sites,
    )
    return {
        "level": level,
        "year": year,
        "radius_m": radius,
        "places": places,
        "short_schools": [s["school"].name for s in short],
        "short_points": [
            {
                "name": s["school"].name,
                "lon": s["school"].lon,
                "lat": s["school"].lat,
                "places": s["years"][t]["places"],
            }
            for s in short
        ],
        "places_short": -sum(s["years"][t]["balance"] for s in short),
        "children": result.children,
        "unplaced_before": result.unplaced_before,
        "unplaced_after": result.unplaced_after,
        "mean_walk_m": result.mean_walk_m,
        "sites": [
            {"lon": s.lon, "lat": s.lat, "children": s.children, "areas": s.areas} for s in result.sites
        ],
    }

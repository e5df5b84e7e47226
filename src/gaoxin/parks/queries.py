"""Named reads of the parks app, shared by pages, API and exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable
from decimal import Decimal
from typing import Any

import numpy as np
from django.db.models import Case, Count, F, IntegerField, QuerySet, Sum, Value, When
from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.analysis import idle_land, incubation, leasing, matching
from gaoxin.analysis import mu_benefit as mb
from gaoxin.common.measures import Counted, Reading
from gaoxin.common.units import M2_PER_MU, YUAN_PER_WAN, YUAN_PER_YI, yuan_to_yi
from gaoxin.parks import access, analysis
from gaoxin.parks.analysis import IDLE_LABELS, LOW_EFFICIENCY_LABELS, land_mu_by_enterprise, parcel_flags
from gaoxin.parks.choices import (
    REPORTED,
    WAS_INCUBATED,
    ApplicationStatus,
    EvaluationStatus,
    MatchState,
    Metric,
    PlantStage,
    RedevelopmentStatus,
    RequestStatus,
    Scale,
    ServiceField,
    Source,
    UpgradeStage,
)
from gaoxin.parks.filtersets import EnterpriseFilter, LandFilter, PlantFilter, RequestFilter, ResultFilter
from gaoxin.parks.models import (
    Appeal,
    Application,
    CaseDocument,
    Confirmation,
    Enterprise,
    Evaluation,
    ExpertReview,
    Fact,
    FinancingRound,
    IdleLandCase,
    IncubationCall,
    IncubationMilestone,
    LandParcel,
    LandUse,
    Lease,
    Park,
    ParkUpgrade,
    ParkYear,
    Plant,
    PlantUnit,
    Policy,
    PolicyMatch,
    PolicyMeasure,
    Provider,
    Redevelopment,
    Result,
    Scheme,
    Service,
    ServiceRequest,
)
from gaoxin.parks.validators import parse_scheme
from gaoxin.places.models import Zone
from gaoxin.standards import load as load_standard

HUNDRED_YI_YUAN = 100 * YUAN_PER_YI  # 100亿元: the zone's goal of parks above ten billion yuan of revenue


def latest_evaluation(zone_id: int | None) -> Evaluation | None:
    qs = Evaluation.objects.select_related("scheme")
    if zone_id is not None:
        qs = qs.filter(zone_id=zone_id)
    return qs.exclude(status="collecting").first() or qs.first()


def park_rows(zone_id: int | None) -> list[dict[str, Any]]:
    """Each park with its enterprises, land, the revenue of its years and whether it passed 100亿."""
    parks = Park.objects.all() if zone_id is None else Park.objects.filter(zone_id=zone_id)
    parks = parks.annotate(n_enterprises=Count("enterprises", distinct=True))
    land = dict(
        LandUse.objects.values_list("parcel__park_id")
        .annotate(total=Sum("area_m2"))
        .values_list("parcel__park_id", "total")
    )
    years: dict[int, list[ParkYear]] = defaultdict(list)
    for y in ParkYear.objects.order_by("year"):
        years[y.park_id].append(y)
    rows = []
    for p in parks:
        ys = years.get(p.pk, [])
        latest = ys[-1] if ys else None
        rows.append(
            {
                "park": p,
                "enterprises": p.n_enterprises,
                "land_mu": (land.get(p.pk) or Decimal(0)) / M2_PER_MU,
                "years": ys,
                "latest": latest,
                "revenue_yi": yuan_to_yi(latest.revenue_yuan) if latest else None,
                "hundred_yi": bool(latest and latest.revenue_yuan >= HUNDRED_YI_YUAN),
            }
        )
    return rows


def filtered_results(evaluation: Evaluation, filters: ResultFilter | None = None) -> QuerySet[Result]:
    """An evaluation's results by pool, class T last, then rank."""
    qs = evaluation.results.select_related("enterprise", "enterprise__park")
    if filters is not None:
        qs = filters.filter(qs)
    t_last = Case(When(klass="T", then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.order_by("pool", t_last, "rank", "enterprise__name")


def enterprise_list(user: User, zone: Zone, filters: EnterpriseFilter) -> QuerySet[Enterprise]:
    access.require_view_all(user)
    return filters.filter(access.visible_enterprises(user, zone).select_related("park")).order_by("name")


def classes_of(evaluation: Evaluation | None) -> dict[int, str]:
    """Each enterprise's class in the evaluation."""
    return {} if evaluation is None else dict(evaluation.results.values_list("enterprise_id", "klass"))


def dashboard(zone: Zone) -> dict[str, Any]:
    """The parks dashboard: each park with its revenue trend against the 100亿 line, and for the latest
    evaluation the classes per pool and the tax per mu by park."""
    rows = park_rows(zone.pk)
    evaluation = latest_evaluation(zone.pk)
    years = sorted({y.year for r in rows for y in r["years"]})
    threshold = Decimal(str(PARK_SERVICES["revenue"]["threshold_yi"])) * YUAN_PER_YI
    trend = [
        (yr, sum(1 for r in rows for y in r["years"] if y.year == yr and y.revenue_yuan >= threshold))
        for yr in years
    ]
    context: dict[str, Any] = {
        "rows": rows,
        "evaluation": evaluation,
        "hundred_yi": sum(r["hundred_yi"] for r in rows),
        "hundred_trend": trend,
        "hundred_goal": int(PARK_SERVICES["revenue"]["goal_parks"]),
        "revenue_chart": {
            "type": "lines",
            "unit": _("100 million yuan"),
            "labels": [str(y) for y in years],
            "series": [
                {
                    "name": r["park"].name,
                    "values": [
                        next((float(yuan_to_yi(y.revenue_yuan)) for y in r["years"] if y.year == yr), None)
                        for yr in years
                    ],
                }
                for r in rows
            ],
            "mark": 100,
        },
    }
    if evaluation is not None and evaluation.status != EvaluationStatus.COLLECTING:
        dist = class_distribution(evaluation)
        per_mu = tax_per_mu_by_park(evaluation)
        context |= {
            "dist": dist,
            "class_chart": {
                "type": "stacked",
                "labels": [str(Scale(p).label) for p in dist],
                "series": [{"name": k, "values": [dist[p].get(k, 0) for p in dist]} for k in "ABCDT"],
            },
            "mu_chart": {
                "type": "bars",
                "unit": _("10k yuan per mu"),
                "labels": [r["park"] for r in per_mu],
                "series": [{"name": _("tax per mu"), "values": [round(r["tax_per_mu"], 2) for r in per_mu]}],
            },
        }
    return context


def figures_by_year(enterprise: Enterprise) -> dict[int, dict[str, list[tuple[str, Decimal]]]]:
    """The enterprise's figures: year → metric → [(source, value)], newest year first."""
    facts: dict[int, dict[str, list[tuple[str, Decimal]]]] = {}
    for f in enterprise.facts.order_by("-year", "metric", "source"):
        facts.setdefault(f.year, {}).setdefault(f.get_metric_display(), []).append(
            (f.get_source_display(), f.value)
        )
    return facts


def results_of(user: User, enterprise: Enterprise) -> QuerySet[Result]:
    """The enterprise's results the user may see (an enterprise: from the public notice on)."""
    results = enterprise.results.select_related("evaluation").order_by("-evaluation__year")
    if not access.can_view_all(user):
        results = results.filter(evaluation__status__in=access.PUBLIC)
    return results


def portal(enterprise: Enterprise, year: int) -> dict[str, Any]:
    """The enterprise's figures of the year by source, its own figures, its confirmation and results."""
    by_metric: dict[str, dict[str, Decimal]] = {}
    for f in enterprise.facts.filter(year=year):
        by_metric.setdefault(f.metric, {})[f.source] = f.value
    figures = []
    for metric, values in by_metric.items():  # in the unit the enterprise reports in (money in 万元)
        unit = REPORTED[metric]
        row = [
            (None if values.get(src) is None else values[src] / unit.per_unit, label)
            for src, label in Source.choices
        ]
        figures.append((unit.label, row))
    return {
        "figures": figures,
        "own": {f.metric: f.value for f in enterprise.facts.filter(year=year, source=Source.SELF)},
        "confirmation": enterprise.confirmations.filter(year=year).first(),
        "results": enterprise.results.filter(evaluation__status__in=access.PUBLIC).select_related(
            "evaluation"
        ),
        "land": enterprise.land_uses.select_related("parcel"),
    }


def land_notice_rows(evaluation: Evaluation) -> list[dict[str, object]]:
    """During the land notice: each enterprise that enters a pool with its land in mu."""
    enterprises, land = pool_members(evaluation, parse_scheme(evaluation.scheme.source))
    return [{"enterprise": e, "land_mu": land[e.pk]} for e in enterprises]


def class_distribution(evaluation: Evaluation) -> dict[str, dict[str, int]]:
    out: dict[str, dict[str, int]] = {}
    for pool, klass, n in (
        evaluation.results.values_list("pool", "klass")
        .annotate(n=Count("pk"))
        .values_list("pool", "klass", "n")
    ):
        out.setdefault(pool, {})[klass] = n
    return out


def tax_per_mu_by_park(evaluation: Evaluation) -> list[dict[str, Any]]:
    """Σ tax ÷ Σ land of the evaluated firms of each park (万元/亩), from the stored indicators."""
    acc: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0])
    for r in evaluation.results.select_related("enterprise__park").exclude(klass="T"):
        tax = next((i for i in r.indicators if i["code"] == "tax_per_mu"), None)
        if tax is None or tax["value"] is None or r.land_mu is None:
            continue
        name = r.enterprise.park.name if r.enterprise.park else "—"
        acc[name][0] += tax["value"] * float(r.land_mu)
        acc[name][1] += float(r.land_mu)
    return [{"park": k, "tax_per_mu": v[0] / v[1]} for k, v in sorted(acc.items()) if v[1] > 0]


DIVISIONS: dict[str, str] = load_standard("gbt4754_divisions")["divisions"]


def division_label(code: str | None) -> str:
    """The GB/T 4754 division (大类) of an industry code, e.g. '35 专用设备制造业'."""
    division = (code or "")[:2]
    return f"{division} {DIVISIONS.get(division, '')}".strip() if division else "—"


def _indicator_values(r: Result) -> dict[str, float | None]:
    return {i["code"]: i["value"] for i in r.indicators}


def result_report(user: User, result: Result) -> dict[str, Any]:
    """A firm's result beside its peers — the other rated firms of its pool and GB/T 4754 division in the
    same evaluation (median, mean, its position; fewer than three peers: not shown) and the whole pool —
    and its trend: score, class, rank and tax per mu in every evaluation the viewer may see."""
    division = (result.enterprise.industry_code or "")[:2]
    pool = list(
        result.evaluation.results.filter(pool=result.pool)
        .exclude(klass="T")
        .exclude(pk=result.pk)
        .select_related("enterprise")
    )
    industry = [r for r in pool if division and (r.enterprise.industry_code or "")[:2] == division]
    codes = [i["code"] for i in result.indicators]
    own = _indicator_values(result)
    by_industry = mb.peer_figures(own, [_indicator_values(r) for r in industry], codes)
    by_pool = mb.peer_figures(own, [_indicator_values(r) for r in pool], codes)
    rows = [
        {"label": i.get("label", i["code"]), "unit": i.get("unit", ""), "industry": a, "pool": b}
        for i, a, b in zip(result.indicators, by_industry, by_pool, strict=True)
    ]
    history = Result.objects.filter(enterprise=result.enterprise, evaluation__zone=result.evaluation.zone)
    if not access.can_view_all(user):
        history = history.filter(evaluation__status__in=access.PUBLIC)
    trend = [
        {
            "year": r.evaluation.year,
            "score": r.score,
            "klass": r.klass,
            "rank": r.rank,
            "tax_per_mu": _indicator_values(r).get("tax_per_mu"),
            "current": r.pk == result.pk,
        }
        for r in history.select_related("evaluation").order_by("evaluation__year")
    ]
    return {
        "division": division_label(result.enterprise.industry_code),
        "industry_peers": len(industry),
        "pool_peers": len(pool),
        "rows": rows,
        "trend": trend,
        "min_peers": mb.MIN_PEERS,
    }


def group_tables(evaluation: Evaluation) -> dict[str, list[mb.GroupFigure]]:
    """亩均 figures per park, per GB/T 4754 division and for the zone, each ranked by tax per mu."""
    rated = list(evaluation.results.exclude(klass="T").select_related("enterprise", "enterprise__park"))

    def rows(key: Callable[[Result], str]) -> list[tuple[str, float | None, float | None, float | None, str]]:
        return [
            (
                key(r),
                _indicator_values(r).get("tax_per_mu"),
                float(r.land_mu) if r.land_mu is not None else None,
                float(r.score),
                r.klass,
            )
            for r in rated
        ]

    return {
        "park": mb.group_figures(rows(lambda r: r.enterprise.park.name if r.enterprise.park else "—")),
        "industry": mb.group_figures(rows(lambda r: division_label(r.enterprise.industry_code))),
        "zone": mb.group_figures(rows(lambda r: str(evaluation.zone))),
    }


ACCOUNT_OF = {"electricity": "power_account", "water": "water_account", "gas": "gas_account"}


def class_policies(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The scheme's policies by class over the evaluation's results (亩均论英雄: water and gas surcharges,
    the land-use tax relief, the banks' and the quotas' lists, with the D-class electricity surcharge):
    per policy its firms with the rate, share or treatment, the account number the utility applies a
    surcharge by, the estimated relief in yuan, and the policy that applies instead where surcharges on
    one resource do not stack."""
    scheme = parse_scheme(evaluation.scheme.source)
    results = list(
        evaluation.results.exclude(klass="T")
        .select_related("enterprise", "enterprise__park")
        .order_by("klass", "-consecutive_d", "enterprise__name")
    )
    firms = [
        (r.pk, r.klass, r.consecutive_d, float(r.land_mu) if r.land_mu is not None else None) for r in results
    ]
    lines = mb.policy_lines(scheme, firms)
    by_pk = {r.pk: r for r in results}
    labels = {p.code: p.label for p in scheme.all_policies()}
    out = []
    for pol in scheme.all_policies():
        rows = [
            {
                "result": by_pk[line.key],
                "enterprise": by_pk[line.key].enterprise,
                "klass": line.klass,
                "consecutive_d": by_pk[line.key].consecutive_d,
                "value": line.value,
                "treatment": line.treatment,
                "amount_yuan": line.amount_yuan,
                "account": getattr(by_pk[line.key].enterprise, ACCOUNT_OF.get(pol.resource, ""), "")
                if pol.resource in ACCOUNT_OF
                else "",
                "superseded_by": labels.get(line.superseded_by, ""),
            }
            for line in lines[pol.code]
        ]
        counts = {k: sum(1 for r in rows if r["klass"] == k) for k in mb.POLICY_CLASSES}
        out.append({"policy": pol, "rows": rows, "counts": counts, "overlap": scheme.overlap})
    return out


def class_policy(evaluation: Evaluation, code: str) -> dict[str, Any] | None:
    return next((p for p in class_policies(evaluation) if p["policy"].code == code), None)


def surcharge_list(evaluation: Evaluation) -> QuerySet[Result]:
    """D-class firms with the surcharge the power company applies, by account number (鲁发改价格〔2022〕56号)."""
    return (
        evaluation.results.filter(klass="D")
        .select_related("enterprise")
        .order_by("-consecutive_d", "enterprise__name")
    )


def enterprise_years(enterprise: Enterprise) -> list[int]:
    return sorted(set(enterprise.facts.values_list("year", flat=True)), reverse=True)


def land(
    user: User, zone: Zone, evaluation: Evaluation | None, today: dt.date, filters: LandFilter
) -> list[dict[str, Any]]:
    """The parcels of the zone the land page shows: with their flags, as the filter set keeps them."""
    access.require_view_all(user)
    return [r for r in land_rows(zone.pk, evaluation, today, filters.filter) if filters.keep(r)]


def land_rows(
    zone_id: int | None,
    evaluation: Evaluation | None,
    today: dt.date,
    narrow: Callable[[QuerySet[LandParcel]], QuerySet[LandParcel]] | None = None,
) -> list[dict[str, Any]]:
    """Every parcel with its flags (words included) and its main user's class."""
    parcels = (
        LandParcel.objects.select_related("park")
        .prefetch_related("uses__enterprise")
        .order_by("park__code", "code")
    )
    if zone_id is not None:
        parcels = parcels.filter(park__zone_id=zone_id)
    if narrow is not None:
        parcels = narrow(parcels)
    rows = []
    for parcel, flags, klass in parcel_flags(list(parcels), evaluation, today):
        rows.append(
            {
                "parcel": parcel,
                "flags": flags,
                "klass": klass,
                "users": [u.enterprise for u in parcel.uses.all()],
                "idle_label": IDLE_LABELS.get(flags.idle_rule, ""),
                "low_labels": [LOW_EFFICIENCY_LABELS[c] for c in flags.low_efficiency],
            }
        )
    return rows


def land_geojson(rows: list[dict[str, Any]]) -> dict[str, Any]:
    features = []
    for r in rows:
        p = r["parcel"]
        geometry = p.geometry or (
            {"type": "Point", "coordinates": [p.lon, p.lat]} if p.lon is not None else None
        )
        if geometry is None:
            continue
        features.append(
            {
                "type": "Feature",
                "geometry": geometry,
                "properties": {
                    "code": p.code,
                    "park": p.park.name,
                    "area_mu": float(p.area_mu),
                    "users": ", ".join(e.name for e in r["users"]),
                    "klass": r["klass"],
                    "idle": r["flags"].idle,
                    "reclaimable": r["flags"].reclaimable,
                    "idle_label": str(r["idle_label"]),
                    "low": [str(x) for x in r["low_labels"]],
                },
            }
        )
    return {"type": "FeatureCollection", "features": features}


def previous_result(result: Result) -> dict[str, Any] | None:
    """Last year's result of the same enterprise and the change of score (year-over-year)."""
    prev = (
        Result.objects.filter(
            enterprise_id=result.enterprise_id,
            evaluation__zone_id=result.evaluation.zone_id,
            evaluation__year=result.evaluation.year - 1,
        )
        .select_related("evaluation")
        .first()
    )
    if prev is None:
        return None
    change = None if "T" in (prev.klass, result.klass) else result.score - prev.score
    return {"result": prev, "change": change}


def pool_members(evaluation: Evaluation, scheme: mb.Scheme) -> tuple[list[Enterprise], dict[int, float]]:
    """The enterprises of the zone's parks that enter a pool, and their land in mu: a firm needs
    registered land, and at least the pool's minimum (鲁政字〔2019〕235号: 规下 占地3亩以上); the others are not in N."""
    enterprises = list(
        Enterprise.objects.filter(park__zone=evaluation.zone).select_related("park").order_by("pk")
    )
    land = land_mu_by_enterprise([e.pk for e in enterprises])
    enters = mb.enters_pool(
        scheme, [e.scale for e in enterprises], [land.get(e.pk, np.nan) for e in enterprises]
    )
    members = [e for e, ok in zip(enterprises, enters.tolist(), strict=True) if ok]  # the core's one rule
    return members, land


def class_history(enterprise_ids: list[int], before_year: int) -> dict[int, dict[int, str]]:
    """Published classes of earlier years, per enterprise (for consecutive D years)."""
    out: dict[int, dict[int, str]] = {}
    rows = Result.objects.filter(
        enterprise_id__in=enterprise_ids,
        evaluation__status=EvaluationStatus.FINAL,
        evaluation__year__lt=before_year,
    ).values_list("enterprise_id", "evaluation__year", "klass")
    for eid, year, klass in rows:
        out.setdefault(eid, {})[year] = klass
    return out


def parks(zone: Zone) -> QuerySet[Park]:
    return Park.objects.filter(zone=zone).order_by("code")


def latest_scheme() -> Scheme | None:
    return Scheme.objects.order_by("-created_at").first()


def schemes() -> QuerySet[Scheme]:
    return Scheme.objects.all()


def appeals_of(evaluation: Evaluation) -> QuerySet[Appeal]:
    return Appeal.objects.filter(evaluation=evaluation).select_related("enterprise", "result")


def measures(klass: str | None = None) -> QuerySet[PolicyMeasure]:
    """The policy measures (of a class)."""
    qs = PolicyMeasure.objects.all()
    return qs if klass is None else qs.filter(klass=klass)


def scheme_parameters(scheme: Scheme) -> list[analysis.SchemeParameter]:
    """The numbers of a scheme a zone sets, for its form."""
    return analysis.scheme_parameters(scheme.source)


def scheme_versions(scheme: Scheme) -> QuerySet[Scheme]:
    """Every version of the scheme's name, newest first."""
    return Scheme.objects.filter(name=scheme.name).order_by("-version")


def revenue_parks_measure(zone: Zone, params: dict[str, Any], day: dt.date) -> Reading:
    """Measure "parks.revenue_parks": the parks whose yearly revenue reaches the threshold (亿元, 100 by
    default) in the year given, or else each park's latest year reported up to the day's year."""
    threshold = Decimal(params.get("threshold_yi") or 100) * YUAN_PER_YI
    years = ParkYear.objects.filter(park__zone=zone).select_related("park").order_by("park__code", "year")
    if params.get("year"):
        years = years.filter(year=int(params["year"]))
    else:
        years = years.filter(year__lte=day.year)
    latest: dict[int, ParkYear] = {}
    for y in years:
        latest[y.park_id] = y  # ordered by year: the last one wins
    rows = [
        Counted(
            label=y.park.name,
            detail=_("%(year)s: %(revenue)s 亿元")
            % {"year": y.year, "revenue": f"{yuan_to_yi(y.revenue_yuan):,.1f}"},
            url=reverse("parks:index"),
            amount=yuan_to_yi(y.revenue_yuan),
        )
        for y in latest.values()
        if y.revenue_yuan >= threshold
    ]
    return Reading(Decimal(len(rows)), rows)


def data_objections(zone: Zone, year: int) -> QuerySet[Confirmation]:
    """The year's objections of the enterprises to their data, the unanswered first (the staff's queue)."""
    return (
        Confirmation.objects.filter(enterprise__park__zone=zone, year=year, confirmed=False)
        .select_related("enterprise", "enterprise__park", "attachment", "answered_by")
        .order_by(F("answered_at").asc(nulls_first=True), "-at")
    )


def evaluation_of_year(zone: Zone, year: int) -> Evaluation | None:
    return Evaluation.objects.filter(zone=zone, year=year).first()


# ---- standard plants, leases, park revenue and profiles (issue: park services) -------------------------

PARK_SERVICES = load_standard("park_services")


def plant_target_m2() -> Decimal:
    """The zone's standard-plant target (standards/park_services.toml)."""
    return Decimal(str(PARK_SERVICES["plants"]["target_m2"]))


def _spans(leases: Any) -> list[leasing.Span]:
    return [leasing.Span(unit=ls.unit_id, first=ls.starts_on, last=ls.last_day) for ls in leases]


def plant_list(user: User, zone: Zone, filters: PlantFilter) -> QuerySet[Plant]:
    """Plants of the zone's parks with their lettable area and units (staff who see everything)."""
    return (
        filters.filter(access.plants(user, zone))
        .select_related("park", "owner")
        .annotate(lettable_m2=Sum("units__area_m2"), n_units=Count("units"))
        .order_by("park__code", "name")
    )


def with_occupancy(plants: list[Plant], day: dt.date) -> list[tuple[Plant, leasing.Occupancy]]:
    """Each plant of the list with its leased and lettable m² on ``day`` (two queries in all)."""
    units = list(PlantUnit.objects.filter(plant__in=plants).only("pk", "area_m2", "plant_id"))
    spans = _spans(Lease.objects.filter(unit__in=[u.pk for u in units]))
    return [
        (p, leasing.occupancy({u.pk: u.area_m2 for u in units if u.plant_id == p.pk}, spans, day))
        for p in plants
    ]


def plants_overview(user: User, zone: Zone, day: dt.date) -> dict[str, Any]:
    """The standard plants against the target, occupancy per park on ``day``, the year's rent, and the
    leases that end within the notice window."""
    plants = list(access.plants(user, zone).filter(standard=True).select_related("park"))
    progress = leasing.area_progress([(p.stage, p.floor_area_m2) for p in plants], plant_target_m2())
    units = list(
        PlantUnit.objects.filter(plant__in=[p.pk for p in plants if p.stage == PlantStage.COMPLETED])
        .select_related("plant")
        .only("pk", "area_m2", "plant__park_id")
    )
    leases = list(Lease.objects.filter(unit__in=[u.pk for u in units]).select_related("unit"))
    spans = _spans(leases)
    rows: list[dict[str, Any]] = []
    for park in access.parks(user, zone):
        mine = [p for p in plants if p.park_id == park.pk]
        areas = {u.pk: u.area_m2 for u in units if u.plant.park_id == park.pk}
        occ = leasing.occupancy(areas, spans, day)
        rent = sum(
            (
                leasing.rent_in_year(s, ls.unit.area_m2, ls.rent_yuan_per_m2_month, day.year)
                for s, ls in zip(spans, leases, strict=True)
                if ls.unit_id in areas
            ),
            Decimal(0),
        )
        by_stage = {
            s: sum((p.floor_area_m2 for p in mine if p.stage == s), Decimal(0)) for s in PlantStage.values
        }
        rows.append(
            {"park": park, "plants": len(mine), "by_stage": by_stage, "occupancy": occ, "rent_yuan": rent}
        )
    total = leasing.occupancy({u.pk: u.area_m2 for u in units}, spans, day)
    window = int(PARK_SERVICES["plants"]["expiry_notice_days"])
    soon = {s.unit: s for s in leasing.expiring(spans, day, window)}
    expiring = sorted(
        (ls for ls in leases if ls.unit_id in soon and soon[ls.unit_id].first == ls.starts_on),
        key=lambda ls: (ls.last_day, ls.pk),
    )
    return {
        "day": day,
        "progress": progress,
        "rows": [r for r in rows if r["plants"]],
        "occupancy": total,
        "rent_yuan": sum((r["rent_yuan"] for r in rows), Decimal(0)),
        "expiring": Lease.objects.filter(pk__in=[ls.pk for ls in expiring])
        .select_related("unit__plant__park", "tenant")
        .order_by("ends_on", "pk"),
        "window": window,
        "chart": {
            "type": "stacked",
            "unit": "m²",
            "labels": [r["park"].name for r in rows if r["plants"]],
            "series": [
                {
                    "name": str(PlantStage(s).label),
                    "values": [float(r["by_stage"][s]) for r in rows if r["plants"]],
                }
                for s in PlantStage.values
            ],
        },
    }


def plant_detail(plant: Plant, day: dt.date) -> dict[str, Any]:
    """A plant's units, each with the lease running on ``day`` and its history."""
    units = list(plant.units.all())
    leases = list(
        Lease.objects.filter(unit__plant=plant)
        .select_related("tenant", "unit")
        .order_by("unit_id", "-starts_on")
    )
    by_unit: dict[int, list[Lease]] = defaultdict(list)
    for ls in leases:
        by_unit[ls.unit_id].append(ls)
    rows = []
    for u in units:
        current = next((ls for ls in by_unit[u.pk] if ls.starts_on <= day <= ls.last_day), None)
        rows.append({"unit": u, "current": current, "history": by_unit[u.pk]})
    occ = leasing.occupancy({u.pk: u.area_m2 for u in units}, _spans(leases), day)
    return {"plant": plant, "rows": rows, "occupancy": occ, "leases": leases}


def leases_of(enterprise: Enterprise) -> QuerySet[Lease]:
    """An enterprise's leases, newest first (its portal: the enterprise is loaded through its gate)."""
    return enterprise.leases.select_related("unit__plant__park").order_by("-starts_on")


def own_leases(user: User) -> QuerySet[Lease]:
    """The leases of the enterprises the user speaks for (the portal)."""
    return (
        Lease.objects.filter(tenant__in=access.own_enterprises(user))
        .select_related("unit__plant__park", "tenant")
        .order_by("-starts_on")
    )


def firm_revenue_by_park(zone: Zone) -> dict[int, dict[int, Decimal]]:
    """Each park's yearly revenue summed from its enterprises' figures (a department's figure over the
    enterprise's own, as the evaluation reads them)."""
    chosen: dict[tuple[int, int], tuple[Decimal, str, int]] = {}
    facts = (
        Fact.objects.filter(enterprise__park__zone=zone, metric=Metric.REVENUE)
        .order_by("batch_id", "pk")
        .values_list("enterprise_id", "enterprise__park_id", "year", "source", "value")
    )
    for eid, park_id, year, source, value in facts:
        have = chosen.get((eid, year))
        if have is None or (have[1] == Source.SELF and source != Source.SELF):
            chosen[(eid, year)] = (value, source, park_id)
    out: dict[int, dict[int, Decimal]] = defaultdict(lambda: defaultdict(Decimal))
    for (_eid, year), (value, _source, park_id) in chosen.items():
        out[park_id][year] += value
    return {k: dict(v) for k, v in out.items()}


def park_profile(user: User, zone: Zone, pk: int, day: dt.date) -> dict[str, Any]:
    """A park's profile: industries, leading firms, land, plants and occupancy, 亩均 figures and revenue
    by year (as reported and as summed from its enterprises)."""
    park = access.park_for(user, zone, pk)
    enterprises = list(park.enterprises.all())
    reported = {y.year: y.revenue_yuan for y in park.years.all()}
    summed = firm_revenue_by_park(zone).get(park.pk, {})
    years = sorted(set(reported) | set(summed))
    latest_year = max(summed) if summed else None
    leading: list[tuple[Enterprise, Decimal]] = []
    if latest_year is not None:
        facts = analysis.best_facts(latest_year, [e.pk for e in enterprises])
        revenue = {eid: m[Metric.REVENUE][0] for eid, m in facts.items() if Metric.REVENUE in m}
        leading = sorted(
            ((e, revenue[e.pk] / YUAN_PER_WAN) for e in enterprises if e.pk in revenue), key=lambda t: -t[1]
        )[:10]
    industries: dict[str, int] = defaultdict(int)
    for e in enterprises:
        industries[e.industry_code[:2]] += 1
    land_m2 = LandUse.objects.filter(parcel__park=park).aggregate(s=Sum("area_m2"))["s"] or Decimal(0)
    plants = list(park.plants.all())
    completed_units = {
        u.pk: u.area_m2
        for u in PlantUnit.objects.filter(
            plant__park=park, plant__standard=True, plant__stage=PlantStage.COMPLETED
        )
    }
    occ = leasing.occupancy(
        completed_units, _spans(Lease.objects.filter(unit__in=list(completed_units))), day
    )
    evaluation = latest_evaluation(zone.pk)
    flags = parcel_flags(list(park.parcels.prefetch_related("uses")), evaluation, day)
    per_mu = None
    dist: dict[str, int] = {}
    if evaluation is not None and evaluation.status != EvaluationStatus.COLLECTING:
        per_mu = next(
            (r["tax_per_mu"] for r in tax_per_mu_by_park(evaluation) if r["park"] == park.name), None
        )
        for klass, n in (
            evaluation.results.filter(enterprise__park=park)
            .values_list("klass")
            .annotate(n=Count("pk"))
            .values_list("klass", "n")
        ):
            dist[klass] = n
    return {
        "park": park,
        "enterprises": len(enterprises),
        "scale": {s: sum(1 for e in enterprises if e.scale == s) for s in Scale.values},
        "high_tech": sum(1 for e in enterprises if e.high_tech),
        "industries": sorted(industries.items(), key=lambda t: (-t[1], t[0])),
        "leading": leading,
        "latest_year": latest_year,
        "land_mu": land_m2 / M2_PER_MU,
        "idle": sum(1 for _p, f, _k in flags if f.idle),
        "plants": plants,
        "standard_m2": {
            s: sum((p.floor_area_m2 for p in plants if p.standard and p.stage == s), Decimal(0))
            for s in PlantStage.values
        },
        "occupancy": occ,
        "evaluation": evaluation,
        "tax_per_mu": per_mu,
        "classes": dist,
        "revenue": [
            {
                "year": y,
                "reported_yi": yuan_to_yi(reported[y]) if y in reported else None,
                "summed_yi": yuan_to_yi(summed[y]) if y in summed else None,
            }
            for y in years
        ],
        "chart": {
            "type": "lines",
            "unit": _("100 million yuan"),
            "labels": [str(y) for y in years],
            "series": [
                {
                    "name": _("reported by the statistics bureau"),
                    "values": [float(yuan_to_yi(reported[y])) if y in reported else None for y in years],
                },
                {
                    "name": _("sum of its enterprises' figures"),
                    "values": [float(yuan_to_yi(summed[y])) if y in summed else None for y in years],
                },
            ],
            "mark": float(PARK_SERVICES["revenue"]["threshold_yi"]),
        },
    }


def standard_plants_measure(zone: Zone, params: dict[str, Any], day: dt.date) -> Reading:
    """Measure "parks.standard_plants_m2": the floor area of the zone's standard plants in a stage
    (completed by default: completed on or before the day)."""
    stage = params.get("stage") or PlantStage.COMPLETED
    plants = (
        Plant.objects.filter(park__zone=zone, standard=True, stage=stage)
        .select_related("park")
        .order_by("park__code", "name")
    )
    if stage == PlantStage.COMPLETED:
        plants = plants.filter(completed_on__lte=day)
    rows = [
        Counted(
            label="%s · %s" % (p.park.name, p.name),
            detail=_("%(area)s m²") % {"area": f"{p.floor_area_m2:,.0f}"},
            url=reverse("parks:plant", args=[p.pk]),
            amount=p.floor_area_m2,
        )
        for p in plants
    ]
    return Reading(sum((r.amount or Decimal(0) for r in rows), Decimal(0)), rows)


def plant_occupancy_measure(zone: Zone, params: dict[str, Any], day: dt.date) -> Reading:
    """Measure "parks.plant_occupancy": the leased share (%) of the completed standard plants' units."""
    units = {
        u.pk: u.area_m2
        for u in PlantUnit.objects.filter(
            plant__park__zone=zone, plant__standard=True, plant__stage=PlantStage.COMPLETED
        )
    }
    occ = leasing.occupancy(units, _spans(Lease.objects.filter(unit__in=list(units))), day)
    if occ.rate is None:
        return Reading(None, [], _("No completed standard plant has lettable units yet."))
    return Reading(
        (occ.rate * 100).quantize(Decimal("0.1")),
        [],
        _("%(leased)s of %(total)s m² leased")
        % {"leased": f"{occ.leased_m2:,.0f}", "total": f"{occ.total_m2:,.0f}"},
    )


# ---- enterprise policies (免申即享) --------------------------------------------------------------------


def policy_list(user: User, zone: Zone) -> list[dict[str, Any]]:
    """The zone's policies with how many enterprises each found eligible and granted."""
    rows = []
    counts: dict[tuple[int, str], int] = {
        (pid, state): n
        for pid, state, n in PolicyMatch.objects.filter(policy__zone=zone)
        .values_list("policy_id", "state")
        .annotate(n=Count("pk"))
        .values_list("policy_id", "state", "n")
    }
    for p in access.policies(user, zone).order_by("-data_year", "code"):
        rows.append(
            {
                "policy": p,
                "granted": counts.get((p.pk, MatchState.GRANTED), 0),
                "notified": counts.get((p.pk, MatchState.NOTIFIED), 0),
                "withdrawn": counts.get((p.pk, MatchState.WITHDRAWN), 0),
            }
        )
    return rows


def policy_detail(policy: Policy) -> dict[str, Any]:
    matches = list(
        policy.matches.select_related("enterprise", "enterprise__park").order_by("state", "enterprise__name")
    )
    granted = [m for m in matches if m.state == MatchState.GRANTED]
    return {
        "policy": policy,
        "lines": analysis.rule_lines(policy.rules),
        "matches": matches,
        "rows": [(m, analysis.readable_checks(m.checks)) for m in matches],
        "granted_total": sum((m.amount_yuan or Decimal(0) for m in granted), Decimal(0)),
        "counts": {s: sum(1 for m in matches if m.state == s) for s in MatchState.values},
    }


def preview_rows(zone: Zone, preview: Any) -> dict[str, list[Enterprise]]:
    """The enterprises a rule change gains and loses, by name."""
    ids = set(preview.change.gained) | set(preview.change.lost)
    by_id = {e.pk: e for e in Enterprise.objects.filter(park__zone=zone, pk__in=ids).select_related("park")}
    return {
        "gained": sorted((by_id[i] for i in preview.change.gained), key=lambda e: e.name),
        "lost": sorted((by_id[i] for i in preview.change.lost), key=lambda e: e.name),
    }


def own_policy_matches(user: User, enterprise: Enterprise) -> list[tuple[PolicyMatch, list[dict[str, Any]]]]:
    """The policies an enterprise the user speaks for was matched to (its portal), withdrawn ones last,
    each with the conditions it meets in words."""
    matches = (
        access.own_matches(user)
        .filter(enterprise=enterprise)
        .select_related("policy")
        .order_by(
            Case(
                When(state=MatchState.WITHDRAWN, then=Value(1)), default=Value(0), output_field=IntegerField()
            ),
            "-matched_on",
        )
    )
    return [(m, analysis.readable_checks(m.checks)) for m in matches]


# ---- the park service platform: providers and enterprise requests ----------------------------------------

REQUEST_RULES = PARK_SERVICES["requests"]


def _ratings_by_provider(zone: Zone) -> dict[int, list[int]]:
    out: dict[int, list[int]] = defaultdict(list)
    for pid, rating in ServiceRequest.objects.filter(zone=zone, rating__isnull=False).values_list(
        "provider_id", "rating"
    ):
        if pid is not None and rating is not None:
            out[pid].append(rating)
    return out


def catalogue(user: User, zone: Zone) -> list[dict[str, Any]]:
    """The six fields, each with its active providers, their services in it and their ratings."""
    providers = {p.pk: p for p in access.providers(user, zone).filter(active=True)}
    ratings = _ratings_by_provider(zone)
    by_field: dict[str, dict[int, list[Service]]] = defaultdict(lambda: defaultdict(list))
    for s in Service.objects.filter(provider__in=list(providers)).order_by("name"):
        by_field[s.field][s.provider_id].append(s)
    out = []
    for code, label in ServiceField.choices:
        rows: list[dict[str, Any]] = []
        for pid, services in by_field.get(code, {}).items():
            rs = ratings.get(pid, [])
            rows.append(
                {
                    "provider": providers[pid],
                    "services": services,
                    "rating": sum(rs) / len(rs) if rs else None,
                    "rated": len(rs),
                }
            )
        rows.sort(key=lambda r: (-(r["rating"] or 0), r["provider"].name))
        out.append({"field": code, "label": label, "rows": rows})
    return out


def _late(r: ServiceRequest, today: dt.date) -> bool:
    return r.status in (RequestStatus.HANDED, RequestStatus.CLOSED) and matching.is_late(
        r.due_on, r.closed_on, today
    )


def request_board(user: User, zone: Zone, filters: RequestFilter, today: dt.date) -> dict[str, Any]:
    """The staff's queue (waiting for a handover first, then the late, then by due day) and the figures
    per field and provider."""
    qs = filters.filter(access.service_requests(user, zone)).select_related("enterprise", "provider")
    rows = [(r, _late(r, today)) for r in qs]
    order = {
        RequestStatus.FILED: 0,
        RequestStatus.HANDED: 1,
        RequestStatus.CLOSED: 2,
        RequestStatus.CANCELLED: 3,
    }
    rows.sort(
        key=lambda t: (order[RequestStatus(t[0].status)], not t[1], t[0].due_on or t[0].filed_on, t[0].pk)
    )
    every = [
        (r, _late(r, today))
        for r in access.service_requests(user, zone)
        .exclude(status=RequestStatus.CANCELLED)
        .select_related("provider")
    ]

    def row(group: str, r: ServiceRequest, late: bool) -> matching.RequestRow:
        closed = r.status == RequestStatus.CLOSED
        days = (r.closed_on - r.handed_on).days if closed and r.closed_on and r.handed_on else None
        return matching.RequestRow(group, closed, late, days, r.rating)

    labels = dict(ServiceField.choices)
    by_field = matching.figures(row(r.field, r, late) for r, late in every)
    by_provider = matching.figures(
        row(r.provider.name, r, late) for r, late in every if r.provider is not None
    )
    waiting = sum(1 for r, _l in every if r.status == RequestStatus.FILED)
    overdue_handover = sum(
        1
        for r, _l in every
        if r.status == RequestStatus.FILED and (today - r.filed_on).days > int(REQUEST_RULES["handover_days"])
    )
    return {
        "rows": rows,
        "by_field": [(labels[f.group], f) for f in by_field],
        "by_provider": by_provider,
        "waiting": waiting,
        "overdue_handover": overdue_handover,
        "late_open": sum(1 for r, late in every if late and r.status == RequestStatus.HANDED),
        "handover_days": int(REQUEST_RULES["handover_days"]),
        "chart": {
            "type": "bars",
            "unit": "",
            "labels": [str(labels[f.group]) for f in by_field],
            "series": [
                {"name": _("requests"), "values": [f.requests for f in by_field]},
                {"name": _("closed"), "values": [f.closed for f in by_field]},
                {"name": _("late"), "values": [f.late for f in by_field]},
            ],
        },
    }


def request_detail(user: User, zone: Zone, pk: int, today: dt.date) -> dict[str, Any]:
    """One request: staff see the suggested providers while it waits; the enterprise its own."""
    request = access.service_request_for(user, zone, pk)
    suggestions: list[Any] = []
    if access.can_manage(user) and request.status == RequestStatus.FILED:
        providers = list(Provider.objects.filter(zone=zone, active=True))
        suggestions = analysis.suggest_providers(
            request,
            providers,
            prior_mean=float(REQUEST_RULES["prior_mean"]),
            prior_weight=float(REQUEST_RULES["prior_weight"]),
        )
    return {
        "request": request,
        "late": _late(request, today),
        "suggestions": suggestions,
        "limit_days": int(REQUEST_RULES["limit_days"][request.field]),
    }


def own_requests(user: User, enterprise: Enterprise) -> QuerySet[ServiceRequest]:
    return (
        access.own_service_requests(user)
        .filter(enterprise=enterprise)
        .select_related("provider")
        .order_by("-filed_on", "-pk")
    )


# ---- the incubation programme --------------------------------------------------------------------------

INCUBATION = PARK_SERVICES["incubation"]


def _stage(a: Application, rounds: dict[int, list[Decimal]]) -> incubation.Stage:
    return incubation.Stage(
        screened=a.status not in (ApplicationStatus.SUBMITTED, ApplicationStatus.SCREENED_OUT),
        incubated=a.status in WAS_INCUBATED,
        rounds=rounds.get(a.pk, []),
        graduated=a.status == ApplicationStatus.GRADUATED,
    )


def funnel(user: User, zone: Zone) -> dict[str, Any]:
    """The funnel of every cohort and in total: applications → screened → incubated → financed, the
    amount raised, the grant paid."""
    calls = list(access.calls(user, zone).order_by("-cohort", "code"))
    apps = list(Application.objects.filter(call__zone=zone).only("pk", "status", "call_id"))
    rounds: dict[int, list[Decimal]] = defaultdict(list)
    for aid, amount in FinancingRound.objects.filter(application__call__zone=zone).values_list(
        "application_id", "amount_yuan"
    ):
        rounds[aid].append(amount)
    paid = dict(
        IncubationMilestone.objects.filter(application__call__zone=zone, paid_on__isnull=False)
        .values_list("application__call_id")
        .annotate(s=Sum("tranche_yuan"))
        .values_list("application__call_id", "s")
    )
    rows: list[dict[str, Any]] = []
    for c in calls:
        f = incubation.funnel([_stage(a, rounds) for a in apps if a.call_id == c.pk])
        rows.append({"call": c, "funnel": f, "paid": paid.get(c.pk) or Decimal(0)})
    total = incubation.funnel([_stage(a, rounds) for a in apps])
    return {
        "rows": rows,
        "total": total,
        "paid": sum((r["paid"] for r in rows), Decimal(0)),
        "chart": {
            "type": "bars",
            "unit": "",
            "labels": [str(_("applications")), str(_("screened")), str(_("incubated")), str(_("financed"))],
            "series": [
                {
                    "name": str(r["call"].title),
                    "values": [
                        r["funnel"].applications,
                        r["funnel"].screened,
                        r["funnel"].incubated,
                        r["funnel"].financed,
                    ],
                }
                for r in rows
            ],
        },
    }


def call_board(user: User, call: IncubationCall) -> dict[str, Any]:
    """A call's applications with their expert score so far (staff and leadership only)."""
    apps = list(call.applications.prefetch_related("reviews").select_related("enterprise").order_by("number"))
    rows: list[dict[str, Any]] = []
    for a in apps:
        s = incubation.score(
            [
                incubation.Review(r.reviewer_id, r.scores if r.submitted_at else None, r.conflict)
                for r in a.reviews.all()
            ],
            min_reviews=call.min_reviews,
        )
        rows.append({"application": a, "score": s, "assigned": len(a.reviews.all())})
    counts = {s: sum(1 for a in apps if a.status == s) for s in ApplicationStatus.values}
    return {"call": call, "rows": rows, "counts": counts}


def application_detail(user: User, zone: Zone, pk: int) -> dict[str, Any]:
    application = access.application_for(user, zone, pk)
    reviews = list(application.reviews.select_related("reviewer"))
    staff = access.can_see_scores(user)
    return {
        "application": application,
        "reviews": reviews if staff else [],
        "my_review": next((r for r in reviews if r.reviewer_id == user.pk), None),
        "score": incubation.score(
            [
                incubation.Review(r.reviewer_id, r.scores if r.submitted_at else None, r.conflict)
                for r in reviews
            ],
            min_reviews=application.call.min_reviews,
        )
        if staff
        else None,
        "milestones": list(application.milestones.all()),
        "rounds": list(application.rounds.all()),
        "staff": staff,
    }


def expert_worklist(user: User, zone: Zone) -> QuerySet[ExpertReview]:
    """The reviews assigned to an expert, the unsubmitted first."""
    return (
        access.own_reviews(user)
        .filter(application__call__zone=zone)
        .select_related("application", "application__call")
        .order_by(F("submitted_at").asc(nulls_first=True), "application__number")
    )


def criteria() -> list[tuple[str, int]]:
    return list(incubation.CRITERIA.items())


def own_applications(user: User, enterprise: Enterprise) -> dict[str, Any]:
    """An enterprise's incubation applications (filed by its logins or for it) and the calls open now."""
    apps = (
        Application.objects.filter(enterprise=enterprise, enterprise__in=access.own_enterprises(user))
        .select_related("call")
        .order_by("-submitted_at")
    )
    return {
        "applications": apps,
        "open_calls": access.open_calls(enterprise.park.zone) if enterprise.park else [],
    }


def upgrades(user: User, zone: Zone) -> QuerySet[ParkUpgrade]:
    """The parks' upgrade projects (small-and-micro parks, smart and green parks)."""
    return (
        ParkUpgrade.objects.filter(park__in=access.parks(user, zone))
        .select_related("park")
        .order_by("kind", "park__code")
    )


def upgrades_measure(zone: Zone, params: dict[str, Any], day: dt.date) -> Reading:
    """Measure "parks.upgrades_accepted": park upgrade projects of a kind accepted by the day."""
    qs = ParkUpgrade.objects.filter(park__zone=zone, stage=UpgradeStage.ACCEPTED, accepted_on__lte=day)
    if params.get("kind"):
        qs = qs.filter(kind=params["kind"])
    rows = [
        Counted(
            label="%s · %s" % (u.park.name, u.title),
            detail=str(u.accepted_on),
            url=reverse("parks:park", args=[u.park_id]),
        )
        for u in qs.select_related("park").order_by("accepted_on")
    ]
    return Reading(Decimal(len(rows)), rows)


# ------------------------------------------------------------------------ idle land case files

CASE_ACTION_LABELS = {
    "determine": _("Determine idle (认定书)"),
    "decide_fee": _("Decide the idle land fee (征缴决定书)"),
    "record_payment": _("Record the payment of the fee"),
    "extend": _("Extend the start of construction (art. 8)"),
    "reclaim": _("Take the land back (收回决定书)"),
    "close": _("Close: construction has started"),
}
SOON_DAYS = 7  # a time limit this close shows as a reminder


def land_rules() -> mb.LandRules:
    """The land rules of the latest evaluation's scheme (the idle land fee share), else the defaults."""
    evaluation = Evaluation.objects.order_by("-year").first()
    return parse_scheme(evaluation.scheme.source).land if evaluation else mb.LandRules()


def parcel_state(parcel: LandParcel, on: dt.date) -> mb.LandFlags:
    """A parcel's idle flags on a day (部令53号 by the Civil Code's reckoning, gaoxin.analysis.mu_benefit)."""
    evaluation = latest_evaluation(parcel.park.zone_id)
    ((_parcel, flags, _klass),) = parcel_flags([parcel], evaluation, on)
    return flags


def _reminder(case: IdleLandCase, documents: list[CaseDocument], today: dt.date) -> dict[str, Any]:
    """The time limit a case waits on (the latest document's), and whether it is near or past."""
    open_limit = None
    if case.stage not in ("reclaimed", "closed"):
        open_limit = next((d for d in reversed(documents) if d.due_on is not None), None)
        if open_limit is not None and open_limit is not documents[-1]:
            open_limit = None  # a later step answered it
    due_on = open_limit.due_on if open_limit else None
    return {
        "due_on": due_on,
        "overdue": due_on is not None and today > due_on,
        "soon": due_on is not None and today <= due_on <= today + dt.timedelta(days=SOON_DAYS),
    }


def idle_cases(user: User, zone: Zone, today: dt.date) -> list[dict[str, Any]]:
    """The zone's idle-land cases, open ones first, each with its documents and its reminder."""
    access.require_view_all(user)
    cases = (
        IdleLandCase.objects.filter(parcel__park__zone=zone)
        .select_related("parcel", "parcel__park")
        .prefetch_related("documents")
    )
    rows = []
    for case in cases:
        documents = list(case.documents.all())
        rows.append({"case": case, "documents": documents, **_reminder(case, documents, today)})
    rows.sort(key=lambda r: (r["case"].stage in ("reclaimed", "closed"), r["due_on"] or dt.date.max))
    return rows


def idle_candidates(user: User, zone: Zone, today: dt.date) -> list[dict[str, Any]]:
    """Idle parcels without an open case: where a case should be opened."""
    access.require_view_all(user)
    open_ids = set(  # an open case, or the land taken back: no new case
        IdleLandCase.objects.exclude(stage="closed").values_list("parcel_id", flat=True)
    )
    return [
        r
        for r in land_rows(zone.pk, latest_evaluation(zone.pk), today)
        if r["flags"].idle and r["parcel"].pk not in open_ids
    ]


def idle_case_page(case: IdleLandCase, today: dt.date) -> dict[str, Any]:
    """A case's documents, its parcel's flags today and the steps open now (labelled)."""
    documents = list(case.documents.select_related("attachment", "issued_by"))
    flags = parcel_state(case.parcel, today)
    actions = idle_land.allowed(
        case.stage, government_cause=case.government_cause, idle_years=flags.idle_years
    )
    return {
        "documents": documents,
        "flags": flags,
        "actions": [(a, CASE_ACTION_LABELS[a]) for a in actions],
        **_reminder(case, documents, today),
    }


# --- low-efficiency land: redevelopment -------------------------------------------------------------


def _rule_labels(codes: Iterable[str] | None) -> list[str]:
    return [str(LOW_EFFICIENCY_LABELS.get(c, c)) for c in codes or []]


def redevelopments(user: User, zone: Zone, today: dt.date) -> list[dict[str, Any]]:
    """The zone's redevelopments of low-efficiency land, those under way first (late ones first), each
    with its last progress and, when completed, what it achieved (measured from the data)."""
    access.require_view_all(user)
    items = list(
        Redevelopment.objects.filter(parcel__park__zone=zone)
        .select_related("parcel", "parcel__park")
        .prefetch_related("steps")
    )
    rows = []
    for item in items:
        steps = list(item.steps.all())
        last = steps[-1] if steps else None
        outcome = (
            idle_land.redevelopment_outcome(item.rules_before, item.rules_after)
            if item.rules_after is not None
            else None
        )
        rows.append(
            {
                "item": item,
                "progress": last.progress if last else 0,
                "last_on": last.on if last else None,
                "late": item.status == RedevelopmentStatus.UNDER_WAY and today > item.due_on,
                "before": _rule_labels(item.rules_before),
                "outcome": outcome,
                "remaining": _rule_labels(outcome["remaining"] + outcome["new"]) if outcome else [],
            }
        )
    order = {RedevelopmentStatus.UNDER_WAY: 0, RedevelopmentStatus.DONE: 1, RedevelopmentStatus.CANCELLED: 2}

    def key(row: dict[str, Any]) -> tuple[int, bool, dt.date, int]:
        it: Redevelopment = row["item"]
        return (order.get(RedevelopmentStatus(it.status), 3), not row["late"], it.due_on, it.pk)

    rows.sort(key=key)
    return rows


def redevelopment_candidates(user: User, zone: Zone, today: dt.date) -> list[dict[str, Any]]:
    """Low-efficiency parcels without a redevelopment under way."""
    access.require_view_all(user)
    busy = set(
        Redevelopment.objects.filter(status=RedevelopmentStatus.UNDER_WAY).values_list("parcel_id", flat=True)
    )
    return [
        r
        for r in land_rows(zone.pk, latest_evaluation(zone.pk), today)
        if r["flags"].low_efficiency and r["parcel"].pk not in busy
    ]


def redevelopment_page(item: Redevelopment, today: dt.date) -> dict[str, Any]:
    """One redevelopment: its steps, the parcel's rules today, and what it achieved when completed."""
    flags = parcel_state(item.parcel, today)
    outcome = (
        idle_land.redevelopment_outcome(item.rules_before, item.rules_after)
        if item.rules_after is not None
        else None
    )
    return {
        "steps": list(item.steps.select_related("attachment", "by")),
        "before": _rule_labels(item.rules_before),
        "now": _rule_labels(flags.low_efficiency),
        "outcome": outcome,
        "cleared": _rule_labels(outcome["cleared"]) if outcome else [],
        "remaining": _rule_labels(outcome["remaining"] + outcome["new"]) if outcome else [],
        "late": item.status == RedevelopmentStatus.UNDER_WAY and today > item.due_on,
    }

"""Named reads of the parks app, shared by pages, API and exports."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from decimal import Decimal
from typing import Any

from django.db.models import Case, Count, IntegerField, QuerySet, Sum, Value, When

from gaoxin.parks.analysis import IDLE_LABELS, LOW_EFFICIENCY_LABELS, parcel_flags
from gaoxin.parks.choices import Klass
from gaoxin.parks.models import M2_PER_MU, Enterprise, Evaluation, LandParcel, LandUse, Park, ParkYear, Result

HUNDRED_YI_YUAN = Decimal("1e10")  # 100亿元: the zone's goal of parks above ten billion yuan of revenue


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
                "revenue_yi": (latest.revenue_yuan / Decimal("1e8")) if latest else None,
                "hundred_yi": bool(latest and latest.revenue_yuan >= HUNDRED_YI_YUAN),
            }
        )
    return rows


def filtered_results(evaluation: Evaluation, params: dict[str, str]) -> QuerySet[Result]:
    qs = evaluation.results.select_related("enterprise", "enterprise__park")
    if params.get("park", "").isdigit():
        qs = qs.filter(enterprise__park_id=int(params["park"]))
    if params.get("klass") in Klass.values:
        qs = qs.filter(klass=params["klass"])
    if params.get("pool") in ("above", "below"):
        qs = qs.filter(pool=params["pool"])
    if params.get("industry"):
        qs = qs.filter(enterprise__industry_code__startswith=params["industry"].strip())
    if params.get("q"):
        qs = qs.filter(enterprise__name__icontains=params["q"].strip())
    t_last = Case(When(klass="T", then=Value(1)), default=Value(0), output_field=IntegerField())
    return qs.order_by("pool", t_last, "rank", "enterprise__name")


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


def surcharge_list(evaluation: Evaluation) -> QuerySet[Result]:
    """D-class firms with the surcharge the power company applies, by account number (§1.7)."""
    return (
        evaluation.results.filter(klass="D")
        .select_related("enterprise")
        .order_by("-consecutive_d", "enterprise__name")
    )


def enterprise_years(enterprise: Enterprise) -> list[int]:
    return sorted(set(enterprise.facts.values_list("year", flat=True)), reverse=True)


def land_rows(zone_id: int | None, evaluation: Evaluation | None, today: dt.date) -> list[dict[str, Any]]:
    """Every parcel with its flags (words included) and its main user's class."""
    parcels = (
        LandParcel.objects.select_related("park")
        .prefetch_related("uses__enterprise")
        .order_by("park__code", "code")
    )
    if zone_id is not None:
        parcels = parcels.filter(park__zone_id=zone_id)
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

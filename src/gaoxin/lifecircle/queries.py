"""Named reads of evaluation results, shared by pages, the API and the command."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any
from urllib.parse import urlencode

from django.db.models import QuerySet
from django.utils.translation import get_language

from gaoxin.lifecircle.models import AreaResult, Evaluation
from gaoxin.places.choices import ServiceClass
from gaoxin.places.models import Facility, FacilityType, Street, Zone


def latest(zone: Zone | None) -> Evaluation | None:
    if zone is None:
        return None
    return Evaluation.objects.filter(zone=zone).select_related("profile").first()


def item_label(item: dict[str, Any]) -> str:
    return str(item["type_zh"] if (get_language() or "zh").startswith("zh") else item["type_en"])


def items(evaluation: Evaluation) -> list[dict[str, Any]]:
    """The profile items of a run, with their display label and class label."""
    classes = dict(ServiceClass.choices)
    return [
        it | {"label": item_label(it), "class_label": classes.get(it["class"], it["class"])}
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
    rows = [{"result": r, "missing": missing_items(evaluation, r)} for r in results if not r.passes]
    rows.sort(key=lambda row: (row["result"].missing, -row["result"].population))
    return rows


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

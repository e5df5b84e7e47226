"""JSON endpoints of the life-circle app (the same access rules and queries as the pages)."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from django.shortcuts import get_object_or_404
from ninja import Router, Schema, Status

from gaoxin.lifecircle import access, queries, services
from gaoxin.lifecircle.models import CandidateList, Evaluation, Profile, Scenario
from gaoxin.places.models import Street
from gaoxin.places.queries import current_zone

router = Router(tags=["lifecircle"])


class EvaluationOut(Schema):
    id: int
    created_at: str
    profile: str
    profile_id: int
    stale: bool
    duration_ms: int
    areas: int
    areas_passing: int
    population_passing: int


class RunIn(Schema):
    profile_id: int | None = None


class ErrorOut(Schema):
    error: str
    detail: str


def _out(e: Evaluation) -> dict[str, Any]:
    return {
        "id": e.pk,
        "created_at": e.created_at.isoformat(),
        "profile": str(e.profile),
        "profile_id": e.profile_id,
        "stale": e.stale,
        "duration_ms": e.duration_ms,
        "areas": e.summary.get("areas", 0),
        "areas_passing": e.summary.get("areas_passing", 0),
        "population_passing": e.summary.get("population_passing", 0),
    }


@router.get("/evaluations", response=list[EvaluationOut])
def list_evaluations(request: HttpRequest) -> list[dict[str, Any]]:
    access.require_view(request.user)  # type: ignore[arg-type]
    return [_out(e) for e in Evaluation.objects.select_related("profile")[:100]]


@router.post("/evaluations", response={201: EvaluationOut, 400: ErrorOut})
def run_evaluation(request: HttpRequest, payload: RunIn) -> Any:
    """Evaluate the zone now (planners). Without profile_id the zone's default profile is used."""
    profile = get_object_or_404(Profile, pk=payload.profile_id) if payload.profile_id else None
    try:
        evaluation = services.evaluate(actor=request.user, zone=current_zone(), profile=profile)  # type: ignore[arg-type]
    except services.EvaluationError as exc:
        return Status(400, {"error": "evaluation_failed", "detail": str(exc)})
    return Status(201, _out(evaluation))


@router.get("/evaluations/{evaluation_id}", response=EvaluationOut)
def get_evaluation(request: HttpRequest, evaluation_id: int) -> dict[str, Any]:
    return _out(access.evaluation_for(request.user, evaluation_id))  # type: ignore[arg-type]


@router.get("/evaluations/{evaluation_id}/areas")
def area_results(request: HttpRequest, evaluation_id: int) -> list[dict[str, Any]]:
    """Per residential area: completeness, pass/fail and per item {distance_m, facility_id, covered,
    count, supply_ratio}. Street staff get their own street's areas only."""
    evaluation = access.evaluation_for(request.user, evaluation_id)  # type: ignore[arg-type]
    return [
        {
            "area_id": r.area_id,
            "area_code": r.area.code,
            "area": r.area.name,
            "street": r.street.code,
            "population": r.population,
            "completeness": r.completeness,
            "passes": r.passes,
            "missing": r.missing,
            "class_completeness": r.class_completeness,
            "items": r.items,
        }
        for r in access.results_for(request.user, evaluation)  # type: ignore[arg-type]
    ]


@router.get("/evaluations/{evaluation_id}/gaps")
def gaps(request: HttpRequest, evaluation_id: int) -> list[dict[str, Any]]:
    """Areas that miss mandatory items, fewest missing first, with each missing item and its nearest distance."""
    evaluation = access.evaluation_for(request.user, evaluation_id)  # type: ignore[arg-type]
    return [
        {
            "area_id": g["result"].area_id,
            "area": g["result"].area.name,
            "street": g["result"].street.code,
            "population": g["result"].population,
            "missing": [
                {"type": m["type"], "radius_m": m["radius_m"], "distance_m": m["distance_m"]}
                for m in g["missing"]
            ],
        }
        for g in queries.gaps(evaluation, access.results_for(request.user, evaluation))  # type: ignore[arg-type]
    ]


class SitingIn(Schema):
    type: str
    street_id: int | None = None
    p: int | None = None
    model: str = "cover"
    capacity: int | None = None
    candidate_list_id: int | None = None


@router.post("/siting", response={200: dict, 400: ErrorOut})
def siting(request: HttpRequest, payload: SitingIn) -> Any:
    """Where to build next (planners): the ``p`` best new sites for a facility type (maximal covering,
    or with ``model`` "median" the shortest total walk), or without ``p`` the fewest that reach
    everyone; ``capacity`` (places per new site) solves the capacitated model; ``candidate_list_id``
    chooses among a candidate list's sites instead of street-network points. The same computation as
    the page; nothing is stored."""
    street = get_object_or_404(Street, pk=payload.street_id) if payload.street_id else None
    listed = (
        get_object_or_404(CandidateList, pk=payload.candidate_list_id, zone=current_zone())
        if payload.candidate_list_id
        else None
    )
    if payload.model not in ("cover", "median"):
        return Status(400, {"error": "model", "detail": "model is cover or median"})
    try:
        result = services.propose_sites(
            actor=request.user,  # type: ignore[arg-type]
            zone=current_zone(),  # type: ignore[arg-type]
            type_code=payload.type,
            p=payload.p,
            street=street,
            capacity_per_site=payload.capacity,
            median=payload.model == "median",
            candidate_list=listed,
        )
    except services.EvaluationError as exc:
        return Status(400, {"error": "siting_failed", "detail": str(exc)})
    out = {k: v for k, v in result.items() if k != "item"}
    return out | {"type": payload.type, "radius_m": result["item"].radius_m}


@router.get("/scenarios")
def list_scenarios(request: HttpRequest) -> list[dict[str, Any]]:
    access.require_view(request.user)  # type: ignore[arg-type]
    return [
        {
            "id": s.pk,
            "name": s.name,
            "created_at": s.created_at.isoformat(),
            "profile_id": s.profile_id,
            "added": s.added.count(),
            "closed": s.closed_facilities.count(),
        }
        for s in Scenario.objects.select_related("profile")[:200]
    ]


@router.get("/scenarios/{scenario_id}/comparison", response={200: dict, 400: ErrorOut})
def scenario_comparison(request: HttpRequest, scenario_id: int) -> Any:
    """The scenario against today: coverage per item and class, supply ratios, areas that change."""
    access.require_view(request.user)  # type: ignore[arg-type]
    scenario = get_object_or_404(Scenario.objects.select_related("profile", "zone"), pk=scenario_id)
    try:
        cmp = services.compare_scenario(actor=request.user, scenario=scenario)  # type: ignore[arg-type]
    except services.EvaluationError as exc:
        return Status(400, {"error": "comparison_failed", "detail": str(exc)})
    return cmp | {
        "classes": [c | {"label": str(c["label"])} for c in cmp["classes"]],
        "changed": [
            {"area": c["area"].name, "before": c["before"], "after": c["after"]} for c in cmp["changed"]
        ],
    }

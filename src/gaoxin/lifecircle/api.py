"""JSON endpoints of the life-circle app (the same access rules and queries as the pages)."""

from __future__ import annotations

from decimal import Decimal
from typing import Any, Literal

from django.shortcuts import get_object_or_404
from ninja import Field, Router, Schema, Status

from gaoxin.common import jobs
from gaoxin.common.api import Id, JobOut, StrictIn, answers
from gaoxin.lifecircle import access, queries
from gaoxin.lifecircle.analysis import EvaluationError
from gaoxin.lifecircle.models import Evaluation
from gaoxin.lifecircle.queries import MAX_NEW_SITES, MAX_YEARS, MAX_YUAN, SitingRequest
from gaoxin.places import access as places_access
from gaoxin.places.web import Request

router = Router(tags=["lifecircle"])


class LifeCircleEvaluationOut(Schema):
    id: int
    created_at: str
    profile: str
    profile_id: int
    stale: bool
    duration_ms: int
    areas: int
    areas_passing: int
    population_passing: int


class RunIn(StrictIn):
    profile_id: Id | None = None


class AreaResultOut(Schema):
    area_id: int
    area_code: str
    area: str
    street: str
    population: int
    completeness: float | None
    passes: bool
    missing: int
    class_completeness: dict[str, Any]
    items: dict[str, Any]


class MissingItemOut(Schema):
    type: str
    radius_m: int
    distance_m: float | None


class GapOut(Schema):
    area_id: int
    area: str
    street: str
    population: int
    missing: list[MissingItemOut]


class ScenarioOut(Schema):
    id: int
    name: str
    created_at: str
    profile_id: int
    added: int
    closed: int


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


@router.get("/evaluations", response=answers({200: list[LifeCircleEvaluationOut]}))
def list_evaluations(request: Request) -> list[dict[str, Any]]:
    return [_out(e) for e in queries.evaluations(request.user, request.zone, limit=100)]


@router.post("/evaluations", response=answers({202: JobOut}, 400, 404, 422))
def run_evaluation(request: Request, payload: RunIn) -> Any:
    """Start an evaluation of the zone as a job (planners and street staff); 202 with the job — poll its
    ``status_url``; when done, ``result.evaluation`` is the new evaluation's id (a failure: ``error``).
    Without profile_id the zone's default profile is used."""
    profile = get_object_or_404(queries.profiles(), pk=payload.profile_id) if payload.profile_id else None
    job = jobs.submit(
        "lifecircle.evaluate",
        actor=request.user,
        params={"zone": request.zone.pk, "profile": profile.pk if profile else None},
    )
    return Status(202, jobs.state(job))


@router.get("/evaluations/{evaluation_id}", response=answers({200: LifeCircleEvaluationOut}, 404, 422))
def get_evaluation(request: Request, evaluation_id: Id) -> dict[str, Any]:
    return _out(access.evaluation_for(request.user, request.zone, evaluation_id))


@router.get("/evaluations/{evaluation_id}/areas", response=answers({200: list[AreaResultOut]}, 404, 422))
def area_results(request: Request, evaluation_id: Id) -> list[dict[str, Any]]:
    """Per residential area: completeness, pass/fail and per item {distance_m, facility_id, covered,
    count, supply_ratio}. Street staff get their own street's areas only."""
    evaluation = access.evaluation_for(request.user, request.zone, evaluation_id)
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
        for r in access.results_for(request.user, evaluation)
    ]


@router.get("/evaluations/{evaluation_id}/gaps", response=answers({200: list[GapOut]}, 404, 422))
def gaps(request: Request, evaluation_id: Id) -> list[dict[str, Any]]:
    """Areas that miss mandatory items, fewest missing first, with each missing item and its nearest distance."""
    evaluation = access.evaluation_for(request.user, request.zone, evaluation_id)
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
        for g in queries.gaps(evaluation, access.results_for(request.user, evaluation))
    ]


_MAX_YUAN = int(MAX_YUAN)  # a JSON number in the schema


def _decimal(amount: float | None) -> Decimal | None:
    return None if amount is None else Decimal(str(amount))


class TypeCostIn(StrictIn):
    type: str = Field(min_length=1, max_length=64)
    build_yuan: float | None = Field(None, ge=0, le=_MAX_YUAN, description="building or fit-out per site")
    running_yuan_per_year: float | None = Field(None, ge=0, le=_MAX_YUAN, description="running per site")


class SitingIn(StrictIn):
    type: str = Field(min_length=1, max_length=64, description="a facility type code of the profile")
    street_id: Id | None = None
    p: int | None = Field(
        None,
        ge=0,
        le=MAX_NEW_SITES,
        description="new sites (0: today's only); none: as few as reach everyone",
    )
    model: Literal["cover", "median", "center"] = "cover"
    capacity: int | None = Field(
        None, ge=1, le=1_000_000, description="places per new site (capacitated models)"
    )
    candidate_list_id: Id | None = None
    also_types: list[str] = Field(
        default_factory=list, max_length=3, description="facility types sited together with `type` (a plan)"
    )
    budget_yuan: float | None = Field(None, ge=0, le=_MAX_YUAN, description="the plan's budget in yuan")
    costs: list[TypeCostIn] = Field(
        default_factory=list, max_length=4, description="costs per type; a missing one: the installation's"
    )
    years: int | None = Field(None, ge=1, le=MAX_YEARS, description="years of running costs in the plan")
    land_yuan: float | None = Field(
        None, ge=0, le=_MAX_YUAN, description="land or premises per lot without its own figure, yuan"
    )
    colocate: bool = Field(False, description="every lot used hosts every type")
    closable: bool = Field(
        False, description="existing facilities may close; what that saves pays for new sites"
    )
    min_street_share: float | None = Field(
        None, ge=0, le=1, description="each street reaches at least this share of each type's demand"
    )


@router.post("/siting", response=answers({200: dict[str, Any]}, 400, 404, 422))
def siting(request: Request, payload: SitingIn) -> Any:
    """Where to build next (planners): the ``p`` best new sites for a facility type (maximal covering,
    or with ``model`` "median" the shortest total walk), or without ``p`` the fewest that reach
    everyone; ``capacity`` (places per new site) solves the capacitated model; ``candidate_list_id``
    chooses among a candidate list's sites instead of street-network points; ``model`` "center" makes
    the longest walk as short as possible. A budget (``budget_yuan``), further types (``also_types``),
    ``colocate``, ``closable`` or ``min_street_share`` ask for a plan: the most people reached within the
    money, lots shared by the types (land paid once), with the coverage curve (``curve``). The same computation as
    the page (one :class:`SitingRequest`); nothing is stored."""
    access.require_run(request.user)
    street = (
        places_access.street_for(request.user, request.zone, payload.street_id) if payload.street_id else None
    )
    listed = (
        access.candidate_list_for(request.user, request.zone, payload.candidate_list_id)
        if payload.candidate_list_id
        else None
    )
    question = SitingRequest(
        type_code=payload.type,
        p=payload.p,
        street=street,
        capacity_per_site=payload.capacity,
        median=payload.model == "median",
        center=payload.model == "center",
        candidate_list=listed,
        also=tuple(t for t in payload.also_types if t != payload.type),
        budget_yuan=_decimal(payload.budget_yuan),
        costs_yuan=tuple(
            (c.type, _decimal(c.build_yuan), _decimal(c.running_yuan_per_year)) for c in payload.costs
        ),
        years=payload.years,
        land_yuan=_decimal(payload.land_yuan),
        colocate=payload.colocate,
        closable=payload.closable,
        min_street_share=payload.min_street_share or None,
    )
    try:
        result = queries.propose(request.user, request.zone, question)
    except EvaluationError as exc:
        return Status(400, {"error": "siting_failed", "detail": str(exc)})
    out = {k: v for k, v in result.items() if k != "item"}
    return out | {"type": payload.type, "radius_m": result["item"].radius_m}


@router.get("/scenarios", response=answers({200: list[ScenarioOut]}))
def list_scenarios(request: Request) -> list[dict[str, Any]]:
    return queries.scenario_rows(request.user, request.zone, limit=200)


@router.get("/scenarios/{scenario_id}/comparison", response=answers({200: dict[str, Any]}, 400, 404, 422))
def scenario_comparison(request: Request, scenario_id: Id) -> Any:
    """The scenario against today: coverage per item and class, supply ratios, areas that change."""
    scenario = access.scenario_for(request.user, request.zone, scenario_id)
    try:
        cmp = queries.compare_scenario(actor=request.user, scenario=scenario)
    except EvaluationError as exc:
        return Status(400, {"error": "comparison_failed", "detail": str(exc)})
    return cmp | {
        "classes": [c | {"label": str(c["label"])} for c in cmp["classes"]],
        "changed": [
            {"area": c["area"].name, "before": c["before"], "after": c["after"]} for c in cmp["changed"]
        ],
    }

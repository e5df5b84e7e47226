"""JSON endpoints of education planning (the same access rules, services and queries as the pages)."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gaoxin.common import jobs
from gaoxin.common.api import Id, JobOut, StrictIn, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.education import access, queries
from gaoxin.education.filtersets import DevelopmentFilter
from gaoxin.places.web import Request

router = Router(tags=["education"])


class StageOut(Schema):
    stage: str
    state: str
    days_late: int


class LedgerRowOut(Schema):
    """A development against the rule that its kindergarten comes with its first phase of housing."""

    id: int
    code: str
    name: str
    street: str
    dwellings: int
    places_required: int
    own_kindergarten: bool
    kindergarten: str | None
    kindergarten_status: str | None
    places_provided: int
    places_short: int
    stages: list[StageOut]
    hold_acceptance: bool
    accepted_without_kindergarten: bool
    breaks_rule: bool


class LedgerQuery(Schema):
    street: Id | None = None
    q: Annotated[str | None, Field(max_length=SEARCH_MAX_LENGTH)] = None


@router.get("/ledger", response=answers({200: list[LedgerRowOut]}, 422))
def ledger(request: Request, filters: Query[LedgerQuery]) -> list[dict[str, Any]]:
    """The 同步 ledger: every development (street staff: of their street), the ones breaking the rule first."""
    f = checked_filters(DevelopmentFilter(filters.dict(), zone=request.zone))
    data = queries.ledger(request.user, request.zone, timezone.localdate(), f)
    return [
        {
            "id": r.development.pk,
            "code": r.development.code,
            "name": r.development.name,
            "street": r.development.street.name,
            "dwellings": r.dwellings,
            "places_required": r.sync.places_required,
            "own_kindergarten": r.requirement.own,
            "kindergarten": r.kindergarten.name if r.kindergarten else None,
            "kindergarten_status": r.kindergarten.status if r.kindergarten else None,
            "places_provided": r.sync.places_provided,
            "places_short": r.sync.places_short,
            "stages": [
                {"stage": c.stage.value, "state": c.state.value, "days_late": c.days_late}
                for c in r.sync.stages
            ],
            "hold_acceptance": r.sync.hold_acceptance,
            "accepted_without_kindergarten": r.sync.accepted_without,
            "breaks_rule": r.sync.breaks,
        }
        for r in data.rows
    ]


class YearOut(Schema):
    year: int
    children: float
    places: float
    balance: float


class SchoolOutlookOut(Schema):
    id: int
    name: str
    street: str
    areas: int
    years: list[YearOut]
    class_state: str | None


class OutlookOut(Schema):
    """Children of a level against places per forecast year (a negative balance is places short)."""

    level: str
    zone: list[YearOut]
    schools: list[SchoolOutlookOut]
    short_years: list[int]


class LevelQuery(Schema):
    level: Literal["kindergarten", "primary", "middle"] = "primary"


@router.get("/places", response=answers({200: OutlookOut}, 422))
def places(request: Request, query: Query[LevelQuery]) -> dict[str, Any]:
    o = queries.places_outlook(request.user, request.zone, query.level, timezone.localdate())
    return {
        "level": o["level"],
        "zone": o["zone"],
        "short_years": o["short_years"],
        "schools": [
            {
                "id": s["school"].pk,
                "name": s["school"].name,
                "street": s["school"].street.name,
                "areas": s["areas"],
                "years": [{"year": y, **v} for y, v in zip(o["years"], s["years"], strict=True)],
                "class_state": s["check"].state.value if s["check"] else None,
            }
            for s in o["schools"]
        ],
    }


class PlanOut(Schema):
    id: int
    name: str
    level: str
    year: int
    status: str
    objective: str
    total_m: float | None
    longest_m: float | None


class CatchmentRowOut(Schema):
    area_code: str
    area: str
    school_id: int | None
    school: str | None
    children: float
    walk_m: float | None
    beyond_radius: bool


class PlanDetailOut(PlanOut):
    rows: list[CatchmentRowOut]
    changed_from_current: int


def _plan(p: Any) -> dict[str, Any]:
    return {
        "id": p.pk,
        "name": p.name,
        "level": p.level,
        "year": p.year,
        "status": p.status,
        "objective": p.objective,
        "total_m": p.total_m,
        "longest_m": p.longest_m,
    }


@router.get("/catchments", response=answers({200: list[PlanOut]}))
def list_plans(request: Request) -> list[dict[str, Any]]:
    return [_plan(p) for p in queries.plan_list(request.user, request.zone)]


@router.get("/catchments/{plan_id}", response=answers({200: PlanDetailOut}, 404, 422))
def get_plan(request: Request, plan_id: Id) -> dict[str, Any]:
    d = queries.plan_detail(request.user, request.zone, plan_id)
    return _plan(d["plan"]) | {
        "changed_from_current": d["changed"],
        "rows": [
            {
                "area_code": r.area.code,
                "area": r.area.name,
                "school_id": r.school_id,
                "school": r.school.name if r.school else None,
                "children": r.children,
                "walk_m": r.distance_m,
                "beyond_radius": r.beyond,
            }
            for r in d["rows"]
        ],
    }


class CatchmentIn(StrictIn):
    level: Literal["kindergarten", "primary", "middle"] = "primary"
    year: Annotated[int | None, Field(ge=2000, le=2100)] = None  # this year when not given
    objective: Literal["total", "longest"] = "total"
    name: Annotated[str, Field(max_length=120)] = ""


@router.post("/catchments", response=answers({202: JobOut}, 400, 422))
def compute(request: Request, payload: CatchmentIn) -> Any:
    """Compute a proposed catchment as a job (planners, education staff); 202 with the job — poll its
    ``status_url``; when done, ``result.plan`` is the new plan's id."""
    access.require_plan(request.user)
    today = timezone.localdate()
    last = today.year + queries.profile(request.zone).forecast_years
    year = today.year if payload.year is None else payload.year
    if not today.year <= year <= last:
        return Status(400, {"error": "refused", "detail": f"year must be {today.year}..{last}"})
    query = {k: str(v) for k, v in payload.dict().items()} | {"year": str(year)}
    job = jobs.submit(
        "education.catchments", actor=request.user, params={"zone": request.zone.pk, "query": query}
    )
    return Status(202, jobs.state(job))

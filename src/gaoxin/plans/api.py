"""JSON endpoints of the plans app (the same access rules, services and queries as the pages)."""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Query, Router, Schema, Status

from gaoxin.common.api import Id, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.places.web import Request
from gaoxin.plans import access, queries, services
from gaoxin.plans.filtersets import ProjectFilter, TargetFilter, TaskFilter

router = Router(tags=["plans"])


class CountedOut(Schema):
    label: str
    detail: str
    url: str
    amount: float | None


class TargetOut(Schema):
    """A target with its figure today: computed by its measure over the platform's data, or the latest
    reported figure."""

    id: int
    year: int
    code: str
    title: str
    owner: str
    kind: str
    measure: str
    params: dict[str, Any]
    goal: float
    goal_max: float | None
    direction: str
    unit: str
    start_on: str
    due_on: str
    value: float | None
    share: float | None
    expected_share: float | None
    state: str
    counted: list[CountedOut]


class TargetQuery(Schema):
    year: Annotated[int | None, Field(ge=2000, le=2100)] = None
    owner: Id | None = None
    kind: str | None = None
    q: Annotated[str | None, Field(max_length=SEARCH_MAX_LENGTH)] = None


def _target(v: queries.TargetView) -> dict[str, Any]:
    t = v.target
    return {
        "id": t.pk,
        "year": t.year,
        "code": t.code,
        "title": t.title,
        "owner": t.owner.name,
        "kind": t.kind,
        "measure": t.measure,
        "params": t.params,
        "goal": float(t.goal),
        "goal_max": None if t.goal_max is None else float(t.goal_max),
        "direction": t.direction,
        "unit": t.unit_label,
        "start_on": t.start_on.isoformat(),
        "due_on": t.due_on.isoformat(),
        "value": None if v.value is None else float(v.value),
        "share": v.share,
        "expected_share": v.expected,
        "state": v.state,
        "counted": [
            {
                "label": r.label,
                "detail": r.detail,
                "url": r.url,
                "amount": None if r.amount is None else float(r.amount),
            }
            for r in v.rows
        ],
    }


@router.get("/targets", response=answers({200: list[TargetOut]}, 422))
def list_targets(request: Request, filters: Query[TargetQuery]) -> list[dict[str, Any]]:
    """The year's targets (this year by default) with their figures today."""
    today = timezone.localdate()
    params = filters.dict()
    year = params.pop("year") or today.year
    f = checked_filters(TargetFilter(params, zone=request.zone))
    return [_target(v) for v in queries.board(request.user, request.zone, year, today, f)]


@router.get("/targets/{target_id}", response=answers({200: TargetOut}, 404, 422))
def get_target(request: Request, target_id: Id) -> dict[str, Any]:
    """One target with the rows its figure counts."""
    detail = queries.target_detail(request.user, request.zone, target_id, timezone.localdate())
    return _target(detail["view"])


class NodeOut(Schema):
    id: int
    title: str
    due_on: str
    done_on: str | None
    state: str
    days_late: int
    notice: str | None


class TaskOut(Schema):
    id: int
    number: str
    content: str
    measurable: str
    lead: str
    partners: list[str]
    leader: str
    light: str
    nodes: list[NodeOut]


class ProgrammeOut(Schema):
    id: int
    name: str
    year: int
    coordinator: str
    tasks: list[TaskOut]


class TaskQuery(Schema):
    unit: Id | None = None
    q: Annotated[str | None, Field(max_length=SEARCH_MAX_LENGTH)] = None


@router.get("/programmes/{programme_id}", response=answers({200: ProgrammeOut}, 404, 422))
def get_programme(request: Request, programme_id: Id, filters: Query[TaskQuery]) -> dict[str, Any]:
    """A programme's task allocation table: each task with its traffic light and its time nodes."""
    f = checked_filters(TaskFilter(filters.dict(), zone=request.zone))
    table = queries.table(request.user, request.zone, programme_id, timezone.localdate(), f)
    p = table["programme"]
    return {
        "id": p.pk,
        "name": p.name,
        "year": p.year,
        "coordinator": p.coordinator.name,
        "tasks": [
            {
                "id": r.task.pk,
                "number": r.task.number,
                "content": r.task.content,
                "measurable": r.task.measurable,
                "lead": r.task.lead.name,
                "partners": [u.name for u in r.task.partners.all()],
                "leader": r.task.leader,
                "light": r.light,
                "nodes": [
                    {
                        "id": n.pk,
                        "title": n.title,
                        "due_on": n.due_on.isoformat(),
                        "done_on": n.done_on.isoformat() if n.done_on else None,
                        "state": s.state.value,
                        "days_late": s.days_late,
                        "notice": getattr(getattr(n, "notice", None), "number", None),
                    }
                    for n, s in r.nodes
                ],
            }
            for r in table["rows"]
        ],
    }


@router.post("/nodes/{node_id}/finish", response=answers({200: NodeOut}, 400, 404, 422))
def finish_node(request: Request, node_id: Id, done_on: date | None = None) -> Any:
    """Mark a time node done on ``done_on`` (default today; the lead unit or an administrator); its
    supervision notice closes."""
    node = access.node_for(request.user, request.zone, node_id)
    today = timezone.localdate()
    done_on = done_on or today
    try:
        node = services.finish_node(request.user, node, done_on=done_on, today=today)
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    s = queries.node_status(node, today)
    return {
        "id": node.pk,
        "title": node.title,
        "due_on": node.due_on.isoformat(),
        "done_on": node.done_on.isoformat() if node.done_on else None,
        "state": s.state.value,
        "days_late": s.days_late,
        "notice": getattr(getattr(node, "notice", None), "number", None),
    }


class MilestoneOut(Schema):
    title: str
    due_on: str
    done_on: str | None


class ProjectOut(Schema):
    """A major project with the year's investment against its plan (amounts in yuan, rates as fractions)."""

    id: int
    code: str
    name: str
    kind: str
    category: str
    stage: str
    stage_label: str
    owner: str
    lon: float
    lat: float
    total_investment_yuan: float
    year: int
    year_planned_yuan: float
    year_completed_yuan: float
    year_rate: float | None
    completed_to_date_yuan: float
    total_rate: float | None
    next_milestone: MilestoneOut | None
    households: int | None
    signed: int | None
    signing_rate: float | None


class ProjectQuery(Schema):
    year: Annotated[int | None, Field(ge=2000, le=2100)] = None
    kind: str | None = None
    category: str | None = None
    q: Annotated[str | None, Field(max_length=SEARCH_MAX_LENGTH)] = None


def _project(v: queries.ProjectView, year: int) -> dict[str, Any]:
    p, i, m = v.project, v.invest, v.next_milestone
    return {
        "id": p.pk,
        "code": p.code,
        "name": p.name,
        "kind": p.kind,
        "category": p.category,
        "stage": p.stage,
        "stage_label": v.stage_label,
        "owner": p.owner.name,
        "lon": p.lon,
        "lat": p.lat,
        "total_investment_yuan": float(p.total_investment_yuan),
        "year": year,
        "year_planned_yuan": float(i.year_planned),
        "year_completed_yuan": float(i.year_done),
        "year_rate": None if i.year_rate is None else float(i.year_rate),
        "completed_to_date_yuan": float(i.cumulative),
        "total_rate": None if i.total_rate is None else float(i.total_rate),
        "next_milestone": None
        if m is None
        else {"title": m.title, "due_on": m.due_on.isoformat(), "done_on": None},
        "households": p.households,
        "signed": v.last_month.signed if v.last_month is not None else None,
        "signing_rate": None if v.signing_rate is None else float(v.signing_rate),
    }


@router.get("/projects", response=answers({200: list[ProjectOut]}, 422))
def list_projects(request: Request, filters: Query[ProjectQuery]) -> list[dict[str, Any]]:
    """The major projects with the year's investment (this year by default)."""
    today = timezone.localdate()
    params = filters.dict()
    year = params.pop("year") or today.year
    f = checked_filters(ProjectFilter(params, zone=request.zone))
    return [_project(v, year) for v in queries.portfolio(request.user, request.zone, year, today, f)["views"]]


@router.get("/projects/{project_id}", response=answers({200: ProjectOut}, 404, 422))
def get_project(request: Request, project_id: Id) -> dict[str, Any]:
    today = timezone.localdate()
    detail = queries.project_detail(request.user, request.zone, project_id, today.year, today)
    return _project(detail["view"], today.year)

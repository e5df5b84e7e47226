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
from gaoxin.plans.filtersets import TargetFilter, TaskFilter

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

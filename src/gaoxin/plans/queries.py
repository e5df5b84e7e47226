"""Named reads of the plans app, shared by the pages, the API, the exports and the commands."""

from __future__ import annotations

import calendar
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import Prefetch, QuerySet
from django.urls import reverse
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common import measures
from gaoxin.common.errors import describe
from gaoxin.common.units import YUAN_PER_WAN as WAN
from gaoxin.common.units import YUAN_PER_YI as YI
from gaoxin.places.models import Facility, ResidentialArea, Zone
from gaoxin.plans import access, analysis
from gaoxin.plans.choices import PROJECT_STAGES, ProjectStage, TargetKind, TargetState
from gaoxin.plans.filtersets import CareFilter, ProjectFilter, TargetFilter, TaskFilter
from gaoxin.plans.models import (
    CareFacility,
    MealMonth,
    Milestone,
    Node,
    Programme,
    Project,
    ProjectMonth,
    StarAssessment,
    SupervisionNotice,
    Target,
    TargetReport,
    Task,
    Unit,
)


@dataclass
class TargetView:
    target: Target
    value: Decimal | None
    state: str
    share: float | None
    expected: float | None
    measure: measures.Measure | None = None
    rows: list[measures.Counted] = field(default_factory=list)
    report: TargetReport | None = None
    error: str = ""
    note: str = ""

    @property
    def percent(self) -> int | None:
        return None if self.share is None else round(100 * self.share)

    @property
    def state_label(self) -> str:
        return str(TargetState(self.state).label)

    @property
    def bar_percent(self) -> int:
        return min(100, self.percent or 0)


def years(user: User | None, zone: Zone) -> list[int]:
    found = set(access.targets(user, zone).values_list("year", flat=True))
    found |= set(access.programmes(user, zone).values_list("year", flat=True))
    return sorted(found, reverse=True)


def _latest_report(target: Target, today: date) -> TargetReport | None:
    return target.reports.filter(as_of__lte=today).select_related("evidence").first()


def value_of(target: Target, today: date, *, with_rows: bool = False) -> TargetView:
    """The target's figure on ``today``: its measure read over the platform's data, or its latest
    reported figure up to that day."""
    measure = None
    rows: list[measures.Counted] = []
    report = None
    error = ""
    note = ""
    value: Decimal | None = None
    if target.kind == TargetKind.COMPUTED:
        measure = measures.get(target.measure)
        if measure is None:
            error = "unknown_measure"
        else:
            try:
                reading = measures.read(measure, target.zone, target.params, today)
            except ValidationError as exc:
                error = "; ".join(exc.messages)
            else:
                value = reading.value
                note = reading.note
                rows = reading.rows if with_rows else []
    else:
        report = _latest_report(target, today)
        value = report.value if report else None
    p = analysis.progress(target, value, today)
    return TargetView(target, value, p.state.value, p.share, p.expected, measure, rows, report, error, note)


def board(
    user: User | None, zone: Zone, year: int, today: date, filters: TargetFilter | None = None
) -> list[TargetView]:
    """Each target of the year with its figure today and where it stands."""
    qs = access.targets(user, zone).filter(year=year).select_related("owner", "zone")
    if filters is not None:
        qs = filters.filter(qs)
    return [value_of(t, today) for t in qs]


def month_ends(start: date, end: date) -> list[date]:
    """The last day of each month from ``start``'s month to ``end`` (``end`` itself last)."""
    out = []
    y, m = start.year, start.month
    while True:
        last = date(y, m, calendar.monthrange(y, m)[1])
        if last >= end:
            out.append(end)
            return out
        out.append(last)
        y, m = (y + 1, 1) if m == 12 else (y, m + 1)


def trend(target: Target, today: date) -> list[tuple[date, Decimal | None]]:
    """The target's figure at the end of each month from its start to today (computed targets are read
    as of each day; reported ones take the latest report up to it)."""
    if today < target.start_on:
        return []
    return [(d, value_of(target, d).value) for d in month_ends(target.start_on, min(today, target.due_on))]


def target_detail(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    target = access.target_for(user, zone, pk)
    view = value_of(target, today, with_rows=True)
    params = []
    if view.measure is not None:
        for p in view.measure.params:
            if p.name in target.params:
                raw = target.params[p.name]
                shown = dict(p.choices()).get(raw, raw) if p.choices else raw
                params.append((p.label, shown))
    return {
        "target": target,
        "view": view,
        "params": params,
        "trend": trend(target, today),
        "reports": list(target.reports.select_related("evidence", "reported_by")),
        "can_report": target.kind == TargetKind.REPORTED and access.can_report_target(user, target),
    }


def tasks(programme: Programme) -> QuerySet[Task]:
    return programme.tasks.select_related("lead").prefetch_related(
        "partners",
        Prefetch("nodes", queryset=Node.objects.select_related("notice").order_by("due_on", "pk")),
    )


@dataclass
class TaskRow:
    task: Task
    nodes: list[tuple[Node, analysis.NodeStatus]]
    light: str
    next_node: Node | None


def task_rows(programme: Programme, today: date, filters: TaskFilter | None = None) -> list[TaskRow]:
    rows = []
    qs = tasks(programme)
    for task in filters.filter(qs) if filters is not None else qs:
        nodes = list(task.nodes.all())
        rows.append(
            TaskRow(
                task,
                [(n, analysis.node_status(n, today)) for n in nodes],
                analysis.task_light(nodes, today),
                analysis.next_open(nodes),
            )
        )
    return rows


def table(
    user: User | None, zone: Zone, pk: int, today: date, filters: TaskFilter | None = None
) -> dict[str, Any]:
    programme = access.programme_for(user, zone, pk)
    rows = task_rows(programme, today, filters)
    lights: dict[str, int] = {}
    for r in rows:
        lights[r.light] = lights.get(r.light, 0) + 1
    return {
        "programme": programme,
        "rows": rows,
        "gantt": gantt(rows, today),
        "lights": lights,
        "ranking": ranking(programme, today),
        "notices": notices(programme),
        "mine": access.unit_ids(user),
    }


def ranking(programme: Programme, today: date) -> list[tuple[int, str, analysis.OnTime]]:
    """The lead units ranked by the on-time rate of the nodes of the tasks they lead."""
    by_unit: dict[str, list[Node]] = {}
    for task in tasks(programme):
        by_unit.setdefault(task.lead.name, []).extend(task.nodes.all())
    return analysis.rank({name: analysis.on_time(nodes, today) for name, nodes in by_unit.items()})


def notices(programme: Programme) -> QuerySet[SupervisionNotice]:
    return SupervisionNotice.objects.filter(node__task__programme=programme).select_related(
        "node__task", "unit"
    )


def open_nodes(zone: Zone) -> QuerySet[Node]:
    return Node.objects.filter(task__programme__zone=zone, done_on=None).select_related(
        "task__programme", "task__lead"
    )


def reminders(user: User | None, zone: Zone, today: date) -> dict[str, list[Node]]:
    """Open nodes that are overdue and those due in the next 7 days (today included), for the user's
    units when they belong to some and see no more, else for every unit."""
    qs = open_nodes(zone).filter(due_on__lte=today + timedelta(days=analysis.SOON_DAYS))
    access.require_view(user)
    mine = access.unit_ids(user)
    if mine and not (user is None or user.has_perm("plans.view_task")):
        qs = qs.filter(task__lead_id__in=mine) | qs.filter(task__partners__in=mine)
        qs = qs.distinct()
    nodes = list(qs.order_by("due_on", "pk"))
    return {
        "overdue": [n for n in nodes if n.due_on < today],
        "soon": [n for n in nodes if n.due_on >= today],
    }


def overdue_without_notice(zone: Zone, today: date) -> QuerySet[Node]:
    """Open nodes past their date that have no supervision notice yet (the escalation's work list)."""
    return open_nodes(zone).filter(due_on__lt=today, notice__isnull=True).order_by("due_on", "pk")


def units(user: User | None, zone: Zone) -> QuerySet[Unit]:
    return access.units(user, zone)


def nodes_cell(row: TaskRow) -> str:
    """The 时间节点 cell of a task as the table is written (and imported back)."""
    return analysis.format_nodes((n.due_on, n.title, n.done_on) for n, _s in row.nodes)


def programmes(user: User | None, zone: Zone) -> QuerySet[Programme]:
    return access.programmes(user, zone).select_related("coordinator")


def programme_summaries(user: User | None, zone: Zone, today: date) -> list[dict[str, Any]]:
    out = []
    for programme in programmes(user, zone):
        rows = task_rows(programme, today)
        lights: dict[str, int] = {}
        for r in rows:
            lights[r.light] = lights.get(r.light, 0) + 1
        out.append({"programme": programme, "tasks": len(rows), "lights": lights})
    return out


def node_status(node: Node, today: date) -> analysis.NodeStatus:
    return analysis.node_status(node, today)


def gantt(rows: list[TaskRow], today: date) -> dict[str, Any] | None:
    """The time nodes of the table on one time axis (month ticks), as percentages of its width: each
    task a line from its first to its last node, each node a mark coloured by its state, today a line."""
    days = [n.due_on for r in rows for n, _s in r.nodes] + [
        n.done_on for r in rows for n, _s in r.nodes if n.done_on
    ]
    if not days:
        return None
    start = min(min(days), today).replace(day=1)
    last = max(max(days), today)
    end = date(last.year, last.month, calendar.monthrange(last.year, last.month)[1]) + timedelta(days=1)
    span = (end - start).days

    def x(d: date) -> float:
        return round(100 * (d - start).days / span, 2)

    months = []
    d = start
    while d < end:
        months.append((d, x(d)))
        d = date(d.year + 1, 1, 1) if d.month == 12 else date(d.year, d.month + 1, 1)
    lines = []
    for r in rows:
        marks = [(n, s.state.value, x(n.due_on)) for n, s in r.nodes]
        lines.append(
            {
                "row": r,
                "marks": marks,
                "from": min((m[2] for m in marks), default=0.0),
                "to": max((m[2] for m in marks), default=0.0),
            }
        )
    return {"months": months, "lines": lines, "today": x(today)}


# --- major projects ---------------------------------------------------------------------------------


@dataclass
class ProjectView:
    project: Project
    invest: analysis.Investment
    next_milestone: Milestone | None
    stages: list[tuple[str, str, str]]  # (code, label, "done" | "current" | "ahead")
    last_month: ProjectMonth | None
    today: date

    @property
    def stage_label(self) -> str:
        return str(ProjectStage(self.project.stage).label)

    @property
    def signing_rate(self) -> Decimal | None:
        if self.project.households is None or self.last_month is None or self.last_month.signed is None:
            return None
        return analysis.completion_rate(Decimal(self.last_month.signed), Decimal(self.project.households))

    @property
    def total_yi(self) -> Decimal:
        return self.project.total_investment_yuan / YI

    @property
    def year_done_wan(self) -> Decimal:
        return self.invest.year_done / WAN

    @property
    def year_planned_wan(self) -> Decimal:
        return self.invest.year_planned / WAN

    @property
    def late_milestone(self) -> bool:
        return self.next_milestone is not None and self.next_milestone.due_on < self.today


def stage_steps(project: Project) -> list[tuple[str, str, str]]:
    stages = PROJECT_STAGES.get(project.kind, ())
    at = stages.index(project.stage) if project.stage in stages else -1
    return [
        (code, str(ProjectStage(code).label), "done" if i < at else "current" if i == at else "ahead")
        for i, code in enumerate(stages)
    ]


def project_view(project: Project, year: int, today: date) -> ProjectView:
    """One project's figures: prefetch ``years``, ``months`` and ``milestones`` when reading many."""
    plans = {y.year: y.planned_yuan for y in project.years.all()}
    months = list(project.months.all())
    invest = analysis.investment(
        ((m.month, m.completed_yuan) for m in months),
        year=year,
        year_planned=plans.get(year, Decimal(0)),
        total=project.total_investment_yuan,
        today=today,
    )
    milestones = list(project.milestones.all())
    upcoming = [m for m in milestones if m.done_on is None]
    reported = [m for m in months if (m.month.year, m.month.month) <= (today.year, today.month)]
    return ProjectView(
        project,
        invest,
        min(upcoming, key=lambda m: (m.due_on, m.pk)) if upcoming else None,
        stage_steps(project),
        reported[-1] if reported else None,
        today,
    )


def projects(user: User | None, zone: Zone, filters: ProjectFilter | None = None) -> QuerySet[Project]:
    qs = access.projects(user, zone).select_related("owner").prefetch_related("years", "months", "milestones")
    return filters.filter(qs) if filters is not None else qs


def portfolio(
    user: User | None, zone: Zone, year: int, today: date, filters: ProjectFilter | None = None
) -> dict[str, Any]:
    """The projects with their figures, the portfolio's totals and its chart."""
    views = [project_view(p, year, today) for p in projects(user, zone, filters)]
    planned = sum((v.invest.year_planned for v in views), Decimal(0))
    done = sum((v.invest.year_done for v in views), Decimal(0))
    return {
        "views": views,
        "planned": planned,
        "done": done,
        "rate": analysis.completion_rate(done, planned),
        "planned_yi": planned / YI,
        "done_yi": done / YI,
        "expected": views[0].invest.expected_rate if views else None,
        "chart": {
            "type": "bars",
            "labels": [v.project.name for v in views],
            "series": [
                {
                    "name": str(_("Planned this year (亿元)")),
                    "values": [float(round(v.invest.year_planned / YI, 2)) for v in views],
                },
                {
                    "name": str(_("Completed this year (亿元)")),
                    "values": [float(round(v.invest.year_done / YI, 2)) for v in views],
                },
            ],
        },
    }


def project_geojson(views: list[ProjectView]) -> dict[str, Any]:
    return {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [v.project.lon, v.project.lat]},
                "properties": {
                    "code": v.project.code,
                    "name": v.project.name,
                    "kind": v.project.get_kind_display(),
                    "stage": v.stage_label,
                    "rate": None if v.invest.year_rate is None else float(v.invest.year_rate),
                    "total_rate": None if v.invest.total_rate is None else float(v.invest.total_rate),
                    "next": None
                    if v.next_milestone is None
                    else f"{v.next_milestone.due_on.isoformat()} {v.next_milestone.title}",
                    "late": v.late_milestone,
                    "url": reverse("plans:project", args=[v.project.pk]),
                },
            }
            for v in views
        ],
    }


def project_detail(user: User | None, zone: Zone, pk: int, year: int, today: date) -> dict[str, Any]:
    project = access.project_for(user, zone, pk)
    view = project_view(project, year, today)
    months = list(project.months.all())
    running = Decimal(0)
    rows = []
    for m in months:
        running += m.completed_yuan
        rows.append((m, running / WAN))
    return {
        "project": project,
        "view": view,
        "months": rows,
        "milestones": list(project.milestones.all()),
        "stage_changes": list(project.stage_changes.all()),
        "years": list(project.years.all()),
        "targets": list(project.targets.all()),
        "can_report": access.can_report_project(user, project),
        "chart": {
            "type": "stacked",
            "labels": [m.month.strftime("%Y-%m") for m, _r in rows],
            "series": [
                {
                    "name": str(_("Completed in the month (万元)")),
                    "values": [float(round(m.completed_yuan / WAN, 1)) for m, _r in rows],
                }
            ],
        },
    }


def parse_month(text: str) -> date:
    """A month typed on a form (2026-11, 2026年11月): its first day, or a ValidationError."""
    try:
        return analysis.parse_month(text)
    except AnalysisError as exc:
        raise ValidationError({"month": describe(exc)}) from None


# --- elderly care -----------------------------------------------------------------------------------


@dataclass
class CareView:
    facility: Facility
    care: CareFacility | None
    latest: StarAssessment | None
    elderly: int  # residents aged 60+ of the facility's community
    daycare: analysis.CareClassT | None
    meals_year: int
    subsidised_year: int


def _elderly_by_community(zone: Zone) -> dict[int, int]:
    out: dict[int, int] = {}
    for community_id, a, b in ResidentialArea.objects.filter(street__zone=zone).values_list(
        "community_id", "pop_60_64", "pop_65_plus"
    ):
        out[community_id] = out.get(community_id, 0) + a + b
    return out


def care_rows(
    user: User | None, zone: Zone, today: date, filters: CareFilter | None = None
) -> list[CareView]:
    """The zone's elderly-care facilities with their places, star grade, day-care class and meals this year."""
    qs = (
        access.care_facilities(user, zone)
        .select_related("type", "street", "community", "care")
        .prefetch_related("star_assessments", "meal_months")
        .order_by("type__order", "code")
    )
    if filters is not None:
        qs = filters.filter(qs)
    elderly = _elderly_by_community(zone)
    return [care_view(f, today, elderly) for f in qs]


def care_view(f: Facility, today: date, elderly: dict[int, int]) -> CareView:
    assessments = [a for a in f.star_assessments.all() if a.assessed_on <= today]
    meals = [m for m in f.meal_months.all() if m.month.year == today.year and m.month <= today]
    served = elderly.get(f.community_id or 0, 0)
    return CareView(
        f,
        getattr(f, "care", None),
        assessments[-1] if assessments else None,
        served,
        analysis.daycare_class(served) if f.type.code == "day_care_center" else None,
        sum(m.meals_served for m in meals),
        sum(m.meals_subsidised for m in meals),
    )


def care_detail(user: User | None, zone: Zone, pk: int, today: date) -> dict[str, Any]:
    f = access.care_facility_for(user, zone, pk)
    view = care_view(f, today, _elderly_by_community(zone))
    return {
        "facility": f,
        "view": view,
        "assessments": list(f.star_assessments.all()),
        "meals": list(f.meal_months.all()),
        "classes": analysis.daycare_classes(),
        "daycare_clause": analysis.daycare_clause(),
        "star_clause": analysis.star_clause(),
        "can_edit": access.can_edit_care(user),
    }


def reading_rooms_measure(zone: Zone, params: dict[str, Any], day: date) -> measures.Reading:
    """Measure "plans.reading_rooms": elderly-care institutions with a reading room (国学书屋) open on the
    day (opened since a date, when given)."""
    qs = CareFacility.objects.filter(
        facility__street__zone=zone, reading_room_opened_on__lte=day
    ).select_related("facility__street")
    if params.get("opened_from"):
        qs = qs.filter(reading_room_opened_on__gte=date.fromisoformat(params["opened_from"]))
    qs = qs.exclude(facility__closed_on__lte=day)
    rows = [
        measures.Counted(
            label=c.facility.name,
            detail=f"{c.facility.street.name} · {c.reading_room_opened_on.isoformat() if c.reading_room_opened_on else ''}",
            url=reverse("plans:care", args=[c.facility_id]),
        )
        for c in qs.order_by("reading_room_opened_on", "facility__code")
    ]
    return measures.Reading(Decimal(len(rows)), rows)


def improved_institutions_measure(zone: Zone, params: dict[str, Any], day: date) -> measures.Reading:
    """Measure "plans.improved_institutions": institutions of a type whose latest assessment since a date
    (up to the day) scores higher than their latest one before it — service capacity improved, measured
    as the GB/T 37276-2018 score before and after."""
    since = date.fromisoformat(params["since"])
    facilities = Facility.objects.filter(street__zone=zone, type__code=params["type"]).prefetch_related(
        "star_assessments"
    )
    rows = []
    for f in facilities.order_by("code"):
        history = [a for a in f.star_assessments.all() if a.assessed_on <= day]
        before = [a for a in history if a.assessed_on < since]
        after = [a for a in history if a.assessed_on >= since]
        if before and after and after[-1].score > before[-1].score:
            rows.append(
                measures.Counted(
                    label=f.name,
                    detail=f"{before[-1].score:g} → {after[-1].score:g} ({before[-1].stars}★ → {after[-1].stars}★)",
                    url=reverse("plans:care", args=[f.pk]),
                    amount=after[-1].score - before[-1].score,
                )
            )
    return measures.Reading(Decimal(len(rows)), rows)


def meals_measure(zone: Zone, params: dict[str, Any], day: date) -> measures.Reading:
    """Measure "plans.meals_served": meals served by the zone's canteens in the day's year up to its month
    (the subsidised ones only, when asked)."""
    months = MealMonth.objects.filter(
        facility__street__zone=zone, month__year=day.year, month__lte=day
    ).select_related("facility")
    field_name = "meals_subsidised" if params.get("subsidised") == "yes" else "meals_served"
    per: dict[int, tuple[Facility, int]] = {}
    for m in months:
        f, n = per.get(m.facility_id, (m.facility, 0))
        per[m.facility_id] = (f, n + getattr(m, field_name))
    rows = [
        measures.Counted(label=f.name, url=reverse("plans:care", args=[f.pk]), amount=Decimal(n))
        for f, n in sorted(per.values(), key=lambda v: v[0].code)
    ]
    return measures.Reading(Decimal(sum(n for _f, n in per.values())), rows)

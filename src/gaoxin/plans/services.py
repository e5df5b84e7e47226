"""Every change of the plans app: atomic, the acting user an argument (None = the operator, the
scheduled job or the demo loader), the gate first, a translated ValidationError for a user's mistake."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError
from gaoxin.common import attachments, audit, measures
from gaoxin.common.errors import describe
from gaoxin.places.models import Facility, Zone
from gaoxin.plans import access, analysis, queries
from gaoxin.plans.choices import PROJECT_STAGES, TargetKind
from gaoxin.plans.models import (
    CareFacility,
    MealMonth,
    Milestone,
    Node,
    Programme,
    ProgressReport,
    Project,
    ProjectMonth,
    ProjectStageChange,
    StarAssessment,
    SupervisionNotice,
    Target,
    TargetReport,
    Task,
    Unit,
)


def _check_measure(kind: str, measure: str, params: dict[str, Any]) -> dict[str, Any]:
    if kind == TargetKind.REPORTED:
        return {}
    found = measures.get(measure)
    if found is None:
        raise ValidationError({"measure": _("Unknown measure.")})
    try:
        return measures.clean_params(found, params)
    except ValidationError as exc:
        raise ValidationError({"params": exc.messages}) from None


@transaction.atomic
def save_target(actor: Any, zone: Zone, data: dict[str, Any], target: Target | None = None) -> Target:
    """Create a target, or change one: its measure and parameters are checked against the catalogue."""
    access.require_manage(actor)
    data = dict(data)
    data["params"] = _check_measure(data["kind"], data.get("measure", ""), data.get("params") or {})
    if data["kind"] == TargetKind.REPORTED:
        data["measure"] = ""
    if data["owner"].zone_id != zone.pk:
        raise PermissionDenied
    target = target or Target(zone=zone)
    for name, value in data.items():
        setattr(target, name, value)
    target.full_clean(validate_unique=False, validate_constraints=False)
    if Target.objects.filter(zone=zone, year=target.year, code=target.code).exclude(pk=target.pk).exists():
        raise ValidationError({"code": _("The year already has a target with this number.")})
    target.save()
    audit.record(actor, "update", "target", target.pk, label=target.title[:120])
    return target


@transaction.atomic
def report_target(
    actor: Any, target: Target, *, value: Decimal, as_of: date, note: str = "", evidence: Any = None
) -> TargetReport:
    """Report the figure of a target that the platform's data cannot compute, with its evidence."""
    if target.kind != TargetKind.REPORTED:
        raise ValidationError(_("This target is computed from the platform's data; it takes no report."))
    if not access.can_report_target(actor, target):
        raise PermissionDenied
    if value is None or value < 0 or not value.is_finite():
        raise ValidationError({"value": _("A figure is a number of zero or more.")})
    stored = attachments.store(evidence, actor) if evidence else None
    report = TargetReport.objects.create(
        target=target,
        value=value,
        as_of=as_of,
        note=note,
        evidence=stored,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    audit.record(actor, "report", "target", target.pk, label=target.title[:120], detail=str(value))
    return report


@transaction.atomic
def report_progress(
    actor: Any,
    task: Task,
    *,
    period: str,
    text: str,
    today: date,
    node: Node | None = None,
    attachment: Any = None,
) -> ProgressReport:
    """A unit's progress on a task for a period (its evidence checked for size and kind)."""
    if not access.can_report(actor, task):
        raise PermissionDenied
    if node is not None and node.task_id != task.pk:
        raise ValidationError({"node": _("The time node is not one of this task's.")})
    if not text.strip():
        raise ValidationError({"text": _("Say what was done.")})
    mine = access.unit_ids(actor)
    if task.lead_id in mine or not mine:
        unit = task.lead
    else:
        unit = task.partners.filter(pk__in=mine).first() or task.lead
    stored = attachments.store(attachment, actor) if attachment else None
    report = ProgressReport.objects.create(
        task=task,
        node=node,
        unit=unit,
        period=period.strip()[:20],
        text=text.strip(),
        attachment=stored,
        reported_by=actor if getattr(actor, "is_authenticated", False) else None,
        reported_on=today,
    )
    audit.record(actor, "report", "task", task.pk, label=f"{task.programme.name} {task.number}"[:120])
    return report


@transaction.atomic
def finish_node(actor: Any, node: Node, *, done_on: date, today: date) -> Node:
    """Mark a time node done (on a day not in the future); its supervision notice is closed."""
    task = Task.objects.select_related("programme").get(pk=node.task_id)
    if not access.can_finish(actor, task):
        raise PermissionDenied
    if done_on > today:
        raise ValidationError({"done_on": _("A node cannot be finished in the future.")})
    node = Node.objects.select_for_update().get(pk=node.pk)
    node.done_on = done_on
    node.save(update_fields=["done_on"])
    SupervisionNotice.objects.filter(node=node, closed_on=None).update(closed_on=done_on)
    audit.record(actor, "finish", "node", node.pk, label=node.title[:120], detail=done_on.isoformat())
    return node


@transaction.atomic
def reopen_node(actor: Any, node: Node) -> Node:
    task = Task.objects.get(pk=node.task_id)
    if not access.can_finish(actor, task):
        raise PermissionDenied
    node = Node.objects.select_for_update().get(pk=node.pk)
    node.done_on = None
    node.save(update_fields=["done_on"])
    SupervisionNotice.objects.filter(node=node).update(closed_on=None)
    audit.record(actor, "reopen", "node", node.pk, label=node.title[:120])
    return node


def _next_number(zone: Zone, year: int) -> str:
    prefix = f"督办〔{year}〕"
    used = SupervisionNotice.objects.filter(
        node__task__programme__zone=zone, number__startswith=prefix
    ).count()
    return f"{prefix}{used + 1:03d}号"


@transaction.atomic
def escalate(actor: Any, zone: Zone, today: date) -> list[SupervisionNotice]:
    """Issue a supervision notice (督办单) to the lead unit of every node past its date and unfinished
    that has none yet — the day after its due date at the earliest. Idempotent: run daily by the
    scheduled job (``gaoxin plans escalate``) and on demand by the supervision office."""
    access.require_supervise(actor)
    issued = []
    for node in queries.overdue_without_notice(zone, today).select_for_update(of=("self",)):
        notice = SupervisionNotice.objects.create(
            node=node,
            number=_next_number(zone, today.year),
            unit=node.task.lead,
            issued_on=today,
            days_late=(today - node.due_on).days,
            issued_by=actor if getattr(actor, "is_authenticated", False) else None,
        )
        issued.append(notice)
    if issued:
        audit.record(actor, "escalate", "node", "", label=zone.name[:120], detail=f"{len(issued)}")
    return issued


@transaction.atomic
def create_programme(
    actor: Any, zone: Zone, *, name: str, year: int, coordinator: Unit, document: str = ""
) -> Programme:
    access.require_manage(actor)
    if coordinator.zone_id != zone.pk:
        raise PermissionDenied
    if Programme.objects.filter(zone=zone, year=year, name=name).exists():
        raise ValidationError({"name": _("The year already has a programme of this name.")})
    programme = Programme(zone=zone, name=name, year=year, coordinator=coordinator, document=document)
    programme.full_clean(validate_unique=False, validate_constraints=False)
    programme.save()
    audit.record(actor, "update", "programme", programme.pk, label=name[:120])
    return programme


def ensure_unit(zone: Zone, name: str) -> Unit:
    unit, _created = Unit.objects.get_or_create(zone=zone, name=name)
    return unit


def _may_report_project(actor: Any, project: Project) -> None:
    if not access.can_report_project(actor, project):
        raise PermissionDenied


@transaction.atomic
def record_month(
    actor: Any, project: Project, *, month: date, completed_yuan: Decimal, today: date, **figures: Any
) -> ProjectMonth:
    """Record (or correct) a month's progress of a project; a month that has not begun is refused."""
    _may_report_project(actor, project)
    month = month.replace(day=1)
    if (month.year, month.month) > (today.year, today.month):
        raise ValidationError({"month": _("A month that has not begun has no progress yet.")})
    if completed_yuan is None or completed_yuan < 0:
        raise ValidationError({"completed_yuan": _("A figure is a number of zero or more.")})
    allowed = {"signed", "demolished", "units_started", "units_finished", "units_delivered", "note"}
    values = {k: v for k, v in figures.items() if k in allowed}
    if project.households is not None:
        for name in ("signed", "demolished"):
            if values.get(name) is not None and values[name] > project.households:
                raise ValidationError({name: _("More than the households to relocate.")})
    row, _created = ProjectMonth.objects.update_or_create(
        project=project, month=month, defaults={"completed_yuan": completed_yuan, **values}
    )
    audit.record(
        actor, "report", "project", project.pk, label=project.name[:120], detail=month.strftime("%Y-%m")
    )
    return row


@transaction.atomic
def change_stage(actor: Any, project: Project, *, stage: str, entered_on: date, today: date) -> Project:
    """Move a project to a stage of its kind (forward or back, to correct), recorded with its day."""
    _may_report_project(actor, project)
    if stage not in PROJECT_STAGES.get(project.kind, ()):
        raise ValidationError({"stage": _("This stage is not one of the project's kind.")})
    if entered_on > today:
        raise ValidationError({"entered_on": _("A stage cannot be entered in the future.")})
    project = Project.objects.select_for_update().get(pk=project.pk)
    project.stage = stage
    project.save(update_fields=["stage", "updated_at"])
    ProjectStageChange.objects.create(project=project, stage=stage, entered_on=entered_on)
    audit.record(actor, "update", "project", project.pk, label=project.name[:120], detail=stage)
    return project


@transaction.atomic
def finish_milestone(actor: Any, milestone: Milestone, *, done_on: date, today: date) -> Milestone:
    _may_report_project(actor, milestone.project)
    if done_on > today:
        raise ValidationError({"done_on": _("A node cannot be finished in the future.")})
    milestone.done_on = done_on
    milestone.save(update_fields=["done_on"])
    audit.record(actor, "finish", "project", milestone.project_id, label=milestone.title[:120])
    return milestone


@transaction.atomic
def save_care(actor: Any, facility: Facility, data: dict[str, Any]) -> CareFacility:
    """An elderly-care facility's places, meals capacity and reading room."""
    access.require_edit_care(actor)
    care, _created = CareFacility.objects.get_or_create(facility=facility)
    for name in ("beds", "day_places", "meals_per_day", "delivers_meals", "reading_room_opened_on"):
        if name in data:
            setattr(care, name, data[name])
    care.full_clean()
    care.save()
    audit.record(actor, "update", "facility", facility.pk, label=facility.name[:120])
    return care


@transaction.atomic
def add_assessment(
    actor: Any, facility: Facility, *, assessed_on: date, score: Decimal, today: date, assessor: str = ""
) -> StarAssessment:
    """Record a GB/T 37276-2018 assessment; its star grade follows from the score (standards/eldercare.toml)."""
    access.require_edit_care(actor)
    if assessed_on > today:
        raise ValidationError({"assessed_on": _("An assessment cannot lie in the future.")})
    try:
        stars = analysis.stars_of(score)
    except AnalysisError as exc:
        raise ValidationError({"score": describe(exc)}) from None
    row, _created = StarAssessment.objects.update_or_create(
        facility=facility,
        assessed_on=assessed_on,
        defaults={"score": score, "stars": stars, "assessor": assessor},
    )
    audit.record(
        actor, "update", "facility", facility.pk, label=facility.name[:120], detail=f"{score} {stars}★"
    )
    return row


@transaction.atomic
def record_meals(
    actor: Any, facility: Facility, *, month: date, served: int, subsidised: int, today: date
) -> MealMonth:
    access.require_edit_care(actor)
    month = month.replace(day=1)
    if (month.year, month.month) > (today.year, today.month):
        raise ValidationError({"month": _("A month that has not begun has no progress yet.")})
    if subsidised > served:
        raise ValidationError({"meals_subsidised": _("More subsidised meals than meals served.")})
    row, _created = MealMonth.objects.update_or_create(
        facility=facility, month=month, defaults={"meals_served": served, "meals_subsidised": subsidised}
    )
    audit.record(
        actor, "update", "facility", facility.pk, label=facility.name[:120], detail=month.strftime("%Y-%m")
    )
    return row

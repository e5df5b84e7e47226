"""Who may see or change what in the plans app; the only way a target, a programme, a task, a node or
a report is loaded (always within the request's zone). One rule per line:
- leadership, zone administrators and anyone with the view permission read every target and task table;
- a member of a unit reads every table and the targets too (the tables are shared work);
- zone administrators (change permission) create and edit targets, tables and tasks, and import tables;
- a unit's member reports progress on the tasks its unit leads or shares, and on the targets it owns;
- only the lead unit's member (or an administrator) marks a time node done;
- the supervision office (the "supervise" permission) issues supervision notices (督办单);
- elderly-care details (places, meals, reading rooms, star assessments) are recorded by those with the
  permission to change them (civil-affairs staff) and administrators;
- a major project's monthly progress, stage and milestones are recorded by an administrator or a
  member of its responsible unit;
- everybody else sees nothing (403 for pages, 404 for objects);
- an object of another zone does not exist for the request (404);
- ``actor=None`` is the operator at the command line, the scheduled job or the demo loader.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404

from gaoxin.accounts.models import User
from gaoxin.common.models import Attachment
from gaoxin.places.choices import ServiceClass
from gaoxin.places.models import Facility, Zone
from gaoxin.plans.models import (
    Milestone,
    Node,
    Programme,
    ProgressReport,
    Project,
    Target,
    TargetReport,
    Task,
    Unit,
)


def _units(user: User) -> QuerySet[Unit]:
    return Unit.objects.filter(members=user)


def can_view(user: User | None) -> bool:
    if user is None:
        return True
    if not user.is_authenticated or not user.is_active:
        return False
    return user.has_perm("plans.view_task") or _units(user).exists()


def can_manage(user: User | None) -> bool:
    return user is None or (user.is_authenticated and user.has_perm("plans.change_task"))


def can_supervise(user: User | None) -> bool:
    return user is None or (user.is_authenticated and user.has_perm("plans.supervise"))


def require_view(user: User | None) -> None:
    if not can_view(user):
        raise PermissionDenied


def require_manage(user: User | None) -> None:
    if not can_manage(user):
        raise PermissionDenied


def require_supervise(user: User | None) -> None:
    if not can_supervise(user):
        raise PermissionDenied


def unit_ids(user: User | None) -> set[int]:
    if user is None or not user.is_authenticated:
        return set()
    return set(_units(user).values_list("pk", flat=True))


def can_report(user: User | None, task: Task) -> bool:
    if can_manage(user):
        return True
    mine = unit_ids(user)
    return task.lead_id in mine or task.partners.filter(pk__in=mine).exists()


def can_finish(user: User | None, task: Task) -> bool:
    return can_manage(user) or task.lead_id in unit_ids(user)


def can_report_target(user: User | None, target: Target) -> bool:
    return can_manage(user) or target.owner_id in unit_ids(user)


def targets(user: User | None, zone: Zone) -> QuerySet[Target]:
    require_view(user)
    return Target.objects.filter(zone=zone)


def target_for(user: User | None, zone: Zone, pk: int) -> Target:
    require_view(user)
    found = Target.objects.filter(zone=zone, pk=pk).select_related("owner").first()
    if found is None:
        raise Http404
    return found


def programmes(user: User | None, zone: Zone) -> QuerySet[Programme]:
    require_view(user)
    return Programme.objects.filter(zone=zone)


def programme_for(user: User | None, zone: Zone, pk: int) -> Programme:
    require_view(user)
    found = Programme.objects.filter(zone=zone, pk=pk).select_related("coordinator").first()
    if found is None:
        raise Http404
    return found


def task_for(user: User | None, zone: Zone, pk: int) -> Task:
    require_view(user)
    found = Task.objects.filter(programme__zone=zone, pk=pk).select_related("programme", "lead").first()
    if found is None:
        raise Http404
    return found


def node_for(user: User | None, zone: Zone, pk: int) -> Node:
    require_view(user)
    found = Node.objects.filter(task__programme__zone=zone, pk=pk).select_related("task").first()
    if found is None:
        raise Http404
    return found


def attachment_for(user: User | None, zone: Zone, pk: int) -> Attachment:
    """An attachment of a progress report or a target report of the zone, for a reader of the plans."""
    require_view(user)
    linked = (
        ProgressReport.objects.filter(task__programme__zone=zone, attachment_id=pk).exists()
        or TargetReport.objects.filter(target__zone=zone, evidence_id=pk).exists()
    )
    found = Attachment.objects.filter(pk=pk).first() if linked else None
    if found is None:
        raise Http404
    return found


def units(user: User | None, zone: Zone) -> QuerySet[Unit]:
    require_view(user)
    return Unit.objects.filter(zone=zone)


def projects(user: User | None, zone: Zone) -> QuerySet[Project]:
    require_view(user)
    return Project.objects.filter(zone=zone)


def project_for(user: User | None, zone: Zone, pk: int) -> Project:
    require_view(user)
    found = Project.objects.filter(zone=zone, pk=pk).select_related("owner").first()
    if found is None:
        raise Http404
    return found


def milestone_for(user: User | None, zone: Zone, pk: int) -> Milestone:
    require_view(user)
    found = Milestone.objects.filter(project__zone=zone, pk=pk).select_related("project").first()
    if found is None:
        raise Http404
    return found


def can_report_project(user: User | None, project: Project) -> bool:
    """An administrator, or a member of the project's responsible unit."""
    return can_manage(user) or project.owner_id in unit_ids(user)


def care_facilities(user: User | None, zone: Zone) -> QuerySet[Facility]:
    """The zone's elderly-care facilities (the elderly-care class of the facility taxonomy)."""
    require_view(user)
    return Facility.objects.filter(street__zone=zone, type__service_class=ServiceClass.ELDERCARE)


def care_facility_for(user: User | None, zone: Zone, pk: int) -> Facility:
    found = care_facilities(user, zone).filter(pk=pk).select_related("type", "street", "community").first()
    if found is None:
        raise Http404
    return found


def can_edit_care(user: User | None) -> bool:
    """The civil-affairs staff (the permission to change elderly-care details) and administrators."""
    return user is None or (user.is_authenticated and user.has_perm("plans.change_carefacility"))


def require_edit_care(user: User | None) -> None:
    if not can_edit_care(user):
        raise PermissionDenied

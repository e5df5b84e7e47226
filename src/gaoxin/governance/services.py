"""Every change of grid governance: atomic, the acting user an argument (None = the operator, the
scheduled job or the demo loader), the gate first, a translated ValidationError for a user's mistake."""

from __future__ import annotations

import hashlib
import secrets
from datetime import date, datetime
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _
from shapely.geometry import Point, shape

from gaoxin import standards
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common import attachments, audit
from gaoxin.common.errors import describe
from gaoxin.governance import access, analysis
from gaoxin.governance.choices import DISPUTE_ENDED, DisputeStatus, Source, Urgency
from gaoxin.governance.models import (
    ApiClient,
    Case,
    CaseEvent,
    Department,
    Dispute,
    DisputeSession,
    Grid,
    Household,
    ServiceType,
    Visit,
)
from gaoxin.places.models import Street, Zone


def sync_service_types() -> None:
    """The request types of standards/governance.toml (idempotent; run after migrate)."""
    for order, s in enumerate(standards.load("governance")["service"], start=1):
        limits = s["limit_hours"]
        ServiceType.objects.update_or_create(
            code=s["code"],
            defaults={
                "name_zh": s["name_zh"],
                "name_en": s["name_en"],
                "group": s["group"],
                "keywords": s.get("keywords", ""),
                "limit_normal_h": limits["normal"],
                "limit_urgent_h": limits["urgent"],
                "limit_emergency_h": limits["emergency"],
                "order": order,
            },
        )


def locate(zone: Zone, lon: float | None, lat: float | None) -> tuple[Street | None, Grid | None]:
    """The street and the grid a point lies in (by their outlines)."""
    if lon is None or lat is None:
        return None, None
    point = Point(lon, lat)
    grid = next(
        (
            g
            for g in Grid.objects.filter(community__street__zone=zone)
            .exclude(boundary=None)
            .select_related("community__street")
            if shape(g.boundary).covers(point)
        ),
        None,
    )
    if grid is not None:
        return grid.community.street, grid
    street = next(
        (
            s
            for s in Street.objects.filter(zone=zone).exclude(boundary=None)
            if shape(s.boundary).covers(point)
        ),
        None,
    )
    return street, None


def _number(zone: Zone, when: datetime) -> str:
    prefix = f"GX{when:%Y%m%d}"
    last = Case.objects.filter(number__regex=rf"^{prefix}[0-9]{{4}}$").aggregate(m=Max("number"))["m"]
    n = int(last[len(prefix) :]) + 1 if last else 1
    return f"{prefix}{n:04d}"


def _event(case: Case, action: str, actor: Any, at: datetime, note: str = "") -> None:
    CaseEvent.objects.create(
        case=case,
        action=action,
        status=case.status,
        actor=actor if getattr(actor, "is_authenticated", False) else None,
        at=at,
        note=note,
    )


@transaction.atomic
def report(
    actor: Any,
    zone: Zone,
    *,
    service: ServiceType,
    description: str,
    source: str = Source.RESIDENT,
    urgency: str = Urgency.NORMAL,
    lon: float | None = None,
    lat: float | None = None,
    address: str = "",
    contact_name: str = "",
    contact_phone: str = "",
    photo: Any = None,
    now: datetime | None = None,
) -> Case:
    """信息采集: a request is filed (by a resident, a grid worker, the hotline or an Open311 client)."""
    if actor is not None and not getattr(actor, "is_authenticated", False):
        raise PermissionDenied
    if source in (Source.HOTLINE,) and not access.is_centre(actor):
        raise PermissionDenied
    if not description.strip():
        raise ValidationError({"description": _("Say what the problem is.")})
    now = now or timezone.now()
    street, grid = locate(zone, lon, lat)
    stored = attachments.store(photo, actor) if photo else None
    case = Case(
        zone=zone,
        number=_number(zone, now),
        service=service,
        urgency=urgency,
        description=description.strip(),
        lon=lon,
        lat=lat,
        address=address.strip(),
        street=street,
        grid=grid,
        source=source,
        requester=actor if getattr(actor, "is_authenticated", False) else None,
        contact_name=contact_name.strip(),
        contact_phone=contact_phone.strip(),
        photo=stored,
        reported_at=now,
    )
    case.full_clean(exclude=["zone", "service", "photo", "street", "grid", "requester", "department"])
    case.save()
    _event(case, "report", actor, now)
    audit.record(actor, "create", "case", case.pk, label=case.number)
    return case


@transaction.atomic
def step(
    actor: Any,
    case: Case,
    action: str,
    *,
    note: str = "",
    department: Department | None = None,
    rating: int | None = None,
    now: datetime | None = None,
) -> Case:
    """One step of the workflow (gaoxin.analysis.cases): its gate, its order, its own rules."""
    case = (
        Case.objects.select_for_update(of=("self",))
        .select_related("service", "grid", "department")
        .get(pk=case.pk)
    )
    access.require_take(actor, case, action)
    now = now or timezone.now()
    try:
        new = analysis.next_state(case.status, action)
    except AnalysisError as exc:
        raise ValidationError(describe(exc)) from None
    if action == "cancel":
        if not note.strip():
            raise ValidationError({"note": _("Give the reason for cancelling.")})
        case.cancel_reason = note.strip()[:200]
        case.closed_at = now
    elif action == "dispatch":
        if department is None or department.zone_id != case.zone_id:
            raise ValidationError({"department": _("Choose the responsible unit.")})
        case.department = department
        case.dispatched_at = now
        case.due_at = analysis.due_at(now, case.service.limit_hours(case.urgency))
    elif action == "feedback":
        if not note.strip():
            raise ValidationError({"note": _("Say what was done.")})
        case.fed_back_at = now
        case.answer = note.strip()
    elif action == "send_back":
        if not note.strip():
            raise ValidationError({"note": _("Say what is still wrong.")})
        case.sent_back += 1
        case.fed_back_at = None
    elif action == "close":
        case.closed_at = now
    elif action == "rate":
        if case.rating is not None:
            raise ValidationError(_("This request has been rated."))
        if rating is None or not 1 <= rating <= 5:
            raise ValidationError({"rating": _("A rating is 1 to 5.")})
        case.rating = rating
        case.rating_note = note.strip()[:300]
    case.status = new
    case.save()
    _event(case, action, actor, now, note.strip())
    audit.record(actor, "update", "case", case.pk, label=case.number, detail=action)
    return case


@transaction.atomic
def escalate_overdue(actor: Any, zone: Zone, now: datetime | None = None) -> list[Case]:
    """Cases running past their time limit are escalated once (to the centre's board and the street's),
    the moment after it (the due moment itself is still on time)."""
    if not access.is_centre(actor):
        raise PermissionDenied
    now = now or timezone.now()
    late = list(
        Case.objects.select_for_update()
        .filter(zone=zone, status__in=analysis.RUNNING, due_at__lt=now, escalated_at=None)
        .order_by("due_at")
    )
    for case in late:
        case.escalated_at = now
        case.save(update_fields=["escalated_at", "updated_at"])
        _event(case, "escalate", actor, now)
    if late:
        audit.record(actor, "escalate", "case", "", label=zone.name[:120], detail=str(len(late)))
    return late


@transaction.atomic
def new_api_client(actor: Any, zone: Zone, name: str) -> tuple[ApiClient, str]:
    """A client application of the Open311 endpoint and its API key (shown once; kept hashed)."""
    if not access.is_centre(actor):
        raise PermissionDenied
    key = secrets.token_urlsafe(24)
    client = ApiClient.objects.create(
        zone=zone, name=name[:100], key_hash=hashlib.sha256(key.encode()).hexdigest()
    )
    audit.record(actor, "create", "api_client", client.pk, label=client.name)
    return client, key


def client_for_key(key: str) -> ApiClient | None:
    if not key:
        return None
    return (
        ApiClient.objects.filter(key_hash=hashlib.sha256(key.encode()).hexdigest(), active=True)
        .select_related("zone")
        .first()
    )


def _dispute_number(zone: Zone, on: date) -> str:
    prefix = f"TJ{on:%Y}"
    last = Dispute.objects.filter(number__regex=rf"^{prefix}[0-9]{{4}}$").aggregate(m=Max("number"))["m"]
    return f"{prefix}{(int(last[len(prefix) :]) + 1 if last else 1):04d}"


@transaction.atomic
def accept_dispute(
    actor: Any,
    zone: Zone,
    *,
    street: Street,
    kind: str,
    summary: str,
    parties: str,
    committee: str,
    accepted_on: date,
    today: date,
    community: Any = None,
    mediators: str = "",
) -> Dispute:
    """A dispute accepted for mediation (受理): the clock of 零搁置 starts."""
    if not access.can_accept_dispute(actor):
        raise PermissionDenied
    if street.zone_id != zone.pk or (
        access.is_street_staff(actor) and not access.is_centre(actor) and actor.street_id != street.pk
    ):
        raise PermissionDenied
    if community is not None and community.street_id != street.pk:
        raise ValidationError({"community": _("The community is not in the street.")})
    if accepted_on > today:
        raise ValidationError({"accepted_on": _("A dispute cannot be accepted in the future.")})
    for name, value in (("summary", summary), ("parties", parties), ("committee", committee)):
        if not value.strip():
            raise ValidationError({name: _("This field is required.")})
    dispute = Dispute.objects.create(
        zone=zone,
        number=_dispute_number(zone, accepted_on),
        street=street,
        community=community,
        kind=kind,
        summary=summary.strip(),
        parties=parties.strip()[:300],
        committee=committee.strip()[:100],
        mediators=mediators.strip()[:200],
        accepted_on=accepted_on,
    )
    audit.record(actor, "create", "dispute", dispute.pk, label=dispute.number)
    return dispute


@transaction.atomic
def add_session(actor: Any, dispute: Dispute, *, held_on: date, note: str, today: date) -> DisputeSession:
    """An action on the dispute (a session, a visit): the first one stops the first-action clock."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    access.require_handle_dispute(actor, dispute)
    if dispute.ended_on is not None:
        raise ValidationError(_("The dispute has ended."))
    if not dispute.accepted_on <= held_on <= today:
        raise ValidationError({"held_on": _("A session lies between the acceptance and today.")})
    if not note.strip():
        raise ValidationError({"note": _("Say what was done.")})
    session = DisputeSession.objects.create(
        dispute=dispute,
        held_on=held_on,
        note=note.strip(),
        recorded_by=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if dispute.first_action_on is None or held_on < dispute.first_action_on:
        dispute.first_action_on = held_on
    dispute.status = DisputeStatus.MEDIATING
    dispute.save(update_fields=["first_action_on", "status", "updated_at"])
    audit.record(actor, "update", "dispute", dispute.pk, label=dispute.number, detail="session")
    return session


@transaction.atomic
def end_dispute(
    actor: Any,
    dispute: Dispute,
    *,
    status: str,
    ended_on: date,
    today: date,
    outcome: str = "",
    referred_to: str = "",
    agreement: Any = None,
) -> Dispute:
    """The end of a mediation: an agreement (with its 调解协议书), a referral (to a court, arbitration or
    another authority) when there is none, or a withdrawal."""
    dispute = Dispute.objects.select_for_update().get(pk=dispute.pk)
    access.require_handle_dispute(actor, dispute)
    if dispute.ended_on is not None:
        raise ValidationError(_("The dispute has ended."))
    if status not in DISPUTE_ENDED:
        raise ValidationError({"status": _("Choose how the mediation ended.")})
    if not dispute.accepted_on <= ended_on <= today:
        raise ValidationError({"ended_on": _("The end lies between the acceptance and today.")})
    if status == DisputeStatus.AGREED and agreement is None:
        raise ValidationError({"agreement": _("Attach the mediation agreement (调解协议书).")})
    if status == DisputeStatus.REFERRED and not referred_to:
        raise ValidationError({"referred_to": _("Say where it was referred.")})
    dispute.agreement = attachments.store(agreement, actor) if agreement else None
    dispute.status = status
    dispute.ended_on = ended_on
    dispute.referred_to = referred_to if status == DisputeStatus.REFERRED else ""
    dispute.outcome = outcome.strip()
    dispute.save()
    audit.record(actor, "update", "dispute", dispute.pk, label=dispute.number, detail=status)
    return dispute


@transaction.atomic
def court_confirmed(actor: Any, dispute: Dispute, *, on: date, today: date) -> Dispute:
    """司法确认: the court confirmed the mediation agreement."""
    access.require_handle_dispute(actor, dispute)
    if dispute.status != DisputeStatus.AGREED or dispute.ended_on is None:
        raise ValidationError(_("Only a mediation agreement can be confirmed by a court."))
    if not dispute.ended_on <= on <= today:
        raise ValidationError({"on": _("The confirmation lies between the agreement and today.")})
    dispute.court_confirmed_on = on
    dispute.save(update_fields=["court_confirmed_on", "updated_at"])
    audit.record(actor, "update", "dispute", dispute.pk, label=dispute.number, detail="court")
    return dispute


@transaction.atomic
def escalate_disputes(actor: Any, zone: Zone, today: date) -> list[Dispute]:
    """零搁置: an open dispute without a first action past its day, or open past its end day, is escalated
    (once; it appears on the centre's and its street's boards)."""
    if not access.is_centre(actor):
        raise PermissionDenied
    late = [
        d
        for d in Dispute.objects.select_for_update().filter(zone=zone, ended_on=None, escalated_on=None)
        if analysis.dispute_clock(d, today).late
    ]
    for d in late:
        d.escalated_on = today
        d.save(update_fields=["escalated_on", "updated_at"])
    if late:
        audit.record(actor, "escalate", "dispute", "", label=zone.name[:120], detail=str(len(late)))
    return late


@transaction.atomic
def record_visit(
    actor: Any, household: Household, *, visited_on: date, today: date, change: str = "", note: str = ""
) -> Visit:
    """A grid visit to a household: confirmed, or a change recorded (moved in or out, a birth, a death)."""
    household = (
        Household.objects.select_for_update(of=("self",))
        .select_related("grid__community")
        .get(pk=household.pk)
    )
    if not access.can_collect(actor, household.grid):
        raise PermissionDenied
    if visited_on > today:
        raise ValidationError({"visited_on": _("A visit cannot lie in the future.")})
    visit = Visit.objects.create(
        household=household,
        visited_on=visited_on,
        change=change,
        note=note.strip()[:300],
        worker=actor if getattr(actor, "is_authenticated", False) else None,
    )
    if household.last_visit_on is None or visited_on > household.last_visit_on:
        household.last_visit_on = visited_on
    if change == "moved_out":
        household.vacant, household.members, household.head_name, household.groups = True, 0, "", []
    elif change == "moved_in":
        household.vacant = False
    elif change == "birth":
        household.members += 1
    elif change == "death":
        household.members = max(0, household.members - 1)
    household.save()
    audit.record(
        actor, "update", "households", household.grid_id, label=household.grid.code, detail=change or "visit"
    )
    return visit

"""JSON endpoints of the health app: the same gates (access.py) and the same audit as the pages.
IDs are masked in every answer; a resident reads only her own opened record."""

from __future__ import annotations

import datetime as dt
from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Form, Query, Router, Schema, Status

from gaoxin.common.api import Id, StrictIn, answers
from gaoxin.health import access, queries, services
from gaoxin.health.choices import DownReason, ReferralState, UpReason
from gaoxin.health.models import FollowUp, HealthRecord, Institution, Referral, Resident
from gaoxin.places.web import Request

router = Router(tags=["health"])


class RecordOut(Schema):
    code: str
    status: str
    institution: str
    conditions: list[dict[str, Any]]
    allergies: str
    measurements: list[dict[str, Any]]


class ResidentOut(Schema):
    id: int
    name: str
    id_masked: str
    sex: int
    age: int
    community: str
    groups: list[str]
    contract: dict[str, Any] | None
    record: RecordOut | None


def _record(record: HealthRecord | None) -> dict[str, Any] | None:
    if record is None:
        return None
    return {
        "code": record.code,
        "status": record.status,
        "institution": record.institution.name,
        "conditions": [{"icd10": c.icd10, "name": c.name} for c in record.conditions.all()],
        "allergies": record.allergies,
        "measurements": [
            {
                "date": m.taken_on.isoformat(),
                "sbp": m.sbp,
                "dbp": m.dbp,
                "fpg": None if m.fpg is None else float(m.fpg),
            }
            for m in record.measurements.all()[:20]
        ],
    }


def _resident(resident: Resident, record: HealthRecord | None) -> dict[str, Any]:
    from django.utils import timezone

    contract = services.holding_contract(resident)
    return {
        "id": resident.pk,
        "name": resident.name,
        "id_masked": resident.id_masked,
        "sex": resident.sex,
        "age": resident.age(timezone.localdate()),
        "community": resident.community.name,
        "groups": queries.group_labels(queries.groups_of(resident)),
        "contract": None
        if contract is None
        else {
            "status": contract.status,
            "team": contract.team.name,
            "package": contract.package.name,
            "starts_on": contract.starts_on.isoformat(),
            "ends_on": contract.ends_on.isoformat(),
        },
        "record": _record(record),
    }


@router.get("/me", response=answers({200: ResidentOut}, 404))
def me(request: Request) -> dict[str, Any]:
    """The logged-in resident: her contract and, once opened (已开放), her record (the read is audited)."""
    resident, record = queries.own_view(request.user, request=request)
    return _resident(resident, record)


@router.get("/residents/{resident_id}", response=answers({200: ResidentOut}, 404, 422))
def resident(request: Request, resident_id: Id) -> dict[str, Any]:
    """A resident in the caller's care (404 otherwise); the read is audited, a refusal too — the same
    read as the resident's page."""
    person, record = queries.resident_in_care(request.user, resident_id, request=request)
    return _resident(person, record)


class AppointmentOut(Schema):
    id: int
    resident: str
    service: str
    institution: str
    starts_at: str
    status: str
    contracted: bool


class SlotOut(Schema):
    id: int
    service: str
    institution: str
    starts_at: str
    minutes: int
    free: int
    free_without_contract: int


@router.get("/my/appointments", response=answers({200: list[AppointmentOut]}, 404))
def my_appointments(request: Request) -> list[dict[str, Any]]:
    """The bookings of the resident and of the children in her care."""
    me = access.own_resident(request.user)
    return [_appointment(a) for a in queries.patient_appointments([me, *access.wards_of(me)])]


@router.get("/slots", response=answers({200: list[SlotOut]}))
def open_slots(request: Request) -> list[dict[str, Any]]:
    """The zone's times of the next two weeks with their free places (the times are public)."""
    return [
        {
            "id": r["slot"].pk,
            "service": r["slot"].service,
            "institution": r["slot"].institution.name,
            "starts_at": r["slot"].starts_at.isoformat(),
            "minutes": r["slot"].minutes,
            "free": r["free"],
            "free_without_contract": r["free_general"],
        }
        for r in queries.open_slots(request.zone.pk, timezone.now())
    ]


class BookIn(StrictIn):
    slot_id: Id
    resident_id: Id | None = Field(None, description="a child in the resident's care; none: herself")


def _appointment(a: Any) -> dict[str, Any]:
    return {
        "id": a.pk,
        "resident": a.resident.name,
        "service": a.slot.service,
        "institution": a.slot.institution.name,
        "starts_at": a.slot.starts_at.isoformat(),
        "status": a.status,
        "contracted": a.contracted,
    }


@router.post("/my/appointments", response=answers({201: AppointmentOut}, 400, 404, 422))
def book_appointment(request: Request, body: BookIn) -> Any:
    """Book a place for herself or a child in her care (the reserve is for contracted residents)."""
    me = access.own_resident(request.user)
    person = me if body.resident_id in (None, me.pk) else access.ward_for(request.user, body.resident_id)
    try:
        a = services.book(request.user, person, body.slot_id, zone_id=request.zone.pk)
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    return Status(201, _appointment(a))


@router.post(
    "/my/appointments/{appointment_id}/cancel", response=answers({200: AppointmentOut}, 400, 404, 422)
)
def cancel_appointment(request: Request, appointment_id: Id) -> Any:
    """Cancel her own (or her child's) booking, at least two hours before its time."""
    a = access.appointment_for_patient(request.user, appointment_id)
    try:
        services.cancel_appointment(request.user, a)
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    a.refresh_from_db()
    return Status(200, _appointment(a))


# ---- two-way referral


class ReferralOut(Schema):
    id: int
    number: str
    resident_id: int
    resident: str = Field(description="the name; the ID number masked beside it")
    id_masked: str
    from_institution: str
    to_institution: str
    department: str
    reason: str
    urgent: bool
    state: str
    summary: str
    submitted_at: str | None
    answer_due_at: str | None
    answered_at: str | None
    answered_in_time: bool | None
    answer_overdue: bool
    answer: str
    expected_at: str | None
    arrived_at: str | None
    completed_at: str | None
    care_kind: str
    outcome: str
    down_referred_at: str | None
    down_reason: str
    down_advice: str
    follow_up_due_on: str | None
    followed_up_at: str | None
    follow_up_note: str
    actions: list[str] = Field(description="the steps the caller may take now")


def _iso(value: Any) -> str | None:
    return value.isoformat() if value is not None else None


def _referral(r: Referral, user: Any, now: dt.datetime) -> dict[str, Any]:
    timing = queries.referral_timing(r, now)
    return {
        "id": r.pk,
        "number": r.number,
        "resident_id": r.resident_id,
        "resident": r.resident.name,
        "id_masked": r.resident.id_masked,
        "from_institution": r.from_institution.name,
        "to_institution": r.to_institution.name,
        "department": r.department,
        "reason": r.reason,
        "urgent": r.urgent,
        "state": r.state,
        "summary": r.summary,
        "submitted_at": _iso(r.submitted_at),
        "answer_due_at": _iso(r.answer_due_at),
        "answered_at": _iso(r.answered_at),
        "answered_in_time": timing.on_time,
        "answer_overdue": timing.overdue,
        "answer": r.answer,
        "expected_at": _iso(r.expected_at),
        "arrived_at": _iso(r.arrived_at),
        "completed_at": _iso(r.completed_at),
        "care_kind": r.care_kind,
        "outcome": r.outcome,
        "down_referred_at": _iso(r.down_referred_at),
        "down_reason": r.down_reason,
        "down_advice": r.down_advice,
        "follow_up_due_on": _iso(r.follow_up_due_on),
        "followed_up_at": _iso(r.followed_up_at),
        "follow_up_note": r.follow_up_note,
        "actions": queries.referral_actions(user, r),
    }


class ReferralQuery(Schema):
    box: Literal["received", "sent"] = "received"
    state: Literal[tuple(ReferralState.values)] | None = None  # type: ignore[valid-type]  # the schema lists the choices' values
    overdue: bool = False


@router.get("/referrals", response=answers({200: list[ReferralOut]}, 403, 422))
def list_referrals(request: Request, filters: Query[ReferralQuery]) -> list[dict[str, Any]]:
    """The referrals the caller's institutions received (drafts excluded) or sent, newest first (the
    listing is audited)."""
    now = timezone.now()
    rows = queries.referral_rows(
        request.user,
        box=filters.box,
        state=filters.state or "",
        overdue_only=filters.overdue,
        now=now,
        request=request,
    )
    return [_referral(row["referral"], request.user, now) for row in rows]


@router.get("/referrals/{referral_id}", response=answers({200: ReferralOut}, 404, 422))
def get_referral(request: Request, referral_id: Id) -> dict[str, Any]:
    """One referral of the caller's institution, with its case summary (the read is audited)."""
    return _referral(
        queries.referral_for_staff(request.user, referral_id, request=request), request.user, timezone.now()
    )


class ReferralIn(StrictIn):
    resident_id: Id
    to_institution_id: Id
    reason: Literal[tuple(UpReason.values)]  # type: ignore[valid-type]  # the schema lists the choices' values
    summary: Annotated[str, Field(min_length=1, max_length=4000)]
    department: Annotated[str, Field(max_length=60)] = ""
    urgent: bool = False
    draft: bool = Field(False, description="keep it as a draft instead of submitting it")
    followup_id: Id | None = Field(None, description="the follow-up visit that proposed the referral")


@router.post("/referrals", response=answers({201: ReferralOut}, 400, 403, 404, 422))
def create_referral(request: Request, body: ReferralIn) -> Any:
    """Refer a resident in the caller's care from the caller's institution (the one of the team holding
    her contract) to another institution of the zone."""
    resident = access.resident_for_staff(request.user, body.resident_id)
    mine = access.staff_institutions(request.user)
    held = services.holding_contract(resident)
    origin = (mine.filter(pk=held.team.institution_id).first() if held else None) or mine.order_by(
        "pk"
    ).first()
    target = Institution.objects.filter(pk=body.to_institution_id, zone=request.zone).first()
    if origin is None or target is None:
        return Status(400, {"error": "institution", "detail": "unknown institution"})
    followup = None
    if body.followup_id is not None:
        followup = FollowUp.objects.filter(pk=body.followup_id, record__resident=resident).first()
        if followup is None:
            return Status(400, {"error": "followup", "detail": "unknown follow-up"})
    try:
        made = services.create_referral(
            request.user,
            resident,
            from_institution=origin,
            to_institution=target,
            reason=body.reason,
            summary=body.summary,
            department=body.department,
            urgent=body.urgent,
            followup=followup,
            submit=not body.draft,
        )
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    return Status(201, _referral(made, request.user, timezone.now()))


class ReferralStepIn(Schema):
    """A step's form fields (a form has no null: an empty text is "none")."""

    note: Annotated[str, Field(max_length=4000)] = ""
    expected_at: dt.datetime | Literal[""] = Field("", description="accept: when the patient is expected")
    care_kind: Literal["", "outpatient", "inpatient"] = ""
    down_reason: Literal[tuple(["", *DownReason.values])] = ""  # type: ignore[valid-type]  # the schema lists the choices' values


@router.post("/referrals/{referral_id}/steps/{action}", response=answers({200: ReferralOut}, 400, 404, 422))
def referral_step(
    request: Request,
    referral_id: Id,
    action: Annotated[str, Field(max_length=12)],
    body: Form[ReferralStepIn],
) -> Any:
    """One step (submit, cancel, follow_up by the referring side; accept, reject, arrive, complete,
    down_refer by the receiving side). Form fields: note (the reason, report, advice or finding),
    expected_at, care_kind, down_reason."""
    r = access.referral_for_staff(request.user, referral_id)
    expected = body.expected_at or None
    if expected is not None and timezone.is_naive(expected):
        expected = timezone.make_aware(expected)
    try:
        r = services.referral_step(
            request.user,
            r,
            action,
            note=body.note,
            expected_at=expected,
            care_kind=body.care_kind,
            down_reason=body.down_reason,
        )
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    return _referral(r, request.user, timezone.now())


# ---- online consultation


class ConsultMessageOut(Schema):
    at: str
    from_resident: bool
    body: str
    attachment: str | None = Field(None, description="the file's name (downloaded on the page)")


class ConsultationOut(Schema):
    id: int
    subject: str
    resident: str
    id_masked: str
    team: str
    state: str
    asked_at: str
    waiting_since: str | None
    answer_due: str | None
    answer_overdue: bool
    messages: list[ConsultMessageOut]


def _consultation(c: Any, now: dt.datetime, *, with_messages: bool = True) -> dict[str, Any]:
    waiting = queries.consult_waiting(c, services.consult_answer_hours(), now)
    return {
        "id": c.pk,
        "subject": c.subject,
        "resident": c.resident.name,
        "id_masked": c.resident.id_masked,
        "team": c.team.name,
        "state": c.state,
        "asked_at": c.created_at.isoformat(),
        "waiting_since": _iso(waiting.since),
        "answer_due": _iso(waiting.due),
        "answer_overdue": waiting.overdue,
        "messages": [
            {
                "at": m.created_at.isoformat(),
                "from_resident": m.from_resident,
                "body": m.body,
                "attachment": m.attachment.name if m.attachment_id else None,
            }
            for m in c.messages.select_related("attachment")
        ]
        if with_messages
        else [],
    }


@router.get("/my/consultations", response=answers({200: list[ConsultationOut]}, 404))
def my_consultations(request: Request) -> list[dict[str, Any]]:
    """The resident's questions to her family-doctor team (and her children's), with their threads."""
    me = access.own_resident(request.user)
    now = timezone.now()
    return [_consultation(c, now) for c in queries.resident_consultations([me, *access.wards_of(me)])]


class AskIn(StrictIn):
    subject: Annotated[str, Field(min_length=1, max_length=100)]
    body: Annotated[str, Field(min_length=1, max_length=2000)]
    resident_id: Id | None = Field(None, description="a child in the resident's care; none: herself")


@router.post("/my/consultations", response=answers({201: ConsultationOut}, 400, 404, 422))
def ask(request: Request, body: AskIn) -> Any:
    """Ask the family-doctor team holding the contract (health advice and chronic follow-up only: no
    first diagnosis online; files are added on the page)."""
    me = access.own_resident(request.user)
    person = me if body.resident_id in (None, me.pk) else access.ward_for(request.user, body.resident_id)
    try:
        c = services.ask(request.user, person, subject=body.subject, body=body.body)
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    return Status(201, _consultation(c, timezone.now()))


@router.get("/consultations", response=answers({200: list[ConsultationOut]}, 403))
def team_consultations(request: Request) -> list[dict[str, Any]]:
    """The questions asked of the caller's teams, waiting ones first (threads left out: read one by id)."""
    now = timezone.now()
    rows = queries.team_inbox(request.user, services.consult_answer_hours(), now, request=request)
    return [_consultation(r["c"], now, with_messages=False) for r in rows]


@router.get("/consultations/{consultation_id}", response=answers({200: ConsultationOut}, 404, 422))
def get_consultation(request: Request, consultation_id: Id) -> dict[str, Any]:
    """One consultation with its thread, to the resident's side or her team (the read is audited)."""
    c, _side = queries.consultation_thread(request.user, consultation_id, request=request)
    return _consultation(c, timezone.now())


class ConsultMessageIn(Schema):
    """A form's field (a form has no null)."""

    body: Annotated[str, Field(max_length=2000)] = ""


@router.post(
    "/consultations/{consultation_id}/messages", response=answers({200: ConsultationOut}, 400, 404, 422)
)
def post_consult_message(request: Request, consultation_id: Id, body: Form[ConsultMessageIn]) -> Any:
    """A message from the resident's side or her team in an open consultation."""
    c, side = access.consultation_for(request.user, consultation_id)
    try:
        services.post_message(request.user, c, side=side, body=body.body)
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    c.refresh_from_db()
    return _consultation(c, timezone.now())

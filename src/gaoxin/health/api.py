"""JSON endpoints of the health app: the same gates (access.py) and the same audit as the pages.
IDs are masked in every answer; a resident reads only her own opened record."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Router, Schema, Status

from gaoxin.common.api import Id, StrictIn, answers
from gaoxin.health import access, queries, services
from gaoxin.health.models import HealthRecord, Resident
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

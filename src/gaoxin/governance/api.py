"""JSON endpoints of grid governance: the staff's list of requests and their steps, and the Open311
GeoReport v2 endpoint over the same requests (``/open311/v2/``: services, one service,
requests — list and file —, one request; JSON). Reading Open311 needs no login (the standard's open data:
no requester's name, phone or photo is in it); filing needs a client application's API key."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from ninja import Field, Form, Query, Router, Schema, Status

from gaoxin.common.api import Id, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.governance import access, queries, services
from gaoxin.governance.choices import Source
from gaoxin.governance.filtersets import CaseFilter
from gaoxin.governance.models import Department
from gaoxin.places.web import Request

router = Router(tags=["governance"])
# Open311 GeoReport v2 is another standard's contract (its own error shape, open reads): the site mounts
# this router on an API of its own at /open311/v2/, beside the platform's API.
open311 = Router(tags=["open311"])
MAX_OPEN311_ROWS = 1000  # GeoReport v2 lets a server bound its lists


class CaseOut(Schema):
    id: int
    number: str
    service_code: str
    service: str
    urgency: str
    status: str
    description: str
    lon: float | None
    lat: float | None
    address: str
    street: str | None
    grid: str | None
    department: str | None
    reported_at: str
    due_at: str | None
    overdue: bool
    escalated: bool
    answer: str
    rating: int | None


def _case(c: Any, now: datetime) -> dict[str, Any]:
    t = queries.timing(c, now)
    return {
        "id": c.pk,
        "number": c.number,
        "service_code": c.service.code,
        "service": c.service.label,
        "urgency": c.urgency,
        "status": c.status,
        "description": c.description,
        "lon": c.lon,
        "lat": c.lat,
        "address": c.address,
        "street": c.street.name if c.street else None,
        "grid": c.grid.name if c.grid else None,
        "department": c.department.name if c.department else None,
        "reported_at": c.reported_at.isoformat(),
        "due_at": c.due_at.isoformat() if c.due_at else None,
        "overdue": t.overdue,
        "escalated": c.escalated_at is not None,
        "answer": c.answer,
        "rating": c.rating,
    }


class CaseQuery(Schema):
    status: str | None = None
    group: str | None = None
    urgency: str | None = None
    street: Id | None = None
    grid: Id | None = None
    late: bool | None = None
    q: Annotated[str | None, Field(max_length=SEARCH_MAX_LENGTH)] = None


@router.get("/cases", response=answers({200: list[CaseOut]}, 422))
def list_cases(request: Request, filters: Query[CaseQuery]) -> list[dict[str, Any]]:
    """The requests the caller may see (their street, grids, units, own; everything for the centre)."""
    f = checked_filters(CaseFilter(filters.dict(), zone=request.zone))
    now = timezone.now()
    return [_case(c, now) for c in queries.cases(request.user, request.zone, f)[:MAX_OPEN311_ROWS]]


@router.get("/cases/{case_id}", response=answers({200: CaseOut}, 404, 422))
def get_case(request: Request, case_id: Id) -> dict[str, Any]:
    return _case(access.case_for(request.user, request.zone, case_id), timezone.now())


class StepIn(Schema):
    """A step's form fields (a form has no null: 0 is "none")."""

    note: Annotated[str, Field(max_length=4000)] = ""
    department_id: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    rating: Annotated[int, Field(ge=0, le=5)] = 0


@router.post("/cases/{case_id}/steps/{action}", response=answers({200: CaseOut}, 400, 404, 422))
def case_step(
    request: Request, case_id: Id, action: Annotated[str, Field(max_length=12)], body: Form[StepIn]
) -> Any:
    """One step of the workflow (action: open, cancel, dispatch, accept, feedback, close, send_back, rate;
    form fields: note, department_id, rating)."""
    case = access.case_for(request.user, request.zone, case_id)
    department = None
    if body.department_id:
        department = Department.objects.filter(zone=request.zone, pk=body.department_id).first()
        if department is None:
            return Status(400, {"error": "department", "detail": "unknown department"})
    try:
        case = services.step(
            request.user, case, action, note=body.note, department=department, rating=body.rating or None
        )
    except ValidationError as exc:
        return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})
    return _case(case, timezone.now())


# --- Open311 GeoReport v2 -------------------------------------------------------------------------


class Open311Service(Schema):
    service_code: str
    service_name: str
    description: str
    metadata: bool
    type: str
    keywords: str
    group: str


class Open311Definition(Schema):
    service_code: str
    attributes: list[dict[str, Any]]


class Open311Request(Schema):
    service_request_id: str
    status: str
    status_notes: str
    service_name: str
    service_code: str
    description: str
    agency_responsible: str
    service_notice: str
    requested_datetime: str
    updated_datetime: str
    expected_datetime: str | None
    address: str
    address_id: str
    zipcode: str
    lat: float | None
    long: float | None
    media_url: str


class Open311Error(Schema):
    code: int
    description: str


class Open311Created(Schema):
    service_request_id: str
    service_notice: str
    account_id: str | None


def _error(status: int, description: str) -> Status[Any]:
    return Status(status, [{"code": status, "description": description}])


@open311.get("/services.json", response={200: list[Open311Service]})
def open311_services(
    request: Request, jurisdiction_id: Annotated[str | None, Field(max_length=100)] = None
) -> list[dict[str, Any]]:
    """GeoReport v2 ``GET services``: the request types."""
    return [queries.open311_service(s) for s in queries.service_types()]


@open311.get(
    "/services/{service_code}.json",
    response={200: Open311Definition, 404: list[Open311Error]},
)
def open311_service(
    request: Request,
    service_code: Annotated[str, Field(max_length=40)],
    jurisdiction_id: Annotated[str | None, Field(max_length=100)] = None,
) -> Any:
    """GeoReport v2 ``GET services/{service_code}``: a type's extra attributes (none here)."""
    if not queries.service_types().filter(code=service_code).exists():
        return _error(404, "unknown service_code")
    return {"service_code": service_code, "attributes": []}


class Open311Query(Schema):
    service_request_id: Annotated[str | None, Field(max_length=2000)] = None
    service_code: Annotated[str | None, Field(max_length=400)] = None
    start_date: datetime | None = None
    end_date: datetime | None = None
    status: Annotated[str | None, Field(max_length=20)] = None
    jurisdiction_id: Annotated[str | None, Field(max_length=100)] = None


@open311.get("/requests.json", response={200: list[Open311Request], 400: list[Open311Error]})
def open311_requests(request: Request, filters: Query[Open311Query]) -> Any:
    """GeoReport v2 ``GET requests``: by ids (comma-separated; overrides the rest), types, dates, status
    (open, closed); the most recent first, at most 1,000."""
    qs = queries.open311_requests(request.zone).order_by("-reported_at", "-pk")
    if filters.service_request_id:
        qs = qs.filter(number__in=[i.strip() for i in filters.service_request_id.split(",") if i.strip()])
    else:
        if filters.service_code:
            qs = qs.filter(
                service__code__in=[c.strip() for c in filters.service_code.split(",") if c.strip()]
            )
        if filters.start_date:
            qs = qs.filter(reported_at__gte=filters.start_date)
        if filters.end_date:
            qs = qs.filter(reported_at__lte=filters.end_date)
        if filters.status:
            wanted = {s.strip() for s in filters.status.split(",") if s.strip()}
            if not wanted <= {"open", "closed"}:
                return _error(400, "status is open or closed")
            if wanted == {"open"}:
                qs = qs.exclude(status__in=("closed", "cancelled"))
            elif wanted == {"closed"}:
                qs = qs.filter(status__in=("closed", "cancelled"))
    return [queries.open311_request(c) for c in qs[:MAX_OPEN311_ROWS]]


@open311.get(
    "/requests/{service_request_id}.json",
    response={200: list[Open311Request], 404: list[Open311Error]},
)
def open311_request(
    request: Request,
    service_request_id: Annotated[str, Field(max_length=20)],
    jurisdiction_id: Annotated[str | None, Field(max_length=100)] = None,
) -> Any:
    """GeoReport v2 ``GET requests/{id}``: one request (as a list of one, as the standard answers)."""
    found = queries.open311_requests(request.zone).filter(number=service_request_id).first()
    if found is None:
        return _error(404, "no such service_request_id")
    return [queries.open311_request(found)]


class Open311New(Schema):
    api_key: Annotated[str, Field(max_length=100)] = ""
    service_code: Annotated[str, Field(max_length=40)] = ""
    lat: Annotated[float | None, Field(ge=-90, le=90)] = None
    long: Annotated[float | None, Field(ge=-180, le=180)] = None
    address_string: Annotated[str, Field(max_length=200)] = ""
    description: Annotated[str, Field(max_length=4000)] = ""
    first_name: Annotated[str, Field(max_length=30)] = ""
    last_name: Annotated[str, Field(max_length=30)] = ""
    phone: Annotated[str, Field(max_length=20)] = ""
    email: Annotated[str, Field(max_length=100)] = ""
    media_url: Annotated[str, Field(max_length=500)] = ""
    jurisdiction_id: Annotated[str, Field(max_length=100)] = ""


@open311.post(
    "/requests.json",
    response={201: list[Open311Created], 400: list[Open311Error], 403: list[Open311Error]},
)
def open311_file(request: Request, data: Form[Open311New]) -> Any:
    """GeoReport v2 ``POST requests``: a client application files a request with its API key (a type,
    a place — lat/long or an address — and a description)."""
    client = services.client_for_key(data.api_key)
    if client is None or client.zone_id != request.zone.pk:
        return _error(403, "api_key is missing or not valid")
    service = queries.service_types().filter(code=data.service_code).first()
    if service is None:
        return _error(400, "service_code is missing or unknown")
    if (data.lat is None) != (data.long is None):
        return _error(400, "give lat and long together")
    try:
        case = services.report(
            None,
            request.zone,
            service=service,
            description=data.description,
            source=Source.OPEN311,
            lon=data.long,
            lat=data.lat,
            address=data.address_string,
            contact_name=f"{data.last_name}{data.first_name}".strip(),
            contact_phone=data.phone,
        )
    except ValidationError as exc:
        return _error(400, " ".join(exc.messages))
    return Status(201, [{"service_request_id": case.number, "service_notice": "", "account_id": None}])

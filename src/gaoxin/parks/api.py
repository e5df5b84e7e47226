"""JSON endpoints of the parks app (the same access rules, services and queries as the pages)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Any

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import StrictFloat, StrictInt

from gaoxin.common.api import Id, StrictIn, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.parks import access, queries, services
from gaoxin.parks.analysis import reason_text
from gaoxin.parks.choices import Klass, NeedKind, Outcome, PlantStage, Scale
from gaoxin.parks.datasets import DatasetName
from gaoxin.parks.filtersets import PlantFilter, ResultFilter
from gaoxin.parks.models import Evaluation, Result
from gaoxin.places.web import Request

router = Router(tags=["parks"])


class YieldEvaluationOut(Schema):
    """A year's 亩产效益 evaluation (the per-mu yield evaluation of enterprises)."""

    id: int
    year: int
    status: str
    scheme: str
    notice_on: str | None
    notice_ends_on: str | None
    published_on: str | None
    counts: dict[str, dict[str, int]]


class ResultOut(Schema):
    id: int
    year: int
    uscc: str
    enterprise: str
    pool: str
    land_mu: float | None
    score: float
    rank: int
    klass: str
    consecutive_d: int
    surcharge_yuan_per_kwh: float
    indicators: list[dict[str, Any]]
    reasons: list[str]


class RowProblemOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    batch_id: int
    written: int


class ImportErrorOut(Schema):
    """A refused file: every problem by row and column (none when the upload itself was unreadable)."""

    error: str
    detail: str
    problems: list[RowProblemOut] = []


class ResultQuery(Schema):
    """The filters of the results page (parks.filtersets.ResultFilter)."""

    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    pool: Scale | None = None
    klass: Klass | None = None
    park: Id | None = None
    industry: str | None = Field(None, max_length=5, description="a GB/T 4754 code or its prefix")


def _evaluation(e: Evaluation) -> dict[str, Any]:
    ends = e.notice_ends_on
    return {
        "id": e.pk,
        "year": e.year,
        "status": e.status,
        "scheme": str(e.scheme),
        "notice_on": e.notice_on.isoformat() if e.notice_on else None,
        "notice_ends_on": ends.isoformat() if ends else None,
        "published_on": e.published_on.isoformat() if e.published_on else None,
        "counts": e.counts,
    }


def _result(r: Result) -> dict[str, Any]:
    return {
        "id": r.pk,
        "year": r.evaluation.year,
        "uscc": r.enterprise.uscc,
        "enterprise": r.enterprise.name,
        "pool": r.pool,
        "land_mu": None if r.land_mu is None else float(r.land_mu),
        "score": float(r.score),
        "rank": r.rank,
        "klass": r.klass,
        "consecutive_d": r.consecutive_d,
        "surcharge_yuan_per_kwh": float(r.surcharge_yuan_per_kwh),
        "indicators": r.indicators,
        "reasons": [reason_text(x) for x in r.reasons],
    }


@router.get("/evaluations", response=answers({200: list[YieldEvaluationOut]}))
def list_evaluations(request: Request) -> list[dict[str, Any]]:
    return [_evaluation(e) for e in access.evaluations(request.user, request.zone).select_related("scheme")]


@router.post(
    "/evaluations/{evaluation_id}/steps/{step}",
    response=answers({200: YieldEvaluationOut}, 400, 404, 422),
)
def evaluation_step(request: Request, evaluation_id: Id, step: str) -> Any:
    """Run one workflow step: land_notice, score, notice or finalize (park staff)."""
    evaluation = access.evaluation_for_change(request.user, request.zone, evaluation_id)
    if step not in services.STEPS:
        return Status(404, {"error": "unknown_step", "detail": ", ".join(services.STEPS)})
    try:
        services.run_step(request.user, evaluation, step)
    except ValidationError as exc:
        return Status(400, {"error": "workflow", "detail": " ".join(exc.messages)})
    return Status(200, _evaluation(evaluation))


@router.get("/evaluations/{evaluation_id}/results", response=answers({200: list[ResultOut]}, 404, 422))
def evaluation_results(
    request: Request, evaluation_id: Id, filters: Query[ResultQuery]
) -> list[dict[str, Any]]:
    """An evaluation's results, filtered as the page filters them."""
    evaluation = access.evaluation_for(request.user, request.zone, evaluation_id)
    f = checked_filters(ResultFilter(filters.dict(), zone=request.zone))
    return [_result(r) for r in queries.filtered_results(evaluation, f).select_related("evaluation")]


class PolicyFirmOut(Schema):
    enterprise_id: int
    enterprise: str
    uscc: str
    klass: str
    consecutive_d: int
    value: float = Field(description="surcharge per unit, or the share waived (0..1); 0 for a list")
    treatment: str
    account: str = Field(description="the utility account a surcharge is applied by")
    estimated_relief_yuan: float | None
    superseded_by: str = Field(description="the policy that applies instead (surcharges do not stack)")


class ClassPolicyOut(Schema):
    code: str
    label: str
    kind: str
    resource: str
    unit: str
    clause: str
    firms: list[PolicyFirmOut]


@router.get("/evaluations/{evaluation_id}/policies", response=answers({200: list[ClassPolicyOut]}, 404, 422))
def evaluation_policies(request: Request, evaluation_id: Id) -> list[dict[str, Any]]:
    """The scheme's policies by class over the evaluation's results: the D-class electricity, water and gas
    surcharges by account number, the land-use tax relief with its estimated amount, and the banks' and the
    quotas' lists, as on the evaluation page and in its xlsx lists."""
    evaluation = access.evaluation_for(request.user, request.zone, evaluation_id)
    out = []
    for listed in queries.class_policies(evaluation):
        pol = listed["policy"]
        out.append(
            {
                "code": pol.code,
                "label": pol.label,
                "kind": pol.kind,
                "resource": pol.resource,
                "unit": pol.unit,
                "clause": pol.clause,
                "firms": [
                    {
                        "enterprise_id": r["enterprise"].pk,
                        "enterprise": r["enterprise"].name,
                        "uscc": r["enterprise"].uscc,
                        "klass": r["klass"],
                        "consecutive_d": r["consecutive_d"],
                        "value": r["value"],
                        "treatment": r["treatment"],
                        "account": r["account"] or "",
                        "estimated_relief_yuan": None
                        if r["amount_yuan"] is None
                        else round(r["amount_yuan"], 2),
                        "superseded_by": r["superseded_by"],
                    }
                    for r in listed["rows"]
                ],
            }
        )
    return out


@router.get("/results/{result_id}", response=answers({200: ResultOut}, 404, 422))
def get_result(request: Request, result_id: Id) -> dict[str, Any]:
    """One result: staff see every one; an enterprise its own, from the public notice on."""
    return _result(access.result_for(request.user, request.zone, result_id))


@router.get("/my/results", response=answers({200: list[ResultOut]}))
def my_results(request: Request) -> list[dict[str, Any]]:
    """The published results of the enterprises the user speaks for."""
    return [_result(r) for r in access.own_results(request.user).select_related("evaluation", "enterprise")]


@router.post("/imports", response=answers({201: ImportOut, 400: ImportErrorOut}, 422))
def import_file(
    request: Request,
    dataset: Form[DatasetName],
    year: Form[Annotated[int, Field(ge=2000, le=2100)]],
    file: File[UploadedFile],
) -> Any:
    """A department's CSV/xlsx (dataset tax, stats, power, eco or land): all rows or nothing."""
    access.require_manage(request.user)
    report = services.import_department_file(
        request.user,
        dataset=dataset,
        year=year,
        filename=file.name or "upload",
        content=file.read(),
    )
    if report.batch is None:
        problems = [{"row": p.row, "field": p.field, "message": p.message} for p in report.problems]
        return Status(400, {"error": "invalid_file", "detail": "nothing was written", "problems": problems})
    return Status(201, {"batch_id": report.batch.pk, "written": report.written})


Figure = Annotated[StrictFloat | StrictInt | str | None, Field(description="a number (万元, t, …) or empty")]


class DepartmentRowsIn(StrictIn):
    year: int = Field(ge=2000, le=2100, description="the data year")
    rows: list[dict[Annotated[str, Field(max_length=64)], Figure]] = Field(
        min_length=1,
        max_length=20_000,
        description="one object per enterprise: 统一社会信用代码 (or uscc) and the dataset's columns, by "
        "their Chinese header or their code (e.g. tax_10k_yuan); as the file import's columns",
    )


@router.post(
    "/departments/{dataset}/figures", response=answers({201: ImportOut, 400: ImportErrorOut}, 403, 404, 422)
)
def push_department_figures(request: Request, dataset: DatasetName, payload: DepartmentRowsIn) -> Any:
    """A department's yearly figures pushed by its system, without a file (tax, stats, power, eco; land:
    统一社会信用代码, 宗地编号, 使用方式, 使用面积(平方米)). The same checks as the file import; all rows
    or nothing; each problem names the row (the position in ``rows`` + 1, as in a file with a header
    row) and the field; a push that writes is in the audit log like a file."""
    access.require_manage(request.user)
    report = services.import_department_rows(
        request.user,
        dataset=dataset,
        year=payload.year,
        records=payload.rows,
        source=_("pushed through the API (%(year)s)") % {"year": payload.year},
    )
    if report.batch is None:
        problems = [{"row": p.row, "field": p.field, "message": p.message} for p in report.problems]
        return Status(400, {"error": "invalid_rows", "detail": "nothing was written", "problems": problems})
    return Status(201, {"batch_id": report.batch.pk, "written": report.written})


# ------------------------------------------------------------------------ plants and leases


class PlantQuery(Schema):
    """The filters of the plants page (parks.filtersets.PlantFilter)."""

    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    park: Id | None = None
    stage: PlantStage | None = None
    standard: bool | None = None


class PlantOut(Schema):
    id: int
    park: str
    name: str
    standard: bool
    stage: str
    floors: int
    floor_area_m2: float
    lettable_m2: float
    leased_m2: float
    occupancy: float | None
    completed_on: str | None


class ParkPlantsOut(Schema):
    park: str
    plants: int
    planned_m2: float
    building_m2: float
    completed_m2: float
    lettable_m2: float
    leased_m2: float
    occupancy: float | None
    rent_this_year_yuan: float


class PlantsOverviewOut(Schema):
    """The standard plants against the zone's target and their occupancy on the day."""

    day: str
    target_m2: float
    planned_m2: float
    building_m2: float
    completed_m2: float
    completed_share: float | None
    lettable_m2: float
    leased_m2: float
    occupancy: float | None
    parks: list[ParkPlantsOut]


class LeaseIn(Schema):
    unit_id: Id
    tenant_id: Id
    starts_on: date
    ends_on: date
    rent_yuan_per_m2_month: float = Field(ge=0, le=1000, description="yuan per m² and month, to the fen")
    note: str = Field("", max_length=200)


class LeaseOut(Schema):
    id: int
    plant: str
    unit: str
    tenant: str
    starts_on: str
    last_day: str
    rent_yuan_per_m2_month: float


def _rate(occ: Any) -> float | None:
    return None if occ.rate is None else round(float(occ.rate), 4)


def _lease(lease: Any) -> dict[str, Any]:
    return {
        "id": lease.pk,
        "plant": lease.unit.plant.name,
        "unit": lease.unit.number,
        "tenant": lease.tenant.name,
        "starts_on": lease.starts_on.isoformat(),
        "last_day": lease.last_day.isoformat(),
        "rent_yuan_per_m2_month": float(lease.rent_yuan_per_m2_month),
    }


@router.get("/plants", response=answers({200: list[PlantOut]}, 422))
def list_plants(request: Request, filters: Query[PlantQuery]) -> list[dict[str, Any]]:
    """The plants of the zone's parks with their lettable and leased area today (staff, leadership)."""
    f = checked_filters(PlantFilter(filters.dict(), zone=request.zone))
    rows = queries.with_occupancy(
        list(queries.plant_list(request.user, request.zone, f)), timezone.localdate()
    )
    return [
        {
            "id": p.pk,
            "park": p.park.name,
            "name": p.name,
            "standard": p.standard,
            "stage": p.stage,
            "floors": p.floors,
            "floor_area_m2": float(p.floor_area_m2),
            "lettable_m2": float(occ.total_m2),
            "leased_m2": float(occ.leased_m2),
            "occupancy": _rate(occ),
            "completed_on": p.completed_on.isoformat() if p.completed_on else None,
        }
        for p, occ in rows
    ]


@router.get("/plants/overview", response=answers({200: PlantsOverviewOut}))
def plants_overview(request: Request) -> dict[str, Any]:
    """The standard plants by stage against the target, and occupancy per park today."""
    o = queries.plants_overview(request.user, request.zone, timezone.localdate())
    g = o["progress"]
    return {
        "day": o["day"].isoformat(),
        "target_m2": float(g.target_m2),
        "planned_m2": float(g.planned_m2),
        "building_m2": float(g.building_m2),
        "completed_m2": float(g.completed_m2),
        "completed_share": None if g.completed_share is None else round(float(g.completed_share), 4),
        "lettable_m2": float(o["occupancy"].total_m2),
        "leased_m2": float(o["occupancy"].leased_m2),
        "occupancy": _rate(o["occupancy"]),
        "parks": [
            {
                "park": r["park"].name,
                "plants": r["plants"],
                "planned_m2": float(r["by_stage"]["planned"]),
                "building_m2": float(r["by_stage"]["building"]),
                "completed_m2": float(r["by_stage"]["completed"]),
                "lettable_m2": float(r["occupancy"].total_m2),
                "leased_m2": float(r["occupancy"].leased_m2),
                "occupancy": _rate(r["occupancy"]),
                "rent_this_year_yuan": float(r["rent_yuan"]),
            }
            for r in o["rows"]
        ],
    }


@router.post("/leases", response=answers({201: LeaseOut}, 400, 404, 422))
def sign_lease(request: Request, body: LeaseIn) -> Any:
    """Let a unit of a completed plant to an enterprise (park staff); overlapping terms are refused."""
    access.require_manage(request.user)
    unit = access.unit_for_change(request.user, request.zone, body.unit_id)
    tenant = access.enterprise_for(request.user, request.zone, body.tenant_id)
    try:
        lease = services.sign_lease(
            request.user,
            request.zone,
            unit=unit,
            tenant=tenant,
            starts_on=body.starts_on,
            ends_on=body.ends_on,
            rent_yuan_per_m2_month=Decimal(str(round(body.rent_yuan_per_m2_month, 2))),
            note=body.note,
        )
    except ValidationError as exc:
        return Status(400, {"error": "lease", "detail": " ".join(exc.messages)})
    return Status(201, _lease(lease))


@router.get("/my/leases", response=answers({200: list[LeaseOut]}))
def my_leases(request: Request) -> list[dict[str, Any]]:
    """The leases of the enterprises the user speaks for."""
    return [_lease(lease) for lease in queries.own_leases(request.user)]


# ------------------------------------------------------------------------ enterprise policies (免申即享)


class PolicyOut(Schema):
    id: int
    code: str
    title: str
    issuer: str
    document: str
    mode: str
    status: str
    version: int
    data_year: int
    rules: list[dict[str, Any]]
    granted: int
    notified: int


class MatchOut(Schema):
    policy_id: int
    policy: str
    enterprise_id: int
    enterprise: str
    uscc: str
    state: str
    amount_yuan: float | None
    matched_on: str
    granted_on: str | None
    checks: list[dict[str, Any]]


class RuleIn(Schema):
    rules: str = Field("", max_length=10_000, description="one condition a line, e.g. rd_ratio >= 3")


class FirmOut(Schema):
    id: int
    name: str


class PreviewOut(Schema):
    eligible: int
    gained: list[FirmOut]
    lost: list[FirmOut]


def _match(m: Any) -> dict[str, Any]:
    return {
        "policy_id": m.policy_id,
        "policy": m.policy.title,
        "enterprise_id": m.enterprise_id,
        "enterprise": m.enterprise.name,
        "uscc": m.enterprise.uscc,
        "state": m.state,
        "amount_yuan": None if m.amount_yuan is None else float(m.amount_yuan),
        "matched_on": m.matched_on.isoformat(),
        "granted_on": m.granted_on.isoformat() if m.granted_on else None,
        "checks": m.checks,
    }


@router.get("/policies", response=answers({200: list[PolicyOut]}))
def list_policies(request: Request) -> list[dict[str, Any]]:
    """The zone's enterprise policies with their rules and how many were granted or told to apply."""
    return [
        {
            "id": r["policy"].pk,
            "code": r["policy"].code,
            "title": r["policy"].title,
            "issuer": r["policy"].issuer,
            "document": r["policy"].document,
            "mode": r["policy"].mode,
            "status": r["policy"].status,
            "version": r["policy"].version,
            "data_year": r["policy"].data_year,
            "rules": r["policy"].rules,
            "granted": r["granted"],
            "notified": r["notified"],
        }
        for r in queries.policy_list(request.user, request.zone)
    ]


@router.get("/policies/{policy_id}/matches", response=answers({200: list[MatchOut]}, 404, 422))
def policy_matches(request: Request, policy_id: Id) -> list[dict[str, Any]]:
    """The enterprises a published policy found eligible, with the conditions and their figures."""
    policy = access.policy_for(request.user, request.zone, policy_id)
    return [_match(m) for m in queries.policy_detail(policy)["matches"]]


@router.post("/policies/{policy_id}/preview", response=answers({200: PreviewOut}, 400, 404, 422))
def preview_policy(request: Request, policy_id: Id, body: Form[RuleIn]) -> Any:
    """Who a rule would make eligible, and who gains and loses against the rule in force (nothing is
    written)."""
    policy = access.policy_for(request.user, request.zone, policy_id)
    if not body.rules.strip():
        return Status(400, {"error": "rule", "detail": _("Write at least one condition.")})
    try:
        result = services.preview_policy(request.user, request.zone, policy, body.rules, timezone.localdate())
    except ValidationError as exc:
        return Status(400, {"error": "rule", "detail": " ".join(exc.messages)})
    rows = queries.preview_rows(request.zone, result)
    return Status(
        200,
        {
            "eligible": len(result.eligible),
            "gained": [{"id": e.pk, "name": e.name} for e in rows["gained"]],
            "lost": [{"id": e.pk, "name": e.name} for e in rows["lost"]],
        },
    )


@router.get("/my/policies", response=answers({200: list[MatchOut]}))
def my_policies(request: Request) -> list[dict[str, Any]]:
    """The policies the enterprises the user speaks for were found eligible for."""
    return [_match(m) for m in access.own_matches(request.user).select_related("policy", "enterprise")]


# ------------------------------------------------------------------------ service requests


class RequestOut(Schema):
    id: int
    number: str
    enterprise: str
    need: str
    field: str
    title: str
    status: str
    provider: str | None
    filed_on: str
    handed_on: str | None
    due_on: str | None
    closed_on: str | None
    outcome: str
    late: bool
    rating: int | None


class RequestIn(Schema):
    enterprise_id: Id
    need: NeedKind
    title: str = Field(..., min_length=1, max_length=120)
    description: str = Field(..., min_length=1, max_length=4000)
    amount_yuan: StrictFloat | StrictInt | None = Field(None, ge=0, le=1e12)


class HandOverIn(Schema):
    """The handover's form fields (a form has no null: 0 is "none")."""

    provider_id: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    service_id: Annotated[int, Field(ge=0, le=2**63 - 1)] = 0
    note: str = Field("", max_length=2000)


class CloseIn(Schema):
    outcome: Outcome = Outcome.DONE
    result: str = Field("", max_length=4000)


class RateIn(Schema):
    rating: int = Field(0, ge=0, le=5)
    comment: str = Field("", max_length=2000)


def _request(r: Any) -> dict[str, Any]:
    today = timezone.localdate()
    return {
        "id": r.pk,
        "number": r.number,
        "enterprise": r.enterprise.name,
        "need": r.need,
        "field": r.field,
        "title": r.title,
        "status": r.status,
        "provider": r.provider.name if r.provider else None,
        "filed_on": r.filed_on.isoformat(),
        "handed_on": r.handed_on.isoformat() if r.handed_on else None,
        "due_on": r.due_on.isoformat() if r.due_on else None,
        "closed_on": r.closed_on.isoformat() if r.closed_on else None,
        "outcome": r.outcome,
        "late": r.status in ("handed", "closed") and bool(r.due_on) and (r.closed_on or today) > r.due_on,
        "rating": r.rating,
    }


def _refused(exc: ValidationError) -> Any:
    return Status(400, {"error": "refused", "detail": " ".join(exc.messages)})


@router.get("/requests", response=answers({200: list[RequestOut]}))
def list_requests(request: Request) -> list[dict[str, Any]]:
    """Every service request of the zone, newest first (staff, leadership)."""
    qs = access.service_requests(request.user, request.zone).select_related("enterprise", "provider")
    return [_request(r) for r in qs]


@router.get("/requests/{request_id}", response=answers({200: RequestOut}, 404, 422))
def get_request(request: Request, request_id: Id) -> dict[str, Any]:
    """One request: staff see every one, an enterprise its own."""
    return _request(access.service_request_for(request.user, request.zone, request_id))


@router.post("/requests", response=answers({201: RequestOut}, 400, 404, 422))
def file_request(request: Request, body: RequestIn) -> Any:
    """An enterprise's user files a need for its enterprise."""
    enterprise = access.enterprise_for(request.user, request.zone, body.enterprise_id)
    try:
        r = services.file_request(
            request.user,
            request.zone,
            enterprise=enterprise,
            need=body.need,
            title=body.title,
            description=body.description,
            amount_yuan=None if body.amount_yuan is None else Decimal(str(round(body.amount_yuan, 2))),
        )
    except ValidationError as exc:
        return _refused(exc)
    return Status(201, _request(r))


@router.post("/requests/{request_id}/handover", response=answers({200: RequestOut}, 400, 404, 422))
def hand_over_request(request: Request, request_id: Id, body: Form[HandOverIn]) -> Any:
    """The park staff hand a request to a provider (and one of its services)."""
    sr = access.service_request_for_change(request.user, request.zone, request_id)
    if not body.provider_id:
        return Status(400, {"error": "refused", "detail": _("Choose a provider.")})
    provider = access.provider_for(request.user, request.zone, body.provider_id)
    service = provider.services.filter(pk=body.service_id).first() if body.service_id else None
    try:
        r = services.hand_over(
            request.user, request.zone, sr.pk, provider=provider, service=service, note=body.note
        )
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _request(r))


@router.post("/requests/{request_id}/close", response=answers({200: RequestOut}, 400, 404, 422))
def close_request(request: Request, request_id: Id, body: Form[CloseIn]) -> Any:
    """The park staff close a request in a provider's hands with its outcome."""
    sr = access.service_request_for_change(request.user, request.zone, request_id)
    try:
        r = services.close_request(
            request.user, request.zone, sr.pk, outcome=body.outcome, result=body.result
        )
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _request(r))


@router.post("/requests/{request_id}/rate", response=answers({200: RequestOut}, 400, 404, 422))
def rate_request(request: Request, request_id: Id, body: Form[RateIn]) -> Any:
    """The enterprise rates its closed request once (1–5)."""
    sr = access.service_request_for(request.user, request.zone, request_id)
    try:
        r = services.rate_request(request.user, request.zone, sr.pk, rating=body.rating, comment=body.comment)
    except ValidationError as exc:
        return _refused(exc)
    return Status(200, _request(r))


@router.get("/my/requests", response=answers({200: list[RequestOut]}))
def my_requests(request: Request) -> list[dict[str, Any]]:
    """The requests of the enterprises the user speaks for."""
    return [
        _request(r)
        for r in access.own_service_requests(request.user).select_related("enterprise", "provider")
    ]


# ------------------------------------------------------------------------ the incubation programme


class FunnelOut(Schema):
    call_id: int | None
    call: str
    applications: int
    screened: int
    incubated: int
    financed: int
    raised_yuan: float
    graduated: int
    grants_paid_yuan: float | None


class MyReviewOut(Schema):
    id: int
    application: str
    project: str
    call: str
    submitted: bool
    conflict: bool
    total: float | None


def _funnel(call: Any, f: Any, paid: Any) -> dict[str, Any]:
    return {
        "call_id": call.pk if call is not None else None,
        "call": call.title if call is not None else "",
        "applications": f.applications,
        "screened": f.screened,
        "incubated": f.incubated,
        "financed": f.financed,
        "raised_yuan": float(f.raised_yuan),
        "graduated": f.graduated,
        "grants_paid_yuan": None if paid is None else float(paid),
    }


@router.get("/incubation/funnel", response=answers({200: list[FunnelOut]}))
def incubation_funnel(request: Request) -> list[dict[str, Any]]:
    """The funnel of each call (cohort) and, last, of all of them (call_id null)."""
    data = queries.funnel(request.user, request.zone)
    return [_funnel(r["call"], r["funnel"], r["paid"]) for r in data["rows"]] + [
        _funnel(None, data["total"], data["paid"])
    ]


@router.get("/my/reviews", response=answers({200: list[MyReviewOut]}))
def my_reviews(request: Request) -> list[dict[str, Any]]:
    """An expert's assigned reviews (their own scores only)."""
    return [
        {
            "id": r.pk,
            "application": r.application.number,
            "project": r.application.project,
            "call": r.application.call.title,
            "submitted": r.submitted_at is not None,
            "conflict": r.conflict,
            "total": r.total,
        }
        for r in queries.expert_worklist(request.user, request.zone)
    ]

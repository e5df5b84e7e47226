"""JSON endpoints of the parks app (the same access rules, services and queries as the pages)."""

from __future__ import annotations

from typing import Annotated, Any

from django.core.exceptions import ValidationError
from ninja import Field, File, Form, Query, Router, Schema, Status
from ninja.files import UploadedFile

from gaoxin.common.api import Id, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.parks import access, queries, services
from gaoxin.parks.analysis import reason_text
from gaoxin.parks.choices import Klass, Scale
from gaoxin.parks.datasets import DatasetName
from gaoxin.parks.filtersets import ResultFilter
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

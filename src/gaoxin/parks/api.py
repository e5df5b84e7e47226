"""JSON endpoints of the parks app (the same access rules, services and queries as the pages)."""

from __future__ import annotations

from typing import Any

from django.core.exceptions import ValidationError
from ninja import File, Form, Router, Schema, Status
from ninja.files import UploadedFile

from gaoxin.parks import access, queries, services
from gaoxin.parks.analysis import reason_text
from gaoxin.parks.filtersets import ResultFilter
from gaoxin.parks.models import Evaluation, Result
from gaoxin.places.web import Request

router = Router(tags=["parks"])


class ErrorOut(Schema):
    error: str
    detail: str


class EvaluationOut(Schema):
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


class ProblemOut(Schema):
    row: int
    field: str
    message: str


class ImportOut(Schema):
    batch_id: int
    written: int


class ImportErrorOut(Schema):
    error: str
    detail: str
    problems: list[ProblemOut]


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


@router.get("/evaluations", response=list[EvaluationOut])
def list_evaluations(request: Request) -> list[dict[str, Any]]:
    return [_evaluation(e) for e in access.evaluations(request.user, request.zone).select_related("scheme")]


@router.post(
    "/evaluations/{evaluation_id}/steps/{step}", response={200: EvaluationOut, 400: ErrorOut, 404: ErrorOut}
)
def evaluation_step(request: Request, evaluation_id: int, step: str) -> Any:
    """Run one workflow step: land_notice, score, notice or finalize (park staff)."""
    evaluation = access.evaluation_for_change(request.user, request.zone, evaluation_id)
    if step not in services.STEPS:
        return Status(404, {"error": "unknown_step", "detail": ", ".join(services.STEPS)})
    try:
        services.run_step(request.user, evaluation, step)
    except ValidationError as exc:
        return Status(400, {"error": "workflow", "detail": " ".join(exc.messages)})
    return Status(200, _evaluation(evaluation))


@router.get("/evaluations/{evaluation_id}/results", response=list[ResultOut])
def evaluation_results(
    request: Request,
    evaluation_id: int,
    pool: str = "",
    klass: str = "",
    park: str = "",
    industry: str = "",
) -> list[dict[str, Any]]:
    """An evaluation's results, filtered as the page filters them."""
    evaluation = access.evaluation_for(request.user, request.zone, evaluation_id)
    f = ResultFilter({"pool": pool, "klass": klass, "park": park, "industry": industry}, zone=request.zone)
    return [_result(r) for r in queries.filtered_results(evaluation, f).select_related("evaluation")]


@router.get("/results/{result_id}", response=ResultOut)
def get_result(request: Request, result_id: int) -> dict[str, Any]:
    """One result: staff see every one; an enterprise its own, from the public notice on."""
    return _result(access.result_for(request.user, request.zone, result_id))


@router.get("/my/results", response=list[ResultOut])
def my_results(request: Request) -> list[dict[str, Any]]:
    """The published results of the enterprises the user speaks for."""
    return [_result(r) for r in access.own_results(request.user).select_related("evaluation", "enterprise")]


@router.post("/imports", response={201: ImportOut, 400: ImportErrorOut})
def import_file(request: Request, dataset: Form[str], year: Form[int], file: File[UploadedFile]) -> Any:
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

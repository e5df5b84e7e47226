"""Use cases of the parks app. Every state change is here, atomic, with the acting user."""

from __future__ import annotations

import datetime as dt
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Sum
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.analysis import eligibility, idle_land, incubation, leasing, matching
from gaoxin.analysis import mu_benefit as mb
from gaoxin.analysis.dates import add_months
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common import attachments, audit, imports
from gaoxin.common.errors import describe
from gaoxin.common.imports import ImportRejected, Problem
from gaoxin.common.models import ImportBatch
from gaoxin.parks import access, analysis, queries
from gaoxin.parks.choices import (
    CASE_DOCUMENTS,
    NEED_FIELD,
    WAS_INCUBATED,
    AppealStatus,
    ApplicationStatus,
    CallStatus,
    EvaluationStatus,
    MatchState,
    Metric,
    PlantStage,
    PolicyMode,
    PolicyStatus,
    RedevelopmentStatus,
    RequestStatus,
    ServiceField,
    Source,
)
from gaoxin.parks.datasets import LAND_DATASET
from gaoxin.parks.imports import kind_of
from gaoxin.parks.models import (
    Appeal,
    Application,
    CaseDocument,
    Confirmation,
    Enterprise,
    Evaluation,
    ExpertReview,
    Fact,
    FinancingRound,
    IdleLandCase,
    IncubationCall,
    IncubationMilestone,
    LandParcel,
    Lease,
    Plant,
    PlantUnit,
    Policy,
    PolicyMatch,
    Provider,
    Redevelopment,
    RedevelopmentStep,
    Result,
    Scheme,
    Service,
    ServiceRequest,
)
from gaoxin.parks.validators import parse_scheme
from gaoxin.places.models import Zone
from gaoxin.standards import STANDARDS_DIR
from gaoxin.standards import load as load_standard


def _audit(actor: User | None, action: str, kind: str, pk: object, label: str, detail: str = "") -> None:
    """Every step of the yearly workflow and every change of an enterprise's figures is audited."""
    audit.record(actor, action, kind, pk, label=label[:120], detail=detail)


class WorkflowError(ValidationError):
    """A step asked at the wrong time (e.g. finalising while objections are open)."""


# ------------------------------------------------------------------------------------ schemes


def sync_builtin_schemes() -> None:
    """Load standards/mu_benefit_*.toml as built-in schemes (idempotent)."""
    for path in sorted(STANDARDS_DIR.glob("mu_benefit_*.toml")):
        source = path.read_text(encoding="utf-8")
        scheme = parse_scheme(source)
        Scheme.objects.update_or_create(
            name=scheme.name, version=1, builtin=True, defaults={"title": scheme.title, "source": source}
        )


@transaction.atomic
def save_scheme_copy(actor: User | None, base: Scheme, *, title: str, source: str) -> Scheme:
    """A new version of ``base`` with the edited TOML (checked by the core before it is saved)."""
    access.require_manage(actor)
    parse_scheme(source)
    latest = Scheme.objects.filter(name=base.name).order_by("-version").first()
    version = (latest.version if latest else 0) + 1
    new = Scheme.objects.create(name=base.name, version=version, title=title, source=source, builtin=False)
    _audit(
        actor,
        "create",
        "scheme",
        new.pk,
        str(new),
        audit.note(gettext_noop("copy of %(scheme)s"), scheme=base),
    )
    return new


def save_scheme_values(
    actor: User | None, base: Scheme, *, title: str, values: Mapping[str, float]
) -> Scheme:
    """A new version of ``base`` with the numbers a zone sets changed (the form of the scheme page);
    the TOML keeps its comments and everything else."""
    return save_scheme_copy(actor, base, title=title, source=analysis.scheme_source_with(base.source, values))


# ------------------------------------------------------------------------------------ imports


@dataclass
class ImportReport:
    """What an import of a department's file did: its problems (nothing written), or its batch and
    the number of figures (or land uses) written."""

    problems: list[Problem] = field(default_factory=list)
    batch: ImportBatch | None = None
    written: int = 0


def import_department_file(
    actor: User | None, *, dataset: str, year: int, filename: str, content: bytes
) -> ImportReport:
    """A department's file (parks/imports.py): when every row is valid all its figures are written in
    one transaction, otherwise nothing and every problem is reported by row and column."""
    try:
        batch = imports.run(
            kind_of(dataset), actor=actor, filename=filename, content=content, options={"year": year}
        )
    except ImportRejected as exc:
        return ImportReport(problems=exc.problems)
    return ImportReport(batch=batch, written=batch.summary["written"])


def import_department_rows(
    actor: User | None, *, dataset: str, year: int, records: list[dict[str, Any]], source: str
) -> ImportReport:
    """A department's figures pushed as records (the API for systems without files): the same columns,
    checks and all-or-nothing write as :func:`import_department_file`; problems name the row (its
    position in the records + 1, as in a file with its header on row 1) and the field."""
    try:
        batch = imports.run(
            kind_of(dataset),
            actor=actor,
            filename=source,
            content=b"",
            file_format="api",
            options={"year": year},
            rows=imports.rows_of_records(records),
        )
    except ImportRejected as exc:
        return ImportReport(problems=exc.problems)
    return ImportReport(batch=batch, written=batch.summary["written"])


def import_land_file(
    actor: User | None, *, filename: str, content: bytes, year: int | None = None
) -> ImportReport:
    """自然资源局's land use per enterprise (统一社会信用代码, 宗地编号, 使用方式 owner/tenant, 使用面积(平方米))."""
    return import_department_file(
        actor,
        dataset=LAND_DATASET,
        year=year or timezone.localdate().year,
        filename=filename,
        content=content,
    )


@transaction.atomic
def save_own_figures(
    actor: User, enterprise: Enterprise, year: int, values: dict[str, Decimal | None]
) -> int:
    """The enterprise's own (self-reported) figures for the year; a blank removes its figure."""
    access.require_speaks_for(actor, enterprise)
    _require_open_year(enterprise, year)
    written = 0
    for metric, value in values.items():
        if metric not in Metric.values:
            raise ValidationError(_("Unknown metric %(name)s.") % {"name": metric})
        if value is None:
            Fact.objects.filter(enterprise=enterprise, year=year, metric=metric, source=Source.SELF).delete()
            continue
        Fact.objects.update_or_create(
            enterprise=enterprise, year=year, metric=metric, source=Source.SELF, defaults={"value": value}
        )
        written += 1
    Confirmation.objects.filter(
        enterprise=enterprise, year=year
    ).delete()  # changed figures need a new confirmation
    _audit(
        actor,
        "update",
        "figures",
        enterprise.pk,
        enterprise.name,
        audit.note(gettext_noop("%(year)s: %(n)s own figures"), year=year, n=written),
    )
    return written


@transaction.atomic
def confirm_figures(
    actor: User,
    enterprise: Enterprise,
    year: int,
    *,
    confirmed: bool,
    note: str = "",
    attachment: Any = None,
) -> Confirmation:
    """企业确认: the enterprise confirms the figures the evaluation will use, or objects with a note (and
    its evidence): the objection waits in the park staff's queue until they answer it."""
    access.require_speaks_for(actor, enterprise)
    _require_open_year(enterprise, year)
    if not confirmed and not note.strip():
        raise ValidationError(_("Say which figure is wrong and why."))
    stored = attachments.store(attachment, actor) if attachment else None
    conf, _created = Confirmation.objects.update_or_create(
        enterprise=enterprise,
        year=year,
        defaults={
            "confirmed": confirmed,
            "note": note,
            "by": actor,
            "attachment": stored,
            # a new answer of the enterprise reopens the question
            "response": "",
            "corrected": False,
            "answered_by": None,
            "answered_at": None,
        },
    )
    _audit(
        actor,
        "confirm",
        "figures",
        enterprise.pk,
        enterprise.name,
        audit.note(
            gettext_noop("%(year)s: confirmed") if confirmed else gettext_noop("%(year)s: objected"),
            year=year,
        ),
    )
    return conf


@transaction.atomic
def answer_data_objection(
    actor: User | None, confirmation: Confirmation, *, response: str, corrected: bool
) -> Confirmation:
    """The park staff's answer to an enterprise's objection to its data (corrected, or why not)."""
    access.require_manage(actor)
    if confirmation.confirmed:
        raise WorkflowError(_("The enterprise confirmed these figures: there is nothing to answer."))
    if not response.strip():
        raise ValidationError(_("Give the reasons of the decision."))
    confirmation.response = response.strip()
    confirmation.corrected = corrected
    confirmation.answered_by = actor
    confirmation.answered_at = timezone.now()
    confirmation.save(update_fields=["response", "corrected", "answered_by", "answered_at"])
    _audit(
        actor,
        "decide",
        "figures",
        confirmation.enterprise_id,
        confirmation.enterprise.name,
        audit.note(
            gettext_noop("%(year)s: corrected") if corrected else gettext_noop("%(year)s: kept"),
            year=confirmation.year,
        ),
    )
    return confirmation


def _require_open_year(enterprise: Enterprise, year: int) -> None:
    if enterprise.park is None:
        return
    ev = Evaluation.objects.filter(year=year, zone_id=enterprise.park.zone_id).first()
    if ev is not None and ev.status in (EvaluationStatus.NOTICE, EvaluationStatus.FINAL):
        raise WorkflowError(
            _("The %(year)s figures are closed: the evaluation is in its notice or published.")
            % {"year": year}
        )


# ---------------------------------------------------------------------------------- evaluation


@transaction.atomic
def open_evaluation(
    actor: User | None, *, zone: Zone, year: int, scheme: Scheme, notice_days: int = 5
) -> Evaluation:
    access.require_manage(actor)
    if Evaluation.objects.filter(zone=zone, year=year).exists():
        raise WorkflowError(_("The %(year)s evaluation already exists.") % {"year": year})
    evaluation = Evaluation.objects.create(
        zone=zone, year=year, scheme=scheme, notice_days=notice_days, created_by=actor
    )
    _audit(
        actor,
        "create",
        "mu_evaluation",
        evaluation.pk,
        f"{year}",
        audit.note(gettext_noop("scheme %(scheme)s"), scheme=scheme),
    )
    return evaluation


@transaction.atomic
def publish_land_notice(
    actor: User | None, evaluation: Evaluation, *, on: dt.date | None = None
) -> Evaluation:
    """Publish each enterprise's land area for objection before scoring (the land area is the most disputed input of the evaluation)."""
    access.require_manage(actor)
    _require_status(evaluation, EvaluationStatus.COLLECTING)
    evaluation.status = EvaluationStatus.LAND_NOTICE
    evaluation.land_notice_on = on or timezone.localdate()
    evaluation.save(update_fields=["status", "land_notice_on", "updated_at"])
    _audit(actor, "land_notice", "mu_evaluation", evaluation.pk, f"{evaluation.year}")
    return evaluation


def _require_status(evaluation: Evaluation, *allowed: str) -> None:
    if evaluation.status not in allowed:
        raise WorkflowError(
            _("Not possible while the evaluation is “%(status)s”.")
            % {"status": evaluation.get_status_display()}
        )


@transaction.atomic
def score(actor: User | None, evaluation: Evaluation) -> Evaluation:
    """Score and class every enterprise of the zone's parks for the year (replaces earlier drafts)."""
    access.require_manage(actor)
    _require_status(
        evaluation, EvaluationStatus.COLLECTING, EvaluationStatus.LAND_NOTICE, EvaluationStatus.SCORED
    )
    started = time.perf_counter()
    scheme = parse_scheme(evaluation.scheme.source)
    enterprises, land = queries.pool_members(evaluation, scheme)
    if not enterprises:
        raise WorkflowError(_("No enterprise of the zone has land registered: nothing to evaluate."))
    firms, facts = analysis.firms_for(enterprises, evaluation.year, land)
    prior = (
        Evaluation.objects.filter(zone=evaluation.zone, year=evaluation.year - 1)
        .exclude(pool_means={})
        .first()
    )
    try:
        result = mb.evaluate(scheme, firms, prior_means=prior.pool_means if prior else None)
    except mb.DataError as exc:
        raise WorkflowError(_("The data cannot be scored: %(reason)s") % {"reason": exc.message}) from None
    history = queries.class_history([e.pk for e in enterprises], evaluation.year)
    rows = []
    for i, e in enumerate(enterprises):
        klass = str(result.klass[i])
        past = history.get(e.pk, {})
        d_years = mb.consecutive_d_years({**past, evaluation.year: klass}, evaluation.year)
        pool = scheme.pool(e.scale)
        indicators: list[dict[str, Any]] = []
        for j, ind in enumerate(pool.indicators):
            value = float(result.values[i, j])
            indicators.append(
                {
                    "code": ind.code,
                    "label": ind.label,
                    "unit": ind.unit,
                    "value": None if value != value else round(value, 4),
                    "sub_score": None if klass == "T" else round(float(result.sub_scores[i, j]), 2),
                    "capped": bool(result.capped[i, j]),
                    "missing": bool(result.missing[i, j]),
                    "sources": sorted(
                        {facts.get(e.pk, {}).get(m, (None, ""))[1] for m in _db_metrics(ind)} - {""}
                    ),
                }
            )
        rows.append(
            Result(
                evaluation=evaluation,
                enterprise=e,
                pool=e.scale,
                land_mu=Decimal(str(round(land.get(e.pk, 0.0), 2))),
                score=Decimal(str(round(float(result.score[i]), 2))),
                rank=int(result.rank[i]),
                klass=klass,
                indicators=indicators,
                reasons=[{"code": r.code, "params": dict(r.params)} for r in result.explain(i)],
                consecutive_d=d_years,
                surcharge_yuan_per_kwh=Decimal(str(scheme.surcharge.for_years(d_years))),
                previous_klass=past.get(evaluation.year - 1, ""),
            )
        )
    _store_results(evaluation, rows)
    evaluated = [k not in ("T", "") for k in result.klass.tolist()]
    evaluation.pool_means = mb.pool_means(scheme, firms, evaluated_only=evaluated)
    evaluation.benchmarks = {p: dict(info.benchmarks) for p, info in result.pools.items()}
    evaluation.counts = {p: dict(info.counts) for p, info in result.pools.items()}
    evaluation.status = EvaluationStatus.SCORED
    evaluation.scored_at = timezone.now()
    evaluation.duration_ms = int((time.perf_counter() - started) * 1000)
    evaluation.save()
    _audit(
        actor,
        "score",
        "mu_evaluation",
        evaluation.pk,
        f"{evaluation.year}",
        audit.note(gettext_noop("%(n)s results"), n=len(rows)),
    )
    return evaluation


RESULT_FIELDS = [
    "pool",
    "land_mu",
    "score",
    "rank",
    "klass",
    "indicators",
    "reasons",
    "consecutive_d",
    "surcharge_yuan_per_kwh",
    "previous_klass",
]


def _store_results(evaluation: Evaluation, rows: list[Result]) -> None:
    """Replace the evaluation's results by ``rows`` keeping each firm's result row (so its objections,
    decided or not, stay linked); a firm no longer scored loses its result, not its objections."""
    existing = {r.enterprise_id: r for r in evaluation.results.all()}
    fresh, changed = [], []
    for row in rows:
        old = existing.pop(row.enterprise_id, None)
        if old is None:
            fresh.append(row)
            continue
        for name in RESULT_FIELDS:
            setattr(old, name, getattr(row, name))
        changed.append(old)
    Result.objects.filter(pk__in=[r.pk for r in existing.values()]).delete()  # objections: result → empty
    Result.objects.bulk_update(changed, RESULT_FIELDS, batch_size=500)
    Result.objects.bulk_create(fresh)
    by_firm = dict(evaluation.results.values_list("enterprise_id", "pk"))
    for appeal in Appeal.objects.filter(evaluation=evaluation, result__isnull=True):
        if appeal.enterprise_id in by_firm:
            appeal.result_id = by_firm[appeal.enterprise_id]
            appeal.save(update_fields=["result"])


def _db_metrics(ind: mb.Indicator) -> list[str]:
    return [
        analysis.SCHEME_METRICS[m][0]
        for m in (ind.numerator, *ind.denominator)
        if m in analysis.SCHEME_METRICS
    ]


@transaction.atomic
def publish_notice(actor: User | None, evaluation: Evaluation, *, on: dt.date | None = None) -> Evaluation:
    """公示: the results go public and objections are open for ``notice_days`` days after the day of
    publication — working days with the zone's holiday calendar when the scheme counts them so."""
    access.require_manage(actor)
    _require_status(evaluation, EvaluationStatus.SCORED)
    evaluation.status = EvaluationStatus.NOTICE
    evaluation.notice_on = on or timezone.localdate()
    evaluation.notice_until = analysis.notice_end(
        evaluation.scheme.source, evaluation.notice_on, evaluation.notice_days
    )
    evaluation.save(update_fields=["status", "notice_on", "notice_until", "updated_at"])
    _audit(actor, "notice", "mu_evaluation", evaluation.pk, f"{evaluation.year}")
    return evaluation


@transaction.atomic
def file_appeal(
    actor: User | None, result: Result, text: str, *, today: dt.date | None = None, attachment: Any = None
) -> Appeal:
    access.require_speaks_for(actor, result.enterprise)
    evaluation = result.evaluation
    today = today or timezone.localdate()
    if evaluation.status != EvaluationStatus.NOTICE or evaluation.notice_ends_on is None:
        raise WorkflowError(_("Objections are accepted only during the public notice."))
    if today > evaluation.notice_ends_on:
        raise WorkflowError(
            _("The objection window closed on %(date)s.") % {"date": evaluation.notice_ends_on.isoformat()}
        )
    if not text.strip():
        raise ValidationError(_("Say what is wrong and attach the evidence."))
    stored = attachments.store(attachment, actor) if attachment else None
    appeal = Appeal.objects.create(
        evaluation=evaluation,
        enterprise=result.enterprise,
        result=result,
        text=text.strip(),
        filed_by=actor,
        attachment=stored,
    )
    _audit(actor, "create", "mu_appeal", appeal.pk, result.enterprise.name, f"{evaluation.year}")
    return appeal


@transaction.atomic
def decide_appeal(actor: User | None, appeal: Appeal, *, upheld: bool, response: str) -> Appeal:
    access.require_manage(actor)
    if appeal.status != AppealStatus.OPEN:
        raise WorkflowError(_("This objection has been decided."))
    if not response.strip():
        raise ValidationError(_("Give the reasons of the decision."))
    appeal.status = AppealStatus.UPHELD if upheld else AppealStatus.REJECTED
    appeal.response = response.strip()
    appeal.decided_by = actor
    appeal.save()
    _audit(
        actor,
        "decide",
        "mu_appeal",
        appeal.pk,
        appeal.enterprise.name,
        audit.note(gettext_noop("decision: %(status)s"), status=appeal.get_status_display()),
    )
    if upheld:
        # Corrected data must be scored again: back to draft, the notice starts anew afterwards.
        evaluation = appeal.evaluation
        evaluation.status = EvaluationStatus.SCORED
        evaluation.notice_on = None
        evaluation.save(update_fields=["status", "notice_on", "updated_at"])
    return appeal


@transaction.atomic
def finalize(actor: User | None, evaluation: Evaluation, *, today: dt.date | None = None) -> Evaluation:
    """政府发文公布: after the window, with every objection decided."""
    access.require_manage(actor)
    _require_status(evaluation, EvaluationStatus.NOTICE)
    today = today or timezone.localdate()
    ends = evaluation.notice_ends_on
    if ends is not None and today <= ends:
        raise WorkflowError(_("The objection window is open until %(date)s.") % {"date": ends.isoformat()})
    if Appeal.objects.filter(result__evaluation=evaluation, status=AppealStatus.OPEN).exists():
        raise WorkflowError(_("Decide every objection first."))
    evaluation.status = EvaluationStatus.FINAL
    evaluation.published_on = today
    evaluation.save(update_fields=["status", "published_on", "updated_at"])
    _audit(actor, "publish", "mu_evaluation", evaluation.pk, f"{evaluation.year}")
    return evaluation


STEPS: dict[str, Callable[[User | None, Evaluation], Evaluation]] = {
    "land_notice": publish_land_notice,
    "score": score,
    "notice": publish_notice,
    "finalize": finalize,
}


def run_step(actor: User | None, evaluation: Evaluation, step: str) -> Evaluation:
    """One step of the yearly workflow by name (pages and API share it)."""
    if step not in STEPS:
        raise WorkflowError(_("Unknown step %(name)s.") % {"name": step})
    return STEPS[step](actor, evaluation)


# ------------------------------------------------------------------------ plants and leases


@transaction.atomic
def save_plant(actor: User | None, zone: Zone, plant: Plant) -> Plant:
    """Create or change a plant of one of the zone's parks (its form has checked the fields)."""
    access.require_manage(actor)
    if plant.park.zone_id != zone.pk:
        raise PermissionDenied
    if plant.parcel_id is None and plant.owner_id is None and not plant.standard:
        raise ValidationError(_("A plant that is not a standard plant belongs to its owner: name the owner."))
    plant.full_clean()
    created = plant.pk is None
    plant.save()
    _audit(
        actor, "create" if created else "update", "plant", plant.pk, "%s · %s" % (plant.park.name, plant.name)
    )
    return plant


@transaction.atomic
def add_units(
    actor: User | None, zone: Zone, plant_pk: int, *, floors: list[int], per_floor: int, area_m2: Decimal
) -> list[PlantUnit]:
    """Add ``per_floor`` units of ``area_m2`` on each of ``floors`` ("2-05" is floor 2, unit 5), skipping
    numbers that exist; the units' total must stay within the plant's floor area."""
    plant = access.plant_for_change(actor, zone, plant_pk)
    plant = Plant.objects.select_for_update(of=("self",)).get(pk=plant.pk)
    if per_floor < 1 or area_m2 <= 0:
        raise ValidationError(_("Give at least one unit per floor and a positive area."))
    if any(f < 1 or f > plant.floors for f in floors):
        raise ValidationError(_("The plant has floors 1 to %(n)s.") % {"n": plant.floors})
    have = set(plant.units.values_list("number", flat=True))
    new = [
        PlantUnit(plant=plant, floor=f, number="%d-%02d" % (f, k), area_m2=area_m2)
        for f in sorted(set(floors))
        for k in range(1, per_floor + 1)
        if "%d-%02d" % (f, k) not in have
    ]
    total = (plant.units.aggregate(s=Sum("area_m2"))["s"] or Decimal(0)) + area_m2 * len(new)
    if total > plant.floor_area_m2:
        raise ValidationError(
            _("The units would cover %(units)s m², more than the plant's floor area of %(area)s m².")
            % {"units": f"{total:,.0f}", "area": f"{plant.floor_area_m2:,.0f}"}
        )
    PlantUnit.objects.bulk_create(new)
    _audit(
        actor,
        "update",
        "plant",
        plant.pk,
        plant.name,
        audit.note(gettext_noop("%(n)s units added"), n=len(new)),
    )
    return new


@transaction.atomic
def sign_lease(
    actor: User | None,
    zone: Zone,
    *,
    unit: PlantUnit,
    tenant: Enterprise,
    starts_on: dt.date,
    ends_on: dt.date,
    rent_yuan_per_m2_month: Decimal,
    note: str = "",
) -> Lease:
    """Let a unit of a completed plant to an enterprise of the zone. The unit's row is locked, so two
    leases signed at once for the same days cannot both pass the overlap check."""
    access.require_manage(actor)
    unit = PlantUnit.objects.select_for_update(of=("self",)).select_related("plant__park").get(pk=unit.pk)
    if unit.plant.park.zone_id != zone.pk or tenant.park is None or tenant.park.zone_id != zone.pk:
        raise PermissionDenied
    if unit.plant.stage != PlantStage.COMPLETED:
        raise ValidationError(_("Only a unit of a completed plant can be let."))
    try:
        leasing.check_term(starts_on, ends_on)
    except AnalysisError as exc:
        raise ValidationError(describe(exc)) from exc
    new = leasing.Span(unit.pk, starts_on, ends_on)
    others = [leasing.Span(unit.pk, ls.starts_on, ls.last_day) for ls in unit.leases.all()]
    other = leasing.clash(new, others)
    if other is not None:
        raise ValidationError(
            _("Unit %(unit)s is let from %(first)s to %(last)s: the terms overlap.")
            % {"unit": unit.number, "first": other.first, "last": other.last}
        )
    lease = Lease(
        unit=unit,
        tenant=tenant,
        starts_on=starts_on,
        ends_on=ends_on,
        rent_yuan_per_m2_month=rent_yuan_per_m2_month,
        note=note.strip(),
        signed_by=actor,
    )
    lease.full_clean()
    lease.save()
    _audit(actor, "sign", "lease", lease.pk, "%s · %s" % (unit, tenant.name))
    return lease


@transaction.atomic
def end_lease(actor: User | None, zone: Zone, lease_pk: int, *, on: dt.date) -> Lease:
    """End a lease early: ``on`` is its last day (within its term)."""
    lease = access.lease_for_change(actor, zone, lease_pk)
    lease = Lease.objects.select_for_update(of=("self",)).select_related("unit", "tenant").get(pk=lease.pk)
    if lease.ended_on is not None:
        raise WorkflowError(_("This lease has already ended."))
    if on < lease.starts_on or on > lease.ends_on:
        raise ValidationError(
            _("The last day must lie within the term (%(first)s to %(last)s).")
            % {"first": lease.starts_on, "last": lease.ends_on}
        )
    lease.ended_on = on
    lease.save(update_fields=["ended_on", "updated_at"])
    _audit(actor, "end", "lease", lease.pk, "%s · %s" % (lease.unit, lease.tenant.name), str(on))
    return lease


# ------------------------------------------------------------------------ enterprise policies (免申即享)


def _rules_from_text(text: str) -> list[dict[str, Any]]:
    try:
        return [c.as_dict() for c in eligibility.parse_rules(text)]
    except AnalysisError as exc:
        raise ValidationError({"rules": describe(exc)}) from exc


@transaction.atomic
def save_policy(actor: User | None, zone: Zone, policy: Policy, *, rules_text: str) -> Policy:
    """Create or change a policy. The rule of a published policy changes only by publishing again
    (:func:`publish_policy`), so the eligible are never changed silently."""
    access.require_manage(actor)
    policy.zone = zone
    rules = _rules_from_text(rules_text)
    if policy.pk is not None:
        stored = access.policy_for_change(actor, zone, policy.pk)
        stored = Policy.objects.select_for_update().get(pk=stored.pk)
        # the workflow's fields are the stored ones, whatever the edited copy holds
        policy.status, policy.version, policy.published_on = (
            stored.status,
            stored.version,
            stored.published_on,
        )
        if stored.status != PolicyStatus.DRAFT and rules != stored.rules:
            raise WorkflowError(_("The rule of a published policy changes by publishing it again."))
    if policy.status != PolicyStatus.DRAFT and rules != policy.rules:
        raise WorkflowError(_("The rule of a published policy changes by publishing it again."))
    policy.rules = rules
    policy.full_clean()
    created = policy.pk is None
    policy.save()
    _audit(actor, "create" if created else "update", "policy", policy.pk, policy.title)
    return policy


@dataclass
class Preview:
    """Who a rule makes eligible, and who gains and loses against the rule in force."""

    verdicts: dict[int, Any]
    eligible: list[int]
    change: eligibility.Change


def preview_policy(
    actor: User | None, zone: Zone, policy: Policy, rules_text: str, today: dt.date
) -> Preview:
    """The effect of a rule (the current one when ``rules_text`` is its text) before it is published."""
    if actor is not None:
        access.require_view_all(actor)
    rules = _rules_from_text(rules_text)
    enterprises = list(Enterprise.objects.filter(park__zone=zone).select_related("park"))
    verdicts = analysis.judge_all(rules, enterprises, policy.data_year, today)
    eligible = sorted(pk for pk, v in verdicts.items() if v.eligible)
    # the rule in force is what the matches say (a draft has none)
    before = list(policy.matches.exclude(state=MatchState.WITHDRAWN).values_list("enterprise_id", flat=True))
    return Preview(verdicts, eligible, eligibility.change(before, eligible))


@transaction.atomic
def publish_policy(
    actor: User | None, zone: Zone, pk: int, *, rules_text: str | None = None, today: dt.date | None = None
) -> Policy:
    """Publish a policy (or publish a changed rule): every enterprise of the zone is judged on the data
    the platform holds; the eligible are granted (免申即享) or told to apply; those a changed rule no longer
    admits are withdrawn unless already granted (a granted benefit is not taken back)."""
    policy = access.policy_for_change(actor, zone, pk)
    policy = Policy.objects.select_for_update().get(pk=policy.pk)
    if policy.status == PolicyStatus.CLOSED:
        raise WorkflowError(_("The policy is closed."))
    today = today or timezone.localdate()
    if rules_text is not None:
        policy.rules = _rules_from_text(rules_text)
    if not policy.rules:
        raise ValidationError({"rules": _("A policy is published with at least one condition.")})
    policy.version += 1
    policy.status = PolicyStatus.PUBLISHED
    policy.published_on = policy.published_on or today
    policy.full_clean()
    policy.save()
    enterprises = list(Enterprise.objects.filter(park__zone=zone).select_related("park"))
    verdicts = analysis.judge_all(policy.rules, enterprises, policy.data_year, today)
    matches = {m.enterprise_id: m for m in policy.matches.select_for_update()}
    names = {e.pk: e.name for e in enterprises}
    granted = 0
    for eid, verdict in verdicts.items():
        match = matches.get(eid)
        if verdict.eligible:
            if match is None:
                match = PolicyMatch(policy=policy, enterprise_id=eid, matched_on=today)
            elif match.state == MatchState.WITHDRAWN:
                match.matched_on, match.withdrawn_on = today, None
            if match.state != MatchState.GRANTED:
                if policy.mode == PolicyMode.GRANT:
                    match.state, match.granted_on, match.amount_yuan = (
                        MatchState.GRANTED,
                        today,
                        policy.amount_yuan,
                    )
                    granted += 1
                    _audit(actor, "grant", "policy_grant", match.enterprise_id, names[eid], policy.title)
                else:
                    match.state = MatchState.NOTIFIED
            match.version = policy.version
            match.checks = analysis.checks_json(verdict)
            match.save()
        elif match is not None and match.state == MatchState.NOTIFIED:
            match.state, match.withdrawn_on, match.version = MatchState.WITHDRAWN, today, policy.version
            match.checks = analysis.checks_json(verdict)
            match.save()
    _audit(
        actor,
        "publish",
        "policy",
        policy.pk,
        policy.title,
        audit.note(
            gettext_noop("version %(version)s: %(eligible)s eligible, %(granted)s granted"),
            version=policy.version,
            eligible=sum(1 for v in verdicts.values() if v.eligible),
            granted=granted,
        ),
    )
    return policy


@transaction.atomic
def close_policy(actor: User | None, zone: Zone, pk: int) -> Policy:
    policy = access.policy_for_change(actor, zone, pk)
    if policy.status != PolicyStatus.PUBLISHED:
        raise WorkflowError(_("Only a published policy is closed."))
    policy.status = PolicyStatus.CLOSED
    policy.save(update_fields=["status", "updated_at"])
    _audit(actor, "update", "policy", policy.pk, policy.title, gettext_noop("closed"))
    return policy


# ------------------------------------------------------------------------ service requests


REQUEST_RULES = queries.PARK_SERVICES["requests"]


def _request_number(zone: Zone, day: dt.date) -> str:
    """FW + the day + a sequence within the day (unique; counts up whatever other numbers exist)."""
    prefix = "FW%s" % day.strftime("%Y%m%d")
    last = (
        ServiceRequest.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    n = int(last[len(prefix) :]) + 1 if last else 1
    return "%s%03d" % (prefix, n)


@transaction.atomic
def file_request(
    actor: User | None,
    zone: Zone,
    *,
    enterprise: Enterprise,
    need: str,
    title: str,
    description: str,
    amount_yuan: Decimal | None = None,
    today: dt.date | None = None,
) -> ServiceRequest:
    """An enterprise files a need (its own users, or the park staff for it)."""
    if not (access.speaks_for(actor, enterprise) or access.can_manage(actor)):
        raise PermissionDenied
    if enterprise.park is None or enterprise.park.zone_id != zone.pk:
        raise PermissionDenied
    if not title.strip() or not description.strip():
        raise ValidationError(_("Say what you need in a title and a description."))
    today = today or timezone.localdate()
    Zone.objects.select_for_update().filter(pk=zone.pk).first()  # one numbering at a time
    request = ServiceRequest(
        zone=zone,
        number=_request_number(zone, today),
        enterprise=enterprise,
        need=need,
        field=NEED_FIELD.get(need, ServiceField.INFO),
        title=title.strip(),
        description=description.strip(),
        amount_yuan=amount_yuan,
        filed_by=actor,
        filed_on=today,
    )
    request.full_clean()
    request.save()
    _audit(actor, "create", "service_request", request.pk, "%s %s" % (request.number, enterprise.name))
    return request


@transaction.atomic
def hand_over(
    actor: User | None,
    zone: Zone,
    pk: int,
    *,
    provider: Provider,
    service: Service | None = None,
    field: str | None = None,
    note: str = "",
    today: dt.date | None = None,
) -> ServiceRequest:
    """The park staff hand a filed request to a provider; the clock of the field's limit starts."""
    request = access.service_request_for_change(actor, zone, pk)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.FILED:
        raise WorkflowError(_("Only a request waiting for the park staff is handed over."))
    if provider.zone_id != zone.pk or not provider.active:
        raise ValidationError(_("Choose an active provider of the zone."))
    if service is not None and service.provider_id != provider.pk:
        raise ValidationError(_("The service is not one of the provider's."))
    if field:
        request.field = field
    today = today or timezone.localdate()
    limit = int(REQUEST_RULES["limit_days"][request.field])
    request.provider, request.service = provider, service
    request.handed_on, request.handed_by, request.handover_note = today, actor, note.strip()
    request.due_on = matching.due_on(today, limit)
    request.status = RequestStatus.HANDED
    request.save()
    _audit(
        actor,
        "update",
        "service_request",
        request.pk,
        request.number,
        audit.note(gettext_noop("handed to %(provider)s"), provider=provider.name),
    )
    return request


@transaction.atomic
def close_request(
    actor: User | None, zone: Zone, pk: int, *, outcome: str, result: str, today: dt.date | None = None
) -> ServiceRequest:
    """The park staff close a handed request with its outcome (what the provider did)."""
    request = access.service_request_for_change(actor, zone, pk)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.HANDED:
        raise WorkflowError(_("Only a request in a provider's hands is closed."))
    if not result.strip():
        raise ValidationError({"result": _("Say what was done.")})
    today = today or timezone.localdate()
    if request.handed_on is not None and today < request.handed_on:
        raise ValidationError(_("A request is closed on or after its handover."))
    request.status, request.outcome, request.result, request.closed_on = (
        RequestStatus.CLOSED,
        outcome,
        result.strip(),
        today,
    )
    request.full_clean()
    request.save()
    _audit(actor, "finish", "service_request", request.pk, request.number)
    return request


@transaction.atomic
def rate_request(
    actor: User | None, zone: Zone, pk: int, *, rating: int, comment: str = ""
) -> ServiceRequest:
    """The enterprise rates a closed request once (1–5)."""
    request = access.service_request_for_filer(actor, zone, pk)
    access.require_speaks_for(actor, request.enterprise)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.CLOSED:
        raise WorkflowError(_("A request is rated once it is closed."))
    if request.rating is not None:
        raise WorkflowError(_("This request is rated already."))
    if not 1 <= rating <= 5:
        raise ValidationError({"rating": _("A rating is a whole number from 1 to 5.")})
    request.rating, request.comment = rating, comment.strip()
    request.save(update_fields=["rating", "comment", "updated_at"])
    _audit(
        actor,
        "update",
        "service_request",
        request.pk,
        request.number,
        audit.note(gettext_noop("rated %(n)s"), n=rating),
    )
    return request


@transaction.atomic
def cancel_request(actor: User | None, zone: Zone, pk: int) -> ServiceRequest:
    """A request not handed over yet is cancelled by its enterprise or the park staff."""
    request = access.service_request_for_filer(actor, zone, pk)
    request = ServiceRequest.objects.select_for_update().get(pk=request.pk)
    if request.status != RequestStatus.FILED:
        raise WorkflowError(_("Only a request not handed over yet can be cancelled."))
    request.status = RequestStatus.CANCELLED
    request.save(update_fields=["status", "updated_at"])
    _audit(actor, "update", "service_request", request.pk, request.number, gettext_noop("cancelled"))
    return request


# ------------------------------------------------------------------------ the incubation programme


INCUBATION = queries.PARK_SERVICES["incubation"]


@transaction.atomic
def save_call(actor: User | None, zone: Zone, call: IncubationCall) -> IncubationCall:
    access.require_manage(actor)
    if call.pk is not None:
        stored = access.call_for_change(actor, zone, call.pk)
        call.status = stored.status  # the workflow moves the status, never the form
    call.zone = zone
    call.full_clean()
    created = call.pk is None
    call.save()
    _audit(actor, "create" if created else "update", "incubation_call", call.pk, call.title)
    return call


def _application_number(call: IncubationCall) -> str:
    prefix = "FH%s-" % call.cohort
    last = (
        Application.objects.filter(number__startswith=prefix)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    return "%s%04d" % (prefix, int(last[len(prefix) :]) + 1 if last else 1)


@transaction.atomic
def submit_application(
    actor: User | None,
    zone: Zone,
    call_pk: int,
    *,
    project: str,
    team_lead: str,
    team_size: int,
    stage: str,
    industry_code: str,
    summary: str,
    plan: Any = None,
    enterprise: Enterprise | None = None,
    when: dt.datetime | None = None,
) -> Application:
    """An application to an open call, by the team (a login of its own or its enterprise's) or entered
    by the park staff from paper."""
    call = IncubationCall.objects.select_for_update().filter(zone=zone, pk=call_pk).first()
    if call is None:
        raise Http404
    if actor is not None and not actor.is_authenticated:
        raise PermissionDenied
    if enterprise is not None and not (access.speaks_for(actor, enterprise) or access.can_manage(actor)):
        raise PermissionDenied
    when = when or timezone.now()
    day = timezone.localtime(when).date() if timezone.is_aware(when) else when.date()
    if call.status != CallStatus.OPEN or not (call.opens_on <= day <= call.closes_on):
        raise WorkflowError(_("The call is not open for applications."))
    attachment = attachments.store(plan, actor) if plan is not None else None
    application = Application(
        call=call,
        number=_application_number(call),
        project=project.strip(),
        team_lead=team_lead.strip(),
        team_size=team_size,
        stage=stage,
        industry_code=industry_code.strip(),
        summary=summary.strip(),
        plan=attachment,
        enterprise=enterprise,
        applicant=actor,
        submitted_at=when,
    )
    application.full_clean()
    application.save()
    _audit(actor, "create", "incubation_application", application.pk, application.number)
    return application


@transaction.atomic
def screen(actor: User | None, zone: Zone, pk: int, *, passed: bool, note: str = "") -> Application:
    """The formal check (材料形式审查): complete and eligible applications go to the experts."""
    application = access.application_for_change(actor, zone, pk)
    application = Application.objects.select_for_update().get(pk=application.pk)
    if application.status != ApplicationStatus.SUBMITTED:
        raise WorkflowError(_("Only a submitted application is checked."))
    if not passed and not note.strip():
        raise ValidationError({"note": _("Say why the application does not pass.")})
    application.status = ApplicationStatus.IN_REVIEW if passed else ApplicationStatus.SCREENED_OUT
    application.screen_note = note.strip()
    application.save(update_fields=["status", "screen_note", "updated_at"])
    _audit(
        actor,
        "update",
        "incubation_application",
        application.pk,
        application.number,
        gettext_noop("formal check") if passed else gettext_noop("did not pass the formal check"),
    )
    return application


@transaction.atomic
def assign_experts(
    actor: User | None, zone: Zone, pk: int, *, experts: list[User], today: dt.date | None = None
) -> list[ExpertReview]:
    """Assign experts (users with the reviewer role) to an application with the experts."""
    application = access.application_for_change(actor, zone, pk)
    if application.status != ApplicationStatus.IN_REVIEW:
        raise WorkflowError(_("Experts are assigned to an application that passed the formal check."))
    if any(not e.has_role(Role.REVIEWER) for e in experts):
        raise ValidationError(_("Only expert reviewers are assigned."))
    today = today or timezone.localdate()
    have = set(application.reviews.values_list("reviewer_id", flat=True))
    new = [
        ExpertReview(application=application, reviewer=e, assigned_on=today)
        for e in experts
        if e.pk not in have
    ]
    ExpertReview.objects.bulk_create(new)
    _audit(
        actor,
        "update",
        "incubation_application",
        application.pk,
        application.number,
        audit.note(gettext_noop("%(n)s experts assigned"), n=len(new)),
    )
    return new


@transaction.atomic
def submit_review(
    actor: User,
    zone: Zone,
    pk: int,
    *,
    conflict: bool,
    conflict_note: str = "",
    scores: dict[str, float] | None = None,
    comment: str = "",
) -> ExpertReview:
    """An expert's review: a declared conflict of interest (no score), or a score for every criterion.
    Submitted once; the call must still be under review."""
    review = access.review_for(actor, zone, pk)
    review = ExpertReview.objects.select_for_update().select_related("application__call").get(pk=review.pk)
    if review.submitted_at is not None:
        raise WorkflowError(_("This review is submitted already."))
    if review.application.call.status == CallStatus.DECIDED:
        raise WorkflowError(_("The call is decided."))
    if conflict:
        if not conflict_note.strip():
            raise ValidationError({"conflict_note": _("Say what the conflict of interest is.")})
        review.conflict, review.conflict_note, review.scores = True, conflict_note.strip(), None
    else:
        try:
            incubation.check_scores(scores or {})
        except AnalysisError as exc:
            raise ValidationError(describe(exc)) from exc
        review.scores = {k: float(v) for k, v in (scores or {}).items()}
    review.comment = comment.strip()
    review.submitted_at = timezone.now()
    review.save()
    _audit(
        actor,
        "review",
        "incubation_application",
        review.application_id,
        review.application.number,
        gettext_noop("conflict of interest declared") if conflict else "",
    )
    return review


def application_score(application: Application, min_reviews: int) -> incubation.Score:
    return incubation.score(
        [
            incubation.Review(r.reviewer_id, r.scores if r.submitted_at else None, r.conflict)
            for r in application.reviews.all()
        ],
        min_reviews=min_reviews,
    )


@transaction.atomic
def start_review(actor: User | None, zone: Zone, pk: int) -> IncubationCall:
    """Close the call for applications and open the experts' review."""
    call = access.call_for_change(actor, zone, pk)
    if call.status != CallStatus.OPEN:
        raise WorkflowError(_("The call is not open."))
    call.status = CallStatus.REVIEWING
    call.save(update_fields=["status", "updated_at"])
    _audit(actor, "update", "incubation_call", call.pk, call.title, gettext_noop("expert review opened"))
    return call


@transaction.atomic
def decide_call(
    actor: User | None, zone: Zone, pk: int, *, today: dt.date | None = None
) -> list[Application]:
    """Score every application with the experts, select the best within the places and above the
    minimum, sign their incubation agreements with the grant's milestones; the others are not selected.
    Refused while an application still waits for its formal check or for enough expert scores."""
    call = access.call_for_change(actor, zone, pk)
    call = IncubationCall.objects.select_for_update().get(pk=call.pk)
    if call.status != CallStatus.REVIEWING:
        raise WorkflowError(_("The call is decided after the experts' review."))
    if call.applications.filter(status=ApplicationStatus.SUBMITTED).exists():
        raise WorkflowError(_("Some applications still wait for their formal check."))
    today = today or timezone.localdate()
    pool = list(call.applications.filter(status=ApplicationStatus.IN_REVIEW).prefetch_related("reviews"))
    scored = {a.pk: application_score(a, call.min_reviews) for a in pool}
    short = [a.number for a in pool if scored[a.pk].value is None]
    if short:
        raise WorkflowError(
            _("These applications do not have %(n)s expert scores yet: %(numbers)s")
            % {"n": call.min_reviews, "numbers": ", ".join(short[:10])}
        )
    chosen = set(
        incubation.select(
            [
                incubation.Candidate(a.pk, a.number, a.submitted_at.isoformat(), scored[a.pk].value)
                for a in pool
            ],
            places=call.places,
            min_score=float(call.min_score),
        )
    )
    shares = [Decimal(str(s)) for s in INCUBATION["tranche_shares"]]
    titles = list(INCUBATION["tranche_titles"])
    months = int(INCUBATION["months"])
    amounts = incubation.tranches(call.grant_yuan, shares)
    selected = []
    for a in pool:
        a.score = Decimal(str(scored[a.pk].value))
        if a.pk in chosen:
            a.status = ApplicationStatus.INCUBATED
            a.agreement_on = today
            a.agreement_ends_on = add_months(today, months) - dt.timedelta(days=1)
            IncubationMilestone.objects.bulk_create(
                [
                    IncubationMilestone(
                        application=a,
                        order=k + 1,
                        title=titles[k] if k < len(titles) else "%s %d" % (_("milestone"), k + 1),
                        due_on=add_months(today, months * k // max(1, len(amounts) - 1)) if k else today,
                        tranche_yuan=amount,
                    )
                    for k, amount in enumerate(amounts)
                ]
            )
            selected.append(a)
        else:
            a.status = ApplicationStatus.NOT_SELECTED
        a.save(update_fields=["score", "status", "agreement_on", "agreement_ends_on", "updated_at"])
    call.status = CallStatus.DECIDED
    call.save(update_fields=["status", "updated_at"])
    _audit(
        actor,
        "decide",
        "incubation_call",
        call.pk,
        call.title,
        audit.note(gettext_noop("%(n)s of %(m)s selected"), n=len(selected), m=len(pool)),
    )
    return selected


@transaction.atomic
def reach_milestone(
    actor: User | None, zone: Zone, pk: int, *, order: int, on: dt.date
) -> IncubationMilestone:
    application = access.application_for_change(actor, zone, pk)
    milestone = application.milestones.select_for_update().filter(order=order).first()
    if milestone is None:
        raise Http404
    if application.status != ApplicationStatus.INCUBATED:
        raise WorkflowError(_("Only a project in incubation reaches milestones."))
    if milestone.done_on is not None:
        raise WorkflowError(_("This milestone is reached already."))
    if application.milestones.filter(order__lt=order, done_on__isnull=True).exists():
        raise WorkflowError(_("The milestones are reached in order."))
    if application.agreement_on is not None and on < application.agreement_on:
        raise ValidationError(_("A milestone is reached on or after the agreement."))
    milestone.done_on = on
    milestone.save(update_fields=["done_on"])
    _audit(actor, "finish", "incubation_application", application.pk, application.number, milestone.title)
    return milestone


@transaction.atomic
def pay_tranche(actor: User | None, zone: Zone, pk: int, *, order: int, on: dt.date) -> IncubationMilestone:
    """Pay a milestone's grant tranche, once, after the milestone is reached."""
    application = access.application_for_change(actor, zone, pk)
    milestone = application.milestones.select_for_update().filter(order=order).first()
    if milestone is None:
        raise Http404
    if milestone.done_on is None:
        raise WorkflowError(_("A tranche is paid once its milestone is reached."))
    if milestone.paid_on is not None:
        raise WorkflowError(_("This tranche is paid already."))
    if on < milestone.done_on:
        raise ValidationError(_("A tranche is paid on or after its milestone."))
    milestone.paid_on = on
    milestone.save(update_fields=["paid_on"])
    _audit(
        actor,
        "grant",
        "incubation_application",
        application.pk,
        application.number,
        audit.note(
            gettext_noop("%(amount)s yuan for %(milestone)s"),
            amount=f"{milestone.tranche_yuan:.2f}",
            milestone=milestone.title,
        ),
    )
    return milestone


@transaction.atomic
def record_round(
    actor: User | None,
    zone: Zone,
    pk: int,
    *,
    kind: str,
    amount_yuan: Decimal,
    investors: str,
    closed_on: dt.date,
) -> FinancingRound:
    application = access.application_for_change(actor, zone, pk)
    if application.status not in WAS_INCUBATED:
        raise WorkflowError(_("Rounds are recorded for incubated projects."))
    round_ = FinancingRound(
        application=application,
        kind=kind,
        amount_yuan=amount_yuan,
        investors=investors.strip(),
        closed_on=closed_on,
    )
    round_.full_clean()
    round_.save()
    _audit(
        actor,
        "create",
        "incubation_application",
        application.pk,
        application.number,
        audit.note(gettext_noop("financing round of %(amount)s yuan"), amount=f"{amount_yuan:.0f}"),
    )
    return round_


@transaction.atomic
def leave_programme(
    actor: User | None, zone: Zone, pk: int, *, graduated: bool, on: dt.date, reason: str = ""
) -> Application:
    application = access.application_for_change(actor, zone, pk)
    if application.status != ApplicationStatus.INCUBATED:
        raise WorkflowError(_("Only a project in incubation graduates or leaves."))
    if not graduated and not reason.strip():
        raise ValidationError({"reason": _("Say why the project leaves.")})
    application.status = ApplicationStatus.GRADUATED if graduated else ApplicationStatus.EXITED
    application.left_on, application.left_reason = on, reason.strip()
    application.save(update_fields=["status", "left_on", "left_reason", "updated_at"])
    _audit(
        actor,
        "update",
        "incubation_application",
        application.pk,
        application.number,
        gettext_noop("graduated") if graduated else gettext_noop("left the programme"),
    )
    return application


# ------------------------------------------------------------------------ idle land case files


def idle_limits() -> idle_land.Limits:
    """The case files' time limits (standards/land_disposal.toml)."""
    d = load_standard("land_disposal")
    return idle_land.Limits(
        answer_days=int(d.get("answer_days", 30)),
        payment_days=int(d.get("payment_days", 30)),
        max_extension_days=int(d.get("max_extension_days", 366)),
    )


def _document_number(prefix: str, year: int) -> str:
    """The next number of a document series of the year: 济高新闲认〔2026〕3号."""
    stem = f"{prefix}〔{year}〕"
    used = CaseDocument.objects.filter(number__startswith=stem).count()
    return f"{stem}{used + 1}号"


def _issue(
    actor: User | None,
    case: IdleLandCase,
    step: str,
    *,
    on: dt.date,
    due: dt.date | None,
    note: str,
    attachment: Any,
) -> CaseDocument:
    kind, prefix = CASE_DOCUMENTS[step]
    stored = attachments.store(attachment, actor) if attachment else None
    return CaseDocument.objects.create(
        case=case,
        kind=kind,
        number=_document_number(prefix, on.year),
        issued_on=on,
        due_on=due,
        note=note.strip(),
        attachment=stored,
        issued_by=actor if actor is not None and actor.is_authenticated else None,
    )


@transaction.atomic
def open_idle_case(
    actor: User | None, parcel: LandParcel, *, on: dt.date, note: str = "", attachment: Any = None
) -> IdleLandCase:
    """Open a parcel's case with the investigation notice (部令53号 art. 9): the parcel must be idle by
    the rules on ``on`` and have no open case; the holder's answer is due ``answer_days`` later."""
    access.require_manage(actor)
    LandParcel.objects.select_for_update().filter(pk=parcel.pk).first()
    flags = queries.parcel_state(parcel, on)
    if not flags.idle:
        raise WorkflowError(_("The parcel is not idle by the rules on %(date)s.") % {"date": on.isoformat()})
    if parcel.idle_cases.exclude(stage__in=idle_land.FINAL).exists():
        raise WorkflowError(_("The parcel already has an open case."))
    if parcel.idle_cases.filter(stage="reclaimed").exists():
        raise WorkflowError(_("The land of this parcel has been taken back."))
    case = IdleLandCase.objects.create(
        parcel=parcel,
        opened_on=on,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    limits = idle_limits()
    _issue(
        actor,
        case,
        "open",
        on=on,
        due=idle_land.due(on, limits.answer_days),
        note=note,
        attachment=attachment,
    )
    _audit(actor, "create", "idle_case", case.pk, parcel.code)
    return case


@transaction.atomic
def advance_idle_case(
    actor: User | None,
    case: IdleLandCase,
    action: str,
    *,
    on: dt.date,
    note: str = "",
    government_cause: bool | None = None,
    extension_until: dt.date | None = None,
    attachment: Any = None,
) -> IdleLandCase:
    """One step of a case with its dated document: 认定 (stating whether the government caused the
    delay), the idle land fee decision (20 % of the land price, due ``payment_days`` later), its payment,
    an extension (government cause only, at most a year), the taking back (two full years), or closing
    when construction started. The step must be open by 部令53号 (see gaoxin.analysis.idle_land)."""
    access.require_manage(actor)
    case = IdleLandCase.objects.select_for_update().select_related("parcel").get(pk=case.pk)
    if action == "determine" and government_cause is not None:
        case.government_cause = government_cause
        if note.strip():
            case.cause_note = note.strip()
    flags = queries.parcel_state(case.parcel, on)
    limits = idle_limits()
    try:
        stage = idle_land.advance(
            case.stage,
            action,
            government_cause=case.government_cause,
            idle_years=flags.idle_years,
            on=on,
            opened_on=case.opened_on,
            extension_until=extension_until,
            limits=limits,
        )
    except AnalysisError as exc:
        raise WorkflowError(describe(exc)) from None
    due = None
    if action == "decide_fee":
        rules = queries.land_rules()
        fee = idle_land.fee(
            None if case.parcel.land_price_yuan is None else float(case.parcel.land_price_yuan),
            rules.idle_fee_share,
        )
        if fee is None:
            raise WorkflowError(_("Record the parcel's land price first: the fee is a share of it."))
        case.fee_yuan = Decimal(str(fee))
        due = idle_land.due(on, limits.payment_days)
    if action == "extend":
        case.extended_until = extension_until
        due = extension_until
    case.stage = stage
    if stage in idle_land.FINAL:
        case.closed_on = on
    case.save()
    _issue(actor, case, action, on=on, due=due, note=note, attachment=attachment)
    _audit(
        actor,
        "update",
        "idle_case",
        case.pk,
        case.parcel.code,
        audit.note(gettext_noop("stage: %(stage)s"), stage=case.get_stage_display()),
    )
    return case


# --- low-efficiency land: redevelopment tracked to completion ---------------------------------------


@transaction.atomic
def start_redevelopment(
    actor: User | None,
    parcel: LandParcel,
    *,
    approach: str,
    started_on: dt.date,
    due_on: dt.date,
    plan: str = "",
) -> Redevelopment:
    """Start the redevelopment of a parcel that is low-efficiency by the rules on ``started_on`` (the
    rules it meets are kept to measure the outcome against); one at a time per parcel."""
    access.require_manage(actor)
    LandParcel.objects.select_for_update().filter(pk=parcel.pk).first()
    if due_on < started_on:
        raise WorkflowError(_("The completion date cannot come before the start."))
    rules = list(queries.parcel_state(parcel, started_on).low_efficiency)
    if not rules:
        raise WorkflowError(
            _("The parcel is not low-efficiency by the rules on %(date)s.") % {"date": started_on.isoformat()}
        )
    if parcel.redevelopments.filter(status=RedevelopmentStatus.UNDER_WAY).exists():
        raise WorkflowError(_("The parcel's redevelopment is already under way."))
    item = Redevelopment.objects.create(
        parcel=parcel,
        approach=approach,
        started_on=started_on,
        due_on=due_on,
        plan=plan.strip(),
        rules_before=rules,
        created_by=actor if actor is not None and actor.is_authenticated else None,
    )
    _audit(actor, "create", "redevelopment", item.pk, parcel.code, ", ".join(rules))
    return item


@transaction.atomic
def report_redevelopment(
    actor: User | None,
    item: Redevelopment,
    *,
    on: dt.date,
    progress: int,
    note: str,
    attachment: Any = None,
) -> RedevelopmentStep:
    """A dated progress report (progress and dates never go back)."""
    access.require_manage(actor)
    item = Redevelopment.objects.select_for_update().get(pk=item.pk)
    if item.status != RedevelopmentStatus.UNDER_WAY:
        raise WorkflowError(_("The redevelopment is finished."))
    if not note.strip():
        raise ValidationError(_("Say what happened."))
    if on < item.started_on:
        raise WorkflowError(_("A report cannot be dated before the start."))
    last = item.steps.order_by("-on", "-pk").first()
    try:
        idle_land.redevelopment_progress(
            None if last is None else last.progress, progress, None if last is None else last.on, on
        )
    except AnalysisError as exc:
        raise WorkflowError(describe(exc)) from None
    stored = attachments.store(attachment, actor) if attachment else None
    step = RedevelopmentStep.objects.create(
        redevelopment=item,
        on=on,
        progress=progress,
        note=note.strip(),
        attachment=stored,
        by=actor if actor is not None and actor.is_authenticated else None,
    )
    _audit(actor, "update", "redevelopment", item.pk, item.parcel.code, f"{on.isoformat()} {progress}%")
    return step


@transaction.atomic
def finish_redevelopment(
    actor: User | None, item: Redevelopment, *, on: dt.date, done: bool
) -> Redevelopment:
    """Completed (the low-efficiency rules the parcel still meets on ``on`` are measured from the data
    and kept) or stopped."""
    access.require_manage(actor)
    item = Redevelopment.objects.select_for_update().select_related("parcel__park").get(pk=item.pk)
    if item.status != RedevelopmentStatus.UNDER_WAY:
        raise WorkflowError(_("The redevelopment is finished."))
    last = item.steps.order_by("-on", "-pk").first()
    if on < item.started_on or (last is not None and on < last.on):
        raise WorkflowError(_("The end cannot come before the start or the last report."))
    item.status = RedevelopmentStatus.DONE if done else RedevelopmentStatus.CANCELLED
    item.finished_on = on
    if done:
        item.rules_after = list(queries.parcel_state(item.parcel, on).low_efficiency)
    item.save(update_fields=["status", "finished_on", "rules_after", "updated_at"])
    _audit(actor, "update", "redevelopment", item.pk, item.parcel.code, item.status)
    return item

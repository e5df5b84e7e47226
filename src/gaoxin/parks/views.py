"""Pages of the parks app: thin — access, then services/queries, then render."""

from __future__ import annotations

from decimal import Decimal

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports
from gaoxin.common.http import attachment, querystring_without_page
from gaoxin.parks import access, exports, queries, services
from gaoxin.parks.analysis import reason_text
from gaoxin.parks.choices import EvaluationStatus, Klass, Metric, Scale, Source
from gaoxin.parks.datasets import DATASETS, LAND_COLUMNS, LAND_DATASET, LAND_LABEL
from gaoxin.parks.forms import (
    AppealForm,
    ConfirmForm,
    DecisionForm,
    EvaluationForm,
    ImportForm,
    OwnFiguresForm,
    SchemeForm,
)
from gaoxin.parks.imports import kind_of
from gaoxin.parks.models import Appeal, Enterprise, Evaluation, Park, PolicyMeasure, Scheme
from gaoxin.parks.validators import parse_scheme
from gaoxin.places.queries import current_zone

WAN = Decimal(10000)
OWN_FIELDS = {
    "tax_10k_yuan": (Metric.TAX, WAN),
    "revenue_10k_yuan": (Metric.REVENUE, WAN),
    "value_added_10k_yuan": (Metric.VALUE_ADDED, WAN),
    "rd_10k_yuan": (Metric.RD, WAN),
    "employees": (Metric.EMPLOYEES, Decimal(1)),
    "energy_tce": (Metric.ENERGY, Decimal(1)),
}


def _zone_id() -> int | None:
    zone = current_zone()
    return zone.pk if zone else None


@login_required
def index(request: HttpRequest) -> HttpResponse:
    if not access.can_view_all(request.user):  # type: ignore[arg-type]
        if access.is_enterprise_user(request.user):  # type: ignore[arg-type]
            return redirect("parks:portal")
        raise PermissionDenied
    zone_id = _zone_id()
    rows = queries.park_rows(zone_id)
    evaluation = queries.latest_evaluation(zone_id)
    years = sorted({y.year for r in rows for y in r["years"]})
    context: dict[str, object] = {
        "rows": rows,
        "evaluation": evaluation,
        "hundred_yi": sum(r["hundred_yi"] for r in rows),
        "revenue_chart": {
            "type": "lines",
            "unit": _("100 million yuan"),
            "labels": [str(y) for y in years],
            "series": [
                {
                    "name": r["park"].name,
                    "values": [
                        next(
                            (float(y.revenue_yuan / Decimal("1e8")) for y in r["years"] if y.year == yr), None
                        )
                        for yr in years
                    ],
                }
                for r in rows
            ],
            "mark": 100,
        },
    }
    if evaluation is not None and evaluation.status != EvaluationStatus.COLLECTING:
        dist = queries.class_distribution(evaluation)
        context["class_chart"] = {
            "type": "stacked",
            "labels": [str(Scale(p).label) for p in dist],
            "series": [{"name": k, "values": [dist[p].get(k, 0) for p in dist]} for k in "ABCDT"],
        }
        per_mu = queries.tax_per_mu_by_park(evaluation)
        context["mu_chart"] = {
            "type": "bars",
            "unit": _("10k yuan per mu"),
            "labels": [r["park"] for r in per_mu],
            "series": [{"name": _("tax per mu"), "values": [round(r["tax_per_mu"], 2) for r in per_mu]}],
        }
        context["dist"] = dist
    return render(request, "parks/index.html", context)


@login_required
def enterprise_list(request: HttpRequest) -> HttpResponse:
    access.require_view_all(request.user)  # type: ignore[arg-type]
    qs = Enterprise.objects.select_related("park").order_by("name")
    g = request.GET
    if g.get("park", "").isdigit():
        qs = qs.filter(park_id=int(g["park"]))
    if g.get("scale") in Scale.values:
        qs = qs.filter(scale=g["scale"])
    if g.get("industry"):
        qs = qs.filter(industry_code__startswith=g["industry"].strip())
    if g.get("q"):
        qs = qs.filter(name__icontains=g["q"].strip())
    evaluation = queries.latest_evaluation(_zone_id())
    classes = {}
    if evaluation is not None:
        classes = dict(evaluation.results.values_list("enterprise_id", "klass"))
    page = Paginator(qs, 50).get_page(g.get("page"))
    return render(
        request,
        "parks/enterprise_list.html",
        {
            "page": page,
            "qs": querystring_without_page(request),
            "rows": [(e, classes.get(e.pk, "")) for e in page],
            "parks": Park.objects.all(),
            "scales": Scale.choices,
            "evaluation": evaluation,
        },
    )


@login_required
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = access.enterprise_for(request.user, pk)  # type: ignore[arg-type]
    staff = access.can_view_all(request.user)  # type: ignore[arg-type]
    facts: dict[int, dict[str, list[tuple[str, Decimal]]]] = {}
    for f in enterprise.facts.order_by("-year", "metric", "source"):
        facts.setdefault(f.year, {}).setdefault(f.get_metric_display(), []).append(
            (f.get_source_display(), f.value)
        )
    results = enterprise.results.select_related("evaluation").order_by("-evaluation__year")
    if not staff:
        results = results.filter(evaluation__status__in=[EvaluationStatus.NOTICE, EvaluationStatus.FINAL])
    return render(
        request,
        "parks/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "facts": facts,
            "land": enterprise.land_uses.select_related("parcel"),
            "results": results,
            "staff": staff,
        },
    )


@login_required
def import_page(request: HttpRequest) -> HttpResponse:
    access.require_manage(request.user)  # type: ignore[arg-type]
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_department_file(
            request.user,  # type: ignore[arg-type]
            dataset=form.cleaned_data["dataset"],
            year=form.cleaned_data["year"],
            filename=upload.name,
            content=upload.read(),
        )
        if report.batch is not None:
            messages.success(
                request,
                _("%(n)s figures of %(rows)s rows imported.")
                % {"n": report.written, "rows": report.batch.summary["rows"]},
            )
            return redirect("parks:import")
    columns = [(d.label, [(c.zh, c.name) for c in d.columns]) for d in DATASETS.values()]
    columns.append((LAND_LABEL, [(c.zh, c.name) for c in LAND_COLUMNS if c.name != "uscc"]))
    kinds = [kind_of(d) for d in [*DATASETS, LAND_DATASET]]
    return render(
        request,
        "parks/import.html",
        {
            "form": form,
            "report": report,
            "columns": columns,
            "batches": imports.recent_batches(request.user, kinds),
        },
    )


@login_required
def evaluation_list(request: HttpRequest) -> HttpResponse:
    access.require_view_all(request.user)  # type: ignore[arg-type]
    form = EvaluationForm(
        request.POST or None, initial={"scheme": Scheme.objects.order_by("-created_at").first()}
    )
    if request.method == "POST":
        access.require_manage(request.user)  # type: ignore[arg-type]
        if form.is_valid():
            zone = current_zone()
            if zone is None:
                messages.error(request, _("No zone is loaded."))
            else:
                try:
                    ev = services.open_evaluation(
                        request.user,  # type: ignore[arg-type]
                        zone=zone,
                        year=form.cleaned_data["year"],
                        scheme=form.cleaned_data["scheme"],
                        notice_days=form.cleaned_data["notice_days"],
                    )
                except ValidationError as exc:
                    form.add_error("year", exc)
                else:
                    return redirect("parks:evaluation", pk=ev.pk)
    return render(
        request,
        "parks/evaluation_list.html",
        {
            "form": form,
            "evaluations": Evaluation.objects.select_related("scheme"),
            "schemes": Scheme.objects.all(),
            "can_manage": access.can_manage(request.user),  # type: ignore[arg-type]
        },
    )


@login_required
def evaluation_detail(request: HttpRequest, pk: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, pk)  # type: ignore[arg-type]
    fmt = request.GET.get("format")
    if fmt == "notice":
        return attachment(exports.notice_xlsx(evaluation), f"mu-benefit-{evaluation.year}-notice.xlsx")
    if fmt == "surcharge":
        return attachment(
            exports.surcharge_xlsx(evaluation), f"mu-benefit-{evaluation.year}-d-class-electricity.xlsx"
        )
    results = queries.filtered_results(evaluation, request.GET.dict())
    page = Paginator(results, 100).get_page(request.GET.get("page"))
    return render(
        request,
        "parks/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "page": page,
            "qs": querystring_without_page(request),
            "parks": Park.objects.all(),
            "classes": Klass.choices,
            "dist": queries.class_distribution(evaluation),
            "appeals": Appeal.objects.filter(result__evaluation=evaluation).select_related(
                "result__enterprise"
            ),
            "decision_form": DecisionForm(),
            "can_manage": access.can_manage(request.user),  # type: ignore[arg-type]
            "land": evaluation.status == EvaluationStatus.LAND_NOTICE,
            "land_rows": _land_rows(evaluation) if evaluation.status == EvaluationStatus.LAND_NOTICE else [],
            "measures": PolicyMeasure.objects.all(),
            "today": timezone.localdate(),
        },
    )


def _land_rows(evaluation: Evaluation) -> list[dict[str, object]]:
    enterprises, land = services.pool_members(evaluation, parse_scheme(evaluation.scheme.source))
    return [{"enterprise": e, "land_mu": land[e.pk]} for e in enterprises]


@login_required
@require_POST
def evaluation_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    access.require_manage(request.user)  # type: ignore[arg-type]
    evaluation = get_object_or_404(Evaluation, pk=pk)
    if step not in services.STEPS:
        raise Http404
    try:
        services.run_step(request.user, evaluation, step)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(status)s.") % {"status": evaluation.get_status_display()})
    return redirect("parks:evaluation", pk=pk)


@login_required
def result_detail(request: HttpRequest, pk: int) -> HttpResponse:
    result = access.result_for(request.user, pk)  # type: ignore[arg-type]
    own = access.own_enterprises(request.user).filter(pk=result.enterprise_id).exists()  # type: ignore[arg-type]
    form = AppealForm(request.POST or None)
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.file_appeal(request.user, result, form.cleaned_data["text"])  # type: ignore[arg-type]
            except ValidationError as exc:
                form.add_error("text", exc)
            else:
                messages.success(request, _("Your objection has been filed."))
                return redirect("parks:result", pk=pk)
    return render(
        request,
        "parks/result_detail.html",
        {
            "result": result,
            "reasons": [reason_text(r) for r in result.reasons],
            "previous": queries.previous_result(result),
            "indicators": [
                {**i, "sources": [str(Source(x).label) if x in Source.values else x for x in i["sources"]]}
                for i in result.indicators
            ],
            "form": form,
            "own": own,
            "appeals": result.appeals.all(),
            "measures": PolicyMeasure.objects.filter(klass=result.klass),
            "notice_open": result.evaluation.status == EvaluationStatus.NOTICE,
        },
    )


@login_required
@require_POST
def appeal_decide(request: HttpRequest, pk: int) -> HttpResponse:
    appeal = access.appeal_for_decision(request.user, pk)  # type: ignore[arg-type]
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_appeal(
                request.user,  # type: ignore[arg-type]
                appeal,
                upheld=form.cleaned_data["upheld"],
                response=form.cleaned_data["response"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The objection has been decided."))
    else:
        messages.error(request, _("Give a decision and its reasons."))
    return redirect("parks:evaluation", pk=appeal.result.evaluation_id)


@login_required
def scheme_page(request: HttpRequest, pk: int) -> HttpResponse:
    access.require_view_all(request.user)  # type: ignore[arg-type]
    scheme = get_object_or_404(Scheme, pk=pk)
    form = SchemeForm(request.POST or None, initial={"title": scheme.title, "source": scheme.source})
    if request.method == "POST":
        access.require_manage(request.user)  # type: ignore[arg-type]
        if form.is_valid():
            try:
                new = services.save_scheme_copy(
                    request.user,  # type: ignore[arg-type]
                    scheme,
                    title=form.cleaned_data["title"],
                    source=form.cleaned_data["source"],
                )
            except ValidationError as exc:
                form.add_error("source", exc)
            else:
                messages.success(request, _("Saved as version %(v)s.") % {"v": new.version})
                return redirect("parks:scheme", pk=new.pk)
    return render(
        request,
        "parks/scheme.html",
        {"scheme": scheme, "form": form, "can_manage": access.can_manage(request.user)},  # type: ignore[arg-type]
    )


@login_required
def portal(request: HttpRequest) -> HttpResponse:
    """The enterprise's own page: its figures by source, its own report, confirmation, results."""
    enterprises = list(access.own_enterprises(request.user).select_related("park"))  # type: ignore[arg-type]
    if not enterprises:
        raise PermissionDenied
    enterprise = enterprises[0]
    if request.GET.get("enterprise", "").isdigit():
        enterprise = access.own_enterprise(request.user, int(request.GET["enterprise"]))  # type: ignore[arg-type]
    year = timezone.localdate().year - 1
    if request.GET.get("year", "").isdigit():
        year = int(request.GET["year"])
    by_metric: dict[str, dict[str, Decimal]] = {}
    for f in enterprise.facts.filter(year=year):
        by_metric.setdefault(f.get_metric_display(), {})[f.source] = f.value
    figures = [(label, [values.get(src) for src in Source.values]) for label, values in by_metric.items()]
    own = {f.metric: f.value for f in enterprise.facts.filter(year=year, source=Source.SELF)}
    initial = {k: (own[m] / d if m in own else None) for k, (m, d) in OWN_FIELDS.items()}
    figures_form = OwnFiguresForm(initial=initial)
    confirm_form = ConfirmForm()
    if request.method == "POST":
        try:
            if request.POST.get("action") == "figures":
                figures_form = OwnFiguresForm(request.POST)
                if figures_form.is_valid():
                    values = {
                        OWN_FIELDS[k][0]: (None if v is None else v * OWN_FIELDS[k][1])
                        for k, v in figures_form.cleaned_data.items()
                    }
                    services.save_own_figures(request.user, enterprise, year, values)  # type: ignore[arg-type]
                    messages.success(
                        request,
                        _("Your figures are saved. Confirm them when the departments' figures are in."),
                    )
                    return redirect(f"{request.path}?enterprise={enterprise.pk}&year={year}")
            elif request.POST.get("action") == "confirm":
                confirm_form = ConfirmForm(request.POST)
                if confirm_form.is_valid():
                    services.confirm_figures(
                        request.user,  # type: ignore[arg-type]
                        enterprise,
                        year,
                        confirmed=confirm_form.cleaned_data["confirmed"],
                        note=confirm_form.cleaned_data["note"],
                    )
                    messages.success(request, _("Thank you: your answer is recorded."))
                    return redirect(f"{request.path}?enterprise={enterprise.pk}&year={year}")
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    results = enterprise.results.filter(
        evaluation__status__in=[EvaluationStatus.NOTICE, EvaluationStatus.FINAL]
    ).select_related("evaluation")
    return render(
        request,
        "parks/portal.html",
        {
            "enterprise": enterprise,
            "enterprises": enterprises,
            "year": year,
            "figures": figures,
            "sources": Source.choices,
            "figures_form": figures_form,
            "confirm_form": confirm_form,
            "confirmation": enterprise.confirmations.filter(year=year).first(),
            "results": results,
            "land": enterprise.land_uses.select_related("parcel"),
        },
    )


@login_required
def land_page(request: HttpRequest) -> HttpResponse:
    """Parcels with their idle and low-efficiency flags, on a map and in a table."""
    access.require_view_all(request.user)  # type: ignore[arg-type]
    zone_id = _zone_id()
    evaluation = queries.latest_evaluation(zone_id)
    rows = queries.land_rows(zone_id, evaluation, timezone.localdate())
    shown = request.GET.get("flag", "")
    if request.GET.get("park", "").isdigit():
        rows = [r for r in rows if r["parcel"].park_id == int(request.GET["park"])]
    if shown == "idle":
        rows = [r for r in rows if r["flags"].idle]
    elif shown == "low":
        rows = [r for r in rows if r["flags"].low_efficiency]
    if request.GET.get("format") == "xlsx":
        return attachment(exports.land_xlsx(rows), "parcels-flags.xlsx")
    if request.GET.get("format") == "geojson":
        return JsonResponse(queries.land_geojson(rows))
    return render(
        request,
        "parks/land.html",
        {
            "rows": rows,
            "evaluation": evaluation,
            "parks": Park.objects.all(),
            "map_strings": {"mu": _("mu"), "klass": _("Class"), "reclaimable": _("reclaimable")},
            "counts": {
                "idle": sum(r["flags"].idle for r in rows),
                "reclaimable": sum(r["flags"].reclaimable for r in rows),
                "low": sum(bool(r["flags"].low_efficiency) for r in rows),
            },
        },
    )

"""Pages of the parks app: thin — a form or filter set for the input, the gate or query, a service
for a change, then render. Every object of a zone is loaded through its gate in access.py."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports, jobs
from gaoxin.common.forms import ChoiceForm
from gaoxin.common.http import attachment, page_of, querystring_without_page
from gaoxin.parks import access, exports, queries, services
from gaoxin.parks.analysis import reason_text, rules_text_of
from gaoxin.parks.choices import POLICY_FIELD_LABELS, EvaluationStatus, Klass, Scale, Source
from gaoxin.parks.datasets import DATASETS, LAND_COLUMNS, LAND_DATASET, LAND_LABEL
from gaoxin.parks.filtersets import EnterpriseFilter, LandFilter, PlantFilter, RequestFilter, ResultFilter
from gaoxin.parks.forms import (
    AnswerForm,
    AppealForm,
    ApplicationForm,
    AssignForm,
    CallForm,
    CaseStepForm,
    CloseRequestForm,
    ConfirmForm,
    DecisionForm,
    DownloadForm,
    EndLeaseForm,
    EvaluationForm,
    HandOverForm,
    ImportForm,
    LandDownloadForm,
    LeaseForm,
    LeaveForm,
    MilestoneForm,
    OpenCaseForm,
    OwnFiguresForm,
    PlantForm,
    PolicyForm,
    PortalActionForm,
    PortalForm,
    RateForm,
    RedevelopmentStepForm,
    ReportFormatForm,
    RequestForm,
    ReviewForm,
    RoundForm,
    RuleForm,
    SchemeActionForm,
    SchemeDownloadForm,
    SchemeForm,
    SchemeValuesForm,
    ScreenForm,
    StartRedevelopmentForm,
    UnitsForm,
)
from gaoxin.parks.imports import kind_of
from gaoxin.places.web import Request


@login_required
def index(request: Request) -> HttpResponse:
    if not access.can_view_all(request.user):
        if access.is_enterprise_user(request.user):
            return redirect("parks:portal")
        raise PermissionDenied
    return render(request, "parks/index.html", queries.dashboard(request.zone))


@login_required
def enterprise_list(request: Request) -> HttpResponse:
    f = EnterpriseFilter(request.GET, zone=request.zone)
    page = page_of(queries.enterprise_list(request.user, request.zone, f), request.GET)
    evaluation = queries.latest_evaluation(request.zone.pk)
    classes = queries.classes_of(evaluation)
    return render(
        request,
        "parks/enterprise_list.html",
        {
            "page": page,
            "qs": querystring_without_page(request),
            "rows": [(e, classes.get(e.pk, "")) for e in page],
            "parks": queries.parks(request.zone),
            "scales": Scale.choices,
            "evaluation": evaluation,
        },
    )


@login_required
def enterprise_detail(request: Request, pk: int) -> HttpResponse:
    enterprise = access.enterprise_for(request.user, request.zone, pk)
    return render(
        request,
        "parks/enterprise_detail.html",
        {
            "enterprise": enterprise,
            "facts": queries.figures_by_year(enterprise),
            "land": enterprise.land_uses.select_related("parcel"),
            "results": queries.results_of(request.user, enterprise),
            "staff": access.can_view_all(request.user),
        },
    )


@login_required
def import_page(request: Request) -> HttpResponse:
    access.require_manage(request.user)
    report = None
    form = ImportForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        report = services.import_department_file(
            request.user,
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
            "problems": imports.described_problems(kind_of(form.cleaned_data["dataset"]), report.problems)
            if report is not None
            else [],
            "columns": columns,
            "batches": imports.recent_batches(request.user, kinds),
        },
    )


@login_required
def evaluation_list(request: Request) -> HttpResponse:
    evaluations = access.evaluations(request.user, request.zone).select_related("scheme")
    form = EvaluationForm(request.POST or None, initial={"scheme": queries.latest_scheme()})
    if request.method == "POST":
        access.require_manage(request.user)
        if form.is_valid():
            try:
                ev = services.open_evaluation(
                    request.user,
                    zone=request.zone,
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
            "evaluations": evaluations,
            "schemes": queries.schemes(),
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def evaluation_detail(request: Request, pk: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, request.zone, pk)
    download = DownloadForm(request.GET)
    fmt = download.chosen()
    if fmt == "policy":
        listed = queries.class_policy(evaluation, download.policy_code())
        if listed is None:
            raise Http404
        return attachment(
            request,
            exports.policy_xlsx(evaluation, listed),
            f"mu-benefit-{evaluation.year}-{listed['policy'].code}.xlsx",
        )
    if fmt == "notice":
        return attachment(
            request, exports.notice_xlsx(evaluation), f"mu-benefit-{evaluation.year}-notice.xlsx"
        )
    if fmt == "surcharge":
        return attachment(
            request,
            exports.surcharge_xlsx(evaluation),
            f"mu-benefit-{evaluation.year}-d-class-electricity.xlsx",
        )
    f = ResultFilter(request.GET, zone=request.zone)
    page = page_of(queries.filtered_results(evaluation, f), request.GET, 100)
    land_notice = evaluation.status == EvaluationStatus.LAND_NOTICE
    return render(
        request,
        "parks/evaluation_detail.html",
        {
            "evaluation": evaluation,
            "page": page,
            "qs": querystring_without_page(request),
            "parks": queries.parks(request.zone),
            "classes": Klass.choices,
            "dist": queries.class_distribution(evaluation),
            "appeals": queries.appeals_of(evaluation),
            "objections": queries.data_objections(request.zone, evaluation.year),
            "answer_form": AnswerForm(),
            "decision_form": DecisionForm(),
            "can_manage": access.can_manage(request.user),
            "land": land_notice,
            "land_rows": queries.land_notice_rows(evaluation) if land_notice else [],
            "policies": queries.class_policies(evaluation) if evaluation.scored_at else [],
            "groups": queries.group_tables(evaluation) if evaluation.scored_at else {},
            "measures": queries.measures(),
            "today": timezone.localdate(),
        },
    )


@login_required
@require_POST
def evaluation_step(request: Request, pk: int, step: str) -> HttpResponse:
    evaluation = access.evaluation_for_change(request.user, request.zone, pk)
    if step not in services.STEPS:
        raise Http404
    if step == "score":  # every enterprise of the year: a job, never inside the request
        job = jobs.submit("parks.score", actor=request.user, params={"evaluation": evaluation.pk})
        return redirect("job", pk=job.pk)
    try:
        services.run_step(request.user, evaluation, step)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Done: %(status)s.") % {"status": evaluation.get_status_display()})
    return redirect("parks:evaluation", pk=pk)


@login_required
def result_detail(request: Request, pk: int) -> HttpResponse:
    result = access.result_for(request.user, request.zone, pk)
    report = queries.result_report(request.user, result)
    if ReportFormatForm(request.GET).chosen() == "pdf":
        return attachment(
            request,
            exports.result_pdf(result, report),
            f"mu-benefit-{result.evaluation.year}-{result.enterprise.uscc}.pdf",
            "application/pdf",
        )
    own = access.own_enterprises(request.user).filter(pk=result.enterprise_id).exists()
    form = AppealForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if not own:
            raise PermissionDenied
        if form.is_valid():
            try:
                services.file_appeal(
                    request.user,
                    result,
                    form.cleaned_data["text"],
                    attachment=form.cleaned_data["attachment"],
                )
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
            "measures": queries.measures(klass=result.klass),
            "notice_open": result.evaluation.status == EvaluationStatus.NOTICE,
            "report": report,
        },
    )


@login_required
@require_POST
def appeal_decide(request: Request, pk: int) -> HttpResponse:
    appeal = access.appeal_for_decision(request.user, request.zone, pk)
    form = DecisionForm(request.POST)
    if form.is_valid():
        try:
            services.decide_appeal(
                request.user,
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
    return redirect("parks:evaluation", pk=appeal.evaluation_id)


@login_required
def scheme_page(request: Request, pk: int) -> HttpResponse:
    """A scheme: its numbers in a form (weights, benchmarks, quotas, caps, surcharges), the whole TOML to
    download or to replace; every change is saved as a new version after the core checked it."""
    scheme = access.scheme_for(request.user, pk)
    if SchemeDownloadForm(request.GET).chosen() == "toml":
        return attachment(
            request, scheme.source.encode(), f"{scheme.name}-v{scheme.version}.toml", "application/toml"
        )
    parameters = queries.scheme_parameters(scheme)
    action = SchemeActionForm(request.POST).chosen() or None if request.method == "POST" else None
    values_form = SchemeValuesForm(
        request.POST if action == "values" else None, parameters=parameters, initial={"title": scheme.title}
    )
    form = SchemeForm(
        request.POST if action == "toml" else None,
        request.FILES if action == "toml" else None,
        initial={"title": scheme.title, "source": scheme.source},
    )
    if action is not None:
        access.require_manage(request.user)
        chosen = values_form if action == "values" else form
        if chosen.is_valid():
            try:
                if action == "values":
                    new = services.save_scheme_values(
                        request.user,
                        scheme,
                        title=values_form.cleaned_data["title"],
                        values=values_form.values(),
                    )
                else:
                    new = services.save_scheme_copy(
                        request.user,
                        scheme,
                        title=form.cleaned_data["title"],
                        source=form.cleaned_data["source"],
                    )
            except ValidationError as exc:
                chosen.add_error(None, exc)
            else:
                messages.success(request, _("Saved as version %(v)s.") % {"v": new.version})
                return redirect("parks:scheme", pk=new.pk)
    return render(
        request,
        "parks/scheme.html",
        {
            "scheme": scheme,
            "form": form,
            "values_form": values_form,
            "can_manage": access.can_manage(request.user),
            "versions": queries.scheme_versions(scheme),
        },
    )


@login_required
def portal(request: Request) -> HttpResponse:
    """The enterprise's own page: its figures by source, its own report, confirmation, results."""
    enterprises = list(access.own_enterprises(request.user).select_related("park"))
    if not enterprises:
        raise PermissionDenied
    choice = PortalForm(request.GET)
    chosen = choice.enterprise_id()
    enterprise = access.own_enterprise(request.user, chosen) if chosen else enterprises[0]
    year = choice.year_or(timezone.localdate().year - 1)
    data = queries.portal(enterprise, year)
    figures_form = OwnFiguresForm(initial=OwnFiguresForm.initial_from(data["own"]))
    confirm_form = ConfirmForm()
    if request.method == "POST":
        action = PortalActionForm(request.POST)
        here = f"{request.path}?enterprise={enterprise.pk}&year={year}"
        try:
            if action.is_valid() and action.cleaned_data["action"] == "figures":
                figures_form = OwnFiguresForm(request.POST)
                if figures_form.is_valid():
                    services.save_own_figures(request.user, enterprise, year, figures_form.figures())
                    messages.success(
                        request,
                        _("Your figures are saved. Confirm them when the departments' figures are in."),
                    )
                    return redirect(here)
            elif action.is_valid():
                confirm_form = ConfirmForm(request.POST, request.FILES)
                if confirm_form.is_valid():
                    services.confirm_figures(
                        request.user,
                        enterprise,
                        year,
                        confirmed=confirm_form.cleaned_data["confirmed"],
                        note=confirm_form.cleaned_data["note"],
                        attachment=confirm_form.cleaned_data["attachment"],
                    )
                    messages.success(request, _("Thank you: your answer is recorded."))
                    return redirect(here)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    return render(
        request,
        "parks/portal.html",
        {
            "enterprise": enterprise,
            "enterprises": enterprises,
            "year": year,
            "figures": data["figures"],
            "sources": Source.choices,
            "figures_form": figures_form,
            "confirm_form": confirm_form,
            "confirmation": data["confirmation"],
            "results": data["results"],
            "land": data["land"],
            "leases": queries.leases_of(enterprise),
            "policy_matches": queries.own_policy_matches(request.user, enterprise),
            "service_requests": queries.own_requests(request.user, enterprise)[:20],
            "incubation": queries.own_applications(request.user, enterprise),
            "today": timezone.localdate(),
        },
    )


@login_required
def land_page(request: Request) -> HttpResponse:
    """Parcels with their idle and low-efficiency flags, on a map and in a table."""
    f = LandFilter(request.GET, zone=request.zone)
    evaluation = queries.latest_evaluation(request.zone.pk)
    rows = queries.land(request.user, request.zone, evaluation, timezone.localdate(), f)
    fmt = LandDownloadForm(request.GET).chosen()
    if fmt == "xlsx":
        return attachment(request, exports.land_xlsx(rows), "parcels-flags.xlsx")
    if fmt == "geojson":
        return JsonResponse(queries.land_geojson(rows))
    return render(
        request,
        "parks/land.html",
        {
            "rows": rows,
            "evaluation": evaluation,
            "parks": queries.parks(request.zone),
            "map_strings": {"mu": _("mu"), "klass": _("Class"), "reclaimable": _("reclaimable")},
            "counts": {
                "idle": sum(r["flags"].idle for r in rows),
                "reclaimable": sum(r["flags"].reclaimable for r in rows),
                "low": sum(bool(r["flags"].low_efficiency) for r in rows),
            },
        },
    )


@login_required
def idle_cases_page(request: Request) -> HttpResponse:
    """The idle-land case files (部令53号): open cases with the time limit each waits on (near or past
    limits first), the idle parcels without a case (open one with its investigation notice), the ledger
    as xlsx."""
    today = timezone.localdate()
    rows = queries.idle_cases(request.user, request.zone, today)
    if LandDownloadForm(request.GET).chosen() == "xlsx":
        return attachment(request, exports.idle_cases_xlsx(rows), "idle-land-cases.xlsx")
    candidates = queries.idle_candidates(request.user, request.zone, today)
    choices = [(r["parcel"].pk, f"{r['parcel'].code} · {r['parcel'].park.name}") for r in candidates]
    form = OpenCaseForm(request.POST or None, request.FILES or None, parcels=choices, initial={"on": today})
    if request.method == "POST" and form.is_valid():
        parcel = access.parcel_for_case(request.user, request.zone, form.cleaned_data["parcel"])
        try:
            case = services.open_idle_case(
                request.user,
                parcel,
                on=form.cleaned_data["on"],
                note=form.cleaned_data["note"],
                attachment=form.cleaned_data["attachment"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The case is open; the investigation notice is recorded."))
            return redirect("parks:idle_case", pk=case.pk)
    return render(
        request,
        "parks/idle_cases.html",
        {
            "rows": rows,
            "candidates": candidates,
            "form": form,
            "can_manage": access.can_manage(request.user),
            "today": today,
        },
    )


@login_required
def idle_case_page(request: Request, pk: int) -> HttpResponse:
    """One case: its parcel's flags, the dated documents and the step open now."""
    case = access.idle_case_for(request.user, request.zone, pk)
    today = timezone.localdate()
    page = queries.idle_case_page(case, today)
    form = CaseStepForm(
        request.POST or None, request.FILES or None, actions=page["actions"], initial={"on": today}
    )
    if request.method == "POST":
        case = access.idle_case_for_change(request.user, request.zone, pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                services.advance_idle_case(
                    request.user,
                    case,
                    d["action"],
                    on=d["on"],
                    note=d["note"],
                    government_cause=d["government_cause"] if d["action"] == "determine" else None,
                    extension_until=d.get("extension_until"),
                    attachment=d["attachment"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The step and its document are recorded."))
                return redirect("parks:idle_case", pk=pk)
    return render(
        request,
        "parks/idle_case.html",
        {"case": case, "form": form, "can_manage": access.can_manage(request.user), "today": today, **page},
    )


@login_required
@require_POST
def objection_answer(request: Request, pk: int) -> HttpResponse:
    """The park staff answer an enterprise's objection to its data (from the evaluation's queue)."""
    objection = access.objection_for_answer(request.user, request.zone, pk)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            services.answer_data_objection(request.user, objection, **form.cleaned_data)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The answer is recorded; the enterprise sees it in its portal."))
    else:
        messages.error(request, _("Give the reasons of the decision."))
    evaluation = queries.evaluation_of_year(request.zone, objection.year)
    return redirect("parks:evaluation", pk=evaluation.pk) if evaluation else redirect("parks:index")


@login_required
def attachment_download(request: Request, pk: int) -> HttpResponse:
    found = access.attachment_for(request.user, request.zone, pk)
    return attachment(request, bytes(found.data), found.name, found.content_type)


# ------------------------------------------------------------------------ plants and leases


@login_required
def plants_page(request: Request) -> HttpResponse:
    """The standard plants against the target, occupancy per park, the leases ending soon, and the list."""
    access.require_view_all(request.user)
    day = timezone.localdate()
    f = PlantFilter(request.GET, zone=request.zone)
    plants = queries.plant_list(request.user, request.zone, f)
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        data = exports.plants_xlsx(queries.with_occupancy(list(plants), day), day)
        return attachment(request, data, "plants-%s.xlsx" % day.isoformat())
    page = page_of(plants, request.GET)
    context = queries.plants_overview(request.user, request.zone, day)
    context |= {
        "page": page,
        "plant_rows": queries.with_occupancy(list(page), day),
        "upgrades": queries.upgrades(request.user, request.zone),
        "filter": f,
        "qs": querystring_without_page(request),
        "can_manage": access.can_manage(request.user),
    }
    return render(request, "parks/plants.html", context)


@login_required
def plant_detail(request: Request, pk: int) -> HttpResponse:
    plant = access.plant_for(request.user, request.zone, pk)
    day = timezone.localdate()
    can_manage = access.can_manage(request.user)
    units_form = UnitsForm()
    lease_form = LeaseForm(plant=plant, zone=request.zone, initial={"starts_on": day})
    if request.method == "POST":
        access.require_manage(request.user)
        action = ChoiceForm(request.POST, name="action", allowed=["units", "lease"]).chosen()
        try:
            if action == "units":
                units_form = UnitsForm(request.POST)
                if units_form.is_valid():
                    new = services.add_units(request.user, request.zone, plant.pk, **units_form.cleaned_data)
                    messages.success(request, _("%(n)s units added.") % {"n": len(new)})
                    return redirect("parks:plant", pk=plant.pk)
            elif action == "lease":
                lease_form = LeaseForm(request.POST, plant=plant, zone=request.zone)
                if lease_form.is_valid():
                    services.sign_lease(request.user, request.zone, **lease_form.cleaned_data)
                    messages.success(request, _("The lease is recorded."))
                    return redirect("parks:plant", pk=plant.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context = queries.plant_detail(plant, day)
    context |= {
        "can_manage": can_manage,
        "units_form": units_form,
        "lease_form": lease_form,
        "end_form": EndLeaseForm(initial={"on": day}),
        "day": day,
    }
    return render(request, "parks/plant_detail.html", context)


@login_required
def plant_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    plant = access.plant_for_change(request.user, request.zone, pk) if pk is not None else None
    form = PlantForm(request.POST or None, instance=plant, zone=request.zone)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_plant(request.user, request.zone, form.save(commit=False))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The plant is saved."))
            return redirect("parks:plant", pk=saved.pk)
    return render(request, "parks/plant_edit.html", {"form": form, "plant": plant})


@login_required
@require_POST
def lease_end(request: Request, pk: int) -> HttpResponse:
    lease = access.lease_for_change(request.user, request.zone, pk)
    form = EndLeaseForm(request.POST)
    if form.is_valid():
        try:
            services.end_lease(request.user, request.zone, lease.pk, on=form.cleaned_data["on"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The lease is ended."))
    else:
        messages.error(request, _("Give the lease's last day."))
    return redirect("parks:plant", pk=lease.unit.plant_id)


@login_required
def park_profile(request: Request, pk: int) -> HttpResponse:
    context = queries.park_profile(request.user, request.zone, pk, timezone.localdate())
    return render(request, "parks/park_profile.html", context)


# ------------------------------------------------------------------------ enterprise policies (免申即享)


@login_required
def policies_page(request: Request) -> HttpResponse:
    rows = queries.policy_list(request.user, request.zone)
    return render(
        request, "parks/policies.html", {"rows": rows, "can_manage": access.can_manage(request.user)}
    )


@login_required
def policy_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    policy = access.policy_for_change(request.user, request.zone, pk) if pk is not None else None
    initial = {"data_year": timezone.localdate().year - 1}
    form = PolicyForm(request.POST or None, instance=policy, zone=request.zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_policy(
                request.user,
                request.zone,
                form.save(commit=False),
                rules_text=form.cleaned_data["rules_text"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The policy is saved."))
            return redirect("parks:policy", pk=saved.pk)
    return render(
        request, "parks/policy_edit.html", {"form": form, "policy": policy, "fields": POLICY_FIELD_LABELS}
    )


@login_required
def policy_detail(request: Request, pk: int) -> HttpResponse:
    policy = access.policy_for(request.user, request.zone, pk)
    can_manage = access.can_manage(request.user)
    context = queries.policy_detail(policy)
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        data = exports.policy_matches_xlsx(policy, context["matches"])
        return attachment(request, data, "policy-%s.xlsx" % policy.code)
    rule_form = RuleForm(initial={"rules_text": rules_text_of(policy.rules)})
    preview = None
    if request.method == "POST":
        access.require_manage(request.user)
        action = ChoiceForm(request.POST, name="action", allowed=["preview", "publish", "close"]).chosen()
        rule_form = RuleForm(request.POST)
        try:
            if action == "close":
                services.close_policy(request.user, request.zone, policy.pk)
                messages.success(request, _("The policy is closed."))
                return redirect("parks:policy", pk=policy.pk)
            if rule_form.is_valid():
                text = rule_form.cleaned_data["rules_text"]
                if action == "preview":
                    result = services.preview_policy(
                        request.user, request.zone, policy, text, timezone.localdate()
                    )
                    preview = queries.preview_rows(request.zone, result) | {"eligible": len(result.eligible)}
                elif action == "publish":
                    services.publish_policy(request.user, request.zone, policy.pk, rules_text=text)
                    messages.success(
                        request,
                        _("The policy is published: the eligible enterprises see it in their portal."),
                    )
                    return redirect("parks:policy", pk=policy.pk)
        except ValidationError as exc:
            _form_errors(rule_form, exc)
    context |= {
        "can_manage": can_manage,
        "rule_form": rule_form,
        "preview": preview,
        "fields": POLICY_FIELD_LABELS,
    }
    return render(request, "parks/policy_detail.html", context)


def _form_errors(form: Any, exc: ValidationError) -> None:
    """A service's refusal shown on the form: on its field when it names one of the form's fields."""
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, exc)


# ------------------------------------------------------------------------ the park service platform


@login_required
def catalogue_page(request: Request) -> HttpResponse:
    """The providers and their services in the six fields (staff, leadership, enterprises)."""
    fields = queries.catalogue(request.user, request.zone)
    return render(request, "parks/catalogue.html", {"fields": fields})


@login_required
def requests_page(request: Request) -> HttpResponse:
    access.require_view_all(request.user)
    today = timezone.localdate()
    f = RequestFilter(request.GET)
    board = queries.request_board(request.user, request.zone, f, today)
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        return attachment(
            request, exports.requests_xlsx(board["rows"]), "requests-%s.xlsx" % today.isoformat()
        )
    page = page_of(board["rows"], request.GET)
    return render(
        request,
        "parks/requests.html",
        board | {"page": page, "filter": f, "qs": querystring_without_page(request), "today": today},
    )


@login_required
def request_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.request_detail(request.user, request.zone, pk, today)
    sr = context["request"]
    can_manage = access.can_manage(request.user)
    first = context["suggestions"][0].provider.id if context["suggestions"] else None
    handover = HandOverForm(zone=request.zone, initial={"field": sr.field, "provider": first})
    close = CloseRequestForm()
    rate = RateForm()
    if request.method == "POST":
        action = ChoiceForm(
            request.POST, name="action", allowed=["handover", "close", "rate", "cancel"]
        ).chosen()
        try:
            if action == "handover":
                access.require_manage(request.user)
                handover = HandOverForm(request.POST, zone=request.zone)
                if handover.is_valid():
                    services.hand_over(request.user, request.zone, sr.pk, **handover.cleaned_data)
                    messages.success(request, _("The request is handed to the provider."))
                    return redirect("parks:request", pk=sr.pk)
            elif action == "close":
                access.require_manage(request.user)
                close = CloseRequestForm(request.POST)
                if close.is_valid():
                    services.close_request(request.user, request.zone, sr.pk, **close.cleaned_data)
                    messages.success(request, _("The request is closed; the enterprise is asked to rate it."))
                    return redirect("parks:request", pk=sr.pk)
            elif action == "rate":
                rate = RateForm(request.POST)
                if rate.is_valid():
                    services.rate_request(request.user, request.zone, sr.pk, **rate.cleaned_data)
                    messages.success(request, _("Thank you for your rating."))
                    return redirect("parks:request", pk=sr.pk)
            elif action == "cancel":
                services.cancel_request(request.user, request.zone, sr.pk)
                messages.success(request, _("The request is cancelled."))
                return redirect("parks:request", pk=sr.pk)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
    context |= {
        "can_manage": can_manage,
        "is_filer": access.speaks_for(request.user, sr.enterprise),
        "handover_form": handover,
        "close_form": close,
        "rate_form": rate,
    }
    return render(request, "parks/request_detail.html", context)


@login_required
def request_new(request: Request) -> HttpResponse:
    """An enterprise files a need (from its portal; the enterprise chosen there)."""
    enterprises = list(access.own_enterprises(request.user).select_related("park"))
    if not enterprises:
        raise PermissionDenied
    chosen = PortalForm(request.GET).enterprise_id()
    enterprise = access.own_enterprise(request.user, chosen) if chosen else enterprises[0]
    form = RequestForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            filed = services.file_request(
                request.user, request.zone, enterprise=enterprise, **form.cleaned_data
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request,
                _("Your request %(number)s is filed; the park staff hand it to a provider.")
                % {"number": filed.number},
            )
            return redirect("parks:request", pk=filed.pk)
    return render(request, "parks/request_new.html", {"form": form, "enterprise": enterprise})


# ------------------------------------------------------------------------ the incubation programme


@login_required
def incubation_page(request: Request) -> HttpResponse:
    """The funnel per cohort and in total, and the calls (staff, leadership); an expert goes to their list."""
    if not access.can_view_all(request.user):
        if access.is_reviewer(request.user):
            return redirect("parks:reviews")
        raise PermissionDenied
    context = queries.funnel(request.user, request.zone)
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        data = exports.funnel_xlsx(context["rows"], context["total"], context["paid"])
        return attachment(request, data, "incubation-funnel.xlsx")
    return render(request, "parks/incubation.html", context | {"can_manage": access.can_manage(request.user)})


@login_required
def call_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    call = access.call_for_change(request.user, request.zone, pk) if pk is not None else None
    today = timezone.localdate()
    initial = {
        "cohort": today.year,
        "opens_on": today,
        "min_score": queries.INCUBATION["min_score"],
        "min_reviews": queries.INCUBATION["min_reviews"],
        "grant_yuan": queries.INCUBATION["grant_yuan"],
    }
    form = CallForm(request.POST or None, instance=call, zone=request.zone, initial=initial)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_call(request.user, request.zone, form.save(commit=False))
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("The call is saved."))
            return redirect("parks:call", pk=saved.pk)
    return render(request, "parks/call_edit.html", {"form": form, "call": call})


@login_required
def call_detail(request: Request, pk: int) -> HttpResponse:
    call = access.call_for(request.user, request.zone, pk)
    if request.method == "POST":
        action = ChoiceForm(request.POST, name="action", allowed=["review", "decide"]).chosen()
        try:
            if action == "review":
                services.start_review(request.user, request.zone, call.pk)
                messages.success(request, _("The call is closed for applications; the experts may score."))
            elif action == "decide":
                chosen = services.decide_call(request.user, request.zone, call.pk)
                messages.success(
                    request, _("%(n)s projects are selected for incubation.") % {"n": len(chosen)}
                )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect("parks:call", pk=call.pk)
    context = queries.call_board(request.user, call)
    return render(
        request, "parks/call_detail.html", context | {"can_manage": access.can_manage(request.user)}
    )


@login_required
def call_apply(request: Request, pk: int) -> HttpResponse:
    """An application to an open call: by an enterprise's login for its enterprise, or by the park staff."""
    call = access.open_call_for(request.user, request.zone, pk)
    enterprises = list(access.own_enterprises(request.user))
    if not enterprises and not access.can_manage(request.user):
        raise PermissionDenied
    form = ApplicationForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        try:
            application = services.submit_application(
                request.user,
                request.zone,
                call.pk,
                enterprise=enterprises[0] if enterprises else None,
                **form.cleaned_data,
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(
                request, _("Your application %(number)s is submitted.") % {"number": application.number}
            )
            return redirect("parks:application", pk=application.pk)
    return render(request, "parks/call_apply.html", {"form": form, "call": call})


@login_required
def application_detail(request: Request, pk: int) -> HttpResponse:
    context = queries.application_detail(request.user, request.zone, pk)
    application = context["application"]
    can_manage = access.can_manage(request.user)
    forms_ = {
        "screen_form": ScreenForm(),
        "assign_form": AssignForm(),
        "round_form": RoundForm(),
        "leave_form": LeaveForm(initial={"on": timezone.localdate()}),
        "milestone_form": MilestoneForm(initial={"on": timezone.localdate()}),
    }
    if request.method == "POST":
        access.require_manage(request.user)
        action = ChoiceForm(
            request.POST, name="action", allowed=["screen", "assign", "reach", "pay", "round", "leave"]
        ).chosen()
        try:
            done = _application_action(request, application.pk, action, forms_)
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
            done = False
        if done:
            messages.success(request, _("The application is updated."))
            return redirect("parks:application", pk=application.pk)
    context |= forms_ | {"can_manage": can_manage}
    return render(request, "parks/application_detail.html", context)


def _application_action(request: Request, pk: int, action: str, forms_: dict[str, Any]) -> bool:
    """Run one staff action on an application from its form; False when the form has errors."""
    zone, user = request.zone, request.user
    form: Any
    if action == "screen":
        form = forms_["screen_form"] = ScreenForm(request.POST)
        if form.is_valid():
            services.screen(user, zone, pk, **form.cleaned_data)
            return True
    elif action == "assign":
        form = forms_["assign_form"] = AssignForm(request.POST)
        if form.is_valid():
            services.assign_experts(user, zone, pk, experts=list(form.cleaned_data["experts"]))
            return True
    elif action in ("reach", "pay"):
        form = forms_["milestone_form"] = MilestoneForm(request.POST)
        if form.is_valid():
            step = services.reach_milestone if action == "reach" else services.pay_tranche
            step(user, zone, pk, **form.cleaned_data)
            return True
    elif action == "round":
        form = forms_["round_form"] = RoundForm(request.POST)
        if form.is_valid():
            services.record_round(user, zone, pk, **form.cleaned_data)
            return True
    elif action == "leave":
        form = forms_["leave_form"] = LeaveForm(request.POST)
        if form.is_valid():
            services.leave_programme(user, zone, pk, **form.cleaned_data)
            return True
    return False


@login_required
def reviews_page(request: Request) -> HttpResponse:
    """An expert's assigned applications, the unscored first."""
    reviews = queries.expert_worklist(request.user, request.zone)
    if not access.is_reviewer(request.user):
        raise PermissionDenied
    return render(request, "parks/reviews.html", {"reviews": reviews})


@login_required
def review_page(request: Request, pk: int) -> HttpResponse:
    review = access.review_for(request.user, request.zone, pk)
    form = ReviewForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.submit_review(
                request.user,
                request.zone,
                review.pk,
                conflict=form.cleaned_data["conflict"],
                conflict_note=form.cleaned_data["conflict_note"],
                scores=form.scores(),
                comment=form.cleaned_data["comment"],
            )
        except ValidationError as exc:
            _form_errors(form, exc)
        else:
            messages.success(request, _("Your review is submitted."))
            return redirect("parks:reviews")
    return render(
        request, "parks/review.html", {"review": review, "application": review.application, "form": form}
    )


@login_required
def plan_download(request: Request, pk: int) -> HttpResponse:
    found = access.plan_for(request.user, request.zone, pk)
    return attachment(request, bytes(found.data), found.name, found.content_type)


@login_required
def redevelopments_page(request: Request) -> HttpResponse:
    """The redevelopment of low-efficiency land (低效用地再开发): under way (late first), completed with
    what they achieved (measured from the data), the low-efficiency parcels without one (start one), the
    ledger as xlsx."""
    today = timezone.localdate()
    rows = queries.redevelopments(request.user, request.zone, today)
    if LandDownloadForm(request.GET).chosen() == "xlsx":
        return attachment(request, exports.redevelopments_xlsx(rows), "low-efficiency-redevelopment.xlsx")
    candidates = queries.redevelopment_candidates(request.user, request.zone, today)
    choices = [(r["parcel"].pk, f"{r['parcel'].code} · {r['parcel'].park.name}") for r in candidates]
    form = StartRedevelopmentForm(
        request.POST or None,
        parcels=choices,
        initial={"started_on": today, "due_on": today + dt.timedelta(days=365)},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        parcel = access.parcel_for_case(request.user, request.zone, d["parcel"])
        try:
            item = services.start_redevelopment(
                request.user,
                parcel,
                approach=d["approach"],
                started_on=d["started_on"],
                due_on=d["due_on"],
                plan=d["plan"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("The redevelopment is recorded with the rules the parcel meets today.")
            )
            return redirect("parks:redevelopment", pk=item.pk)
    return render(
        request,
        "parks/redevelopments.html",
        {"rows": rows, "candidates": candidates, "form": form, "can_manage": access.can_manage(request.user)},
    )


@login_required
def redevelopment_page(request: Request, pk: int) -> HttpResponse:
    """One redevelopment: its progress reports, the parcel's rules then and now, and the next report."""
    item = access.redevelopment_for(request.user, request.zone, pk)
    today = timezone.localdate()
    form = RedevelopmentStepForm(request.POST or None, request.FILES or None, initial={"on": today})
    if request.method == "POST":
        item = access.redevelopment_for_change(request.user, request.zone, pk)
        if form.is_valid():
            d = form.cleaned_data
            try:
                if d["action"] == "report":
                    services.report_redevelopment(
                        request.user,
                        item,
                        on=d["on"],
                        progress=d["progress"],
                        note=d["note"],
                        attachment=d["attachment"],
                    )
                else:
                    services.finish_redevelopment(request.user, item, on=d["on"], done=d["action"] == "done")
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("Recorded."))
                return redirect("parks:redevelopment", pk=pk)
    return render(
        request,
        "parks/redevelopment.html",
        {
            "item": item,
            "form": form,
            "can_manage": access.can_manage(request.user),
            **queries.redevelopment_page(item, today),
        },
    )

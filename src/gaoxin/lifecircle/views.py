"""Pages of the life-circle app: thin — a form for the input, the gate or query, a service for a
change, then render. Every object of a zone is loaded through its gate in access.py."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import jobs
from gaoxin.common.cache import cached_json, remember
from gaoxin.common.cache import key as cache_key
from gaoxin.common.choices import JobStatus
from gaoxin.common.http import XLSX, attachment
from gaoxin.common.imports import ImportRejected
from gaoxin.lifecircle import access, exports, queries, services
from gaoxin.lifecircle.analysis import EvaluationError
from gaoxin.lifecircle.forms import (
    CandidateListForm,
    CompareForm,
    EvaluationChoiceForm,
    FacilityCodeForm,
    FormatForm,
    HousingForm,
    IsochroneForm,
    PromoteForm,
    RunForm,
    ScenarioChangeForm,
    ScenarioSitesForm,
    SiteChangeForm,
    SitingForm,
    StreetPageForm,
    errors_in_words,
)
from gaoxin.places.choices import WALK_PROFILE_SHORT, ServiceClass, WalkProfileCode
from gaoxin.places.web import Request


def _evaluation(request: Request) -> Any:
    """The evaluation of ``?evaluation=N`` (through its gate), or the zone's latest."""
    return queries.evaluation_or_latest(
        request.user, request.zone, EvaluationChoiceForm(request.GET).chosen()
    )


@login_required
def index(request: Request) -> HttpResponse:
    evaluation = _evaluation(request)
    context: dict[str, object] = {
        "evaluation": evaluation,
        "runs": queries.evaluations(request.user, request.zone, limit=20),
        "form": RunForm(initial={"profile": queries.default_profile_or_none()}),
        "can_run": access.can_run(request.user),
        "can_evaluate": access.can_evaluate(request.user),
    }
    if evaluation is not None:  # the dashboard is computed only when the page's cached fragment is missing
        context["version"] = cache_key(
            "lc:dashboard",
            evaluation.pk,
            evaluation.stale,
            request.zone.data_version,
            access.scope(request.user),
        )
        context["dashboard"] = lambda: queries.dashboard(request.user, evaluation)
    return render(request, "lifecircle/index.html", context)


@login_required
@require_POST
def run(request: Request) -> HttpResponse:
    """Start an evaluation of the zone as a job (its page shows the progress; the user keeps working)."""
    if not access.can_evaluate(request.user):
        raise PermissionDenied
    form = RunForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a profile."))
        return redirect("lifecircle:index")
    profile = form.cleaned_data["profile"]
    job = jobs.submit(
        "lifecircle.evaluate",
        actor=request.user,
        params={"zone": request.zone.pk, "profile": profile.pk if profile else None},
    )
    return redirect("job", pk=job.pk)


@login_required
def map_page(request: Request) -> HttpResponse:
    evaluation = _evaluation(request)
    version = (
        ""
        if evaluation is None
        else cache_key(
            "lc:map", evaluation.pk, evaluation.stale, request.zone.data_version, access.scope(request.user)
        )
    )

    def gaps() -> list[dict[str, Any]]:  # computed only when the page's cached fragment is missing
        if evaluation is None:
            return []
        return queries.gaps(evaluation, access.results_for(request.user, evaluation))

    return render(
        request,
        "lifecircle/map.html",
        {
            "evaluation": evaluation,
            "gaps": gaps,
            "version": version,
            "classes": ServiceClass.choices,
            "walk_profiles": [
                (code, WALK_PROFILE_SHORT[code], label) for code, label in WalkProfileCode.choices
            ],
            "strings": {
                "completeness": _("Completeness"),
                "missing": _("Missing"),
                "report": _("Report"),
                "walk": _("Walk"),
                "minutes": _("min"),
                "population": _("Population"),
                "none": _("none"),
            },
        },
    )


@login_required
def map_results(request: Request, pk: int) -> HttpResponse:
    """The evaluation's areas for the circle map, built once per evaluation, state and scope."""
    evaluation = access.evaluation_for(request.user, request.zone, pk)
    version = cache_key(
        "lc:results", evaluation.pk, evaluation.stale, request.zone.data_version, access.scope(request.user)
    )
    return cached_json(request, version, lambda: queries.results_geojson(request.user, evaluation))


@login_required
def isochrone(request: Request) -> JsonResponse:
    form = IsochroneForm(request.GET)
    if not form.is_valid():
        return JsonResponse(
            {"error": "bad_request", "detail": _("Give lon, lat and distance as numbers.")}, status=400
        )
    d = form.cleaned_data
    try:
        feature = queries.isochrone(
            request.user,
            request.zone,
            d["lon"],
            d["lat"],
            d["distance"] if d["distance"] is not None else 300,
            profile=d["profile"] or WalkProfileCode.DISTANCE,
        )
    except EvaluationError as exc:
        return JsonResponse({"error": "unreachable", "detail": str(exc)}, status=400)
    return JsonResponse(feature)


@login_required
def area_report(request: Request, pk: int, area_id: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, request.zone, pk)
    result = access.area_result_for(request.user, evaluation, area_id)
    rows = queries.report(evaluation, result)
    fmt = FormatForm(request.GET).chosen()
    if fmt == "xlsx":
        data = exports.results_xlsx(
            evaluation, [result], _("Life-circle report: %(a)s") % {"a": result.area.name}
        )
        return attachment(request, data, f"report-{result.area.code}.xlsx", XLSX)
    if fmt == "pdf":
        pdf = exports.area_report_pdf(evaluation, result, rows)
        return attachment(request, pdf, f"report-{result.area.code}.pdf", "application/pdf")
    return render(
        request, "lifecircle/area_report.html", {"evaluation": evaluation, "r": result, "rows": rows}
    )


@login_required
def street_page(request: Request, pk: int, street_id: int) -> HttpResponse:
    evaluation = access.evaluation_for(request.user, request.zone, pk)
    street = access.street_for(request.user, request.zone, street_id)

    def results() -> list[Any]:
        return [r for r in access.results_for(request.user, evaluation) if r.street_id == street.pk]

    version = cache_key("lc:street", evaluation.pk, evaluation.stale, request.zone.data_version, street.pk)
    community_choices = remember(
        version + ":communities",
        lambda: sorted({(r.area.community.code, r.area.community.name) for r in results()}),
    )
    form = StreetPageForm(request.GET, communities=community_choices)
    if form.chosen() == "xlsx":
        data = exports.results_xlsx(
            evaluation, results(), _("Life-circle evaluation: %(s)s") % {"s": street.name}
        )
        return attachment(request, data, f"lifecircle-{street.code}.xlsx", XLSX)
    chosen = form.communities()

    def figures() -> dict[str, Any]:  # computed only when the page's cached fragment is missing
        rows = results()
        circle = [r for r in rows if not chosen or r.area.community.code in chosen]
        return {
            "results": rows,
            "coverage": queries.coverage(evaluation, rows),
            "classes": queries.class_coverage(evaluation, rows),
            "checklist": queries.checklist(evaluation, circle),
            "gaps": queries.gaps(evaluation, rows),
        }

    return render(
        request,
        "lifecircle/street.html",
        {
            "evaluation": evaluation,
            "street": street,
            "community_choices": community_choices,
            "chosen": chosen,
            "figures": figures,
            "version": version + ":" + ",".join(sorted(chosen)),
        },
    )


@login_required
def compare(request: Request) -> HttpResponse:
    form = CompareForm(request.GET, zone=request.zone)
    runs = queries.evaluations(request.user, request.zone, limit=50)
    context: dict[str, object] = {"runs": runs}
    chosen = form.cleaned_data if form.is_valid() else {}
    if chosen.get("a") and chosen.get("b"):
        pair: tuple[int, int] | None = (chosen["a"].pk, chosen["b"].pk)
    else:  # the last change by default: the run before the latest against the latest
        pair = (runs[1].pk, runs[0].pk) if len(runs) > 1 else None
    if pair is not None:
        a = access.evaluation_for(request.user, request.zone, pair[0])
        b = access.evaluation_for(request.user, request.zone, pair[1])
        context |= {
            "a": a,
            "b": b,
            "a_id": str(a.pk),
            "b_id": str(b.pk),
            "cmp": queries.compare(
                a, b, access.results_for(request.user, a), access.results_for(request.user, b)
            ),
        }
    return render(request, "lifecircle/compare.html", context)


# --- siting and scenarios -------------------------------------------------------------------------


@login_required
def siting_page(request: Request) -> HttpResponse:
    """Choose a facility type, a street and a budget (or 'cover everyone'); see the proposed sites."""
    access.require_run(request.user)
    choices = queries.siting_choices(request.zone)
    form = SitingForm(
        request.GET, zone=request.zone, types=[it.facility_type.code for it in choices["items"]]
    )
    context: dict[str, object] = choices | {
        "params": form.data,
        "max_new_sites": queries.MAX_NEW_SITES,
        "cost_rows": queries.cost_rows(choices["items"]),
        "cost_base": queries.cost_defaults()["defaults"],
        "plan_slots": [(2, form.data.get("type2", "")), (3, form.data.get("type3", ""))],
        "map_strings": {
            "existing": _("existing"),
            "proposed": _("proposed"),
            "people": _("people"),
            "radius": _("walking radius"),
        },
    }
    if form.asked():
        if form.is_valid():
            question = form.request()
            job_id = form.cleaned_data.get("job")
            if job_id is None and form.heavy():  # seconds to minutes: a job, never inside the request
                job = jobs.submit(
                    "lifecircle.siting",
                    actor=request.user,
                    params={"zone": request.zone.pk, "query": dict(request.GET.lists())},
                )
                return redirect("job", pk=job.pk)
            try:
                proposal = (
                    queries.propose(request.user, request.zone, question)
                    if job_id is None
                    else queries.proposal_of(siting_result(request, job_id))
                )
            except EvaluationError as exc:
                context["error"] = str(exc)
            else:
                context["proposal"] = proposal
                context["several_types"] = len(proposal.get("types", [])) > 1
                if form.cleaned_data["format"] == "xlsx":
                    where = question.street.name if question.street else _("whole zone")
                    return attachment(
                        request,
                        exports.proposals_xlsx(proposal, where),
                        f"siting-{question.type_code}.xlsx",
                        XLSX,
                    )
            context["street"] = question.street
        else:
            context["error"] = form.message()
    return render(request, "lifecircle/siting.html", context)


def siting_result(request: Request, job_id: int) -> dict[str, Any]:
    """The result of the user's finished siting job (404 for another's, an error for an unfinished one)."""
    job = jobs.job_for(request.user, job_id)
    if job.kind != "lifecircle.siting":
        raise Http404
    if job.status != JobStatus.DONE:
        raise EvaluationError(job.error or _("The siting job has not finished yet."))
    result: dict[str, Any] = job.result
    return result


@login_required
@require_POST
def scenario_create(request: Request) -> HttpResponse:
    access.require_run(request.user)
    form = ScenarioSitesForm(request.POST, zone=request.zone)
    if not form.is_valid():
        messages.error(request, form.message())
        return redirect(reverse("lifecircle:siting"))
    d = form.cleaned_data
    try:
        if d["scenario"] is not None:  # into a saved scenario
            scenario = access.scenario_for_change(request.user, request.zone, d["scenario"].pk)
            services.add_sites(actor=request.user, scenario=scenario, type_code=d["type"], sites=form.sites())
        else:
            scenario = services.create_scenario(
                actor=request.user,
                zone=request.zone,
                name=d["name"] or _("New scenario"),
                type_code=d["type"],
                sites=form.sites(),
                street=d["street"],
            )
    except EvaluationError as exc:
        messages.error(request, str(exc))
        return redirect(reverse("lifecircle:siting"))
    return redirect("lifecircle:scenario", pk=scenario.pk)


@login_required
def scenario_list(request: Request) -> HttpResponse:
    """The saved scenarios of the zone: every planner and viewer sees them all (they are shared)."""
    return render(
        request,
        "lifecircle/scenarios.html",
        {
            "scenarios": queries.scenario_list(request.user, request.zone),
            "can_run": access.can_run(request.user),
        },
    )


@login_required
@require_POST
def scenario_delete(request: Request, pk: int) -> HttpResponse:
    scenario = access.scenario_for_change(request.user, request.zone, pk)
    services.delete_scenario(actor=request.user, scenario=scenario)
    messages.success(request, _("Scenario “%(name)s” deleted.") % {"name": scenario.name})
    return redirect("lifecircle:scenarios")


@login_required
def scenario_page(request: Request, pk: int) -> HttpResponse:
    scenario = access.scenario_for(request.user, request.zone, pk)
    try:
        comparison: dict[str, Any] | None = queries.compare_scenario(actor=request.user, scenario=scenario)
    except EvaluationError as exc:
        comparison, error = None, str(exc)
    else:
        error = ""
    if comparison is not None and FormatForm(request.GET).chosen() == "xlsx":
        return attachment(
            request, exports.scenario_xlsx(scenario, comparison), f"scenario-{scenario.pk}.xlsx", XLSX
        )
    added = queries.scenario_sites(scenario)
    sites = [row.site for row in added]
    return render(
        request,
        "lifecircle/scenario.html",
        {
            "scenario": scenario,
            "cmp": comparison,
            "error": error,
            "added": added,
            "map_data": queries.scenario_map(scenario, sites, comparison),
            "without_places": any(not f.capacity and f.facility_type.capacity_unit for f in sites),
            "streets": queries.streets(request.zone),
            "facility_choices": queries.facility_choices(request.zone)
            if access.can_run(request.user)
            else [],
        },
    )


@login_required
@require_POST
def scenario_promote(request: Request, pk: int, site_id: int) -> HttpResponse:
    site = access.scenario_site_for_change(request.user, request.zone, pk, site_id)
    form = PromoteForm(request.POST, zone=request.zone)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("lifecircle:scenario", pk=pk)
    street = form.cleaned_data["street"]
    code = form.cleaned_data["code"] or f"P{street.code}-{site.facility_type.code}-{site.pk}"
    try:
        facility = services.promote(actor=request.user, site=site, street=street, code=code)
    except ValidationError as exc:
        messages.error(request, "; ".join(exc.messages))
        return redirect("lifecircle:scenario", pk=pk)
    messages.success(request, _("%(name)s is now a planned facility.") % {"name": facility.name})
    return redirect("places:facility_detail", pk=facility.pk)


@login_required
@require_POST
def scenario_site(request: Request, pk: int, site_id: int) -> HttpResponse:
    """Set the places of a proposed facility in the scenario, or remove it from the scenario."""
    site = access.scenario_site_for_change(request.user, request.zone, pk, site_id)
    form = SiteChangeForm(request.POST)
    if not form.is_valid():
        messages.error(request, errors_in_words(form))
        return redirect("lifecircle:scenario", pk=pk)
    try:
        services.change_site(
            actor=request.user,
            site=site,
            capacity=form.cleaned_data["capacity"],
            remove=form.cleaned_data["remove"],
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_close(request: Request, pk: int) -> HttpResponse:
    scenario = access.scenario_for_change(request.user, request.zone, pk)
    form = FacilityCodeForm(request.POST)
    try:
        if not form.is_valid():
            raise EvaluationError(errors_in_words(form))
        facility = services.close_in_scenario(
            actor=request.user, scenario=scenario, facility_code=form.cleaned_data["code"]
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is closed in this scenario.") % {"name": facility.name})
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_change(request: Request, pk: int) -> HttpResponse:
    """Move an existing facility and/or give it another capacity, in the scenario only."""
    scenario = access.scenario_for_change(request.user, request.zone, pk)
    form = ScenarioChangeForm(request.POST)
    try:
        if not form.is_valid():
            raise EvaluationError(_("Longitude, latitude and capacity are numbers."))
        d = form.cleaned_data
        change = services.change_in_scenario(
            actor=request.user,
            scenario=scenario,
            facility_code=d["code"],
            lon=d["lon"],
            lat=d["lat"],
            capacity=d["capacity"],
        )
    except EvaluationError as exc:
        messages.error(request, str(exc))
    else:
        messages.success(request, _("%(name)s is changed in this scenario.") % {"name": change.facility.name})
    return redirect("lifecircle:scenario", pk=pk)


@login_required
@require_POST
def scenario_housing(request: Request, pk: int) -> HttpResponse:
    scenario = access.scenario_for_change(request.user, request.zone, pk)
    form = HousingForm(request.POST)
    try:
        if not form.is_valid():
            raise EvaluationError(errors_in_words(form))
        d = form.cleaned_data
        services.add_planned_housing(
            actor=request.user,
            scenario=scenario,
            name=d["name"],
            lon=d["lon"],
            lat=d["lat"],
            population=d["population"],
        )
    except EvaluationError as exc:
        messages.error(
            request, _("Planned housing needs a longitude, a latitude and a population: %(e)s") % {"e": exc}
        )
    return redirect("lifecircle:scenario", pk=pk)


# --- candidate site lists -------------------------------------------------------------------------


@login_required
def candidate_lists(request: Request) -> HttpResponse:
    """The zone's candidate site lists, and a new one from a file (planners)."""
    lists = queries.candidate_lists(request.user, request.zone)
    form = CandidateListForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, Any]] = []
    if request.method == "POST":
        access.require_run(request.user)
        if form.is_valid():
            d = form.cleaned_data
            try:
                created = services.import_candidates(
                    actor=request.user,
                    zone=request.zone,
                    name=d["name"],
                    content=d["file"].read(),
                    filename=d["file"].name,
                    coordinate_system=d["coordinate_system"],
                )
            except ImportRejected as exc:
                problems = [p.as_dict() for p in exc.problems[:500]]
            else:
                messages.success(
                    request,
                    _("Candidate list “%(name)s” saved with %(n)s sites.")
                    % {"name": created.name, "n": created.sites.count()},
                )
                return redirect("lifecircle:candidate_list", pk=created.pk)
        else:
            problems = [
                {"row": 0, "field": name, "message": str(e)}
                for name, errors in form.errors.items()
                for e in errors
            ]
    return render(
        request,
        "lifecircle/candidates.html",
        {
            "lists": lists,
            "problems": problems,
            "can_run": access.can_run(request.user),
            "name": form.data.get("name", "") if form.is_bound else "",
        },
        status=400 if problems else 200,
    )


@login_required
def candidate_list(request: Request, pk: int) -> HttpResponse:
    if request.method == "POST":
        found = access.candidate_list_for_change(request.user, request.zone, pk)
        services.delete_candidate_list(actor=request.user, candidate_list=found)
        messages.success(request, _("Candidate list “%(name)s” deleted.") % {"name": found.name})
        return redirect("lifecircle:candidates")
    found = access.candidate_list_for(request.user, request.zone, pk)
    return render(
        request,
        "lifecircle/candidate_list.html",
        {"list": found, "sites": found.sites.all(), "can_run": access.can_run(request.user)},
    )

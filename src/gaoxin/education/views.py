"""Pages of education planning: thin — a form or filter set for the input, the gate or query, a service
for a change, then render. Every object is loaded through its gate in access.py."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import pgettext
from django.views.decorators.http import require_POST

from gaoxin.common import imports, jobs
from gaoxin.common.choices import JobStatus
from gaoxin.common.forms import ChoiceForm
from gaoxin.common.http import attachment
from gaoxin.education import access, exports, queries, services
from gaoxin.education.choices import Level
from gaoxin.education.filtersets import DevelopmentFilter
from gaoxin.education.forms import (
    CatchmentForm,
    DevelopmentForm,
    ImportForm,
    JobForm,
    KindergartenForm,
    LevelForm,
    PhaseForm,
    SchoolRecordForm,
    SitingForm,
)
from gaoxin.education.imports import BIRTHS, DEVELOPMENTS, KINDERGARTENS
from gaoxin.education.models import Development, Kindergarten
from gaoxin.places.web import Request


def _format(request: Request, *allowed: str) -> str:
    return ChoiceForm(request.GET, name="format", allowed=allowed).chosen()


@login_required
def ledger(request: Request) -> HttpResponse:
    """The 同步 ledger: which developments break the rule and by how many places, per street and per
    kindergarten case."""
    access.require_view(request.user)
    today = timezone.localdate()
    f = DevelopmentFilter(request.GET, zone=request.zone)
    data = queries.ledger(request.user, request.zone, today, f)
    if _format(request, "xlsx") == "xlsx":
        return attachment(request, exports.ledger_xlsx(data), "kindergarten-ledger.xlsx")
    return render(
        request,
        "education/ledger.html",
        {
            "ledger": data,
            "filters": f,
            "today": today,
            "can_manage": access.can_manage(request.user),
            "import_form": ImportForm(),
            "profile": queries.profile(request.zone),
        },
    )


@login_required
def developments_export(request: Request) -> HttpResponse:
    access.require_view(request.user)
    items = [
        (d, list(d.phases.order_by("number")))
        for d in access.developments(request.user, request.zone).select_related("street", "kindergarten")
    ]
    return attachment(request, exports.developments_xlsx(items), "developments.xlsx")


@login_required
@require_POST
def import_file(request: Request) -> HttpResponse:
    access.require_manage(request.user)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for errors in form.errors.values():
            for error in errors:
                messages.error(request, str(error))
        return redirect("education:ledger")
    what = form.cleaned_data["what"]
    kind = {"developments": DEVELOPMENTS, "kindergartens": KINDERGARTENS, "births": BIRTHS}[what]
    options: dict[str, Any] = {"zone_id": request.zone.pk}
    if what == "births":
        options["year"] = form.cleaned_data["year"] or timezone.localdate().year
    upload = form.cleaned_data["file"]
    try:
        batch = imports.run(
            kind, actor=request.user, filename=upload.name, content=upload.read(), options=options
        )
    except imports.ImportRejected as exc:
        return render(
            request,
            "education/import_problems.html",
            {"problems": imports.described_problems(kind, exc.problems)},
            status=400,
        )
    summary = batch.summary
    if kind == BIRTHS:
        text = _("%(n)s children of %(a)s areas counted by school age.") % {
            "n": summary.get("children", 0),
            "a": summary.get("areas", 0),
        }
        messages.success(request, text)
        return redirect("education:forecast")
    if kind == DEVELOPMENTS:
        text = _("%(d)s developments and %(p)s phases imported.") % {
            "d": summary.get("developments", 0),
            "p": summary.get("phases", 0),
        }
    else:
        text = _("%(k)s kindergartens imported.") % {"k": summary.get("kindergartens", 0)}
    messages.success(request, text)
    return redirect("education:ledger")


@login_required
def development(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.development_detail(request.user, request.zone, pk, today)
    can_manage = access.can_manage(request.user)
    form = PhaseForm(development=context["development"])
    if request.method == "POST":
        access.require_manage(request.user)
        form = PhaseForm(request.POST, development=context["development"])
        if form.is_valid():
            try:
                services.save_phase(request.user, request.zone, form.save(commit=False))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The phase was saved."))
                return redirect("education:development", pk=pk)
    return render(
        request,
        "education/development.html",
        context | {"form": form if can_manage else None, "today": today},
    )


def _edit(
    request: Request, form: Any, save: Any, done: str, to: Callable[[Any], HttpResponse], title: str
) -> HttpResponse:
    """The edit page of one record: the form; on a valid POST the service saves it (a refusal is shown
    on the form), then ``to(saved)``."""
    if request.method == "POST" and form.is_valid():
        try:
            saved = save(request.user, request.zone, form.save(commit=False))
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, done)
            return to(saved)
    return render(request, "education/form.html", {"form": form, "title": title, "back": "education:ledger"})


@login_required
def development_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    dev = access.development_for(request.user, request.zone, pk) if pk else Development(zone=request.zone)
    form = DevelopmentForm(request.POST or None, instance=dev, zone=request.zone)
    return _edit(
        request,
        form,
        services.save_development,
        _("The development was saved."),
        lambda saved: redirect("education:development", pk=saved.pk),
        dev.name or _("New development"),
    )


@login_required
def phase_edit(request: Request, pk: int) -> HttpResponse:
    access.require_manage(request.user)
    phase = access.phase_for(request.user, request.zone, pk)
    form = PhaseForm(request.POST or None, instance=phase, development=phase.development)
    return _edit(
        request,
        form,
        services.save_phase,
        _("The phase was saved."),
        lambda saved: redirect("education:development", pk=saved.development_id),
        str(phase),
    )


@login_required
def kindergarten(request: Request, pk: int) -> HttpResponse:
    context = queries.kindergarten_detail(request.user, request.zone, pk, timezone.localdate())
    return render(
        request, "education/kindergarten.html", context | {"can_manage": access.can_manage(request.user)}
    )


@login_required
def kindergarten_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    kg = access.kindergarten_for(request.user, request.zone, pk) if pk else Kindergarten(zone=request.zone)
    form = KindergartenForm(request.POST or None, instance=kg, zone=request.zone)
    return _edit(
        request,
        form,
        services.save_kindergarten,
        _("The kindergarten was saved."),
        lambda saved: redirect("education:kindergarten", pk=saved.pk),
        kg.name or _("New kindergarten"),
    )


@login_required
def forecast(request: Request) -> HttpResponse:
    """Children of a level against places for this year and the next five, per zone, street and school;
    the planner's form for new schools where places run short."""
    access.require_view(request.user)
    today = timezone.localdate()
    level = LevelForm(request.GET).level_or_default()
    outlook = queries.places_outlook(request.user, request.zone, level, today)
    if _format(request, "xlsx") == "xlsx":
        return attachment(request, exports.outlook_xlsx(outlook), f"places-{level}.xlsx")
    short_year = outlook["short_years"][0] if outlook["short_years"] else outlook["years"][-1]
    chart = {
        "type": "lines",
        "labels": [str(y) for y in outlook["years"]],
        "series": [
            {"name": _("children"), "values": [round(r["children"]) for r in outlook["zone"]]},
            {"name": pgettext("school", "places"), "values": [round(r["places"]) for r in outlook["zone"]]},
        ],
    }
    return render(
        request,
        "education/forecast.html",
        {
            "outlook": outlook,
            "levels": Level.choices,
            "level": level,
            "level_label": Level(level).label,
            "chart": chart,
            "can_plan": access.can_plan(request.user),
            "can_manage": access.can_manage(request.user),
            "import_form": ImportForm(initial={"what": "births", "year": timezone.localdate().year}),
            "siting_form": SitingForm(
                initial={"level": level, "year": short_year, "sites": 1, "places": 1080}
            ),
        },
    )


@login_required
def school(request: Request, pk: int) -> HttpResponse:
    facility = access.school_for(request.user, request.zone, pk)
    level = queries.school_level(facility)
    form = SchoolRecordForm(facility=facility, initial={"year": timezone.localdate().year})
    can_manage = access.can_manage(request.user)
    if request.method == "POST":
        access.require_manage(request.user)
        form = SchoolRecordForm(request.POST, facility=facility)
        if form.is_valid():
            try:
                services.save_record(request.user, request.zone, form.save(commit=False))
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The register was saved."))
                return redirect("education:school", pk=pk)
    p = queries.profile(request.zone)
    from gaoxin.education import analysis

    records = [
        (r, analysis.class_check(r.pupils, r.classes, level, p))
        for r in facility.school_records.order_by("-year")
    ]
    return render(
        request,
        "education/school.html",
        {
            "school": facility,
            "records": records,
            "form": form if can_manage else None,
            "limit": p.class_size(level),
            "level": level,
        },
    )


@login_required
def siting(request: Request) -> HttpResponse:
    """Where new schools would take the forecast children a level lacks: a job (never in the request),
    its result shown here."""
    if request.method == "POST":
        access.require_plan(request.user)
        form = SitingForm(request.POST)
        if not form.is_valid():
            for errors in form.errors.values():
                for error in errors:
                    messages.error(request, str(error))
            return redirect("education:forecast")
        job = jobs.submit(
            "education.siting",
            actor=request.user,
            params={"zone": request.zone.pk, "query": {k: str(v) for k, v in form.cleaned_data.items()}},
        )
        return redirect("job", pk=job.pk)
    access.require_view(request.user)
    job_form = JobForm(request.GET)
    result: dict[str, Any] | None = None
    error = ""
    if job_form.is_valid() and job_form.cleaned_data["job"]:
        job = jobs.job_for(request.user, job_form.cleaned_data["job"])
        if job.kind != "education.siting":
            raise Http404
        if job.status == JobStatus.DONE:
            result = job.result
        else:
            error = job.error or _("The job has not finished yet.")
    geo = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                "properties": {"kind": "proposed", "name": f"{i + 1}", "children": round(s["children"])},
            }
            for i, s in enumerate((result or {}).get("sites", []))
        ]
        + [
            {
                "type": "Feature",
                "geometry": {"type": "Point", "coordinates": [s["lon"], s["lat"]]},
                "properties": {"kind": "school", "id": k, "name": s["name"], "places": round(s["places"])},
            }
            for k, s in enumerate((result or {}).get("short_points", []))
        ],
    }
    return render(
        request,
        "education/siting.html",
        {
            "result": result,
            "error": error,
            "level_label": Level(result["level"]).label if result else "",
            "geo": geo,
            "tile_url": settings.GAOXIN_MAP_TILE_URL,
        },
    )


@login_required
def catchments(request: Request) -> HttpResponse:
    access.require_view(request.user)
    today = timezone.localdate()
    p = queries.profile(request.zone)
    form = CatchmentForm(initial={"year": today.year, "level": Level.PRIMARY})
    if request.method == "POST":
        access.require_plan(request.user)
        form = CatchmentForm(request.POST)
        if form.is_valid():
            year = form.cleaned_data["year"]
            if not today.year <= year <= today.year + p.forecast_years:
                form.add_error(
                    "year",
                    _("Choose a school year from %(first)s to %(last)s.")
                    % {"first": today.year, "last": today.year + p.forecast_years},
                )
            else:
                job = jobs.submit(
                    "education.catchments",
                    actor=request.user,
                    params={
                        "zone": request.zone.pk,
                        "query": {k: str(v) for k, v in form.cleaned_data.items()},
                    },
                )
                return redirect("job", pk=job.pk)
    return render(
        request,
        "education/catchments.html",
        {
            "plans": queries.plan_list(request.user, request.zone),
            "form": form,
            "can_plan": access.can_plan(request.user),
        },
    )


@login_required
def plan(request: Request, pk: int) -> HttpResponse:
    detail = queries.plan_detail(request.user, request.zone, pk)
    fmt = _format(request, "xlsx", "geojson")
    if fmt == "geojson":
        return JsonResponse(queries.plan_geojson(detail))
    if fmt == "xlsx":
        return attachment(request, exports.plan_xlsx(detail), f"catchment-{pk}.xlsx")
    return render(
        request,
        "education/plan.html",
        detail | {"can_publish": access.can_publish(request.user), "tile_url": settings.GAOXIN_MAP_TILE_URL},
    )


@login_required
@require_POST
def plan_publish(request: Request, pk: int) -> HttpResponse:
    plan_ = access.plan_for(request.user, request.zone, pk)
    services.publish(request.user, request.zone, plan_)
    messages.success(request, _("The catchment is now the current one of its level."))
    return redirect("education:plan", pk=pk)

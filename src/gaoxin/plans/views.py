"""Pages of the plans app: thin — a form or filter set for the input, the gate or query, a service
for a change, then render. Every object is loaded through its gate in access.py."""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import ValidationError
from django.http import HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports
from gaoxin.common.forms import ChoiceForm
from gaoxin.common.http import attachment
from gaoxin.common.units import YUAN_PER_WAN
from gaoxin.places.web import Request
from gaoxin.plans import access, exports, queries, services
from gaoxin.plans.choices import NodeState, TargetState
from gaoxin.plans.filtersets import CareFilter, ProjectFilter, TargetFilter, TaskFilter
from gaoxin.plans.forms import (
    AssessmentForm,
    CareForm,
    FinishForm,
    ImportForm,
    MealsForm,
    MonthForm,
    ProgrammeForm,
    ProgressForm,
    StageForm,
    TargetForm,
    TargetReportForm,
    YearForm,
)
from gaoxin.plans.imports import KIND, MONTHS_KIND


def _year(request: Request) -> int:
    form = YearForm(request.GET)
    year = form.cleaned_data.get("year") if form.is_valid() else None
    return year or timezone.localdate().year


@login_required
def index(request: Request) -> HttpResponse:
    """The year's targets board, the programmes' lights and the reminders of the next 7 days."""
    access.require_view(request.user)
    today = timezone.localdate()
    year = _year(request)
    f = TargetFilter(request.GET, zone=request.zone)
    views = queries.board(request.user, request.zone, year, today, f)
    counts: dict[str, int] = {}
    for v in views:
        counts[v.state] = counts.get(v.state, 0) + 1
    return render(
        request,
        "plans/index.html",
        {
            "year": year,
            "years": sorted(set(queries.years(request.user, request.zone)) | {year}, reverse=True),
            "views": views,
            "counts": [(s.value, s.label, counts.get(s.value, 0)) for s in TargetState],
            "filters": f,
            "programmes": queries.programme_summaries(request.user, request.zone, today),
            "reminders": queries.reminders(request.user, request.zone, today),
            "today": today,
            "can_manage": access.can_manage(request.user),
        },
    )


@login_required
def board_export(request: Request) -> HttpResponse:
    year = _year(request)
    views = queries.board(
        request.user, request.zone, year, timezone.localdate(), TargetFilter(request.GET, zone=request.zone)
    )
    data = exports.board_xlsx(year, views, {s.value: str(s.label) for s in TargetState})
    return attachment(request, data, f"targets-{year}.xlsx")


@login_required
def target_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.target_detail(request.user, request.zone, pk, today)
    form = TargetReportForm(initial={"as_of": today})
    if request.method == "POST":
        form = TargetReportForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                services.report_target(
                    request.user,
                    context["target"],
                    value=form.cleaned_data["value"],
                    as_of=form.cleaned_data["as_of"],
                    note=form.cleaned_data["note"],
                    evidence=form.cleaned_data["evidence"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The figure was reported."))
                return redirect("plans:target", pk=pk)
    return render(request, "plans/target_detail.html", context | {"form": form, "today": today})


@login_required
def target_edit(request: Request, pk: int | None = None) -> HttpResponse:
    access.require_manage(request.user)
    target = access.target_for(request.user, request.zone, pk) if pk is not None else None
    form = TargetForm(request.POST or None, instance=target, zone=request.zone)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.save_target(request.user, request.zone, form.target_data(), target)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(request, _("The target was saved."))
            return redirect("plans:target", pk=saved.pk)
    return render(request, "plans/target_form.html", {"form": form, "target": target})


@login_required
def programme_new(request: Request) -> HttpResponse:
    access.require_manage(request.user)
    form = ProgrammeForm(request.POST or None, zone=request.zone, initial={"year": timezone.localdate().year})
    if request.method == "POST" and form.is_valid():
        try:
            programme = services.create_programme(request.user, request.zone, **form.cleaned_data)
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            return redirect("plans:programme", pk=programme.pk)
    return render(request, "plans/programme_form.html", {"form": form})


@login_required
def programme_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    f = TaskFilter(request.GET, zone=request.zone)
    context = queries.table(request.user, request.zone, pk, today, f)
    return render(
        request,
        "plans/programme.html",
        context
        | {
            "filters": f,
            "today": today,
            "states": {s.value: s.label for s in NodeState},
            "can_manage": access.can_manage(request.user),
            "can_supervise": access.can_supervise(request.user),
            "import_form": ImportForm(),
        },
    )


@login_required
def programme_export(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.table(request.user, request.zone, pk, today)
    data = exports.task_table_xlsx(context["programme"], context["rows"], queries.nodes_cell)
    return attachment(request, data, f"task-table-{pk}.xlsx")


@login_required
@require_POST
def programme_import(request: Request, pk: int) -> HttpResponse:
    programme = access.programme_for(request.user, request.zone, pk)
    access.require_manage(request.user)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect("plans:programme", pk=pk)
    upload = form.cleaned_data["file"]
    try:
        batch = imports.run(
            KIND,
            actor=request.user,
            filename=upload.name,
            content=upload.read(),
            options={"programme": programme.pk},
        )
    except imports.ImportRejected as exc:
        return render(
            request,
            "plans/import_problems.html",
            {"programme": programme, "problems": imports.described_problems(KIND, exc.problems)},
            status=400,
        )
    messages.success(request, _("%(n)s tasks imported.") % {"n": batch.summary.get("tasks", 0)})
    return redirect("plans:programme", pk=pk)


@login_required
@require_POST
def programme_escalate(request: Request, pk: int) -> HttpResponse:
    programme = access.programme_for(request.user, request.zone, pk)
    access.require_supervise(request.user)
    issued = services.escalate(request.user, request.zone, timezone.localdate())
    messages.success(request, _("%(n)s supervision notices issued.") % {"n": len(issued)})
    return redirect("plans:programme", pk=programme.pk)


@login_required
def task_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    task = access.task_for(request.user, request.zone, pk)
    form = ProgressForm(task=task, initial={"period": today.strftime("%Y-%m")})
    if request.method == "POST":
        form = ProgressForm(request.POST, request.FILES, task=task)
        if form.is_valid():
            try:
                services.report_progress(
                    request.user,
                    task,
                    period=form.cleaned_data["period"],
                    text=form.cleaned_data["text"],
                    node=form.cleaned_data["node"],
                    attachment=form.cleaned_data["attachment"],
                    today=today,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                messages.success(request, _("The progress was reported."))
                return redirect("plans:task", pk=pk)
    row = next(r for r in queries.task_rows(task.programme, today) if r.task.pk == task.pk)
    return render(
        request,
        "plans/task.html",
        {
            "task": task,
            "row": row,
            "form": form,
            "finish_form": FinishForm(initial={"done_on": today}),
            "reports": task.reports.select_related("unit", "attachment", "node", "reported_by"),
            "can_report": access.can_report(request.user, task),
            "can_finish": access.can_finish(request.user, task),
            "states": {s.value: s.label for s in NodeState},
            "today": today,
        },
    )


@login_required
@require_POST
def node_finish(request: Request, pk: int) -> HttpResponse:
    node = access.node_for(request.user, request.zone, pk)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.finish_node(
                request.user, node, done_on=form.cleaned_data["done_on"], today=timezone.localdate()
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
        else:
            messages.success(request, _("The time node is marked done."))
    else:
        messages.error(request, _("Give the day it was done."))
    return redirect("plans:task", pk=node.task_id)


@login_required
@require_POST
def node_reopen(request: Request, pk: int) -> HttpResponse:
    node = access.node_for(request.user, request.zone, pk)
    services.reopen_node(request.user, node)
    return redirect("plans:task", pk=node.task_id)


@login_required
def attachment_download(request: Request, pk: int) -> HttpResponse:
    found = access.attachment_for(request.user, request.zone, pk)
    return attachment(request, bytes(found.data), found.name, found.content_type)


@login_required
def project_list(request: Request) -> HttpResponse:
    """The portfolio of major projects: the year's investment against the plan, a map and a chart."""
    access.require_view(request.user)
    today = timezone.localdate()
    year = _year(request)
    f = ProjectFilter(request.GET, zone=request.zone)
    context = queries.portfolio(request.user, request.zone, year, today, f)
    fmt = ChoiceForm(request.GET, name="format", allowed=("geojson", "xlsx")).chosen()
    if fmt == "geojson":
        return JsonResponse(queries.project_geojson(context["views"]))
    if fmt == "xlsx":
        return attachment(request, exports.portfolio_xlsx(year, context["views"]), f"projects-{year}.xlsx")
    return render(
        request,
        "plans/projects.html",
        context
        | {
            "year": year,
            "today": today,
            "filters": f,
            "can_manage": access.can_manage(request.user),
            "import_form": ImportForm(),
            "tile_url": settings.GAOXIN_MAP_TILE_URL,
            "strings": {
                "stage": _("Stage"),
                "rate": _("Completion rate this year"),
                "next": _("Next milestone"),
            },
        },
    )


@login_required
@require_POST
def projects_import(request: Request) -> HttpResponse:
    access.require_manage(request.user)
    form = ImportForm(request.POST, request.FILES)
    if not form.is_valid():
        for error in form.errors.get("file", []):
            messages.error(request, str(error))
        return redirect("plans:projects")
    upload = form.cleaned_data["file"]
    options = {"zone": request.zone.pk, "today": timezone.localdate().isoformat()}
    try:
        batch = imports.run(
            MONTHS_KIND, actor=request.user, filename=upload.name, content=upload.read(), options=options
        )
    except imports.ImportRejected as exc:
        return render(
            request,
            "plans/import_problems.html",
            {"problems": imports.described_problems(MONTHS_KIND, exc.problems)},
            status=400,
        )
    messages.success(request, _("%(n)s months of progress imported.") % {"n": batch.summary.get("months", 0)})
    return redirect("plans:projects")


@login_required
def project_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    year = _year(request)
    context = queries.project_detail(request.user, request.zone, pk, year, today)
    project = context["project"]
    renovation = project.households is not None
    month_form = MonthForm(renovation=renovation, initial={"month": today.strftime("%Y-%m")})
    stage_form = StageForm(
        stages=[(c, label) for c, label, _s in context["view"].stages],
        initial={"stage": project.stage, "entered_on": today},
    )
    action = (
        ChoiceForm(request.POST, name="action", allowed=("month", "stage")).chosen()
        if request.method == "POST"
        else ""
    )
    if action == "month":
        month_form = MonthForm(request.POST, renovation=renovation)
        if month_form.is_valid():
            data = dict(month_form.cleaned_data)
            try:
                month = queries.parse_month(data.pop("month"))
                services.record_month(
                    request.user,
                    project,
                    month=month,
                    completed_yuan=data.pop("completed_10k_yuan") * YUAN_PER_WAN,
                    today=today,
                    **data,
                )
            except ValidationError as exc:
                month_form.add_error(None, exc)
            else:
                messages.success(request, _("The month's progress was recorded."))
                return redirect("plans:project", pk=pk)
    elif action == "stage":
        stage_form = StageForm(request.POST, stages=[(c, label) for c, label, _s in context["view"].stages])
        if stage_form.is_valid():
            try:
                services.change_stage(request.user, project, today=today, **stage_form.cleaned_data)
            except ValidationError as exc:
                stage_form.add_error(None, exc)
            else:
                return redirect("plans:project", pk=pk)
    return render(
        request,
        "plans/project.html",
        context
        | {
            "year": year,
            "today": today,
            "month_form": month_form,
            "stage_form": stage_form,
            "finish_form": FinishForm(initial={"done_on": today}),
        },
    )


@login_required
@require_POST
def milestone_finish(request: Request, pk: int) -> HttpResponse:
    milestone = access.milestone_for(request.user, request.zone, pk)
    form = FinishForm(request.POST)
    if form.is_valid():
        try:
            services.finish_milestone(
                request.user, milestone, done_on=form.cleaned_data["done_on"], today=timezone.localdate()
            )
        except ValidationError as exc:
            for message in exc.messages:
                messages.error(request, message)
    else:
        messages.error(request, _("Give the day it was done."))
    return redirect("plans:project", pk=milestone.project_id)


@login_required
def care_list(request: Request) -> HttpResponse:
    """The zone's elderly-care facilities: places, meals, reading rooms, star grades, day-care classes."""
    access.require_view(request.user)
    today = timezone.localdate()
    f = CareFilter(request.GET, zone=request.zone)
    rows = queries.care_rows(request.user, request.zone, today, f)
    return render(request, "plans/care_list.html", {"rows": rows, "filters": f, "today": today})


@login_required
def care_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.care_detail(request.user, request.zone, pk, today)
    facility = context["facility"]
    care_form = CareForm(instance=context["view"].care)
    assessment_form = AssessmentForm(initial={"assessed_on": today})
    meals_form = MealsForm(initial={"month": today.strftime("%Y-%m")})
    action = (
        ChoiceForm(request.POST, name="action", allowed=("care", "assessment", "meals")).chosen()
        if request.method == "POST"
        else None
    )
    try:
        if action == "care":
            care_form = CareForm(request.POST, instance=context["view"].care)
            if care_form.is_valid():
                services.save_care(request.user, facility, care_form.cleaned_data)
                return redirect("plans:care", pk=pk)
        elif action == "assessment":
            assessment_form = AssessmentForm(request.POST)
            if assessment_form.is_valid():
                services.add_assessment(request.user, facility, today=today, **assessment_form.cleaned_data)
                return redirect("plans:care", pk=pk)
        elif action == "meals":
            meals_form = MealsForm(request.POST)
            if meals_form.is_valid():
                data = meals_form.cleaned_data
                services.record_meals(
                    request.user,
                    facility,
                    month=queries.parse_month(data["month"]),
                    served=data["served"],
                    subsidised=data["subsidised"],
                    today=today,
                )
                return redirect("plans:care", pk=pk)
    except ValidationError as exc:
        form = {"care": care_form, "assessment": assessment_form, "meals": meals_form}[str(action)]
        form.add_error(None, exc)
    return render(
        request,
        "plans/care.html",
        context
        | {
            "care_form": care_form,
            "assessment_form": assessment_form,
            "meals_form": meals_form,
            "today": today,
        },
    )

"""Pages of grid governance: thin — a form or filter set, the gate or query, a service, then render."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import imports
from gaoxin.common.forms import ChoiceForm
from gaoxin.common.http import attachment, page_of, querystring_without_page
from gaoxin.governance import access, exports, queries, services
from gaoxin.governance.choices import Source
from gaoxin.governance.filtersets import CaseFilter
from gaoxin.governance.forms import (
    ConfirmForm,
    DisputeForm,
    EndForm,
    GridImportForm,
    ReportForm,
    SessionForm,
    StepForm,
    VisitForm,
)
from gaoxin.governance.imports import KIND as GRID_KIND
from gaoxin.places.web import Request


@login_required
def board(request: Request) -> HttpResponse:
    """The requests board: 为民服务零距离 in figures (per street and grid) and the list."""
    if not access.can_view_board(request.user):
        return redirect("governance:mine")
    now = timezone.now()
    f = CaseFilter(request.GET, zone=request.zone)
    context = queries.board(request.user, request.zone, now, f)
    coverage = (
        queries.coverage_by_grid(request.user, request.zone, timezone.localdate())
        if access.can_view_collection(request.user)
        else None
    )
    if ChoiceForm(request.GET, name="format", allowed=("xlsx",)).chosen() == "xlsx":
        data = exports.figures_xlsx(context, coverage or {"rows": []})
        return attachment(request, data, "governance-figures.xlsx")
    disputes = (
        queries.dispute_board(request.user, request.zone, timezone.localdate())
        if access.can_view_disputes(request.user)
        else None
    )
    page = page_of(queries.cases(request.user, request.zone, f), request.GET, 50)
    return render(
        request,
        "governance/board.html",
        context
        | {
            "filters": f,
            "page": page,
            "rows": queries.rows(page, now),
            "qs": querystring_without_page(request),
            "escalated": queries.escalated(request.user, request.zone)[:20],
            "can_disputes": access.can_view_disputes(request.user),
            "coverage": coverage,
            "disputes": disputes,
        },
    )


@login_required
def mine(request: Request) -> HttpResponse:
    """A resident's own requests: their status and the answer (phone layout)."""
    now = timezone.now()
    return render(
        request,
        "governance/mine.html",
        {"rows": queries.rows(access.own_cases(request.user, request.zone).select_related("service"), now)},
    )


@login_required
def report(request: Request) -> HttpResponse:
    staff = (
        access.is_centre(request.user) or access.is_street_staff(request.user) or request.user.grids.exists()
    )
    form = ReportForm(request.POST or None, request.FILES or None, staff=staff)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            case = services.report(
                request.user,
                request.zone,
                service=data["service"],
                description=data["description"],
                source=data.get("source") or Source.RESIDENT,
                urgency=data["urgency"],
                lon=data["lon"],
                lat=data["lat"],
                address=data["address"],
                contact_phone=data["contact_phone"],
                contact_name=request.user.display_name or request.user.username,
                photo=data["photo"],
            )
        except ValidationError as exc:
            form.add_error(None, exc)
        else:
            messages.success(
                request, _("Your request %(n)s is filed; you can follow it here.") % {"n": case.number}
            )
            return redirect("governance:case", pk=case.pk)
    return render(request, "governance/report.html", {"form": form})


@login_required
def case_detail(request: Request, pk: int) -> HttpResponse:
    now = timezone.now()
    context = queries.detail(request.user, request.zone, pk, now)
    form = StepForm(zone=request.zone)
    if request.method == "POST":
        form = StepForm(request.POST, zone=request.zone)
        if form.is_valid():
            data = form.cleaned_data
            try:
                services.step(
                    request.user,
                    context["case"],
                    data["action"],
                    note=data["note"],
                    department=data["department"],
                    rating=data["rating"],
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("governance:case", pk=pk)
    return render(request, "governance/case.html", context | {"form": form, "now": now})


@login_required
@require_POST
def escalate(request: Request) -> HttpResponse:
    late = services.escalate_overdue(request.user, request.zone)
    messages.success(request, _("%(n)s overdue requests escalated.") % {"n": len(late)})
    return redirect("governance:board")


@login_required
def photo(request: Request, pk: int) -> HttpResponse:
    found = access.photo_for(request.user, request.zone, pk)
    return attachment(request, bytes(found.data), found.name, found.content_type)


@login_required
def grids(request: Request) -> HttpResponse:
    """The grids with their workers and branches; the centre imports them (GeoJSON, CSV, xlsx)."""
    rows = (
        access.grids(request.user, request.zone)
        .select_related("community__street")
        .prefetch_related("workers")
    )
    form = GridImportForm()
    problems: list[dict[str, object]] = []
    if request.method == "POST":
        if not access.is_centre(request.user):
            raise PermissionDenied
        form = GridImportForm(request.POST, request.FILES)
        if form.is_valid():
            upload = form.cleaned_data["file"]
            try:
                batch = imports.run(
                    GRID_KIND,
                    actor=request.user,
                    filename=upload.name,
                    content=upload.read(),
                    options={
                        "zone_id": request.zone.pk,
                        "coordinate_system": form.cleaned_data["coordinate_system"],
                    },
                )
            except imports.ImportRejected as exc:
                problems = imports.described_problems(GRID_KIND, exc.problems)
            else:
                messages.success(request, _("%(n)s grids imported.") % {"n": batch.summary.get("grids", 0)})
                return redirect("governance:grids")
    return render(
        request,
        "governance/grids.html",
        {"rows": rows, "form": form, "problems": problems, "can_import": access.is_centre(request.user)},
        status=400 if problems else 200,
    )


@login_required
def disputes(request: Request) -> HttpResponse:
    """纠纷化解零搁置: the open disputes by age, the late ones escalated first, and the figures."""
    if not access.can_view_disputes(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    context = queries.dispute_board(request.user, request.zone, today)
    form = DisputeForm(zone=request.zone, initial={"accepted_on": today, "street": request.user.street_id})
    if request.method == "POST":
        form = DisputeForm(request.POST, zone=request.zone)
        if form.is_valid():
            try:
                d = services.accept_dispute(request.user, request.zone, today=today, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("governance:dispute", pk=d.pk)
    return render(
        request,
        "governance/disputes.html",
        context | {"form": form, "today": today, "can_accept": access.can_accept_dispute(request.user)},
    )


@login_required
def dispute_detail(request: Request, pk: int) -> HttpResponse:
    today = timezone.localdate()
    context = queries.dispute_detail(request.user, request.zone, pk, today)
    dispute = context["dispute"]
    forms_ = {
        "session": SessionForm(initial={"held_on": today}),
        "end": EndForm(initial={"ended_on": today}),
        "confirm": ConfirmForm(initial={"on": today}),
    }
    action = (
        ChoiceForm(request.POST, name="action", allowed=("session", "end", "confirm")).chosen()
        if request.method == "POST"
        else None
    )
    if action in forms_:
        form = {"session": SessionForm, "end": EndForm, "confirm": ConfirmForm}[action](
            request.POST, request.FILES
        )
        forms_[action] = form
        if form.is_valid():
            try:
                if action == "session":
                    services.add_session(request.user, dispute, today=today, **form.cleaned_data)
                elif action == "end":
                    services.end_dispute(request.user, dispute, today=today, **form.cleaned_data)
                else:
                    services.court_confirmed(request.user, dispute, today=today, **form.cleaned_data)
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("governance:dispute", pk=pk)
    return render(request, "governance/dispute.html", context | {"forms": forms_, "today": today})


@login_required
def dispute_agreement(request: Request, pk: int) -> HttpResponse:
    dispute = access.dispute_for(request.user, request.zone, pk)
    access.require_handle_dispute(request.user, dispute)
    if dispute.agreement is None:
        raise Http404
    return attachment(
        request, bytes(dispute.agreement.data), dispute.agreement.name, dispute.agreement.content_type
    )


@login_required
def collection(request: Request) -> HttpResponse:
    """信息采集零空档: each grid's coverage (households visited within their interval) and freshness."""
    if not access.can_view_collection(request.user):
        raise PermissionDenied
    context = queries.coverage_by_grid(request.user, request.zone, timezone.localdate())
    return render(request, "governance/collection.html", context)


@login_required
def grid_worklist(request: Request, pk: int) -> HttpResponse:
    """A grid's households, due and overdue first, with the visit form (the grid worker's worklist)."""
    today = timezone.localdate()
    form = VisitForm(initial={"visited_on": today})
    if request.method == "POST":
        form = VisitForm(request.POST)
        if form.is_valid():
            household = access.household_for(request.user, request.zone, form.cleaned_data["household"])
            try:
                services.record_visit(
                    request.user,
                    household,
                    visited_on=form.cleaned_data["visited_on"],
                    change=form.cleaned_data["change"],
                    note=form.cleaned_data["note"],
                    today=today,
                )
            except ValidationError as exc:
                form.add_error(None, exc)
            else:
                return redirect("governance:grid_worklist", pk=pk)
    context = queries.grid_worklist(request.user, request.zone, pk, today)
    return render(request, "governance/worklist.html", context | {"form": form, "today": today})

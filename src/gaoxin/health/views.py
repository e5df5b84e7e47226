"""Pages of the health app: access first (404 outside the scope), then services, then render.
Every page that shows a person's health data writes an audit event through the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from gaoxin.accounts.models import User
from gaoxin.common.forms import ChoiceForm
from gaoxin.common.http import XLSX, attachment, page_of, querystring_without_page
from gaoxin.common.tabular import write_xlsx
from gaoxin.health import access, exports, queries, services
from gaoxin.health.choices import SignedVia
from gaoxin.health.filtersets import AuditFilter
from gaoxin.health.forms import (
    ApplyForm,
    AppointmentActionForm,
    AskForm,
    BirthForm,
    BookForm,
    BreakGlassForm,
    CancelForm,
    CheckForm,
    ChildVisitForm,
    ConditionForm,
    DeliveryForm,
    EscalateForm,
    FhirSearchForm,
    FollowUpForm,
    HistoryForm,
    InstitutionFilterForm,
    MaternalVisitForm,
    MeasurementForm,
    MergeForm,
    MessageForm,
    PortalActionForm,
    PregnancyForm,
    ReferralFilterForm,
    ReferralForm,
    ReferralStepForm,
    RegisterForm,
    ResidentSearchForm,
    RevealForm,
    SignForm,
    SlotsForm,
    TeleconsultForm,
    TeleconsultStepForm,
    TerminateForm,
    TransferForm,
)
from gaoxin.health.models import HealthRecord, Institution, Resident, Team
from gaoxin.places.web import Request


@login_required
def home(request: Request) -> HttpResponse:
    user = request.user
    if access.is_staff_of_care(user):
        return redirect("health:residents")
    if getattr(user, "resident", None) is not None:
        return redirect("health:me")
    if access.can_read_audit(user):
        return redirect("health:audit")
    if access.can_see_kpis(user):
        return redirect("health:kpis")
    raise PermissionDenied


def _my_team(user: User) -> Team | None:
    return queries.team_of(user)


@login_required
def residents(request: Request) -> HttpResponse:
    """The residents in the caller's care. A search is POSTed: an ID number never lands in an access log
    or the browser's history."""
    access.require_staff_of_care(request.user)
    q = ResidentSearchForm(request.POST).text() if request.method == "POST" else ""
    page = queries.care_list(request.user, q, request.GET, request=request)
    rows = queries.resident_rows(list(page))
    return render(
        request,
        "health/residents.html",
        {"page": page, "rows": rows, "searched": bool(q), "team": _my_team(request.user), "qs": ""},
    )


@login_required
def resident_detail(request: Request, pk: int) -> HttpResponse:
    resident, record = queries.resident_in_care(request.user, pk, request=request)
    revealed = {}
    if request.method == "POST":
        form = RevealForm(request.POST)
        if form.is_valid():
            what = form.cleaned_data["reveal"]
            reveal = queries.reveal_id_number if what == "id_number" else queries.reveal_phone
            revealed[what] = reveal(request.user, resident, request=request)
    contract = services.holding_contract(resident)
    referrals = list(queries.referrals_of_resident(request.user, resident)[:10])
    latest = record.followups.order_by("-visit_on", "-pk").first() if record else None
    open_referral = queries.has_open_referral(referrals)
    return render(
        request,
        "health/resident.html",
        {
            "referrals": referrals,
            "proposes": latest if latest and latest.referral != "none" and not open_referral else None,
            "referral_reader": access.referral_reader(request.user, resident),
            "emergency": queries.emergency_of(request.user, resident),
            "can_change": access.in_care(request.user, resident),
            "resident": resident,
            "record": record,
            "contract": contract,
            "revealed": revealed,
            "age": resident.age(timezone.localdate()),
            "groups": queries.group_labels(queries.groups_of(resident)),
            "sign_form": SignForm(),
            "terminate_form": TerminateForm(),
            "cancel_form": CancelForm(),
            "team": _my_team(request.user),
            "renewal_due": contract is not None
            and contract.renewal_due(timezone.localdate(), services.RENEWAL_WINDOW_DAYS),
            "condition_form": ConditionForm(),
            "followup_form": FollowUpForm(initial={"visit_on": timezone.localdate()}),
            "followups": record.followups.all()[:12] if record else [],
            "check_form": CheckForm(initial={"checked_on": timezone.localdate()}),
            "child_form": ChildVisitForm(initial={"visited_on": timezone.localdate()}),
            "child_schedule": queries.child_schedule(
                resident, record, services.child_visits(), timezone.localdate()
            ),
            "elderly": queries.elderly_status(resident, record, timezone.localdate()),
            "maternal": queries.maternal_status(record, services.maternal_rules(), timezone.localdate())
            if resident.sex == 2
            else None,
            "pregnancy_form": PregnancyForm(initial={"registered_on": timezone.localdate()}),
            "birth_form": BirthForm(),
            "maternal_form": MaternalVisitForm(initial={"visited_on": timezone.localdate()}),
            "measurement_form": MeasurementForm(initial={"taken_on": timezone.localdate()}),
            "history_form": HistoryForm(
                initial={k: getattr(record, k) for k in HistoryForm.base_fields} if record else None
            ),
            "delivery_form": DeliveryForm(
                items=[str(i.get("name")) for i in contract.package.items] if contract else [],
                initial={"delivered_on": timezone.localdate()},
            ),
            "fulfilment": services.contract_fulfilment(contract) if contract else None,
            "manager": access.is_manager(request.user),
            "transfer_form": TransferForm(),
            "merge_form": MergeForm(),
            "deliveries": contract.deliveries.all()[:10] if contract else [],
        },
    )


@login_required
@require_POST
def record_edit(request: Request, pk: int, part: str) -> HttpResponse:
    """Add a condition or a measurement, or edit the history, of a record in the caller's care."""
    resident = access.resident_for_staff(request.user, pk)
    record = access.record_for_staff(request.user, resident)
    forms_by_part = {
        "condition": ConditionForm,
        "measurement": MeasurementForm,
        "history": HistoryForm,
        "followup": FollowUpForm,
        "check": CheckForm,
        "child": ChildVisitForm,
        "pregnancy": PregnancyForm,
        "birth": BirthForm,
        "maternal": MaternalVisitForm,
    }
    if record is None or part not in forms_by_part:
        raise Http404
    form = forms_by_part[part](request.POST)
    if not form.is_valid():
        messages.error(
            request,
            " ".join(
                f"{form.fields[f].label}: {' '.join(str(x) for x in e)}" for f, e in form.errors.items()
            ),
        )
        return redirect("health:resident", pk=pk)
    try:
        if part == "condition":
            services.add_condition(request.user, record, **form.cleaned_data)
        elif part == "measurement":
            services.add_measurement(request.user, record, **form.cleaned_data)
        elif part == "child":
            services.record_child_visit(request.user, record, **form.cleaned_data)
        elif part == "pregnancy":
            services.register_pregnancy(request.user, record, **form.cleaned_data)
        elif part in ("birth", "maternal"):
            pregnancy = record.pregnancies.first()
            if pregnancy is None:
                raise services.HealthError(_("Register the pregnancy first."))
            if part == "birth":
                services.record_birth(request.user, pregnancy, **form.cleaned_data)
            else:
                services.record_maternal_visit(request.user, pregnancy, **form.cleaned_data)
        elif part == "check":
            _check, counts_as = services.record_check(request.user, record, **form.cleaned_data)
            messages.success(request, str(CHECK_MESSAGES[counts_as]))
            return redirect("health:resident", pk=pk)
        elif part == "followup":
            f = services.record_followup(request.user, record, **form.cleaned_data)
            messages.success(request, _followup_message(f))
            return redirect("health:resident", pk=pk)
        else:
            services.update_history(request.user, record, **form.cleaned_data)
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("health:resident", pk=pk)


CHECK_MESSAGES = {
    "counted": gettext_lazy("The elderly health check of the year is recorded."),
    "duplicate": gettext_lazy(
        "Recorded, but the year's check was already done: this one is flagged as a duplicate."
    ),
    "before_65": gettext_lazy(
        "Recorded, before the 65th birthday: it is not the elderly health check of the year."
    ),
}


def _followup_message(f: Any) -> str:
    text = _("Follow-up recorded: %(cls)s; next follow-up due %(due)s.") % {
        "cls": f.get_visit_class_display(),
        "due": f.next_due_on.isoformat(),
    }
    if f.referral != "none":
        text += " " + str(f.get_referral_display()) + "."
    return text


@login_required
def followups(request: Request) -> HttpResponse:
    """The team's worklist: the follow-ups of hypertension and diabetes patients overdue and due."""
    today = timezone.localdate()
    order = ChoiceForm(request.GET, name="sort", allowed=("due", "name", "kind")).chosen() or "due"
    rows = queries.followup_worklist(
        request.user,
        today,
        visits=services.child_visits(),
        order=order,
        request=request,
        maternal_rules=services.maternal_rules(),
    )
    return render(
        request,
        "health/followups.html",
        {
            "rows": rows,
            "today": today,
            "overdue": sum(1 for r in rows if r["state"] == "overdue"),
            "due_soon": sum(1 for r in rows if r["state"] == "due_soon"),
            "team": _my_team(request.user),
            "order": order,
        },
    )


@login_required
def register(request: Request) -> HttpResponse:
    access.require_staff_of_care(request.user)
    team = _my_team(request.user)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            resident = services.register_resident(
                request.user,
                id_number=d["id_number"],
                name=d["name"],
                community=d["community"],
                phone=d["phone"],
                sex=d["sex"],
                birth_date=d["birth_date"],
                address=d["address"],
                request=request,
            )
            institution = team.institution if team else request.user.managed_institutions.first()
            if institution is None:
                raise services.HealthError(_("Only a team member or a centre manager registers residents."))
            services.create_record(request.user, resident, institution)
            if team is not None and d["package"] is not None:
                services.sign_contract(
                    request.user, resident=resident, team=team, package=d["package"], via=SignedVia.DOCTOR
                )
        except ValidationError as exc:
            if hasattr(exc, "error_dict"):
                for field, errors in exc.message_dict.items():
                    form.add_error(field if field in form.fields else None, errors)
            else:
                form.add_error(None, exc)
        else:
            messages.success(request, _("Registered, with a new health record."))
            return redirect("health:resident", pk=resident.pk)
    return render(request, "health/register.html", {"form": form, "team": team})


@login_required
@require_POST
def record_step(request: Request, pk: int, step: str) -> HttpResponse:
    resident = access.resident_for_staff(request.user, pk)
    record = access.record_for_staff(request.user, resident)
    if record is None:
        raise Http404
    try:
        if step == "review":
            services.review_record(request.user, record)
        elif step == "open":
            services.open_record(request.user, record)
        elif step == "transfer":
            form = TransferForm(request.POST)
            if not form.is_valid():
                raise services.HealthError(_("Choose the institution."))
            services.transfer_record(request.user, record, form.cleaned_data["institution"])
        elif step == "merge":
            merge = MergeForm(request.POST)
            if not merge.is_valid():
                raise services.HealthError(_("Give the 17-digit code of the duplicate record."))
            services.merge_by_code(request.user, record, merge.cleaned_data["duplicate_code"])
        elif step == "cancel":
            cancel = CancelForm(request.POST)
            services.cancel_record(
                request.user, record, cancel.cleaned_data["reason"] if cancel.is_valid() else ""
            )
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("health:resident", pk=pk)


@login_required
@require_POST
def contract_step(request: Request, pk: int, step: str) -> HttpResponse:
    """Sign (for a resident without a contract), accept/decline an application, renew, terminate."""
    resident = access.resident_for_staff(request.user, pk)
    contract = services.holding_contract(resident)
    try:
        if step == "sign":
            team = _my_team(request.user)
            form = SignForm(request.POST)
            if team is None or not form.is_valid():
                raise services.HealthError(_("Choose a package; only a team member signs."))
            services.sign_contract(
                request.user,
                resident=resident,
                team=team,
                package=form.cleaned_data["package"],
                via=SignedVia.DOCTOR,
            )
        elif contract is None:
            raise Http404
        else:
            contract = access.contract_for_staff(request.user, contract.pk)
            if step == "deliver":
                delivery = DeliveryForm(
                    request.POST, items=[str(i.get("name")) for i in contract.package.items]
                )
                if not delivery.is_valid():
                    raise services.HealthError(_("Choose an item of the package and a date."))
                services.record_delivery(request.user, contract, **delivery.cleaned_data)
            elif step in ("accept", "decline"):
                services.decide_application(request.user, contract, accept=step == "accept")
            elif step == "renew":
                services.renew_contract(request.user, contract, via=SignedVia.DOCTOR)
            elif step == "terminate":
                terminate = TerminateForm(request.POST)
                if not terminate.is_valid():
                    raise services.HealthError(_("Give the reason."))
                services.request_termination(
                    request.user, contract, by="doctor", reason=terminate.cleaned_data["reason"]
                )
            elif step in ("approve_termination", "reject_termination"):
                services.decide_termination(request.user, contract, approve=step == "approve_termination")
            else:
                raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("health:resident", pk=pk)


# ----------------------------------------------------------------------------- resident portal


def _portal_context(person: Resident, record: HealthRecord | None, *, is_self: bool) -> dict[str, object]:
    contract = services.holding_contract(person)
    return {
        "person": person,
        "is_self": is_self,
        "record": record,
        "contract": contract,
        "members": contract.team.members.select_related("user") if contract else [],
        "renewal_due": contract is not None
        and contract.renewal_due(timezone.localdate(), services.RENEWAL_WINDOW_DAYS),
        "apply_form": ApplyForm(),
    }


@login_required
def me(request: Request) -> HttpResponse:
    if request.method == "POST":
        _portal_action(request, access.own_resident(request.user))
        return redirect("health:me")
    resident, record = queries.own_view(request.user, request=request)
    context = _portal_context(resident, record, is_self=True)
    context["wards"] = access.wards_of(resident)
    return render(request, "health/me.html", context)


@login_required
def ward(request: Request, pk: int) -> HttpResponse:
    if request.method == "POST":
        _portal_action(request, access.ward_for(request.user, pk))
        return redirect("health:ward", pk=pk)
    child, record = queries.own_view(request.user, pk, request=request)
    return render(request, "health/me.html", _portal_context(child, record, is_self=False))


def _portal_action(request: Request, person: Resident) -> None:
    asked = PortalActionForm(request.POST)
    try:
        if not asked.is_valid():
            raise services.HealthError(_("Nothing to do."))
        action = asked.cleaned_data["action"]
        contract = services.holding_contract(person)
        if action == "apply":
            form = ApplyForm(request.POST)
            if not form.is_valid():
                raise services.HealthError(_("Choose a team and a package."))
            services.sign_contract(
                request.user,
                resident=person,
                team=form.cleaned_data["team"],
                package=form.cleaned_data["package"],
                via=SignedVia.RESIDENT,
            )
            messages.success(request, _("Your application has been sent to the team."))
        elif action == "renew" and contract is not None:
            services.renew_contract(request.user, contract, via=SignedVia.RESIDENT)
            messages.success(request, _("Your contract is renewed for a year."))
        elif action == "terminate" and contract is not None:
            services.request_termination(
                request.user, contract, by="resident", reason=asked.cleaned_data["reason"]
            )
            messages.success(request, _("Your request to end the contract is under review."))
        else:
            raise services.HealthError(_("Nothing to do."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


# --------------------------------------------------------------------------------- audit, KPIs


@login_required
def audit_log(request: Request) -> HttpResponse:
    form = AuditFilter(request.GET)
    page = page_of(queries.audit_events(request.user, form), request.GET, 100)
    return render(
        request, "health/audit.html", {"form": form, "page": page, "qs": querystring_without_page(request)}
    )


@login_required
def kpis(request: Request) -> HttpResponse:
    if not access.can_see_kpis(request.user):
        raise PermissionDenied
    today = timezone.localdate()
    by = ChoiceForm(request.GET, name="by", allowed=queries.KPI_GROUPS).chosen() or "team"
    context = {
        "teams": queries.team_kpis(today),
        "followup_kpis": queries.followup_kpis(today.year, services.followup_rules(), today, by=by),
        "streets": queries.street_kpis(today),
        "tiered": queries.tiered_care(today.year),
        "year": today.year,
        "by": by,
        "pending": queries.pending_terminations(),
    }
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        return attachment(request, exports.kpi_workbook(context), f"health-kpis-{today.year}-{by}.xlsx", XLSX)
    return render(request, "health/kpis.html", context)


# ------------------------------------------------------------------------------ breaking the glass


@login_required
def break_glass(request: Request) -> HttpResponse:
    """Open a resident outside one's care in an emergency: the full ID number and the reason; the list of
    the glass broken (a doctor: her own; a manager: her centre's)."""
    access.require_staff_of_care(request.user)
    form = BreakGlassForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            person = services.break_glass(
                request.user,
                id_number=form.cleaned_data["id_number"],
                reason=form.cleaned_data["reason"],
                request=request,
            )
        except ValidationError as exc:
            for field, errors in exc.message_dict.items():
                form.add_error(field if field in form.fields else None, errors)
        else:
            messages.warning(request, _("Emergency access: recorded with its reason, it ends by itself."))
            return redirect("health:resident", pk=person.pk)
    return render(
        request,
        "health/break_glass.html",
        {
            "form": form,
            "can_break": access.can_break_glass(request.user),
            "accesses": queries.emergency_accesses(request.user),
            "hours": settings.GAOXIN_BREAK_GLASS_HOURS,
        },
    )


# ---- appointments


@login_required
def appointments_page(request: Request) -> HttpResponse:
    """A resident's bookings (and her wards') and the coming times of the zone's institutions, on a phone."""
    me = access.own_resident(request.user)
    people = [me, *access.wards_of(me)]
    choices = [(p.pk, _("myself") if p.pk == me.pk else p.name) for p in people]
    now = timezone.now()
    if request.method == "POST":
        action = ChoiceForm(request.POST, name="action", allowed=["book", "cancel", "move"]).chosen()
        try:
            if action == "book":
                form = BookForm(request.POST, people=choices)
                if not form.is_valid():
                    raise services.HealthError(_("Choose a time and for whom."))
                person = next(p for p in people if str(p.pk) == form.cleaned_data["person"])
                services.book(
                    request.user, person, form.cleaned_data["slot"], zone_id=request.zone.pk, now=now
                )
                messages.success(request, _("The place is booked."))
            elif action in ("cancel", "move"):
                form_ = AppointmentActionForm(request.POST)
                if not form_.is_valid() or (action == "move" and not form_.cleaned_data["slot"]):
                    raise services.HealthError(_("Choose the booking and the new time."))
                appointment = access.appointment_for_patient(request.user, form_.cleaned_data["appointment"])
                if action == "cancel":
                    services.cancel_appointment(request.user, appointment, now=now)
                    messages.success(request, _("The booking is cancelled."))
                else:
                    services.reschedule(
                        request.user,
                        appointment,
                        form_.cleaned_data["slot"],
                        zone_id=request.zone.pk,
                        now=now,
                    )
                    messages.success(request, _("The booking is moved."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        return redirect(request.get_full_path())
    chosen = InstitutionFilterForm(request.GET, zone_id=request.zone.pk)
    institution = chosen.cleaned_data.get("institution") if chosen.is_valid() else None
    moving = AppointmentActionForm(request.GET or None)
    moving_id = moving.cleaned_data["appointment"] if moving.is_valid() else None
    return render(
        request,
        "health/appointments.html",
        {
            "bookings": queries.patient_appointments(people),
            "slots": queries.open_slots(
                request.zone.pk, now, institution_id=institution.pk if institution else None
            ),
            "filter": chosen,
            "book_form": BookForm(people=choices),
            "moving": moving_id,
            "now": now,
        },
    )


@login_required
def slots_page(request: Request) -> HttpResponse:
    """The staff publish appointment times and see who booked them."""
    institutions = access.slot_institutions(request.user)
    if not institutions.exists():
        raise PermissionDenied
    attendance = ChoiceForm(request.POST, name="action", allowed=["attended", "missed"]).chosen()
    if request.method == "POST" and attendance:
        which = AppointmentActionForm(request.POST)
        try:
            if not which.is_valid():
                raise services.HealthError(_("Choose the booking."))
            services.mark_attendance(
                request.user, which.cleaned_data["appointment"], attended=attendance == "attended"
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Attendance is recorded."))
        return redirect("health:slots")
    form = SlotsForm(request.POST or None, institutions=institutions)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            made = services.publish_slots(
                request.user,
                data["institution"],
                day=data["day"],
                times=data["times"],
                minutes=data["minutes"],
                capacity=data["capacity"],
                reserved=data["reserved"],
                service=data["service"],
                team=data["team"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("%(n)s times are published.") % {"n": len(made)})
            return redirect("health:slots")
    return render(
        request,
        "health/slots.html",
        {"form": form, "rows": queries.staff_slots(request.user, timezone.now())},
    )


# ---- two-way referral


def _referral_export(request: Request, rows: list[dict[str, Any]], box: str) -> HttpResponse:
    columns = [
        str(c)
        for c in (
            _("Number"),
            _("Resident"),
            _("ID number"),
            _("Referring institution"),
            _("Receiving institution"),
            _("Reason"),
            _("Urgent"),
            _("State"),
            _("Submitted"),
            _("Answer due"),
            _("Answered"),
            _("Answered in time"),
            _("Follow-up due"),
        )
    ]
    data = []
    for row in rows:
        r, timing = row["referral"], row["timing"]
        values = [
            r.number,
            r.resident.name,
            r.resident.id_masked,
            r.from_institution.name,
            r.to_institution.name,
            r.get_reason_display(),
            _("yes") if r.urgent else "",
            r.get_state_display(),
            timezone.localtime(r.submitted_at).replace(tzinfo=None) if r.submitted_at else None,
            timezone.localtime(r.answer_due_at).replace(tzinfo=None) if r.answer_due_at else None,
            timezone.localtime(r.answered_at).replace(tzinfo=None) if r.answered_at else None,
            "" if timing.on_time is None else (_("yes") if timing.on_time else _("no")),
            r.follow_up_due_on,
        ]
        data.append(dict(zip(columns, values, strict=True)))
    body = write_xlsx(columns, data, title=str(_("Referrals")))
    return attachment(request, body, f"referrals-{box}-{timezone.localdate():%Y%m%d}.xlsx", XLSX)


@login_required
def referrals(request: Request) -> HttpResponse:
    """The referrals the user's institutions received and sent: the answers due (overdue ones marked),
    the follow-ups owed, and the tiered-care figures of the year."""
    if not access.can_see_referrals(request.user):
        raise PermissionDenied
    form = ReferralFilterForm(request.GET)
    data = form.cleaned_data if form.is_valid() else {}
    hospital = access.works_at_hospital(request.user)
    box = data.get("box") or ("received" if hospital else "sent")
    now = timezone.now()
    rows = queries.referral_rows(
        request.user,
        box=box,
        state=data.get("state") or "",
        overdue_only=bool(data.get("overdue")),
        now=now,
        request=request,
    )
    if ChoiceForm(request.GET, name="format", allowed=["xlsx"]).chosen() == "xlsx":
        return _referral_export(request, rows, box)
    return render(
        request,
        "health/referrals.html",
        {
            "form": form,
            "box": box,
            "rows": rows,
            "overdue": sum(1 for r in rows if r["timing"].overdue or r["follow_up"] == "overdue"),
            "waiting": sum(1 for r in rows if r["referral"].state == "submitted"),
            "tiered": queries.tiered_care(timezone.localdate().year, now),
            "year": timezone.localdate().year,
            "limits": services.referral_limits(),
            "qs": request.GET.urlencode(),
        },
    )


@login_required
def referral_new(request: Request, pk: int) -> HttpResponse:
    """Refer a resident in the doctor's care to another institution of the zone, with the case summary
    (prefilled from the latest follow-up that proposed a referral)."""
    resident, record = queries.resident_in_care(request.user, pk, request=request)
    if not access.in_care(request.user, resident):
        raise PermissionDenied
    mine = access.staff_institutions(request.user)
    held = services.holding_contract(resident)  # the institution of the team holding her contract first
    from_institution = (
        mine.filter(pk=held.team.institution_id).first() if held is not None else None
    ) or mine.order_by("pk").first()
    if from_institution is None:
        raise PermissionDenied
    targets = (
        Institution.objects.filter(zone_id=from_institution.zone_id)
        .exclude(pk__in=mine)
        .order_by("-kind", "name")
    )
    proposed = (
        record.followups.exclude(referral="none").order_by("-visit_on", "-pk").first() if record else None
    )
    form = ReferralForm(
        request.POST or None, institutions=targets, initial=_referral_initial(proposed, targets)
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        followup = record.followups.filter(pk=d["followup"]).first() if record and d["followup"] else None
        submit = ChoiceForm(request.POST, name="action", allowed=["submit", "draft"]).chosen() != "draft"
        try:
            made = services.create_referral(
                request.user,
                resident,
                from_institution=from_institution,
                to_institution=d["to_institution"],
                reason=d["reason"],
                summary=d["summary"],
                department=d["department"],
                urgent=d["urgent"],
                followup=followup,
                submit=submit,
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(
                request, _("The referral is submitted.") if submit else _("The referral is kept as a draft.")
            )
            return redirect("health:referral", pk=made.pk)
    return render(
        request,
        "health/referral_new.html",
        {"resident": resident, "form": form, "from_institution": from_institution, "proposed": proposed},
    )


def _referral_initial(proposed: Any, targets: Any) -> dict[str, Any]:
    initial: dict[str, Any] = {"to_institution": targets.filter(kind="hospital").first()}
    if proposed is None:
        return initial
    reading = (
        f"{proposed.sbp}/{proposed.dbp} mmHg"
        if proposed.sbp is not None
        else (f"{proposed.fpg} mmol/L" if proposed.fpg is not None else "")
    )
    initial.update(
        {
            "followup": proposed.pk,
            "urgent": proposed.referral == "urgent",
            "reason": "emergency"
            if proposed.referral == "urgent"
            else ("complication" if proposed.visit_class in ("adverse", "complication") else "uncontrolled"),
            "summary": _("%(kind)s follow-up on %(day)s: %(cls)s %(reading)s.")
            % {
                "kind": proposed.get_kind_display(),
                "day": proposed.visit_on.isoformat(),
                "cls": proposed.get_visit_class_display(),
                "reading": reading,
            },
        }
    )
    return initial


@login_required
def referral_detail(request: Request, pk: int) -> HttpResponse:
    """A referral: its slip, its answer and its steps; each side sees the steps that are its own."""
    referral = queries.referral_for_staff(request.user, pk, request=request)
    if request.method == "POST":
        form = ReferralStepForm(request.POST)
        try:
            if not form.is_valid():
                raise services.HealthError(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            d = form.cleaned_data
            services.referral_step(
                request.user,
                referral,
                d["action"],
                note=d["note"],
                expected_at=d["expected_at"],
                care_kind=d["care_kind"],
                down_reason=d["down_reason"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("health:referral", pk=pk)
    now = timezone.now()
    return render(
        request,
        "health/referral.html",
        {
            "r": referral,
            **queries.referral_context(request.user, referral, now),
            "step_form": ReferralStepForm(),
            "now": now,
        },
    )


# ---- FHIR R4 read API (the interface to the city's 全民健康信息平台): the same gates and audit as the pages


def _fhir(body: dict[str, Any], status: int = 200) -> JsonResponse:
    return JsonResponse(
        body, status=status, content_type=exports.MEDIA_TYPE, json_dumps_params={"ensure_ascii": False}
    )


def _fhir_base(request: Request) -> str:
    return request.build_absolute_uri("/fhir").rstrip("/")


def fhir_metadata(request: Request) -> JsonResponse:
    """The CapabilityStatement (public, as every FHIR server's is)."""
    return _fhir(exports.capability_statement(_fhir_base(request), timezone.now()))


def _fhir_answer(request: Request, build: Any) -> JsonResponse:
    """Run a read or a search; a refusal is an OperationOutcome (401 not logged in, 404 outside the scope
    — its existence is not revealed — 400 for a search the server does not support)."""
    if not request.user.is_authenticated:
        return _fhir(exports.outcome("login", "Log in first."), 401)
    try:
        return _fhir(build())
    except (Http404, PermissionDenied):
        return _fhir(exports.outcome("not-found", "No such resource in your scope."), 404)
    except ValueError as exc:
        return _fhir(exports.outcome("invalid", str(exc)), 400)


def _fhir_resources(request: Request, kind: str, resident: Resident, record: Any) -> list[dict[str, Any]]:
    user = request.user
    data = queries.fhir_patient_data(resident, record, kind, user)
    if kind == "Patient":
        return [exports.patient(resident, record.code if record else None)]
    if kind == "Condition":
        return [exports.condition(c, resident.pk) for c in data]
    if kind == "Observation":
        followups, measurements = data or ([], [])
        return exports.observations_of(resident.pk, followups, measurements)
    if kind == "EpisodeOfCare":
        return [exports.episode_of_care(c) for c in data]
    if kind == "CareTeam":
        return [exports.care_team(t, list(t.members.all())) for t in data]
    if kind == "Appointment":
        return [exports.appointment(a) for a in data]
    if kind == "ServiceRequest":
        return [exports.service_request(r) for r in data]
    raise Http404


def _fhir_one(request: Request, kind: str, rid: str) -> dict[str, Any]:
    """One resource by its id, through its gate (Http404 outside the caller's scope)."""
    user = request.user
    if kind == "Practitioner":
        return exports.practitioner(queries.fhir_practitioner(user, queries.fhir_pk(rid)))
    if kind == "Organization":
        return exports.organization(queries.fhir_organization(user, queries.fhir_pk(rid)))
    if kind == "CareTeam":
        team = queries.fhir_team(user, queries.fhir_pk(rid))
        return exports.care_team(team, list(team.members.all()))
    if kind == "ServiceRequest":
        return exports.service_request(
            queries.referral_for_staff(user, queries.fhir_pk(rid), request=request)
        )
    if kind == "Patient":
        resident, record = queries.fhir_subject(user, queries.fhir_pk(rid), kind, request=request)
        return exports.patient(resident, record.code if record else None)
    if kind not in exports.SEARCH_PARAMS:
        raise Http404
    resident, record = queries.fhir_subject(user, queries.fhir_owner(kind, rid), kind, request=request)
    for resource in _fhir_resources(request, kind, resident, record):
        if resource["id"] == rid:
            return resource
    raise Http404


def fhir_read(request: Request, kind: str, rid: str) -> JsonResponse:
    """``GET /fhir/<type>/<id>``."""
    return _fhir_answer(request, lambda: _fhir_one(request, kind, rid))


def fhir_search(request: Request, kind: str) -> JsonResponse:
    """``GET /fhir/<type>?patient=<id>`` (and ``Patient?identifier=<system>|<value>``, ``?_id=``,
    ``Observation?code=<loinc>``): a searchset Bundle."""
    user = request.user
    base = _fhir_base(request)

    def build() -> dict[str, Any]:
        if kind not in exports.SEARCH_PARAMS:
            raise Http404
        form = FhirSearchForm(request.GET)
        if not form.is_valid():
            raise ValueError("A search parameter is too long.")
        params = form.values()
        allowed = set(exports.SEARCH_PARAMS[kind]) | {"_format"}
        unknown = sorted(set(form.unknown()) | (set(params) - allowed))
        if unknown:
            raise ValueError("Search parameters not supported here: %s" % ", ".join(unknown))
        if params.get("_id"):
            try:
                return exports.bundle(base, kind, [_fhir_one(request, kind, params["_id"])])
            except (Http404, PermissionDenied):
                return exports.bundle(base, kind, [])
        if kind == "Patient":
            system, _bar, value = params.get("identifier", "").rpartition("|")
            if not value:
                raise ValueError("Search patients by identifier=<system>|<value>.")
            found = queries.fhir_find_patients(user, system, value, request=request)
            return exports.bundle(
                base, kind, [exports.patient(r, rec.code if rec else None) for r, rec in found]
            )
        reference = params.get("patient", "").removeprefix("Patient/")
        if not reference:
            raise ValueError("Search by patient=<id>.")
        try:
            resident, record = queries.fhir_subject(user, queries.fhir_pk(reference), kind, request=request)
        except (Http404, PermissionDenied):
            return exports.bundle(base, kind, [])  # nobody in scope by that id: an empty result
        resources = _fhir_resources(request, kind, resident, record)
        code = params.get("code", "").rpartition("|")[2]
        if kind == "Observation" and code:
            resources = [r for r in resources if any(c["code"] == code for c in r["code"]["coding"])]
        return exports.bundle(base, kind, resources)

    return _fhir_answer(request, build)


# ---- online consultation (在线咨询): a contracted resident asks her team; no first-visit diagnosis online


@login_required
def my_consultations(request: Request) -> HttpResponse:
    """A resident's questions to her family-doctor team (and her children's), on her phone."""
    me = access.own_resident(request.user)
    people = [me, *access.wards_of(me)]
    choices = [(p.pk, _("myself") if p.pk == me.pk else p.name) for p in people]
    form = AskForm(request.POST or None, request.FILES or None, people=choices)
    if request.method == "POST":
        try:
            if not form.is_valid():
                raise services.HealthError(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            d = form.cleaned_data
            person = next(p for p in people if str(p.pk) == d["person"])
            made = services.ask(request.user, person, subject=d["subject"], body=d["body"], upload=d["file"])
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Your question is sent to your family-doctor team."))
            return redirect("health:consultation", pk=made.pk)
    limit = services.consult_answer_hours()
    return render(
        request,
        "health/my_consultations.html",
        {
            "form": form,
            "rows": queries.resident_consultations(people),
            "limit": limit,
            "contract": services.holding_contract(me),
        },
    )


@login_required
def consultations(request: Request) -> HttpResponse:
    """The team's inbox: the questions waiting (overdue first), then the rest."""
    limit = services.consult_answer_hours()
    now = timezone.now()
    rows = queries.team_inbox(request.user, limit, now, request=request)
    return render(
        request,
        "health/consultations.html",
        {
            "rows": rows,
            "limit": limit,
            "waiting": sum(1 for r in rows if r["waiting"].since is not None),
            "overdue": sum(1 for r in rows if r["waiting"].overdue),
            "figures": queries.consultation_figures(limit, timezone.localdate().year),
        },
    )


@login_required
def consultation(request: Request, pk: int) -> HttpResponse:
    """A consultation's thread: the resident and her team write; the team closes it or sends the
    resident to the clinic; either side closes it."""
    c, side = queries.consultation_thread(request.user, pk, request=request)
    if request.method == "POST":
        action = ChoiceForm(request.POST, name="action", allowed=["reply", "close", "escalate"]).chosen()
        try:
            if action == "reply":
                form = MessageForm(request.POST, request.FILES)
                if not form.is_valid():
                    raise services.HealthError(
                        " ".join(str(e) for errors in form.errors.values() for e in errors)
                    )
                services.post_message(
                    request.user,
                    c,
                    side=side,
                    body=form.cleaned_data["body"],
                    upload=form.cleaned_data["file"],
                )
            elif action in ("close", "escalate"):
                note = EscalateForm(request.POST)
                services.end_consultation(
                    request.user,
                    c,
                    side=side,
                    escalate=action == "escalate",
                    note=note.cleaned_data.get("note", "") if note.is_valid() else "",
                )
            else:
                raise services.HealthError(_("Choose what to do."))
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("health:consultation", pk=pk)
    limit = services.consult_answer_hours()
    return render(
        request,
        "health/consultation.html",
        {
            "c": c,
            "side": side,
            "thread": c.messages.select_related("attachment", "author"),
            "waiting": queries.consult_waiting(c, limit, timezone.now()),
            "limit": limit,
            "form": MessageForm(),
            "escalate_form": EscalateForm(),
        },
    )


@login_required
def consultation_file(request: Request, pk: int, file_pk: int) -> HttpResponse:
    """A file of a consultation, to its two sides only (the download is audited)."""
    c, _side = queries.consultation_thread(request.user, pk, request=request)
    message = c.messages.filter(attachment_id=file_pk).select_related("attachment").first()
    if message is None or message.attachment is None:
        raise Http404
    found = message.attachment
    return attachment(request, bytes(found.data), found.name, found.content_type)


# ---- remote consultation (远程会诊) between institutions


@login_required
def teleconsults(request: Request) -> HttpResponse:
    rows = queries.teleconsult_rows(request.user, request=request)
    mine = set(access.staff_institutions(request.user).values_list("pk", flat=True))
    return render(request, "health/teleconsults.html", {"rows": rows, "mine": mine})


@login_required
def teleconsult_new(request: Request, pk: int) -> HttpResponse:
    """Ask another institution for a remote consultation on a resident in the doctor's care."""
    resident, _record = queries.resident_in_care(request.user, pk, request=request)
    if not access.in_care(request.user, resident):
        raise PermissionDenied
    mine = access.staff_institutions(request.user)
    held = services.holding_contract(resident)
    inviting = (
        mine.filter(pk=held.team.institution_id).first() if held is not None else None
    ) or mine.order_by("pk").first()
    if inviting is None:
        raise PermissionDenied
    targets = (
        Institution.objects.filter(zone_id=inviting.zone_id).exclude(pk__in=mine).order_by("-kind", "name")
    )
    form = TeleconsultForm(
        request.POST or None,
        institutions=targets,
        initial={"invited": targets.filter(kind="hospital").first()},
    )
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            made = services.request_teleconsult(
                request.user,
                resident,
                inviting=inviting,
                invited=d["invited"],
                summary=d["summary"],
                question=d["question"],
                consent=d["consent"],
                consent_note=d["consent_note"],
                specialty=d["specialty"],
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("The remote consultation is requested."))
            return redirect("health:teleconsult", pk=made.pk)
    return render(
        request, "health/teleconsult_new.html", {"resident": resident, "form": form, "inviting": inviting}
    )


@login_required
def teleconsult(request: Request, pk: int) -> HttpResponse:
    t = queries.teleconsult_for_staff(request.user, pk, request=request)
    if request.method == "POST":
        form = TeleconsultStepForm(request.POST)
        try:
            if not form.is_valid():
                raise services.HealthError(
                    " ".join(str(e) for errors in form.errors.values() for e in errors)
                )
            d = form.cleaned_data
            services.teleconsult_step(
                request.user, t, d["action"], note=d["note"], scheduled_at=d["scheduled_at"]
            )
        except ValidationError as exc:
            messages.error(request, " ".join(exc.messages))
        else:
            messages.success(request, _("Saved."))
        return redirect("health:teleconsult", pk=pk)
    return render(
        request,
        "health/teleconsult.html",
        {
            "t": t,
            "actions": queries.teleconsult_actions(request.user, t),
            "intact": services.opinion_intact(t),
            "step_form": TeleconsultStepForm(),
        },
    )

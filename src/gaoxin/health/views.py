"""Pages of the health app: access first (404 outside the scope), then services, then render.
Every page that shows a person's health data writes an audit event through the services."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from gaoxin.common import audit
from gaoxin.common.http import querystring_without_page
from gaoxin.common.models import AuditEvent
from gaoxin.health import access, queries, services
from gaoxin.health.choices import ContractStatus, SignedVia
from gaoxin.health.forms import (
    ApplyForm,
    AuditFilterForm,
    CancelForm,
    ConditionForm,
    DeliveryForm,
    HistoryForm,
    MeasurementForm,
    MergeForm,
    RegisterForm,
    SignForm,
    TerminateForm,
    TransferForm,
)
from gaoxin.health.models import Contract, Team


@login_required
def home(request: HttpRequest) -> HttpResponse:
    user = request.user
    if access.is_staff_of_care(user):  # type: ignore[arg-type]
        return redirect("health:residents")
    if getattr(user, "resident", None) is not None:
        return redirect("health:me")
    if access.can_read_audit(user):  # type: ignore[arg-type]
        return redirect("health:audit")
    if access.can_see_kpis(user):  # type: ignore[arg-type]
        return redirect("health:kpis")
    raise PermissionDenied


def _my_team(user: object) -> Team | None:
    return Team.objects.filter(members__user=user).first()


@login_required
def residents(request: HttpRequest) -> HttpResponse:
    access.require_staff_of_care(request.user)  # type: ignore[arg-type]
    qs = access.care_residents(request.user).select_related("community").order_by("name", "pk")  # type: ignore[arg-type]
    q = request.GET.get("q", "").strip()
    if q:
        found = services.find_resident(q)  # an exact ID number is looked up by its keyed hash
        qs = qs.filter(pk=found.pk) if found else qs.filter(name__icontains=q)
    page = Paginator(qs, 50).get_page(request.GET.get("page"))
    rows = queries.resident_rows(list(page))
    audit.record(
        request.user,
        "list",
        "resident",
        "",
        detail=f"page {page.number}, q={'yes' if q else 'no'}",
        request=request,
    )
    return render(
        request,
        "health/residents.html",
        {"page": page, "rows": rows, "q": q, "team": _my_team(request.user), "qs": f"q={q}" if q else ""},
    )


@login_required
def resident_detail(request: HttpRequest, pk: int) -> HttpResponse:
    resident = access.resident_for_staff(request.user, pk)  # type: ignore[arg-type]
    record = access.record_for_staff(request.user, resident)  # type: ignore[arg-type]
    if record is not None:
        services.read_record(request.user, record, request=request)  # type: ignore[arg-type]
    else:
        audit.record(request.user, "read", "resident", resident.pk, label=resident.id_masked, request=request)
    revealed = {}
    if request.method == "POST" and request.POST.get("reveal") in ("id_number", "phone"):
        if not access.can_reveal(request.user, resident):  # type: ignore[arg-type]
            raise PermissionDenied
        reveal = services.reveal_id_number if request.POST["reveal"] == "id_number" else services.reveal_phone
        revealed[request.POST["reveal"]] = reveal(request.user, resident, request=request)  # type: ignore[arg-type]
    contract = services.holding_contract(resident)
    return render(
        request,
        "health/resident.html",
        {
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
            "measurement_form": MeasurementForm(initial={"taken_on": timezone.localdate()}),
            "history_form": HistoryForm(
                initial={k: getattr(record, k) for k in HistoryForm.base_fields} if record else None
            ),
            "delivery_form": DeliveryForm(
                items=[str(i.get("name")) for i in contract.package.items] if contract else [],
                initial={"delivered_on": timezone.localdate()},
            ),
            "fulfilment": services.contract_fulfilment(contract) if contract else None,
            "manager": access.is_manager(request.user),  # type: ignore[arg-type]
            "transfer_form": TransferForm(),
            "merge_form": MergeForm(),
            "deliveries": contract.deliveries.all()[:10] if contract else [],
        },
    )


@login_required
@require_POST
def record_edit(request: HttpRequest, pk: int, part: str) -> HttpResponse:
    """Add a condition or a measurement, or edit the history, of a record in the caller's care."""
    resident = access.resident_for_staff(request.user, pk)  # type: ignore[arg-type]
    record = access.record_for_staff(request.user, resident)  # type: ignore[arg-type]
    forms_by_part = {"condition": ConditionForm, "measurement": MeasurementForm, "history": HistoryForm}
    if record is None or part not in forms_by_part:
        raise Http404
    form = forms_by_part[part](request.POST)
    if not form.is_valid():
        messages.error(
            request, " ".join(f"{form.fields[f].label}: {' '.join(e)}" for f, e in form.errors.items())
        )
        return redirect("health:resident", pk=pk)
    try:
        if part == "condition":
            services.add_condition(request.user, record, **form.cleaned_data)  # type: ignore[arg-type]
        elif part == "measurement":
            services.add_measurement(request.user, record, **form.cleaned_data)  # type: ignore[arg-type]
        else:
            services.update_history(request.user, record, **form.cleaned_data)  # type: ignore[arg-type]
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    else:
        messages.success(request, _("Saved."))
    return redirect("health:resident", pk=pk)


@login_required
def register(request: HttpRequest) -> HttpResponse:
    access.require_staff_of_care(request.user)  # type: ignore[arg-type]
    team = _my_team(request.user)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            resident = services.register_resident(
                request.user,  # type: ignore[arg-type]
                id_number=d["id_number"],
                name=d["name"],
                community=d["community"],
                phone=d["phone"],
                sex=d["sex"],
                birth_date=d["birth_date"],
                address=d["address"],
                request=request,
            )
            institution = team.institution if team else request.user.managed_institutions.first()  # type: ignore[union-attr]
            services.create_record(request.user, resident, institution)  # type: ignore[arg-type]
            if team is not None and d["package"] is not None:
                services.sign_contract(
                    request.user, resident=resident, team=team, package=d["package"], via=SignedVia.DOCTOR
                )  # type: ignore[arg-type]
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
def record_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    resident = access.resident_for_staff(request.user, pk)  # type: ignore[arg-type]
    record = access.record_for_staff(request.user, resident)  # type: ignore[arg-type]
    if record is None:
        raise Http404
    try:
        if step == "review":
            services.review_record(request.user, record)  # type: ignore[arg-type]
        elif step == "open":
            services.open_record(request.user, record)  # type: ignore[arg-type]
        elif step == "transfer":
            if not access.is_manager(request.user):  # type: ignore[arg-type]
                raise PermissionDenied
            form = TransferForm(request.POST)
            if not form.is_valid():
                raise services.HealthError(_("Choose the institution."))
            services.transfer_record(request.user, record, form.cleaned_data["institution"])  # type: ignore[arg-type]
        elif step == "merge":
            if not access.is_manager(request.user):  # type: ignore[arg-type]
                raise PermissionDenied
            form = MergeForm(request.POST)
            duplicate = access.record_by_code_for_staff(request.user, form.data.get("duplicate_code", ""))  # type: ignore[arg-type]
            services.merge_records(request.user, record, duplicate)  # type: ignore[arg-type]
        elif step == "cancel":
            form = CancelForm(request.POST)
            services.cancel_record(request.user, record, form.data.get("reason", ""))  # type: ignore[arg-type]
        else:
            raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("health:resident", pk=pk)


@login_required
@require_POST
def contract_step(request: HttpRequest, pk: int, step: str) -> HttpResponse:
    """Sign (for a resident without a contract), accept/decline an application, renew, terminate."""
    resident = access.resident_for_staff(request.user, pk)  # type: ignore[arg-type]
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
            )  # type: ignore[arg-type]
        elif contract is None:
            raise Http404
        else:
            contract = access.contract_for_staff(request.user, contract.pk)  # type: ignore[arg-type]
            if step == "deliver":
                form = DeliveryForm(request.POST, items=[str(i.get("name")) for i in contract.package.items])
                if not form.is_valid():
                    raise services.HealthError(_("Choose an item of the package and a date."))
                services.record_delivery(request.user, contract, **form.cleaned_data)  # type: ignore[arg-type]
            elif step in ("accept", "decline"):
                services.decide_application(request.user, contract, accept=step == "accept")  # type: ignore[arg-type]
            elif step == "renew":
                services.renew_contract(request.user, contract, via=SignedVia.DOCTOR)  # type: ignore[arg-type]
            elif step == "terminate":
                services.request_termination(
                    request.user, contract, by="doctor", reason=request.POST.get("reason", "")
                )  # type: ignore[arg-type]
            elif step in ("approve_termination", "reject_termination"):
                if not access.is_manager(request.user):  # type: ignore[arg-type]
                    raise PermissionDenied
                services.decide_termination(request.user, contract, approve=step == "approve_termination")  # type: ignore[arg-type]
            else:
                raise Http404
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
    return redirect("health:resident", pk=pk)


# ----------------------------------------------------------------------------- resident portal


def _portal_context(request: HttpRequest, person: object, *, is_self: bool) -> dict[str, object]:
    record = access.open_record_of(person)  # type: ignore[arg-type]
    if record is not None:
        services.read_record(request.user, record, request=request)  # type: ignore[arg-type]
    contract = services.holding_contract(person)  # type: ignore[arg-type]
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
def me(request: HttpRequest) -> HttpResponse:
    resident = access.own_resident(request.user)  # type: ignore[arg-type]
    if request.method == "POST":
        _portal_action(request, resident)
        return redirect("health:me")
    context = _portal_context(request, resident, is_self=True)
    context["wards"] = resident.wards.filter(consent_at__isnull=False).select_related("child")
    return render(request, "health/me.html", context)


@login_required
def ward(request: HttpRequest, pk: int) -> HttpResponse:
    child = access.ward_for(request.user, pk)  # type: ignore[arg-type]
    if request.method == "POST":
        _portal_action(request, child)
        return redirect("health:ward", pk=pk)
    return render(request, "health/me.html", _portal_context(request, child, is_self=False))


def _portal_action(request: HttpRequest, person: object) -> None:
    try:
        action = request.POST.get("action")
        contract = services.holding_contract(person)  # type: ignore[arg-type]
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
            )  # type: ignore[arg-type]
            messages.success(request, _("Your application has been sent to the team."))
        elif action == "renew" and contract is not None:
            services.renew_contract(request.user, contract, via=SignedVia.RESIDENT)  # type: ignore[arg-type]
            messages.success(request, _("Your contract is renewed for a year."))
        elif action == "terminate" and contract is not None:
            services.request_termination(
                request.user, contract, by="resident", reason=request.POST.get("reason", "")
            )  # type: ignore[arg-type]
            messages.success(request, _("Your request to end the contract is under review."))
        else:
            raise services.HealthError(_("Nothing to do."))
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))


# --------------------------------------------------------------------------------- audit, KPIs


@login_required
def audit_log(request: HttpRequest) -> HttpResponse:
    if not access.can_read_audit(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None)
    qs = AuditEvent.objects.all()
    if form.is_valid():
        d = form.cleaned_data
        if d["user"]:
            qs = qs.filter(actor_name__icontains=d["user"])
        if d["action"]:
            qs = qs.filter(action=d["action"])
        if d["target"]:
            qs = qs.filter(target_type=d["target"]) | qs.filter(target_id=d["target"])
        if d["since"]:
            qs = qs.filter(at__date__gte=d["since"])
        if d["until"]:
            qs = qs.filter(at__date__lte=d["until"])
    page = Paginator(qs, 100).get_page(request.GET.get("page"))
    return render(
        request, "health/audit.html", {"form": form, "page": page, "qs": querystring_without_page(request)}
    )


@login_required
def kpis(request: HttpRequest) -> HttpResponse:
    if not access.can_see_kpis(request.user):  # type: ignore[arg-type]
        raise PermissionDenied
    today = timezone.localdate()
    return render(
        request,
        "health/kpis.html",
        {
            "teams": queries.team_kpis(today),
            "streets": queries.street_kpis(today),
            "year": today.year,
            "pending": Contract.objects.filter(status=ContractStatus.TERMINATING).count(),
        },
    )

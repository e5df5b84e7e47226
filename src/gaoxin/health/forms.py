from __future__ import annotations

import datetime as dt
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.common.forms import DateInput, limit_choices, set_choices
from gaoxin.health.choices import (
    CancelReason,
    CareKind,
    ChildVisitCode,
    DownReason,
    FollowUpKind,
    FollowUpWay,
    MaternalVisitCode,
    ReferralState,
    SelfCare,
    Sex,
    UpReason,
)
from gaoxin.health.models import Institution, ServicePackage, Team
from gaoxin.places.models import Community


class RegisterForm(forms.Form):
    id_number = forms.CharField(label=_("ID number (身份证号)"), max_length=18)
    name = forms.CharField(label=_("Name"), max_length=50)
    sex = forms.TypedChoiceField(label=_("Sex"), choices=Sex.choices, coerce=int)
    birth_date = forms.DateField(label=_("Birth date"), widget=DateInput())
    phone = forms.CharField(label=_("Phone"), max_length=20, required=False)
    community = forms.ModelChoiceField(label=_("Community"), queryset=Community.objects.order_by("code"))
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    package = forms.ModelChoiceField(
        label=_("Sign with my team (package)"), queryset=ServicePackage.objects.all(), required=False
    )


class SignForm(forms.Form):
    package = forms.ModelChoiceField(label=_("Service package"), queryset=ServicePackage.objects.all())


class ApplyForm(forms.Form):
    team = forms.ModelChoiceField(
        label=_("Family-doctor team"), queryset=Team.objects.select_related("institution")
    )
    package = forms.ModelChoiceField(label=_("Service package"), queryset=ServicePackage.objects.all())


class TerminateForm(forms.Form):
    reason = forms.CharField(label=_("Reason"), max_length=200)


class CancelForm(forms.Form):
    reason = forms.ChoiceField(label=_("Reason"), choices=CancelReason.choices)


class ConditionForm(forms.Form):
    icd10 = forms.RegexField(label=_("ICD-10 code"), regex=r"^[A-Za-z]\d{2}(\.\d{1,2})?$", max_length=8)
    name = forms.CharField(label=_("Diagnosis"), max_length=100)
    diagnosed_on = forms.DateField(label=_("Diagnosed on"), required=False, widget=DateInput())


class MeasurementForm(forms.Form):
    taken_on = forms.DateField(label=_("Date"), widget=DateInput())
    sbp = forms.IntegerField(label=_("Systolic BP (mmHg)"), min_value=50, max_value=300, required=False)
    dbp = forms.IntegerField(label=_("Diastolic BP (mmHg)"), min_value=30, max_value=200, required=False)
    fpg = forms.DecimalField(
        label=_("Fasting glucose (mmol/L)"), min_value=1, max_value=40, decimal_places=1, required=False
    )
    weight_kg = forms.DecimalField(
        label=_("Weight (kg)"), min_value=1, max_value=400, decimal_places=1, required=False
    )
    height_cm = forms.DecimalField(
        label=_("Height (cm)"), min_value=30, max_value=250, decimal_places=1, required=False
    )


class FollowUpForm(forms.Form):
    kind = forms.ChoiceField(label=_("Disease"), choices=FollowUpKind.choices)
    visit_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    way = forms.ChoiceField(label=_("Way"), choices=FollowUpWay.choices, initial=FollowUpWay.CLINIC)
    sbp = forms.IntegerField(label=_("Systolic BP (mmHg)"), min_value=40, max_value=300, required=False)
    dbp = forms.IntegerField(label=_("Diastolic BP (mmHg)"), min_value=20, max_value=200, required=False)
    fpg = forms.DecimalField(
        label=_("Fasting glucose (mmol/L)"), min_value=0.5, max_value=50, decimal_places=1, required=False
    )
    adverse = forms.BooleanField(label=_("Adverse drug reaction"), required=False)
    complication = forms.BooleanField(label=_("New or worsening complication"), required=False)
    danger = forms.BooleanField(
        label=_("Danger symptom (confusion, severe headache, vomiting, blurred vision, chest pain …)"),
        required=False,
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class ChildVisitForm(forms.Form):
    code = forms.ChoiceField(label=_("Visit"), choices=ChildVisitCode.choices)
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class CheckForm(forms.Form):
    checked_on = forms.DateField(label=_("Check date"), widget=DateInput())
    self_care = forms.ChoiceField(
        label=_("Self-care ability"), choices=SelfCare.choices, initial=SelfCare.INDEPENDENT
    )
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


class HistoryForm(forms.Form):
    blood_type = forms.CharField(label=_("Blood type (ABO/Rh)"), max_length=6, required=False)
    allergies = forms.CharField(
        label=_("Drug allergies"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    surgeries = forms.CharField(
        label=_("Surgeries"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    family_history = forms.CharField(
        label=_("Family history"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


class DeliveryForm(forms.Form):
    item = forms.ChoiceField(label=_("Service item"))
    delivered_on = forms.DateField(label=_("Delivered on"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, items: list[str] | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "item", [(i, i) for i in (items or [])])


class TransferForm(forms.Form):
    institution = forms.ModelChoiceField(label=_("Transfer to"), queryset=Institution.objects.all())


class MergeForm(forms.Form):
    duplicate_code = forms.RegexField(label=_("Code of the duplicate record"), regex=r"^\d{17}$")


class ResidentSearchForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False, max_length=50)

    def text(self) -> str:
        return str(self.cleaned_data.get("q") or "").strip() if self.is_valid() else ""


class RevealForm(forms.Form):
    reveal = forms.ChoiceField(choices=[("id_number", "id_number"), ("phone", "phone")])


class PortalActionForm(forms.Form):
    """What a resident asks on her page: to apply, to renew, or to end her contract (with a reason)."""

    action = forms.ChoiceField(choices=[("apply", "apply"), ("renew", "renew"), ("terminate", "terminate")])
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class BreakGlassForm(forms.Form):
    id_number = forms.CharField(label=_("ID number (身份证号)"), max_length=18)
    reason = forms.CharField(
        label=_("Reason (the emergency)"),
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The centre's manager and the auditor read it; the access ends by itself."),
    )


# ---- appointments


class SlotsForm(forms.Form):
    """A day's appointment times an institution publishes."""

    institution = forms.ModelChoiceField(label=_("Institution"), queryset=Institution.objects.none())
    team = forms.ModelChoiceField(label=_("Team"), queryset=Team.objects.none(), required=False)
    service = forms.CharField(label=_("Service"), max_length=60, initial=_("family doctor clinic"))
    day = forms.DateField(label=_("Day"), widget=DateInput())
    times = forms.CharField(label=_("Times"), max_length=400, help_text=_("e.g. 08:30, 09:00, 14:30"))
    minutes = forms.IntegerField(label=_("Minutes each"), min_value=5, max_value=480, initial=30)
    capacity = forms.IntegerField(label=_("Places each"), min_value=1, max_value=200, initial=4)
    reserved = forms.IntegerField(
        label=_("of them reserved for contracted residents"), min_value=0, max_value=200, initial=1
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", institutions)
        limit_choices(self, "team", Team.objects.filter(institution__in=institutions))

    def clean_times(self) -> list[dt.time]:
        out = []
        for part in str(self.cleaned_data["times"]).replace("，", ",").split(","):
            part = part.strip()
            if not part:
                continue
            try:
                out.append(dt.datetime.strptime(part.replace("：", ":"), "%H:%M").time())
            except ValueError:
                raise forms.ValidationError(_("Write times as 08:30, separated by commas.")) from None
        if not out:
            raise forms.ValidationError(_("Give at least one time."))
        return out

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        capacity, reserved = data.get("capacity"), data.get("reserved")
        if capacity is not None and reserved is not None and reserved > capacity:
            self.add_error("reserved", _("No more places reserved than the slot has."))
        team, institution = data.get("team"), data.get("institution")
        if team is not None and institution is not None and team.institution_id != institution.pk:
            self.add_error("team", _("The team belongs to another institution."))
        return data


class BookForm(forms.Form):
    slot = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    person = forms.ChoiceField(label=_("For"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "person", [(str(pk), label) for pk, label in people])


class AppointmentActionForm(forms.Form):
    appointment = forms.IntegerField(min_value=1, widget=forms.HiddenInput)
    slot = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)


class InstitutionFilterForm(forms.Form):
    institution = forms.ModelChoiceField(
        label=_("Institution"), queryset=Institution.objects.none(), required=False
    )

    def __init__(self, *args: Any, zone_id: int, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "institution", Institution.objects.filter(zone_id=zone_id).order_by("name"))


# ---- two-way referral


class ReferralForm(forms.Form):
    """A referral of a resident in the doctor's care to another institution (上转: to a hospital)."""

    to_institution = forms.ModelChoiceField(
        label=_("Receiving institution"), queryset=Institution.objects.none()
    )
    department = forms.CharField(label=_("Department"), max_length=60, required=False)
    reason = forms.ChoiceField(label=_("Reason for referral"), choices=UpReason.choices)
    urgent = forms.BooleanField(label=_("Urgent"), required=False)
    summary = forms.CharField(
        label=_("Case summary"),
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_("History, findings, treatment so far and the question for the receiving doctor."),
    )
    followup = forms.IntegerField(min_value=1, required=False, widget=forms.HiddenInput)

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "to_institution", institutions)


class ReferralStepForm(forms.Form):
    """One step of a referral: its answer, a report, a reason, what the follow-up found."""

    action = forms.CharField(max_length=12)  # the service refuses a step the workflow does not have
    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea)
    expected_at = forms.DateTimeField(
        label=_("Expected at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )
    care_kind = forms.ChoiceField(label=_("Care"), choices=[("", "—"), *CareKind.choices], required=False)
    down_reason = forms.ChoiceField(
        label=_("Reason for referring back"), choices=[("", "—"), *DownReason.choices], required=False
    )


class ReferralFilterForm(forms.Form):
    box = forms.ChoiceField(
        label=_("Referrals"),
        choices=[("received", _("received by us")), ("sent", _("sent by us"))],
        required=False,
    )
    state = forms.ChoiceField(
        label=_("State"), choices=[("", _("every state")), *ReferralState.choices], required=False
    )
    overdue = forms.BooleanField(label=_("overdue only"), required=False)


# ---- online consultation


class AskForm(forms.Form):
    subject = forms.CharField(label=_("Subject"), max_length=100)
    body = forms.CharField(
        label=_("Your question"), max_length=2000, widget=forms.Textarea(attrs={"rows": 4})
    )
    file = forms.FileField(
        label=_("Attachment (a photo or a PDF of a report)"),
        required=False,
        help_text=_("PDF, JPG or PNG."),
    )
    person = forms.ChoiceField(label=_("For"))

    def __init__(self, *args: Any, people: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "person", [(str(pk), label) for pk, label in people])


class MessageForm(forms.Form):
    body = forms.CharField(label=_("Message"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))
    file = forms.FileField(label=_("Attachment"), required=False, help_text=_("PDF, JPG or PNG."))


class EscalateForm(forms.Form):
    note = forms.CharField(label=_("Why an examination is needed"), max_length=500, required=False)


# ---- remote consultation


class TeleconsultForm(forms.Form):
    invited = forms.ModelChoiceField(label=_("Invited institution"), queryset=Institution.objects.none())
    specialty = forms.CharField(label=_("Specialty asked for"), max_length=60, required=False)
    summary = forms.CharField(
        label=_("Case summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5})
    )
    question = forms.CharField(
        label=_("Question for the invited doctor"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )
    consent = forms.BooleanField(
        label=_("The patient (or her guardian) has given informed consent to the remote consultation"),
        required=False,
    )
    consent_note = forms.CharField(
        label=_("How she consented"),
        max_length=200,
        required=False,
        help_text=_("e.g. signed consent form no. …, or oral consent before witness …"),
    )

    def __init__(self, *args: Any, institutions: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "invited", institutions)


class TeleconsultStepForm(forms.Form):
    action = forms.CharField(max_length=12)  # the service refuses a step the workflow does not have
    note = forms.CharField(label=_("Note"), max_length=4000, required=False, widget=forms.Textarea)
    scheduled_at = forms.DateTimeField(
        label=_("Scheduled at"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
    )


# ---- 孕产妇健康管理


class PregnancyForm(forms.Form):
    lmp = forms.DateField(label=_("Last menstrual period (first day)"), widget=DateInput())
    registered_on = forms.DateField(label=_("First contact (建册)"), widget=DateInput())


class BirthForm(forms.Form):
    born_on = forms.DateField(label=_("Birth"), widget=DateInput())
    discharged_on = forms.DateField(label=_("Discharged"), widget=DateInput(), required=False)


class MaternalVisitForm(forms.Form):
    code = forms.ChoiceField(label=_("Visit"), choices=MaternalVisitCode.choices)
    visited_on = forms.DateField(label=_("Visit date"), widget=DateInput())
    note = forms.CharField(label=_("Note"), max_length=500, required=False)


# ---- the FHIR search parameters


class FhirSearchForm(forms.Form):
    """The search parameters of the FHIR read API (each at most a token's length); a parameter the server
    does not support is reported, not ignored (FHIR's strict handling)."""

    identifier = forms.CharField(max_length=200, required=False)
    patient = forms.CharField(max_length=40, required=False)
    code = forms.CharField(max_length=100, required=False)
    _id = forms.CharField(max_length=40, required=False)
    _format = forms.CharField(max_length=40, required=False)

    def unknown(self) -> list[str]:
        return sorted(set(self.data) - set(self.fields))

    def values(self) -> dict[str, str]:
        cleaned = self.cleaned_data if self.is_valid() else {}
        return {k: str(v).strip() for k, v in cleaned.items() if v}

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User
from gaoxin.common.forms import DateInput, EvidenceField, UploadField, limit_choices, set_choices
from gaoxin.parks.analysis import rules_text_of
from gaoxin.parks.choices import (
    METRIC_UNITS,
    NeedKind,
    Outcome,
    ProjectStage,
    RedevelopmentApproach,
    RoundKind,
    ServiceField,
)
from gaoxin.parks.datasets import DATASETS, LAND_DATASET, LAND_LABEL
from gaoxin.parks.models import (
    YEAR_VALIDATORS,
    Enterprise,
    IncubationCall,
    Park,
    Plant,
    PlantUnit,
    Policy,
    Provider,
    Scheme,
    Service,
)


def _default_year() -> int:
    return timezone.localdate().year - 1


class ImportForm(forms.Form):
    dataset = forms.ChoiceField(
        label=_("Dataset"), choices=[*((k, d.label) for k, d in DATASETS.items()), (LAND_DATASET, LAND_LABEL)]
    )
    year = forms.IntegerField(label=_("Data year"), validators=YEAR_VALIDATORS, initial=_default_year)
    file = UploadField(label=_("File (CSV or xlsx)"))


class EvaluationForm(forms.Form):
    year = forms.IntegerField(label=_("Data year"), validators=YEAR_VALIDATORS, initial=_default_year)
    scheme = forms.ModelChoiceField(label=_("Scheme"), queryset=Scheme.objects.all())
    notice_days = forms.IntegerField(
        label=_("Objection window (days)"),
        min_value=1,
        max_value=60,
        initial=5,
        help_text=_(
            "Counted after the day of publication, in working days when the scheme says so (the zone's does)."
        ),
    )


class SchemeForm(forms.Form):
    """The whole scheme as TOML (pasted or from a file), for what the number form does not hold."""

    title = forms.CharField(label=_("Title"), max_length=120)
    source = forms.CharField(
        label=_("Scheme (TOML)"),
        widget=forms.Textarea(attrs={"rows": 30, "class": "code"}),
        required=False,
    )
    file = forms.FileField(label=_("or a TOML file"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            if upload.size > 1_000_000:
                self.add_error("file", _("A scheme file is at most 1 MB."))
                return data
            try:
                data["source"] = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                self.add_error("file", _("The file is not UTF-8 text."))
        if not data.get("source") and not self.errors:
            self.add_error("source", _("Paste the scheme or choose its file."))
        return data


class SchemeValuesForm(forms.Form):
    """The numbers of a scheme a zone sets (weights, benchmark factors, quotas, caps, surcharges), each in
    its unit; shares in per cent."""

    title = forms.CharField(label=_("Title of the new version"), max_length=120)

    def __init__(self, *args: Any, parameters: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.parameters = parameters
        for p in parameters:
            negative_ok = p.path[-1] == "points" and "adjustment" in p.path
            field: forms.Field = forms.DecimalField(
                label=p.label,
                initial=p.shown,
                min_value=None if negative_ok else 0,
                max_value=100 if p.percent else None,
                max_digits=12,
                decimal_places=0 if p.whole else 6,
                help_text=p.unit,
            )
            field.widget.attrs.update({"step": "1" if p.whole else "any", "class": "num"})
            self.fields[p.key] = field

    def groups(self) -> list[tuple[str, list[Any]]]:
        """The fields by the part of the scheme they belong to (the surcharge, land, each pool)."""
        out: dict[str, list[Any]] = {}
        for p in self.parameters:
            out.setdefault(p.group, []).append(self[p.key])
        return list(out.items())

    def values(self) -> dict[str, float]:
        return {p.key: float(self.cleaned_data[p.key]) for p in self.parameters}


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Objection and evidence"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )
    attachment = EvidenceField(label=_("Evidence (PDF, image, xlsx or docx)"), required=False)


class DecisionForm(forms.Form):
    upheld = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("uphold: correct the data and score again")), ("0", _("reject"))],
        coerce=lambda v: v == "1",
    )
    response = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000)


class ConfirmForm(forms.Form):
    confirmed = forms.TypedChoiceField(
        label=_("Your answer"),
        choices=[("1", _("The figures are right")), ("0", _("A figure is wrong"))],
        coerce=lambda v: v == "1",
    )
    note = forms.CharField(
        label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    attachment = EvidenceField(label=_("Evidence (PDF, image, xlsx or docx)"), required=False)


class AnswerForm(forms.Form):
    """The park staff's answer to an objection to the data."""

    corrected = forms.TypedChoiceField(
        label=_("Decision"),
        choices=[("1", _("The figures were corrected")), ("0", _("The figures stand"))],
        coerce=lambda v: v == "1",
    )
    response = forms.CharField(label=_("Reasons"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000)


class DownloadForm(forms.Form):
    """``?format=notice|surcharge|policy``: the notice list, the D-class electricity list, or with
    ``policy=<code>`` one policy's list by class."""

    format = forms.ChoiceField(
        choices=[("", ""), ("notice", "notice"), ("surcharge", "surcharge"), ("policy", "policy")],
        required=False,
    )
    policy = forms.SlugField(required=False, max_length=40)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("format") or "") if self.is_valid() else ""

    def policy_code(self) -> str:
        return str(self.cleaned_data.get("policy") or "") if self.is_valid() else ""


class ReportFormatForm(forms.Form):
    """``?format=pdf``: a result as the enterprise's one-page report against its peers."""

    format = forms.ChoiceField(choices=[("", ""), ("pdf", "pdf")], required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("format") or "") if self.is_valid() else ""


class LandDownloadForm(forms.Form):
    format = forms.ChoiceField(choices=[("", ""), ("xlsx", "xlsx"), ("geojson", "geojson")], required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("format") or "") if self.is_valid() else ""


class SchemeDownloadForm(forms.Form):
    format = forms.ChoiceField(choices=[("", ""), ("toml", "toml")], required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("format") or "") if self.is_valid() else ""


class SchemeActionForm(forms.Form):
    """Which of the scheme page's forms was sent: the numbers or the whole TOML."""

    action = forms.ChoiceField(choices=[("values", "values"), ("toml", "toml")])

    def chosen(self) -> str:
        return str(self.cleaned_data["action"]) if self.is_valid() else ""


class PortalForm(forms.Form):
    """Which of the user's enterprises and which year the portal shows."""

    enterprise = forms.IntegerField(required=False, min_value=1)
    year = forms.IntegerField(required=False, validators=YEAR_VALIDATORS)

    def year_or(self, default: int) -> int:
        return (self.cleaned_data.get("year") if self.is_valid() else None) or default

    def enterprise_id(self) -> int | None:
        return self.cleaned_data.get("enterprise") if self.is_valid() else None


class PortalActionForm(forms.Form):
    action = forms.ChoiceField(choices=[("figures", "figures"), ("confirm", "confirm")])


class OwnFiguresForm(forms.Form):
    """The enterprise's own figures (money in 万元 as on its reports): each field is a METRIC_UNITS code."""

    tax_10k_yuan = forms.DecimalField(  # net of VAT credit refunds: may be negative
        label=capfirst(METRIC_UNITS["tax_10k_yuan"].label),
        required=False,
        max_digits=14,
        decimal_places=4,
    )
    revenue_10k_yuan = forms.DecimalField(
        label=capfirst(METRIC_UNITS["revenue_10k_yuan"].label),
        min_value=0,
        required=False,
        max_digits=14,
        decimal_places=4,
    )
    value_added_10k_yuan = forms.DecimalField(
        label=capfirst(METRIC_UNITS["value_added_10k_yuan"].label),
        min_value=0,
        required=False,
        max_digits=14,
        decimal_places=4,
    )
    rd_10k_yuan = forms.DecimalField(
        label=capfirst(METRIC_UNITS["rd_10k_yuan"].label),
        min_value=0,
        required=False,
        max_digits=14,
        decimal_places=4,
    )
    employees = forms.DecimalField(
        label=capfirst(METRIC_UNITS["employees"].label),
        min_value=0,
        required=False,
        max_digits=10,
        decimal_places=0,
    )
    energy_tce = forms.DecimalField(
        label=capfirst(METRIC_UNITS["energy_tce"].label),
        min_value=0,
        required=False,
        max_digits=14,
        decimal_places=4,
    )

    def figures(self) -> dict[str, Decimal | None]:
        """The figures by stored metric, in base units (a blank removes the figure)."""
        out: dict[str, Decimal | None] = {}
        for code, value in self.cleaned_data.items():
            unit = METRIC_UNITS[code]
            out[unit.metric] = None if value is None else value * unit.per_unit
        return out

    @classmethod
    def initial_from(cls, own: dict[str, Decimal]) -> dict[str, Decimal | None]:
        """The form's initial values from the enterprise's stored figures."""
        return {
            code: (
                own[METRIC_UNITS[code].metric] / METRIC_UNITS[code].per_unit
                if METRIC_UNITS[code].metric in own
                else None
            )
            for code in cls.base_fields
        }


# ------------------------------------------------------------------------ plants and leases


class PlantForm(forms.ModelForm[Plant]):
    class Meta:
        model = Plant
        fields = [
            "park",
            "name",
            "standard",
            "stage",
            "floors",
            "floor_area_m2",
            "owner",
            "started_on",
            "completion_due_on",
            "completed_on",
        ]
        widgets = {"started_on": DateInput(), "completion_due_on": DateInput(), "completed_on": DateInput()}

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        limit_choices(self, "park", Park.objects.filter(zone=zone).order_by("code"))
        limit_choices(self, "owner", Enterprise.objects.filter(park__zone=zone).order_by("name"))

    def clean_name(self) -> str:
        return str(self.cleaned_data["name"]).strip()

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        park, name = data.get("park"), data.get("name")
        if park is not None and name:
            clash = Plant.objects.filter(park=park, name=name).exclude(pk=self.instance.pk)
            if clash.exists():
                self.add_error("name", _("The park has a plant of this name."))
        return data


def _floor_list(text: str) -> list[int]:
    """ "1-3,5" → [1, 2, 3, 5]."""
    out: set[int] = set()
    for part in text.replace("，", ",").replace("－", "-").split(","):
        part = part.strip()
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        if not lo.strip().isdigit() or (sep and not hi.strip().isdigit()):
            raise ValidationError(_("Write floors as numbers and ranges, e.g. 1-3,5."))
        a, b = int(lo), int(hi) if sep else int(lo)
        if b < a or b - a > 60:
            raise ValidationError(_("Write floors as numbers and ranges, e.g. 1-3,5."))
        out.update(range(a, b + 1))
    if not out:
        raise ValidationError(_("Name at least one floor."))
    return sorted(out)


class UnitsForm(forms.Form):
    floors = forms.CharField(label=_("Floors"), max_length=40, help_text=_("e.g. 1-3,5"))
    per_floor = forms.IntegerField(label=_("Units per floor"), min_value=1, max_value=50, initial=1)
    area_m2 = forms.DecimalField(
        label=_("Area of each unit (m²)"), min_value=Decimal("1"), max_digits=10, decimal_places=2
    )

    def clean_floors(self) -> list[int]:
        return _floor_list(str(self.cleaned_data["floors"]))


class LeaseForm(forms.Form):
    unit = forms.ModelChoiceField(label=_("Unit"), queryset=PlantUnit.objects.none())
    tenant = forms.ModelChoiceField(label=_("Tenant"), queryset=Enterprise.objects.none())
    starts_on = forms.DateField(label=_("First day"), widget=DateInput())
    ends_on = forms.DateField(label=_("Last day"), widget=DateInput())
    rent_yuan_per_m2_month = forms.DecimalField(
        label=_("Rent (yuan per m² and month)"),
        min_value=Decimal(0),
        max_value=Decimal(1000),
        max_digits=8,
        decimal_places=2,
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)

    def __init__(self, *args: Any, plant: Plant, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "unit", plant.units.order_by("floor", "number"))
        limit_choices(self, "tenant", Enterprise.objects.filter(park__zone=zone).order_by("name"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        first, last = data.get("starts_on"), data.get("ends_on")
        if first is not None and last is not None and last < first:
            self.add_error("ends_on", _("A lease ends on or after its first day."))
        return data


class EndLeaseForm(forms.Form):
    on = forms.DateField(label=_("Last day"), widget=DateInput())


# ------------------------------------------------------------------------ enterprise policies


class PolicyForm(forms.ModelForm[Policy]):
    rules_text = forms.CharField(
        label=_("Eligibility rule"),
        required=False,
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
        help_text=_(
            "One condition a line, all must hold, e.g. high_tech = yes · rd_ratio >= 3 · klass in A, B."
        ),
    )

    class Meta:
        model = Policy
        fields = [
            "code",
            "title",
            "issuer",
            "document",
            "benefit",
            "amount_yuan",
            "mode",
            "data_year",
            "apply_by",
        ]
        widgets = {"apply_by": DateInput(), "benefit": forms.Textarea(attrs={"rows": 3})}

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        if self.instance.pk is not None:
            self.fields["rules_text"].initial = rules_text_of(self.instance.rules)
            if self.instance.status != "draft":
                self.fields["rules_text"].disabled = True
                self.fields["rules_text"].help_text = _("Change the rule of a published policy on its page.")

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if Policy.objects.filter(zone=self.zone, code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another policy has this code."))
        return code


class RuleForm(forms.Form):
    """A changed rule to preview, or to publish."""

    rules_text = forms.CharField(
        label=_("Eligibility rule"),
        max_length=10_000,
        widget=forms.Textarea(attrs={"rows": 6, "class": "code"}),
    )


# ------------------------------------------------------------------------ service requests


class RequestForm(forms.Form):
    need = forms.ChoiceField(label=_("What do you need?"), choices=NeedKind.choices)
    title = forms.CharField(label=_("Title"), max_length=120)
    description = forms.CharField(
        label=_("Description"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan), for a loan"),
        required=False,
        min_value=Decimal(0),
        max_digits=14,
        decimal_places=2,
    )


class HandOverForm(forms.Form):
    provider = forms.ModelChoiceField(label=_("Provider"), queryset=Provider.objects.none())
    service = forms.ModelChoiceField(label=_("Service"), queryset=Service.objects.none(), required=False)
    field = forms.ChoiceField(label=_("Service field"), choices=ServiceField.choices)
    note = forms.CharField(
        label=_("Note to the provider"),
        max_length=2000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "provider", Provider.objects.filter(zone=zone, active=True).order_by("name"))
        limit_choices(
            self,
            "service",
            Service.objects.filter(provider__zone=zone, provider__active=True).select_related("provider"),
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        provider, service = data.get("provider"), data.get("service")
        if provider is not None and service is not None and service.provider_id != provider.pk:
            self.add_error("service", _("The service is not one of the provider's."))
        return data


class CloseRequestForm(forms.Form):
    outcome = forms.ChoiceField(label=_("Outcome"), choices=Outcome.choices)
    result = forms.CharField(
        label=_("What was done"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3})
    )


class RateForm(forms.Form):
    rating = forms.TypedChoiceField(
        label=_("Rating"),
        coerce=int,
        choices=[(5, "★★★★★"), (4, "★★★★"), (3, "★★★"), (2, "★★"), (1, "★")],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 2})
    )


# ------------------------------------------------------------------------ the incubation programme


class CallForm(forms.ModelForm[IncubationCall]):
    class Meta:
        model = IncubationCall
        fields = [
            "code",
            "title",
            "cohort",
            "opens_on",
            "closes_on",
            "places",
            "min_score",
            "min_reviews",
            "grant_yuan",
        ]
        widgets = {"opens_on": DateInput(), "closes_on": DateInput()}

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if IncubationCall.objects.filter(zone=self.zone, code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another call has this code."))
        return code


class ApplicationForm(forms.Form):
    project = forms.CharField(label=_("Project"), max_length=120)
    team_lead = forms.CharField(label=_("Team lead"), max_length=40)
    team_size = forms.IntegerField(label=_("Team size"), min_value=1, max_value=500)
    stage = forms.ChoiceField(label=_("Stage"), choices=ProjectStage.choices)
    industry_code = forms.RegexField(
        label=_("Industry (GB/T 4754)"),
        regex=r"^[0-9]{2,4}$",
        max_length=4,
        error_messages={"invalid": _("A GB/T 4754 code is 2 to 4 digits.")},
    )
    summary = forms.CharField(label=_("Summary"), max_length=4000, widget=forms.Textarea(attrs={"rows": 5}))
    plan = EvidenceField(label=_("Business plan (PDF)"), required=False)


class ScreenForm(forms.Form):
    passed = forms.TypedChoiceField(
        label=_("Formal check"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("passes: to the experts")), ("no", _("does not pass"))],
    )
    note = forms.CharField(label=_("Note"), max_length=200, required=False)


class AssignForm(forms.Form):
    experts = forms.ModelMultipleChoiceField(
        label=_("Experts"), queryset=User.objects.none(), widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(
            self, "experts", User.objects.filter(groups__name="reviewer", is_active=True).order_by("username")
        )


class ReviewForm(forms.Form):
    conflict = forms.BooleanField(label=_("I have a conflict of interest with this project"), required=False)
    conflict_note = forms.CharField(label=_("The conflict"), max_length=200, required=False)
    team = forms.DecimalField(
        label=_("Team (0–25)"), min_value=0, max_value=25, decimal_places=1, required=False
    )
    technology = forms.DecimalField(
        label=_("Technology (0–30)"), min_value=0, max_value=30, decimal_places=1, required=False
    )
    market = forms.DecimalField(
        label=_("Market (0–25)"), min_value=0, max_value=25, decimal_places=1, required=False
    )
    business_model = forms.DecimalField(
        label=_("Business model (0–20)"), min_value=0, max_value=20, decimal_places=1, required=False
    )
    comment = forms.CharField(
        label=_("Comment"), max_length=2000, required=False, widget=forms.Textarea(attrs={"rows": 3})
    )

    CRITERIA = ("team", "technology", "market", "business_model")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("conflict"):
            if not str(data.get("conflict_note") or "").strip():
                self.add_error("conflict_note", _("Say what the conflict of interest is."))
        else:
            for name in self.CRITERIA:
                if data.get(name) is None and name not in self.errors:
                    self.add_error(name, _("Score every criterion."))
        return data

    def scores(self) -> dict[str, float] | None:
        if self.cleaned_data.get("conflict"):
            return None
        return {name: float(self.cleaned_data[name]) for name in self.CRITERIA}


class MilestoneForm(forms.Form):
    order = forms.IntegerField(min_value=1, max_value=20, widget=forms.HiddenInput)
    on = forms.DateField(label=_("Date"), widget=DateInput())


class RoundForm(forms.Form):
    kind = forms.ChoiceField(label=_("Round"), choices=RoundKind.choices)
    amount_yuan = forms.DecimalField(
        label=_("Amount (yuan)"), min_value=Decimal("0.01"), max_digits=14, decimal_places=2
    )
    investors = forms.CharField(label=_("Investors"), max_length=300)
    closed_on = forms.DateField(label=_("Closed on"), widget=DateInput())


class LeaveForm(forms.Form):
    graduated = forms.TypedChoiceField(
        label=_("Graduation or exit"),
        coerce=lambda v: v == "yes",
        choices=[("yes", _("graduated")), ("no", _("left the programme"))],
    )
    on = forms.DateField(label=_("Date"), widget=DateInput())
    reason = forms.CharField(label=_("Reason"), max_length=200, required=False)


class OpenCaseForm(forms.Form):
    """Open an idle parcel's case with the investigation notice."""

    parcel = forms.TypedChoiceField(label=_("Idle parcel"), coerce=int)
    on = forms.DateField(label=_("Notice issued on"), widget=DateInput)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = EvidenceField(label=_("Signed scan (PDF or image)"), required=False)

    def __init__(self, *args: Any, parcels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "parcel", parcels)


class CaseStepForm(forms.Form):
    """One step of a case: the action open now, its date, the cause (with 认定), an extension's new
    start, a note and the signed document."""

    action = forms.ChoiceField(label=_("Step"))
    on = forms.DateField(label=_("Document dated"), widget=DateInput)
    government_cause = forms.TypedChoiceField(
        label=_("Cause of the delay"),
        choices=[("0", _("the holder (art. 14)")), ("1", _("the government (art. 8)"))],
        coerce=lambda v: v == "1",
        required=False,
    )
    extension_until = forms.DateField(label=_("Construction to start by"), widget=DateInput, required=False)
    note = forms.CharField(
        label=_("Note"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = EvidenceField(label=_("Signed scan (PDF or image)"), required=False)

    def __init__(self, *args: Any, actions: list[tuple[str, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "action", actions)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "extend" and not data.get("extension_until"):
            self.add_error("extension_until", _("Give the new start of construction."))
        return data


class StartRedevelopmentForm(forms.Form):
    """Start the redevelopment of a low-efficiency parcel."""

    parcel = forms.TypedChoiceField(label=_("Low-efficiency parcel"), coerce=int)
    approach = forms.ChoiceField(label=_("Approach"), choices=RedevelopmentApproach.choices)
    started_on = forms.DateField(label=_("Started on"), widget=DateInput)
    due_on = forms.DateField(label=_("To be completed by"), widget=DateInput)
    plan = forms.CharField(
        label=_("Plan"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def __init__(self, *args: Any, parcels: list[tuple[int, str]], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        set_choices(self, "parcel", parcels)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("started_on") and data.get("due_on") and data["due_on"] < data["started_on"]:
            self.add_error("due_on", _("The completion date cannot come before the start."))
        return data


class RedevelopmentStepForm(forms.Form):
    """A progress report, or the end: completed (measured from the data) or stopped."""

    action = forms.ChoiceField(
        label=_("Report"),
        choices=[("report", _("progress")), ("done", _("completed")), ("stop", _("stopped"))],
    )
    on = forms.DateField(label=_("Date"), widget=DateInput)
    progress = forms.IntegerField(label=_("Progress (%)"), min_value=0, max_value=100, required=False)
    note = forms.CharField(
        label=_("What happened"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )
    attachment = EvidenceField(label=_("Evidence (PDF or image)"), required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("action") == "report":
            if data.get("progress") is None:
                self.add_error("progress", _("Give the progress in per cent."))
            if not (data.get("note") or "").strip():
                self.add_error("note", _("Say what happened."))
        return data

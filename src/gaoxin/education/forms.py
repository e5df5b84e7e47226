"""Every input of the education pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.utils.translation import gettext_lazy as _

from gaoxin.common.forms import DateInput, UploadField, limit_choices
from gaoxin.education.choices import KindergartenStatus, Level, Objective
from gaoxin.education.datasets import KINDERGARTEN_DATES
from gaoxin.education.models import YEAR_VALIDATORS, Development, Kindergarten, Phase, SchoolRecord
from gaoxin.places.models import Facility, ResidentialArea, Street

DATE_WIDGETS = {name: DateInput() for name in KINDERGARTEN_DATES}


def _ordered(cleaned: dict[str, Any], pairs: tuple[tuple[str, str], ...]) -> dict[str, str]:
    errors = {}
    for a, b in pairs:
        if cleaned.get(a) and cleaned.get(b) and cleaned[b] < cleaned[a]:
            errors[b] = str(_("This date is before the one it follows."))
    return errors


DATE_ORDER = (
    ("start_planned", "acceptance_planned"),
    ("acceptance_planned", "delivery_planned"),
    ("started_on", "accepted_on"),
    ("accepted_on", "delivered_on"),
)


class DevelopmentForm(forms.ModelForm[Development]):
    class Meta:
        model = Development
        fields = [
            "code",
            "name",
            "developer",
            "street",
            "lon",
            "lat",
            "permit_on",
            "kindergarten",
            "area",
            "notes",
        ]
        widgets = {"permit_on": DateInput()}

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))
        limit_choices(self, "kindergarten", Kindergarten.objects.filter(zone=zone).order_by("code"))
        limit_choices(self, "area", ResidentialArea.objects.filter(street__zone=zone).order_by("code"))

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        clash = Development.objects.filter(zone=self.zone, code=code).exclude(pk=self.instance.pk)
        if clash.exists():
            raise ValidationError(_("Another development has this code."))
        return code


class PhaseForm(forms.ModelForm[Phase]):
    class Meta:
        model = Phase
        fields = [
            "number",
            "dwellings",
            "start_planned",
            "started_on",
            "acceptance_planned",
            "accepted_on",
            "delivery_planned",
            "delivered_on",
        ]
        widgets = DATE_WIDGETS

    def __init__(self, *args: Any, development: Development, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.development = development
        self.instance.development = development

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in _ordered(cleaned, DATE_ORDER).items():
            self.add_error(name, message)
        number = cleaned.get("number")
        if number and self.development.phases.filter(number=number).exclude(pk=self.instance.pk).exists():
            self.add_error("number", _("This phase is already recorded."))
        return cleaned


class KindergartenForm(forms.ModelForm[Kindergarten]):
    class Meta:
        model = Kindergarten
        fields = [
            "code",
            "name",
            "street",
            "lon",
            "lat",
            "classes",
            "places",
            "status",
            "permit_on",
            "start_planned",
            "started_on",
            "acceptance_planned",
            "accepted_on",
            "delivery_planned",
            "delivered_on",
            "transferred_on",
            "facility",
            "notes",
        ]
        widgets = DATE_WIDGETS

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        self.instance.zone = zone
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))
        limit_choices(
            self,
            "facility",
            Facility.objects.filter(street__zone=zone, type__code="kindergarten").order_by("code"),
        )

    def clean_code(self) -> str:
        code = str(self.cleaned_data["code"]).strip()
        if Kindergarten.objects.filter(zone=self.zone, code=code).exclude(pk=self.instance.pk).exists():
            raise ValidationError(_("Another kindergarten has this code."))
        return code

    def clean(self) -> dict[str, Any]:
        cleaned = super().clean() or {}
        for name, message in _ordered(cleaned, (*DATE_ORDER, ("permit_on", "started_on"))).items():
            self.add_error(name, message)
        status = cleaned.get("status")
        needs = {
            KindergartenStatus.ACCEPTED: "accepted_on",
            KindergartenStatus.DELIVERED: "delivered_on",
            KindergartenStatus.TRANSFERRED: "transferred_on",
        }
        if status in needs and not cleaned.get(needs[status]):
            self.add_error(needs[status], _("Give the date of this status."))
        return cleaned


class SchoolRecordForm(forms.ModelForm[SchoolRecord]):
    class Meta:
        model = SchoolRecord
        fields = ["year", "classes", "pupils"]

    def __init__(self, *args: Any, facility: Facility, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.instance.facility = facility


class LevelForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, required=False)

    def level_or_default(self) -> str:
        return str(self.cleaned_data.get("level") or Level.PRIMARY) if self.is_valid() else str(Level.PRIMARY)


class CatchmentForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.PRIMARY)
    year = forms.IntegerField(label=_("For the school year"), validators=YEAR_VALIDATORS)
    objective = forms.ChoiceField(label=_("Objective"), choices=Objective.choices, initial=Objective.TOTAL)
    name = forms.CharField(label=_("Name"), max_length=120, required=False)


class SitingForm(forms.Form):
    level = forms.ChoiceField(label=_("Level"), choices=Level.choices, initial=Level.PRIMARY)
    year = forms.IntegerField(label=_("Forecast year"), validators=YEAR_VALIDATORS)
    sites = forms.IntegerField(
        label=_("New schools"), initial=1, validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    places = forms.IntegerField(
        label=_("Places of a new school"),
        initial=1080,
        validators=[MinValueValidator(30), MaxValueValidator(5000)],
    )


class ImportForm(forms.Form):
    file = UploadField(label=_("File (xlsx or CSV)"))
    what = forms.ChoiceField(
        label=_("Contents"),
        choices=[
            ("developments", _("Housing developments and their phases")),
            ("kindergartens", _("Housing kindergartens")),
            ("births", _("Children's birth dates by residential area")),
        ],
    )
    year = forms.IntegerField(
        label=_("For the school year"),
        required=False,
        validators=YEAR_VALIDATORS,
        help_text=_(
            "Birth dates only: the school year whose cut-off day the ages are counted on (this year by default)."
        ),
    )


class JobForm(forms.Form):
    job = forms.IntegerField(required=False, min_value=1)

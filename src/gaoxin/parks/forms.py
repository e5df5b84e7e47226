from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.common.forms import UploadField
from gaoxin.parks.datasets import DATASETS, LAND_DATASET, LAND_LABEL
from gaoxin.parks.models import YEAR_VALIDATORS, Scheme


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
    notice_days = forms.IntegerField(label=_("Objection window (days)"), min_value=1, max_value=60, initial=5)


class SchemeForm(forms.Form):
    title = forms.CharField(label=_("Title"), max_length=120)
    source = forms.CharField(
        label=_("Scheme (TOML)"), widget=forms.Textarea(attrs={"rows": 30, "class": "code"})
    )


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Objection and evidence"), widget=forms.Textarea(attrs={"rows": 4}), max_length=4000
    )


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


class OwnFiguresForm(forms.Form):
    """The enterprise's own figures (money in 万元 as on its reports)."""

    tax_10k_yuan = forms.DecimalField(
        label=_("Tax paid (10k yuan)"), min_value=0, required=False, max_digits=14, decimal_places=4
    )
    revenue_10k_yuan = forms.DecimalField(
        label=_("Operating revenue (10k yuan)"), min_value=0, required=False, max_digits=14, decimal_places=4
    )
    value_added_10k_yuan = forms.DecimalField(
        label=_("Industrial value added (10k yuan)"),
        min_value=0,
        required=False,
        max_digits=14,
        decimal_places=4,
    )
    rd_10k_yuan = forms.DecimalField(
        label=_("R&D expenditure (10k yuan)"), min_value=0, required=False, max_digits=14, decimal_places=4
    )
    employees = forms.DecimalField(
        label=_("Average employees"), min_value=0, required=False, max_digits=10, decimal_places=0
    )
    energy_tce = forms.DecimalField(
        label=_("Energy use (tce)"), min_value=0, required=False, max_digits=14, decimal_places=4
    )

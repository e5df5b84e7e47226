"""One filter set per listed model of the parks app, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices
from gaoxin.parks.choices import Klass, PlantStage, RequestStatus, Scale, ServiceField
from gaoxin.parks.models import Park


class _ByPark(FilterSet):
    """The zone's parks as choices (context ``zone``)."""

    park = forms.ModelChoiceField(label=_("Park"), queryset=Park.objects.none(), required=False)

    def prepare(self) -> None:
        zone = self.context.get("zone")
        parks = Park.objects.order_by("code")
        limit_choices(self, "park", parks.filter(zone=zone) if zone is not None else parks)


class EnterpriseFilter(_ByPark):
    search_fields = ("name__icontains",)
    lookups = {"industry": "industry_code__startswith"}

    scale = forms.ChoiceField(label=_("Scale"), choices=[("", ""), *Scale.choices], required=False)
    industry = forms.CharField(label=_("Industry code (GB/T 4754)"), required=False, max_length=5)
    q = SearchField()


class ResultFilter(_ByPark):
    search_fields = ("enterprise__name__icontains",)
    lookups = {"park": "enterprise__park", "industry": "enterprise__industry_code__startswith"}

    pool = forms.ChoiceField(label=_("Pool"), choices=[("", ""), *Scale.choices], required=False)
    klass = forms.ChoiceField(label=_("Class"), choices=[("", ""), *Klass.choices], required=False)
    industry = forms.CharField(label=_("Industry code (GB/T 4754)"), required=False, max_length=5)
    q = SearchField()


class LandFilter(_ByPark):
    """Parcels with their flags; the flags are computed, so ``flag`` filters the rows, not a query."""

    flag = forms.ChoiceField(
        label=_("Flag"), choices=[("", ""), ("idle", _("idle")), ("low", _("low efficiency"))], required=False
    )

    def filter(self, qs: QuerySet[Any]) -> QuerySet[Any]:
        park = self.value("park")
        return qs.filter(park=park) if park else qs

    def keep(self, row: dict[str, Any]) -> bool:
        flag = self.value("flag")
        if flag == "idle":
            return bool(row["flags"].idle)
        if flag == "low":
            return bool(row["flags"].low_efficiency)
        return True


class PlantFilter(_ByPark):
    search_fields = ("name__icontains",)

    stage = forms.ChoiceField(label=_("Stage"), choices=[("", ""), *PlantStage.choices], required=False)
    standard = forms.NullBooleanField(
        label=_("Standard plant"),
        required=False,
        widget=forms.Select(choices=[("", ""), ("true", _("yes")), ("false", _("no"))]),
    )
    q = SearchField()


class RequestFilter(FilterSet):
    search_fields = ("title__icontains", "enterprise__name__icontains", "number__icontains")

    status = forms.ChoiceField(label=_("Status"), choices=[("", ""), *RequestStatus.choices], required=False)
    field = forms.ChoiceField(
        label=_("Service field"), choices=[("", ""), *ServiceField.choices], required=False
    )
    q = SearchField()

"""One filter set per listed model of the plans app, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices, set_choices
from gaoxin.places.choices import ServiceClass
from gaoxin.places.models import FacilityType, Street
from gaoxin.plans.choices import ProjectCategory, ProjectKind, TargetKind
from gaoxin.plans.models import Unit


class TargetFilter(FilterSet):
    search_fields = ("title__icontains", "code__icontains")

    owner = forms.ModelChoiceField(label=_("Owner unit"), queryset=Unit.objects.none(), required=False)
    kind = forms.ChoiceField(
        label=_("How it is measured"), choices=[("", ""), *TargetKind.choices], required=False
    )
    q = SearchField()

    def prepare(self) -> None:
        zone = self.context.get("zone")
        limit_choices(self, "owner", Unit.objects.filter(zone=zone))


class TaskFilter(FilterSet):
    search_fields = ("content__icontains", "number__icontains")
    lookups = {"unit": "lead"}

    unit = forms.ModelChoiceField(label=_("Lead unit"), queryset=Unit.objects.none(), required=False)
    q = SearchField()

    def prepare(self) -> None:
        zone = self.context.get("zone")
        limit_choices(self, "unit", Unit.objects.filter(zone=zone))


class ProjectFilter(FilterSet):
    search_fields = ("name__icontains", "code__icontains")

    kind = forms.ChoiceField(label=_("Kind"), choices=[("", ""), *ProjectKind.choices], required=False)
    category = forms.ChoiceField(
        label=_("Category"), choices=[("", ""), *ProjectCategory.choices], required=False
    )
    q = SearchField()


class CareFilter(FilterSet):
    search_fields = ("name__icontains", "code__icontains")
    lookups = {"type": "type__code", "street": "street"}

    type = forms.ChoiceField(label=_("Type"), required=False)
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)
    q = SearchField()

    def prepare(self) -> None:
        zone = self.context.get("zone")
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))
        types = FacilityType.objects.filter(service_class=ServiceClass.ELDERCARE).order_by("order")
        set_choices(self, "type", [("", ""), *((t.code, t.label) for t in types)])

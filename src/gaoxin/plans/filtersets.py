"""One filter set per listed model of the plans app, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices
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

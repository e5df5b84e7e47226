"""One filter set per listed model of grid governance, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import QuerySet
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices
from gaoxin.governance.choices import CaseStatus, ServiceGroup, Urgency
from gaoxin.governance.models import Case, Grid
from gaoxin.places.models import Street


class CaseFilter(FilterSet):
    search_fields = ("number__icontains", "description__icontains", "address__icontains")
    lookups = {"group": "service__group"}

    status = forms.ChoiceField(label=_("Status"), choices=[("", ""), *CaseStatus.choices], required=False)
    group = forms.ChoiceField(label=_("Group"), choices=[("", ""), *ServiceGroup.choices], required=False)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=[("", ""), *Urgency.choices], required=False)
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)
    grid = forms.ModelChoiceField(label=_("Grid"), queryset=Grid.objects.none(), required=False)
    late = forms.BooleanField(label=_("Overdue only"), required=False)
    q = SearchField()

    def prepare(self) -> None:
        zone = self.context.get("zone")
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))
        limit_choices(self, "grid", Grid.objects.filter(community__street__zone=zone).order_by("code"))

    def filter_late(self, qs: QuerySet[Case], value: Any) -> QuerySet[Case]:
        from django.utils import timezone

        return qs.filter(status__in=("dispatched", "handling"), due_at__lt=timezone.now()) if value else qs

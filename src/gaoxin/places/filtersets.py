"""One filter set per listed model, shared by the pages and the API."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gaoxin.places.choices import AreaStatus, FacilityStatus, ServiceClass
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street


class _FilterForm(forms.Form):
    q = forms.CharField(label=_("Search"), required=False)
    street = forms.ModelChoiceField(
        label=_("Street"), queryset=Street.objects.all(), required=False, empty_label=_("All streets")
    )

    def __init__(self, data: Mapping[str, Any] | None = None) -> None:
        super().__init__(data or None)
        self.is_valid()

    def value(self, name: str) -> Any:
        return getattr(self, "cleaned_data", {}).get(name)


class FacilityFilter(_FilterForm):
    service_class = forms.ChoiceField(
        label=_("Service class"), choices=[("", _("All classes")), *ServiceClass.choices], required=False
    )
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=FacilityType.objects.all(), required=False, empty_label=_("All types")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *FacilityStatus.choices], required=False
    )

    def filter(self, qs: QuerySet[Facility]) -> QuerySet[Facility]:
        if q := self.value("q"):
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(address__icontains=q))
        if street := self.value("street"):
            qs = qs.filter(street=street)
        if sc := self.value("service_class"):
            qs = qs.filter(type__service_class=sc)
        if ftype := self.value("type"):
            qs = qs.filter(type=ftype)
        if status := self.value("status"):
            qs = qs.filter(status=status)
        return qs


class AreaFilter(_FilterForm):
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *AreaStatus.choices], required=False
    )

    def filter(self, qs: QuerySet[ResidentialArea]) -> QuerySet[ResidentialArea]:
        if q := self.value("q"):
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q) | Q(community__name__icontains=q))
        if street := self.value("street"):
            qs = qs.filter(street=street)
        if status := self.value("status"):
            qs = qs.filter(status=status)
        return qs


class CommunityFilter(_FilterForm):
    def filter(self, qs: QuerySet[Community]) -> QuerySet[Community]:
        if q := self.value("q"):
            qs = qs.filter(Q(name__icontains=q) | Q(code__icontains=q))
        if street := self.value("street"):
            qs = qs.filter(street=street)
        return qs

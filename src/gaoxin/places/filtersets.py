"""One filter set per listed model of the places app, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices
from gaoxin.places.choices import AreaStatus, FacilityStatus, ServiceClass
from gaoxin.places.models import FacilityType, Street


class _ByStreet(FilterSet):
    """A search and the streets of the zone (context ``zone``)."""

    q = SearchField()
    street = forms.ModelChoiceField(
        label=_("Street"), queryset=Street.objects.none(), required=False, empty_label=_("All streets")
    )

    def prepare(self) -> None:
        zone = self.context.get("zone")
        streets = Street.objects.order_by("code")
        limit_choices(self, "street", streets.filter(zone=zone) if zone is not None else streets)


class FacilityFilter(_ByStreet):
    search_fields = ("name__icontains", "code__icontains", "address__icontains")
    lookups = {"service_class": "type__service_class"}

    service_class = forms.ChoiceField(
        label=_("Service class"), choices=[("", _("All classes")), *ServiceClass.choices], required=False
    )
    type = forms.ModelChoiceField(
        label=_("Type"), queryset=FacilityType.objects.all(), required=False, empty_label=_("All types")
    )
    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *FacilityStatus.choices], required=False
    )


class AreaFilter(_ByStreet):
    search_fields = ("name__icontains", "code__icontains", "community__name__icontains")

    status = forms.ChoiceField(
        label=_("Status"), choices=[("", _("Any status")), *AreaStatus.choices], required=False
    )


class CommunityFilter(_ByStreet):
    search_fields = ("name__icontains", "code__icontains")

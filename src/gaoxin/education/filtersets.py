"""One filter set per listed model of the education app, shared by the pages and the API."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet, SearchField
from gaoxin.common.forms import limit_choices
from gaoxin.places.models import Street


class DevelopmentFilter(FilterSet):
    search_fields = ("name__icontains", "code__icontains", "developer__icontains")
    lookups = {"street": "street"}

    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)
    q = SearchField()

    def prepare(self) -> None:
        zone = self.context.get("zone")
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))

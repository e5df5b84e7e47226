"""One filter set per listed model of the health app, shared by the pages and the API."""

from __future__ import annotations

from typing import Any

from django import forms
from django.db.models import Q, QuerySet
from django.utils.translation import gettext_lazy as _

from gaoxin.common.filters import FilterSet


class AuditFilter(FilterSet):
    """The auditor's view of the audit log: by user, action, object (type or id) and dates."""

    lookups = {"user": "actor_name__icontains", "since": "at__date__gte", "until": "at__date__lte"}

    user = forms.CharField(
        label=_("User"),
        required=False,
        max_length=150,
        widget=forms.TextInput(attrs={"placeholder": _("user")}),
    )
    action = forms.CharField(
        label=_("Action"),
        required=False,
        max_length=20,
        widget=forms.TextInput(attrs={"placeholder": _("action: read, reveal …")}),
    )
    target = forms.CharField(
        label=_("Object (type or id)"),
        required=False,
        max_length=40,
        widget=forms.TextInput(attrs={"placeholder": _("object type or id")}),
    )
    since = forms.DateField(label=_("From"), required=False, widget=forms.DateInput(attrs={"type": "date"}))
    until = forms.DateField(label=_("To"), required=False, widget=forms.DateInput(attrs={"type": "date"}))

    def filter_target(self, qs: QuerySet[Any], value: str) -> QuerySet[Any]:
        return qs.filter(Q(target_type=value) | Q(target_id=value))

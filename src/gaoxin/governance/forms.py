"""Every input of the grid-governance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.common.choices import CoordinateSystem
from gaoxin.common.forms import DateInput, EvidenceField, UploadField, limit_choices, set_choices
from gaoxin.common.imports import lon_lat_problem
from gaoxin.governance.choices import (
    DISPUTE_ENDED,
    DisputeKind,
    DisputeStatus,
    HouseholdChange,
    Referral,
    Source,
    Urgency,
)
from gaoxin.governance.models import Department, ServiceType
from gaoxin.places.models import Community, Street


class ReportForm(forms.Form):
    """A request: what, where (a point on the map or an address), a photo; staff also say who reports."""

    service = forms.ModelChoiceField(label=_("What kind of problem"), queryset=ServiceType.objects.all())
    description = forms.CharField(
        label=_("Description"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    address = forms.CharField(label=_("Address"), max_length=200, required=False)
    lon = forms.FloatField(label=_("Longitude"), required=False, widget=forms.HiddenInput)
    lat = forms.FloatField(label=_("Latitude"), required=False, widget=forms.HiddenInput)
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    photo = EvidenceField(label=_("Photo"), required=False)
    contact_phone = forms.CharField(label=_("Phone (for the answer)"), max_length=20, required=False)
    source = forms.ChoiceField(label=_("Reported by"), choices=Source.choices, initial=Source.RESIDENT)

    def __init__(self, *args: Any, staff: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not staff:
            del self.fields["source"]
        else:
            set_choices(self, "source", [c for c in Source.choices if c[0] != Source.OPEN311])

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lon, lat = data.get("lon"), data.get("lat")
        if (lon is None) != (lat is None):
            raise ValidationError(_("Give both coordinates or neither."))
        if lon is not None and lat is not None:
            problem = lon_lat_problem(lon, lat)
            if problem:
                raise ValidationError(problem)
        if lon is None and not (data.get("address") or "").strip():
            raise ValidationError(_("Give a place: a point on the map or an address."))
        return data


class StepForm(forms.Form):
    action = forms.CharField(max_length=12, widget=forms.HiddenInput)
    note = forms.CharField(
        label=_("Note"), widget=forms.Textarea(attrs={"rows": 2}), required=False, max_length=4000
    )
    department = forms.ModelChoiceField(
        label=_("Responsible unit"), queryset=Department.objects.none(), required=False
    )
    rating = forms.TypedChoiceField(
        label=_("Satisfaction"),
        choices=[("", "")] + [(str(i), "★" * i) for i in range(5, 0, -1)],
        coerce=int,
        empty_value=None,
        required=False,
    )

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "department", Department.objects.filter(zone=zone))


class GridImportForm(forms.Form):
    file = UploadField(label=_("File (GeoJSON, CSV or xlsx)"))
    coordinate_system = forms.ChoiceField(label=_("Coordinate system"), choices=CoordinateSystem.choices)


class DisputeForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    community = forms.ModelChoiceField(
        label=_("Community"), queryset=Community.objects.none(), required=False
    )
    kind = forms.ChoiceField(label=_("Kind"), choices=DisputeKind.choices)
    summary = forms.CharField(
        label=_("What it is about"), widget=forms.Textarea(attrs={"rows": 3}), max_length=4000
    )
    parties = forms.CharField(label=_("Parties"), max_length=300, help_text=_("Names, separated by 、"))
    committee = forms.CharField(label=_("Mediation committee"), max_length=100)
    mediators = forms.CharField(label=_("Mediators"), max_length=200, required=False)
    accepted_on = forms.DateField(label=_("Accepted on"), widget=DateInput())

    def __init__(self, *args: Any, zone: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        limit_choices(self, "street", Street.objects.filter(zone=zone).order_by("code"))
        limit_choices(self, "community", Community.objects.filter(street__zone=zone).order_by("code"))


class SessionForm(forms.Form):
    held_on = forms.DateField(label=_("Held on"), widget=DateInput())
    note = forms.CharField(
        label=_("What was done"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000
    )


class EndForm(forms.Form):
    status = forms.ChoiceField(
        label=_("How it ended"), choices=[(s.value, s.label) for s in DisputeStatus if s in DISPUTE_ENDED]
    )
    ended_on = forms.DateField(label=_("Ended on"), widget=DateInput())
    referred_to = forms.ChoiceField(label=_("Referred to"), choices=Referral.choices, required=False)
    agreement = EvidenceField(label=_("Mediation agreement (调解协议书)"), required=False)
    outcome = forms.CharField(
        label=_("Outcome"), widget=forms.Textarea(attrs={"rows": 2}), max_length=4000, required=False
    )


class ConfirmForm(forms.Form):
    on = forms.DateField(label=_("Confirmed by the court on"), widget=DateInput())


class VisitForm(forms.Form):
    household = forms.IntegerField(widget=forms.HiddenInput, min_value=1)
    visited_on = forms.DateField(label=_("Visited on"), widget=DateInput())
    change = forms.ChoiceField(label=_("Change"), choices=HouseholdChange.choices, required=False)
    note = forms.CharField(label=_("Note"), max_length=300, required=False)

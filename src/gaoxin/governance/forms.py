"""Every input of the grid-governance pages."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.common.choices import CoordinateSystem
from gaoxin.common.forms import EvidenceField, UploadField, limit_choices, set_choices
from gaoxin.common.imports import lon_lat_problem
from gaoxin.governance.choices import Source, Urgency
from gaoxin.governance.models import Department, ServiceType


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

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts.models import User
from gaoxin.common.choices import CoordinateSystem, FileFormat
from gaoxin.common.forms import DateInput, UploadField, limit_choices
from gaoxin.common.imports import GeoFrame, lon_lat_problem
from gaoxin.common.tabular import format_for_filename
from gaoxin.places import access, queries
from gaoxin.places.choices import ImportDataset
from gaoxin.places.models import Community, Facility, ResidentialArea, Street, Zone

# Fields a new facility may be prefilled with from elsewhere (a gap in a life-circle report).
PREFILL = ("code", "name", "type", "street", "community", "lon", "lat")


def check_points(form: forms.BaseForm, data: dict[str, Any], zone: Zone) -> None:
    """Each point pair of ``form.map_points``: both or neither, a real position, inside the zone (with
    a hint when longitude and latitude look swapped) — the same checks as an imported file."""
    frame = GeoFrame(boundary=zone.boundary, zone_label=zone.name)
    for lon_name, lat_name in getattr(form, "map_points", ()):
        lon, lat = data.get(lon_name), data.get(lat_name)
        if lon is None or lat is None:
            if (lon is None) != (lat is None):
                form.add_error(lon_name if lon is None else lat_name, _("Give both or neither."))
            continue
        problem = lon_lat_problem(lon, lat) or frame.outside(lon, lat)
        if problem:
            form.add_error(lon_name, problem)


class FacilityForm(forms.ModelForm[Facility]):
    class Meta:
        model = Facility
        fields = [
            "code",
            "name",
            "type",
            "street",
            "community",
            "lon",
            "lat",
            "entrance_lon",
            "entrance_lat",
            "address",
            "capacity",
            "floor_area_m2",
            "land_area_m2",
            "status",
            "planned_year",
            "opened_on",
            "closed_on",
            "operator",
        ]
        widgets = {
            "opened_on": DateInput(),
            "closed_on": DateInput(),
        }

    # The point pairs a map on the form sets by a click (the template draws one map for the first).
    map_points = (("lon", "lat"), ("entrance_lon", "entrance_lat"))

    def __init__(self, *args: Any, user: User, zone: Zone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        streets = access.streets_for_edit(user, zone)
        limit_choices(self, "street", streets)
        limit_choices(self, "community", Community.objects.filter(street__in=streets))
        self.fields["code"].required = False
        self.fields["code"].help_text = _("Leave it blank for a new code (F<street>-<type>-<number>).")

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_points(self, data, self.zone)
        community, street = data.get("community"), data.get("street")
        if community is not None and street is not None and community.street_id != street.pk:
            self.add_error("community", _("The community lies in another street."))
        if not data.get("code") and street is not None and data.get("type") is not None:
            data["code"] = queries.next_facility_code(street, data["type"].code)
            self.instance.code = data["code"]
        return data


class AreaForm(forms.ModelForm[ResidentialArea]):
    class Meta:
        model = ResidentialArea
        fields = [
            "code",
            "name",
            "community",
            "center_lon",
            "center_lat",
            "households",
            "pop_0_2",
            "pop_3_5",
            "pop_6_11",
            "pop_12_14",
            "pop_15_59",
            "pop_60_64",
            "pop_65_plus",
            "status",
            "construction_year",
            "delivery_year",
        ]

    map_points = (("center_lon", "center_lat"),)

    def __init__(self, *args: Any, user: User, zone: Zone, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.zone = zone
        limit_choices(
            self, "community", Community.objects.filter(street__in=access.streets_for_edit(user, zone))
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        check_points(self, data, self.zone)
        return data

    def _post_clean(self) -> None:
        # street is derived from the community on save; validate everything else.
        self._meta.exclude = ("street",)
        super()._post_clean()  # type: ignore[misc]  # django-stubs leaves out BaseModelForm._post_clean


class ImportForm(forms.Form):
    dataset = forms.ChoiceField(
        label=_("Data"), choices=ImportDataset.choices, initial=ImportDataset.FACILITIES
    )
    file = UploadField(label=_("File (CSV, xlsx or GeoJSON)"))
    file_format = forms.ChoiceField(
        label=_("Format"), choices=[("", _("From the file name")), *FileFormat.choices], required=False
    )
    coordinate_system = forms.ChoiceField(
        label=_("Coordinates in the file"), choices=CoordinateSystem.choices, initial=CoordinateSystem.WGS84
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        upload = data.get("file")
        if upload is not None:
            fmt = data.get("file_format") or format_for_filename(upload.name)
            if not fmt:
                self.add_error("file_format", _("Cannot tell the format from the file name; choose it."))
            data["file_format"] = fmt
        return data


class ExportForm(forms.Form):
    """Which street to export (none: the whole zone)."""

    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)

    def __init__(self, data: Any, *, zone: Zone) -> None:
        super().__init__(data)
        limit_choices(self, "street", Street.objects.filter(zone=zone))


def prefill(query: Any) -> dict[str, Any]:
    """The initial values of a new facility proposed from elsewhere (only the PREFILL fields)."""
    return {k: query.get(k) for k in PREFILL if query.get(k)}

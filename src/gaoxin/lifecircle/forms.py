"""Every input of the life-circle pages, as forms: the views read no raw query string or POST.

A form that chooses an object of a zone (an evaluation, a street, a scenario, a candidate list) is
given the zone and offers only its objects; the gate in access.py is asked again by the service or
query that uses it."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gaoxin.common.choices import CoordinateSystem
from gaoxin.common.forms import UploadField, limit_choices, set_choices
from gaoxin.common.imports import lon_lat_problem
from gaoxin.lifecircle.models import CandidateList, Evaluation, Profile, Scenario
from gaoxin.lifecircle.queries import MAX_NEW_SITES, MAX_YEARS, SitingRequest
from gaoxin.lifecircle.services import ProposedSite
from gaoxin.places.choices import WalkProfileCode
from gaoxin.places.models import Street, Zone

FORMATS = [("", _("page")), ("xlsx", "xlsx"), ("pdf", "PDF")]


class RunForm(forms.Form):
    profile = forms.ModelChoiceField(label=_("Profile"), queryset=Profile.objects.all(), empty_label=None)


class _LonLat(forms.Form):
    lon = forms.FloatField(label=_("Longitude"))
    lat = forms.FloatField(label=_("Latitude"))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        lon, lat = data.get("lon"), data.get("lat")
        if lon is not None and lat is not None and (wrong := lon_lat_problem(lon, lat)):
            self.add_error("lon", wrong)
        return data


class EvaluationChoiceForm(forms.Form):
    """``?evaluation=N``: which run a page shows (none: the zone's latest)."""

    evaluation = forms.IntegerField(required=False, min_value=1)

    def chosen(self) -> int | None:
        return self.cleaned_data.get("evaluation") if self.is_valid() else None


class FormatForm(forms.Form):
    """``?format=xlsx|pdf``: a download instead of the page."""

    format = forms.ChoiceField(choices=FORMATS, required=False)

    def chosen(self) -> str:
        return str(self.cleaned_data.get("format") or "") if self.is_valid() else ""


class StreetPageForm(FormatForm):
    """The communities whose areas form the circle of the checklist (none: the whole street)."""

    community = forms.MultipleChoiceField(required=False)

    def __init__(self, data: Any, *, communities: list[tuple[str, str]]) -> None:
        super().__init__(data)
        set_choices(self, "community", communities)

    def communities(self) -> list[str]:
        return list(self.cleaned_data.get("community") or []) if self.is_valid() else []


class CompareForm(forms.Form):
    a = forms.ModelChoiceField(queryset=Evaluation.objects.none(), required=False)
    b = forms.ModelChoiceField(queryset=Evaluation.objects.none(), required=False)

    def __init__(self, data: Any, *, zone: Zone) -> None:
        super().__init__(data)
        for name in ("a", "b"):
            limit_choices(self, name, Evaluation.objects.filter(zone=zone))


class IsochroneForm(_LonLat):
    distance = forms.FloatField(label=_("Walking distance (m)"), required=False, initial=300)
    profile = forms.ChoiceField(
        label=_("Who walks"),
        choices=WalkProfileCode.choices,
        required=False,
        initial=WalkProfileCode.DISTANCE,
    )


def _Money(label: Any) -> forms.DecimalField:  # noqa: N802 - a field factory, read like a class
    """An amount of 万元, zero or more, at most 1,000 亿元 (10,000,000 万元); two decimals."""
    return forms.DecimalField(
        label=label,
        required=False,
        min_value=0,
        max_value=10_000_000,
        max_digits=12,
        decimal_places=2,
        error_messages={
            "invalid": _("Give an amount of 万元, e.g. 120 or 85.5."),
            "min_value": _("An amount cannot be negative."),
            "max_value": _("An amount above 1,000 亿元 (10,000,000 万元) is not plausible."),
            "max_digits": _("An amount above 1,000 亿元 (10,000,000 万元) is not plausible."),
            "max_decimal_places": _("Give an amount of 万元 with at most two decimals."),
        },
    )


def _yuan(amount_10k: Decimal | None) -> Decimal | None:
    return None if amount_10k is None else amount_10k * 10_000


class SitingForm(forms.Form):
    """The siting page's question; :meth:`request` is the same :class:`SitingRequest` the API builds."""

    type = forms.ChoiceField(label=_("Facility type"))
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none(), required=False)
    p = forms.IntegerField(
        label=_("New sites (empty: as few as reach everyone)"),
        required=False,
        min_value=0,
        max_value=MAX_NEW_SITES,
        error_messages={
            "invalid": _("The number of new sites is a whole number (empty: cover everyone)."),
            "min_value": _("The number of new sites is a whole number (empty: cover everyone)."),
            "max_value": _("At most %(limit_value)s new sites at a time."),
        },
    )
    candidates = forms.ModelChoiceField(
        label=_("Candidate sites"), queryset=CandidateList.objects.none(), required=False
    )
    model = forms.ChoiceField(
        choices=[("cover", "cover"), ("median", "median"), ("center", "center")], required=False
    )
    capacitated = forms.BooleanField(required=False)
    capacity = forms.IntegerField(
        required=False,
        min_value=1,
        error_messages={
            "invalid": _("Give the places of a new site as a whole number."),
            "min_value": _("The places of a new site must be a positive number."),
        },
    )
    format = forms.ChoiceField(choices=FORMATS, required=False)
    job = forms.IntegerField(required=False, min_value=1)  # the page of a siting job's result
    # A plan with money and several types (all amounts in 万元, as the zone's budgets are written)
    type2 = forms.ChoiceField(label=_("Together with"), required=False)
    type3 = forms.ChoiceField(label=_("and with"), required=False)
    budget = _Money(label=pgettext_lazy("siting", "Budget (10k yuan)"))
    build = _Money(label=_("Building or fit-out per site (10k yuan)"))
    running = _Money(label=_("Running per site and year (10k yuan)"))
    build2 = _Money(label=_("Building or fit-out per site (10k yuan)"))
    running2 = _Money(label=_("Running per site and year (10k yuan)"))
    build3 = _Money(label=_("Building or fit-out per site (10k yuan)"))
    running3 = _Money(label=_("Running per site and year (10k yuan)"))
    land = _Money(label=_("Land or premises per lot without its own figure (10k yuan)"))
    years = forms.IntegerField(
        label=_("Years of running costs"),
        required=False,
        min_value=1,
        max_value=MAX_YEARS,
        error_messages={
            "invalid": _("The plan's years are a whole number."),
            "min_value": _("The plan's years are at least 1."),
            "max_value": _("The plan's years lie between 1 and %(limit_value)s."),
        },
    )
    colocate = forms.BooleanField(required=False)
    closable = forms.BooleanField(required=False)
    min_share = forms.IntegerField(
        label=_("At least this share of each street's people (%)"),
        required=False,
        min_value=0,
        max_value=100,
        error_messages={
            "invalid": _("The share per street is a whole percentage, 0 to 100."),
            "min_value": _("The share per street is a whole percentage, 0 to 100."),
            "max_value": _("The share per street is a whole percentage, 0 to 100."),
        },
    )

    def __init__(self, data: Any, *, zone: Zone, types: list[str]) -> None:
        super().__init__(data)
        set_choices(self, "type", [(t, t) for t in types])
        set_choices(self, "type2", [("", "-"), *((t, t) for t in types)])
        set_choices(self, "type3", [("", "-"), *((t, t) for t in types)])
        limit_choices(self, "street", Street.objects.filter(zone=zone))
        limit_choices(self, "candidates", CandidateList.objects.filter(zone=zone))

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("capacitated") and data.get("capacity") is None and "capacity" not in self.errors:
            self.add_error("capacity", _("Give the places of a new site as a whole number."))
        if not self.errors and self.request().is_plan():
            if data.get("model") in ("median", "center") or data.get("capacitated"):
                self.add_error(
                    "model",
                    _(
                        "A plan with a budget or several types reaches the most people; it has no "
                        "capacity, p-median or longest-walk variant."
                    ),
                )
            elif data.get("budget") is None and data.get("p") is None:
                self.add_error("budget", _("Give a budget or the number of sites for the plan."))
        if not self.errors and data.get("model") == "center" and data.get("p") is None:
            self.add_error("p", _("The longest-walk model needs the number of new sites."))
        return data

    def asked(self) -> bool:
        """Whether a question was asked (the page opens without one)."""
        return bool(self.data.get("type"))

    def heavy(self) -> bool:
        """The models that take seconds to minutes (the p-median, the capacitated models, a whole zone)
        run as a job; the covering of one street answers at once."""
        d = self.cleaned_data
        return (
            d.get("model") in ("median", "center")
            or bool(d.get("capacitated"))
            or d.get("street") is None
            or self.request().is_plan()
        )

    def request(self) -> SitingRequest:
        d = self.cleaned_data
        return SitingRequest(
            type_code=d["type"],
            p=d.get("p"),
            street=d.get("street"),
            capacity_per_site=d.get("capacity") if d.get("capacitated") else None,
            median=d.get("model") == "median",
            center=d.get("model") == "center",
            candidate_list=d.get("candidates"),
            also=tuple(t for t in (d.get("type2"), d.get("type3")) if t and t != d["type"]),
            budget_yuan=_yuan(d.get("budget")),
            costs_yuan=tuple(
                (code, _yuan(d.get(f"build{n}")), _yuan(d.get(f"running{n}")))
                for code, n in ((d["type"], ""), (d.get("type2"), "2"), (d.get("type3"), "3"))
                if code
            ),
            years=d.get("years"),
            land_yuan=_yuan(d.get("land")),
            colocate=bool(d.get("colocate")),
            closable=bool(d.get("closable")),
            min_street_share=None if not d.get("min_share") else d["min_share"] / 100,
        )

    def message(self) -> str:
        """The first problem, in words (the page shows it above the form)."""
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class ProposedSitesField(forms.MultipleChoiceField):
    """The proposed sites a planner checked: each a value ``lon,lat,gain`` as the proposal wrote it."""

    def to_python(self, value: Any) -> list[str]:
        return [str(v) for v in (value or [])]

    def validate(self, value: Any) -> None:
        if self.required and not value:
            raise forms.ValidationError(self.error_messages["required"], code="required")

    def clean(self, value: Any) -> list[tuple[float, float, float | None]]:
        values = super().clean(value)
        sites = []
        for v in values:
            parts = v.split(",")
            try:
                lon, lat = float(parts[0]), float(parts[1])
                gain = float(parts[2]) if len(parts) > 2 and parts[2] not in ("", "None") else None
            except (ValueError, IndexError):
                raise forms.ValidationError(_("A proposed site is not a longitude,latitude pair.")) from None
            if wrong := lon_lat_problem(lon, lat):
                raise forms.ValidationError(wrong)
            sites.append((lon, lat, gain))
        return sites


class ScenarioSitesForm(forms.Form):
    """Put the checked sites of a proposal into a new or a saved scenario. A listed site's name and own
    places travel with it (``name:<value>``, ``cap:<value>``); ``capacity`` is the places of every other
    site (from a capacitated proposal)."""

    type = forms.CharField(max_length=40)
    site = ProposedSitesField(
        error_messages={"required": _("Choose at least one proposed site.")},
    )
    name = forms.CharField(max_length=120, required=False)
    scenario = forms.ModelChoiceField(queryset=Scenario.objects.none(), required=False)
    capacity = forms.IntegerField(min_value=0, required=False)
    street = forms.ModelChoiceField(queryset=Street.objects.none(), required=False)

    def __init__(self, data: Any, *, zone: Zone) -> None:
        super().__init__(data)
        limit_choices(self, "scenario", Scenario.objects.filter(zone=zone))
        limit_choices(self, "street", Street.objects.filter(zone=zone))

    def sites(self) -> list[ProposedSite]:
        default = self.cleaned_data.get("capacity") or 0
        raw = self.data.getlist("site") if hasattr(self.data, "getlist") else self.data.get("site", [])
        out = []
        for value, (lon, lat, gain) in zip(raw, self.cleaned_data["site"], strict=True):
            own = str(self.data.get(f"cap:{value}", "")).strip()
            out.append(
                ProposedSite(
                    lon=lon,
                    lat=lat,
                    gain=gain,
                    name=str(self.data.get(f"name:{value}", "")).strip()[:120],
                    capacity=int(own) if own.isascii() and own.isdigit() else default,
                )
            )
        return out

    def message(self) -> str:
        return " ".join(str(e) for errors in self.errors.values() for e in errors)


class SiteChangeForm(forms.Form):
    """Set the places of a proposed site, or take it out of the scenario."""

    capacity = forms.IntegerField(min_value=0, required=False)
    remove = forms.BooleanField(required=False)

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if not data.get("remove") and data.get("capacity") is None and "capacity" not in self.errors:
            self.add_error("capacity", _("The places must be a whole number, 0 or more."))
        return data


class FacilityCodeForm(forms.Form):
    code = forms.CharField(label=_("Facility code"), max_length=40)


class ScenarioChangeForm(FacilityCodeForm):
    """Move an existing facility and/or give it another capacity, in the scenario only."""

    lon = forms.FloatField(label=_("Longitude"), required=False)
    lat = forms.FloatField(label=_("Latitude"), required=False)
    capacity = forms.IntegerField(label=_("Capacity"), required=False, min_value=0)


class HousingForm(_LonLat):
    name = forms.CharField(label=_("Name"), max_length=120, required=False)
    population = forms.IntegerField(label=_("Population"), min_value=1, max_value=1_000_000)


class PromoteForm(forms.Form):
    street = forms.ModelChoiceField(label=_("Street"), queryset=Street.objects.none())
    code = forms.CharField(label=_("Code"), max_length=40, required=False)

    def __init__(self, data: Any, *, zone: Zone) -> None:
        super().__init__(data)
        limit_choices(self, "street", Street.objects.filter(zone=zone))


class CandidateListForm(forms.Form):
    name = forms.CharField(label=_("Name"), max_length=120)
    file = UploadField(label=_("File (CSV, xlsx or GeoJSON)"))
    coordinate_system = forms.ChoiceField(
        label=_("Coordinates in the file"), choices=CoordinateSystem.choices, initial=CoordinateSystem.WGS84
    )


def errors_in_words(form: forms.Form) -> str:
    """A form's problems as one sentence (for the message shown after a redirect)."""
    return " ".join(str(e) for errors in form.errors.values() for e in errors)

"""Validators for national identifiers and geometry used by the places models and importers."""

from __future__ import annotations

import re

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.analysis.errors import CoordinateError
from gaoxin.analysis.geo import check_lon_lat, parse_polygon
from gaoxin.common.errors import describe
from gaoxin.common.imports import lon_lat_problem

# GB/T 2260 county code (6 digits) extended by the statistical division codes (统计用区划代码):
# 9 digits for a street/township, 12 digits for a community/village (统计用区划代码, National Bureau of Statistics).
_ZONE_CODE = re.compile(r"^\d{6}$")
_STREET_CODE = re.compile(r"^\d{9}$")
_COMMUNITY_CODE = re.compile(r"^\d{12}$")


def validate_zone_code(value: str) -> None:
    if not _ZONE_CODE.match(value):
        raise ValidationError(_("A zone code has 6 digits (GB/T 2260), e.g. 370871."), code="zone_code")


def validate_street_code(value: str) -> None:
    if not _STREET_CODE.match(value):
        raise ValidationError(_("A street code has 9 digits, e.g. 370871001."), code="street_code")


def validate_community_code(value: str) -> None:
    if not _COMMUNITY_CODE.match(value):
        raise ValidationError(
            _("A community code has 12 digits (统计用区划代码), e.g. 370871002007."), code="community_code"
        )


def validate_lon_lat(lon: float | None, lat: float | None, field: str = "location") -> None:
    if lon is None or lat is None:
        return
    problem = lon_lat_problem(lon, lat)
    if problem:
        raise ValidationError({field: problem})


def validate_polygon_geojson(value: object) -> None:
    if value in (None, ""):
        return
    try:
        parse_polygon(value)
    except CoordinateError as exc:
        raise ValidationError(describe(exc), code=exc.code) from None


def validate_gates(value: object) -> None:
    """Gates are a list of [lon, lat] pairs."""
    if value in (None, ""):
        return
    if not isinstance(value, list):
        raise ValidationError(_("Gates must be a list of [longitude, latitude] pairs."), code="gates")
    for pair in value:
        if not (isinstance(pair, list | tuple) and len(pair) == 2):
            raise ValidationError(_("Gates must be a list of [longitude, latitude] pairs."), code="gates")
        try:
            check_lon_lat(float(pair[0]), float(pair[1]))
        except (TypeError, ValueError, CoordinateError):
            raise ValidationError(_("Gate %(pair)s is not a valid coordinate.") % {"pair": pair}) from None

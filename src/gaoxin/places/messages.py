"""Translated wording for the analysis core's error codes (the core itself speaks plain English)."""

from __future__ import annotations

from django.utils.translation import gettext as _

from gaoxin.analysis.errors import AnalysisError


def describe(exc: AnalysisError) -> str:
    """The user-facing, translated message for an analysis error; falls back to its English text."""
    p = exc.params
    messages = {
        "coordinate_not_finite": lambda: _("Longitude and latitude must be finite numbers."),
        "longitude_range": lambda: _("Longitude %(value)s is outside -180..180.") % p,
        "latitude_range": lambda: _("Latitude %(value)s is outside -90..90.") % p,
        "polygon_type": lambda: _("Expected a GeoJSON Polygon or MultiPolygon."),
        "polygon_malformed": lambda: _("Malformed polygon: %(reason)s") % p,
        "polygon_empty": lambda: _("The polygon is empty."),
        "polygon_invalid": lambda: _("Invalid polygon (%(reason)s).") % p,
        "point_type": lambda: _("Expected a GeoJSON Point."),
        "point_malformed": lambda: _("A point needs two numbers: [longitude, latitude]."),
    }
    make = messages.get(exc.code)
    return make() if make else exc.message

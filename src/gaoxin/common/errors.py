"""The one table that turns the analysis core's error codes into translated messages.

The core (``gaoxin.analysis``) speaks plain English and raises ``AnalysisError(code, message,
**params)``; a user never sees that English. Every entry point that shows a core error to a person
(a form, an import problem, an API answer, a command) calls :func:`describe`.

``tests/common/test_errors.py`` reads every ``raise …Error("code", …)`` of the core and fails when a
code has no entry here (a message of its own, or a place in :data:`INTERNAL`).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.functional import Promise
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from gaoxin.analysis.errors import AnalysisError

# code → message; %(name)s placeholders are filled from the error's params.
MESSAGES: dict[str, Promise] = {
    # low-efficiency land redevelopment (analysis.idle_land)
    "redevelopment_progress": _(
        "Progress is a share from 0 to 100 %% and cannot fall below the last report's."
    ),
    "redevelopment_date": _("A report cannot be dated before the last one."),
    # policy eligibility rules (analysis.eligibility)
    "rule_field": _("Line %(line)s: unknown field %(field)s."),
    "rule_operator": _("Line %(line)s: this field cannot be compared that way."),
    "rule_number": _("Line %(line)s: the value is not a number."),
    "rule_bool": _("Line %(line)s: the value is yes or no."),
    "rule_choice": _("Line %(line)s: %(value)s is not one of the field's values."),
    "rule_industry": _(
        "Line %(line)s: an industry is a GB/T 4754 code of 2 to 4 digits or a range of divisions such as 13-43."
    ),
    "rule_value": _("Line %(line)s: no value."),
    "rule_syntax": _("Line %(line)s: write a condition as field, operator, value, e.g. rd_ratio >= 3."),
    "rule_long": _("Line %(line)s: the line is too long."),
    "rule_too_many": _("A rule has at most 50 conditions."),
    # appointments (analysis.appointments)
    "slot_capacity": _("A slot has at least one place."),
    "slot_reserved": _("The reserved places lie between none and all of the slot's places."),
    # the incubation programme (analysis.incubation)
    "score_criteria": _("Score every criterion once."),
    "score_range": _("A criterion is scored from 0 to %(maximum)s."),
    "grant_negative": _("A grant must not be negative."),
    "tranche_shares": _("Tranche shares are positive and add up to 1."),
    # service requests (analysis.matching)
    "rating_range": _("A rating is a whole number from 1 to 5."),
    # leases of standard plants (analysis.leasing)
    "lease_backwards": _("The lease ends on %(ends_on)s, before it starts on %(starts_on)s."),
    # coordinates and geometry (analysis.geo, analysis.access, analysis.network)
    "coordinate_not_finite": _("Longitude and latitude must be finite numbers."),
    "coordinate_range": _("A point lies outside the longitude/latitude range."),
    "longitude_range": _("Longitude %(value)s is outside -180..180."),
    "latitude_range": _("Latitude %(value)s is outside -90..90."),
    "polygon_type": _("Expected a GeoJSON Polygon or MultiPolygon."),
    "polygon_malformed": _("Malformed polygon: %(reason)s"),
    "polygon_empty": _("The polygon is empty."),
    "polygon_invalid": _("Invalid polygon (%(reason)s)."),
    "point_type": _("Expected a GeoJSON Point."),
    "point_malformed": _("A point needs two numbers: [longitude, latitude]."),
    # the walking network (analysis.network, analysis.osm)
    "empty_network": _("The walking network has no usable street."),
    "bad_line": _("A line of the walking network needs at least two points."),
    "no_walkable_ways": _("The OpenStreetMap file holds no walkable way."),
    "pbf": _("The OpenStreetMap file cannot be read."),
    "file": _("The file does not exist."),
    # identifiers (analysis.identifiers: GB 11643, GB 32100, the health-record code)
    "id_length": _("An ID number has 18 characters."),
    "id_format": _("An ID number is 17 digits and a digit or X."),
    "id_not_ascii": _(
        "Type the ID number with half-width digits (0-9) and X; full-width or other characters are not accepted."
    ),
    "id_birth_date": _("The birth date in the ID number is not a valid past date."),
    "id_checksum": _("The check character of the ID number is wrong."),
    "uscc_length": _("A unified social credit code has 18 characters."),
    "uscc_format": _("A unified social credit code uses digits and the letters of GB 32100 only."),
    "uscc_alphabet": _(
        "A unified social credit code uses digits and upper-case letters except I, O, Z, S and V (GB 32100)."
    ),
    "uscc_checksum": _(
        "The check character of the unified social credit code is wrong (expected %(expected)s)."
    ),
    "record_code_format": _("A health-record code is 17 digits."),
    "record_code_county": _("The health-record code does not start with the county code."),
    "record_code_serial": _("The serial number of a health-record code starts at 00001."),
    # siting (analysis.siting)
    "budget": _("The number of new sites is larger than the candidate points (or below 1)."),
    "solver": _("The optimisation found no solution for this request; try another budget or street."),
    "uncoverable": _("Some residential areas have no candidate site within the radius."),
    "capacity": _("The places within reach cannot take everyone, even with a new site at every candidate."),
    "infeasible": _(
        "No answer meets every condition of the request; relax the budget, the shares or the sites."
    ),
    "pcenter_budget": _(
        "%(p)s new sites cannot bring everyone within the walking reach; at least %(needed)s are needed."
    ),
    "money_budget": _("Give the budget as an amount of yuan, zero or more (or a number of sites)."),
    "lot_cost": _("The land or premises costs must be amounts of zero or more, one per candidate site."),
    "site_cost": _("The building and running costs must be amounts of zero or more."),
    "existing_cost": _("The running costs of the existing facilities must be amounts of zero or more."),
    "type_value": _("The weight of a facility type must be a positive number."),
    "min_share": _("The share per street lies between 0 and 100 %%."),
    "network_file": _("The walking network file is missing or is neither .osm.pbf nor GeoJSON."),
    "idle_step": _("This step of the idle-land case is not open now (see the cause and the years idle)."),
    "idle_date": _("A step of the case cannot be dated before the case was opened."),
    "idle_extension": _(
        "An extension needs a new start of construction after the decision, at most a year later."
    ),
    "plan_types": _("Choose at least one facility type."),
    # the 亩产效益 scheme and data (analysis.mu_benefit)
    "missing_key": _("%(where)s: “%(key)s” is required."),
    "not_a_number": _("%(where)s: not a number."),
    "not_positive": _("%(where)s: must be a positive number."),
    "bad_share": _(
        "%(where)s: each share lies between 0 and 1, and the A + B + D shares add up to at most 100 %%."
    ),
    "bad_rule": _("%(where)s: unknown rule."),
    "duplicate": _("%(where)s: the codes must be unique."),
    "factor_count": _("%(where)s: give one factor per denominator metric."),
    "unknown_indicator": _("%(where)s: the tie-break names an unknown indicator."),
    "unknown_pool": _("The scheme has no pool “%(pool)s”."),
    "missing_metric": _("The data has no figure “%(metric)s” that the scheme needs."),
    "no_benchmark": _("Pool %(pool)s: an indicator has no prior mean and no enterprise with data."),
    # plans, targets and time nodes (analysis.plans)
    "plans_node_date": _(
        "A time node must start with a valid date (e.g. 2026-03-31 or 2026年3月底): %(text)s"
    ),
    "plans_node_title": _("A time node needs what is due after its date: %(text)s"),
    "plans_soon_days": _("The reminder window cannot be negative."),
    "plans_due_before_start": _("A target cannot be due before it starts."),
    "plans_goal": _("A goal is a number of zero or more."),
    "plans_negative_amount": _("Planned and completed amounts cannot be negative."),
    "plans_star_score": _("An assessment score lies between 0 and %(max)s."),
    "plans_star_minimum": _("The grades' minimum scores must ascend."),
    "collection_interval": _("A visit interval is a positive number of days."),
    "dispute_limits": _("The dispute time limits must be positive."),
    "dispute_age": _("A dispute cannot be open for a negative number of days."),
    "case_step": _("This step is not allowed now."),
    "case_limit": _("A time limit is a positive number of hours."),
    "case_rating": _("A rating is 1 to 5."),
    "referral_step": _("This referral step is not allowed now."),
    "referral_limit": _("A referral time limit is a positive number of hours, under a year."),
    "referral_days": _("The follow-up is due within 1 to 366 days."),
    "maternal_before_lmp": _("The day lies before the last menstrual period."),
    "maternal_birth": _("The birth lies after the last menstrual period, within 45 weeks."),
    "maternal_discharge": _("The discharge comes on or after the birth."),
    "teleconsult_step": _("This remote consultation step is not allowed now."),
    "consult_limit": _("The answer time limit is a positive number of hours, under a year."),
    "plans_month": _("Not a month (write 2026-11 or 2026年11月): %(text)s"),
    "siting_time": _(
        "The time limit stopped the solver before it found any solution; try a smaller area or fewer sites."
    ),
    # chronic-disease follow-up (analysis.chronic)
    "chronic_rules": _("The follow-up thresholds of the standards file are not plausible."),
    "chronic_bp": _("Blood pressure needs both values, the systolic above the diastolic, in 40–300 mmHg."),
    "chronic_fpg": _("A diabetes follow-up needs the fasting glucose, 0.5–50 mmol/L."),
    "schedule_window": _(
        "A visit of the schedule has a negative window (%(visit)s); check the standards file."
    ),
    # education planning (analysis.education)
    "edu_number": _("A count, coefficient or distance is not a finite number of at least zero."),
    "edu_count": _("A count (dwellings, pupils, classes, places) must be a whole number."),
    "edu_occupancy": _("The occupancy rate is a share between 0 and 1."),
    "edu_rule": _("The smallest kindergarten of its own is larger than the largest allowed."),
    "edu_cutoff": _("The school-entry cut-off is not a day of the year."),
    "edu_band": _("The age band %(lo)s–%(hi)s is outside the ages the forecast follows."),
    "edu_migration": _("A yearly migration factor above 2 is not plausible."),
    "edu_level": _("Unknown school level: %(level)s."),
    "edu_time": _("The solver reached its time limit before proving the best catchments; try fewer areas."),
    "edu_objective": _("Unknown objective: %(objective)s."),
}

# Codes that only a programming error can raise (arrays of the wrong shape, an index out of range):
# a person sees one general message and the code, never the English text.
INTERNAL = frozenset(
    {
        "idle_stage",
        "idle_limit",
        "idle_fee",
        "may_close",
        "negative_area",
        "prior_weight",
        "notice_hours",
        "min_reviews",
        "places",
        "limit",
        "limit_days",
        "negative_rent",
        "negative_target",
        "negative_days",
        "unknown_stage",
        "time_limit",
        "chronic_history",
        "edu_shape",
        "shape",
        "index",
        "node_index",
        "edge_index",
        "prepared",
        "category_range",
        "tolerance",
        "cutoff",
        "k",
        "thresholds",
        "weights",
        "point",
        "distance",
        "buffer",
        "speed",
        "impedance",
        "region",
        "blocks",
        "item_network",
        "radius",
        "values",
        "population",
        "groups",
        "empty_profile",
        "gate_area",
        "fixed",
        "length",
        "duplicate_id",
        "geojson_type",
        "otp_secret",
        "otp_counter",
    }
)


class _Params(dict[str, Any]):
    """Missing placeholders show as “?” instead of raising."""

    def __missing__(self, key: str) -> str:
        return "?"


def describe(exc: AnalysisError) -> str:
    """The user-facing, translated message for an error of the analysis core."""
    template = MESSAGES.get(exc.code)
    if template is None:
        return gettext("The computation could not run on this input (%(code)s).") % {"code": exc.code}
    return str(template) % _Params(exc.params)


def message_for(code: str, params: Mapping[str, Any] | None = None) -> str:
    """The message of a code without an exception at hand (e.g. a stored problem)."""
    return describe(AnalysisError(code, code, **(params or {})))

"""Validators of the parks models: the 统一社会信用代码 (GB 32100-2015) and the 亩产效益 scheme (TOML,
checked by the core). Below the models, so that a model's clean() never reaches up the layers."""

from __future__ import annotations

import tomllib

from django.core.exceptions import ValidationError
from django.utils.translation import gettext as _

from gaoxin.analysis import eligibility
from gaoxin.analysis import mu_benefit as mb
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.identifiers import IdentifierError, normalize_uscc
from gaoxin.common.errors import describe
from gaoxin.parks.choices import METRIC_UNITS

LAND_METRIC = "land_mu"  # the scheme's land metric, in mu (from the land uses, not a department figure)


def validate_uscc(value: str) -> None:
    try:
        normalize_uscc(value)
    except IdentifierError as exc:
        raise ValidationError(
            _("Not a valid unified social credit code (GB 32100): %(reason)s") % {"reason": describe(exc)}
        ) from None


def parse_scheme(source: str) -> mb.Scheme:
    """The scheme in ``source`` (TOML), or a ValidationError saying what is wrong."""
    try:
        data = tomllib.loads(source)
    except tomllib.TOMLDecodeError as exc:
        raise ValidationError(_("The scheme is not valid TOML: %(reason)s") % {"reason": exc}) from None
    try:
        scheme = mb.scheme_from_dict(data)
    except mb.SchemeError as exc:
        raise ValidationError(
            _("The scheme is not consistent: %(reason)s") % {"reason": describe(exc)}
        ) from None
    except (TypeError, AttributeError, KeyError) as exc:
        raise ValidationError(_("The scheme has an unexpected shape: %(reason)s") % {"reason": exc}) from None
    unknown = [m for m in scheme.metrics if m not in METRIC_UNITS and m != LAND_METRIC]
    if unknown:
        raise ValidationError(
            _("The scheme uses metrics the platform does not collect: %(names)s (known: %(known)s)")
            % {"names": ", ".join(unknown), "known": ", ".join([*METRIC_UNITS, LAND_METRIC])}
        )
    return scheme


def validate_scheme_source(source: str) -> None:
    parse_scheme(source)


def validate_policy_rules(value: object) -> None:
    """A policy's stored rule: a list of conditions the core accepts (gaoxin.analysis.eligibility)."""
    if not isinstance(value, list) or not all(isinstance(i, dict) for i in value):
        raise ValidationError(_("The rule is a list of conditions."))
    try:
        eligibility.rules_from_json(value)
    except AnalysisError as exc:
        raise ValidationError(describe(exc)) from exc

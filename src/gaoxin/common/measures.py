"""The catalogue of measures: named queries over the platform's own data that a target can be computed by
("open facilities of type 老年食堂", "parks with yearly revenue ≥ 100 亿" …).

Each app contributes the measures over its own data from its ``AppConfig``:

- ``measures() -> Sequence[Measure]``

and the plans app looks them up by key (:func:`catalogue`, :func:`get`) without importing the app that
owns them — the domain apps stay independent. A measure reads through the zone it is given, as of a day,
and returns the value and the rows it counted (a label, a detail and a link for each), so that a board
can show how a figure was computed and what it counts.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils.functional import Promise
from django.utils.translation import gettext as _


@dataclass(frozen=True)
class Param:
    """One parameter of a measure: ``kind`` is "choice" (``choices`` gives the values and labels),
    "decimal", "integer", "date" or "text"."""

    name: str
    label: str | Promise
    kind: str = "text"
    required: bool = True
    choices: Callable[[], Sequence[tuple[str, str]]] | None = None
    default: Any = None


@dataclass(frozen=True)
class Counted:
    """One row a measure counted, as the board lists it."""

    label: str
    detail: str = ""
    url: str = ""
    amount: Decimal | None = None  # what the row adds when the measure sums (m², beds …)


@dataclass(frozen=True)
class Reading:
    value: Decimal | None  # None: the data to compute it does not exist yet (e.g. no evaluation run)
    rows: list[Counted] = field(default_factory=list)
    note: str = ""  # what a reader should know about this figure (e.g. which run it comes from)


@dataclass(frozen=True)
class Measure:
    key: str  # "<app>.<name>", stable: targets store it
    label: str | Promise
    unit: str | Promise
    compute: Callable[[Any, dict[str, Any], date], Reading]  # (zone, checked params, as of day)
    params: tuple[Param, ...] = ()
    description: str | Promise = ""


def catalogue() -> dict[str, Measure]:
    """Every measure of every installed app, by key."""
    out: dict[str, Measure] = {}
    for config in apps.get_app_configs():
        contribute = getattr(config, "measures", None)
        if contribute is None:
            continue
        for measure in contribute():
            if measure.key in out:
                raise ImproperMeasure(f"measure {measure.key} is registered twice")
            out[measure.key] = measure
    return out


class ImproperMeasure(RuntimeError):
    pass


def get(key: str) -> Measure | None:
    return catalogue().get(key)


def clean_params(measure: Measure, raw: dict[str, Any] | None) -> dict[str, Any]:
    """The measure's parameters checked and typed (stored as JSON: decimals and dates as text), or a
    ValidationError naming the parameter. Unknown parameters are refused."""
    raw = dict(raw or {})
    known = {p.name for p in measure.params}
    unknown = sorted(set(raw) - known)
    if unknown:
        raise ValidationError(_("Unknown parameter: %(names)s.") % {"names": ", ".join(unknown)})
    out: dict[str, Any] = {}
    for p in measure.params:
        value = raw.get(p.name, p.default)
        if value is None or (isinstance(value, str) and not value.strip()):
            if p.required:
                raise ValidationError(_("Parameter “%(name)s” is required.") % {"name": p.label})
            continue
        text = str(value).strip()
        try:
            if p.kind == "choice":
                allowed = {code for code, _label in (p.choices() if p.choices else [])}
                if text not in allowed:
                    raise ValueError
                out[p.name] = text
            elif p.kind == "decimal":
                number = Decimal(text)
                if not number.is_finite():
                    raise ValueError
                out[p.name] = str(number)
            elif p.kind == "integer":
                out[p.name] = int(text)
            elif p.kind == "date":
                out[p.name] = date.fromisoformat(text).isoformat()
            else:
                out[p.name] = text[:200]
        except (ValueError, InvalidOperation):
            raise ValidationError(
                _("Parameter “%(name)s” has no valid value: %(value)s.")
                % {"name": p.label, "value": text[:50]}
            ) from None
    return out


def read(measure: Measure, zone: Any, params: dict[str, Any], on: date) -> Reading:
    """The measure's value in ``zone`` on day ``on`` (parameters as stored by :func:`clean_params`)."""
    return measure.compute(zone, clean_params(measure, params), on)

"""Files out: the 同步 ledger (one row per development, the kindergarten's case beside it), the places
outlook per school and year, a catchment for its annual publication, and the registries in the layout
they are imported in."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import pgettext

from gaoxin.common import tabular
from gaoxin.education.choices import StageState
from gaoxin.education.datasets import DEVELOPMENT_HEADERS


def _state(check: Any) -> str:
    label = str(StageState(check.state.value).label)
    return f"{label} ({check.days_late} {_('days')})" if check.days_late else label


def ledger_xlsx(ledger: Any) -> bytes:
    columns = [
        _("Code"),
        _("Development"),
        _("Developer"),
        _("Street"),
        _("Dwellings"),
        _("Places required"),
        _("Own or shared"),
        _("Kindergarten"),
        _("Kindergarten status"),
        _("Places provided"),
        _("Places short"),
        _("Planned with the housing"),
        _("Built with the housing"),
        _("Delivered with the housing"),
        _("Completion acceptance held"),
        _("Accepted without the kindergarten"),
        _("Breaks the rule"),
    ]
    rows = []
    for r in ledger.rows:
        kg = r.kindergarten
        rows.append(
            dict(
                zip(
                    columns,
                    [
                        r.development.code,
                        r.development.name,
                        r.development.developer,
                        r.development.street.name,
                        r.dwellings,
                        r.sync.places_required,
                        _("own") if r.requirement.own else _("shared"),
                        kg.name if kg else "",
                        kg.get_status_display() if kg else "",
                        r.sync.places_provided,
                        r.sync.places_short,
                        *[_state(c) for c in r.sync.stages],
                        _("yes") if r.sync.hold_acceptance else "",
                        _("yes") if r.sync.accepted_without else "",
                        _("yes") if r.sync.breaks else "",
                    ],
                    strict=True,
                )
            )
        )
    return tabular.write_xlsx(columns, rows, title=_("Kindergartens with housing"))


def outlook_xlsx(outlook: dict[str, Any]) -> bytes:
    years = outlook["years"]
    columns = [_("School"), _("Street"), _("Areas"), pgettext("school", "Classes"), _("Pupils")]
    for y in years:
        columns += [f"{y} {_('children')}", f"{y} {pgettext('school', 'places')}", f"{y} {_('balance')}"]
    rows = []
    for s in outlook["schools"]:
        rec = s["record"]
        values: list[Any] = [
            s["school"].name,
            s["school"].street.name,
            s["areas"],
            rec.classes if rec else None,
            rec.pupils if rec else None,
        ]
        for y in s["years"]:
            values += [round(y["children"]), round(y["places"]), round(y["balance"])]
        rows.append(dict(zip(columns, values, strict=True)))
    return tabular.write_xlsx(columns, rows, title=_("School places"))


def plan_xlsx(detail: dict[str, Any]) -> bytes:
    """The catchment as published: each residential area with its school and walk."""
    columns = [
        _("Area code"),
        _("Residential area"),
        _("Street"),
        _("School"),
        _("Children"),
        _("Walk (m)"),
        _("Beyond the radius"),
        _("School before"),
    ]
    before = detail["before"]
    names = {s["school"].pk: s["school"].name for s in detail["schools"]}
    rows = []
    for r in detail["rows"]:
        prev = before.get(r.area_id) if before else None
        rows.append(
            dict(
                zip(
                    columns,
                    [
                        r.area.code,
                        r.area.name,
                        r.area.street.name,
                        r.school.name if r.school else r.get_unplaced_display() or _("none"),
                        round(r.children, 1),
                        None if r.distance_m is None else round(r.distance_m),
                        _("yes") if r.beyond else "",
                        names.get(prev or 0, "") if before else "",
                    ],
                    strict=True,
                )
            )
        )
    return tabular.write_xlsx(columns, rows, title=detail["plan"].name[:31])


def developments_xlsx(items: list[tuple[Any, list[Any]]]) -> bytes:
    """The developments, one row per phase, in the import layout."""
    rows = []
    for dev, phases in items:
        for ph in phases:
            rows.append(
                dict(
                    zip(
                        DEVELOPMENT_HEADERS,
                        [
                            dev.code,
                            dev.name,
                            dev.developer,
                            dev.street.code,
                            dev.lon,
                            dev.lat,
                            dev.permit_on,
                            dev.kindergarten.code if dev.kindergarten else "",
                            ph.number,
                            ph.dwellings,
                            ph.start_planned,
                            ph.started_on,
                            ph.acceptance_planned,
                            ph.accepted_on,
                            ph.delivery_planned,
                            ph.delivered_on,
                        ],
                        strict=True,
                    )
                )
            )
    return tabular.write_xlsx(DEVELOPMENT_HEADERS, rows, title="developments")

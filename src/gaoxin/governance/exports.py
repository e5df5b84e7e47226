"""Files out: the figures of the three zeros per street and per grid (xlsx)."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.common import tabular


def _rate(value: float | None) -> float | None:
    return None if value is None else round(value, 4)


def figures_xlsx(board: dict[str, Any], coverage: dict[str, Any]) -> bytes:
    """Two sheets: per street and per grid — requests received, on time, closed, sent back, satisfied,
    overdue now; per grid also the households, those due for a visit and the coverage."""
    import openpyxl

    book = openpyxl.Workbook()
    streets = book.active
    streets.title = _("By street")[:31]
    head = [
        _("Street"),
        _("Received"),
        _("On time"),
        _("Closed"),
        _("Sent back"),
        _("Satisfied"),
        _("Overdue"),
    ]
    streets.append(head)
    for street, f in board["streets"]:
        streets.append(
            [
                getattr(street, "name", "—"),
                f.received,
                _rate(f.on_time_rate),
                _rate(f.closure_rate),
                _rate(f.reopened_rate),
                _rate(f.satisfaction_rate),
                f.overdue_open,
            ]
        )
    tabular.tidy_sheet(streets, percent=[3, 4, 5, 6])
    grids = book.create_sheet(_("By grid")[:31])
    grids.append(
        [
            _("Grid"),
            _("Received"),
            _("On time"),
            _("Closed"),
            _("Overdue"),
            _("Households"),
            _("Due for a visit"),
            _("Coverage"),
        ]
    )
    cover = {g.pk: (g, c) for g, c in coverage["rows"]}
    figures = {getattr(g, "pk", None): (g, f) for g, f in board["grids"]}
    for key in sorted(set(cover) | set(figures), key=lambda k: (k is None, str(k))):
        grid = (cover.get(key) or figures.get(key) or (None, None))[0]
        f = figures.get(key, (None, None))[1]
        c = cover.get(key, (None, None))[1]
        grids.append(
            [
                getattr(grid, "name", _("outside the grids")),
                f.received if f else 0,
                _rate(f.on_time_rate) if f else None,
                _rate(f.closure_rate) if f else None,
                f.overdue_open if f else 0,
                c.households if c else None,
                c.due if c else None,
                _rate(c.share) if c else None,
            ]
        )
    tabular.tidy_sheet(grids, percent=[3, 4, 8])
    return tabular.save_workbook(book)

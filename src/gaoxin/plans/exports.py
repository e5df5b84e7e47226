"""Files out: the task allocation table in the layout it is imported in, and the targets board."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from gaoxin.common import tabular
from gaoxin.plans.datasets import TASK_HEADERS


def task_table_xlsx(programme: Any, rows: list[Any], nodes_cell: Any) -> bytes:
    """One task per row with the table's Chinese headers; the time nodes one per line (done ones
    marked), so the file imports back unchanged. ``nodes_cell(task_row)`` writes the nodes' cell."""
    out = []
    for r in rows:
        t = r.task
        out.append(
            dict(
                zip(
                    TASK_HEADERS,
                    [
                        t.number,
                        t.content,
                        t.measurable,
                        t.lead.name,
                        "、".join(u.name for u in t.partners.all()),
                        t.leader,
                        nodes_cell(r),
                    ],
                    strict=True,
                )
            )
        )
    return tabular.write_xlsx(TASK_HEADERS, out, title=programme.name[:31])


def board_xlsx(year: int, views: list[Any], state_labels: dict[str, str]) -> bytes:
    columns = [
        _("Number"),
        _("Target"),
        _("Owner unit"),
        _("Goal"),
        _("Upper end"),
        _("Unit"),
        _("Value today"),
        _("Share of goal"),
        _("State"),
        _("How it is measured"),
        _("Due"),
    ]
    rows: list[dict[str, Any]] = []
    for v in views:
        t = v.target
        rows.append(
            dict(
                zip(
                    columns,
                    [
                        t.code,
                        t.title,
                        t.owner.name,
                        float(t.goal),
                        float(t.goal_max) if t.goal_max is not None else None,
                        t.unit_label,
                        float(v.value) if v.value is not None else None,
                        v.share,
                        state_labels.get(v.state, v.state),
                        str(v.measure.label) if v.measure else t.get_kind_display(),
                        t.due_on,
                    ],
                    strict=True,
                )
            )
        )
    return tabular.write_xlsx(columns, rows, title=str(year), percent=[_("Share of goal")])

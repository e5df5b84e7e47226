"""Files out: the task allocation table in the layout it is imported in, and the targets board."""

from __future__ import annotations

from decimal import Decimal
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


def portfolio_xlsx(year: int, views: list[Any]) -> bytes:
    columns = [
        _("Code"),
        _("Project"),
        _("Kind"),
        _("Stage"),
        _("Responsible unit"),
        _("Total investment (万元)"),
        _("Planned this year (万元)"),
        _("Completed this year (万元)"),
        _("Completion rate this year"),
        _("Completed to date (万元)"),
        _("Share of the total"),
        _("Next milestone"),
        _("Due"),
    ]
    wan = Decimal(10_000)
    rows = []
    for v in views:
        p, i, m = v.project, v.invest, v.next_milestone
        values = [
            p.code,
            p.name,
            p.get_kind_display(),
            v.stage_label,
            p.owner.name,
            float(p.total_investment_yuan / wan),
            float(i.year_planned / wan),
            float(i.year_done / wan),
            None if i.year_rate is None else float(i.year_rate),
            float(i.cumulative / wan),
            None if i.total_rate is None else float(i.total_rate),
            m.title if m else "",
            m.due_on if m else None,
        ]
        rows.append(dict(zip(columns, values, strict=True)))
    return tabular.write_xlsx(
        columns, rows, title=f"{year}", percent=[_("Completion rate this year"), _("Share of the total")]
    )

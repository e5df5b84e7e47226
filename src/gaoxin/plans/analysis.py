"""The adapter between the plans' rows and the core (gaoxin.analysis.plans): node states, lights,
on-time rates and target progress."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any

from gaoxin import standards
from gaoxin.analysis import plans as core
from gaoxin.plans.choices import Direction
from gaoxin.plans.models import Node, Target

SOON_DAYS = core.SOON_DAYS
NodeStatus = core.NodeStatus
OnTime = core.OnTime
Progress = core.Progress


def node_status(node: Node, today: date) -> core.NodeStatus:
    return core.node_status(node.due_on, node.done_on, today)


def task_light(nodes: Iterable[Node], today: date) -> str:
    return core.light(node_status(n, today).state for n in nodes).value


def on_time(nodes: Iterable[Node], today: date) -> core.OnTime:
    return core.on_time(node_status(n, today) for n in nodes)


def rank(rates: dict[str, core.OnTime]) -> list[tuple[int, str, core.OnTime]]:
    return core.rank(rates)


def progress(target: Target, value: Decimal | None, today: date) -> core.Progress:
    return core.target_progress(
        value,
        target.goal,
        start=target.start_on,
        due=target.due_on,
        today=today,
        at_most=target.direction == Direction.AT_MOST,
    )


def next_open(nodes: list[Node]) -> Node | None:
    i = core.next_due([(n.due_on, n.done_on) for n in nodes])
    return None if i is None else nodes[i]


parse_nodes = core.parse_nodes
format_nodes = core.format_nodes
parse_day = core.parse_day
completion_rate = core.completion_rate
investment = core.investment
Investment = core.Investment
parse_month = core.parse_month


def _eldercare() -> dict[str, Any]:
    return standards.load("eldercare")


def stars_of(score: Decimal) -> int:
    """The star grade of a score by the minimums of standards/eldercare.toml (GB/T 37276-2018)."""
    rule = _eldercare()["star_grade"]
    return core.star_grade(float(score), rule["minimum"], max_score=rule["max_score"])


def daycare_classes() -> list[core.CareClass]:
    return [
        core.CareClass(c["name"], int(c["min_elderly"]), int(c["max_elderly"]), float(c["floor_area_m2"]))
        for c in _eldercare()["daycare_class"]
    ]


def daycare_class(elderly: int) -> core.CareClass | None:
    return core.daycare_class(elderly, daycare_classes())


def daycare_clause() -> str:
    return str(_eldercare()["daycare_class"][0]["clause"])


def star_clause() -> str:
    return str(_eldercare()["star_grade"]["clause"])


CareClassT = core.CareClass

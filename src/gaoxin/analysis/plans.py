"""Targets, time nodes and supervision: where a target stands against its goal and the year's pace, the
state of a task's dated node (任务配当表 节点) on a day, a task's traffic light, the on-time rate by which
units are ranked, and completion rates (investment completed against the plan).

Dates are calendar days. A node is due *on* its date: it is overdue from the day after (a node due today
is still "due soon", not late), and it counts as done on time when it is finished on or before its date.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from enum import StrEnum

from gaoxin.analysis.errors import AnalysisError

SOON_DAYS = 7  # reminders for the time nodes of the next 7 days (the supervision practice)


class NodeState(StrEnum):
    PENDING = "pending"
    DUE_SOON = "due_soon"
    OVERDUE = "overdue"
    DONE = "done"
    DONE_LATE = "done_late"


class Light(StrEnum):
    GREEN = "green"
    YELLOW = "yellow"
    RED = "red"
    DONE = "done"


class TargetState(StrEnum):
    MET = "met"
    ON_TRACK = "on_track"
    BEHIND = "behind"
    MISSED = "missed"
    NO_DATA = "no_data"


@dataclass(frozen=True)
class NodeStatus:
    state: NodeState
    days_late: int  # days past the due date (today for an open node, the finishing day for a done one)
    days_left: int  # days until the due date (0 on the day, negative when past)


def node_status(due_on: date, done_on: date | None, today: date, *, soon_days: int = SOON_DAYS) -> NodeStatus:
    """The state of one time node on ``today``.

    Done on or before its date: done; done after it: done late (days late = finishing day − due date).
    Open: overdue from the day after its date, due soon when its date is within ``soon_days`` days
    (today included), pending otherwise.
    """
    if soon_days < 0:
        raise AnalysisError("plans_soon_days", "The reminder window cannot be negative.", soon_days=soon_days)
    left = (due_on - today).days
    if done_on is not None:
        late = max(0, (done_on - due_on).days)
        return NodeStatus(NodeState.DONE_LATE if late else NodeState.DONE, late, left)
    if today > due_on:
        return NodeStatus(NodeState.OVERDUE, (today - due_on).days, left)
    if left <= soon_days:
        return NodeStatus(NodeState.DUE_SOON, 0, left)
    return NodeStatus(NodeState.PENDING, 0, left)


def light(states: Iterable[NodeState]) -> Light:
    """A task's traffic light: red when a node is overdue, yellow when a node is due soon, done when every
    node is finished, green otherwise (a task with no node is green: nothing is late)."""
    seen = list(states)
    if NodeState.OVERDUE in seen:
        return Light.RED
    if NodeState.DUE_SOON in seen:
        return Light.YELLOW
    if seen and all(s in (NodeState.DONE, NodeState.DONE_LATE) for s in seen):
        return Light.DONE
    return Light.GREEN


@dataclass(frozen=True)
class OnTime:
    assessed: int  # nodes that are due by now or finished
    on_time: int  # of those, finished on or before their date
    rate: float | None  # on_time / assessed; None when nothing is assessed yet


def on_time(statuses: Iterable[NodeStatus]) -> OnTime:
    """The on-time completion rate of a set of nodes: a node counts once it is finished or overdue; a
    node finished on or before its date counts as on time. Open nodes not yet due do not count."""
    assessed = done = 0
    for s in statuses:
        if s.state in (NodeState.DONE, NodeState.DONE_LATE, NodeState.OVERDUE):
            assessed += 1
            done += s.state == NodeState.DONE
    return OnTime(assessed, done, None if assessed == 0 else done / assessed)


def rank(rates: dict[str, OnTime]) -> list[tuple[int, str, OnTime]]:
    """Units ranked by on-time rate, best first (ties share a rank, competition ranking "1, 1, 3"); more
    assessed nodes first among equal rates, then the name. Units with nothing assessed come last,
    unranked (rank 0)."""
    scored = sorted(
        ((name, r) for name, r in rates.items() if r.rate is not None),
        key=lambda item: (-(item[1].rate or 0.0), -item[1].assessed, item[0]),
    )
    out: list[tuple[int, str, OnTime]] = []
    for i, (name, r) in enumerate(scored):
        position = out[-1][0] if out and out[-1][2].rate == r.rate else i + 1
        out.append((position, name, r))
    out.extend((0, name, r) for name, r in sorted(rates.items()) if r.rate is None)
    return out


@dataclass(frozen=True)
class Progress:
    state: TargetState
    share: float | None  # value / goal (the lower bound of a range); None without a value or a goal of 0
    expected: (
        float | None
    )  # the share the even pace expects by today (0 before the start, 1 from the due day)


def target_progress(
    value: Decimal | float | None,
    goal: Decimal | float,
    *,
    start: date,
    due: date,
    today: date,
    at_most: bool = False,
) -> Progress:
    """Where a target stands on ``today``.

    An "at least" target (the default; for a range "3–5" the goal is its lower bound) is met when the
    value reaches the goal; before the due day it is on track when the value keeps the even pace from
    ``start`` to ``due`` (value ≥ goal × elapsed days / all days, compared exactly), behind otherwise; after the due day an unmet target is missed. An "at most"
    target (e.g. overdue cases, goal 0) is met while the value stays at or below the goal and missed
    after the due day otherwise; before it, a value above the goal is behind.
    """
    if due < start:
        raise AnalysisError("plans_due_before_start", "A target cannot be due before it starts.")
    g = float(goal)
    if g != g or g < 0:
        raise AnalysisError("plans_goal", "A goal is a number of zero or more.", goal=str(goal))
    elapsed = 1.0 if today >= due else max(0.0, (today - start).days / max(1, (due - start).days))
    if value is None:
        return Progress(TargetState.NO_DATA, None, elapsed)
    v = float(value)
    share = None if g == 0 else v / g
    if at_most:
        if v <= g:
            return Progress(TargetState.MET, share, elapsed)
        return Progress(TargetState.MISSED if today > due else TargetState.BEHIND, share, elapsed)
    if v >= g:
        return Progress(TargetState.MET, share, elapsed)
    if today > due:
        return Progress(TargetState.MISSED, share, elapsed)
    if v >= g * elapsed:
        return Progress(TargetState.ON_TRACK, share, elapsed)
    return Progress(TargetState.BEHIND, share, elapsed)


def completion_rate(done: Decimal, planned: Decimal) -> Decimal | None:
    """Completed against planned (e.g. investment completed / yearly plan) as a fraction, 4 places; None
    when nothing is planned. It may pass 1 (more than planned)."""
    if planned < 0 or done < 0:
        raise AnalysisError("plans_negative_amount", "Planned and completed amounts cannot be negative.")
    if planned == 0:
        return None
    return (done / planned).quantize(Decimal("0.0001"))


def next_due(dues: Sequence[tuple[date, date | None]]) -> int | None:
    """The index of the next open node (earliest due date among those not finished, overdue ones
    included: the oldest unfinished node comes first); None when every node is finished."""
    best: int | None = None
    for i, (due, done) in enumerate(dues):
        if done is None and (best is None or due < dues[best][0]):
            best = i
    return best


# --- the 时间节点 cell of a task allocation table -------------------------------------------------------

_DATE = re.compile(
    r"(?P<y>\d{4})\s*(?:"
    r"(?P<end_y>年底|年末)"
    r"|[-/.年]\s*(?P<m>\d{1,2})\s*(?:(?P<end_m>月底|月末|月份?)(?!\s*\d)|[-/.月]\s*(?P<d>\d{1,2})\s*日?)"
    r")"
)
_DONE = re.compile(
    r"[（(\[【]\s*(?:已完成|完成|done)[:：]?\s*(?P<date>[^）)\]】]+?)\s*[）)\]】]\s*$", re.IGNORECASE
)
_SEPARATORS = re.compile(r"[\n；;]+")


@dataclass(frozen=True)
class ParsedNode:
    due_on: date
    title: str
    done_on: date | None


def parse_day(text: str) -> date:
    """A day written as 2026-03-31, 2026/3/31, 2026.3.31, 2026年3月31日, 2026年3月底 (or 2026年3月: the
    month's last day) or 2026年底 (31 December)."""
    m = _DATE.fullmatch(text.strip().removesuffix("前").strip())
    if m is None:
        raise AnalysisError("plans_node_date", "No date could be read.", text=text[:40])
    return _day_of(m)


def _day_of(m: re.Match[str]) -> date:
    year = int(m["y"])
    try:
        if m["end_y"]:
            return date(year, 12, 31)
        month = int(m["m"])
        if m["d"] is None:
            return date(year, month, calendar.monthrange(year, month)[1])
        return date(year, month, int(m["d"]))
    except (ValueError, calendar.IllegalMonthError):
        raise AnalysisError("plans_node_date", "No such day.", text=m.group(0)) from None


def parse_nodes(cell: str) -> list[ParsedNode]:
    """The time nodes of a 时间节点 cell: one per line (or separated by "；"), each a day followed by what
    is due ("2026-03-31 完成方案", "2026年6月底前开工"), optionally marked done ("…（已完成 2026-03-28）").
    Raises AnalysisError("plans_node_date"/"plans_node_title") for an entry that cannot be read."""
    out: list[ParsedNode] = []
    for raw in _SEPARATORS.split(cell or ""):
        entry = raw.strip()
        if not entry:
            continue
        done_on = None
        done = _DONE.search(entry)
        if done:
            done_on = parse_day(done["date"])
            entry = entry[: done.start()].strip()
        m = _DATE.match(entry)
        if m is None:
            raise AnalysisError("plans_node_date", "A time node must start with its date.", text=entry[:40])
        due = _day_of(m)
        title = entry[m.end() :].strip().removeprefix("前").strip(" ：:，,、-—")
        if not title:
            raise AnalysisError("plans_node_title", "A time node needs what is due.", text=entry[:40])
        out.append(ParsedNode(due, title[:200], done_on))
    return out


def format_nodes(nodes: Iterable[tuple[date, str, date | None]]) -> str:
    """The 时间节点 cell of :func:`parse_nodes`, one node per line, the done ones marked."""
    lines = []
    for due, title, done in nodes:
        line = f"{due.isoformat()} {title}"
        if done is not None:
            line += f"（已完成 {done.isoformat()}）"
        lines.append(line)
    return "\n".join(lines)


# --- major projects ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Investment:
    year_planned: Decimal
    year_done: Decimal  # completed in the year's months up to today's month
    year_rate: Decimal | None  # year_done / year_planned (None with no plan)
    cumulative: Decimal  # completed in every month up to today's month
    total_rate: Decimal | None  # cumulative / total investment
    expected_rate: Decimal  # the even pace: days of the year passed (today included) / days of the year


def investment(
    months: Iterable[tuple[date, Decimal]],
    *,
    year: int,
    year_planned: Decimal,
    total: Decimal,
    today: date,
) -> Investment:
    """Investment completed against the year's plan and the total: ``months`` are (first day of the
    month, completed in it). A month counts once it has begun (today's month included); months after
    today are plans of the future and do not count."""
    year_done = Decimal(0)
    cumulative = Decimal(0)
    for month, amount in months:
        if amount < 0:
            raise AnalysisError("plans_negative_amount", "Planned and completed amounts cannot be negative.")
        if (month.year, month.month) > (today.year, today.month):
            continue
        cumulative += amount
        if month.year == year:
            year_done += amount
    days = (date(year + 1, 1, 1) - date(year, 1, 1)).days
    if today.year < year:
        passed = 0
    elif today.year > year:
        passed = days
    else:
        passed = (today - date(year, 1, 1)).days + 1
    return Investment(
        year_planned,
        year_done,
        completion_rate(year_done, year_planned),
        cumulative,
        completion_rate(cumulative, total),
        (Decimal(passed) / Decimal(days)).quantize(Decimal("0.0001")),
    )


_MONTH = re.compile(r"(?P<y>\d{4})\s*[-/.年]\s*(?P<m>\d{1,2})\s*(?:月(?:份)?|[-/.]\s*\d{1,2}\s*日?)?")


def parse_month(text: str) -> date:
    """A month written as 2026-11, 2026/11, 2026.11, 2026年11月 or a day of it (2026-11-01): its first day."""
    m = _MONTH.fullmatch(str(text).strip())
    if m is None or not 1 <= int(m["m"]) <= 12:
        raise AnalysisError("plans_month", "No month could be read.", text=str(text)[:40])
    return date(int(m["y"]), int(m["m"]), 1)


# --- elderly care -------------------------------------------------------------------------------------


def star_grade(score: float, minimum: Sequence[float], *, max_score: float = 1000) -> int:
    """The star grade (0 = below one star, 1 … 5) of an institution's assessment score: the highest grade
    whose minimum the score reaches (GB/T 37276-2018; the minimums are the caller's, ascending)."""
    if score != score or not 0 <= score <= max_score:
        raise AnalysisError(
            "plans_star_score", "A score lies between 0 and the maximum.", score=score, max=max_score
        )
    if any(b < a for a, b in zip(minimum, minimum[1:], strict=False)):
        raise AnalysisError("plans_star_minimum", "The grades' minimum scores must ascend.")
    return sum(1 for m in minimum if score >= m)


@dataclass(frozen=True)
class CareClass:
    name: str
    min_elderly: int
    max_elderly: int
    floor_area_m2: float


def daycare_class(elderly: int, classes: Sequence[CareClass]) -> CareClass | None:
    """The day-care centre's class by the elderly population it serves (建标143-2010): the class whose
    range [min, max) holds it — the largest class for more than its maximum, None below the smallest
    class's minimum (too few elderly for a centre of the standard)."""
    if elderly < 0:
        raise AnalysisError("plans_negative_amount", "Planned and completed amounts cannot be negative.")
    ordered = sorted(classes, key=lambda c: c.min_elderly)
    if not ordered or elderly < ordered[0].min_elderly:
        return None
    for c in ordered:
        if c.min_elderly <= elderly < c.max_elderly:
            return c
    return ordered[-1] if elderly >= ordered[-1].max_elderly else None

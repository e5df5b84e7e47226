"""The case workflow of grid governance (网格化管理, after the seven steps of GB/T 30428 digital city
management: 信息采集 → 案卷建立 → 任务派遣 → 任务处理 → 处理反馈 → 核查结案 → 综合评价), its time limits and
its figures.

States and the steps between them (a step not listed is refused — no step is skipped, nothing is closed
without the on-site verification):

    reported  --open-->      opened      (verified: a real problem; the case is registered)
    reported  --cancel-->    cancelled   (not a problem, a duplicate, out of scope: with a reason)
    opened    --dispatch-->  dispatched  (to the responsible unit: the clock starts)
    dispatched --accept-->   handling    (the unit takes it on)
    handling  --feedback-->  fed_back    (the unit reports what it did)
    fed_back  --close-->     closed      (verified on site: fixed)
    fed_back  --send_back--> handling    (verified on site: not fixed; the case is reopened)
    closed    --rate-->      closed      (the requester's satisfaction, once)

A case is due ``limit_hours`` after its dispatch; it is handled on time when its last report back comes
at or before that moment (a case sent back and reported again counts by the last report). It is overdue
when it is not yet reported back after the moment.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from gaoxin.analysis.errors import AnalysisError

STEPS: dict[tuple[str, str], str] = {
    ("reported", "open"): "opened",
    ("reported", "cancel"): "cancelled",
    ("opened", "dispatch"): "dispatched",
    ("dispatched", "accept"): "handling",
    ("handling", "feedback"): "fed_back",
    ("fed_back", "close"): "closed",
    ("fed_back", "send_back"): "handling",
    ("closed", "rate"): "closed",
}
OPEN_STATES = ("reported", "opened", "dispatched", "handling", "fed_back")
RUNNING = ("dispatched", "handling")  # the clock runs and the unit has not reported back


def next_state(state: str, action: str) -> str:
    """The state after ``action`` from ``state``, or AnalysisError("case_step") for a step the workflow
    does not allow there."""
    try:
        return STEPS[(state, action)]
    except KeyError:
        raise AnalysisError(
            "case_step", "This step is not allowed now.", state=state, action=action
        ) from None


def actions_from(state: str) -> list[str]:
    return [action for (s, action) in STEPS if s == state]


def due_at(dispatched_at: datetime, limit_hours: float) -> datetime:
    if limit_hours != limit_hours or limit_hours <= 0:
        raise AnalysisError("case_limit", "A time limit is a positive number of hours.", hours=limit_hours)
    return dispatched_at + timedelta(hours=limit_hours)


@dataclass(frozen=True)
class Timing:
    overdue: bool  # running past its due moment
    on_time: bool | None  # reported back at or before the due moment; None while it has not been
    due_soon: bool  # running, due within the reminder window
    hours_left: float | None  # until the due moment (negative when past); None before the dispatch


def timing(
    *, due: datetime | None, fed_back_at: datetime | None, state: str, now: datetime, remind_hours: float = 24
) -> Timing:
    """Where a case stands against its time limit at ``now`` (the due moment itself is still on time)."""
    if due is None:
        return Timing(False, None, False, None)
    left = (due - now).total_seconds() / 3600
    if fed_back_at is not None and state not in RUNNING:
        return Timing(False, fed_back_at <= due, False, left)
    running = state in RUNNING
    return Timing(running and now > due, None, running and 0 <= left <= remind_hours, left)


@dataclass(frozen=True)
class CaseFigures:
    received: int  # every case except those cancelled
    closed: int
    closure_rate: float | None  # closed / received
    assessed: int  # dispatched cases that are reported back or overdue
    on_time: int
    on_time_rate: float | None  # 按期处置率: on time / assessed
    reopened: int  # closed cases that were sent back at least once
    reopened_rate: float | None  # 返工率: reopened / closed
    rated: int
    satisfied: int  # rated 4 or 5 of 5
    satisfaction_rate: float | None  # 满意率: satisfied / rated
    overdue_open: int  # running past their due moment now


@dataclass(frozen=True)
class CaseFacts:
    state: str
    due: datetime | None
    fed_back_at: datetime | None
    sent_back: int
    rating: int | None


def figures(cases: Iterable[CaseFacts], now: datetime) -> CaseFigures:
    received = closed = assessed = on_time = reopened = rated = satisfied = overdue = 0
    for c in cases:
        if c.state == "cancelled":
            continue
        received += 1
        t = timing(due=c.due, fed_back_at=c.fed_back_at, state=c.state, now=now)
        if t.on_time is not None:
            assessed += 1
            on_time += t.on_time
        elif t.overdue:
            assessed += 1
            overdue += 1
        if c.state == "closed":
            closed += 1
            reopened += c.sent_back > 0
        if c.rating is not None:
            if not 1 <= c.rating <= 5:
                raise AnalysisError("case_rating", "A rating is 1 to 5.", rating=c.rating)
            rated += 1
            satisfied += c.rating >= 4

    def rate(a: int, b: int) -> float | None:
        return None if b == 0 else a / b

    return CaseFigures(
        received,
        closed,
        rate(closed, received),
        assessed,
        on_time,
        rate(on_time, assessed),
        reopened,
        rate(reopened, closed),
        rated,
        satisfied,
        rate(satisfied, rated),
        overdue,
    )

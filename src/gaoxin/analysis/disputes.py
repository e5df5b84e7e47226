"""The time rules of people's mediation (人民调解法, 2010; 人民调解工作若干规定, 司法部 2002: a dispute is in
general mediated within one month of its acceptance) as "零搁置": every accepted dispute has a first action
within ``first_action_days`` days and an end within ``limit_months`` months, or it is escalated.

Days are calendar days; the day of acceptance is not counted (民法典 art. 201): a first action is due by the
``first_action_days``-th day after it, the end by the same day of the month ``limit_months`` later (the last day
of a shorter month); late from the day after.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

from gaoxin.analysis.dates import add_months
from gaoxin.analysis.errors import AnalysisError


@dataclass(frozen=True)
class DisputeClock:
    first_action_due: date
    end_due: date
    days_open: int  # days since acceptance (to its end, or to today while open)
    idle: bool  # open, no action yet, past the first-action day
    overdue: bool  # open past its end day
    late: bool  # idle or overdue: to be escalated


def clock(
    accepted_on: date,
    *,
    first_action_on: date | None,
    ended_on: date | None,
    today: date,
    first_action_days: int = 3,
    limit_months: int = 1,
) -> DisputeClock:
    if first_action_days < 0 or limit_months < 1:
        raise AnalysisError("dispute_limits", "The dispute time limits must be positive.")
    first_due = accepted_on + timedelta(days=first_action_days)
    end_due = add_months(accepted_on, limit_months)
    until = ended_on or today
    open_ = ended_on is None
    idle = open_ and first_action_on is None and today > first_due
    overdue = open_ and today > end_due
    return DisputeClock(
        first_due, end_due, max(0, (until - accepted_on).days), idle, overdue, idle or overdue
    )


AGE_BUCKETS = ((0, 7), (8, 15), (16, 30), (31, None))


def age_bucket(days_open: int) -> int:
    """The index of the board's age column a dispute open for ``days_open`` days falls in."""
    for i, (lo, hi) in enumerate(AGE_BUCKETS):
        if days_open >= lo and (hi is None or days_open <= hi):
            return i
    raise AnalysisError(
        "dispute_age", "A dispute cannot be open for a negative number of days.", days=days_open
    )

"""信息采集零空档: every dwelling's household confirmed by a grid visit within its interval — a year by
default, shorter for the special groups (elderly living alone, disabled, left-behind children, low income).

A household is due for a visit on the day its interval has passed since its last visit (the last visit day
plus the interval); never visited: due at once. Coverage of a grid = the share of its households visited within
their interval on the day; freshness = the median days since the last visit (never visited not included).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from statistics import median

from gaoxin.analysis.errors import AnalysisError


def interval_days(groups: Iterable[str], intervals: Mapping[str, int], default_days: int) -> int:
    """The visit interval of a household: the shortest of its groups' intervals, else the default."""
    days = [intervals[g] for g in groups if g in intervals]
    value = min([default_days, *days])
    if value <= 0:
        raise AnalysisError(
            "collection_interval", "A visit interval is a positive number of days.", days=value
        )
    return value


@dataclass(frozen=True)
class VisitDue:
    due_on: date | None  # None: never visited (due now)
    overdue: bool  # the day is past the due day (or never visited)
    days_since: int | None


def visit_due(last_visit: date | None, interval: int, today: date) -> VisitDue:
    if last_visit is None:
        return VisitDue(None, True, None)
    due = last_visit + timedelta(days=interval)
    return VisitDue(due, today > due, (today - last_visit).days)


@dataclass(frozen=True)
class Coverage:
    households: int
    covered: int
    share: float | None
    freshness_days: float | None  # median days since the last visit

    @property
    def due(self) -> int:
        """Households due for a visit (past their interval, or never visited)."""
        return self.households - self.covered


def coverage(items: Iterable[VisitDue]) -> Coverage:
    seen = list(items)
    covered = sum(not v.overdue for v in seen)
    days = [v.days_since for v in seen if v.days_since is not None]
    return Coverage(
        len(seen),
        covered,
        None if not seen else covered / len(seen),
        None if not days else float(median(days)),
    )

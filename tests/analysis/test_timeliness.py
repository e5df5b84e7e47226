"""随访及时率: each visit sets the next one's day; a due day is met by a visit on or before it."""

from __future__ import annotations

import datetime as dt

from gaoxin.analysis.chronic import timeliness

D = dt.date


def test_on_the_due_day_is_on_time_the_day_after_is_late() -> None:
    chain = [(D(2026, 1, 5), D(2026, 4, 6)), (D(2026, 4, 6), D(2026, 7, 6)), (D(2026, 7, 7), D(2026, 10, 6))]
    t = timeliness([chain], 2026, today=D(2026, 9, 1))
    assert (t.due, t.on_time) == (2, 1)  # Apr 6 met on the day; Jul 6 met on Jul 7: late; Oct 6 not yet due


def test_a_due_day_without_a_visit_is_missed_only_once_it_has_passed() -> None:
    chain = [(D(2026, 1, 5), D(2026, 4, 6))]
    assert timeliness([chain], 2026, today=D(2026, 4, 6)).due == 0  # the day itself: still in time
    t = timeliness([chain], 2026, today=D(2026, 4, 7))
    assert (t.due, t.on_time, t.rate) == (1, 0, 0.0)


def test_due_days_of_another_year_are_not_counted_and_order_does_not_matter() -> None:
    chain = [
        (D(2026, 2, 1), D(2026, 5, 3)),
        (D(2025, 12, 1), D(2026, 1, 30)),
    ]  # unsorted; the Dec visit sets Jan 30
    t = timeliness([chain], 2026, today=D(2026, 12, 1))
    assert (t.due, t.on_time) == (2, 0)  # Jan 30 met on Feb 1: late; May 3 never met
    assert timeliness([chain], 2025, today=D(2026, 12, 1)).due == 0
    assert timeliness([], 2026, today=D(2026, 12, 1)).rate is None

"""When a resident's question waits for her team, and how fast it was answered (at the boundaries)."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.analysis import consultation as c
from gaoxin.analysis.errors import AnalysisError

T = dt.datetime(2026, 5, 4, 9, 0, tzinfo=dt.UTC)


def h(n: float) -> dt.datetime:
    return T + dt.timedelta(hours=n)


def test_she_waits_from_her_first_unanswered_message() -> None:
    assert c.waiting_since([]) is None
    assert c.waiting_since([(h(0), True), (h(1), True)]) == h(0)
    assert c.waiting_since([(h(0), True), (h(2), False)]) is None
    assert c.waiting_since([(h(0), True), (h(2), False), (h(3), True), (h(4), True)]) == h(3)
    assert c.waiting_since([(h(3), True), (h(0), True), (h(2), False)]) == h(3)  # order of the list ignored
    assert c.waiting_since([(h(0), False)]) is None


def test_the_due_moment_itself_is_in_time() -> None:
    thread = [(h(0), True)]
    at_due = c.waiting(thread, limit_hours=24, now=h(24))
    assert at_due.due == h(24) and not at_due.overdue
    assert c.waiting(thread, limit_hours=24, now=h(24) + dt.timedelta(seconds=1)).overdue
    answered = c.waiting([(h(0), True), (h(30), False)], limit_hours=24, now=h(100))
    assert answered == c.Waiting(None, None, False)


def test_response_hours_count_each_answered_turn() -> None:
    thread = [
        (h(0), True),
        (h(1), True),
        (h(5), False),
        (h(6), False),
        (h(10), True),
        (h(40), False),
        (h(41), True),
    ]
    assert c.response_hours(thread) == [5.0, 30.0]  # the last turn still waits: not counted
    assert c.response_hours([(h(0), False)]) == []


@pytest.mark.parametrize("bad", [0, -1, float("nan"), float("inf"), 24 * 365])
def test_a_limit_that_makes_no_sense_is_refused(bad: float) -> None:
    with pytest.raises(AnalysisError):
        c.waiting([(h(0), True)], limit_hours=bad, now=h(1))

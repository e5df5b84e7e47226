"""The case workflow's core: no step skipped, time limits at their boundary, the figures."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest

from gaoxin.analysis import cases as c
from gaoxin.analysis.errors import AnalysisError

T0 = datetime(2026, 7, 1, 9, 0, tzinfo=UTC)


def test_the_seven_steps_in_order_and_no_other():
    state = "reported"
    for action, expected in [
        ("open", "opened"),
        ("dispatch", "dispatched"),
        ("accept", "handling"),
        ("feedback", "fed_back"),
        ("send_back", "handling"),
        ("feedback", "fed_back"),
        ("close", "closed"),
        ("rate", "closed"),
    ]:
        state = c.next_state(state, action)
        assert state == expected
    for state, action in [
        ("reported", "dispatch"),
        ("opened", "close"),
        ("dispatched", "close"),
        ("handling", "close"),
        ("closed", "open"),
        ("cancelled", "open"),
        ("reported", "feedback"),
    ]:
        with pytest.raises(AnalysisError) as err:
            c.next_state(state, action)
        assert err.value.code == "case_step"
    assert c.next_state("reported", "cancel") == "cancelled"
    assert sorted(c.actions_from("fed_back")) == ["close", "send_back"]


def test_the_due_moment_is_on_time_and_a_second_later_is_late():
    due = c.due_at(T0, 72)
    assert due == T0 + timedelta(hours=72)
    assert not c.timing(due=due, fed_back_at=None, state="handling", now=due).overdue
    assert c.timing(due=due, fed_back_at=None, state="handling", now=due + timedelta(seconds=1)).overdue
    assert c.timing(due=due, fed_back_at=due, state="fed_back", now=due + timedelta(days=3)).on_time is True
    assert (
        c.timing(
            due=due, fed_back_at=due + timedelta(seconds=1), state="closed", now=due + timedelta(days=3)
        ).on_time
        is False
    )
    soon = c.timing(due=due, fed_back_at=None, state="dispatched", now=due - timedelta(hours=24))
    assert soon.due_soon and not soon.overdue and soon.hours_left == 24
    assert not c.timing(due=due, fed_back_at=None, state="dispatched", now=due - timedelta(hours=25)).due_soon
    assert c.timing(due=None, fed_back_at=None, state="reported", now=T0).hours_left is None
    for bad in (0, -1, float("nan")):
        with pytest.raises(AnalysisError):
            c.due_at(T0, bad)


def test_the_figures():
    due = T0 + timedelta(hours=24)
    now = T0 + timedelta(hours=48)
    facts = [
        c.CaseFacts("closed", due, due, 0, 5),  # on time, satisfied
        c.CaseFacts("closed", due, due + timedelta(minutes=1), 1, 3),  # late, reopened
        c.CaseFacts("handling", due, None, 0, None),  # overdue now
        c.CaseFacts("dispatched", now + timedelta(hours=1), None, 0, None),  # running, not due
        c.CaseFacts("reported", None, None, 0, None),
        c.CaseFacts("cancelled", None, None, 0, None),  # not counted
    ]
    f = c.figures(facts, now)
    assert (
        f.received,
        f.closed,
        f.assessed,
        f.on_time,
        f.reopened,
        f.rated,
        f.satisfied,
        f.overdue_open,
    ) == (5, 2, 3, 1, 1, 2, 1, 1)
    assert (
        f.on_time_rate == pytest.approx(1 / 3)
        and f.closure_rate == pytest.approx(0.4)
        and f.reopened_rate == 0.5
    )
    assert c.figures([], now).on_time_rate is None
    with pytest.raises(AnalysisError):
        c.figures([c.CaseFacts("closed", due, due, 0, 6)], now)


def test_dispute_clock_boundaries():
    from datetime import date

    from gaoxin.analysis import disputes as d
    from gaoxin.analysis.dates import add_months

    acc = date(2026, 1, 31)
    on_day = d.clock(
        acc, first_action_on=None, ended_on=None, today=date(2026, 2, 3)
    )  # 3rd day after: still in time
    assert on_day.first_action_due == date(2026, 2, 3) and not on_day.idle
    assert d.clock(acc, first_action_on=None, ended_on=None, today=date(2026, 2, 4)).idle
    assert not d.clock(acc, first_action_on=date(2026, 2, 1), ended_on=None, today=date(2026, 2, 20)).late
    assert d.clock(
        acc, first_action_on=date(2026, 2, 1), ended_on=None, today=date(2026, 2, 28)
    ).end_due == date(2026, 2, 28)
    assert not d.clock(acc, first_action_on=date(2026, 2, 1), ended_on=None, today=date(2026, 2, 28)).overdue
    assert d.clock(acc, first_action_on=date(2026, 2, 1), ended_on=None, today=date(2026, 3, 1)).overdue
    ended = d.clock(acc, first_action_on=None, ended_on=date(2026, 2, 10), today=date(2026, 6, 1))
    assert not ended.late and ended.days_open == 10
    assert add_months(date(2024, 1, 31), 1) == date(2024, 2, 29) and add_months(
        date(2026, 12, 15), 1
    ) == date(2027, 1, 15)
    assert [d.age_bucket(n) for n in (0, 7, 8, 15, 16, 30, 31, 400)] == [0, 0, 1, 1, 2, 2, 3, 3]
    with pytest.raises(AnalysisError):
        d.clock(acc, first_action_on=None, ended_on=None, today=acc, limit_months=0)


def test_household_visits_are_due_when_their_interval_has_passed():
    from datetime import date

    from gaoxin.analysis import collection as col

    groups = {"elderly_alone": 30, "disabled": 90}
    assert col.interval_days([], groups, 365) == 365
    assert col.interval_days(["disabled", "elderly_alone", "unknown"], groups, 365) == 30
    last = date(2026, 1, 1)
    assert not col.visit_due(last, 30, date(2026, 1, 31)).overdue  # the 30th day: still covered
    assert col.visit_due(last, 30, date(2026, 2, 1)).overdue
    assert col.visit_due(None, 30, date(2026, 2, 1)).overdue
    c = col.coverage([col.visit_due(last, 365, date(2026, 3, 1)), col.visit_due(None, 365, date(2026, 3, 1))])
    assert (c.households, c.covered, c.due, c.share, c.freshness_days) == (2, 1, 1, 0.5, 59.0)
    assert col.coverage([]).share is None
    with pytest.raises(AnalysisError):
        col.interval_days([], {}, 0)

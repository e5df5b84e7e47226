"""The two-way referral workflow, its sides, its time limits at their boundaries and its figures."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.analysis import referral as r
from gaoxin.analysis.errors import AnalysisError

LIMITS = r.Limits(answer_hours=24, urgent_answer_hours=2, follow_up_days=14)
T0 = dt.datetime(2026, 3, 1, 9, 0, tzinfo=dt.UTC)


def test_the_whole_loop_and_its_sides() -> None:
    state = "draft"
    for action, side in [
        ("submit", r.SENDER),
        ("accept", r.RECEIVER),
        ("arrive", r.RECEIVER),
        ("complete", r.RECEIVER),
        ("down_refer", r.RECEIVER),
        ("follow_up", r.SENDER),
    ]:
        assert action in r.actions_from(state, side)
        assert action not in r.actions_from(state, r.RECEIVER if side == r.SENDER else r.SENDER)
        state = r.next_state(state, action)
    assert state == "followed_up" and r.actions_from(state) == []


@pytest.mark.parametrize(
    ("state", "action"),
    [
        ("draft", "accept"),  # nothing is answered before it is sent
        ("submitted", "arrive"),  # nobody arrives before the answer
        ("rejected", "accept"),
        ("cancelled", "submit"),
        ("accepted", "reject"),  # the answer is given once
        ("arrived", "cancel"),  # the patient is in the hospital: the referral is not withdrawn
        ("followed_up", "follow_up"),
        ("down_referred", "down_refer"),
        ("submitted", "fly"),
    ],
)
def test_a_step_out_of_turn_is_refused(state: str, action: str) -> None:
    with pytest.raises(AnalysisError) as caught:
        r.next_state(state, action)
    assert caught.value.code == "referral_step"


def test_every_state_is_reachable_and_every_step_has_a_side() -> None:
    reached = {"draft"} | set(r.STEPS.values())
    assert reached == set(r.STATES)
    assert {a for (_s, a) in r.STEPS} == set(r.SIDE)
    assert set(r.RECEIVER_READS) <= set(r.STATES) and set(r.ENDED) <= set(r.STATES)


def test_the_answer_is_due_a_day_after_or_two_hours_for_an_urgent_one() -> None:
    assert r.answer_due(T0, urgent=False, limits=LIMITS) == T0 + dt.timedelta(hours=24)
    assert r.answer_due(T0, urgent=True, limits=LIMITS) == T0 + dt.timedelta(hours=2)


def test_the_due_moment_itself_is_in_time() -> None:
    due = r.answer_due(T0, urgent=False, limits=LIMITS)
    at_due = r.answer_timing(state="submitted", submitted_at=T0, due=due, answered_at=None, now=due)
    assert not at_due.overdue and at_due.on_time is None and at_due.hours is None
    after = r.answer_timing(
        state="submitted", submitted_at=T0, due=due, answered_at=None, now=due + dt.timedelta(seconds=1)
    )
    assert after.overdue
    answered = r.answer_timing(
        state="submitted", submitted_at=T0, due=due, answered_at=due, now=due + dt.timedelta(days=3)
    )
    assert answered.on_time and not answered.overdue and answered.hours == 24
    late = r.answer_timing(
        state="accepted",
        submitted_at=T0,
        due=due,
        answered_at=due + dt.timedelta(minutes=1),
        now=due + dt.timedelta(days=3),
    )
    assert late.on_time is False and not late.overdue
    withdrawn = r.answer_timing(
        state="cancelled", submitted_at=T0, due=due, answered_at=None, now=due + dt.timedelta(days=1)
    )
    assert withdrawn == r.AnswerTiming(False, None, None)  # withdrawn before an answer: nobody is late
    draft = r.answer_timing(state="submitted", submitted_at=None, due=None, answered_at=None, now=T0)
    assert draft == r.AnswerTiming(False, None, None)


def test_the_follow_up_is_due_two_weeks_after_the_referral_or_after_the_referral_back() -> None:
    assert r.follow_up_due(dt.date(2026, 3, 1), None, LIMITS) == dt.date(2026, 3, 15)
    assert r.follow_up_due(dt.date(2026, 3, 1), dt.date(2026, 3, 20), LIMITS) == dt.date(2026, 4, 3)
    assert r.follow_up_due(dt.date(2024, 2, 20), None, LIMITS) == dt.date(2024, 3, 5)  # a leap year


@pytest.mark.parametrize(
    "bad",
    [
        {"answer_hours": 0},
        {"answer_hours": -1},
        {"answer_hours": float("nan")},
        {"urgent_answer_hours": float("inf")},
        {"follow_up_days": 0},
        {"follow_up_days": 400},
    ],
)
def test_limits_that_make_no_sense_are_refused(bad: dict[str, float]) -> None:
    values = {"answer_hours": 24, "urgent_answer_hours": 2, "follow_up_days": 14, **bad}
    with pytest.raises(AnalysisError):
        r.Limits(**values)  # type: ignore[arg-type]


def test_turnaround_counts_only_the_answered() -> None:
    answers = [
        r.AnswerTiming(False, True, 3.0),
        r.AnswerTiming(False, True, 5.0),
        r.AnswerTiming(False, False, 30.0),
        r.AnswerTiming(True, None, None),  # waiting, overdue: no hours yet
    ]
    t = r.turnaround(answers)
    assert t.answered == 3 and t.median_hours == 5.0 and t.on_time == 2
    assert t.on_time_rate == pytest.approx(2 / 3)
    empty = r.turnaround([])
    assert empty.answered == 0 and empty.median_hours is None and empty.on_time_rate is None

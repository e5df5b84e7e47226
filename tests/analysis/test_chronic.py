"""The follow-up rules of hypertension and type-2 diabetes at their boundaries."""

from __future__ import annotations

import datetime as dt

import pytest

from gaoxin.analysis import chronic as c
from gaoxin.analysis.errors import AnalysisError

RULES = c.Rules(edition="2017")
ELDERLY = c.Rules(edition="2017", elderly_target=True)
DAY = dt.date(2026, 3, 1)


def bp(s: int, d: int, **kw) -> c.Visit:  # type: ignore[no-untyped-def]
    return c.Visit(c.Kind.HYPERTENSION, kw.pop("day", DAY), sbp=s, dbp=d, **kw)


def fpg(x: float, **kw) -> c.Visit:  # type: ignore[no-untyped-def]
    return c.Visit(c.Kind.DIABETES, kw.pop("day", DAY), fpg=x, **kw)


@pytest.mark.parametrize(
    ("sbp", "dbp", "controlled"),
    [(139, 89, True), (140, 85, False), (135, 90, False), (120, 80, True), (140, 90, False)],
)
def test_blood_pressure_is_controlled_below_140_over_90(sbp, dbp, controlled):
    a = c.assess(bp(sbp, dbp), 60, RULES)
    assert a.controlled is controlled
    assert a.visit_class == (c.VisitClass.SATISFIED if controlled else c.VisitClass.UNSATISFIED)


def test_the_65_plus_target_is_an_option():
    assert c.assess(bp(145, 85), 66, RULES).controlled is False
    assert c.assess(bp(145, 85), 66, ELDERLY).controlled is True
    assert c.assess(bp(145, 85), 64, ELDERLY).controlled is False
    assert c.assess(bp(150, 85), 65, ELDERLY).controlled is False


@pytest.mark.parametrize(("value", "controlled"), [(6.9, True), (7.0, False), (7.1, False)])
def test_fasting_glucose_is_controlled_below_7(value, controlled):
    assert c.assess(fpg(value), 60, RULES).controlled is controlled


@pytest.mark.parametrize(
    ("visit", "urgent"),
    [
        (bp(179, 109), False),
        (bp(180, 100), True),
        (bp(170, 110), True),
        (fpg(16.6), False),
        (fpg(16.7), True),
        (fpg(3.9), True),
        (fpg(4.0), False),
        (bp(130, 80, danger=True), True),
    ],
)
def test_urgent_referral_thresholds(visit, urgent):
    assert c.assess(visit, 60, RULES).urgent is urgent


def test_a_complication_and_an_adverse_reaction_come_first():
    assert c.assess(bp(130, 80, complication=True), 60, RULES).visit_class == c.VisitClass.COMPLICATION
    assert c.assess(bp(150, 95, adverse=True), 60, RULES).visit_class == c.VisitClass.ADVERSE


def test_the_next_visit_and_the_referral():
    ok = c.assess(bp(130, 80), 60, RULES)
    high = c.assess(bp(150, 95), 60, RULES)
    assert c.plan_after([ok], DAY, RULES) == c.Plan(DAY + dt.timedelta(days=91), c.Referral.NONE, "routine")
    assert c.plan_after([ok, high], DAY, RULES) == c.Plan(
        DAY + dt.timedelta(days=14), c.Referral.NONE, "recheck"
    )
    twice = c.plan_after([ok, high, high], DAY, RULES)
    assert twice.referral == c.Referral.PROPOSED and twice.due_on == DAY + dt.timedelta(days=14)
    assert c.plan_after([high, ok, high], DAY, RULES).referral == c.Referral.NONE
    compl = c.assess(bp(130, 80, complication=True), 60, RULES)
    assert c.plan_after([compl], DAY, RULES).referral == c.Referral.PROPOSED
    urgent = c.assess(bp(185, 100), 60, RULES)
    assert c.plan_after([urgent], DAY, RULES) == c.Plan(
        DAY + dt.timedelta(days=14), c.Referral.URGENT, "urgent"
    )
    adverse = c.assess(bp(130, 80, adverse=True), 60, RULES)
    assert c.plan_after([adverse], DAY, RULES).reason == "recheck"
    assert c.plan_after([adverse, adverse], DAY, RULES).referral == c.Referral.PROPOSED
    with pytest.raises(AnalysisError):
        c.plan_after([], DAY, RULES)


def test_due_on_the_day_overdue_from_the_day_after():
    due = dt.date(2026, 6, 1)
    assert c.due_state(due, due) == c.DueState.DUE_SOON
    assert c.due_state(due, due + dt.timedelta(days=1)) == c.DueState.OVERDUE
    assert c.due_state(due, due - dt.timedelta(days=7)) == c.DueState.DUE_SOON
    assert c.due_state(due, due - dt.timedelta(days=8)) == c.DueState.NOT_DUE


def test_regular_management_needs_four_face_to_face_visits_in_the_year():
    def visits(days, controlled_last=True, phone=()):  # type: ignore[no-untyped-def]
        out = []
        for k, d in enumerate(days):
            v = bp(
                130 if (controlled_last or k < len(days) - 1) else 150, 80, day=d, face_to_face=k not in phone
            )
            out.append((v, c.assess(v, 60, RULES)))
        return out

    q = [dt.date(2026, m, 10) for m in (1, 4, 7, 10)]
    three = visits(q[:3])
    four = visits(q)
    four_one_by_phone = visits(q, phone=(2,))
    uncontrolled = visits(q, controlled_last=False)
    last_year = visits([dt.date(2025, 12, 30)])
    f = c.year_figures([three, four, four_one_by_phone, uncontrolled, last_year], 2026, RULES)
    assert (f.managed, f.regular, f.controlled) == (4, 2, 3)
    assert f.regular_rate == 0.5 and f.control_rate == 0.75
    assert c.year_figures([], 2026, RULES).regular_rate is None


def test_implausible_values_and_rules_are_refused():
    for v in (
        bp(90, 95),
        c.Visit(c.Kind.HYPERTENSION, DAY, sbp=140),
        fpg(0.1),
        c.Visit(c.Kind.DIABETES, DAY),
    ):
        with pytest.raises(AnalysisError):
            c.assess(v, 60, RULES)
    with pytest.raises(AnalysisError):
        c.Rules(edition="x", fpg_below=20)
    with pytest.raises(AnalysisError):
        c.Rules(edition="x", recheck_days=0)


def test_small_counts_are_suppressed():
    assert [c.suppressed(n) for n in (0, 1, 4, 5, 12)] == [0, None, None, 5, 12]


def test_the_elderly_check_once_a_year_from_the_65th_birthday():
    from gaoxin.analysis.followup import CheckState, birthday, elderly_check

    today = dt.date(2026, 6, 30)
    # 65 long ago: due from 1 January; a second check the same year is a duplicate
    e = elderly_check(
        dt.date(1950, 3, 1), [dt.date(2026, 2, 1), dt.date(2026, 5, 1), dt.date(2025, 3, 1)], 2026, today
    )
    assert (
        e.state == CheckState.DONE
        and e.done_on == dt.date(2026, 2, 1)
        and e.duplicates == (dt.date(2026, 5, 1),)
    )
    assert elderly_check(dt.date(1950, 3, 1), [dt.date(2025, 3, 1)], 2026, today).state == CheckState.DUE
    # turning 65 on 1 June 2026: due from the birthday; a check in May is not the elderly check
    mid = elderly_check(dt.date(1961, 6, 1), [dt.date(2026, 5, 31)], 2026, today)
    assert (
        mid.state == CheckState.DUE
        and mid.eligible_from == dt.date(2026, 6, 1)
        and mid.before_65 == (dt.date(2026, 5, 31),)
    )
    assert elderly_check(dt.date(1961, 6, 1), [dt.date(2026, 6, 1)], 2026, today).state == CheckState.DONE
    # turning 65 in November: upcoming; turning 65 next year: not eligible
    assert elderly_check(dt.date(1961, 11, 2), [], 2026, today).state == CheckState.UPCOMING
    assert elderly_check(dt.date(1962, 1, 1), [], 2026, today).state == CheckState.NOT_ELIGIBLE
    assert elderly_check(dt.date(1961, 12, 31), [], 2026, today).eligible_from == dt.date(2026, 12, 31)
    assert birthday(dt.date(1960, 2, 29), 65) == dt.date(2025, 2, 28)


def test_the_child_schedule_windows_at_their_boundaries():
    from gaoxin.analysis.followup import ScheduledVisit, VisitState, months_after, schedule

    visits = [
        ScheduledVisit("newborn", 0, 0, 7),
        ScheduledVisit("month_1", 0, 28, 2),
        ScheduledVisit("month_3", 3, 0, 30),
    ]
    birth = dt.date(2026, 1, 31)
    items = {
        i.code: i for i in schedule(birth, visits, {"newborn": dt.date(2026, 2, 7)}, dt.date(2026, 2, 28))
    }
    assert items["newborn"].state == VisitState.DONE and items["newborn"].due_by == dt.date(2026, 2, 7)
    assert items["month_1"].due_from == dt.date(2026, 2, 28) and items["month_1"].state == VisitState.DUE
    assert items["month_3"].due_from == dt.date(2026, 4, 30) and items["month_3"].state == VisitState.NOT_YET
    late = {i.code: i for i in schedule(birth, visits, {"newborn": dt.date(2026, 2, 8)}, dt.date(2026, 3, 3))}
    assert late["newborn"].state == VisitState.DONE_LATE
    assert late["month_1"].state == VisitState.OVERDUE  # 28–30 days: 2 March was the last day
    on_last = {i.code: i for i in schedule(birth, visits, {}, dt.date(2026, 3, 2))}
    assert on_last["month_1"].state == VisitState.DUE
    assert months_after(dt.date(2024, 2, 29), 12) == dt.date(2025, 2, 28)
    with pytest.raises(AnalysisError):
        schedule(birth, [ScheduledVisit("x", 0, 0, -1)], {}, birth)

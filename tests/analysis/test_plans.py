"""The plans core: node states at their date boundaries, lights, on-time rates and ranking, target
progress against the even pace, and the 时间节点 cell."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gaoxin.analysis import plans as p
from gaoxin.analysis.errors import AnalysisError

DUE = date(2026, 6, 30)


@pytest.mark.parametrize(
    ("today", "state", "late", "left"),
    [
        (date(2026, 6, 22), p.NodeState.PENDING, 0, 8),  # 8 days ahead: not yet in the 7-day window
        (date(2026, 6, 23), p.NodeState.DUE_SOON, 0, 7),  # 7 days ahead: in the window
        (date(2026, 6, 30), p.NodeState.DUE_SOON, 0, 0),  # due today: not late yet
        (date(2026, 7, 1), p.NodeState.OVERDUE, 1, -1),  # the day after: overdue, 1 day
        (date(2026, 7, 31), p.NodeState.OVERDUE, 31, -31),
    ],
)
def test_an_open_node_is_overdue_from_the_day_after_its_date(today, state, late, left):  # type: ignore[no-untyped-def]
    s = p.node_status(DUE, None, today)
    assert (s.state, s.days_late, s.days_left) == (state, late, left)


def test_a_node_done_on_its_date_is_on_time_and_a_day_later_is_late():
    assert p.node_status(DUE, date(2026, 6, 30), date(2026, 8, 1)).state == p.NodeState.DONE
    assert p.node_status(DUE, date(2026, 5, 1), date(2026, 8, 1)).state == p.NodeState.DONE
    late = p.node_status(DUE, date(2026, 7, 1), date(2026, 8, 1))
    assert (late.state, late.days_late) == (p.NodeState.DONE_LATE, 1)
    with pytest.raises(AnalysisError):
        p.node_status(DUE, None, DUE, soon_days=-1)


def test_the_light_of_a_task():
    S = p.NodeState
    assert p.light([S.DONE, S.OVERDUE, S.DUE_SOON]) == p.Light.RED
    assert p.light([S.DONE, S.DUE_SOON, S.PENDING]) == p.Light.YELLOW
    assert p.light([S.DONE, S.PENDING]) == p.Light.GREEN
    assert p.light([S.DONE, S.DONE_LATE]) == p.Light.DONE
    assert p.light([]) == p.Light.GREEN


def test_on_time_counts_finished_and_overdue_nodes_only():
    today = date(2026, 7, 10)
    statuses = [
        p.node_status(date(2026, 6, 1), date(2026, 6, 1), today),  # on time
        p.node_status(date(2026, 6, 1), date(2026, 6, 3), today),  # late
        p.node_status(date(2026, 7, 1), None, today),  # overdue
        p.node_status(date(2026, 8, 1), None, today),  # not due: not counted
        p.node_status(date(2026, 8, 1), date(2026, 7, 5), today),  # finished early: counted, on time
    ]
    r = p.on_time(statuses)
    assert (r.assessed, r.on_time) == (4, 2) and r.rate == 0.5
    assert p.on_time([p.node_status(date(2026, 8, 1), None, today)]).rate is None


def test_ranking_shares_ranks_and_puts_the_unassessed_last():
    rates = {
        "乙": p.OnTime(4, 4, 1.0),
        "甲": p.OnTime(2, 2, 1.0),
        "丙": p.OnTime(4, 2, 0.5),
        "丁": p.OnTime(0, 0, None),
    }
    ranked = [(pos, name) for pos, name, _r in p.rank(rates)]
    assert ranked == [(1, "乙"), (1, "甲"), (3, "丙"), (0, "丁")]


def test_target_progress_against_the_even_pace():
    start, due = date(2026, 1, 1), date(2026, 12, 31)
    mid = date(2026, 7, 2)  # 182 of 364 days: half the year
    assert p.target_progress(2, 3, start=start, due=due, today=mid).state == p.TargetState.ON_TRACK
    assert p.target_progress(1, 3, start=start, due=due, today=mid).state == p.TargetState.BEHIND
    assert (
        p.target_progress(Decimal(3), Decimal(3), start=start, due=due, today=mid).state == p.TargetState.MET
    )
    assert (
        p.target_progress(2, 3, start=start, due=due, today=due).state == p.TargetState.BEHIND
    )  # the due day
    assert p.target_progress(2, 3, start=start, due=due, today=date(2027, 1, 1)).state == p.TargetState.MISSED
    assert p.target_progress(None, 3, start=start, due=due, today=mid).state == p.TargetState.NO_DATA
    assert p.target_progress(0, 3, start=start, due=due, today=start).state == p.TargetState.ON_TRACK
    assert p.target_progress(2, 3, start=start, due=due, today=mid).share == pytest.approx(2 / 3)
    # "at most": overdue cases, goal 0
    assert p.target_progress(0, 0, start=start, due=due, today=mid, at_most=True).state == p.TargetState.MET
    assert (
        p.target_progress(1, 0, start=start, due=due, today=mid, at_most=True).state == p.TargetState.BEHIND
    )
    assert (
        p.target_progress(1, 0, start=start, due=due, today=date(2027, 1, 1), at_most=True).state
        == p.TargetState.MISSED
    )
    for bad in (float("nan"), -1):
        with pytest.raises(AnalysisError):
            p.target_progress(1, bad, start=start, due=due, today=mid)
    with pytest.raises(AnalysisError):
        p.target_progress(1, 1, start=due, due=start, today=mid)


def test_completion_rate():
    assert p.completion_rate(Decimal(150), Decimal(200)) == Decimal("0.7500")
    assert p.completion_rate(Decimal(250), Decimal(200)) == Decimal("1.2500")
    assert p.completion_rate(Decimal(1), Decimal(0)) is None
    with pytest.raises(AnalysisError):
        p.completion_rate(Decimal(-1), Decimal(1))


def test_the_time_nodes_cell_reads_the_ways_tables_write_dates():
    nodes = p.parse_nodes(
        "2026-03-31 完成方案（已完成 2026-03-28）；2026年6月底前开工\n2026年底 竣工验收\n2026/7/5 招商推介\n"
        "2026年2月 完成调研\n2026.9.1：交付"
    )
    assert [(n.due_on, n.title, n.done_on) for n in nodes] == [
        (date(2026, 3, 31), "完成方案", date(2026, 3, 28)),
        (date(2026, 6, 30), "开工", None),
        (date(2026, 12, 31), "竣工验收", None),
        (date(2026, 7, 5), "招商推介", None),
        (date(2026, 2, 28), "完成调研", None),
        (date(2026, 9, 1), "交付", None),
    ]
    assert p.parse_nodes("") == [] and p.parse_nodes(" \n；") == []
    assert p.parse_day("2028年2月底") == date(2028, 2, 29)


@pytest.mark.parametrize(
    "cell", ["明年开工", "2026-02-30 开工", "2026-13-01 开工", "2026-03-31", "2026年3月"]
)
def test_an_unreadable_node_is_refused_with_its_code(cell):  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError) as err:
        p.parse_nodes(cell)
    assert err.value.code in ("plans_node_date", "plans_node_title")


def test_the_cell_round_trips():
    nodes = [(date(2026, 3, 31), "完成方案", date(2026, 4, 2)), (date(2026, 6, 30), "开工", None)]
    text = p.format_nodes(nodes)
    assert [(n.due_on, n.title, n.done_on) for n in p.parse_nodes(text)] == nodes
    assert (
        p.next_due([(date(2026, 6, 1), None), (date(2026, 3, 1), date(2026, 3, 1)), (date(2026, 5, 1), None)])
        == 2
    )
    assert p.next_due([(date(2026, 3, 1), date(2026, 3, 1))]) is None


def test_investment_counts_the_months_begun_against_the_plan_and_the_total():
    months = [
        (date(2025, 12, 1), Decimal(100)),
        (date(2026, 1, 1), Decimal(30)),
        (date(2026, 6, 1), Decimal(20)),
        (date(2026, 7, 1), Decimal(999)),
    ]
    i = p.investment(
        months, year=2026, year_planned=Decimal(100), total=Decimal(1000), today=date(2026, 6, 30)
    )
    assert (i.year_done, i.year_rate, i.cumulative, i.total_rate) == (
        Decimal(50),
        Decimal("0.5000"),
        Decimal(150),
        Decimal("0.1500"),
    )
    assert i.expected_rate == (Decimal(181) / Decimal(365)).quantize(
        Decimal("0.0001")
    )  # 30 June: 181 days of 365
    first = p.investment(
        months, year=2026, year_planned=Decimal(100), total=Decimal(1000), today=date(2026, 7, 1)
    )
    assert first.year_done == 1049  # July has begun: its figure counts
    assert (
        p.investment(
            [], year=2026, year_planned=Decimal(0), total=Decimal(0), today=date(2027, 1, 1)
        ).year_rate
        is None
    )
    assert (
        p.investment(
            [], year=2026, year_planned=Decimal(1), total=Decimal(1), today=date(2027, 1, 1)
        ).expected_rate
        == 1
    )
    assert (
        p.investment(
            [], year=2026, year_planned=Decimal(1), total=Decimal(1), today=date(2025, 12, 31)
        ).expected_rate
        == 0
    )
    with pytest.raises(AnalysisError):
        p.investment(
            [(date(2026, 1, 1), Decimal(-1))],
            year=2026,
            year_planned=Decimal(1),
            total=Decimal(1),
            today=date(2026, 2, 1),
        )


@pytest.mark.parametrize(
    ("text", "month"),
    [
        ("2026-11", date(2026, 11, 1)),
        ("2026/3", date(2026, 3, 1)),
        ("2026年11月", date(2026, 11, 1)),
        ("2026.02", date(2026, 2, 1)),
        ("2026-11-15", date(2026, 11, 1)),
    ],
)
def test_a_month_is_read_as_its_first_day(text, month):  # type: ignore[no-untyped-def]
    assert p.parse_month(text) == month


@pytest.mark.parametrize("text", ["2026-13", "11月", "", "2026"])
def test_an_unreadable_month_is_refused(text):  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError):
        p.parse_month(text)


def test_star_grades_at_their_minimums():
    minimum = [300, 450, 600, 750, 850]
    assert [p.star_grade(s, minimum) for s in (0, 299.9, 300, 449.9, 450, 600, 749.9, 750, 850, 1000)] == [
        0,
        0,
        1,
        1,
        2,
        3,
        3,
        4,
        5,
        5,
    ]
    for bad in (-1, 1000.1, float("nan")):
        with pytest.raises(AnalysisError):
            p.star_grade(bad, minimum)
    with pytest.raises(AnalysisError):
        p.star_grade(500, [300, 200])


def test_day_care_classes_by_the_elderly_served():
    classes = [
        p.CareClass("一类", 10000, 15000, 1600),
        p.CareClass("二类", 5000, 10000, 1085),
        p.CareClass("三类", 3000, 5000, 750),
    ]
    named = {
        e: getattr(p.daycare_class(e, classes), "name", None)
        for e in (0, 2999, 3000, 4999, 5000, 9999, 10000, 14999, 15000, 40000)
    }
    assert named == {
        0: None,
        2999: None,
        3000: "三类",
        4999: "三类",
        5000: "二类",
        9999: "二类",
        10000: "一类",
        14999: "一类",
        15000: "一类",
        40000: "一类",
    }
    assert p.daycare_class(5000, []) is None

"""孕产妇健康管理 at its boundaries: the first contact before 13+0 weeks, the prenatal windows, the home
visit within a week of the discharge, the 42-day check."""

from __future__ import annotations

import datetime as dt
import tomllib
from pathlib import Path

import pytest

from gaoxin.analysis import maternal as m
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.followup import ScheduledVisit, VisitState

TOML = tomllib.loads((Path(m.__file__).parents[1] / "standards" / "maternal_2017.toml").read_text("utf-8"))


def _visits(rows: list[dict[str, object]]) -> tuple[ScheduledVisit, ...]:
    return tuple(ScheduledVisit(str(r["code"]), 0, int(r["days"]), int(r["window_days"])) for r in rows)  # type: ignore[call-overload]


RULES = m.Rules(
    first_contact_before_days=TOML["first_contact_before_days"],
    prenatal=_visits(TOML["prenatal"]),
    after_discharge=_visits([r for r in TOML["postpartum"] if r["anchor"] == "discharge"]),
    after_birth=_visits([r for r in TOML["postpartum"] if r["anchor"] == "birth"]),
)
LMP = dt.date(2024, 1, 1)


def test_a_first_contact_at_13_weeks_is_late_at_12_plus_6_it_is_not() -> None:
    assert m.gestation(LMP, LMP + dt.timedelta(days=90)) == (12, 6)
    assert not m.first_contact_late(LMP, LMP + dt.timedelta(days=90), RULES)
    assert m.first_contact_late(LMP, LMP + dt.timedelta(days=91), RULES)  # 13+0
    assert m.first_contact_late(LMP, LMP + dt.timedelta(weeks=14), RULES)  # the rules' example: 14 weeks


def test_the_prenatal_windows_follow_the_weeks() -> None:
    items = {
        i.code: i
        for i in m.maternal_schedule(
            lmp=LMP, born_on=None, discharged_on=None, done={}, today=LMP, rules=RULES
        )
    }
    assert [c for c in items] == ["first", "mid_1", "mid_2", "late_1", "late_2"]
    assert items["first"].due_by == LMP + dt.timedelta(days=90)  # by 12+6
    assert (items["mid_1"].due_from, items["mid_1"].due_by) == (
        LMP + dt.timedelta(weeks=16),
        LMP + dt.timedelta(weeks=20, days=6),
    )
    assert (items["late_2"].due_from, items["late_2"].due_by) == (
        LMP + dt.timedelta(weeks=37),
        LMP + dt.timedelta(weeks=40, days=6),
    )
    on_day = m.maternal_schedule(
        lmp=LMP, born_on=None, discharged_on=None, done={}, today=LMP + dt.timedelta(days=90), rules=RULES
    )
    assert on_day[0].state == VisitState.DUE
    after = m.maternal_schedule(
        lmp=LMP, born_on=None, discharged_on=None, done={}, today=LMP + dt.timedelta(days=91), rules=RULES
    )
    assert after[0].state == VisitState.OVERDUE


def test_after_the_birth_the_home_visit_within_a_week_of_discharge_and_the_42_day_check() -> None:
    born, out = dt.date(2024, 9, 10), dt.date(2024, 9, 13)  # born at 36+2 weeks
    items = m.maternal_schedule(
        lmp=LMP,
        born_on=born,
        discharged_on=out,
        done={"first": dt.date(2024, 2, 20)},
        today=dt.date(2024, 9, 20),
        rules=RULES,
    )
    by = {i.code: i for i in items}
    assert "late_2" not in by and "late_1" in by  # late_2 opens on 2024-09-16, after the birth: dropped
    assert by["home_visit"].due_by == dt.date(2024, 9, 20) and by["home_visit"].state == VisitState.DUE
    late = {
        i.code: i
        for i in m.maternal_schedule(
            lmp=LMP, born_on=born, discharged_on=out, done={}, today=dt.date(2024, 9, 21), rules=RULES
        )
    }
    assert late["home_visit"].state == VisitState.OVERDUE
    assert late["check_42"].due_from == born + dt.timedelta(days=42)
    no_discharge = {
        i.code
        for i in m.maternal_schedule(
            lmp=LMP, born_on=born, discharged_on=None, done={}, today=born, rules=RULES
        )
    }
    assert "home_visit" not in no_discharge and "check_42" in no_discharge


@pytest.mark.parametrize(
    ("registered", "born", "out"),
    [
        (LMP - dt.timedelta(days=1), None, None),
        (LMP, LMP, None),
        (LMP, LMP + dt.timedelta(weeks=46), None),
        (LMP, None, LMP + dt.timedelta(weeks=39)),
        (LMP, LMP + dt.timedelta(weeks=39), LMP + dt.timedelta(weeks=38)),
    ],
)
def test_dates_that_do_not_fit_are_refused(
    registered: dt.date, born: dt.date | None, out: dt.date | None
) -> None:
    with pytest.raises(AnalysisError):
        m.check_dates(LMP, registered, born, out)

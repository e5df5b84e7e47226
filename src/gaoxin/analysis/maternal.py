"""孕产妇健康管理 (国家基本公共卫生服务规范, 3rd edition, 2017): a pregnancy's schedule of five prenatal
contacts (windows in days from the last menstrual period) and two after the birth (the home visit from the
discharge, the 42-day check from the birth), and whether the first contact came in time (before 13+0
weeks: 孕早期建册). Pure: no Django, no database. The windows come from standards/maternal_2017.toml.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.followup import ScheduledVisit, ScheduleItem, schedule


@dataclass(frozen=True)
class Rules:
    first_contact_before_days: int
    prenatal: tuple[ScheduledVisit, ...]
    after_discharge: tuple[ScheduledVisit, ...]
    after_birth: tuple[ScheduledVisit, ...]


def gestation(lmp: dt.date, day: dt.date) -> tuple[int, int]:
    """Completed weeks and days of pregnancy on ``day`` (孕周, counted from the LMP)."""
    days = (day - lmp).days
    if days < 0:
        raise AnalysisError("maternal_before_lmp", "A day before the last menstrual period.")
    return divmod(days, 7)


def first_contact_late(lmp: dt.date, first_contact: dt.date, rules: Rules) -> bool:
    """The first contact (建册) at 13+0 weeks or later: recorded, and flagged 孕早期未建册."""
    return (first_contact - lmp).days >= rules.first_contact_before_days


def check_dates(
    lmp: dt.date, registered_on: dt.date, born_on: dt.date | None, discharged_on: dt.date | None
) -> None:
    if registered_on < lmp:
        raise AnalysisError("maternal_before_lmp", "The first contact lies before the last menstrual period.")
    if born_on is not None and not lmp < born_on <= lmp + dt.timedelta(days=45 * 7):
        raise AnalysisError(
            "maternal_birth", "The birth lies outside 45 weeks after the last menstrual period."
        )
    if discharged_on is not None and (born_on is None or discharged_on < born_on):
        raise AnalysisError("maternal_discharge", "The discharge comes after the birth.")


def maternal_schedule(
    *,
    lmp: dt.date,
    born_on: dt.date | None,
    discharged_on: dt.date | None,
    done: dict[str, dt.date],
    today: dt.date,
    rules: Rules,
) -> list[ScheduleItem]:
    """The prenatal visits (those after the birth are dropped once she gave birth, unless done), then the
    visits after the birth once it is recorded (the home visit once she is discharged)."""
    items: Sequence[ScheduleItem] = schedule(lmp, rules.prenatal, done, today)
    out = [i for i in items if born_on is None or i.done_on is not None or i.due_from < born_on]
    if born_on is not None:
        out += schedule(born_on, rules.after_birth, done, today)
        if discharged_on is not None:
            out += schedule(discharged_on, rules.after_discharge, done, today)
    return sorted(out, key=lambda i: i.due_from)

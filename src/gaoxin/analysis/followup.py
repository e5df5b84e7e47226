"""Rules of the basic public-health service that are pure: priority groups of family-doctor
contracting (重点人群) and contract terms. Sources: 国家基本公共卫生服务规范 (3rd ed., 2017); 国卫基层发〔2018〕35号."""

from __future__ import annotations

import calendar
import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from enum import StrEnum

from gaoxin.analysis.errors import AnalysisError

PRIORITY_GROUPS = (
    "elderly",  # 65 and older (国家基本公共卫生服务规范 3rd ed.: 老年人健康管理)
    "child",  # 0-6 years (国家基本公共卫生服务规范 3rd ed.: 0～6岁儿童健康管理)
    "pregnant",  # 孕产妇
    "disabled",  # 残疾人
    "hypertension",  # ICD-10 I10-I15
    "diabetes",  # ICD-10 E10-E14
    "severe_mental",  # 严重精神障碍: F20, F22, F25, F31, F06, F70-F79
    "tuberculosis",  # ICD-10 A15-A19
    "low_income",  # 贫困人口 (国卫基层发〔2018〕35号)
)

_ICD_RANGES = {
    "hypertension": [("I10", "I15")],
    "diabetes": [("E10", "E14")],
    "severe_mental": [
        ("F20", "F20"),
        ("F22", "F22"),
        ("F25", "F25"),
        ("F31", "F31"),
        ("F06", "F06"),
        ("F70", "F79"),
    ],
    "tuberculosis": [("A15", "A19")],
}


def icd10_groups(code: str) -> set[str]:
    """The disease groups an ICD-10 code falls in (by its 3-character category)."""
    category = code.strip().upper()[:3]
    return {group for group, ranges in _ICD_RANGES.items() if any(lo <= category <= hi for lo, hi in ranges)}


def priority_groups(
    *,
    age_years: int,
    icd10: Iterable[str] = (),
    pregnant: bool = False,
    disabled: bool = False,
    low_income: bool = False,
) -> set[str]:
    """The priority groups a resident belongs to, derived from age, diagnoses and flags."""
    out: set[str] = set()
    if age_years >= 65:
        out.add("elderly")
    if 0 <= age_years <= 6:
        out.add("child")
    for code in icd10:
        out |= icd10_groups(code)
    if pregnant:
        out.add("pregnant")
    if disabled:
        out.add("disabled")
    if low_income:
        out.add("low_income")
    return out


def fulfilment(items: Iterable[tuple[str, int]], delivered: Iterable[str]) -> tuple[int, int]:
    """履约: (services delivered that count, services due) over one contract year. Each package item
    is due ``per_year`` times; deliveries beyond that do not count (no credit for over-servicing one
    item while another is missed)."""
    counts: dict[str, int] = {}
    for name in delivered:
        counts[name] = counts.get(name, 0) + 1
    due = done = 0
    for name, per_year in items:
        due += per_year
        done += min(per_year, counts.get(name, 0))
    return done, due


def birthday(birth: dt.date, years: int) -> dt.date:
    """The day a person born on ``birth`` turns ``years`` (29 February: 28 February in a common year)."""
    try:
        return birth.replace(year=birth.year + years)
    except ValueError:
        return dt.date(birth.year + years, 2, 28)


class CheckState(StrEnum):
    NOT_ELIGIBLE = "not_eligible"  # not 65 within the year
    UPCOMING = "upcoming"  # turns 65 later this year
    DUE = "due"  # 65, no check yet this year
    DONE = "done"


@dataclass(frozen=True)
class ElderlyCheck:
    state: CheckState
    eligible_from: dt.date | None
    done_on: dt.date | None
    duplicates: tuple[dt.date, ...]  # further checks the same year: flagged, not counted again
    before_65: tuple[dt.date, ...]  # checks of the year made before the 65th birthday: not the elderly check


def elderly_check(
    birth: dt.date, checks: Iterable[dt.date], year: int, today: dt.date, *, from_age: int = 65
) -> ElderlyCheck:
    """老年人健康管理: one health check per calendar year for residents aged 65 and over (国家基本公共卫生服务
    规范, 3rd ed.). A resident turning 65 during the year is due from the birthday on; a check before it is
    not the elderly check; a second check in the year is a duplicate."""
    turns = birthday(birth, from_age)
    if turns > dt.date(year, 12, 31):
        return ElderlyCheck(CheckState.NOT_ELIGIBLE, None, None, (), ())
    start = max(turns, dt.date(year, 1, 1))
    mine = sorted(d for d in checks if d.year == year)
    counted = [d for d in mine if d >= start]
    early = tuple(d for d in mine if d < start)
    if counted:
        return ElderlyCheck(CheckState.DONE, start, counted[0], tuple(counted[1:]), early)
    state = CheckState.UPCOMING if start > today else CheckState.DUE
    return ElderlyCheck(state, start, None, (), early)


@dataclass(frozen=True)
class ScheduledVisit:
    """A visit of a schedule: its code, and its window as an age (days after birth, or months: the day of
    the month-birthday)."""

    code: str
    from_months: int
    from_days: int
    window_days: int


class VisitState(StrEnum):
    NOT_YET = "not_yet"  # its window has not begun
    DUE = "due"  # within its window
    OVERDUE = "overdue"  # the window has passed without the visit
    DONE = "done"  # done within its window
    DONE_LATE = "done_late"  # done after its window


@dataclass(frozen=True)
class ScheduleItem:
    code: str
    due_from: dt.date
    due_by: dt.date
    done_on: dt.date | None
    state: VisitState


def months_after(day: dt.date, months: int) -> dt.date:
    """The same day ``months`` later (the month's last day when it has no such day)."""
    y, m = divmod(day.month - 1 + months, 12)
    year, month = day.year + y, m + 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def schedule(
    birth: dt.date, visits: Iterable[ScheduledVisit], done: dict[str, dt.date], today: dt.date
) -> list[ScheduleItem]:
    """Each visit of a schedule for a person born on ``birth``: its window (from the age it is due to
    ``window_days`` after; the last day included) and where it stands on ``today`` given the days the
    visits were ``done`` (by code)."""
    out = []
    for v in visits:
        if v.window_days < 0 or v.from_days < 0 or v.from_months < 0:
            raise AnalysisError("schedule_window", "a visit window is negative", visit=v.code)
        start = months_after(birth, v.from_months) + dt.timedelta(days=v.from_days)
        end = start + dt.timedelta(days=v.window_days)
        day = done.get(v.code)
        if day is not None:
            state = VisitState.DONE if day <= end else VisitState.DONE_LATE
        elif today > end:
            state = VisitState.OVERDUE
        elif today >= start:
            state = VisitState.DUE
        else:
            state = VisitState.NOT_YET
        out.append(ScheduleItem(v.code, start, end, day, state))
    return out

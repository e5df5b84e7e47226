"""Calendar arithmetic the rules share (anniversaries, full years, contract terms)."""

from __future__ import annotations

from datetime import date, timedelta


def add_years(day: date, years: int) -> date:
    """The same calendar day ``years`` later; 29 February becomes 28 February in a common year."""
    try:
        return day.replace(year=day.year + years)
    except ValueError:
        return day.replace(year=day.year + years, day=28)


def full_years(start: date, today: date) -> int:
    """Whole years from ``start`` to ``today`` (0 before the first anniversary); an age in years."""
    if today < start:
        return 0
    n = today.year - start.year
    return n if add_years(start, n) <= today else n - 1


def term_end(start: date, years: int = 1) -> date:
    """The last day of a term of ``years`` starting on ``start``: 2024-03-01 + 1 year → 2025-02-28."""
    return add_years(start, years) - timedelta(days=1)


def periods_passed(start: date, today: date) -> int:
    """Whole years that have *passed* since ``start`` on ``today`` by the Civil Code's reckoning
    (民法典 arts. 201–202): the start day is not counted, a year ends at 24:00 on its anniversary (on
    28 February for a start on 29 February in a common year), so the n-th year has passed from the day
    after the n-th anniversary — "超过约定的动工开发日期满一年" is true from that day on."""
    if today <= start:
        return 0
    n = today.year - start.year
    while n > 0 and add_years(start, n) >= today:
        n -= 1
    return n


def day_after_years(start: date, years: int) -> date:
    """The first day on which ``years`` whole years have passed since ``start`` (see :func:`periods_passed`)."""
    return add_years(start, years) + timedelta(days=1)


def add_months(day: date, months: int) -> date:
    """The same day ``months`` later; a day the month lacks becomes its last day (31 Jan + 1 → 28/29 Feb)."""
    import calendar

    total = day.month - 1 + months
    year, month = day.year + total // 12, total % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def is_working_day(day: date, holidays: frozenset[date], workdays: frozenset[date]) -> bool:
    """Monday to Friday unless a public holiday; a weekend day the State Council moves work to (调休)
    is a working day."""
    if day in workdays:
        return True
    return day.weekday() < 5 and day not in holidays


def working_days_end(start: date, n: int, holidays: frozenset[date], workdays: frozenset[date]) -> date:
    """The last day of a period of ``n`` working days that begins the day after ``start`` (the day of
    publication is not counted: Civil Code art. 201); the period ends at 24:00 of that day (art. 203)."""
    if n < 1:
        raise ValueError("a period of working days needs at least one day")
    day, counted = start, 0
    while counted < n:
        day = day.fromordinal(day.toordinal() + 1)
        if is_working_day(day, holidays, workdays):
            counted += 1
    return day

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

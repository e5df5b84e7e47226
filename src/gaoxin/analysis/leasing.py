"""Standard plants (标准化厂房) and their leases: when a lease runs, occupancy on a day, the rent a
lease brings in a year, leases about to expire, and progress of floor area against a target.

Conventions: a lease runs from its first day to its last day, both included; a lease ended early
runs to the day it was ended (included). Areas in m², rents in yuan per m² per month; a month's rent
is prorated by the days of that month the lease runs (the common practice of Chinese lease contracts
when a term starts or ends within a month). Pure: no Django, no database.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

from gaoxin.analysis.errors import AnalysisError

ZERO = Decimal(0)


@dataclass(frozen=True)
class Span:
    """One lease of one unit: ``first`` to ``last`` day, both included."""

    unit: int
    first: date
    last: date


def last_day(ends_on: date, ended_on: date | None) -> date:
    """The last day a lease runs: its agreed last day, or the day it was ended if earlier."""
    return ends_on if ended_on is None or ended_on > ends_on else ended_on


def check_term(starts_on: date, ends_on: date) -> None:
    """A lease's agreed term must run at least one day and forwards."""
    if ends_on < starts_on:
        raise AnalysisError(
            "lease_backwards",
            "The lease ends on %s, before it starts on %s." % (ends_on, starts_on),
            starts_on=starts_on.isoformat(),
            ends_on=ends_on.isoformat(),
        )


def overlaps(a: Span, b: Span) -> bool:
    """Whether two leases of the same unit share at least one day."""
    return a.unit == b.unit and a.first <= b.last and b.first <= a.last


def clash(new: Span, others: Iterable[Span]) -> Span | None:
    """The first lease of the same unit that shares a day with ``new`` (a unit is let once at a time)."""
    for other in others:
        if overlaps(new, other):
            return other
    return None


def runs_on(span: Span, day: date) -> bool:
    return span.first <= day <= span.last


@dataclass(frozen=True)
class Occupancy:
    leased_m2: Decimal
    total_m2: Decimal

    @property
    def rate(self) -> Decimal | None:
        """Leased share of the lettable area (0–1), ``None`` without lettable area."""
        if self.total_m2 <= 0:
            return None
        return self.leased_m2 / self.total_m2


def occupancy(unit_area_m2: dict[int, Decimal], spans: Iterable[Span], day: date) -> Occupancy:
    """Leased and lettable floor area on ``day``: a unit counts once however many leases it has that
    day (the service refuses overlaps; the count does not trust it). Spans of units outside
    ``unit_area_m2`` are ignored."""
    for unit, area in unit_area_m2.items():
        if area < 0:
            raise AnalysisError("negative_area", "Unit %s has a negative area." % unit)
    leased = {s.unit for s in spans if s.unit in unit_area_m2 and runs_on(s, day)}
    return Occupancy(
        leased_m2=sum((unit_area_m2[u] for u in leased), ZERO),
        total_m2=sum(unit_area_m2.values(), ZERO),
    )


def _month_starts(first: date, last: date) -> Iterable[date]:
    month = first.replace(day=1)
    while month <= last:
        yield month
        month = (month + timedelta(days=32)).replace(day=1)


def rent_between(
    span: Span, area_m2: Decimal, rent_per_m2_month: Decimal, first: date, last: date
) -> Decimal:
    """The rent a lease brings in from ``first`` to ``last`` (both included): for each month, the monthly
    rent (area × rent per m²) times the share of that month's days the lease runs in the window."""
    if area_m2 < 0 or rent_per_m2_month < 0:
        raise AnalysisError("negative_rent", "Area and rent must not be negative.")
    lo, hi = max(span.first, first), min(span.last, last)
    if hi < lo:
        return ZERO
    monthly = area_m2 * rent_per_m2_month
    total = ZERO
    for month in _month_starts(lo, hi):
        days_in_month = calendar.monthrange(month.year, month.month)[1]
        month_last = month.replace(day=days_in_month)
        days = (min(hi, month_last) - max(lo, month)).days + 1
        total += monthly * days / days_in_month
    return total.quantize(Decimal("0.01"))


def rent_in_year(span: Span, area_m2: Decimal, rent_per_m2_month: Decimal, year: int) -> Decimal:
    """The rent a lease brings in the calendar year ``year``."""
    return rent_between(span, area_m2, rent_per_m2_month, date(year, 1, 1), date(year, 12, 31))


def expiring(spans: Iterable[Span], day: date, within_days: int) -> list[Span]:
    """Leases running on ``day`` whose last day falls within the next ``within_days`` days (``day``
    included), soonest first: the park staff's renewal list."""
    if within_days < 0:
        raise AnalysisError("negative_days", "The window must not be negative.")
    horizon = day + timedelta(days=within_days)
    return sorted((s for s in spans if runs_on(s, day) and s.last <= horizon), key=lambda s: (s.last, s.unit))


@dataclass(frozen=True)
class AreaProgress:
    """Floor area of plants by stage against a target (m²)."""

    planned_m2: Decimal
    building_m2: Decimal
    completed_m2: Decimal
    target_m2: Decimal

    @property
    def total_m2(self) -> Decimal:
        return self.planned_m2 + self.building_m2 + self.completed_m2

    @property
    def completed_share(self) -> Decimal | None:
        return None if self.target_m2 <= 0 else self.completed_m2 / self.target_m2

    @property
    def planned_share(self) -> Decimal | None:
        """All the area in the plan (planned, building and completed) against the target."""
        return None if self.target_m2 <= 0 else self.total_m2 / self.target_m2


def area_progress(areas: Sequence[tuple[str, Decimal]], target_m2: Decimal) -> AreaProgress:
    """Sum plants' floor areas by stage (``planned``, ``building``, ``completed``) against the target."""
    if target_m2 < 0:
        raise AnalysisError("negative_target", "The target must not be negative.")
    sums = {"planned": ZERO, "building": ZERO, "completed": ZERO}
    for stage, area in areas:
        if stage not in sums:
            raise AnalysisError("unknown_stage", "Unknown plant stage %r." % stage, stage=stage)
        if area < 0:
            raise AnalysisError("negative_area", "A plant has a negative area.")
        sums[stage] += area
    return AreaProgress(sums["planned"], sums["building"], sums["completed"], target_m2)

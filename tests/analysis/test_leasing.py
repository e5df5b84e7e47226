"""Plants and leases in the core: terms, overlaps, occupancy, prorated rent, expiry, area progress."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gaoxin.analysis import leasing
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.leasing import Span

D = Decimal


def test_last_day_is_the_earlier_of_the_term_and_the_early_end():
    assert leasing.last_day(date(2026, 12, 31), None) == date(2026, 12, 31)
    assert leasing.last_day(date(2026, 12, 31), date(2026, 6, 30)) == date(2026, 6, 30)
    assert leasing.last_day(date(2026, 12, 31), date(2027, 3, 1)) == date(2026, 12, 31)


def test_a_one_day_term_is_allowed_a_backward_one_is_not():
    leasing.check_term(date(2026, 1, 1), date(2026, 1, 1))
    with pytest.raises(AnalysisError) as e:
        leasing.check_term(date(2026, 1, 2), date(2026, 1, 1))
    assert e.value.code == "lease_backwards"


def test_overlap_shares_a_day_both_ends_included():
    a = Span(1, date(2026, 1, 1), date(2026, 6, 30))
    assert leasing.overlaps(a, Span(1, date(2026, 6, 30), date(2026, 12, 31)))  # the last day is shared
    assert not leasing.overlaps(a, Span(1, date(2026, 7, 1), date(2026, 12, 31)))  # the next day is free
    assert not leasing.overlaps(a, Span(2, date(2026, 1, 1), date(2026, 6, 30)))  # another unit
    assert leasing.overlaps(a, Span(1, date(2025, 1, 1), date(2027, 1, 1)))  # around it
    assert leasing.clash(Span(1, date(2026, 3, 1), date(2026, 3, 2)), [a]) == a
    assert leasing.clash(Span(1, date(2027, 3, 1), date(2027, 3, 2)), [a]) is None


def test_occupancy_counts_a_unit_once_on_its_first_and_last_day():
    areas = {1: D(100), 2: D(300)}
    spans = [Span(1, date(2026, 1, 1), date(2026, 6, 30)), Span(1, date(2026, 3, 1), date(2026, 4, 1))]
    on_first = leasing.occupancy(areas, spans, date(2026, 1, 1))
    assert (on_first.leased_m2, on_first.total_m2, on_first.rate) == (D(100), D(400), D("0.25"))
    assert leasing.occupancy(areas, spans, date(2026, 3, 15)).leased_m2 == D(100)  # not 200
    assert leasing.occupancy(areas, spans, date(2026, 6, 30)).leased_m2 == D(100)
    assert leasing.occupancy(areas, spans, date(2026, 7, 1)).leased_m2 == D(0)
    assert leasing.occupancy({}, spans, date(2026, 3, 1)).rate is None
    # a span of a unit outside the areas is ignored
    assert leasing.occupancy({2: D(300)}, spans, date(2026, 3, 1)).leased_m2 == D(0)


def test_rent_is_prorated_by_the_days_of_each_month():
    # 100 m² at 10 yuan/m²/month = 1,000 a month
    whole_year = Span(1, date(2026, 1, 1), date(2026, 12, 31))
    assert leasing.rent_in_year(whole_year, D(100), D(10), 2026) == D("12000.00")
    assert leasing.rent_in_year(whole_year, D(100), D(10), 2025) == D("0")
    # 16 to 28 February 2026: 13 of 28 days
    feb = Span(1, date(2026, 2, 16), date(2026, 2, 28))
    assert leasing.rent_in_year(feb, D(100), D(10), 2026) == (D(1000) * 13 / 28).quantize(D("0.01"))
    # across the new year: only the year's days count
    across = Span(1, date(2025, 12, 1), date(2026, 1, 31))
    assert leasing.rent_in_year(across, D(100), D(10), 2026) == D("1000.00")
    assert leasing.rent_in_year(across, D(100), D(10), 2025) == D("1000.00")
    # 29 February of a leap year is a day of a 29-day month
    leap = Span(1, date(2028, 2, 29), date(2028, 2, 29))
    assert leasing.rent_in_year(leap, D(100), D(10), 2028) == (D(1000) / 29).quantize(D("0.01"))
    with pytest.raises(AnalysisError):
        leasing.rent_in_year(whole_year, D(-1), D(10), 2026)


def test_expiring_lists_running_leases_ending_within_the_window_soonest_first():
    day = date(2026, 12, 2)
    spans = [
        Span(1, date(2025, 1, 1), date(2027, 3, 2)),  # the 90th day after: inside
        Span(2, date(2025, 1, 1), date(2027, 3, 3)),  # the 91st: outside
        Span(3, date(2025, 1, 1), date(2026, 12, 2)),  # ends today: inside
        Span(4, date(2025, 1, 1), date(2026, 12, 1)),  # ended yesterday: not running
        Span(5, date(2027, 1, 1), date(2027, 1, 31)),  # not started yet
    ]
    assert [s.unit for s in leasing.expiring(spans, day, 90)] == [3, 1]
    assert leasing.expiring(spans, day, 0) == [spans[2]]
    with pytest.raises(AnalysisError):
        leasing.expiring(spans, day, -1)


def test_area_progress_by_stage_against_the_target():
    p = leasing.area_progress(
        [("completed", D(150000)), ("building", D(50000)), ("planned", D(40000)), ("completed", D(30000))],
        D(300000),
    )
    assert (p.completed_m2, p.building_m2, p.planned_m2, p.total_m2) == (
        D(180000),
        D(50000),
        D(40000),
        D(270000),
    )
    assert p.completed_share == D("0.6")
    assert p.planned_share == D("0.9")
    assert leasing.area_progress([], D(0)).completed_share is None
    with pytest.raises(AnalysisError):
        leasing.area_progress([("demolished", D(1))], D(1))

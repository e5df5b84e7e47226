"""Service requests in the core: suggestions, the Bayesian rating, due days, lateness, figures."""

from __future__ import annotations

from datetime import date

import pytest

from gaoxin.analysis import matching as mt
from gaoxin.analysis.errors import AnalysisError


def P(i, name, fields, industries=(), sizes=(), ratings=(), open_requests=0):  # type: ignore[no-untyped-def]
    return mt.Provider(
        i, name, frozenset(fields), tuple(industries), frozenset(sizes), tuple(ratings), open_requests
    )


def test_bayesian_rating_shrinks_few_ratings_toward_the_prior():
    assert mt.bayesian_rating([]) == 3.5
    assert mt.bayesian_rating([5]) == pytest.approx((3 * 3.5 + 5) / 4)
    many = [5] * 10 + [4] * 10  # mean 4.5 over 20
    assert mt.bayesian_rating(many) > mt.bayesian_rating([5])
    assert mt.bayesian_rating([5], prior_weight=0) == 5
    with pytest.raises(AnalysisError):
        mt.bayesian_rating([6])
    with pytest.raises(AnalysisError):
        mt.bayesian_rating([0])


def test_suggestions_need_the_field_then_prefer_industry_size_rating_load_name():
    providers = [
        P(1, "甲银行", {"finance"}, ratings=[5, 5, 5, 5, 5, 5]),
        P(2, "乙银行", {"finance"}, industries=["34"], ratings=[3]),
        P(3, "丙银行", {"finance"}, industries=["35"]),  # another industry
        P(4, "丁律所", {"consulting"}, ratings=[5] * 9),  # another field
        P(5, "戊银行", {"finance"}, industries=["34"], sizes=["above"], ratings=[3]),
        P(6, "己银行", {"finance"}, industries=["34"], sizes=["above"], ratings=[3], open_requests=2),
    ]
    got = mt.suggest(providers, field_code="finance", industry="3411", size="below", limit=10)
    # 1 and 2 serve the industry (1 names none: every industry) and the size, 1 rated better; 5 and 6
    # serve the industry but only firms above designated size, 5 has fewer requests in hand; 3 serves
    # another industry; 4 offers another field
    assert [s.provider.id for s in got] == [1, 2, 5, 6, 3]
    assert got[1].industry_match and got[1].size_match and "industry" in got[1].reasons
    assert "rating" in got[0].reasons and "industry" not in got[0].reasons
    assert not got[2].size_match and not got[4].industry_match
    # a firm above designated size: 5 and 6 serve its size now and 5 ranks beside 2 by name
    above = mt.suggest(providers, field_code="finance", industry="3411", size="above", limit=3)
    assert [s.provider.id for s in above] == [1, 2, 5]
    assert (
        mt.suggest(providers, field_code="finance", industry="6513", size="below", limit=1)[0].provider.id
        == 1
    )
    with pytest.raises(AnalysisError):
        mt.suggest(providers, field_code="finance", industry="34", size="above", limit=0)


def test_due_day_does_not_count_the_handover_day():
    assert mt.due_on(date(2026, 3, 1), 10) == date(2026, 3, 11)
    assert mt.due_on(date(2026, 2, 27), 2) == date(2026, 3, 1)
    with pytest.raises(AnalysisError):
        mt.due_on(date(2026, 3, 1), 0)


def test_late_at_the_boundary():
    due = date(2026, 3, 11)
    assert not mt.is_late(due, date(2026, 3, 11), date(2026, 4, 1))  # closed on the last day
    assert mt.is_late(due, date(2026, 3, 12), date(2026, 4, 1))
    assert not mt.is_late(due, None, date(2026, 3, 11))  # open, today is the last day
    assert mt.is_late(due, None, date(2026, 3, 12))
    assert not mt.is_late(None, None, date(2030, 1, 1))


def test_figures_per_group():
    rows = [
        mt.RequestRow("finance", True, False, 5, 5),
        mt.RequestRow("finance", True, True, 25, 3),
        mt.RequestRow("finance", False, True, None, None),
        mt.RequestRow("talent", False, False, None, None),
    ]
    fin, tal = mt.figures(rows)
    assert (fin.group, fin.requests, fin.closed, fin.on_time, fin.late) == ("finance", 3, 2, 1, 2)
    assert fin.mean_days == 15 and fin.mean_rating == 4 and fin.rated == 2 and fin.on_time_rate == 0.5
    assert tal.closed == 0 and tal.on_time_rate is None and tal.mean_days is None

"""The incubation programme in the core: scores with conflicts, selection and its ties, tranches, funnel."""

from __future__ import annotations

from decimal import Decimal

import pytest

from gaoxin.analysis import incubation as inc
from gaoxin.analysis.errors import AnalysisError

FULL = {"team": 25, "technology": 30, "market": 25, "business_model": 20}


def test_scores_are_checked_per_criterion():
    inc.check_scores(FULL)
    inc.check_scores(dict.fromkeys(FULL, 0))
    with pytest.raises(AnalysisError) as e:
        inc.check_scores(FULL | {"technology": 30.5})
    assert e.value.code == "score_range" and e.value.params["maximum"] == 30
    with pytest.raises(AnalysisError):
        inc.check_scores(FULL | {"team": -1})
    with pytest.raises(AnalysisError) as e:
        inc.check_scores({"team": 20})
    assert e.value.code == "score_criteria"


def test_a_conflicted_expert_is_left_out_and_one_score_decides_nothing():
    reviews = [
        inc.Review(1, {"team": 20, "technology": 20, "market": 20, "business_model": 20}),  # 80
        inc.Review(2, None, conflict=True),
        inc.Review(3, {"team": 10, "technology": 20, "market": 20, "business_model": 10}),  # 60
        inc.Review(4, None),
    ]
    s = inc.score(reviews, min_reviews=2)
    assert (s.value, s.counted, s.conflicts, s.pending) == (70.0, 2, 1, 1)
    assert inc.score(reviews[:2], min_reviews=2).value is None  # one valid score only
    assert inc.score(reviews[:2], min_reviews=1).value == 80.0
    # a conflicted expert's score, if any, never counts
    assert inc.score([inc.Review(1, FULL, conflict=True), inc.Review(2, FULL)], min_reviews=1).value == 100.0


def test_selection_by_score_minimum_places_and_ties():
    c = [
        inc.Candidate(1, "FH-0001", "2026-03-02T09:00", 80.0),
        inc.Candidate(2, "FH-0002", "2026-03-01T09:00", 80.0),  # same score, submitted earlier
        inc.Candidate(3, "FH-0003", "2026-03-01T09:00", 60.0),  # exactly the minimum
        inc.Candidate(4, "FH-0004", "2026-03-01T09:00", 59.99),
        inc.Candidate(5, "FH-0005", "2026-03-01T09:00", None),  # not scored
        inc.Candidate(6, "FH-0000", "2026-03-01T09:00", 60.0),  # same score and time: lower number
    ]
    assert inc.select(c, places=2, min_score=60) == [2, 1]
    assert inc.select(c, places=10, min_score=60) == [2, 1, 6, 3]
    assert inc.select(c, places=3, min_score=60) == [2, 1, 6]
    assert inc.select(c, places=0, min_score=0) == []
    with pytest.raises(AnalysisError):
        inc.select(c, places=-1, min_score=0)


def test_tranches_add_up_to_the_grant():
    assert inc.tranches(Decimal(200000), [Decimal("0.4"), Decimal("0.3"), Decimal("0.3")]) == [
        Decimal("80000.00"),
        Decimal("60000.00"),
        Decimal("60000.00"),
    ]
    odd = inc.tranches(Decimal("100000.01"), [Decimal(1) / 3, Decimal(1) / 3, 1 - 2 * (Decimal(1) / 3)])
    assert sum(odd) == Decimal("100000.01")
    with pytest.raises(AnalysisError):
        inc.tranches(Decimal(1000), [Decimal("0.5"), Decimal("0.4")])
    with pytest.raises(AnalysisError):
        inc.tranches(Decimal(1000), [Decimal("1.5"), Decimal("-0.5")])


def test_the_funnel_counts_each_stage_only_after_the_ones_before():
    stages = [
        inc.Stage(screened=False, incubated=False, rounds=[]),
        inc.Stage(screened=True, incubated=False, rounds=[]),
        inc.Stage(screened=True, incubated=True, rounds=[]),
        inc.Stage(
            screened=True, incubated=True, rounds=[Decimal(3_000_000), Decimal(10_000_000)], graduated=True
        ),
        inc.Stage(
            screened=True, incubated=False, rounds=[Decimal(5)]
        ),  # not incubated: its round is not ours
    ]
    f = inc.funnel(stages)
    assert (f.applications, f.screened, f.incubated, f.financed, f.graduated) == (5, 4, 2, 1, 1)
    assert f.raised_yuan == Decimal(13_000_000)
    assert f.screened_rate == 0.8 and f.incubated_rate == 0.5 and f.financed_rate == 0.5
    # 柳枝行动's figures: 4,279 screened, 466 incubated, 56 financed
    lz = inc.Funnel(4279, 4279, 466, 56, Decimal(360_000_000), 0)
    assert round(lz.incubated_rate or 0, 4) == 0.1089 and round(lz.financed_rate or 0, 4) == 0.1202
    assert inc.funnel([]).screened_rate is None

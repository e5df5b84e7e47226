"""The education core against hand-worked cases and at its boundaries."""

from __future__ import annotations

import itertools
from datetime import date

import numpy as np
import pytest

from gaoxin.analysis import education as edu
from gaoxin.analysis.errors import AnalysisError

RULE = edu.KindergartenRule(
    persons_per_household=2.6,
    occupancy=1.0,
    places_per_1000=35,
    class_size=30,
    min_classes_own=3,
    max_classes=12,
)


def test_required_kindergarten_from_dwellings():
    # 1,000 dwellings × 2.6 = 2,600 residents × 35 ‰ = 91 places → 4 classes of 30
    r = edu.required_kindergarten(1000, RULE)
    assert (r.residents, r.places, r.classes, r.own, r.kindergartens) == (2600, 91, 4, True, 1)
    # 600 dwellings: 1,560 residents → 54.6 → 55 places → 2 classes: too small, served jointly
    small = edu.required_kindergarten(600, RULE)
    assert (small.places, small.classes, small.own, small.kindergartens) == (55, 2, False, 0)
    # exactly 3 classes is its own kindergarten; 13 classes need two kindergartens
    assert edu.required_kindergarten(989, RULE).classes == 3 and edu.required_kindergarten(989, RULE).own
    big = edu.required_kindergarten(4300, RULE)
    assert big.classes == 14 and big.kindergartens == 2
    assert edu.required_kindergarten(0, RULE).places == 0


@pytest.mark.parametrize("bad", [-1, 2.5, float("nan"), "x", None])
def test_dwellings_must_be_a_count(bad):
    with pytest.raises(AnalysisError):
        edu.required_kindergarten(bad, RULE)


def test_rule_refuses_implausible_coefficients():
    with pytest.raises(AnalysisError):
        edu.KindergartenRule(2.6, 1.2, 35, 30, 3, 12)
    with pytest.raises(AnalysisError):
        edu.KindergartenRule(2.6, 0.9, 35, 30, 13, 12)
    with pytest.raises(AnalysisError):
        edu.KindergartenRule(float("inf"), 0.9, 35, 30, 3, 12)


HOUSING = edu.Dates(permit=date(2024, 3, 1), start=date(2024, 6, 1), delivered=date(2026, 6, 30))


def _check(kg: edu.Dates | None, today=date(2026, 12, 1), **kw):
    kw.setdefault("places_required", 90)
    kw.setdefault("places_provided", 90)
    return edu.sync_check(HOUSING, kg, today=today, **kw)


def test_delivered_the_same_day_is_on_time_and_a_day_later_is_late():
    same = _check(edu.Dates(date(2024, 3, 1), date(2024, 6, 1), date(2026, 6, 1), date(2026, 6, 30)))
    assert [c.state for c in same.stages] == [edu.StageState.ON_TIME] * 3 and not same.breaks
    later = _check(edu.Dates(date(2024, 3, 1), date(2024, 6, 1), date(2026, 6, 1), date(2026, 7, 1)))
    assert later.stages[2].state == edu.StageState.LATE and later.stages[2].days_late == 1 and later.breaks
    assert later.worst_days == 1


def test_a_kindergarten_not_yet_delivered_is_missing_and_its_delay_grows():
    kg = edu.Dates(date(2024, 3, 1), date(2024, 9, 1))
    r = _check(kg)
    assert r.stages[1] == edu.StageCheck(edu.Stage.BUILT, edu.StageState.LATE, 92)
    assert r.stages[2] == edu.StageCheck(edu.Stage.DELIVERED, edu.StageState.MISSING, 154)
    # before the housing is delivered, the delivery is still pending
    assert _check(kg, today=date(2026, 6, 29)).stages[2].state == edu.StageState.PENDING


def test_no_kindergarten_and_places_short():
    none = _check(None)
    assert none.missing and none.breaks and all(c.state == edu.StageState.MISSING for c in none.stages)
    smaller = _check(HOUSING_KG := edu.Dates(*[date(2024, 1, 1)] * 4), places_provided=60)
    assert smaller.places_short == 30 and smaller.breaks and HOUSING_KG.permit
    exact = _check(edu.Dates(*[date(2024, 1, 1)] * 4), places_provided=90)
    assert exact.places_short == 0 and not exact.breaks
    # a development owing no places never breaks the rule
    assert not _check(None, places_required=0).missing


def test_acceptance_is_held_until_the_kindergarten_is_accepted():
    housing = edu.Dates(permit=date(2024, 3, 1), start=date(2024, 6, 1))
    kg = edu.Dates(permit=date(2024, 3, 1), start=date(2024, 6, 1))
    far = edu.sync_check(
        housing,
        kg,
        places_required=90,
        places_provided=90,
        today=date(2026, 1, 1),
        acceptance_planned=date(2026, 4, 2),
        warn_days=90,
    )
    near = edu.sync_check(
        housing,
        kg,
        places_required=90,
        places_provided=90,
        today=date(2026, 1, 1),
        acceptance_planned=date(2026, 4, 1),
        warn_days=90,
    )
    assert not far.hold_acceptance and near.hold_acceptance
    ready = edu.sync_check(
        housing,
        edu.Dates(kg.permit, kg.start, accepted=date(2025, 12, 31)),
        places_required=90,
        places_provided=90,
        today=date(2026, 1, 1),
        acceptance_planned=date(2026, 4, 1),
    )
    assert not ready.hold_acceptance
    accepted = edu.sync_check(
        edu.Dates(housing.permit, housing.start, accepted=date(2025, 12, 1)),
        kg,
        places_required=90,
        places_provided=90,
        today=date(2026, 1, 1),
    )
    assert accepted.accepted_without and accepted.breaks and not accepted.hold_acceptance


@pytest.mark.parametrize(
    ("birth", "enters"),
    [
        (date(2020, 8, 31), 2026),  # turns 6 on the cut-off day: enters that year
        (date(2020, 9, 1), 2027),  # a day later: the next year
        (date(2020, 2, 29), 2026),
        (date(2019, 12, 31), 2026),  # 5 on 31 August 2025
    ],
)
def test_entry_year_at_the_cut_off(birth, enters):
    assert edu.entry_year(birth) == enters


def test_school_age_and_a_configurable_cut_off():
    assert edu.school_age(date(2020, 8, 31), 2026) == 6
    assert edu.school_age(date(2020, 9, 1), 2026) == 5
    # with a 31 December cut-off both enter in 2026
    assert edu.entry_year(date(2020, 9, 1), cutoff=(12, 31)) == 2026
    # 29 February: the birthday counts on 28 February in a common year
    assert edu.school_age(date(2020, 2, 29), 2026, cutoff=(2, 28)) == 6
    assert edu.school_age(date(2020, 2, 29), 2026, cutoff=(2, 27)) == 5
    with pytest.raises(AnalysisError):
        edu.school_age(date(2020, 1, 1), 2026, cutoff=(2, 30))
    ages = edu.ages_from_births([date(2020, 8, 31), date(2020, 9, 1), date(2030, 1, 1)], 2026)
    assert ages[6] == 1 and ages[5] == 1 and ages.sum() == 2


def test_single_years_spread_each_band_evenly():
    s = edu.single_years({(3, 5): 90, (6, 11): 60, (0, 2): 30})
    assert list(s[:7]) == [10, 10, 10, 30, 30, 30, 10] and s.sum() == pytest.approx(180)
    with pytest.raises(AnalysisError):
        edu.single_years({(12, 17): 5})


def test_forecast_moves_each_cohort_up_a_year_and_adds_housing():
    ages = np.zeros((2, 15))
    ages[0, 5] = 100
    ages[1, 14] = 50  # leaves the forecast next year
    add_c = np.zeros((3, 2, 15))
    add_c[1, 1, 6] = 20  # housing delivered in forecast year 2 brings twenty 6-year-olds to area 1
    add_r = np.zeros((3, 2))
    add_r[1, 1] = 1000
    out = edu.forecast(
        ages,
        np.array([1000.0, 2000.0]),
        edu.ForecastRule(births_per_1000=8, migration=1.0),
        years=3,
        added_children=add_c,
        added_residents=add_r,
    )
    assert out.shape == (4, 2, 15)
    assert out[1, 0, 6] == 100 and out[3, 0, 8] == 100
    assert out[1, 1].sum() == pytest.approx(16)  # only the newborns: 2,000 × 8 ‰
    assert out[2, 1, 6] == 20 and out[3, 1, 7] == 20
    assert out[2, 1, 0] == pytest.approx(24)  # 3,000 residents after the housing
    primary = edu.level_demand(out, "primary")
    assert primary[1, 0] == 100 and primary[2, 1] == 20
    shrinking = edu.forecast(ages, np.array([0.0, 0.0]), edu.ForecastRule(0, migration=0.9), years=2)
    assert shrinking[2, 0, 7] == pytest.approx(81)


def test_forecast_refuses_bad_shapes_and_values():
    with pytest.raises(AnalysisError):
        edu.forecast(np.zeros((2, 14)), np.zeros(2), edu.ForecastRule(8))
    with pytest.raises(AnalysisError):
        edu.forecast(np.full((1, 15), np.nan), np.zeros(1), edu.ForecastRule(8))
    with pytest.raises(AnalysisError):
        edu.ForecastRule(8, migration=3)
    with pytest.raises(AnalysisError):
        edu.level_demand(np.zeros(15), "senior")


@pytest.mark.parametrize(
    ("pupils", "classes", "state"),
    [
        (450, 10, edu.ClassState.WITHIN),  # 45 a class: within 45
        (460, 10, edu.ClassState.OVER),  # 46 a class
        (451, 10, edu.ClassState.OVER),
        (550, 10, edu.ClassState.OVER),
        (560, 10, edu.ClassState.LARGE),  # 大班额 from 56
        (659, 10, edu.ClassState.LARGE),
        (660, 10, edu.ClassState.VERY_LARGE),  # 超大班额 from 66
        (0, 0, edu.ClassState.WITHIN),
    ],
)
def test_class_sizes_at_the_limits(pupils, classes, state):
    c = edu.class_check(pupils, classes, 45)
    assert c.state == state
    assert c.classes_needed == -(-pupils // 45)


def _brute(d, w, cap, objective):
    n, m = d.shape
    best = None
    for combo in itertools.product(range(-1, m), repeat=n):
        load = np.zeros(m)
        ok = True
        for i, j in enumerate(combo):
            if j >= 0:
                if not np.isfinite(d[i, j]):
                    ok = False
                    break
                load[j] += w[i]
        if not ok or (load > cap + 1e-9).any():
            continue
        unplaced = sum(w[i] for i, j in enumerate(combo) if j < 0 and w[i] > 0 and np.isfinite(d[i]).any())
        walks = [d[i, j] for i, j in enumerate(combo) if j >= 0 and w[i] > 0]
        total = sum(w[i] * d[i, j] for i, j in enumerate(combo) if j >= 0)
        longest = max(walks, default=0)
        key = (unplaced, longest, total) if objective == "longest" else (unplaced, total)
        if best is None or key < best:
            best = key
    return best


@pytest.mark.parametrize("seed", range(25))
@pytest.mark.parametrize("objective", ["total", "longest"])
def test_catchments_are_optimal_against_enumeration(seed, objective):
    rng = np.random.default_rng(seed)
    n, m = rng.integers(2, 6), rng.integers(1, 4)
    d = rng.integers(100, 1500, size=(n, m)).astype(float)
    d[rng.random((n, m)) < 0.2] = np.inf
    w = rng.integers(0, 60, size=n).astype(float)
    cap = rng.integers(20, 120, size=m).astype(float)
    r = edu.assign_catchments(d, w, cap, radius_m=800, objective=objective)
    assert (r.load <= cap + 1e-9).all()
    unplaced = sum(w[i] for i in r.unplaced)
    key = (unplaced, r.longest_m, r.total_m) if objective == "longest" else (unplaced, r.total_m)
    assert key == pytest.approx(_brute(d, w, cap, objective))
    for i in range(n):  # an area is whole: one school, or none with a reason
        if r.school[i] < 0:
            assert i in r.unreachable or i in r.unplaced or w[i] == 0
        else:
            assert np.isfinite(d[i, r.school[i]])
    assert set(r.beyond) == {i for i in range(n) if r.school[i] >= 0 and d[i, r.school[i]] > 800}


def test_catchments_short_of_places_and_unreachable_areas():
    d = np.array([[100.0, np.inf], [200.0, np.inf], [np.inf, np.inf]])
    r = edu.assign_catchments(d, [30, 50, 10], [60, 100], radius_m=500)
    assert list(r.school) == [-1, 0, -1]  # the larger area is placed; the smaller waits
    assert list(r.unplaced) == [0] and list(r.unreachable) == [2]
    assert r.total_m == 50 * 200 and list(r.load) == [50, 0]
    empty = edu.assign_catchments(np.zeros((0, 2)), [], [10, 10], radius_m=500)
    assert empty.school.size == 0 and empty.total_m == 0


def test_catchment_input_errors():
    with pytest.raises(AnalysisError):
        edu.assign_catchments([[np.nan]], [1], [1], radius_m=500)
    with pytest.raises(AnalysisError):
        edu.assign_catchments([[1.0]], [1], [1], radius_m=float("nan"))
    with pytest.raises(AnalysisError):
        edu.assign_catchments([[1.0]], [1, 2], [1], radius_m=500)
    with pytest.raises(AnalysisError):
        edu.assign_catchments([[1.0]], [1], [1], radius_m=500, objective="fastest")


def test_contiguity_counts_the_pieces_of_each_catchment():
    school = [0, 0, 1, 0, -1]
    edges = [(0, 1), (1, 2), (2, 3)]
    assert edu.contiguity(school, edges) == {0: 2, 1: 1}


def test_neighbours_are_the_delaunay_edges_without_long_ones():
    # a 2 × 2 square of centres 100 m apart and one far away
    x, y = [0, 100, 0, 100, 5000], [0, 0, 100, 100, 0]
    edges = edu.neighbours(x, y, max_edge_m=1500)
    assert {(0, 1), (0, 2), (1, 3), (2, 3)} <= set(edges)
    assert all(4 not in e for e in edges)
    assert edu.neighbours([0, 50, 100], [0, 0, 0], max_edge_m=60) == [(0, 1), (1, 2)]  # on a line
    assert edu.neighbours([0], [0]) == [] and edu.neighbours([], []) == []
    with pytest.raises(AnalysisError):
        edu.neighbours([0, np.nan], [0, 0])
    # a catchment of the square's left column is one piece; a school with two far corners is two
    assert edu.contiguity([0, 1, 0, 1, -1], edges) == {0: 1, 1: 1}
    assert edu.contiguity([0, 1, 1, 0, -1], [(0, 1), (0, 2), (1, 3), (2, 3)]) == {0: 2, 1: 2}


def test_a_hard_case_stopped_by_the_time_limit_returns_its_best_with_the_gap():
    rng = np.random.default_rng(7)
    a, s = rng.uniform(0, 6000, (300, 2)), rng.uniform(0, 6000, (25, 2))
    d = 1.3 * np.hypot(a[:, None, 0] - s[None, :, 0], a[:, None, 1] - s[None, :, 1])
    w = rng.integers(20, 400, 300).astype(float)
    cap = np.full(25, 1.05 * w.sum() / 25)
    r = edu.assign_catchments(d, w, cap, radius_m=500, time_limit_s=0.5)
    assert (r.load <= cap + 1e-6).all()  # whatever the solver found is a valid catchment
    assert set(np.flatnonzero(r.school < 0)) == set(r.unplaced)  # every area without a school is named
    if r.status == "time_limit":
        assert r.gap is not None and r.gap > 0
    else:
        assert r.status == "optimal" and r.gap is None and r.unplaced.size == 0

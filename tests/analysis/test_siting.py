"""Siting models against brute-force enumeration on small cases."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.siting import InfeasibleError, Pairs, lscp, mclp, p_median


@st.composite
def instance(draw):
    n_demand = draw(st.integers(1, 8))
    n_sites = draw(st.integers(2, 7))
    d = np.array([[draw(st.integers(0, 1000)) for _ in range(n_sites)] for _ in range(n_demand)], dtype=float)
    w = np.array([draw(st.integers(0, 50)) for _ in range(n_demand)], dtype=float)
    fixed = draw(st.lists(st.integers(0, n_sites - 1), max_size=1, unique=True))
    return d, w, np.array(fixed, dtype=np.int64)


def all_pairs(d):
    i, j = np.nonzero(np.ones_like(d))
    return Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=d[i, j])


def covered_weight(d, w, sites, radius):
    if not sites:
        return 0.0
    return float(w[(d[:, list(sites)] <= radius).any(axis=1)].sum())


@settings(max_examples=60, deadline=None)
@given(instance(), st.sampled_from([200.0, 400.0, 700.0]), st.integers(1, 3))
def test_mclp_equals_brute_force(case, radius, p):
    d, w, fixed = case
    free = [j for j in range(d.shape[1]) if j not in set(fixed.tolist())]
    if p > len(free):
        with pytest.raises(AnalysisError):
            mclp(
                all_pairs(d),
                n_demand=d.shape[0],
                n_sites=d.shape[1],
                radius_m=radius,
                p=p,
                fixed=fixed,
                weights=w,
            )
        return
    best = max(covered_weight(d, w, set(c) | set(fixed.tolist()), radius) for c in combinations(free, p))
    r = mclp(
        all_pairs(d), n_demand=d.shape[0], n_sites=d.shape[1], radius_m=radius, p=p, fixed=fixed, weights=w
    )
    assert r.objective == pytest.approx(best)
    assert len(r.chosen) == p and not set(r.chosen.tolist()) & set(fixed.tolist())
    assert r.gain.sum() == pytest.approx(best - covered_weight(d, w, set(fixed.tolist()), radius))


@settings(max_examples=60, deadline=None)
@given(instance(), st.sampled_from([300.0, 600.0, 900.0]))
def test_lscp_equals_brute_force(case, radius):
    d, w, fixed = case
    need = w > 0
    free = [j for j in range(d.shape[1]) if j not in set(fixed.tolist())]
    coverable = (d[need] <= radius).any(axis=1).all()
    if not coverable:
        with pytest.raises(InfeasibleError) as exc:
            lscp(
                all_pairs(d), n_demand=d.shape[0], n_sites=d.shape[1], radius_m=radius, fixed=fixed, weights=w
            )
        assert set(exc.value.points.tolist()) == set(
            np.flatnonzero(need & ~(d <= radius).any(axis=1)).tolist()
        )
        return
    best = next(
        k
        for k in range(len(free) + 1)
        for c in combinations(free, k)
        if (d[need][:, list(set(c) | set(fixed.tolist()))] <= radius).any(axis=1).all() or not need.any()
    )
    r = lscp(all_pairs(d), n_demand=d.shape[0], n_sites=d.shape[1], radius_m=radius, fixed=fixed, weights=w)
    assert r.objective == best and len(r.chosen) == best


@settings(max_examples=60, deadline=None)
@given(instance(), st.integers(1, 3))
def test_p_median_equals_brute_force(case, p):
    d, w, fixed = case
    free = [j for j in range(d.shape[1]) if j not in set(fixed.tolist())]
    if p > len(free):
        return
    best = min(
        float((w * d[:, list(set(c) | set(fixed.tolist()))].min(axis=1)).sum()) for c in combinations(free, p)
    )
    r = p_median(all_pairs(d), n_demand=d.shape[0], n_sites=d.shape[1], p=p, fixed=fixed, weights=w)
    assert r.objective == pytest.approx(best)
    assert (r.assigned >= 0).all()


def test_uncoverable_points_are_listed_not_a_solver_error():
    pairs = Pairs(demand=np.array([0, 1]), site=np.array([0, 0]), distance_m=np.array([100.0, 900.0]))
    with pytest.raises(InfeasibleError) as exc:
        lscp(pairs, n_demand=3, n_sites=1, radius_m=300)
    assert exc.value.points.tolist() == [1, 2]


def test_budget_larger_than_the_candidates_is_a_clear_error():
    pairs = Pairs(demand=np.array([0]), site=np.array([0]), distance_m=np.array([100.0]))
    with pytest.raises(AnalysisError, match="larger than"):
        mclp(pairs, n_demand=1, n_sites=2, radius_m=300, p=3)


def test_mclp_reports_the_population_each_site_adds_in_order():
    # sites 0 and 1 each cover two points; site 0's points weigh more
    d = np.array([[100, 900], [100, 900], [900, 100], [900, 100]], dtype=float)
    r = mclp(all_pairs(d), n_demand=4, n_sites=2, radius_m=300, p=2, weights=np.array([30, 30, 10, 10.0]))
    assert (
        r.chosen.tolist() == [0, 1]
        and r.gain.tolist() == [60.0, 20.0]
        and r.assigned.tolist() == [0, 0, 1, 1]
    )

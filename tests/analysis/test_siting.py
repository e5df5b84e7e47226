"""Siting models against brute-force enumeration on small cases."""

from itertools import combinations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.siting import (
    CapacityShortError,
    InfeasibleError,
    Pairs,
    capacitated_lscp,
    capacitated_mclp,
    capacitated_p_median,
    lscp,
    mclp,
    p_median,
)


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
    assert r.covered_weight == pytest.approx(w.sum())  # everyone with weight, by the fixed sites too


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
    # each site's gain: what closing it alone adds (the others open), recomputed from the matrix
    open_now = sorted(set(r.chosen.tolist()) | set(fixed.tolist()))
    for j, gain in zip(r.chosen.tolist(), r.gain.tolist(), strict=True):
        rest = [k for k in open_now if k != j]
        without = float((w * d[:, rest].min(axis=1)).sum()) if rest else float("inf")
        assert gain == pytest.approx(without - r.objective) if rest else gain == float("inf")


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


# ------------------------------------------------------------------------------- capacitated MCLP


def test_capacity_limits_what_a_site_serves() -> None:
    # 100 children at one point, two candidate sites in reach with 60 places each
    pairs = Pairs(demand=np.array([0, 0]), site=np.array([0, 1]), distance_m=np.array([100.0, 200.0]))
    one = capacitated_mclp(
        pairs,
        n_demand=1,
        n_sites=2,
        radius_m=300,
        p=1,
        capacity=np.array([60.0, 60.0]),
        weights=np.array([100.0]),
    )
    assert one.objective == pytest.approx(60) and one.chosen.size == 1
    two = capacitated_mclp(
        pairs,
        n_demand=1,
        n_sites=2,
        radius_m=300,
        p=2,
        capacity=np.array([60.0, 60.0]),
        weights=np.array([100.0]),
    )
    assert two.objective == pytest.approx(100) and two.gain.sum() == pytest.approx(100)
    assert np.all(two.served <= 60 + 1e-6)


def test_an_existing_full_facility_leaves_demand_for_a_new_site() -> None:
    # the existing site 1 (30 places) is nearer; the new site 0 must take the rest
    pairs = Pairs(demand=np.array([0, 0]), site=np.array([0, 1]), distance_m=np.array([250.0, 50.0]))
    res = capacitated_mclp(
        pairs,
        n_demand=1,
        n_sites=2,
        radius_m=300,
        p=1,
        capacity=np.array([200.0, 30.0]),
        fixed=np.array([1]),
        weights=np.array([90.0]),
    )
    assert res.objective == pytest.approx(90) and res.chosen.tolist() == [0]
    assert res.served[1] <= 30 + 1e-6 and res.served[0] >= 60 - 1e-6


def _served_given_open(pairs, w, cap, open_sites, radius):  # type: ignore[no-untyped-def]
    """The best service with these sites open: a plain LP (scipy linprog)."""
    from scipy.optimize import linprog

    k = np.flatnonzero((pairs.distance_m <= radius) & np.isin(pairs.site, open_sites))
    if k.size == 0:
        return 0.0
    d, s = pairs.demand[k], pairs.site[k]
    a_once = np.zeros((w.size, k.size))
    a_once[d, np.arange(k.size)] = 1
    a_cap = np.zeros((cap.size, k.size))
    a_cap[s, np.arange(k.size)] = w[d]
    res = linprog(
        -w[d],
        A_ub=np.vstack([a_once, a_cap]),
        b_ub=np.concatenate([np.ones(w.size), cap]),
        bounds=(0, 1),
        method="highs",
    )
    return -res.fun


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000))
def test_capacitated_mclp_equals_brute_force_on_small_cases(seed: int) -> None:
    rng = np.random.default_rng(seed)
    n_demand, n_sites, p, radius = 8, 6, 2, 400.0
    dist = rng.uniform(0, 800, (n_demand, n_sites))
    i, j = np.nonzero(dist <= 600)
    pairs = Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=dist[i, j])
    w = rng.integers(1, 60, n_demand).astype(float)
    cap = rng.integers(20, 120, n_sites).astype(float)
    res = capacitated_mclp(
        pairs, n_demand=n_demand, n_sites=n_sites, radius_m=radius, p=p, capacity=cap, weights=w
    )
    best = max(
        _served_given_open(pairs, w, cap, np.array(c), radius) for c in combinations(range(n_sites), p)
    )
    assert res.objective == pytest.approx(best, abs=1e-6)
    assert np.all(res.served <= cap + 1e-6)


def test_p_median_with_an_unserved_cost_is_feasible_for_any_budget() -> None:
    # point 1 has no candidate within the pairs' limit: without unserved_m it is infeasible
    pairs = Pairs(demand=np.array([0, 0]), site=np.array([0, 1]), distance_m=np.array([100.0, 300.0]))
    with pytest.raises(InfeasibleError):
        p_median(pairs, n_demand=2, n_sites=2, p=1, weights=np.array([10.0, 5.0]))
    res = p_median(pairs, n_demand=2, n_sites=2, p=1, weights=np.array([10.0, 5.0]), unserved_m=1500)
    assert res.chosen.tolist() == [0] and res.assigned.tolist() == [0, -1]
    assert res.objective == pytest.approx(1000) and res.covered_weight == pytest.approx(10)


# ------------------------------------------------------------------ capacitated LSCP and p-median


def _cheapest_given_open(pairs, w, cap, open_sites, unserved_m):  # type: ignore[no-untyped-def]
    """Least Σ w·d·x (+ unserved_m·w·u) with these sites open, every point served or left unserved:
    a plain LP (scipy linprog); None when infeasible."""
    from scipy.optimize import linprog

    k = np.flatnonzero(np.isin(pairs.site, open_sites))
    d, s, x = pairs.demand[k], pairs.site[k], pairs.distance_m[k]
    n_u = w.size if unserved_m is not None else 0
    if k.size + n_u == 0:  # nothing open, nothing to leave unserved
        return 0.0 if not (w > 0).any() else None
    a_once = np.zeros((w.size, k.size + n_u))
    a_once[d, np.arange(k.size)] = 1
    a_once[np.arange(n_u), k.size + np.arange(n_u)] = 1
    a_cap = np.zeros((cap.size, k.size + n_u))
    a_cap[s, np.arange(k.size)] = w[d]
    res = linprog(
        np.concatenate([w[d] * x, w * (unserved_m or 0)])[: k.size + n_u],
        A_ub=a_cap,
        b_ub=cap,
        A_eq=a_once[w > 0],
        b_eq=np.ones(int((w > 0).sum())),
        bounds=(0, 1),
        method="highs",
    )
    return res.fun if res.status == 0 else None


def _small_capacitated_case(seed: int, reach: float):  # type: ignore[no-untyped-def]
    rng = np.random.default_rng(seed)
    n_demand, n_sites = 7, 6
    dist = rng.uniform(0, 800, (n_demand, n_sites))
    i, j = np.nonzero(dist <= reach)
    pairs = Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=dist[i, j])
    return pairs, rng.integers(1, 60, n_demand).astype(float), rng.integers(30, 150, n_sites).astype(float)


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.booleans())
def test_capacitated_lscp_equals_brute_force_on_small_cases(seed: int, with_fixed: bool) -> None:
    pairs, w, cap = _small_capacitated_case(seed, 600.0)
    fixed = np.array([5]) if with_fixed else np.array([], dtype=np.int64)
    new = [j for j in range(6) if j not in fixed.tolist()]
    feasible = [
        len(c)
        for r in range(len(new) + 1)
        for c in combinations(new, r)
        if _cheapest_given_open(pairs, w, cap, np.array(list(c) + fixed.tolist()), None) is not None
    ]
    if not feasible:
        with pytest.raises(InfeasibleError) as err:
            capacitated_lscp(pairs, n_demand=7, n_sites=6, radius_m=600, capacity=cap, fixed=fixed, weights=w)
        assert err.value.points.size >= 1
        return
    res = capacitated_lscp(pairs, n_demand=7, n_sites=6, radius_m=600, capacity=cap, fixed=fixed, weights=w)
    assert res.objective == min(feasible) == res.chosen.size
    assert res.covered_weight == pytest.approx(w.sum())
    assert np.all(res.served <= cap + 1e-6)
    assert 5 not in res.chosen.tolist() or not with_fixed


@settings(max_examples=25, deadline=None)
@given(st.integers(0, 10_000), st.integers(1, 3))
def test_capacitated_p_median_equals_brute_force_on_small_cases(seed: int, p: int) -> None:
    pairs, w, cap = _small_capacitated_case(seed, 700.0)
    unserved = 2000.0
    best = min(_cheapest_given_open(pairs, w, cap, np.array(c), unserved) for c in combinations(range(6), p))
    res = capacitated_p_median(
        pairs, n_demand=7, n_sites=6, p=p, capacity=cap, weights=w, unserved_m=unserved
    )
    left = w.sum() - res.covered_weight
    assert res.objective + unserved * left == pytest.approx(best, rel=1e-7, abs=1e-4)
    assert res.chosen.size == p and np.all(res.served <= cap + 1e-6)


def test_capacity_short_lists_the_points_left_over() -> None:
    # two points of 50 children, one candidate in reach with 60 places: 40 cannot be placed
    pairs = Pairs(demand=np.array([0, 1]), site=np.array([0, 0]), distance_m=np.array([100.0, 100.0]))
    kwargs = {"n_demand": 2, "n_sites": 1, "capacity": np.array([60.0]), "weights": np.array([50.0, 50.0])}
    with pytest.raises(CapacityShortError) as err:
        capacitated_lscp(pairs, radius_m=300, **kwargs)
    assert err.value.short == pytest.approx(40) and err.value.points.size >= 1
    with pytest.raises(CapacityShortError):
        capacitated_p_median(pairs, p=1, **kwargs)
    res = capacitated_p_median(pairs, p=1, unserved_m=900, **kwargs)
    assert res.covered_weight == pytest.approx(60) and res.objective == pytest.approx(6000)


@pytest.mark.parametrize("seed", [1, 2, 3])
@pytest.mark.parametrize("with_fixed_and_unserved", [False, True])
def test_reduced_cost_fixing_keeps_the_p_median_optimum(seed, with_fixed_and_unserved, monkeypatch):
    from gaoxin.analysis import siting

    rng = np.random.default_rng(seed)
    demand, sites = rng.uniform(0, 3000, (60, 2)), rng.uniform(0, 3000, (80, 2))
    dist = np.hypot(*(demand[:, None, :] - sites[None, :, :]).transpose(2, 0, 1))
    i, j = np.nonzero(dist <= (1200 if with_fixed_and_unserved else np.inf))
    pairs = Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=dist[i, j])
    kwargs = {
        "n_demand": 60,
        "n_sites": 80,
        "p": 4,
        "weights": rng.integers(1, 100, 60).astype(float),
        "fixed": np.array([0, 1]) if with_fixed_and_unserved else None,
        "unserved_m": 1200.0 if with_fixed_and_unserved else None,
    }
    reduced = p_median(pairs, **kwargs)
    fixed_mask = siting._fixed_mask(kwargs["fixed"], 80)
    kept = siting._reduced_cost_fixed(pairs, kwargs["weights"], fixed_mask, 4, kwargs["unserved_m"])
    assert kept.demand.size < pairs.demand.size  # the reduction does drop pairs here
    monkeypatch.setattr(siting, "_reduced_cost_fixed", lambda pairs, *args: pairs)
    full = p_median(pairs, **kwargs)
    assert reduced.objective == pytest.approx(full.objective, rel=1e-9)
    assert reduced.covered_weight == pytest.approx(full.covered_weight)


def test_sites_that_serve_nobody_only_fill_the_budget():
    # only sites 0 and 1 reach anyone; a budget of 3 still opens 3 sites, the third serving nobody
    pairs = Pairs(demand=np.array([0, 1]), site=np.array([0, 1]), distance_m=np.array([100.0, 200.0]))
    common = {"n_demand": 2, "n_sites": 5, "p": 3, "weights": np.array([10.0, 20.0])}
    cap = np.full(5, 50.0)
    for result in (
        p_median(pairs, **common),
        capacitated_p_median(pairs, capacity=cap, **common),
        capacitated_mclp(pairs, radius_m=300, capacity=cap, **common),
        mclp(pairs, radius_m=300, **common),
    ):
        assert result.chosen.size == 3 and {0, 1} <= set(result.chosen.tolist())
        assert result.covered_weight == pytest.approx(30)


# ---------------------------------------------------------------- issue 17: bugs that reached the page


def test_lscp_counts_the_people_the_existing_sites_already_cover():
    r = lscp(
        Pairs([0, 1], [0, 1], [100.0, 100.0]),
        n_demand=2,
        n_sites=2,
        radius_m=300,
        fixed=[0],
        weights=[3.0, 4.0],
    )
    assert r.covered_weight == 7.0 and r.chosen.tolist() == [1]


def test_capacitated_models_with_nothing_within_the_radius_answer_not_crash():
    r = capacitated_mclp(
        Pairs([0], [0], [800.0]), n_demand=1, n_sites=2, radius_m=500, p=1, capacity=[10, 10], weights=[5.0]
    )
    assert r.covered_weight == 0.0 and len(r.chosen) == 1
    with pytest.raises(InfeasibleError):
        capacitated_lscp(
            Pairs([0], [0], [800.0]), n_demand=1, n_sites=2, radius_m=500, capacity=[10, 10], weights=[5.0]
        )
    r = capacitated_p_median(
        Pairs([0], [0], [800.0]), n_demand=1, n_sites=2, p=1, capacity=[0, 0], weights=[5.0], unserved_m=500
    )
    assert r.covered_weight == 0.0


PAIRS = Pairs([0, 1], [0, 1], [100.0, 200.0])
MODELS = {
    "mclp": lambda **k: mclp(PAIRS, n_demand=2, n_sites=2, radius_m=k.get("radius", 300), p=k.get("p", 1)),
    "lscp": lambda **k: lscp(PAIRS, n_demand=2, n_sites=2, radius_m=k.get("radius", 300)),
    "p_median": lambda **k: p_median(
        PAIRS, n_demand=2, n_sites=2, p=k.get("p", 1), unserved_m=k.get("unserved", 500)
    ),
    "cmclp": lambda **k: capacitated_mclp(
        PAIRS, n_demand=2, n_sites=2, radius_m=k.get("radius", 300), p=k.get("p", 1), capacity=[5, 5]
    ),
    "clscp": lambda **k: capacitated_lscp(
        PAIRS, n_demand=2, n_sites=2, radius_m=k.get("radius", 300), capacity=[5, 5]
    ),
    "cpmedian": lambda **k: capacitated_p_median(
        PAIRS, n_demand=2, n_sites=2, p=k.get("p", 1), capacity=[5, 5], unserved_m=k.get("unserved", 500)
    ),
}


@pytest.mark.parametrize("bad", [float("nan"), float("inf"), -1.0, 0.0])
@pytest.mark.parametrize("name", ["mclp", "lscp", "cmclp", "clscp"])
def test_a_radius_that_is_not_a_positive_distance_is_refused(name, bad):
    with pytest.raises(AnalysisError) as exc:
        MODELS[name](radius=bad)
    assert exc.value.code == "radius"


@pytest.mark.parametrize("bad", [float("nan"), -5.0, 0.0])
@pytest.mark.parametrize("name", ["p_median", "cpmedian"])
def test_an_unserved_distance_that_is_not_positive_is_refused(name, bad):
    with pytest.raises(AnalysisError) as exc:
        MODELS[name](unserved=bad)
    assert exc.value.code == "unserved"


@pytest.mark.parametrize("name", ["mclp", "p_median", "cmclp", "cpmedian"])
def test_one_rule_for_the_budget_in_every_model(name):
    for bad in (1.5, -1, 3, "2", True):
        with pytest.raises(AnalysisError) as exc:
            MODELS[name](p=bad)
        assert exc.value.code == "budget", bad
    none_new = MODELS[name](p=0)  # p = 0: today's sites only, in every model
    assert len(none_new.chosen) == 0
    assert len(MODELS[name](p=2.0).chosen) == 2  # a whole number given as a float


def test_p_median_leaves_a_point_beyond_the_unserved_distance_unassigned_with_no_negative_gain():
    pairs = Pairs([0, 1, 1], [0, 1, 0], [100.0, 900.0, 950.0])
    r = p_median(pairs, n_demand=2, n_sites=2, p=1, weights=[1.0, 1.0], unserved_m=500)
    assert r.chosen.tolist() == [0] and r.assigned.tolist() == [0, -1]
    assert (r.gain >= 0).all() and r.covered_weight == 1.0 and r.objective == 100.0


def test_p_median_does_not_open_a_site_for_a_point_without_people():
    # point 1 (no people) is reachable only from site 1: the one site goes where the people are
    pairs = Pairs([0, 0, 1], [0, 1, 1], [100.0, 400.0, 50.0])
    r = p_median(pairs, n_demand=2, n_sites=2, p=1, weights=[10.0, 0.0])
    assert r.chosen.tolist() == [0] and r.objective == 1000.0
    # and a point without people and without any pair needs none (no InfeasibleError)
    r = p_median(Pairs([0], [0], [100.0]), n_demand=2, n_sites=1, p=1, weights=[10.0, 0.0])
    assert r.assigned.tolist() == [0, -1]


def test_pairs_from_lists_and_bad_pairs_are_the_cores_errors():
    r = mclp(Pairs([0, 1], [0, 1], [100, 200]), n_demand=2, n_sites=2, radius_m=300, p=1)
    assert r.covered_weight == 1.0
    for bad in (
        Pairs([0, "x"], [0, 1], [1.0, 2.0]),
        Pairs([0, 1], [0], [1.0]),
        Pairs([0, 1.5], [0, 1], [1.0, 2.0]),
    ):
        with pytest.raises(AnalysisError):
            mclp(bad, n_demand=2, n_sites=2, radius_m=300, p=1)


def test_a_time_limit_returns_the_best_found_with_its_gap_or_the_optimum():
    import math

    from gaoxin.analysis import siting

    rng = np.random.default_rng(11)
    n_d, n_s = 400, 600
    d = rng.uniform(0, 8000, (n_d, 2))
    s = rng.uniform(0, 8000, (n_s, 2))
    cost = np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1])
    i, j = np.nonzero(cost <= 900)
    pairs = siting.Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=cost[i, j])
    w = rng.integers(1, 500, n_d).astype(float)
    with siting.time_limit(0.05):
        r = siting.mclp(pairs, n_demand=n_d, n_sites=n_s, radius_m=900, p=12, weights=w)
    assert r.chosen.size <= 12
    if r.status == "time_limit":
        assert r.gap is not None and r.gap >= 0 and math.isfinite(r.gap)
    else:
        assert r.status == "optimal" and r.gap is None
    full = siting.mclp(pairs, n_demand=n_d, n_sites=n_s, radius_m=900, p=12, weights=w)
    assert full.status == "optimal" and full.gap is None and full.objective >= r.objective - 1e-6
    with pytest.raises(AnalysisError):
        with siting.time_limit(0):
            pass


@pytest.mark.parametrize("seed", range(40))
def test_p_median_with_lagrangian_fixing_equals_the_full_program(seed):
    """Medium random cases (sparse pairs, existing sites, an unserved cost or not): the answer after the
    heuristic, the subgradient bound and the fixing equals the integer program over every pair."""
    from scipy.optimize import Bounds, LinearConstraint, milp

    from gaoxin.analysis.siting import _MedianModel

    rng = np.random.default_rng(seed)
    n_d, n_s = 40, 60
    pts, sites = rng.uniform(0, 3000, (n_d, 2)), rng.uniform(0, 3000, (n_s, 2))
    dist = np.hypot(pts[:, None, 0] - sites[None, :, 0], pts[:, None, 1] - sites[None, :, 1])
    i, j = np.nonzero(dist <= 1400)
    pairs = Pairs(i.astype(np.int64), j.astype(np.int64), dist[i, j])
    w = rng.integers(0, 60, n_d).astype(float)
    fixed = rng.choice(n_s, size=int(rng.integers(0, 3)), replace=False).astype(np.int64)
    unserved = 1500.0 if seed % 2 else None
    p = int(rng.integers(1, 6))
    if unserved is None:  # every point with people needs a pair
        has = np.bincount(pairs.demand, minlength=n_d) > 0
        w[~has] = 0.0
    weighted = w[pairs.demand] > 0
    mp = Pairs(pairs.demand[weighted], pairs.site[weighted], pairs.distance_m[weighted])
    fixed_mask = np.zeros(n_s, dtype=bool)
    fixed_mask[fixed] = True
    model = _MedianModel(mp, w, fixed_mask, p, unserved)
    full = milp(
        model.c,
        integrality=np.concatenate([np.ones(n_s), np.zeros(model.n - n_s)]),
        bounds=Bounds(model.lower, np.ones(model.n)),
        constraints=[
            LinearConstraint(model.assign, lb=(w > 0).astype(float), ub=1),
            LinearConstraint(model.link, lb=-np.inf, ub=0),
            LinearConstraint(model.budget, lb=p, ub=p),
        ],
    )
    if full.status == 2:  # no p sites reach every point: the model says so
        with pytest.raises(AnalysisError) as exc:
            p_median(pairs, n_demand=n_d, n_sites=n_s, p=p, fixed=fixed, weights=w, unserved_m=unserved)
        assert exc.value.code == "infeasible"
        return
    res = p_median(pairs, n_demand=n_d, n_sites=n_s, p=p, fixed=fixed, weights=w, unserved_m=unserved)
    ours = res.objective + (unserved or 0.0) * float(w[res.assigned < 0].sum())
    assert ours == pytest.approx(full.fun, rel=1e-9)


def test_set_covering_by_highspy_equals_scipy_s_highs_and_stops_at_the_time_limit(monkeypatch):
    """The set covering solve goes to HiGHS itself (highspy); scipy's milp is the fallback without it.
    Both give the same fewest sites; the time limit keeps the best cover found and its gap."""
    import builtins
    import math

    from gaoxin.analysis import siting

    rng = np.random.default_rng(5)
    d = rng.uniform(0, 6000, (400, 2))
    s = rng.uniform(0, 6000, (1000, 2))
    cost = np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1])
    i, j = np.nonzero(cost <= 600)
    pairs = siting.Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=cost[i, j])
    with_highspy = siting.lscp(pairs, n_demand=400, n_sites=1000, radius_m=600)
    real_import = builtins.__import__

    def no_highspy(name, *args, **kwargs):  # type: ignore[no-untyped-def]
        if name == "highspy":
            raise ImportError(name)
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_highspy)
    assert siting._set_cover_highs(siting._coverage_matrix(pairs, 400, 1000, 600)) is None
    with_scipy = siting.lscp(pairs, n_demand=400, n_sites=1000, radius_m=600)
    monkeypatch.setattr(builtins, "__import__", real_import)
    assert with_highspy.objective == with_scipy.objective and with_highspy.status == "optimal"
    a = siting._coverage_matrix(pairs, 400, 1000, 600)
    for r in (with_highspy, with_scipy):  # every point covered
        opened = np.zeros(1000, dtype=bool)
        opened[r.chosen] = True
        assert ((a @ opened.astype(float)) > 0).all()
    for seconds in (0.001, 0.02):
        try:
            with siting.time_limit(seconds):
                quick = siting.lscp(pairs, n_demand=400, n_sites=1000, radius_m=600)
        except AnalysisError as exc:  # stopped before any cover was found: said so
            assert exc.code == "siting_time"
            continue
        if quick.status == "time_limit":
            assert quick.gap is not None and math.isfinite(quick.gap)
            assert quick.objective >= with_highspy.objective
        else:
            assert quick.objective == with_highspy.objective


def test_the_solver_prints_nothing_on_the_standard_output():
    """HiGHS greets on its first use; a command writing CSV to a pipe must not carry it."""
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from gaoxin.analysis import siting\n"
        "p = siting.Pairs(demand=np.array([0, 1]), site=np.array([0, 1]), distance_m=np.array([10.0, 10.0]))\n"
        "print(siting.lscp(p, n_demand=2, n_sites=2, radius_m=300).objective)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout == "2.0\n"

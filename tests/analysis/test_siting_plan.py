"""Budgeted multi-type siting, the coverage curve and the equity models, against brute force."""

import dataclasses
from itertools import combinations, product

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.siting import InfeasibleError, Pairs, time_limit
from gaoxin.analysis.siting_plan import TypeDemand, budgeted_cover, coverage_curve, p_center


def all_pairs(d):
    i, j = np.nonzero(np.ones_like(d))
    return Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=d[i, j])


@st.composite
def plan_case(draw):
    n_lots = draw(st.integers(1, 5))
    types = []
    for _t in range(draw(st.integers(1, 2))):
        n_demand = draw(st.integers(1, 6))
        n_ex = draw(st.integers(0, 1))
        d = np.array(
            [[draw(st.integers(0, 900)) for _ in range(n_lots + n_ex)] for _ in range(n_demand)], dtype=float
        )
        w = np.array([draw(st.integers(0, 40)) for _ in range(n_demand)], dtype=float)
        cost = np.array([draw(st.integers(0, 5)) * 10_000.0 for _ in range(n_lots)])
        ex_cost = np.array([draw(st.integers(0, 5)) * 10_000.0 for _ in range(n_ex)])
        value = draw(st.sampled_from([1.0, 2.0]))
        types.append((d, w, n_ex, cost, ex_cost, value))
    lot = np.array([draw(st.integers(0, 3)) * 10_000.0 for _ in range(n_lots)])
    budget = draw(st.integers(0, 12)) * 10_000.0
    return n_lots, types, lot, budget


def demands(n_lots, types, radius=400.0):
    return [
        TypeDemand(
            name=f"t{k}",
            pairs=all_pairs(d),
            n_demand=d.shape[0],
            n_existing=n_ex,
            radius_m=radius,
            weights=w,
            site_cost=cost,
            existing_cost=ex_cost,
            value=value,
        )
        for k, (d, w, n_ex, cost, ex_cost, value) in enumerate(types)
    ]


def brute(n_lots, types, lot, budget, *, colocate=False, closable=False, max_lots=None, radius=400.0):
    """The best (value, -cost) over every assignment of types to lots (and kept existing sites)."""
    best = None
    n_t = len(types)
    options = [(True,) * n_t] if colocate else list(product([False, True], repeat=n_t))
    for per_lot in product([None, *options], repeat=n_lots):
        if max_lots is not None and sum(x is not None for x in per_lot) > max_lots:
            continue
        ex_choices = [
            list(product([False, True], repeat=t[2])) if closable else [(True,) * t[2]] for t in types
        ]
        for kept in product(*ex_choices):
            cost = sum(lot[j] for j in range(n_lots) if per_lot[j] is not None)
            value = 0.0
            for t, (d, w, n_ex, c, ex_cost, v) in enumerate(types):
                on = [j for j in range(n_lots) if per_lot[j] is not None and per_lot[j][t]]
                cost += sum(c[j] for j in on)
                if closable:
                    cost -= sum(ex_cost[k] for k in range(n_ex) if not kept[t][k])
                sites = on + [n_lots + k for k in range(n_ex) if kept[t][k]]
                if sites:
                    value += v * float(w[(d[:, sites] <= radius).any(axis=1)].sum())
            if cost > budget + 1e-6:
                continue
            key = (value, -cost)
            if best is None or key > best:
                best = key
    return best


@settings(max_examples=80, deadline=None)
@given(plan_case(), st.booleans(), st.booleans())
def test_budgeted_cover_equals_brute_force(case, colocate, closable):
    n_lots, types, lot, budget = case
    plan = budgeted_cover(
        demands(n_lots, types),
        n_lots=n_lots,
        lot_cost=lot,
        budget=budget,
        colocate=colocate,
        closable=closable,
    )
    value, neg_cost = brute(n_lots, types, lot, budget, colocate=colocate, closable=closable)
    assert plan.objective == pytest.approx(value, abs=1e-6)
    assert plan.cost == pytest.approx(-neg_cost, abs=1e-3)
    assert plan.cost <= budget + 1e-6
    assert plan.status == "optimal"
    # the lots in order, with gains adding up to what the new lots add over the kept existing sites
    assert sorted(plan.lots.tolist()) == sorted({j for tp in plan.types for j in tp.lots.tolist()})
    if colocate:
        assert all(sorted(tp.lots.tolist()) == sorted(plan.lots.tolist()) for tp in plan.types)
    if not closable:
        assert all(tp.kept.all() for tp in plan.types)
        assert plan.gain.sum() == pytest.approx(
            sum(v * (tp.covered - tp.covered_before) for tp, (*_x, v) in zip(plan.types, types, strict=True))
        )


@settings(max_examples=40, deadline=None)
@given(plan_case())
def test_curve_points_are_each_best_for_their_count(case):
    n_lots, types, lot, budget = case
    plan, curve = coverage_curve(demands(n_lots, types), n_lots=n_lots, lot_cost=lot, budget=budget)
    assert [pt.lots for pt in curve] == list(range(plan.lots.size + 1))
    for pt in curve:
        value, neg_cost = brute(n_lots, types, lot, budget, max_lots=pt.lots)
        assert pt.objective == pytest.approx(value, abs=1e-6)
        assert pt.cost == pytest.approx(-neg_cost, abs=1e-3)
    objectives = [pt.objective for pt in curve]
    assert objectives == sorted(objectives)  # more lots never cover fewer
    assert curve[-1].objective == pytest.approx(plan.objective)


def test_canteen_and_day_care_share_a_lot_under_a_budget():
    """Two lots; the canteen and the day-care centre each cover the same people from lot 0 or lot 1,
    but lot 1's land is dear: together on lot 0 the land is paid once."""
    d = np.array([[100.0, 150.0], [120.0, 140.0]])
    w = np.array([30.0, 20.0])
    canteen = TypeDemand("canteen", all_pairs(d), 2, 0, 300, w, site_cost=200_000.0)
    daycare = TypeDemand("day_care", all_pairs(d), 2, 0, 300, w, site_cost=500_000.0)
    plan = budgeted_cover([canteen, daycare], n_lots=2, lot_cost=[300_000.0, 900_000.0], budget=1_000_000.0)
    assert plan.lots.tolist() == [0]
    assert [tp.lots.tolist() for tp in plan.types] == [[0], [0]]
    assert plan.cost == 1_000_000.0
    assert [tp.covered for tp in plan.types] == [50.0, 50.0]
    # one yuan less: only one type fits (the day-care centre, the dearer, is left out at equal value)
    short = budgeted_cover([canteen, daycare], n_lots=2, lot_cost=[300_000.0, 900_000.0], budget=999_999.0)
    assert [tp.lots.tolist() for tp in short.types] == [[0], []] and short.cost == 500_000.0


def test_closing_an_existing_site_pays_for_a_better_one():
    """The existing site covers 10 people; closing it frees its running cost for a lot covering 40."""
    d = np.array([[100.0, 900.0], [900.0, 100.0]])  # lot 0 reaches point 0, existing (site 1) point 1
    w = np.array([40.0, 10.0])
    t = TypeDemand("x", all_pairs(d), 2, 1, 300, w, site_cost=100.0, existing_cost=100.0)
    kept = budgeted_cover([t], n_lots=1, budget=50.0)
    assert kept.types[0].lots.tolist() == [] and kept.types[0].covered == 10.0  # closing not allowed
    # with closing allowed, what the closed site saves pays for the new one: a move at no net cost
    moved = budgeted_cover([t], n_lots=1, budget=50.0, closable=True)
    assert moved.types[0].lots.tolist() == [0] and not moved.types[0].kept[0]
    assert moved.types[0].covered == 40.0 and moved.cost == 0.0 and moved.types[0].saved == 100.0
    # with money for both, both stay
    both = budgeted_cover([t], n_lots=1, budget=100.0, closable=True)
    assert both.types[0].kept[0] and both.types[0].covered == 50.0


def test_a_site_that_may_not_close_stays():
    d = np.array([[100.0, 900.0], [900.0, 100.0]])
    t = TypeDemand(
        "x",
        all_pairs(d),
        2,
        1,
        300,
        [40.0, 10.0],
        site_cost=100.0,
        existing_cost=100.0,
        may_close=np.array([False]),
    )
    plan = budgeted_cover([t], n_lots=1, budget=50.0, closable=True)
    assert plan.types[0].kept[0] and plan.types[0].lots.size == 0 and plan.cost == 0.0
    with pytest.raises(AnalysisError) as exc:
        budgeted_cover([dataclasses.replace(t, may_close=[1, 0])], n_lots=1, budget=50.0, closable=True)
    assert exc.value.code == "may_close"


def test_minimum_share_per_group():
    """Group 1 (one point of 5 people) is left out by the plain plan; a 50 % floor per group brings it in."""
    d = np.array([[100.0, 900.0], [100.0, 900.0], [900.0, 100.0]])
    w = np.array([20.0, 20.0, 5.0])
    plain = TypeDemand("x", all_pairs(d), 3, 0, 300, w)
    fair = TypeDemand("x", all_pairs(d), 3, 0, 300, w, groups=[0, 0, 1], min_share=0.5)
    assert budgeted_cover([plain], n_lots=2, max_lots=1).types[0].lots.tolist() == [0]
    assert budgeted_cover([fair], n_lots=2, max_lots=2).types[0].covered == 45.0
    with pytest.raises(AnalysisError) as exc:  # one lot cannot give both groups half
        budgeted_cover([fair], n_lots=2, max_lots=1)
    assert exc.value.code == "infeasible"


@pytest.mark.parametrize(
    "kwargs, code",
    [
        ({"budget": float("nan")}, "money_budget"),
        ({"budget": -1.0}, "money_budget"),
        ({}, "money_budget"),
        ({"budget": 10.0, "lot_cost": [1.0]}, "lot_cost"),
        ({"budget": 10.0, "lot_cost": float("inf")}, "lot_cost"),
        ({"max_lots": 1.5}, "budget"),
        ({"max_lots": -1}, "budget"),
    ],
)
def test_bad_plan_input_gets_the_core_error(kwargs, code):
    d = np.array([[100.0, 200.0]])
    t = TypeDemand("x", all_pairs(d), 1, 0, 300, [1.0])
    with pytest.raises(AnalysisError) as exc:
        budgeted_cover([t], n_lots=2, **kwargs)
    assert exc.value.code == code


def test_bad_type_input_gets_the_core_error():
    d = np.array([[100.0, 200.0]])
    for bad, code in [
        ({"site_cost": -5.0}, "site_cost"),
        ({"value": 0.0}, "type_value"),
        ({"min_share": 1.5, "groups": [0]}, "min_share"),
        ({"min_share": 0.5, "groups": [0.5]}, "groups"),
        ({"radius_m": float("nan")}, "radius"),
    ]:
        args = {"name": "x", "pairs": all_pairs(d), "n_demand": 1, "n_existing": 0, "radius_m": 300.0} | bad
        with pytest.raises(AnalysisError) as exc:
            budgeted_cover([TypeDemand(**args)], n_lots=2, budget=1.0)
        assert exc.value.code == code
    with pytest.raises(AnalysisError):
        budgeted_cover([], n_lots=2, budget=1.0)


def test_nothing_to_cover_and_no_lots():
    t = TypeDemand("x", Pairs(np.zeros(0, int), np.zeros(0, int), np.zeros(0)), 2, 0, 300, [3.0, 4.0])
    plan = budgeted_cover([t], n_lots=0, budget=100.0)
    assert plan.lots.size == 0 and plan.objective == 0.0 and plan.types[0].total == 7.0


@st.composite
def center_case(draw):
    n_demand = draw(st.integers(1, 7))
    n_sites = draw(st.integers(2, 6))
    d = np.array([[draw(st.integers(0, 1000)) for _ in range(n_sites)] for _ in range(n_demand)], dtype=float)
    w = np.array([draw(st.integers(0, 9)) for _ in range(n_demand)], dtype=float)
    fixed = draw(st.lists(st.integers(0, n_sites - 1), max_size=1, unique=True))
    return d, w, np.array(fixed, dtype=np.int64)


@settings(max_examples=80, deadline=None)
@given(center_case(), st.integers(0, 3))
def test_p_center_equals_brute_force(case, p):
    d, w, fixed = case
    free = [j for j in range(d.shape[1]) if j not in set(fixed.tolist())]
    args = {"n_demand": d.shape[0], "n_sites": d.shape[1], "fixed": fixed, "weights": w}
    if p > len(free):
        with pytest.raises(AnalysisError):
            p_center(all_pairs(d), p=p, **args)
        return
    need = w > 0
    best = (
        min(
            (float(d[need][:, sorted(set(c) | set(fixed.tolist()))].min(axis=1).max()) if need.any() else 0.0)
            for c in combinations(free, p)
            if c or fixed.size or not need.any()
        )
        if (p or fixed.size or not need.any())
        else None
    )
    if best is None:
        with pytest.raises(AnalysisError):
            p_center(all_pairs(d), p=p, **args)
        return
    r = p_center(all_pairs(d), p=p, **args)
    assert r.objective == pytest.approx(best)
    assert r.chosen.size <= p and not set(r.chosen.tolist()) & set(fixed.tolist())


def test_p_center_with_sparse_pairs_and_a_point_without_any():
    pairs = Pairs(np.array([0, 1, 1]), np.array([0, 0, 1]), np.array([100.0, 500.0, 200.0]))
    r = p_center(pairs, n_demand=2, n_sites=2, p=2)
    assert r.objective == 200.0 and sorted(r.chosen.tolist()) == [0, 1]
    assert p_center(pairs, n_demand=2, n_sites=2, p=1).objective == 500.0
    with pytest.raises(InfeasibleError):
        p_center(pairs, n_demand=3, n_sites=2, p=1, weights=[1.0, 1.0, 2.0])
    # a point whose only pair leads to a site that cannot fit in the budget with the others
    far = Pairs(np.array([0, 1]), np.array([0, 1]), np.array([10.0, 10.0]))
    with pytest.raises(AnalysisError) as exc:
        p_center(far, n_demand=2, n_sites=2, p=1)
    assert exc.value.code == "pcenter_budget" and exc.value.params["needed"] == 2


def test_plan_within_a_time_limit_says_so_or_is_optimal():
    rng = np.random.default_rng(3)
    d = rng.uniform(0, 1500, size=(300, 120))
    t = TypeDemand(
        "x",
        all_pairs(d),
        300,
        0,
        250,
        rng.integers(1, 50, 300).astype(float),
        site_cost=rng.integers(1, 9, 120) * 1e5,
    )
    with time_limit(0.05):
        plan = budgeted_cover([t], n_lots=120, budget=2e6)
    assert plan.status in {"optimal", "time_limit"}
    assert plan.cost <= 2e6 + 1e-6
    if plan.status == "time_limit":
        assert plan.gap is not None and plan.gap >= 0


def test_the_curve_reports_each_point_and_stops_when_asked():
    d = np.array([[100.0, 900.0, 900.0], [900.0, 100.0, 900.0], [900.0, 900.0, 100.0]])
    t = TypeDemand("x", all_pairs(d), 3, 0, 300, [5.0, 4.0, 3.0], site_cost=1.0)
    seen = []
    plan, curve = coverage_curve([t], n_lots=3, budget=10.0, on_point=lambda k, n: seen.append((k, n)))
    assert seen == [(1, 4), (2, 4), (3, 4), (4, 4)] and len(curve) == 4

    class Stop(Exception):
        pass

    def stop(k, n):
        raise Stop

    with pytest.raises(Stop):
        coverage_curve([t], n_lots=3, budget=10.0, on_point=stop)

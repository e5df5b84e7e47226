"""Siting benchmark: Gaoxin (HiGHS via scipy.optimize.milp, sparse) vs PySAL spopt (PuLP + CBC) on the
same cost matrix, side by side in one run; objectives must be equal.

Synthetic city (issue 5): 2,000 demand points and 5,000 candidate sites in a 10 km x 10 km square,
cost = 1.3 x straight-line distance (a typical detour factor), weights 0-500 people.
MCLP (p = 20, 500 m) and LSCP (300 m, the kindergarten and day-care radius of GB 50180-2018 Appendix C)
on the full matrix; the harder LSCP at 800 m on a 1,000 x 1,000
subset; p-median (p = 10) on a 300 x 500 subset (both tools hold one variable per pair for it); the
capacitated LSCP on a 300 x 500 subset (spopt holds one assignment variable per pair).

The demo zone's own queries (issue 5's done-when in 王因街道) are compared the same way, on the pairs the
page computes from the street network (spopt gets them as a dense matrix).

Usage: python bench/siting_bench.py [--append docs/performance.md]
"""

from __future__ import annotations

import argparse
import os
import time
import warnings
from pathlib import Path

import numpy as np


def city(n_demand: int, n_sites: int, seed: int = 3) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, 10_000, (n_demand, 2))
    s = rng.uniform(0, 10_000, (n_sites, 2))
    cost = 1.3 * np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1])
    return cost, rng.integers(0, 500, n_demand).astype(float)


def uniform(n_demand: int, n_sites: int, side_m: float, seed: int = 0) -> np.ndarray:
    """Straight-line distances between points spread uniformly over a square (the independent check's
    'uniform' set covering case)."""
    rng = np.random.default_rng(seed)
    d = rng.uniform(0, side_m, (n_demand, 2))
    s = rng.uniform(0, side_m, (n_sites, 2))
    return np.hypot(d[:, None, 0] - s[None, :, 0], d[:, None, 1] - s[None, :, 1])


def best_of(n: int, fn):
    """The fastest of ``n`` runs (the answer of the last)."""
    best, out = float("inf"), None
    for _ in range(n):
        out, t = timed(fn)
        best = min(best, t)
    return out, best


def ratio_rows(solver) -> list[tuple[str, float, float, float, float]]:
    """The two cases where spopt came closest (issue 17): set covering on a uniform 500 × 1,500 at
    600 m, and the p-median on 200 × 300 with p = 10; best of 3 runs each, model building included."""
    import pulp
    from spopt.locate import LSCP, PMedian

    from gaoxin.analysis import siting

    rows = []
    cost = uniform(500, 1500, 7500.0)
    cost = cost[(cost <= 600.0).any(axis=1)]  # points no candidate reaches are reported, and left out
    ours, t_ours = best_of(
        3, lambda: siting.lscp(pairs_of(cost, 600.0), n_demand=cost.shape[0], n_sites=1500, radius_m=600.0)
    )
    theirs, t_theirs = best_of(3, lambda: LSCP.from_cost_matrix(cost, service_radius=600.0).solve(solver))
    rows.append(
        (
            f"LSCP {cost.shape[0]} x 1,500 uniform (7.5 km square), 600 m (sites)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )
    print(rows[-1], flush=True)
    big, big_w = city(2000, 5000)
    small, ws = big[:200, :300], big_w[:200]  # as the 300 x 500 case below: the city's first points
    ours, t_ours = best_of(
        3, lambda: siting.p_median(pairs_of(small, np.inf), n_demand=200, n_sites=300, p=10, weights=ws)
    )
    theirs, t_theirs = best_of(3, lambda: PMedian.from_cost_matrix(small, ws, p_facilities=10).solve(solver))
    rows.append(
        (
            "p-median 200 x 300, p=10 (weighted metres)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )
    print(rows[-1], flush=True)
    return rows


def pairs_of(cost: np.ndarray, max_m: float):
    from gaoxin.analysis.siting import Pairs

    i, j = np.nonzero(cost <= max_m)
    return Pairs(demand=i.astype(np.int64), site=j.astype(np.int64), distance_m=cost[i, j])


def timed(fn):
    t = time.perf_counter()
    out = fn()
    return out, time.perf_counter() - t


def demo_inputs() -> list[tuple[str, str, dict]]:
    """The demo zone's own siting inputs (Pairs, weights, fixed existing facilities), captured from the
    planner's queries in 王因街道 on a throw-away SQLite database: the issue's done-when (3 elderly
    canteens), the fewest kindergartens that reach every child aged 3-5, and the shortest walk."""
    from demo_db import demo_database

    demo_database()
    from gaoxin.accounts.models import User
    from gaoxin.analysis import siting
    from gaoxin.lifecircle import queries as lifecircle_queries
    from gaoxin.places.models import Street, Zone

    captured: list[tuple[str, str, dict]] = []
    for model in ("mclp", "lscp", "p_median"):
        real = getattr(siting, model)

        def spy(pairs, _real=real, _model=model, **kwargs):  # type: ignore[no-untyped-def]
            captured.append((_model, "", {"pairs": pairs, **kwargs}))
            return _real(pairs, **kwargs)

        setattr(siting, model, spy)
    planner, zone = User.objects.get(username="planner"), Zone.objects.get()
    wangyin = Street.objects.get(name="王因街道")
    queries = [
        ("MCLP: 3 elderly canteens, 王因街道, 500 m (people aged 60+)", "community_canteen", 3, False),
        (
            "LSCP: kindergartens for every child aged 3-5, 王因街道, 300 m (sites)",
            "kindergarten",
            None,
            False,
        ),
        ("p-median: 3 elderly canteens, 王因街道 (person-metres)", "community_canteen", 3, True),
    ]
    out = []
    for label, code, p, median in queries:
        before = len(captured)
        lifecircle_queries.propose_sites(
            actor=planner, zone=zone, type_code=code, p=p, street=wangyin, median=median
        )
        model, _, kwargs = captured[before] if median is False else captured[-1]
        out.append((model, label, kwargs))
    return out


def dense(kwargs: dict, fill: float) -> np.ndarray:
    """The sparse pairs as the dense cost matrix spopt takes (the shortest of repeated pairs)."""
    pairs = kwargs["pairs"]
    cost = np.full((kwargs["n_demand"], kwargs["n_sites"]), fill)
    np.minimum.at(cost, (pairs.demand, pairs.site), pairs.distance_m)
    return cost


def demo_rows(solver) -> list[tuple]:  # type: ignore[no-untyped-def]
    import pulp
    from spopt.locate import LSCP, MCLP, PMedian

    from gaoxin.analysis import siting

    rows = []
    for model, label, kw in demo_inputs():
        fixed = np.asarray(kw.get("fixed"), dtype=np.int64)
        w = kw["weights"]
        if model == "mclp":
            ours, t_ours = timed(lambda: siting.mclp(**kw))  # noqa: B023
            cost = dense(kw, 10 * kw["radius_m"])
            theirs, t_theirs = timed(
                lambda: MCLP.from_cost_matrix(
                    cost,  # noqa: B023
                    w,  # noqa: B023
                    service_radius=kw["radius_m"],  # noqa: B023
                    p_facilities=kw["p"] + fixed.size,  # noqa: B023
                    predefined_facilities_arr=fixed,  # noqa: B023
                ).solve(solver)
            )
            rows.append(
                (label, ours.objective, float(pulp.value(theirs.problem.objective)), t_ours, t_theirs)
            )
        elif model == "lscp":
            ours, t_ours = timed(lambda: siting.lscp(**kw))  # noqa: B023
            need = w > 0  # spopt covers every row: give it the points with demand
            cost = dense(kw, 10 * kw["radius_m"])[need]
            theirs, t_theirs = timed(
                lambda: LSCP.from_cost_matrix(
                    cost,  # noqa: B023
                    service_radius=kw["radius_m"],  # noqa: B023
                    predefined_facilities_arr=fixed,  # noqa: B023
                ).solve(solver)
            )
            rows.append(
                (
                    label,
                    ours.objective,
                    float(pulp.value(theirs.problem.objective)) - fixed.size,
                    t_ours,
                    t_theirs,
                )
            )
        else:
            ours, t_ours = timed(lambda: siting.p_median(**kw))  # noqa: B023
            unserved = float(kw["unserved_m"])
            total = ours.objective + unserved * float(w.sum() - ours.covered_weight)
            # spopt has no unserved option: a walk beyond the pairs costs the same fixed distance
            cost = dense(kw, unserved)
            theirs, t_theirs = timed(
                lambda: PMedian.from_cost_matrix(
                    cost,  # noqa: B023
                    w,  # noqa: B023
                    p_facilities=kw["p"] + fixed.size,  # noqa: B023
                    predefined_facilities_arr=fixed,  # noqa: B023
                ).solve(solver)
            )
            rows.append((label, total, float(pulp.value(theirs.problem.objective)), t_ours, t_theirs))
        print(rows[-1], kw["n_demand"], kw["n_sites"], flush=True)
    return rows


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--append", default="")
    parser.add_argument("--only-ratios", action="store_true", help="only the two ratio cases of issue 17")
    args = parser.parse_args()
    import pulp
    from spopt.locate import LSCP, MCLP, PMedian

    from gaoxin.analysis import siting

    warnings.filterwarnings("ignore")
    solver = pulp.PULP_CBC_CMD(msg=False)
    load_before = os.getloadavg()
    rows = ratio_rows(solver)
    if args.only_ratios:
        _report(args, rows, load_before, [])
        return
    cost, w = city(2000, 5000)
    radius, p = 500.0, 20

    ours, t_ours = timed(
        lambda: siting.mclp(
            pairs_of(cost, radius), n_demand=2000, n_sites=5000, radius_m=radius, p=p, weights=w
        )
    )
    theirs, t_theirs = timed(
        lambda: MCLP.from_cost_matrix(cost, w, service_radius=radius, p_facilities=p).solve(solver)
    )
    spopt_obj = float(pulp.value(theirs.problem.objective))
    rows.append(
        ("MCLP 2,000 x 5,000, p=20, 500 m (covered people)", ours.objective, spopt_obj, t_ours, t_theirs)
    )

    print(rows[-1], flush=True)
    # LSCP on the full city at 300 m: the one point that no candidate reaches is reported by Gaoxin
    # (InfeasibleError) and left out for both tools, as a planner would.
    reached = (cost <= 300.0).any(axis=1)
    fcost = cost[reached]
    try:
        siting.lscp(pairs_of(cost, 300.0), n_demand=2000, n_sites=5000, radius_m=300.0)
    except siting.InfeasibleError as exc:
        assert exc.points.tolist() == np.flatnonzero(~reached).tolist()
    ours, t_ours = timed(
        lambda: siting.lscp(pairs_of(fcost, 300.0), n_demand=fcost.shape[0], n_sites=5000, radius_m=300.0)
    )
    theirs, t_theirs = timed(lambda: LSCP.from_cost_matrix(fcost, service_radius=300.0).solve(solver))
    rows.append(
        (
            f"LSCP {fcost.shape[0]:,} x 5,000, 300 m (sites)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )
    print(rows[-1], flush=True)
    # At 400-800 m the full random city's set covering did not close within 10 minutes in either
    # tool (HiGHS: 3.4 % gap after 120 s at 500 m); the harder radius is measured on a sub-city.
    lcost = cost[:1000, :1000]
    ours, t_ours = timed(
        lambda: siting.lscp(pairs_of(lcost, 800.0), n_demand=1000, n_sites=1000, radius_m=800.0)
    )
    theirs, t_theirs = timed(lambda: LSCP.from_cost_matrix(lcost, service_radius=800.0).solve(solver))
    rows.append(
        (
            "LSCP 1,000 x 1,000, 800 m (sites)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )
    print(rows[-1], flush=True)

    small, ws = cost[:300, :500], w[:300]
    ours, t_ours = timed(
        lambda: siting.p_median(pairs_of(small, np.inf), n_demand=300, n_sites=500, p=10, weights=ws)
    )
    theirs, t_theirs = timed(lambda: PMedian.from_cost_matrix(small, ws, p_facilities=10).solve(solver))
    rows.append(
        (
            "p-median 300 x 500, p=10 (weighted metres)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )

    print(rows[-1], flush=True)

    ccost, cw, ccap = cost[:300, :500], w[:300], np.full(500, 1000.0)
    ours, t_ours = timed(
        lambda: siting.capacitated_lscp(
            pairs_of(ccost, 1500.0), n_demand=300, n_sites=500, radius_m=1500.0, capacity=ccap, weights=cw
        )
    )
    theirs, t_theirs = timed(
        lambda: LSCP.from_cost_matrix(
            ccost, service_radius=1500.0, demand_quantity_arr=cw, facility_capacity_arr=ccap
        ).solve(solver)
    )
    rows.append(
        (
            "capacitated LSCP 300 x 500, 1,500 m, 1,000 places per site (sites)",
            ours.objective,
            float(pulp.value(theirs.problem.objective)),
            t_ours,
            t_theirs,
        )
    )
    print(rows[-1], flush=True)

    rows += demo_rows(solver)
    # Gaoxin only: spopt has no capacitated maximal covering model, and its capacitated p-median assigns
    # each demand point whole to one site (a different model from Gaoxin's, where demand may split).
    cap_mclp, t_cap = timed(
        lambda: siting.capacitated_mclp(
            pairs_of(cost, 500),
            n_demand=2000,
            n_sites=5000,
            radius_m=500,
            p=20,
            capacity=np.full(5000, 3000.0),
            weights=w,
        )
    )
    cap_med, t_med = timed(
        lambda: siting.capacitated_p_median(
            pairs_of(small, 1500.0),
            n_demand=300,
            n_sites=500,
            p=10,
            capacity=np.full(500, 6000.0),
            weights=ws,
            unserved_m=4500.0,
        )
    )
    lines = [
        "",
        "Gaoxin only (spopt has no capacitated maximal covering model; its capacitated p-median assigns each point "
        "whole to one site, a different model):",
        "",
        f"- capacitated MCLP 2,000 × 5,000, p = 20, 500 m, 3,000 places per site: {t_cap:.2f} s, "
        f"{cap_mclp.objective:,.0f} people served;",
        f"- capacitated p-median 300 × 500, p = 10, walks up to 1,500 m, 6,000 places per site, "
        f"4,500 m for the unserved: {t_med:.2f} s, {cap_med.covered_weight:,.0f} people served.",
    ]
    _report(args, rows, load_before, lines)


def _report(args, rows, load_before, extra: list[str]) -> None:
    load_after = os.getloadavg()
    lines = [
        "### Siting: Gaoxin (HiGHS) vs PySAL spopt (PuLP + CBC) on the same cost matrix",
        "",
        f"Load average (1, 5, 15 min) before: {load_before[0]:.2f}, {load_before[1]:.2f}, {load_before[2]:.2f}; "
        f"after: {load_after[0]:.2f}, {load_after[1]:.2f}, {load_after[2]:.2f} ({os.cpu_count()} cores). "
        "The first two rows are the best of 3 runs per tool.",
        "",
        "| model | Gaoxin objective | spopt objective | equal | Gaoxin (s) | spopt (s) | Gaoxin / spopt |",
        "|---|---|---|---|---|---|---|",
    ]
    for name, a, b, ta, tb in rows:
        equal = "yes" if abs(a - b) <= 1e-6 * max(1.0, abs(b)) else "NO"
        lines.append(f"| {name} | {a:,.1f} | {b:,.1f} | {equal} | {ta:.3f} | {tb:.2f} | {ta / tb:.3f} |")
    lines += extra
    lines += ["", "Times include building the model from the cost matrix and solving it.", ""]
    text = "\n".join(lines)
    print(text)
    if args.append:
        with Path(args.append).open("a", encoding="utf-8") as fh:
            fh.write("\n" + text)


if __name__ == "__main__":
    main()

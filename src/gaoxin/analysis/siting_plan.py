"""Siting with money: several facility types on shared candidate lots under a budget in yuan, the
coverage curve that argues a budget, and the equity models (p-center; a minimum coverage per group).

The budgeted model is the maximal covering model (Church & ReVelle 1974) with site costs and a
budget constraint (the "budgeted MCLP" of Berman et al. 2009 / ArcGIS Location-Allocation's
"maximize coverage with a budget"), extended to several facility types that may share a lot
(co-location: the lot's land or premises cost is paid once, each type's building and running cost
per type), and optionally allowed to close existing facilities, whose running cost then counts in
the budget (closing one to open a better-placed one is a move).

All models solve exactly with HiGHS (``scipy.optimize.milp``) within the time limit of
:func:`gaoxin.analysis.siting.time_limit`; a result stopped by the limit says so, with its gap.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint

from gaoxin.analysis import siting
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.siting import InfeasibleError, Pairs, SitingResult

# Costs, budgets and weights are compared with this relative slack (floating point of the solver).
_REL = 1e-9


@dataclass(frozen=True)
class TypeDemand:
    """One facility type of a plan. Sites ``0 .. n_lots-1`` of ``pairs`` are the shared candidate lots,
    sites ``n_lots .. n_lots+n_existing-1`` this type's existing facilities.

    ``site_cost[j]``: what opening this type on lot j costs beyond the lot itself (building or fit-out
    plus the running cost over the plan's years), in yuan; a scalar applies to every lot.
    ``existing_cost[k]``: the running cost over the plan's years of existing facility k: when closing
    is allowed, closing it saves that money for new sites. ``value``: the worth of one person covered relative to the
    other types (1: all people count alike). Equity: with ``groups`` (a whole-number group per demand
    point, e.g. its street) and ``min_share``, every group must have at least that share of its people
    covered. ``may_close``: which existing facilities a plan that allows closing may close (one bool
    each; None: all) — e.g. not those that also serve people outside the plan's area."""

    name: str
    pairs: Pairs
    n_demand: int
    n_existing: int
    radius_m: float
    weights: NDArray[np.float64] | None = None
    site_cost: Any = 0.0
    existing_cost: Any = 0.0
    value: float = 1.0
    groups: Any = None
    min_share: float | None = None
    may_close: Any = None


@dataclass(frozen=True)
class TypePlan:
    """What the plan does for one type: ``lots`` where it opens (in the plan's lot order), ``kept``
    which existing facilities stay open, ``covered_before`` the weight today's facilities cover,
    ``covered`` the weight covered with the plan, ``total`` the type's whole demand, ``assigned[i]``
    the open site (lot index, or n_lots + existing index) nearest to demand point i within the
    radius (-1 none); ``cost`` what its new sites cost, ``saved`` the running cost of the existing
    facilities it closes."""

    name: str
    lots: NDArray[np.int64]
    kept: NDArray[np.bool_]
    covered_before: float
    covered: float
    total: float
    assigned: NDArray[np.int64]
    cost: float
    saved: float = 0.0


@dataclass(frozen=True)
class PlanResult:
    """``lots``: the lots used, in the order of what each adds (value-weighted people, greedily);
    ``gain[k]``: what lot ``lots[k]`` adds in that order; ``cost``: the money the plan spends on lots
    and new sites, less what closing existing facilities saves (the budget bounds it); ``objective``: the
    value-weighted people covered; ``status``/``gap`` as in :class:`SitingResult`."""

    types: list[TypePlan]
    lots: NDArray[np.int64]
    gain: NDArray[np.float64]
    cost: float
    objective: float
    status: str
    gap: float | None = None


def _money(value: Any, n: int, name: str) -> NDArray[np.float64]:
    """A cost: a scalar for every item or one per item; finite and not negative."""
    try:
        arr = np.asarray(value, dtype=np.float64)
    except (TypeError, ValueError):
        raise AnalysisError(name, f"{name} must be numbers of yuan") from None
    if arr.ndim == 0:
        arr = np.full(n, float(arr))
    if arr.shape != (n,) or not np.isfinite(arr).all() or (arr < 0).any():
        raise AnalysisError(name, f"{name} must be one finite, non-negative amount per site")
    return arr


def _budget_amount(budget: Any) -> float | None:
    if budget is None:
        return None
    try:
        b = float(budget)
    except (TypeError, ValueError):
        raise AnalysisError("money_budget", "the budget is an amount of yuan") from None
    if not (math.isfinite(b) and b >= 0):
        raise AnalysisError("money_budget", "the budget is a finite amount of yuan, not negative")
    return b


@dataclass
class _Prepared:
    """A type's data, checked: its coverage matrix over all its sites and the rows that need a lot."""

    t: TypeDemand
    w: NDArray[np.float64]
    a: sp.csr_array
    site_cost: NDArray[np.float64]
    existing_cost: NDArray[np.float64]
    pairs: Pairs
    radius: float
    groups: NDArray[np.int64] | None
    min_share: float
    may_close: NDArray[np.bool_]


def _prepare(t: TypeDemand, n_lots: int) -> _Prepared:
    n_existing = siting._whole(t.n_existing, "n_existing")
    if n_existing < 0:
        raise AnalysisError("shape", "n_existing must not be negative")
    pairs, w = siting._check(t.pairs, t.n_demand, n_lots + n_existing, t.weights)
    radius = siting._radius(t.radius_m)
    value = float(t.value)
    if not (math.isfinite(value) and value > 0):
        raise AnalysisError("type_value", "the value of a type is a positive number")
    a = siting._coverage_matrix(pairs, int(t.n_demand), n_lots + n_existing, radius)
    groups = None
    share = 0.0
    if t.min_share is not None:
        share = float(t.min_share)
        if not (math.isfinite(share) and 0.0 <= share <= 1.0):
            raise AnalysisError("min_share", "the minimum coverage of a group is a share between 0 and 1")
        try:
            g = np.asarray(t.groups if t.groups is not None else np.zeros(w.size), dtype=np.float64)
        except (TypeError, ValueError):
            raise AnalysisError("groups", "groups are whole numbers, one per demand point") from None
        if g.shape != w.shape or not np.isfinite(g).all() or (g != np.round(g)).any():
            raise AnalysisError("groups", "groups are whole numbers, one per demand point")
        groups = np.unique(g, return_inverse=True)[1].astype(np.int64)
    may_close = np.ones(n_existing, dtype=bool)
    if t.may_close is not None:
        may_close = np.asarray(t.may_close)
        if may_close.shape != (n_existing,) or may_close.dtype != np.bool_:
            raise AnalysisError("may_close", "may_close gives one true or false per existing facility")
    return _Prepared(
        t=t,
        may_close=may_close,
        w=w,
        a=a,
        site_cost=_money(t.site_cost, n_lots, "site_cost"),
        existing_cost=_money(t.existing_cost, n_existing, "existing_cost"),
        pairs=pairs,
        radius=radius,
        groups=groups,
        min_share=share,
    )


def budgeted_cover(
    types: list[TypeDemand],
    *,
    n_lots: int,
    lot_cost: Any = 0.0,
    budget: Any = None,
    max_lots: int | None = None,
    colocate: bool = False,
    closable: bool = False,
) -> PlanResult:
    """The plan that covers the most value-weighted people within each type's radius, spending at most
    ``budget`` yuan (None: no money limit) on at most ``max_lots`` lots (None: no count limit); of the
    plans that cover the most, the cheapest.

    Variables: l_j (lot j used), y_tj (type t opens on lot j), e_tk (existing facility k of type t kept;
    fixed at 1 unless ``closable``), z_ti (point i of type t covered, 0..1).
    max Σ_t v_t Σ_i w_ti z_ti subject to z_ti ≤ Σ_{j∈N_ti} y_tj + Σ_{k∈N_ti} e_tk; y_tj ≤ l_j;
    Σ_j lot_j l_j + Σ_tj c_tj y_tj − Σ_tk r_tk (1 − e_tk) ≤ budget (closing saves the running cost r);
    Σ_j l_j ≤ max_lots. Of the plans reaching the most, the cheapest — so with ``closable`` an existing
    facility that reaches nobody the others do not is closed.
    With ``colocate`` every lot used hosts every type (y_tj = l_j): one building for all of them.
    """
    if not types:
        raise AnalysisError("plan_types", "a plan needs at least one facility type")
    n_lots = siting._whole(n_lots, "n_lots")
    if n_lots < 0:
        raise AnalysisError("shape", "n_lots must not be negative")
    money = _budget_amount(budget)
    if max_lots is not None:
        max_lots = siting._whole(max_lots, "budget")
        if max_lots < 0:
            raise AnalysisError("budget", "the number of lots must not be negative")
    if money is None and max_lots is None:
        raise AnalysisError("money_budget", "give a budget in yuan or a number of lots")
    lots_cost = _money(lot_cost, n_lots, "lot_cost")
    prepared = [_prepare(t, n_lots) for t in types]
    return _solve_plan(prepared, n_lots, lots_cost, money, max_lots, colocate, closable)


@siting._limited  # type: ignore[type-var]  # PlanResult carries status and gap like SitingResult
def _solve_plan(
    prepared: list[_Prepared],
    n_lots: int,
    lots_cost: NDArray[np.float64],
    money: float | None,
    max_lots: int | None,
    colocate: bool,
    closable: bool,
) -> PlanResult:
    # Column layout: [l (n_lots)] [y_t (useful lots of t) for each t] [e_t (existing of t) when closable]
    #                [z_t (rows of t) for each t]
    blocks: list[dict[str, Any]] = []
    n_cols = n_lots
    for pt in prepared:
        n_ex = pt.t.n_existing
        if closable:
            by_fixed = np.zeros(pt.w.size, dtype=bool)
        else:
            by_fixed = (
                np.asarray(pt.a[:, n_lots:].sum(axis=1)).ravel() > 0 if n_ex else np.zeros(pt.w.size, bool)
            )
        rows = np.flatnonzero((pt.w > 0) & ~by_fixed)
        sub = pt.a[rows][:, :n_lots]
        useful = np.flatnonzero(np.asarray(sub.sum(axis=0)).ravel() > 0)
        ycols = np.arange(n_lots) if colocate else useful  # with co-location l itself opens the type
        block: dict[str, Any] = {"pt": pt, "rows": rows, "ylots": ycols, "by_fixed": by_fixed}
        if colocate:
            block["y0"] = None  # y_tj is l_j
        else:
            block["y0"] = n_cols
            n_cols += ycols.size
        block["e0"] = n_cols if closable else None
        if closable:
            n_cols += n_ex
        blocks.append(block)
    for block in blocks:
        block["z0"] = n_cols
        n_cols += block["rows"].size

    c = np.zeros(n_cols)
    cost_row = np.zeros(n_cols)
    cost_row[:n_lots] = lots_cost
    integral = np.zeros(n_cols, dtype=np.int64)
    integral[:n_lots] = 1
    lower, upper = np.zeros(n_cols), np.ones(n_cols)
    r_idx: list[NDArray[np.int64]] = []
    c_idx: list[NDArray[np.int64]] = []
    vals: list[NDArray[np.float64]] = []
    ub: list[NDArray[np.float64]] = []
    n_rows = 0

    def add(rows: NDArray[np.int64], cols: NDArray[np.int64], v: NDArray[np.float64]) -> None:
        r_idx.append(rows)
        c_idx.append(cols)
        vals.append(v)

    for block in blocks:
        pt, rows = block["pt"], block["rows"]
        ylots = block["ylots"]
        ycol = ylots if block["y0"] is None else block["y0"] + np.arange(ylots.size)
        if colocate:
            cost_row[:n_lots] += pt.site_cost
        else:
            cost_row[ycol] = pt.site_cost[ylots]
            integral[ycol] = 1
            # y_tj − l_j ≤ 0
            k = np.arange(ylots.size)
            add(n_rows + k, ycol, np.ones(ylots.size))
            add(n_rows + k, ylots, -np.ones(ylots.size))
            ub.append(np.zeros(ylots.size))
            n_rows += ylots.size
        n_ex = pt.t.n_existing
        if closable and n_ex:
            ecol = block["e0"] + np.arange(n_ex)
            integral[ecol] = 1
            cost_row[ecol] = pt.existing_cost
            lower[ecol] = (~pt.may_close).astype(np.float64)  # those that may not close stay open
        zcol = block["z0"] + np.arange(rows.size)
        c[zcol] = -pt.t.value * pt.w[rows]
        # z_ti − Σ_{j∈N_ti} y_tj − Σ_{k∈N_ti} e_tk ≤ 0
        if rows.size:
            cov = pt.a[rows].tocoo()
            lot_pair = cov.col < n_lots
            pos = np.full(n_lots, -1, dtype=np.int64)
            pos[ylots] = np.arange(ylots.size)
            lot_rows = cov.row[lot_pair]
            lot_cols = cov.col[lot_pair]
            keep = pos[lot_cols] >= 0
            target = lot_cols[keep] if block["y0"] is None else block["y0"] + pos[lot_cols[keep]]
            add(n_rows + lot_rows[keep], target, -np.ones(int(keep.sum())))
            if closable and n_ex:
                ex = ~lot_pair
                add(n_rows + cov.row[ex], block["e0"] + cov.col[ex] - n_lots, -np.ones(int(ex.sum())))
            add(n_rows + np.arange(rows.size), zcol, np.ones(rows.size))
            ub.append(np.zeros(rows.size))
            n_rows += rows.size
        if pt.groups is not None and pt.min_share > 0:
            # −Σ_{i∈g} w_i z_i ≤ Σ_{i∈g covered by kept existing} w_i − share · W_g  (per group g)
            n_g = int(pt.groups.max()) + 1
            whole = np.bincount(pt.groups, weights=pt.w, minlength=n_g)
            already = np.bincount(pt.groups, weights=pt.w * (block["by_fixed"] & (pt.w > 0)), minlength=n_g)
            add(n_rows + pt.groups[rows], zcol, -pt.w[rows])
            ub.append(already - pt.min_share * whole * (1 - _REL))
            n_rows += n_g
    constraints: list[LinearConstraint] = []
    if n_rows:
        a_link = sp.csr_array(
            (np.concatenate(vals), (np.concatenate(r_idx), np.concatenate(c_idx))), shape=(n_rows, n_cols)
        )
        constraints.append(LinearConstraint(a_link, lb=-np.inf, ub=np.concatenate(ub)))
    # Closing saves: Σ cost·x − Σ r (1 − e) ≤ budget  ⇔  Σ cost·x ≤ budget + Σ r (r on the e columns)
    savings = sum(float(b["pt"].existing_cost.sum()) for b in blocks) if closable else 0.0
    if money is not None:
        constraints.append(LinearConstraint(sp.csr_array(cost_row[None, :]), lb=-np.inf, ub=money + savings))
    if max_lots is not None:
        count = np.zeros(n_cols)
        count[:n_lots] = 1.0
        constraints.append(LinearConstraint(sp.csr_array(count[None, :]), lb=-np.inf, ub=max_lots))

    x = siting._solve(c, integral, Bounds(lower, upper), constraints) if n_cols else np.zeros(0)
    best = float(-(c @ x)) if n_cols else 0.0
    # Of the plans that cover the most, the cheapest (a second solve with the coverage held).
    if n_cols and cost_row.any():
        held = LinearConstraint(
            sp.csr_array(-c[None, :]), lb=best - _REL * max(1.0, abs(best)) - 1e-7, ub=np.inf
        )
        x = siting._solve(cost_row, integral, Bounds(lower, upper), [*constraints, held])
    return _plan_result(blocks, x, n_lots, lots_cost, colocate, closable)


def _plan_result(
    blocks: list[dict[str, Any]],
    x: NDArray[np.float64],
    n_lots: int,
    lots_cost: NDArray[np.float64],
    colocate: bool,
    closable: bool,
) -> PlanResult:
    lot_on = x[:n_lots] > 0.5 if n_lots else np.zeros(0, dtype=bool)
    opened: list[NDArray[np.bool_]] = []
    kept_of: list[NDArray[np.bool_]] = []
    for block in blocks:
        n_ex = block["pt"].t.n_existing
        on = np.zeros(n_lots, dtype=bool)
        if block["y0"] is None:
            on[:] = lot_on
        else:
            on[block["ylots"][x[block["y0"] + np.arange(block["ylots"].size)] > 0.5]] = True
        opened.append(on & lot_on)
        kept_of.append(np.ones(n_ex, dtype=bool) if not closable else x[block["e0"] + np.arange(n_ex)] > 0.5)
    # Order the lots greedily by the value-weighted people each newly covers (after the kept sites); a
    # lot that adds nobody (free, or only where the solver left it) is not part of the plan.
    columns = [b["pt"].a.tocsc() for b in blocks]
    covered_now = []
    for block, kept in zip(blocks, kept_of, strict=True):
        pt = block["pt"]
        covered_now.append(
            (pt.a[:, n_lots:] @ kept.astype(float)) > 0 if kept.size else np.zeros(pt.w.size, dtype=bool)
        )

    def rows_of(t: int, j: int) -> NDArray[np.int64]:
        col = columns[t]
        return np.asarray(col.indices[col.indptr[j] : col.indptr[j + 1]], dtype=np.int64)

    used = lot_on.copy() if colocate else np.any(np.array(opened).reshape(len(opened), n_lots), axis=0)
    left: list[int] = np.flatnonzero(used).tolist()
    order: list[int] = []
    gains: list[float] = []
    while left:
        best_j, best_g = left[0], -1.0
        for j in left:
            g = 0.0
            for t, (block, on, cov) in enumerate(zip(blocks, opened, covered_now, strict=True)):
                if on[j]:
                    rows = rows_of(t, j)
                    g += block["pt"].t.value * float(block["pt"].w[rows][~cov[rows]].sum())
            if g > best_g:
                best_j, best_g = j, g
        if best_g <= 0.0:
            break
        order.append(best_j)
        gains.append(best_g)
        for t, (on, cov) in enumerate(zip(opened, covered_now, strict=True)):
            if on[best_j]:
                cov[rows_of(t, best_j)] = True
        left.remove(best_j)
    used[:] = False
    used[order] = True
    rank = {j: k for k, j in enumerate(order)}
    plans: list[TypePlan] = []
    spent = float(lots_cost[used].sum())
    objective = 0.0
    for block, on, kept in zip(blocks, opened, kept_of, strict=True):
        pt = block["pt"]
        n_ex = kept.size
        on &= used
        open_all = np.concatenate([on, kept])
        covered = (pt.a @ open_all.astype(float)) > 0
        before = (pt.a[:, n_lots:] @ np.ones(n_ex)) > 0 if n_ex else np.zeros(pt.w.size, dtype=bool)
        cost = float(pt.site_cost[on].sum())
        saved = float(pt.existing_cost[~kept].sum())
        spent += cost - saved
        objective += pt.t.value * float(pt.w[covered].sum())
        plans.append(
            TypePlan(
                name=pt.t.name,
                lots=np.array(sorted(np.flatnonzero(on).tolist(), key=rank.__getitem__), dtype=np.int64),
                kept=kept,
                covered_before=float(pt.w[before].sum()),
                covered=float(pt.w[covered].sum()),
                total=float(pt.w.sum()),
                assigned=siting._assign_nearest(pt.pairs, open_all, pt.w.size, pt.radius),
                cost=cost,
                saved=saved,
            )
        )
    return PlanResult(
        types=plans,
        lots=np.array(order, dtype=np.int64),
        gain=np.array(gains, dtype=np.float64),
        cost=spent,
        objective=objective,
        status="optimal",
    )


@dataclass(frozen=True)
class CurvePoint:
    """The best plan with at most ``lots`` lots (and the budget): the people it covers per type, the
    value-weighted total, what it costs, and whether that is proven (``status``, ``gap``)."""

    lots: int
    covered: tuple[float, ...]
    objective: float
    cost: float
    status: str
    gap: float | None


def coverage_curve(
    types: list[TypeDemand],
    *,
    n_lots: int,
    lot_cost: Any = 0.0,
    budget: Any = None,
    max_lots: int | None = None,
    colocate: bool = False,
    closable: bool = False,
    on_point: Callable[[int, int], None] | None = None,
) -> tuple[PlanResult, list[CurvePoint]]:
    """The plan of :func:`budgeted_cover` and the coverage curve that argues for its size: for k = 0, 1,
    … up to the lots the plan uses, the best plan with at most k lots within the same budget (each
    point solved on its own, so a point is the best for its k, not the first k of the plan).
    ``on_point(k, n)`` is called after each of the n points (e.g. a job's progress; it may raise to stop)."""
    plan = budgeted_cover(
        types,
        n_lots=n_lots,
        lot_cost=lot_cost,
        budget=budget,
        max_lots=max_lots,
        colocate=colocate,
        closable=closable,
    )
    points: list[CurvePoint] = []
    for k in range(plan.lots.size + 1):
        res = (
            plan
            if k == plan.lots.size
            else budgeted_cover(
                types,
                n_lots=n_lots,
                lot_cost=lot_cost,
                budget=budget,
                max_lots=k,
                colocate=colocate,
                closable=closable,
            )
        )
        points.append(
            CurvePoint(
                lots=k,
                covered=tuple(tp.covered for tp in res.types),
                objective=res.objective,
                cost=res.cost,
                status=res.status,
                gap=res.gap,
            )
        )
        if on_point is not None:
            on_point(k + 1, plan.lots.size + 1)
    return plan, points


def p_center(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    p: int,
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
) -> SitingResult:
    """The p-center (Hakimi 1965; the equity objective): at most ``p`` new sites so that the longest
    walk of any point with people to its nearest open site is the shortest possible. Exact: the optimum
    is one of the pair distances, found by bisection over them with the set covering model at that
    radius (fewest sites ≤ p). ``objective`` is the longest walk; ``chosen`` the sites (fewer than p when
    fewer suffice). Raises :class:`InfeasibleError` for points with people but without any pair."""
    pairs, w = siting._check(pairs, n_demand, n_sites, weights)
    fixed_mask = siting._fixed_mask(fixed, n_sites)
    p = siting._budget(p, int((~fixed_mask).sum()))
    need = w > 0
    has_pair = np.bincount(pairs.demand[need[pairs.demand]], minlength=int(n_demand)) > 0
    if (need & ~has_pair).any():
        raise InfeasibleError(np.flatnonzero(need & ~has_pair))
    if not need.any():
        return SitingResult(
            chosen=np.zeros(0, dtype=np.int64),
            gain=np.zeros(0),
            assigned=siting._assign_nearest(pairs, fixed_mask, int(n_demand), np.inf),
            objective=0.0,
            covered_weight=0.0,
            status="optimal",
        )
    # The walk of each point to its nearest open site cannot be below its nearest pair, nor above its
    # nearest fixed site; the optimum lies between the largest of the former and the candidate radii.
    relevant = need[pairs.demand]
    radii = np.unique(pairs.distance_m[relevant])
    nearest = np.full(int(n_demand), np.inf)
    np.minimum.at(nearest, pairs.demand, pairs.distance_m)
    radii = radii[radii >= nearest[need].max()]
    status, gaps = "optimal", []

    def cover(r: float) -> SitingResult | None:
        nonlocal status
        try:
            res = siting.lscp(
                pairs, n_demand=n_demand, n_sites=n_sites, radius_m=max(r, 1e-9), fixed=fixed, weights=w
            )
        except InfeasibleError:
            return None
        if res.status != "optimal":
            status = res.status
            gaps.append(res.gap or 0.0)
        return res if res.chosen.size <= p else None

    lo, hi = 0, radii.size - 1
    best = cover(float(radii[hi]))
    if best is None:  # even at the longest pair more than p sites are needed: say how many
        needed = siting.lscp(
            pairs, n_demand=n_demand, n_sites=n_sites, radius_m=float(radii[hi]), fixed=fixed, weights=w
        ).chosen.size
        raise AnalysisError(
            "pcenter_budget",
            f"{p} new site(s) cannot reach every point within its pairs; {needed} are needed",
            p=p,
            needed=needed,
        )
    while lo < hi:
        mid = (lo + hi) // 2
        res = cover(float(radii[mid]))
        if res is None:
            lo = mid + 1
        else:
            best, hi = res, mid
    open_sites = fixed_mask.copy()
    open_sites[best.chosen] = True
    assigned = siting._assign_nearest(pairs, open_sites, int(n_demand), np.inf)
    walk = np.full(int(n_demand), np.inf)
    on = open_sites[pairs.site]
    np.minimum.at(walk, pairs.demand[on], pairs.distance_m[on])
    longest = float(walk[need].max())
    return SitingResult(
        chosen=best.chosen,
        gain=best.gain,
        assigned=assigned,
        objective=longest,
        covered_weight=float(w[assigned >= 0].sum()),
        status=status,
        gap=max(gaps) if gaps else None,
    )

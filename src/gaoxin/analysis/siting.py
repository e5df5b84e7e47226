"""Facility siting by exact integer programming (HiGHS through ``scipy.optimize.milp``).

Models (Toregas et al. 1971 LSCP; Church & ReVelle 1974 MCLP; Hakimi 1964 p-median):

* LSCP — fewest new sites so that every demand point is within the radius of an open site;
* MCLP — ``p`` new sites that cover the most weighted demand (e.g. residents aged 60+);
* p-median — ``p`` new sites that minimise the total weighted distance to the nearest open site,
  over the demand–site pairs within a maximum distance (sparse; pairs beyond it are not allowed);
* their capacitated variants for types with places or beds (``capacitated_mclp``, ``capacitated_lscp``,
  ``capacitated_p_median``): a site serves at most its capacity, demand may be split between sites.

Inputs are sparse demand–candidate pairs with distances (from ``access.pairs_within``). Existing
facilities are candidates fixed open (``fixed``): they count for coverage and assignment but not
against the budget. Constraint matrices are built directly as sparse arrays.
"""

from __future__ import annotations

import ctypes
import dataclasses
import functools
import math
import os
import sys
import threading
import time
import warnings
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any, ParamSpec, TypeVar

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, linprog, milp

from gaoxin.analysis.errors import AnalysisError


class InfeasibleError(AnalysisError):
    """Some demand points have no candidate within reach; ``points`` lists them."""

    def __init__(self, points: NDArray[np.int64]) -> None:
        super().__init__(
            "uncoverable", f"{points.size} demand point(s) have no candidate site within the radius"
        )
        self.points = points


class CapacityShortError(InfeasibleError):
    """Even with every candidate open, the places within reach cannot serve all the demand:
    ``points`` lists the demand points left (partly) unserved, ``short`` the weighted demand left over."""

    def __init__(self, points: NDArray[np.int64], short: float) -> None:
        AnalysisError.__init__(
            self,
            "capacity",
            f"{points.size} demand point(s) cannot be served within the capacity in reach "
            f"({short:.0f} left over with every candidate open)",
        )
        self.points = points
        self.short = short


@dataclass(frozen=True)
class Pairs:
    """Demand point ``demand[k]`` is ``distance_m[k]`` from candidate ``site[k]``."""

    demand: NDArray[np.int64]
    site: NDArray[np.int64]
    distance_m: NDArray[np.float64]


@dataclass(frozen=True)
class SitingResult:
    """``chosen``: new sites opened (candidate indices, fixed ones excluded), in order of their
    marginal gain; ``gain``: the weighted demand each adds in that order (coverage models) or the
    weighted distance it saves (p-median); ``assigned[i]``: the open site serving demand point i
    (-1 when none); ``objective``: the model's objective; ``status``: the solver's message."""

    chosen: NDArray[np.int64]
    gain: NDArray[np.float64]
    assigned: NDArray[np.int64]
    objective: float
    covered_weight: float
    status: str  # "optimal", or "time_limit": the solver's limit stopped the search (see ``gap``)
    gap: float | None = None  # the relative gap of the solution returned when the time limit stopped it


def _whole(value: Any, name: str) -> int:
    """A count given as a whole number (an int, or a float without a fraction); else the core's error."""
    if isinstance(value, bool) or not isinstance(value, (int, np.integer, float, np.floating)):
        raise AnalysisError(name, f"{name} must be a whole number")
    if not np.isfinite(value) or float(value) != int(value):
        raise AnalysisError(name, f"{name} must be a whole number")
    return int(value)


def _budget(p: Any, free: int) -> int:
    """One rule for every model: p new sites, 0 ≤ p ≤ the free candidates (0: today's sites only)."""
    n = _whole(p, "budget")
    if n < 0:
        raise AnalysisError("budget", f"the budget p={n} must not be negative")
    if n > free:
        raise AnalysisError("budget", f"the budget p={n} is larger than the {free} free candidate sites")
    return n


def _radius(radius_m: Any, name: str = "radius") -> float:
    try:
        r = float(radius_m)
    except (TypeError, ValueError):
        raise AnalysisError(name, f"{name} must be a positive distance in metres") from None
    if not (np.isfinite(r) and r > 0):
        raise AnalysisError(name, f"{name} must be a positive, finite distance in metres")
    return r


def _check(pairs: Pairs, n_demand: int, n_sites: int, weights: Any) -> tuple[Pairs, NDArray[np.float64]]:
    """The pairs as arrays (lists are fine) and the weights, or the core's error."""
    n_demand, n_sites = _whole(n_demand, "n_demand"), _whole(n_sites, "n_sites")
    if n_demand < 0 or n_sites < 0:
        raise AnalysisError("shape", "n_demand and n_sites must not be negative")
    try:
        d = np.asarray(pairs.demand)
        s = np.asarray(pairs.site)
        x = np.asarray(pairs.distance_m, dtype=np.float64)
    except (TypeError, ValueError, AttributeError):
        raise AnalysisError("shape", "pairs must be arrays of demand points, sites and distances") from None
    if not (d.shape == s.shape == x.shape) or d.ndim != 1:
        raise AnalysisError("shape", "pairs must be 1-d arrays of equal length")
    if d.size and (d.dtype.kind not in "iu" or s.dtype.kind not in "iu"):
        try:
            df, sf = d.astype(np.float64), s.astype(np.float64)
        except (TypeError, ValueError):
            raise AnalysisError("index", "demand points and sites are whole-number indices") from None
        if (
            not (np.isfinite(df).all() and np.isfinite(sf).all())
            or (df != np.round(df)).any()
            or (sf != np.round(sf)).any()
        ):
            raise AnalysisError("index", "demand points and sites are whole-number indices")
        d, s = df.astype(np.int64), sf.astype(np.int64)
    d, s = d.astype(np.int64), s.astype(np.int64)
    if d.size and (d.min() < 0 or d.max() >= n_demand or s.min() < 0 or s.max() >= n_sites):
        raise AnalysisError("index", "a pair refers to a demand point or site that does not exist")
    if not np.isfinite(x).all() or (x < 0).any():
        raise AnalysisError("distance", "distances must be finite and not negative")
    try:
        w = np.ones(n_demand) if weights is None else np.asarray(weights, dtype=np.float64)
    except (TypeError, ValueError):
        raise AnalysisError(
            "weights", "weights must be one finite, non-negative number per demand point"
        ) from None
    if w.shape != (n_demand,) or (w < 0).any() or not np.isfinite(w).all():
        raise AnalysisError("weights", "weights must be one finite, non-negative number per demand point")
    return Pairs(demand=d, site=s, distance_m=x), w


def _fixed_mask(fixed: NDArray[np.int64] | None, n_sites: int) -> NDArray[np.bool_]:
    mask = np.zeros(n_sites, dtype=bool)
    if fixed is not None and len(fixed):
        raw = np.asarray(fixed)
        if raw.ndim != 1 or (raw.dtype.kind not in "iu" and not np.all(raw == np.round(raw))):
            raise AnalysisError("fixed", "fixed sites are whole-number indices")
        f = raw.astype(np.int64)
        if f.min() < 0 or f.max() >= n_sites:
            raise AnalysisError("fixed", "a fixed site does not exist")
        mask[f] = True
    return mask


def _coverage_matrix(pairs: Pairs, n_demand: int, n_sites: int, radius_m: float) -> sp.csr_array:
    keep = pairs.distance_m <= radius_m
    a = sp.csr_array(
        (np.ones(int(keep.sum())), (pairs.demand[keep], pairs.site[keep])), shape=(n_demand, n_sites)
    )
    a.sum_duplicates()
    a.data[:] = 1.0
    return a


def _ordered_gains(
    cover: sp.csr_array, chosen: NDArray[np.int64], fixed: NDArray[np.bool_], w: NDArray[np.float64]
) -> tuple[NDArray[np.int64], NDArray[np.float64]]:
    """Order the chosen sites greedily by the weighted demand each newly covers (after the fixed sites)."""
    covered = (
        np.asarray(cover[:, np.flatnonzero(fixed)].sum(axis=1)).ravel() > 0
        if fixed.any()
        else np.zeros(cover.shape[0], bool)
    )
    cols = cover.tocsc()
    order, gains, left = [], [], list(chosen)
    while left:
        best, best_gain = left[0], -1.0
        for j in left:
            rows = cols.indices[cols.indptr[j] : cols.indptr[j + 1]]
            g = float(w[rows][~covered[rows]].sum())
            if g > best_gain:
                best, best_gain = j, g
        order.append(best)
        gains.append(best_gain)
        rows = cols.indices[cols.indptr[best] : cols.indptr[best + 1]]
        covered[rows] = True
        left.remove(best)
    return np.array(order, dtype=np.int64), np.array(gains)


def _assign_nearest(
    pairs: Pairs, open_sites: NDArray[np.bool_], n_demand: int, radius_m: float
) -> NDArray[np.int64]:
    assigned = np.full(n_demand, -1, dtype=np.int64)
    ok = open_sites[pairs.site] & (pairs.distance_m <= radius_m)
    d, s, x = pairs.demand[ok], pairs.site[ok], pairs.distance_m[ok]
    order = np.lexsort((x, d))
    first = np.ones(order.size, dtype=bool)
    first[1:] = d[order][1:] != d[order][:-1]
    assigned[d[order][first]] = s[order][first]
    return assigned


def _total_distance(pairs: Pairs, assigned: NDArray[np.int64], w: NDArray[np.float64], n_sites: int) -> float:
    """Σ w_i · d(i, assigned[i]) using the pair distances (the shortest pair when repeated)."""
    key = pairs.demand * n_sites + pairs.site
    order = np.lexsort((pairs.distance_m, key))
    uniq, first = np.unique(key[order], return_index=True)
    best = pairs.distance_m[order][first]
    served = assigned >= 0
    wanted = np.flatnonzero(served) * n_sites + assigned[served]
    idx = np.searchsorted(uniq, wanted)
    return float((w[served] * best[idx]).sum())


_TIME_LIMIT: ContextVar[float | None] = ContextVar("siting_time_limit", default=None)
_GAPS: ContextVar[list[float] | None] = ContextVar("siting_gaps", default=None)
P = ParamSpec("P")
R = TypeVar("R", bound=SitingResult)


@contextmanager
def time_limit(seconds: float | None) -> Iterator[None]:
    """Within the block each solve stops after ``seconds`` and the model returns its best solution with
    ``status="time_limit"`` and the gap (None: no limit)."""
    if seconds is not None and not (math.isfinite(seconds) and seconds > 0):
        raise AnalysisError("time_limit", "a time limit is a positive number of seconds")
    token = _TIME_LIMIT.set(seconds)
    try:
        yield
    finally:
        _TIME_LIMIT.reset(token)


def _limited(fn: Callable[P, R]) -> Callable[P, R]:
    """A model whose solves may stop at the time limit: its result says so, with the largest gap."""

    @functools.wraps(fn)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        gaps: list[float] = []
        token = _GAPS.set(gaps)
        try:
            result = fn(*args, **kwargs)
        finally:
            _GAPS.reset(token)
        return dataclasses.replace(result, status="time_limit", gap=max(gaps)) if gaps else result

    return wrapper


# HiGHS options for pure set covering: its sub-MIP heuristics (RINS, RENS), the root reduced-cost
# heuristic and strong branching took most of the time on the bench's uniform 500 × 1,500 case, where the
# greedy-like root heuristics already find the optimum; off, the same optimum is proven 1.4–5 × faster.
SET_COVER_OPTIONS: dict[str, Any] = {
    "mip_heuristic_run_rins": False,
    "mip_heuristic_run_rens": False,
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_pscost_minreliable": 0,
}


_HIGHS_GREETED = threading.Lock()
_highs_greeted = False


def _flush_c_stdout() -> None:
    try:
        ctypes.CDLL(None).fflush(None)
    except (OSError, AttributeError):  # pragma: no cover - a libc without fflush: nothing buffered to lose
        pass


def _quiet_highs(highspy: Any) -> Any:
    """A HiGHS instance; the first of a process is made with the standard output closed, because HiGHS
    prints its banner there (it would land in the middle of a command's CSV)."""
    global _highs_greeted
    with _HIGHS_GREETED:
        if _highs_greeted:
            return highspy.Highs()
        sys.stdout.flush()
        saved = os.dup(1)
        devnull = os.open(os.devnull, os.O_WRONLY)
        try:
            os.dup2(devnull, 1)
            h = highspy.Highs()
            _flush_c_stdout()  # the banner may wait in C's buffer (a pipe): out to /dev/null with it
        finally:
            os.dup2(saved, 1)
            os.close(saved)
            os.close(devnull)
        _highs_greeted = True
        return h


# Set covering runs in two phases with HiGHS itself: first briefly with the options above (which prove
# the easy cases fastest: the bench's uniform case in 0.4 s), then, when that did not finish, with the
# primal heuristics back on from the best cover so far — on a city-size case they find better covers
# within a time limit (2,000 × 5,000 at 500 m in 10 s: 212 sites against 222).
SET_COVER_FAST_S = 2.0
SET_COVER_ROBUST_OPTIONS: dict[str, Any] = {
    "mip_heuristic_run_root_reduced_cost": False,
    "mip_pscost_minreliable": 0,
}


def _set_cover_highs(sub: sp.csr_array) -> NDArray[np.float64] | None:
    """Solve min Σ x s.t. sub · x ≥ 1, x binary with HiGHS itself (highspy, a newer HiGHS than scipy's:
    5 × faster on the bench's set covering) in the two phases above; None when highspy is not installed
    (then scipy's milp). Statuses as :func:`_solve`: the time limit keeps the best cover and its gap."""
    try:
        import highspy
    except ImportError:  # pragma: no cover - highspy is a dependency; scipy's HiGHS is the fallback
        return None
    m, n = sub.shape
    lp = highspy.HighsLp()
    lp.num_col_, lp.num_row_ = n, m
    lp.col_cost_ = np.ones(n)
    lp.col_lower_, lp.col_upper_ = np.zeros(n), np.ones(n)
    lp.row_lower_, lp.row_upper_ = np.ones(m), np.full(m, highspy.kHighsInf)
    csc = sp.csc_array(sub)
    lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    lp.a_matrix_.start_ = csc.indptr.astype(np.int32)
    lp.a_matrix_.index_ = csc.indices.astype(np.int32)
    lp.a_matrix_.value_ = csc.data.astype(np.float64)
    lp.integrality_ = [highspy.HighsVarType.kInteger] * n
    limit = _TIME_LIMIT.get()
    started = time.monotonic()

    def run(options: dict[str, Any], seconds: float | None, start: NDArray[np.float64] | None) -> Any:
        h = _quiet_highs(highspy)
        h.setOptionValue("output_flag", False)
        for key, value in options.items():
            h.setOptionValue(key, value)
        if seconds is not None:
            h.setOptionValue("time_limit", float(seconds))
        h.passModel(lp)
        if start is not None:
            solution = highspy.HighsSolution()
            solution.col_value = list(start)
            solution.value_valid = True
            h.setSolution(solution)
        h.run()
        return h

    first = min(SET_COVER_FAST_S, limit) if limit is not None else SET_COVER_FAST_S
    h = run(SET_COVER_OPTIONS, first, None)
    status = h.getModelStatus()
    # what is left of the limit, less the second start-up (presolve again)
    left = None if limit is None else limit - (time.monotonic() - started) - 0.3
    if status == highspy.HighsModelStatus.kTimeLimit and (left is None or left > 0.05):
        found = int(h.getInfo().primal_solution_status) == 2
        h = run(SET_COVER_ROBUST_OPTIONS, left, np.asarray(h.getSolution().col_value) if found else None)
        status = h.getModelStatus()
    info = h.getInfo()
    if status == highspy.HighsModelStatus.kOptimal:
        return np.asarray(h.getSolution().col_value)
    if status == highspy.HighsModelStatus.kInfeasible:
        raise AnalysisError("infeasible", "no solution meets every constraint")
    if status == highspy.HighsModelStatus.kTimeLimit:
        if int(info.primal_solution_status) != 2:  # no feasible cover
            raise AnalysisError("siting_time", "the time limit stopped the solver before any solution")
        gaps = _GAPS.get()
        if gaps is not None:
            gaps.append(float(info.mip_gap))
        return np.asarray(h.getSolution().col_value)
    raise AnalysisError(
        "solver", f"the solver did not find an optimal solution: {h.modelStatusToString(status)}"
    )


def _solve(
    c: NDArray[np.float64],
    integrality: NDArray[np.int64],
    bounds: Bounds,
    constraints: list[LinearConstraint],
    highs_options: dict[str, Any] | None = None,
) -> NDArray[np.float64]:
    limit = _TIME_LIMIT.get()
    options: dict[str, Any] = {"disp": False} if limit is None else {"disp": False, "time_limit": limit}
    with warnings.catch_warnings():  # scipy warns that it passes HiGHS's own options on verbatim
        warnings.filterwarnings("ignore", message="Unrecognized options detected", category=RuntimeWarning)
        res = milp(
            c,
            integrality=integrality,
            bounds=bounds,
            constraints=constraints,
            options=options | (highs_options or {}),
        )
    if res.status == 1 and res.x is not None:  # the time limit: the best solution found, and its gap
        gaps = _GAPS.get()
        if gaps is not None:
            gaps.append(float(getattr(res, "mip_gap", 0.0) or 0.0))
        return np.asarray(res.x)
    if res.status == 2:
        raise AnalysisError("infeasible", "no solution meets every constraint")
    if res.status != 0 or res.x is None:
        if res.status == 1:
            raise AnalysisError("siting_time", "the time limit stopped the solver before any solution")
        raise AnalysisError("solver", f"the solver did not find an optimal solution: {res.message}")
    return np.asarray(res.x)


def _dominated_columns(sub: sp.csr_array) -> NDArray[np.bool_]:
    """Columns (sites) that cover nothing, or whose covered rows are a subset of another column's (of
    two equal columns the lower index stays): with equal site costs such a site is never needed."""
    sub_c = sub.T.tocsr().astype(np.float64)
    sub_c.data[:] = 1.0
    size_c = np.asarray(sub_c.sum(axis=1)).ravel()
    inter_c = (sub_c @ sub_c.T).tocoo()
    j, m, v = inter_c.row, inter_c.col, inter_c.data
    dominated = (j != m) & (v == size_c[j]) & ((size_c[j] < size_c[m]) | ((size_c[j] == size_c[m]) & (m < j)))
    drop = np.zeros(sub.shape[1], dtype=bool)
    drop[np.unique(j[dominated])] = True
    drop |= size_c == 0
    return drop


def _reduce_set_cover(
    a: sp.csr_array, rows: NDArray[np.int64], cols: NDArray[np.int64]
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """Classic set-cover reductions, repeated until nothing changes; the optimum is unchanged:
    a row whose candidate set contains another row's set is implied by it and dropped; a column whose
    covered rows are a subset of another column's is never needed (same cost) and dropped (of two
    equal columns the lower index stays)."""
    while True:
        sub = a[rows][:, cols].astype(np.float64)
        sub.data[:] = 1.0
        size_r = np.asarray(sub.sum(axis=1)).ravel()
        inter = (sub @ sub.T).tocoo()
        # row i is implied when some other row k has N_k ⊆ N_i: |N_i ∩ N_k| = |N_k| and (|N_k| < |N_i| or k < i)
        i, k, v = inter.row, inter.col, inter.data
        implied = (
            (i != k) & (v == size_r[k]) & ((size_r[k] < size_r[i]) | ((size_r[k] == size_r[i]) & (k < i)))
        )
        drop_rows = np.zeros(rows.size, dtype=bool)
        drop_rows[np.unique(i[implied])] = True
        drop_cols = _dominated_columns(sub)
        if not drop_rows.any() and not drop_cols.any():
            return rows, cols
        rows, cols = rows[~drop_rows], cols[~drop_cols]


@_limited
def lscp(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    radius_m: float,
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
) -> SitingResult:
    """Location set covering: the fewest new sites so that every demand point with positive weight is
    within ``radius_m`` of an open site. Raises :class:`InfeasibleError` listing the points that no
    candidate reaches. ``covered_weight`` counts everyone covered, by the fixed sites too."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    radius_m = _radius(radius_m)
    fixed_mask = _fixed_mask(fixed, n_sites)
    a = _coverage_matrix(pairs, n_demand, n_sites, radius_m)
    need = w > 0
    reachable = np.asarray(a.sum(axis=1)).ravel() > 0
    if (need & ~reachable).any():
        raise InfeasibleError(np.flatnonzero(need & ~reachable))
    # Points a fixed site already covers need nothing more.
    if fixed_mask.any():
        need &= ~(np.asarray(a[:, np.flatnonzero(fixed_mask)].sum(axis=1)).ravel() > 0)
    rows, cols = _reduce_set_cover(a, np.flatnonzero(need), np.flatnonzero(~fixed_mask))
    open_sites = fixed_mask.copy()
    if rows.size:
        sub = a[rows][:, cols]
        x = _set_cover_highs(sub)
        if x is None:
            x = _solve(
                np.ones(cols.size),
                np.ones(cols.size, dtype=np.int64),
                Bounds(np.zeros(cols.size), np.ones(cols.size)),
                [LinearConstraint(sub, lb=np.ones(rows.size), ub=np.inf)],
                SET_COVER_OPTIONS,
            )
        open_sites[cols[x > 0.5]] = True
    chosen = np.flatnonzero(open_sites & ~fixed_mask)
    order, gains = _ordered_gains(a, chosen, fixed_mask, w)
    covered = (a @ open_sites.astype(float)) > 0
    return SitingResult(
        chosen=order,
        gain=gains,
        assigned=_assign_nearest(pairs, open_sites, n_demand, radius_m),
        objective=float(chosen.size),
        covered_weight=float(w[covered].sum()),
        status="optimal",
    )


@_limited
def mclp(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    radius_m: float,
    p: int,
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
) -> SitingResult:
    """Maximal covering: ``p`` new sites that cover the most weighted demand within ``radius_m``
    (fixed sites cover too). Variables: y_j (site open, binary), z_i (point covered, 0..1);
    max Σ w_i z_i s.t. z_i ≤ Σ_{j∈N_i} y_j, Σ_{j new} y_j = p (p = 0: what the fixed sites cover)."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    radius_m = _radius(radius_m)
    fixed_mask = _fixed_mask(fixed, n_sites)
    p = _budget(p, int((~fixed_mask).sum()))
    a = _coverage_matrix(pairs, n_demand, n_sites, radius_m)
    # An exact reduction: points without weight or already covered by a fixed site drop out, and so do
    # new sites whose coverage is contained in another new site's (or a fixed site's) coverage.
    by_fixed = (
        np.asarray(a[:, np.flatnonzero(fixed_mask)].sum(axis=1)).ravel() > 0
        if fixed_mask.any()
        else np.zeros(n_demand, dtype=bool)
    )
    rows = np.flatnonzero((w > 0) & ~by_fixed)
    cols = np.flatnonzero(~fixed_mask)
    cols = cols[~_dominated_columns(a[rows][:, cols])] if rows.size else cols[:0]
    open_sites = fixed_mask.copy()
    if cols.size > p > 0:
        sub = a[rows][:, cols]
        n_r, n_c = rows.size, cols.size
        # x = [y (kept sites), z (kept points)]; minimise −Σ w z
        c = np.concatenate([np.zeros(n_c), -w[rows]])
        link = sp.hstack([-sub, sp.identity(n_r, format="csr")], format="csr")  # z_i − Σ y_j ≤ 0
        budget = sp.csr_array(np.concatenate([np.ones(n_c), np.zeros(n_r)])[None, :])
        x = _solve(
            c,
            np.concatenate([np.ones(n_c, dtype=np.int64), np.zeros(n_r, dtype=np.int64)]),
            Bounds(np.zeros(n_c + n_r), np.ones(n_c + n_r)),
            [LinearConstraint(link, lb=-np.inf, ub=np.zeros(n_r)), LinearConstraint(budget, lb=p, ub=p)],
        )
        open_sites[cols[x[:n_c] > 0.5]] = True
    elif p > 0:  # every useful site fits in the budget
        open_sites[cols] = True
    # the budget is spent whole: sites that add nothing fill it (in index order)
    spare = np.flatnonzero(~open_sites)[: p - int((open_sites & ~fixed_mask).sum())]
    open_sites[spare] = True
    covered = (a @ open_sites.astype(float)) > 0
    chosen = np.flatnonzero(open_sites & ~fixed_mask)
    order, gains = _ordered_gains(a, chosen, fixed_mask, w)
    value = float(w[covered].sum())
    return SitingResult(
        chosen=order,
        gain=gains,
        assigned=_assign_nearest(pairs, open_sites, n_demand, radius_m),
        objective=value,
        covered_weight=value,
        status="optimal",
    )


def _dominated_pairs_dropped(
    pairs: Pairs, fixed_mask: NDArray[np.bool_], n_demand: int, unserved_m: float | None
) -> Pairs:
    """The pairs an uncapacitated p-median can use at an optimum (an exact reduction): a point is never
    assigned farther than its nearest fixed (always open) site, nor at ``unserved_m`` or more (staying
    unserved costs no more); of its fixed sites only the nearest is kept."""
    limit = np.full(n_demand, np.inf if unserved_m is None else float(unserved_m))
    on_fixed = fixed_mask[pairs.site]
    np.minimum.at(limit, pairs.demand[on_fixed], pairs.distance_m[on_fixed])
    keep = ~on_fixed & (pairs.distance_m < limit[pairs.demand])
    if on_fixed.any():  # the nearest fixed pair of each point (the first of equals)
        k = np.flatnonzero(on_fixed)
        k = k[np.lexsort((pairs.distance_m[k], pairs.demand[k]))]
        first = np.ones(k.size, dtype=bool)
        first[1:] = pairs.demand[k][1:] != pairs.demand[k][:-1]
        nearest = k[first]
        keep[nearest[pairs.distance_m[nearest] < (np.inf if unserved_m is None else unserved_m)]] = True
    return Pairs(demand=pairs.demand[keep], site=pairs.site[keep], distance_m=pairs.distance_m[keep])


class _MedianModel:
    """The p-median over sparse pairs: x = [y (sites), x_k (one per pair), u_i (unserved, with
    ``unserved_m`` only)]; min Σ w d x + unserved_m Σ w u s.t. Σ_{k∋i} x_k (+ u_i) = 1 (assign),
    x_k − y_{s(k)} ≤ 0 (link), Σ_{j new} y_j = p (budget); fixed sites have a lower bound of 1."""

    def __init__(
        self,
        pairs: Pairs,
        w: NDArray[np.float64],
        fixed_mask: NDArray[np.bool_],
        p: int,
        unserved_m: float | None,
    ) -> None:
        n_demand, n_sites, k = w.size, fixed_mask.size, pairs.demand.size
        u = n_demand if unserved_m is not None else 0
        self.n = n = n_sites + k + u
        self.c = np.concatenate(
            [np.zeros(n_sites), w[pairs.demand] * pairs.distance_m, w * float(unserved_m or 0.0) if u else []]
        )
        self.assign = sp.csr_array(
            (np.ones(k + u), (np.concatenate([pairs.demand, np.arange(u)]), n_sites + np.arange(k + u))),
            shape=(n_demand, n),
        )
        rows = np.arange(k)
        self.link = sp.csr_array(
            (
                np.concatenate([np.ones(k), -np.ones(k)]),
                (np.concatenate([rows, rows]), np.concatenate([n_sites + rows, pairs.site])),
            ),
            shape=(k, n),
        )
        free = np.flatnonzero(~fixed_mask)
        self.budget = sp.csr_array(
            (np.ones(free.size), (np.zeros(free.size, dtype=np.int64), free)), shape=(1, n)
        )
        self.lower = np.concatenate([fixed_mask.astype(float), np.zeros(k + u)])
        self.p = p


def _median_heuristic(
    pairs: Pairs, w: NDArray[np.float64], fixed_mask: NDArray[np.bool_], p: int, unserved_m: float | None
) -> float:
    """A good p-median solution's cost (an upper bound): greedy addition, then drop-and-add
    interchange until no swap improves (Teitz & Bart). Infinite when it leaves a point unserved and
    there is no ``unserved_m``."""
    d, s, x = pairs.demand, pairs.site, pairs.distance_m
    cap = float("inf") if unserved_m is None else float(unserved_m)
    big = 1e15  # stands for "no site yet" in the gains (finite, so that 0 × big stays 0)

    def walks(open_sites: NDArray[np.bool_]) -> NDArray[np.float64]:
        cur = np.full(w.size, min(cap, big))
        on = open_sites[s]
        np.minimum.at(cur, d[on], x[on])
        return cur

    def best_addition(open_sites: NDArray[np.bool_], cur: NDArray[np.float64]) -> int:
        gain = np.bincount(s, weights=w[d] * np.maximum(cur[d] - x, 0.0), minlength=fixed_mask.size)
        gain[open_sites] = -1.0
        return int(np.argmax(gain))

    def cost(open_sites: NDArray[np.bool_]) -> float:
        cur = walks(open_sites)
        if unserved_m is None and (cur >= big).any():
            return float("inf")
        return float((w * cur).sum())

    def interchange(open_sites: NDArray[np.bool_]) -> float:
        best = cost(open_sites)
        for _round in range(50):  # a bound on the passes; a few usually suffice
            improved = False
            for r in np.flatnonzero(open_sites & ~fixed_mask).tolist():
                if not open_sites[r]:  # swapped out earlier in this pass
                    continue
                trial = open_sites.copy()
                trial[r] = False
                trial[best_addition(trial, walks(trial))] = True
                value = cost(trial)
                if value < best - 1e-9 * max(1.0, best):
                    open_sites[:], best, improved = trial, value, True
            if not improved:
                break
        return best

    greedy = fixed_mask.copy()
    for _ in range(p):
        greedy[best_addition(greedy, walks(greedy))] = True
    best = interchange(greedy)
    # a few more starts (random, reproducible): local search from one start often stops short
    rng = np.random.default_rng(0)
    free = np.flatnonzero(~fixed_mask)
    for _start in range(16):
        start = fixed_mask.copy()
        start[rng.choice(free, size=p, replace=False)] = True
        best = min(best, interchange(start))
    return best


def _reduced_cost_fixed(
    pairs: Pairs, w: NDArray[np.float64], fixed_mask: NDArray[np.bool_], p: int, unserved_m: float | None
) -> Pairs:
    """Reduced-cost fixing (exact): with the LP relaxation's optimum LP and reduced costs d, any
    feasible solution costs at least LP + d_j z_j, so a site or pair whose d_j takes LP above a known
    solution's cost (the heuristic's) is 0 in every optimum, and its pairs leave the model. On the bench's
    dense 300 × 500 p-median it drops about 97 % of the pairs before the integer program."""
    if p == 0 or pairs.demand.size == 0:
        return pairs
    upper = _median_heuristic(pairs, w, fixed_mask, p, unserved_m)
    if not np.isfinite(upper):
        return pairs
    model = _MedianModel(pairs, w, fixed_mask, p, unserved_m)
    n_sites, k = fixed_mask.size, pairs.demand.size
    needs = np.flatnonzero(w > 0)  # a point without weight needs no site
    lp = linprog(
        model.c,
        A_ub=model.link,
        b_ub=np.zeros(k),
        A_eq=sp.vstack([model.assign[needs], model.budget], format="csr"),
        b_eq=np.concatenate([np.ones(needs.size), [p]]),
        bounds=np.column_stack([model.lower, np.ones(model.n)]),
        method="highs",
    )
    if lp.status != 0:
        return pairs
    reduced = np.asarray(lp.lower.marginals)
    beyond = lp.fun + reduced > upper + 1e-6 * max(1.0, abs(upper))  # margin over the LP's tolerances
    at_zero = np.asarray(lp.x) < 1e-9
    drop_site = beyond[:n_sites] & at_zero[:n_sites] & ~fixed_mask
    keep = ~drop_site[pairs.site] & ~(beyond[n_sites : n_sites + k] & at_zero[n_sites : n_sites + k])
    return Pairs(demand=pairs.demand[keep], site=pairs.site[keep], distance_m=pairs.distance_m[keep])


def _lagrangian_fixed(
    pairs: Pairs, w: NDArray[np.float64], fixed_mask: NDArray[np.bool_], p: int, unserved_m: float | None
) -> Pairs:
    """Lagrangian reduced-cost fixing (exact; the relaxation of Beasley 1993 for the p-median): relaxing
    each point's assignment Σ_j x_ij (+ u_i) = 1 with a multiplier λ_i leaves, per site, ρ_j =
    Σ_i min(0, w_i d_ij − λ_i); the p free sites of least ρ (with the fixed ones) give a lower bound LB(λ)
    ≤ the optimum for every λ, raised by subgradient steps towards the LP bound. A solution opening a
    site j outside that set costs at least LB − ρ_[p] + ρ_j, and one assigning i to j at least that (or LB,
    for a site in the set) + max(0, w_i d_ij − λ_i): a site or pair whose bound exceeds a known solution's
    cost (the heuristic's) is 0 in every optimum, and leaves the model. The same fixing as the LP's reduced
    costs at a fraction of the time (no 60,000-row LP on the bench's 200 × 300 case)."""
    if p == 0 or pairs.demand.size == 0:
        return pairs
    upper = _median_heuristic(pairs, w, fixed_mask, p, unserved_m)
    if not np.isfinite(upper):
        return pairs
    d, s = pairs.demand, pairs.site
    c = w[d] * pairs.distance_m
    n_sites = fixed_mask.size
    need = np.zeros(w.size, dtype=bool)
    need[d] = True  # the points in the model (pairs exist only for points with people)
    if unserved_m is not None:
        need |= w > 0
    idx = np.flatnonzero(need)
    u_cost = w * float(unserved_m) if unserved_m is not None else None
    free = np.flatnonzero(~fixed_mask)
    fixed_idx = np.flatnonzero(fixed_mask)
    # start: each point's cheapest assignment
    lam = np.zeros(w.size)
    nearest = np.full(w.size, np.inf)
    np.minimum.at(nearest, d, c)
    if u_cost is not None:
        nearest = np.minimum(nearest, u_cost)
    lam[idx] = nearest[idx]

    def bound(
        lam: NDArray[np.float64],
    ) -> tuple[float, NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
        a = c - lam[d]
        rho = np.bincount(s, weights=np.minimum(a, 0.0), minlength=n_sites).astype(np.float64)
        chosen = np.asarray(
            free[np.argpartition(rho[free], p - 1)[:p]] if p < free.size else free, dtype=np.int64
        )
        value = float(lam[idx].sum() + rho[fixed_idx].sum() + rho[chosen].sum())
        if u_cost is not None:
            value += float(np.minimum(u_cost[idx] - lam[idx], 0.0).sum())
        return value, rho, chosen, a

    best_lb, best_lam = -np.inf, lam.copy()
    step, stall = 2.0, 0
    for _iteration in range(300):
        lb, _rho, chosen, a = bound(lam)
        if lb > best_lb + 1e-12 * max(1.0, abs(lb)):
            best_lb, best_lam, stall = lb, lam.copy(), 0
        else:
            stall += 1
            if stall >= 15:
                step, stall = step / 2.0, 0
        if step < 1e-4 or upper - best_lb <= 1e-9 * max(1.0, abs(upper)):
            break
        is_open = np.zeros(n_sites, dtype=bool)
        is_open[chosen] = True
        is_open[fixed_idx] = True
        served = np.bincount(d, weights=(is_open[s] & (a < 0.0)).astype(np.float64), minlength=w.size)
        if u_cost is not None:
            served += (u_cost - lam < 0.0).astype(np.float64)
        g = np.zeros(w.size)
        g[idx] = 1.0 - served[idx]
        norm = float((g * g).sum())
        if norm == 0.0:  # the relaxation's solution is feasible: the bound is the optimum
            break
        lam = lam + step * (upper - lb) / norm * g
    lb, rho, chosen, a = bound(best_lam)
    margin = 1e-6 * max(1.0, abs(upper))  # over the floating-point error of the sums
    in_set = np.zeros(n_sites, dtype=bool)
    in_set[chosen] = True
    in_set[fixed_idx] = True
    worst = float(rho[chosen].max()) if chosen.size else 0.0
    site_lb = np.where(in_set, lb, lb - worst + rho)  # the bound with the site open
    drop_site = (site_lb > upper + margin) & ~fixed_mask
    pair_lb = site_lb[s] + np.maximum(a, 0.0)
    keep = ~drop_site[s] & ~(pair_lb > upper + margin)
    return Pairs(demand=d[keep], site=s[keep], distance_m=pairs.distance_m[keep])


def _closing_costs(
    pairs: Pairs,
    open_sites: NDArray[np.bool_],
    assigned: NDArray[np.int64],
    w: NDArray[np.float64],
    reach: float,
    unserved_m: float | None,
    sites: NDArray[np.int64],
) -> list[float]:
    """For each of ``sites``: the weighted distance that closing it alone adds — its points move to their
    next-nearest open site within ``reach``, or stay unserved at ``unserved_m`` (infinite without it)."""
    ok = open_sites[pairs.site] & (pairs.distance_m <= reach)
    d, st, x = pairs.demand[ok], pairs.site[ok], pairs.distance_m[ok]
    first = np.full(w.size, np.inf)
    np.minimum.at(first, d, x)
    other = st != assigned[d]
    second = np.full(w.size, np.inf)
    np.minimum.at(second, d[other], x[other])
    fallback = np.inf if unserved_m is None else float(unserved_m)
    alt = np.minimum(second, fallback)
    served = assigned >= 0
    out = []
    for j in sites.tolist():
        mine = served & (assigned == j)
        if not np.isfinite(alt[mine]).all():
            out.append(float("inf"))
            continue
        out.append(float((w[mine] * (alt[mine] - first[mine])).sum()))
    return out


@_limited
def p_median(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    p: int,
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
    unserved_m: float | None = None,
) -> SitingResult:
    """p-median over the given pairs: ``p`` new sites minimising Σ w_i d_ij x_ij, each demand point
    assigned to one open site among its pairs. Raises :class:`InfeasibleError` for points without pairs.

    With ``unserved_m`` a point may stay unassigned at the cost of that distance (a point no open site
    reaches within the pairs' limit counts as a walk of ``unserved_m``): the model is then feasible for
    any budget, and ``covered_weight`` is the weight of the assigned points; a point whose nearest open
    site is ``unserved_m`` or farther is left unassigned. Points of zero weight neither need nor draw a
    site (they are assigned to the nearest open one afterwards)."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    if unserved_m is not None:
        unserved_m = _radius(unserved_m, "unserved")
    fixed_mask = _fixed_mask(fixed, n_sites)
    p = _budget(p, int((~fixed_mask).sum()))
    has_pair = np.bincount(pairs.demand, minlength=n_demand) > 0
    if unserved_m is None and ((w > 0) & ~has_pair).any():
        raise InfeasibleError(np.flatnonzero((w > 0) & ~has_pair))
    weighted = w[pairs.demand] > 0
    model_pairs = Pairs(pairs.demand[weighted], pairs.site[weighted], pairs.distance_m[weighted])
    mp = _dominated_pairs_dropped(model_pairs, fixed_mask, n_demand, unserved_m)
    mp = _lagrangian_fixed(mp, w, fixed_mask, p, unserved_m)
    # Only sites with a pair left (and the fixed ones) enter the integer program; when fewer than p
    # remain they all open, and sites that serve nobody fill the budget (in index order).
    index = np.flatnonzero(fixed_mask | (np.bincount(mp.site, minlength=n_sites) > 0))
    compact = np.full(n_sites, -1, dtype=np.int64)
    compact[index] = np.arange(index.size)
    cfixed = fixed_mask[index]
    budget = min(p, int((~cfixed).sum()))
    model = _MedianModel(
        Pairs(demand=mp.demand, site=compact[mp.site], distance_m=mp.distance_m),
        w,
        cfixed,
        budget,
        unserved_m,
    )
    if index.size == 0:  # no site serves a weighted point and none exists: nothing to solve
        x = np.zeros(model.n)
    else:
        x = _solve(
            model.c,
            np.concatenate(
                [np.ones(index.size, dtype=np.int64), np.zeros(model.n - index.size, dtype=np.int64)]
            ),
            Bounds(model.lower, np.ones(model.n)),
            [
                LinearConstraint(model.assign, lb=(w > 0).astype(np.float64), ub=1),
                LinearConstraint(model.link, lb=-np.inf, ub=0),
                LinearConstraint(model.budget, lb=budget, ub=budget),
            ],
        )
    open_sites = np.zeros(n_sites, dtype=bool)
    open_sites[index[x[: index.size] > 0.5]] = True
    open_sites |= fixed_mask
    open_sites[np.flatnonzero(~open_sites)[: p - int((open_sites & ~fixed_mask).sum())]] = True
    # served: a walk shorter than unserved_m (at unserved_m or beyond, staying unserved costs the same)
    reach = np.inf if unserved_m is None else float(np.nextafter(unserved_m, 0.0))
    assigned = _assign_nearest(pairs, open_sites, n_demand, reach)

    objective = _total_distance(pairs, assigned, w, n_sites)
    chosen = np.flatnonzero(open_sites & ~fixed_mask)
    gains = _closing_costs(pairs, open_sites, assigned, w, reach, unserved_m, chosen)
    order = np.argsort(-np.array(gains), kind="stable") if gains else np.array([], dtype=np.int64)
    return SitingResult(
        chosen=chosen[order],
        gain=np.array(gains)[order] if gains else np.array([]),
        assigned=assigned,
        objective=objective,
        covered_weight=float(w[assigned >= 0].sum()),
        status="optimal",
    )


@dataclass(frozen=True)
class CapacitatedResult(SitingResult):
    """``served[j]``: the weighted demand site j serves (0 for closed sites); ``share`` per pair: the
    fraction of the pair's demand point served by the pair's site."""

    served: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))
    share: NDArray[np.float64] = field(default_factory=lambda: np.zeros(0))


@_limited
def capacitated_mclp(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    radius_m: float,
    p: int,
    capacity: NDArray[np.float64],
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
) -> CapacitatedResult:
    """Capacitated maximal covering: ``p`` new sites that *serve* the most weighted demand within
    ``radius_m`` when a site serves at most ``capacity[j]`` (kindergarten places, beds).

    Variables y_j (open, binary) and x_k (share of pair k's demand point served by its site, 0..1,
    pairs within the radius only): max Σ_k w_{i(k)} x_k s.t. Σ_{k∋i} x_k ≤ 1 (a point is not served
    twice), Σ_{k∋j} w_{i(k)} x_k ≤ cap_j y_j (capacity, and only open sites serve), Σ_{j new} y_j = p.
    Existing facilities are fixed open with their own capacity. Demand may be split between sites
    (places are counted per child, not per area)."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    radius_m = _radius(radius_m)
    fixed_mask = _fixed_mask(fixed, n_sites)
    cap = _check_capacity(capacity, n_sites)
    p = _budget(p, int((~fixed_mask).sum()))
    within = pairs.distance_m <= radius_m
    d, s = pairs.demand[within], pairs.site[within]
    open_sites, share, _u = _capacitated(
        d, s, w, cap, fixed_mask, pair_cost=-w[d], site_cost=np.zeros(n_sites), serve_all=False, p=p
    )
    return _capacitated_result(d, s, w, within, open_sites, fixed_mask, share, float((w[d] * share).sum()))


def _check_capacity(cap: NDArray[np.float64], n_sites: int) -> NDArray[np.float64]:
    cap = np.asarray(cap, dtype=np.float64)
    if cap.shape != (n_sites,) or not np.all(np.isfinite(cap)) or np.any(cap < 0):
        raise AnalysisError("capacity", "capacity must give a non-negative number per site")
    return cap


def _capacitated(
    d: NDArray[np.int64],
    s: NDArray[np.int64],
    w: NDArray[np.float64],
    cap: NDArray[np.float64],
    fixed_mask: NDArray[np.bool_],
    *,
    pair_cost: NDArray[np.float64],
    site_cost: NDArray[np.float64],
    serve_all: bool,
    unserved_cost: float | None = None,
    p: int | None = None,
    open_all: bool = False,
    tight: bool = False,
) -> tuple[NDArray[np.bool_], NDArray[np.float64], NDArray[np.float64]]:
    """One capacitated model over the pairs (d[k], s[k]): variables y_j (open, binary), x_k (share of
    point d[k] served by site s[k], 0..1) and, with ``unserved_cost``, u_i (share left unserved).

    min Σ site_cost·y + Σ pair_cost·x + unserved_cost·Σ w_i u_i subject to
    Σ_{k∋i} x_k (+ u_i) = 1 for points with weight when ``serve_all`` (≤ 1 otherwise);
    Σ_{k∋j} w_{d(k)} x_k ≤ cap_j y_j (capacity; only open sites serve); with ``tight`` also
    x_k ≤ y_{s(k)} (same integer optimum, a tighter relaxation: it halves the p-median's solve time
    but makes the covering models several times slower, measured on the bench city);
    Σ_{j new} y_j = p when ``p`` is given. Fixed sites are open;
    ``open_all`` opens every site (the assignment LP). Returns (open sites, x, u).

    Sites without any pair serve nobody: they stay out of the program (they only fill the budget,
    in index order, when fewer useful sites than ``p`` exist)."""
    index = np.flatnonzero(fixed_mask | (np.bincount(s, minlength=cap.size) > 0))
    if index.size == 0:  # no site serves anyone and none exists: nothing to solve
        open_sites = np.ones(cap.size, dtype=bool) if open_all else np.zeros(cap.size, dtype=bool)
        if p is not None:
            open_sites[np.flatnonzero(~open_sites)[:p]] = True
        unserved = np.ones(w.size) if unserved_cost is not None else np.zeros(0)
        return open_sites, np.zeros(d.size), unserved
    if index.size < cap.size:
        compact = np.full(cap.size, -1, dtype=np.int64)
        compact[index] = np.arange(index.size)
        n_free = int((~fixed_mask[index]).sum())
        sub_open, share, unserved = _capacitated(
            d,
            compact[s],
            w,
            cap[index],
            fixed_mask[index],
            pair_cost=pair_cost,
            site_cost=site_cost[index],
            serve_all=serve_all,
            unserved_cost=unserved_cost,
            p=None if p is None else min(p, n_free),
            open_all=open_all,
            tight=tight,
        )
        open_sites = np.ones(cap.size, dtype=bool) if open_all else np.zeros(cap.size, dtype=bool)
        open_sites[index[sub_open]] = True
        if p is not None:
            open_sites[np.flatnonzero(~open_sites)[: p - int((open_sites & ~fixed_mask).sum())]] = True
        return open_sites, share, unserved
    n_demand, n_sites, n_pairs = w.size, cap.size, d.size
    n_u = n_demand if unserved_cost is not None else 0
    n = n_sites + n_pairs + n_u
    rows = np.arange(n_pairs)
    c = np.concatenate([site_cost, pair_cost, (unserved_cost or 0.0) * w if n_u else np.zeros(0)])
    once = sp.csr_array(
        (
            np.ones(n_pairs + n_u),
            (
                np.concatenate([d, np.arange(n_u)]),
                np.concatenate([n_sites + rows, n_sites + n_pairs + np.arange(n_u)]),
            ),
        ),
        shape=(n_demand, n),
    )
    load = sp.csr_array(
        (
            np.concatenate([w[d], -cap]),
            (np.concatenate([s, np.arange(n_sites)]), np.concatenate([n_sites + rows, np.arange(n_sites)])),
        ),
        shape=(n_sites, n),
    )
    once_lb = np.where(w > 0, 1.0, -np.inf) if serve_all else np.full(n_demand, -np.inf)
    constraints = [
        LinearConstraint(once, lb=once_lb, ub=np.ones(n_demand)),
        LinearConstraint(load, lb=-np.inf, ub=np.zeros(n_sites)),
    ]
    if tight:  # x_k − y_s(k) ≤ 0
        link = sp.csr_array(
            (
                np.concatenate([np.ones(n_pairs), -np.ones(n_pairs)]),
                (np.concatenate([rows, rows]), np.concatenate([n_sites + rows, s])),
            ),
            shape=(n_pairs, n),
        )
        constraints.append(LinearConstraint(link, lb=-np.inf, ub=np.zeros(n_pairs)))
    if p is not None:
        free = np.flatnonzero(~fixed_mask)
        budget = sp.csr_array((np.ones(free.size), (np.zeros(free.size, dtype=np.int64), free)), shape=(1, n))
        constraints.append(LinearConstraint(budget, lb=p, ub=p))
    lower = np.concatenate(
        [np.ones(n_sites) if open_all else fixed_mask.astype(float), np.zeros(n_pairs + n_u)]
    )
    x = _solve(
        c,
        np.concatenate([np.ones(n_sites, dtype=np.int64), np.zeros(n_pairs + n_u, dtype=np.int64)]),
        Bounds(lower, np.ones(n)),
        constraints,
    )
    return (
        x[:n_sites] > 0.5,
        np.clip(x[n_sites : n_sites + n_pairs], 0.0, 1.0),
        np.clip(x[n_sites + n_pairs :], 0.0, 1.0),
    )


def _capacity_shortfall(
    d: NDArray[np.int64],
    s: NDArray[np.int64],
    w: NDArray[np.float64],
    cap: NDArray[np.float64],
) -> None:
    """Raise :class:`CapacityShortError` when even every site open cannot serve all weighted demand."""
    no_pair = (w > 0) & (np.bincount(d, minlength=w.size) == 0)
    if no_pair.any():
        raise InfeasibleError(np.flatnonzero(no_pair))
    _open, share, _u = _capacitated(
        d,
        s,
        w,
        cap,
        np.zeros(cap.size, dtype=bool),
        pair_cost=-w[d],
        site_cost=np.zeros(cap.size),
        serve_all=False,
        open_all=True,
    )
    served = np.bincount(d, weights=share, minlength=w.size)
    left = (w > 0) & (served < 1.0 - 1e-7)
    if left.any():
        raise CapacityShortError(np.flatnonzero(left), float((w * (1.0 - served))[left].sum()))


def _capacitated_result(
    d: NDArray[np.int64],
    s: NDArray[np.int64],
    w: NDArray[np.float64],
    within: NDArray[np.bool_],
    open_sites: NDArray[np.bool_],
    fixed_mask: NDArray[np.bool_],
    share: NDArray[np.float64],
    objective: float,
) -> CapacitatedResult:
    n_sites, n_demand = open_sites.size, w.size
    served: NDArray[np.float64] = np.bincount(s, weights=w[d] * share, minlength=n_sites).astype(np.float64)
    chosen = np.flatnonzero(open_sites & ~fixed_mask)
    order = chosen[np.argsort(-served[chosen], kind="stable")]
    assigned = np.full(n_demand, -1, dtype=np.int64)
    best = np.zeros(n_demand)
    for k in np.flatnonzero(share > 1e-9).tolist():  # the site serving the largest share of each point
        if share[k] > best[d[k]]:
            best[d[k]], assigned[d[k]] = share[k], s[k]
    full_share = np.zeros(within.size)
    full_share[np.flatnonzero(within)] = share
    return CapacitatedResult(
        chosen=order,
        gain=served[order],
        assigned=assigned,
        objective=objective,
        covered_weight=float((w[d] * share).sum()),
        status="optimal",
        served=served,
        share=full_share,
    )


@_limited
def capacitated_lscp(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    radius_m: float,
    capacity: NDArray[np.float64],
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
) -> CapacitatedResult:
    """Capacitated set covering: the fewest new sites so that all weighted demand is *served* within
    ``radius_m`` by sites holding at most ``capacity[j]`` each (existing facilities fixed open with their
    own capacity; demand may be split between sites). Raises :class:`InfeasibleError` for points no
    candidate reaches and :class:`CapacityShortError` when every candidate open is still not enough."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    radius_m = _radius(radius_m)
    fixed_mask = _fixed_mask(fixed, n_sites)
    cap = _check_capacity(capacity, n_sites)
    within = pairs.distance_m <= radius_m
    d, s = pairs.demand[within], pairs.site[within]
    _capacity_shortfall(d, s, w, cap)
    open_sites, share, _u = _capacitated(
        d,
        s,
        w,
        cap,
        fixed_mask,
        pair_cost=np.zeros(d.size),
        site_cost=(~fixed_mask).astype(np.float64),
        serve_all=True,
    )
    return _capacitated_result(
        d, s, w, within, open_sites, fixed_mask, share, float((open_sites & ~fixed_mask).sum())
    )


@_limited
def capacitated_p_median(
    pairs: Pairs,
    *,
    n_demand: int,
    n_sites: int,
    p: int,
    capacity: NDArray[np.float64],
    fixed: NDArray[np.int64] | None = None,
    weights: NDArray[np.float64] | None = None,
    unserved_m: float | None = None,
) -> CapacitatedResult:
    """Capacitated p-median: ``p`` new sites minimising Σ w_i d_ij x_ij when site j holds at most
    ``capacity[j]`` (demand may be split). With ``unserved_m`` a share of a point may stay unserved at
    that distance (feasible for any budget); without it every point must be served, and
    :class:`CapacityShortError` is raised when every candidate open is still not enough. ``objective``
    is the weighted distance of the served demand; the gain of a site is the demand it serves."""
    pairs, w = _check(pairs, n_demand, n_sites, weights)
    if unserved_m is not None:
        unserved_m = _radius(unserved_m, "unserved")
    fixed_mask = _fixed_mask(fixed, n_sites)
    cap = _check_capacity(capacity, n_sites)
    p = _budget(p, int((~fixed_mask).sum()))
    within = np.ones(pairs.demand.size, dtype=bool)
    d, s, x = pairs.demand, pairs.site, pairs.distance_m
    if unserved_m is None:
        _capacity_shortfall(d, s, w, cap)
    open_sites, share, _u = _capacitated(
        d,
        s,
        w,
        cap,
        fixed_mask,
        pair_cost=w[d] * x,
        site_cost=np.zeros(n_sites),
        serve_all=True,
        unserved_cost=unserved_m,
        p=p,
        tight=True,
    )
    return _capacitated_result(
        d, s, w, within, open_sites, fixed_mask, share, float((w[d] * x * share).sum())
    )

"""Education planning: the kindergarten a housing development owes and whether it came with the housing
(国办发〔2019〕3号 "同步规划、同步建设、同步交付使用"), children by single year of age and their five-year
cohort forecast, class sizes against the limits (Shandong 2018: kindergarten ≤ 30, primary ≤ 45, junior
middle ≤ 50 per class; 大班额 56+, 超大班额 66+), the school-entry age on a cut-off day, and catchments
(学区划分): each residential area, whole, to one school so that no school exceeds its places and the walk
is least — a generalized assignment problem solved exactly on HiGHS (``scipy.optimize.milp``).

Dates are calendar days. A kindergarten is "with" the housing at a stage when its own date is on or before
the housing's (the same day is on time; the day after is one day late).
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date
from enum import StrEnum
from typing import Any

import numpy as np
import scipy.sparse as sp
from numpy.typing import NDArray
from scipy.optimize import Bounds, LinearConstraint, milp

from gaoxin.analysis.errors import AnalysisError

MAX_AGE = 14  # the forecast follows ages 0..14 (kindergarten 3–5, primary 6–11, junior middle 12–14)
LEVEL_AGES: dict[str, tuple[int, int]] = {
    "kindergarten": (3, 5),
    "primary": (6, 11),
    "middle": (12, 14),
}


def _number(value: Any, name: str, *, positive: bool = False, allow_zero: bool = True) -> float:
    try:
        x = float(value)
    except (TypeError, ValueError):
        raise AnalysisError("edu_number", f"{name} must be a number", name=name) from None
    if not math.isfinite(x) or x < 0 or (positive and x == 0) or (not allow_zero and x == 0):
        raise AnalysisError("edu_number", f"{name} must be a finite number ≥ 0", name=name)
    return x


def _count(value: Any, name: str) -> int:
    x = _number(value, name)
    if x != int(x):
        raise AnalysisError("edu_count", f"{name} must be a whole number", name=name)
    return int(x)


# --- the kindergarten a development owes ---------------------------------------------------------------


@dataclass(frozen=True)
class KindergartenRule:
    """How a development's dwellings become kindergarten places: residents = dwellings × persons per
    household × occupancy; places = residents × places per 1,000 residents ÷ 1,000 (rounded up); classes =
    places ÷ class size (rounded up). A development needing fewer than ``min_classes_own`` classes is
    served jointly by a kindergarten nearby; one kindergarten holds at most ``max_classes`` classes."""

    persons_per_household: float
    occupancy: float
    places_per_1000: float
    class_size: int
    min_classes_own: int
    max_classes: int

    def __post_init__(self) -> None:
        _number(self.persons_per_household, "persons per household", positive=True)
        occ = _number(self.occupancy, "occupancy", positive=True)
        if occ > 1:
            raise AnalysisError("edu_occupancy", "occupancy is a share between 0 and 1")
        _number(self.places_per_1000, "places per 1,000 residents", positive=True)
        for name in ("class_size", "min_classes_own", "max_classes"):
            if _count(getattr(self, name), name) < 1:
                raise AnalysisError("edu_number", f"{name} must be at least 1", name=name)
        if self.min_classes_own > self.max_classes:
            raise AnalysisError("edu_rule", "the smallest own kindergarten is larger than the largest")


@dataclass(frozen=True)
class Requirement:
    residents: float
    places: int
    classes: int
    own: bool  # False: too small for a kindergarten of its own, served jointly
    kindergartens: int  # how many kindergartens the classes need (classes ÷ max classes, rounded up)


def required_kindergarten(dwellings: Any, rule: KindergartenRule) -> Requirement:
    n = _count(dwellings, "dwellings")
    residents = n * rule.persons_per_household * rule.occupancy
    places = math.ceil(residents * rule.places_per_1000 / 1000 - 1e-9)
    classes = math.ceil(places / rule.class_size) if places else 0
    own = classes >= rule.min_classes_own
    return Requirement(
        residents=residents,
        places=places,
        classes=classes,
        own=own,
        kindergartens=math.ceil(classes / rule.max_classes) if own else 0,
    )


# --- the 同步 check -----------------------------------------------------------------------------------


class Stage(StrEnum):
    PLANNED = "planned"  # 同步规划: the planning permit
    BUILT = "built"  # 同步建设: construction start
    DELIVERED = "delivered"  # 同步交付使用: handed over for use


class StageState(StrEnum):
    ON_TIME = "on_time"  # the kindergarten's date on or before the housing's
    LATE = "late"  # reached, after the housing
    MISSING = "missing"  # the housing reached the stage, the kindergarten has not
    PENDING = "pending"  # neither has reached it yet


@dataclass(frozen=True)
class Dates:
    """The actual dates of one side (the first phase of the housing, or the kindergarten)."""

    permit: date | None = None
    start: date | None = None
    accepted: date | None = None  # 竣工验收
    delivered: date | None = None

    def at(self, stage: Stage) -> date | None:
        return {Stage.PLANNED: self.permit, Stage.BUILT: self.start, Stage.DELIVERED: self.delivered}[stage]


@dataclass(frozen=True)
class StageCheck:
    stage: Stage
    state: StageState
    days_late: int  # LATE: kindergarten − housing; MISSING: today − housing (still growing)


@dataclass(frozen=True)
class SyncResult:
    stages: tuple[StageCheck, ...]
    places_required: int
    places_provided: int
    places_short: int
    missing: bool  # a kindergarten of its own is owed and none is recorded
    hold_acceptance: bool  # the housing's completion acceptance must wait for the kindergarten
    accepted_without: bool  # the housing was accepted while the kindergarten was not
    breaks: bool = field(default=False)

    @property
    def worst_days(self) -> int:
        return max(
            (s.days_late for s in self.stages if s.state in (StageState.LATE, StageState.MISSING)), default=0
        )


def sync_check(
    housing: Dates,
    kindergarten: Dates | None,
    *,
    places_required: int,
    places_provided: int,
    today: date,
    acceptance_planned: date | None = None,
    warn_days: int = 90,
) -> SyncResult:
    """Whether a development's kindergarten is planned, built and delivered with the first phase of its
    housing, and how many places are short. ``kindergarten`` None: none is recorded. The housing's
    completion acceptance is held (``hold_acceptance``) while it is not yet accepted and the kindergarten
    is not accepted, from ``warn_days`` before its planned day (or at once when no day is planned and the
    housing is built); ``accepted_without`` when the housing was accepted before the kindergarten."""
    req = _count(places_required, "places required")
    got = _count(places_provided, "places provided")
    warn = _count(warn_days, "warning days")
    kg = kindergarten or Dates()
    checks = []
    for stage in Stage:
        h, k = housing.at(stage), kg.at(stage)
        if k is not None and (h is None or k <= h):
            checks.append(StageCheck(stage, StageState.ON_TIME, 0))
        elif k is not None and h is not None:
            checks.append(StageCheck(stage, StageState.LATE, (k - h).days))
        elif h is not None and h <= today:
            checks.append(StageCheck(stage, StageState.MISSING, (today - h).days))
        else:
            checks.append(StageCheck(stage, StageState.PENDING, 0))
    kg_ready = kg.accepted is not None and kg.accepted <= today
    hold = False
    if housing.accepted is None and not kg_ready and req > 0:
        if acceptance_planned is not None:
            hold = (acceptance_planned - today).days <= warn
        else:
            hold = housing.start is not None and housing.start <= today
    accepted_without = (
        req > 0
        and housing.accepted is not None
        and housing.accepted <= today
        and (kg.accepted is None or kg.accepted > housing.accepted)
    )
    short = max(0, req - got)
    missing = kindergarten is None and req > 0
    breaks = (
        missing
        or short > 0
        or accepted_without
        or any(c.state in (StageState.LATE, StageState.MISSING) for c in checks)
    )
    return SyncResult(tuple(checks), req, got, short, missing, hold, accepted_without, breaks)


# --- ages and the school-entry cut-off ------------------------------------------------------------------


def school_age(birth: date, year: int, cutoff: tuple[int, int] = (8, 31)) -> int:
    """The age a child has reached on the cut-off day (month, day) of ``year``: the age that decides the
    school year it enters (a child turning 6 on 31 August enters that September under a 31 August cut-off;
    one born a day later waits a year). A 29 February birthday counts as reached on 28 February."""
    month, day = cutoff
    try:
        on = date(year, month, day)
    except ValueError:
        raise AnalysisError("edu_cutoff", "the cut-off is not a day of the year") from None
    bday_month, bday_day = birth.month, birth.day
    if (bday_month, bday_day) == (2, 29) and not _leap(year):
        bday_day = 28
    age = year - birth.year - (1 if (bday_month, bday_day) > (on.month, on.day) else 0)
    return max(age, -1)


def _leap(year: int) -> bool:
    return year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)


def entry_year(birth: date, entry_age: int = 6, cutoff: tuple[int, int] = (8, 31)) -> int:
    """The calendar year in whose September a child born on ``birth`` enters (age ``entry_age`` reached by
    the cut-off day)."""
    year = birth.year + entry_age
    return year if school_age(birth, year, cutoff) >= entry_age else year + 1


def ages_from_births(
    births: Sequence[date], year: int, cutoff: tuple[int, int] = (8, 31)
) -> NDArray[np.float64]:
    """Children by single school age 0..14 in ``year`` from their birth dates (a register)."""
    out = np.zeros(MAX_AGE + 1)
    for b in births:
        a = school_age(b, year, cutoff)
        if 0 <= a <= MAX_AGE:
            out[a] += 1
    return out


def single_years(bands: Mapping[tuple[int, int], float]) -> NDArray[np.float64]:
    """Children by single year 0..14 from counts by age band (lo, hi inclusive), each band spread evenly
    over its years (an area's register gives bands, not years)."""
    out = np.zeros(MAX_AGE + 1)
    for (lo, hi), n in bands.items():
        if lo < 0 or hi < lo or hi > MAX_AGE:
            raise AnalysisError("edu_band", f"age band {lo}-{hi} is outside 0..{MAX_AGE}", lo=lo, hi=hi)
        out[lo : hi + 1] += _number(n, "children") / (hi - lo + 1)
    return out


# --- the five-year forecast -----------------------------------------------------------------------------


@dataclass(frozen=True)
class ForecastRule:
    """Cohort progression: next year's age-k children are this year's age-(k−1) children × ``migration``;
    newborns are the year's residents × ``births_per_1000`` ÷ 1,000; housing adds its children by age in
    the year it is delivered."""

    births_per_1000: float
    migration: float = 1.0

    def __post_init__(self) -> None:
        _number(self.births_per_1000, "births per 1,000")
        m = _number(self.migration, "migration factor", positive=True)
        if m > 2:
            raise AnalysisError("edu_migration", "a yearly migration factor above 2 is not plausible")


def forecast(
    ages: NDArray[np.float64],
    residents: NDArray[np.float64],
    rule: ForecastRule,
    *,
    years: int = 5,
    added_children: NDArray[np.float64] | None = None,
    added_residents: NDArray[np.float64] | None = None,
) -> NDArray[np.float64]:
    """Children by area and single age for this year and ``years`` more: ``ages`` is (areas × 15);
    ``residents`` (areas) today; ``added_children`` (years × areas × 15) and ``added_residents`` (years ×
    areas) are what delivered housing brings in forecast year 1..years. Returns (years + 1) × areas × 15."""
    a = np.asarray(ages, dtype=float)
    if a.ndim != 2 or a.shape[1] != MAX_AGE + 1:
        raise AnalysisError("edu_shape", "ages must be areas × 15 single years")
    if not np.isfinite(a).all() or (a < 0).any():
        raise AnalysisError("edu_number", "children must be finite numbers ≥ 0", name="children")
    n = a.shape[0]
    pop = np.asarray(residents, dtype=float)
    if pop.shape != (n,) or not np.isfinite(pop).all() or (pop < 0).any():
        raise AnalysisError("edu_shape", "residents must be one finite number ≥ 0 per area")
    years = _count(years, "years")
    add_c = (
        np.zeros((years, n, MAX_AGE + 1))
        if added_children is None
        else np.asarray(added_children, dtype=float)
    )
    add_r = np.zeros((years, n)) if added_residents is None else np.asarray(added_residents, dtype=float)
    if add_c.shape != (years, n, MAX_AGE + 1) or add_r.shape != (years, n):
        raise AnalysisError("edu_shape", "the housing additions must be given per forecast year and area")
    out = np.zeros((years + 1, n, MAX_AGE + 1))
    out[0] = a
    for t in range(1, years + 1):
        pop = pop * rule.migration + add_r[t - 1]
        out[t, :, 1:] = out[t - 1, :, :-1] * rule.migration
        out[t, :, 0] = pop * rule.births_per_1000 / 1000
        out[t] += add_c[t - 1]
    return out


def level_demand(by_age: NDArray[np.float64], level: str) -> NDArray[np.float64]:
    """Children of a school level's ages, summed over the last axis (single ages 0..14)."""
    if level not in LEVEL_AGES:
        raise AnalysisError("edu_level", f"unknown school level {level}", level=level)
    lo, hi = LEVEL_AGES[level]
    return np.asarray(by_age[..., lo : hi + 1].sum(axis=-1))


def age_shares(bands: Mapping[tuple[int, int], float], population: float) -> NDArray[np.float64]:
    """The share of residents at each single age 0..14 (children per resident) from a population's
    counts by band: what a new resident brings."""
    total = _number(population, "population")
    if total == 0:
        return np.zeros(MAX_AGE + 1)
    return single_years(bands) / total


# --- class sizes ----------------------------------------------------------------------------------------


class ClassState(StrEnum):
    WITHIN = "within"
    OVER = "over"  # above the level's limit
    LARGE = "large"  # 大班额: 56 or more on average
    VERY_LARGE = "very_large"  # 超大班额: 66 or more


@dataclass(frozen=True)
class ClassCheck:
    pupils: int
    classes: int
    average: float | None
    state: ClassState
    classes_needed: int  # classes to keep every class within the limit
    places: int  # classes × the limit


def class_check(
    pupils: Any, classes: Any, limit: Any, *, large: int = 56, very_large: int = 66
) -> ClassCheck:
    """A school's classes against the per-class limit: 45 pupils per class is within a limit of 45, 46
    is over. The average decides (the register holds pupils and classes per school)."""
    p, c, lim = _count(pupils, "pupils"), _count(classes, "classes"), _count(limit, "class limit")
    if lim < 1:
        raise AnalysisError("edu_number", "the class limit must be at least 1", name="class limit")
    if c == 0:
        state = ClassState.WITHIN if p == 0 else ClassState.VERY_LARGE
        return ClassCheck(p, 0, None, state, math.ceil(p / lim), 0)
    avg = p / c
    state = (
        ClassState.VERY_LARGE
        if avg >= very_large
        else ClassState.LARGE
        if avg >= large
        else ClassState.OVER
        if p > c * lim
        else ClassState.WITHIN
    )
    return ClassCheck(p, c, avg, state, math.ceil(p / lim), c * lim)


# --- catchments -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class CatchmentResult:
    """``school[i]``: the school of area i (-1: none — no school reachable, or places exhausted);
    ``distance_m[i]`` its walk (inf when none); ``load[j]``: the children school j takes; ``unreachable``:
    areas no school can be walked to; ``unplaced``: reachable areas left without a school because the
    places run out; ``beyond``: areas assigned beyond ``radius_m``."""

    school: NDArray[np.int64]
    distance_m: NDArray[np.float64]
    load: NDArray[np.float64]
    total_m: float  # Σ children × walk over the placed areas (person-metres)
    longest_m: float
    unreachable: NDArray[np.int64]
    unplaced: NDArray[np.int64]
    beyond: NDArray[np.int64]
    status: str
    gap: float | None = None  # None: proven optimal; else the relative gap when the time limit stopped it


def _milp(
    c: NDArray[np.float64],
    constraints: list[LinearConstraint],
    upper: NDArray[np.float64],
    integral: NDArray[np.int64],
    time_limit: float,
) -> tuple[NDArray[np.float64], float | None]:
    """Solve; the solution and, when the time limit stopped the search first, the relative gap of the
    incumbent returned (None: proven optimal)."""
    res = milp(
        c,
        integrality=integral,
        bounds=Bounds(np.zeros(c.size), upper),
        constraints=constraints,
        options={"disp": False, "time_limit": time_limit},
    )
    if res.x is None or res.status not in (0, 1):
        if res.status == 1:
            raise AnalysisError("edu_time", "the solver reached its time limit before finding any catchment")
        raise AnalysisError("solver", f"the solver did not find a solution: {res.message}")
    gap = float(getattr(res, "mip_gap", 0.0) or 0.0) if res.status == 1 else None
    return np.asarray(res.x), gap


def assign_catchments(
    distance_m: Any,
    demand: Any,
    capacity: Any,
    *,
    radius_m: float,
    objective: str = "total",
    time_limit_s: float = 60.0,
) -> CatchmentResult:
    """Assign each area, whole, to one school: ``distance_m`` (areas × schools, inf where a school cannot
    be walked to), ``demand`` the children of each area, ``capacity`` the places of each school. First as
    many children as possible are placed (when places run short some areas stay unplaced, the fewest
    children possible); then, among those placements, ``objective`` "total" minimises Σ children × walk
    and "longest" minimises the longest walk of a child (then the total at that longest walk). Areas with
    no children go to their nearest school. Exact (mixed-integer program on HiGHS)."""
    d = np.asarray(distance_m, dtype=float)
    w = np.asarray(demand, dtype=float)
    cap = np.asarray(capacity, dtype=float)
    if d.ndim != 2 or w.shape != (d.shape[0],) or cap.shape != (d.shape[1],):
        raise AnalysisError(
            "edu_shape", "distances must be areas × schools, demand per area, places per school"
        )
    if np.isnan(d).any() or (d < 0).any():
        raise AnalysisError("edu_number", "walking distances must be numbers ≥ 0", name="distance")
    for arr, name in ((w, "children"), (cap, "places")):
        if not np.isfinite(arr).all() or (arr < 0).any():
            raise AnalysisError("edu_number", f"{name} must be finite numbers ≥ 0", name=name)
    radius = _number(radius_m, "radius", positive=True)
    if objective not in ("total", "longest"):
        raise AnalysisError("edu_objective", f"unknown objective {objective}", objective=objective)
    n_areas, n_schools = d.shape
    finite = np.isfinite(d)
    reachable = finite.any(axis=1)
    school = np.full(n_areas, -1, dtype=np.int64)
    for i in np.flatnonzero(reachable & (w == 0)):
        school[i] = int(np.argmin(d[i]))
    active = np.flatnonzero(reachable & (w > 0))
    status, gap = "optimal", None
    if active.size:
        ai, sj = np.nonzero(finite[active])
        area_of, school_of = active[ai], sj
        nx = ai.size
        n_act = active.size
        # variables: x_k for each finite pair, then u_i (area i unplaced) for each active area
        one = sp.csr_array((np.ones(nx), (ai, np.arange(nx))), shape=(n_act, nx))
        assign_rows = sp.hstack([one, sp.identity(n_act, format="csr")], format="csr")
        cap_rows = sp.hstack(
            [
                sp.csr_array((w[area_of], (school_of, np.arange(nx))), shape=(n_schools, nx)),
                sp.csr_array((n_schools, n_act)),
            ],
            format="csr",
        )
        base = [
            LinearConstraint(assign_rows, np.ones(n_act), np.ones(n_act)),
            LinearConstraint(cap_rows, -np.inf, cap),
        ]
        nv = nx + n_act
        integral = np.ones(nv, dtype=np.int64)
        upper = np.ones(nv)
        # 1. place as many children as possible
        x, gap1 = _milp(np.r_[np.zeros(nx), w[active]], base, upper, integral, time_limit_s)
        unplaced_w = float(w[active] @ x[nx:])
        extra: list[LinearConstraint] = []
        if gap1 is None and unplaced_w <= 1e-9:
            upper[nx:] = 0.0  # everyone is placed: the unplaced variables are fixed at zero
        else:  # keep the children placed at least as many
            extra.append(
                LinearConstraint(np.r_[np.zeros(nx), w[active]][None, :], -np.inf, unplaced_w + 1e-6)
            )
        pair_d = d[area_of, school_of]
        gaps = [g for g in (gap1,) if g is not None]
        if objective == "longest":
            # 2a. the least longest walk: z ≥ d_k x_k for each pair (z a continuous variable at the end)
            rows = sp.hstack(
                [sp.diags(pair_d, format="csr"), sp.csr_array((nx, n_act)), sp.csr_array(-np.ones((nx, 1)))],
                format="csr",
            )
            cons = [
                LinearConstraint(
                    sp.hstack([sp.csr_array(c.A), sp.csr_array((c.A.shape[0], 1))], format="csr"), c.lb, c.ub
                )
                for c in [*base, *extra]
            ]
            cons.append(LinearConstraint(rows, -np.inf, np.zeros(nx)))
            xz, gap_z = _milp(
                np.r_[np.zeros(nv), 1.0], cons, np.r_[upper, np.inf], np.r_[integral, 0], time_limit_s
            )
            gaps += [gap_z] if gap_z is not None else []
            longest = float(xz[-1])
            upper[:nx][pair_d > longest + 1e-6] = 0.0  # no walk longer than the least longest walk
        # 2. the least total walk among them
        x, gap2 = _milp(
            np.r_[w[area_of] * pair_d, np.zeros(n_act)], [*base, *extra], upper, integral, time_limit_s
        )
        gaps += [gap2] if gap2 is not None else []
        if gaps:
            status, gap = "time_limit", max(gaps)
        chosen = np.flatnonzero(x[:nx] > 0.5)
        school[area_of[chosen]] = school_of[chosen]
    placed = school >= 0
    dist = np.full(n_areas, np.inf)
    dist[placed] = d[np.flatnonzero(placed), school[placed]]
    load = np.zeros(n_schools)
    np.add.at(load, school[placed], w[placed])
    unreachable = np.flatnonzero(~reachable)
    unplaced = np.flatnonzero(reachable & ~placed)
    beyond = np.flatnonzero(placed & (dist > radius))
    served = placed & (w > 0)
    return CatchmentResult(
        school=school,
        distance_m=dist,
        load=load,
        total_m=float((w[served] * dist[served]).sum()),
        longest_m=float(dist[served].max()) if served.any() else 0.0,
        unreachable=unreachable,
        unplaced=unplaced,
        beyond=beyond,
        status=status,
        gap=gap,
    )


def neighbours(x_m: Any, y_m: Any, *, max_edge_m: float = 1500.0) -> list[tuple[int, int]]:
    """Which areas are neighbours: the edges of the Delaunay triangulation of their centres (the areas
    whose Thiessen polygons touch), without edges longer than ``max_edge_m`` (across a river or open
    land). Fewer than three points, or points in a line, are joined in order along the line."""
    from scipy.spatial import Delaunay, QhullError

    x, y = np.asarray(x_m, dtype=float), np.asarray(y_m, dtype=float)
    if x.shape != y.shape or x.ndim != 1 or not (np.isfinite(x).all() and np.isfinite(y).all()):
        raise AnalysisError("edu_shape", "centres must be two arrays of finite metres")
    limit = _number(max_edge_m, "longest neighbour edge", positive=True)
    n = x.size
    pairs: set[tuple[int, int]] = set()
    try:
        if n < 3:
            raise QhullError
        tri = Delaunay(np.column_stack([x, y]))
        for simplex in tri.simplices:
            for a, b in ((0, 1), (1, 2), (0, 2)):
                i, j = sorted((int(simplex[a]), int(simplex[b])))
                pairs.add((i, j))
    except QhullError:  # too few points, or all on a line: neighbours along the line
        order = np.lexsort((y, x))
        pairs = {(min(int(a), int(b)), max(int(a), int(b))) for a, b in zip(order, order[1:], strict=False)}
    return sorted((i, j) for i, j in pairs if math.hypot(x[i] - x[j], y[i] - y[j]) <= limit)


def contiguity(school: Sequence[int], edges: Sequence[tuple[int, int]]) -> dict[int, int]:
    """For each school, the number of separate pieces its catchment forms on the adjacency ``edges``
    between areas (1: contiguous)."""
    parent = list(range(len(school)))

    def find(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    for a, b in edges:
        if school[a] >= 0 and school[a] == school[b]:
            parent[find(a)] = find(b)
    pieces: dict[int, set[int]] = {}
    for i, s in enumerate(school):
        if s >= 0:
            pieces.setdefault(int(s), set()).add(find(i))
    return {s: len(roots) for s, roots in pieces.items()}

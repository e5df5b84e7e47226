"""Life-circle scoring (一刻钟社区服务圈): coverage, completeness (达标率), population-weighted
coverage and the two-step floating catchment (2SFCA) supply–demand ratio.

Formulas: ../shared/reference/lifecircle-standards.md §4.1 (coverage and 达标率) and §4.4 (2SFCA,
Gaussian 2SFCA). Inputs are plain arrays; distances in metres.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from gaoxin.analysis.errors import AnalysisError


def covered(distance_m: NDArray[np.float64], radius_m: NDArray[np.float64]) -> NDArray[np.bool_]:
    """C[i, c] = 1 when the nearest facility of type c is within its radius d0(c) of area i (§4.1)."""
    d = np.asarray(distance_m, dtype=np.float64)
    r = np.asarray(radius_m, dtype=np.float64)
    if d.ndim != 2 or r.shape != (d.shape[1],):
        raise AnalysisError("shape", "distance_m is (areas, types) and radius_m has one radius per type")
    if (r <= 0).any() or not np.isfinite(r).all():
        raise AnalysisError("radius", "every radius must be a positive distance")
    result: NDArray[np.bool_] = d <= r[None, :]
    return result


def completeness(cover: NDArray[np.bool_], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """达标率 of each area over the items with a positive weight: Σ w_c·C[i, c] / Σ w_c (§4.1).

    Give the mandatory (▲) items weight 1 and the others 0 for the standard's completeness; an area
    is 达标 only when its completeness is 1. NaN when no item has weight (nothing to meet)."""
    c = np.asarray(cover, dtype=bool)
    w = np.asarray(weights, dtype=np.float64)
    if c.ndim != 2 or w.shape != (c.shape[1],):
        raise AnalysisError("shape", "cover is (areas, types) and weights has one weight per type")
    if (w < 0).any():
        raise AnalysisError("weights", "weights must not be negative")
    total = float(w.sum())
    if total == 0:
        return np.full(c.shape[0], np.nan)
    result: NDArray[np.float64] = (c * w[None, :]).sum(axis=1) / total
    return result


def weighted_coverage(
    cover: NDArray[np.bool_], population: NDArray[np.float64], groups: NDArray[np.int64], n_groups: int
) -> NDArray[np.float64]:
    """Population coverage ratio per group and type: Σ P_i·C[i, c] / Σ P_i over the areas of each
    group (a community, a street, or one group for the zone) (§4.1). NaN for a group without people."""
    c = np.asarray(cover, dtype=bool)
    p = np.asarray(population, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    if c.ndim != 2 or p.shape != (c.shape[0],) or g.shape != (c.shape[0],):
        raise AnalysisError("shape", "cover is (areas, types); population and groups have one value per area")
    if (p < 0).any():
        raise AnalysisError("population", "population must not be negative")
    if g.size and (g.min() < 0 or g.max() >= n_groups):
        raise AnalysisError("groups", f"groups must lie in 0..{n_groups - 1}")
    covered_pop = np.zeros((n_groups, c.shape[1]))
    np.add.at(covered_pop, g, c * p[:, None])
    people = np.bincount(g, weights=p, minlength=n_groups)
    with np.errstate(invalid="ignore", divide="ignore"):
        result: NDArray[np.float64] = np.where(people[:, None] > 0, covered_pop / people[:, None], np.nan)
    return result


Decay = Literal["flat", "gaussian"]


def gaussian_weight(distance_m: NDArray[np.float64], radius_m: float) -> NDArray[np.float64]:
    """Gaussian 2SFCA weight (Dai 2010): G(d, d0) = [e^(−½(d/d0)²) − e^(−½)] / (1 − e^(−½)) for
    d ≤ d0, else 0 (§4.4). G(0) = 1, G(d0) = 0."""
    d = np.asarray(distance_m, dtype=np.float64)
    e = math.exp(-0.5)
    g = (np.exp(-0.5 * (d / radius_m) ** 2) - e) / (1.0 - e)
    result: NDArray[np.float64] = np.where(d <= radius_m, g, 0.0)
    return result


@dataclass(frozen=True)
class FloatingCatchment:
    """``accessibility[i]``: supply per person reachable from area i (A_i); ``ratio[j]``: supply per
    person in facility j's catchment (R_j); ``ratio_to_norm[i]`` = A_i / norm (≥ 1 meets the norm)."""

    accessibility: NDArray[np.float64]
    ratio: NDArray[np.float64]
    ratio_to_norm: NDArray[np.float64]


def two_step_fca(
    area: NDArray[np.int64],
    facility: NDArray[np.int64],
    distance_m: NDArray[np.float64],
    *,
    demand: NDArray[np.float64],
    supply: NDArray[np.float64],
    radius_m: float,
    norm_per_person: float,
    decay: Decay = "flat",
) -> FloatingCatchment:
    """Two-step floating catchment area (Luo & Wang 2002; Gaussian option, Dai 2010) (§4.4).

    The pairs (``area[k]``, ``facility[k]``, ``distance_m[k]``) list the walking distances that lie
    within ``radius_m`` (pairs beyond it are ignored).

    Step 1: R_j = S_j / Σ_{k: d_kj ≤ d0} W(d_kj)·P_k. Step 2: A_i = Σ_{j: d_ij ≤ d0} W(d_ij)·R_j.
    With W = 1 (flat) or the Gaussian weight. A facility that no one reaches has R_j = 0 (its supply
    serves no one in the zone); an area that reaches no facility has A_i = 0.
    """
    a = np.asarray(area, dtype=np.int64)
    f = np.asarray(facility, dtype=np.int64)
    d = np.asarray(distance_m, dtype=np.float64)
    p = np.asarray(demand, dtype=np.float64)
    s = np.asarray(supply, dtype=np.float64)
    if not (a.shape == f.shape == d.shape) or a.ndim != 1:
        raise AnalysisError("shape", "area, facility and distance_m are pair lists of equal length")
    if (p < 0).any() or (s < 0).any() or not (np.isfinite(p).all() and np.isfinite(s).all()):
        raise AnalysisError("values", "demand and supply must be finite and not negative")
    if not radius_m > 0 or not norm_per_person > 0:
        raise AnalysisError("radius", "radius_m and norm_per_person must be positive")
    if a.size and (a.min() < 0 or a.max() >= p.size or f.min() < 0 or f.max() >= s.size):
        raise AnalysisError("index", "a pair refers to an area or facility that does not exist")
    keep = d <= radius_m
    a, f, d = a[keep], f[keep], d[keep]
    w = np.ones_like(d) if decay == "flat" else gaussian_weight(d, radius_m)
    served = np.zeros(s.size)
    np.add.at(served, f, w * p[a])
    with np.errstate(invalid="ignore", divide="ignore"):
        ratio = np.where(served > 0, s / served, 0.0)
    acc = np.zeros(p.size)
    np.add.at(acc, a, w * ratio[f])
    return FloatingCatchment(accessibility=acc, ratio=ratio, ratio_to_norm=acc / norm_per_person)

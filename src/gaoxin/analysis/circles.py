"""Life-circle scoring (一刻钟社区服务圈): coverage, completeness (达标率), population-weighted
coverage and the two-step floating catchment (2SFCA) supply–demand ratio.

Formulas: population coverage and 达标率 as Chinese plans report them; 2SFCA (Luo & Wang 2002) and its
Gaussian variant (Dai 2010); docs/methods.md. Inputs are plain arrays; distances in metres.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Literal

import numpy as np
from numpy.typing import NDArray

from gaoxin.analysis import access
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.network import Network


def covered(distance_m: NDArray[np.float64], radius_m: NDArray[np.float64]) -> NDArray[np.bool_]:
    """C[i, c] = 1 when the nearest facility of type c is within its radius d0(c) of area i."""
    d = np.asarray(distance_m, dtype=np.float64)
    r = np.asarray(radius_m, dtype=np.float64)
    if d.ndim != 2 or r.shape != (d.shape[1],):
        raise AnalysisError("shape", "distance_m is (areas, types) and radius_m has one radius per type")
    if (r <= 0).any() or not np.isfinite(r).all():
        raise AnalysisError("radius", "every radius must be a positive distance")
    result: NDArray[np.bool_] = d <= r[None, :]
    return result


def completeness(cover: NDArray[np.bool_], weights: NDArray[np.float64]) -> NDArray[np.float64]:
    """达标率 of each area over the items with a positive weight: Σ w_c·C[i, c] / Σ w_c.

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
    group (a community, a street, or one group for the zone). NaN for a group without people."""
    c = np.asarray(cover, dtype=bool)
    p = np.asarray(population, dtype=np.float64)
    g = np.asarray(groups, dtype=np.int64)
    if c.ndim != 2 or p.shape != (c.shape[0],) or g.shape != (c.shape[0],):
        raise AnalysisError("shape", "cover is (areas, types); population and groups have one value per area")
    if not np.isfinite(p).all():
        raise AnalysisError("population", "population must be a finite number for every area")
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
    d ≤ d0, else 0 (Dai 2010). G(0) = 1, G(d0) = 0."""
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
    """Two-step floating catchment area (Luo & Wang 2002; Gaussian option, Dai 2010).

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


# --- the whole evaluation of a zone ---------------------------------------------------------------


@dataclass(frozen=True)
class CircleInputs:
    """Everything one evaluation needs, as arrays.

    Areas are measured from their gates (``gate_area[g]`` is the area of gate g). Facilities carry
    the index of their profile item (``facility_item``) and a capacity (0 when unknown). Items have a
    radius, a mandatory flag, a service-class index, and optionally a capacity norm per person of a
    demand group (``item_norm`` NaN and ``item_group`` -1 when the item has none); ``area_demand``
    is (areas, groups).
    """

    gate_area: NDArray[np.int64]
    gate_lon: NDArray[np.float64]
    gate_lat: NDArray[np.float64]
    area_population: NDArray[np.float64]
    area_demand: NDArray[np.float64]
    facility_item: NDArray[np.int64]
    facility_lon: NDArray[np.float64]
    facility_lat: NDArray[np.float64]
    facility_capacity: NDArray[np.float64]
    item_radius_m: NDArray[np.float64]
    item_mandatory: NDArray[np.bool_]
    item_class: NDArray[np.int64]
    item_norm: NDArray[np.float64]
    item_group: NDArray[np.int64]
    n_classes: int
    # which of evaluate()'s networks (walking profiles) measures each item; None: all on the first
    item_network: NDArray[np.int64] | None = None


@dataclass(frozen=True)
class CircleResult:
    """Per area and item: nearest walking distance (inf beyond the search distance) and facility
    (-1), covered, number of facilities within the radius, and the 2SFCA ratio to the norm (NaN for
    items without a norm). Per area: completeness over the mandatory items and per class (NaN for a
    class without mandatory items). Gates and facilities farther than the snapping tolerance from any
    street are listed as unreachable."""

    distance_m: NDArray[np.float64]
    facility: NDArray[np.int64]
    covered: NDArray[np.bool_]
    count: NDArray[np.int64]
    supply_ratio: NDArray[np.float64]
    completeness: NDArray[np.float64]
    class_completeness: NDArray[np.float64]
    unreachable_gates: NDArray[np.int64]
    unreachable_facilities: NDArray[np.int64]


def _min_per_area(
    gate_area: NDArray[np.int64], dist: NDArray[np.float64], which: NDArray[np.int64], n_areas: int
) -> tuple[NDArray[np.float64], NDArray[np.int64]]:
    """For each area and item, the smallest gate distance and its facility."""
    n_items = dist.shape[1]
    best = np.full((n_areas, n_items), np.inf)
    fac = np.full((n_areas, n_items), -1, dtype=np.int64)
    for k in range(n_items):
        order = np.lexsort((dist[:, k], gate_area))
        first = np.ones(order.size, dtype=bool)
        first[1:] = gate_area[order][1:] != gate_area[order][:-1]
        rows = order[first]
        best[gate_area[rows], k] = dist[rows, k]
        fac[gate_area[rows], k] = which[rows, k]
    return best, fac


def _same_geometry(a: Network, b: Network) -> bool:
    """Whether two networks have the same nodes and edges (one may carry a walking profile's costs)."""
    return a is b or (
        np.array_equal(a.x_m, b.x_m)
        and np.array_equal(a.y_m, b.y_m)
        and np.array_equal(a.edge_u, b.edge_u)
        and np.array_equal(a.edge_v, b.edge_v)
        and np.array_equal(a.geometric_length_m, b.geometric_length_m)
    )


def evaluate(
    network: Network,
    inputs: CircleInputs,
    *,
    search_factor: float = 3.0,
    snap_tolerance_m: float = 300.0,
    decay: Decay = "flat",
    profile_networks: Sequence[Network] = (),
) -> CircleResult:
    """Evaluate every area against every item of a profile.

    Nearest distances are searched up to ``search_factor`` × the largest radius so that a gap shows
    how far the nearest facility is. An area's distance to a facility is the shortest from any of its
    gates. Counts and catchments use the same area–facility distances.

    An item measured for a walking profile (``inputs.item_network[k]`` = j ≥ 1) is measured on
    ``profile_networks[j - 1]``: the same network with that profile's costs (``network.with_profile``),
    so its distances are costs in metres at the standard's speed and its radius keeps its minutes.
    """
    n_areas = int(inputs.area_population.shape[0])
    n_items = int(inputs.item_radius_m.shape[0])
    population = np.asarray(inputs.area_population, dtype=np.float64)
    if not np.isfinite(population).all() or (population < 0).any():
        raise AnalysisError("population", "every area needs a finite, non-negative population")
    demand = np.asarray(inputs.area_demand, dtype=np.float64)
    if not np.isfinite(demand).all() or (demand < 0).any():
        raise AnalysisError("population", "every area needs a finite, non-negative demand per group")
    if n_items == 0:
        raise AnalysisError("empty_profile", "the profile has no items")
    if inputs.gate_area.size and (inputs.gate_area.min() < 0 or inputs.gate_area.max() >= n_areas):
        raise AnalysisError("gate_area", "a gate refers to an area that does not exist")
    radius = np.asarray(inputs.item_radius_m, dtype=np.float64)
    networks = [network, *profile_networks]
    which = np.zeros(n_items, dtype=np.int64) if inputs.item_network is None else inputs.item_network
    if which.shape != (n_items,) or which.min() < 0 or which.max() >= len(networks):
        raise AnalysisError("item_network", "every item needs one of the given networks")
    if any(not _same_geometry(n, network) for n in profile_networks):
        raise AnalysisError("item_network", "the profile networks must be the network with other costs")
    # Points are snapped once: a profile changes costs, not geometry.
    gates = access.snap(network, inputs.gate_lon, inputs.gate_lat, tolerance_m=snap_tolerance_m)
    facilities = access.snap(network, inputs.facility_lon, inputs.facility_lat, tolerance_m=snap_tolerance_m)
    cutoff = float(radius.max()) * search_factor
    gate_distance = np.full((len(gates), n_items), np.inf)
    gate_facility = np.full((len(gates), n_items), -1, dtype=np.int64)
    pair_parts = []
    for j in np.unique(which).tolist():
        net = networks[j]
        mine = which == j
        prepared = access.prepare(net, gates, facilities)
        near = access.nearest(
            net,
            gates,
            facilities,
            inputs.facility_item,
            n_categories=n_items,
            cutoff_m=cutoff,
            prepared=prepared,
        )
        gate_distance[:, mine] = near.distance_m[:, mine, 0]
        gate_facility[:, mine] = near.facility[:, mine, 0]
        pairs = access.pairs_within(net, gates, facilities, max_m=float(radius.max()), prepared=prepared)
        keep = mine[inputs.facility_item[pairs.facility]]
        pair_parts.append((pairs.origin[keep], pairs.facility[keep], pairs.distance_m[keep]))
    distance, facility = _min_per_area(inputs.gate_area, gate_distance, gate_facility, n_areas)

    # Area–facility distances within the largest radius (shortest over the area's gates).
    pairs = access.Pairs(*(np.concatenate(parts) for parts in zip(*pair_parts, strict=True)))
    pa = inputs.gate_area[pairs.origin]
    key = pa * max(1, facilities.edge.size) + pairs.facility
    order = np.lexsort((pairs.distance_m, key))
    first = np.ones(order.size, dtype=bool)
    first[1:] = key[order][1:] != key[order][:-1]
    pa, pf, pd = pa[order][first], pairs.facility[order][first], pairs.distance_m[order][first]
    item = inputs.facility_item[pf]
    within = pd <= radius[item]
    count = np.zeros((n_areas, n_items), dtype=np.int64)
    np.add.at(count, (pa[within], item[within]), 1)

    supply_ratio = np.full((n_areas, n_items), np.nan)
    for k in np.flatnonzero(np.isfinite(inputs.item_norm) & (inputs.item_group >= 0)):
        sel = within & (item == k)
        members = np.flatnonzero(inputs.facility_item == k)
        local = np.full(inputs.facility_item.size, -1, dtype=np.int64)
        local[members] = np.arange(members.size)
        fca = two_step_fca(
            pa[sel],
            local[pf[sel]],
            pd[sel],
            demand=inputs.area_demand[:, inputs.item_group[k]],
            supply=inputs.facility_capacity[members],
            radius_m=float(radius[k]),
            norm_per_person=float(inputs.item_norm[k]),
            decay=decay,
        )
        supply_ratio[:, k] = fca.ratio_to_norm

    cover = covered(distance, radius)
    mandatory = np.asarray(inputs.item_mandatory, dtype=bool)
    complete = completeness(cover, mandatory.astype(np.float64))
    by_class = np.full((n_areas, inputs.n_classes), np.nan)
    for c in range(inputs.n_classes):
        w = (mandatory & (inputs.item_class == c)).astype(np.float64)
        if w.sum() > 0:
            by_class[:, c] = completeness(cover, w)
    return CircleResult(
        distance_m=distance,
        facility=facility,
        covered=cover,
        count=count,
        supply_ratio=supply_ratio,
        completeness=complete,
        class_completeness=by_class,
        unreachable_gates=np.flatnonzero(~gates.reachable),
        unreachable_facilities=np.flatnonzero(~facilities.reachable),
    )


def mean_supply_ratio(inputs: CircleInputs, result: CircleResult) -> NDArray[np.float64]:
    """Per item, the demand-weighted mean over the areas of the 2SFCA supply ratio to the norm (1.0:
    the norm is met on average); NaN for an item without a norm, a demand group or demand."""
    out = np.full(inputs.item_group.shape[0], np.nan)
    for k, g in enumerate(inputs.item_group.tolist()):
        ratio = result.supply_ratio[:, k]
        ok = ~np.isnan(ratio)
        if g < 0 or not ok.any():
            continue
        demand = inputs.area_demand[ok, g]
        if demand.sum() > 0:
            out[k] = float((demand * ratio[ok]).sum() / demand.sum())
    return out

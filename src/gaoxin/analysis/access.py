"""Walking distances on a :class:`~gaoxin.analysis.network.Network`: snapping, nearest, counts.

Points (residential-area gates, facility entrances) snap to the nearest point on the nearest edge
(not the nearest node). Each snapped point becomes a node that splits its edge into two parts
whose lengths are the partial lengths, so distances are exact along the street, including between
two points on the same edge. Searches run once per category from all of its facilities at once
(multi-source Dijkstra with a cutoff), never once per origin.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

import numpy as np
import scipy.sparse as sp
import shapely
from numpy.typing import NDArray
from scipy.sparse.csgraph import dijkstra

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import to_projected
from gaoxin.analysis.network import Network, symmetric_csr

DEFAULT_SNAP_TOLERANCE_M = 300.0
# GB 50180-2018 Table 3.0.4 tiers 300/500/1000 m for 5/10/15 minutes imply about 1.0 m/s.
DEFAULT_WALKING_SPEED_M_S = 1.0


@dataclass(frozen=True)
class Snapped:
    """Points snapped onto edges: ``edge`` index, ``offset_m`` from the edge's u end along the edge,
    ``distance_m`` from the point to the street; ``reachable`` is False beyond the tolerance (then
    ``edge`` is -1)."""

    edge: NDArray[np.int64]
    offset_m: NDArray[np.float64]
    distance_m: NDArray[np.float64]
    reachable: NDArray[np.bool_]


def snap(
    network: Network,
    lon: NDArray[np.float64],
    lat: NDArray[np.float64],
    *,
    tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M,
) -> Snapped:
    """Snap WGS-84 points to the nearest point of the nearest edge within ``tolerance_m``."""
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise AnalysisError("shape", "lon and lat must be 1-d arrays of equal length")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise AnalysisError("coordinate_not_finite", "a point has a coordinate that is not a finite number")
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise AnalysisError("coordinate_range", "a point lies outside the lon/lat range")
    x, y = to_projected(lon, lat, crs=network.crs)
    lines = shapely.linestrings(list(network.edge_coords)) if network.n_edges else np.array([])
    tree = shapely.STRtree(lines)
    points = shapely.points(x, y)
    n = lon.shape[0]
    edge = np.full(n, -1, dtype=np.int64)
    distance = np.full(n, np.inf)
    # The nearest edge of every point (ties: the lowest edge index, for determinism).
    pairs, dists = tree.query_nearest(points, return_distance=True, all_matches=True)
    for p, e, d in sorted(zip(pairs[0].tolist(), pairs[1].tolist(), dists.tolist(), strict=True)):
        if edge[p] == -1:
            edge[p], distance[p] = e, d
    reachable = (edge >= 0) & (distance <= tolerance_m)
    offset = np.zeros(n)
    idx = np.flatnonzero(reachable)
    if idx.size:
        offset[idx] = shapely.line_locate_point(lines[edge[idx]], points[idx])
    edge[~reachable] = -1
    return Snapped(edge=edge, offset_m=offset, distance_m=distance, reachable=reachable)


def _augment(network: Network, snapped: list[Snapped]) -> tuple[sp.csr_matrix, list[NDArray[np.int64]]]:
    """Split each edge at the points snapped onto it; return the graph and each point's node id."""
    n = network.n_nodes
    point_nodes: list[NDArray[np.int64]] = []
    on_edge: dict[int, list[tuple[float, int]]] = defaultdict(list)
    for s in snapped:
        ids = np.full(s.edge.shape[0], -1, dtype=np.int64)
        for i in np.flatnonzero(s.reachable):
            ids[i] = n
            on_edge[int(s.edge[i])].append((float(s.offset_m[i]), n))
            n += 1
        point_nodes.append(ids)
    split = np.zeros(network.n_edges, dtype=bool)
    rows: list[int] = []
    cols: list[int] = []
    data: list[float] = []
    for e, pts in on_edge.items():
        split[e] = True
        pts.sort()
        length = float(network.edge_length_m[e])
        chain = [(0.0, int(network.edge_u[e])), *pts, (length, int(network.edge_v[e]))]
        for (o1, a), (o2, b) in zip(chain[:-1], chain[1:], strict=True):
            rows.append(a)
            cols.append(b)
            data.append(max(min(o2, length) - min(o1, length), 0.0))
    u = np.concatenate([network.edge_u[~split], np.array(rows, dtype=np.int64)])
    v = np.concatenate([network.edge_v[~split], np.array(cols, dtype=np.int64)])
    w = np.concatenate([network.edge_length_m[~split], np.array(data)])
    return symmetric_csr(n, u, v, w), point_nodes


@dataclass(frozen=True)
class NearestResult:
    """``distance_m[i, k]``: walking distance from origin i to the nearest facility of category k
    (inf beyond the cutoff or when unreachable); ``facility[i, k]``: its index (-1 when none)."""

    distance_m: NDArray[np.float64]
    facility: NDArray[np.int64]


def _check_categories(
    categories: NDArray[np.int64], n_categories: int, n_facilities: int
) -> NDArray[np.int64]:
    cats = np.asarray(categories, dtype=np.int64)
    if cats.shape != (n_facilities,):
        raise AnalysisError("shape", "categories must give one category per facility")
    if n_facilities and (cats.min() < 0 or cats.max() >= n_categories):
        raise AnalysisError("category_range", f"categories must lie in 0..{n_categories - 1}")
    return cats


def nearest(
    network: Network,
    origins: Snapped,
    facilities: Snapped,
    categories: NDArray[np.int64],
    *,
    n_categories: int,
    cutoff_m: float,
) -> NearestResult:
    """Distance from every origin to the nearest facility of each category, up to ``cutoff_m``.

    One multi-source Dijkstra per category from all its (reachable) facilities at once. Origins or
    facilities that did not snap give inf / -1. A category with no facility gives inf everywhere.
    Equal distances resolve to whichever source the search settles first.
    """
    if not cutoff_m > 0:
        raise AnalysisError("cutoff", "cutoff_m must be positive")
    cats = _check_categories(categories, n_categories, facilities.edge.shape[0])
    graph, (onodes, fnodes) = _augment(network, [origins, facilities])
    n_orig = onodes.shape[0]
    dist = np.full((n_orig, n_categories), np.inf)
    which = np.full((n_orig, n_categories), -1, dtype=np.int64)
    node_to_facility = {int(node): i for i, node in enumerate(fnodes) if node >= 0}
    ok = onodes >= 0
    for k in range(n_categories):
        sources = fnodes[(cats == k) & (fnodes >= 0)]
        if sources.size == 0:
            continue
        d, _pred, src = dijkstra(
            graph, directed=False, indices=sources, limit=cutoff_m, min_only=True, return_predecessors=True
        )
        dk = d[onodes[ok]]
        dist[ok, k] = np.where(dk <= cutoff_m, dk, np.inf)
        sk = src[onodes[ok]]
        which[ok, k] = np.array(
            [
                node_to_facility.get(int(s), -1) if np.isfinite(x) else -1
                for s, x in zip(sk, dist[ok, k], strict=True)
            ],
            dtype=np.int64,
        )
    return NearestResult(distance_m=dist, facility=which)


@dataclass(frozen=True)
class CountsResult:
    """``count[i, k, t]``: facilities of category k within ``thresholds_m[t]`` of origin i;
    ``weight[i, k, t]``: the sum of their weights (e.g. capacity)."""

    count: NDArray[np.int64]
    weight: NDArray[np.float64]
    thresholds_m: NDArray[np.float64]


def counts(
    network: Network,
    origins: Snapped,
    facilities: Snapped,
    categories: NDArray[np.int64],
    *,
    n_categories: int,
    thresholds_m: NDArray[np.float64],
    weights: NDArray[np.float64] | None = None,
    batch: int = 64,
) -> CountsResult:
    """Number (and weight sum) of facilities of each category within each threshold of each origin."""
    thr = np.sort(np.asarray(thresholds_m, dtype=np.float64))
    if thr.ndim != 1 or thr.size == 0 or not (thr > 0).all():
        raise AnalysisError("thresholds", "thresholds_m must be positive distances")
    n_fac = facilities.edge.shape[0]
    cats = _check_categories(categories, n_categories, n_fac)
    w = np.ones(n_fac) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n_fac,) or not np.isfinite(w).all():
        raise AnalysisError("weights", "weights must be one finite number per facility")
    graph, (onodes, fnodes) = _augment(network, [origins, facilities])
    n_orig = onodes.shape[0]
    count = np.zeros((n_orig, n_categories, thr.size), dtype=np.int64)
    weight = np.zeros((n_orig, n_categories, thr.size))
    ok = np.flatnonzero(onodes >= 0)
    live = np.flatnonzero(fnodes >= 0)
    for start in range(0, live.size, batch):
        chunk = live[start : start + batch]
        d = dijkstra(graph, directed=False, indices=fnodes[chunk], limit=float(thr[-1]))[:, onodes[ok]]
        for row, f in enumerate(chunk):
            within = d[row][:, None] <= thr[None, :]
            count[ok, cats[f], :] += within
            weight[ok, cats[f], :] += within * w[f]
    return CountsResult(count=count, weight=weight, thresholds_m=thr)


def minutes(
    distance_m: NDArray[np.float64], *, speed_m_s: float = DEFAULT_WALKING_SPEED_M_S
) -> NDArray[np.float64]:
    """Walking minutes for distances in metres at ``speed_m_s`` (slower for elderly and children)."""
    if not speed_m_s > 0:
        raise AnalysisError("speed", "speed_m_s must be positive")
    return np.asarray(distance_m, dtype=np.float64) / speed_m_s / 60.0

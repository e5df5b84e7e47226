"""Walking distances on a :class:`~gaoxin.analysis.network.Network`.

Points (residential-area gates, facility entrances) snap to the nearest point on the nearest edge,
not the nearest node. Searches run on the contracted network (chains of degree-2 nodes as one edge);
a facility becomes a node that splits its chain, an origin reaches the graph through the nodes on either
side of it along its chain, so distances are exact along the street, also between two points on one
edge. Points may also be network nodes (:func:`at_nodes`), e.g. every node as an origin.

Searches are compiled (numba, ``_kernels``): one multi-source search per category from all of its
facilities at once, with a cutoff (never one search per origin); counts use one bounded search per
facility that credits every origin it reaches. A block of origins can be searched on its region only
(:class:`Region`, :func:`split_blocks`) with the same answers: the city-scale path.
"""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass
from typing import Any

import numpy as np
import shapely
import shapely.geometry
import shapely.ops
from numpy.typing import NDArray
from scipy.sparse import csr_matrix as sp_csr

from gaoxin.analysis import _kernels
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import to_lon_lat, to_projected
from gaoxin.analysis.network import Contracted, Network, symmetric_csr

DEFAULT_SNAP_TOLERANCE_M = 300.0
# GB 50180-2018 Table 3.0.4 tiers 300/500/1000 m for 5/10/15 minutes imply about 1.0 m/s.
DEFAULT_WALKING_SPEED_M_S = 1.0
MAX_K = 5


@dataclass(frozen=True)
class Snapped:
    """Points located on the network.

    A point is either a network node (``node`` ≥ 0) or lies on ``edge`` at ``offset_m`` from the
    edge's u end; ``distance_m`` is how far the original point was from the street. ``reachable``
    is False for a point beyond the snapping tolerance (its ``edge`` and ``node`` are -1).
    """

    edge: NDArray[np.int64]
    offset_m: NDArray[np.float64]
    distance_m: NDArray[np.float64]
    reachable: NDArray[np.bool_]
    node: NDArray[np.int64]

    def __len__(self) -> int:
        return int(self.edge.shape[0])


def _check_points(lon: Any, lat: Any) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    lon = np.asarray(lon, dtype=np.float64)
    lat = np.asarray(lat, dtype=np.float64)
    if lon.shape != lat.shape or lon.ndim != 1:
        raise AnalysisError("shape", "lon and lat must be 1-d arrays of equal length")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise AnalysisError("coordinate_not_finite", "a point has a coordinate that is not a finite number")
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise AnalysisError("coordinate_range", "a point lies outside the lon/lat range")
    return lon, lat


def subset(points: Snapped, index: Any) -> Snapped:
    """Some of the located points, in the order of ``index``."""
    i = np.asarray(index, dtype=np.int64)
    return Snapped(
        edge=points.edge[i],
        offset_m=points.offset_m[i],
        distance_m=points.distance_m[i],
        reachable=points.reachable[i],
        node=points.node[i],
    )


def concat(a: Snapped, b: Snapped) -> Snapped:
    """Two sets of located points as one (``a``'s first)."""
    return Snapped(
        edge=np.concatenate([a.edge, b.edge]),
        offset_m=np.concatenate([a.offset_m, b.offset_m]),
        distance_m=np.concatenate([a.distance_m, b.distance_m]),
        reachable=np.concatenate([a.reachable, b.reachable]),
        node=np.concatenate([a.node, b.node]),
    )


def snap(network: Network, lon: Any, lat: Any, *, tolerance_m: float = DEFAULT_SNAP_TOLERANCE_M) -> Snapped:
    """Snap WGS-84 points to the nearest point of the nearest edge within ``tolerance_m``.

    Ties between edges at the same distance go to the lowest edge index (deterministic)."""
    lon, lat = _check_points(lon, lat)
    if not tolerance_m > 0:
        raise AnalysisError("tolerance", "tolerance_m must be positive")
    x, y = to_projected(lon, lat, crs=network.crs)
    g = network.segments
    edge, distance, offset = _kernels.snap_points(
        np.ascontiguousarray(x, dtype=np.float64),
        np.ascontiguousarray(y, dtype=np.float64),
        g.x0,
        g.y0,
        g.x1,
        g.y1,
        g.edge,
        g.start_m,
        g.cell_ptr,
        g.items,
        g.gx,
        g.gy,
        g.cell_m,
        g.nx,
        g.ny,
    )
    n = lon.shape[0]
    reachable = (edge >= 0) & (distance <= tolerance_m)
    offset = np.where(reachable, np.minimum(offset, network.geometric_length_m[np.maximum(edge, 0)]), 0.0)
    edge[~reachable] = -1
    return Snapped(
        edge=edge,
        offset_m=offset,
        distance_m=distance,
        reachable=reachable,
        node=np.full(n, -1, dtype=np.int64),
    )


def at_nodes(network: Network, nodes: Any) -> Snapped:
    """Points that are network nodes (for example every node as an origin)."""
    ids = np.asarray(nodes, dtype=np.int64)
    if ids.ndim != 1 or (ids.size and (ids.min() < 0 or ids.max() >= network.n_nodes)):
        raise AnalysisError("node_index", "node ids must lie in 0..n_nodes-1")
    n = ids.shape[0]
    return Snapped(
        edge=np.full(n, -1, dtype=np.int64),
        offset_m=np.zeros(n),
        distance_m=np.zeros(n),
        reachable=np.ones(n, dtype=bool),
        node=ids.copy(),
    )


@dataclass(frozen=True)
class _Graph:
    indptr: NDArray[np.int64]
    indices: NDArray[np.int64]
    weights: NDArray[np.float64]
    n: int


def _augment(network: Network, groups: list[Snapped]) -> tuple[_Graph, list[NDArray[np.int64]]]:
    """Split each edge at the points snapped onto it (vectorised); return the CSR graph and each
    point's node id (-1 for an unreachable point)."""
    sizes = [len(g) for g in groups]
    edge = np.concatenate([g.edge for g in groups]) if groups else np.zeros(0, dtype=np.int64)
    offset = np.concatenate([g.offset_m for g in groups]) if groups else np.zeros(0)
    node = np.concatenate([g.node for g in groups]) if groups else np.zeros(0, dtype=np.int64)
    reach = np.concatenate([g.reachable for g in groups]) if groups else np.zeros(0, dtype=bool)
    ids = np.where(reach & (node >= 0), node, -1)
    on_edge = np.flatnonzero(reach & (node < 0))
    n = network.n_nodes
    ids[on_edge] = n + np.arange(on_edge.size)
    n_total = n + on_edge.size
    u, v, w = network.edge_u, network.edge_v, network.edge_length_m
    if on_edge.size:
        e = edge[on_edge]
        length = w[e]  # offsets are along the geometry; lengths may be a profile's costs
        off = np.clip(offset[on_edge] * network.cost_per_metre(e), 0.0, length)
        order = np.lexsort((off, e))
        e, off, pid = e[order], off[order], ids[on_edge][order]
        starts = np.ones(e.size, dtype=bool)
        starts[1:] = e[1:] != e[:-1]
        ends = np.ones(e.size, dtype=bool)
        ends[:-1] = e[1:] != e[:-1]
        # u → first point, point → next point on the same edge, last point → v
        prev_node = np.where(starts, u[e], np.roll(pid, 1))
        prev_off = np.where(starts, 0.0, np.roll(off, 1))
        chain_u = np.concatenate([prev_node, pid[ends]])
        chain_v = np.concatenate([pid, v[e[ends]]])
        chain_w = np.concatenate([off - prev_off, w[e[ends]] - off[ends]])
        keep = np.ones(network.n_edges, dtype=bool)
        keep[np.unique(e)] = False
        u = np.concatenate([u[keep], chain_u])
        v = np.concatenate([v[keep], chain_v])
        w = np.concatenate([w[keep], np.maximum(chain_w, 0.0)])
    csr = symmetric_csr(n_total, u, v, w)
    graph = _Graph(
        csr.indptr.astype(np.int64), csr.indices.astype(np.int64), csr.data.astype(np.float64), n_total
    )
    return graph, list(np.split(ids, np.cumsum(sizes)[:-1]))


@dataclass(frozen=True)
class Prepared:
    """Origins and facilities placed in the network once, to be reused by :func:`nearest`,
    :func:`counts` and :func:`pairs_within` on the same inputs.

    The search graph is the contracted network (``Network.contracted``: one edge per chain of
    degree-2 nodes) with every facility that lies inside a chain as a node splitting it. Origins are
    not added: origin i lies ``left_m[i]`` from graph node ``left[i]`` and ``right_m[i]`` from
    ``right[i]`` (the nearest graph nodes on either side along its chain; the same node at 0 m when it
    is one; -1 when it is off the network) and reaches whatever either end reaches, which is exact.
    """

    graph: _Graph
    facility_nodes: NDArray[np.int64]
    left: NDArray[np.int64]
    left_m: NDArray[np.float64]
    right: NDArray[np.int64]
    right_m: NDArray[np.float64]
    network_key: str = ""  # the network it was made on (Network.key): refused on another
    reach_m: float = math.inf  # walks longer than this may be missing (a region's graph)
    # the facilities that split chains, by node (node t + i): their chain and position along it
    split_chain: NDArray[np.int64] | None = None
    split_pos: NDArray[np.float64] | None = None

    @functools.cached_property
    def slots(self) -> _Slots:
        """The reachable origins in slots ordered by their left node, for the bounded searches (see
        ``_kernels``): slot → origin, the slots of each node (CSR pointer), each slot's ends and
        distances, and by right node the slots whose two ends differ (CSR pointer, slots)."""
        ok = self.left >= 0
        left_ptr, slot_origin = _by_node(self.left, ok, self.graph.n)
        s_left, s_right = self.left[slot_origin], self.right[slot_origin]
        right_ptr, right_slots = _by_node(s_right, s_right != s_left, self.graph.n)
        return (
            slot_origin,
            left_ptr,
            s_left,
            self.left_m[slot_origin],
            s_right,
            self.right_m[slot_origin],
            right_ptr,
            right_slots,
        )


_Slots = tuple[
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.float64],
    NDArray[np.int64],
    NDArray[np.int64],
]


def _by_node(
    node: NDArray[np.int64], use: NDArray[np.bool_], n: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The indices ``i`` with ``use[i]``, grouped by ``node[i]`` (CSR pointer over ``n`` nodes, ids)."""
    ids = np.flatnonzero(use)
    ids = ids[np.argsort(node[ids], kind="stable")].astype(np.int64)
    ptr = np.zeros(n + 1, dtype=np.int64)
    np.add.at(ptr, node[ids] + 1, 1)
    return np.cumsum(ptr), ids


def _locate(
    network: Network, points: Snapped
) -> tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]]:
    """Where each point lies in the contracted network: a terminal (its id), or a chain and the
    position along it; -1 and -1 for a point off the network."""
    c = network.contracted
    n = len(points)
    term = np.full(n, -1, dtype=np.int64)
    chain = np.full(n, -1, dtype=np.int64)
    pos = np.zeros(n)
    at_node = np.flatnonzero(points.reachable & (points.node >= 0))
    nodes = points.node[at_node]
    term[at_node] = c.terminal[nodes]
    inner = at_node[c.terminal[nodes] < 0]
    chain[inner] = c.node_chain[points.node[inner]]
    pos[inner] = c.node_pos_m[points.node[inner]]
    on_edge = np.flatnonzero(points.reachable & (points.node < 0))
    e = points.edge[on_edge]
    off = np.clip(points.offset_m[on_edge], 0.0, network.geometric_length_m[e]) * network.cost_per_metre(e)
    chain[on_edge] = c.edge_chain[e]
    pos[on_edge] = np.where(c.edge_forward[e], c.edge_pos_u_m[e] + off, c.edge_pos_u_m[e] - off)
    on_chain = chain >= 0
    pos[on_chain] = np.clip(pos[on_chain], 0.0, c.chain_length_m[chain[on_chain]])
    return term, chain, pos


@dataclass(frozen=True)
class Region:
    """The part of the network a block of origins can use for walks up to ``reach_m``: the nodes whose
    straight-line distance to the block's bounding box (projected metres) is at most that far — a walk
    is never shorter than the straight line, so every walk of the block within ``reach_m`` stays inside.
    Searches restricted to it give the same answers, bit for bit, as on the whole network."""

    xmin: float
    xmax: float
    ymin: float
    ymax: float
    reach_m: float

    @staticmethod
    def around(x: Any, y: Any, reach_m: float) -> Region:
        """The region of points at projected ``x``, ``y`` (at least one) for walks up to ``reach_m``."""
        x = np.asarray(x, dtype=np.float64)
        y = np.asarray(y, dtype=np.float64)
        if x.size == 0 or not (np.isfinite(x).all() and np.isfinite(y).all()):
            raise AnalysisError("region", "a region needs at least one point with finite coordinates")
        if not (reach_m > 0 and np.isfinite(reach_m)):
            raise AnalysisError("region", "a region needs a positive, finite reach")
        return Region(float(x.min()), float(x.max()), float(y.min()), float(y.max()), float(reach_m))

    def gap(self, x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.float64]:
        """The straight-line distance of each point to the bounding box (0 inside it)."""
        dx = np.maximum(np.maximum(self.xmin - x, x - self.xmax), 0.0)
        dy = np.maximum(np.maximum(self.ymin - y, y - self.ymax), 0.0)
        out: NDArray[np.float64] = np.hypot(dx, dy)
        return out


def split_blocks(x: Any, y: Any, n_blocks: int) -> list[NDArray[np.int64]]:
    """Points cut into ``n_blocks`` compact blocks of nearly equal size (each cut across the longer side
    of the bounding box at the share of the blocks on either side); each block's indices ascending."""
    x = np.asarray(x, dtype=np.float64)
    y = np.asarray(y, dtype=np.float64)
    if not 1 <= n_blocks <= max(1, x.size):
        raise AnalysisError("blocks", "the number of blocks must lie in 1..the number of points")

    def cut(ids: NDArray[np.int64], n: int) -> list[NDArray[np.int64]]:
        if n == 1:
            return [np.sort(ids)]
        axis = x if np.ptp(x[ids]) >= np.ptp(y[ids]) else y
        order = ids[np.argsort(axis[ids], kind="stable")]
        k = int(round(ids.size * (n // 2) / n))
        return cut(order[:k], n // 2) + cut(order[k:], n - n // 2)

    return cut(np.arange(x.size, dtype=np.int64), int(n_blocks))


def prepare(
    network: Network, origins: Snapped, facilities: Snapped, *, region: Region | None = None
) -> Prepared:
    """Place origins and facilities in the network (see :class:`Prepared`); with a ``region``, only
    the part of the network there (for a block of origins: see :class:`Region`)."""
    c = network.contracted
    t = c.n_terminals
    f_term, f_chain, f_pos = _locate(network, facilities)
    fnodes = f_term.copy()
    split = np.flatnonzero(f_chain >= 0)
    fnodes[split] = t + np.arange(split.size)
    split = split[np.lexsort((f_pos[split], f_chain[split]))]
    sc, sp, sn = f_chain[split], f_pos[split], fnodes[split]
    has = np.zeros(c.chain_u.size, dtype=bool)
    has[sc] = True
    whole = ~has & (c.chain_u != c.chain_v)  # a loop without a facility shortens no walk
    u, v, w = [c.chain_u[whole]], [c.chain_v[whole]], [c.chain_length_m[whole]]
    if sc.size:  # chain start → first facility → next facility … → last facility → chain end
        starts = np.ones(sc.size, dtype=bool)
        starts[1:] = sc[1:] != sc[:-1]
        ends = np.ones(sc.size, dtype=bool)
        ends[:-1] = sc[1:] != sc[:-1]
        u += [np.where(starts, c.chain_u[sc], np.roll(sn, 1)), sn[ends]]
        v += [sn, c.chain_v[sc[ends]]]
        w += [sp - np.where(starts, 0.0, np.roll(sp, 1)), c.chain_length_m[sc[ends]] - sp[ends]]
    csr = symmetric_csr(
        t + split.size, np.concatenate(u), np.concatenate(v), np.maximum(np.concatenate(w), 0.0)
    )
    graph = _Graph(
        csr.indptr.astype(np.int64), csr.indices.astype(np.int64), csr.data.astype(np.float64), t + split.size
    )
    left, left_m, right, right_m = _attach(c, origins_at=_locate(network, origins), sc=sc, sp=sp, sn=sn)
    if region is not None:
        keep = _in_region(network, region, sc, sp, sn)
        graph, fnodes, left, right = _restrict(graph, keep, fnodes, left, right)
    return Prepared(
        graph=graph,
        facility_nodes=fnodes,
        left=left,
        left_m=left_m,
        right=right,
        right_m=right_m,
        network_key=network.key,
        reach_m=math.inf if region is None else region.reach_m,
        split_chain=_by_split_node(sc, sn, t),
        split_pos=_by_split_node(sp, sn, t),
    )


def _by_split_node(values: NDArray[Any], sn: NDArray[np.int64], t: int) -> NDArray[Any]:
    """Values of the split facilities (sorted by chain and position) in the order of their nodes."""
    out = np.empty(sn.size, dtype=values.dtype)
    out[sn - t] = values
    return out


def _in_region(
    network: Network, region: Region, sc: NDArray[np.int64], sp: NDArray[np.float64], sn: NDArray[np.int64]
) -> NDArray[np.bool_]:
    """Which nodes of the prepared graph (terminals, then the facilities that split chains) may lie
    within the region's reach. Costs of a walking profile may be below the metres walked: the reach
    in metres is scaled by the largest metres per cost."""
    c = network.contracted
    scale = 1.0
    if network.edge_geom_m is not None and network.n_edges:
        rate = network.cost_per_metre(np.arange(network.n_edges))
        scale = max(1.0, float(1.0 / rate[rate > 0].min())) if (rate > 0).any() else 1.0
    reach = region.reach_m * scale
    nodes = np.flatnonzero(c.terminal >= 0)
    node_of = np.empty(c.n_terminals, dtype=np.int64)
    node_of[c.terminal[nodes]] = nodes
    gap = region.gap(network.x_m[node_of], network.y_m[node_of])
    # a facility inside a chain is no nearer to the box than its chain ends less its way along the chain
    low = np.maximum(
        gap[c.chain_u[sc]] - sp * scale, gap[c.chain_v[sc]] - (c.chain_length_m[sc] - sp) * scale
    )
    inside = np.zeros(sn.size, dtype=bool)
    inside[sn - c.n_terminals] = low <= reach  # split nodes are numbered after the terminals
    return np.concatenate([gap <= reach, inside])


def _restrict(
    graph: _Graph,
    keep: NDArray[np.bool_],
    fnodes: NDArray[np.int64],
    left: NDArray[np.int64],
    right: NDArray[np.int64],
) -> tuple[_Graph, NDArray[np.int64], NDArray[np.int64], NDArray[np.int64]]:
    """The graph on the kept nodes (same order, same weights) and one more node that nothing reaches;
    facilities outside are -2 (searched from nowhere, still in their category's blocks), origin ends
    outside point at the unreached node."""
    k = int(keep.sum())
    new = np.full(keep.size, k, dtype=np.int64)
    new[keep] = np.arange(k)
    csr = sp_csr((graph.weights, graph.indices, graph.indptr), shape=(graph.n, graph.n))[keep][:, keep]
    csr.sort_indices()
    indptr = np.concatenate([csr.indptr, csr.indptr[-1:]]).astype(np.int64)
    sub = _Graph(indptr, csr.indices.astype(np.int64), csr.data.astype(np.float64), k + 1)
    f = np.where(fnodes >= 0, np.where(keep[np.maximum(fnodes, 0)], new[np.maximum(fnodes, 0)], -2), fnodes)
    lr = [np.where(a >= 0, new[np.maximum(a, 0)], -1) for a in (left, right)]
    return sub, f, lr[0], lr[1]


def _attach(
    c: Contracted,
    *,
    origins_at: tuple[NDArray[np.int64], NDArray[np.int64], NDArray[np.float64]],
    sc: NDArray[np.int64],
    sp: NDArray[np.float64],
    sn: NDArray[np.int64],
) -> tuple[NDArray[np.int64], NDArray[np.float64], NDArray[np.int64], NDArray[np.float64]]:
    """Each origin's nearest graph nodes on either side (see :class:`Prepared`), given the facilities
    that split chains sorted by chain and position (``sc``, ``sp``, their nodes ``sn``)."""
    term, chain, pos = origins_at
    left, right = term.copy(), term.copy()
    left_m, right_m = np.zeros(term.size), np.zeros(term.size)
    on = np.flatnonzero(chain >= 0)
    oc, op = chain[on], pos[on]
    left[on], left_m[on] = c.chain_u[oc], op
    right[on], right_m[on] = c.chain_v[oc], c.chain_length_m[oc] - op
    if sc.size and on.size:
        # splits and origins in one order (chain, position, splits first); the nearest split before
        # and after each origin on its chain
        keys_c = np.concatenate([sc, oc])
        keys_p = np.concatenate([sp, op])
        is_split = np.concatenate([np.ones(sc.size, dtype=bool), np.zeros(oc.size, dtype=bool)])
        order = np.lexsort((~is_split, keys_p, keys_c))
        idx = np.arange(order.size)
        split_here = is_split[order]
        before = np.maximum.accumulate(np.where(split_here, idx, -1))
        after = np.minimum.accumulate(np.where(split_here, idx, order.size)[::-1])[::-1]
        where = np.empty(order.size, dtype=np.int64)
        where[order] = idx  # the place of each item in the order
        mine = where[sc.size :]
        b = before[mine]
        b_ok = b >= 0
        b_ok[b_ok] = keys_c[order[b[b_ok]]] == oc[b_ok]
        bs = order[b[b_ok]]  # split index
        left[on[b_ok]] = sn[bs]
        left_m[on[b_ok]] = op[b_ok] - sp[bs]
        at = np.zeros(on.size, dtype=bool)
        at[b_ok] = sp[bs] == op[b_ok]  # on a facility: both ends are it
        a = after[mine]
        a_ok = (a < order.size) & ~at
        a_ok[a_ok] = keys_c[order[a[a_ok]]] == oc[a_ok]
        as_ = order[a[a_ok]]
        right[on[a_ok]] = sn[as_]
        right_m[on[a_ok]] = sp[as_] - op[a_ok]
        right[on[at]] = left[on[at]]
        right_m[on[at]] = 0.0
    same = left == right  # a loop, or on a node: the nearer way round from that one node
    left_m[same] = right_m[same] = np.minimum(left_m[same], right_m[same])
    return left, np.maximum(left_m, 0.0), right, np.maximum(right_m, 0.0)


def _prepared(
    network: Network, origins: Snapped, facilities: Snapped, prepared: Prepared | None, need_m: float
) -> Prepared:
    if prepared is None:
        return prepare(network, origins, facilities)
    if need_m > prepared.reach_m:
        raise AnalysisError("region", "the prepared region does not reach this far; prepare a wider one")
    if prepared.network_key != network.key:
        raise AnalysisError("prepared", "the prepared inputs were made on another network")
    if prepared.left.shape[0] != len(origins) or prepared.facility_nodes.shape[0] != len(facilities):
        raise AnalysisError("prepared", "the prepared inputs do not match these origins and facilities")
    return prepared


def _check_categories(categories: Any, n_categories: int, n_facilities: int) -> NDArray[np.int64]:
    raw = np.asarray(categories)
    if raw.size and raw.dtype.kind not in "iub":
        as_float = raw.astype(np.float64) if raw.dtype.kind == "f" else None
        if as_float is None or not np.isfinite(as_float).all() or (as_float != np.round(as_float)).any():
            raise AnalysisError("category_range", "categories must be whole numbers")
    cats = raw.astype(np.int64) if raw.size else np.zeros(raw.shape, dtype=np.int64)
    if cats.shape != (n_facilities,):
        raise AnalysisError("shape", "categories must give one category per facility")
    if n_categories < 1:
        raise AnalysisError("category_range", "n_categories must be at least 1")
    if n_facilities and (cats.min() < 0 or cats.max() >= n_categories):
        raise AnalysisError("category_range", f"categories must lie in 0..{n_categories - 1}")
    return cats


@dataclass(frozen=True)
class NearestResult:
    """``distance_m[i, k, r]``: walking distance from origin i to its (r+1)-th nearest facility of
    category k (inf beyond the cutoff, when unreachable or when the category has fewer facilities);
    ``facility[i, k, r]``: that facility's index (-1 when none). With k=1 the last axis has length 1;
    ``distance_m[..., 0]`` is the nearest."""

    distance_m: NDArray[np.float64]
    facility: NDArray[np.int64]


def nearest(
    network: Network,
    origins: Snapped,
    facilities: Snapped,
    categories: Any,
    *,
    n_categories: int,
    cutoff_m: float,
    k: int = 1,
    prepared: Prepared | None = None,
) -> NearestResult:
    """The ``k`` (≤ 5) nearest facilities of each category from every origin, up to ``cutoff_m``.

    One multi-source search per category from all its reachable facilities at once (categories in
    parallel; k = 1 with a bucket queue, k > 1 with a heap that settles a node once per source). Origins or
    facilities that did not snap give inf / -1; a category with no facility gives inf everywhere.
    Facilities at equal distance come in the order the search settles them.
    """
    if not cutoff_m > 0:
        raise AnalysisError("cutoff", "cutoff_m must be positive")
    if not 1 <= k <= MAX_K:
        raise AnalysisError("k", f"k must lie in 1..{MAX_K}")
    cats = _check_categories(categories, n_categories, len(facilities))
    p = _prepared(network, origins, facilities, prepared, float(cutoff_m))
    graph, fnodes = p.graph, p.facility_nodes
    n_orig = p.left.shape[0]
    members, ptr = _group(cats, fnodes >= 0, n_categories)
    threads = _kernels.threads()
    origin_block, masks = np.zeros(n_orig, dtype=np.int64), np.ones((1, 1), dtype=bool)
    if (
        n_categories < threads
        and k >= BLOCKS_FROM_K
        and n_orig >= BLOCK_MIN_ORIGINS
        and math.isinf(p.reach_m)
        and math.isfinite(float(cutoff_m))
    ):  # fewer categories than cores: blocks of origins keep every core busy (same answers)
        origin_block, masks = _origin_blocks(
            network, p, origins, -(-threads // n_categories), float(cutoff_m)
        )
    if k == 1:
        d1, w1 = _kernels.nearest_by_category(
            graph.indptr,
            graph.indices,
            graph.weights,
            fnodes[members],
            ptr,
            float(cutoff_m),
            _bucket_width(graph, float(cutoff_m)),
            p.left,
            p.left_m,
            p.right,
            p.right_m,
            members,
            origin_block,
            masks,
        )
        return NearestResult(
            distance_m=d1.reshape(n_orig, n_categories, 1), facility=w1.reshape(n_orig, n_categories, 1)
        )
    dk, wk = _kernels.k_nearest_by_category(
        graph.indptr,
        graph.indices,
        graph.weights,
        fnodes[members],
        ptr,
        k,
        float(cutoff_m),
        p.left,
        p.left_m,
        p.right,
        p.right_m,
        members,
        origin_block,
        masks,
    )
    return NearestResult(distance_m=dk, facility=wk)


# Fewer categories than threads: the origins are cut into blocks searched on their regions in parallel,
# when there are at least this many origins and k is at least BLOCKS_FROM_K. Measured on 250,000 nodes
# with one category (2 cores): k = 3 0.62 s → 0.35 s (grid), 0.15 → 0.12 s (tiled OSM); k = 1 takes
# 0.02–0.05 s whole and cutting costs more than it saves, so it stays one search.
BLOCK_MIN_ORIGINS = 5_000
BLOCKS_FROM_K = 2


def _metres_per_cost(network: Network) -> float:
    """The most metres walked per cost metre (1 without a profile): bounds a straight line by a cost."""
    if network.edge_geom_m is None or network.n_edges == 0:
        return 1.0
    rate = network.cost_per_metre(np.arange(network.n_edges))
    return max(1.0, float(1.0 / rate[rate > 0].min())) if (rate > 0).any() else 1.0


def _origin_blocks(
    network: Network, p: Prepared, origins: Snapped, n_blocks: int, cutoff_m: float
) -> tuple[NDArray[np.int64], NDArray[np.bool_]]:
    """Each origin's block and each block's region as a mask over the prepared graph's nodes: the nodes
    whose straight-line distance to the block can be walked within the cutoff (see :class:`Region`)."""
    c = network.contracted
    t = c.n_terminals
    nodes = np.flatnonzero(c.terminal >= 0)
    node_of = np.empty(t, dtype=np.int64)
    node_of[c.terminal[nodes]] = nodes
    tx, ty = network.x_m[node_of], network.y_m[node_of]
    scale = _metres_per_cost(network)
    term, chain, pos = _locate(network, origins)
    on = chain >= 0
    ch = np.maximum(chain, 0)
    near_u = pos <= c.chain_length_m[ch] - pos
    anchor = np.where(term >= 0, term, np.where(near_u, c.chain_u[ch], c.chain_v[ch]))
    anchor_m = np.where(on, np.minimum(pos, c.chain_length_m[ch] - pos), 0.0) * scale
    ok = (term >= 0) | on
    block = np.zeros(len(origins), dtype=np.int64)
    live = np.flatnonzero(ok)
    parts = split_blocks(tx[anchor[live]], ty[anchor[live]], min(n_blocks, max(1, live.size)))
    masks = np.zeros((len(parts), p.graph.n), dtype=bool)
    split_chain = p.split_chain if p.split_chain is not None else np.zeros(0, dtype=np.int64)
    split_pos = p.split_pos if p.split_pos is not None else np.zeros(0)
    for b, part in enumerate(parts):
        mine = live[part]
        block[mine] = b
        region = Region.around(
            tx[anchor[mine]], ty[anchor[mine]], cutoff_m * scale + float(anchor_m[mine].max())
        )
        gap = region.gap(tx, ty)
        low = np.maximum(
            gap[c.chain_u[split_chain]] - split_pos * scale,
            gap[c.chain_v[split_chain]] - (c.chain_length_m[split_chain] - split_pos) * scale,
        )
        masks[b] = np.concatenate([gap <= region.reach_m, low <= region.reach_m])
    return block, masks


def _bucket_width(graph: _Graph, cutoff_m: float) -> float:
    """The bucket width of the nearest search: a quarter of the mean edge, at most 65,536 buckets up
    to the cutoff (0 selects the heap, for an infinite cutoff). Any width gives exact distances."""
    if not np.isfinite(cutoff_m) or graph.weights.size == 0:
        return 0.0
    return max(float(graph.weights.mean()) / 4.0, cutoff_m / 65_536.0)


def _group(
    cats: NDArray[np.int64], live: NDArray[np.bool_], n_categories: int
) -> tuple[NDArray[np.int64], NDArray[np.int64]]:
    """The live facilities ordered by category, and the offsets of each category's run."""
    members = np.flatnonzero(live)
    members = members[np.argsort(cats[members], kind="stable")]
    ptr = np.zeros(n_categories + 1, dtype=np.int64)
    np.add.at(ptr, cats[members] + 1, 1)
    return members, np.cumsum(ptr)


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
    categories: Any,
    *,
    n_categories: int,
    thresholds_m: Any,
    weights: Any = None,
    prepared: Prepared | None = None,
) -> CountsResult:
    """Number (and weight sum) of facilities of each category within each threshold of each origin."""
    try:
        thr = np.sort(np.atleast_1d(np.asarray(thresholds_m, dtype=np.float64)))  # one number: one threshold
    except (TypeError, ValueError):
        raise AnalysisError("thresholds", "thresholds_m must be positive finite distances") from None
    if thr.ndim != 1 or thr.size == 0 or not (thr > 0).all() or not np.isfinite(thr).all():
        raise AnalysisError("thresholds", "thresholds_m must be positive finite distances")
    n_fac = len(facilities)
    cats = _check_categories(categories, n_categories, n_fac)
    w = np.ones(n_fac) if weights is None else np.asarray(weights, dtype=np.float64)
    if w.shape != (n_fac,) or not np.isfinite(w).all():
        raise AnalysisError("weights", "weights must be one finite number per facility")
    p = _prepared(network, origins, facilities, prepared, float(thr[-1]))
    graph, fnodes = p.graph, p.facility_nodes
    # facilities outside a region (-2) keep their place in their category's blocks: the sums of a
    # block of origins then add in the same order as on the whole network
    members, ptr = _group(cats, fnodes != -1, n_categories)
    count, wsum = _kernels.bounded_counts(
        graph.indptr,
        graph.indices,
        graph.weights,
        fnodes[members],
        ptr,
        w[members],
        thr,
        len(origins),
        *p.slots,
        _kernels.threads(),
        _bucket_width(graph, float(thr[-1])),
        weights is None,
    )
    return CountsResult(count=count, weight=wsum, thresholds_m=thr)


@dataclass(frozen=True)
class Pairs:
    """Every origin–facility pair within a distance: ``origin[k]``, ``facility[k]``, ``distance_m[k]``."""

    origin: NDArray[np.int64]
    facility: NDArray[np.int64]
    distance_m: NDArray[np.float64]


def pairs_within(
    network: Network, origins: Snapped, facilities: Snapped, *, max_m: float, prepared: Prepared | None = None
) -> Pairs:
    """All origin–facility walking distances up to ``max_m`` (for floating catchments)."""
    if not max_m > 0:
        raise AnalysisError("cutoff", "max_m must be positive")
    p = _prepared(network, origins, facilities, prepared, float(max_m))
    live = np.flatnonzero(p.facility_nodes >= 0)
    o, f, d = _kernels.bounded_pairs(
        p.graph.indptr,
        p.graph.indices,
        p.graph.weights,
        p.facility_nodes[live],
        float(max_m),
        *p.slots,
    )
    return Pairs(origin=o, facility=live[f], distance_m=d)


@dataclass(frozen=True)
class Reachable:
    """What one point reaches within ``distance_m``: every network node's distance (inf beyond),
    and each edge's reached parts as fractions from its u end (``from_u``) and from its v end
    (``from_v``), 1.0 when the edge is reached whole. The point's own edge is also reached from the
    point itself: ``own_edge`` and the interval ``own_interval_m`` along it (from its u end)."""

    node_distance_m: NDArray[np.float64]
    from_u: NDArray[np.float64]
    from_v: NDArray[np.float64]
    distance_m: float
    own_edge: int
    own_interval_m: tuple[float, float]


def reachable(network: Network, point: Snapped, *, distance_m: float) -> Reachable:
    """The part of the network within ``distance_m`` walking of one snapped point (in the network's
    cost metres when a walking profile set them: ``network.with_profile``)."""
    if len(point) != 1 or not point.reachable[0]:
        raise AnalysisError("point", "give exactly one point that snapped onto the network")
    if not distance_m > 0:
        raise AnalysisError("distance", "distance_m must be positive")
    graph, (pnode,) = _augment(network, [point])
    d_all = _kernels.single_source(
        graph.indptr, graph.indices, graph.weights, int(pnode[0]), float(distance_m)
    )
    d = d_all[: network.n_nodes]
    length = network.edge_length_m
    from_u = np.clip((distance_m - d[network.edge_u]) / length, 0.0, 1.0)
    from_v = np.clip((distance_m - d[network.edge_v]) / length, 0.0, 1.0)
    whole = from_u + from_v >= 1.0
    from_u[whole], from_v[whole] = 1.0, 1.0
    own_edge, interval = -1, (0.0, 0.0)
    if point.node[0] < 0:  # along the own edge in cost, then back to metres along its geometry
        own_edge = int(point.edge[0])
        rate = float(network.cost_per_metre(np.array([own_edge]))[0])
        off = float(point.offset_m[0]) * rate
        lo, hi = max(0.0, off - distance_m), min(float(length[own_edge]), off + distance_m)
        interval = (lo / rate, hi / rate)
    return Reachable(
        node_distance_m=d,
        from_u=from_u,
        from_v=from_v,
        distance_m=float(distance_m),
        own_edge=own_edge,
        own_interval_m=interval,
    )


def isochrone(
    network: Network, point: Snapped, *, distance_m: float, buffer_m: float = 40.0
) -> dict[str, Any]:
    """A GeoJSON (WGS-84) polygon of the area within ``distance_m`` walking of one point: the reached
    street pieces buffered by ``buffer_m`` and united (built from the edges, not a hull of nodes)."""
    if not buffer_m > 0:
        raise AnalysisError("buffer", "buffer_m must be positive")
    r = reachable(network, point, distance_m=distance_m)
    lines, _tree = network.edge_index
    pieces = []
    for e in np.flatnonzero((r.from_u > 0) | (r.from_v > 0)):
        line = lines[e]
        if r.from_u[e] >= 1.0:
            pieces.append(line)
            continue
        if r.from_u[e] > 0:
            pieces.append(shapely.ops.substring(line, 0.0, float(r.from_u[e]), normalized=True))
        if r.from_v[e] > 0:
            pieces.append(shapely.ops.substring(line, 1.0 - float(r.from_v[e]), 1.0, normalized=True))
    if r.own_edge >= 0:
        pieces.append(shapely.ops.substring(lines[r.own_edge], *r.own_interval_m))
    area = shapely.union_all(shapely.buffer(np.array(pieces, dtype=object), buffer_m))

    def _back(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        lon, lat = to_lon_lat(coords[:, 0], coords[:, 1], crs=network.crs)
        return np.column_stack([lon, lat])

    geometry: dict[str, Any] = shapely.geometry.mapping(shapely.transform(area, _back))
    return geometry


def minutes(distance_m: Any, *, speed_m_s: float = DEFAULT_WALKING_SPEED_M_S) -> NDArray[np.float64]:
    """Walking minutes for distances in metres at ``speed_m_s`` (slower for elderly and children)."""
    if not speed_m_s > 0:
        raise AnalysisError("speed", "speed_m_s must be positive")
    return np.asarray(distance_m, dtype=np.float64) / speed_m_s / 60.0

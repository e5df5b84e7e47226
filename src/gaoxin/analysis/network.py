"""The walking network as compressed sparse arrays (CSR), lengths in metres in a projected CRS.

Built from polylines in WGS-84 lon/lat (an edge list is a list of two-point polylines; GeoJSON
LineStrings are polylines). Endpoints closer than ``node_tolerance_m`` are merged into one node.
Self-loops (an edge whose two ends merge) are dropped; parallel edges keep the shortest. Only the
largest connected component is kept; what was dropped is reported in :class:`Network`.
"""

from __future__ import annotations

import dataclasses
import functools
import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import scipy.sparse as sp
import shapely
from numpy.typing import NDArray
from scipy.sparse.csgraph import connected_components
from scipy.spatial import cKDTree

from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import UTM_50N, to_projected

Polyline = Sequence[Sequence[float]]

# Edge kinds, for walking impedance (see kind_of_tags); a network without kinds is all streets.
STREET, PATH, STEPS, CROSSING = 0, 1, 2, 3
EDGE_KINDS = ("street", "path", "steps", "crossing")
PATH_HIGHWAYS = frozenset({"footway", "path", "pedestrian", "cycleway", "track", "bridleway", "corridor"})
# GB 50180-2018 Table 3.0.4 gives 300/500/1,000 m for the 5/10/15-minute circles: about 1.0 m/s. A walking
# profile's costs are metres at this speed, so a circle's radius keeps its meaning in minutes.
REFERENCE_SPEED_M_S = 1.0


def kind_of_tags(tags: Mapping[str, str]) -> int:
    """The edge kind of an OpenStreetMap way (or of a stored edge's road class as ``highway``):
    ``highway=steps``; a crossing (``highway=crossing``, or ``footway``/``path``/``cycleway=crossing``);
    a path (footway, path, pedestrian, cycleway, track, bridleway, corridor); otherwise a street."""
    highway = tags.get("highway", "")
    if highway == "steps":
        return STEPS
    if highway == "crossing" or "crossing" in (tags.get("footway"), tags.get("path"), tags.get("cycleway")):
        return CROSSING
    if highway in PATH_HIGHWAYS:
        return PATH
    return STREET


@dataclass(frozen=True)
class WalkProfile:
    """Who walks: a speed and, per edge kind, a factor on the walking time (steps are slower for the
    elderly, a crossing means waiting). Costs are metres at :data:`REFERENCE_SPEED_M_S`; the
    default profile (speed 1.0, every factor 1) is the plain walking distance GB 50180-2018 measures."""

    code: str
    speed_m_s: float
    factor: tuple[float, float, float, float] = (1.0, 1.0, 1.0, 1.0)

    def __post_init__(self) -> None:
        if not (np.isfinite(self.speed_m_s) and self.speed_m_s > 0):
            raise AnalysisError("speed", f"profile {self.code}: the speed must be a positive number")
        if len(self.factor) != len(EDGE_KINDS) or not all(np.isfinite(f) and f >= 1.0 for f in self.factor):
            raise AnalysisError(
                "impedance", f"profile {self.code}: one factor of at least 1 per kind {', '.join(EDGE_KINDS)}"
            )

    @property
    def is_distance(self) -> bool:
        return self.speed_m_s == REFERENCE_SPEED_M_S and all(f == 1.0 for f in self.factor)

    def minutes_to_cost_m(self, minutes: float) -> float:
        """A walk of ``minutes`` in this profile's cost metres (the same for every profile)."""
        return float(minutes) * 60.0 * REFERENCE_SPEED_M_S


def profile_from_toml(entry: Mapping[str, object]) -> WalkProfile:
    """A profile from a ``[[profile]]`` table: ``code``, ``speed_m_s`` and ``factor.<kind>``."""
    factors = entry.get("factor") or {}
    if not isinstance(factors, Mapping) or set(factors) - set(EDGE_KINDS):
        raise AnalysisError(
            "impedance", f"profile {entry.get('code')}: factor keys must be {', '.join(EDGE_KINDS)}"
        )
    try:
        return WalkProfile(
            code=str(entry["code"]),
            speed_m_s=float(entry["speed_m_s"]),  # type: ignore[arg-type]  # checked by WalkProfile
            factor=tuple(float(factors.get(k, 1.0)) for k in EDGE_KINDS),  # type: ignore[arg-type]  # four kinds
        )
    except (KeyError, TypeError, ValueError) as exc:
        raise AnalysisError("impedance", f"profile {entry.get('code')}: {exc}") from None


def with_profile(network: Network, profile: WalkProfile) -> Network:
    """The network with each edge's length replaced by its cost for ``profile`` (metres at the reference
    speed): the same nodes, edges and geometry, so points snapped on the network stay valid; the
    geometric lengths are kept in ``edge_geom_m``. The distance profile returns the network itself."""
    if profile.is_distance:
        return network
    geometric = network.geometric_length_m
    kind = network.edge_kind if network.edge_kind is not None else np.zeros(network.n_edges, dtype=np.int8)
    factor = np.asarray(profile.factor, dtype=np.float64)[kind]
    cost = geometric * factor * (REFERENCE_SPEED_M_S / profile.speed_m_s)
    return dataclasses.replace(network, edge_length_m=cost, edge_geom_m=geometric)


@dataclass(frozen=True)
class Network:
    """An undirected walking network.

    ``x_m``/``y_m`` are node coordinates in ``crs``; edge ``i`` joins ``edge_u[i]`` and ``edge_v[i]``
    with length ``edge_length_m[i]`` along ``edge_coords[i]`` (projected vertices, from u to v), or
    along the straight segment between its nodes when ``edge_coords`` is None.
    """

    x_m: NDArray[np.float64]
    y_m: NDArray[np.float64]
    edge_u: NDArray[np.int64]
    edge_v: NDArray[np.int64]
    edge_length_m: NDArray[np.float64]
    edge_coords: tuple[NDArray[np.float64], ...] | None
    crs: str
    dropped_nodes: int
    dropped_edges: int
    self_loops: int
    edge_kind: NDArray[np.int8] | None = None  # EDGE_KINDS per edge; None: all streets
    edge_geom_m: NDArray[np.float64] | None = None  # geometric lengths when edge_length_m holds costs

    @property
    def geometric_length_m(self) -> NDArray[np.float64]:
        """Each edge's length along its geometry (``edge_length_m`` unless a profile set costs)."""
        return self.edge_length_m if self.edge_geom_m is None else self.edge_geom_m

    def cost_per_metre(self, edges: NDArray[np.int64]) -> NDArray[np.float64]:
        """For the given edges, cost metres per geometric metre (1 without a walking profile)."""
        if self.edge_geom_m is None:
            return np.ones(edges.shape[0])
        geom = self.edge_geom_m[edges]
        out: NDArray[np.float64] = np.divide(
            self.edge_length_m[edges], geom, out=np.ones(edges.shape[0]), where=geom > 0
        )
        return out

    @property
    def n_nodes(self) -> int:
        return int(self.x_m.shape[0])

    @property
    def n_edges(self) -> int:
        return int(self.edge_u.shape[0])

    @functools.cached_property
    def key(self) -> str:
        """The identity of this network's content (nodes, edges, lengths): equal networks share it."""
        h = hashlib.blake2b(digest_size=16)
        for a in (self.x_m, self.y_m, self.edge_u, self.edge_v, self.edge_length_m):
            h.update(np.ascontiguousarray(a).tobytes())
        h.update(self.crs.encode())
        return h.hexdigest()

    @functools.cached_property
    def edge_index(self) -> tuple[NDArray[np.object_], shapely.STRtree]:
        """The edges as lines and their spatial index, built once per network (snapping reuses them)."""
        lines = self.edge_lines()
        return lines, shapely.STRtree(lines)

    @functools.cached_property
    def segments(self) -> Segments:
        """The edges' straight pieces in a grid of cells, built once per network (snapping uses them)."""
        return _segments(self)

    @functools.cached_property
    def contracted(self) -> Contracted:
        """The network with its chains of degree-2 nodes as single edges, built once per network."""
        from gaoxin.analysis import _kernels  # compiled code loads on first use

        terminal, n_terminals, chain_u, chain_v, *rest = _kernels.contract_chains(
            self.n_nodes, self.edge_u, self.edge_v, self.edge_length_m
        )
        # Terminals numbered along a Z-order curve: nodes near each other sit near each other in
        # memory, which keeps the searches and the crediting of origins in cache.
        nodes = np.flatnonzero(terminal >= 0)
        nodes = nodes[np.argsort(terminal[nodes])]  # node of each old terminal id
        rank = np.empty(n_terminals, dtype=np.int64)
        rank[np.argsort(_z_order(self.x_m[nodes], self.y_m[nodes]), kind="stable")] = np.arange(n_terminals)
        terminal[nodes] = rank
        return Contracted(terminal, n_terminals, rank[chain_u], rank[chain_v], *rest)

    def csr(self) -> sp.csr_matrix:
        """Symmetric CSR adjacency with lengths in metres as weights."""
        return symmetric_csr(self.n_nodes, self.edge_u, self.edge_v, self.edge_length_m)

    def edge_lines(self) -> NDArray[np.object_]:
        """Every edge as a shapely LineString in the projected CRS (from u to v)."""
        if self.edge_coords is not None:  # polylines with any number of vertices each
            sizes = np.fromiter((c.shape[0] for c in self.edge_coords), dtype=np.int64, count=self.n_edges)
            flat = np.concatenate(self.edge_coords) if self.n_edges else np.zeros((0, 2))
            lines = shapely.linestrings(flat, indices=np.repeat(np.arange(self.n_edges), sizes))
            return np.asarray(lines, dtype=object).reshape(-1)
        seg = np.stack(
            [
                np.column_stack([self.x_m[self.edge_u], self.y_m[self.edge_u]]),
                np.column_stack([self.x_m[self.edge_v], self.y_m[self.edge_v]]),
            ],
            axis=1,
        )
        return np.asarray(shapely.linestrings(seg))


def _z_order(x: NDArray[np.float64], y: NDArray[np.float64]) -> NDArray[np.uint64]:
    """The Z-order (Morton) code of each point on a 2^16 × 2^16 grid over their extent."""

    def spread(v: NDArray[np.float64]) -> NDArray[np.uint64]:
        lo = v.min() if v.size else 0.0
        span = max(float(v.max() - lo), 1e-9) if v.size else 1.0
        q = ((v - lo) / span * 65535.0).astype(np.uint64)
        q = (q | (q << np.uint64(8))) & np.uint64(0x00FF00FF)
        q = (q | (q << np.uint64(4))) & np.uint64(0x0F0F0F0F)
        q = (q | (q << np.uint64(2))) & np.uint64(0x33333333)
        q = (q | (q << np.uint64(1))) & np.uint64(0x55555555)
        return q

    code: NDArray[np.uint64] = spread(x) | (spread(y) << np.uint64(1))
    return code


@dataclass(frozen=True)
class Contracted:
    """The network cut into chains (see ``_kernels.contract_chains``): paths whose inner nodes have
    degree 2, between terminals (every other node). Searches run on the terminals and one edge per
    chain; a point inside a chain is reached through the chain's two ends, at its position along it.
    Every edge keeps its geometry (snapping and isochrones use the full network)."""

    terminal: NDArray[np.int64]
    n_terminals: int
    chain_u: NDArray[np.int64]
    chain_v: NDArray[np.int64]
    chain_length_m: NDArray[np.float64]
    edge_chain: NDArray[np.int64]
    edge_pos_u_m: NDArray[np.float64]
    edge_forward: NDArray[np.bool_]
    node_chain: NDArray[np.int64]
    node_pos_m: NDArray[np.float64]


@dataclass(frozen=True)
class Segments:
    """Every straight piece of every edge: ends ``x0, y0, x1, y1``, its edge, and where it starts along
    that edge (``start_m``); and a uniform grid of square cells (``cell_m``, ``nx`` × ``ny`` from the
    corner ``gx``, ``gy``) listing the pieces whose bounding box touches each cell (CSR)."""

    x0: NDArray[np.float64]
    y0: NDArray[np.float64]
    x1: NDArray[np.float64]
    y1: NDArray[np.float64]
    edge: NDArray[np.int64]
    start_m: NDArray[np.float64]
    gx: float
    gy: float
    cell_m: float
    nx: int
    ny: int
    cell_ptr: NDArray[np.int64]
    items: NDArray[np.int64]


def _segments(network: Network) -> Segments:
    from gaoxin.analysis import _kernels  # compiled code loads on first use

    if network.edge_coords is None:
        x0, y0 = network.x_m[network.edge_u], network.y_m[network.edge_u]
        x1, y1 = network.x_m[network.edge_v], network.y_m[network.edge_v]
        edge = np.arange(network.n_edges, dtype=np.int64)
        start = np.zeros(network.n_edges)
    else:
        pieces = [c.shape[0] - 1 for c in network.edge_coords]
        flat = np.concatenate(network.edge_coords)
        ends = np.cumsum([c.shape[0] for c in network.edge_coords])
        first = np.ones(flat.shape[0], dtype=bool)
        first[ends - 1] = False  # an edge's last vertex starts no piece of it
        a = np.flatnonzero(first)
        x0, y0, x1, y1 = flat[a, 0], flat[a, 1], flat[a + 1, 0], flat[a + 1, 1]
        edge = np.repeat(np.arange(network.n_edges, dtype=np.int64), pieces)
        length = np.hypot(x1 - x0, y1 - y0)
        start = np.cumsum(length) - length
        start -= np.repeat(start[np.cumsum([0, *pieces[:-1]])], pieces)
    gx = float(min(x0.min(), x1.min()))
    gy = float(min(y0.min(), y1.min()))
    width = float(max(x0.max(), x1.max())) - gx
    height = float(max(y0.max(), y1.max())) - gy
    mean = float(np.hypot(x1 - x0, y1 - y0).mean())
    # about a piece per cell, and never more than four cells per piece
    cell = max(mean, float(np.sqrt(width * height / (4.0 * x0.size))), 1.0)
    nx, ny = int(width / cell) + 1, int(height / cell) + 1
    cell_ptr, items = _kernels.segment_grid(x0, y0, x1, y1, gx, gy, cell, nx, ny)
    return Segments(
        x0=x0,
        y0=y0,
        x1=x1,
        y1=y1,
        edge=edge,
        start_m=start,
        gx=gx,
        gy=gy,
        cell_m=cell,
        nx=nx,
        ny=ny,
        cell_ptr=cell_ptr,
        items=items,
    )


# Explicit zero weights are not edges for scipy's csgraph; a zero-length link gets this instead.
EPSILON_M = 1e-9


def symmetric_csr(
    n: int, u: NDArray[np.int64], v: NDArray[np.int64], w: NDArray[np.float64]
) -> sp.csr_matrix:
    """Symmetric CSR adjacency of undirected edges; parallel edges keep the shortest, and a zero
    length becomes :data:`EPSILON_M` (scipy's csgraph ignores explicit zeros)."""
    lo = np.minimum(u, v).astype(np.int64)
    hi = np.maximum(u, v).astype(np.int64)
    w = np.maximum(np.asarray(w, dtype=np.float64), EPSILON_M)
    key = lo * n + hi
    uniq, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    if uniq.size != key.size:  # parallel edges: keep the shortest
        shortest = np.full(uniq.size, np.inf)
        np.minimum.at(shortest, inverse.reshape(-1), w)
        lo, hi, w = lo[first], hi[first], shortest
    rows = np.concatenate([lo, hi])
    cols = np.concatenate([hi, lo])
    return sp.csr_matrix((np.concatenate([w, w]), (rows, cols)), shape=(n, n))


def _polyline_length(coords: NDArray[np.float64]) -> float:
    return float(np.hypot(np.diff(coords[:, 0]), np.diff(coords[:, 1])).sum())


def build_network(
    lines: Sequence[Polyline],
    *,
    crs: str = UTM_50N,
    node_tolerance_m: float = 0.5,
    kinds: Sequence[int] | None = None,
) -> Network:
    """Build a network from polylines of WGS-84 ``[lon, lat]`` vertices.

    Vertices closer than ``node_tolerance_m`` are one point. A node is a polyline end or a vertex
    shared by two polylines (or met twice by one): lines are split there, so streets that cross at a
    common vertex are connected even when neither ends there (usual in GeoJSON exports). Streets that
    cross without a shared vertex (bridges, tunnels) stay apart.

    ``kinds`` gives each polyline's edge kind (:data:`EDGE_KINDS`); its pieces inherit it.

    Raises :class:`AnalysisError` for an empty input, a polyline with fewer than two vertices, or a
    coordinate that is not finite or out of range.
    """
    if node_tolerance_m <= 0:
        raise AnalysisError("tolerance", "node_tolerance_m must be positive")
    if len(lines) == 0:
        raise AnalysisError("empty_network", "the network has no edges")
    if kinds is not None and (len(kinds) != len(lines) or any(not 0 <= k < len(EDGE_KINDS) for k in kinds)):
        raise AnalysisError("impedance", "one edge kind per line, each one of " + ", ".join(EDGE_KINDS))
    arrays: list[NDArray[np.float64]] = []
    for i, line in enumerate(lines):
        arr = np.asarray(line, dtype=np.float64)
        if arr.ndim != 2 or arr.shape[0] < 2 or arr.shape[1] < 2:
            raise AnalysisError("bad_line", f"line {i} needs at least two [lon, lat] vertices")
        arrays.append(arr[:, :2])
    flat = np.concatenate(arrays)
    sizes = np.array([a.shape[0] for a in arrays])
    bad = np.asarray(~np.isfinite(flat).all(axis=1))
    if bad.any():
        raise AnalysisError(
            "coordinate_not_finite",
            f"line {_line_of(sizes, bad)} has a coordinate that is not a finite number",
        )
    bad = np.asarray((np.abs(flat[:, 0]) > 180) | (np.abs(flat[:, 1]) > 90))
    if bad.any():
        raise AnalysisError(
            "coordinate_range", f"line {_line_of(sizes, bad)} has a coordinate outside the lon/lat range"
        )
    x, y = to_projected(flat[:, 0], flat[:, 1], crs=crs)
    xy = np.column_stack([x, y])

    # One id per distinct point (vertices closer than the tolerance are one point, wherever they lie:
    # the pairs closer than it, joined transitively); a point is a node if it ends a line or occurs
    # more than once.
    point = merge_close(xy, node_tolerance_m)
    occurrences = np.bincount(point)
    ends = np.concatenate([[0], np.cumsum(sizes)])
    is_end = np.zeros(flat.shape[0], dtype=bool)
    is_end[ends[:-1]] = True
    is_end[ends[1:] - 1] = True
    is_node_point = occurrences >= 2
    is_node_point[point[is_end]] = True
    node_of_point = np.full(is_node_point.size, -1, dtype=np.int64)
    node_of_point[is_node_point] = np.arange(int(is_node_point.sum()))
    node_xy = np.zeros((int(is_node_point.sum()), 2))
    vertex_is_node = is_node_point[point]
    node_xy[node_of_point[point[vertex_is_node]]] = xy[vertex_is_node]

    us: list[int] = []
    vs: list[int] = []
    ks: list[int] = []
    coords: list[NDArray[np.float64]] = []
    for k in range(len(arrays)):
        lo, hi = int(ends[k]), int(ends[k + 1])
        cut = lo + np.flatnonzero(vertex_is_node[lo:hi])
        for a, b in zip(cut[:-1], cut[1:], strict=True):
            us.append(int(node_of_point[point[a]]))
            vs.append(int(node_of_point[point[b]]))
            ks.append(0 if kinds is None else int(kinds[k]))
            coords.append(xy[a : b + 1])
    u_all, v_all = np.array(us, dtype=np.int64), np.array(vs, dtype=np.int64)
    loops = u_all == v_all
    keep = ~loops
    if not keep.any():
        raise AnalysisError("empty_network", "every edge is a self-loop; the network is empty")
    kept = [c for c, k in zip(coords, keep, strict=True) if k]
    lengths = np.array([_polyline_length(c) for c in kept])
    straight = all(c.shape[0] == 2 for c in kept)  # then the node coordinates say it all
    kind_all = None if kinds is None else np.array(ks, dtype=np.int8)[keep]
    return _keep_largest(
        node_xy,
        u_all[keep],
        v_all[keep],
        lengths,
        None if straight else kept,
        crs,
        int(loops.sum()),
        kind_all,
    )


def merge_close(xy: NDArray[np.float64], tolerance_m: float) -> NDArray[np.int64]:
    """A point id per vertex: vertices closer than ``tolerance_m`` get one id (and so, transitively,
    do chains of such vertices). Ids are numbered in the order of each point's first vertex."""
    n = xy.shape[0]
    if n == 0:
        return np.zeros(0, dtype=np.int64)
    pairs = cKDTree(xy).query_pairs(r=float(np.nextafter(tolerance_m, 0.0)), output_type="ndarray")
    if pairs.size == 0:
        return np.arange(n, dtype=np.int64)
    graph = sp.coo_matrix((np.ones(pairs.shape[0]), (pairs[:, 0], pairs[:, 1])), shape=(n, n))
    _n, labels = connected_components(graph, directed=False)
    first = np.full(int(labels.max()) + 1, n, dtype=np.int64)
    np.minimum.at(first, labels, np.arange(n))
    order = np.argsort(first, kind="stable")
    rank = np.empty_like(order)
    rank[order] = np.arange(order.size)
    ids: NDArray[np.int64] = rank[labels].astype(np.int64)
    return ids


def _keep_largest(
    node_xy: NDArray[np.float64],
    u: NDArray[np.int64],
    v: NDArray[np.int64],
    lengths: NDArray[np.float64],
    coords: list[NDArray[np.float64]] | None,
    crs: str,
    self_loops: int,
    kinds: NDArray[np.int8] | None = None,
) -> Network:
    n_all = node_xy.shape[0]
    graph = symmetric_csr(n_all, u, v, lengths)
    _n_comp, labels = connected_components(graph, directed=False)
    used = np.zeros(n_all, dtype=bool)
    used[u] = True
    used[v] = True
    counts = np.bincount(labels[used], minlength=labels.max() + 1)
    biggest = int(np.argmax(counts))
    keep_nodes = (labels == biggest) & used
    new_index = np.full(n_all, -1, dtype=np.int64)
    new_index[keep_nodes] = np.arange(int(keep_nodes.sum()))
    in_main = keep_nodes[u]
    return Network(
        x_m=node_xy[keep_nodes, 0].copy(),
        y_m=node_xy[keep_nodes, 1].copy(),
        edge_u=new_index[u[in_main]],
        edge_v=new_index[v[in_main]],
        edge_length_m=lengths[in_main],
        edge_coords=None if coords is None else tuple(c for c, k in zip(coords, in_main, strict=True) if k),
        crs=crs,
        dropped_nodes=int((used & ~keep_nodes).sum()),
        dropped_edges=int((~in_main).sum()),
        self_loops=self_loops,
        edge_kind=None if kinds is None else kinds[in_main],
    )


def _line_of(sizes: NDArray[np.int64], bad_vertex: NDArray[np.bool_]) -> int:
    """The index of the line that holds the first flagged vertex."""
    first = int(np.flatnonzero(bad_vertex)[0])
    return int(np.searchsorted(np.cumsum(sizes), first, side="right"))


def from_arrays(
    node_lon: NDArray[np.float64],
    node_lat: NDArray[np.float64],
    edge_u: NDArray[np.int64],
    edge_v: NDArray[np.int64],
    *,
    crs: str = UTM_50N,
    edge_kind: NDArray[np.int8] | None = None,
) -> Network:
    """Build a network from node coordinates (WGS-84) and edge index arrays, with straight edges
    (the form pandana and most routing exports use), optionally with each edge's kind. Same cleaning
    as :func:`build_network`: self-loops dropped, parallel edges keep the shortest, largest component
    kept."""
    lon = np.asarray(node_lon, dtype=np.float64)
    lat = np.asarray(node_lat, dtype=np.float64)
    u = np.asarray(edge_u, dtype=np.int64)
    v = np.asarray(edge_v, dtype=np.int64)
    if lon.shape != lat.shape or lon.ndim != 1 or u.shape != v.shape or u.ndim != 1:
        raise AnalysisError("shape", "node and edge arrays must be 1-d, lon/lat and u/v of equal length")
    if u.size == 0:
        raise AnalysisError("empty_network", "the network has no edges")
    if not (np.isfinite(lon).all() and np.isfinite(lat).all()):
        raise AnalysisError("coordinate_not_finite", "a node coordinate is not a finite number")
    if (np.abs(lon) > 180).any() or (np.abs(lat) > 90).any():
        raise AnalysisError("coordinate_range", "a node lies outside the lon/lat range")
    if u.min() < 0 or v.min() < 0 or max(u.max(), v.max()) >= lon.size:
        raise AnalysisError("edge_index", "an edge refers to a node that does not exist")
    kind = None if edge_kind is None else np.asarray(edge_kind, dtype=np.int8)
    if kind is not None and (kind.shape != u.shape or kind.min() < 0 or kind.max() >= len(EDGE_KINDS)):
        raise AnalysisError("impedance", "one edge kind per edge, each one of " + ", ".join(EDGE_KINDS))
    x, y = to_projected(lon, lat, crs=crs)
    loops = u == v
    u, v = u[~loops], v[~loops]
    kind = None if kind is None else kind[~loops]
    if u.size == 0:
        raise AnalysisError("empty_network", "every edge is a self-loop; the network is empty")
    lengths = np.hypot(x[u] - x[v], y[u] - y[v])
    return _keep_largest(np.column_stack([x, y]), u, v, lengths, None, crs, int(loops.sum()), kind)


def lines_from_geojson(collection: dict[str, Any]) -> list[list[list[float]]]:
    """The LineString and MultiLineString parts of a GeoJSON FeatureCollection, as polylines."""
    return kinds_and_lines_from_geojson(collection)[1]


def kinds_and_lines_from_geojson(collection: dict[str, Any]) -> tuple[list[int], list[list[list[float]]]]:
    """The polylines of a GeoJSON FeatureCollection and each one's edge kind, from the feature's OSM tags
    among its properties (``highway``, ``footway``…; :func:`kind_of_tags`)."""
    if not isinstance(collection, dict) or collection.get("type") != "FeatureCollection":
        raise AnalysisError("geojson_type", "expected a GeoJSON FeatureCollection")
    lines: list[list[list[float]]] = []
    kinds: list[int] = []
    for feature in collection.get("features", []):
        geometry = (feature or {}).get("geometry") or {}
        properties = (feature or {}).get("properties") or {}
        tags = {str(k): str(v) for k, v in properties.items()} if isinstance(properties, dict) else {}
        if geometry.get("type") == "LineString":
            parts = [geometry["coordinates"]]
        elif geometry.get("type") == "MultiLineString":
            parts = list(geometry["coordinates"])
        else:
            continue
        lines.extend(parts)
        kinds.extend([kind_of_tags(tags)] * len(parts))
    return kinds, lines


def save_npz(network: Network, path: Any) -> None:
    """Write the network to ``path`` (numpy .npz, no pickles) exactly as it is: :func:`load_npz` gives it
    back with the same arrays, so the same key, contraction and answers (how the workers of a
    city-scale job share one network)."""
    coords = network.edge_coords
    meta = {
        "crs": network.crs,
        "dropped_nodes": network.dropped_nodes,
        "dropped_edges": network.dropped_edges,
        "self_loops": network.self_loops,
        "coords": coords is not None,
        "kind": network.edge_kind is not None,
        "geom": network.edge_geom_m is not None,
    }
    np.savez(
        path,
        x_m=network.x_m,
        y_m=network.y_m,
        edge_u=network.edge_u,
        edge_v=network.edge_v,
        edge_length_m=network.edge_length_m,
        coords=np.zeros((0, 2)) if coords is None else np.concatenate(coords),
        coord_sizes=np.array([] if coords is None else [c.shape[0] for c in coords], dtype=np.int64),
        edge_kind=np.zeros(0, dtype=np.int8) if network.edge_kind is None else network.edge_kind,
        edge_geom_m=np.zeros(0) if network.edge_geom_m is None else network.edge_geom_m,
        meta=np.array(json.dumps(meta)),
    )


def load_npz(path: Any) -> Network:
    """The network :func:`save_npz` wrote."""
    try:
        with np.load(path, allow_pickle=False) as data:
            meta = json.loads(str(data["meta"]))
            coords = None
            if meta["coords"]:
                coords = tuple(np.split(data["coords"], np.cumsum(data["coord_sizes"])[:-1]))
            return Network(
                x_m=data["x_m"],
                y_m=data["y_m"],
                edge_u=data["edge_u"],
                edge_v=data["edge_v"],
                edge_length_m=data["edge_length_m"],
                edge_coords=coords,
                crs=str(meta["crs"]),
                dropped_nodes=int(meta["dropped_nodes"]),
                dropped_edges=int(meta["dropped_edges"]),
                self_loops=int(meta["self_loops"]),
                edge_kind=data["edge_kind"] if meta["kind"] else None,
                edge_geom_m=data["edge_geom_m"] if meta["geom"] else None,
            )
    except (OSError, KeyError, ValueError, TypeError) as exc:
        raise AnalysisError("network_file", f"cannot read the saved network: {exc}") from None

"""The accessibility engine against a straightforward networkx Dijkstra reference (to 0.01 m)."""

from __future__ import annotations

import math

import networkx as nx
import numpy as np
import pytest
import shapely.geometry
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from shapely.geometry import LineString, Point

from gaoxin.analysis.access import (
    NearestResult,
    at_nodes,
    counts,
    isochrone,
    minutes,
    nearest,
    pairs_within,
    prepare,
    reachable,
    snap,
)
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import to_lon_lat, to_projected
from gaoxin.analysis.network import build_network, lines_from_geojson

BASE_X, BASE_Y = to_projected([116.64], [35.41])
BASE_X, BASE_Y = float(BASE_X[0]), float(BASE_Y[0])


def lonlat(x: float, y: float) -> list[float]:
    lon, lat = to_lon_lat([BASE_X + x], [BASE_Y + y])
    return [float(lon[0]), float(lat[0])]


@st.composite
def random_network(draw):
    """A connected random network (a random spanning tree plus extra edges) in metres around Jining,
    with origins and facilities placed on random edges."""
    n = draw(st.integers(3, 14))
    xy = [(draw(st.floats(0, 2000)), draw(st.floats(0, 2000))) for _ in range(n)]
    xy = list(dict.fromkeys((round(x), round(y)) for x, y in xy))  # distinct nodes
    n = len(xy)
    if n < 2:
        xy, n = [(0, 0), (500, 0)], 2
    edges = {(i, draw(st.integers(0, i - 1))) for i in range(1, n)}
    extra = draw(st.lists(st.tuples(st.integers(0, n - 1), st.integers(0, n - 1)), max_size=2 * n))
    edges |= {(a, b) for a, b in extra if a != b and (b, a) not in edges}
    edges_l = sorted(edges)

    # Degenerate geometry makes the answer ambiguous, not wrong: skip edges that run through a third
    # node (overlapping streets) and points that lie within 1 m of another edge (crossings).
    segs = [LineString([xy[a], xy[b]]) for a, b in edges_l]
    for (a, b), seg in zip(edges_l, segs, strict=True):
        assume(all(seg.distance(Point(xy[c])) > 1.0 for c in range(n) if c not in (a, b)))

    def points(count):
        out = []
        for _ in range(count):
            e = draw(st.integers(0, len(edges_l) - 1))
            f = draw(st.floats(0.05, 0.95))
            (x1, y1), (x2, y2) = xy[edges_l[e][0]], xy[edges_l[e][1]]
            p = Point(x1 + f * (x2 - x1), y1 + f * (y2 - y1))
            assume(all(other.distance(p) > 1.0 for j, other in enumerate(segs) if j != e))
            out.append((e, f))
        return out

    return (
        xy,
        edges_l,
        points(draw(st.integers(1, 8))),
        points(draw(st.integers(1, 8))),
        draw(st.integers(1, 3)),
    )


def reference(xy, edges, origins, facilities, fac_cats, n_cats, cutoff):
    g = nx.Graph()
    for a, b in edges:
        length = math.dist(xy[a], xy[b])
        if g.has_edge(a, b):
            length = min(length, g[a][b]["w"])
        g.add_edge(a, b, w=length)
    dist_from = {v: nx.single_source_dijkstra_path_length(g, v, weight="w") for v in g.nodes}

    def d_point(p, q):
        (e1, f1), (e2, f2) = p, q
        a, b = edges[e1]
        c, d = edges[e2]
        l1, l2 = math.dist(xy[a], xy[b]), math.dist(xy[c], xy[d])
        best = math.inf
        for end1, t1 in ((a, f1 * l1), (b, (1 - f1) * l1)):
            for end2, t2 in ((c, f2 * l2), (d, (1 - f2) * l2)):
                best = min(best, t1 + dist_from[end1][end2] + t2)
        if e1 == e2:
            best = min(best, abs(f1 - f2) * l1)
        return best

    out = np.full((len(origins), n_cats), np.inf)
    for i, o in enumerate(origins):
        for j, f in enumerate(facilities):
            d = d_point(o, f)
            if d <= cutoff:
                out[i, fac_cats[j]] = min(out[i, fac_cats[j]], d)
    return out, d_point


def place(xy, edges, pts):
    coords = []
    for e, f in pts:
        a, b = edges[e]
        (x1, y1), (x2, y2) = xy[a], xy[b]
        coords.append(lonlat(x1 + f * (x2 - x1), y1 + f * (y2 - y1)))
    arr = np.array(coords)
    return arr[:, 0], arr[:, 1]


RANDOM = {"deadline": None, "suppress_health_check": [HealthCheck.filter_too_much, HealthCheck.too_slow]}


def engine_inputs(case, data):
    """The network, snapped origins and facilities, and a random category per facility."""
    xy, edges, origins, facilities, n_cats = case
    cats = np.array([data.draw(st.integers(0, n_cats - 1)) for _ in facilities])
    net = build_network([[lonlat(*xy[a]), lonlat(*xy[b])] for a, b in edges])
    so = snap(net, *place(xy, edges, origins))
    sf = snap(net, *place(xy, edges, facilities))
    assert so.reachable.all() and sf.reachable.all()
    return net, so, sf, cats


@settings(max_examples=60, **RANDOM)
@given(random_network(), st.data())
def test_nearest_equals_networkx_reference_on_random_networks(case, data):
    xy, edges, origins, facilities, n_cats = case
    net, so, sf, cats = engine_inputs(case, data)
    cutoff = data.draw(st.floats(100, 5000))
    result = nearest(net, so, sf, cats, n_categories=n_cats, cutoff_m=cutoff)
    result = NearestResult(result.distance_m[..., 0], result.facility[..., 0])
    expected, d_point = reference(xy, edges, origins, facilities, cats, n_cats, cutoff)
    assert np.isinf(result.distance_m).tolist() == np.isinf(expected).tolist()
    finite = np.isfinite(expected)
    np.testing.assert_allclose(result.distance_m[finite], expected[finite], atol=0.01)
    # The facility reported is one at that distance.
    for i, k in zip(*np.nonzero(finite), strict=True):
        j = result.facility[i, k]
        assert cats[j] == k and abs(d_point(origins[i], facilities[j]) - expected[i, k]) < 0.01


@settings(max_examples=30, **RANDOM)
@given(random_network(), st.data())
def test_counts_equal_networkx_reference(case, data):
    xy, edges, origins, facilities, n_cats = case
    net, so, sf, cats = engine_inputs(case, data)
    weights = np.array([data.draw(st.integers(0, 300)) for _ in facilities], dtype=float)
    thresholds = np.array([300.0, 500.0, 1000.0])
    result = counts(net, so, sf, cats, n_categories=n_cats, thresholds_m=thresholds, weights=weights)
    _, d_point = reference(xy, edges, origins, facilities, cats, n_cats, 1e9)
    for i, o in enumerate(origins):
        for t, thr in enumerate(thresholds):
            for k in range(n_cats):
                # points exactly at a threshold are ambiguous to 1e-6 m; the drawn ones never are in practice
                members = [j for j, f in enumerate(facilities) if cats[j] == k and d_point(o, f) <= thr]
                assert result.count[i, k, t] == len(members)
                assert result.weight[i, k, t] == pytest.approx(weights[members].sum())


def straight(*xs):
    return [lonlat(x, 0) for x in xs]


def test_two_points_on_one_edge_walk_along_it_not_via_the_ends():
    net = build_network([straight(0, 1000)])
    o = snap(net, *np.array([lonlat(400, 0)]).T)
    f = snap(net, *np.array([lonlat(450, 0)]).T)
    r = nearest(net, o, f, np.array([0]), n_categories=1, cutoff_m=2000)
    assert r.distance_m[0, 0, 0] == pytest.approx(50.0, abs=0.01)


def test_snapping_uses_the_nearest_point_on_the_edge_and_its_partial_lengths():
    net = build_network([straight(0, 1000)])
    s = snap(net, *np.array([lonlat(250, 40)]).T)
    assert s.reachable[0] and s.distance_m[0] == pytest.approx(40, abs=0.01)
    assert s.offset_m[0] == pytest.approx(250, abs=0.01)
    assert net.edge_length_m[0] - s.offset_m[0] == pytest.approx(750, abs=0.01)


def test_a_point_beyond_the_tolerance_is_unreachable_with_its_distance():
    net = build_network([straight(0, 1000)])
    s = snap(net, *np.array([lonlat(500, 450)]).T, tolerance_m=300)
    assert not s.reachable[0] and s.distance_m[0] == pytest.approx(450, abs=0.01)
    r = nearest(net, s, snap(net, *np.array([lonlat(10, 0)]).T), np.array([0]), n_categories=1, cutoff_m=5000)
    assert np.isinf(r.distance_m[0, 0, 0]) and r.facility[0, 0, 0] == -1


def test_largest_component_is_kept_and_the_rest_reported():
    net = build_network([straight(0, 100), straight(100, 200), [lonlat(0, 5000), lonlat(50, 5000)]])
    assert net.n_edges == 2 and net.dropped_edges == 1 and net.dropped_nodes == 2


def test_self_loops_and_zero_length_edges_are_dropped():
    net = build_network(
        [straight(0, 100), [lonlat(100, 0), lonlat(100.1, 0)], straight(100, 200)], node_tolerance_m=0.5
    )
    assert net.self_loops == 1 and net.n_edges == 2


def test_a_category_without_facilities_is_inf_everywhere():
    net = build_network([straight(0, 1000)])
    o = snap(net, *np.array([lonlat(400, 0)]).T)
    f = snap(net, *np.array([lonlat(450, 0)]).T)
    r = nearest(net, o, f, np.array([0]), n_categories=2, cutoff_m=2000)
    assert np.isinf(r.distance_m[0, 1, 0]) and r.facility[0, 1, 0] == -1


@pytest.mark.parametrize(
    "lines,code",
    [
        ([], "empty_network"),
        ([[[116.6, 35.4]]], "bad_line"),
        ([[[116.6, math.nan], [116.7, 35.4]]], "coordinate_not_finite"),
        ([[[216.6, 35.4], [116.7, 35.4]]], "coordinate_range"),
        ([[lonlat(0, 0), lonlat(0, 0.1)]], "empty_network"),
    ],
)
def test_bad_networks_are_clear_errors(lines, code):
    with pytest.raises(AnalysisError) as exc:
        build_network(lines)
    assert exc.value.code == code


def test_bad_points_and_options_are_clear_errors():
    net = build_network([straight(0, 1000)])
    with pytest.raises(AnalysisError):
        snap(net, np.array([math.nan]), np.array([35.4]))
    s = snap(net, *np.array([lonlat(1, 0)]).T)
    with pytest.raises(AnalysisError):
        nearest(net, s, s, np.array([3]), n_categories=2, cutoff_m=100)
    with pytest.raises(AnalysisError):
        nearest(net, s, s, np.array([0]), n_categories=1, cutoff_m=0)
    with pytest.raises(AnalysisError):
        counts(net, s, s, np.array([0]), n_categories=1, thresholds_m=np.array([-5.0]))


def test_minutes_at_walking_speed():
    assert minutes(np.array([300.0, 1000.0])).tolist() == [5.0, pytest.approx(16.6667, abs=1e-3)]
    assert minutes(np.array([300.0]), speed_m_s=0.5)[0] == 10.0


def test_geojson_lines_are_read():
    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "geometry": {"type": "LineString", "coordinates": straight(0, 100)},
                "properties": {},
            },
            {
                "type": "Feature",
                "geometry": {"type": "MultiLineString", "coordinates": [straight(100, 200)]},
                "properties": {},
            },
        ],
    }
    assert build_network(lines_from_geojson(fc)).edge_length_m.sum() == pytest.approx(200, abs=0.01)


@settings(max_examples=30, **RANDOM)
@given(random_network(), st.data())
def test_k_nearest_equals_the_sorted_reference(case, data):
    xy, edges, origins, facilities, n_cats = case
    net, so, sf, cats = engine_inputs(case, data)
    k = data.draw(st.integers(1, 5))
    result = nearest(net, so, sf, cats, n_categories=n_cats, cutoff_m=4000, k=k)
    _, d_point = reference(xy, edges, origins, facilities, cats, n_cats, 1e9)
    for i, o in enumerate(origins):
        for c in range(n_cats):
            ds = sorted(
                d for d in (d_point(o, f) for j, f in enumerate(facilities) if cats[j] == c) if d <= 4000
            )[:k]
            got = result.distance_m[i, c]
            np.testing.assert_allclose(got[: len(ds)], ds, atol=0.01)
            assert np.isinf(got[len(ds) :]).all()
            picked = [j for j in result.facility[i, c] if j >= 0]
            assert len(set(picked)) == len(picked) == len(ds)  # distinct facilities


def test_origins_at_nodes_need_no_snapping():
    net = build_network([straight(0, 100), straight(100, 300)])
    o = at_nodes(net, np.arange(net.n_nodes))
    f = snap(net, *np.array([lonlat(250, 0)]).T)
    r = nearest(net, o, f, np.array([0]), n_categories=1, cutoff_m=1000)
    xs = np.round(net.x_m - BASE_X)
    np.testing.assert_allclose(r.distance_m[:, 0, 0], np.abs(xs - 250), atol=0.01)


def test_reachable_parts_of_edges_and_the_isochrone():
    # a 1 km street with a side street at 500 m; the point is at 400 m
    net = build_network([straight(0, 500), straight(500, 1000), [lonlat(500, 0), lonlat(500, 400)]])
    p = snap(net, *np.array([lonlat(400, 0)]).T)
    r = reachable(net, p, distance_m=300)
    # the side street is reached for 200 m of its 400 m from the junction
    side = int(np.argmax(np.isclose(net.edge_length_m, 400, atol=0.01)))
    assert max(r.from_u[side], r.from_v[side]) == pytest.approx(0.5, abs=1e-6)
    assert r.own_interval_m == pytest.approx((100, 500), abs=0.01)
    poly = shapely.geometry.shape(isochrone(net, p, distance_m=300, buffer_m=20))
    # reached: main street 100..700 m, side street 0..200 m; the buffer adds 20 m around the pieces
    inside = [(500, 190), (500, 215), (110, 0), (85, 0), (690, 0), (715, 0)]
    outside = [(500, 230), (70, 0), (730, 0), (300, 100)]
    contains = [poly.contains(shapely.geometry.Point(*lonlat(x, y))) for x, y in inside + outside]
    assert contains == [True] * len(inside) + [False] * len(outside)


def test_prepared_inputs_give_the_same_answers_and_must_match():
    net = build_network([straight(0, 500), straight(500, 1000)])
    o = snap(net, *np.array([lonlat(100, 0), lonlat(900, 0)]).T)
    f = snap(net, *np.array([lonlat(450, 0)]).T)
    p = prepare(net, o, f)
    a = nearest(net, o, f, [0], n_categories=1, cutoff_m=2000)
    b = nearest(net, o, f, [0], n_categories=1, cutoff_m=2000, prepared=p)
    np.testing.assert_array_equal(a.distance_m, b.distance_m)
    assert counts(net, o, f, [0], n_categories=1, thresholds_m=[400], prepared=p).count[:, 0, 0].tolist() == [
        1,
        0,
    ]
    with pytest.raises(AnalysisError):
        nearest(net, f, f, [0], n_categories=1, cutoff_m=2000, prepared=p)


def test_lines_meeting_at_an_interior_vertex_are_connected():
    # the side street ends on a vertex in the middle of the main street's polyline
    net = build_network([[lonlat(0, 0), lonlat(500, 0), lonlat(1000, 0)], [lonlat(500, 0), lonlat(500, 400)]])
    assert net.n_edges == 3 and net.dropped_edges == 0
    o = snap(net, *np.array([lonlat(500, 300)]).T)
    f = snap(net, *np.array([lonlat(300, 0)]).T)
    assert nearest(net, o, f, [0], n_categories=1, cutoff_m=2000).distance_m[0, 0, 0] == pytest.approx(
        500, abs=0.01
    )


def test_crossing_lines_without_a_shared_vertex_stay_apart():
    # a bridge: the second street crosses the first without a common vertex
    net = build_network([straight(0, 1000), [lonlat(500, -300), lonlat(500, 300)]])
    assert net.n_edges == 1 and net.dropped_edges == 1


def test_pairs_within_lists_every_origin_facility_distance():
    net = build_network([straight(0, 1000)])
    o = snap(net, *np.array([lonlat(100, 0), lonlat(800, 0)]).T)
    f = snap(net, *np.array([lonlat(300, 0), lonlat(950, 0)]).T)
    p = pairs_within(net, o, f, max_m=500)
    got = sorted(zip(p.origin.tolist(), p.facility.tolist(), np.round(p.distance_m, 2).tolist(), strict=True))
    assert got == [(0, 0, 200.0), (1, 0, 500.0), (1, 1, 150.0)]


# ---------------------------------------------------------------- issue 16: crashes on real inputs


def _three_nodes():
    return build_network([[[116.600, 35.400], [116.601, 35.400]], [[116.601, 35.400], [116.602, 35.400]]])


@pytest.mark.parametrize("k", [1, 2])
def test_no_facility_on_the_network_gives_inf_not_a_crash(k):
    net = _three_nodes()
    origins = at_nodes(net, [0, 1, 2])
    for facilities, cats in ((snap(net, [117.0], [35.4]), [0]), (snap(net, [], []), [])):
        r = nearest(net, origins, facilities, cats, n_categories=1, cutoff_m=500, k=k)
        assert np.isinf(r.distance_m).all() and (r.facility == -1).all() and r.distance_m.shape == (3, 1, k)
        c = counts(net, origins, facilities, cats, n_categories=1, thresholds_m=300)
        assert (c.count == 0).all() and c.count.shape == (3, 1, 1)


def test_curved_polylines_with_different_vertex_counts_snap_and_make_isochrones():
    net = build_network(
        [
            [[116.600, 35.400], [116.601, 35.4003], [116.602, 35.400]],
            [[116.602, 35.400], [116.603, 35.4002], [116.604, 35.4001], [116.605, 35.400]],
        ]
    )
    s = snap(net, [116.6015], [35.4002])
    assert s.reachable.all() and s.edge[0] == 0 and s.distance_m[0] < 20
    poly = isochrone(net, s, distance_m=150)
    assert shapely.geometry.shape(poly).area > 0
    far = snap(net, [116.6045], [35.40005])
    r = nearest(net, s, far, [0], n_categories=1, cutoff_m=2000)
    lines = net.edge_lines()
    assert len(lines) == 2 and 0 < r.distance_m[0, 0, 0] < lines[0].length + lines[1].length


@pytest.mark.parametrize("side", [-1, 1])
def test_end_points_closer_than_the_tolerance_merge_wherever_they_lie(side):
    """Two street ends 0.10 m apart straddling any grid line are one node; ends 0.52 m apart are two."""
    for base in (0.0, 0.25, 0.2499, 0.5, 0.7501, 1.0):  # across the old 0.5 m cells' edges
        x = base + side * 0.05
        a = [lonlat(-300, 0), lonlat(x, 0)]
        b = [lonlat(x + 0.10 * side, 0), lonlat(x + 0.10 * side, 300)]
        net = build_network([a, b])
        assert net.n_edges == 2 and net.dropped_edges == 0, base
        apart = build_network([a, [lonlat(x + 0.52 * side, 0), lonlat(x + 0.52 * side, 300)]])
        assert apart.n_edges == 1 and apart.dropped_edges == 1, base


def test_rebuilding_a_network_from_its_own_edges_keeps_it():
    net = build_network([straight(0, 100.3, 200), [lonlat(100.3, 0), lonlat(100.3, 0.2), lonlat(100.6, 80)]])
    lon, lat = to_lon_lat(net.x_m, net.y_m)
    again = build_network(
        [[[lon[u], lat[u]], [lon[v], lat[v]]] for u, v in zip(net.edge_u, net.edge_v, strict=True)]
    )
    assert (again.n_nodes, again.n_edges) == (net.n_nodes, net.n_edges)


def test_a_prepared_input_of_another_network_is_refused():
    one = _three_nodes()
    other = build_network([[[116.600, 35.401], [116.601, 35.401]], [[116.601, 35.401], [116.602, 35.401]]])
    origins, facilities = at_nodes(one, [0, 2]), at_nodes(one, [1])
    p = prepare(one, origins, facilities)
    assert nearest(
        one, origins, facilities, [0], n_categories=1, cutoff_m=500, prepared=p
    ).distance_m.shape == (2, 1, 1)
    with pytest.raises(AnalysisError) as exc:
        nearest(other, origins, facilities, [0], n_categories=1, cutoff_m=500, prepared=p)
    assert exc.value.code == "prepared"


def test_scalar_thresholds_and_whole_number_categories():
    net = _three_nodes()
    o, f = at_nodes(net, [0]), at_nodes(net, [1, 2])
    assert counts(net, o, f, [0, 0], n_categories=1, thresholds_m=300.0).count.shape == (1, 1, 1)
    assert counts(net, o, f, np.array([0.0, 1.0]), n_categories=2, thresholds_m=[500]).count.shape == (
        1,
        2,
        1,
    )
    for bad in ([0.5, 0], [0, np.nan]):
        with pytest.raises(AnalysisError, match="whole numbers"):
            nearest(net, o, f, bad, n_categories=2, cutoff_m=500)


# --- the faster kernels: bucket queue, parallel blocks, the snapping grid


def _grid_network(side=14, seed=3, curved=False):
    """A perturbed grid (some edges removed, some curved) with all nodes as origins and 40 facilities
    on edges, with float weights that do not add exactly in every order."""
    rng = np.random.default_rng(seed)
    at = rng.uniform(-9, 9, (side, side, 2)) + np.stack(np.mgrid[0:side, 0:side], axis=-1) * 60.0
    lines = []
    for i in range(side):
        for j in range(side):
            for di, dj in ((1, 0), (0, 1)):
                if i + di < side and j + dj < side and rng.random() > 0.1:
                    a, b = tuple(at[i, j]), tuple(at[i + di, j + dj])
                    mid = [] if not curved else [((a[0] + b[0]) / 2 + rng.uniform(-8, 8), (a[1] + b[1]) / 2)]
                    lines.append([lonlat(*a), *[lonlat(*m) for m in mid], lonlat(*b)])
    net = build_network(lines)
    fx = rng.uniform(0, (side - 1) * 60, 40)
    fy = rng.uniform(0, (side - 1) * 60, 40)
    lon, lat = to_lon_lat(BASE_X + fx, BASE_Y + fy)
    fac = snap(net, lon, lat)
    return net, at_nodes(net, np.arange(net.n_nodes)), fac, rng.integers(0, 3, 40), rng.uniform(0.1, 9.9, 40)


@pytest.mark.parametrize("curved", [False, True])
def test_the_same_answers_with_one_and_with_several_threads(curved):
    import numba

    net, origins, fac, cats, weights = _grid_network(curved=curved)
    default = numba.get_num_threads()

    def run():
        near = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=400)
        near3 = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=400, k=3)
        cnt = counts(net, origins, fac, cats, n_categories=3, thresholds_m=[100, 250, 400], weights=weights)
        return near, near3, cnt

    try:
        numba.set_num_threads(1)
        one = run()
        numba.set_num_threads(max(2, default) if default > 1 else 1)
        many = run()
    finally:
        numba.set_num_threads(default)
    for a, b in zip(one[:2], many[:2], strict=True):
        assert np.array_equal(a.distance_m, b.distance_m) and np.array_equal(a.facility, b.facility)
    assert np.array_equal(one[2].count, many[2].count)
    assert np.array_equal(one[2].weight, many[2].weight)  # bit for bit: the blocks add in one order
    assert one[2].count.sum() > 0 and np.isfinite(one[0].distance_m).sum() > 0


def test_the_bucket_queue_equals_the_heap_and_networkx_with_zero_length_links():
    """A finite cutoff searches with buckets, an infinite one with the heap: the same distances, and
    networkx's, also where snapped points make zero-length links."""
    net, origins, fac, cats, _w = _grid_network(seed=5)
    both = snap(net, *to_lon_lat(net.x_m[:5], net.y_m[:5]))  # facilities exactly at nodes
    from gaoxin.analysis.access import concat

    fac = concat(fac, both)
    cats = np.concatenate([cats, [0, 1, 2, 0, 1]])
    bucket = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=1e7)
    heap = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=math.inf)
    np.testing.assert_allclose(bucket.distance_m, heap.distance_m, rtol=0, atol=1e-9)
    g = nx.Graph()
    lines = net.edge_lines()
    for e, (u, v) in enumerate(zip(net.edge_u, net.edge_v, strict=True)):
        w = float(net.edge_length_m[e])
        if not g.has_edge(u, v) or g[u][v]["w"] > w:
            g.add_edge(int(u), int(v), w=w)
    for c in range(3):
        best = np.full(net.n_nodes, np.inf)
        for j in np.flatnonzero(cats == c):
            e, off = int(fac.edge[j]), float(fac.offset_m[j])
            if fac.node[j] >= 0:
                ends = [(int(fac.node[j]), 0.0)]
            else:
                ends = [(int(net.edge_u[e]), off), (int(net.edge_v[e]), float(lines[e].length) - off)]
            for node, extra in ends:
                for v, d in nx.single_source_dijkstra_path_length(g, node, weight="w").items():
                    best[v] = min(best[v], d + extra)
        np.testing.assert_allclose(bucket.distance_m[:, c, 0], best, rtol=0, atol=1e-6)


def test_a_bounded_bucket_search_that_runs_out_of_room_restores_its_arrays_and_gives_up():
    from gaoxin.analysis import _kernels

    net, *_rest = _grid_network()
    csr = net.csr()
    n = net.n_nodes
    dist = np.full(n, np.inf)
    head = np.full(int(300 / 5.0) + 2, -1, dtype=np.int64)
    out_n, out_d = np.empty(n, dtype=np.int64), np.empty(n)
    args = (csr.indptr.astype(np.int64), csr.indices.astype(np.int64), csr.data, 0, 300.0, 5.0, dist, head)
    small = _kernels._settle_buckets(*args, np.empty(3, np.int64), np.empty(3, np.int64), out_n, out_d)
    assert small == -1 and np.isinf(dist).all() and (head == -1).all()
    full = _kernels._settle_buckets(
        *args, np.empty(10 * n, np.int64), np.empty(10 * n, np.int64), out_n, out_d
    )
    expected = nx.single_source_dijkstra_path_length(nx.from_scipy_sparse_array(csr), 0, cutoff=300.0)
    assert dict(zip(out_n[:full].tolist(), out_d[:full].tolist(), strict=True)) == pytest.approx(expected)
    assert (head == -1).all() and np.isfinite(dist).sum() == full  # kept for the caller to read
    pos = np.full(n, -1, dtype=np.int64)
    _kernels._unsettle(dist, pos, out_n, full)
    assert np.isinf(dist).all()


@pytest.mark.parametrize("curved", [False, True])
def test_snapping_equals_shapely_nearest_also_far_away_and_at_vertices(curved):
    net, *_rest = _grid_network(curved=curved, seed=11)
    lines = net.edge_lines()
    tree = shapely.STRtree(lines)
    rng = np.random.default_rng(2)
    x = np.concatenate([rng.uniform(-400, 1200, 300), net.x_m[:20] - BASE_X, [5_000.0, -80_000.0]])
    y = np.concatenate([rng.uniform(-400, 1200, 300), net.y_m[:20] - BASE_Y, [5_000.0, 3_000.0]])
    s = snap(net, *to_lon_lat(BASE_X + x, BASE_Y + y), tolerance_m=100)
    px, py = to_projected(*to_lon_lat(BASE_X + x, BASE_Y + y))
    for i in range(x.size):
        p = Point(px[i], py[i])
        near = tree.query_nearest(p, all_matches=True)
        d = min(lines[e].distance(p) for e in near)
        assert s.distance_m[i] == pytest.approx(d, abs=1e-6)
        assert s.reachable[i] == (d <= 100)
        if s.reachable[i]:
            e = int(s.edge[i])
            assert lines[e].distance(p) == pytest.approx(d, abs=1e-6)  # one of the nearest edges
            assert s.offset_m[i] == pytest.approx(lines[e].project(p), abs=1e-6)


# --- contraction: chains of degree-2 nodes are one edge in the search, with exact answers


def _point_distance_reference(net):
    """Exact walking distance between two located points of ``net`` (node, or edge and offset),
    by networkx on the full (uncontracted) network."""
    g = nx.MultiGraph()
    for e, (u, v) in enumerate(zip(net.edge_u.tolist(), net.edge_v.tolist(), strict=True)):
        g.add_edge(u, v, w=float(net.edge_length_m[e]))
    d = dict(nx.all_pairs_dijkstra_path_length(g, weight="w"))

    def ends(p):
        node, edge, off = p
        if node >= 0:
            return [(node, 0.0)]
        length = float(net.edge_length_m[edge])
        off = min(max(off, 0.0), length)
        return [(int(net.edge_u[edge]), off), (int(net.edge_v[edge]), length - off)]

    def between(p, q):
        best = min(a + d[x].get(y, math.inf) + b for x, a in ends(p) for y, b in ends(q))
        if p[0] < 0 and q[0] < 0 and p[1] == q[1]:
            best = min(best, abs(p[2] - q[2]))
        return best

    return between


def _located(s, i):
    return (int(s.node[i]), int(s.edge[i]), float(s.offset_m[i]))


def _chainy(seed):
    """Streets drawn as many short pieces (inner nodes of degree 2): a random graph whose edges are
    cut into 1-6 pieces, two parallel streets between the same corners, and a loop hanging off a
    corner (a chain that starts and ends at one node)."""
    rng = np.random.default_rng(seed)
    corners = rng.uniform(0, 1500, (7, 2))
    pairs = {(i, int(rng.integers(0, i))) for i in range(1, 7)} | {(0, 6), (2, 5)}
    lines = []
    for a, b in sorted(pairs):
        pieces = int(rng.integers(1, 7))
        pts = [corners[a]]
        for k in range(1, pieces):
            t = k / pieces
            pts.append(corners[a] * (1 - t) + corners[b] * t + rng.uniform(-30, 30, 2))
        pts.append(corners[b])
        lines += [[lonlat(*p), lonlat(*q)] for p, q in zip(pts[:-1], pts[1:], strict=False)]
    bend = (corners[0] + corners[6]) / 2 + 120.0  # a second street 0 → 6 by another way
    lines += [[lonlat(*corners[0]), lonlat(*bend)], [lonlat(*bend), lonlat(*corners[6])]]
    c = corners[3]
    loop = [c, c + [60, 0], c + [60, 60], c + [0, 60]]
    lines += [[lonlat(*p), lonlat(*q)] for p, q in zip(loop, [*loop[1:], c], strict=True)]
    return build_network(lines), rng


@pytest.mark.parametrize("seed", range(8))
def test_contracted_searches_equal_networkx_on_the_full_network(seed):
    net, rng = _chainy(seed)
    c = net.contracted
    assert c.n_terminals < net.n_nodes  # there is something to contract
    between = _point_distance_reference(net)
    xs = rng.uniform(-50, 1550, 40)
    ys = rng.uniform(-50, 1550, 40)
    fac = snap(net, *to_lon_lat(BASE_X + xs[:12], BASE_Y + ys[:12]), tolerance_m=5000)
    cats = rng.integers(0, 2, 12)
    from gaoxin.analysis.access import concat

    origins = concat(
        at_nodes(net, np.arange(net.n_nodes)),
        snap(net, *to_lon_lat(BASE_X + xs[12:], BASE_Y + ys[12:]), tolerance_m=5000),
    )
    origins = concat(origins, fac)  # origins exactly at facilities
    cutoff = 900.0
    near = nearest(net, origins, fac, cats, n_categories=2, cutoff_m=cutoff, k=3)
    one = nearest(net, origins, fac, cats, n_categories=2, cutoff_m=cutoff)
    thresholds = [150.0, 400.0, 900.0]
    cnt = counts(net, origins, fac, cats, n_categories=2, thresholds_m=thresholds)
    pairs = pairs_within(net, origins, fac, max_m=cutoff)
    got_pairs = {
        (int(o), int(f)): d for o, f, d in zip(pairs.origin, pairs.facility, pairs.distance_m, strict=True)
    }
    for i in range(len(origins)):
        d = np.array([between(_located(origins, i), _located(fac, j)) for j in range(12)])
        for k in range(2):
            ds = np.sort(d[cats == k])
            ds = ds[ds <= cutoff][:3]
            got = near.distance_m[i, k]
            np.testing.assert_allclose(got[: ds.size], ds, rtol=0, atol=1e-6)
            assert np.isinf(got[ds.size :]).all()
            if ds.size:
                assert one.distance_m[i, k, 0] == pytest.approx(ds[0], abs=1e-6)
                assert abs(d[one.facility[i, k, 0]] - ds[0]) < 1e-6
            for t, thr in enumerate(thresholds):
                inside = (d[cats == k] <= thr).sum()
                near_edge = (np.abs(d[cats == k] - thr) < 1e-6).sum()
                assert abs(int(cnt.count[i, k, t]) - int(inside)) <= near_edge
        for j in range(12):
            if d[j] <= cutoff - 1e-6:
                assert got_pairs[(i, j)] == pytest.approx(d[j], abs=1e-6)
            elif d[j] > cutoff + 1e-6:
                assert (i, j) not in got_pairs


def test_chains_cover_every_edge_once_and_place_inner_nodes_along_them():
    net, _rng = _chainy(3)
    c = net.contracted
    assert (c.edge_chain >= 0).all()
    inner = c.terminal < 0
    assert (c.node_chain[inner] >= 0).all() and (c.node_chain[~inner] == -1).all()
    # the sum of a chain's edges is its length; each inner node lies strictly inside its chain
    np.testing.assert_allclose(
        np.bincount(c.edge_chain, weights=net.edge_length_m), c.chain_length_m, atol=1e-9
    )
    assert (c.node_pos_m[inner] > 0).all() and (
        c.node_pos_m[inner] < c.chain_length_m[c.node_chain[inner]]
    ).all()
    # about every other node of a street drawn in pieces is gone from the search
    assert c.n_terminals <= net.n_nodes * 0.7


def test_a_ring_without_junctions_contracts_around_one_node():
    ring = [lonlat(100 * math.cos(a), 100 * math.sin(a)) for a in np.linspace(0, 2 * math.pi, 13)[:-1]]
    net = build_network([[p, q] for p, q in zip(ring, [*ring[1:], ring[0]], strict=True)])
    c = net.contracted
    assert c.n_terminals == 1 and c.chain_u.size == 1 and c.chain_u[0] == c.chain_v[0]
    fac = at_nodes(net, [0])
    r = nearest(net, at_nodes(net, np.arange(net.n_nodes)), fac, [0], n_categories=1, cutoff_m=1000)
    between = _point_distance_reference(net)
    expected = [between((i, -1, 0.0), (0, -1, 0.0)) for i in range(net.n_nodes)]
    np.testing.assert_allclose(r.distance_m[:, 0, 0], expected, atol=1e-6)
    assert max(expected) == pytest.approx(net.edge_length_m.sum() / 2, rel=0.05)


# --- walking profiles (impedance)


def test_edge_kinds_from_osm_tags():
    from gaoxin.analysis.network import CROSSING, PATH, STEPS, STREET, kind_of_tags

    assert kind_of_tags({"highway": "steps"}) == STEPS
    assert kind_of_tags({"highway": "footway", "footway": "crossing"}) == CROSSING
    assert kind_of_tags({"highway": "path", "path": "crossing"}) == CROSSING
    assert kind_of_tags({"highway": "crossing"}) == CROSSING
    assert kind_of_tags({"highway": "footway"}) == PATH
    assert kind_of_tags({"highway": "pedestrian"}) == PATH
    assert kind_of_tags({"highway": "residential"}) == STREET
    assert kind_of_tags({"highway": "primary", "sidewalk": "both"}) == STREET
    assert kind_of_tags({}) == STREET


def _kinded():
    """A street 0–200 m, then steps 200–260 m, then a crossing 260–280 m, then a path to 400 m; and a
    detour street from 200 m to 280 m of 150 m."""
    lines = [
        [lonlat(0, 0), lonlat(200, 0)],
        [lonlat(200, 0), lonlat(260, 0)],
        [lonlat(260, 0), lonlat(280, 0)],
        [lonlat(280, 0), lonlat(400, 0)],
        [lonlat(200, 0), lonlat(240, 55), lonlat(280, 0)],
    ]
    from gaoxin.analysis.network import CROSSING, PATH, STEPS, STREET

    return build_network(lines, kinds=[STREET, STEPS, CROSSING, PATH, STREET])


def test_a_profile_turns_lengths_into_time_costs_and_takes_the_detour_when_it_is_quicker():
    from gaoxin.analysis.network import WalkProfile, with_profile

    net = _kinded()
    assert with_profile(net, WalkProfile("distance", 1.0)) is net
    elderly = with_profile(net, WalkProfile("elderly", 0.5, (1.0, 1.0, 4.0, 1.0)))
    np.testing.assert_allclose(elderly.geometric_length_m, net.edge_length_m)
    factor = np.array([1.0, 1.0, 4.0, 1.0])[net.edge_kind]
    np.testing.assert_allclose(elderly.edge_length_m, net.edge_length_m * factor * 2.0)
    start = snap(net, *map(np.array, zip(lonlat(100, 0), strict=True)))
    end = snap(net, *map(np.array, zip(lonlat(340, 0), strict=True)))
    plain = nearest(net, start, end, [0], n_categories=1, cutoff_m=5000).distance_m[0, 0, 0]
    assert plain == pytest.approx(240.0, abs=0.01)  # straight on, over the steps
    slow = nearest(elderly, start, end, [0], n_categories=1, cutoff_m=5000).distance_m[0, 0, 0]
    # steps (60 m x 4) and the crossing cost more than the 136 m detour from 200 m to 280 m
    detour = float(np.hypot(40, 55) + np.hypot(40, 55))
    assert slow == pytest.approx((100 + detour + 60) * 2.0, abs=0.01)
    # the snapped points serve both networks: their offsets are along the geometry
    c = counts(elderly, start, end, [0], n_categories=1, thresholds_m=[slow - 0.1, slow + 0.1])
    assert c.count[0, 0].tolist() == [0, 1]


def test_an_isochrone_for_a_slower_profile_reaches_less():
    from gaoxin.analysis.network import WalkProfile, with_profile

    net = _kinded()
    start = snap(net, *map(np.array, zip(lonlat(150, 0), strict=True)))
    plain = shapely.geometry.shape(isochrone(net, start, distance_m=200, buffer_m=5))
    slow_net = with_profile(net, WalkProfile("elderly", 0.9, (1.0, 1.0, 2.0, 1.5)))
    slow = shapely.geometry.shape(isochrone(slow_net, start, distance_m=200, buffer_m=5))
    assert slow.area < plain.area and slow.difference(plain).area < 1e-4 * slow.area  # lon/lat degrees
    r = reachable(slow_net, start, distance_m=200)
    lo, hi = r.own_interval_m  # along the own edge, in metres of geometry
    assert lo == pytest.approx(0.0) and hi == pytest.approx(200.0)  # to its end at 200 m
    assert r.own_edge == 0


def test_profiles_and_kinds_are_checked():
    from gaoxin.analysis.network import WalkProfile, profile_from_toml

    with pytest.raises(AnalysisError):
        WalkProfile("x", 0.0)
    with pytest.raises(AnalysisError):
        WalkProfile("x", 1.0, (1.0, 1.0, 0.5, 1.0))  # faster on steps
    with pytest.raises(AnalysisError):
        profile_from_toml({"code": "x", "speed_m_s": 1.0, "factor": {"stairs": 2.0}})
    p = profile_from_toml({"code": "x", "speed_m_s": 0.8, "factor": {"steps": 2.0}})
    assert p.factor == (1.0, 1.0, 2.0, 1.0) and p.minutes_to_cost_m(5) == 300.0
    with pytest.raises(AnalysisError):
        build_network([straight(0, 100)], kinds=[7])


def test_geojson_features_carry_their_kind():
    from gaoxin.analysis.network import STEPS, STREET, kinds_and_lines_from_geojson

    fc = {
        "type": "FeatureCollection",
        "features": [
            {
                "type": "Feature",
                "properties": {"highway": "steps"},
                "geometry": {"type": "LineString", "coordinates": straight(0, 50)},
            },
            {
                "type": "Feature",
                "properties": None,
                "geometry": {"type": "MultiLineString", "coordinates": [straight(50, 90), straight(90, 120)]},
            },
        ],
    }
    kinds, lines = kinds_and_lines_from_geojson(fc)
    assert kinds == [STEPS, STREET, STREET] and len(lines) == 3
    net = build_network(lines, kinds=kinds)
    assert sorted(net.edge_kind.tolist()) == [STREET, STREET, STEPS]


# --- blocks of origins over regions (the city-scale path): the same answers bit for bit


def _block_case(seed, curved):
    net, origins, fac, cats, weights = _grid_network(side=16, seed=seed, curved=curved)
    extra = snap(net, *to_lon_lat(BASE_X + np.linspace(30, 800, 25), BASE_Y + np.linspace(900, 20, 25)))
    from gaoxin.analysis.access import concat

    return net, concat(origins, extra), fac, cats, weights


@pytest.mark.parametrize(("seed", "curved", "n_blocks"), [(1, False, 2), (2, True, 3), (3, False, 5)])
def test_blocks_of_origins_over_their_regions_equal_the_whole_network_bit_for_bit(seed, curved, n_blocks):
    from gaoxin.analysis.access import Region, split_blocks, subset
    from gaoxin.analysis.network import WalkProfile, with_profile

    net, origins, fac, cats, weights = _block_case(seed, curved)
    if seed == 2:  # a walking profile: costs are not metres
        net = with_profile(net, WalkProfile("fast", 1.3, (1.0, 1.0, 1.0, 1.0)))
    x, y = origin_xy(net, origins)
    whole_near = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=300)
    whole_k = nearest(net, origins, fac, cats, n_categories=3, cutoff_m=300, k=2)
    whole_cnt = counts(net, origins, fac, cats, n_categories=3, thresholds_m=[120, 300], weights=weights)
    whole_pairs = pairs_within(net, origins, fac, max_m=300)
    blocks = split_blocks(x, y, n_blocks)
    assert sorted(np.concatenate(blocks).tolist()) == list(range(len(origins)))
    assert max(b.size for b in blocks) - min(b.size for b in blocks) <= 1
    got_pairs = set()
    smaller = 0
    for b in blocks:
        part = subset(origins, b)
        p = prepare(net, part, fac, region=Region.around(x[b], y[b], 300))
        smaller += p.graph.n < prepare(net, part, fac).graph.n
        near = nearest(net, part, fac, cats, n_categories=3, cutoff_m=300, prepared=p)
        assert np.array_equal(near.distance_m, whole_near.distance_m[b])
        assert np.array_equal(near.facility, whole_near.facility[b])
        k2 = nearest(net, part, fac, cats, n_categories=3, cutoff_m=300, k=2, prepared=p)
        assert np.array_equal(k2.distance_m, whole_k.distance_m[b])
        cnt = counts(
            net, part, fac, cats, n_categories=3, thresholds_m=[120, 300], weights=weights, prepared=p
        )
        assert np.array_equal(cnt.count, whole_cnt.count[b]) and np.array_equal(
            cnt.weight, whole_cnt.weight[b]
        )
        pr = pairs_within(net, part, fac, max_m=300, prepared=p)
        got_pairs |= {
            (int(b[o]), int(f), float(d))
            for o, f, d in zip(pr.origin, pr.facility, pr.distance_m, strict=True)
        }
        with pytest.raises(AnalysisError):
            nearest(net, part, fac, cats, n_categories=3, cutoff_m=301, prepared=p)  # beyond the region
    want = {
        (int(o), int(f), float(d))
        for o, f, d in zip(whole_pairs.origin, whole_pairs.facility, whole_pairs.distance_m, strict=True)
    }
    assert got_pairs == want
    assert smaller >= 1  # a region is less than the whole network


def origin_xy(net, snapped):
    """Projected coordinates of located points (a node, or along its edge's straight line)."""
    node = snapped.node
    e = np.maximum(snapped.edge, 0)
    t = snapped.offset_m / np.maximum(net.geometric_length_m[e], 1e-12)
    x = np.where(
        node >= 0,
        net.x_m[np.maximum(node, 0)],
        net.x_m[net.edge_u[e]] + t * (net.x_m[net.edge_v[e]] - net.x_m[net.edge_u[e]]),
    )
    y = np.where(
        node >= 0,
        net.y_m[np.maximum(node, 0)],
        net.y_m[net.edge_u[e]] + t * (net.y_m[net.edge_v[e]] - net.y_m[net.edge_u[e]]),
    )
    return x, y


@pytest.mark.parametrize(("seed", "curved"), [(6, False), (7, True)])
def test_one_category_on_several_cores_searches_blocks_of_origins_with_the_same_answers(
    seed, curved, monkeypatch
):
    """Fewer categories than threads: the origins are cut into blocks searched on their regions in
    parallel — nearest and k nearest equal the whole search bit for bit. The thread count the engine
    plans for is set here, so the blocks run (in parallel where there are cores) on any machine."""
    from gaoxin.analysis import _kernels
    from gaoxin.analysis import access as engine

    net, origins, fac, _cats, _w = _grid_network(side=16, seed=seed, curved=curved)
    one_cat = np.zeros(len(fac), dtype=np.int64)
    monkeypatch.setattr(engine, "BLOCK_MIN_ORIGINS", 1)
    monkeypatch.setattr(engine, "BLOCKS_FROM_K", 1)  # k = 1 too (by default one search)
    monkeypatch.setattr(_kernels, "threads", lambda: 1)  # one category, one thread: the whole search
    alone = [nearest(net, origins, fac, one_cat, n_categories=1, cutoff_m=250, k=k) for k in (1, 3)]
    monkeypatch.setattr(_kernels, "threads", lambda: 2)  # one category, two threads: two blocks
    p = prepare(net, origins, fac)
    block, masks = engine._origin_blocks(net, p, origins, 2, 250.0)
    assert masks.shape[0] == 2 and set(block.tolist()) == {0, 1}
    assert 0 < masks.sum(axis=1).min() and masks.sum(axis=1).max() < p.graph.n  # regions, not the whole
    calls = []
    real = engine._origin_blocks
    monkeypatch.setattr(engine, "_origin_blocks", lambda *a, **kw: calls.append(1) or real(*a, **kw))
    spread = [nearest(net, origins, fac, one_cat, n_categories=1, cutoff_m=250, k=k) for k in (1, 3)]
    assert len(calls) == 2  # both searches went by blocks
    for a, b in zip(alone, spread, strict=True):
        assert np.array_equal(a.distance_m, b.distance_m) and np.array_equal(a.facility, b.facility)
    assert np.isfinite(alone[0].distance_m).sum() > 50

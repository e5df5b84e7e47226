"""Life-circle scoring on cases small enough to work out by hand."""

import dataclasses
import math

import numpy as np
import pytest

from gaoxin.analysis.circles import completeness, covered, gaussian_weight, two_step_fca, weighted_coverage
from gaoxin.analysis.errors import AnalysisError


def test_kindergarten_at_290_m_passes_and_at_310_m_fails():
    c = covered(np.array([[290.0], [310.0], [np.inf]]), np.array([300.0]))
    assert c[:, 0].tolist() == [True, False, False]


def test_completeness_counts_only_weighted_items():
    cover = np.array([[True, False, True], [True, True, True]])
    assert completeness(cover, np.array([1.0, 1.0, 0.0])).tolist() == [0.5, 1.0]
    assert np.isnan(completeness(cover, np.zeros(3))).all()


def test_population_weighted_coverage_per_group():
    cover = np.array([[True], [False], [True]])
    got = weighted_coverage(cover, np.array([100.0, 300.0, 50.0]), np.array([0, 0, 1]), 3)
    assert got[0, 0] == pytest.approx(0.25) and got[1, 0] == 1.0 and np.isnan(got[2, 0])


def two_facility_example(decay):
    # areas A (100 people), B (300); facilities F1 (60 places), F2 (40); radius 500 m
    # A–F1 200 m, A–F2 900 m (beyond), B–F1 400 m, B–F2 100 m
    return two_step_fca(
        np.array([0, 0, 1, 1]),
        np.array([0, 1, 0, 1]),
        np.array([200.0, 900.0, 400.0, 100.0]),
        demand=np.array([100.0, 300.0]),
        supply=np.array([60.0, 40.0]),
        radius_m=500,
        norm_per_person=0.2,
        decay=decay,
    )


def test_2sfca_on_two_facilities_matches_the_formula():
    r = two_facility_example("flat")
    assert r.ratio.tolist() == pytest.approx([60 / 400, 40 / 300])
    assert r.accessibility.tolist() == pytest.approx([0.15, 0.15 + 40 / 300])
    assert r.ratio_to_norm.tolist() == pytest.approx([0.75, (0.15 + 40 / 300) / 0.2])


def test_gaussian_2sfca_matches_the_formula():
    g = lambda d: (math.exp(-0.5 * (d / 500) ** 2) - math.exp(-0.5)) / (1 - math.exp(-0.5))  # noqa: E731
    r1 = 60 / (100 * g(200) + 300 * g(400))
    r2 = 40 / (300 * g(100))
    r = two_facility_example("gaussian")
    assert r.ratio.tolist() == pytest.approx([r1, r2])
    assert r.accessibility.tolist() == pytest.approx([g(200) * r1, g(400) * r1 + g(100) * r2])


def test_gaussian_weight_is_one_at_the_door_and_zero_at_the_radius():
    assert gaussian_weight(np.array([0.0, 500.0, 600.0]), 500).tolist() == pytest.approx([1.0, 0.0, 0.0])


def test_unreached_facility_serves_no_one_and_unserved_area_gets_zero():
    r = two_step_fca(
        np.array([0]),
        np.array([0]),
        np.array([100.0]),
        demand=np.array([10.0, 10.0]),
        supply=np.array([5.0, 7.0]),
        radius_m=300,
        norm_per_person=1.0,
    )
    assert r.ratio.tolist() == [0.5, 0.0] and r.accessibility.tolist() == [0.5, 0.0]


def test_bad_inputs_are_clear_errors():
    with pytest.raises(AnalysisError):
        covered(np.array([[1.0]]), np.array([0.0]))
    with pytest.raises(AnalysisError):
        two_step_fca(
            np.array([0]),
            np.array([3]),
            np.array([1.0]),
            demand=np.array([1.0]),
            supply=np.array([1.0]),
            radius_m=300,
            norm_per_person=1,
        )
    with pytest.raises(AnalysisError):
        weighted_coverage(np.array([[True]]), np.array([-1.0]), np.array([0]), 1)


# --- evaluate(): hand-made zones ---------------------------------------------------------------
from gaoxin.analysis.circles import CircleInputs, evaluate  # noqa: E402
from gaoxin.analysis.geo import to_lon_lat, to_projected  # noqa: E402
from gaoxin.analysis.network import build_network  # noqa: E402

X0, Y0 = (float(a[0]) for a in to_projected([116.64], [35.41]))


def ll(x, y):
    lon, lat = to_lon_lat([X0 + x], [Y0 + y])
    return [float(lon[0]), float(lat[0])]


def inputs(gates, gate_area, facilities, items, demand=None, capacity=None):
    """items: list of (radius, mandatory, class, norm, group); facilities: list of (x, y, item)."""
    n_areas = max(gate_area) + 1
    g = np.array([ll(*p) for p in gates])
    f = np.array([ll(x, y) for x, y, _ in facilities])
    return CircleInputs(
        gate_area=np.array(gate_area),
        gate_lon=g[:, 0],
        gate_lat=g[:, 1],
        area_population=np.full(n_areas, 1000.0),
        area_demand=np.array(demand if demand is not None else [[100.0]] * n_areas),
        facility_item=np.array([k for _, _, k in facilities]),
        facility_lon=f[:, 0],
        facility_lat=f[:, 1],
        facility_capacity=np.array(capacity if capacity is not None else [0.0] * len(facilities)),
        item_radius_m=np.array([i[0] for i in items], dtype=float),
        item_mandatory=np.array([i[1] for i in items]),
        item_class=np.array([i[2] for i in items]),
        item_norm=np.array([i[3] for i in items], dtype=float),
        item_group=np.array([i[4] for i in items]),
        n_classes=2,
    )


STREET = build_network([[ll(0, 0), ll(1000, 0)]])


def test_evaluate_kindergarten_at_290_m_passes_and_at_310_m_fails():
    kg = (300.0, True, 0, np.nan, -1)
    res = evaluate(STREET, inputs([(100, 0), (600, 0)], [0, 1], [(390, 0, 0)], [kg]))
    assert res.distance_m[:, 0].tolist() == pytest.approx([290.0, 210.0], abs=0.01)
    res = evaluate(STREET, inputs([(80, 0)], [0], [(390, 0, 0)], [kg]))
    assert res.distance_m[0, 0] == pytest.approx(310.0, abs=0.01)
    assert not res.covered[0, 0] and res.completeness[0] == 0.0


def test_a_compound_whose_only_gate_faces_away_is_farther_than_its_centroid_suggests():
    # main street y=0, back street y=200, joined only at x=0; the compound lies between them at x=500
    # with its only gate on the back street. The kindergarten is on the main street at x=500: 100 m from
    # the compound's centroid as the crow flies, 1,200 m on foot through the gate.
    net = build_network([[ll(0, 0), ll(1000, 0)], [ll(0, 200), ll(1000, 200)], [ll(0, 0), ll(0, 200)]])
    kg = (300.0, True, 0, np.nan, -1)
    res = evaluate(net, inputs([(500, 200)], [0], [(500, 0, 0)], [kg]), search_factor=5)
    assert res.distance_m[0, 0] == pytest.approx(1200.0, abs=0.01) and not res.covered[0, 0]
    res = evaluate(net, inputs([(500, 200)], [0], [(500, 0, 0)], [kg]))  # searched to 3 x 300 m only
    assert np.isinf(res.distance_m[0, 0]) and res.facility[0, 0] == -1
    res = evaluate(
        net, inputs([(500, 200), (500, 0)], [0, 0], [(500, 0, 0)], [kg])
    )  # a second gate on the main street
    assert res.distance_m[0, 0] == pytest.approx(0.0, abs=0.01) and res.covered[0, 0]


def test_evaluate_counts_completeness_by_class_and_supply_ratio():
    items = [(300.0, True, 0, 1.0, 0), (500.0, True, 1, np.nan, -1), (300.0, False, 1, np.nan, -1)]
    facilities = [(150, 0, 0), (200, 0, 0), (900, 0, 1)]
    res = evaluate(
        STREET, inputs([(100, 0)], [0], facilities, items, demand=[[100.0]], capacity=[30.0, 40.0, 0.0])
    )
    assert res.count[0].tolist() == [2, 0, 0]
    assert res.covered[0].tolist() == [True, False, False]
    assert res.completeness[0] == 0.5  # one of the two mandatory items
    assert res.class_completeness[0].tolist() == [1.0, 0.0]
    assert res.supply_ratio[0, 0] == pytest.approx(0.7)  # 70 places for 100 children, norm 1 place per child
    assert np.isnan(res.supply_ratio[0, 1])


def test_a_gate_off_the_network_is_reported_not_snapped():
    kg = (300.0, True, 0, np.nan, -1)
    res = evaluate(STREET, inputs([(100, 0), (500, 900)], [0, 1], [(390, 0, 0)], [kg]))
    assert res.unreachable_gates.tolist() == [1] and np.isinf(res.distance_m[1, 0])


def test_mean_supply_ratio_is_weighted_by_each_area_demand():
    from gaoxin.analysis.circles import mean_supply_ratio

    # two areas with 100 and 300 children; one kindergarten of 120 places near the first only
    items = [(300.0, True, 0, 1.0, 0), (500.0, True, 1, np.nan, -1)]
    data = inputs(
        [(100, 0), (900, 0)], [0, 1], [(150, 0, 0), (900, 0, 1)], items, [[100.0], [300.0]], [120.0, 0.0]
    )
    res = evaluate(STREET, data)
    ratio = mean_supply_ratio(data, res)
    expected = (100 * res.supply_ratio[0, 0] + 300 * res.supply_ratio[1, 0]) / 400
    assert ratio[0] == pytest.approx(expected) and res.supply_ratio[0, 0] == pytest.approx(1.2)
    assert np.isnan(ratio[1])  # no norm, no demand group


@pytest.mark.parametrize("bad", [np.nan, np.inf, -5.0])
def test_a_population_that_is_not_a_number_is_refused_not_passed_through(bad):
    with pytest.raises(AnalysisError) as exc:
        weighted_coverage(np.array([[True], [False]]), np.array([100.0, bad]), np.array([0, 0]), 1)
    assert exc.value.code == "population"
    kg = (300.0, True, 0, np.nan, -1)
    good = inputs([(100, 0), (600, 0)], [0, 1], [(390, 0, 0)], [kg])
    with pytest.raises(AnalysisError) as exc:
        evaluate(STREET, dataclasses.replace(good, area_population=np.array([1000.0, bad])))
    assert exc.value.code == "population"


def test_a_zone_without_facilities_is_evaluated_not_a_crash():
    kg = (300.0, True, 0, np.nan, -1)
    empty = inputs([(100, 0)], [0], [(390, 0, 0)], [kg])
    empty = dataclasses.replace(
        empty,
        facility_item=np.zeros(0, dtype=np.int64),
        facility_lon=np.zeros(0),
        facility_lat=np.zeros(0),
        facility_capacity=np.zeros(0),
    )
    res = evaluate(STREET, empty)
    assert np.isinf(res.distance_m).all() and not res.covered.any() and res.completeness[0] == 0.0


def test_an_item_measured_for_a_slower_walker_fails_where_the_distance_passes():
    """A day-care centre 280 m away passes at 300 m by distance; measured for residents aged 60+
    (0.9 m/s) the walk costs 311 m and fails, while the kindergarten item stays on distance."""
    import dataclasses

    from gaoxin.analysis.network import WalkProfile, with_profile

    kg = (300.0, True, 0, np.nan, -1)
    care = (300.0, True, 1, 2.0, 0)
    base = inputs([(100, 0)], [0], [(380, 0, 0), (380, 0, 1)], [kg, care], capacity=[0.0, 40.0])
    elderly = with_profile(STREET, WalkProfile("elderly", 0.9))
    plain = evaluate(STREET, base)
    assert plain.covered[0].tolist() == [True, True]
    mixed = evaluate(
        STREET,
        dataclasses.replace(base, item_network=np.array([0, 1])),
        profile_networks=[elderly],
    )
    assert mixed.distance_m[0, 0] == pytest.approx(280.0, abs=0.01)
    assert mixed.distance_m[0, 1] == pytest.approx(280.0 / 0.9, abs=0.01)
    assert mixed.covered[0].tolist() == [True, False]
    assert mixed.count[0].tolist() == [1, 0]
    assert plain.supply_ratio[0, 1] > 0 and mixed.supply_ratio[0, 1] == 0.0  # out of reach: no supply
    with pytest.raises(AnalysisError):
        evaluate(STREET, dataclasses.replace(base, item_network=np.array([0, 2])), profile_networks=[elderly])
    other = build_network([[ll(0, 0), ll(500, 0)]])
    with pytest.raises(AnalysisError):
        evaluate(STREET, dataclasses.replace(base, item_network=np.array([0, 1])), profile_networks=[other])

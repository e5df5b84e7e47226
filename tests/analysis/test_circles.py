"""Life-circle scoring on cases small enough to work out by hand."""

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

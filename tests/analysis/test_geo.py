import math

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.analysis.errors import CoordinateError
from gaoxin.analysis.geo import (
    area_m2,
    check_lon_lat,
    distance_to_polygon_m,
    gcj02_to_wgs84,
    haversine_m,
    parse_point,
    parse_polygon,
    to_lon_lat,
    to_projected,
    wgs84_to_gcj02,
)


def test_gcj02_offset_in_jining_is_a_few_hundred_metres():
    lon, lat = wgs84_to_gcj02(116.64, 35.41)
    offset = haversine_m(116.64, 35.41, lon, lat)
    assert 300 < offset < 700  # GCJ-02 is offset about 300-500 m from WGS-84 around Jining


@given(st.floats(73.0, 135.0), st.floats(18.0, 53.0))
def test_gcj02_inverse_recovers_wgs84_to_a_millimetre(lon, lat):
    back = gcj02_to_wgs84(*wgs84_to_gcj02(lon, lat))
    assert haversine_m(lon, lat, *back) < 0.001


def test_gcj02_is_identity_outside_china():
    assert wgs84_to_gcj02(2.35, 48.85) == (2.35, 48.85)


@pytest.mark.parametrize("lon,lat", [(200, 35), (116, 95), (math.nan, 35), (math.inf, 1)])
def test_bad_coordinates_are_rejected(lon, lat):
    with pytest.raises(CoordinateError):
        check_lon_lat(lon, lat)


def test_projection_round_trip_and_metric_scale():
    x, y = to_projected([116.64, 116.65], [35.41, 35.41])
    assert abs((x[1] - x[0]) - haversine_m(116.64, 35.41, 116.65, 35.41)) < 2.0
    lon, lat = to_lon_lat(x, y)
    assert abs(lon[0] - 116.64) < 1e-9 and abs(lat[1] - 35.41) < 1e-9


def test_self_intersecting_polygon_is_reported():
    bowtie = {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]}
    with pytest.raises(CoordinateError) as exc:
        parse_polygon(bowtie)
    assert exc.value.code == "polygon_invalid"


def test_polygon_area_in_square_metres():
    # 0.001° x 0.001° at 35.4° N ≈ 90.8 m x 111.0 m
    square = parse_polygon(
        {
            "type": "Polygon",
            "coordinates": [
                [[116.64, 35.41], [116.641, 35.41], [116.641, 35.411], [116.64, 35.411], [116.64, 35.41]]
            ],
        }
    )
    assert 9900 < area_m2(square) < 10300
    assert distance_to_polygon_m(116.6405, 35.4105, square) == 0.0
    assert 85 < distance_to_polygon_m(116.642, 35.4105, square) < 95


def test_point_needs_two_numbers():
    assert parse_point({"type": "Point", "coordinates": [116.6, 35.4]}) == (116.6, 35.4)
    with pytest.raises(CoordinateError):
        parse_point({"type": "Point", "coordinates": ["x", 35.4]})

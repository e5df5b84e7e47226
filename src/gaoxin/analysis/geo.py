"""Every coordinate conversion of the project, in one place.

Storage is WGS-84 longitude/latitude (EPSG:4326). Metric work uses a projected CRS, UTM zone 50N
(EPSG:32650) for Jining. Chinese web maps (Amap/Gaode, Tencent) publish GCJ-02 coordinates, an
obfuscated datum offset by roughly 300-600 m from WGS-84 in Shandong; they are converted at the
import edge with :func:`gcj02_to_wgs84`.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from functools import lru_cache

import numpy as np
import shapely
import shapely.errors
import shapely.geometry
import shapely.validation
from numpy.typing import ArrayLike, NDArray
from pyproj import Transformer
from shapely.geometry.base import BaseGeometry

from gaoxin.analysis.errors import CoordinateError

WGS84 = "EPSG:4326"
UTM_50N = "EPSG:32650"  # Jining lies at about 116.6 E, inside UTM zone 50 (114 E - 120 E).

# Krasovsky 1940 ellipsoid parameters used by the published GCJ-02 formulas.
_GCJ_A = 6378245.0
_GCJ_EE = 0.00669342162296594323

# Bounding box of mainland China in which GCJ-02 applies (outside it GCJ-02 equals WGS-84).
_CHINA_LON = (72.004, 137.8347)
_CHINA_LAT = (0.8293, 55.8271)


def check_lon_lat(lon: float, lat: float) -> None:
    """Raise :class:`CoordinateError` unless (lon, lat) is a finite WGS-84 position."""
    if not (math.isfinite(lon) and math.isfinite(lat)):
        raise CoordinateError("coordinate_not_finite", "longitude and latitude must be finite numbers")
    if not -180.0 <= lon <= 180.0:
        raise CoordinateError("longitude_range", f"longitude {lon} is outside -180..180", value=lon)
    if not -90.0 <= lat <= 90.0:
        raise CoordinateError("latitude_range", f"latitude {lat} is outside -90..90", value=lat)


def in_china(lon: float, lat: float) -> bool:
    """True where the GCJ-02 offset applies (a rectangle around mainland China)."""
    return _CHINA_LON[0] <= lon <= _CHINA_LON[1] and _CHINA_LAT[0] <= lat <= _CHINA_LAT[1]


def _gcj_delta(lon: float, lat: float) -> tuple[float, float]:
    x, y = lon - 105.0, lat - 35.0
    dlat = -100.0 + 2.0 * x + 3.0 * y + 0.2 * y * y + 0.1 * x * y + 0.2 * math.sqrt(abs(x))
    dlat += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlat += (20.0 * math.sin(y * math.pi) + 40.0 * math.sin(y / 3.0 * math.pi)) * 2.0 / 3.0
    dlat += (160.0 * math.sin(y / 12.0 * math.pi) + 320.0 * math.sin(y * math.pi / 30.0)) * 2.0 / 3.0
    dlon = 300.0 + x + 2.0 * y + 0.1 * x * x + 0.1 * x * y + 0.1 * math.sqrt(abs(x))
    dlon += (20.0 * math.sin(6.0 * x * math.pi) + 20.0 * math.sin(2.0 * x * math.pi)) * 2.0 / 3.0
    dlon += (20.0 * math.sin(x * math.pi) + 40.0 * math.sin(x / 3.0 * math.pi)) * 2.0 / 3.0
    dlon += (150.0 * math.sin(x / 12.0 * math.pi) + 300.0 * math.sin(x / 30.0 * math.pi)) * 2.0 / 3.0
    rad_lat = lat / 180.0 * math.pi
    magic = 1.0 - _GCJ_EE * math.sin(rad_lat) ** 2
    sqrt_magic = math.sqrt(magic)
    dlat = (dlat * 180.0) / ((_GCJ_A * (1.0 - _GCJ_EE)) / (magic * sqrt_magic) * math.pi)
    dlon = (dlon * 180.0) / (_GCJ_A / sqrt_magic * math.cos(rad_lat) * math.pi)
    return dlon, dlat


def wgs84_to_gcj02(lon: float, lat: float) -> tuple[float, float]:
    """Forward GCJ-02 transform (the published closed-form formula); identity outside China."""
    check_lon_lat(lon, lat)
    if not in_china(lon, lat):
        return lon, lat
    dlon, dlat = _gcj_delta(lon, lat)
    return lon + dlon, lat + dlat


def gcj02_to_wgs84(lon: float, lat: float, *, tolerance_deg: float = 1e-9) -> tuple[float, float]:
    """Inverse GCJ-02 transform by fixed-point iteration.

    The closed-form inverse found in many libraries is only accurate to 1-2 m; iterating the
    forward transform converges to below 1 mm in a handful of steps.
    """
    check_lon_lat(lon, lat)
    if not in_china(lon, lat):
        return lon, lat
    wlon, wlat = lon, lat
    for _ in range(30):
        glon, glat = wgs84_to_gcj02(wlon, wlat)
        dlon, dlat = glon - lon, glat - lat
        wlon, wlat = wlon - dlon, wlat - dlat
        if abs(dlon) < tolerance_deg and abs(dlat) < tolerance_deg:
            break
    return wlon, wlat


@lru_cache(maxsize=8)
def _transformer(source: str, target: str) -> Transformer:
    return Transformer.from_crs(source, target, always_xy=True)


def utm_crs(lon: float, lat: float) -> str:
    """The EPSG code of the WGS-84 UTM zone that holds (lon, lat), e.g. EPSG:32650 for Jining."""
    check_lon_lat(lon, lat)
    zone = min(int((lon + 180.0) // 6.0) + 1, 60)
    return f"EPSG:{32600 + zone if lat >= 0 else 32700 + zone}"


def to_projected(
    lon: ArrayLike, lat: ArrayLike, *, crs: str = UTM_50N
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """WGS-84 lon/lat (degrees) to projected x/y in metres (default UTM 50N)."""
    x, y = _transformer(WGS84, crs).transform(np.asarray(lon, dtype=float), np.asarray(lat, dtype=float))
    return np.asarray(x, dtype=np.float64), np.asarray(y, dtype=np.float64)


def to_lon_lat(
    x: ArrayLike, y: ArrayLike, *, crs: str = UTM_50N
) -> tuple[NDArray[np.float64], NDArray[np.float64]]:
    """Projected x/y in metres back to WGS-84 lon/lat (degrees)."""
    lon, lat = _transformer(crs, WGS84).transform(np.asarray(x, dtype=float), np.asarray(y, dtype=float))
    return np.asarray(lon, dtype=np.float64), np.asarray(lat, dtype=np.float64)


def haversine_m(lon1: float, lat1: float, lon2: float, lat2: float) -> float:
    """Great-circle distance in metres on a sphere of radius 6,371,008.8 m (IUGG mean radius)."""
    r = 6371008.8
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(min(1.0, h)))


# --- GeoJSON geometry checks (WGS-84) -------------------------------------------------------------

_POLYGON_TYPES = {"Polygon", "MultiPolygon"}


def parse_polygon(geometry: object) -> BaseGeometry:
    """Validate a GeoJSON Polygon/MultiPolygon in WGS-84 and return it as a shapely geometry.

    Raises :class:`CoordinateError` for a wrong type, a coordinate out of range, an empty or
    self-intersecting ring (shapely's ``is_valid``; the reason is reported).
    """
    if not isinstance(geometry, dict) or geometry.get("type") not in _POLYGON_TYPES:
        raise CoordinateError("polygon_type", "expected a GeoJSON Polygon or MultiPolygon")
    try:
        shape_ = shapely.geometry.shape(geometry)
    except (ValueError, TypeError, IndexError, AttributeError, shapely.errors.GEOSException) as exc:
        raise CoordinateError("polygon_malformed", f"malformed polygon: {exc}", reason=str(exc)) from None
    if shape_.is_empty:
        raise CoordinateError("polygon_empty", "the polygon is empty")
    minx, miny, maxx, maxy = shape_.bounds
    check_lon_lat(minx, miny)
    check_lon_lat(maxx, maxy)
    if not shape_.is_valid:
        reason = shapely.validation.explain_validity(shape_)
        raise CoordinateError("polygon_invalid", f"invalid polygon: {reason}", reason=reason)
    return shape_


def parse_point(geometry: object) -> tuple[float, float]:
    """Validate a GeoJSON Point in WGS-84 and return (lon, lat)."""
    if not isinstance(geometry, dict) or geometry.get("type") != "Point":
        raise CoordinateError("point_type", "expected a GeoJSON Point")
    coords = geometry.get("coordinates")
    if not isinstance(coords, list | tuple) or len(coords) < 2:
        raise CoordinateError("point_malformed", "a point needs [longitude, latitude]")
    try:
        lon, lat = float(coords[0]), float(coords[1])
    except (TypeError, ValueError):
        raise CoordinateError("point_malformed", "point coordinates must be numbers") from None
    check_lon_lat(lon, lat)
    return lon, lat


def project_geometry(geometry: BaseGeometry, *, crs: str = UTM_50N) -> BaseGeometry:
    """A WGS-84 shapely geometry in the projected CRS (metres)."""

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        x, y = to_projected(coords[:, 0], coords[:, 1], crs=crs)
        return np.column_stack([x, y])

    result: BaseGeometry = shapely.transform(geometry, _xy)
    return result


def transform_lon_lat(
    geometry: BaseGeometry, func: Callable[[float, float], tuple[float, float]]
) -> BaseGeometry:
    """Apply a point-wise lon/lat conversion (e.g. :func:`gcj02_to_wgs84`) to every vertex."""

    def _xy(coords: NDArray[np.float64]) -> NDArray[np.float64]:
        return np.array([func(float(x), float(y)) for x, y in coords], dtype=np.float64).reshape(-1, 2)

    result: BaseGeometry = shapely.transform(geometry, _xy)
    return result


def area_m2(geometry: BaseGeometry, *, crs: str = UTM_50N) -> float:
    """Area in square metres of a WGS-84 shapely geometry, measured in the projected CRS."""
    return float(project_geometry(geometry, crs=crs).area)


def distance_to_polygon_m(lon: float, lat: float, polygon: BaseGeometry, *, crs: str = UTM_50N) -> float:
    """Planar distance in metres from a point to a polygon (0 inside), in the projected CRS."""
    projected = project_geometry(polygon, crs=crs)
    px, py = to_projected([lon], [lat], crs=crs)
    return float(projected.distance(shapely.geometry.Point(float(px[0]), float(py[0]))))

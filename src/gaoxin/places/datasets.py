"""The columns of each importable/exportable dataset, and the parsing of one row into model values.

Headers may be the English codes (what export writes) or the Chinese labels a user types in Excel.
Every problem is reported with its row and field; nothing here writes to the database.
"""

from __future__ import annotations

import datetime as dt
import json
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import shapely.geometry
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext as _
from shapely.prepared import prep

from gaoxin.analysis.errors import CoordinateError
from gaoxin.analysis.geo import check_lon_lat, gcj02_to_wgs84, parse_point, parse_polygon, transform_lon_lat
from gaoxin.common.tabular import GEOMETRY_KEY, Row
from gaoxin.places.choices import AreaStatus, CoordinateSystem, FacilityStatus, ImportDataset
from gaoxin.places.messages import describe
from gaoxin.places.models import AGE_BANDS, Community, Facility, FacilityType, ResidentialArea, Street, Zone

# How far outside the zone's boundary a point may lie before it is called a bad coordinate
# (about 2 km: facilities just across the border still serve the zone's residents).
ZONE_MARGIN_DEG = 0.02


@dataclass(frozen=True)
class Problem:
    row: int
    field: str
    message: str

    def as_dict(self) -> dict[str, Any]:
        return {"row": self.row, "field": self.field, "message": self.message}


@dataclass(frozen=True)
class Column:
    name: str
    zh: str
    required: bool = False


COLUMNS: dict[str, list[Column]] = {
    ImportDataset.STREETS: [
        Column("code", "编码", True),
        Column("name", "名称", True),
        Column("center_lon", "中心经度"),
        Column("center_lat", "中心纬度"),
        Column("boundary", "边界"),
    ],
    ImportDataset.COMMUNITIES: [
        Column("code", "统计用区划代码", True),
        Column("name", "名称", True),
        Column("center_lon", "中心经度"),
        Column("center_lat", "中心纬度"),
        Column("boundary", "边界"),
    ],
    ImportDataset.AREAS: [
        Column("code", "编码", True),
        Column("name", "名称", True),
        Column("community", "社区", True),
        Column("center_lon", "中心经度"),
        Column("center_lat", "中心纬度"),
        Column("polygon", "范围"),
        Column("gates", "出入口"),
        Column("households", "户数"),
        *[
            Column(name, zh)
            for name, zh in zip(
                [b for b, _l in AGE_BANDS],
                ["0-2岁", "3-5岁", "6-11岁", "12-14岁", "15-59岁", "60-64岁", "65岁及以上"],
                strict=True,
            )
        ],
        Column("status", "状态"),
        Column("construction_year", "开工年份"),
        Column("delivery_year", "交付年份"),
    ],
    ImportDataset.FACILITIES: [
        Column("code", "编码", True),
        Column("name", "名称", True),
        Column("type", "类型", True),
        Column("street", "街道"),
        Column("community", "社区"),
        Column("lon", "经度"),
        Column("lat", "纬度"),
        Column("entrance_lon", "入口经度"),
        Column("entrance_lat", "入口纬度"),
        Column("address", "地址"),
        Column("capacity", "容量"),
        Column("floor_area_m2", "建筑面积"),
        Column("land_area_m2", "用地面积"),
        Column("status", "状态"),
        Column("planned_year", "计划开放年份"),
        Column("opened_on", "开放日期"),
        Column("closed_on", "关闭日期"),
        Column("operator", "运营单位"),
    ],
}

MODELS: dict[str, type[models.Model]] = {
    ImportDataset.STREETS: Street,
    ImportDataset.COMMUNITIES: Community,
    ImportDataset.AREAS: ResidentialArea,
    ImportDataset.FACILITIES: Facility,
}


class Lookups:
    """Everything a row may refer to, loaded once per file (no query per row)."""

    def __init__(self, zone: Zone | None, coordinate_system: str) -> None:
        self.zone = zone
        self.gcj02 = coordinate_system == CoordinateSystem.GCJ02
        self.zone_area = None
        if zone is not None and zone.boundary:
            self.zone_area = prep(shapely.geometry.shape(zone.boundary).buffer(ZONE_MARGIN_DEG))
        self.types: dict[str, FacilityType] = {}
        for t in FacilityType.objects.all():
            self.types[t.code] = t
            self.types[t.name_zh] = t
            self.types[t.name_en.lower()] = t
        self.streets: dict[str, Street] = {}
        for s in Street.objects.all():
            self.streets[s.code] = s
            self.streets[s.name] = s
        self.communities: dict[str, Community] = {}
        self.community_by_street_name: dict[tuple[int, str], Community] = {}
        for c in Community.objects.all():
            self.communities[c.code] = c
            self.community_by_street_name[(c.street_id, c.name)] = c


class RowReader:
    """Typed access to one row's cells; each failure is recorded as a Problem, never raised."""

    def __init__(self, row: Row, header_map: dict[str, str], lookups: Lookups) -> None:
        self.row = row
        self.header_map = header_map
        self.lookups = lookups
        self.problems: list[Problem] = []

    def raw(self, name: str) -> Any:
        header = self.header_map.get(name)
        if header is None:
            return ""
        value = self.row.cells.get(header, "")
        return "" if value is None else value

    def has(self, name: str) -> bool:
        value = self.raw(name)
        return not (isinstance(value, str) and value.strip() == "")

    def problem(self, name: str, message: str) -> None:
        self.problems.append(Problem(self.row.number, name, message))

    def text(self, name: str, *, required: bool = False, max_length: int = 200) -> str:
        value = self.raw(name)
        if isinstance(value, float) and value.is_integer():
            value = int(value)  # Excel turns codes typed as numbers into floats
        value = str(value).strip()
        if required and not value:
            self.problem(name, _("This field is required."))
        elif len(value) > max_length:
            self.problem(name, _("At most %(n)s characters.") % {"n": max_length})
        return value

    def integer(self, name: str, *, minimum: int = 0, maximum: int = 10**9) -> int | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            number = Decimal(str(value).strip().replace(",", ""))
            if number != number.to_integral_value():
                raise InvalidOperation
            result = int(number)
        except (InvalidOperation, ValueError):
            self.problem(name, _("%(value)s is not a whole number.") % {"value": value})
            return None
        if not minimum <= result <= maximum:
            self.problem(
                name,
                _("%(value)s is outside %(min)s..%(max)s.")
                % {"value": result, "min": minimum, "max": maximum},
            )
            return None
        return result

    def decimal(self, name: str) -> Decimal | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            result = Decimal(str(value).strip().replace(",", ""))
        except InvalidOperation:
            self.problem(name, _("%(value)s is not a number.") % {"value": value})
            return None
        if not result.is_finite() or result < 0:
            self.problem(name, _("%(value)s must be a number ≥ 0.") % {"value": value})
            return None
        return result.quantize(Decimal("0.1"))

    def floating(self, name: str) -> float | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        try:
            return float(str(value).strip())
        except ValueError:
            self.problem(name, _("%(value)s is not a number.") % {"value": value})
            return None

    def date(self, name: str) -> dt.date | None:
        if not self.has(name):
            return None
        value = self.raw(name)
        if isinstance(value, dt.datetime):
            return value.date()
        if isinstance(value, dt.date):
            return value
        text = str(value).strip().replace("/", "-").replace(".", "-")
        try:
            return dt.date.fromisoformat(text)
        except ValueError:
            self.problem(name, _("%(value)s is not a date (use YYYY-MM-DD).") % {"value": value})
            return None

    def choice(self, name: str, choices: type[models.TextChoices], default: str) -> str:
        value = self.text(name)
        if not value:
            return default
        for member in choices:
            if value.lower() == member.value or value == str(member.label):
                return member.value
        # Accept the Chinese label whatever language the user interface is in.
        zh = {
            "规划": "planned",
            "在建": "under_construction",
            "已交付": "delivered",
            "运营": "open",
            "开放": "open",
            "已关闭": "closed",
            "关闭": "closed",
        }
        if value in zh and zh[value] in choices.values:
            return zh[value]
        allowed = ", ".join(f"{m.value} ({m.label})" for m in choices)
        self.problem(
            name,
            _("Unknown value %(value)s; use one of: %(allowed)s.") % {"value": value, "allowed": allowed},
        )
        return default

    # --- geometry -----------------------------------------------------------------------------

    def _convert(self, lon: float, lat: float) -> tuple[float, float]:
        return gcj02_to_wgs84(lon, lat) if self.lookups.gcj02 else (lon, lat)

    def _inside_zone(self, name: str, lon: float, lat: float) -> bool:
        area = self.lookups.zone_area
        if area is not None and not area.contains(shapely.geometry.Point(lon, lat)):
            self.problem(
                name,
                _(
                    "(%(lon)s, %(lat)s) lies outside the zone %(zone)s; check the coordinates and their system (WGS-84 or GCJ-02)."
                )
                % {"lon": lon, "lat": lat, "zone": self.lookups.zone},
            )
            return False
        return True

    def point(self, lon_name: str, lat_name: str, *, required: bool) -> tuple[float, float] | None:
        """A point from two columns, or from a GeoJSON Point geometry when the columns are empty."""
        geometry = self.row.cells.get(GEOMETRY_KEY)
        if (
            not self.has(lon_name)
            and not self.has(lat_name)
            and lon_name in ("lon", "center_lon")
            and isinstance(geometry, dict)
            and geometry.get("type") == "Point"
        ):
            try:
                lon, lat = parse_point(geometry)
            except CoordinateError as exc:
                self.problem("geometry", describe(exc))
                return None
        else:
            if not self.has(lon_name) and not self.has(lat_name):
                if required:
                    self.problem(lon_name, _("A location is required (longitude and latitude)."))
                return None
            lon_v, lat_v = self.floating(lon_name), self.floating(lat_name)
            if lon_v is None or lat_v is None:
                if not self.problems or self.problems[-1].field not in (lon_name, lat_name):
                    self.problem(
                        lon_name if lon_v is None else lat_name, _("Both longitude and latitude are needed.")
                    )
                return None
            lon, lat = lon_v, lat_v
            try:
                check_lon_lat(lon, lat)
            except CoordinateError as exc:
                hint = ""
                if -90 <= lon <= 90 and abs(lat) > 90:
                    hint = " " + _("Longitude and latitude look swapped.")
                self.problem(lon_name, describe(exc) + hint)
                return None
        lon, lat = self._convert(lon, lat)
        if not self._inside_zone(lon_name, lon, lat):
            return None
        return lon, lat

    def polygon(self, name: str) -> dict[str, Any] | None:
        """A polygon from a GeoJSON feature geometry, or from a cell holding GeoJSON text."""
        geometry = self.row.cells.get(GEOMETRY_KEY)
        if isinstance(geometry, dict) and geometry.get("type") in ("Polygon", "MultiPolygon"):
            value: Any = geometry
            field_name = "geometry"
        elif self.has(name):
            field_name = name
            try:
                value = json.loads(str(self.raw(name)))
            except json.JSONDecodeError:
                self.problem(name, _("Not GeoJSON geometry text."))
                return None
        else:
            return None
        try:
            shape_ = parse_polygon(value)
        except CoordinateError as exc:
            self.problem(field_name, describe(exc))
            return None
        if self.lookups.gcj02:
            shape_ = transform_lon_lat(shape_, gcj02_to_wgs84)
            value = shapely.geometry.mapping(shape_)
            value = json.loads(json.dumps(value))  # tuples → lists
        c = shape_.representative_point()
        if not self._inside_zone(field_name, c.x, c.y):
            return None
        return dict(value)

    def gates(self, name: str) -> list[list[float]]:
        """Gates as JSON `[[lon, lat], …]` or as `lon,lat; lon,lat`."""
        if not self.has(name):
            return []
        raw = self.raw(name)
        pairs: Any
        if isinstance(raw, list):
            pairs = raw
        else:
            text = str(raw).strip()
            try:
                pairs = (
                    json.loads(text)
                    if text.startswith("[")
                    else [p.split(",") for p in text.replace("；", ";").split(";") if p.strip()]
                )
            except json.JSONDecodeError:
                self.problem(name, _("Gates must be [[lon, lat], …] or lon,lat; lon,lat."))
                return []
        result: list[list[float]] = []
        for pair in pairs:
            try:
                lon, lat = float(pair[0]), float(pair[1])
                check_lon_lat(lon, lat)
            except (TypeError, ValueError, IndexError, CoordinateError):
                self.problem(
                    name, _("Gate %(pair)s is not a valid longitude,latitude pair.") % {"pair": pair}
                )
                return []
            lon, lat = self._convert(lon, lat)
            if not self._inside_zone(name, lon, lat):
                return []
            result.append([round(lon, 7), round(lat, 7)])
        return result


# --- one row → model values ----------------------------------------------------------------------


def _street_row(r: RowReader) -> dict[str, Any]:
    code = r.text("code", required=True, max_length=9)
    values: dict[str, Any] = {"code": code, "name": r.text("name", required=True, max_length=100)}
    point = r.point("center_lon", "center_lat", required=False)
    values["center_lon"], values["center_lat"] = point if point else (None, None)
    values["boundary"] = r.polygon("boundary")
    if r.lookups.zone is None:
        r.problem("code", _("No zone exists yet; create the zone first."))
    values["zone"] = r.lookups.zone
    return values


def _community_row(r: RowReader) -> dict[str, Any]:
    code = r.text("code", required=True, max_length=12)
    values: dict[str, Any] = {"code": code, "name": r.text("name", required=True, max_length=100)}
    street = r.lookups.streets.get(code[:9]) if len(code) == 12 else None
    if code and street is None:
        r.problem(
            "code", _("No street has the code %(prefix)s that this code starts with.") % {"prefix": code[:9]}
        )
    values["street"] = street
    point = r.point("center_lon", "center_lat", required=False)
    values["center_lon"], values["center_lat"] = point if point else (None, None)
    values["boundary"] = r.polygon("boundary")
    return values


def _find_community(r: RowReader, name: str, street: Street | None) -> Community | None:
    value = r.text(name)
    if not value:
        return None
    community = r.lookups.communities.get(value)
    if community is None and street is not None:
        community = r.lookups.community_by_street_name.get((street.pk, value))
    if community is None:
        r.problem(name, _("Unknown community %(value)s (use its 12-digit code).") % {"value": value})
    return community


def _area_row(r: RowReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": r.text("code", required=True, max_length=40),
        "name": r.text("name", required=True, max_length=100),
    }
    if not r.has("community"):
        r.text("community", required=True)
    values["community"] = community = _find_community(r, "community", None)
    values["street"] = community.street if community else None
    polygon = r.polygon("polygon")
    values["polygon"] = polygon
    point = r.point("center_lon", "center_lat", required=False)
    if point is None and polygon is not None:
        c = shapely.geometry.shape(polygon).representative_point()
        point = (round(c.x, 7), round(c.y, 7))
    if point is None and not any(
        p.field in ("center_lon", "center_lat", "polygon", "geometry") for p in r.problems
    ):
        r.problem("center_lon", _("Give the centre (longitude, latitude) or the outline polygon."))
    values["center_lon"], values["center_lat"] = point if point else (None, None)
    values["gates"] = r.gates("gates")
    values["households"] = r.integer("households") or 0
    for band, _label in AGE_BANDS:
        values[band] = r.integer(band) or 0
    values["status"] = r.choice("status", AreaStatus, AreaStatus.DELIVERED)
    values["construction_year"] = r.integer("construction_year", minimum=1949, maximum=2100)
    values["delivery_year"] = r.integer("delivery_year", minimum=1949, maximum=2100)
    return values


def _facility_row(r: RowReader) -> dict[str, Any]:
    values: dict[str, Any] = {
        "code": r.text("code", required=True, max_length=40),
        "name": r.text("name", required=True, max_length=120),
    }
    type_name = r.text("type", required=True)
    ftype = r.lookups.types.get(type_name) or r.lookups.types.get(type_name.lower())
    if type_name and ftype is None:
        r.problem(
            "type",
            _("Unknown facility type %(value)s; see the list of types on the import page.")
            % {"value": type_name},
        )
    values["type"] = ftype
    street: Street | None = None
    street_name = r.text("street")
    if street_name:
        street = r.lookups.streets.get(street_name)
        if street is None:
            r.problem("street", _("Unknown street %(value)s.") % {"value": street_name})
    community = _find_community(r, "community", street)
    if community is not None:
        if street is None:
            street = community.street
        elif community.street_id != street.pk:
            r.problem(
                "community", _("Community %(c)s is not in street %(s)s.") % {"c": community, "s": street}
            )
    if street is None and not street_name and community is None:
        r.problem("street", _("Give the street or the community."))
    values["street"], values["community"] = street, community
    point = r.point("lon", "lat", required=True)
    values["lon"], values["lat"] = point if point else (None, None)
    entrance = r.point("entrance_lon", "entrance_lat", required=False)
    values["entrance_lon"], values["entrance_lat"] = entrance if entrance else (None, None)
    values["address"] = r.text("address", max_length=200)
    values["capacity"] = r.integer("capacity")
    values["floor_area_m2"] = r.decimal("floor_area_m2")
    values["land_area_m2"] = r.decimal("land_area_m2")
    values["status"] = r.choice("status", FacilityStatus, FacilityStatus.OPEN)
    values["planned_year"] = r.integer("planned_year", minimum=1949, maximum=2100)
    values["opened_on"] = r.date("opened_on")
    values["closed_on"] = r.date("closed_on")
    values["operator"] = r.text("operator", max_length=120)
    return values


ROW_PARSERS: dict[str, Callable[[RowReader], dict[str, Any]]] = {
    ImportDataset.STREETS: _street_row,
    ImportDataset.COMMUNITIES: _community_row,
    ImportDataset.AREAS: _area_row,
    ImportDataset.FACILITIES: _facility_row,
}


def header_map(dataset: str | list[Column], headers: list[str]) -> tuple[dict[str, str], list[Problem]]:
    """Map each canonical column (of a dataset, or the columns given) to the file's header (English
    code or Chinese label)."""
    columns = COLUMNS[dataset] if isinstance(dataset, str) else dataset
    found: dict[str, str] = {}
    normalised = {h.strip().lower(): h for h in headers if h}
    for col in columns:
        for candidate in (col.name, col.zh.lower(), _(col.name).lower()):
            if candidate in normalised:
                found[col.name] = normalised[candidate]
                break
    problems = []
    for col in columns:
        if col.required and col.name not in found:
            problems.append(
                Problem(
                    1, col.name, _("Missing column %(name)s (%(zh)s).") % {"name": col.name, "zh": col.zh}
                )
            )
    return found, problems


def model_problems(row: int, instance: models.Model, exclude: list[str]) -> list[Problem]:
    """Run the model's own validation (field validators and clean()) and report it by field."""
    try:
        instance.full_clean(exclude=exclude, validate_unique=False, validate_constraints=False)
    except ValidationError as exc:
        out = []
        for field_name, messages in exc.message_dict.items():
            name = "row" if field_name == "__all__" else field_name
            out.extend(Problem(row, name, str(m)) for m in messages)
        return out
    return []


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

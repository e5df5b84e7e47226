"""The columns of each importable/exportable dataset, and the parsing of one row into model values.

Headers may be the English codes (what export writes) or the Chinese labels a user types in Excel.
Every problem is reported with its row and field; nothing here writes to the database.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import shapely.geometry
from django.utils.translation import gettext as _

from gaoxin.common.imports import Column, GeoFrame, Problem, RowReader
from gaoxin.places.choices import AreaStatus, FacilityStatus, ImportDataset
from gaoxin.places.models import AGE_BANDS, Community, Facility, FacilityType, ResidentialArea, Street, Zone

# Status words accepted in Chinese whatever the language of the user interface.
STATUS_WORDS = {
    "规划": "planned",
    "在建": "under_construction",
    "已交付": "delivered",
    "运营": "open",
    "开放": "open",
    "已关闭": "closed",
    "关闭": "closed",
}


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

MODELS: dict[str, type[Street] | type[Community] | type[ResidentialArea] | type[Facility]] = {
    ImportDataset.STREETS: Street,
    ImportDataset.COMMUNITIES: Community,
    ImportDataset.AREAS: ResidentialArea,
    ImportDataset.FACILITIES: Facility,
}


class Lookups:
    """Everything a row may refer to, loaded once per file (no query per row)."""

    def __init__(self, zone: Zone | None, coordinate_system: str) -> None:
        self.zone = zone
        self.geo = GeoFrame(
            boundary=zone.boundary if zone is not None else None,
            zone_label=str(zone) if zone is not None else "",
            coordinate_system=coordinate_system,
        )
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


class PlaceRow(RowReader):
    """A row of a places file: the kit's typed cells, plus what a row may refer to."""

    def __init__(self, row: Any, header_map: dict[str, str], lookups: Lookups) -> None:
        super().__init__(row, header_map, lookups.geo)
        self.lookups = lookups


# --- one row → model values ----------------------------------------------------------------------


def _street_row(r: PlaceRow) -> dict[str, Any]:
    code = r.text("code", required=True, max_length=9)
    values: dict[str, Any] = {"code": code, "name": r.text("name", required=True, max_length=100)}
    point = r.point("center_lon", "center_lat", required=False)
    values["center_lon"], values["center_lat"] = point if point else (None, None)
    values["boundary"] = r.polygon("boundary")
    if r.lookups.zone is None:
        r.problem("code", _("No zone exists yet; create the zone first."))
    values["zone"] = r.lookups.zone
    return values


def _community_row(r: PlaceRow) -> dict[str, Any]:
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


def _find_community(r: PlaceRow, name: str, street: Street | None) -> Community | None:
    value = r.text(name)
    if not value:
        return None
    community = r.lookups.communities.get(value)
    if community is None and street is not None:
        community = r.lookups.community_by_street_name.get((street.pk, value))
    if community is None:
        r.problem(name, _("Unknown community %(value)s (use its 12-digit code).") % {"value": value})
    return community


def _area_row(r: PlaceRow) -> dict[str, Any]:
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
    values["gates"] = r.points("gates")
    values["households"] = r.integer("households") or 0
    for band, _label in AGE_BANDS:
        values[band] = r.integer(band) or 0
    values["status"] = r.choice("status", AreaStatus, AreaStatus.DELIVERED, STATUS_WORDS)
    values["construction_year"] = r.integer("construction_year", minimum=1949, maximum=2100)
    values["delivery_year"] = r.integer("delivery_year", minimum=1949, maximum=2100)
    return values


def _facility_row(r: PlaceRow) -> dict[str, Any]:
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
    values["status"] = r.choice("status", FacilityStatus, FacilityStatus.OPEN, STATUS_WORDS)
    values["planned_year"] = r.integer("planned_year", minimum=1949, maximum=2100)
    values["opened_on"] = r.date("opened_on")
    values["closed_on"] = r.date("closed_on")
    values["operator"] = r.text("operator", max_length=120)
    return values


ROW_PARSERS: dict[str, Callable[[PlaceRow], dict[str, Any]]] = {
    ImportDataset.STREETS: _street_row,
    ImportDataset.COMMUNITIES: _community_row,
    ImportDataset.AREAS: _area_row,
    ImportDataset.FACILITIES: _facility_row,
}


@dataclass
class ParsedRow:
    number: int
    values: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)

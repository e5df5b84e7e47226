"""JSON endpoints of the places app; the same queries and filters as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Field, Query, Router, Schema

from gaoxin.common.api import Id, answers, checked_filters
from gaoxin.common.filters import SEARCH_MAX_LENGTH
from gaoxin.places import access, queries
from gaoxin.places.choices import AreaStatus, FacilityStatus, ServiceClass
from gaoxin.places.filtersets import AreaFilter, FacilityFilter
from gaoxin.places.web import Request

router = Router(tags=["places"])
MAX_LIMIT = 5000


class FacilityOut(Schema):
    id: int
    code: str
    name: str
    type: str
    service_class: str
    street: str
    community: str | None
    lon: float
    lat: float
    capacity: int | None
    status: str


class AreaOut(Schema):
    id: int
    code: str
    name: str
    community: str
    street: str
    center_lon: float
    center_lat: float
    gates: list[list[float]]
    households: int
    population: int
    pop_3_5: int
    pop_6_11: int
    pop_12_14: int
    pop_60_64: int
    pop_65_plus: int
    status: str


class Window(Schema):
    limit: int = Field(500, ge=0, le=MAX_LIMIT)
    offset: int = Field(0, ge=0, le=2**31)


class AreaQuery(Window):
    """The filters of the residential-area list page (places.filtersets.AreaFilter)."""

    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    street: Id | None = None
    status: AreaStatus | None = None


class FacilityQuery(Window):
    """The filters of the facility list page (places.filtersets.FacilityFilter)."""

    q: str | None = Field(None, max_length=SEARCH_MAX_LENGTH)
    street: Id | None = None
    service_class: ServiceClass | None = None
    type: Id | None = None
    status: FacilityStatus | None = None


WINDOW = {"limit", "offset"}


def _window(filters: Window) -> slice:
    return slice(filters.offset, filters.offset + filters.limit)


@router.get("/facilities", response=answers({200: list[FacilityOut]}, 422))
def list_facilities(request: Request, filters: Query[FacilityQuery]) -> list[dict[str, Any]]:
    """The zone's facilities, filtered as the list page filters them (``limit`` at most 5000)."""
    f = checked_filters(FacilityFilter(filters.dict(exclude=WINDOW), zone=request.zone))
    qs = queries.facility_list(request.user, request.zone, f).order_by("code")[_window(filters)]
    return [
        {
            "id": x.pk,
            "code": x.code,
            "name": x.name,
            "type": x.type.code,
            "service_class": x.type.service_class,
            "street": x.street.code,
            "community": x.community.code if x.community else None,
            "lon": x.lon,
            "lat": x.lat,
            "capacity": x.capacity,
            "status": x.status,
        }
        for x in qs
    ]


@router.get("/areas", response=answers({200: list[AreaOut]}, 422))
def list_areas(request: Request, filters: Query[AreaQuery]) -> list[dict[str, Any]]:
    """The zone's residential areas, filtered as the list page filters them (``limit`` at most 5000)."""
    f = checked_filters(AreaFilter(filters.dict(exclude=WINDOW), zone=request.zone))
    qs = queries.area_list(request.user, request.zone, f).order_by("code")[_window(filters)]
    return [
        {
            "id": a.pk,
            "code": a.code,
            "name": a.name,
            "community": a.community.code,
            "street": a.street.code,
            "center_lon": a.center_lon,
            "center_lat": a.center_lat,
            "gates": a.gates,
            "households": a.households,
            "population": a.population,
            "pop_3_5": a.pop_3_5,
            "pop_6_11": a.pop_6_11,
            "pop_12_14": a.pop_12_14,
            "pop_60_64": a.pop_60_64,
            "pop_65_plus": a.pop_65_plus,
            "status": a.status,
        }
        for a in qs
    ]


@router.get("/layers", response=answers({200: dict[str, Any]}))
def layers(request: Request) -> dict[str, Any]:
    """GeoJSON FeatureCollections of streets, communities, residential areas and facilities (WGS-84)."""
    access.require_view(request.user)
    return queries.map_layers(request.zone)

"""JSON endpoints of the places app; the same queries and filters as the pages."""

from __future__ import annotations

from typing import Any

from ninja import Query, Router, Schema

from gaoxin.places import access, queries
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


class ListFilters(Schema):
    q: str | None = None
    street: int | None = None
    service_class: str | None = None
    type: int | None = None
    status: str | None = None
    limit: int = 500
    offset: int = 0


def _window(filters: ListFilters) -> slice:
    offset = max(filters.offset, 0)
    return slice(offset, offset + min(max(filters.limit, 0), MAX_LIMIT))


@router.get("/facilities", response=list[FacilityOut])
def list_facilities(request: Request, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    """The zone's facilities, filtered as the list page filters them (``limit`` at most 5000)."""
    f = FacilityFilter(filters.dict(exclude={"limit", "offset"}), zone=request.zone)
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


@router.get("/areas", response=list[AreaOut])
def list_areas(request: Request, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    """The zone's residential areas, filtered as the list page filters them (``limit`` at most 5000)."""
    f = AreaFilter(filters.dict(include={"q", "street", "status"}), zone=request.zone)
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


@router.get("/layers")
def layers(request: Request) -> dict[str, Any]:
    """GeoJSON FeatureCollections of streets, communities, residential areas and facilities (WGS-84)."""
    access.require_view(request.user)
    return queries.map_layers(request.zone)

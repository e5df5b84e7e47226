"""JSON endpoints of the places app; the same queries and filters as the pages."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest
from ninja import Query, Router, Schema

from gaoxin.places import access, queries
from gaoxin.places.filtersets import AreaFilter, FacilityFilter

router = Router(tags=["places"])


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


@router.get("/facilities", response=list[FacilityOut])
def list_facilities(request: HttpRequest, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    access.require_view(request.user)  # type: ignore[arg-type]
    f = FacilityFilter(
        {k: v for k, v in filters.dict().items() if v is not None and k not in ("limit", "offset")}
    )
    qs = f.filter(queries.facilities().order_by("code"))[
        filters.offset : filters.offset + min(filters.limit, 5000)
    ]
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
def list_areas(request: HttpRequest, filters: Query[ListFilters]) -> list[dict[str, Any]]:
    access.require_view(request.user)  # type: ignore[arg-type]
    f = AreaFilter(
        {k: v for k, v in filters.dict().items() if v is not None and k in ("q", "street", "status")}
    )
    qs = f.filter(queries.areas().order_by("code"))[
        filters.offset : filters.offset + min(filters.limit, 5000)
    ]
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
def layers(request: HttpRequest) -> dict[str, Any]:
    """GeoJSON FeatureCollections of streets, communities, residential areas and facilities (WGS-84)."""
    access.require_view(request.user)  # type: ignore[arg-type]
    return queries.map_layers()

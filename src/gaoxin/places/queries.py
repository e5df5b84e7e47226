"""Named reads shared by pages, the API and commands."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from datetime import date
from decimal import Decimal
from typing import Any

import shapely.geometry
from django.db.models import Count, Q, QuerySet, Sum
from django.urls import reverse

from gaoxin.accounts.models import User
from gaoxin.common import tabular
from gaoxin.common.measures import Counted, Reading
from gaoxin.places import access
from gaoxin.places.choices import FacilityStatus, ImportDataset, ServiceClass
from gaoxin.places.datasets import COLUMNS
from gaoxin.places.filtersets import AreaFilter, CommunityFilter, FacilityFilter
from gaoxin.places.models import (
    AGE_BANDS,
    Community,
    Facility,
    FacilityType,
    ResidentialArea,
    Street,
    WalkEdge,
    Zone,
)


def current_zone() -> Zone | None:
    """The zone this installation serves (one per installation for now), None before one is loaded."""
    return Zone.objects.defer("boundary").order_by("pk").first()  # the outline is loaded when used


def facilities(zone: Zone | None = None) -> QuerySet[Facility]:
    """The zone's facilities (every facility when no zone is given: the command line, exports of the
    whole installation), with what their lists show."""
    qs = Facility.objects.select_related("type", "street", "community")
    return qs if zone is None else qs.filter(street__zone=zone)


def areas(zone: Zone | None = None) -> QuerySet[ResidentialArea]:
    qs = ResidentialArea.objects.select_related("community", "street")
    return qs if zone is None else qs.filter(street__zone=zone)


def communities(zone: Zone | None = None) -> QuerySet[Community]:
    qs = Community.objects.select_related("street").annotate(
        area_count=Count("residential_areas", distinct=True)
    )
    return qs if zone is None else qs.filter(street__zone=zone)


def facility_types() -> QuerySet[FacilityType]:
    return FacilityType.objects.order_by("order")


def streets(zone: Zone) -> QuerySet[Street]:
    return Street.objects.filter(zone=zone).order_by("code")


# --- what the pages and the API list (through the gates) --------------------------------------------


def facility_list(user: User, zone: Zone, filters: FacilityFilter | None = None) -> QuerySet[Facility]:
    qs = access.facilities(user, zone).select_related("type", "street", "community")
    return (filters.filter(qs) if filters else qs).order_by("street__code", "type__order", "code")


def area_list(user: User, zone: Zone, filters: AreaFilter | None = None) -> QuerySet[ResidentialArea]:
    qs = access.areas(user, zone).select_related("community", "street")
    return (filters.filter(qs) if filters else qs).order_by("street__code", "code")


def community_list(user: User, zone: Zone, filters: CommunityFilter | None = None) -> QuerySet[Community]:
    qs = access.communities(user, zone).select_related("street")
    qs = qs.annotate(area_count=Count("residential_areas", distinct=True))
    return (filters.filter(qs) if filters else qs).order_by("code")


def street_figures(zone: Zone) -> list[dict[str, Any]]:
    """Per street of the zone: communities, residential areas, households, population (total, 0-5, 60+)
    and open facilities per service class, in four queries whatever the number of streets."""
    streets = list(
        Street.objects.filter(zone=zone)
        .order_by("code")
        .annotate(community_count=Count("communities", distinct=True))
    )
    pop = {
        row["street_id"]: row
        for row in ResidentialArea.objects.filter(street__zone=zone)
        .values("street_id")
        .annotate(
            areas=Count("id"),
            households=Sum("households"),
            population=Sum("population"),
            children=Sum("pop_3_5"),
            elderly=Sum("pop_60_64") + Sum("pop_65_plus"),
            planned=Count("id", filter=~Q(status="delivered")),
        )
    }
    per_class: dict[int, dict[str, int]] = defaultdict(dict)
    for row in (
        Facility.objects.filter(street__zone=zone, status=FacilityStatus.OPEN)
        .values("street_id", "type__service_class")
        .annotate(n=Count("id"))
    ):
        per_class[row["street_id"]][row["type__service_class"]] = row["n"]
    out = []
    for s in streets:
        p: Mapping[str, Any] = pop.get(s.pk) or {}
        out.append(
            {
                "street": s,
                "communities": s.community_count,
                "areas": p.get("areas", 0),
                "households": p.get("households") or 0,
                "population": p.get("population") or 0,
                "children_3_5": p.get("children") or 0,
                "elderly_60": p.get("elderly") or 0,
                "planned_areas": p.get("planned", 0),
                "facilities": [per_class[s.pk].get(c.value, 0) for c in ServiceClass],
                "facility_total": sum(per_class[s.pk].values()),
            }
        )
    return out


# --- export ---------------------------------------------------------------------------------------


def _point(lon: float | None, lat: float | None) -> dict[str, Any] | None:
    if lon is None or lat is None:
        return None
    return {"type": "Point", "coordinates": [lon, lat]}


def export_rows(
    dataset: str, *, street_id: int | None = None, zone: Zone | None = None
) -> tuple[list[str], list[dict[str, Any]]]:
    """The columns and rows of a dataset as import reads them back (round trip)."""
    columns = [c.name for c in COLUMNS[dataset]]
    rows: list[dict[str, Any]] = []
    if dataset == ImportDataset.STREETS:
        for s in (Street.objects.all() if zone is None else Street.objects.filter(zone=zone)).order_by(
            "code"
        ):
            rows.append(
                {
                    "code": s.code,
                    "name": s.name,
                    "center_lon": s.center_lon,
                    "center_lat": s.center_lat,
                    "boundary": s.boundary,
                    tabular.GEOMETRY_KEY: s.boundary or _point(s.center_lon, s.center_lat),
                }
            )
    elif dataset == ImportDataset.COMMUNITIES:
        qs = communities(zone).order_by("code")
        if street_id:
            qs = qs.filter(street_id=street_id)
        for c in qs:
            rows.append(
                {
                    "code": c.code,
                    "name": c.name,
                    "center_lon": c.center_lon,
                    "center_lat": c.center_lat,
                    "boundary": c.boundary,
                    tabular.GEOMETRY_KEY: c.boundary or _point(c.center_lon, c.center_lat),
                }
            )
    elif dataset == ImportDataset.AREAS:
        qs_a = areas(zone).order_by("code")
        if street_id:
            qs_a = qs_a.filter(street_id=street_id)
        for a in qs_a:
            row = {
                "code": a.code,
                "name": a.name,
                "community": a.community.code,
                "center_lon": a.center_lon,
                "center_lat": a.center_lat,
                "polygon": a.polygon,
                "gates": a.gates,
                "households": a.households,
                "status": a.status,
                "construction_year": a.construction_year,
                "delivery_year": a.delivery_year,
                tabular.GEOMETRY_KEY: a.polygon or _point(a.center_lon, a.center_lat),
            }
            row.update({band: getattr(a, band) for band, _l in AGE_BANDS})
            rows.append(row)
    elif dataset == ImportDataset.FACILITIES:
        qs_f = facilities(zone).order_by("code")
        if street_id:
            qs_f = qs_f.filter(street_id=street_id)
        for f in qs_f:
            rows.append(
                {
                    "code": f.code,
                    "name": f.name,
                    "type": f.type.code,
                    "street": f.street.code,
                    "community": f.community.code if f.community else "",
                    "lon": f.lon,
                    "lat": f.lat,
                    "entrance_lon": f.entrance_lon,
                    "entrance_lat": f.entrance_lat,
                    "address": f.address,
                    "capacity": f.capacity,
                    "floor_area_m2": f.floor_area_m2,
                    "land_area_m2": f.land_area_m2,
                    "status": f.status,
                    "planned_year": f.planned_year,
                    "opened_on": f.opened_on.isoformat() if f.opened_on else None,
                    "closed_on": f.closed_on.isoformat() if f.closed_on else None,
                    "operator": f.operator,
                    tabular.GEOMETRY_KEY: _point(f.lon, f.lat),
                }
            )
    return columns, rows


def export_file(
    dataset: str, file_format: str, *, street_id: int | None = None, zone: Zone | None = None
) -> bytes:
    columns, rows = export_rows(dataset, street_id=street_id, zone=zone)
    if file_format == "csv":
        return tabular.write_csv(columns, rows)
    if file_format == "xlsx":
        for row in rows:
            for key in ("floor_area_m2", "land_area_m2"):
                if row.get(key) is not None:
                    row[key] = float(row[key])
        return tabular.write_xlsx(columns, rows, title=dataset)
    if file_format == "geojson":
        geo_columns = [c for c in columns if c not in ("boundary", "polygon")]
        for row in rows:
            for key in ("floor_area_m2", "land_area_m2"):
                if row.get(key) is not None:
                    row[key] = float(row[key])
        return tabular.write_geojson(geo_columns, rows)
    raise ValueError(file_format)


# --- map layers -----------------------------------------------------------------------------------


def map_layers(zone: Zone) -> dict[str, Any]:
    """GeoJSON FeatureCollections of the zone for the map page: streets, communities, residential areas,
    facilities."""

    def fc(features: list[dict[str, Any]]) -> dict[str, Any]:
        return {"type": "FeatureCollection", "features": features}

    streets = [
        {
            "type": "Feature",
            "geometry": s.boundary,
            "properties": {"id": s.pk, "code": s.code, "name": s.name},
        }
        for s in Street.objects.filter(zone=zone).exclude(boundary=None).order_by("code")
    ]
    comms = [
        {
            "type": "Feature",
            "geometry": c.boundary or _point(c.center_lon, c.center_lat),
            "properties": {
                "id": c.pk,
                "code": c.code,
                "name": c.name,
                "street": c.street.name,
                "kind": c.get_kind_display(),
            },
        }
        for c in Community.objects.filter(street__zone=zone).select_related("street").order_by("code")
        if c.boundary or c.center_lon is not None
    ]
    area_features = [
        {
            "type": "Feature",
            "geometry": a.polygon or _point(a.center_lon, a.center_lat),
            "properties": {
                "id": a.pk,
                "code": a.code,
                "name": a.name,
                "community": a.community.name,
                "street": a.street.name,
                "population": a.population,
                "households": a.households,
                "status": a.status,
                "status_label": str(a.get_status_display()),
                "gates": a.gates,
            },
        }
        for a in areas(zone).order_by("code")
    ]
    facility_features = [
        {
            "type": "Feature",
            "geometry": _point(f.lon, f.lat),
            "properties": {
                "id": f.pk,
                "code": f.code,
                "name": f.name,
                "type": f.type.code,
                "type_label": f.type.label,
                "class": f.type.service_class,
                "street": f.street.name,
                "status": f.status,
                "status_label": str(f.get_status_display()),
                "capacity": f.capacity,
            },
        }
        for f in facilities(zone).order_by("code")
    ]
    return {
        "streets": fc(streets),
        "communities": fc(comms),
        "areas": fc(area_features),
        "facilities": fc(facility_features),
    }


def street_at(lon: float, lat: float, zone: Zone | None = None) -> Street | None:
    """The street (of the zone) whose boundary holds the point (None when no boundary does)."""
    point = shapely.geometry.Point(lon, lat)
    qs = Street.objects.exclude(boundary=None)
    for street in qs if zone is None else qs.filter(zone=zone):
        if shapely.geometry.shape(street.boundary).covers(point):
            return street
    return None


def next_facility_code(street: Street, type_code: str) -> str:
    """A new facility's code when staff leave it blank: ``F<street code>-<type>-<NNN>``, the next number
    of that street and type (the demo's and the imports' pattern)."""
    prefix = f"F{street.code}-{type_code}-"
    taken = Facility.objects.filter(code__startswith=prefix).values_list("code", flat=True)
    numbers = [int(c[len(prefix) :]) for c in taken if c[len(prefix) :].isdigit()]
    return f"{prefix}{max(numbers, default=0) + 1:03d}"


MAJOR_ROADS = frozenset({"motorway", "trunk", "primary", "secondary", "tertiary"})


def base_layers(zone: Zone) -> dict[str, Any]:
    """The base map drawn from the zone's own data, for every map of the platform (offline): the walking
    network as streets (major and minor roads, coordinates to 5 decimals ≈ 1 m), the zone's outline
    and its streets (街道) with a label point each."""
    major: list[list[list[float]]] = []
    minor: list[list[list[float]]] = []
    for coords, highway in WalkEdge.objects.filter(zone=zone).values_list("coords", "highway").iterator():
        line = [[round(lon, 5), round(lat, 5)] for lon, lat in coords]
        (major if highway in MAJOR_ROADS else minor).append(line)
    streets = [
        {
            "type": "Feature",
            "geometry": s.boundary,
            "properties": {"name": s.name, "label": [s.center_lon, s.center_lat]},
        }
        for s in Street.objects.filter(zone=zone).exclude(boundary=None).order_by("code")
    ]
    return {
        "zone": zone.boundary,
        "major": {"type": "MultiLineString", "coordinates": major},
        "minor": {"type": "MultiLineString", "coordinates": minor},
        "streets": {"type": "FeatureCollection", "features": streets},
    }


def open_on(zone: Zone, day: date) -> QuerySet[Facility]:
    """The zone's facilities open on ``day``: open now or closed since (a closed facility was open before
    its closing day), opened on or before ``day`` (an open facility with no opening date counts), and not
    closed on or before ``day``."""
    return (
        facilities(zone)
        .filter(status__in=(FacilityStatus.OPEN, FacilityStatus.CLOSED))
        .filter(Q(opened_on__isnull=True, status=FacilityStatus.OPEN) | Q(opened_on__lte=day))
        .exclude(closed_on__lte=day)
    )


def _open_of_type(zone: Zone, params: dict[str, Any], day: date) -> QuerySet[Facility]:
    qs = open_on(zone, day).filter(type__code=params["type"])
    if params.get("street"):
        qs = qs.filter(street__code=params["street"])
    if params.get("opened_from"):
        qs = qs.filter(opened_on__gte=date.fromisoformat(params["opened_from"]))
    return qs.order_by("opened_on", "code")


def _counted(f: Facility, amount: Decimal | None = None) -> Counted:
    opened = f.opened_on.isoformat() if f.opened_on else "—"
    return Counted(
        label=f.name,
        detail=f"{f.street.name} · {f.get_status_display()} · {opened}",
        url=reverse("places:facility_detail", args=[f.pk]),
        amount=amount,
    )


def facilities_open_measure(zone: Zone, params: dict[str, Any], day: date) -> Reading:
    """Measure "places.facilities_open": how many facilities of a type are open on the day (in a street,
    opened since a date, when given)."""
    rows = [_counted(f) for f in _open_of_type(zone, params, day)]
    return Reading(Decimal(len(rows)), rows)


def facility_capacity_measure(zone: Zone, params: dict[str, Any], day: date) -> Reading:
    """Measure "places.facility_capacity": the places, beds or seats of the open facilities of a type."""
    found = list(_open_of_type(zone, params, day))
    rows = [_counted(f, Decimal(f.capacity or 0)) for f in found]
    return Reading(sum((r.amount or Decimal(0) for r in rows), Decimal(0)), rows)

"""ORM rows ⇄ arrays for gaoxin.analysis.circles: database keys ⇄ 0..n-1 indices, in this one place."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from gaoxin.analysis.circles import CircleInputs, CircleResult
from gaoxin.lifecircle.choices import DEMAND_BANDS, DemandGroup
from gaoxin.places.choices import FacilityStatus, ServiceClass
from gaoxin.places.models import Facility, ResidentialArea, Zone

CLASSES = [c.value for c in ServiceClass]
GROUPS = [g.value for g in DemandGroup]


@dataclass
class Loaded:
    inputs: CircleInputs
    areas: list[ResidentialArea]
    facility_ids: list[int]
    items: list[dict[str, Any]]


def item_snapshot(profile_items: Any) -> list[dict[str, Any]]:
    """The profile items as plain data (stored with each evaluation: what the run measured against)."""
    return [
        {
            "type": it.facility_type.code,
            "type_zh": it.facility_type.name_zh,
            "type_en": it.facility_type.name_en,
            "class": it.facility_type.service_class,
            "radius_m": it.radius_m,
            "mandatory": it.mandatory,
            "norm_per_person": float(it.norm_per_person) if it.norm_per_person is not None else None,
            "demand_group": it.demand_group,
            "checklist_min_coverage": float(it.checklist_min_coverage)
            if it.checklist_min_coverage is not None
            else None,
            "clause": it.clause,
        }
        for it in profile_items
    ]


@dataclass(frozen=True)
class ExtraFacility:
    """A facility that exists only in a scenario."""

    type_code: str
    lon: float
    lat: float
    capacity: int


def planned_areas(
    existing: list[ResidentialArea], planned: list[tuple[str, float, float, int]]
) -> list[ResidentialArea]:
    """Unsaved areas for planned housing: one gate at the given point, the population split over the
    age bands in the proportions of the existing areas."""
    from gaoxin.places.models import AGE_BANDS

    total = sum(a.population for a in existing) or 1
    shares = {band: sum(getattr(a, band) for a in existing) / total for band, _label in AGE_BANDS}
    out = []
    for name, lon, lat, population in planned:
        area = ResidentialArea(
            name=name, center_lon=lon, center_lat=lat, gates=[[lon, lat]], population=population
        )
        for band, share in shares.items():
            setattr(area, band, round(population * share))
        out.append(area)
    return out


def load(
    zone: Zone,
    items: list[dict[str, Any]],
    *,
    extra: list[ExtraFacility] | None = None,
    closed: set[int] | None = None,
    planned_housing: list[tuple[str, float, float, int]] | None = None,
) -> Loaded:
    """Residential areas (with population) and open facilities of the profile's types, as arrays.
    A scenario adds ``extra`` facilities, leaves out the ``closed`` facility ids, and adds
    ``planned_housing`` (name, lon, lat, population) with the zone's average age structure."""
    areas = list(ResidentialArea.objects.filter(street__zone=zone, population__gt=0).order_by("pk"))
    if planned_housing:
        areas += planned_areas(areas, planned_housing)
    gate_area: list[int] = []
    gate_xy: list[tuple[float, float]] = []
    for i, area in enumerate(areas):
        for lon, lat in area.gate_points():
            gate_area.append(i)
            gate_xy.append((lon, lat))
    item_of = {it["type"]: k for k, it in enumerate(items)}
    facilities = list(
        Facility.objects.filter(street__zone=zone, status=FacilityStatus.OPEN, type__code__in=list(item_of))
        .select_related("type")
        .order_by("pk")
    )
    facilities = [f for f in facilities if f.pk not in (closed or set())]
    extras = [e for e in (extra or []) if e.type_code in item_of]
    fxy = np.array(
        [f.access_point for f in facilities] + [(e.lon, e.lat) for e in extras], dtype=float
    ).reshape(-1, 2)
    gxy = np.array(gate_xy, dtype=float).reshape(-1, 2)
    demand = np.zeros((len(areas), len(GROUPS)))
    for g, group in enumerate(GROUPS):
        for band in DEMAND_BANDS[group]:
            demand[:, g] += [getattr(a, band) for a in areas]
    inputs = CircleInputs(
        gate_area=np.array(gate_area, dtype=np.int64),
        gate_lon=gxy[:, 0],
        gate_lat=gxy[:, 1],
        area_population=np.array([a.population for a in areas], dtype=float),
        area_demand=demand,
        facility_item=np.array(
            [item_of[f.type.code] for f in facilities] + [item_of[e.type_code] for e in extras],
            dtype=np.int64,
        ),
        facility_lon=fxy[:, 0],
        facility_lat=fxy[:, 1],
        facility_capacity=np.array(
            [f.capacity or 0 for f in facilities] + [e.capacity for e in extras], dtype=float
        ),
        item_radius_m=np.array([it["radius_m"] for it in items], dtype=float),
        item_mandatory=np.array([it["mandatory"] for it in items], dtype=bool),
        item_class=np.array([CLASSES.index(it["class"]) for it in items], dtype=np.int64),
        item_norm=np.array(
            [np.nan if it["norm_per_person"] is None else it["norm_per_person"] for it in items], dtype=float
        ),
        item_group=np.array(
            [GROUPS.index(it["demand_group"]) if it["demand_group"] else -1 for it in items], dtype=np.int64
        ),
        n_classes=len(CLASSES),
    )
    return Loaded(
        inputs=inputs, areas=areas, facility_ids=[f.pk for f in facilities] + [0] * len(extras), items=items
    )


def _num(x: float) -> float | None:
    return None if not np.isfinite(x) else round(float(x), 2)


def area_rows(loaded: Loaded, result: CircleResult) -> list[dict[str, Any]]:
    """One dict per area, ready for AreaResult."""
    rows = []
    mandatory = [it["mandatory"] for it in loaded.items]
    for i, area in enumerate(loaded.areas):
        items = {}
        for k, it in enumerate(loaded.items):
            f = int(result.facility[i, k])
            items[it["type"]] = {
                "distance_m": _num(result.distance_m[i, k]),
                "facility_id": loaded.facility_ids[f] if f >= 0 else None,
                "covered": bool(result.covered[i, k]),
                "count": int(result.count[i, k]),
                "supply_ratio": _num(result.supply_ratio[i, k]),
            }
        missing = sum(1 for k in range(len(loaded.items)) if mandatory[k] and not result.covered[i, k])
        rows.append(
            {
                "area": area,
                "population": area.population,
                "completeness": _num(result.completeness[i]),
                "passes": missing == 0,
                "missing": missing,
                "class_completeness": {
                    c: _num(result.class_completeness[i, j]) for j, c in enumerate(CLASSES)
                },
                "items": items,
            }
        )
    return rows

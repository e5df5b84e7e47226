"""Every state change of the places app. Each function is atomic and takes the acting user."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.common import imports
from gaoxin.common.imports import ImportRejected
from gaoxin.common.models import ImportBatch
from gaoxin.places import access
from gaoxin.places.datasets import COLUMNS
from gaoxin.places.imports import kind_of
from gaoxin.places.models import Facility, FacilityType, ResidentialArea, WalkEdge, Zone

__all__ = ["ImportRejected", "apply_import", "import_rows", "validate_import"]

# --- taxonomy ------------------------------------------------------------------------------------


def sync_facility_types() -> int:
    """Upsert the facility taxonomy from standards/facility_types.toml (run after every migrate)."""
    data = standards.load("facility_types")
    with transaction.atomic():
        for order, entry in enumerate(data["type"]):
            FacilityType.objects.update_or_create(
                code=entry["code"],
                defaults={
                    "name_zh": entry["name_zh"],
                    "name_en": entry["name_en"],
                    "service_class": entry["class"],
                    "tier": entry["tier"],
                    "radius_m": entry["radius_m"],
                    "mandatory": entry["mandatory"],
                    "capacity_unit": entry.get("capacity_unit", ""),
                    "clause": entry["clause"],
                    "order": order,
                },
            )
    return len(data["type"])


# --- import (the kit's pipeline; the importers are in places/imports.py) ---------------------------


def import_rows(
    *, actor: User | None, dataset: str, content: bytes, file_format: str, coordinate_system: str
) -> dict[str, int]:
    """Validate and write a whole file in one transaction, or raise ImportRejected and write nothing.
    ``actor=None`` is the operator at the command line, who may change every street."""
    batch = imports.run(
        kind_of(dataset),
        actor=actor,
        filename=f"{dataset}.{file_format}",
        content=content,
        file_format=file_format,
        options={"coordinate_system": coordinate_system},
    )
    return {"created": batch.summary["created"], "updated": batch.summary["updated"]}


def validate_import(
    *, actor: User, dataset: str, file_format: str, filename: str, content: bytes, coordinate_system: str
) -> ImportBatch:
    """Check an uploaded file and keep it as a batch: invalid (problems listed) or validated."""
    return imports.stage(
        kind_of(dataset),
        actor=actor,
        filename=filename,
        content=content,
        file_format=file_format,
        options={"coordinate_system": coordinate_system},
    )


def apply_import(*, actor: User, batch: ImportBatch) -> dict[str, int]:
    """Apply a validated batch after the user confirmed it (checked again first)."""
    batch = imports.apply(batch, actor=actor)
    return {"created": batch.summary["created"], "updated": batch.summary["updated"]}


# --- single-object edits --------------------------------------------------------------------------


@transaction.atomic
def save_facility(*, actor: User, facility: Facility) -> Facility:
    """Create or update one facility after the form validated it; street staff only in their street."""
    perm = "places.change_facility" if facility.pk else "places.add_facility"
    if not actor.has_perm(perm) or not access.can_edit_street(actor, facility.street_id):
        raise PermissionDenied
    if facility.pk:
        old_street = Facility.objects.values_list("street_id", flat=True).get(pk=facility.pk)
        if not access.can_edit_street(actor, old_street):
            raise PermissionDenied
    facility.full_clean()
    facility.save()
    return facility


@transaction.atomic
def save_area(*, actor: User, area: ResidentialArea) -> ResidentialArea:
    perm = "places.change_residentialarea" if area.pk else "places.add_residentialarea"
    street_id = area.community.street_id if area.community_id else None
    if not actor.has_perm(perm) or not access.can_edit_street(actor, street_id):
        raise PermissionDenied
    if area.pk:
        old_street = ResidentialArea.objects.values_list("street_id", flat=True).get(pk=area.pk)
        if not access.can_edit_street(actor, old_street):
            raise PermissionDenied
    area.full_clean(exclude=["street"])
    area.save()
    return area


@transaction.atomic
def replace_walk_network(
    *, actor: User | None, zone: Zone, lines: list[list[list[float]]], highway: str = ""
) -> int:
    """Replace the zone's walking network with these polylines (WGS-84). `actor=None` is the
    operator at the command line."""
    if actor is not None and not access.is_zone_wide(actor):
        raise PermissionDenied
    WalkEdge.objects.filter(zone=zone).delete()
    WalkEdge.objects.bulk_create(
        [WalkEdge(zone=zone, coords=line, highway=highway) for line in lines], batch_size=5000
    )
    return len(lines)


def columns_for(dataset: str) -> list[str]:
    return [c.name for c in COLUMNS[dataset]]

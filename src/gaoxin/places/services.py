"""Every state change of the places app. Each function is atomic and takes the acting user."""

from __future__ import annotations

import shutil
import time
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.common import imports, jobs
from gaoxin.common.choices import JobStatus
from gaoxin.common.imports import ImportRejected
from gaoxin.common.models import ImportBatch, Job
from gaoxin.places import access
from gaoxin.places.analysis import merge_access_blocks, new_access_workdir, save_access_job
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


def access_in_blocks(
    network: Any,
    origins: Any,
    origin_x: Any,
    origin_y: Any,
    facilities: Any,
    categories: Any,
    weights: Any,
    params: dict[str, Any],
    n_blocks: int,
) -> tuple[dict[str, np.ndarray], list[dict[str, Any]]]:
    """A walking-distance question (``params``: query nearest|counts, cutoff, k, thresholds,
    n_categories) in ``n_blocks`` blocks of origins, one background job each — Celery workers when a
    broker is set, this process otherwise — merged in order (the answer of one process). Returns the
    merged arrays and each block's report (origins, graph nodes, seconds, peak memory, worker); raises
    JobFailed naming the block that did not finish."""
    workdir = new_access_workdir()
    try:
        blocks = save_access_job(
            workdir,
            network,
            origins,
            origin_x,
            origin_y,
            facilities,
            categories,
            weights,
            params,
            min(n_blocks, max(1, len(origins))),
        )
        queued = [
            jobs.submit("places.access_block", actor=None, params={"workdir": workdir.name, "block": i})
            for i in range(len(blocks))
        ]
        if not jobs.broker():
            jobs.work(once=True)
        pks = [job.pk for job in queued]
        while True:
            done = list(Job.objects.filter(pk__in=pks).order_by("pk"))
            if all(job.finished for job in done):
                break
            time.sleep(0.2)
        for job in done:
            if job.status != JobStatus.DONE:
                raise jobs.JobFailed(f"block {job.params.get('block')} {job.status}: {job.error}")
        return merge_access_blocks(workdir, blocks, len(origins)), [job.result for job in done]
    finally:
        shutil.rmtree(workdir, ignore_errors=True)

"""Every state change of the places app. Each function is atomic and takes the acting user."""

from __future__ import annotations

from collections import Counter
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.common.tabular import TableError, read_table
from gaoxin.places import access
from gaoxin.places.choices import ImportDataset, ImportStatus
from gaoxin.places.datasets import (
    COLUMNS,
    MODELS,
    ROW_PARSERS,
    Lookups,
    ParsedRow,
    Problem,
    RowReader,
    header_map,
    model_problems,
)
from gaoxin.places.models import Facility, FacilityType, ImportBatch, ResidentialArea, WalkEdge, Zone

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


def current_zone() -> Zone | None:
    """The zone this installation serves (one per installation for now)."""
    return Zone.objects.order_by("pk").first()


# --- import ---------------------------------------------------------------------------------------


def _street_of(values: dict[str, Any]) -> int | None:
    street = values.get("street")
    return street.pk if street is not None else None


def parse_rows(
    dataset: str, content: bytes, file_format: str, coordinate_system: str, actor: User | None
) -> tuple[list[ParsedRow], list[Problem]]:
    """Read a file and check every row; return the parsed rows and every problem found.

    Checks: the file can be read; required columns; each cell; the model's own rules; duplicate
    codes inside the file; and that the actor may change each row's street (for an update, both
    the old and the new street).
    """
    try:
        rows = read_table(content, file_format)
    except TableError as exc:
        return [], [Problem(0, "file", str(exc))]
    headers = sorted({h for row in rows for h in row.cells})
    hmap, problems = header_map(dataset, headers)
    if problems:
        return [], problems
    lookups = Lookups(current_zone(), coordinate_system)
    model = MODELS[dataset]
    codes = [str(row.cells.get(hmap["code"], "")).strip() for row in rows]
    existing = {obj.code: obj for obj in model.objects.filter(code__in=[c for c in codes if c])}  # type: ignore[attr-defined]
    seen = Counter(c for c in codes if c)
    allowed = access.editable_street_ids(actor) if actor is not None else None
    parsed: list[ParsedRow] = []
    for row in rows:
        reader = RowReader(row, hmap, lookups)
        values = ROW_PARSERS[dataset](reader)
        problems_here = reader.problems
        code = values.get("code", "")
        if code and seen[code] > 1:
            problems_here.append(
                Problem(
                    row.number,
                    "code",
                    _("The code %(code)s appears more than once in the file.") % {"code": code},
                )
            )
        current = existing.get(code)
        if not problems_here:
            instance = current if current is not None else model()
            if current is not None:
                instance = model.objects.get(
                    pk=current.pk
                )  # a fresh copy: validation must not mutate the cache
            for key, value in values.items():
                setattr(instance, key, value)
            exclude = ["street"] if dataset == ImportDataset.AREAS else []
            problems_here.extend(model_problems(row.number, instance, exclude))
        if allowed is not None:
            street_ids = {_street_of(values)}
            if current is not None and hasattr(current, "street_id"):
                street_ids.add(current.street_id)
            if dataset in (ImportDataset.STREETS, ImportDataset.COMMUNITIES) or not street_ids <= allowed:
                problems_here.append(
                    Problem(row.number, "street", _("You may only change data of your own street."))
                )
        parsed.append(ParsedRow(row.number, values | {"_existing": current is not None}, problems_here))
        problems.extend(problems_here)
    return parsed, problems


@transaction.atomic
def validate_import(
    *, actor: User, dataset: str, file_format: str, filename: str, content: bytes, coordinate_system: str
) -> ImportBatch:
    """Check an uploaded file and keep it as a batch: invalid (problems listed) or validated."""
    if not access.can_import(actor):
        raise PermissionDenied
    parsed, problems = parse_rows(dataset, content, file_format, coordinate_system, actor)
    summary = {
        "rows": len(parsed),
        "create": sum(1 for p in parsed if not p.values["_existing"]),
        "update": sum(1 for p in parsed if p.values["_existing"]),
    }
    return ImportBatch.objects.create(
        dataset=dataset,
        file_format=file_format,
        filename=filename[:200],
        content=content,
        coordinate_system=coordinate_system,
        status=ImportStatus.INVALID if problems else ImportStatus.VALIDATED,
        problems=[p.as_dict() for p in problems[:1000]],
        summary=summary | {"problem_count": len(problems)},
        created_by=actor,
    )


class ImportRejected(Exception):
    """The file has problems; nothing was written."""

    def __init__(self, problems: list[Problem]) -> None:
        super().__init__(_("%(n)s problem(s) found; nothing was imported.") % {"n": len(problems)})
        self.problems = problems


def _write_rows(dataset: str, parsed: list[ParsedRow]) -> dict[str, int]:
    model = MODELS[dataset]
    created = updated = 0
    for p in parsed:
        values = {k: v for k, v in p.values.items() if not k.startswith("_")}
        code = values.pop("code")
        if dataset == ImportDataset.AREAS:
            values.pop("street", None)  # derived from the community on save
        _obj, was_created = model.objects.update_or_create(code=code, defaults=values)  # type: ignore[attr-defined]
        created += was_created
        updated += not was_created
    return {"created": created, "updated": updated}


def import_rows(
    *, actor: User | None, dataset: str, content: bytes, file_format: str, coordinate_system: str
) -> dict[str, int]:
    """Validate and write a whole file in one transaction, or raise ImportRejected and write nothing.

    `actor=None` is the operator at the command line, who may change every street."""
    if actor is not None and not access.can_import(actor):
        raise PermissionDenied
    with transaction.atomic():
        parsed, problems = parse_rows(dataset, content, file_format, coordinate_system, actor)
        if problems:
            raise ImportRejected(problems)
        return _write_rows(dataset, parsed)


def apply_import(*, actor: User, batch: ImportBatch) -> dict[str, int]:
    """Apply a validated batch. It is checked again: the registry may have changed since upload."""
    if batch.created_by_id != actor.pk and not access.is_zone_wide(actor):
        raise PermissionDenied
    if batch.status != ImportStatus.VALIDATED:
        raise ImportRejected([Problem(0, "file", _("This upload is not waiting for confirmation."))])
    with transaction.atomic():
        result = import_rows(
            actor=actor,
            dataset=batch.dataset,
            content=bytes(batch.content),
            file_format=batch.file_format,
            coordinate_system=batch.coordinate_system,
        )
        batch.status = ImportStatus.APPLIED
        batch.applied_at = timezone.now()
        batch.summary = batch.summary | result
        batch.save(update_fields=["status", "applied_at", "summary", "updated_at"])
    return result


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

"""Every state change of the life-circle app: profiles, evaluation runs, staleness, scenarios and
candidate lists. Each function is atomic and takes the acting user; the reads (proposals, scenario
comparisons) are in queries.py."""

from __future__ import annotations

import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from pathlib import Path
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.analysis.circles import evaluate as evaluate_arrays
from gaoxin.common import imports
from gaoxin.common.imports import lon_lat_problem
from gaoxin.lifecircle import access, queries
from gaoxin.lifecircle.analysis import EvaluationError, area_rows, item_snapshot, load, summary
from gaoxin.lifecircle.imports import KIND as CANDIDATES
from gaoxin.lifecircle.models import (
    AreaResult,
    CandidateList,
    Evaluation,
    Profile,
    ProfileItem,
    Scenario,
    ScenarioArea,
    ScenarioChange,
    ScenarioFacility,
)
from gaoxin.places.choices import FacilityStatus
from gaoxin.places.models import Facility, FacilityType, Street, Zone

__all__ = ["EvaluationError"]

BUILTIN_PROFILES = ["lifecircle_jining_2026", "lifecircle_gb50180_2018"]

# Reads that lived here before queries.py held them, kept under their old names for scripts.
propose_sites = queries.propose_sites
compare_scenario = queries.compare_scenario
default_profile = queries.default_profile


@dataclass(frozen=True)
class ProposedSite:
    """A site a proposal suggested, as a planner keeps it in a scenario."""

    lon: float
    lat: float
    gain: float | None = None
    name: str = ""
    capacity: int = 0

    @classmethod
    def of(cls, site: ProposedSite | Mapping[str, Any]) -> ProposedSite:
        if isinstance(site, ProposedSite):
            return site
        return cls(
            lon=float(site["lon"]),
            lat=float(site["lat"]),
            gain=site.get("gain"),
            name=str(site.get("name") or ""),
            capacity=int(site.get("capacity") or 0),
        )


def sync_builtin_profiles() -> None:
    """Load the built-in profiles from standards/*.toml (idempotent; run after every migrate).
    A built-in profile's items follow its file; copies made by administrators are never touched."""
    types = {t.code: t for t in FacilityType.objects.all()}
    if not types:
        return
    with transaction.atomic():
        for name in BUILTIN_PROFILES:
            data = standards.load(name)
            profile, _created = Profile.objects.update_or_create(
                name=data["name"],
                version=data["version"],
                defaults={
                    "title": data["title"],
                    "builtin": True,
                    "catchment_decay": data.get("catchment", "flat"),
                    "note": f"standards/{Path(name).name}.toml",
                },
            )
            keep = []
            for item in data["item"]:
                obj, _c = ProfileItem.objects.update_or_create(
                    profile=profile,
                    facility_type=types[item["type"]],
                    defaults={
                        "radius_m": item["radius_m"],
                        "walk_profile": item.get("walk_profile", "distance"),
                        "mandatory": item["mandatory"],
                        "min_floor_area_m2": item.get("min_floor_area_m2"),
                        "min_land_area_m2": item.get("min_land_area_m2"),
                        "norm_per_person": Decimal(str(item["norm_per_person"]))
                        if "norm_per_person" in item
                        else None,
                        "demand_group": item.get("demand_group", ""),
                        "checklist_min_coverage": Decimal(str(item["checklist_min_coverage"]))
                        if "checklist_min_coverage" in item
                        else None,
                        "clause": item["clause"],
                    },
                )
                keep.append(obj.pk)
            profile.items.exclude(pk__in=keep).delete()


@transaction.atomic
def copy_profile(*, actor: User, profile: Profile, title: str = "") -> Profile:
    """A new, editable version of a profile with the same items."""
    if not access.can_edit_profiles(actor):
        raise PermissionDenied
    version = (
        Profile.objects.filter(name=profile.name)
        .order_by("-version")
        .values_list("version", flat=True)
        .first()
        or 0
    ) + 1
    copy = Profile.objects.create(
        name=profile.name,
        version=version,
        title=title or profile.title,
        based_on=profile,
        builtin=False,
        created_by=actor,
        note=_("Copy of %(p)s") % {"p": profile},
    )
    ProfileItem.objects.bulk_create(
        [
            ProfileItem(
                profile=copy,
                **{
                    f.name: getattr(it, f.name)
                    for f in ProfileItem._meta.fields
                    if f.name not in ("id", "profile")
                },
            )
            for it in profile.items.all()
        ]
    )
    return copy


def evaluate(
    *,
    actor: User | None,
    zone: Zone,
    profile: Profile | None = None,
    progress: Callable[[float, str], None] = lambda fraction, message: None,
) -> Evaluation:
    """Evaluate every residential area of the zone against the profile and store the run (the job
    "lifecircle.evaluate" reports ``progress`` as it goes). `actor=None` is the operator at the command
    line (or the recompute on save)."""
    if actor is not None and not access.can_evaluate(actor):
        raise PermissionDenied
    profile = profile or default_profile()
    started = time.perf_counter()
    items = item_snapshot(profile.items.select_related("facility_type").order_by("facility_type__order"))
    if not items:
        raise EvaluationError(_("The profile %(p)s has no items.") % {"p": profile})
    progress(0.05, _("building the walking network"))
    network = queries.network_of(zone)
    progress(0.35, _("loading areas and facilities"))
    loaded = load(zone, items)
    profiled = queries.profile_networks(zone, loaded)
    if not loaded.areas:
        raise EvaluationError(_("The zone has no residential area with population."))
    progress(0.5, _("walking distances from every gate"))
    result = evaluate_arrays(
        network,
        loaded.inputs,
        decay="gaussian" if profile.catchment_decay == "gaussian" else "flat",
        profile_networks=profiled,
    )
    progress(0.85, _("storing the results"))
    rows = area_rows(loaded, result)
    with transaction.atomic():
        run = Evaluation.objects.create(
            zone=zone, profile=profile, items=items, created_by=actor, summary=summary(loaded, result)
        )
        AreaResult.objects.bulk_create(
            [AreaResult(evaluation=run, street_id=r["area"].street_id, **r) for r in rows]
        )
        run.duration_ms = int((time.perf_counter() - started) * 1000)
        run.save(update_fields=["duration_ms"])
    return run


def mark_stale_on_change(sender: Any, **kwargs: Any) -> None:
    """Signal receiver: any change to facilities, areas or the network makes stored runs stale."""
    Evaluation.objects.filter(stale=False).update(stale=True)


# --- siting and scenarios -------------------------------------------------------------------------


@transaction.atomic
def create_scenario(
    *,
    actor: User,
    zone: Zone,
    name: str,
    type_code: str,
    sites: Sequence[ProposedSite | Mapping[str, Any]],
    profile: Profile | None = None,
    street: Street | None = None,
) -> Scenario:
    """A scenario with proposed sites of one type added (never touching the live registry); ``street``:
    the street the sites were proposed for, whose figures its page shows first."""
    if not access.can_run(actor):
        raise PermissionDenied
    if street is not None and street.zone_id != zone.pk:
        raise PermissionDenied
    with transaction.atomic():
        scenario = Scenario.objects.create(
            zone=zone, name=name[:120], profile=profile or default_profile(), created_by=actor, street=street
        )
        add_sites(actor=actor, scenario=scenario, type_code=type_code, sites=sites)
    return scenario


def add_sites(
    *, actor: User, scenario: Scenario, type_code: str, sites: Sequence[ProposedSite | Mapping[str, Any]]
) -> None:
    """Add proposed sites of a type to a scenario (a scenario may hold several types: canteens and
    day-care centres planned together)."""
    if not access.can_run(actor):
        raise PermissionDenied
    ftype = FacilityType.objects.filter(code=type_code).first()
    if ftype is None:
        raise EvaluationError(_("Unknown facility type: %(code)s") % {"code": type_code})
    proposed = [ProposedSite.of(site) for site in sites]
    for site in proposed:
        wrong = lon_lat_problem(site.lon, site.lat)
        if wrong:
            raise EvaluationError(wrong)
    before = scenario.added.filter(facility_type=ftype).count()
    ScenarioFacility.objects.bulk_create(
        [
            ScenarioFacility(
                scenario=scenario,
                facility_type=ftype,
                name=site.name[:120]
                or _("%(type)s (proposed %(n)s)") % {"type": ftype.name_zh, "n": before + k + 1},
                lon=site.lon,
                lat=site.lat,
                capacity=site.capacity,
                gain=site.gain,
            )
            for k, site in enumerate(proposed)
        ]
    )


def import_candidates(
    *, actor: User, zone: Zone, name: str, content: bytes, filename: str, coordinate_system: str = "wgs84"
) -> CandidateList:
    """A list of candidate sites from a CSV, xlsx or GeoJSON file (lifecircle/imports.py). Every problem
    is reported with its row and field (:class:`ImportRejected`) and nothing is written unless the whole
    file is good."""
    batch = imports.run(
        CANDIDATES,
        actor=actor,
        filename=filename,
        content=content,
        options={"zone_id": zone.pk, "name": name, "coordinate_system": coordinate_system},
    )
    return CandidateList.objects.get(pk=batch.summary["list_id"])


def delete_candidate_list(*, actor: User, candidate_list: CandidateList) -> None:
    if not access.can_run(actor):
        raise PermissionDenied
    candidate_list.delete()


def change_site(
    *, actor: User, site: ScenarioFacility, capacity: int | None = None, remove: bool = False
) -> None:
    """Give a proposed facility of a scenario its places, or take it out of the scenario. A site already
    promoted to the registry stays (change the facility there)."""
    if not access.can_run(actor):
        raise PermissionDenied
    if site.promoted_id is not None:
        raise EvaluationError(_("This site is already a planned facility of the registry; change it there."))
    if remove:
        site.delete()
        return
    if capacity is None or capacity < 0:
        raise EvaluationError(_("The places must be a whole number, 0 or more."))
    site.capacity = capacity
    site.save(update_fields=["capacity"])


def delete_scenario(*, actor: User, scenario: Scenario) -> None:
    """Delete a scenario (planners). Facilities already promoted from it stay in the registry."""
    if not access.can_run(actor):
        raise PermissionDenied
    scenario.delete()


@transaction.atomic
def promote(*, actor: User, site: ScenarioFacility, street: Street, code: str) -> Facility:
    """Turn a proposed site into a planned facility of the live registry."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility(
        code=code,
        name=site.name,
        type=site.facility_type,
        street=street,
        lon=site.lon,
        lat=site.lat,
        capacity=site.capacity or None if site.facility_type.capacity_unit else None,
        status=FacilityStatus.PLANNED,
    )
    facility.full_clean()
    facility.save()
    site.promoted = facility
    site.save(update_fields=["promoted"])
    return facility


@transaction.atomic
def close_in_scenario(*, actor: User, scenario: Scenario, facility_code: str) -> Facility:
    """Close a facility in the scenario only (the registry keeps it open)."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility.objects.filter(code=facility_code.strip(), street__zone=scenario.zone).first()
    if facility is None:
        raise EvaluationError(_("No facility with the code %(code)s in this zone.") % {"code": facility_code})
    scenario.closed_facilities.add(facility)
    return facility


@transaction.atomic
def change_in_scenario(
    *,
    actor: User,
    scenario: Scenario,
    facility_code: str,
    lon: float | None = None,
    lat: float | None = None,
    capacity: int | None = None,
) -> ScenarioChange:
    """Move a facility and/or set its capacity in the scenario only (the registry keeps it as it is)."""
    if not access.can_run(actor):
        raise PermissionDenied
    facility = Facility.objects.filter(code=facility_code.strip(), street__zone=scenario.zone).first()
    if facility is None:
        raise EvaluationError(_("No facility with the code %(code)s in this zone.") % {"code": facility_code})
    if (lon is None) != (lat is None):
        raise EvaluationError(_("A move needs both the longitude and the latitude."))
    if lon is None and capacity is None:
        raise EvaluationError(_("Give a new position, a new capacity, or both."))
    if capacity is not None and capacity < 0:
        raise EvaluationError(_("The capacity cannot be negative."))
    if lon is not None and lat is not None and (wrong := lon_lat_problem(lon, lat)):
        raise EvaluationError(wrong)
    change, _created = ScenarioChange.objects.update_or_create(
        scenario=scenario, facility=facility, defaults={"lon": lon, "lat": lat, "capacity": capacity}
    )
    return change


@transaction.atomic
def add_planned_housing(
    *, actor: User, scenario: Scenario, name: str, lon: float, lat: float, population: int
) -> ScenarioArea:
    """Planned housing in the scenario only (its residents count in the scenario's evaluation)."""
    if not access.can_run(actor):
        raise PermissionDenied
    if population <= 0:
        raise EvaluationError(_("Give the planned population."))
    if wrong := lon_lat_problem(lon, lat):
        raise EvaluationError(wrong)
    return ScenarioArea.objects.create(
        scenario=scenario, name=name[:120] or _("Planned housing"), lon=lon, lat=lat, population=population
    )

"""Writes of the education app: each one gated first, in a transaction, audited. The acting user is an
argument (None: the operator at the command line or the demo loader)."""

from __future__ import annotations

from datetime import date
from typing import Any

import numpy as np
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.analysis.errors import AnalysisError
from gaoxin.common import audit
from gaoxin.common.errors import describe
from gaoxin.education import access, analysis, queries
from gaoxin.education.choices import Level, Objective, PlanStatus, Unplaced
from gaoxin.education.models import (
    Catchment,
    CatchmentPlan,
    Development,
    Kindergarten,
    Phase,
    Profile,
    SchoolRecord,
)
from gaoxin.places.analysis import network_for_zone
from gaoxin.places.models import Zone


class PlanningError(ValidationError):
    """A catchment or a proposal cannot be computed for this input (a clear, translated message)."""


@transaction.atomic
def ensure_profile(zone: Zone) -> Profile:
    profile, _created = Profile.objects.get_or_create(zone=zone, defaults=analysis.profile_defaults())
    return profile


@transaction.atomic
def save_development(actor: User | None, zone: Zone, dev: Development) -> Development:
    access.require_manage(actor)
    if dev.zone_id != zone.pk or (dev.street_id and dev.street.zone_id != zone.pk):
        raise ValidationError(_("The development must lie in this zone."))
    if dev.kindergarten is not None and dev.kindergarten.zone_id != zone.pk:
        raise ValidationError(_("The kindergarten must be one of this zone."))
    created = dev.pk is None
    dev.save()
    audit.record(actor, "create" if created else "update", "development", dev.pk, label=dev.name)
    return dev


@transaction.atomic
def save_phase(actor: User | None, zone: Zone, phase: Phase) -> Phase:
    access.require_manage(actor)
    if phase.development.zone_id != zone.pk:
        raise ValidationError(_("The development must lie in this zone."))
    phase.save()
    audit.record(actor, "update", "development", phase.development_id, label=str(phase))
    return phase


@transaction.atomic
def save_kindergarten(actor: User | None, zone: Zone, kg: Kindergarten) -> Kindergarten:
    access.require_manage(actor)
    if kg.zone_id != zone.pk or kg.street.zone_id != zone.pk:
        raise ValidationError(_("The kindergarten must lie in this zone."))
    created = kg.pk is None
    kg.save()
    audit.record(actor, "create" if created else "update", "kindergarten", kg.pk, label=kg.name)
    return kg


@transaction.atomic
def save_record(actor: User | None, zone: Zone, record: SchoolRecord) -> SchoolRecord:
    access.require_manage(actor)
    if record.facility.street.zone_id != zone.pk:
        raise ValidationError(_("The school must lie in this zone."))
    record.save()
    audit.record(actor, "update", "school_record", record.pk, label=str(record))
    return record


def _year_index(zone: Zone, year: int, today: date) -> int:
    p = queries.profile(zone)
    t = year - today.year
    if not 0 <= t <= p.forecast_years:
        raise PlanningError(
            _("Choose a school year from %(first)s to %(last)s (the forecast's years).")
            % {"first": today.year, "last": today.year + p.forecast_years}
        )
    return t


def compute_catchments(
    actor: User | None,
    zone: Zone,
    *,
    level: str,
    year: int,
    objective: str = Objective.TOTAL,
    name: str = "",
    nearest: bool = False,
    today: date | None = None,
    progress: Any = None,
) -> CatchmentPlan:
    """A proposed catchment of a level for a forecast year: each area, whole, to one school so that no
    school exceeds its places and the walk is least (``objective``), with the forecast children of that
    year; areas beyond the radius flagged. With ``nearest`` each area simply goes to its nearest school
    by walking (places ignored): how catchments are drawn without planning, and the demo's current one."""
    access.require_plan(actor)
    today = today or timezone.localdate()
    lvl = Level(level)
    t = _year_index(zone, year, today)
    fc = queries.zone_forecast(actor, zone, today)
    schools = queries.schools_of(actor, zone, lvl)
    caps = analysis.capacity_in(schools, year)
    open_idx = [j for j, c in enumerate(caps) if c > 0]
    schools = [schools[j] for j in open_idx]
    caps = caps[open_idx]
    if not schools:
        raise PlanningError(_("No school of this level has places in %(year)s.") % {"year": year})
    if not fc.areas:
        raise PlanningError(_("The zone has no residential areas."))
    p = queries.profile(zone)
    radius = float(p.radius_m(lvl))
    if progress:
        progress(0.1, _("walking distances from every area to every school"))
    dist = analysis.distance_matrix(network_for_zone(zone), fc.areas, schools, radius)
    demand = fc.demand(lvl)[t]
    if progress:
        progress(0.5, _("solving the assignment"))
    try:
        if nearest:
            big = np.full(len(schools), float(demand.sum()) + 1.0)
            result = analysis.assign(dist, np.zeros_like(demand), big, radius, Objective.TOTAL)
        else:
            result = analysis.assign(dist, demand, caps, radius, objective)
    except AnalysisError as exc:
        raise PlanningError(describe(exc)) from None
    with transaction.atomic():
        plan = CatchmentPlan.objects.create(
            zone=zone,
            level=lvl,
            year=year,
            objective=objective,
            name=(name or _("%(level)s catchment %(year)s") % {"level": lvl.label, "year": year})[:120],
            created_by=actor,
        )
        placed = result.school >= 0
        unreachable, no_places = set(result.unreachable.tolist()), set(result.unplaced.tolist())
        served = placed & (demand > 0)
        plan.total_m = float((demand[served] * result.distance_m[served]).sum())
        plan.longest_m = float(result.distance_m[served].max()) if served.any() else 0.0
        plan.solver_gap = result.gap
        plan.save(update_fields=["total_m", "longest_m", "solver_gap"])
        Catchment.objects.bulk_create(
            Catchment(
                plan=plan,
                area=a,
                school=schools[int(result.school[i])] if result.school[i] >= 0 else None,
                children=round(float(demand[i]), 2),
                distance_m=float(result.distance_m[i]) if np.isfinite(result.distance_m[i]) else None,
                beyond=bool(np.isfinite(result.distance_m[i]) and result.distance_m[i] > radius),
                unplaced=Unplaced.UNREACHABLE
                if i in unreachable
                else Unplaced.NO_PLACES
                if i in no_places
                else "",
            )
            for i, a in enumerate(fc.areas)
        )
        audit.record(actor, "compute", "catchment", plan.pk, label=plan.name)
    return plan


@transaction.atomic
def publish(actor: User | None, zone: Zone, plan: CatchmentPlan) -> CatchmentPlan:
    """Make a plan the current catchment of its level (the one before becomes a proposal again)."""
    access.require_publish(actor)
    if plan.zone_id != zone.pk:
        raise ValidationError(_("The plan must be one of this zone."))
    CatchmentPlan.objects.select_for_update().filter(
        zone=zone, level=plan.level, status=PlanStatus.CURRENT
    ).exclude(pk=plan.pk).update(status=PlanStatus.PROPOSED)
    plan.status = PlanStatus.CURRENT
    plan.save(update_fields=["status", "updated_at"])
    audit.record(actor, "publish", "catchment", plan.pk, label=plan.name)
    return plan

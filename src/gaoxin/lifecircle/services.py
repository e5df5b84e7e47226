"""Every state change of the life-circle app: profiles, evaluation runs, staleness."""

from __future__ import annotations

import time
from decimal import Decimal
from pathlib import Path
from typing import Any

import numpy as np
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.analysis.circles import evaluate as evaluate_arrays
from gaoxin.analysis.circles import weighted_coverage
from gaoxin.lifecircle import access
from gaoxin.lifecircle.analysis import CLASSES, area_rows, item_snapshot, load
from gaoxin.lifecircle.models import AreaResult, Evaluation, Profile, ProfileItem
from gaoxin.places.analysis import network_for_zone
from gaoxin.places.models import FacilityType, Zone

BUILTIN_PROFILES = ["lifecircle_jining_2026", "lifecircle_gb50180_2018"]


class EvaluationError(Exception):
    """The evaluation cannot run (no network, no areas, …); the message is translated."""


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


def default_profile() -> Profile:
    profile = (
        Profile.objects.filter(name="jining-2026").order_by("-version").first()
        or Profile.objects.order_by("pk").first()
    )
    if profile is None:
        raise EvaluationError(_("No evaluation profile exists."))
    return profile


def default_profile_or_none() -> Profile | None:
    try:
        return default_profile()
    except EvaluationError:
        return None


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


def _summary(loaded: Any, result: Any) -> dict[str, Any]:
    """Population-weighted coverage per item for the zone, each street and each community;
    completeness and pass counts."""
    areas = loaded.areas
    pop = loaded.inputs.area_population
    out: dict[str, Any] = {"items": [it["type"] for it in loaded.items], "classes": CLASSES}
    for level, key in (("street", "street_id"), ("community", "community_id")):
        ids = sorted({getattr(a, key) for a in areas})
        index = {v: i for i, v in enumerate(ids)}
        groups = np.array([index[getattr(a, key)] for a in areas], dtype=np.int64)
        cov = weighted_coverage(result.covered, pop, groups, len(ids))
        out[level] = {
            str(v): [None if np.isnan(x) else round(float(x), 4) for x in cov[i]] for v, i in index.items()
        }
    zone_cov = weighted_coverage(result.covered, pop, np.zeros(len(areas), dtype=np.int64), 1)[0]
    out["zone"] = [None if np.isnan(x) else round(float(x), 4) for x in zone_cov]
    passes = [bool(not (~result.covered[i] & loaded.inputs.item_mandatory).any()) for i in range(len(areas))]
    out["areas"] = len(areas)
    out["areas_passing"] = int(sum(passes))
    out["population"] = int(pop.sum())
    out["population_passing"] = int(sum(p for p, ok in zip(pop, passes, strict=True) if ok))
    out["mean_completeness"] = round(float(np.nanmean(result.completeness)), 4) if len(areas) else None
    out["unreachable_gates"] = int(result.unreachable_gates.size)
    out["unreachable_facilities"] = int(result.unreachable_facilities.size)
    return out


def evaluate(*, actor: User | None, zone: Zone, profile: Profile | None = None) -> Evaluation:
    """Evaluate every residential area of the zone against the profile and store the run.
    `actor=None` is the operator at the command line (or the recompute on save)."""
    if actor is not None and not access.can_run(actor):
        raise PermissionDenied
    profile = profile or default_profile()
    started = time.perf_counter()
    items = item_snapshot(profile.items.select_related("facility_type").order_by("facility_type__order"))
    if not items:
        raise EvaluationError(_("The profile %(p)s has no items.") % {"p": profile})
    try:
        network = network_for_zone(zone)
    except ValueError as exc:  # AnalysisError: no network stored
        raise EvaluationError(
            _("The zone has no usable walking network: %(reason)s") % {"reason": exc}
        ) from None
    loaded = load(zone, items)
    if not loaded.areas:
        raise EvaluationError(_("The zone has no residential area with population."))
    result = evaluate_arrays(network, loaded.inputs)
    rows = area_rows(loaded, result)
    summary = _summary(loaded, result)
    with transaction.atomic():
        run = Evaluation.objects.create(
            zone=zone, profile=profile, items=items, created_by=actor, summary=summary
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

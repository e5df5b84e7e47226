"""Use cases of the accounts app: roles and users."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.db import transaction
from django.http import HttpRequest
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.common import audit
from gaoxin.common.models import AuditEvent

# Model permissions each role holds (object-level rules, e.g. "only their own street", live in access.py).
_PLACES_ALL = [
    f"places.{action}_{model}"
    for model in ("zone", "street", "community", "residentialarea", "facility", "facilitytype", "walkedge")
    for action in ("view", "add", "change", "delete")
]
_PLACES_VIEW = [p for p in _PLACES_ALL if p.startswith("places.view_")]
_PLACES_IMPORT = ["places.import_places"]
_LIFECIRCLE_VIEW = [
    "lifecircle.view_evaluation",
    "lifecircle.view_arearesult",
    "lifecircle.view_profile",
    "lifecircle.view_profileitem",
]
_LIFECIRCLE_RUN = [*_LIFECIRCLE_VIEW, "lifecircle.add_evaluation"]
_LIFECIRCLE_PROFILES = [
    "lifecircle.add_profile",
    "lifecircle.change_profile",
    "lifecircle.add_profileitem",
    "lifecircle.change_profileitem",
    "lifecircle.delete_profileitem",
]
_PARKS_MODELS = (
    "park",
    "parkyear",
    "enterprise",
    "landparcel",
    "landuse",
    "plant",
    "fact",
    "yearflag",
    "scheme",
    "evaluation",
    "result",
    "appeal",
    "policymeasure",
)
_PARKS_VIEW = [f"parks.view_{m}" for m in _PARKS_MODELS]
_PARKS_ALL = [f"parks.{a}_{m}" for m in _PARKS_MODELS for a in ("view", "add", "change", "delete")]
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ZONE_ADMIN: _PLACES_ALL + _PLACES_IMPORT + _LIFECIRCLE_RUN + _LIFECIRCLE_PROFILES + _PARKS_ALL,
    Role.PLANNER: _PLACES_ALL + _PLACES_IMPORT + _LIFECIRCLE_RUN,
    Role.STREET_STAFF: _PLACES_VIEW
    + [
        "places.add_residentialarea",
        "places.change_residentialarea",
        "places.add_facility",
        "places.change_facility",
        *_PLACES_IMPORT,
        *_LIFECIRCLE_VIEW,
    ],
    Role.LEADERSHIP: _PLACES_VIEW + _LIFECIRCLE_VIEW + _PARKS_VIEW,
    Role.PARK_STAFF: _PLACES_VIEW + _PARKS_ALL,
    Role.DOCTOR: ["places.view_facility", "places.view_facilitytype"],
    Role.RESIDENT: [],
    Role.ENTERPRISE: [],
    Role.AUDITOR: [],
}


def ensure_roles() -> None:
    """Create the role groups and give each exactly its permissions (idempotent; run after migrate)."""
    # Keyed by "app_label.codename": the same codename exists in several apps (view_evaluation …).
    perms = {
        f"{p.content_type.app_label}.{p.codename}": p
        for p in Permission.objects.filter(
            content_type__app_label__in=["places", "lifecircle", "parks"]
        ).select_related("content_type")
    }
    with transaction.atomic():
        for role, codenames in ROLE_PERMISSIONS.items():
            group, _ = Group.objects.get_or_create(name=role.value)
            group.permissions.set([perms[c] for c in codenames if c in perms])


@transaction.atomic
def create_user(
    username: str,
    password: str,
    *,
    roles: list[Role],
    display_name: str = "",
    street_id: int | None = None,
    is_staff: bool = False,
    is_superuser: bool = False,
) -> User:
    """Create a user with the given roles. Street staff must name their street."""
    if Role.STREET_STAFF in roles and street_id is None:
        raise ValueError("street staff need a street")
    ensure_roles()
    user = User.objects.create_user(
        username=username,
        password=password,
        display_name=display_name,
        street_id=street_id,
        is_staff=is_staff,
        is_superuser=is_superuser,
    )
    user.groups.set(Group.objects.filter(name__in=[r.value for r in roles]))
    return user


# --- login (等保 level 3: login-failure handling) ---------------------------------------------------
# Failures are counted from the audit log, so every process and restart sees the same count: after
# GAOXIN_LOGIN_MAX_FAILURES failures for one user name within GAOXIN_LOGIN_LOCK_SECONDS, that name is
# locked for the rest of the window.


def recent_failures(username: str) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.GAOXIN_LOGIN_LOCK_SECONDS)
    return AuditEvent.objects.filter(action="login_failed", target_id=username[:40], at__gte=since).count()


def login_locked(username: str) -> bool:
    return recent_failures(username) >= settings.GAOXIN_LOGIN_MAX_FAILURES


def record_login(user: object, username: str, *, request: HttpRequest | None = None) -> None:
    audit.record(user, "login", "user", username, request=request)


def record_login_failure(username: str, *, request: HttpRequest | None = None) -> None:
    audit.record(None, "login_failed", "user", username, outcome="denied", request=request)


def record_locked_attempt(username: str, *, request: HttpRequest | None = None) -> None:
    audit.record(None, "login_locked", "user", username, outcome="denied", request=request)

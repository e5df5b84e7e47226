"""Use cases of the accounts app: roles and users."""

from __future__ import annotations

from django.contrib.auth.models import Group, Permission
from django.db import transaction

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User

# Model permissions each role holds (object-level rules, e.g. "only their own street", live in access.py).
_PLACES_ALL = [
    f"{action}_{model}"
    for model in ("zone", "street", "community", "residentialarea", "facility", "facilitytype", "walkedge")
    for action in ("view", "add", "change", "delete")
]
_PLACES_VIEW = [p for p in _PLACES_ALL if p.startswith("view_")]
_LIFECIRCLE_VIEW = ["view_evaluation", "view_arearesult", "view_profile", "view_profileitem"]
_LIFECIRCLE_RUN = [*_LIFECIRCLE_VIEW, "add_evaluation"]
_LIFECIRCLE_PROFILES = [
    "add_profile",
    "change_profile",
    "add_profileitem",
    "change_profileitem",
    "delete_profileitem",
]
ROLE_PERMISSIONS: dict[Role, list[str]] = {
    Role.ZONE_ADMIN: _PLACES_ALL
    + ["add_importbatch", "view_importbatch", "change_importbatch"]
    + _LIFECIRCLE_RUN
    + _LIFECIRCLE_PROFILES,
    Role.PLANNER: _PLACES_ALL
    + ["add_importbatch", "view_importbatch", "change_importbatch"]
    + _LIFECIRCLE_RUN,
    Role.STREET_STAFF: _PLACES_VIEW
    + [
        "add_residentialarea",
        "change_residentialarea",
        "add_facility",
        "change_facility",
        "add_importbatch",
        "view_importbatch",
        "change_importbatch",
        *_LIFECIRCLE_VIEW,
    ],
    Role.LEADERSHIP: _PLACES_VIEW + _LIFECIRCLE_VIEW,
    Role.PARK_STAFF: _PLACES_VIEW,
    Role.DOCTOR: ["view_facility", "view_facilitytype"],
    Role.RESIDENT: [],
    Role.ENTERPRISE: [],
    Role.AUDITOR: [],
}


def ensure_roles() -> None:
    """Create the role groups and give each exactly its permissions (idempotent; run after migrate)."""
    perms = {
        p.codename: p for p in Permission.objects.filter(content_type__app_label__in=["places", "lifecircle"])
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

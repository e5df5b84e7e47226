"""Who may see or change which places. The only way views load an object a user may change.

Rules, one per line:
- zone administrators, planners and superusers change every street's data;
- street staff change only the residential areas and facilities of their own street;
- every signed-in role that holds the view permission sees the whole registry (it is public
  planning data; sensitive data lives in other apps with their own gates).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.places.models import Facility, ResidentialArea, Street


def is_zone_wide(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ZONE_ADMIN, Role.PLANNER)


def can_view_places(user: User) -> bool:
    return user.is_authenticated and user.has_perm("places.view_facility")


def editable_street_ids(user: User) -> set[int] | None:
    """None means every street; otherwise the ids of the streets the user may change."""
    if not user.is_authenticated or not user.is_active:
        return set()
    if is_zone_wide(user):
        return None
    if user.has_role(Role.STREET_STAFF) and user.street_id is not None:
        return {user.street_id}
    return set()


def can_edit_street(user: User, street_id: int | None) -> bool:
    allowed = editable_street_ids(user)
    return allowed is None or (street_id is not None and street_id in allowed)


def can_import(user: User) -> bool:
    return user.is_authenticated and user.has_perm("places.import_places")


def require_view(user: User) -> None:
    if not can_view_places(user):
        raise PermissionDenied


def facility_for_edit(user: User, pk: int) -> Facility:
    facility = get_object_or_404(Facility.objects.select_related("street", "type"), pk=pk)
    if not user.has_perm("places.change_facility"):
        raise PermissionDenied
    if not can_edit_street(user, facility.street_id):
        raise PermissionDenied
    return facility


def area_for_edit(user: User, pk: int) -> ResidentialArea:
    area = get_object_or_404(ResidentialArea.objects.select_related("street", "community"), pk=pk)
    if not user.has_perm("places.change_residentialarea"):
        raise PermissionDenied
    if not can_edit_street(user, area.street_id):
        raise PermissionDenied
    return area


def streets_for_edit(user: User) -> QuerySet[Street]:
    allowed = editable_street_ids(user)
    qs = Street.objects.all()
    return qs if allowed is None else qs.filter(pk__in=allowed)

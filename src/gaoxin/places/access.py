"""Who may see or change which places; the only way a page, the API or a service loads a street,
an area or a facility (always within the request's zone). Rules, one per line:
- zone administrators, planners and superusers change every street's data;
- street staff change only the residential areas and facilities of their own street;
- every signed-in role that holds the view permission sees the whole registry of its zone (public
  planning data; sensitive data lives in other apps with their own gates);
- an object of another zone does not exist for the request (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.places.models import Community, Facility, ResidentialArea, Street, Zone


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


def can_add_facility(user: User) -> bool:
    return user.has_perm("places.add_facility") and editable_street_ids(user) != set()


def can_edit_facility(user: User, facility: Facility) -> bool:
    return user.has_perm("places.change_facility") and can_edit_street(user, facility.street_id)


def can_edit_area(user: User, area: ResidentialArea) -> bool:
    return user.has_perm("places.change_residentialarea") and can_edit_street(user, area.street_id)


def require_view(user: User) -> None:
    if not can_view_places(user):
        raise PermissionDenied


# --- the zone's objects ---------------------------------------------------------------------------


def streets(user: User, zone: Zone) -> QuerySet[Street]:
    require_view(user)
    return Street.objects.filter(zone=zone)


def communities(user: User, zone: Zone) -> QuerySet[Community]:
    require_view(user)
    return Community.objects.filter(street__zone=zone)


def areas(user: User, zone: Zone) -> QuerySet[ResidentialArea]:
    require_view(user)
    return ResidentialArea.objects.filter(street__zone=zone)


def facilities(user: User, zone: Zone) -> QuerySet[Facility]:
    require_view(user)
    return Facility.objects.filter(street__zone=zone)


def street_for(user: User, zone: Zone, pk: int) -> Street:
    return get_object_or_404(streets(user, zone), pk=pk)


def facility_for(user: User, zone: Zone, pk: int) -> Facility:
    return get_object_or_404(facilities(user, zone).select_related("type", "street", "community"), pk=pk)


def area_for(user: User, zone: Zone, pk: int) -> ResidentialArea:
    return get_object_or_404(areas(user, zone).select_related("street", "community"), pk=pk)


def facility_for_edit(user: User, zone: Zone, pk: int) -> Facility:
    facility = facility_for(user, zone, pk)
    if not can_edit_facility(user, facility):
        raise PermissionDenied
    return facility


def area_for_edit(user: User, zone: Zone, pk: int) -> ResidentialArea:
    area = area_for(user, zone, pk)
    if not can_edit_area(user, area):
        raise PermissionDenied
    return area


def streets_for_edit(user: User, zone: Zone | None = None) -> QuerySet[Street]:
    allowed = editable_street_ids(user)
    qs = Street.objects.all() if zone is None else Street.objects.filter(zone=zone)
    return qs if allowed is None else qs.filter(pk__in=allowed)

"""Who may see or change what in grid governance; the only way a case, a grid or a photo is loaded
(always within the request's zone). One rule per line:
- the zone's command centre (zone administrators: the change permission on requests) and leadership see
  every request; leadership changes nothing;
- street staff see the requests of their street and take the centre's steps for them;
- a grid worker sees the requests of their grids, verifies and opens them, and verifies them on site;
- a member of a unit sees the requests dispatched to it, accepts them and reports back;
- anyone logged in files a request and sees their own requests (status, answer) and rates them when closed;
- disputes: the centre and leadership see every one, street staff their street's; the centre and the
  street's staff accept them, record sessions, end them and have the court's confirmation recorded;
- household information (一标三实): the collection figures per grid for the board's readers; the households
  themselves (names masked in lists, every read audited) and their visits for the grid's workers, its
  street's staff and the centre only;
- the requester's name and phone are shown to those who handle the request, masked in lists;
- an object of another zone does not exist for the request (404);
- ``actor=None`` is the operator at the command line, the scheduled job or the demo loader.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.common.models import Attachment
from gaoxin.governance.models import Case, Dispute, Grid, Household
from gaoxin.places.models import Zone


def is_centre(user: User | None) -> bool:
    return user is None or (user.is_authenticated and user.has_perm("governance.change_case"))


def sees_all(user: User | None) -> bool:
    return (
        user is None
        or (user.is_authenticated and user.has_perm("governance.view_case") and not user.street_id)
        or is_centre(user)
    )


def is_street_staff(user: User | None) -> bool:
    return (
        user is not None
        and user.is_authenticated
        and bool(user.street_id)
        and user.has_role(Role.STREET_STAFF)
    )


def can_view_board(user: User | None) -> bool:
    """The board of requests: the centre, leadership, street staff, grid workers, unit members."""
    if user is None:
        return True
    if not user.is_authenticated:
        return False
    return sees_all(user) or is_street_staff(user) or user.grids.exists() or user.departments.exists()


def require_board(user: User | None) -> None:
    if not can_view_board(user):
        raise PermissionDenied


def visible_cases(user: User | None, zone: Zone) -> QuerySet[Case]:
    """The requests the user may see: everything for the centre and leadership; else those of their
    street, their grids, their units, and their own."""
    qs = Case.objects.filter(zone=zone)
    if sees_all(user):
        return qs
    assert user is not None
    if not user.is_authenticated:
        return qs.none()
    mine = Q(requester=user) | Q(grid__workers=user) | Q(department__members=user)
    if is_street_staff(user):
        mine |= Q(street_id=user.street_id)
    return qs.filter(mine).distinct()


def case_for(user: User | None, zone: Zone, pk: int) -> Case:
    found = (
        visible_cases(user, zone)
        .filter(pk=pk)
        .select_related("service", "grid", "department", "street", "photo")
        .first()
    )
    if found is None:
        raise Http404
    return found


def own_cases(user: User, zone: Zone) -> QuerySet[Case]:
    if not user.is_authenticated:
        return Case.objects.none()
    return Case.objects.filter(zone=zone, requester=user)


def _works_grid(user: User | None, case: Case) -> bool:
    return (
        user is not None
        and case.grid_id is not None
        and case.grid is not None
        and case.grid.workers.filter(pk=user.pk).exists()
    )


def _street(user: User | None, case: Case) -> bool:
    return is_street_staff(user) and user is not None and case.street_id == user.street_id


def _in_unit(user: User | None, case: Case) -> bool:
    return (
        user is not None
        and case.department_id is not None
        and case.department is not None
        and case.department.members.filter(pk=user.pk).exists()
    )


def can_take(user: User | None, case: Case, action: str) -> bool:
    """Whether the user may take this step of the case (the workflow's own order is the core's)."""
    if action in ("open", "cancel", "close", "send_back"):
        return is_centre(user) or _street(user, case) or _works_grid(user, case)
    if action == "dispatch":
        return is_centre(user) or _street(user, case)
    if action in ("accept", "feedback"):
        return user is None or _in_unit(user, case)
    if action == "rate":
        return user is not None and user.is_authenticated and case.requester_id == user.pk
    return False


def require_take(user: User | None, case: Case, action: str) -> None:
    if not can_take(user, case, action):
        raise PermissionDenied


def sees_contact(user: User | None, case: Case) -> bool:
    """The requester's contact: those who handle the request (not leadership's overview, not other residents)."""
    return (
        is_centre(user)
        or _street(user, case)
        or _works_grid(user, case)
        or _in_unit(user, case)
        or (user is not None and case.requester_id == user.pk)
    )


def photo_for(user: User | None, zone: Zone, pk: int) -> Attachment:
    case = visible_cases(user, zone).filter(photo_id=pk).first()
    if case is None:
        raise Http404
    return Attachment.objects.get(pk=pk)


def grids(user: User | None, zone: Zone) -> QuerySet[Grid]:
    require_board(user)
    return Grid.objects.filter(community__street__zone=zone)


def disputes(user: User | None, zone: Zone) -> QuerySet[Dispute]:
    """The disputes the user may see: every one for the centre and leadership, their street's for street staff."""
    qs = Dispute.objects.filter(zone=zone)
    if sees_all(user):
        return qs
    if is_street_staff(user):
        assert user is not None
        return qs.filter(street_id=user.street_id or 0)
    raise PermissionDenied


def can_view_disputes(user: User | None) -> bool:
    return sees_all(user) or is_street_staff(user)


def dispute_for(user: User | None, zone: Zone, pk: int) -> Dispute:
    found = disputes(user, zone).filter(pk=pk).select_related("street", "community", "agreement").first()
    if found is None:
        raise Http404
    return found


def can_handle_dispute(user: User | None, dispute: Dispute) -> bool:
    """The centre, or the staff of the dispute's street (its mediation committees sit there)."""
    return is_centre(user) or (
        is_street_staff(user) and user is not None and dispute.street_id == user.street_id
    )


def require_handle_dispute(user: User | None, dispute: Dispute) -> None:
    if not can_handle_dispute(user, dispute):
        raise PermissionDenied


def can_accept_dispute(user: User | None) -> bool:
    return is_centre(user) or is_street_staff(user)


def collection_grids(user: User | None, zone: Zone) -> QuerySet[Grid]:
    """The grids whose collection figures the user sees: all for the centre and leadership, the street's for
    street staff, their own for a grid worker."""
    qs = Grid.objects.filter(community__street__zone=zone)
    if sees_all(user):
        return qs
    if user is None or not user.is_authenticated:
        raise PermissionDenied
    mine = Q(workers=user)
    if is_street_staff(user):
        mine |= Q(community__street_id=user.street_id)
    found = qs.filter(mine).distinct()
    if not is_street_staff(user) and not user.grids.exists():
        raise PermissionDenied
    return found


def can_view_collection(user: User | None) -> bool:
    return (
        sees_all(user)
        or is_street_staff(user)
        or (user is not None and user.is_authenticated and user.grids.exists())
    )


def can_collect(user: User | None, grid: Grid) -> bool:
    """The households of a grid (personal data): its grid workers, its street's staff, the centre."""
    if is_centre(user):
        return True
    if user is None or not user.is_authenticated:
        return False
    return grid.workers.filter(pk=user.pk).exists() or (
        is_street_staff(user) and grid.community.street_id == user.street_id
    )


def grid_households(user: User | None, zone: Zone, pk: int) -> Grid:
    """The grid whose households the user reads (the gate of the audited loader)."""
    grid = (
        Grid.objects.filter(community__street__zone=zone, pk=pk).select_related("community__street").first()
    )
    if grid is None:
        raise Http404
    if not can_collect(user, grid):
        raise PermissionDenied
    return grid


def household_for(user: User | None, zone: Zone, pk: int) -> Household:
    found = (
        Household.objects.filter(grid__community__street__zone=zone, pk=pk)
        .select_related("grid__community")
        .first()
    )
    if found is None or not can_collect(user, found.grid):
        raise Http404
    return found

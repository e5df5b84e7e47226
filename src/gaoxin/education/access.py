"""Who may see or change what in education planning; the only way a development, a kindergarten case, a
school or a catchment plan is loaded (always within the request's zone). One rule per line:
- education-bureau staff, planners, leadership and zone administrators (the view permission) read the
  whole zone: the ledger, the forecast, the schools and the catchments;
- street staff (the view permission on kindergartens, and a street) read the developments and
  kindergartens of their own street only (and the zone's forecast and catchments, which are public
  planning figures of their residents);
- education-bureau staff and zone administrators (the change permission) record developments, phases,
  kindergartens and school registers, and import them;
- planners and education staff (the add permission on catchment plans) compute proposed catchments and
  proposals for new schools;
- only education staff and administrators (the change permission on catchment plans) publish a plan as
  the current catchment;
- everybody else sees nothing (403 for pages, 404 for objects);
- an object of another zone, or another street for street staff, does not exist for the request (404);
- ``actor=None`` is the operator at the command line, the scheduled job or the demo loader.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404

from gaoxin.accounts.models import User
from gaoxin.education.choices import FACILITY_TYPE, Level
from gaoxin.education.models import CatchmentPlan, Development, Kindergarten, Phase
from gaoxin.places.models import Facility, Zone


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.is_active


def whole_zone(user: User | None) -> bool:
    return user is None or (_active(user) and user.has_perm("education.view_development"))


def street_only(user: User | None) -> int | None:
    """The street a street-staff reader is bound to (None: reads the whole zone, or nothing)."""
    if whole_zone(user) or not _active(user):
        return None
    assert user is not None
    return user.street_id if user.has_perm("education.view_kindergarten") else None


def can_view(user: User | None) -> bool:
    return whole_zone(user) or street_only(user) is not None


def can_manage(user: User | None) -> bool:
    return user is None or (_active(user) and user.has_perm("education.change_development"))


def can_plan(user: User | None) -> bool:
    return user is None or (_active(user) and user.has_perm("education.add_catchmentplan"))


def can_publish(user: User | None) -> bool:
    return user is None or (_active(user) and user.has_perm("education.change_catchmentplan"))


def require_view(user: User | None) -> None:
    if not can_view(user):
        raise PermissionDenied


def require_manage(user: User | None) -> None:
    if not can_manage(user):
        raise PermissionDenied


def require_plan(user: User | None) -> None:
    if not can_plan(user):
        raise PermissionDenied


def require_publish(user: User | None) -> None:
    if not can_publish(user):
        raise PermissionDenied


def developments(user: User | None, zone: Zone) -> QuerySet[Development]:
    require_view(user)
    qs = Development.objects.filter(zone=zone)
    street = street_only(user)
    return qs if street is None else qs.filter(street_id=street)


def development_for(user: User | None, zone: Zone, pk: int) -> Development:
    found = developments(user, zone).filter(pk=pk).select_related("street", "kindergarten", "area").first()
    if found is None:
        raise Http404
    return found


def phase_for(user: User | None, zone: Zone, pk: int) -> Phase:
    found = (
        Phase.objects.filter(pk=pk, development__in=developments(user, zone))
        .select_related("development")
        .first()
    )
    if found is None:
        raise Http404
    return found


def kindergartens(user: User | None, zone: Zone) -> QuerySet[Kindergarten]:
    require_view(user)
    qs = Kindergarten.objects.filter(zone=zone)
    street = street_only(user)
    if street is None:
        return qs
    return qs.filter(Q(street_id=street) | Q(developments__street_id=street)).distinct()


def kindergarten_for(user: User | None, zone: Zone, pk: int) -> Kindergarten:
    found = kindergartens(user, zone).filter(pk=pk).select_related("street", "facility").first()
    if found is None:
        raise Http404
    return found


def schools(user: User | None, zone: Zone, level: str | None = None) -> QuerySet[Facility]:
    """The zone's kindergartens and schools (the registry's facilities of the three types)."""
    require_view(user)
    types = [FACILITY_TYPE[Level(level)]] if level else list(FACILITY_TYPE.values())
    return Facility.objects.filter(street__zone=zone, type__code__in=types)


def school_for(user: User | None, zone: Zone, pk: int) -> Facility:
    found = schools(user, zone).filter(pk=pk).select_related("type", "street").first()
    if found is None:
        raise Http404
    return found


def plans(user: User | None, zone: Zone) -> QuerySet[CatchmentPlan]:
    require_view(user)
    return CatchmentPlan.objects.filter(zone=zone)


def plan_for(user: User | None, zone: Zone, pk: int) -> CatchmentPlan:
    found = plans(user, zone).filter(pk=pk).first()
    if found is None:
        raise Http404
    return found

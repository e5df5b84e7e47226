"""Who may see or run life-circle evaluations, siting and scenarios; the only way an evaluation, a
scenario or a candidate list is loaded (always within the request's zone). One rule per line:
- zone administrators and planners run evaluations, propose sites and change scenarios and
  candidate lists, and see every street;
- leadership sees every street;
- street staff see the results of their own street only, and the zone's shared scenarios and lists;
- zone administrators copy and edit profiles;
- an object of another zone does not exist for the request (404).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.lifecircle.models import AreaResult, CandidateList, Evaluation, Scenario, ScenarioFacility
from gaoxin.places.models import Street, Zone


def can_view(user: User) -> bool:
    return user.is_authenticated and user.has_perm("lifecircle.view_evaluation")


def can_run(user: User) -> bool:
    return user.is_authenticated and user.has_perm("lifecircle.add_evaluation")


def can_evaluate(user: User) -> bool:
    """Who may start an evaluation of the zone: the planners, and the street staff (an evaluation changes
    nothing in the registry; it measures it, and staff need fresh figures after their edits)."""
    return can_run(user) or (can_view(user) and user.has_role(Role.STREET_STAFF))


def can_edit_profiles(user: User) -> bool:
    return user.is_authenticated and (user.is_superuser or user.has_role(Role.ZONE_ADMIN))


def sees_all_streets(user: User) -> bool:
    return user.is_superuser or user.has_role(Role.ZONE_ADMIN, Role.PLANNER, Role.LEADERSHIP)


def visible_street_ids(user: User) -> set[int] | None:
    """None: every street; else the streets whose results the user may see."""
    if sees_all_streets(user):
        return None
    if user.has_role(Role.STREET_STAFF) and user.street_id is not None:
        return {user.street_id}
    return set()


def require_view(user: User) -> None:
    if not can_view(user):
        raise PermissionDenied


def require_run(user: User) -> None:
    if not can_run(user):
        raise PermissionDenied


# --- evaluations ----------------------------------------------------------------------------------


def evaluations(user: User, zone: Zone) -> QuerySet[Evaluation]:
    require_view(user)
    return Evaluation.objects.filter(zone=zone)


def evaluation_for(user: User, zone: Zone, pk: int) -> Evaluation:
    return get_object_or_404(evaluations(user, zone).select_related("profile", "zone"), pk=pk)


def results_for(user: User, evaluation: Evaluation) -> QuerySet[AreaResult]:
    qs = evaluation.area_results.select_related("area", "area__community", "street")
    streets = visible_street_ids(user)
    return qs if streets is None else qs.filter(street_id__in=streets)


def scope(user: User) -> str:
    """What of an evaluation the user sees, as a part of a cache key: everything, or some streets."""
    streets = visible_street_ids(user)
    return "all" if streets is None else "streets-" + "-".join(str(s) for s in sorted(streets))


def area_result_for(user: User, evaluation: Evaluation, area_id: int) -> AreaResult:
    return get_object_or_404(results_for(user, evaluation), area_id=area_id)


def street_for(user: User, zone: Zone, pk: int) -> Street:
    """A street of the zone whose results the user may see (404 elsewhere, 403 for another street)."""
    require_view(user)
    street = get_object_or_404(Street.objects.filter(zone=zone), pk=pk)
    streets = visible_street_ids(user)
    if streets is not None and street.pk not in streets:
        raise PermissionDenied
    return street


# --- scenarios and candidate lists (shared in the zone: everyone who views sees them) --------------


def scenarios(user: User, zone: Zone) -> QuerySet[Scenario]:
    require_view(user)
    return Scenario.objects.filter(zone=zone)


def scenario_for(user: User, zone: Zone, pk: int) -> Scenario:
    return get_object_or_404(scenarios(user, zone).select_related("profile", "zone"), pk=pk)


def scenario_for_change(user: User, zone: Zone, pk: int) -> Scenario:
    scenario = scenario_for(user, zone, pk)
    require_run(user)
    return scenario


def scenario_site_for_change(user: User, zone: Zone, scenario_pk: int, pk: int) -> ScenarioFacility:
    scenario = scenario_for_change(user, zone, scenario_pk)
    return get_object_or_404(scenario.added.select_related("facility_type", "scenario"), pk=pk)


def candidate_lists(user: User, zone: Zone) -> QuerySet[CandidateList]:
    require_view(user)
    return CandidateList.objects.filter(zone=zone)


def candidate_list_for(user: User, zone: Zone, pk: int) -> CandidateList:
    return get_object_or_404(candidate_lists(user, zone).select_related("created_by"), pk=pk)


def candidate_list_for_change(user: User, zone: Zone, pk: int) -> CandidateList:
    found = candidate_list_for(user, zone, pk)
    require_run(user)
    return found

"""Who may see or run life-circle evaluations. One rule per line:
- zone administrators and planners run evaluations and see every street;
- leadership sees every street;
- street staff see the results of their own street only;
- zone administrators copy and edit profiles.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.lifecircle.models import AreaResult, Evaluation


def can_view(user: User) -> bool:
    return user.is_authenticated and user.has_perm("lifecircle.view_evaluation")


def can_run(user: User) -> bool:
    return user.is_authenticated and user.has_perm("lifecircle.add_evaluation")


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


def evaluation_for(user: User, pk: int) -> Evaluation:
    require_view(user)
    return get_object_or_404(Evaluation.objects.select_related("profile", "zone"), pk=pk)


def results_for(user: User, evaluation: Evaluation) -> QuerySet[AreaResult]:
    qs = evaluation.area_results.select_related("area", "area__community", "street")
    streets = visible_street_ids(user)
    return qs if streets is None else qs.filter(street_id__in=streets)


def area_result_for(user: User, evaluation: Evaluation, area_id: int) -> AreaResult:
    result = get_object_or_404(results_for(user, evaluation), area_id=area_id)
    return result


def street_allowed(user: User, street_id: int) -> None:
    streets = visible_street_ids(user)
    if streets is not None and street_id not in streets:
        raise PermissionDenied

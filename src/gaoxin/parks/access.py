"""Who may see or change what in the parks app. One rule per line:
- park service staff and zone administrators manage everything (registry, imports, evaluations);
- leadership sees every page and every result, and changes nothing;
- an enterprise user sees its own enterprise's figures and results only, and files objections for it;
- everybody else sees nothing (404 for objects, 403 for pages).
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gaoxin.accounts.models import User
from gaoxin.parks.models import Appeal, Enterprise, Evaluation, Result


def can_manage(user: User) -> bool:
    return user.is_authenticated and user.has_perm("parks.change_evaluation")


def can_view_all(user: User) -> bool:
    return user.is_authenticated and user.has_perm("parks.view_evaluation")


def is_enterprise_user(user: User) -> bool:
    return user.is_authenticated and user.enterprises.exists()  # type: ignore[attr-defined]


def require_manage(user: User) -> None:
    if not can_manage(user):
        raise PermissionDenied


def require_view_all(user: User) -> None:
    if not can_view_all(user):
        raise PermissionDenied


def own_enterprises(user: User) -> QuerySet[Enterprise]:
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(users=user)


def visible_enterprises(user: User) -> QuerySet[Enterprise]:
    if can_view_all(user):
        return Enterprise.objects.all()
    return own_enterprises(user)


def enterprise_for(user: User, pk: int) -> Enterprise:
    return get_object_or_404(visible_enterprises(user).select_related("park"), pk=pk)


def own_enterprise(user: User, pk: int) -> Enterprise:
    """An enterprise the user speaks for (its portal); staff do not file for an enterprise."""
    return get_object_or_404(own_enterprises(user).select_related("park"), pk=pk)


def evaluation_for(user: User, pk: int) -> Evaluation:
    require_view_all(user)
    return get_object_or_404(Evaluation.objects.select_related("scheme", "zone"), pk=pk)


def result_for(user: User, pk: int) -> Result:
    result = get_object_or_404(
        Result.objects.select_related("evaluation", "enterprise", "enterprise__park"), pk=pk
    )
    if can_view_all(user):
        return result
    if not own_enterprises(user).filter(pk=result.enterprise_id).exists():
        raise Http404
    if result.evaluation.status not in ("notice", "final"):
        raise Http404  # an enterprise sees its result from the public notice on
    return result


def appeal_for_decision(user: User, pk: int) -> Appeal:
    require_manage(user)
    return get_object_or_404(Appeal.objects.select_related("result__evaluation"), pk=pk)

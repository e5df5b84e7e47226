"""Who may see or change what in the parks app; the only way a park, an enterprise, an evaluation, a
result or an objection is loaded (always within the request's zone). One rule per line:
- park service staff and zone administrators manage everything (registry, imports, evaluations);
- leadership sees every page and every result, and changes nothing;
- an enterprise user sees its own enterprise's figures and results only (its results from the public
  notice on), and files objections (with their evidence) and its own figures for it;
- park staff answer the enterprises' objections to their data; an objection's evidence is seen by the
  staff who see everything and by the enterprise that filed it;
- enterprise policies: park staff (who manage) write, preview and publish them; leadership reads them
  and who is eligible; an enterprise sees the policies it was matched to, its own only;
- service requests: an enterprise user files its enterprise's needs, follows them, cancels one not yet
  handed over and rates it once closed — its own only; park staff (who manage) hand requests to
  providers and close them; leadership reads them; the providers' catalogue is seen by the staff, the
  leadership and every enterprise user;
- the incubation programme: park staff run the calls (formal check, experts, decision, milestones,
  tranches, rounds); leadership reads everything; an expert sees only the applications assigned to them
  and their own reviews, never another expert's score; an applicant sees their own applications;
- plants, units and leases: park staff (who manage) record them and sign and end leases; leadership
  reads them; an enterprise sees its own leases in its portal, never another tenant's;
- everybody else sees nothing (404 for objects, 403 for pages);
- an object of another zone does not exist for the request (404);
- ``actor=None`` is the operator at the command line or the demo loader, who may do everything.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404

from gaoxin.accounts.models import User
from gaoxin.common.models import Attachment
from gaoxin.parks.choices import EvaluationStatus
from gaoxin.parks.models import (
    Appeal,
    Application,
    Confirmation,
    Enterprise,
    Evaluation,
    ExpertReview,
    IdleLandCase,
    IncubationCall,
    LandParcel,
    Lease,
    Park,
    Plant,
    PlantUnit,
    Policy,
    PolicyMatch,
    Provider,
    Redevelopment,
    Result,
    Scheme,
    ServiceRequest,
)
from gaoxin.places.models import Zone

PUBLIC = (EvaluationStatus.NOTICE, EvaluationStatus.FINAL)


def can_manage(user: User | None) -> bool:
    return user is None or (user.is_authenticated and user.has_perm("parks.change_evaluation"))


def can_view_all(user: User) -> bool:
    return user.is_authenticated and user.has_perm("parks.view_evaluation")


def is_enterprise_user(user: User) -> bool:
    return user.is_authenticated and user.enterprises.exists()


def require_manage(user: User | None) -> None:
    if not can_manage(user):
        raise PermissionDenied


def require_view_all(user: User) -> None:
    if not can_view_all(user):
        raise PermissionDenied


def parks(user: User, zone: Zone) -> QuerySet[Park]:
    require_view_all(user)
    return Park.objects.filter(zone=zone)


def own_enterprises(user: User) -> QuerySet[Enterprise]:
    if not user.is_authenticated:
        return Enterprise.objects.none()
    return Enterprise.objects.filter(users=user)


def speaks_for(user: User | None, enterprise: Enterprise) -> bool:
    """Whether the user files for this enterprise (the operator does for any)."""
    return user is None or own_enterprises(user).filter(pk=enterprise.pk).exists()


def require_speaks_for(user: User | None, enterprise: Enterprise) -> None:
    if not speaks_for(user, enterprise):
        raise PermissionDenied


def visible_enterprises(user: User, zone: Zone) -> QuerySet[Enterprise]:
    if can_view_all(user):
        return Enterprise.objects.filter(park__zone=zone)
    return own_enterprises(user)


def enterprise_for(user: User, zone: Zone, pk: int) -> Enterprise:
    return get_object_or_404(visible_enterprises(user, zone).select_related("park"), pk=pk)


def own_enterprise(user: User, pk: int) -> Enterprise:
    """An enterprise the user speaks for (its portal); staff do not file for an enterprise."""
    return get_object_or_404(own_enterprises(user).select_related("park"), pk=pk)


def evaluations(user: User, zone: Zone) -> QuerySet[Evaluation]:
    require_view_all(user)
    return Evaluation.objects.filter(zone=zone)


def evaluation_for(user: User, zone: Zone, pk: int) -> Evaluation:
    return get_object_or_404(evaluations(user, zone).select_related("scheme", "zone"), pk=pk)


def evaluation_for_change(user: User, zone: Zone, pk: int) -> Evaluation:
    require_manage(user)
    return evaluation_for(user, zone, pk)


def result_for(user: User, zone: Zone, pk: int) -> Result:
    result = get_object_or_404(
        Result.objects.filter(evaluation__zone=zone).select_related(
            "evaluation", "enterprise", "enterprise__park"
        ),
        pk=pk,
    )
    if can_view_all(user):
        return result
    if not own_enterprises(user).filter(pk=result.enterprise_id).exists():
        raise Http404
    if result.evaluation.status not in PUBLIC:
        raise Http404  # an enterprise sees its result from the public notice on
    return result


def own_results(user: User) -> QuerySet[Result]:
    """The published results of the enterprises the user speaks for."""
    return Result.objects.filter(enterprise__in=own_enterprises(user), evaluation__status__in=PUBLIC)


def appeal_for_decision(user: User, zone: Zone, pk: int) -> Appeal:
    require_manage(user)
    return get_object_or_404(
        Appeal.objects.filter(evaluation__zone=zone).select_related("evaluation", "enterprise"), pk=pk
    )


def scheme_for(user: User, pk: int) -> Scheme:
    require_view_all(user)
    return get_object_or_404(Scheme, pk=pk)


def objection_for_answer(user: User, zone: Zone, pk: int) -> Confirmation:
    """A data objection (an enterprise's "a figure is wrong") of the zone, for the park staff to answer."""
    require_manage(user)
    return get_object_or_404(
        Confirmation.objects.filter(enterprise__park__zone=zone, confirmed=False).select_related(
            "enterprise"
        ),
        pk=pk,
    )


def attachment_for(user: User, zone: Zone, pk: int) -> Attachment:
    """The evidence of an objection (to a result or to the data): staff who see everything, or the
    enterprise that filed it."""
    appeals = Appeal.objects.filter(evaluation__zone=zone, attachment_id=pk)
    confirmations = Confirmation.objects.filter(enterprise__park__zone=zone, attachment_id=pk)
    if not can_view_all(user):
        mine = own_enterprises(user)
        appeals = appeals.filter(enterprise__in=mine)
        confirmations = confirmations.filter(enterprise__in=mine)
    if not (appeals.exists() or confirmations.exists()):
        raise Http404
    return get_object_or_404(Attachment, pk=pk)


def park_for(user: User, zone: Zone, pk: int) -> Park:
    return get_object_or_404(parks(user, zone), pk=pk)


def plants(user: User, zone: Zone) -> QuerySet[Plant]:
    require_view_all(user)
    return Plant.objects.filter(park__zone=zone)


def plant_for(user: User, zone: Zone, pk: int) -> Plant:
    return get_object_or_404(plants(user, zone).select_related("park", "owner", "parcel"), pk=pk)


def plant_for_change(user: User | None, zone: Zone, pk: int) -> Plant:
    require_manage(user)
    return get_object_or_404(Plant.objects.filter(park__zone=zone).select_related("park"), pk=pk)


def unit_for_change(user: User | None, zone: Zone, pk: int) -> PlantUnit:
    require_manage(user)
    return get_object_or_404(PlantUnit.objects.filter(plant__park__zone=zone).select_related("plant"), pk=pk)


def lease_for_change(user: User | None, zone: Zone, pk: int) -> Lease:
    require_manage(user)
    return get_object_or_404(
        Lease.objects.filter(unit__plant__park__zone=zone).select_related("unit__plant", "tenant"), pk=pk
    )


def policies(user: User, zone: Zone) -> QuerySet[Policy]:
    require_view_all(user)
    return Policy.objects.filter(zone=zone)


def policy_for(user: User, zone: Zone, pk: int) -> Policy:
    return get_object_or_404(policies(user, zone), pk=pk)


def policy_for_change(user: User | None, zone: Zone, pk: int) -> Policy:
    require_manage(user)
    return get_object_or_404(Policy.objects.filter(zone=zone), pk=pk)


def own_matches(user: User) -> QuerySet[PolicyMatch]:
    """The policies the enterprises the user speaks for were matched to (published policies only)."""
    return PolicyMatch.objects.filter(
        enterprise__in=own_enterprises(user), policy__status__in=["published", "closed"]
    )


def can_see_catalogue(user: User) -> bool:
    return can_view_all(user) or is_enterprise_user(user)


def providers(user: User, zone: Zone) -> QuerySet[Provider]:
    if not can_see_catalogue(user):
        raise PermissionDenied
    return Provider.objects.filter(zone=zone)


def provider_for(user: User, zone: Zone, pk: int) -> Provider:
    return get_object_or_404(providers(user, zone), pk=pk)


def service_requests(user: User, zone: Zone) -> QuerySet[ServiceRequest]:
    """Every request of the zone (staff, leadership)."""
    require_view_all(user)
    return ServiceRequest.objects.filter(zone=zone)


def service_request_for(user: User, zone: Zone, pk: int) -> ServiceRequest:
    """A request: staff and leadership see every one of the zone, an enterprise its own."""
    qs = ServiceRequest.objects.filter(zone=zone).select_related(
        "enterprise", "enterprise__park", "provider", "service"
    )
    if not can_view_all(user):
        qs = qs.filter(enterprise__in=own_enterprises(user))
    return get_object_or_404(qs, pk=pk)


def service_request_for_change(user: User | None, zone: Zone, pk: int) -> ServiceRequest:
    require_manage(user)
    return get_object_or_404(ServiceRequest.objects.filter(zone=zone).select_related("enterprise"), pk=pk)


def own_service_requests(user: User) -> QuerySet[ServiceRequest]:
    return ServiceRequest.objects.filter(enterprise__in=own_enterprises(user))


def service_request_for_filer(user: User | None, zone: Zone, pk: int) -> ServiceRequest:
    """A request for its enterprise's users (to rate or cancel it) or the park staff (to cancel it)."""
    request = get_object_or_404(ServiceRequest.objects.filter(zone=zone).select_related("enterprise"), pk=pk)
    if user is None or can_manage(user) or speaks_for(user, request.enterprise):
        return request
    raise Http404


def calls(user: User, zone: Zone) -> QuerySet[IncubationCall]:
    require_view_all(user)
    return IncubationCall.objects.filter(zone=zone)


def call_for(user: User, zone: Zone, pk: int) -> IncubationCall:
    return get_object_or_404(calls(user, zone), pk=pk)


def call_for_change(user: User | None, zone: Zone, pk: int) -> IncubationCall:
    require_manage(user)
    return get_object_or_404(IncubationCall.objects.filter(zone=zone), pk=pk)


def open_calls(zone: Zone) -> QuerySet[IncubationCall]:
    """Calls open for applications: anyone logged in may read their terms."""
    return IncubationCall.objects.filter(zone=zone, status="open")


def open_call_for(user: User, zone: Zone, pk: int) -> IncubationCall:
    """An open call, to apply to: the staff, or an enterprise's login (for its enterprise)."""
    if not (can_manage(user) or is_enterprise_user(user)):
        raise PermissionDenied
    return get_object_or_404(open_calls(zone), pk=pk)


def application_for(user: User, zone: Zone, pk: int) -> Application:
    """Staff and leadership: every application of the zone; an expert: those assigned to them; an
    applicant: their own (or their enterprise's)."""
    qs = Application.objects.filter(call__zone=zone).select_related("call", "enterprise", "plan")
    if can_view_all(user):
        return get_object_or_404(qs, pk=pk)
    if not user.is_authenticated:
        raise Http404
    mine = (
        qs.filter(reviews__reviewer=user)
        | qs.filter(applicant=user)
        | qs.filter(enterprise__in=own_enterprises(user))
    )
    return get_object_or_404(mine.distinct(), pk=pk)


def application_for_change(user: User | None, zone: Zone, pk: int) -> Application:
    require_manage(user)
    return get_object_or_404(Application.objects.filter(call__zone=zone).select_related("call"), pk=pk)


def own_reviews(user: User) -> QuerySet[ExpertReview]:
    """The reviews assigned to an expert."""
    if not user.is_authenticated:
        return ExpertReview.objects.none()
    return ExpertReview.objects.filter(reviewer=user)


def review_for(user: User, zone: Zone, pk: int) -> ExpertReview:
    """A review, for the expert it is assigned to only."""
    return get_object_or_404(
        own_reviews(user)
        .filter(application__call__zone=zone)
        .select_related("application", "application__call"),
        pk=pk,
    )


def is_reviewer(user: User) -> bool:
    return own_reviews(user).exists()


def can_see_scores(user: User) -> bool:
    """Every expert's score of an application: the staff and the leadership, not the experts."""
    return can_view_all(user)


def plan_for(user: User, zone: Zone, pk: int) -> Attachment:
    """An application's business plan: whoever may see the application."""
    application = Application.objects.filter(call__zone=zone, plan_id=pk).first()
    if application is None:
        raise Http404
    application_for(user, zone, application.pk)
    return get_object_or_404(Attachment, pk=pk)


def idle_case_for(user: User, zone: Zone, pk: int) -> IdleLandCase:
    """An idle-land case of the zone: park staff, leaders and the zone administration see them."""
    require_view_all(user)
    return get_object_or_404(
        IdleLandCase.objects.filter(parcel__park__zone=zone).select_related("parcel", "parcel__park"), pk=pk
    )


def idle_case_for_change(user: User, zone: Zone, pk: int) -> IdleLandCase:
    require_manage(user)
    return idle_case_for(user, zone, pk)


def redevelopment_for(user: User, zone: Zone, pk: int) -> Redevelopment:
    """A redevelopment of low-efficiency land in the zone (as the idle-land cases)."""
    require_view_all(user)
    return get_object_or_404(
        Redevelopment.objects.filter(parcel__park__zone=zone).select_related("parcel", "parcel__park"), pk=pk
    )


def redevelopment_for_change(user: User, zone: Zone, pk: int) -> Redevelopment:
    require_manage(user)
    return redevelopment_for(user, zone, pk)


def parcel_for_case(user: User, zone: Zone, pk: int) -> LandParcel:
    require_manage(user)
    return get_object_or_404(LandParcel.objects.filter(park__zone=zone), pk=pk)

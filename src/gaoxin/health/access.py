"""Who may see which resident and record. Least privilege, one rule per line:
- a family doctor (team member) sees the residents holding a contract or an application with their team;
- a centre manager sees the residents of the teams of their institution and the records it keeps;
- a resident sees themself, their record once opened (已开放), and a child under 14 they are the
  consenting guardian of;
- planners and leadership see aggregates only (kpis), never a person;
- the auditor reads the audit log and nothing else;
- a family doctor may break the glass: open a resident outside their care by stating a reason, for a
  limited time, seen by the centre's manager and the auditor;
- everybody else: nothing. Objects outside the scope are 404 (their existence is not revealed).
"""

from __future__ import annotations

import datetime as dt

from django.core.exceptions import PermissionDenied
from django.db.models import Q, QuerySet
from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.models import User
from gaoxin.analysis import referral as referral_rules
from gaoxin.analysis import teleconsult as teleconsult_rules
from gaoxin.health.choices import CHILD_SELF_CONSENT_AGE, HOLDING, RecordStatus
from gaoxin.health.models import (
    Appointment,
    Consultation,
    Contract,
    HealthRecord,
    Institution,
    Referral,
    Resident,
    Slot,
    Teleconsult,
)


def is_team_member(user: User) -> bool:
    return user.is_authenticated and user.team_memberships.exists()


def can_break_glass(user: User) -> bool:
    """A family doctor (a team member) may open a resident outside their care in an emergency."""
    return is_team_member(user)


def is_manager(user: User) -> bool:
    return user.is_authenticated and user.managed_institutions.exists()


def is_staff_of_care(user: User) -> bool:
    return is_team_member(user) or is_manager(user)


def can_see_kpis(user: User) -> bool:
    return user.is_authenticated and (
        is_staff_of_care(user)
        or user.has_role(Role.PLANNER, Role.LEADERSHIP, Role.ZONE_ADMIN)
        or user.is_superuser
    )


def can_see_kpis_only(user: User) -> bool:
    """The aggregates without a care role (planners, leadership): their one health page."""
    return can_see_kpis(user) and not is_staff_of_care(user)


def has_own_record_page(user: User) -> bool:
    """The user is a registered resident (her own page, and her children's)."""
    return user.is_authenticated and Resident.objects.filter(user=user).exists()


def can_read_audit(user: User) -> bool:
    return user.is_authenticated and user.has_role(Role.AUDITOR)


def require_staff_of_care(user: User) -> None:
    if not is_staff_of_care(user):
        raise PermissionDenied


def care_residents(user: User, *, emergency: bool = True) -> QuerySet[Resident]:
    """The residents a doctor or a centre manager may open; without ``emergency``, those in their care
    proper (whose record and contract they may change: breaking the glass opens a record to read)."""
    if not user.is_authenticated:
        return Resident.objects.none()
    teams = Q(contracts__status__in=list(HOLDING), contracts__team__members__user=user)
    # a manager: the residents holding a contract with a team of the centre, or whose live record it keeps
    contracted = Q(contracts__status__in=list(HOLDING), contracts__team__institution__managers=user)
    live = [s for s in RecordStatus.values if s != RecordStatus.CANCELLED]
    kept = Q(records__institution__managers=user, records__status__in=live)
    # a doctor who broke the glass: that resident, until the access ends
    emergency_access = Q(emergency_accesses__user=user, emergency_accesses__expires_at__gt=timezone.now())
    scope = teams | contracted | kept
    if not emergency:
        return Resident.objects.filter(scope).distinct()
    return Resident.objects.filter(scope | emergency_access | _referred_to(user)).distinct()


def _referred_to(user: User) -> Q:
    """The residents referred to an institution the user works at, while it has them (from the request
    until it hands them back): read only, every read audited like any other."""
    referred = Q(
        referrals__state__in=referral_rules.RECEIVER_READS,
        referrals__to_institution__in=staff_institutions(user),
    )
    invited = Q(
        teleconsults__state__in=teleconsult_rules.INVITED_READS,
        teleconsults__invited__in=staff_institutions(user),
    )
    return referred | invited


def resident_for_staff(user: User, pk: int) -> Resident:
    require_staff_of_care(user)
    found = care_residents(user).filter(pk=pk).select_related("community", "area").first()
    if found is None:
        raise Http404
    return found


def record_for_staff(user: User, resident: Resident) -> HealthRecord | None:
    """The live record of a resident in the user's care (404 for a resident outside it)."""
    if not care_residents(user).filter(pk=resident.pk).exists():
        raise Http404
    return resident.records.exclude(status=RecordStatus.CANCELLED).select_related("institution").first()


def can_reveal(user: User, resident: Resident) -> bool:
    """The full ID number only for the team that holds the resident's contract, or its manager."""
    return care_residents(user).filter(pk=resident.pk).exists()


def require_reveal(user: User, resident: Resident) -> None:
    if not can_reveal(user, resident):
        raise PermissionDenied


def contract_for_staff(user: User, pk: int) -> Contract:
    require_staff_of_care(user)
    contract = Contract.objects.select_related("resident", "team").filter(pk=pk).first()
    if contract is None or not (
        contract.team.members.filter(user=user).exists()
        or contract.team.institution.managers.filter(pk=user.pk).exists()
    ):
        raise Http404
    return contract


# ------------------------------------------------------------------------------ resident portal


def own_resident(user: User) -> Resident:
    resident: Resident | None = getattr(user, "resident", None) if user.is_authenticated else None
    if resident is None:
        raise PermissionDenied
    return resident


def wards_of(me: Resident, today: dt.date | None = None) -> list[Resident]:
    """The children a resident is the consenting guardian of, while they are under 14."""
    today = today or timezone.localdate()
    children = Resident.objects.filter(guardians__guardian=me, guardians__consent_at__isnull=False)
    return [c for c in children.order_by("pk") if c.age(today) < CHILD_SELF_CONSENT_AGE]


def is_guardian_of(me: Resident, child: Resident, today: dt.date | None = None) -> bool:
    today = today or timezone.localdate()
    return (
        child.age(today) < CHILD_SELF_CONSENT_AGE
        and child.guardians.filter(guardian=me, consent_at__isnull=False).exists()
    )


def ward_for(user: User, pk: int) -> Resident:
    """A child under 14 the user is the consenting guardian of (404 otherwise, also from the child's
    14th birthday on)."""
    me = own_resident(user)
    ward = Resident.objects.filter(pk=pk).first()
    if ward is None or not is_guardian_of(me, ward):
        raise Http404
    return ward


def open_record_of(resident: Resident) -> HealthRecord | None:
    """The record a resident (or their guardian) may read online: only once opened (已开放)."""
    return resident.records.filter(status=RecordStatus.OPEN).first()


def record_by_code_for_staff(user: User, code: str) -> HealthRecord:
    """A live record in the user's care, by its 17-digit code (404 otherwise)."""
    record = (
        HealthRecord.objects.filter(code=code.strip(), resident__in=care_residents(user))
        .exclude(status=RecordStatus.CANCELLED)
        .first()
    )
    if record is None:
        raise Http404
    return record


# --- the gates of the services (``actor=None``: the operator, the demo loader, a scheduled job) -------


def require_care_staff(user: User | None) -> None:
    if user is not None and not is_staff_of_care(user):
        raise PermissionDenied


def in_care(user: User, resident: Resident) -> bool:
    """The resident is in the user's care proper (not only opened by breaking the glass)."""
    return care_residents(user, emergency=False).filter(pk=resident.pk).exists()


def require_care_of(user: User | None, resident: Resident) -> None:
    """The user cares for this resident (a team holding their contract or its centre's manager); an
    emergency access reads, it does not change."""
    if user is not None and not in_care(user, resident):
        raise PermissionDenied


def require_more_than_emergency(user: User | None, resident: Resident) -> None:
    """A resident opened by breaking the glass, or referred to the user's hospital, and not otherwise in
    the user's care, is read only."""
    if (
        user is not None
        and not in_care(user, resident)
        and care_residents(user).filter(pk=resident.pk).exists()
    ):
        raise PermissionDenied


def referral_reader(user: User, resident: Resident) -> bool:
    """The user reads this resident only because she is referred to their institution."""
    return (
        not in_care(user, resident) and Resident.objects.filter(_referred_to(user), pk=resident.pk).exists()
    )


def require_manager_of(user: User | None, institution_id: int) -> None:
    """The user manages this institution (transfers, merges, terminations are the manager's)."""
    if user is not None and not user.managed_institutions.filter(pk=institution_id).exists():
        raise PermissionDenied


def require_member_of(user: User | None, team_id: int) -> None:
    if user is not None and not user.team_memberships.filter(team_id=team_id).exists():
        raise PermissionDenied


def require_self_or_guardian(user: User | None, resident: Resident) -> None:
    """The resident herself, or the consenting guardian of a child (her online requests)."""
    if user is None:
        return
    me = getattr(user, "resident", None)
    if me is None:
        raise PermissionDenied
    if me.pk != resident.pk and not is_guardian_of(me, resident):
        raise PermissionDenied


def require_party(user: User | None, contract: Contract, *, by: str) -> None:
    """A contract is changed by its team (``by`` doctor) or by its resident (``by`` resident)."""
    if by == "resident":
        require_self_or_guardian(user, contract.resident)
    else:
        require_member_or_manager(user, contract)


def require_member_or_manager(user: User | None, contract: Contract) -> None:
    if user is None:
        return
    if not (
        user.team_memberships.filter(team_id=contract.team_id).exists()
        or user.managed_institutions.filter(pk=contract.team.institution_id).exists()
    ):
        raise PermissionDenied


# ---- appointments: institutions publish slots, residents book their own (and their wards') places


def staff_institutions(user: User) -> QuerySet[Institution]:
    """The institutions the user works at: those they manage or whose team they are in."""
    if not user.is_authenticated:
        return Institution.objects.none()
    return Institution.objects.filter(Q(managers=user) | Q(teams__members__user=user)).distinct()


def slot_institutions(user: User) -> QuerySet[Institution]:
    """The institutions whose slots the user publishes: those they work at."""
    return staff_institutions(user)


def can_publish_slots(user: User) -> bool:
    return slot_institutions(user).exists()


def require_publisher(user: User | None, institution: Institution) -> None:
    if user is not None and not slot_institutions(user).filter(pk=institution.pk).exists():
        raise PermissionDenied


def bookable_slots(zone_id: int) -> QuerySet[Slot]:
    """Every slot of the zone's institutions (their times are public)."""
    return Slot.objects.filter(institution__zone_id=zone_id)


def slot_for_booking(zone_id: int, pk: int) -> Slot:
    return get_object_or_404(bookable_slots(zone_id).select_related("institution", "team"), pk=pk)


def appointment_for_patient(user: User, pk: int) -> Appointment:
    """A booking of the resident herself or of her ward (to cancel or move it)."""
    appointment = get_object_or_404(Appointment.objects.select_related("slot", "resident"), pk=pk)
    try:
        require_self_or_guardian(user, appointment.resident)
    except PermissionDenied:
        raise Http404 from None
    return appointment


def slot_for_staff(user: User, pk: int) -> Slot:
    """A slot of an institution the user publishes for (its bookings are theirs to see)."""
    return get_object_or_404(Slot.objects.filter(institution__in=slot_institutions(user)), pk=pk)


def appointment_for_staff(user: User | None, pk: int) -> Appointment:
    """A booking at an institution the user publishes times for (the operator: any)."""
    qs = Appointment.objects.select_related("slot", "resident")
    if user is not None:
        qs = qs.filter(slot__institution__in=slot_institutions(user))
    return get_object_or_404(qs, pk=pk)


# ---- two-way referral: the referring institution and the receiving one, each its own steps


def _sent_by(user: User) -> Q:
    """The referring side: the referring team's members and the institution's managers (another team of
    the centre does not read the case summary of a patient it does not care for)."""
    return (
        Q(from_team__members__user=user)
        | Q(from_institution__managers=user)
        | Q(from_team__isnull=True, from_institution__teams__members__user=user)
    )


def referrals_of(user: User) -> QuerySet[Referral]:
    """The referrals the user's side sent, and those sent to an institution they work at (the
    receiving hospital's staff; a draft is not sent yet)."""
    if not user.is_authenticated:
        return Referral.objects.none()
    received = Q(to_institution__in=staff_institutions(user)) & ~Q(state="draft")
    return Referral.objects.filter(_sent_by(user) | received).distinct()


def works_at_hospital(user: User) -> bool:
    return staff_institutions(user).filter(kind="hospital").exists()


def can_see_referrals(user: User) -> bool:
    return staff_institutions(user).exists()


def referral_for_staff(user: User, pk: int) -> Referral:
    """A referral of the user's institution (404 otherwise: its existence is not revealed)."""
    found = (
        referrals_of(user)
        .select_related("resident", "from_institution", "to_institution", "from_team", "followup")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def side_of(user: User, referral: Referral) -> set[str]:
    """The sides the user acts for: the referring institution, the receiving one (or both)."""
    mine = set(staff_institutions(user).values_list("pk", flat=True))
    sides = set()
    if Referral.objects.filter(_sent_by(user), pk=referral.pk).exists():
        sides.add(referral_rules.SENDER)
    if referral.to_institution_id in mine and referral.state != "draft":
        sides.add(referral_rules.RECEIVER)
    return sides


def require_side(user: User | None, referral: Referral, side: str) -> None:
    """A step is taken by the side it belongs to; the sender's steps also by a carer of the patient."""
    if user is None:
        return
    if side not in side_of(user, referral):
        raise PermissionDenied


def require_referrer(user: User | None, resident: Resident, institution: Institution) -> None:
    """A referral is made by the resident's carers (not by an emergency or a referral reader), for the
    institution they work at."""
    if user is None:
        return
    require_care_of(user, resident)
    if not staff_institutions(user).filter(pk=institution.pk).exists():
        raise PermissionDenied


# ---- online consultation: the resident (or her guardian) and the team she asked


def _team_side(user: User) -> Q:
    return Q(team__members__user=user) | Q(team__institution__managers=user)


def team_consultations(user: User) -> QuerySet[Consultation]:
    """The questions asked of the user's teams (its members; the centre's managers)."""
    if not user.is_authenticated:
        return Consultation.objects.none()
    return Consultation.objects.filter(_team_side(user)).distinct()


def can_answer_consultations(user: User) -> bool:
    return is_staff_of_care(user)


def consultation_for(user: User, pk: int) -> tuple[Consultation, str]:
    """A consultation and the side the user takes in it: "resident" (herself or her guardian) or "team";
    404 for anybody else."""
    found = Consultation.objects.select_related("resident", "team__institution").filter(pk=pk).first()
    if found is None:
        raise Http404
    if team_consultations(user).filter(pk=found.pk).exists():
        return found, "team"
    try:
        require_self_or_guardian(user, found.resident)
    except PermissionDenied:
        raise Http404 from None
    return found, "resident"


def require_consult_side(user: User | None, consultation: Consultation, side: str) -> None:
    if user is None:
        return
    if side == "team":
        if not team_consultations(user).filter(pk=consultation.pk).exists():
            raise PermissionDenied
    else:
        require_self_or_guardian(user, consultation.resident)


# ---- remote consultation: the inviting institution and the invited one


def _inviting_side(user: User) -> Q:
    """The inviting side: who asked, the inviting institution's managers, and the team caring for the
    patient (another team of the centre does not read the case)."""
    return (
        Q(requested_by=user)
        | Q(inviting__managers=user)
        | Q(resident__contracts__status__in=list(HOLDING), resident__contracts__team__members__user=user)
    )


def teleconsults_of(user: User) -> QuerySet[Teleconsult]:
    """The remote consultations the user's side asked for, and those asked of an institution they work at."""
    if not user.is_authenticated:
        return Teleconsult.objects.none()
    return Teleconsult.objects.filter(
        _inviting_side(user) | Q(invited__in=staff_institutions(user))
    ).distinct()


def teleconsult_for(user: User, pk: int) -> Teleconsult:
    found = (
        teleconsults_of(user)
        .select_related("resident", "inviting", "invited", "opinion_by")
        .filter(pk=pk)
        .first()
    )
    if found is None:
        raise Http404
    return found


def teleconsult_sides(user: User, t: Teleconsult) -> set[str]:
    mine = set(staff_institutions(user).values_list("pk", flat=True))
    sides = set()
    if Teleconsult.objects.filter(_inviting_side(user), pk=t.pk).exists():
        sides.add(teleconsult_rules.INVITING)
    if t.invited_id in mine:
        sides.add(teleconsult_rules.INVITED)
    return sides


def require_teleconsult_side(user: User | None, t: Teleconsult, side: str) -> None:
    if user is not None and side not in teleconsult_sides(user, t):
        raise PermissionDenied

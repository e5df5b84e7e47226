"""Use cases of the health app: every state change, atomic, the acting user an argument, and an
audit event for every read and write of personal health data."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from gaoxin import standards
from gaoxin.accounts.models import User
from gaoxin.analysis import appointments, chronic, consultation, maternal
from gaoxin.analysis import referral as referral_rules
from gaoxin.analysis import teleconsult as teleconsult_rules
from gaoxin.analysis.dates import term_end
from gaoxin.analysis.errors import AnalysisError
from gaoxin.analysis.followup import ScheduledVisit, elderly_check, fulfilment
from gaoxin.analysis.identifiers import (
    IdentifierError,
    IdNumber,
    mask_id_number,
    mask_phone,
    parse_id_number,
    record_code,
)
from gaoxin.common import attachments, audit, crypto
from gaoxin.common.errors import describe
from gaoxin.health import access, queries
from gaoxin.health.choices import (
    CHILD_SELF_CONSENT_AGE,
    FACE_TO_FACE,
    HOLDING,
    AppointmentStatus,
    CancelReason,
    ContractStatus,
    DownReason,
    RecordStatus,
    Sex,
    SignedVia,
)
from gaoxin.health.models import (
    Appointment,
    ChildVisit,
    Condition,
    Consultation,
    ConsultMessage,
    Contract,
    EmergencyAccess,
    FollowUp,
    Guardianship,
    HealthCheck,
    HealthRecord,
    Institution,
    MaternalVisit,
    Measurement,
    Pregnancy,
    Referral,
    Resident,
    ServiceDelivery,
    ServicePackage,
    Slot,
    Team,
    Teleconsult,
)
from gaoxin.places.models import Community

RENEWAL_WINDOW_DAYS = 30  # 待续约 from 30 days before the end


class HealthError(ValidationError):
    """A request that breaks a rule (a second contract, a record without consent …)."""


# ------------------------------------------------------------------------------------ residents

# A read kept here under its old name for scripts (the lookup is in queries.py).
find_resident = queries.find_resident


def register_resident(
    actor: User | None,
    *,
    id_number: str,
    name: str,
    community: Community,
    phone: str = "",
    sex: int | None = None,
    birth_date: dt.date | None = None,
    address: str = "",
    request: HttpRequest | None = None,
    **flags: Any,
) -> Resident:
    """Register a resident by 身份证号 (GB 11643 checksum). A given sex or birth date must agree with
    the number. The number is stored encrypted, with a keyed hash that refuses duplicates."""
    access.require_care_staff(actor)
    try:
        parsed = parse_id_number(id_number, today=timezone.localdate())
    except IdentifierError as exc:
        raise HealthError({"id_number": describe(exc)}) from None
    if sex is not None and sex != parsed.sex:
        raise HealthError({"sex": _("The sex does not agree with the ID number (digit 17).")})
    if birth_date is not None and birth_date != parsed.birth_date:
        raise HealthError({"birth_date": _("The birth date does not agree with the ID number.")})
    try:
        crypto.check_key()  # with a wrong key the duplicate check would miss: refuse instead
    except crypto.DataKeyError:
        raise HealthError(
            _(
                "The data key of this installation does not match the stored data: nothing can be registered. Tell the operator."
            )
        ) from None
    digest = crypto.lookup_hash(parsed.value)
    if Resident.objects.filter(id_hash__in=crypto.lookup_hashes(parsed.value)).exists():
        # The refusal tells that the number is registered somewhere in the zone: it is audited too.
        audit.record(
            actor,
            "register",
            "resident",
            "",
            label=mask_id_number(parsed.value),
            outcome="denied",
            detail=audit.note(gettext_noop("already registered")),
            request=request,
        )
        raise HealthError({"id_number": _("A resident with this ID number is already registered.")})
    with transaction.atomic():
        return _create_resident(actor, parsed, digest, name, community, phone, address, request, flags)


def _create_resident(
    actor: User | None,
    parsed: IdNumber,
    digest: str,
    name: str,
    community: Community,
    phone: str,
    address: str,
    request: HttpRequest | None,
    flags: dict[str, Any],
) -> Resident:
    resident = Resident.objects.create(
        id_cipher=crypto.encrypt(parsed.value),
        id_hash=digest,
        id_masked=mask_id_number(parsed.value),
        name=name.strip(),
        sex=parsed.sex,
        birth_date=parsed.birth_date,
        phone_cipher=crypto.encrypt(phone.strip()) if phone.strip() else "",
        phone_masked=mask_phone(phone) if phone.strip() else "",
        address=address,
        community=community,
        **flags,
    )
    audit.record(actor, "create", "resident", resident.pk, label=resident.id_masked, request=request)
    return resident


@transaction.atomic
def add_guardian(actor: User | None, *, guardian: Resident, child: Resident, consent: bool) -> Guardianship:
    access.require_care_staff(actor)
    today = timezone.localdate()
    if child.age(today) >= CHILD_SELF_CONSENT_AGE:
        raise HealthError(_("A guardian manages only a child under 14 online."))
    if guardian.age(today) < 18:
        raise HealthError(_("A guardian is an adult."))
    link, _created = Guardianship.objects.update_or_create(
        guardian=guardian, child=child, defaults={"consent_at": timezone.now() if consent else None}
    )
    audit.record(
        actor,
        "create",
        "guardianship",
        link.pk,
        label=child.id_masked,
        detail=audit.note(gettext_noop("with the guardian's consent")) if consent else "",
    )
    return link


# -------------------------------------------------------------------------------------- records


@transaction.atomic
def create_record(
    actor: User | None, resident: Resident, institution: Institution, **fields: Any
) -> HealthRecord:
    """一人一档: a resident has one live record; its 17-digit code is county + street + community +
    the next serial of that community (国家基本公共卫生服务规范 3rd ed., 2017: 居民健康档案管理服务规范)."""
    access.require_care_staff(actor)
    if resident.records.exclude(status=RecordStatus.CANCELLED).exists():
        raise HealthError(_("This resident already has a health record (one person, one record)."))
    community = resident.community
    street_part, community_part = community.code[6:9], community.code[9:12]
    prefix = institution.county_code + street_part + community_part
    last = (
        HealthRecord.objects.filter(code__startswith=prefix)
        .order_by("-code")
        .values_list("code", flat=True)
        .first()
    )
    serial = int(last[12:]) + 1 if last else 1
    record = HealthRecord.objects.create(
        resident=resident,
        code=record_code(institution.county_code, street_part, community_part, serial),
        institution=institution,
        created_by=actor,
        **fields,
    )
    audit.record(actor, "create", "record", record.pk, label=record.code)
    return record


def _advance(
    actor: User | None, record: HealthRecord, to: str, *, allowed_from: tuple[str, ...]
) -> HealthRecord:
    if record.status not in allowed_from:
        raise HealthError(
            _("Not possible while the record is “%(status)s”.") % {"status": record.get_status_display()}
        )
    record.status = to
    record.save(update_fields=["status", "updated_at"])
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("status: %(status)s"), status=RecordStatus(to).label),
    )
    return record


@transaction.atomic
def review_record(actor: User | None, record: HealthRecord) -> HealthRecord:
    access.require_care_of(actor, record.resident)
    return _advance(actor, record, RecordStatus.REVIEWED, allowed_from=(RecordStatus.CREATED,))


@transaction.atomic
def open_record(actor: User | None, record: HealthRecord) -> HealthRecord:
    """已开放: the resident may read it online. A child under 14 needs a guardian's separate consent."""
    access.require_care_of(actor, record.resident)
    if (
        record.resident.age(timezone.localdate()) < CHILD_SELF_CONSENT_AGE
        and not record.resident.guardians.filter(consent_at__isnull=False).exists()
    ):
        raise HealthError(_("A child's record is opened online only after a guardian's separate consent."))
    return _advance(actor, record, RecordStatus.OPEN, allowed_from=(RecordStatus.REVIEWED,))


@transaction.atomic
def cancel_record(actor: User | None, record: HealthRecord, reason: str) -> HealthRecord:
    access.require_care_of(actor, record.resident)
    if reason not in CancelReason.values:
        raise HealthError(_("Give a reason: death, moved, lost to follow-up or other."))
    if record.status == RecordStatus.CANCELLED:
        raise HealthError(_("The record is already cancelled."))
    record.status, record.cancel_reason, record.cancelled_on = (
        RecordStatus.CANCELLED,
        reason,
        timezone.localdate(),
    )
    record.save()
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("cancelled: %(reason)s"), reason=reason),
    )
    return record


@transaction.atomic
def transfer_record(actor: User | None, record: HealthRecord, to: Institution) -> HealthRecord:
    """Move the record's management to another institution (迁移); the code stays."""
    access.require_manager_of(actor, record.institution_id)
    if record.status == RecordStatus.CANCELLED:
        raise HealthError(_("A cancelled record cannot be transferred."))
    record.institution = to
    record.save(update_fields=["institution", "updated_at"])
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("transferred to %(institution)s"), institution=to.name),
    )
    return record


# ------------------------------------------------------------------------------------ contracts


def holding_contract(resident: Resident) -> Contract | None:
    return resident.contracts.filter(status__in=list(HOLDING)).select_related("team", "package").first()


@transaction.atomic
def sign_contract(
    actor: User | None,
    *,
    resident: Resident,
    team: Team,
    package: ServicePackage,
    via: str,
    starts_on: dt.date | None = None,
) -> Contract:
    """One team at a time, a 1-year term (原则上不少于一年). A resident's online application waits for
    the team; a doctor's signing is in force at once."""
    if via == SignedVia.RESIDENT:
        access.require_self_or_guardian(actor, resident)
    else:
        access.require_member_of(actor, team.pk)
        access.require_more_than_emergency(actor, resident)
    if holding_contract(resident) is not None:
        raise HealthError(_("The resident already has a contract or an application with a team."))
    start = starts_on or timezone.localdate()
    status = ContractStatus.APPLIED if via == SignedVia.RESIDENT else ContractStatus.ACTIVE
    try:
        with transaction.atomic():
            contract = Contract.objects.create(
                resident=resident,
                team=team,
                package=package,
                status=status,
                signed_via=via,
                starts_on=start,
                ends_on=term_end(start),
                created_by=actor,
            )
    except IntegrityError:  # a concurrent request signed first
        raise HealthError(_("The resident already has a contract or an application with a team.")) from None
    audit.record(
        actor,
        "create",
        "contract",
        contract.pk,
        label=resident.id_masked,
        detail=audit.note(
            gettext_noop("%(status)s, signed by %(via)s"),
            status=ContractStatus(status).label,
            via=SignedVia(via).label,
        ),
    )
    return contract


@transaction.atomic
def decide_application(
    actor: User | None, contract: Contract, *, accept: bool, on: dt.date | None = None
) -> Contract:
    access.require_member_or_manager(actor, contract)
    if contract.status != ContractStatus.APPLIED:
        raise HealthError(_("This contract is not an application."))
    if accept:
        start = on or timezone.localdate()
        contract.status, contract.starts_on, contract.ends_on = ContractStatus.ACTIVE, start, term_end(start)
    else:
        contract.status = ContractStatus.DECLINED
    contract.save()
    audit.record(
        actor,
        "update",
        "contract",
        contract.pk,
        label=contract.resident.id_masked,
        detail=audit.note(gettext_noop("status: %(status)s"), status=contract.get_status_display()),
    )
    return contract


@transaction.atomic
def renew_contract(
    actor: User | None, contract: Contract, *, via: str, today: dt.date | None = None
) -> Contract:
    """续约 within the renewal window: the old term ends, a new one starts the next day."""
    access.require_party(actor, contract, by="resident" if via == SignedVia.RESIDENT else "doctor")
    today = today or timezone.localdate()
    if not contract.renewal_due(today, RENEWAL_WINDOW_DAYS):
        raise HealthError(
            _("A contract is renewed from %(days)s days before its end.") % {"days": RENEWAL_WINDOW_DAYS}
        )
    start = max(contract.ends_on + dt.timedelta(days=1), today)
    contract.status, contract.ended_on = ContractStatus.EXPIRED, contract.ends_on
    contract.save()
    new = Contract.objects.create(
        resident=contract.resident,
        team=contract.team,
        package=contract.package,
        status=ContractStatus.ACTIVE,
        signed_via=via,
        starts_on=start,
        ends_on=term_end(start),
        renewal_of=contract,
        created_by=actor,
    )
    audit.record(
        actor,
        "create",
        "contract",
        new.pk,
        label=contract.resident.id_masked,
        detail=audit.note(gettext_noop("renewal of contract %(pk)s"), pk=contract.pk),
    )
    return new


@transaction.atomic
def request_termination(actor: User | None, contract: Contract, *, by: str, reason: str) -> Contract:
    access.require_party(actor, contract, by=by)
    if contract.status != ContractStatus.ACTIVE:
        raise HealthError(_("Only a contract in force can be terminated."))
    if not reason.strip():
        raise HealthError(_("Give the reason for ending the contract."))
    contract.status, contract.termination_reason, contract.termination_requested_by = (
        ContractStatus.TERMINATING,
        reason.strip(),
        by,
    )
    contract.save()
    audit.record(
        actor,
        "update",
        "contract",
        contract.pk,
        label=contract.resident.id_masked,
        detail=audit.note(gettext_noop("termination requested")),
    )
    return contract


@transaction.atomic
def decide_termination(actor: User | None, contract: Contract, *, approve: bool) -> Contract:
    """审核中 → 已解约 (frees the resident) or back in force (拒绝解约)."""
    access.require_manager_of(actor, contract.team.institution_id)
    if contract.status != ContractStatus.TERMINATING:
        raise HealthError(_("No termination is under review."))
    if approve:
        contract.status, contract.ended_on = ContractStatus.TERMINATED, timezone.localdate()
    else:
        contract.status = ContractStatus.ACTIVE
    contract.save()
    audit.record(
        actor,
        "update",
        "contract",
        contract.pk,
        label=contract.resident.id_masked,
        detail=audit.note(gettext_noop("status: %(status)s"), status=contract.get_status_display()),
    )
    return contract


@transaction.atomic
def expire_contracts(today: dt.date | None = None) -> int:
    """Contracts past their end without renewal become expired (run daily)."""
    today = today or timezone.localdate()
    return Contract.objects.filter(status=ContractStatus.ACTIVE, ends_on__lt=today).update(
        status=ContractStatus.EXPIRED, ended_on=F("ends_on")
    )


# ------------------------------------------------------------------------ record content, 履约


@transaction.atomic
def add_condition(
    actor: User, record: HealthRecord, *, icd10: str, name: str, diagnosed_on: dt.date | None
) -> Condition:
    access.require_care_of(actor, record.resident)
    condition = Condition(
        record=record, icd10=icd10.strip().upper(), name=name.strip(), diagnosed_on=diagnosed_on
    )
    condition.full_clean()
    condition.save()
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("diagnosis %(code)s"), code=condition.icd10),
    )
    return condition


@transaction.atomic
def add_measurement(actor: User, record: HealthRecord, **values: Any) -> Measurement:
    access.require_care_of(actor, record.resident)
    if not any(v is not None for k, v in values.items() if k != "taken_on"):
        raise HealthError(_("Enter at least one measurement."))
    if (values.get("sbp") is None) != (values.get("dbp") is None):
        raise HealthError(_("Blood pressure needs both the systolic and the diastolic value."))
    measurement = Measurement.objects.create(record=record, **values)
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("measurement added")),
    )
    return measurement


@transaction.atomic
def update_history(actor: User, record: HealthRecord, **fields: str) -> HealthRecord:
    access.require_care_of(actor, record.resident)
    for key in ("allergies", "surgeries", "family_history", "blood_type"):
        if key in fields:
            setattr(record, key, fields[key])
    record.save()
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("history changed")),
    )
    return record


@transaction.atomic
def merge_records(actor: User | None, keep: HealthRecord, duplicate: HealthRecord) -> HealthRecord:
    """合并: a person registered twice (e.g. under a mistyped ID). The duplicate's conditions and
    measurements move to the kept record; the duplicate is cancelled as merged and points to it."""
    access.require_manager_of(actor, keep.institution_id)
    access.require_manager_of(actor, duplicate.institution_id)
    if keep.pk == duplicate.pk or RecordStatus.CANCELLED in (keep.status, duplicate.status):
        raise HealthError(_("Merge two different live records."))
    duplicate.conditions.update(record=keep)
    duplicate.measurements.update(record=keep)
    duplicate.status, duplicate.cancel_reason, duplicate.cancelled_on, duplicate.merged_into = (
        RecordStatus.CANCELLED,
        CancelReason.MERGED,
        timezone.localdate(),
        keep,
    )
    duplicate.save()
    audit.record(
        actor,
        "update",
        "record",
        duplicate.pk,
        label=duplicate.code,
        detail=audit.note(gettext_noop("merged into %(code)s"), code=keep.code),
    )
    audit.record(
        actor,
        "update",
        "record",
        keep.pk,
        label=keep.code,
        detail=audit.note(gettext_noop("merged from %(code)s"), code=duplicate.code),
    )
    return keep


def merge_by_code(actor: User, keep: HealthRecord, duplicate_code: str) -> HealthRecord:
    """Merge the live record of this code (in the manager's scope) into ``keep``."""
    access.require_manager_of(actor, keep.institution_id)
    return merge_records(actor, keep, access.record_by_code_for_staff(actor, duplicate_code))


@transaction.atomic
def record_delivery(
    actor: User, contract: Contract, *, item: str, delivered_on: dt.date | None = None, note: str = ""
) -> ServiceDelivery:
    """A service of the package delivered; only items of the package, only while the contract holds."""
    access.require_member_of(actor, contract.team_id)
    day = delivered_on or timezone.localdate()
    names = [i.get("name") for i in contract.package.items]
    if item not in names:
        raise HealthError(_("“%(item)s” is not an item of the package.") % {"item": item})
    if not contract.in_force(day):
        raise HealthError(_("The contract is not in force on that day."))
    delivery = ServiceDelivery.objects.create(
        contract=contract, item=item, delivered_on=day, by=actor, note=note
    )
    audit.record(actor, "create", "delivery", delivery.pk, label=contract.resident.id_masked, detail=item)
    return delivery


def contract_fulfilment(contract: Contract) -> tuple[int, int]:
    """(delivered, due) of the package items over the contract's term so far."""
    items = [(str(i.get("name")), int(i.get("per_year", 0))) for i in contract.package.items]
    delivered = contract.deliveries.filter(
        delivered_on__range=(contract.starts_on, contract.ends_on)
    ).values_list("item", flat=True)
    return fulfilment(items, delivered)


# ------------------------------------------------------------------------------ breaking the glass

MIN_REASON = 10  # characters: a reason a manager can check, not "x"


def break_glass(actor: User, *, id_number: str, reason: str, request: HttpRequest | None = None) -> Resident:
    """A doctor opens a resident outside their care in an emergency: the reason is stated, the access
    lasts GAOXIN_BREAK_GLASS_HOURS, and both the opening and a refusal are audited. Whether the number is
    registered at all is told only after the reason is given (and recorded)."""
    if not access.can_break_glass(actor):
        raise PermissionDenied
    reason = " ".join(reason.split())
    if len(reason) < MIN_REASON:
        raise HealthError(
            {"reason": _("State the emergency in a sentence: the centre's manager and the auditor read it.")}
        )
    try:
        value = parse_id_number(id_number).value
    except IdentifierError as exc:
        raise HealthError({"id_number": describe(exc)}) from None
    resident = queries.find_resident(value)
    if resident is None:
        audit.record(
            actor,
            "break_glass",
            "resident",
            "",
            label=mask_id_number(value),
            outcome="denied",
            detail=audit.note(gettext_noop("not registered")),
            request=request,
        )
        raise HealthError({"id_number": _("No resident with this ID number is registered.")})
    team = actor.team_memberships.select_related("team__institution").first()
    if team is None:
        raise PermissionDenied
    with transaction.atomic():
        grant = EmergencyAccess.objects.create(
            user=actor,
            resident=resident,
            institution=team.team.institution,
            reason=reason[:1000],
            expires_at=timezone.now() + dt.timedelta(hours=settings.GAOXIN_BREAK_GLASS_HOURS),
        )
        audit.record(
            actor,
            "break_glass",
            "resident",
            resident.pk,
            label=resident.id_masked,
            detail=audit.note(
                gettext_noop("until %(until)s: %(reason)s"),
                until=f"{timezone.localtime(grant.expires_at):%Y-%m-%d %H:%M}",
                reason=reason,
            ),
            request=request,
        )
    return resident


# ------------------------------------------------------------------------------ chronic-disease follow-up


def _care_entry(actor: User | None, record: HealthRecord, day: dt.date, today: dt.date | None) -> dt.date:
    """The gate of a care entry (a follow-up, a health check, a child visit): the resident's care team,
    not an emergency access; dated between the birth and today. Returns today."""
    access.require_care_of(actor, record.resident)
    access.require_more_than_emergency(actor, record.resident)
    today = today or timezone.localdate()
    if not record.resident.birth_date <= day <= today:
        raise HealthError(_("A visit is dated between the birth and today."))
    return today


def followup_rules() -> chronic.Rules:
    """The follow-up thresholds of the edition in force (standards/followup_<edition>.toml)."""
    edition = getattr(settings, "GAOXIN_FOLLOWUP_EDITION", "2017")
    t = standards.load(f"followup_{edition}")
    return chronic.Rules(edition=str(t["edition"]), **t["hypertension"], **t["diabetes"], **t["schedule"])


def _assessment(f: FollowUp) -> chronic.Assessment:
    return chronic.Assessment(chronic.VisitClass(f.visit_class), f.controlled, f.urgent, ())


@transaction.atomic
def record_followup(
    actor: User | None,
    record: HealthRecord,
    *,
    kind: str,
    visit_on: dt.date,
    way: str,
    sbp: int | None = None,
    dbp: int | None = None,
    fpg: Any = None,
    adverse: bool = False,
    complication: bool = False,
    danger: bool = False,
    note: str = "",
    today: dt.date | None = None,
) -> FollowUp:
    """Record a follow-up visit: classified by the rules in force (the patient's age on the day), its next
    visit due and the referral proposed, from this visit and the ones of the same disease before it."""
    today = _care_entry(actor, record, visit_on, today)
    rules = followup_rules()
    visit = chronic.Visit(
        chronic.Kind(kind),
        visit_on,
        sbp=sbp,
        dbp=dbp,
        fpg=float(fpg) if fpg is not None else None,
        adverse=adverse,
        complication=complication,
        danger=danger,
        face_to_face=way in FACE_TO_FACE,
    )
    try:
        assessed = chronic.assess(visit, record.resident.age(visit_on), rules)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from None
    before = [
        _assessment(f)
        for f in record.followups.select_for_update()
        .filter(kind=kind, visit_on__lte=visit_on)
        .order_by("visit_on", "pk")
    ]
    plan = chronic.plan_after([*before, assessed], visit_on, rules)
    followup = FollowUp.objects.create(
        record=record,
        kind=kind,
        visit_on=visit_on,
        way=way,
        sbp=sbp,
        dbp=dbp,
        fpg=fpg,
        adverse=adverse,
        complication=complication,
        danger=danger,
        note=note,
        visit_class=assessed.visit_class.value,
        controlled=bool(assessed.controlled),
        urgent=assessed.urgent,
        referral=plan.referral.value,
        next_due_on=plan.due_on,
        edition=rules.edition[:60],
        doctor=actor,
    )
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(
            gettext_noop("hypertension follow-up")
            if kind == "hypertension"
            else gettext_noop("diabetes follow-up")
        ),
    )
    return followup


@transaction.atomic
def record_check(
    actor: User | None,
    record: HealthRecord,
    *,
    checked_on: dt.date,
    self_care: str,
    note: str = "",
    today: dt.date | None = None,
) -> tuple[HealthCheck, str]:
    """Record an elderly health check; returns it and what it counts as this year: "counted" (the year's
    check), "duplicate" (a further check the same year) or "before_65" (before the 65th birthday)."""
    today = _care_entry(actor, record, checked_on, today)
    check = HealthCheck.objects.create(
        record=record, checked_on=checked_on, self_care=self_care, note=note, doctor=actor
    )
    days = list(record.checks.values_list("checked_on", flat=True))
    status = elderly_check(record.resident.birth_date, days, checked_on.year, today)
    counts_as = (
        "before_65"
        if checked_on in status.before_65 or status.eligible_from is None
        else "duplicate"
        if status.done_on != checked_on or list(days).count(checked_on) > 1
        else "counted"
    )
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("elderly health check")),
    )
    return check, counts_as


def child_visits() -> list[ScheduledVisit]:
    """The 0–6 child visit schedule in force (standards/child_visits_<edition>.toml)."""
    edition = getattr(settings, "GAOXIN_FOLLOWUP_EDITION", "2017")
    t = standards.load(f"child_visits_{edition}")
    return [
        ScheduledVisit(v["code"], int(v["months"]), int(v["days"]), int(v["window_days"])) for v in t["visit"]
    ]


@transaction.atomic
def record_child_visit(
    actor: User | None,
    record: HealthRecord,
    *,
    code: str,
    visited_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> ChildVisit:
    """Record a visit of the child schedule (once each)."""
    today = _care_entry(actor, record, visited_on, today)
    if record.child_visits.filter(code=code).exists():
        raise HealthError(_("This visit of the schedule is already recorded."))
    visit = ChildVisit.objects.create(
        record=record, code=code, visited_on=visited_on, note=note, doctor=actor
    )
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("child health visit")),
    )
    return visit


# ------------------------------------------------------------------------ appointments

APPOINTMENT_NOTICE_HOURS = 2  # [recall] a booking is cancelled or moved at least 2 hours before its time


@transaction.atomic
def publish_slots(
    actor: User | None,
    institution: Institution,
    *,
    day: dt.date,
    times: list[dt.time],
    minutes: int,
    capacity: int,
    reserved: int,
    service: str,
    team: Team | None = None,
) -> list[Slot]:
    """Publish a day's appointment times of an institution (its managers or its teams' members)."""
    access.require_publisher(actor, institution)
    if team is not None and team.institution_id != institution.pk:
        raise HealthError(_("The team belongs to another institution."))
    try:
        appointments.check_slot(capacity, reserved)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from exc
    if not times:
        raise HealthError(_("Give at least one time."))
    slots = []
    for t in sorted(set(times)):
        slot = Slot(
            institution=institution,
            team=team,
            service=service.strip(),
            starts_at=timezone.make_aware(dt.datetime.combine(day, t)),
            minutes=minutes,
            capacity=capacity,
            reserved=reserved,
            created_by=actor,
        )
        slot.full_clean()
        slots.append(slot)
    Slot.objects.bulk_create(slots)
    audit.record(
        actor,
        "create",
        "slots",
        institution.pk,
        label=institution.name[:120],
        detail=audit.note(gettext_noop("%(n)s slots on %(day)s"), n=len(slots), day=day.isoformat()),
    )
    return slots


def _contracted(resident: Resident, slot: Slot) -> bool:
    day = timezone.localtime(slot.starts_at).date()
    return Contract.objects.filter(
        resident=resident,
        team__institution_id=slot.institution_id,
        status=ContractStatus.ACTIVE,
        starts_on__lte=day,
        ends_on__gte=day,
    ).exists()


REFUSALS = {
    "past": gettext_noop("This time has passed."),
    "full": gettext_noop("This time is fully booked."),
    "reserved": gettext_noop("The places left are kept for residents with a family-doctor contract here."),
}


def _book(
    actor: User | None, resident: Resident, slot_pk: int, zone_id: int, now: dt.datetime
) -> Appointment:
    slot = access.slot_for_booking(zone_id, slot_pk)
    # the slot's row is locked while its places are counted: two requests at once cannot both take the last
    slot = Slot.objects.select_for_update().get(pk=slot.pk)
    held = slot.appointments.filter(status=AppointmentStatus.BOOKED)
    if held.filter(resident=resident).exists():
        raise HealthError(_("This resident has a place at this time already."))
    contracted = _contracted(resident, slot)
    places = appointments.Places(
        capacity=slot.capacity,
        reserved=slot.reserved,
        booked=held.count(),
        booked_general=held.filter(contracted=False).count(),
    )
    why = appointments.refusal(places, contracted=contracted, starts_at=slot.starts_at, now=now)
    if why is not None:
        raise HealthError(_(REFUSALS[why]))
    appointment = Appointment.objects.create(
        slot=slot, resident=resident, contracted=contracted, booked_at=now, booked_by=actor
    )
    audit.record(actor, "book", "appointment", appointment.pk, label=resident.id_masked, detail=str(slot))
    return appointment


@transaction.atomic
def book(
    actor: User | None, resident: Resident, slot_pk: int, *, zone_id: int, now: dt.datetime | None = None
) -> Appointment:
    """A resident (or her guardian) books a place; a contracted resident may take a reserved place."""
    access.require_self_or_guardian(actor, resident)
    return _book(actor, resident, slot_pk, zone_id, now or timezone.now())


def _cancel(actor: User | None, appointment: Appointment, now: dt.datetime) -> None:
    appointment = (
        Appointment.objects.select_for_update().select_related("slot", "resident").get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise HealthError(_("This booking is not in force."))
    if now > appointments.cancel_deadline(appointment.slot.starts_at, notice_hours=APPOINTMENT_NOTICE_HOURS):
        raise HealthError(
            _("A booking is cancelled or moved at least %(n)s hours before its time.")
            % {"n": APPOINTMENT_NOTICE_HOURS}
        )
    appointment.status, appointment.cancelled_at = AppointmentStatus.CANCELLED, now
    appointment.save(update_fields=["status", "cancelled_at"])
    audit.record(actor, "cancel", "appointment", appointment.pk, label=appointment.resident.id_masked)


@transaction.atomic
def cancel_appointment(
    actor: User | None, appointment: Appointment, *, now: dt.datetime | None = None
) -> None:
    access.require_self_or_guardian(actor, appointment.resident)
    _cancel(actor, appointment, now or timezone.now())


@transaction.atomic
def reschedule(
    actor: User | None,
    appointment: Appointment,
    slot_pk: int,
    *,
    zone_id: int,
    now: dt.datetime | None = None,
) -> Appointment:
    """Move a booking to another time: the new place is taken and the old one freed together, or neither."""
    access.require_self_or_guardian(actor, appointment.resident)
    now = now or timezone.now()
    _cancel(actor, appointment, now)
    return _book(actor, appointment.resident, slot_pk, zone_id, now)


@transaction.atomic
def mark_attendance(
    actor: User | None, appointment_pk: int, *, attended: bool, now: dt.datetime | None = None
) -> Appointment:
    """The institution's staff record whether a booked resident came, once the time has begun."""
    appointment = access.appointment_for_staff(actor, appointment_pk)
    appointment = (
        Appointment.objects.select_for_update().select_related("slot", "resident").get(pk=appointment.pk)
    )
    if appointment.status != AppointmentStatus.BOOKED:
        raise HealthError(_("This booking is not in force."))
    if (now or timezone.now()) < appointment.slot.starts_at:
        raise HealthError(_("Attendance is recorded once the time has begun."))
    appointment.status = AppointmentStatus.ATTENDED if attended else AppointmentStatus.MISSED
    appointment.save(update_fields=["status"])
    audit.record(
        actor,
        "update",
        "appointment",
        appointment.pk,
        label=appointment.resident.id_masked,
        detail=appointment.status,
    )
    return appointment


# ------------------------------------------------------------------------ two-way referral


def referral_limits() -> referral_rules.Limits:
    """The answer and follow-up time limits: standards/referral.toml, the installation's settings first."""
    t = standards.load("referral")
    return referral_rules.Limits(
        answer_hours=float(getattr(settings, "GAOXIN_REFERRAL_ANSWER_HOURS", 0) or t["answer_hours"]),
        urgent_answer_hours=float(
            getattr(settings, "GAOXIN_REFERRAL_URGENT_HOURS", 0) or t["urgent_answer_hours"]
        ),
        follow_up_days=int(t["follow_up_days"]),
    )


REFERRAL_NOTES = {
    "draft": gettext_noop("referral made to %(to)s"),
    "submit": gettext_noop("referral submitted to %(to)s"),
    "accept": gettext_noop("referral accepted by %(to)s"),
    "reject": gettext_noop("referral refused by %(to)s"),
    "cancel": gettext_noop("referral to %(to)s withdrawn"),
    "arrive": gettext_noop("patient arrived at %(to)s"),
    "complete": gettext_noop("care completed at %(to)s"),
    "down_refer": gettext_noop("referred back by %(to)s"),
    "follow_up": gettext_noop("followed up after the referral to %(to)s"),
}


def _referral_audit(actor: User | None, referral: Referral, action: str, step: str) -> None:
    audit.record(
        actor,
        action,
        "referral",
        referral.pk,
        label=referral.resident.id_masked,
        detail=audit.note(REFERRAL_NOTES[step], to=referral.to_institution.name),
    )


@transaction.atomic
def create_referral(
    actor: User | None,
    resident: Resident,
    *,
    from_institution: Institution,
    to_institution: Institution,
    reason: str,
    summary: str,
    department: str = "",
    urgent: bool = False,
    followup: FollowUp | None = None,
    submit: bool = True,
    now: dt.datetime | None = None,
) -> Referral:
    """A carer of the resident refers her from their institution to another (a hospital, for 上转), with
    the case summary; submitted at once unless kept as a draft."""
    access.require_referrer(actor, resident, from_institution)
    access.require_more_than_emergency(actor, resident)
    if from_institution.pk == to_institution.pk:
        raise HealthError(_("A referral goes to another institution."))
    if from_institution.zone_id != to_institution.zone_id:
        raise HealthError(_("The receiving institution is not in this zone."))
    if followup is not None and followup.record.resident_id != resident.pk:
        raise HealthError(_("The follow-up is another resident's."))
    if not summary.strip():
        raise HealthError(_("Write the case summary."))
    open_states = [s for s in referral_rules.STATES if s not in referral_rules.ENDED]
    if Referral.objects.filter(
        resident=resident, to_institution=to_institution, state__in=open_states
    ).exists():
        raise HealthError(_("This resident already has an open referral to that institution."))
    now = now or timezone.now()
    team = (
        Team.objects.filter(institution=from_institution, members__user=actor).first()
        if actor is not None
        else None
    ) or Team.objects.filter(institution=from_institution, contracts__resident=resident).first()
    referral = Referral(
        resident=resident,
        from_institution=from_institution,
        from_team=team,
        to_institution=to_institution,
        department=department.strip(),
        urgent=urgent,
        reason=reason,
        summary=summary.strip(),
        followup=followup,
        created_by=actor,
        created_at=now,
    )
    referral.full_clean()
    referral.save()
    _referral_audit(actor, referral, "create", "draft")
    if submit:
        return referral_step(actor, referral, "submit", now=now)
    return referral


@transaction.atomic
def referral_step(
    actor: User | None,
    referral: Referral,
    action: str,
    *,
    note: str = "",
    expected_at: dt.datetime | None = None,
    care_kind: str = "",
    down_reason: str = "",
    now: dt.datetime | None = None,
) -> Referral:
    """Take one step of the referral (gaoxin.analysis.referral.STEPS) on the side it belongs to. The row
    is locked, so two answers at once cannot both be taken."""
    if action not in referral_rules.SIDE:
        raise HealthError(_("This referral step is not allowed now."))
    referral = (
        Referral.objects.select_for_update(of=("self",))
        .select_related("resident", "from_institution", "to_institution")
        .get(pk=referral.pk)
    )
    access.require_side(actor, referral, referral_rules.SIDE[action])
    try:
        state = referral_rules.next_state(referral.state, action)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from None
    note = note.strip()
    if action in referral_rules.NEEDS_NOTE and not note:
        raise HealthError(_(NOTE_NEEDED[action]))
    now = now or timezone.now()
    limits = referral_limits()
    today = timezone.localdate(now)
    changed = ["state"]
    if action == "submit":
        referral.submitted_at = now
        referral.answer_due_at = referral_rules.answer_due(now, urgent=referral.urgent, limits=limits)
        referral.follow_up_due_on = referral_rules.follow_up_due(today, None, limits)
        changed += ["submitted_at", "answer_due_at", "follow_up_due_on"]
    elif action in ("accept", "reject"):
        if action == "accept" and expected_at is not None and expected_at < now - dt.timedelta(days=1):
            raise HealthError(_("The expected time lies in the past."))
        referral.answered_at, referral.answered_by, referral.answer = now, actor, note[:500]
        changed += ["answered_at", "answered_by", "answer"]
        if action == "accept":
            referral.expected_at = expected_at
            changed.append("expected_at")
        else:
            referral.ended_note, referral.ended_at = note[:500], now
            changed += ["ended_note", "ended_at"]
    elif action == "cancel":
        referral.ended_note, referral.ended_at = note[:500], now
        changed += ["ended_note", "ended_at"]
    elif action == "arrive":
        referral.arrived_at = now
        changed.append("arrived_at")
    elif action == "complete":
        if care_kind not in ("outpatient", "inpatient"):
            raise HealthError(_("Say whether the care was outpatient or inpatient."))
        referral.completed_at, referral.care_kind, referral.outcome = now, care_kind, note
        changed += ["completed_at", "care_kind", "outcome"]
    elif action == "down_refer":
        if down_reason not in DownReason.values:
            raise HealthError(_("Give the reason for referring the patient back."))
        referral.down_referred_at, referral.down_reason, referral.down_advice = now, down_reason, note
        referral.follow_up_due_on = referral_rules.follow_up_due(
            timezone.localdate(referral.submitted_at or now), today, limits
        )
        changed += ["down_referred_at", "down_reason", "down_advice", "follow_up_due_on"]
    elif action == "follow_up":
        referral.followed_up_at, referral.follow_up_note = now, note[:500]
        changed += ["followed_up_at", "follow_up_note"]
    referral.state = state
    referral.save(update_fields=changed)
    _referral_audit(actor, referral, "update", action)
    return referral


NOTE_NEEDED = {
    "reject": gettext_noop("Give the reason for the refusal."),
    "cancel": gettext_noop("Give the reason for withdrawing the referral."),
    "complete": gettext_noop("Write the report of the care (diagnosis and treatment)."),
    "down_refer": gettext_noop("Write the treatment result and the advice for primary care."),
    "follow_up": gettext_noop("Write what the follow-up found."),
}


# ------------------------------------------------------------------------ online consultation


def consult_answer_hours() -> float:
    configured = getattr(settings, "GAOXIN_CONSULT_ANSWER_HOURS", 0)
    hours = float(configured or standards.load("referral")["consultation"]["answer_hours"])
    try:
        consultation.check_limit(hours)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from None
    return hours


def _message(
    actor: User | None, c: Consultation, body: str, upload: Any, from_resident: bool, now: dt.datetime
) -> ConsultMessage:
    body = body.strip()
    if not body:
        raise HealthError(_("Write the message."))
    if len(body) > 2000:
        raise HealthError(_("A message is at most 2000 characters."))
    stored = attachments.store(upload, actor) if upload else None
    message = ConsultMessage.objects.create(
        consultation=c,
        author=actor,
        from_resident=from_resident,
        body=body,
        attachment=stored,
        created_at=now,
    )
    thread = list(c.messages.values_list("created_at", "from_resident"))
    c.waiting_since = consultation.waiting_since(thread)
    changed = ["waiting_since"]
    if not from_resident and c.first_answer_at is None:
        c.first_answer_at = now
        changed.append("first_answer_at")
    c.save(update_fields=changed)
    return message


@transaction.atomic
def ask(
    actor: User | None,
    resident: Resident,
    *,
    subject: str,
    body: str,
    upload: Any = None,
    now: dt.datetime | None = None,
) -> Consultation:
    """A resident (or her guardian) asks her family-doctor team: only with a contract in force."""
    access.require_self_or_guardian(actor, resident)
    now = now or timezone.now()
    contract = holding_contract(resident)
    if contract is None or contract.status != ContractStatus.ACTIVE:
        raise HealthError(_("Online consultation is for residents with a family-doctor contract in force."))
    subject = subject.strip()
    if not subject:
        raise HealthError(_("Give the question a subject."))
    c = Consultation.objects.create(
        resident=resident, team=contract.team, subject=subject[:100], created_by=actor, created_at=now
    )
    _message(actor, c, body, upload, True, now)
    audit.record(actor, "create", "consultation", c.pk, label=resident.id_masked)
    return c


@transaction.atomic
def post_message(
    actor: User | None,
    c: Consultation,
    *,
    side: str,
    body: str,
    upload: Any = None,
    now: dt.datetime | None = None,
) -> ConsultMessage:
    """A message in an open consultation, by the resident's side or by her team (the row is locked)."""
    access.require_consult_side(actor, c, side)
    c = Consultation.objects.select_for_update().select_related("resident").get(pk=c.pk)
    if c.state != "open":
        raise HealthError(_("This consultation is closed."))
    message = _message(actor, c, body, upload, side == "resident", now or timezone.now())
    audit.record(actor, "update", "consultation", c.pk, label=c.resident.id_masked)
    return message


@transaction.atomic
def end_consultation(
    actor: User | None,
    c: Consultation,
    *,
    side: str,
    escalate: bool = False,
    note: str = "",
    now: dt.datetime | None = None,
) -> Consultation:
    """Close a consultation (either side), or — the team — send the resident to the clinic: a question
    that needs an examination is not answered online (no first-visit diagnosis online)."""
    access.require_consult_side(actor, c, side)
    c = Consultation.objects.select_for_update().select_related("resident").get(pk=c.pk)
    if c.state != "open":
        raise HealthError(_("This consultation is closed."))
    now = now or timezone.now()
    if escalate:
        if side != "team":
            raise PermissionDenied
        _message(
            actor,
            c,
            note.strip() or _("This question needs an examination: please book a time at the clinic."),
            None,
            False,
            now,
        )
    c.state = "escalated" if escalate else "closed"
    c.closed_at = now
    c.waiting_since = None
    c.save(update_fields=["state", "closed_at", "waiting_since"])
    audit.record(
        actor,
        "update",
        "consultation",
        c.pk,
        label=c.resident.id_masked,
        detail=audit.note(
            gettext_noop("sent to the clinic") if escalate else gettext_noop("consultation closed")
        ),
    )
    return c


# ------------------------------------------------------------------------ remote consultation


@transaction.atomic
def request_teleconsult(
    actor: User | None,
    resident: Resident,
    *,
    inviting: Institution,
    invited: Institution,
    summary: str,
    question: str,
    consent: bool,
    consent_note: str,
    specialty: str = "",
    now: dt.datetime | None = None,
) -> Teleconsult:
    """The resident's carers ask another institution for a remote consultation — only once her informed
    consent is recorded (远程医疗服务管理规范: 邀请方 obtains the patient's consent)."""
    access.require_referrer(actor, resident, inviting)
    access.require_more_than_emergency(actor, resident)
    if not consent or not consent_note.strip():
        raise HealthError(_("Record the patient's informed consent first (how and when she agreed)."))
    if inviting.pk == invited.pk or inviting.zone_id != invited.zone_id:
        raise HealthError(_("A remote consultation invites another institution of the zone."))
    if not summary.strip() or not question.strip():
        raise HealthError(_("Write the case summary and the question."))
    now = now or timezone.now()
    t = Teleconsult(
        resident=resident,
        inviting=inviting,
        invited=invited,
        specialty=specialty.strip(),
        summary=summary.strip(),
        question=question.strip(),
        consent_at=now,
        consent_note=consent_note.strip()[:200],
        requested_by=actor,
        requested_at=now,
    )
    t.full_clean()
    t.save()
    audit.record(
        actor,
        "create",
        "teleconsult",
        t.pk,
        label=resident.id_masked,
        detail=audit.note(gettext_noop("remote consultation asked of %(to)s"), to=invited.name),
    )
    return t


TELECONSULT_NOTES = {
    "accept": gettext_noop("remote consultation accepted by %(to)s"),
    "decline": gettext_noop("remote consultation declined by %(to)s"),
    "cancel": gettext_noop("remote consultation with %(to)s withdrawn"),
    "opinion": gettext_noop("opinion signed at %(to)s"),
}


@transaction.atomic
def teleconsult_step(
    actor: User | None,
    t: Teleconsult,
    action: str,
    *,
    note: str = "",
    scheduled_at: dt.datetime | None = None,
    now: dt.datetime | None = None,
) -> Teleconsult:
    """One step on the side it belongs to (the row locked); the opinion is signed by the invited doctor
    and sealed with the platform's key."""
    if action not in teleconsult_rules.SIDE:
        raise HealthError(_("This remote consultation step is not allowed now."))
    t = Teleconsult.objects.select_for_update(of=("self",)).select_related("resident", "invited").get(pk=t.pk)
    access.require_teleconsult_side(actor, t, teleconsult_rules.SIDE[action])
    try:
        state = teleconsult_rules.next_state(t.state, action)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from None
    note = note.strip()
    if action in teleconsult_rules.NEEDS_NOTE and not note:
        raise HealthError(_("Write the reason or the opinion."))
    if action == "opinion" and actor is None:
        raise HealthError(_("An opinion is signed by a doctor."))
    now = now or timezone.now()
    changed = ["state"]
    if action in ("accept", "decline", "cancel"):
        t.answer, t.answered_at = note[:500], now
        changed += ["answer", "answered_at"]
        if action == "accept":
            t.scheduled_at = scheduled_at
            changed.append("scheduled_at")
    else:  # the opinion, signed
        assert actor is not None
        t.opinion, t.opinion_by, t.opinion_signer, t.opinion_at = note, actor, actor.username, now
        t.opinion_seal = crypto.seal(_signed_text(t))
        changed += ["opinion", "opinion_by", "opinion_signer", "opinion_at", "opinion_seal"]
    t.state = state
    t.save(update_fields=changed)
    audit.record(
        actor,
        "sign" if action == "opinion" else "update",
        "teleconsult",
        t.pk,
        label=t.resident.id_masked,
        detail=audit.note(TELECONSULT_NOTES[action], to=t.invited.name),
    )
    return t


def _signed_text(t: Teleconsult) -> str:
    return teleconsult_rules.signed_text(
        consult_id=t.pk,
        opinion=t.opinion,
        doctor=t.opinion_signer,
        signed_at_iso=t.opinion_at.isoformat() if t.opinion_at else "",
    )


def opinion_intact(t: Teleconsult) -> bool | None:
    """The opinion's seal still matches its words, author and time (None before an opinion)."""
    if not t.opinion_seal:
        return None
    return crypto.verify_seal(_signed_text(t), t.opinion_seal)


# ------------------------------------------------------------------------ 孕产妇健康管理


def maternal_rules() -> maternal.Rules:
    t = standards.load("maternal_2017")

    def visits(rows: list[dict[str, Any]]) -> tuple[ScheduledVisit, ...]:
        return tuple(ScheduledVisit(str(r["code"]), 0, int(r["days"]), int(r["window_days"])) for r in rows)

    return maternal.Rules(
        first_contact_before_days=int(t["first_contact_before_days"]),
        prenatal=visits(t["prenatal"]),
        after_discharge=visits([r for r in t["postpartum"] if r["anchor"] == "discharge"]),
        after_birth=visits([r for r in t["postpartum"] if r["anchor"] == "birth"]),
    )


def _maternal_check(lmp: dt.date, registered_on: dt.date, born_on: Any, discharged_on: Any) -> None:
    try:
        maternal.check_dates(lmp, registered_on, born_on, discharged_on)
    except AnalysisError as exc:
        raise HealthError(describe(exc)) from None


@transaction.atomic
def register_pregnancy(
    actor: User | None,
    record: HealthRecord,
    *,
    lmp: dt.date,
    registered_on: dt.date,
    today: dt.date | None = None,
) -> Pregnancy:
    """建册: a pregnancy of a woman in the actor's care, dated by her last menstrual period; a first contact
    at 13+0 weeks or later is recorded and flagged (孕早期未建册)."""
    today = _care_entry(actor, record, registered_on, today)
    if record.resident.sex == Sex.MALE:
        raise HealthError(_("A pregnancy is recorded for a woman."))
    if record.pregnancies.filter(born_on__isnull=True).exists():
        raise HealthError(_("A pregnancy without a birth is already recorded."))
    if lmp > today or (registered_on - lmp).days > 45 * 7:
        raise HealthError(
            _("The last menstrual period lies in the past, within 45 weeks of the first contact.")
        )
    _maternal_check(lmp, registered_on, None, None)
    pregnancy = Pregnancy.objects.create(
        record=record,
        lmp=lmp,
        registered_on=registered_on,
        late_registration=maternal.first_contact_late(lmp, registered_on, maternal_rules()),
        created_by=actor,
    )
    audit.record(
        actor,
        "update",
        "record",
        record.pk,
        label=record.code,
        detail=audit.note(gettext_noop("pregnancy registered")),
    )
    return pregnancy


@transaction.atomic
def record_birth(
    actor: User | None,
    pregnancy: Pregnancy,
    *,
    born_on: dt.date,
    discharged_on: dt.date | None,
    today: dt.date | None = None,
) -> Pregnancy:
    _care_entry(actor, pregnancy.record, born_on, today)
    _maternal_check(pregnancy.lmp, pregnancy.registered_on, born_on, discharged_on)
    pregnancy.born_on, pregnancy.discharged_on = born_on, discharged_on
    pregnancy.save(update_fields=["born_on", "discharged_on"])
    audit.record(
        actor,
        "update",
        "record",
        pregnancy.record_id,
        label=pregnancy.record.code,
        detail=audit.note(gettext_noop("birth recorded")),
    )
    return pregnancy


@transaction.atomic
def record_maternal_visit(
    actor: User | None,
    pregnancy: Pregnancy,
    *,
    code: str,
    visited_on: dt.date,
    note: str = "",
    today: dt.date | None = None,
) -> MaternalVisit:
    """A contact of the schedule, once each; a visit after the birth only once the birth is recorded."""
    _care_entry(actor, pregnancy.record, visited_on, today)
    if visited_on < pregnancy.lmp:
        raise HealthError(_("The day lies before the last menstrual period."))
    if code in ("home_visit", "check_42") and (pregnancy.born_on is None or visited_on < pregnancy.born_on):
        raise HealthError(_("A visit after the birth comes after the recorded birth."))
    if pregnancy.visits.filter(code=code).exists():
        raise HealthError(_("This visit is recorded already."))
    visit = MaternalVisit.objects.create(
        pregnancy=pregnancy, code=code, visited_on=visited_on, note=note.strip()[:500], doctor=actor
    )
    audit.record(
        actor,
        "update",
        "record",
        pregnancy.record_id,
        label=pregnancy.record.code,
        detail=audit.note(gettext_noop("maternal health visit")),
    )
    return visit

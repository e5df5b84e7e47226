"""Residents, health records (一人一档), institutions, family-doctor teams, packages and contracts.

Rules and sources: 国家基本公共卫生服务规范 (3rd ed., 2017), 国卫基层发〔2018〕35号, GB 11643-1999,
个人信息保护法 (2021); docs/methods.md. 身份证号 and phone numbers are stored
encrypted (gaoxin.common.crypto) with a keyed hash for lookups and a masked copy for lists; the clear
values are read only through services.reveal_* (permission-checked and audited).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator, RegexValidator
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import Attachment, TimeStamped
from gaoxin.health.choices import (
    HOLDING,
    AppointmentStatus,
    CancelReason,
    CareKind,
    ChildVisitCode,
    ConsultState,
    ContractStatus,
    DownReason,
    FollowUpKind,
    FollowUpWay,
    InstitutionKind,
    MaternalVisitCode,
    MemberRole,
    PackageKind,
    RecordStatus,
    ReferralAdvice,
    ReferralState,
    SelfCare,
    Sex,
    SignedVia,
    TeleconsultState,
    UpReason,
    VisitClass,
)
from gaoxin.places.models import Community, Facility, ResidentialArea, Street, Zone


class Institution(TimeStamped):
    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="institutions"
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=InstitutionKind.choices)
    county_code = models.CharField(
        _("county code"), max_length=6, validators=[RegexValidator(r"^\d{6}$")], default="370871"
    )
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, null=True, blank=True
    )
    facility = models.OneToOneField(
        Facility,
        verbose_name=_("facility"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="institution",
    )
    managers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("managers"), blank=True, related_name="managed_institutions"
    )

    class Meta:
        verbose_name = _("medical institution")
        verbose_name_plural = _("medical institutions")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Resident(TimeStamped):
    personal_data = True  # read through the audited pages only (common.admin)

    id_cipher = models.TextField(_("ID number (encrypted)"), editable=False)
    id_hash = models.CharField(_("ID number lookup hash"), max_length=64, unique=True, editable=False)
    id_masked = models.CharField(_("ID number"), max_length=18, editable=False)
    name = models.CharField(_("name"), max_length=50)
    sex = models.PositiveSmallIntegerField(_("sex"), choices=Sex.choices)
    birth_date = models.DateField(_("birth date"))
    phone_cipher = models.TextField(_("phone (encrypted)"), blank=True, editable=False)
    phone_masked = models.CharField(_("phone"), max_length=20, blank=True, editable=False)
    address = models.CharField(_("address"), max_length=200, blank=True)
    community = models.ForeignKey(Community, verbose_name=_("community"), on_delete=models.PROTECT)
    area = models.ForeignKey(
        ResidentialArea, verbose_name=_("residential area"), on_delete=models.SET_NULL, null=True, blank=True
    )
    household_head = models.ForeignKey(
        "self",
        verbose_name=_("head of household"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="household",
    )
    relation = models.CharField(_("relation to the head"), max_length=20, blank=True)
    disabled = models.BooleanField(_("disabled"), default=False)
    low_income = models.BooleanField(_("low income"), default=False)
    pregnant = models.BooleanField(_("pregnant"), default=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("online account"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="resident",
    )

    class Meta:
        verbose_name = _("resident")
        verbose_name_plural = _("residents")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return "%s (%s)" % (self.name, self.id_masked)

    def age(self, on: dt.date) -> int:
        years = on.year - self.birth_date.year
        return years - ((on.month, on.day) < (self.birth_date.month, self.birth_date.day))


class Guardianship(models.Model):
    """A guardian manages a child under 14 online, after a separate consent (个人信息保护法 Art. 31)."""

    personal_data = True  # read through the audited pages only (common.admin)

    guardian = models.ForeignKey(
        Resident, verbose_name=_("guardian"), on_delete=models.CASCADE, related_name="wards"
    )
    child = models.ForeignKey(
        Resident, verbose_name=_("child"), on_delete=models.CASCADE, related_name="guardians"
    )
    consent_at = models.DateTimeField(_("separate consent given at"), null=True, blank=True)

    class Meta:
        verbose_name = _("guardianship")
        verbose_name_plural = _("guardianships")
        constraints = [models.UniqueConstraint(fields=["guardian", "child"], name="guardianship_once")]

    def __str__(self) -> str:
        return "%s → %s" % (self.guardian_id, self.child_id)


class HealthRecord(TimeStamped):
    personal_data = True  # read through the audited pages only (common.admin)

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="records"
    )
    code = models.CharField(_("record code"), max_length=17, unique=True)
    institution = models.ForeignKey(Institution, verbose_name=_("institution"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=10, choices=RecordStatus.choices, default=RecordStatus.CREATED
    )
    cancel_reason = models.CharField(
        _("cancellation reason"), max_length=10, choices=CancelReason.choices, blank=True
    )
    cancelled_on = models.DateField(_("cancelled on"), null=True, blank=True)
    merged_into = models.ForeignKey(
        "self",
        verbose_name=_("merged into"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="merged",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    blood_type = models.CharField(_("blood type (ABO/Rh)"), max_length=6, blank=True)
    allergies = models.TextField(_("drug allergies"), blank=True)
    surgeries = models.TextField(_("surgeries"), blank=True)
    family_history = models.TextField(_("family history"), blank=True)

    class Meta:
        verbose_name = _("health record")
        verbose_name_plural = _("health records")
        constraints = [
            # 一人一档: one record per person that is not cancelled
            models.UniqueConstraint(
                fields=["resident"],
                condition=~Q(status=RecordStatus.CANCELLED),
                name="one_live_record_per_resident",
            )
        ]

    def __str__(self) -> str:
        return self.code


class Condition(models.Model):
    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="conditions"
    )
    icd10 = models.CharField(
        _("ICD-10 code"), max_length=8, validators=[RegexValidator(r"^[A-Z]\d{2}(\.\d{1,2})?$")]
    )
    name = models.CharField(_("name"), max_length=100)
    diagnosed_on = models.DateField(_("diagnosed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("condition")
        verbose_name_plural = _("conditions")

    def __str__(self) -> str:
        return "%s %s" % (self.icd10, self.name)


class Measurement(models.Model):
    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="measurements"
    )
    taken_on = models.DateField(_("date"))
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    fpg = models.DecimalField(
        _("fasting glucose (mmol/L)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    weight_kg = models.DecimalField(_("weight (kg)"), max_digits=5, decimal_places=1, null=True, blank=True)
    height_cm = models.DecimalField(_("height (cm)"), max_digits=5, decimal_places=1, null=True, blank=True)

    class Meta:
        verbose_name = _("measurement")
        verbose_name_plural = _("measurements")
        ordering = ["-taken_on"]

    def __str__(self) -> str:
        return "%s %s" % (self.record_id, self.taken_on)


class FollowUp(models.Model):
    """A follow-up visit of a hypertension or type-2 diabetes patient (随访记录), classified by the rules
    of the edition in force when it was recorded (gaoxin.analysis.chronic)."""

    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="followups"
    )
    kind = models.CharField(_("disease"), max_length=12, choices=FollowUpKind.choices)
    visit_on = models.DateField(_("visit date"))
    way = models.CharField(_("way"), max_length=12, choices=FollowUpWay.choices, default=FollowUpWay.CLINIC)
    sbp = models.PositiveSmallIntegerField(_("systolic BP (mmHg)"), null=True, blank=True)
    dbp = models.PositiveSmallIntegerField(_("diastolic BP (mmHg)"), null=True, blank=True)
    fpg = models.DecimalField(
        _("fasting glucose (mmol/L)"), max_digits=4, decimal_places=1, null=True, blank=True
    )
    adverse = models.BooleanField(_("adverse drug reaction"), default=False)
    complication = models.BooleanField(_("new or worsening complication"), default=False)
    danger = models.BooleanField(_("danger symptom"), default=False)
    note = models.CharField(_("note"), max_length=500, blank=True)
    visit_class = models.CharField(_("classification"), max_length=12, choices=VisitClass.choices)
    controlled = models.BooleanField(_("controlled"), default=False)
    urgent = models.BooleanField(_("urgent referral"), default=False)
    referral = models.CharField(_("referral"), max_length=10, choices=ReferralAdvice.choices, default="none")
    next_due_on = models.DateField(_("next follow-up due"))
    edition = models.CharField(_("rules edition"), max_length=60)
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("follow-up")
        verbose_name_plural = _("follow-ups")
        ordering = ["-visit_on", "-pk"]

    def __str__(self) -> str:
        return "%s %s %s" % (self.record_id, self.kind, self.visit_on)


class HealthCheck(models.Model):
    """An annual health check of a resident aged 65 and over (老年人健康管理: 健康体检)."""

    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="checks"
    )
    checked_on = models.DateField(_("check date"))
    self_care = models.CharField(
        _("self-care ability"), max_length=12, choices=SelfCare.choices, default=SelfCare.INDEPENDENT
    )
    note = models.CharField(_("note"), max_length=500, blank=True)
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("elderly health check")
        verbose_name_plural = _("elderly health checks")
        ordering = ["-checked_on", "-pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.record_id, self.checked_on)


class ChildVisit(models.Model):
    """A visit of the 0–6 child health schedule (0～6岁儿童健康管理), one per visit of the schedule."""

    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="child_visits"
    )
    code = models.CharField(_("visit"), max_length=12, choices=ChildVisitCode.choices)
    visited_on = models.DateField(_("visit date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("child health visit")
        verbose_name_plural = _("child health visits")
        ordering = ["visited_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["record", "code"], name="health_child_visit_once")]

    def __str__(self) -> str:
        return "%s %s" % (self.record_id, self.code)


class Team(TimeStamped):
    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="teams"
    )
    name = models.CharField(_("name"), max_length=100)
    caseload_warning = models.PositiveIntegerField(
        _("caseload warning"),
        default=2000,
        help_text=_(
            "Warn when the team holds more contracts than this (pilots kept 1,500-2,000 per doctor)."
        ),
    )

    class Meta:
        verbose_name = _("family-doctor team")
        verbose_name_plural = _("family-doctor teams")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class TeamMember(models.Model):
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("user"),
        on_delete=models.CASCADE,
        related_name="team_memberships",
    )
    role = models.CharField(_("role"), max_length=15, choices=MemberRole.choices)
    lead = models.BooleanField(_("team lead"), default=False)

    class Meta:
        verbose_name = _("team member")
        verbose_name_plural = _("team members")
        constraints = [models.UniqueConstraint(fields=["team", "user"], name="team_member_once")]

    def __str__(self) -> str:
        return "%s · %s" % (self.team, self.user)


class ServicePackage(models.Model):
    code = models.SlugField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=10, choices=PackageKind.choices)
    price_yuan = models.DecimalField(
        _("price (yuan)"), max_digits=8, decimal_places=2, validators=[MinValueValidator(Decimal(0))]
    )
    resident_pays_yuan = models.DecimalField(
        _("paid by the resident (yuan)"), max_digits=8, decimal_places=2, default=Decimal(0)
    )
    items = models.JSONField(
        _("items"), default=list, help_text=_('[{"name": "血压测量", "per_year": 4}, …]')
    )

    class Meta:
        verbose_name = _("service package")
        verbose_name_plural = _("service packages")
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name


class Contract(TimeStamped):
    personal_data = True  # read through the audited pages only (common.admin)

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="contracts"
    )
    team = models.ForeignKey(Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="contracts")
    package = models.ForeignKey(ServicePackage, verbose_name=_("package"), on_delete=models.PROTECT)
    status = models.CharField(_("status"), max_length=12, choices=ContractStatus.choices)
    signed_via = models.CharField(_("signed via"), max_length=10, choices=SignedVia.choices)
    starts_on = models.DateField(_("starts on"))
    ends_on = models.DateField(_("ends on"))
    renewal_of = models.OneToOneField(
        "self",
        verbose_name=_("renewal of"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="renewal",
    )
    termination_reason = models.CharField(_("termination reason"), max_length=200, blank=True)
    termination_requested_by = models.CharField(_("termination requested by"), max_length=10, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("contract")
        verbose_name_plural = _("contracts")
        ordering = ["-starts_on"]
        constraints = [
            # one team at a time (国卫基层发〔2018〕35号)
            models.UniqueConstraint(
                fields=["resident"],
                condition=Q(status__in=list(HOLDING)),
                name="one_holding_contract_per_resident",
            )
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.resident_id, self.team)

    def renewal_due(self, today: dt.date, window_days: int) -> bool:
        """待续约: in force and within ``window_days`` of its end (or past it)."""
        return self.status == ContractStatus.ACTIVE and today >= self.ends_on - dt.timedelta(days=window_days)

    def in_force(self, today: dt.date) -> bool:
        return (
            self.status in (ContractStatus.ACTIVE, ContractStatus.TERMINATING)
            and self.starts_on <= today <= self.ends_on
        )


class ServiceDelivery(models.Model):
    """One service of the contract's package delivered (履约): the item, the day, who."""

    personal_data = True  # read through the audited pages only (common.admin)

    contract = models.ForeignKey(
        Contract, verbose_name=_("contract"), on_delete=models.CASCADE, related_name="deliveries"
    )
    item = models.CharField(_("service item"), max_length=100)
    delivered_on = models.DateField(_("delivered on"))
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True, related_name="+"
    )
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("service delivered")
        verbose_name_plural = _("services delivered")
        ordering = ["-delivered_on"]

    def __str__(self) -> str:
        return "%s %s %s" % (self.contract_id, self.item, self.delivered_on)


class EmergencyAccess(models.Model):
    """Breaking the glass: a doctor opens a resident outside their care, in an emergency, for a stated
    reason and for a limited time (settings.GAOXIN_BREAK_GLASS_HOURS). The centre's manager and the
    auditor see every one; the opening is in the audit log with its reason."""

    personal_data = True  # read through the audited pages only (common.admin)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.CASCADE, related_name="emergency_accesses"
    )
    institution = models.ForeignKey(
        Institution,
        verbose_name=_("the doctor's institution"),
        on_delete=models.PROTECT,
        related_name="emergency_accesses",
    )
    reason = models.TextField(_("reason"))
    granted_at = models.DateTimeField(_("opened at"), auto_now_add=True)
    expires_at = models.DateTimeField(_("ends at"), db_index=True)

    class Meta:
        verbose_name = _("emergency access")
        verbose_name_plural = _("emergency accesses")
        ordering = ["-granted_at"]

    def __str__(self) -> str:
        return "%s → %s" % (self.user, self.resident.id_masked)


class Slot(TimeStamped):
    """Appointment times an institution publishes (a clinic session of a team or of the institution):
    ``capacity`` places, ``reserved`` of them for residents with a family-doctor contract there."""

    institution = models.ForeignKey(
        Institution, verbose_name=_("institution"), on_delete=models.PROTECT, related_name="slots"
    )
    team = models.ForeignKey(
        "Team", verbose_name=_("team"), on_delete=models.SET_NULL, null=True, blank=True, related_name="slots"
    )
    service = models.CharField(_("service"), max_length=60)
    starts_at = models.DateTimeField(_("starts at"))
    minutes = models.PositiveSmallIntegerField(
        _("minutes"), default=30, validators=[MinValueValidator(5), MaxValueValidator(480)]
    )
    capacity = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(200)]
    )
    reserved = models.PositiveSmallIntegerField(_("places reserved for contracted residents"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("published by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appointment slot")
        verbose_name_plural = _("appointment slots")
        ordering = ["starts_at", "institution"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(reserved__lte=models.F("capacity")), name="slot_reserve_within_capacity"
            )
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.service, self.starts_at)


class Appointment(models.Model):
    """A resident's booking of a place in a slot (by herself, her guardian or the staff)."""

    personal_data = True
    slot = models.ForeignKey(
        Slot, verbose_name=_("slot"), on_delete=models.CASCADE, related_name="appointments"
    )
    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="appointments"
    )
    status = models.CharField(
        _("status"), max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.BOOKED
    )
    contracted = models.BooleanField(_("booked as a contracted resident"), default=False)
    booked_at = models.DateTimeField(_("booked at"))
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("booked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    cancelled_at = models.DateTimeField(_("cancelled at"), null=True, blank=True)

    class Meta:
        verbose_name = _("appointment")
        verbose_name_plural = _("appointments")
        ordering = ["slot__starts_at", "pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["slot", "resident"], condition=models.Q(status="booked"), name="one_booking_per_slot"
            )
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.slot, self.resident_id)


class Referral(models.Model):
    """A two-way referral (双向转诊单): a primary institution refers a resident up to a hospital with a
    case summary; the hospital answers, receives the patient, reports the care and refers the patient back
    down; the referring team follows the patient up (gaoxin.analysis.referral)."""

    personal_data = True  # read through the audited pages only (common.admin)

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="referrals"
    )
    from_institution = models.ForeignKey(
        Institution,
        verbose_name=_("referring institution"),
        on_delete=models.PROTECT,
        related_name="referrals_sent",
    )
    from_team = models.ForeignKey(
        Team,
        verbose_name=_("referring team"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    to_institution = models.ForeignKey(
        Institution,
        verbose_name=_("receiving institution"),
        on_delete=models.PROTECT,
        related_name="referrals_received",
    )
    department = models.CharField(_("department"), max_length=60, blank=True)
    urgent = models.BooleanField(_("urgent"), default=False)
    reason = models.CharField(_("reason for referral"), max_length=14, choices=UpReason.choices)
    summary = models.TextField(_("case summary"), max_length=4000)
    followup = models.ForeignKey(
        FollowUp,
        verbose_name=_("follow-up that proposed it"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="referrals",
    )
    state = models.CharField(
        _("state"), max_length=14, choices=ReferralState.choices, default=ReferralState.DRAFT, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("referred by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("created at"))
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)
    answer_due_at = models.DateTimeField(_("answer due"), null=True, blank=True, db_index=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    expected_at = models.DateTimeField(_("expected at (接诊时间)"), null=True, blank=True)
    arrived_at = models.DateTimeField(_("arrived at"), null=True, blank=True)
    completed_at = models.DateTimeField(_("care completed at"), null=True, blank=True)
    care_kind = models.CharField(_("care"), max_length=10, choices=CareKind.choices, blank=True)
    outcome = models.TextField(_("care report"), max_length=4000, blank=True)
    down_referred_at = models.DateTimeField(_("referred back at"), null=True, blank=True)
    down_reason = models.CharField(
        _("reason for referring back"), max_length=10, choices=DownReason.choices, blank=True
    )
    down_advice = models.TextField(_("treatment result and advice"), max_length=4000, blank=True)
    follow_up_due_on = models.DateField(_("follow-up due"), null=True, blank=True, db_index=True)
    followed_up_at = models.DateTimeField(_("followed up at"), null=True, blank=True)
    follow_up_note = models.CharField(_("follow-up finding"), max_length=500, blank=True)
    ended_note = models.CharField(_("reason"), max_length=500, blank=True)  # a refusal or a withdrawal
    ended_at = models.DateTimeField(_("ended at"), null=True, blank=True)

    class Meta:
        verbose_name = _("referral")
        verbose_name_plural = _("referrals")
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(from_institution=models.F("to_institution")),
                name="referral_between_two_institutions",
            )
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def number(self) -> str:
        """The referral slip's number (转诊单号): ZZ, the day it was made and the row."""
        return "ZZ%s%05d" % (timezone.localtime(self.created_at).strftime("%Y%m%d"), self.pk or 0)


class Consultation(models.Model):
    """A contracted resident's online question to her family-doctor team (在线咨询): a thread of messages,
    answered within a time limit; no first-visit diagnosis online — a question that needs an examination
    is sent to the clinic (escalated)."""

    personal_data = True  # read through the audited pages only (common.admin)

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="consultations"
    )
    team = models.ForeignKey(
        Team, verbose_name=_("team"), on_delete=models.PROTECT, related_name="consultations"
    )
    subject = models.CharField(_("subject"), max_length=100)
    state = models.CharField(
        _("state"), max_length=10, choices=ConsultState.choices, default=ConsultState.OPEN, db_index=True
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("asked by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("asked at"))
    waiting_since = models.DateTimeField(_("waiting since"), null=True, blank=True, db_index=True)
    first_answer_at = models.DateTimeField(_("first answered at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)

    class Meta:
        verbose_name = _("online consultation")
        verbose_name_plural = _("online consultations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.subject


class ConsultMessage(models.Model):
    personal_data = True  # read through the audited pages only (common.admin)

    consultation = models.ForeignKey(
        Consultation, verbose_name=_("consultation"), on_delete=models.CASCADE, related_name="messages"
    )
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("author"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    from_resident = models.BooleanField(_("from the resident"))
    body = models.TextField(_("message"), max_length=2000)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("attachment"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("sent at"))

    class Meta:
        verbose_name = _("consultation message")
        verbose_name_plural = _("consultation messages")
        ordering = ["created_at", "pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.consultation_id, self.created_at)


class Teleconsult(models.Model):
    """A remote consultation (远程会诊): the inviting institution asks the invited one for an expert
    opinion on its patient, her informed consent recorded first; the invited doctor's opinion is sealed
    (gaoxin.common.crypto.seal) so that a later change of its words, author or time shows."""

    personal_data = True  # read through the audited pages only (common.admin)

    resident = models.ForeignKey(
        Resident, verbose_name=_("resident"), on_delete=models.PROTECT, related_name="teleconsults"
    )
    inviting = models.ForeignKey(
        Institution, verbose_name=_("inviting institution"), on_delete=models.PROTECT, related_name="+"
    )
    invited = models.ForeignKey(
        Institution,
        verbose_name=_("invited institution"),
        on_delete=models.PROTECT,
        related_name="teleconsults_received",
    )
    specialty = models.CharField(_("specialty asked for"), max_length=60, blank=True)
    summary = models.TextField(_("case summary"), max_length=4000)
    question = models.TextField(_("question for the invited doctor"), max_length=2000)
    consent_at = models.DateTimeField(_("consent recorded at"))
    consent_note = models.CharField(_("how the patient consented"), max_length=200)
    state = models.CharField(
        _("state"), max_length=10, choices=TeleconsultState.choices, default=TeleconsultState.REQUESTED
    )
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requested by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    requested_at = models.DateTimeField(_("requested at"))
    scheduled_at = models.DateTimeField(_("scheduled at"), null=True, blank=True)
    answer = models.CharField(_("answer"), max_length=500, blank=True)
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)
    opinion = models.TextField(_("opinion"), max_length=4000, blank=True)
    opinion_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opinion signed by"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    opinion_signer = models.CharField(_("signer's login"), max_length=150, blank=True)
    opinion_at = models.DateTimeField(_("signed at"), null=True, blank=True)
    opinion_seal = models.CharField(_("seal"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("remote consultation")
        verbose_name_plural = _("remote consultations")
        ordering = ["-requested_at", "-pk"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(inviting=models.F("invited")), name="teleconsult_between_two_institutions"
            )
        ]

    def __str__(self) -> str:
        return "%s → %s" % (self.inviting_id, self.invited_id)


class Pregnancy(models.Model):
    """A pregnancy under 孕产妇健康管理: the first day of the last menstrual period (末次月经) dates it; the
    first contact (建册) before 13+0 weeks is in time, later it is flagged (孕早期未建册)."""

    personal_data = True  # read through the audited pages only (common.admin)

    record = models.ForeignKey(
        HealthRecord, verbose_name=_("record"), on_delete=models.CASCADE, related_name="pregnancies"
    )
    lmp = models.DateField(_("last menstrual period (first day)"))
    registered_on = models.DateField(_("first contact (建册)"))
    late_registration = models.BooleanField(_("registered after 13 weeks"), default=False)
    born_on = models.DateField(_("birth"), null=True, blank=True)
    discharged_on = models.DateField(_("discharged"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("pregnancy")
        verbose_name_plural = _("pregnancies")
        ordering = ["-lmp", "-pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.record_id, self.lmp)


class MaternalVisit(models.Model):
    personal_data = True  # read through the audited pages only (common.admin)

    pregnancy = models.ForeignKey(
        Pregnancy, verbose_name=_("pregnancy"), on_delete=models.CASCADE, related_name="visits"
    )
    code = models.CharField(_("visit"), max_length=12, choices=MaternalVisitCode.choices)
    visited_on = models.DateField(_("visit date"))
    note = models.CharField(_("note"), max_length=500, blank=True)
    doctor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("doctor"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("maternal health visit")
        verbose_name_plural = _("maternal health visits")
        ordering = ["visited_on", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["pregnancy", "code"], name="health_maternal_visit_once")
        ]

    def __str__(self) -> str:
        return "%s %s" % (self.pregnancy_id, self.code)

"""Grid governance: grids and their workers, the units requests are dispatched to, request types with
their time limits, the requests (cases) and their steps, and the client applications of Open311."""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import Attachment, TimeStamped
from gaoxin.governance.choices import (
    CaseStatus,
    DisputeKind,
    DisputeStatus,
    HouseholdChange,
    Referral,
    ServiceGroup,
    Source,
    SpecialGroup,
    Urgency,
)
from gaoxin.places.models import Community, Street, Zone
from gaoxin.places.validators import validate_lon_lat, validate_polygon_geojson


class Grid(TimeStamped):
    """A grid (网格) of a community, with its grid workers and the Party branch responsible."""

    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="grids"
    )
    code = models.CharField(_("code"), max_length=30, unique=True)
    name = models.CharField(_("name"), max_length=100)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    party_branch = models.CharField(_("Party branch responsible"), max_length=100, blank=True)
    workers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("grid workers"), blank=True, related_name="grids"
    )

    class Meta:
        verbose_name = _("grid")
        verbose_name_plural = _("grids")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class Department(TimeStamped):
    """A unit requests are dispatched to (a bureau, a street office, a utility); its members handle them."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="departments"
    )
    name = models.CharField(_("name"), max_length=100)
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("members"), blank=True, related_name="departments"
    )

    class Meta:
        verbose_name = _("department")
        verbose_name_plural = _("departments")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="governance_department_once")]

    def __str__(self) -> str:
        return self.name


class ServiceType(models.Model):
    """A request type (standards/governance.toml, synced after each migrate) with its time limits."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    group = models.CharField(_("group"), max_length=20, choices=ServiceGroup.choices)
    keywords = models.CharField(_("keywords"), max_length=200, blank=True)
    limit_normal_h = models.PositiveIntegerField(
        _("time limit, normal (hours)"), validators=[MinValueValidator(1)]
    )
    limit_urgent_h = models.PositiveIntegerField(
        _("time limit, urgent (hours)"), validators=[MinValueValidator(1)]
    )
    limit_emergency_h = models.PositiveIntegerField(
        _("time limit, emergency (hours)"), validators=[MinValueValidator(1)]
    )
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("request type")
        verbose_name_plural = _("request types")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        return self.name_zh if (get_language() or "zh-hans").startswith("zh") else self.name_en

    def limit_hours(self, urgency: str) -> int:
        if urgency == Urgency.URGENT:
            return self.limit_urgent_h
        if urgency == Urgency.EMERGENCY:
            return self.limit_emergency_h
        return self.limit_normal_h


class Case(TimeStamped):
    """A resident's request (or a grid worker's, or the hotline's) followed through the seven steps."""

    personal_data = True  # the requester's name and phone: read through the audited pages only

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="cases")
    number = models.CharField(_("number"), max_length=20, unique=True)
    service = models.ForeignKey(
        ServiceType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="cases"
    )
    urgency = models.CharField(_("urgency"), max_length=10, choices=Urgency.choices, default=Urgency.NORMAL)
    description = models.TextField(_("description"))
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    source = models.CharField(_("source"), max_length=12, choices=Source.choices)
    requester = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("requester"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    contact_name = models.CharField(_("contact name"), max_length=60, blank=True)
    contact_phone = models.CharField(_("contact phone"), max_length=20, blank=True)
    photo = models.ForeignKey(
        Attachment, verbose_name=_("photo"), on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(
        _("status"), max_length=12, choices=CaseStatus.choices, default=CaseStatus.REPORTED
    )
    department = models.ForeignKey(
        Department,
        verbose_name=_("responsible unit"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="cases",
    )
    reported_at = models.DateTimeField(_("reported at"))
    dispatched_at = models.DateTimeField(_("dispatched at"), null=True, blank=True)
    due_at = models.DateTimeField(_("due at"), null=True, blank=True)
    fed_back_at = models.DateTimeField(_("reported back at"), null=True, blank=True)
    closed_at = models.DateTimeField(_("closed at"), null=True, blank=True)
    answer = models.TextField(_("answer to the requester"), blank=True)
    cancel_reason = models.CharField(_("reason for cancelling"), max_length=200, blank=True)
    sent_back = models.PositiveSmallIntegerField(_("times sent back"), default=0)
    escalated_at = models.DateTimeField(_("escalated at"), null=True, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("satisfaction (1-5)"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(5)],
    )
    rating_note = models.CharField(_("comment"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("request")
        verbose_name_plural = _("requests")
        ordering = ["-reported_at", "-pk"]
        indexes = [models.Index(fields=["zone", "status"]), models.Index(fields=["zone", "reported_at"])]

    def __str__(self) -> str:
        return self.number

    def clean(self) -> None:
        validate_lon_lat(self.lon, self.lat, "lon")
        if (self.lon is None) != (self.lat is None):
            raise ValidationError({"lon": _("Give both coordinates or neither.")})
        if self.lon is None and not self.address.strip():
            raise ValidationError({"address": _("Give a place: a point on the map or an address.")})


class CaseEvent(models.Model):
    """One step of a case: who did what when, with a note (the case's history)."""

    case = models.ForeignKey(Case, verbose_name=_("request"), on_delete=models.CASCADE, related_name="events")
    action = models.CharField(_("step"), max_length=12)
    status = models.CharField(_("status after"), max_length=12, choices=CaseStatus.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    at = models.DateTimeField(_("at"))
    note = models.TextField(_("note"), blank=True)

    class Meta:
        verbose_name = _("step of a request")
        verbose_name_plural = _("steps of requests")
        ordering = ["case", "at", "pk"]

    def __str__(self) -> str:
        return f"{self.case_id} {self.action}"


class ApiClient(TimeStamped):
    """A client application of the Open311 endpoint: it files requests with its API key (kept hashed)."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="+")
    name = models.CharField(_("name"), max_length=100)
    key_hash = models.CharField(_("API key (SHA-256)"), max_length=64, unique=True, editable=False)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("Open311 client")
        verbose_name_plural = _("Open311 clients")

    def __str__(self) -> str:
        return self.name


class Dispute(TimeStamped):
    """A dispute accepted for people's mediation (人民调解): parties, the committee and mediators, sessions,
    the outcome (an agreement — 调解协议书 — possibly confirmed by a court, or a referral)."""

    personal_data = True  # the parties' names

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="disputes")
    number = models.CharField(_("number"), max_length=20, unique=True)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+")
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    kind = models.CharField(_("kind"), max_length=20, choices=DisputeKind.choices)
    summary = models.TextField(_("what it is about"))
    parties = models.CharField(_("parties"), max_length=300, help_text=_("Names, separated by 、"))
    committee = models.CharField(_("mediation committee"), max_length=100)
    mediators = models.CharField(_("mediators"), max_length=200, blank=True)
    accepted_on = models.DateField(_("accepted on"))
    status = models.CharField(
        _("status"), max_length=12, choices=DisputeStatus.choices, default=DisputeStatus.ACCEPTED
    )
    first_action_on = models.DateField(_("first action on"), null=True, blank=True)
    ended_on = models.DateField(_("ended on"), null=True, blank=True)
    agreement = models.ForeignKey(
        Attachment,
        verbose_name=_("mediation agreement (调解协议书)"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    referred_to = models.CharField(_("referred to"), max_length=12, choices=Referral.choices, blank=True)
    court_confirmed_on = models.DateField(_("confirmed by the court (司法确认) on"), null=True, blank=True)
    escalated_on = models.DateField(_("escalated on"), null=True, blank=True)
    outcome = models.TextField(_("outcome"), blank=True)

    class Meta:
        verbose_name = _("dispute")
        verbose_name_plural = _("disputes")
        ordering = ["accepted_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ended_on__isnull=True) | models.Q(ended_on__gte=models.F("accepted_on")),
                name="governance_dispute_ends_after_acceptance",
            )
        ]

    def __str__(self) -> str:
        return self.number


class DisputeSession(models.Model):
    """An action on a dispute: a mediation session, a visit, a call."""

    dispute = models.ForeignKey(
        Dispute, verbose_name=_("dispute"), on_delete=models.CASCADE, related_name="sessions"
    )
    held_on = models.DateField(_("held on"))
    note = models.TextField(_("what was done"))
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("recorded by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("mediation session")
        verbose_name_plural = _("mediation sessions")
        ordering = ["dispute", "held_on", "pk"]

    def __str__(self) -> str:
        return f"{self.dispute_id} {self.held_on}"


class Household(TimeStamped):
    """一标三实 at the least: a dwelling (its standard address, 标准地址) in a grid and the household living in it
    (head's name, members, special groups) — collected and confirmed on grid visits. Minimum fields only."""

    personal_data = True

    grid = models.ForeignKey(
        Grid, verbose_name=_("grid"), on_delete=models.PROTECT, related_name="households"
    )
    address = models.CharField(_("standard address"), max_length=200)
    head_name = models.CharField(_("head of household"), max_length=60, blank=True)
    members = models.PositiveSmallIntegerField(_("members"), default=0)
    groups = models.JSONField(_("special groups"), default=list, blank=True)
    vacant = models.BooleanField(_("vacant"), default=False)
    last_visit_on = models.DateField(_("last visit"), null=True, blank=True)

    class Meta:
        verbose_name = _("household")
        verbose_name_plural = _("households")
        ordering = ["grid", "address"]
        constraints = [models.UniqueConstraint(fields=["grid", "address"], name="governance_household_once")]

    def __str__(self) -> str:
        return self.address

    def clean(self) -> None:
        unknown = set(self.groups or []) - set(SpecialGroup.values)
        if unknown:
            raise ValidationError({"groups": _("Unknown group: %(g)s") % {"g": ", ".join(sorted(unknown))}})


class Visit(models.Model):
    """A grid worker's visit to a household: confirmed as it is, or a change recorded (moved in/out, birth, death)."""

    household = models.ForeignKey(
        Household, verbose_name=_("household"), on_delete=models.CASCADE, related_name="visits"
    )
    visited_on = models.DateField(_("visited on"))
    worker = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("grid worker"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    change = models.CharField(_("change"), max_length=12, choices=HouseholdChange.choices, blank=True)
    note = models.CharField(_("note"), max_length=300, blank=True)

    class Meta:
        verbose_name = _("visit")
        verbose_name_plural = _("visits")
        ordering = ["household", "-visited_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.household_id} {self.visited_on}"

"""Parks (一区十园), enterprises, land, plants, yearly figures and the 亩产效益 evaluation.

Method and sources: docs/methods.md (亩产效益: 鲁政字〔2019〕235号 and the evaluation rules it cites).
Money is stored in yuan (Decimal), areas in m² (mu derived: 1 mu = 10,000/15 m² ≈ 666.67 m²).
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import Attachment, ImportBatch, TimeStamped
from gaoxin.common.units import M2_PER_MU
from gaoxin.parks.choices import (
    SIGNED_STORED_METRICS,
    AppealStatus,
    ApplicationStatus,
    CallStatus,
    CaseDocumentKind,
    CaseStage,
    EvaluationStatus,
    Flag,
    Klass,
    LandRole,
    MatchState,
    MeasureKind,
    Metric,
    NeedKind,
    Outcome,
    PlantStage,
    PolicyMode,
    PolicyStatus,
    ProjectStage,
    ProviderKind,
    RedevelopmentApproach,
    RedevelopmentStatus,
    RequestStatus,
    RoundKind,
    Scale,
    ServiceField,
    Source,
    UpgradeKind,
    UpgradeStage,
)
from gaoxin.parks.validators import validate_policy_rules, validate_scheme_source, validate_uscc
from gaoxin.places.models import Zone
from gaoxin.places.validators import validate_polygon_geojson

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Park(TimeStamped):
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="parks")
    code = models.SlugField(_("code"), max_length=20, unique=True)
    name = models.CharField(_("name"), max_length=100)
    area_km2 = models.DecimalField(
        _("planned area (km²)"), max_digits=8, decimal_places=2, null=True, blank=True
    )
    focus_industries = models.CharField(_("focus industries"), max_length=200, blank=True)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )

    class Meta:
        verbose_name = _("park")
        verbose_name_plural = _("parks")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name


class ParkYear(models.Model):
    """A park's revenue in a year: the dashboard shows which parks pass 100亿 and the trend."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.CASCADE, related_name="years")
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    revenue_yuan = models.DecimalField(_("revenue (yuan)"), max_digits=16, decimal_places=2)
    source = models.CharField(_("source"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("park year")
        verbose_name_plural = _("park years")
        ordering = ["park", "year"]
        constraints = [models.UniqueConstraint(fields=["park", "year"], name="park_year_once")]

    def __str__(self) -> str:
        return "%s %s" % (self.park, self.year)


class Enterprise(TimeStamped):
    uscc = models.CharField(
        _("unified social credit code"), max_length=18, unique=True, validators=[validate_uscc]
    )
    name = models.CharField(_("name"), max_length=120)
    park = models.ForeignKey(
        Park,
        verbose_name=_("park"),
        on_delete=models.PROTECT,
        related_name="enterprises",
        null=True,
        blank=True,
    )
    industry_code = models.CharField(
        _("industry (GB/T 4754)"),
        max_length=4,
        help_text=_("The 2-4 digit class of GB/T 4754-2017, e.g. 3411; 44-46 are utilities (class T)."),
    )
    scale = models.CharField(_("scale"), max_length=5, choices=Scale.choices, default=Scale.BELOW)
    high_tech = models.BooleanField(_("high-tech enterprise"), default=False)
    founded_on = models.DateField(_("founded on"), null=True, blank=True)
    production_started_on = models.DateField(_("production started on"), null=True, blank=True)
    power_account = models.CharField(_("electricity account number"), max_length=30, blank=True)
    water_account = models.CharField(_("water account number"), max_length=30, blank=True)
    gas_account = models.CharField(_("gas account number"), max_length=30, blank=True)
    users = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        verbose_name=_("enterprise users"),
        blank=True,
        related_name="enterprises",
        help_text=_("Logins of the enterprise: they see this enterprise's data and result only."),
    )

    class Meta:
        verbose_name = _("enterprise")
        verbose_name_plural = _("enterprises")
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.uscc:
            self.uscc = self.uscc.strip().upper()
        if not re.fullmatch(r"[0-9]{2,4}", self.industry_code):
            raise ValidationError({"industry_code": _("A GB/T 4754 code is 2 to 4 digits.")})

    def years_in_production(self, year: int) -> float | None:
        """Full years in production at the end of ``year`` (start-up rule of the T class)."""
        if self.production_started_on is None:
            return None
        return (dt.date(year, 12, 31) - self.production_started_on).days / 365.25


class LandParcel(TimeStamped):
    """宗地: a parcel with its grant contract. Idle and low-efficiency flags are derived (services)."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="parcels")
    code = models.CharField(_("parcel code"), max_length=40, unique=True)
    certificate = models.CharField(_("real-estate certificate number"), max_length=60, blank=True)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("1"))]
    )
    use = models.CharField(_("use"), max_length=40, default="工业用地")
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    contract_start_by = models.DateField(_("contracted start of construction"), null=True, blank=True)
    contract_complete_by = models.DateField(_("contracted completion"), null=True, blank=True)
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)
    stopped_since = models.DateField(
        _("work stopped since"),
        null=True,
        blank=True,
        help_text=_("Set when construction stopped before completion."),
    )
    developed_share = models.DecimalField(
        _("developed share of the required area"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    invested_share = models.DecimalField(
        _("invested share of the total investment"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        validators=[MinValueValidator(0), MaxValueValidator(1)],
    )
    contracted_tax_per_mu_yuan = models.DecimalField(
        _("contracted tax per mu (yuan)"), max_digits=12, decimal_places=2, null=True, blank=True
    )
    plot_ratio = models.DecimalField(_("plot ratio"), max_digits=5, decimal_places=2, null=True, blank=True)
    land_price_yuan = models.DecimalField(
        _("land price (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    geometry = models.JSONField(
        _("shape (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("land parcel")
        verbose_name_plural = _("land parcels")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.code

    @property
    def area_mu(self) -> Decimal:
        return (self.area_m2 / M2_PER_MU).quantize(Decimal("0.01"))


class LandUse(models.Model):
    """Which enterprise uses how much of a parcel, as owner or tenant (shared parcels, leases)."""

    parcel = models.ForeignKey(
        LandParcel, verbose_name=_("parcel"), on_delete=models.CASCADE, related_name="uses"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="land_uses"
    )
    role = models.CharField(_("role"), max_length=6, choices=LandRole.choices, default=LandRole.OWNER)
    area_m2 = models.DecimalField(
        _("area used (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("land use")
        verbose_name_plural = _("land uses")
        constraints = [models.UniqueConstraint(fields=["parcel", "enterprise"], name="land_use_once")]

    def __str__(self) -> str:
        return "%s · %s" % (self.parcel, self.enterprise)


class Plant(TimeStamped):
    """厂房: a building in a park — a standard plant (标准化厂房) built to let, or an enterprise's own —
    its stage, floors and lettable units."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="plants")
    parcel = models.ForeignKey(
        LandParcel,
        verbose_name=_("parcel"),
        on_delete=models.CASCADE,
        related_name="plants",
        null=True,
        blank=True,
    )
    name = models.CharField(_("name"), max_length=100)
    standard = models.BooleanField(
        _("standard plant (标准化厂房)"),
        default=False,
        help_text=_("Built to let to several enterprises; counted against the zone's standard-plant target."),
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=PlantStage.choices, default=PlantStage.COMPLETED
    )
    floors = models.PositiveSmallIntegerField(
        _("floors"), default=1, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=12, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    owner = models.ForeignKey(
        Enterprise,
        verbose_name=_("owner"),
        on_delete=models.PROTECT,
        related_name="plants_owned",
        null=True,
        blank=True,
        help_text=_("Empty: the park's own platform company builds and lets it."),
    )
    started_on = models.DateField(_("construction started on"), null=True, blank=True)
    completion_due_on = models.DateField(_("completion planned for"), null=True, blank=True)
    completed_on = models.DateField(_("completed on"), null=True, blank=True)

    class Meta:
        verbose_name = _("plant")
        verbose_name_plural = _("plants")
        ordering = ["park", "name"]
        constraints = [
            models.UniqueConstraint(fields=["park", "name"], name="plant_name_once_per_park"),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.parcel is not None and self.park_id and self.parcel.park_id != self.park_id:
            raise ValidationError({"parcel": _("The parcel lies in another park.")})
        if self.stage == PlantStage.COMPLETED and self.completed_on is None and self.standard:
            raise ValidationError({"completed_on": _("A completed standard plant needs its completion day.")})
        if self.stage != PlantStage.COMPLETED and self.completed_on is not None:
            raise ValidationError({"completed_on": _("Only a completed plant has a completion day.")})
        if self.started_on and self.completed_on and self.completed_on < self.started_on:
            raise ValidationError({"completed_on": _("A plant is completed after its construction starts.")})


class PlantUnit(models.Model):
    """A lettable unit of a plant (a floor or part of one)."""

    plant = models.ForeignKey(Plant, verbose_name=_("plant"), on_delete=models.CASCADE, related_name="units")
    floor = models.PositiveSmallIntegerField(
        _("floor"), validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    number = models.CharField(_("unit number"), max_length=20)
    area_m2 = models.DecimalField(
        _("area (m²)"), max_digits=10, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )

    class Meta:
        verbose_name = _("plant unit")
        verbose_name_plural = _("plant units")
        ordering = ["plant", "floor", "number"]
        constraints = [models.UniqueConstraint(fields=["plant", "number"], name="unit_number_once_per_plant")]

    def __str__(self) -> str:
        return "%s %s" % (self.plant, self.number)


class Lease(TimeStamped):
    """A unit let to an enterprise: the agreed term (first and last day included), the rent per m² and
    month, and the day it was ended if it ended early. A unit is let once at a time (services)."""

    unit = models.ForeignKey(
        PlantUnit, verbose_name=_("unit"), on_delete=models.PROTECT, related_name="leases"
    )
    tenant = models.ForeignKey(
        Enterprise, verbose_name=_("tenant"), on_delete=models.PROTECT, related_name="leases"
    )
    starts_on = models.DateField(_("first day"))
    ends_on = models.DateField(_("last day"))
    rent_yuan_per_m2_month = models.DecimalField(
        _("rent (yuan per m² and month)"),
        max_digits=8,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(1000))],
    )
    ended_on = models.DateField(_("ended early on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("signed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("lease")
        verbose_name_plural = _("leases")
        ordering = ["-starts_on", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(ends_on__gte=models.F("starts_on")), name="lease_forwards"
            ),
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.unit, self.tenant)

    @property
    def last_day(self) -> dt.date:
        return self.ends_on if self.ended_on is None or self.ended_on > self.ends_on else self.ended_on

    def clean(self) -> None:
        first: dt.date | None = self.starts_on
        last: dt.date | None = self.ends_on
        if first is None or last is None:
            return  # the fields' own errors say what is missing
        if last < first:
            raise ValidationError({"ends_on": _("A lease ends on or after its first day.")})
        if self.ended_on and self.ended_on < first:
            raise ValidationError({"ended_on": _("A lease cannot end before its first day.")})


class Fact(models.Model):
    """One figure of one enterprise for one year from one source. The evaluation reads the
    department's (verified) figure and falls back to the enterprise's own (self-reported)."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="facts"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    metric = models.CharField(_("metric"), max_length=20, choices=Metric.choices)
    source = models.CharField(_("source"), max_length=6, choices=Source.choices)
    value = models.DecimalField(_("value"), max_digits=18, decimal_places=4)  # see clean()
    batch = models.ForeignKey(
        ImportBatch,  # the department's file it came from (gaoxin.common.imports)
        verbose_name=_("import"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="facts",
    )
    row = models.PositiveIntegerField(_("row in the file"), null=True, blank=True)

    class Meta:
        verbose_name = _("figure")
        verbose_name_plural = _("figures")
        constraints = [
            models.UniqueConstraint(
                fields=["enterprise", "year", "metric", "source"], name="fact_once_per_source"
            )
        ]
        indexes = [models.Index(fields=["year", "metric"])]

    def __str__(self) -> str:
        return "%s %s %s=%s" % (self.enterprise_id, self.year, self.metric, self.value)

    def clean(self) -> None:
        """Figures are not negative, except the net tax (after VAT credit refunds)."""
        if self.value is not None and self.value < 0 and self.metric not in SIGNED_STORED_METRICS:
            raise ValidationError({"value": _("This figure cannot be negative.")})

    @property
    def verified(self) -> bool:
        return self.source != Source.SELF


class YearFlag(models.Model):
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="flags"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    code = models.CharField(_("item"), max_length=20, choices=Flag.choices)
    evidence = models.CharField(_("evidence"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("bonus / penalty item")
        verbose_name_plural = _("bonus / penalty items")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year", "code"], name="flag_once")]

    def __str__(self) -> str:
        return "%s %s %s" % (self.enterprise_id, self.year, self.code)


class Confirmation(models.Model):
    """The enterprise confirmed its figures of the year (企业确认), or objected to them."""

    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="confirmations"
    )
    year = models.PositiveSmallIntegerField(_("year"), validators=YEAR_VALIDATORS)
    confirmed = models.BooleanField(_("confirmed"), default=True)
    note = models.TextField(_("note"), blank=True)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, verbose_name=_("by"), on_delete=models.SET_NULL, null=True
    )
    at = models.DateTimeField(_("at"), auto_now=True)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    # A data objection (confirmed = False) waits in the park staff's queue until they answer it.
    response = models.TextField(_("answer of the park staff"), blank=True)
    corrected = models.BooleanField(_("the figures were corrected"), default=False)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("answered by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    answered_at = models.DateTimeField(_("answered at"), null=True, blank=True)

    class Meta:
        verbose_name = _("confirmation")
        verbose_name_plural = _("confirmations")
        constraints = [models.UniqueConstraint(fields=["enterprise", "year"], name="confirmation_once")]

    def __str__(self) -> str:
        return "%s %s" % (self.enterprise_id, self.year)


class Scheme(TimeStamped):
    """An evaluation scheme as TOML (indicators, weights, benchmarks, quotas …), checked by the core
    on every save. Built-in schemes come from standards/mu_benefit_*.toml; copy one to change it."""

    name = models.SlugField(_("name"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    source = models.TextField(_("scheme (TOML)"))
    builtin = models.BooleanField(_("built in"), default=False)

    class Meta:
        verbose_name = _("evaluation scheme")
        verbose_name_plural = _("evaluation schemes")
        ordering = ["name", "-version"]
        constraints = [models.UniqueConstraint(fields=["name", "version"], name="scheme_version_once")]

    def __str__(self) -> str:
        return "%s v%s" % (self.title, self.version)

    def clean(self) -> None:
        validate_scheme_source(self.source)


class Evaluation(TimeStamped):
    """The year's 亩产效益 evaluation: collecting → land notice → scored → public notice → published."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="mu_evaluations"
    )
    year = models.PositiveSmallIntegerField(_("data year"), validators=YEAR_VALIDATORS)
    scheme = models.ForeignKey(Scheme, verbose_name=_("scheme"), on_delete=models.PROTECT)
    status = models.CharField(
        _("status"), max_length=12, choices=EvaluationStatus.choices, default=EvaluationStatus.COLLECTING
    )
    notice_days = models.PositiveSmallIntegerField(
        _("objection window (days)"), default=5, validators=[MinValueValidator(1), MaxValueValidator(60)]
    )
    land_notice_on = models.DateField(_("land areas published on"), null=True, blank=True)
    scored_at = models.DateTimeField(_("scored at"), null=True, blank=True)
    notice_on = models.DateField(_("notice published on"), null=True, blank=True)
    notice_until = models.DateField(
        _("objections accepted until"),
        null=True,
        blank=True,
        help_text=_("Set when the notice is published: calendar or working days, as the scheme says."),
    )
    published_on = models.DateField(_("results published on"), null=True, blank=True)
    pool_means = models.JSONField(_("pool means"), default=dict, blank=True)
    benchmarks = models.JSONField(_("benchmarks"), default=dict, blank=True)
    counts = models.JSONField(_("counts by class"), default=dict, blank=True)
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("亩产效益 evaluation")
        verbose_name_plural = _("亩产效益 evaluations")
        ordering = ["-year"]
        constraints = [models.UniqueConstraint(fields=["zone", "year"], name="mu_evaluation_once_a_year")]

    def __str__(self) -> str:
        return _("%(year)s 亩产效益 evaluation") % {"year": self.year}

    @property
    def notice_ends_on(self) -> dt.date | None:
        if self.notice_on is None:
            return None
        return self.notice_until or self.notice_on + dt.timedelta(days=self.notice_days)

    def pool_counts(self) -> list[tuple[str, dict[str, int]]]:
        """The counts by class of each pool, the pool by its name (规上, 规下)."""
        labels = dict(Scale.choices)
        return [(str(labels.get(pool, pool)), counts) for pool, counts in self.counts.items()]


class Result(models.Model):
    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="results"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="results"
    )
    pool = models.CharField(_("pool"), max_length=5, choices=Scale.choices)
    land_mu = models.DecimalField(_("land (mu)"), max_digits=10, decimal_places=2, null=True)
    score = models.DecimalField(_("score"), max_digits=8, decimal_places=2)
    rank = models.PositiveIntegerField(_("rank"), default=0)
    klass = models.CharField(_("class"), max_length=1, choices=Klass.choices)
    indicators = models.JSONField(_("indicators"), default=list)
    reasons = models.JSONField(_("reasons"), default=list)
    consecutive_d = models.PositiveSmallIntegerField(_("consecutive D years"), default=0)
    surcharge_yuan_per_kwh = models.DecimalField(
        _("electricity surcharge (yuan/kWh)"), max_digits=5, decimal_places=3, default=Decimal("0")
    )
    previous_klass = models.CharField(_("last year's class"), max_length=1, blank=True)

    class Meta:
        verbose_name = _("result")
        verbose_name_plural = _("results")
        ordering = ["pool", "rank"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "enterprise"], name="result_once")]

    def __str__(self) -> str:
        return "%s %s" % (self.enterprise_id, self.klass)


class Appeal(TimeStamped):
    """An objection to a result during the public notice (申诉). It belongs to the firm and the evaluation
    and outlives re-scoring: ``result`` is the firm's current result (re-linked when the evaluation is
    scored again; empty while the firm has none)."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="appeals"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="appeals"
    )
    result = models.ForeignKey(
        Result,
        verbose_name=_("result"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="appeals",
    )
    text = models.TextField(_("objection"))
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("status"), max_length=8, choices=AppealStatus.choices, default=AppealStatus.OPEN
    )
    response = models.TextField(_("response"), blank=True)
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("decided by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("appeal")
        verbose_name_plural = _("appeals")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return "%s %s %s" % (self.evaluation_id, self.enterprise_id, self.status)


class PolicyMeasure(models.Model):
    """A measure in force for a class (A优先保障、B积极支持、C相对控制、D严格限制)."""

    klass = models.CharField(_("class"), max_length=1, choices=Klass.choices)
    kind = models.CharField(_("kind"), max_length=12, choices=MeasureKind.choices)
    text = models.CharField(_("measure"), max_length=300)
    clause = models.CharField(_("source"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("policy measure")
        verbose_name_plural = _("policy measures")
        ordering = ["klass", "kind"]

    def __str__(self) -> str:
        return "%s %s" % (self.klass, self.text)


class Policy(TimeStamped):
    """An enterprise policy (惠企政策) with a machine-readable eligibility rule over the data the platform
    holds (gaoxin.analysis.eligibility); published, it is matched to the zone's enterprises."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="policies")
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    issuer = models.CharField(_("issued by"), max_length=80)
    document = models.CharField(_("document number"), max_length=80, blank=True)
    benefit = models.TextField(_("what it gives"), max_length=2000)
    amount_yuan = models.DecimalField(
        _("amount per enterprise (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    mode = models.CharField(_("mode"), max_length=8, choices=PolicyMode.choices, default=PolicyMode.GRANT)
    rules = models.JSONField(
        _("eligibility rule"), default=list, blank=True, validators=[validate_policy_rules]
    )
    data_year = models.PositiveSmallIntegerField(
        _("year of the figures"),
        validators=YEAR_VALIDATORS,
        help_text=_("Revenue, tax, R&D and employees are read for this year."),
    )
    apply_by = models.DateField(_("apply by"), null=True, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=PolicyStatus.choices, default=PolicyStatus.DRAFT
    )
    version = models.PositiveIntegerField(_("version"), default=0)
    published_on = models.DateField(_("published on"), null=True, blank=True)

    class Meta:
        verbose_name = _("enterprise policy")
        verbose_name_plural = _("enterprise policies")
        ordering = ["-data_year", "code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="policy_code_once_per_zone")]

    def __str__(self) -> str:
        return self.title


class PolicyMatch(models.Model):
    """An enterprise a published policy found eligible: granted (免申即享), told to apply, or withdrawn
    when a rule change took its eligibility away before a grant. Granted benefits stay granted."""

    policy = models.ForeignKey(
        Policy, verbose_name=_("policy"), on_delete=models.CASCADE, related_name="matches"
    )
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.CASCADE, related_name="policy_matches"
    )
    version = models.PositiveIntegerField(_("rule version"))
    state = models.CharField(_("state"), max_length=10, choices=MatchState.choices)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    checks = models.JSONField(_("conditions and the enterprise's figures"), default=list)
    matched_on = models.DateField(_("eligible since"))
    granted_on = models.DateField(_("granted on"), null=True, blank=True)
    withdrawn_on = models.DateField(_("withdrawn on"), null=True, blank=True)

    class Meta:
        verbose_name = _("policy match")
        verbose_name_plural = _("policy matches")
        ordering = ["policy", "enterprise__name"]
        constraints = [models.UniqueConstraint(fields=["policy", "enterprise"], name="policy_match_once")]

    def __str__(self) -> str:
        return "%s · %s" % (self.policy, self.enterprise)


class Provider(TimeStamped):
    """A service provider of the park service platform (a bank, a law firm, a testing lab …)."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="providers")
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(_("kind"), max_length=12, choices=ProviderKind.choices)
    contact = models.CharField(_("business contact"), max_length=120, blank=True)
    industries = models.CharField(
        _("industries served (GB/T 4754)"),
        max_length=200,
        blank=True,
        help_text=_("Codes or prefixes separated by commas; empty: every industry."),
    )
    serves_above = models.BooleanField(_("serves firms above designated size"), default=True)
    serves_below = models.BooleanField(_("serves firms below designated size"), default=True)
    active = models.BooleanField(_("active"), default=True)

    class Meta:
        verbose_name = _("service provider")
        verbose_name_plural = _("service providers")
        ordering = ["name"]
        constraints = [models.UniqueConstraint(fields=["zone", "name"], name="provider_name_once_per_zone")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        codes = [c.strip() for c in self.industries.replace("，", ",").split(",") if c.strip()]
        if any(not re.fullmatch(r"[0-9]{2,4}", c) for c in codes):
            raise ValidationError({"industries": _("A GB/T 4754 code is 2 to 4 digits.")})
        self.industries = ",".join(codes)
        if not (self.serves_above or self.serves_below):
            raise ValidationError(_("A provider serves firms of at least one size."))


class Service(models.Model):
    """A service a provider offers in one of the six fields, with its terms."""

    provider = models.ForeignKey(
        Provider, verbose_name=_("provider"), on_delete=models.CASCADE, related_name="services"
    )
    field = models.CharField(_("field"), max_length=12, choices=ServiceField.choices)
    name = models.CharField(_("service"), max_length=120)
    terms = models.TextField(_("terms"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("service")
        verbose_name_plural = _("services")
        ordering = ["field", "provider__name", "name"]

    def __str__(self) -> str:
        return "%s · %s" % (self.provider, self.name)


class ServiceRequest(TimeStamped):
    """An enterprise's need, handed by the park staff to a provider and tracked to its end: filed →
    handed (the clock of the field's limit starts) → closed (with its outcome) → rated by the enterprise;
    or cancelled before it is handed."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="service_requests"
    )
    number = models.CharField(_("number"), max_length=20, unique=True)
    enterprise = models.ForeignKey(
        Enterprise, verbose_name=_("enterprise"), on_delete=models.PROTECT, related_name="service_requests"
    )
    need = models.CharField(_("need"), max_length=10, choices=NeedKind.choices)
    field = models.CharField(_("field"), max_length=12, choices=ServiceField.choices)
    title = models.CharField(_("title"), max_length=120)
    description = models.TextField(_("description"), max_length=4000)
    amount_yuan = models.DecimalField(
        _("amount asked (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(
        _("status"), max_length=10, choices=RequestStatus.choices, default=RequestStatus.FILED
    )
    filed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("filed by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_on = models.DateField(_("filed on"))
    provider = models.ForeignKey(
        Provider,
        verbose_name=_("provider"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="requests",
    )
    service = models.ForeignKey(
        Service,
        verbose_name=_("service"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requests",
    )
    handed_on = models.DateField(_("handed over on"), null=True, blank=True)
    handed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("handed over by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    handover_note = models.TextField(_("note to the provider"), max_length=2000, blank=True)
    due_on = models.DateField(_("to be closed by"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    outcome = models.CharField(_("outcome"), max_length=10, choices=Outcome.choices, blank=True)
    result = models.TextField(_("result"), max_length=4000, blank=True)
    rating = models.PositiveSmallIntegerField(
        _("rating"), null=True, blank=True, validators=[MinValueValidator(1), MaxValueValidator(5)]
    )
    comment = models.TextField(_("comment of the enterprise"), max_length=2000, blank=True)

    class Meta:
        verbose_name = _("service request")
        verbose_name_plural = _("service requests")
        ordering = ["-filed_on", "-pk"]

    def __str__(self) -> str:
        return "%s %s" % (self.number, self.title)


class IncubationCall(TimeStamped):
    """A call of the incubation programme: a cohort's applications, screened, scored by experts and
    decided against the places and the minimum score; the selected receive a grant in tranches."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="incubation_calls"
    )
    code = models.SlugField(_("code"), max_length=40)
    title = models.CharField(_("title"), max_length=120)
    cohort = models.PositiveSmallIntegerField(_("cohort (year)"), validators=YEAR_VALIDATORS)
    opens_on = models.DateField(_("opens on"))
    closes_on = models.DateField(_("closes on"))
    places = models.PositiveSmallIntegerField(
        _("places"), validators=[MinValueValidator(1), MaxValueValidator(10_000)]
    )
    min_score = models.DecimalField(
        _("minimum score"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(0), MaxValueValidator(100)],
    )
    min_reviews = models.PositiveSmallIntegerField(
        _("expert scores needed"), default=2, validators=[MinValueValidator(1), MaxValueValidator(20)]
    )
    grant_yuan = models.DecimalField(
        _("grant per project (yuan)"),
        max_digits=12,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0))],
    )
    status = models.CharField(_("status"), max_length=10, choices=CallStatus.choices, default=CallStatus.OPEN)

    class Meta:
        verbose_name = _("incubation call")
        verbose_name_plural = _("incubation calls")
        ordering = ["-cohort", "code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="call_code_once_per_zone")]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        first: dt.date | None = self.opens_on
        last: dt.date | None = self.closes_on
        if first is not None and last is not None and last < first:
            raise ValidationError({"closes_on": _("A call closes on or after the day it opens.")})


class Application(TimeStamped):
    """A project's application to a call: the team, the project, its stage and its business plan; then
    the formal check, the experts, the decision, the agreement, graduation or exit."""

    call = models.ForeignKey(
        IncubationCall, verbose_name=_("call"), on_delete=models.PROTECT, related_name="applications"
    )
    number = models.CharField(_("number"), max_length=24, unique=True)
    project = models.CharField(_("project"), max_length=120)
    team_lead = models.CharField(_("team lead"), max_length=40)
    team_size = models.PositiveSmallIntegerField(
        _("team size"), validators=[MinValueValidator(1), MaxValueValidator(500)]
    )
    stage = models.CharField(_("stage"), max_length=10, choices=ProjectStage.choices)
    industry_code = models.CharField(_("industry (GB/T 4754)"), max_length=4)
    summary = models.TextField(_("summary"), max_length=4000)
    plan = models.ForeignKey(
        Attachment,
        verbose_name=_("business plan"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    enterprise = models.ForeignKey(
        Enterprise,
        verbose_name=_("enterprise"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="applications",
    )
    applicant = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("applicant"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    submitted_at = models.DateTimeField(_("submitted at"))
    status = models.CharField(
        _("status"), max_length=14, choices=ApplicationStatus.choices, default=ApplicationStatus.SUBMITTED
    )
    screen_note = models.CharField(_("note of the formal check"), max_length=200, blank=True)
    score = models.DecimalField(_("score"), max_digits=6, decimal_places=2, null=True, blank=True)
    agreement_on = models.DateField(_("incubation agreement signed on"), null=True, blank=True)
    agreement_ends_on = models.DateField(_("incubation ends on"), null=True, blank=True)
    left_on = models.DateField(_("graduated or left on"), null=True, blank=True)
    left_reason = models.CharField(_("reason"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("incubation application")
        verbose_name_plural = _("incubation applications")
        ordering = ["call", "number"]

    def __str__(self) -> str:
        return "%s %s" % (self.number, self.project)

    def clean(self) -> None:
        if not re.fullmatch(r"[0-9]{2,4}", self.industry_code or ""):
            raise ValidationError({"industry_code": _("A GB/T 4754 code is 2 to 4 digits.")})


class ExpertReview(models.Model):
    """An expert's review of an assigned application: a declared conflict of interest (then no score), or
    a score per criterion (gaoxin.analysis.incubation.CRITERIA) with a comment."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="reviews"
    )
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("expert"),
        on_delete=models.PROTECT,
        related_name="expert_reviews",
    )
    assigned_on = models.DateField(_("assigned on"))
    conflict = models.BooleanField(_("conflict of interest declared"), default=False)
    conflict_note = models.CharField(_("the conflict"), max_length=200, blank=True)
    scores = models.JSONField(_("scores"), null=True, blank=True)
    comment = models.TextField(_("comment"), max_length=2000, blank=True)
    submitted_at = models.DateTimeField(_("submitted at"), null=True, blank=True)

    class Meta:
        verbose_name = _("expert review")
        verbose_name_plural = _("expert reviews")
        ordering = ["application", "reviewer"]
        constraints = [
            models.UniqueConstraint(fields=["application", "reviewer"], name="one_review_per_expert")
        ]

    def __str__(self) -> str:
        return "%s · %s" % (self.application, self.reviewer)

    @property
    def total(self) -> float | None:
        return None if self.scores is None else float(sum(self.scores.values()))


class IncubationMilestone(models.Model):
    """A milestone of an incubation agreement with the grant tranche paid once it is reached."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="milestones"
    )
    order = models.PositiveSmallIntegerField(_("order"))
    title = models.CharField(_("milestone"), max_length=120)
    due_on = models.DateField(_("due on"))
    done_on = models.DateField(_("reached on"), null=True, blank=True)
    tranche_yuan = models.DecimalField(_("grant tranche (yuan)"), max_digits=12, decimal_places=2)
    paid_on = models.DateField(_("paid on"), null=True, blank=True)

    class Meta:
        verbose_name = _("incubation milestone")
        verbose_name_plural = _("incubation milestones")
        ordering = ["application", "order"]
        constraints = [models.UniqueConstraint(fields=["application", "order"], name="milestone_order_once")]

    def __str__(self) -> str:
        return self.title


class FinancingRound(models.Model):
    """A financing round an incubated project closed: amount, investors, date."""

    application = models.ForeignKey(
        Application, verbose_name=_("application"), on_delete=models.CASCADE, related_name="rounds"
    )
    kind = models.CharField(_("round"), max_length=8, choices=RoundKind.choices)
    amount_yuan = models.DecimalField(
        _("amount (yuan)"), max_digits=14, decimal_places=2, validators=[MinValueValidator(Decimal("0.01"))]
    )
    investors = models.CharField(_("investors"), max_length=300)
    closed_on = models.DateField(_("closed on"))

    class Meta:
        verbose_name = _("financing round")
        verbose_name_plural = _("financing rounds")
        ordering = ["application", "closed_on"]

    def __str__(self) -> str:
        return "%s · %s" % (self.application, self.get_kind_display())


class ParkUpgrade(TimeStamped):
    """A project that upgrades a park (a small-and-micro park upgrade, a smart or green park), planned,
    underway or accepted; the targets count the accepted ones."""

    park = models.ForeignKey(Park, verbose_name=_("park"), on_delete=models.PROTECT, related_name="upgrades")
    kind = models.CharField(_("kind"), max_length=12, choices=UpgradeKind.choices)
    title = models.CharField(_("title"), max_length=120)
    budget_yuan = models.DecimalField(
        _("budget (yuan)"),
        max_digits=14,
        decimal_places=2,
        null=True,
        blank=True,
        validators=[MinValueValidator(Decimal(0))],
    )
    stage = models.CharField(
        _("stage"), max_length=10, choices=UpgradeStage.choices, default=UpgradeStage.PLANNED
    )
    started_on = models.DateField(_("started on"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted on"), null=True, blank=True)
    note = models.CharField(_("note"), max_length=200, blank=True)

    class Meta:
        verbose_name = _("park upgrade project")
        verbose_name_plural = _("park upgrade projects")
        ordering = ["park", "kind", "title"]

    def __str__(self) -> str:
        return self.title

    def clean(self) -> None:
        if self.stage == UpgradeStage.ACCEPTED and self.accepted_on is None:
            raise ValidationError({"accepted_on": _("An accepted project has its acceptance day.")})
        if self.stage != UpgradeStage.ACCEPTED and self.accepted_on is not None:
            raise ValidationError({"accepted_on": _("Only an accepted project has an acceptance day.")})
        if self.started_on and self.accepted_on and self.accepted_on < self.started_on:
            raise ValidationError({"accepted_on": _("A project is accepted after it starts.")})


class IdleLandCase(TimeStamped):
    """An idle parcel's disposal case file (国土资源部令第53号): its stage, whether the delay was the
    government's (art. 8: then an extension, never a fee or a taking back), the fee decided and the
    extended start; its dated documents in ``documents``."""

    parcel = models.ForeignKey(
        LandParcel, verbose_name=_("parcel"), on_delete=models.PROTECT, related_name="idle_cases"
    )
    opened_on = models.DateField(_("opened on"))
    stage = models.CharField(
        _("stage"), max_length=20, choices=CaseStage.choices, default=CaseStage.INVESTIGATION
    )
    government_cause = models.BooleanField(
        _("caused by the government (art. 8)"),
        default=False,
        help_text=_(
            "Planning changes, late handover of the land, or other government acts delayed the start."
        ),
    )
    cause_note = models.TextField(_("cause"), blank=True)
    fee_yuan = models.DecimalField(
        _("idle land fee (yuan)"), max_digits=14, decimal_places=2, null=True, blank=True
    )
    extended_until = models.DateField(_("construction to start by"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("opened by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("idle land case")
        verbose_name_plural = _("idle land cases")
        ordering = ["-opened_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"],
                condition=~models.Q(stage__in=["reclaimed", "closed"]),
                name="one_open_case_per_parcel",
            )
        ]

    def __str__(self) -> str:
        return f"{self.parcel.code} · {self.get_stage_display()}"


class CaseDocument(models.Model):
    """A dated document of a case: its number (文号), the day it was issued and the last day of its time
    limit, with a note and the signed scan."""

    case = models.ForeignKey(
        IdleLandCase, verbose_name=_("case"), on_delete=models.CASCADE, related_name="documents"
    )
    kind = models.CharField(_("document"), max_length=20, choices=CaseDocumentKind.choices)
    number = models.CharField(_("document number"), max_length=60)
    issued_on = models.DateField(_("issued on"))
    due_on = models.DateField(_("time limit until"), null=True, blank=True)
    note = models.TextField(_("note"), blank=True)
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("signed scan"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("issued by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("case document")
        verbose_name_plural = _("case documents")
        ordering = ["issued_on", "pk"]
        constraints = [models.UniqueConstraint(fields=["number"], name="case_document_number_once")]

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"


class Redevelopment(TimeStamped):
    """The redevelopment of a low-efficiency parcel (低效用地再开发), tracked to completion: how, from
    when and by when, the low-efficiency rules the parcel met when it started, its progress steps, and on
    completion the rules it still meets (measured from the data, not declared)."""

    parcel = models.ForeignKey(
        LandParcel, verbose_name=_("parcel"), on_delete=models.PROTECT, related_name="redevelopments"
    )
    approach = models.CharField(_("approach"), max_length=20, choices=RedevelopmentApproach.choices)
    started_on = models.DateField(_("started on"))
    due_on = models.DateField(_("to be completed by"))
    status = models.CharField(
        _("status"), max_length=20, choices=RedevelopmentStatus.choices, default=RedevelopmentStatus.UNDER_WAY
    )
    plan = models.TextField(
        _("plan"), blank=True, help_text=_("What is to be built or changed, and the investment.")
    )
    rules_before = models.JSONField(_("low-efficiency rules met at the start"), default=list)
    rules_after = models.JSONField(_("low-efficiency rules met on completion"), null=True, blank=True)
    finished_on = models.DateField(_("finished on"), null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("started by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("low-efficiency land redevelopment")
        verbose_name_plural = _("low-efficiency land redevelopments")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["parcel"], condition=models.Q(status="under_way"), name="one_redevelopment_under_way"
            ),
            models.CheckConstraint(
                condition=models.Q(due_on__gte=models.F("started_on")), name="redevelopment_due_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.parcel.code} · {self.get_approach_display()}"


class RedevelopmentStep(models.Model):
    """A dated progress report of a redevelopment: how far it is (per cent), what happened, evidence."""

    redevelopment = models.ForeignKey(
        Redevelopment, verbose_name=_("redevelopment"), on_delete=models.CASCADE, related_name="steps"
    )
    on = models.DateField(_("date"))
    progress = models.PositiveSmallIntegerField(
        _("progress (%)"), validators=[MinValueValidator(0), MaxValueValidator(100)]
    )
    note = models.TextField(_("what happened"))
    attachment = models.ForeignKey(
        Attachment,
        verbose_name=_("evidence"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("reported by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("redevelopment step")
        verbose_name_plural = _("redevelopment steps")
        ordering = ["on", "pk"]

    def __str__(self) -> str:
        return f"{self.redevelopment} {self.on} {self.progress}%"

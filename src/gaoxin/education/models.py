"""Education planning: housing developments with their phases, the kindergarten each one owes (one case per
kindergarten, 一园一案), the zone's education profile (the coefficients of the forecast and the rule), the
register of a school's classes and pupils, and catchment plans (学区划分) with each area's school."""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import TimeStamped
from gaoxin.education.choices import KindergartenStatus, Level, Objective, PlanStatus, Unplaced
from gaoxin.places.models import Facility, ResidentialArea, Street, Zone
from gaoxin.places.validators import validate_lon_lat, validate_polygon_geojson

YEAR_VALIDATORS = [MinValueValidator(2000), MaxValueValidator(2100)]


class Profile(TimeStamped):
    """A zone's education planning coefficients; created from standards/education.toml, edited in the
    admin. Each value's source is in the TOML."""

    zone = models.OneToOneField(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="education"
    )
    persons_per_household = models.DecimalField(
        _("persons per household"),
        max_digits=4,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.5"))],
    )
    occupancy = models.DecimalField(
        _("occupancy of delivered dwellings"),
        max_digits=3,
        decimal_places=2,
        validators=[MinValueValidator(Decimal("0.01")), MaxValueValidator(1)],
    )
    kg_places_per_1000 = models.DecimalField(
        _("kindergarten places per 1,000 residents"),
        max_digits=5,
        decimal_places=1,
        validators=[MinValueValidator(1)],
    )
    kg_class_size = models.PositiveSmallIntegerField(
        _("kindergarten children per class"), validators=[MinValueValidator(1)]
    )
    kg_max_classes = models.PositiveSmallIntegerField(
        _("kindergarten classes at most"), validators=[MinValueValidator(1)]
    )
    kg_min_classes_own = models.PositiveSmallIntegerField(
        _("classes for a kindergarten of its own"), validators=[MinValueValidator(1)]
    )
    primary_class_size = models.PositiveSmallIntegerField(
        _("primary pupils per class"), validators=[MinValueValidator(1)]
    )
    middle_class_size = models.PositiveSmallIntegerField(
        _("middle-school pupils per class"), validators=[MinValueValidator(1)]
    )
    large_class = models.PositiveSmallIntegerField(
        _("large class from (大班额)"), validators=[MinValueValidator(1)]
    )
    very_large_class = models.PositiveSmallIntegerField(
        _("very large class from (超大班额)"), validators=[MinValueValidator(1)]
    )
    kg_radius_m = models.PositiveIntegerField(_("kindergarten radius (m)"), validators=[MinValueValidator(1)])
    primary_radius_m = models.PositiveIntegerField(_("primary radius (m)"), validators=[MinValueValidator(1)])
    middle_radius_m = models.PositiveIntegerField(
        _("middle-school radius (m)"), validators=[MinValueValidator(1)]
    )
    births_per_1000 = models.DecimalField(
        _("births per 1,000 residents a year"),
        max_digits=4,
        decimal_places=1,
        validators=[MinValueValidator(0)],
    )
    migration = models.DecimalField(
        _("yearly migration factor"),
        max_digits=4,
        decimal_places=3,
        validators=[MinValueValidator(Decimal("0.5")), MaxValueValidator(2)],
    )
    forecast_years = models.PositiveSmallIntegerField(
        _("forecast years"), validators=[MinValueValidator(1), MaxValueValidator(10)]
    )
    cutoff_month = models.PositiveSmallIntegerField(
        _("entry cut-off month"), validators=[MinValueValidator(1), MaxValueValidator(12)]
    )
    cutoff_day = models.PositiveSmallIntegerField(
        _("entry cut-off day"), validators=[MinValueValidator(1), MaxValueValidator(31)]
    )
    acceptance_warning_days = models.PositiveSmallIntegerField(_("days of notice before a held acceptance"))

    class Meta:
        verbose_name = _("education profile")
        verbose_name_plural = _("education profiles")

    def __str__(self) -> str:
        return str(self.zone)

    def class_size(self, level: str) -> int:
        sizes: dict[str, int] = {
            Level.KINDERGARTEN: self.kg_class_size,
            Level.PRIMARY: self.primary_class_size,
        }
        return sizes.get(level, self.middle_class_size)

    def radius_m(self, level: str) -> int:
        radii: dict[str, int] = {Level.KINDERGARTEN: self.kg_radius_m, Level.PRIMARY: self.primary_radius_m}
        return radii.get(level, self.middle_radius_m)


class Kindergarten(TimeStamped):
    """A kindergarten owed by housing (一园一案): its own or one shared by several small developments."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="housing_kindergartens"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField(_("longitude"), null=True, blank=True)
    lat = models.FloatField(_("latitude"), null=True, blank=True)
    classes = models.PositiveSmallIntegerField(_("classes"), default=0)
    places = models.PositiveIntegerField(_("places"), default=0)
    status = models.CharField(
        _("status"), max_length=12, choices=KindergartenStatus.choices, default=KindergartenStatus.PLANNED
    )
    permit_on = models.DateField(_("planning permit"), null=True, blank=True)
    start_planned = models.DateField(_("start planned"), null=True, blank=True)
    started_on = models.DateField(_("started"), null=True, blank=True)
    acceptance_planned = models.DateField(_("acceptance planned"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted (竣工验收)"), null=True, blank=True)
    delivery_planned = models.DateField(_("delivery planned"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered"), null=True, blank=True)
    transferred_on = models.DateField(_("transferred to the education bureau"), null=True, blank=True)
    facility = models.OneToOneField(
        Facility,
        verbose_name=_("facility in the registry"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="housing_kindergarten",
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("housing kindergarten")
        verbose_name_plural = _("housing kindergartens")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="education_kg_code_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if (self.lon is None) != (self.lat is None):
            from django.core.exceptions import ValidationError

            raise ValidationError({"lat": _("Give both longitude and latitude, or neither.")})
        if self.lon is not None and self.lat is not None:
            validate_lon_lat(self.lon, self.lat)


class Development(TimeStamped):
    """A residential development (住宅项目) and the kindergarten it provides or shares."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="developments"
    )
    code = models.CharField(_("code"), max_length=30)
    name = models.CharField(_("name"), max_length=120)
    developer = models.CharField(_("developer"), max_length=120, blank=True)
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="+")
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    polygon = models.JSONField(_("shape"), null=True, blank=True, validators=[validate_polygon_geojson])
    permit_on = models.DateField(_("planning permit (规划许可)"), null=True, blank=True)
    kindergarten = models.ForeignKey(
        Kindergarten,
        verbose_name=_("kindergarten"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="developments",
    )
    area = models.ForeignKey(
        ResidentialArea,
        verbose_name=_("residential area"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("The area whose residents the development's children join in the forecast."),
    )
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("housing development")
        verbose_name_plural = _("housing developments")
        ordering = ["code"]
        constraints = [models.UniqueConstraint(fields=["zone", "code"], name="education_dev_code_once")]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_lon_lat(self.lon, self.lat)


class Phase(TimeStamped):
    """A phase (期) of a development; the first phase is the one the kindergarten must come with."""

    development = models.ForeignKey(
        Development, verbose_name=_("development"), on_delete=models.CASCADE, related_name="phases"
    )
    number = models.PositiveSmallIntegerField(_("phase"), validators=[MinValueValidator(1)])
    dwellings = models.PositiveIntegerField(_("dwellings"))
    start_planned = models.DateField(_("start planned"), null=True, blank=True)
    started_on = models.DateField(_("started (开工)"), null=True, blank=True)
    acceptance_planned = models.DateField(_("acceptance planned"), null=True, blank=True)
    accepted_on = models.DateField(_("accepted (竣工验收)"), null=True, blank=True)
    delivery_planned = models.DateField(_("delivery planned"), null=True, blank=True)
    delivered_on = models.DateField(_("delivered (交付)"), null=True, blank=True)

    class Meta:
        verbose_name = _("phase")
        verbose_name_plural = _("phases")
        ordering = ["development", "number"]
        constraints = [models.UniqueConstraint(fields=["development", "number"], name="education_phase_once")]

    def __str__(self) -> str:
        return f"{self.development} {self.number}"

    @property
    def delivery(self) -> object:
        """The day it was, or is planned to be, delivered."""
        return self.delivered_on or self.delivery_planned


class SchoolRecord(TimeStamped):
    """A school's (or kindergarten's) classes and pupils in a school year (the register's figures)."""

    facility = models.ForeignKey(
        Facility, verbose_name=_("school"), on_delete=models.CASCADE, related_name="school_records"
    )
    year = models.PositiveSmallIntegerField(_("school year starting"), validators=YEAR_VALIDATORS)
    classes = models.PositiveSmallIntegerField(_("classes"))
    pupils = models.PositiveIntegerField(_("pupils"))

    class Meta:
        verbose_name = _("school register")
        verbose_name_plural = _("school registers")
        ordering = ["facility", "-year"]
        constraints = [models.UniqueConstraint(fields=["facility", "year"], name="education_record_once")]

    def __str__(self) -> str:
        return f"{self.facility} {self.year}"


class CatchmentPlan(TimeStamped):
    """A catchment (学区划分) of one level: the current published one, or a proposal computed for a
    forecast year."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="catchment_plans"
    )
    level = models.CharField(_("level"), max_length=12, choices=Level.choices)
    name = models.CharField(_("name"), max_length=120)
    year = models.PositiveSmallIntegerField(_("for the school year"), validators=YEAR_VALIDATORS)
    status = models.CharField(
        _("status"), max_length=10, choices=PlanStatus.choices, default=PlanStatus.PROPOSED
    )
    objective = models.CharField(
        _("objective"), max_length=10, choices=Objective.choices, default=Objective.TOTAL
    )
    total_m = models.FloatField(_("total walk (person-metres)"), null=True, blank=True)
    longest_m = models.FloatField(_("longest walk (m)"), null=True, blank=True)
    solver_gap = models.FloatField(
        _("solver gap"),
        null=True,
        blank=True,
        help_text=_(
            "Empty: proven the best. A share: the time limit stopped the search this close to the best."
        ),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("catchment plan")
        verbose_name_plural = _("catchment plans")
        ordering = ["-year", "level", "-created_at"]

    def __str__(self) -> str:
        return self.name


class Catchment(models.Model):
    """One area's school in a plan (None: no school reachable, or places ran out)."""

    plan = models.ForeignKey(
        CatchmentPlan, verbose_name=_("plan"), on_delete=models.CASCADE, related_name="rows"
    )
    area = models.ForeignKey(
        ResidentialArea, verbose_name=_("residential area"), on_delete=models.CASCADE, related_name="+"
    )
    school = models.ForeignKey(
        Facility, verbose_name=_("school"), on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    children = models.FloatField(_("children"), default=0)
    distance_m = models.FloatField(_("walk (m)"), null=True, blank=True)
    beyond = models.BooleanField(_("beyond the radius"), default=False)
    unplaced = models.CharField(
        _("without a school because"), max_length=12, choices=Unplaced.choices, blank=True
    )

    class Meta:
        verbose_name = _("catchment row")
        verbose_name_plural = _("catchment rows")
        ordering = ["plan", "area__code"]
        constraints = [models.UniqueConstraint(fields=["plan", "area"], name="education_catchment_once")]

    def __str__(self) -> str:
        return f"{self.plan}: {self.area}"


class ChildCount(models.Model):
    """Children of a residential area by school age (the age reached on the profile's cut-off day of
    ``year``), counted from a register of birth dates (no names): the forecast's starting cohorts where
    they exist, instead of the area's age bands spread evenly."""

    area = models.ForeignKey(
        ResidentialArea, verbose_name=_("residential area"), on_delete=models.CASCADE, related_name="+"
    )
    year = models.PositiveSmallIntegerField(_("school year starting"), validators=YEAR_VALIDATORS)
    age = models.PositiveSmallIntegerField(_("school age"), validators=[MaxValueValidator(14)])
    children = models.PositiveIntegerField(_("children"))

    class Meta:
        verbose_name = _("children by school age")
        verbose_name_plural = _("children by school age")
        ordering = ["area", "year", "age"]
        constraints = [
            models.UniqueConstraint(fields=["area", "year", "age"], name="education_childcount_once")
        ]

    def __str__(self) -> str:
        return f"{self.area} {self.year} {self.age}"

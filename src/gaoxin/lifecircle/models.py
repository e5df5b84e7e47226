"""Evaluation profiles (standards as versioned data) and stored evaluation runs."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import TimeStamped
from gaoxin.lifecircle.choices import CandidateKind, DemandGroup
from gaoxin.places.choices import WalkProfileCode
from gaoxin.places.models import FacilityType, ResidentialArea, Street, Zone


class Profile(TimeStamped):
    """A versioned rule profile. Built-in profiles come from standards/*.toml; an administrator
    copies one into a new version and adjusts it. Evaluations point at the exact version used."""

    name = models.SlugField(_("name"), max_length=60)
    version = models.PositiveIntegerField(_("version"), default=1)
    title = models.CharField(_("title"), max_length=120)
    based_on = models.ForeignKey(
        "self", verbose_name=_("based on"), on_delete=models.SET_NULL, null=True, blank=True
    )
    builtin = models.BooleanField(
        _("built in"), default=False, help_text=_("Loaded from the standards files; copy it to change it.")
    )
    note = models.TextField(_("note"), blank=True)
    catchment_decay = models.CharField(
        _("catchment weighting"),
        max_length=10,
        choices=[("flat", _("flat (2SFCA)")), ("gaussian", _("Gaussian (Dai 2010)"))],
        default="flat",
        help_text=_("How the two-step floating catchment weighs distance within the radius."),
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
        verbose_name = _("evaluation profile")
        verbose_name_plural = _("evaluation profiles")
        ordering = ["name", "-version"]
        constraints = [
            models.UniqueConstraint(fields=["name", "version"], name="profile_name_version_unique")
        ]

    def __str__(self) -> str:
        return f"{self.title} v{self.version}"


class ProfileItem(models.Model):
    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.CASCADE, related_name="items"
    )
    facility_type = models.ForeignKey(
        FacilityType, verbose_name=_("facility type"), on_delete=models.PROTECT, related_name="+"
    )
    radius_m = models.PositiveIntegerField(_("service radius (m)"))
    mandatory = models.BooleanField(_("mandatory (▲)"), default=False)
    min_floor_area_m2 = models.PositiveIntegerField(_("minimum floor area (m²)"), null=True, blank=True)
    min_land_area_m2 = models.PositiveIntegerField(_("minimum land area (m²)"), null=True, blank=True)
    norm_per_person = models.DecimalField(
        _("capacity norm per person"),
        max_digits=8,
        decimal_places=4,
        null=True,
        blank=True,
        help_text=_("Places, beds or seats per person of the demand group."),
    )
    demand_group = models.CharField(_("demand group"), max_length=20, choices=DemandGroup.choices, blank=True)
    walk_profile = models.CharField(
        _("measured for"),
        max_length=20,
        choices=WalkProfileCode.choices,
        default=WalkProfileCode.DISTANCE,
        help_text=_(
            "Walking distance as GB 50180-2018 measures it, or the walk of a slower resident, for whom steps and "
            "crossings cost more (standards/walk_profiles.toml); the radius then keeps its minutes."
        ),
    )
    checklist_min_coverage = models.DecimalField(
        _("checklist: minimum coverage"),
        max_digits=4,
        decimal_places=3,
        null=True,
        blank=True,
        help_text=_("Share of a standardized circle's residents that must reach this item (0-1)."),
    )
    clause = models.CharField(_("source clause"), max_length=300)

    class Meta:
        verbose_name = _("profile item")
        verbose_name_plural = _("profile items")
        ordering = ["facility_type__order"]
        constraints = [
            models.UniqueConstraint(fields=["profile", "facility_type"], name="profile_item_type_unique"),
            models.CheckConstraint(condition=models.Q(radius_m__gt=0), name="profile_item_radius_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.facility_type} ≤{self.radius_m} m"


class Evaluation(TimeStamped):
    """One evaluation run of a zone against a profile version; results are kept for comparison."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="evaluations"
    )
    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.PROTECT, related_name="evaluations"
    )
    items = models.JSONField(_("profile items used"), default=list)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("run by"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    stale = models.BooleanField(
        _("stale"), default=False, help_text=_("Facilities, areas or the network changed after this run.")
    )
    duration_ms = models.PositiveIntegerField(_("duration (ms)"), default=0)
    summary = models.JSONField(_("summary"), default=dict)

    class Meta:
        verbose_name = _("evaluation")
        verbose_name_plural = _("evaluations")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.zone} · {self.profile} · {self.created_at:%Y-%m-%d %H:%M}"


class AreaResult(models.Model):
    """One residential area's result in one run. ``items`` maps a facility type code to
    {distance_m, facility_id, covered, count, supply_ratio}."""

    evaluation = models.ForeignKey(
        Evaluation, verbose_name=_("evaluation"), on_delete=models.CASCADE, related_name="area_results"
    )
    area = models.ForeignKey(
        ResidentialArea, verbose_name=_("residential area"), on_delete=models.CASCADE, related_name="+"
    )
    street = models.ForeignKey(Street, verbose_name=_("street"), on_delete=models.CASCADE, related_name="+")
    population = models.PositiveIntegerField(_("population"))
    completeness = models.FloatField(_("completeness"), null=True)
    passes = models.BooleanField(_("meets every mandatory item"))
    missing = models.PositiveSmallIntegerField(_("mandatory items missing"))
    class_completeness = models.JSONField(_("completeness per class"), default=dict)
    items = models.JSONField(_("results per item"), default=dict)

    class Meta:
        verbose_name = _("area result")
        verbose_name_plural = _("area results")
        ordering = ["area__code"]
        constraints = [models.UniqueConstraint(fields=["evaluation", "area"], name="area_result_unique")]
        indexes = [models.Index(fields=["evaluation", "street"])]

    def __str__(self) -> str:
        return f"{self.area_id} in {self.evaluation_id}"


class Scenario(TimeStamped):
    """A what-if on top of the current registry: facilities added or closed. It never changes the
    live registry; a planner promotes a proposed facility to a planned one explicitly."""

    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="scenarios")
    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    profile = models.ForeignKey(
        Profile, verbose_name=_("profile"), on_delete=models.PROTECT, related_name="scenarios"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )
    closed_facilities = models.ManyToManyField(
        "places.Facility", verbose_name=_("facilities closed in the scenario"), blank=True, related_name="+"
    )
    street = models.ForeignKey(
        "places.Street",
        verbose_name=_("street it was proposed for"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Its figures are shown first (empty: the whole zone)."),
    )

    class Meta:
        verbose_name = _("scenario")
        verbose_name_plural = _("scenarios")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class ScenarioFacility(models.Model):
    """A facility that exists only in a scenario (a proposed site)."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="added"
    )
    facility_type = models.ForeignKey(
        FacilityType, verbose_name=_("facility type"), on_delete=models.PROTECT, related_name="+"
    )
    name = models.CharField(_("name"), max_length=120)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    capacity = models.PositiveIntegerField(_("capacity"), default=0)
    gain = models.FloatField(_("residents it adds"), null=True, blank=True)
    promoted = models.ForeignKey(
        "places.Facility",
        verbose_name=_("promoted to"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("scenario facility")
        verbose_name_plural = _("scenario facilities")

    def __str__(self) -> str:
        return self.name


class ScenarioArea(models.Model):
    """Planned housing that exists only in a scenario: its population by age band is the zone's
    average structure scaled to the given population."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="areas"
    )
    name = models.CharField(_("name"), max_length=120)
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    population = models.PositiveIntegerField(_("population"))

    class Meta:
        verbose_name = _("planned housing in a scenario")
        verbose_name_plural = _("planned housing in scenarios")

    def __str__(self) -> str:
        return self.name


class ScenarioChange(models.Model):
    """An existing facility moved or given another capacity, in a scenario only (the registry keeps
    it as it is). The scenario's evaluation takes the facility out and puts it back changed."""

    scenario = models.ForeignKey(
        Scenario, verbose_name=_("scenario"), on_delete=models.CASCADE, related_name="changes"
    )
    facility = models.ForeignKey(
        "places.Facility", verbose_name=_("facility"), on_delete=models.CASCADE, related_name="+"
    )
    lon = models.FloatField(_("new longitude"), null=True, blank=True)
    lat = models.FloatField(_("new latitude"), null=True, blank=True)
    capacity = models.PositiveIntegerField(_("new capacity"), null=True, blank=True)

    class Meta:
        verbose_name = _("scenario change")
        verbose_name_plural = _("scenario changes")
        constraints = [
            models.UniqueConstraint(fields=["scenario", "facility"], name="one_change_per_facility")
        ]

    def __str__(self) -> str:
        return "%s → %s" % (self.facility_id, self.scenario_id)


class CandidateList(TimeStamped):
    """A named list of candidate sites for new facilities (vacant parcels, ground-floor 配套用房):
    the siting models choose among them instead of among street-network points."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="candidate_lists"
    )
    name = models.CharField(_("name"), max_length=120)
    note = models.TextField(_("note"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("created by"),
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
    )

    class Meta:
        verbose_name = _("candidate site list")
        verbose_name_plural = _("candidate site lists")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.name


class CandidateSite(models.Model):
    candidate_list = models.ForeignKey(
        CandidateList, verbose_name=_("candidate site list"), on_delete=models.CASCADE, related_name="sites"
    )
    name = models.CharField(_("name"), max_length=120)
    kind = models.CharField(
        _("kind"), max_length=20, choices=CandidateKind.choices, default=CandidateKind.OTHER
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    capacity = models.PositiveIntegerField(
        _("places"),
        null=True,
        blank=True,
        help_text=_("Places or beds a facility here would hold, if known."),
    )
    address = models.CharField(_("address"), max_length=200, blank=True)
    land_cost = models.DecimalField(
        _("land or premises cost (10k yuan)"),
        max_digits=12,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_(
            "What the lot or the rooms cost for the plan's years, paid once however many types share it."
        ),
    )

    class Meta:
        verbose_name = _("candidate site")
        verbose_name_plural = _("candidate sites")
        ordering = ["candidate_list", "pk"]

    def __str__(self) -> str:
        return self.name

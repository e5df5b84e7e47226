"""The zone's places: zone → street (街道) → community (社区/村) → residential area (居住小区),
the one facility table of every class, and the walking network.

Geometry is GeoJSON in WGS-84 (lon/lat), validated with shapely; no system GIS library is needed.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from gaoxin.common.models import TimeStamped
from gaoxin.places.choices import (
    AreaStatus,
    CapacityUnit,
    CommunityKind,
    FacilityStatus,
    ServiceClass,
    Tier,
)
from gaoxin.places.validators import (
    validate_community_code,
    validate_gates,
    validate_lon_lat,
    validate_polygon_geojson,
    validate_street_code,
    validate_zone_code,
)

AGE_BANDS: list[tuple[str, Any]] = [
    ("pop_0_2", _("aged 0-2")),
    ("pop_3_5", _("aged 3-5")),
    ("pop_6_11", _("aged 6-11")),
    ("pop_12_14", _("aged 12-14")),
    ("pop_15_59", _("aged 15-59")),
    ("pop_60_64", _("aged 60-64")),
    ("pop_65_plus", _("aged 65+")),
]


class Zone(TimeStamped):
    code = models.CharField(_("code"), max_length=6, unique=True, validators=[validate_zone_code])
    name = models.CharField(_("name"), max_length=100)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    center_lon = models.FloatField(_("centre longitude"))
    center_lat = models.FloatField(_("centre latitude"))
    network_version = models.UUIDField(
        _("walking network version"),
        default=uuid.uuid4,
        editable=False,
        help_text=_("Renewed whenever the zone's walking network changes; keys the network cache."),
    )
    data_version = models.UUIDField(
        _("places version"),
        default=uuid.uuid4,
        editable=False,
        help_text=_(
            "Renewed whenever a street, community, residential area or facility changes; keys the "
            "caches of the maps and lists built from them."
        ),
    )
    synthetic_geometry = models.BooleanField(
        _("synthetic geometry"),
        default=False,
        help_text=_("Set for the demo zone: its shapes and positions are generated, not surveyed."),
    )

    class Meta:
        verbose_name = _("zone")
        verbose_name_plural = _("zones")
        permissions = [("import_places", _("Can import files of streets, communities, areas and facilities"))]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_lon_lat(self.center_lon, self.center_lat, "center_lon")


class Street(TimeStamped):
    zone = models.ForeignKey(Zone, verbose_name=_("zone"), on_delete=models.PROTECT, related_name="streets")
    code = models.CharField(_("code"), max_length=9, unique=True, validators=[validate_street_code])
    name = models.CharField(_("name"), max_length=100)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("street")
        verbose_name_plural = _("streets")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.zone_id and self.code and not self.code.startswith(self.zone.code):
            raise ValidationError(
                {
                    "code": _("The street code must start with the zone code %(zone)s.")
                    % {"zone": self.zone.code}
                }
            )
        validate_lon_lat(self.center_lon, self.center_lat, "center_lon")


def community_kind_for_code(code: str) -> str:
    """Urban/rural kind from the 3-digit suffix: 001-199 居委会, 200-399 村委会,
    400-499 类似居委会, 500-599 类似村委会 (the coding rules of 统计用区划代码, National Bureau of Statistics)."""
    suffix = int(code[-3:])
    if suffix < 200:
        return CommunityKind.URBAN
    if suffix < 400:
        return CommunityKind.VILLAGE
    if suffix < 500:
        return CommunityKind.URBAN_LIKE
    return CommunityKind.VILLAGE_LIKE


class Community(TimeStamped):
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="communities"
    )
    code = models.CharField(
        _("statistical code"), max_length=12, unique=True, validators=[validate_community_code]
    )
    name = models.CharField(_("name"), max_length=100)
    kind = models.CharField(_("kind"), max_length=20, choices=CommunityKind.choices, editable=False)
    boundary = models.JSONField(
        _("boundary (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    center_lon = models.FloatField(_("centre longitude"), null=True, blank=True)
    center_lat = models.FloatField(_("centre latitude"), null=True, blank=True)

    class Meta:
        verbose_name = _("community")
        verbose_name_plural = _("communities")
        ordering = ["code"]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        if self.street_id and self.code and not self.code.startswith(self.street.code):
            raise ValidationError(
                {
                    "code": _("The community code must start with its street's code %(street)s.")
                    % {"street": self.street.code}
                }
            )
        validate_lon_lat(self.center_lon, self.center_lat, "center_lon")

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self.code:
            self.kind = community_kind_for_code(self.code)
        super().save(*args, **kwargs)


class ResidentialArea(TimeStamped):
    """A 居住小区 / 居住街坊: where demand lives. Distances are measured from its gates."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Stable external code; re-imports match on it.")
    )
    name = models.CharField(_("name"), max_length=100)
    community = models.ForeignKey(
        Community, verbose_name=_("community"), on_delete=models.PROTECT, related_name="residential_areas"
    )
    street = models.ForeignKey(
        Street,
        verbose_name=_("street"),
        on_delete=models.PROTECT,
        related_name="residential_areas",
        editable=False,
    )
    polygon = models.JSONField(
        _("outline (GeoJSON)"), null=True, blank=True, validators=[validate_polygon_geojson]
    )
    gates = models.JSONField(_("gates"), default=list, blank=True, validators=[validate_gates])
    center_lon = models.FloatField(_("centre longitude"))
    center_lat = models.FloatField(_("centre latitude"))
    households = models.PositiveIntegerField(_("households"), default=0)
    pop_0_2 = models.PositiveIntegerField(_("aged 0-2"), default=0)
    pop_3_5 = models.PositiveIntegerField(_("aged 3-5"), default=0)
    pop_6_11 = models.PositiveIntegerField(_("aged 6-11"), default=0)
    pop_12_14 = models.PositiveIntegerField(_("aged 12-14"), default=0)
    pop_15_59 = models.PositiveIntegerField(_("aged 15-59"), default=0)
    pop_60_64 = models.PositiveIntegerField(_("aged 60-64"), default=0)
    pop_65_plus = models.PositiveIntegerField(_("aged 65+"), default=0)
    population = models.PositiveIntegerField(_("population"), default=0, editable=False)
    status = models.CharField(
        _("status"), max_length=20, choices=AreaStatus.choices, default=AreaStatus.DELIVERED
    )
    construction_year = models.PositiveSmallIntegerField(_("construction start year"), null=True, blank=True)
    delivery_year = models.PositiveSmallIntegerField(_("delivery year"), null=True, blank=True)

    class Meta:
        verbose_name = _("residential area")
        verbose_name_plural = _("residential areas")
        ordering = ["code"]
        indexes = [models.Index(fields=["street", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(delivery_year__isnull=True)
                | models.Q(construction_year__isnull=True)
                | models.Q(delivery_year__gte=models.F("construction_year")),
                name="area_delivery_after_construction",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_lon_lat(self.center_lon, self.center_lat, "center_lon")
        if (
            self.status == AreaStatus.DELIVERED
            and self.delivery_year is None
            and self.construction_year is not None
        ):
            raise ValidationError({"delivery_year": _("A delivered area needs its delivery year.")})
        if self.delivery_year and self.construction_year and self.delivery_year < self.construction_year:
            raise ValidationError({"delivery_year": _("Delivery cannot come before construction starts.")})

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.population = sum(getattr(self, f) for f, _label in AGE_BANDS)
        if self.community_id:
            self.street_id = Community.objects.only("street_id").get(pk=self.community_id).street_id
        super().save(*args, **kwargs)

    @property
    def pop_60_plus(self) -> int:
        return self.pop_60_64 + self.pop_65_plus

    def gate_points(self) -> list[tuple[float, float]]:
        """Gates, or the centre when no gate is recorded."""
        return [(float(g[0]), float(g[1])) for g in self.gates] or [(self.center_lon, self.center_lat)]


class FacilityType(models.Model):
    """A facility type of the taxonomy (standards/facility_types.toml), synced after each migrate."""

    code = models.SlugField(_("code"), max_length=40, unique=True)
    name_zh = models.CharField(_("Chinese name"), max_length=60)
    name_en = models.CharField(_("English name"), max_length=100)
    service_class = models.CharField(_("service class"), max_length=20, choices=ServiceClass.choices)
    tier = models.CharField(_("life-circle tier"), max_length=10, choices=Tier.choices)
    radius_m = models.PositiveIntegerField(_("service radius (m)"))
    mandatory = models.BooleanField(_("mandatory (▲)"), default=False)
    capacity_unit = models.CharField(
        _("capacity unit"), max_length=12, choices=CapacityUnit.choices, blank=True
    )
    clause = models.CharField(_("source clause"), max_length=200)
    order = models.PositiveSmallIntegerField(_("order"), default=0)

    class Meta:
        verbose_name = _("facility type")
        verbose_name_plural = _("facility types")
        ordering = ["order"]

    def __str__(self) -> str:
        return self.label

    @property
    def label(self) -> str:
        lang = get_language() or "zh-hans"
        return self.name_zh if lang.startswith("zh") else self.name_en


class Facility(TimeStamped):
    """Every facility of every class is a row here (DESIGN.md, "One facility table")."""

    code = models.CharField(
        _("code"), max_length=40, unique=True, help_text=_("Stable external code; re-imports match on it.")
    )
    name = models.CharField(_("name"), max_length=120)
    type = models.ForeignKey(
        FacilityType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="facilities"
    )
    street = models.ForeignKey(
        Street, verbose_name=_("street"), on_delete=models.PROTECT, related_name="facilities"
    )
    community = models.ForeignKey(
        Community,
        verbose_name=_("community"),
        on_delete=models.PROTECT,
        related_name="facilities",
        null=True,
        blank=True,
    )
    lon = models.FloatField(_("longitude"))
    lat = models.FloatField(_("latitude"))
    entrance_lon = models.FloatField(_("entrance longitude"), null=True, blank=True)
    entrance_lat = models.FloatField(_("entrance latitude"), null=True, blank=True)
    address = models.CharField(_("address"), max_length=200, blank=True)
    capacity = models.PositiveIntegerField(
        _("capacity"), null=True, blank=True, help_text=_("Places, beds or seats, by type.")
    )
    floor_area_m2 = models.DecimalField(
        _("floor area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    land_area_m2 = models.DecimalField(
        _("land area (m²)"), max_digits=10, decimal_places=1, null=True, blank=True
    )
    status = models.CharField(
        _("status"), max_length=20, choices=FacilityStatus.choices, default=FacilityStatus.OPEN
    )
    planned_year = models.PositiveSmallIntegerField(_("planned opening year"), null=True, blank=True)
    opened_on = models.DateField(_("opened on"), null=True, blank=True)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    operator = models.CharField(_("operator"), max_length=120, blank=True)

    class Meta:
        verbose_name = _("facility")
        verbose_name_plural = _("facilities")
        ordering = ["code"]
        indexes = [models.Index(fields=["street", "status"]), models.Index(fields=["type", "status"])]
        constraints = [
            models.CheckConstraint(
                condition=models.Q(closed_on__isnull=True)
                | models.Q(opened_on__isnull=True)
                | models.Q(closed_on__gte=models.F("opened_on")),
                name="facility_closed_after_opened",
            )
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        validate_lon_lat(self.lon, self.lat, "lon")
        if (self.entrance_lon is None) != (self.entrance_lat is None):
            raise ValidationError({"entrance_lon": _("Give both entrance coordinates or neither.")})
        validate_lon_lat(self.entrance_lon, self.entrance_lat, "entrance_lon")
        if self.community is not None and self.street_id and self.community.street_id != self.street_id:
            raise ValidationError({"community": _("The community is not in the facility's street.")})
        if self.status == FacilityStatus.CLOSED and self.closed_on is None:
            raise ValidationError({"closed_on": _("A closed facility needs its closing date.")})
        if self.closed_on and self.opened_on and self.closed_on < self.opened_on:
            raise ValidationError({"closed_on": _("A facility cannot close before it opens.")})
        if self.capacity is not None and self.type_id and not self.type.capacity_unit:
            raise ValidationError({"capacity": _("This facility type has no capacity.")})

    @property
    def access_point(self) -> tuple[float, float]:
        """Where walking distances end: the entrance, or the location when no entrance is recorded."""
        if self.entrance_lon is not None and self.entrance_lat is not None:
            return self.entrance_lon, self.entrance_lat
        return self.lon, self.lat


class WalkEdge(models.Model):
    """One segment of the zone's walking network (for the accessibility engine)."""

    zone = models.ForeignKey(
        Zone, verbose_name=_("zone"), on_delete=models.CASCADE, related_name="walk_edges"
    )
    coords = models.JSONField(_("line coordinates"), help_text=_("[[lon, lat], …] in WGS-84"))
    highway = models.CharField(_("road class"), max_length=30, blank=True)
    name = models.CharField(_("name"), max_length=100, blank=True)

    class Meta:
        verbose_name = _("walking network edge")
        verbose_name_plural = _("walking network edges")

    def __str__(self) -> str:
        return self.name or f"#{self.pk}"

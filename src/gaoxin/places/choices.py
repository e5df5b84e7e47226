from django.db import models
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class ServiceClass(models.TextChoices):
    """The six classes of the 一刻钟社区服务圈 plus education and elderly care (DESIGN.md glossary)."""

    GOVERNMENT = "government", _("Government services")
    CONVENIENCE = "convenience", _("Convenience services")
    HEALTH = "health", _("Health")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    SAFETY = "safety", _("Safety")
    WELFARE = "welfare", _("Public welfare")
    EDUCATION = "education", _("Education")
    ELDERCARE = "eldercare", _("Elderly care")


class Tier(models.TextChoices):
    """Life-circle tiers of GB 50180-2018 Table 3.0.4."""

    MIN15 = "15min", _("15-minute circle")
    MIN10 = "10min", _("10-minute circle")
    MIN5 = "5min", _("5-minute circle")
    BLOCK = "block", _("Residential block")


class CapacityUnit(models.TextChoices):
    """What a facility's capacity counts: school places (学位), places of care (托位: nurseries, day care),
    beds, seats (canteens)."""

    NONE = "", _("none")
    PLACES = "places", pgettext_lazy("capacity unit", "school places")
    CARE_PLACES = "care_places", pgettext_lazy("capacity unit", "places of care")
    BEDS = "beds", pgettext_lazy("capacity unit", "beds")
    SEATS = "seats", pgettext_lazy("capacity unit", "seats")


class AreaStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    DELIVERED = "delivered", _("Delivered")


class FacilityStatus(models.TextChoices):
    PLANNED = "planned", _("Planned")
    UNDER_CONSTRUCTION = "under_construction", _("Under construction")
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class CommunityKind(models.TextChoices):
    """From the 3-digit suffix of the 12-digit statistical code (the coding rules of 统计用区划代码, National Bureau of Statistics)."""

    URBAN = "urban", _("Urban community (居委会)")
    VILLAGE = "village", _("Village (村委会)")
    URBAN_LIKE = "urban_like", _("Urban-like unit (类似居委会)")
    VILLAGE_LIKE = "village_like", _("Village-like unit (类似村委会)")


class ImportDataset(models.TextChoices):
    STREETS = "streets", _("Streets")
    COMMUNITIES = "communities", _("Communities")
    AREAS = "areas", _("Residential areas")
    FACILITIES = "facilities", _("Facilities")


class WalkProfileCode(models.TextChoices):
    """Who walks (standards/walk_profiles.toml holds each profile's speed and factors)."""

    DISTANCE = "distance", _("Walking distance (GB 50180-2018)")
    ELDERLY = "elderly", _("Residents aged 60+ (slower; steps and crossings harder)")
    CHILD = "child", _("Children (slower; steps and crossings harder)")


# Short names of the walking profiles, for table cells and narrow selects.
WALK_PROFILE_SHORT: dict[str, Promise] = {
    WalkProfileCode.DISTANCE.value: _("Walking distance"),
    WalkProfileCode.ELDERLY.value: _("Walk of residents aged 60+"),
    WalkProfileCode.CHILD.value: _("Walk of children"),
}

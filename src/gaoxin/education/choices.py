from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class KindergartenStatus(models.TextChoices):
    """Where a development's kindergarten stands (一园一案), in order."""

    PLANNED = "planned", _("planned")
    BUILDING = "building", _("under construction")
    ACCEPTED = "accepted", _("accepted")
    DELIVERED = "delivered", _("delivered")
    IN_USE = "in_use", _("in use")
    TRANSFERRED = "transferred", _("transferred to the education bureau")


class Level(models.TextChoices):
    """School levels and the facility type each one is."""

    KINDERGARTEN = "kindergarten", _("kindergarten")
    PRIMARY = "primary", _("primary school")
    MIDDLE = "middle", _("junior middle school")


FACILITY_TYPE: dict[str, str] = {
    Level.KINDERGARTEN: "kindergarten",
    Level.PRIMARY: "primary_school",
    Level.MIDDLE: "middle_school",
}


class Objective(models.TextChoices):
    TOTAL = "total", _("least total walk")
    LONGEST = "longest", _("least longest walk")


class PlanStatus(models.TextChoices):
    CURRENT = "current", pgettext_lazy("catchment plan", "current (published)")
    PROPOSED = "proposed", pgettext_lazy("catchment plan", "proposed")


class StageState(models.TextChoices):
    """gaoxin.analysis.education.StageState."""

    ON_TIME = "on_time", _("with the housing")
    LATE = "late", _("late")
    MISSING = "missing", _("not yet, the housing has")
    PENDING = "pending", _("not yet due")


class ClassState(models.TextChoices):
    """gaoxin.analysis.education.ClassState."""

    WITHIN = "within", _("within the limit")
    OVER = "over", _("over the limit")
    LARGE = "large", _("large classes (56+)")
    VERY_LARGE = "very_large", _("very large classes (66+)")


class Unplaced(models.TextChoices):
    """Why an area of a catchment has no school."""

    UNREACHABLE = "unreachable", _("no school within walking reach")
    NO_PLACES = "no_places", _("the places ran out")

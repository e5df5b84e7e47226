from django.db import models
from django.utils.translation import gettext_lazy as _


class TargetKind(models.TextChoices):
    COMPUTED = "computed", _("computed from the platform's data")
    REPORTED = "reported", _("reported (a number with evidence)")


class Direction(models.TextChoices):
    AT_LEAST = "at_least", _("at least the goal")
    AT_MOST = "at_most", _("at most the goal")


class NodeState(models.TextChoices):
    """The state of a time node on a day (gaoxin.analysis.plans.NodeState)."""

    PENDING = "pending", _("not yet due")
    DUE_SOON = "due_soon", _("due within 7 days")
    OVERDUE = "overdue", _("overdue")
    DONE = "done", _("done on time")
    DONE_LATE = "done_late", _("done late")


class Light(models.TextChoices):
    """A task's traffic light (gaoxin.analysis.plans.Light)."""

    GREEN = "green", _("on schedule")
    YELLOW = "yellow", _("a node is due soon")
    RED = "red", _("a node is overdue")
    DONE = "done", _("finished")


class TargetState(models.TextChoices):
    MET = "met", _("met")
    ON_TRACK = "on_track", _("on track")
    BEHIND = "behind", _("behind the pace")
    MISSED = "missed", _("missed")
    NO_DATA = "no_data", _("no figure yet")

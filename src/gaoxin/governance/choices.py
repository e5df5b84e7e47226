from django.db import models
from django.utils.translation import gettext_lazy as _


class CaseStatus(models.TextChoices):
    """The states of the case workflow (gaoxin.analysis.cases)."""

    REPORTED = "reported", _("reported")
    OPENED = "opened", _("verified and opened")
    DISPATCHED = "dispatched", _("dispatched")
    HANDLING = "handling", _("being handled")
    FED_BACK = "fed_back", _("reported back")
    CLOSED = "closed", _("closed")
    CANCELLED = "cancelled", _("cancelled")


class Urgency(models.TextChoices):
    NORMAL = "normal", _("normal")
    URGENT = "urgent", _("urgent")
    EMERGENCY = "emergency", _("emergency")


class Source(models.TextChoices):
    RESIDENT = "resident", _("resident (portal)")
    GRID_WORKER = "grid_worker", _("grid worker on patrol")
    HOTLINE = "hotline", _("12345 hotline")
    OPEN311 = "open311", _("Open311 client")


class ServiceGroup(models.TextChoices):
    """The platform's six service classes plus city management's components and events (GB/T 30428)."""

    GOVERNMENT = "government", _("Government services")
    CONVENIENCE = "convenience", _("Convenience services")
    HEALTH = "health", _("Health")
    CULTURE_SPORTS = "culture_sports", _("Culture and sports")
    SAFETY = "safety", _("Safety")
    WELFARE = "welfare", _("Public welfare")
    COMPONENT = "component", _("City management: components (部件)")
    EVENT = "event", _("City management: events (事件)")


# Actions a person takes, by step (gaoxin.analysis.cases.STEPS), with their labels.
ACTION_LABELS = {
    "open": _("Verify and open"),
    "cancel": _("Cancel"),
    "dispatch": _("Dispatch"),
    "accept": _("Accept and handle"),
    "feedback": _("Report back"),
    "close": _("Verified on site: close"),
    "send_back": _("Not fixed: send back"),
    "rate": _("Rate"),
}

EVENT_LABELS = {**ACTION_LABELS, "report": _("Reported"), "escalate": _("Escalated: past the time limit")}

# Open311 GeoReport v2 knows "open" and "closed"; the finer states go in status_notes.
OPEN311_STATUS = {
    s.value: ("closed" if s in (CaseStatus.CLOSED, CaseStatus.CANCELLED) else "open") for s in CaseStatus
}


class DisputeKind(models.TextChoices):
    NEIGHBOURS = "neighbours", _("neighbours")
    FAMILY = "family", _("marriage and family")
    PROPERTY = "property", _("property management")
    LAND_HOUSING = "land_housing", _("land and housing")
    WAGES = "wages", _("labour and wages")
    TRAFFIC = "traffic", _("traffic accident")
    CONSUMER = "consumer", _("consumer")
    MEDICAL = "medical", _("medical")
    OTHER = "other", _("other")


class DisputeStatus(models.TextChoices):
    ACCEPTED = "accepted", _("accepted")
    MEDIATING = "mediating", _("in mediation")
    AGREED = "agreed", _("settled by agreement")
    REFERRED = "referred", _("no agreement: referred")
    WITHDRAWN = "withdrawn", _("withdrawn")


DISPUTE_ENDED = (DisputeStatus.AGREED, DisputeStatus.REFERRED, DisputeStatus.WITHDRAWN)


class Referral(models.TextChoices):
    NONE = "", _("—")
    COURT = "court", _("the court (litigation)")
    ARBITRATION = "arbitration", _("arbitration")
    OTHER = "other", _("another authority")


class SpecialGroup(models.TextChoices):
    ELDERLY_ALONE = "elderly_alone", _("elderly living alone")
    DISABLED = "disabled", _("disabled")
    LEFT_BEHIND_CHILD = "left_behind_child", _("left-behind child")
    LOW_INCOME = "low_income", _("low income")


class HouseholdChange(models.TextChoices):
    NONE = "", _("no change")
    MOVED_IN = "moved_in", _("moved in")
    MOVED_OUT = "moved_out", _("moved out")
    BIRTH = "birth", _("birth")
    DEATH = "death", _("death")

from django.db import models
from django.utils.translation import gettext_lazy as _


class DemandGroup(models.TextChoices):
    """Who a capacity serves; each maps to the residential areas' age bands (see DEMAND_BANDS)."""

    CHILDREN_0_2 = "children_0_2", _("children aged 0-2")
    CHILDREN_3_5 = "children_3_5", _("children aged 3-5")
    CHILDREN_6_11 = "children_6_11", _("children aged 6-11")
    CHILDREN_12_14 = "children_12_14", _("children aged 12-14")
    ELDERLY_60 = "elderly_60", _("residents aged 60+")
    ALL = "all", _("all residents")


DEMAND_BANDS: dict[str, list[str]] = {
    DemandGroup.CHILDREN_0_2: ["pop_0_2"],
    DemandGroup.CHILDREN_3_5: ["pop_3_5"],
    DemandGroup.CHILDREN_6_11: ["pop_6_11"],
    DemandGroup.CHILDREN_12_14: ["pop_12_14"],
    DemandGroup.ELDERLY_60: ["pop_60_64", "pop_65_plus"],
    DemandGroup.ALL: ["population"],
}


class CandidateKind(models.TextChoices):
    """Where a new facility could go (issue 5: vacant parcels, ground-floor 配套用房)."""

    VACANT_LAND = "vacant_land", _("vacant parcel")
    ANCILLARY = "ancillary", _("ground-floor ancillary building")
    OTHER = "other", _("other")

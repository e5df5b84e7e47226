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


class ProjectKind(models.TextChoices):
    GOVERNMENT = "government", _("government investment")
    PPP = "ppp", _("PPP")
    ENTERPRISE = "enterprise", _("enterprise investment")


class ProjectStage(models.TextChoices):
    """The stages of a project by its kind (PROJECT_STAGES says which belong to which)."""

    # PPP life cycle (财政部 PPP 综合信息平台: 识别 → 准备 → 采购 → 执行 → 移交)
    PPP_IDENTIFY = "ppp_identify", _("identification (识别)")
    PPP_PREPARE = "ppp_prepare", _("preparation (准备)")
    PPP_PROCURE = "ppp_procure", _("procurement (采购)")
    PPP_EXECUTE = "ppp_execute", _("execution (执行)")
    PPP_HANDOVER = "ppp_handover", _("hand-over (移交)")
    # government investment (立项 → 可研 → 初设/概算 → 招标 → 施工 → 竣工验收 → 决算)
    GOV_APPROVAL = "gov_approval", _("project approval (立项)")
    GOV_FEASIBILITY = "gov_feasibility", _("feasibility study (可研)")
    GOV_DESIGN = "gov_design", _("preliminary design and estimate (初设)")
    GOV_TENDER = "gov_tender", _("tendering (招标)")
    GOV_BUILD = "gov_build", _("construction (施工)")
    GOV_ACCEPT = "gov_accept", _("completion acceptance (竣工验收)")
    GOV_ACCOUNT = "gov_account", _("final accounts (决算)")
    # enterprise investment
    ENT_SIGNED = "ent_signed", _("contract signed (签约)")
    ENT_LAND = "ent_land", _("land supplied (供地)")
    ENT_BUILD = "ent_build", _("construction (施工)")
    ENT_COMPLETE = "ent_complete", _("completed (竣工)")
    ENT_OPERATE = "ent_operate", _("in operation (投产/运营)")


PROJECT_STAGES: dict[str, tuple[str, ...]] = {
    ProjectKind.PPP: tuple(s.value for s in ProjectStage if s.value.startswith("ppp_")),
    ProjectKind.GOVERNMENT: tuple(s.value for s in ProjectStage if s.value.startswith("gov_")),
    ProjectKind.ENTERPRISE: tuple(s.value for s in ProjectStage if s.value.startswith("ent_")),
}


class ProjectCategory(models.TextChoices):
    WATER = "water", _("water system and ecology")
    LAKE = "lake", _("lakes and wetlands")
    INNOVATION = "innovation", _("innovation park")
    COMMERCIAL = "commercial", _("commercial complex")
    HOUSING = "housing", _("housing")
    RENOVATION = "renovation", _("shantytown renovation (棚改)")
    INFRASTRUCTURE = "infrastructure", _("infrastructure")
    INDUSTRY = "industry", _("industrial project")

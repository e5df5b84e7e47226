from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.db import models
from django.utils.translation import gettext_lazy as _

from gaoxin.common.units import YUAN_PER_WAN


class Scale(models.TextChoices):
    """The two evaluation pools (鲁政字〔2019〕235号: 规上 and 规下 are ranked separately)."""

    ABOVE = "above", _("above designated size (规上)")
    BELOW = "below", _("below designated size (规下)")


class LandRole(models.TextChoices):
    OWNER = "owner", _("owner (land-use right holder)")
    TENANT = "tenant", _("tenant")


class Metric(models.TextChoices):
    """Yearly figures of an enterprise. Money in yuan (Decimal), energy in tce (等价值), emissions in t."""

    TAX = "tax_yuan", _("tax paid (yuan)")
    REVENUE = "revenue_yuan", _("operating revenue (yuan)")
    VALUE_ADDED = "value_added_yuan", _("industrial value added (yuan)")
    RD = "rd_yuan", _("R&D expenditure (yuan)")
    EMPLOYEES = "employees", _("average employees")
    ENERGY = "energy_tce", _("energy use (tce)")
    ELECTRICITY = "electricity_kwh", _("electricity use (kWh)")
    COD = "cod_t", _("COD emitted (t)")
    NH3N = "nh3n_t", _("NH3-N emitted (t)")
    SO2 = "so2_t", _("SO2 emitted (t)")
    NOX = "nox_t", _("NOx emitted (t)")


# Stored metrics that may be negative (net tax after VAT credit refunds): gaoxin.analysis.mu_benefit.SIGNED_METRICS.
SIGNED_STORED_METRICS = frozenset({Metric.TAX.value})


class Source(models.TextChoices):
    """Where a figure comes from. Department figures are verified; the enterprise's own are reported."""

    SELF = "self", _("self-reported by the enterprise")
    TAX = "tax", _("tax bureau")
    STATS = "stats", _("statistics bureau")
    POWER = "power", _("power company")
    ECO = "eco", _("ecology and environment bureau")
    NATRES = "natres", _("natural resources bureau")


class Flag(models.TextChoices):
    """Yearly facts that the scheme turns into bonus, penalty, veto or exclusion."""

    HIGH_TECH = "high_tech", _("high-tech enterprise (高新技术企业)")
    ENV_PENALTY = "env_penalty", _("environmental administrative penalty in the year")
    MAJOR_ACCIDENT = "major_accident", _("major safety or environmental accident (veto)")
    MAJOR_PROJECT = "major_project", _("major project under construction (class T)")


class EvaluationStatus(models.TextChoices):
    COLLECTING = "collecting", _("collecting data")
    LAND_NOTICE = "land_notice", _("land areas published for objection")
    SCORED = "scored", _("scored (draft)")
    NOTICE = "notice", _("public notice (objections open)")
    FINAL = "final", _("published")


class AppealStatus(models.TextChoices):
    OPEN = "open", _("open")
    UPHELD = "upheld", _("upheld")
    REJECTED = "rejected", _("rejected")


class Klass(models.TextChoices):
    A = "A", _("A · priority development (优先发展类)")
    B = "B", _("B · supported development (支持发展类)")
    C = "C", _("C · to be improved (提升发展类)")
    D = "D", _("D · restricted development (限制发展类)")
    T = "T", _("T · not evaluated this year (暂不评价类)")


class MeasureKind(models.TextChoices):
    ELECTRICITY = "electricity", _("electricity price")
    LAND = "land", _("land")
    ENERGY = "energy", _("energy and emissions quota")
    CREDIT = "credit", _("credit")
    SUBSIDY = "subsidy", _("subsidies and awards")


@dataclass(frozen=True)
class MetricUnit:
    """A figure as departments report it and schemes name it (``code``, in its reporting unit), and
    how it is stored (``metric``, in base units): stored value = reported value × ``per_unit``."""

    code: str
    metric: Metric
    per_unit: Decimal
    reported_label: Any = None  # the label in the reporting unit; None: the metric's own label

    @property
    def label(self) -> Any:
        return self.reported_label if self.reported_label is not None else self.metric.label


# The one table of reporting units: money in 万元, everything else as stored.
METRIC_UNITS: dict[str, MetricUnit] = {
    u.code: u
    for u in (
        MetricUnit("tax_10k_yuan", Metric.TAX, YUAN_PER_WAN, _("tax paid (10k yuan)")),
        MetricUnit("revenue_10k_yuan", Metric.REVENUE, YUAN_PER_WAN, _("operating revenue (10k yuan)")),
        MetricUnit(
            "value_added_10k_yuan", Metric.VALUE_ADDED, YUAN_PER_WAN, _("industrial value added (10k yuan)")
        ),
        MetricUnit("rd_10k_yuan", Metric.RD, YUAN_PER_WAN, _("R&D expenditure (10k yuan)")),
        MetricUnit("employees", Metric.EMPLOYEES, Decimal(1)),
        MetricUnit("energy_tce", Metric.ENERGY, Decimal(1)),
        MetricUnit("electricity_kwh", Metric.ELECTRICITY, Decimal(1)),
        MetricUnit("cod_t", Metric.COD, Decimal(1)),
        MetricUnit("nh3n_t", Metric.NH3N, Decimal(1)),
        MetricUnit("so2_t", Metric.SO2, Decimal(1)),
        MetricUnit("nox_t", Metric.NOX, Decimal(1)),
    )
}


# Each stored metric's reporting unit: figures are shown to people in the unit they report them in.
REPORTED: dict[str, MetricUnit] = {u.metric.value: u for u in METRIC_UNITS.values()}


class PlantStage(models.TextChoices):
    """Where a plant stands: in the plan, under construction, completed (and lettable)."""

    PLANNED = "planned", _("planned")
    BUILDING = "building", _("under construction")
    COMPLETED = "completed", _("completed")


class PolicyMode(models.TextChoices):
    """How a policy reaches the eligible (免申即享: without an application)."""

    GRANT = "grant", _("granted without an application (免申即享)")
    NOTIFY = "notify", _("the eligible are told and apply")


class PolicyStatus(models.TextChoices):
    DRAFT = "draft", _("draft")
    PUBLISHED = "published", _("published")
    CLOSED = "closed", _("closed")


class MatchState(models.TextChoices):
    GRANTED = "granted", _("granted")
    NOTIFIED = "notified", _("told, to apply")
    WITHDRAWN = "withdrawn", _("no longer eligible")


# The eligibility fields a policy's rule can name (gaoxin.analysis.eligibility.FIELDS), as people read them.
POLICY_FIELD_LABELS: dict[str, Any] = {
    "scale": _("scale (above / below designated size)"),
    "high_tech": _("high-tech enterprise"),
    "industry": _("industry (GB/T 4754)"),
    "park": _("park (code)"),
    "klass": _("亩产效益 class (latest published)"),
    "score": _("亩产效益 score"),
    "tax_per_mu": _("tax per mu (10k yuan)"),
    "revenue": _("operating revenue (10k yuan)"),
    "tax": _("tax paid (10k yuan)"),
    "rd_ratio": _("R&D intensity (% of revenue)"),
    "employees": _("average employees"),
    "years_in_zone": _("years in production in the zone"),
}


class ServiceField(models.TextChoices):
    """The six fields of the park public service platform (园区公共服务平台)."""

    INFO = "info", _("information (信息)")
    FINANCE = "finance", _("finance (金融)")
    TALENT = "talent", _("talent (人才)")
    INNOVATION = "innovation", _("innovation and entrepreneurship (创新创业)")
    QUALITY = "quality", _("quality and technology (质量技术)")
    CONSULTING = "consulting", _("management consulting (管理咨询)")


class ProviderKind(models.TextChoices):
    BANK = "bank", _("bank")
    GUARANTEE = "guarantee", _("guarantee or investment fund")
    LAW = "law", _("law firm")
    ACCOUNTING = "accounting", _("accounting firm")
    TESTING = "testing", _("testing and certification lab")
    IP = "ip", _("patent and trademark agency")
    RECRUITER = "recruiter", _("recruiter")
    INCUBATOR = "incubator", _("incubator")
    UNIVERSITY = "university", _("university or research institute")
    GOVERNMENT = "government", _("government service window")
    OTHER = "other", _("other")


class NeedKind(models.TextChoices):
    """What an enterprise asks for (its field follows from it, the staff may change it)."""

    LOAN = "loan", _("a loan or financing")
    RECRUIT = "recruit", _("recruiting")
    TEST = "test", _("a test or certification")
    PATENT = "patent", _("a patent or trademark")
    SPACE = "space", _("land or a plant")
    PERMIT = "permit", _("a permit question")
    TECH = "tech", _("a technology partner")
    ADVICE = "advice", _("management advice")
    OTHER = "other", _("something else")


NEED_FIELD = {
    "loan": "finance",
    "recruit": "talent",
    "test": "quality",
    "patent": "quality",
    "space": "info",
    "permit": "info",
    "tech": "innovation",
    "advice": "consulting",
    "other": "info",
}


class RequestStatus(models.TextChoices):
    FILED = "filed", _("filed, waiting for the park staff")
    HANDED = "handed", _("handed to a provider")
    CLOSED = "closed", _("request closed")
    CANCELLED = "cancelled", _("request cancelled")


class Outcome(models.TextChoices):
    DONE = "done", _("done: the need was met")
    DECLINED = "declined", _("not met: the provider declined")
    WITHDRAWN = "withdrawn", _("not needed any more")


class CallStatus(models.TextChoices):
    OPEN = "open", _("open for applications")
    REVIEWING = "reviewing", _("under expert review")
    DECIDED = "decided", _("decided")


class ProjectStage(models.TextChoices):
    IDEA = "idea", _("idea")
    PROTOTYPE = "prototype", _("prototype")
    REVENUE = "revenue", _("first revenue")
    GROWTH = "growth", _("growth")


class ApplicationStatus(models.TextChoices):
    SUBMITTED = "submitted", _("submitted")
    SCREENED_OUT = "screened_out", _("did not pass the formal check")
    IN_REVIEW = "in_review", _("with the experts")
    INCUBATED = "incubated", _("incubated")
    NOT_SELECTED = "not_selected", _("not selected")
    GRADUATED = "graduated", _("graduated")
    EXITED = "exited", _("left the programme")


# The statuses of an application that was incubated (and may have left since).
WAS_INCUBATED = ("incubated", "graduated", "exited")


class RoundKind(models.TextChoices):
    ANGEL = "angel", _("angel")
    PRE_A = "pre_a", _("pre-A")
    A = "a", _("series A")
    B = "b", _("series B or later")
    LOAN = "loan", _("venture loan")


class UpgradeKind(models.TextChoices):
    SMALL_MICRO = "small_micro", _("small-and-micro park upgrade (小微园区提升)")
    SMART = "smart", _("smart park (智慧园区)")
    GREEN = "green", _("green park (绿色园区)")


class UpgradeStage(models.TextChoices):
    PLANNED = "planned", _("planned")
    UNDERWAY = "underway", _("underway")
    ACCEPTED = "accepted", _("accepted")


class CaseStage(models.TextChoices):
    """A stage of an idle-land case file (国土资源部令第53号)."""

    INVESTIGATION = "investigation", _("under investigation")
    DETERMINED = "determined", _("determined idle")
    FEE_DECIDED = "fee_decided", _("idle land fee decided")
    FEE_PAID = "fee_paid", _("idle land fee paid")
    EXTENDED = "extended", _("start of construction extended")
    RECLAIMED = "reclaimed", _("taken back")
    CLOSED = "closed", _("closed")


class CaseDocumentKind(models.TextChoices):
    """The documents of an idle-land case, one per step."""

    INVESTIGATION = "investigation", _("闲置土地调查通知书")
    DETERMINATION = "determination", _("闲置土地认定书")
    FEE_DECISION = "fee_decision", _("征缴土地闲置费决定书")
    PAYMENT = "payment", _("土地闲置费缴纳凭证")
    EXTENSION = "extension", _("延长动工开发期限协议")
    RECLAMATION = "reclamation", _("收回国有建设用地使用权决定书")
    CLOSING = "closing", _("结案（已动工开发）")


# the document each step of a case issues, and the prefix of its number
CASE_DOCUMENTS = {
    "open": (CaseDocumentKind.INVESTIGATION, "济高新闲调"),
    "determine": (CaseDocumentKind.DETERMINATION, "济高新闲认"),
    "decide_fee": (CaseDocumentKind.FEE_DECISION, "济高新闲费"),
    "record_payment": (CaseDocumentKind.PAYMENT, "济高新闲缴"),
    "extend": (CaseDocumentKind.EXTENSION, "济高新闲延"),
    "reclaim": (CaseDocumentKind.RECLAMATION, "济高新闲收"),
    "close": (CaseDocumentKind.CLOSING, "济高新闲结"),
}


class RedevelopmentApproach(models.TextChoices):
    """How a low-efficiency parcel is put to better use (亩均论英雄 practice: 低效用地再开发)."""

    UPGRADE = "upgrade", _("technical upgrade and more floor area (技改提升、提容增效)")
    MERGER = "merger", _("merger or takeover by a stronger firm (兼并重组)")
    REPLACE = "replace", _("a new user for the parcel (腾笼换鸟)")
    TAKEBACK = "takeback", _("taken back and granted again (收回再出让)")


class RedevelopmentStatus(models.TextChoices):
    UNDER_WAY = "under_way", _("under way")
    DONE = "done", _("completed")
    CANCELLED = "cancelled", _("stopped")

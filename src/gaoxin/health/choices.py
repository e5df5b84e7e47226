from django.db import models
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy


class Sex(models.IntegerChoices):
    """GB/T 2261.1."""

    MALE = 1, _("male")
    FEMALE = 2, _("female")


class InstitutionKind(models.TextChoices):
    CENTRE = "centre", _("community health service centre")
    STATION = "station", _("community health service station")
    HOSPITAL = "hospital", _("hospital")


class RecordStatus(models.TextChoices):
    """一人一档 lifecycle: created → reviewed → opened to the resident (已开放) → cancelled."""

    CREATED = "created", _("created")
    REVIEWED = "reviewed", _("reviewed")
    OPEN = "open", _("open to the resident")
    CANCELLED = "cancelled", _("cancelled")


class CancelReason(models.TextChoices):
    DEATH = "death", _("death")
    MOVED = "moved", _("moved away")
    LOST = "lost", _("lost to follow-up")
    MERGED = "merged", _("merged into another record")
    OTHER = "other", _("other")


class MemberRole(models.TextChoices):
    DOCTOR = "doctor", _("family doctor")
    NURSE = "nurse", _("community nurse")
    PUBLIC_HEALTH = "public_health", _("public-health staff")
    SPECIALIST = "specialist", _("specialist")


class PackageKind(models.TextChoices):
    BASIC = "basic", _("basic")
    PERSONAL = "personal", _("personalised")


class ContractStatus(models.TextChoices):
    """The contract states of 《家庭医生签约服务管理规范（试行）》 (国卫基层发〔2018〕35号), with the resident's
    online application first."""

    APPLIED = "applied", _("applied online (awaiting the team)")
    ACTIVE = "active", _("in force")
    TERMINATING = "terminating", _("termination under review (审核中)")
    TERMINATED = "terminated", _("terminated (已解约)")
    EXPIRED = "expired", _("expired")
    DECLINED = "declined", _("application declined")


class SignedVia(models.TextChoices):
    RESIDENT = "resident", _("resident online")
    DOCTOR = "doctor", _("family doctor")


# Contracts that hold the resident: only one at a time (one team at a time, 国卫基层发〔2018〕35号).
HOLDING = (ContractStatus.APPLIED, ContractStatus.ACTIVE, ContractStatus.TERMINATING)


# Words for the priority groups of gaoxin.analysis.followup.PRIORITY_GROUPS (重点人群).
PRIORITY_GROUP_LABELS = {
    "elderly": _("aged 65+"),
    "child": _("child 0-6"),
    "pregnant": _("pregnant"),
    "disabled": _("disabled"),
    "hypertension": _("hypertension"),
    "diabetes": _("diabetes"),
    "severe_mental": _("severe mental disorder"),
    "tuberculosis": _("tuberculosis"),
    "low_income": _("low income"),
}


# 个人信息保护法 Art. 28 and 31: a child under 14's personal information is handled with a guardian's
# consent; from the 14th birthday the child decides, and the guardian's access ends.
CHILD_SELF_CONSENT_AGE = 14


class FollowUpKind(models.TextChoices):
    HYPERTENSION = "hypertension", _("hypertension")
    DIABETES = "diabetes", _("type 2 diabetes")


class FollowUpWay(models.TextChoices):
    CLINIC = "clinic", _("at the clinic")
    HOME = "home", _("home visit")
    PHONE = "phone", _("by phone")
    ONLINE = "online", _("online")


FACE_TO_FACE = (FollowUpWay.CLINIC, FollowUpWay.HOME)


class VisitClass(models.TextChoices):
    """此次随访分类 (gaoxin.analysis.chronic.VisitClass)."""

    SATISFIED = "satisfied", _("controlled (控制满意)")
    UNSATISFIED = "unsatisfied", _("not controlled (控制不满意)")
    ADVERSE = "adverse", _("adverse reaction (不良反应)")
    COMPLICATION = "complication", _("complication (并发症)")


class ReferralAdvice(models.TextChoices):
    NONE = "none", _("no referral")
    PROPOSED = "proposed", _("referral proposed")
    URGENT = "urgent", _("urgent referral")


class SelfCare(models.TextChoices):
    """老年人生活自理能力评估 (the 2017 form's four grades)."""

    INDEPENDENT = "independent", _("independent (可自理)")
    MILD = "mild", _("mildly dependent (轻度依赖)")
    MODERATE = "moderate", _("moderately dependent (中度依赖)")
    UNABLE = "unable", _("unable to care for oneself (不能自理)")


class ChildVisitCode(models.TextChoices):
    """The visits of 0～6岁儿童健康管理 (their ages and windows: standards/child_visits_2017.toml)."""

    NEWBORN = "newborn", _("newborn home visit")
    MONTH_1 = "month_1", _("one month")
    MONTH_3 = "month_3", _("3 months")
    MONTH_6 = "month_6", _("6 months")
    MONTH_8 = "month_8", _("8 months")
    MONTH_12 = "month_12", _("12 months")
    MONTH_18 = "month_18", _("18 months")
    MONTH_24 = "month_24", _("24 months")
    MONTH_30 = "month_30", _("30 months")
    MONTH_36 = "month_36", _("36 months")
    YEAR_4 = "year_4", _("4 years")
    YEAR_5 = "year_5", _("5 years")
    YEAR_6 = "year_6", _("6 years")


class AppointmentStatus(models.TextChoices):
    BOOKED = "booked", _("booked")
    CANCELLED = "cancelled", _("cancelled")
    ATTENDED = "attended", _("attended")
    MISSED = "missed", _("did not come")


class ReferralState(models.TextChoices):
    """双向转诊 states (gaoxin.analysis.referral)."""

    DRAFT = "draft", _("draft")
    SUBMITTED = "submitted", _("awaiting the answer (待接诊)")
    ACCEPTED = "accepted", _("accepted (已接诊)")
    REJECTED = "rejected", _("refused (已拒绝)")
    CANCELLED = "cancelled", _("withdrawn (已取消)")
    ARRIVED = "arrived", _("arrived (已到诊)")
    COMPLETED = "completed", _("care completed")
    DOWN_REFERRED = "down_referred", _("referred back (已下转)")
    FOLLOWED_UP = "followed_up", _("followed up (已随访)")


class UpReason(models.TextChoices):
    """上转 criteria (the zone's referral rules; BPHS 2017 for the chronic-disease cases)."""

    UNCONTROLLED = "uncontrolled", _("two consecutive uncontrolled follow-ups")
    COMPLICATION = "complication", _("new or worsening complication or adverse reaction")
    EMERGENCY = "emergency", _("emergency the centre cannot treat")
    DIAGNOSIS = "diagnosis", _("complex case it cannot diagnose")
    EXAMINATION = "examination", _("needs examinations of a higher level")
    EQUIPMENT = "equipment", _("beyond its technique or equipment")
    SCOPE = "scope", _("outside its licensed scope")
    OTHER = "other", _("other")


class DownReason(models.TextChoices):
    """下转 criteria (the zone's referral rules)."""

    STABLE = "stable", _("diagnosis clear, stable: continue in primary care")
    CHRONIC = "chronic", _("chronic disease needing long-term management")
    NURSING = "nursing", _("elderly needing long-term nursing")
    REQUEST = "request", _("the patient asks to return")
    OTHER = "other", _("other")


class CareKind(models.TextChoices):
    OUTPATIENT = "outpatient", _("outpatient")
    INPATIENT = "inpatient", _("inpatient")


class ConsultState(models.TextChoices):
    OPEN = "open", pgettext_lazy("consultation", "open")
    CLOSED = "closed", pgettext_lazy("consultation", "closed")
    ESCALATED = "escalated", _("sent to the clinic")


class TeleconsultState(models.TextChoices):
    REQUESTED = "requested", _("requested (待会诊)")
    ACCEPTED = "accepted", _("accepted (已受邀)")
    DECLINED = "declined", _("declined")
    CANCELLED = "cancelled", pgettext_lazy("teleconsult", "withdrawn")
    DONE = "done", _("opinion given (已出具意见)")


class MaternalVisitCode(models.TextChoices):
    """The contacts of 孕产妇健康管理 (their windows: standards/maternal_2017.toml)."""

    FIRST = "first", _("first prenatal exam (before 13 weeks)")
    MID_1 = "mid_1", _("prenatal 16-20 weeks")
    MID_2 = "mid_2", _("prenatal 21-24 weeks")
    LATE_1 = "late_1", _("prenatal 28-36 weeks")
    LATE_2 = "late_2", _("prenatal 37-40 weeks")
    HOME_VISIT = "home_visit", _("home visit after the birth (within a week of discharge)")
    CHECK_42 = "check_42", _("42-day check after the birth")

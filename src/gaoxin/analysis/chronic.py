"""Follow-up of hypertension and type-2 diabetes patients by the national basic public-health service rules
(国家基本公共卫生服务规范, 3rd edition, 2017: 高血压患者健康管理, 2型糖尿病患者健康管理): each visit classified
控制满意 / 控制不满意 / 不良反应 / 并发症, the next visit's day, the referral proposed, and the yearly figures
(规范管理: at least four face-to-face follow-ups in the year; 控制: the year's latest visit satisfactory).

The thresholds are arguments (:class:`Rules`, read from the standards TOML of the edition in force). Days
are calendar days; a follow-up is due *on* its day and overdue from the day after.
"""

from __future__ import annotations

import datetime as dt
import math
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum

from gaoxin.analysis.errors import AnalysisError


class Kind(StrEnum):
    HYPERTENSION = "hypertension"
    DIABETES = "diabetes"


class VisitClass(StrEnum):
    """此次随访分类 (the code list of the 2017 forms: 1 … 4)."""

    SATISFIED = "satisfied"  # 1 控制满意
    UNSATISFIED = "unsatisfied"  # 2 控制不满意
    ADVERSE = "adverse"  # 3 不良反应
    COMPLICATION = "complication"  # 4 并发症


class Referral(StrEnum):
    NONE = "none"
    PROPOSED = "proposed"  # 建议转诊: two unsatisfied visits in a row, a new complication, a recurring ADR
    URGENT = "urgent"  # 紧急转诊: SBP ≥ 180 or DBP ≥ 110, glucose ≥ 16.7 or ≤ 3.9, a danger symptom


@dataclass(frozen=True)
class Rules:
    """One edition's thresholds (mmHg, mmol/L, days)."""

    edition: str
    sbp_below: int = 140
    dbp_below: int = 90
    elderly_target: bool = False  # the option of a 65+ target
    elderly_age: int = 65
    elderly_sbp_below: int = 150
    elderly_dbp_below: int = 90
    urgent_sbp: int = 180
    urgent_dbp: int = 110
    fpg_below: float = 7.0
    urgent_fpg_high: float = 16.7
    urgent_fpg_low: float = 3.9
    routine_days: int = 91  # quarterly
    recheck_days: int = 14  # within two weeks
    min_face_to_face: int = 4

    def __post_init__(self) -> None:
        for name in (
            "sbp_below",
            "dbp_below",
            "elderly_sbp_below",
            "elderly_dbp_below",
            "urgent_sbp",
            "urgent_dbp",
        ):
            if not 40 <= getattr(self, name) <= 300:
                raise AnalysisError("chronic_rules", f"{name} is not a plausible blood pressure")
        if not 0 < self.urgent_fpg_low < self.fpg_below < self.urgent_fpg_high < 50:
            raise AnalysisError("chronic_rules", "the glucose thresholds are not in order")
        if not (0 < self.recheck_days <= self.routine_days <= 366 and 1 <= self.min_face_to_face <= 12):
            raise AnalysisError("chronic_rules", "the follow-up intervals are not plausible")


@dataclass(frozen=True)
class Visit:
    kind: Kind
    day: dt.date
    sbp: int | None = None
    dbp: int | None = None
    fpg: float | None = None
    adverse: bool = False  # an adverse drug reaction
    complication: bool = False  # a new or worsening complication
    danger: bool = False  # a danger symptom of the rules' list (意识改变, 剧烈头痛 …)
    face_to_face: bool = True


@dataclass(frozen=True)
class Assessment:
    visit_class: VisitClass
    controlled: bool | None  # None: the deciding value was not measured
    urgent: bool
    reasons: tuple[str, ...]


def _check(v: Visit) -> None:
    if (v.sbp is None) != (v.dbp is None):
        raise AnalysisError("chronic_bp", "blood pressure needs both values")
    if v.sbp is not None and v.dbp is not None:
        if not (40 <= v.sbp <= 300 and 20 <= v.dbp <= 200) or v.dbp >= v.sbp:
            raise AnalysisError("chronic_bp", "the blood pressure is not plausible")
    if v.fpg is not None and not (math.isfinite(v.fpg) and 0.5 <= v.fpg <= 50):
        raise AnalysisError("chronic_fpg", "the fasting glucose is not plausible")
    if v.kind == Kind.HYPERTENSION and v.sbp is None:
        raise AnalysisError("chronic_bp", "a hypertension follow-up records the blood pressure")
    if v.kind == Kind.DIABETES and v.fpg is None:
        raise AnalysisError("chronic_fpg", "a diabetes follow-up records the fasting glucose")


def bp_target(age: int, rules: Rules) -> tuple[int, int]:
    """The blood pressure below which a visit is satisfactory: 140/90, or 150/90 from 65 with the option."""
    if rules.elderly_target and age >= rules.elderly_age:
        return rules.elderly_sbp_below, rules.elderly_dbp_below
    return rules.sbp_below, rules.dbp_below


def assess(visit: Visit, age: int, rules: Rules) -> Assessment:
    """Classify one visit: a new complication first, then an adverse reaction, then control (BP below the
    target — both values strictly — for hypertension; fasting glucose below 7.0 for diabetes); urgent at
    SBP ≥ 180 or DBP ≥ 110, glucose ≥ 16.7 or ≤ 3.9 mmol/L, or a danger symptom."""
    _check(visit)
    reasons = []
    urgent = visit.danger
    if visit.danger:
        reasons.append("danger_symptom")
    if (
        visit.sbp is not None
        and visit.dbp is not None
        and (visit.sbp >= rules.urgent_sbp or visit.dbp >= rules.urgent_dbp)
    ):
        urgent = True
        reasons.append("bp_urgent")
    if visit.fpg is not None and (visit.fpg >= rules.urgent_fpg_high or visit.fpg <= rules.urgent_fpg_low):
        urgent = True
        reasons.append("fpg_urgent")
    if visit.kind == Kind.HYPERTENSION:
        assert visit.sbp is not None and visit.dbp is not None
        s, d = bp_target(age, rules)
        controlled: bool | None = visit.sbp < s and visit.dbp < d
    else:
        assert visit.fpg is not None
        controlled = visit.fpg < rules.fpg_below
    if visit.complication:
        cls = VisitClass.COMPLICATION
    elif visit.adverse:
        cls = VisitClass.ADVERSE
    elif controlled:
        cls = VisitClass.SATISFIED
    else:
        cls = VisitClass.UNSATISFIED
    if not controlled:
        reasons.append("not_controlled")
    return Assessment(cls, controlled, urgent, tuple(reasons))


@dataclass(frozen=True)
class Plan:
    """What follows a visit: the day the next follow-up is due and the referral."""

    due_on: dt.date
    referral: Referral
    reason: str


def plan_after(history: Sequence[Assessment], day: dt.date, rules: Rules) -> Plan:
    """The next step after the last of ``history`` (one kind's visits in date order, the last on ``day``):
    urgent → urgent referral, follow up within two weeks; a new complication, a second uncontrolled visit
    in a row or an adverse reaction again → referral proposed, within two weeks; a first uncontrolled or
    adverse visit → within two weeks; satisfied → the routine (quarterly) follow-up."""
    if not history:
        raise AnalysisError("chronic_history", "no visit to plan after")
    last = history[-1]
    soon = day + dt.timedelta(days=rules.recheck_days)
    if last.urgent:
        return Plan(soon, Referral.URGENT, "urgent")
    if last.visit_class == VisitClass.COMPLICATION:
        return Plan(soon, Referral.PROPOSED, "complication")
    prev = history[-2] if len(history) >= 2 else None
    if last.controlled is False and prev is not None and prev.controlled is False:
        return Plan(soon, Referral.PROPOSED, "twice_uncontrolled")
    if last.visit_class == VisitClass.ADVERSE and prev is not None and prev.visit_class == VisitClass.ADVERSE:
        return Plan(soon, Referral.PROPOSED, "adverse_again")
    if last.visit_class in (VisitClass.UNSATISFIED, VisitClass.ADVERSE) or last.controlled is False:
        return Plan(soon, Referral.NONE, "recheck")
    return Plan(day + dt.timedelta(days=rules.routine_days), Referral.NONE, "routine")


class DueState(StrEnum):
    NOT_DUE = "not_due"
    DUE_SOON = "due_soon"  # within the coming week, or today
    OVERDUE = "overdue"  # from the day after the due day


def due_state(due_on: dt.date, today: dt.date, soon_days: int = 7) -> DueState:
    if today > due_on:
        return DueState.OVERDUE
    if (due_on - today).days <= soon_days:
        return DueState.DUE_SOON
    return DueState.NOT_DUE


@dataclass(frozen=True)
class YearFigures:
    managed: int  # patients with a follow-up in the year
    regular: int  # 规范管理: at least the minimum of face-to-face follow-ups in the year
    controlled: int  # the year's latest visit satisfactory

    @property
    def regular_rate(self) -> float | None:
        return self.regular / self.managed if self.managed else None

    @property
    def control_rate(self) -> float | None:
        return self.controlled / self.managed if self.managed else None


def year_figures(
    patients: Iterable[Sequence[tuple[Visit, Assessment]]], year: int, rules: Rules
) -> YearFigures:
    """规范管理率 and 控制率 of the year for patients' visits of one kind (each patient's list in any order)."""
    managed = regular = controlled = 0
    for visits in patients:
        mine = sorted((p for p in visits if p[0].day.year == year), key=lambda p: p[0].day)
        if not mine:
            continue
        managed += 1
        regular += sum(1 for v, _a in mine if v.face_to_face) >= rules.min_face_to_face
        controlled += bool(mine[-1][1].controlled)
    return YearFigures(managed, regular, controlled)


@dataclass(frozen=True)
class Timeliness:
    due: int  # follow-ups that fell due in the year (after an earlier visit set their day)
    on_time: int  # … made on or before that day

    @property
    def rate(self) -> float | None:
        return self.on_time / self.due if self.due else None


def timeliness(
    patients: Iterable[Sequence[tuple[dt.date, dt.date]]], year: int, today: dt.date
) -> Timeliness:
    """Follow-up timeliness (随访及时率): each visit sets the day the next one is due; a due day in the year
    (and not after ``today``) is met when the next visit comes on or before it. Each patient's list is
    (visit day, next due day) of one kind, in any order. A due day without a later visit is judged only
    once it has passed (on the day itself the visit is still in time)."""
    due = on_time = 0
    for visits in patients:
        ordered = sorted(visits)
        for k, (_day, next_due) in enumerate(ordered):
            following = ordered[k + 1][0] if k + 1 < len(ordered) else None
            if next_due.year != year or (following is None and next_due >= today):
                continue
            due += 1
            on_time += following is not None and following <= next_due
    return Timeliness(due, on_time)


def suppressed(count: int, minimum: int = 5) -> int | None:
    """A count for publication: None (shown as "< 5") when it is positive and below ``minimum``."""
    return None if 0 < count < minimum else count

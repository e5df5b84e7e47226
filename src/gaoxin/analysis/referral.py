"""Two-way referral (双向转诊) between primary care and a hospital: its steps, who takes each, its time
limits and its figures. Pure: no Django, no database.

Sources: 《国务院办公厅关于推进分级诊疗制度建设的指导意见》(国办发〔2015〕70号: 基层首诊, 双向转诊, 急慢分治,
上下联动); 国家基本公共卫生服务规范 (3rd ed., 2017), 高血压/2型糖尿病患者健康管理服务规范: after a referral
the primary institution follows the patient up within two weeks (2周内主动随访转诊情况). The answer time
limits are local rules (a hospital's referral desk answers within a working day; urgent cases at once),
so they are settings (standards/referral.toml).

States and the steps between them (a step not listed is refused):

    draft         --submit-->     submitted      sender: the request with its case summary (转诊申请)
    draft         --cancel-->     cancelled      sender
    submitted     --accept-->     accepted       receiver: the answer (同意) with the time and department
    submitted     --reject-->     rejected       receiver: the answer (拒绝) with its reason
    submitted     --cancel-->     cancelled      sender
    accepted      --cancel-->     cancelled      sender (the patient does not go)
    accepted      --arrive-->     arrived        receiver: the patient came (到诊)
    arrived       --complete-->   completed      receiver: outpatient or inpatient care ended, its report
    completed     --down_refer--> down_referred  receiver: back to primary care with the result (下转)
    completed     --follow_up-->  followed_up    sender: the patient came back without a down-referral
    down_referred --follow_up-->  followed_up    sender: the follow-up after the referral (随访)

The answer is due ``answer_hours`` (``urgent_answer_hours`` for an urgent referral) after the submission;
the due moment itself is on time. The follow-up is due ``follow_up_days`` after the submission, or after
the down-referral once there is one (the patient is back in primary care then).
"""

from __future__ import annotations

import statistics
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from gaoxin.analysis.errors import AnalysisError

SENDER, RECEIVER = "sender", "receiver"

STEPS: dict[tuple[str, str], str] = {
    ("draft", "submit"): "submitted",
    ("draft", "cancel"): "cancelled",
    ("submitted", "accept"): "accepted",
    ("submitted", "reject"): "rejected",
    ("submitted", "cancel"): "cancelled",
    ("accepted", "cancel"): "cancelled",
    ("accepted", "arrive"): "arrived",
    ("arrived", "complete"): "completed",
    ("completed", "down_refer"): "down_referred",
    ("completed", "follow_up"): "followed_up",
    ("down_referred", "follow_up"): "followed_up",
}
# who takes a step: the referring institution or the receiving one
SIDE: dict[str, str] = {
    "submit": SENDER,
    "cancel": SENDER,
    "follow_up": SENDER,
    "accept": RECEIVER,
    "reject": RECEIVER,
    "arrive": RECEIVER,
    "complete": RECEIVER,
    "down_refer": RECEIVER,
}
STATES: tuple[str, ...] = (
    "draft",
    "submitted",
    "accepted",
    "rejected",
    "cancelled",
    "arrived",
    "completed",
    "down_referred",
    "followed_up",
)
ENDED = ("rejected", "cancelled", "followed_up")
# the receiving institution reads the referred patient's record from the request until it hands the
# patient back (or the referral ends)
RECEIVER_READS = ("submitted", "accepted", "arrived", "completed")
# the sender owes the follow-up from the submission until it is recorded
AWAITING_FOLLOW_UP = ("submitted", "accepted", "arrived", "completed", "down_referred")
# a step that needs a word: the reason of a refusal or a cancellation, the report of the care, the
# result and advice of a down-referral, what the follow-up found
NEEDS_NOTE = ("reject", "cancel", "complete", "down_refer", "follow_up")


def next_state(state: str, action: str) -> str:
    """The state after ``action`` from ``state``, or AnalysisError("referral_step") for a step the
    workflow does not allow there."""
    try:
        return STEPS[(state, action)]
    except KeyError:
        raise AnalysisError(
            "referral_step", "This referral step is not allowed now.", state=state, action=action
        ) from None


def actions_from(state: str, side: str | None = None) -> list[str]:
    """The steps open from ``state`` (to ``side`` only, when given)."""
    return [a for (s, a) in STEPS if s == state and (side is None or SIDE[a] == side)]


@dataclass(frozen=True)
class Limits:
    answer_hours: float  # the receiving institution answers a referral within this
    urgent_answer_hours: float  # … an urgent one within this
    follow_up_days: int  # the sender follows the patient up within this

    def __post_init__(self) -> None:
        for name in ("answer_hours", "urgent_answer_hours"):
            value = getattr(self, name)
            if not (value == value and 0 < value < 24 * 365):  # NaN fails the first test
                raise AnalysisError(
                    "referral_limit", "A referral time limit is a positive number of hours, under a year."
                )
        if not 0 < self.follow_up_days <= 366:
            raise AnalysisError("referral_days", "The follow-up is due within 1 to 366 days.")


def answer_due(submitted_at: datetime, *, urgent: bool, limits: Limits) -> datetime:
    hours = limits.urgent_answer_hours if urgent else limits.answer_hours
    return submitted_at + timedelta(hours=hours)


def follow_up_due(submitted_on: date, down_referred_on: date | None, limits: Limits) -> date:
    """The day by which the sender follows the patient up: two weeks (by default) after the submission,
    or after the down-referral once the patient is handed back."""
    start = down_referred_on if down_referred_on is not None else submitted_on
    return start + timedelta(days=limits.follow_up_days)


@dataclass(frozen=True)
class AnswerTiming:
    overdue: bool  # submitted, not answered, past its due moment
    on_time: bool | None  # answered at or before the due moment; None while not answered
    hours: float | None  # from the submission to the answer; None while not answered


def answer_timing(
    *,
    state: str,
    submitted_at: datetime | None,
    due: datetime | None,
    answered_at: datetime | None,
    now: datetime,
) -> AnswerTiming:
    """Whether the answer came in time; a referral still waiting (``state`` submitted) past its due
    moment is overdue, one withdrawn before an answer is neither."""
    if submitted_at is None or due is None:
        return AnswerTiming(False, None, None)
    if answered_at is None:
        return AnswerTiming(state == "submitted" and now > due, None, None)
    hours = (answered_at - submitted_at).total_seconds() / 3600
    return AnswerTiming(False, answered_at <= due, hours)


@dataclass(frozen=True)
class Turnaround:
    answered: int
    median_hours: float | None
    on_time: int

    @property
    def on_time_rate(self) -> float | None:
        return self.on_time / self.answered if self.answered else None


def turnaround(answers: Iterable[AnswerTiming]) -> Turnaround:
    """How fast referrals were answered: the median hours and the share answered in time."""
    done = [a for a in answers if a.hours is not None]
    hours = [a.hours for a in done if a.hours is not None]
    return Turnaround(
        answered=len(done),
        median_hours=statistics.median(hours) if hours else None,
        on_time=sum(1 for a in done if a.on_time),
    )

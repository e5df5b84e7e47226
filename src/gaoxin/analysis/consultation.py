"""Online consultation (互联网+家庭医生签约服务 咨询): when a contracted resident's question waits for her
team, and how fast the team answered. Pure: no Django, no database.

《互联网诊疗管理办法（试行）》(2018): online care is a follow-up of common and chronic diseases and health
advice for contracted residents — no first-visit diagnosis online; a question that needs an examination is
sent to the clinic (the consultation is escalated to an appointment). The answer time limit is local (a
setting).

A thread is a list of messages, each (moment, from the resident or not). The resident waits from her
first message after the team's last one; the team's next message answers her. A question is due
``limit_hours`` after she began waiting; the due moment itself is in time.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from gaoxin.analysis.errors import AnalysisError

Message = tuple[datetime, bool]  # (when, from the resident)


def check_limit(limit_hours: float) -> None:
    if not (limit_hours == limit_hours and 0 < limit_hours < 24 * 365):
        raise AnalysisError(
            "consult_limit", "The answer time limit is a positive number of hours, under a year."
        )


def waiting_since(messages: Sequence[Message]) -> datetime | None:
    """The moment the resident began waiting (her first message after the team's last), or None when the
    team spoke last (or nobody spoke)."""
    since: datetime | None = None
    for at, from_resident in sorted(messages, key=lambda m: m[0]):
        if from_resident:
            since = since or at
        else:
            since = None
    return since


@dataclass(frozen=True)
class Waiting:
    since: datetime | None
    due: datetime | None
    overdue: bool


def waiting(messages: Sequence[Message], *, limit_hours: float, now: datetime) -> Waiting:
    check_limit(limit_hours)
    since = waiting_since(messages)
    if since is None:
        return Waiting(None, None, False)
    due = since + timedelta(hours=limit_hours)
    return Waiting(since, due, now > due)


def response_hours(messages: Sequence[Message]) -> list[float]:
    """For every turn of the resident that the team answered: the hours from her first message of the
    turn to the team's answer (a turn still waiting is not counted)."""
    out: list[float] = []
    since: datetime | None = None
    for at, from_resident in sorted(messages, key=lambda m: m[0]):
        if from_resident:
            since = since or at
        elif since is not None:
            out.append((at - since).total_seconds() / 3600)
            since = None
    return out

"""The adapter between the cases' rows and the core (gaoxin.analysis.cases)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from gaoxin.analysis import cases as core
from gaoxin.governance.models import Case

Timing = core.Timing
CaseFigures = core.CaseFigures
next_state = core.next_state
actions_from = core.actions_from
due_at = core.due_at
OPEN_STATES = core.OPEN_STATES
RUNNING = core.RUNNING


def timing(case: Case, now: datetime) -> core.Timing:
    return core.timing(due=case.due_at, fed_back_at=case.fed_back_at, state=case.status, now=now)


def figures(cases: Iterable[Case], now: datetime) -> core.CaseFigures:
    return core.figures(
        (core.CaseFacts(c.status, c.due_at, c.fed_back_at, c.sent_back, c.rating) for c in cases), now
    )

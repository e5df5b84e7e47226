"""The adapter between the cases' rows and the core (gaoxin.analysis.cases)."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date, datetime

from gaoxin import standards
from gaoxin.analysis import cases as core
from gaoxin.analysis import collection
from gaoxin.analysis import disputes as disputes_core
from gaoxin.governance.models import Case, Dispute, Household

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


def dispute_limits() -> dict[str, int]:
    rules = standards.load("governance").get("disputes", {})
    return {
        "first_action_days": int(rules.get("first_action_days", 3)),
        "limit_months": int(rules.get("limit_months", 1)),
    }


def dispute_clock(dispute: Dispute, today: date) -> disputes_core.DisputeClock:
    return disputes_core.clock(
        dispute.accepted_on,
        first_action_on=dispute.first_action_on,
        ended_on=dispute.ended_on,
        today=today,
        **dispute_limits(),
    )


AGE_BUCKETS = disputes_core.AGE_BUCKETS
age_bucket = disputes_core.age_bucket


def _collection_rules() -> tuple[int, dict[str, int]]:
    rules = standards.load("governance").get("collection", {})
    return int(rules.get("default_days", 365)), {k: int(v) for k, v in rules.get("groups", {}).items()}


def household_due(household: Household, today: date) -> collection.VisitDue:
    default, groups = _collection_rules()
    interval = collection.interval_days(household.groups or [], groups, default)
    return collection.visit_due(household.last_visit_on, interval, today)


def grid_coverage(households: Iterable[Household], today: date) -> collection.Coverage:
    return collection.coverage(household_due(h, today) for h in households)

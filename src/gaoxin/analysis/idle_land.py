"""The disposal of idle land as a case file, by 《闲置土地处置办法》 (国土资源部令第53号): investigation
(调查, art. 9: the holder answers within 30 days), determination (认定书, art. 12), then by its cause —
caused by the government (art. 8): an extension of the start of construction (延长动工开发期限, at most
one year) or another negotiated disposal; caused by the holder (art. 14): idle one full year → the idle
land fee (土地闲置费, 20 % of the land price) by decision, paid within its time limit; idle two full
years → the land taken back without compensation (无偿收回). A case closes when construction starts
(or after the taking back). Every step has a dated document; time limits count from the day after it
(Civil Code art. 201)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gaoxin.analysis.errors import AnalysisError

STAGES = ("investigation", "determined", "fee_decided", "fee_paid", "extended", "reclaimed", "closed")
FINAL = ("reclaimed", "closed")

# action -> (the stages it may follow, the stage it leads to)
ACTIONS: dict[str, tuple[tuple[str, ...], str]] = {
    "determine": (("investigation", "extended"), "determined"),
    "decide_fee": (("determined",), "fee_decided"),
    "record_payment": (("fee_decided",), "fee_paid"),
    "extend": (("determined",), "extended"),
    "reclaim": (("determined", "fee_decided", "fee_paid"), "reclaimed"),
    "close": (("investigation", "determined", "fee_decided", "fee_paid", "extended"), "closed"),
}


@dataclass(frozen=True)
class Limits:
    """Time limits in days (configurable; the values of 部令53号 as read here are marked in the
    standards file): the holder's answer to the investigation notice, the payment of the idle land fee,
    and the longest extension of the start of construction."""

    answer_days: int = 30
    payment_days: int = 30
    max_extension_days: int = 366


def due(on: dt.date, days: int) -> dt.date:
    """The last day of a time limit of ``days`` starting with an act on ``on`` (the day of the act is not
    counted: Civil Code art. 201)."""
    if days < 0:
        raise AnalysisError("idle_limit", "a time limit is a number of days, not negative")
    return on + dt.timedelta(days=days)


def allowed(stage: str, *, government_cause: bool, idle_years: int) -> list[str]:
    """The actions open at ``stage``: an idle land fee only when the holder caused it and one full year
    has passed; taking back only when the holder caused it and two full years have passed; an extension
    only when the government caused the delay (art. 8)."""
    out = []
    for action, (after, _to) in ACTIONS.items():
        if stage not in after:
            continue
        if action == "decide_fee" and (government_cause or idle_years < 1):
            continue
        if action == "reclaim" and (government_cause or idle_years < 2):
            continue
        if action == "extend" and not government_cause:
            continue
        out.append(action)
    return out


def advance(
    stage: str,
    action: str,
    *,
    government_cause: bool,
    idle_years: int,
    on: dt.date,
    opened_on: dt.date,
    extension_until: dt.date | None = None,
    limits: Limits = Limits(),
) -> str:
    """The stage after ``action``, or the core's error saying why the step is not open now."""
    if stage not in STAGES:
        raise AnalysisError("idle_stage", f"unknown stage {stage!r}")
    if action not in ACTIONS:
        raise AnalysisError("idle_step", f"unknown action {action!r}")
    if on < opened_on:
        raise AnalysisError("idle_date", "a step cannot be dated before the case was opened")
    if action not in allowed(stage, government_cause=government_cause, idle_years=idle_years):
        raise AnalysisError("idle_step", f"{action} is not open at {stage}")
    if action == "extend":
        if extension_until is None or extension_until <= on:
            raise AnalysisError("idle_extension", "an extension needs a new start date after the decision")
        if extension_until > due(on, limits.max_extension_days):
            raise AnalysisError("idle_extension", "an extension is at most one year")
    return ACTIONS[action][1]


def fee(land_price_yuan: float | None, share: float) -> float | None:
    """The idle land fee: ``share`` (20 %) of the land price (art. 14); None without a price."""
    if land_price_yuan is None:
        return None
    if not (0.0 <= share <= 1.0) or land_price_yuan < 0:
        raise AnalysisError("idle_fee", "the fee is a share of a non-negative land price")
    return round(land_price_yuan * share, 2)


def redevelopment_outcome(before: Sequence[str], after: Sequence[str]) -> dict[str, Any]:
    """What a finished redevelopment of low-efficiency land achieved: the rules the parcel met when it
    started and no longer meets (``cleared``), those it still meets (``remaining``) and any it meets
    now but did not then (``new``); ``achieved`` when it meets none."""
    b, a = list(dict.fromkeys(before)), list(dict.fromkeys(after))
    return {
        "cleared": [r for r in b if r not in a],
        "remaining": [r for r in b if r in a],
        "new": [r for r in a if r not in b],
        "achieved": not a,
    }


def redevelopment_progress(last: int | None, progress: int, last_on: dt.date | None, on: dt.date) -> None:
    """A progress report must not go back in time or in progress, and lies in 0–100 %."""
    if not 0 <= progress <= 100:
        raise AnalysisError("redevelopment_progress", "progress is a share from 0 to 100 %")
    if last is not None and progress < last:
        raise AnalysisError(
            "redevelopment_progress", f"progress cannot fall below the last report's {last} %"
        )
    if last_on is not None and on < last_on:
        raise AnalysisError(
            "redevelopment_date", f"a report cannot be dated before the last one ({last_on.isoformat()})"
        )

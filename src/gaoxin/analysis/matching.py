"""Enterprise service requests: which providers to suggest, when a request is due and late, and the
figures per service field and provider. Pure: no Django, no database.

A provider is suggested for a request when it offers a service in the request's field. Among those, the
order is: serves the enterprise's industry (a provider that names no industries serves all), serves its
size, then the provider's rating as a Bayesian average — ``(C·m + Σ ratings) / (C + n)`` with the prior
mean ``m`` and weight ``C`` — so one 5-star rating does not outrank twenty 4.6-star ones; then fewer
open requests in hand, then the name.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

from gaoxin.analysis.errors import AnalysisError

PRIOR_MEAN = 3.5  # the rating a provider without ratings is assumed to deserve (1–5 scale) [recall]
PRIOR_WEIGHT = 3.0  # how many ratings that prior is worth [recall]


@dataclass(frozen=True)
class Provider:
    id: int
    name: str
    fields: frozenset[str]
    industries: tuple[str, ...] = ()  # GB/T 4754 prefixes; empty: every industry
    sizes: frozenset[str] = frozenset()  # "above", "below"; empty: every size
    ratings: tuple[int, ...] = ()
    open_requests: int = 0


@dataclass(frozen=True)
class Suggestion:
    provider: Provider
    industry_match: bool
    size_match: bool
    rating: float  # the Bayesian average
    reasons: tuple[str, ...] = field(default_factory=tuple)  # codes: industry, size, rating, load


def bayesian_rating(
    ratings: Sequence[int], *, prior_mean: float = PRIOR_MEAN, prior_weight: float = PRIOR_WEIGHT
) -> float:
    """The rating shrunk toward the prior: (C·m + Σ r) / (C + n)."""
    if any(r < 1 or r > 5 for r in ratings):
        raise AnalysisError("rating_range", "A rating is a whole number from 1 to 5.")
    if prior_weight < 0:
        raise AnalysisError("prior_weight", "The prior's weight must not be negative.")
    n = len(ratings)
    if n == 0 and prior_weight == 0:
        return prior_mean
    return (prior_weight * prior_mean + sum(ratings)) / (prior_weight + n)


def _serves_industry(provider: Provider, industry: str) -> bool:
    return not provider.industries or any(industry.startswith(p) for p in provider.industries)


def suggest(
    providers: Iterable[Provider],
    *,
    field_code: str,
    industry: str,
    size: str,
    limit: int = 5,
    prior_mean: float = PRIOR_MEAN,
    prior_weight: float = PRIOR_WEIGHT,
) -> list[Suggestion]:
    """The providers offering the field, best first (see the module's docstring), at most ``limit``."""
    if limit < 1:
        raise AnalysisError("limit", "Ask for at least one suggestion.")
    out = []
    for p in providers:
        if field_code not in p.fields:
            continue
        ind = _serves_industry(p, industry)
        siz = not p.sizes or size in p.sizes
        rating = bayesian_rating(p.ratings, prior_mean=prior_mean, prior_weight=prior_weight)
        reasons = tuple(
            code
            for code, ok in (
                ("industry", ind and bool(p.industries)),
                ("size", siz and bool(p.sizes)),
                ("rating", bool(p.ratings) and rating >= 4.0),
                ("load", p.open_requests == 0),
            )
            if ok
        )
        out.append(Suggestion(p, ind, siz, rating, reasons))
    out.sort(
        key=lambda s: (
            not s.industry_match,
            not s.size_match,
            -s.rating,
            s.provider.open_requests,
            s.provider.name,
        )
    )
    return out[:limit]


def due_on(handed_on: date, limit_days: int) -> date:
    """The last day to close a request handed over on ``handed_on`` with a limit of ``limit_days``
    calendar days: the handover day is not counted (民法典 art. 201), so a 10-day limit from 1 March
    ends on 11 March."""
    if limit_days < 1:
        raise AnalysisError("limit_days", "A time limit is at least one day.")
    return handed_on + timedelta(days=limit_days)


def is_late(due: date | None, closed_on: date | None, today: date) -> bool:
    """Closed after its last day, or still open after it."""
    if due is None:
        return False
    return (closed_on if closed_on is not None else today) > due


@dataclass(frozen=True)
class RequestRow:
    group: str  # a field or a provider
    closed: bool
    late: bool
    days_to_close: int | None
    rating: int | None


@dataclass(frozen=True)
class Figures:
    group: str
    requests: int
    closed: int
    on_time: int
    late: int
    mean_days: float | None
    mean_rating: float | None
    rated: int

    @property
    def on_time_rate(self) -> float | None:
        """Share of the closed requests closed within their limit."""
        return None if self.closed == 0 else (self.closed - self.late_closed) / self.closed

    @property
    def late_closed(self) -> int:
        return self.closed - self.on_time


def figures(rows: Iterable[RequestRow]) -> list[Figures]:
    """Per group: requests, closed, closed on time, late (open or closed), mean days to close, mean rating."""
    groups: dict[str, list[RequestRow]] = {}
    for r in rows:
        groups.setdefault(r.group, []).append(r)
    out = []
    for g, rs in sorted(groups.items()):
        closed = [r for r in rs if r.closed]
        days = [r.days_to_close for r in closed if r.days_to_close is not None]
        ratings = [r.rating for r in rs if r.rating is not None]
        out.append(
            Figures(
                group=g,
                requests=len(rs),
                closed=len(closed),
                on_time=sum(1 for r in closed if not r.late),
                late=sum(1 for r in rs if r.late),
                mean_days=sum(days) / len(days) if days else None,
                mean_rating=sum(ratings) / len(ratings) if ratings else None,
                rated=len(ratings),
            )
        )
    return out

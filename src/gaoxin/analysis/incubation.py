"""The incubation programme (after Changsha's 柳枝行动): expert scores, the selection of a call, grant
tranches on milestones, and the funnel applications → screened → incubated → financed. Pure: no Django.

Scores: each expert scores an application on criteria out of their maxima; an expert who declared a
conflict of interest is left out. The application's score is the mean of the remaining experts' totals,
and exists only when at least ``min_reviews`` of them scored (a single expert decides nothing).
Selection: the applications with a score of at least the call's minimum, best first, up to the call's
places; a tie at the last place is broken by the earlier submission, then the lower number — never by
chance.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from decimal import ROUND_DOWN, Decimal

from gaoxin.analysis.errors import AnalysisError

# Criteria and their maxima (points): the common layout of start-up competitions' score sheets [recall].
CRITERIA: dict[str, int] = {"team": 25, "technology": 30, "market": 25, "business_model": 20}


@dataclass(frozen=True)
class Review:
    reviewer: int
    scores: Mapping[str, float] | None  # None: not scored yet
    conflict: bool = False

    @property
    def total(self) -> float | None:
        return None if self.scores is None else float(sum(self.scores.values()))


def check_scores(scores: Mapping[str, float], criteria: Mapping[str, int] = CRITERIA) -> None:
    """Every criterion scored once, within 0..its maximum."""
    if set(scores) != set(criteria):
        raise AnalysisError("score_criteria", "Score every criterion once.")
    for name, value in scores.items():
        if not (0 <= value <= criteria[name]):
            raise AnalysisError(
                "score_range",
                "%s is scored 0 to %s." % (name, criteria[name]),
                criterion=name,
                maximum=criteria[name],
            )


@dataclass(frozen=True)
class Score:
    value: float | None  # None: not enough valid reviews yet
    counted: int  # reviews counted (scored, no conflict)
    conflicts: int
    pending: int  # assigned, no conflict, not scored yet


def score(reviews: Sequence[Review], *, min_reviews: int = 2) -> Score:
    """The mean total of the scored reviews without a conflict, if there are at least ``min_reviews``."""
    if min_reviews < 1:
        raise AnalysisError("min_reviews", "At least one review is needed.")
    counted = [r.total for r in reviews if not r.conflict and r.total is not None]
    conflicts = sum(1 for r in reviews if r.conflict)
    pending = sum(1 for r in reviews if not r.conflict and r.scores is None)
    value = sum(v for v in counted if v is not None) / len(counted) if len(counted) >= min_reviews else None
    return Score(None if value is None else round(value, 2), len(counted), conflicts, pending)


@dataclass(frozen=True)
class Candidate:
    id: int
    number: str
    submitted: str  # ISO date-time: earlier submissions win ties
    score: float | None


def select(candidates: Sequence[Candidate], *, places: int, min_score: float) -> list[int]:
    """The ids selected for incubation (see the module's docstring)."""
    if places < 0:
        raise AnalysisError("places", "The number of places must not be negative.")
    ok = [c for c in candidates if c.score is not None and c.score >= min_score]
    ok.sort(key=lambda c: (-(c.score or 0.0), c.submitted, c.number))
    return [c.id for c in ok[:places]]


def tranches(grant_yuan: Decimal, shares: Sequence[Decimal]) -> list[Decimal]:
    """The grant split into tranches by ``shares`` (summing to 1), to the fen; the last tranche takes the
    remainder so the tranches always add up to the grant."""
    if grant_yuan < 0:
        raise AnalysisError("grant_negative", "A grant must not be negative.")
    if not shares or any(s <= 0 for s in shares) or sum(shares) != 1:
        raise AnalysisError("tranche_shares", "Tranche shares are positive and add up to 1.")
    cent = Decimal("0.01")
    out = [(grant_yuan * s).quantize(cent, rounding=ROUND_DOWN) for s in shares[:-1]]
    out.append(grant_yuan - sum(out, Decimal(0)))
    return out


@dataclass(frozen=True)
class Funnel:
    applications: int
    screened: int  # passed the formal check and went to the experts
    incubated: int
    financed: int  # at least one financing round
    raised_yuan: Decimal
    graduated: int

    def rate(self, a: int, b: int) -> float | None:
        return None if b == 0 else a / b

    @property
    def screened_rate(self) -> float | None:
        return self.rate(self.screened, self.applications)

    @property
    def incubated_rate(self) -> float | None:
        """Incubated of the screened (柳枝行动: 466 of 4,279)."""
        return self.rate(self.incubated, self.screened)

    @property
    def financed_rate(self) -> float | None:
        """Financed of the incubated (柳枝行动: 56 of 466)."""
        return self.rate(self.financed, self.incubated)


@dataclass(frozen=True)
class Stage:
    screened: bool
    incubated: bool
    rounds: Sequence[Decimal]
    graduated: bool = False


def funnel(stages: Sequence[Stage]) -> Funnel:
    """Count an applications' stages into the funnel. An application counts in a stage only if it
    passed the stages before it (an incubated one was screened; a financed one was incubated)."""
    screened = [s for s in stages if s.screened]
    incubated = [s for s in screened if s.incubated]
    financed = [s for s in incubated if any(a > 0 for a in s.rounds)]
    return Funnel(
        applications=len(stages),
        screened=len(screened),
        incubated=len(incubated),
        financed=len(financed),
        raised_yuan=sum((a for s in incubated for a in s.rounds), Decimal(0)),
        graduated=sum(1 for s in incubated if s.graduated),
    )

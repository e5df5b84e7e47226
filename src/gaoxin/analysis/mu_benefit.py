"""亩产效益 (output-per-mu) scoring and A/B/C/D classing, the Shandong method.

Method (鲁政字〔2019〕235号 and the Shandong-style implementations it leads to; docs/methods.md):

    score = max(0, Σ_i w_i × clip(x_i / b_i, floor, cap) + bonus − penalty)

where ``x_i = scale_i × numerator_i / denominator_i`` is the enterprise's value of indicator i,
``b_i`` its benchmark (fixed, or ``k ×`` the pool's mean of the previous year — "基准值参照上年度本区县
平均值的2倍左右"), ``w_i`` its weight and ``cap`` the per-indicator cap on the ratio (each sub-score
≤ cap × weight). Enterprises are ranked within their pool (规上 and 规下 are separate pools) and
classed by quota: A is the top ``floor(a_share × N)`` (A ≤ 20 %), D the bottom ``ceil(d_share × N)``
(D ≥ 5 %), B the next ``b_share × N`` (rounded as the scheme says: nearest by default) after A and C the
rest; N is the pool's total or only its evaluated firms, as the scheme says (the zone's published 2023
result matches N = total incl. T: 规上 275 → 55 / 97 / 99 / 14 with B 35 % rounded up, 规下 100 →
20 / 40 / 35 / 5).

Everything that is policy is in the scheme (a standards TOML, editable per year and jurisdiction):
indicators, weights, benchmarks, the cap, the missing-data rule per indicator (zero / pool-average
sub-score / a penalty), bonus and penalty items, forced-class (veto) items, exclusions to class T
(utilities by GB/T 4754 code, start-ups by years in production, flagged items such as major projects
under construction), quota shares and the tie-break.

The computation is vectorised over all enterprises (numpy); ``Result.explain(i)`` builds one
enterprise's reasons on demand, so scoring 100,000 firms does not build 100,000 explanations.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Literal, cast

import numpy as np
from numpy.typing import NDArray

from gaoxin.analysis.dates import day_after_years, periods_passed, working_days_end
from gaoxin.analysis.errors import AnalysisError

CLASSES = ("A", "B", "C", "D", "T")
MissingRule = Literal["zero", "pool_mean", "penalty"]
BenchmarkMethod = Literal["fixed", "prior_mean"]
QuotaBasis = Literal["total", "evaluated"]
Rounding = Literal["down", "nearest", "up"]
ROUNDINGS = ("down", "nearest", "up")


class SchemeError(AnalysisError):
    """The scheme is inconsistent (unknown rule, weights missing, shares above 100 % …)."""


class DataError(AnalysisError):
    """The enterprise data does not fit the scheme (missing metric column, wrong length …)."""


# --------------------------------------------------------------------------------------- scheme


@dataclass(frozen=True)
class Indicator:
    """One scored indicator. ``denominator`` may name several metrics, summed with
    ``denominator_factors`` (e.g. COD + NH3-N + SO2 + NOx by mass, or by pollution equivalent)."""

    code: str
    label: str
    numerator: str
    denominator: tuple[str, ...]
    weight: float
    benchmark: BenchmarkMethod
    benchmark_value: float | None = None  # for "fixed"
    k: float = 2.0  # for "prior_mean"
    scale: float = 1.0  # e.g. 100 to state a share in per cent
    unit: str = ""
    denominator_factors: tuple[float, ...] = ()
    missing: MissingRule = "zero"
    missing_penalty: float = 0.0
    clause: str = ""


@dataclass(frozen=True)
class Adjustment:
    """A bonus (+) or penalty (−) item the enterprise earns when it carries the flag ``code``."""

    code: str
    label: str
    points: float
    clause: str = ""


@dataclass(frozen=True)
class Veto:
    """一票否决: an enterprise carrying the flag ``code`` is put in ``klass`` whatever its score."""

    code: str
    label: str
    klass: str
    clause: str = ""


@dataclass(frozen=True)
class Quotas:
    """Class sizes as shares of the pool and how each rounds to whole firms: A down (A ≤ 20 %), D up
    (D ≥ 5 %), B to the nearest (half up) unless the scheme says otherwise. The zone's published 2023
    split (规上 275 firms with 10 T → A 55 / B 97 / C 99 / D 14; 规下 100 → 20 / 40 / 35 / 5) is B 35 %
    rounded up for 规上 and B 40 % for 规下, on the pool's total."""

    a_share: float = 0.20
    b_share: float = 0.40
    d_share: float = 0.05
    basis: QuotaBasis = "total"
    a_rounding: Rounding = "down"
    b_rounding: Rounding = "nearest"
    d_rounding: Rounding = "up"

    def sizes(self, n: int) -> dict[str, int]:
        """The A, B and D quotas of a pool whose basis counts ``n`` firms."""
        return {
            "A": _rounded(self.a_share * n, self.a_rounding),
            "B": _rounded(self.b_share * n, self.b_rounding),
            "D": _rounded(self.d_share * n, self.d_rounding),
        }


def _rounded(x: float, how: str) -> int:
    """A share of firms as whole firms (1e-9 absorbs float noise: 0.2 × 275 is 55, not 55.000…01)."""
    if how == "down":
        return math.floor(x + 1e-9)
    if how == "up":
        return math.ceil(x - 1e-9)
    return math.floor(x + 0.5)


@dataclass(frozen=True)
class Exclusions:
    """Who goes to class T (暂不评价). ``industry_prefixes``: GB/T 4754 codes starting so (44/45/46:
    电力、热力、燃气及水生产和供应业); ``startup_years``: fewer full years in production than this at the
    end of the year; ``flags``: flag codes that exclude (e.g. ``major_project``)."""

    industry_prefixes: tuple[str, ...] = ()
    startup_years: float = 0.0
    flags: tuple[str, ...] = ()


@dataclass(frozen=True)
class Pool:
    code: str
    label: str
    indicators: tuple[Indicator, ...]
    quotas: Quotas = field(default_factory=Quotas)
    exclusions: Exclusions = field(default_factory=Exclusions)
    adjustments: tuple[Adjustment, ...] = ()
    vetoes: tuple[Veto, ...] = ()
    cap: float | None = 2.0
    floor: float = 0.0
    tie_break: tuple[str, ...] = ()  # indicator codes, higher value first; then the enterprise id
    decimals: int = 2  # the published score is rounded so; ranking and ties use the rounded score
    min_land_mu: float = (
        0.0  # firms with less land are not in the pool at all (鲁政字〔2019〕235号: 规下 占地3亩以上)
    )


@dataclass(frozen=True)
class Surcharge:
    """D-class electricity surcharge in yuan/kWh by consecutive D years (1st, 2nd, 3rd and later);
    鲁发改价格〔2022〕56号: 0.05 / 0.10 / 0.15."""

    tiers_yuan_per_kwh: tuple[float, ...] = (0.05, 0.10, 0.15)

    def for_years(self, consecutive_d: int) -> float:
        if consecutive_d <= 0 or not self.tiers_yuan_per_kwh:
            return 0.0
        return self.tiers_yuan_per_kwh[min(consecutive_d, len(self.tiers_yuan_per_kwh)) - 1]


POLICY_KINDS = ("surcharge", "relief", "list")
POLICY_CLASSES = ("A", "B", "C", "D")  # the classes a policy differentiates (T: not rated)
SQUARE_METRES_PER_MU = 10_000 / 15  # 1 亩 = 666.67 m²


@dataclass(frozen=True)
class ClassPolicy:
    """A policy differentiated by the 亩产效益 class (亩均论英雄): what each class gets.

    ``kind`` "surcharge": a price added per unit of ``resource`` (water 元/m³, gas 元/m³, electricity
    元/kWh), ``rate[class]``, with ``d_tiers`` by consecutive D years instead of a flat D rate;
    "relief": a share (0..1) of a tax waived (城镇土地使用税), with ``yuan_per_m2`` the tax's yearly rate
    to estimate the amount from the land area; "list": who is on a list and how (banks' 亩均贷 and
    credit, energy and emission quotas), ``treatment[class]`` in words. A class without an entry is
    not on the policy's list."""

    code: str
    label: str
    kind: str
    resource: str
    unit: str = ""
    rate: Mapping[str, float] = field(default_factory=dict)
    d_tiers: tuple[float, ...] = ()
    treatment: Mapping[str, str] = field(default_factory=dict)
    yuan_per_m2: float = 0.0
    clause: str = ""

    def applies(self, klass: str) -> bool:
        if self.kind == "list":
            return klass in self.treatment
        return klass in self.rate or (klass == "D" and bool(self.d_tiers))

    def value(self, klass: str, consecutive_d: int = 0) -> float:
        """The rate (surcharge per unit) or the share waived (relief) for a firm of this class; 0 when
        the class is not on the policy (and for lists, which carry words)."""
        if self.kind == "list":
            return 0.0
        if klass == "D" and self.d_tiers and consecutive_d > 0:
            return self.d_tiers[min(consecutive_d, len(self.d_tiers)) - 1]
        return float(self.rate.get(klass, 0.0))


@dataclass(frozen=True)
class PolicyLine:
    """One firm on one policy's list: its value (rate or share), the estimated yuan where the data allows
    (relief × rate × land), and ``superseded_by`` the code of the policy that applies instead when
    surcharges on the same resource do not stack."""

    key: Any
    klass: str
    value: float
    treatment: str = ""
    amount_yuan: float | None = None
    superseded_by: str = ""


def policy_lines(
    scheme: Scheme, firms: Sequence[tuple[Any, str, int, float | None]]
) -> dict[str, list[PolicyLine]]:
    """Every policy of the scheme over the firms (key, class, consecutive D years, land in 亩): the firms
    each policy lists, in the firms' order. Surcharges on one resource do not stack by default
    (``scheme.overlap`` "highest": the highest applies and the others name it; "sum": all apply)."""
    out: dict[str, list[PolicyLine]] = {}
    policies = scheme.all_policies()
    for pol in policies:
        lines = []
        for key, klass, d_years, land_mu in firms:
            if not pol.applies(klass):
                continue
            value = pol.value(klass, d_years)
            amount = None
            if pol.kind == "relief" and pol.yuan_per_m2 and land_mu is not None:
                amount = value * pol.yuan_per_m2 * float(land_mu) * SQUARE_METRES_PER_MU
            lines.append(PolicyLine(key, klass, value, pol.treatment.get(klass, ""), amount))
        out[pol.code] = lines
    if scheme.overlap == "highest":
        surcharges = [p for p in policies if p.kind == "surcharge"]
        for pol in surcharges:
            same = [q for q in surcharges if q.resource == pol.resource]  # in the scheme's order
            if len(same) < 2:
                continue
            best_of: dict[Any, tuple[str, float]] = {}
            for q in same:
                for line in out[q.code]:
                    cur = best_of.get(line.key)
                    # the highest rate wins; of equal rates the policy listed first
                    if cur is None or line.value > cur[1]:
                        best_of[line.key] = (q.code, line.value)
            out[pol.code] = [
                line
                if best_of[line.key][0] == pol.code
                else dataclasses.replace(line, superseded_by=best_of[line.key][0])
                for line in out[pol.code]
            ]
    return out


def _policy(d: Mapping[str, Any], where: str) -> ClassPolicy:
    code = str(_req(d, "code", where))
    where = f"{where} {code}"
    kind = str(_req(d, "kind", where))
    if kind not in POLICY_KINDS:
        raise SchemeError("bad_rule", f"{where}: kind must be one of {POLICY_KINDS}", where=where)
    rate = {}
    for klass, v in dict(d.get("rate", {})).items():
        if klass not in POLICY_CLASSES:
            raise SchemeError("bad_rule", f"{where}: unknown class {klass!r}", where=where)
        rate[klass] = _share(v, f"{where} rate") if kind == "relief" else _num(v, f"{where} rate")
        if rate[klass] < 0:
            raise SchemeError("not_positive", f"{where}: a rate cannot be negative", where=where)
    tiers = tuple(_num(x, f"{where} d_tiers") for x in d.get("d_tiers", ()))
    if any(t < 0 for t in tiers):
        raise SchemeError("not_positive", f"{where}: a rate cannot be negative", where=where)
    treatment = {str(k): str(v) for k, v in dict(d.get("treatment", {})).items()}
    if any(k not in POLICY_CLASSES for k in treatment):
        raise SchemeError("bad_rule", f"{where}: unknown class in treatment", where=where)
    if kind == "list" and not treatment:
        raise SchemeError(
            "missing_key", f"{where}: a list needs its treatment per class", key="treatment", where=where
        )
    if kind != "list" and not rate and not tiers:
        raise SchemeError("missing_key", f"{where}: a rate per class is required", key="rate", where=where)
    return ClassPolicy(
        code=code,
        label=str(d.get("label", code)),
        kind=kind,
        resource=str(_req(d, "resource", where)),
        unit=str(d.get("unit", "")),
        rate=rate,
        d_tiers=tiers,
        treatment=treatment,
        yuan_per_m2=_num(d.get("yuan_per_m2", 0.0), f"{where} yuan_per_m2"),
        clause=str(d.get("clause", "")),
    )


@dataclass(frozen=True)
class Scheme:
    name: str
    title: str
    year: int | None
    pools: tuple[Pool, ...]
    surcharge: Surcharge = field(default_factory=Surcharge)
    land: LandRules = field(default_factory=lambda: LandRules())
    policies: tuple[ClassPolicy, ...] = ()
    overlap: str = "highest"  # surcharges on one resource: "highest" applies, or "sum" of all
    notice_days: str = "calendar"  # the objection window counts "calendar" or "working" days

    def notice_end(
        self, published: date, days: int, holidays: frozenset[date], workdays: frozenset[date]
    ) -> date:
        """The last day objections are accepted: ``days`` after the day of publication (not counted,
        Civil Code art. 201), working days with the zone's holiday calendar when the scheme says so."""
        if self.notice_days == "working":
            return working_days_end(published, days, holidays, workdays)
        return published + timedelta(days=days)

    def all_policies(self) -> tuple[ClassPolicy, ...]:
        """The class policies: the D-class electricity surcharge of ``[surcharge]`` first, then the
        scheme's ``[[policy]]`` entries."""
        electricity = ClassPolicy(
            code="electricity",
            label="差别化电价",
            kind="surcharge",
            resource="electricity",
            unit="元/千瓦时",
            d_tiers=self.surcharge.tiers_yuan_per_kwh,
            clause="鲁发改价格〔2022〕56号",
        )
        return (electricity, *self.policies)

    def pool(self, code: str) -> Pool:
        for p in self.pools:
            if p.code == code:
                return p
        raise SchemeError("unknown_pool", f"the scheme has no pool {code!r}", pool=code)

    @property
    def metrics(self) -> list[str]:
        """Every metric the scheme reads, in a stable order."""
        seen: dict[str, None] = {}
        for p in self.pools:
            for ind in p.indicators:
                seen[ind.numerator] = None
                for d in ind.denominator:
                    seen[d] = None
        return list(seen)


def _req(d: Mapping[str, Any], key: str, where: str) -> Any:
    if key not in d:
        raise SchemeError("missing_key", f"{where}: '{key}' is required", key=key, where=where)
    return d[key]


def _num(value: Any, where: str, *, positive: bool = False) -> float:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise SchemeError("not_a_number", f"{where}: {value!r} is not a number", where=where)
    out = float(value)
    if not math.isfinite(out) or (positive and out <= 0):
        raise SchemeError("not_positive", f"{where}: {value!r} must be a positive number", where=where)
    return out


def _share(value: Any, where: str) -> float:
    out = _num(value, where)
    if not 0 <= out <= 1:
        raise SchemeError("bad_share", f"{where}: a share is between 0 and 1, not {value!r}", where=where)
    return out


def _indicator(d: Mapping[str, Any], where: str) -> Indicator:
    code = str(_req(d, "code", where))
    where = f"{where} '{code}'"
    denominator = _req(d, "denominator", where)
    denom = (denominator,) if isinstance(denominator, str) else tuple(str(x) for x in denominator)
    if not denom:
        raise SchemeError("missing_key", f"{where}: 'denominator' is empty", key="denominator", where=where)
    factors = tuple(_num(x, f"{where} denominator_factors") for x in d.get("denominator_factors", ()))
    if factors and len(factors) != len(denom):
        raise SchemeError(
            "factor_count", f"{where}: one denominator factor per denominator metric", where=where
        )
    method = str(d.get("benchmark", "prior_mean"))
    if method not in ("fixed", "prior_mean"):
        raise SchemeError("bad_rule", f"{where}: benchmark '{method}' is not fixed/prior_mean", where=where)
    value = None
    if method == "fixed":
        value = _num(_req(d, "benchmark_value", where), f"{where} benchmark_value", positive=True)
    missing = str(d.get("missing", "zero"))
    if missing not in ("zero", "pool_mean", "penalty"):
        raise SchemeError(
            "bad_rule", f"{where}: missing rule '{missing}' is not zero/pool_mean/penalty", where=where
        )
    return Indicator(
        code=code,
        label=str(d.get("label", code)),
        numerator=str(_req(d, "numerator", where)),
        denominator=denom,
        weight=_num(_req(d, "weight", where), f"{where} weight", positive=True),
        benchmark=cast(BenchmarkMethod, method),  # checked against the two methods above
        benchmark_value=value,
        k=_num(d.get("k", 2.0), f"{where} k", positive=True),
        scale=_num(d.get("scale", 1.0), f"{where} scale", positive=True),
        unit=str(d.get("unit", "")),
        denominator_factors=factors,
        missing=cast(MissingRule, missing),  # checked against the three rules above
        missing_penalty=_num(d.get("missing_penalty", 0.0), f"{where} missing_penalty"),
        clause=str(d.get("clause", "")),
    )


def _pool(d: Mapping[str, Any], where: str) -> Pool:
    code = str(_req(d, "code", where))
    where = f"pool '{code}'"
    indicators = tuple(_indicator(x, f"{where} indicator") for x in _req(d, "indicator", where))
    if not indicators:
        raise SchemeError("missing_key", f"{where}: at least one indicator", key="indicator", where=where)
    codes = [i.code for i in indicators]
    if len(set(codes)) != len(codes):
        raise SchemeError("duplicate", f"{where}: indicator codes must be unique", where=where)
    q = d.get("quotas", {})
    quotas = Quotas(
        a_share=_share(q.get("a_share", 0.20), f"{where} a_share"),
        b_share=_share(q.get("b_share", 0.40), f"{where} b_share"),
        d_share=_share(q.get("d_share", 0.05), f"{where} d_share"),
        basis=cast(QuotaBasis, str(q.get("basis", "total"))),  # checked just below
        a_rounding=cast(Rounding, str(q.get("a_rounding", "down"))),  # checked just below
        b_rounding=cast(Rounding, str(q.get("b_rounding", "nearest"))),
        d_rounding=cast(Rounding, str(q.get("d_rounding", "up"))),
    )
    for name in ("a_rounding", "b_rounding", "d_rounding"):
        if getattr(quotas, name) not in ROUNDINGS:
            raise SchemeError(
                "bad_rule", f"{where}: {name} '{getattr(quotas, name)}' is not down/nearest/up", where=where
            )
    if quotas.basis not in ("total", "evaluated"):
        raise SchemeError(
            "bad_rule", f"{where}: quota basis '{quotas.basis}' is not total/evaluated", where=where
        )
    if quotas.a_share + quotas.b_share + quotas.d_share > 1 + 1e-9:
        raise SchemeError("bad_share", f"{where}: A + B + D shares exceed 100 %", where=where)
    e = d.get("exclusions", {})
    exclusions = Exclusions(
        industry_prefixes=tuple(str(x) for x in e.get("industry_prefixes", ())),
        startup_years=_num(e.get("startup_years", 0.0), f"{where} startup_years"),
        flags=tuple(str(x) for x in e.get("flags", ())),
    )
    adjustments = tuple(
        Adjustment(
            code=str(_req(a, "code", where)),
            label=str(a.get("label", a["code"])),
            points=_num(_req(a, "points", where), f"{where} adjustment points"),
            clause=str(a.get("clause", "")),
        )
        for a in d.get("adjustment", ())
    )
    vetoes = []
    for v in d.get("veto", ()):
        klass = str(_req(v, "class", where))
        if klass not in ("A", "B", "C", "D"):
            raise SchemeError("bad_rule", f"{where}: a veto forces class A-D, not {klass!r}", where=where)
        vetoes.append(
            Veto(str(_req(v, "code", where)), str(v.get("label", v["code"])), klass, str(v.get("clause", "")))
        )
    cap = d.get("cap", 2.0)
    tie_break = tuple(str(x) for x in d.get("tie_break", ()))
    unknown = [t for t in tie_break if t not in codes]
    if unknown:
        raise SchemeError(
            "unknown_indicator", f"{where}: tie-break names unknown indicator {unknown[0]!r}", where=where
        )
    return Pool(
        code=code,
        label=str(d.get("label", code)),
        indicators=indicators,
        quotas=quotas,
        exclusions=exclusions,
        adjustments=adjustments,
        vetoes=tuple(vetoes),
        cap=None if cap is False or cap is None else _num(cap, f"{where} cap", positive=True),
        floor=_num(d.get("floor", 0.0), f"{where} floor"),
        tie_break=tie_break,
        decimals=int(_num(d.get("decimals", 2), f"{where} decimals")),
        min_land_mu=_num(d.get("min_land_mu", 0.0), f"{where} min_land_mu"),
    )


def scheme_from_dict(d: Mapping[str, Any]) -> Scheme:
    """Build and check a scheme from its TOML form (see ``standards/mu_benefit_*.toml``)."""
    pools = tuple(_pool(p, "pool") for p in _req(d, "pool", "scheme"))
    if not pools:
        raise SchemeError("missing_key", "scheme: at least one pool", key="pool", where="scheme")
    if len({p.code for p in pools}) != len(pools):
        raise SchemeError("duplicate", "scheme: pool codes must be unique", where="scheme")
    s = d.get("surcharge", {})
    tiers = tuple(_num(x, "surcharge tier") for x in s.get("electricity_yuan_per_kwh", (0.05, 0.10, 0.15)))
    year = d.get("year")
    ld = d.get("land", {})
    land = LandRules(
        consecutive_d=int(_num(ld.get("consecutive_d", 2), "land consecutive_d", positive=True)),
        tax_share_of_average=_share(ld.get("tax_share_of_average", 0.5), "land tax_share_of_average"),
        min_plot_ratio=_num(ld.get("min_plot_ratio", 1.0), "land min_plot_ratio"),
        let_share=_share(ld.get("let_share", 0.5), "land let_share"),
        idle_fee_share=_share(ld.get("idle_fee_share", 0.20), "land idle_fee_share"),
    )
    policies = tuple(_policy(p, "policy") for p in d.get("policy", ()))
    codes = ["electricity", *(p.code for p in policies)]
    if len(set(codes)) != len(codes):
        raise SchemeError(
            "duplicate", "scheme: policy codes must be unique (electricity is taken)", where="policy"
        )
    overlap = str(d.get("policy_overlap", "highest"))
    if overlap not in ("highest", "sum"):
        raise SchemeError("bad_rule", "scheme: policy_overlap is highest or sum", where="policy_overlap")
    notice = str(d.get("notice_days", "calendar"))
    if notice not in ("calendar", "working"):
        raise SchemeError("bad_rule", "scheme: notice_days is calendar or working", where="notice_days")
    return Scheme(
        name=str(d.get("name", "")),
        title=str(d.get("title", "")),
        year=None if year is None else int(_num(year, "year")),
        pools=pools,
        surcharge=Surcharge(tiers),
        land=land,
        policies=policies,
        overlap=overlap,
        notice_days=notice,
    )


# ----------------------------------------------------------------------------------------- data


@dataclass(frozen=True)
class Firms:
    """The enterprises of one evaluation, column by column (index i is one enterprise).

    ``metrics[m][i]``: metric m (money in 万元, energy in tce, emissions in t, land in mu …), NaN
    when unknown; ``pool[i]``: the pool code; ``industry[i]``: GB/T 4754 code; ``years_in_production[i]``:
    full years since production started (NaN unknown); ``flags[i]``: flag codes (adjustments, vetoes,
    exclusions) the enterprise carries."""

    ids: Sequence[str]
    pool: Sequence[str]
    metrics: Mapping[str, NDArray[np.float64]]
    industry: Sequence[str] = ()
    years_in_production: NDArray[np.float64] | None = None
    flags: Sequence[frozenset[str]] = ()

    def __len__(self) -> int:
        return len(self.ids)


def _check(scheme: Scheme, firms: Firms) -> None:
    n = len(firms.ids)
    if len(firms.pool) != n:
        raise DataError("length", "pool must have one entry per enterprise")
    if len(set(firms.ids)) != n:
        raise DataError("duplicate_id", "enterprise ids must be unique")
    for name, seq in (("industry", firms.industry), ("flags", firms.flags)):
        if len(seq) not in (0, n):
            raise DataError("length", f"{name} must have one entry per enterprise")
    if firms.years_in_production is not None and firms.years_in_production.shape != (n,):
        raise DataError("length", "years_in_production must have one entry per enterprise")
    pools = {p.code for p in scheme.pools}
    present = set(np.unique(np.asarray(firms.pool, dtype=str)).tolist())
    unknown = sorted(present - pools)
    if unknown:
        raise DataError("unknown_pool", f"pool {unknown[0]!r} is not in the scheme", pool=unknown[0])
    needed = {
        m
        for p in scheme.pools
        if p.code in present
        for ind in p.indicators
        for m in (ind.numerator, *ind.denominator)
    }
    for m in scheme.metrics:
        if m not in needed:
            continue
        if m not in firms.metrics:
            raise DataError("missing_metric", f"metric {m!r} is missing from the data", metric=m)
        if np.asarray(firms.metrics[m]).shape != (n,):
            raise DataError("length", f"metric {m!r} must have one value per enterprise", metric=m)


def indicator_values(
    ind: Indicator, metrics: Mapping[str, NDArray[np.float64]], rows: NDArray[np.int64]
) -> NDArray[np.float64]:
    """``scale × numerator / Σ factor × denominator`` for the given rows; NaN where the numerator is
    unknown, every denominator part is unknown, or the denominator is not positive (no land, no
    energy: the ratio is undefined, and the missing-data rule applies)."""
    num = np.asarray(metrics[ind.numerator], dtype=np.float64)[rows]
    parts = [np.asarray(metrics[d], dtype=np.float64)[rows] for d in ind.denominator]
    factors = ind.denominator_factors or (1.0,) * len(parts)
    stack = np.vstack([p * f for p, f in zip(parts, factors, strict=True)])
    all_missing = np.all(np.isnan(stack), axis=0)
    den = np.nansum(stack, axis=0)
    with np.errstate(divide="ignore", invalid="ignore"):
        value: NDArray[np.float64] = ind.scale * num / den
    value[all_missing | ~(den > 0) | np.isnan(num)] = np.nan
    return value


def aggregate_mean(
    ind: Indicator, metrics: Mapping[str, NDArray[np.float64]], rows: NDArray[np.int64]
) -> float | None:
    """``scale × Σ numerator / Σ denominator`` over the rows where the indicator has a value (the way
    a county reports 亩均税收: total tax ÷ total land; e.g. 丽水: 573,564 万元 / 30,341 亩 = 18.90);
    None when no row has one."""
    ok = rows[~np.isnan(indicator_values(ind, metrics, rows))]
    if ok.size == 0:
        return None
    num = float(np.asarray(metrics[ind.numerator], dtype=np.float64)[ok].sum())
    factors = ind.denominator_factors or (1.0,) * len(ind.denominator)
    den = sum(
        float(np.nansum(np.asarray(metrics[d], dtype=np.float64)[ok] * f))
        for d, f in zip(ind.denominator, factors, strict=True)
    )
    return ind.scale * num / den


def pool_means(
    scheme: Scheme, firms: Firms, *, evaluated_only: Sequence[bool] | None = None
) -> dict[str, dict[str, float]]:
    """The pool mean of each indicator (`aggregate_mean`), as the next year's ``prior_means``."""
    out: dict[str, dict[str, float]] = {}
    pool_arr = np.asarray(firms.pool)
    for p in scheme.pools:
        mask = pool_arr == p.code
        if evaluated_only is not None:
            mask &= np.asarray(evaluated_only, dtype=bool)
        rows = np.flatnonzero(mask)
        means = {ind.code: aggregate_mean(ind, firms.metrics, rows) for ind in p.indicators}
        out[p.code] = {k: v for k, v in means.items() if v is not None}
    return out


# --------------------------------------------------------------------------------------- result


@dataclass(frozen=True)
class Reason:
    """One line of an enterprise's explanation: a stable ``code`` and its parameters (the caller
    words and translates it)."""

    code: str
    params: Mapping[str, Any]


@dataclass(frozen=True)
class PoolInfo:
    code: str
    n_total: int
    n_evaluated: int
    quota: Mapping[str, int]  # target counts A, B, D from the shares
    counts: Mapping[str, int]  # final counts by class, T included
    benchmarks: Mapping[str, float]
    benchmark_source: Mapping[str, str]  # "fixed" | "prior_mean" | "current_mean"


@dataclass(frozen=True)
class Result:
    """Scores and classes of every enterprise; arrays are in the input order.

    ``values``/``ratios``/``sub_scores`` are (n, max indicators) with NaN where a pool has fewer
    indicators; ``indicator_codes[pool]`` names their columns. ``rank`` is 1-based within the pool
    among evaluated firms (0 for class T)."""

    scheme: Scheme
    firms: Firms
    values: NDArray[np.float64]
    ratios: NDArray[np.float64]
    sub_scores: NDArray[np.float64]
    capped: NDArray[np.bool_]
    missing: NDArray[np.bool_]
    bonus: NDArray[np.float64]
    penalty: NDArray[np.float64]
    score: NDArray[np.float64]
    rank: NDArray[np.int64]
    klass: NDArray[np.str_]
    excluded_by: list[str]  # "" or the exclusion reason code (industry / startup / flag:<code>)
    vetoed_by: list[str]  # "" or the veto code
    pools: Mapping[str, PoolInfo]

    def indicator_codes(self, pool: str) -> list[str]:
        return [i.code for i in self.scheme.pool(pool).indicators]

    def explain(self, i: int) -> list[Reason]:
        """Why enterprise i has its score and class, line by line."""
        pool = self.scheme.pool(self.firms.pool[i])
        info = self.pools[pool.code]
        out: list[Reason] = []
        if self.excluded_by[i] == NOT_IN_POOL:
            out.append(Reason(NOT_IN_POOL, {"min_land_mu": pool.min_land_mu}))
            return out
        if self.klass[i] == "T":
            out.append(Reason("excluded", {"rule": self.excluded_by[i]}))
            return out
        for j, ind in enumerate(pool.indicators):
            params: dict[str, Any] = {
                "indicator": ind.code,
                "label": ind.label,
                "unit": ind.unit,
                "value": float(self.values[i, j]),
                "benchmark": info.benchmarks[ind.code],
                "ratio": float(self.ratios[i, j]),
                "weight": ind.weight,
                "sub_score": float(self.sub_scores[i, j]),
            }
            if self.missing[i, j]:
                out.append(Reason(f"missing_{ind.missing}", {**params, "penalty": ind.missing_penalty}))
            elif self.capped[i, j]:
                out.append(Reason("capped", {**params, "cap": pool.cap}))
            else:
                out.append(Reason("indicator", params))
        flags = self.firms.flags[i] if self.firms.flags else frozenset()
        for a in pool.adjustments:
            if a.code in flags:
                out.append(
                    Reason(
                        "bonus" if a.points >= 0 else "penalty",
                        {"item": a.code, "label": a.label, "points": a.points},
                    )
                )
        out.append(Reason("score", {"score": float(self.score[i])}))
        if self.vetoed_by[i]:
            veto = next(v for v in pool.vetoes if v.code == self.vetoed_by[i])
            out.append(Reason("veto", {"item": veto.code, "label": veto.label, "class": veto.klass}))
            return out
        n = info.n_total if pool.quotas.basis == "total" else info.n_evaluated
        out.append(
            Reason(
                f"class_{self.klass[i]}",
                {
                    "rank": int(self.rank[i]),
                    "n_evaluated": info.n_evaluated,
                    "n_basis": n,
                    "basis": pool.quotas.basis,
                    "a_count": info.counts.get("A", 0),
                    "d_count": info.counts.get("D", 0),
                },
            )
        )
        tie = self._tie_at_boundary(i)
        if tie:
            out.append(Reason("tie_break", {"tied": tie, "by": list(pool.tie_break)}))
        return out

    def _tie_at_boundary(self, i: int) -> int:
        """How many other firms of the same pool share i's score but got a different class."""
        same = (np.asarray(self.firms.pool) == self.firms.pool[i]) & (self.klass != "T") & (self.klass != "")
        same &= ~self.vetoed_by_mask()
        tied = same & (self.score == self.score[i]) & (self.klass != self.klass[i])
        return int(tied.sum())

    def vetoed_by_mask(self) -> NDArray[np.bool_]:
        return np.array([bool(v) for v in self.vetoed_by], dtype=bool)


# ---------------------------------------------------------------------------------------- engine


class _Flags:
    """Boolean masks of the flags, built in one pass over the firms that carry any."""

    def __init__(self, firms: Firms) -> None:
        self.n = len(firms.ids)
        self._masks: dict[str, NDArray[np.bool_]] = {}
        for i, fs in enumerate(firms.flags):
            for f in fs:
                mask = self._masks.get(f)
                if mask is None:
                    mask = self._masks[f] = np.zeros(self.n, dtype=bool)
                mask[i] = True

    def mask(self, code: str) -> NDArray[np.bool_]:
        found = self._masks.get(code)
        return found if found is not None else np.zeros(self.n, dtype=bool)


def _exclusions(pool: Pool, firms: Firms, flags: _Flags, rows: NDArray[np.int64]) -> NDArray[np.str_]:
    """The exclusion rule that sends each row to class T ("" none); the first rule that applies wins:
    industry, then start-up, then flags in the scheme's order."""
    ex = pool.exclusions
    out = np.full(rows.size, "", dtype=object)
    if ex.flags:
        for code in reversed(ex.flags):
            out[flags.mask(code)[rows]] = f"flag:{code}"
    if ex.startup_years and firms.years_in_production is not None:
        years = np.asarray(firms.years_in_production, dtype=np.float64)[rows]
        out[~np.isnan(years) & (years < ex.startup_years)] = "startup"
    if ex.industry_prefixes and firms.industry:
        industry = np.char.strip(np.asarray(firms.industry, dtype=str)[rows])
        hit = np.zeros(rows.size, dtype=bool)
        for prefix in ex.industry_prefixes:
            hit |= np.char.startswith(industry, prefix)
        out[hit & (industry != "")] = "industry"
    return out.astype(str)


LAND_METRIC = "land_mu"  # the metric whose value is a firm's land (亩)
# Metrics that may be negative: 实缴税收 is net of 增值税留抵退税 (财政部 税务总局 海关总署公告2019年第39号;
# 财政部 税务总局公告2022年第14号), so a refund larger than the tax paid gives a negative year. Its
# sub-score is floored like any other (Pool.floor, 0 by default): a negative tax scores 0 points.
SIGNED_METRICS = frozenset({"tax_10k_yuan"})
NOT_IN_POOL = "not_in_pool"  # excluded_by of a firm that does not enter its pool (no class at all)


def _id_key(value: Any) -> tuple[int, int, str]:
    """The last tie-break, the enterprise id ascending: whole numbers by value ("9" before "10"), then
    other ids as text."""
    text = str(value).strip()
    return (0, int(text), "") if text.isdecimal() and text.isascii() else (1, 0, text)


def enters_pool(scheme: Scheme, pools: Sequence[str], land_mu: Any) -> NDArray[np.bool_]:
    """Which firms enter their pool at all — the one entry rule of the page, the API and the command
    line: land known and positive (a firm without land has no 亩均 figures) and at least the pool's
    ``min_land_mu`` (鲁政字〔2019〕235号: 规下企业 占地3亩以上). The others are not in N: no rank, no
    class, not counted in the quotas."""
    land = np.asarray(land_mu, dtype=np.float64)
    floors = {p.code: p.min_land_mu for p in scheme.pools}
    minimum = np.array([floors.get(str(p), 0.0) for p in pools], dtype=np.float64)
    with np.errstate(invalid="ignore"):
        return np.asarray(np.isfinite(land) & (land > 0) & (land >= minimum - 1e-9), dtype=bool)


def evaluate(
    scheme: Scheme,
    firms: Firms,
    *,
    prior_means: Mapping[str, Mapping[str, float]] | None = None,
) -> Result:
    """Score and class every enterprise of ``firms`` under ``scheme``.

    ``prior_means[pool][indicator]`` is last year's pool mean (see `pool_means`); an indicator whose
    benchmark is ``prior_mean`` and has no prior falls back to ``k ×`` this year's pool mean of the
    evaluated firms (the source of each benchmark is reported in ``Result.pools``). Raises
    `DataError` when the data does not fit the scheme.
    """
    _check(scheme, firms)
    n = len(firms.ids)
    width = max(len(p.indicators) for p in scheme.pools)
    values = np.full((n, width), np.nan)
    ratios = np.full((n, width), np.nan)
    subs = np.full((n, width), np.nan)
    capped = np.zeros((n, width), dtype=bool)
    missing = np.zeros((n, width), dtype=bool)
    bonus = np.zeros(n)
    penalty = np.zeros(n)
    score = np.zeros(n)
    rank = np.zeros(n, dtype=np.int64)
    klass = np.full(n, "T", dtype="<U1")
    excluded_by = [""] * n
    vetoed_by = [""] * n
    infos: dict[str, PoolInfo] = {}
    pool_arr = np.asarray(firms.pool)
    member = (
        enters_pool(scheme, firms.pool, firms.metrics[LAND_METRIC])
        if LAND_METRIC in firms.metrics
        else np.ones(n, dtype=bool)
    )
    klass[~member] = ""
    for i in np.flatnonzero(~member).tolist():
        excluded_by[i] = NOT_IN_POOL
    flags = firms.flags
    flag_masks = _Flags(firms)
    id_order = np.empty(n, dtype=np.int64)
    id_order[sorted(range(n), key=lambda i: _id_key(firms.ids[i]))] = np.arange(n)

    for pool in scheme.pools:
        rows = np.flatnonzero((pool_arr == pool.code) & member)
        ex = _exclusions(pool, firms, flag_masks, rows)
        for k in np.flatnonzero(ex != "").tolist():
            excluded_by[int(rows[k])] = str(ex[k])
        ev_mask = ex == ""
        ev = rows[ev_mask]
        benchmarks: dict[str, float] = {}
        sources: dict[str, str] = {}
        if ev.size == 0:
            counts = {c: int(rows.size if c == "T" else 0) for c in CLASSES}
            infos[pool.code] = PoolInfo(pool.code, rows.size, 0, {"A": 0, "B": 0, "D": 0}, counts, {}, {})
            continue
        for j, ind in enumerate(pool.indicators):
            v = indicator_values(ind, firms.metrics, ev)
            values[ev, j] = v
            if ind.benchmark == "fixed" and ind.benchmark_value is not None:
                b, src = ind.benchmark_value, "fixed"
            elif ind.benchmark == "fixed":
                raise SchemeError(
                    "missing_key", f"{ind.code}: a fixed benchmark needs a value", key="benchmark_value"
                )
            else:
                prior = (prior_means or {}).get(pool.code, {}).get(ind.code)
                if prior is not None and prior > 0:
                    b, src = ind.k * float(prior), "prior_mean"
                else:
                    current = aggregate_mean(ind, firms.metrics, ev)
                    if current is None or current <= 0:
                        raise DataError(
                            "no_benchmark",
                            f"pool {pool.code!r}: indicator {ind.code!r} has no prior mean and no firm with data",
                            pool=pool.code,
                            indicator=ind.code,
                        )
                    b, src = ind.k * current, "current_mean"
            benchmarks[ind.code] = b
            sources[ind.code] = src
            r = v / b
            raw = np.clip(r, pool.floor, None) * ind.weight
            hi = pool.cap * ind.weight if pool.cap is not None else np.inf
            capped[ev, j] = raw > hi
            s = np.minimum(raw, hi)
            miss = np.isnan(v)
            missing[ev, j] = miss
            if miss.any():
                if ind.missing == "pool_mean" and (~miss).any():
                    s[miss] = s[~miss].mean()
                else:
                    s[miss] = 0.0
                if ind.missing == "penalty":
                    penalty[ev[miss]] += ind.missing_penalty
            ratios[ev, j] = r
            subs[ev, j] = s
        if flags:
            for a in pool.adjustments:
                has = flag_masks.mask(a.code)[ev]
                if a.points >= 0:
                    bonus[ev[has]] += a.points
                else:
                    penalty[ev[has]] += -a.points
        total = np.nansum(subs[ev, : len(pool.indicators)], axis=1) + bonus[ev] - penalty[ev]
        score[ev] = np.round(np.maximum(total, 0.0), pool.decimals)

        # Vetoes: forced classes, first matching item wins.
        forced = np.full(ev.size, "", dtype="<U1")
        if flags and pool.vetoes:
            for veto in reversed(pool.vetoes):  # the first matching item wins
                hit = flag_masks.mask(veto.code)[ev]
                forced[hit] = veto.klass
                for i in ev[hit].tolist():
                    vetoed_by[i] = veto.code

        # Ranking: score desc, then the tie-break indicators desc (NaN last), then id asc.
        keys: list[NDArray[Any]] = [id_order[ev]]
        for code in reversed(pool.tie_break):
            j = [x.code for x in pool.indicators].index(code)
            tb = values[ev, j]
            keys.append(np.where(np.isnan(tb), np.inf, -tb))
        keys.append(-score[ev])
        order = np.lexsort(keys)  # last key is primary
        rank[ev[order]] = np.arange(1, ev.size + 1)

        n_total, n_eval = rows.size, ev.size
        basis = n_total if pool.quotas.basis == "total" else n_eval
        quota = pool.quotas.sizes(basis)
        cls = forced.copy()
        free = order[forced[order] == ""]  # ranked, not vetoed
        taken = {c: int((forced == c).sum()) for c in "ABCD"}
        n_a = max(0, min(quota["A"] - taken["A"], free.size))
        n_d = max(0, min(quota["D"] - taken["D"], free.size - n_a))
        n_b = max(0, min(quota["B"] - taken["B"], free.size - n_a - n_d))
        cls[free[:n_a]] = "A"
        cls[free[n_a : n_a + n_b]] = "B"
        cls[free[n_a + n_b : free.size - n_d]] = "C"
        cls[free[free.size - n_d :]] = "D"
        klass[ev] = cls
        counts = {c: int((klass[rows] == c).sum()) for c in CLASSES}
        infos[pool.code] = PoolInfo(pool.code, n_total, n_eval, quota, counts, benchmarks, sources)

    return Result(
        scheme=scheme,
        firms=firms,
        values=values,
        ratios=ratios,
        sub_scores=subs,
        capped=capped,
        missing=missing,
        bonus=bonus,
        penalty=penalty,
        score=score,
        rank=rank,
        klass=klass,
        excluded_by=excluded_by,
        vetoed_by=vetoed_by,
        pools=infos,
    )


def consecutive_d_years(classes_by_year: Mapping[int, str], year: int) -> int:
    """How many consecutive years up to and including ``year`` the enterprise was class D
    (a year with no result breaks the run). The surcharge tier follows it (鲁发改价格〔2022〕56号)."""
    count = 0
    y = year
    while classes_by_year.get(y) == "D":
        count += 1
        y -= 1
    return count


# ------------------------------------------------------------------------------- land parcels


@dataclass(frozen=True)
class LandRules:
    """Thresholds of the low-efficiency flags (county practice, e.g. 闽侯 2018; no national rule:
    configurable). ``tax_share_of_average``: tax per mu below this share of the pool mean;
    ``min_plot_ratio``: plot ratio below it (Taizhou, Jiangsu requires ≥ 1.2 for new industrial land);
    ``consecutive_d``: the user class D this many years running; ``let_share``: more than this share
    of the parcel used by tenants (mostly sub-let)."""

    consecutive_d: int = 2
    tax_share_of_average: float = 0.5
    min_plot_ratio: float = 1.0
    let_share: float = 0.5
    idle_fee_share: float = 0.20  # 土地闲置费: 20 % of the land price (国土资源部令第53号)


@dataclass(frozen=True)
class Parcel:
    """One parcel's contract, progress and use, as of the evaluation."""

    contract_start_by: date | None = None
    started_on: date | None = None
    completed_on: date | None = None
    stopped_since: date | None = None
    developed_share: float | None = None
    invested_share: float | None = None
    land_price_yuan: float | None = None
    plot_ratio: float | None = None
    tax_per_mu_10k_yuan: float | None = None  # of the firms on it (Σ tax / Σ land), last evaluation
    contracted_tax_per_mu_10k_yuan: float | None = None
    consecutive_d: int = 0  # of the owner
    let_share: float = 0.0  # share of the area used by tenants


@dataclass(frozen=True)
class LandFlags:
    idle: bool
    idle_rule: str  # "" | "not_started" | "stopped"
    idle_since: date | None  # the first idle day: the day after the first anniversary (fee due)
    idle_years: int  # whole years passed since the agreed start (or the stop) on ``today``
    idle_fee_yuan: float | None
    reclaimable: bool  # two whole years passed: can be taken back without compensation
    low_efficiency: tuple[
        str, ...
    ]  # rule codes: consecutive_d, tax_below_average, tax_below_contract, plot_ratio, sublet


def land_flags(
    parcel: Parcel, today: date, *, pool_mean_tax_per_mu: float | None, rules: LandRules = LandRules()
) -> LandFlags:
    """Idle land by 国土资源部令第53号 《闲置土地处置办法》: construction not started one full year
    after the contracted start date; or started, with less than 1/3 of the area developed or less
    than 25 % invested, and stopped for one full year. Idle one year → 土地闲置费 of 20 % of the land
    price; two years → reclaimable without compensation. Low efficiency by the configurable rules of
    `LandRules` (only for built parcels)."""
    rule, since_start = "", None
    if parcel.started_on is None and parcel.contract_start_by is not None:
        rule, since_start = "not_started", parcel.contract_start_by
    elif parcel.completed_on is None and parcel.stopped_since is not None:
        developed = parcel.developed_share if parcel.developed_share is not None else 0.0
        invested = parcel.invested_share if parcel.invested_share is not None else 0.0
        if developed < 1 / 3 or invested < 0.25:
            rule, since_start = "stopped", parcel.stopped_since
    # "超过…满一年" (部令53号 arts. 2, 14) by the Civil Code's reckoning: idle from the day after the
    # first anniversary of the agreed start (or of the stop), reclaimable from the day after the second.
    years = periods_passed(since_start, today) if since_start is not None else 0
    idle = years >= 1
    fee = None
    if idle and parcel.land_price_yuan is not None:
        fee = round(rules.idle_fee_share * parcel.land_price_yuan, 2)
    low: list[str] = []
    if parcel.completed_on is not None:
        if parcel.consecutive_d >= rules.consecutive_d:
            low.append("consecutive_d")
        tax = parcel.tax_per_mu_10k_yuan
        if (
            tax is not None
            and pool_mean_tax_per_mu
            and tax < rules.tax_share_of_average * pool_mean_tax_per_mu
        ):
            low.append("tax_below_average")
        if (
            tax is not None
            and parcel.contracted_tax_per_mu_10k_yuan
            and tax < parcel.contracted_tax_per_mu_10k_yuan
        ):
            low.append("tax_below_contract")
        if parcel.plot_ratio is not None and parcel.plot_ratio < rules.min_plot_ratio:
            low.append("plot_ratio")
        if parcel.let_share > rules.let_share:
            low.append("sublet")
    return LandFlags(
        idle=idle,
        idle_rule=rule if idle else "",
        idle_since=day_after_years(since_start, 1) if idle and since_start is not None else None,
        idle_years=years,
        idle_fee_yuan=fee,
        reclaimable=years >= 2,
        low_efficiency=tuple(low),
    )


# ------------------------------------------------------------------- peers, groups and trends

MIN_PEERS = 3  # an aggregate of fewer other firms could be undone to one firm's figure: not shown


@dataclass(frozen=True)
class PeerFigure:
    """One indicator of a firm beside its peers (the other firms of its industry and pool): how many
    peers have a value, their median and mean, and the share of them below the firm (its position; all
    the scheme's indicators are higher-is-better ratios). The aggregates are None when fewer than
    ``MIN_PEERS`` peers have a value."""

    code: str
    own: float | None
    peers: int
    median: float | None
    mean: float | None
    share_below: float | None


def peer_figures(
    own: Mapping[str, float | None],
    peers: Sequence[Mapping[str, float | None]],
    codes: Sequence[str],
    *,
    min_peers: int = MIN_PEERS,
) -> list[PeerFigure]:
    out = []
    for code in codes:
        values = np.array([p[code] for p in peers if p.get(code) is not None], dtype=np.float64)
        values = values[np.isfinite(values)]
        mine = own.get(code)
        if values.size < min_peers:
            out.append(PeerFigure(code, mine, int(values.size), None, None, None))
            continue
        below = None if mine is None else float((values < mine).sum() / values.size)
        out.append(
            PeerFigure(code, mine, int(values.size), float(np.median(values)), float(values.mean()), below)
        )
    return out


@dataclass(frozen=True)
class GroupFigure:
    """A park's, an industry's or the zone's 亩均 figures: firms rated, land, Σ tax ÷ Σ land (万元/亩), the
    mean score, the classes, and its rank by tax per mu among the groups (1 = highest)."""

    group: str
    firms: int
    land_mu: float
    tax_per_mu: float | None
    mean_score: float | None
    classes: Mapping[str, int]
    rank: int = 0


def group_figures(
    rows: Sequence[tuple[str, float | None, float | None, float | None, str]],
) -> list[GroupFigure]:
    """Rows (group, tax per mu, land in 亩, score, class) of rated firms (A–D) → one figure per group,
    ranked by tax per mu (groups without land last, by name)."""
    acc: dict[str, dict[str, Any]] = {}
    for group, tax_per_mu, land, score, klass in rows:
        g = acc.setdefault(group, {"n": 0, "tax": 0.0, "land": 0.0, "scores": [], "classes": {}})
        g["n"] += 1
        g["classes"][klass] = g["classes"].get(klass, 0) + 1
        if score is not None:
            g["scores"].append(float(score))
        if tax_per_mu is not None and land is not None and land > 0:
            g["tax"] += float(tax_per_mu) * float(land)
            g["land"] += float(land)
    figures = [
        GroupFigure(
            group=name,
            firms=g["n"],
            land_mu=g["land"],
            tax_per_mu=g["tax"] / g["land"] if g["land"] > 0 else None,
            mean_score=float(np.mean(g["scores"])) if g["scores"] else None,
            classes={k: g["classes"].get(k, 0) for k in POLICY_CLASSES},
        )
        for name, g in acc.items()
    ]
    figures.sort(key=lambda f: (f.tax_per_mu is None, -(f.tax_per_mu or 0.0), f.group))
    return [dataclasses.replace(f, rank=k + 1) for k, f in enumerate(figures)]

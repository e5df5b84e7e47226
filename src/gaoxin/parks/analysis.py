"""The one place where the parks app talks to `gaoxin.analysis.mu_benefit`: ORM rows ⇄ arrays,
database keys ⇄ enterprise ids, reasons ⇄ translated sentences."""

from __future__ import annotations

import datetime as dt
import tomllib
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
import tomlkit
from django.db.models import Sum
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from gaoxin import standards
from gaoxin.analysis import eligibility, matching
from gaoxin.analysis import mu_benefit as mb
from gaoxin.analysis.dates import full_years
from gaoxin.common.units import M2_PER_MU, YUAN_PER_WAN
from gaoxin.parks.choices import (
    METRIC_UNITS,
    POLICY_FIELD_LABELS,
    EvaluationStatus,
    LandRole,
    Metric,
    Scale,
    Source,
)
from gaoxin.parks.models import (
    Enterprise,
    Evaluation,
    Fact,
    LandParcel,
    LandUse,
    Result,
    Service,
    ServiceRequest,
    YearFlag,
)
from gaoxin.parks.validators import LAND_METRIC, parse_scheme

# The scheme's metric (万元 for money) → the stored metric and the divisor between them.
SCHEME_METRICS: dict[str, tuple[str, float]] = {
    code: (unit.metric, float(unit.per_unit)) for code, unit in METRIC_UNITS.items()
}


def land_mu_by_enterprise(enterprise_ids: Iterable[int]) -> dict[int, float]:
    rows = (
        LandUse.objects.filter(enterprise_id__in=list(enterprise_ids))
        .values("enterprise_id")
        .annotate(total=Sum("area_m2"))
    )
    return {r["enterprise_id"]: float(r["total"] / M2_PER_MU) for r in rows}


def best_facts(year: int, enterprise_ids: Sequence[int]) -> dict[int, dict[str, tuple[Decimal, str]]]:
    """For each enterprise and metric of the year: the value the evaluation uses and its source.
    A department's figure wins over the enterprise's own ("verified values, falling back to
    reported ones"); between departments, the first imported for that metric is kept."""
    out: dict[int, dict[str, tuple[Decimal, str]]] = defaultdict(dict)
    facts = Fact.objects.filter(year=year, enterprise_id__in=list(enterprise_ids)).order_by("batch_id", "pk")
    for f in facts.values_list("enterprise_id", "metric", "source", "value"):
        eid, metric, source, value = f
        have = out[eid].get(metric)
        if have is None or (have[1] == Source.SELF and source != Source.SELF):
            out[eid][metric] = (value, source)
    return out


def firms_for(
    enterprises: Sequence[Enterprise], year: int, land: Mapping[int, float]
) -> tuple[mb.Firms, dict[int, dict[str, tuple[Decimal, str]]]]:
    """The core's input for the enterprises of one year (``land``: mu per enterprise); also the
    facts used, with their sources."""
    ids = [e.pk for e in enterprises]
    facts = best_facts(year, ids)
    flags: dict[int, set[str]] = defaultdict(set)
    for eid, code in YearFlag.objects.filter(year=year, enterprise_id__in=ids).values_list(
        "enterprise_id", "code"
    ):
        flags[eid].add(code)
    metrics: dict[str, Any] = {}
    for code, (metric, divisor) in SCHEME_METRICS.items():
        metrics[code] = np.array(
            [float(facts[e][metric][0]) / divisor if metric in facts.get(e, {}) else np.nan for e in ids]
        )
    metrics[LAND_METRIC] = np.array([land.get(e, np.nan) for e in ids])
    years = [e.years_in_production(year) for e in enterprises]
    firms = mb.Firms(
        ids=[str(e.pk) for e in enterprises],
        pool=[e.scale for e in enterprises],
        metrics=metrics,
        industry=[e.industry_code for e in enterprises],
        years_in_production=np.array([np.nan if y is None else y for y in years]),
        flags=[frozenset(flags[e.pk] | ({"high_tech"} if e.high_tech else set())) for e in enterprises],
    )
    return firms, facts


def _number(value: float, digits: int = 2) -> str:
    return "—" if value != value else f"{value:,.{digits}f}"  # NaN → dash


def reason_text(reason: Mapping[str, Any]) -> str:
    """One reason of an enterprise's result in words (translated)."""
    code, p = reason["code"], reason["params"]
    if code == mb.NOT_IN_POOL:
        return _(
            "Not evaluated: no land registered, or less than the pool's minimum of %(mu)s 亩 (鲁政字〔2019〕235号)."
        ) % {"mu": _number(float(p.get("min_land_mu", 0.0)), 1)}
    if code == "excluded":
        rule = str(p["rule"])
        if rule == "industry":
            return _("Class T: utilities (电力、热力、燃气及水生产和供应业) are not evaluated.")
        if rule == "startup":
            return _("Class T: in production for less than the start-up period.")
        return _("Class T: excluded by the item “%(item)s”.") % {"item": rule.removeprefix("flag:")}
    if code in ("indicator", "capped", "missing_zero", "missing_pool_mean", "missing_penalty"):
        base = _(
            "%(label)s: %(value)s %(unit)s against the benchmark %(benchmark)s → %(ratio)s × weight %(weight)s = %(sub)s points"
        ) % {
            "label": p["label"],
            "value": _number(p["value"]),
            "unit": p["unit"],
            "benchmark": _number(p["benchmark"]),
            "ratio": _number(p["ratio"], 3),
            "weight": _number(p["weight"], 0),
            "sub": _number(p["sub_score"]),
        }
        if code == "capped":
            return base + " " + _("(capped at %(cap)s × the weight)") % {"cap": p["cap"]}
        if code == "missing_zero":
            return _("%(label)s: no data → 0 points") % {"label": p["label"]}
        if code == "missing_pool_mean":
            return _("%(label)s: no data → the pool's average sub-score, %(sub)s points") % {
                "label": p["label"],
                "sub": _number(p["sub_score"]),
            }
        if code == "missing_penalty":
            return _("%(label)s: no data → 0 points and a penalty of %(penalty)s") % {
                "label": p["label"],
                "penalty": _number(p["penalty"], 1),
            }
        return base
    if code == "bonus":
        return _("Bonus: %(label)s +%(points)s") % {"label": p["label"], "points": _number(p["points"], 1)}
    if code == "penalty":
        return _("Penalty: %(label)s %(points)s") % {"label": p["label"], "points": _number(p["points"], 1)}
    if code == "score":
        return _("Total score: %(score)s") % {"score": _number(p["score"])}
    if code == "veto":
        return _("Class %(klass)s by veto: %(label)s") % {"klass": p["class"], "label": p["label"]}
    if code.startswith("class_"):
        klass = code.removeprefix("class_")
        rule = {
            "A": _("the top %(a)s of %(n)s firms (A ≤ 20 %%) are class A"),
            "D": _("the last %(d)s of %(n)s firms (D ≥ 5 %%) are class D"),
            "B": _("after the %(a)s A firms come the B quota"),
            "C": _("between the B quota and the %(d)s D firms"),
        }[klass] % {"a": p["a_count"], "d": p["d_count"], "n": p["n_basis"]}
        return _("Rank %(rank)s of %(evaluated)s evaluated: %(rule)s → class %(klass)s") % {
            "rank": p["rank"],
            "evaluated": p["n_evaluated"],
            "rule": rule,
            "klass": klass,
        }
    if code == "tie_break":
        return _(
            "%(n)s firm(s) with the same score fell in another class: the tie is decided by %(by)s, then the code."
        ) % {
            "n": p["tied"],
            "by": ", ".join(p["by"]),
        }
    return str(code)


def parcel_flags(
    parcels: Sequence[LandParcel], evaluation: Evaluation | None, today: dt.date
) -> list[tuple[LandParcel, mb.LandFlags, str]]:
    """Each parcel with its idle / low-efficiency flags and the class of its main user in the
    evaluation (owner first, else the largest user). Tax per mu and consecutive D come from that
    evaluation's results; the thresholds from its scheme."""
    rules = parse_scheme(evaluation.scheme.source).land if evaluation else mb.LandRules()
    results: dict[int, Result] = {}
    if evaluation is not None:
        results = {r.enterprise_id: r for r in evaluation.results.all()}
    out = []
    for p in parcels:
        uses = sorted(p.uses.all(), key=lambda u: (u.role != LandRole.OWNER, -u.area_m2))
        main = results.get(uses[0].enterprise_id) if uses else None
        tenants = sum((u.area_m2 for u in uses if u.role == LandRole.TENANT), Decimal(0))
        tax = None
        if main is not None:
            tax = next((i["value"] for i in main.indicators if i["code"] == "tax_per_mu"), None)
        mean = None
        if main is not None and evaluation is not None:
            mean = evaluation.pool_means.get(main.pool, {}).get("tax_per_mu")
        state = mb.Parcel(
            contract_start_by=p.contract_start_by,
            started_on=p.started_on,
            completed_on=p.completed_on,
            stopped_since=p.stopped_since,
            developed_share=None if p.developed_share is None else float(p.developed_share),
            invested_share=None if p.invested_share is None else float(p.invested_share),
            land_price_yuan=None if p.land_price_yuan is None else float(p.land_price_yuan),
            plot_ratio=None if p.plot_ratio is None else float(p.plot_ratio),
            tax_per_mu_10k_yuan=tax,
            contracted_tax_per_mu_10k_yuan=(
                None
                if p.contracted_tax_per_mu_yuan is None
                else float(p.contracted_tax_per_mu_yuan / YUAN_PER_WAN)
            ),
            consecutive_d=main.consecutive_d if main is not None else 0,
            let_share=float(tenants / p.area_m2),
        )
        out.append(
            (
                p,
                mb.land_flags(state, today, pool_mean_tax_per_mu=mean, rules=rules),
                main.klass if main else "",
            )
        )
    return out


LOW_EFFICIENCY_LABELS = {
    "consecutive_d": gettext_lazy("class D in consecutive years"),
    "tax_below_average": gettext_lazy("tax per mu below the share of the pool mean"),
    "tax_below_contract": gettext_lazy("tax per mu below the contracted figure"),
    "plot_ratio": gettext_lazy("plot ratio below the threshold"),
    "sublet": gettext_lazy("mostly let to tenants"),
}
IDLE_LABELS = {
    "not_started": gettext_lazy("not started one year after the contracted start"),
    "stopped": gettext_lazy("stopped for a year with < 1/3 developed or < 1/4 invested"),
}


# --- the scheme's numbers as a form edits them -------------------------------------------------------


@dataclass(frozen=True)
class SchemeParameter:
    """One number of a scheme a zone sets (a weight, a benchmark factor, a quota, a cap, a surcharge):
    where it is in the TOML (``path``), what people call it, its unit, and how the form shows it
    (``percent``: a share 0.2 shown as 20 %)."""

    path: tuple[str | int, ...]
    group: str
    label: str
    unit: str
    value: float
    percent: bool = False
    whole: bool = False

    @property
    def key(self) -> str:
        return "__".join(str(p) for p in self.path)

    @property
    def shown(self) -> float:
        return round(self.value * 100, 4) if self.percent else self.value


def scheme_parameters(source: str) -> list[SchemeParameter]:
    """The numbers of a scheme a zone adjusts, in the order of its TOML (the rest — indicators'
    formulas, exclusions, vetoes — is the province's and is edited in the TOML itself)."""
    data = tomllib.loads(source)
    out: list[SchemeParameter] = []
    surcharge = _("D-class electricity surcharge")
    for i, v in enumerate(data.get("surcharge", {}).get("electricity_yuan_per_kwh", [])):
        label = _("year %(n)s running") % {"n": i + 1} if i < 2 else _("year 3 running and later")
        out.append(
            SchemeParameter(("surcharge", "electricity_yuan_per_kwh", i), surcharge, label, _("yuan/kWh"), v)
        )
    land = data.get("land", {})
    land_group = _("Idle and low-efficiency land")
    for name, label, unit, percent, whole in (
        ("idle_fee_share", _("idle land fee (share of the land price)"), "%", True, False),
        ("consecutive_d", _("low efficiency: class D years running"), _("years"), False, True),
        (
            "tax_share_of_average",
            _("low efficiency: tax per mu below this share of the pool mean"),
            "%",
            True,
            False,
        ),
        ("min_plot_ratio", _("low efficiency: plot ratio below"), "", False, False),
        ("let_share", _("low efficiency: share let to tenants above"), "%", True, False),
    ):
        if name in land:
            out.append(SchemeParameter(("land", name), land_group, label, unit, land[name], percent, whole))
    for p, pool in enumerate(data.get("pool", [])):
        group = str(pool.get("label", pool.get("code", "")))
        if "min_land_mu" in pool:
            out.append(
                SchemeParameter(
                    ("pool", p, "min_land_mu"),
                    group,
                    _("land from which a firm is evaluated"),
                    _("mu"),
                    pool["min_land_mu"],
                )
            )
        out.append(
            SchemeParameter(
                ("pool", p, "cap"), group, _("cap of each sub-score"), _("× weight"), pool.get("cap", 2.0)
            )
        )
        quotas = pool.get("quotas", {})
        for name, label in (
            ("a_share", _("share of class A (at most)")),
            ("b_share", _("share of class B")),
            ("d_share", _("share of class D (at least)")),
        ):
            if name in quotas:
                out.append(
                    SchemeParameter(
                        ("pool", p, "quotas", name), group, label, "%", quotas[name], percent=True
                    )
                )
        for i, ind in enumerate(pool.get("indicator", [])):
            name = str(ind.get("label", ind.get("code", "")))
            out.append(
                SchemeParameter(
                    ("pool", p, "indicator", i, "weight"),
                    group,
                    _("%(indicator)s: weight") % {"indicator": name},
                    _("points"),
                    ind["weight"],
                )
            )
            if "k" in ind:
                out.append(
                    SchemeParameter(
                        ("pool", p, "indicator", i, "k"),
                        group,
                        _("%(indicator)s: benchmark = mean ×") % {"indicator": name},
                        "",
                        ind["k"],
                    )
                )
            if "missing_penalty" in ind:
                out.append(
                    SchemeParameter(
                        ("pool", p, "indicator", i, "missing_penalty"),
                        group,
                        _("%(indicator)s: points taken off when missing") % {"indicator": name},
                        _("points"),
                        ind["missing_penalty"],
                    )
                )
        for i, adj in enumerate(pool.get("adjustment", [])):
            name = str(adj.get("label", adj.get("code", "")))
            out.append(
                SchemeParameter(
                    ("pool", p, "adjustment", i, "points"),
                    group,
                    _("%(item)s: points") % {"item": name},
                    _("points"),
                    adj["points"],
                )
            )
    return out


def scheme_source_with(source: str, values: Mapping[str, float]) -> str:
    """The scheme's TOML with the numbers of ``values`` (keyed by :attr:`SchemeParameter.key`, as the
    form shows them) put in place; comments and everything else are kept as written."""
    document = tomlkit.parse(source)
    for parameter in scheme_parameters(source):
        if parameter.key not in values:
            continue
        value = values[parameter.key]
        stored: float | int = value / 100 if parameter.percent else value
        stored = (
            int(stored)
            if parameter.whole or (isinstance(parameter.value, int) and float(stored).is_integer())
            else round(float(stored), 6)
        )
        node: Any = document
        for step in parameter.path[:-1]:
            node = node[step]
        node[parameter.path[-1]] = stored
    return tomlkit.dumps(document)


# ------------------------------------------------------------------------ policy eligibility


def policy_facts(enterprises: Sequence[Enterprise], year: int, today: dt.date) -> dict[int, dict[str, Any]]:
    """The data the platform holds on each enterprise, as the eligibility fields name it
    (gaoxin.analysis.eligibility.FIELDS): registry fields, the year's figures (a department's over the
    enterprise's own; money in 万元), and the latest published 亩产效益 result."""
    ids = [e.pk for e in enterprises]
    figures = best_facts(year, ids)
    zones = {e.park.zone_id for e in enterprises if e.park is not None}
    final = (
        Evaluation.objects.filter(zone_id__in=zones, status=EvaluationStatus.FINAL, year__lte=year)
        .order_by("-year")
        .first()
    )
    results = (
        {} if final is None else {r.enterprise_id: r for r in final.results.filter(enterprise_id__in=ids)}
    )
    out: dict[int, dict[str, Any]] = {}
    for e in enterprises:
        f = figures.get(e.pk, {})

        def wan(metric: str, f: Mapping[str, tuple[Decimal, str]] = f) -> float | None:
            return float(f[metric][0] / YUAN_PER_WAN) if metric in f else None

        revenue, rd = wan(Metric.REVENUE), wan(Metric.RD)
        started = e.production_started_on or e.founded_on
        r = results.get(e.pk)
        tax_per_mu = None
        if r is not None:
            tax_per_mu = next((i["value"] for i in r.indicators if i["code"] == "tax_per_mu"), None)
        out[e.pk] = {
            "scale": e.scale,
            "high_tech": e.high_tech,
            "industry": e.industry_code,
            "park": e.park.code if e.park is not None else None,
            "klass": r.klass if r is not None else None,
            "score": float(r.score) if r is not None else None,
            "tax_per_mu": tax_per_mu,
            "revenue": revenue,
            "tax": wan(Metric.TAX),
            "rd_ratio": (rd / revenue * 100) if rd is not None and revenue else None,
            "employees": float(f[Metric.EMPLOYEES][0]) if Metric.EMPLOYEES in f else None,
            "years_in_zone": full_years(started, today) if started is not None else None,
        }
    return out


def judge_all(
    rules: list[dict[str, Any]], enterprises: Sequence[Enterprise], year: int, today: dt.date
) -> dict[int, Any]:
    """Each enterprise's verdict under the rule (gaoxin.analysis.eligibility.Verdict), by id."""
    conditions = eligibility.rules_from_json(rules)
    facts = policy_facts(enterprises, year, today)
    return {e.pk: eligibility.judge(conditions, facts[e.pk]) for e in enterprises}


def checks_json(verdict: Any) -> list[dict[str, Any]]:
    """A verdict's checks as stored on a match: the condition's text, the enterprise's value, held."""
    return [
        {
            "condition": c.condition.text(),
            "field": c.condition.field,
            "op": c.condition.op,
            "value": c.condition.as_dict()["value"],
            "actual": round(c.actual, 2) if isinstance(c.actual, float) else c.actual,
            "passed": c.passed,
        }
        for c in verdict.checks
    ]


def rules_text_of(rules: list[Any]) -> str:
    """A stored rule as the text people write."""
    return eligibility.rules_text(eligibility.rules_from_json(rules))


def rule_lines(rules: list[Any]) -> list[dict[str, Any]]:
    """A stored rule for reading: each condition with its field's label."""
    out = []
    for c in eligibility.rules_from_json(rules):
        value = c.value
        if isinstance(value, bool):
            shown = _("yes") if value else _("no")
        elif isinstance(value, tuple):
            shown = ", ".join(value)
        else:
            shown = f"{value:g}"
        out.append(
            {
                "field": c.field,
                "label": POLICY_FIELD_LABELS[c.field],
                "op": c.op,
                "value": shown,
                "text": c.text(),
            }
        )
    return out


def _shown(value: Any) -> str:
    if value is None:
        return "—"
    if isinstance(value, bool):
        return str(_("yes") if value else _("no"))
    if isinstance(value, list):
        return ", ".join(str(v) for v in value)
    if isinstance(value, float):
        return f"{value:g}"
    return str(value)


def _shown_for(field: str, value: Any) -> str:
    """A value of a field in words: the scale by its label, the rest as it is."""
    if field == "scale":
        values = value if isinstance(value, list) else [value]
        return ", ".join(str(Scale(v).label) if v in Scale.values else _shown(v) for v in values)
    return _shown(value)


def readable_checks(checks: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """A match's stored checks for people: the field's label, the operator, the value and the
    enterprise's own figure, each shown in words (是/否 for yes and no)."""
    return [
        {
            "label": POLICY_FIELD_LABELS.get(c.get("field", ""), c.get("field", "")),
            "op": c.get("op", ""),
            "value": _shown_for(c.get("field", ""), c.get("value")),
            "actual": _shown_for(c.get("field", ""), c.get("actual")),
            "passed": c.get("passed"),
        }
        for c in checks
    ]


# ------------------------------------------------------------------------ service requests


def provider_inputs(providers: Sequence[Any]) -> list[matching.Provider]:
    """The providers as the core ranks them: fields offered, industries, sizes, ratings, open requests."""
    ids = [p.pk for p in providers]
    fields: dict[int, set[str]] = defaultdict(set)
    for pid, field in Service.objects.filter(provider_id__in=ids).values_list("provider_id", "field"):
        fields[pid].add(field)
    ratings: dict[int, list[int]] = defaultdict(list)
    open_: dict[int, int] = defaultdict(int)
    for pid, rating, status in ServiceRequest.objects.filter(provider_id__in=ids).values_list(
        "provider_id", "rating", "status"
    ):
        if rating is not None:
            ratings[pid].append(rating)
        if status == "handed":
            open_[pid] += 1
    return [
        matching.Provider(
            id=p.pk,
            name=p.name,
            fields=frozenset(fields[p.pk]),
            industries=tuple(c for c in p.industries.split(",") if c),
            sizes=frozenset(s for s, ok in (("above", p.serves_above), ("below", p.serves_below)) if ok),
            ratings=tuple(ratings[p.pk]),
            open_requests=open_[p.pk],
        )
        for p in providers
    ]


def suggest_providers(
    request: Any, providers: Sequence[Any], *, prior_mean: float, prior_weight: float
) -> list[matching.Suggestion]:
    return matching.suggest(
        provider_inputs(providers),
        field_code=request.field,
        industry=request.enterprise.industry_code,
        size=request.enterprise.scale,
        prior_mean=prior_mean,
        prior_weight=prior_weight,
    )


def holiday_calendar() -> tuple[frozenset[dt.date], frozenset[dt.date]]:
    """The zone's public holidays and the weekend days moved to work (standards/holidays_cn.toml)."""
    data = standards.load("holidays_cn")
    holidays: set[dt.date] = set()
    workdays: set[dt.date] = set()
    for year in data.values():
        if isinstance(year, dict):
            holidays.update(dt.date.fromisoformat(d) for d in year.get("holidays", []))
            workdays.update(dt.date.fromisoformat(d) for d in year.get("workdays", []))
    return frozenset(holidays), frozenset(workdays)


def notice_end(scheme_source: str, published: dt.date, days: int) -> dt.date:
    """The last day of the public notice of an evaluation under its scheme (calendar or working days)."""
    return parse_scheme(scheme_source).notice_end(published, days, *holiday_calendar())

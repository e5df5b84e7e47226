"""The 亩产效益 engine against the worked example of docs/methods.md."""

from __future__ import annotations

import copy
import datetime as dt

import numpy as np
import pytest

from gaoxin.analysis import dates
from gaoxin.analysis import mu_benefit as mb
from gaoxin.standards import load

PRIOR = {
    "above": {
        "tax_per_mu": 10,
        "sales_per_energy": 2.5,
        "sales_per_emission": 1000,
        "rd_intensity": 1.5,
        "labour_productivity": 25,
    }
}
OTHERS = [
    120.4,
    98.6,
    85.2,
    76.0,
    70.3,
    66.1,
    61.8,
    58.4,
    52.9,
    49.0,
    45.5,
    41.2,
    35.1,
    30.6,
    26.3,
    21.8,
    15.9,
]
METRICS = (
    "tax_10k_yuan",
    "revenue_10k_yuan",
    "energy_tce",
    "cod_t",
    "nh3n_t",
    "so2_t",
    "nox_t",
    "rd_10k_yuan",
    "value_added_10k_yuan",
    "employees",
    "land_mu",
)


def example_rows() -> list[dict[str, object]]:
    """E1, E2, E3 as in §8, and 17 firms whose five ratios all equal score/100 (score = 100 r)."""
    rows: list[dict[str, object]] = [
        dict(
            id="E1",
            land_mu=50,
            tax_10k_yuan=1500,
            revenue_10k_yuan=60000,
            energy_tce=6000,
            cod_t=12,
            rd_10k_yuan=2400,
            value_added_10k_yuan=15000,
            employees=300,
            flags={"high_tech"},
        ),
        dict(
            id="E2",
            land_mu=80,
            tax_10k_yuan=480,
            revenue_10k_yuan=24000,
            energy_tce=8000,
            cod_t=40,
            rd_10k_yuan=240,
            value_added_10k_yuan=4800,
            employees=200,
            flags=set(),
        ),
        dict(
            id="E3",
            land_mu=40,
            tax_10k_yuan=60,
            revenue_10k_yuan=4000,
            energy_tce=2500,
            cod_t=20,
            rd_10k_yuan=0,
            value_added_10k_yuan=800,
            employees=80,
            flags={"env_penalty"},
        ),
    ]
    for k, s in enumerate(OTHERS):
        r = s / 100
        rows.append(
            dict(
                id=f"O{k + 1:02d}",
                land_mu=1,
                tax_10k_yuan=20 * r,
                revenue_10k_yuan=100,
                energy_tce=100 / (5 * r),
                cod_t=100 / (2000 * r),
                rd_10k_yuan=3 * r,
                value_added_10k_yuan=50 * r,
                employees=1,
                flags=set(),
            )
        )
    return rows


def firms_of(
    rows: list[dict[str, object]], pool: str = "above", industry: dict[str, str] | None = None
) -> mb.Firms:
    metrics = {m: np.array([float(r.get(m, np.nan)) for r in rows]) for m in METRICS}  # type: ignore[arg-type]
    for m in ("nh3n_t", "so2_t", "nox_t"):
        metrics[m] = np.full(len(rows), np.nan)
    return mb.Firms(
        ids=[str(r["id"]) for r in rows],
        pool=[pool] * len(rows),
        metrics=metrics,
        industry=[(industry or {}).get(str(r["id"]), "3411") for r in rows],
        years_in_production=np.full(len(rows), 10.0),
        flags=[frozenset(r["flags"]) for r in rows],  # type: ignore[arg-type]
    )


def example_scheme(**pool_changes: object) -> mb.Scheme:
    d = copy.deepcopy(load("mu_benefit_jining_2025"))
    above = d["pool"][0]
    for ind in above["indicator"]:
        ind["missing"] = "zero"
    above.update(pool_changes)
    return mb.scheme_from_dict(d)


def by_id(result: mb.Result) -> dict[str, int]:
    return {fid: i for i, fid in enumerate(result.firms.ids)}


# The worked example's quotas (docs/methods.md): 20 / 40 / 35 / 5 %, B to the nearest firm.
EXAMPLE_QUOTAS = {"a_share": 0.2, "b_share": 0.4, "d_share": 0.05, "basis": "total", "b_rounding": "nearest"}


def test_worked_example_scores_and_classes() -> None:
    res = mb.evaluate(example_scheme(quotas=EXAMPLE_QUOTAS), firms_of(example_rows()), prior_means=PRIOR)
    ix = by_id(res)
    assert res.score[ix["E1"]] == pytest.approx(157.0)
    assert res.score[ix["E2"]] == pytest.approx(37.7)
    assert res.score[ix["E3"]] == pytest.approx(7.3)
    # E1's sub-scores: 60, 30, 30 (capped from 37.5), 20, 15
    np.testing.assert_allclose(res.sub_scores[ix["E1"]], [60, 30, 30, 20, 15])
    assert res.capped[ix["E1"]].tolist() == [False, False, True, False, False]
    np.testing.assert_allclose(res.sub_scores[ix["E2"]], [12, 9, 4.5, 5, 7.2])
    assert (res.klass[ix["E1"]], res.klass[ix["E2"]], res.klass[ix["E3"]]) == ("A", "C", "D")
    assert (res.rank[ix["E1"]], res.rank[ix["E2"]], res.rank[ix["E3"]]) == (1, 14, 20)
    assert res.pools["above"].counts == {"A": 4, "B": 8, "C": 7, "D": 1, "T": 0}
    assert res.pools["above"].benchmarks == pytest.approx(
        {
            "tax_per_mu": 20,
            "sales_per_energy": 5,
            "sales_per_emission": 2000,
            "rd_intensity": 3,
            "labour_productivity": 50,
        }
    )
    assert set(res.pools["above"].benchmark_source.values()) == {"prior_mean"}


def test_the_shipped_scheme_scores_the_example_unchanged() -> None:
    scheme = mb.scheme_from_dict(load("mu_benefit_jining_2025"))
    res = mb.evaluate(scheme, firms_of(example_rows()), prior_means=PRIOR)
    ix = by_id(res)
    assert [round(float(res.score[ix[e]]), 1) for e in ("E1", "E2", "E3")] == [157.0, 37.7, 7.3]


def test_without_the_cap_e1_scores_164_5_and_the_ranking_is_unchanged() -> None:
    capped = mb.evaluate(example_scheme(), firms_of(example_rows()), prior_means=PRIOR)
    free = mb.evaluate(example_scheme(cap=False), firms_of(example_rows()), prior_means=PRIOR)
    assert free.score[by_id(free)["E1"]] == pytest.approx(164.5)
    assert free.rank.tolist() == capped.rank.tolist()
    assert free.klass.tolist() == capped.klass.tolist()


def test_missing_emissions_scored_zero_gives_e2_33_2() -> None:
    rows = example_rows()
    rows[1]["cod_t"] = np.nan
    res = mb.evaluate(example_scheme(), firms_of(rows), prior_means=PRIOR)
    i = by_id(res)["E2"]
    assert res.score[i] == pytest.approx(33.2)
    assert res.missing[i, 2]
    assert res.explain(i)[2].code == "missing_zero"


def test_missing_emissions_with_the_pool_mean_rule_gets_the_mean_of_firms_with_data() -> None:
    rows = example_rows()
    rows[1]["cod_t"] = np.nan
    d = copy.deepcopy(load("mu_benefit_jining_2025"))
    d["pool"][0]["indicator"][2]["missing"] = "pool_mean"
    scheme = mb.scheme_from_dict(d)
    res = mb.evaluate(scheme, firms_of(rows), prior_means=PRIOR)
    i = by_id(res)["E2"]
    others = [k for k in range(len(rows)) if k != i]
    assert res.sub_scores[i, 2] == pytest.approx(res.sub_scores[others, 2].mean())
    assert res.score[i] == pytest.approx(
        33.2 + res.sub_scores[others, 2].mean(), abs=0.005
    )  # published to 2 decimals


def test_missing_energy_with_the_penalty_rule_costs_the_penalty() -> None:
    d = copy.deepcopy(load("mu_benefit_jining_2025"))
    rows = example_rows()
    rows[1]["energy_tce"] = np.nan
    res = mb.evaluate(mb.scheme_from_dict(d), firms_of(rows), prior_means=PRIOR)
    i = by_id(res)["E2"]
    assert res.sub_scores[i, 1] == 0
    assert res.score[i] == pytest.approx(37.7 - 9.0 - 3.0)


def test_a_heat_utility_is_class_t_and_the_quota_basis_decides_n() -> None:
    rows = example_rows()
    rows.append(dict(rows[0], id="H1", flags=set()))  # as good as E1, but a heat utility (GB/T 4754: 4430)
    firms = firms_of(rows, industry={"H1": "4430"})
    total = mb.evaluate(example_scheme(), firms, prior_means=PRIOR)
    i = by_id(total)["H1"]
    assert total.klass[i] == "T" and total.rank[i] == 0 and total.excluded_by[i] == "industry"
    assert total.explain(i)[0].code == "excluded"
    info = total.pools["above"]
    assert (info.n_total, info.n_evaluated) == (21, 20)
    assert info.quota == {"A": 4, "B": 8, "D": 2}  # ceil(0.05 × 21) = 2
    quotas = {"a_share": 0.2, "b_share": 0.4, "d_share": 0.05, "basis": "evaluated"}
    evaluated = mb.evaluate(example_scheme(quotas=quotas), firms, prior_means=PRIOR)
    assert evaluated.pools["above"].quota == {"A": 4, "B": 8, "D": 1}
    assert evaluated.klass[by_id(evaluated)["E1"]] == "A"


def test_a_start_up_and_a_major_project_are_class_t() -> None:
    rows = example_rows()
    firms = firms_of(rows)
    years = firms.years_in_production.copy()  # type: ignore[union-attr]
    years[0] = 1.5
    flags = list(firms.flags)
    flags[1] = frozenset({"major_project"})
    res = mb.evaluate(
        example_scheme(),
        mb.Firms(firms.ids, firms.pool, firms.metrics, firms.industry, years, flags),
        prior_means=PRIOR,
    )
    assert res.klass[0] == "T" and res.excluded_by[0] == "startup"
    assert res.klass[1] == "T" and res.excluded_by[1] == "flag:major_project"


def test_jining_2023_quotas_of_275_firms_with_10_in_t() -> None:
    """§1.6: 275 规上 firms, 10 in T → A 55, D 14 on the total basis."""
    n = 275
    rng = np.random.default_rng(7)
    metrics = {m: rng.uniform(1, 100, n) for m in METRICS}
    industry = ["4430" if k < 10 else "3411" for k in range(n)]
    firms = mb.Firms(
        [f"F{k}" for k in range(n)], ["above"] * n, metrics, industry, np.full(n, 10.0), [frozenset()] * n
    )
    res = mb.evaluate(example_scheme(), firms)
    counts = res.pools["above"].counts
    # the zone's published 2023 split, exactly: 55 / 97 / 99 / 14 and 10 in T
    assert counts == {"A": 55, "B": 97, "C": 99, "D": 14, "T": 10}
    assert set(res.pools["above"].benchmark_source.values()) == {"current_mean"}


def test_jining_2023_quotas_of_100_firms_below_the_scale() -> None:
    """The published 2023 规下 result: 100 firms of at least 3 亩 → A 20 / B 40 / C 35 / D 5."""
    n = 100
    rng = np.random.default_rng(8)
    metrics = {m: np.full(n, np.nan) for m in METRICS}
    metrics["tax_10k_yuan"] = rng.uniform(1, 100, n)
    metrics["land_mu"] = rng.uniform(3, 60, n)
    firms = mb.Firms([f"S{k}" for k in range(n)], ["below"] * n, metrics)
    res = mb.evaluate(example_scheme(), firms)
    assert res.pools["below"].counts == {"A": 20, "B": 40, "C": 35, "D": 5, "T": 0}


@pytest.mark.parametrize(
    ("n", "how", "b"),
    [
        (275, "up", 97),
        (275, "nearest", 96),
        (275, "down", 96),
        (100, "up", 35),
        (101, "nearest", 35),
        (103, "nearest", 36),
    ],
)
def test_each_quota_rounds_as_the_scheme_says(n: int, how: str, b: int) -> None:
    q = mb.Quotas(b_share=0.35, b_rounding=how)  # type: ignore[arg-type]  # a literal from the table
    assert q.sizes(n)["B"] == b
    assert q.sizes(275)["A"] == 55 and q.sizes(275)["D"] == 14 and q.sizes(100)["D"] == 5
    with pytest.raises(mb.SchemeError):
        example_scheme(quotas={"b_rounding": "sideways"})


def test_a_tie_at_the_a_boundary_is_decided_by_tax_per_mu() -> None:
    rows = example_rows()
    # O03 (rank 4, score 85.2) and a twin with the same score but more tax per mu and less energy efficiency
    twin = dict(next(r for r in rows if r["id"] == "O03"), id="O00")
    twin["tax_10k_yuan"] = float(twin["tax_10k_yuan"]) + 1.0  # type: ignore[arg-type]  # +2 points on tax
    twin["energy_tce"] = 100 / (5 * (0.852 - 2 / 15))  # −2 points on energy
    rows.append(twin)
    res = mb.evaluate(example_scheme(), firms_of(rows), prior_means=PRIOR)
    ix = by_id(res)
    assert res.score[ix["O00"]] == pytest.approx(res.score[ix["O03"]])
    assert res.rank[ix["O00"]] < res.rank[ix["O03"]]
    a = [fid for fid, k in ix.items() if res.klass[k] == "A"]
    assert len(a) == 4 and "O00" in a and "O03" not in a  # floor(0.2 × 21) = 4
    assert res.explain(ix["O03"])[-1].code == "tie_break"


def test_a_veto_forces_d_and_fills_the_d_quota() -> None:
    rows = example_rows()
    rows[0]["flags"] = {"high_tech", "major_accident"}
    res = mb.evaluate(example_scheme(), firms_of(rows), prior_means=PRIOR)
    ix = by_id(res)
    assert res.klass[ix["E1"]] == "D" and res.vetoed_by[ix["E1"]] == "major_accident"
    assert res.klass[ix["E3"]] == "C"  # D ≥ 5 % (1 of 20) is already met by the vetoed firm
    assert res.explain(ix["E1"])[-1].code == "veto"
    assert res.pools["above"].counts["A"] == 4


def test_d_three_years_running_pays_the_third_tier() -> None:
    scheme = example_scheme()
    history = {2023: "D", 2024: "D", 2025: "D"}
    years = mb.consecutive_d_years(history, 2025)
    assert years == 3
    assert scheme.surcharge.for_years(years) == 0.15
    assert scheme.surcharge.for_years(mb.consecutive_d_years({2023: "D", 2024: "C", 2025: "D"}, 2025)) == 0.05
    assert (
        scheme.surcharge.for_years(mb.consecutive_d_years({2022: "D", 2023: "D", 2024: "D", 2025: "D"}, 2025))
        == 0.15
    )
    assert scheme.surcharge.for_years(0) == 0.0


def test_pool_means_are_aggregate_ratios() -> None:
    rows = example_rows()[:3]
    scheme = example_scheme()
    means = mb.pool_means(scheme, firms_of(rows))["above"]
    assert means["tax_per_mu"] == pytest.approx((1500 + 480 + 60) / (50 + 80 + 40))
    assert means["rd_intensity"] == pytest.approx(100 * 2640 / 88000)


def test_a_zero_denominator_is_missing_not_infinite() -> None:
    rows = example_rows()
    rows[1]["energy_tce"] = 0
    res = mb.evaluate(example_scheme(), firms_of(rows), prior_means=PRIOR)
    i = by_id(res)["E2"]
    assert np.isnan(res.values[i, 1]) and res.missing[i, 1] and res.sub_scores[i, 1] == 0


@pytest.mark.parametrize(
    ("change", "code"),
    [
        ({"quotas": {"a_share": 0.5, "b_share": 0.5, "d_share": 0.05}}, "bad_share"),
        ({"quotas": {"basis": "some"}}, "bad_rule"),
        ({"tie_break": ["nope"]}, "unknown_indicator"),
        ({"cap": -1}, "not_positive"),
        ({"indicator": []}, "missing_key"),
    ],
)
def test_a_bad_scheme_is_refused_with_a_code(change: dict[str, object], code: str) -> None:
    d = copy.deepcopy(load("mu_benefit_jining_2025"))
    d["pool"][0].update(change)
    with pytest.raises(mb.SchemeError) as err:
        mb.scheme_from_dict(d)
    assert err.value.code == code


def test_data_without_a_metric_the_scheme_needs_is_refused() -> None:
    firms = firms_of(example_rows())
    metrics = dict(firms.metrics)
    del metrics["energy_tce"]
    with pytest.raises(mb.DataError) as err:
        mb.evaluate(example_scheme(), mb.Firms(firms.ids, firms.pool, metrics), prior_means=PRIOR)
    assert err.value.code == "missing_metric"


def test_two_pools_are_classed_separately() -> None:
    rows = example_rows()
    above = firms_of(rows)
    n = 40
    below_metrics = {m: np.full(n, np.nan) for m in METRICS}
    below_metrics["tax_10k_yuan"] = np.arange(1, n + 1, dtype=float)
    below_metrics["land_mu"] = np.full(n, 5.0)
    metrics = {m: np.concatenate([above.metrics[m], below_metrics[m]]) for m in METRICS}
    firms = mb.Firms([*above.ids, *(f"S{k}" for k in range(n))], [*above.pool, *(["below"] * n)], metrics)
    res = mb.evaluate(example_scheme(), firms, prior_means=PRIOR)
    assert res.pools["below"].counts == {"A": 8, "B": 16, "C": 14, "D": 2, "T": 0}
    assert res.pools["above"].counts["A"] == 4
    assert res.rank[-1] == 1 and res.klass[-1] == "A"  # S39 pays the most tax per mu


# ---------------------------------------------------------------- idle and low-efficiency land


@pytest.mark.parametrize(
    ("today", "idle", "years", "reclaimable"),
    [
        (dt.date(2025, 2, 28), False, 0, False),
        (dt.date(2025, 3, 1), False, 0, False),  # the anniversary: the year ends at 24:00 that day
        (dt.date(2025, 3, 2), True, 1, False),  # the day after: "超过…满一年", idle, 20 % fee
        (dt.date(2026, 3, 1), True, 1, False),  # the second anniversary: not yet reclaimable
        (dt.date(2026, 3, 2), True, 2, True),  # the day after: reclaimable
    ],
)
def test_land_not_started_a_year_after_the_contracted_start_is_idle(today, idle, years, reclaimable) -> None:  # type: ignore[no-untyped-def]
    """部令53号 arts. 2 and 14 read with the Civil Code arts. 201–202 (the start day not counted; a year
    ends at 24:00 on its anniversary)."""
    parcel = mb.Parcel(contract_start_by=dt.date(2024, 3, 1), land_price_yuan=9_600_000)
    flags = mb.land_flags(parcel, today, pool_mean_tax_per_mu=None)
    assert (flags.idle, flags.idle_years, flags.reclaimable) == (idle, years, reclaimable)
    assert flags.idle_fee_yuan == (1_920_000 if idle else None)
    assert flags.idle_since == (dt.date(2025, 3, 2) if idle else None)
    assert flags.idle_rule == ("not_started" if idle else "")


def test_the_issue_s_example_start_2023_06_15_is_not_idle_on_2024_06_15() -> None:
    parcel = mb.Parcel(contract_start_by=dt.date(2023, 6, 15))
    assert not mb.land_flags(parcel, dt.date(2024, 6, 15), pool_mean_tax_per_mu=None).idle
    assert mb.land_flags(parcel, dt.date(2024, 6, 16), pool_mean_tax_per_mu=None).idle


@pytest.mark.parametrize(
    ("today", "idle", "reclaimable"),
    [
        (dt.date(2025, 2, 28), False, False),  # no 29 February in 2025: the year ends on 28 February
        (dt.date(2025, 3, 1), True, False),
        (dt.date(2026, 2, 28), True, False),
        (dt.date(2026, 3, 1), True, True),
    ],
)
def test_a_start_on_29_february_ends_its_years_on_28_february(today, idle, reclaimable) -> None:  # type: ignore[no-untyped-def]
    for parcel in (
        mb.Parcel(contract_start_by=dt.date(2024, 2, 29)),
        mb.Parcel(
            contract_start_by=dt.date(2020, 1, 1),
            started_on=dt.date(2020, 2, 1),
            stopped_since=dt.date(2024, 2, 29),
            developed_share=0.1,
            invested_share=0.1,
        ),
    ):
        flags = mb.land_flags(parcel, today, pool_mean_tax_per_mu=None)
        assert (flags.idle, flags.reclaimable) == (idle, reclaimable)
        assert flags.idle_since == (dt.date(2025, 3, 1) if idle else None)


@pytest.mark.parametrize(
    ("developed", "invested", "idle"),
    [(0.30, 0.50, True), (0.40, 0.20, True), (0.40, 0.30, False), (1 / 3, 0.25, False)],
)
def test_started_land_stopped_a_year_is_idle_only_below_a_third_or_a_quarter(
    developed, invested, idle
) -> None:  # type: ignore[no-untyped-def]
    parcel = mb.Parcel(
        contract_start_by=dt.date(2022, 1, 1),
        started_on=dt.date(2022, 2, 1),
        stopped_since=dt.date(2024, 6, 1),
        developed_share=developed,
        invested_share=invested,
    )
    assert mb.land_flags(parcel, dt.date(2025, 6, 2), pool_mean_tax_per_mu=None).idle is idle
    assert mb.land_flags(parcel, dt.date(2025, 6, 1), pool_mean_tax_per_mu=None).idle is False  # anniversary


def test_a_29_february_start_date_becomes_28_february() -> None:
    assert dates.add_years(dt.date(2024, 2, 29), 1) == dt.date(2025, 2, 28)
    assert dates.full_years(dt.date(2024, 2, 29), dt.date(2025, 2, 27)) == 0
    assert dates.full_years(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 1
    assert dates.periods_passed(dt.date(2024, 2, 29), dt.date(2025, 2, 28)) == 0
    assert dates.periods_passed(dt.date(2024, 2, 29), dt.date(2025, 3, 1)) == 1
    assert dates.periods_passed(dt.date(2024, 3, 1), dt.date(2024, 2, 1)) == 0


def test_low_efficiency_rules_on_a_built_parcel() -> None:
    built = dict(
        contract_start_by=dt.date(2018, 1, 1),
        started_on=dt.date(2018, 2, 1),
        completed_on=dt.date(2019, 6, 1),
    )
    fine = mb.Parcel(**built, plot_ratio=1.4, tax_per_mu_10k_yuan=20, contracted_tax_per_mu_10k_yuan=15)
    assert mb.land_flags(fine, dt.date(2025, 1, 1), pool_mean_tax_per_mu=20).low_efficiency == ()
    poor = mb.Parcel(
        **built,
        plot_ratio=0.6,
        tax_per_mu_10k_yuan=4,
        contracted_tax_per_mu_10k_yuan=15,
        consecutive_d=2,
        let_share=0.7,
    )
    flags = mb.land_flags(poor, dt.date(2025, 1, 1), pool_mean_tax_per_mu=20)
    assert flags.low_efficiency == (
        "consecutive_d",
        "tax_below_average",
        "tax_below_contract",
        "plot_ratio",
        "sublet",
    )
    assert not flags.idle


def test_the_last_tie_break_orders_numeric_ids_by_value_not_as_text() -> None:
    """Identical firms: the id decides, "9" before "10" (the app's ids are database keys)."""
    n = 12
    metrics = {m: np.full(n, 50.0) for m in METRICS}
    ids = [str(k) for k in range(1, n + 1)]
    firms = mb.Firms(ids, ["above"] * n, metrics, ["3411"] * n, np.full(n, 10.0), [frozenset()] * n)
    res = mb.evaluate(example_scheme(), firms)
    ranked = [ids[i] for i in np.argsort(res.rank)]
    assert ranked == ids  # 1, 2, …, 9, 10, 11, 12
    mixed = mb.Firms(
        ["b", "10", "a", "9"],
        ["above"] * 4,
        {m: np.full(4, 5.0) for m in METRICS},
        ["3411"] * 4,
        np.full(4, 10.0),
        [frozenset()] * 4,
    )
    order = [mixed.ids[i] for i in np.argsort(mb.evaluate(example_scheme(), mixed).rank)]
    assert order == ["9", "10", "a", "b"]


# ---------------------------------------------------------------- the public notice in working days

HOLIDAYS_2025 = frozenset(dt.date(2025, 10, d) for d in range(1, 9))
WORKDAYS_2025 = frozenset({dt.date(2025, 9, 28), dt.date(2025, 10, 11)})


@pytest.mark.parametrize(
    ("published", "days", "end"),
    [
        (dt.date(2025, 7, 11), 5, dt.date(2025, 7, 18)),  # a Friday: the next five weekdays
        (dt.date(2025, 7, 12), 1, dt.date(2025, 7, 14)),  # published on a Saturday: Monday is the first
        (
            dt.date(2025, 9, 30),
            5,
            dt.date(2025, 10, 14),
        ),  # over National Day, with Saturday 11 October worked
        (dt.date(2025, 9, 26), 1, dt.date(2025, 9, 28)),  # Sunday 28 September is a working day
    ],
)
def test_a_notice_in_working_days_skips_weekends_and_holidays_and_counts_moved_workdays(
    published, days, end
) -> None:  # type: ignore[no-untyped-def]
    assert dates.working_days_end(published, days, HOLIDAYS_2025, WORKDAYS_2025) == end
    scheme = mb.scheme_from_dict(load("mu_benefit_jining_2025"))
    assert scheme.notice_days == "working"
    assert scheme.notice_end(published, days, HOLIDAYS_2025, WORKDAYS_2025) == end
    calendar = mb.scheme_from_dict({**load("mu_benefit_jining_2025"), "notice_days": "calendar"})
    assert calendar.notice_end(published, days, HOLIDAYS_2025, WORKDAYS_2025) == published + dt.timedelta(
        days=days
    )
    with pytest.raises(mb.SchemeError):
        mb.scheme_from_dict({**load("mu_benefit_jining_2025"), "notice_days": "lunar"})

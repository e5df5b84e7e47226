"""Policies by 亩产效益 class beyond electricity: water and gas surcharges, the land-use tax relief, the
banks' and the quotas' lists; surcharges on one resource do not stack unless the scheme says so."""

import pytest

from gaoxin.analysis import mu_benefit as mb
from gaoxin.analysis.errors import AnalysisError

POOL = {
    "code": "above",
    "indicator": [
        {"code": "tax_per_mu", "numerator": "tax_10k_yuan", "denominator": "land_mu", "weight": 100, "k": 2.0}
    ],
}


def scheme(policies, overlap="highest"):
    return mb.scheme_from_dict({"pool": [POOL], "policy": policies, "policy_overlap": overlap})


WATER = {
    "code": "water",
    "kind": "surcharge",
    "resource": "water",
    "rate": {"C": 0.3},
    "d_tiers": [0.5, 1.0, 1.5],
}
RELIEF = {
    "code": "lut",
    "kind": "relief",
    "resource": "land_use_tax",
    "rate": {"A": 1.0, "B": 0.5},
    "yuan_per_m2": 6.0,
}
BANKS = {"code": "credit", "kind": "list", "resource": "credit", "treatment": {"A": "优先", "D": "审慎"}}
FIRMS = [
    ("a", "A", 0, 30.0),
    ("b", "B", 0, 15.0),
    ("c", "C", 0, 10.0),
    ("d1", "D", 1, 5.0),
    ("d3", "D", 4, None),
]


def test_each_policy_lists_its_classes_with_their_values():
    lines = mb.policy_lines(scheme([WATER, RELIEF, BANKS]), FIRMS)
    assert [(x.key, x.value) for x in lines["water"]] == [
        ("c", 0.3),
        ("d1", 0.5),
        ("d3", 1.5),
    ]  # 4 D years: tier 3
    # A: all of 30 亩 × 666.67 m² × 6 元; B: half of 15 亩
    assert [(x.key, x.value, round(x.amount_yuan)) for x in lines["lut"]] == [
        ("a", 1.0, 120000),
        ("b", 0.5, 30000),
    ]
    assert [(x.key, x.treatment) for x in lines["credit"]] == [("a", "优先"), ("d1", "审慎"), ("d3", "审慎")]
    # the D-class electricity surcharge of [surcharge] is a policy too (0.05 / 0.10 / 0.15 by D years)
    assert [(x.key, x.value) for x in lines["electricity"]] == [("d1", 0.05), ("d3", 0.15)]


def test_surcharges_on_one_resource_do_not_stack_unless_the_scheme_says_so():
    extra = {"code": "water2", "kind": "surcharge", "resource": "water", "rate": {"C": 0.4, "D": 0.2}}
    lines = mb.policy_lines(scheme([WATER, extra]), FIRMS)
    # C: 0.4 beats 0.3; D in its first year: 0.5 beats 0.2
    assert {x.key: x.superseded_by for x in lines["water"]} == {"c": "water2", "d1": "", "d3": ""}
    assert {x.key: x.superseded_by for x in lines["water2"]} == {"c": "", "d1": "water", "d3": "water"}
    summed = mb.policy_lines(scheme([WATER, extra], overlap="sum"), FIRMS)
    assert all(not x.superseded_by for pol in summed.values() for x in pol)
    # equal rates: the policy listed first applies
    same = {"code": "water3", "kind": "surcharge", "resource": "water", "rate": {"C": 0.3}}
    tie = mb.policy_lines(scheme([WATER, same]), FIRMS)
    assert [x.superseded_by for x in tie["water3"]] == ["water"] and not tie["water"][0].superseded_by


@pytest.mark.parametrize(
    "policy, code",
    [
        ({"code": "x", "kind": "discount", "resource": "water", "rate": {"C": 1}}, "bad_rule"),
        ({"code": "x", "kind": "surcharge", "resource": "water", "rate": {"E": 1}}, "bad_rule"),
        ({"code": "x", "kind": "surcharge", "resource": "water", "rate": {"C": -1}}, "not_positive"),
        ({"code": "x", "kind": "relief", "resource": "tax", "rate": {"A": 1.5}}, "bad_share"),
        ({"code": "x", "kind": "list", "resource": "credit"}, "missing_key"),
        ({"code": "x", "kind": "surcharge", "resource": "water"}, "missing_key"),
        ({"code": "x", "kind": "surcharge", "resource": "water", "rate": {"C": "a"}}, "not_a_number"),
        ({"kind": "surcharge", "resource": "water", "rate": {"C": 1}}, "missing_key"),
        (
            {"code": "electricity", "kind": "surcharge", "resource": "electricity", "rate": {"C": 1}},
            "duplicate",
        ),
    ],
)
def test_a_bad_policy_is_refused_with_the_core_error(policy, code):
    with pytest.raises(AnalysisError) as exc:
        scheme([policy])
    assert exc.value.code == code


def test_overlap_is_highest_or_sum():
    with pytest.raises(AnalysisError):
        scheme([WATER], overlap="max")
    assert scheme([]).overlap == "highest" and [p.code for p in scheme([]).all_policies()] == ["electricity"]


def test_the_zone_scheme_carries_the_policies():
    import tomllib

    from gaoxin.standards import STANDARDS_DIR

    s = mb.scheme_from_dict(tomllib.loads((STANDARDS_DIR / "mu_benefit_jining_2025.toml").read_text("utf-8")))
    assert {p.code for p in s.all_policies()} >= {"electricity", "water", "gas", "land_use_tax", "credit"}
    assert s.overlap == "highest"

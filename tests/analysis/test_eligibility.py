"""Eligibility rules of enterprise policies: parsing, each operator at its bound, missing data, changes."""

from __future__ import annotations

import pytest

from gaoxin.analysis import eligibility as el
from gaoxin.analysis.errors import AnalysisError


def test_parse_the_written_form_and_write_it_back():
    text = (
        "# 研发后补助\nhigh_tech = yes\n\nrd_ratio >= 3\nindustry in 13-15, 6513\nklass in A,B\nscale = below"
    )
    rules = el.parse_rules(text)
    assert [c.field for c in rules] == ["high_tech", "rd_ratio", "industry", "klass", "scale"]
    assert rules[2].value == ("13", "14", "15", "6513")
    assert rules[3].op == "in" and rules[3].value == ("A", "B")
    again = el.parse_rules(el.rules_text(rules))
    assert again == rules
    assert el.rules_from_json([c.as_dict() for c in rules]) == rules


def test_chinese_field_names_and_values_are_accepted():
    rules = el.parse_rules("规模 = 规下\n研发投入强度 >= 2.5\n高新技术企业 = 是")
    assert [c.text() for c in rules] == ["scale = below", "rd_ratio >= 2.5", "high_tech = yes"]


@pytest.mark.parametrize(
    ("text", "code"),
    [
        ("turnover >= 3", "rule_field"),
        ("rd_ratio in 3", "rule_operator"),
        ("klass >= A", "rule_operator"),
        ("rd_ratio >= three", "rule_number"),
        ("rd_ratio >= nan", "rule_number"),
        ("rd_ratio >= inf", "rule_number"),
        ("high_tech = maybe", "rule_bool"),
        ("klass in A, E", "rule_choice"),
        ("scale = medium", "rule_choice"),
        ("industry in 43-13", "rule_industry"),
        ("industry in 3", "rule_industry"),
        ("industry in C34", "rule_industry"),
        ("rd_ratio", "rule_syntax"),
        ("klass in ,", "rule_value"),
        ("rd_ratio >= " + "9" * 600, "rule_long"),
    ],
)
def test_bad_conditions_are_refused_with_their_line(text, code):  # type: ignore[no-untyped-def]
    with pytest.raises(AnalysisError) as e:
        el.parse_rules("high_tech = yes\n" + text)
    assert e.value.code == code
    if code != "rule_too_many":
        assert e.value.params["line"] == 2


def test_at_most_fifty_conditions():
    with pytest.raises(AnalysisError) as e:
        el.parse_rules("\n".join(["rd_ratio >= 1"] * 51))
    assert e.value.code == "rule_too_many"


@pytest.mark.parametrize(
    ("op", "actual", "expected"),
    [
        (">=", 3.0, True),
        (">=", 2.999, False),
        (">", 3.0, False),
        (">", 3.001, True),
        ("<=", 3.0, True),
        ("<", 3.0, False),
        ("=", 3.0, True),
        ("!=", 3.0, False),
    ],
)
def test_numbers_at_the_bound(op, actual, expected):  # type: ignore[no-untyped-def]
    (c,) = el.parse_rules(f"rd_ratio {op} 3")
    assert el.holds(c, actual) is expected


def test_missing_figures_never_hold_and_are_named():
    rules = el.parse_rules("rd_ratio >= 3\nhigh_tech = yes\nklass not in D")
    v = el.judge(rules, {"high_tech": True, "rd_ratio": None})
    assert not v.eligible and v.missing == ["rd_ratio", "klass"]
    assert el.holds(rules[0], float("nan")) is None
    # "not in D" needs a class: an enterprise never evaluated is not assumed to pass
    assert not el.judge(rules, {"high_tech": True, "rd_ratio": 5.0}).eligible
    assert el.judge(rules, {"high_tech": True, "rd_ratio": 5.0, "klass": "B"}).eligible
    assert el.judge([], {}).eligible  # no condition: everybody


def test_industries_by_division_range_and_by_code_prefix():
    (c,) = el.parse_rules("industry in 13-43")
    assert el.holds(c, "1311") and el.holds(c, "4360") and el.holds(c, "34")
    assert not el.holds(c, "4411") and not el.holds(c, "1299") and not el.holds(c, "6513")
    (c,) = el.parse_rules("industry not in 3411")
    assert el.holds(c, "3412") and not el.holds(c, "3411")


def test_booleans_and_choices():
    yes, no = el.parse_rules("high_tech = yes\nhigh_tech != yes")
    assert el.holds(yes, True) and not el.holds(yes, False)
    assert el.holds(no, False) and not el.holds(no, True)
    (c,) = el.parse_rules("scale = above, below")
    assert c.op == "in" and el.holds(c, "below")


def test_who_gains_and_who_loses():
    ch = el.change([1, 2, 3], [3, 4, 2, 5])
    assert (ch.gained, ch.lost, ch.kept) == ([4, 5], [1], [2, 3])

"""Machine-readable eligibility rules of enterprise policies (免申即享: benefits granted, or the eligible
told, without an application, because the government already holds the data that decides them).

A rule is a list of conditions that must all hold. Each condition names a field of the data the
platform holds on an enterprise, an operator and a value; written one per line:

    scale = above
    high_tech = yes
    industry in 13-43, 65
    klass in A, B
    rd_ratio >= 3
    years_in_zone >= 2

Numeric comparisons include their bound (``>= 3`` holds at 3). ``industry in 13-43`` holds for a GB/T
4754 code whose two-digit division lies in 13..43 (manufacturing), ``industry in 3411`` for a code that
starts with 3411. A condition on a figure the enterprise does not have (no R&D reported, no result of
the evaluation) does not hold: eligibility is decided on data, never assumed; the verdict says which
figures were missing. Pure: no Django, no database.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gaoxin.analysis.errors import AnalysisError


@dataclass(frozen=True)
class Field:
    name: str
    kind: str  # "number", "bool", "choice", "code"
    choices: tuple[str, ...] = ()


FIELDS: dict[str, Field] = {
    f.name: f
    for f in (
        Field("scale", "choice", ("above", "below")),  # 规上 / 规下
        Field("high_tech", "bool"),
        Field("industry", "code"),  # GB/T 4754 code
        Field("park", "choice"),  # the park's code (choices are the zone's parks, checked by the caller)
        Field("klass", "choice", ("A", "B", "C", "D", "T")),  # 亩产效益 class of the latest published year
        Field("score", "number"),  # 亩产效益 score
        Field("tax_per_mu", "number"),  # 万元 per 亩
        Field("revenue", "number"),  # 万元
        Field("tax", "number"),  # 万元
        Field("rd_ratio", "number"),  # R&D expenditure ÷ revenue, per cent
        Field("employees", "number"),
        Field("years_in_zone", "number"),  # whole years since production started (else founded)
    )
}
# The fields' Chinese names, accepted when a rule is written (the canonical text uses the English names).
ALIASES = {
    "规模": "scale",
    "高新技术企业": "high_tech",
    "行业": "industry",
    "园区": "park",
    "亩产效益分类": "klass",
    "亩产效益得分": "score",
    "亩均税收": "tax_per_mu",
    "营业收入": "revenue",
    "税收": "tax",
    "研发投入强度": "rd_ratio",
    "职工人数": "employees",
    "入园年限": "years_in_zone",
}
VALUE_ALIASES = {"规上": "above", "规下": "below"}
NUMBER_OPS = (">=", "<=", ">", "<", "=", "!=")
SET_OPS = ("=", "!=", "in", "not in")
_LINE = re.compile(r"^\s*([a-z_]+|[\u4e00-\u9fff]+)\s*(>=|<=|!=|=|>|<|not\s+in|in)\s*(.+?)\s*$")
_TRUE = {"yes", "true", "1", "是"}
_FALSE = {"no", "false", "0", "否"}


@dataclass(frozen=True)
class Condition:
    field: str
    op: str
    value: Any  # float for numbers, bool, tuple[str, ...] for choices and codes

    def text(self) -> str:
        """The condition as it is written (the canonical form)."""
        if isinstance(self.value, bool):
            shown = "yes" if self.value else "no"
        elif isinstance(self.value, tuple):
            shown = ", ".join(self.value)
        else:
            shown = _number_text(self.value)
        return f"{self.field} {self.op} {shown}"

    def as_dict(self) -> dict[str, Any]:
        value = list(self.value) if isinstance(self.value, tuple) else self.value
        return {"field": self.field, "op": self.op, "value": value}


def _number_text(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else repr(float(x))


def _fail(line: int, message: str, code: str) -> AnalysisError:
    return AnalysisError(code, "Line %d: %s" % (line, message), line=line)


def _codes(text: str, line: int) -> tuple[str, ...]:
    out: list[str] = []
    for part in re.split(r"[,，、\s]+", text.strip()):
        if not part:
            continue
        lo, sep, hi = part.partition("-")
        if sep:
            if not (lo.isdigit() and hi.isdigit() and len(lo) == len(hi) == 2 and lo <= hi):
                raise _fail(line, "an industry range is two two-digit divisions, e.g. 13-43", "rule_industry")
            out.extend(f"{d:02d}" for d in range(int(lo), int(hi) + 1))
        elif re.fullmatch(r"[0-9]{2,4}", part):
            out.append(part)
        else:
            raise _fail(line, "an industry is a GB/T 4754 code of 2 to 4 digits", "rule_industry")
    if not out:
        raise _fail(line, "no value", "rule_value")
    return tuple(dict.fromkeys(out))


def _condition(name: str, op: str, raw: Any, line: int) -> Condition:
    name = ALIASES.get(name, name)
    spec = FIELDS.get(name)
    if spec is None:
        raise AnalysisError("rule_field", "Line %d: unknown field %s" % (line, name), line=line, field=name)
    op = re.sub(r"\s+", " ", op)
    if spec.kind == "number":
        if op not in NUMBER_OPS:
            raise _fail(line, "this field compares with >=, <=, >, <, = or !=", "rule_operator")
        try:
            value = float(raw)
        except (TypeError, ValueError):
            raise _fail(line, "the value is not a number", "rule_number") from None
        if not math.isfinite(value):
            raise _fail(line, "the value is not a number", "rule_number")
        return Condition(name, op, value)
    if spec.kind == "bool":
        if op not in ("=", "!="):
            raise _fail(line, "this field compares with = or !=", "rule_operator")
        word = str(raw).strip().lower() if not isinstance(raw, bool) else ("yes" if raw else "no")
        if word not in _TRUE | _FALSE:
            raise _fail(line, "the value is yes or no", "rule_bool")
        return Condition(name, op, word in _TRUE)
    if op not in SET_OPS:
        raise _fail(line, "this field compares with =, !=, in or not in", "rule_operator")
    items = raw if isinstance(raw, list | tuple) else [raw]
    text = ", ".join(str(x) for x in items)
    if spec.kind == "code":
        values = _codes(text, line)
    else:
        values = tuple(
            dict.fromkeys(
                VALUE_ALIASES.get(v, v) for v in (x.strip() for x in re.split(r"[,，、]+", text)) if v
            )
        )
        if not values:
            raise _fail(line, "no value", "rule_value")
        if spec.choices:
            bad = [v for v in values if v not in spec.choices]
            if bad:
                raise AnalysisError(
                    "rule_choice",
                    "Line %d: %s is not one of %s" % (line, bad[0], ", ".join(spec.choices)),
                    line=line,
                    value=bad[0],
                )
    if op in ("=", "!=") and len(values) > 1:
        op = "in" if op == "=" else "not in"
    return Condition(name, op, values)


def parse_rules(text: str) -> list[Condition]:
    """Conditions from their text, one per line; blank lines and lines starting with # are skipped."""
    out: list[Condition] = []
    for number, line in enumerate(text.splitlines(), start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if len(stripped) > 500:
            raise _fail(number, "the line is too long", "rule_long")
        m = _LINE.match(stripped)
        if m is None:
            raise _fail(
                number, "write a condition as: field operator value, e.g. rd_ratio >= 3", "rule_syntax"
            )
        out.append(_condition(m.group(1), m.group(2), m.group(3), number))
    if len(out) > 50:
        raise AnalysisError("rule_too_many", "A rule has at most 50 conditions.")
    return out


def rules_from_json(items: Sequence[Mapping[str, Any]]) -> list[Condition]:
    """Conditions stored as JSON (``[{"field", "op", "value"}]``), checked as when written."""
    return [
        _condition(str(i.get("field", "")), str(i.get("op", "")), i.get("value"), n)
        for n, i in enumerate(items, start=1)
    ]


def rules_text(conditions: Iterable[Condition]) -> str:
    return "\n".join(c.text() for c in conditions)


def _industry_matches(code: str, values: tuple[str, ...]) -> bool:
    return any(code.startswith(v) for v in values)


def holds(condition: Condition, actual: Any) -> bool | None:
    """Whether the condition holds for the value the enterprise has; ``None`` when it has none."""
    if actual is None or (isinstance(actual, float) and math.isnan(actual)):
        return None
    spec = FIELDS[condition.field]
    op, value = condition.op, condition.value
    if spec.kind == "number":
        x, v = float(actual), float(value)
        return {
            ">=": x >= v,
            "<=": x <= v,
            ">": x > v,
            "<": x < v,
            "=": x == v,
            "!=": x != v,
        }[op]
    if spec.kind == "bool":
        same = bool(actual) is bool(value)
        return same if op == "=" else not same
    member = _industry_matches(str(actual), value) if spec.kind == "code" else str(actual) in value
    return member if op in ("=", "in") else not member


@dataclass(frozen=True)
class Check:
    condition: Condition
    actual: Any
    passed: bool | None  # None: the enterprise has no such figure


@dataclass(frozen=True)
class Verdict:
    eligible: bool
    checks: tuple[Check, ...]

    @property
    def missing(self) -> list[str]:
        return [c.condition.field for c in self.checks if c.passed is None]


def judge(conditions: Sequence[Condition], facts: Mapping[str, Any]) -> Verdict:
    """Whether an enterprise with ``facts`` (field → value, absent or None when unknown) meets every
    condition. A rule without conditions is met by every enterprise."""
    checks = tuple(Check(c, facts.get(c.field), holds(c, facts.get(c.field))) for c in conditions)
    return Verdict(all(c.passed is True for c in checks), checks)


@dataclass(frozen=True)
class Change:
    gained: list[int]
    lost: list[int]
    kept: list[int]


def change(before: Iterable[int], after: Iterable[int]) -> Change:
    """Who gains and who loses eligibility when a rule changes (ids, sorted)."""
    b, a = set(before), set(after)
    return Change(sorted(a - b), sorted(b - a), sorted(a & b))

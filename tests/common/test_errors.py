"""The one error table: every code the analysis core raises has a translated message (or is declared
internal), and no message shows the core's English."""

import re
from pathlib import Path

import pytest
from django.utils.translation import override

from gaoxin.analysis import identifiers, siting
from gaoxin.analysis.errors import AnalysisError, CoordinateError
from gaoxin.analysis.geo import check_lon_lat
from gaoxin.common.errors import INTERNAL, MESSAGES, describe

CORE = Path(__file__).resolve().parents[2] / "src" / "gaoxin" / "analysis"
RAISED = re.compile(r'(?:Error\(|__init__\((?:\s*self,)?)\s*"([a-z_0-9]+)"')


def codes_raised_by_the_core() -> set[str]:
    return {
        m.group(1) for path in CORE.glob("*.py") for m in RAISED.finditer(path.read_text(encoding="utf-8"))
    }


def test_every_code_the_core_raises_is_in_the_table():
    codes = codes_raised_by_the_core()
    assert len(codes) > 40  # the scan finds the raises (a broken pattern would find none)
    assert {"budget", "uncoverable", "capacity", "id_checksum", "latitude_range"} <= codes
    missing = sorted(c for c in codes if c not in MESSAGES and c not in INTERNAL)
    assert missing == [], "add these codes to gaoxin.common.errors"


def test_a_code_is_either_for_people_or_internal():
    assert set(MESSAGES) & INTERNAL == set()


@pytest.mark.parametrize("code", sorted(MESSAGES))
def test_every_message_is_chinese_and_fills_its_placeholders(code):
    exc = AnalysisError(
        code,
        "english",
        value=1.5,
        reason="r",
        where="pool above",
        key="k",
        expected="X",
        pool="p",
        metric="m",
    )
    with override("zh-hans"):
        zh = describe(exc)
    with override("en"):
        en = describe(exc)
    assert "%(" not in zh and "%(" not in en
    assert zh != en and re.search(r"[\u4e00-\u9fff]", zh), code


def test_a_missing_parameter_does_not_break_the_message():
    with override("en"):
        assert describe(AnalysisError("latitude_range", "x")) == "Latitude ? is outside -90..90."


def test_the_core_english_never_reaches_a_person():
    with pytest.raises(CoordinateError) as exc:
        check_lon_lat(116.6, 135.4)
    with override("zh-hans"):
        assert describe(exc.value) == "纬度 135.4 超出 -90..90 范围。"
    with pytest.raises(identifiers.IdentifierError) as bad_id:
        identifiers.parse_id_number("370871196001010018")
    with override("zh-hans"):
        assert "校验位" in describe(bad_id.value)
    with override("en"):
        assert describe(siting.InfeasibleError(__import__("numpy").array([1, 2]))).startswith(
            "Some residential areas"
        )


def test_an_internal_code_gets_a_general_message_with_the_code():
    with override("en"):
        assert describe(AnalysisError("shape", "arrays of the wrong shape")) == (
            "The computation could not run on this input (shape)."
        )

"""GB 32100-2015 统一社会信用代码 and GB 11643-1999 身份证号 checksums, masking, health-record codes."""

from __future__ import annotations

import datetime as dt

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.analysis.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    check_record_code,
    id_check_char,
    is_valid_uscc,
    mask_id_number,
    mask_phone,
    normalize_uscc,
    parse_id_number,
    record_code,
    uscc_check_char,
)

# The standard's own example and three codes printed on public business licences.
REAL = ["91350100M000100Y43", "914403001922038216", "91330100716105852F", "9144030071526726XG"]


@pytest.mark.parametrize("code", REAL)
def test_real_codes_pass(code: str) -> None:
    assert normalize_uscc(code) == code


def test_lower_case_and_spaces_are_normalised() -> None:
    assert normalize_uscc(" 9144030071526726xg ") == "9144030071526726XG"


@pytest.mark.parametrize(
    ("code", "error"),
    [
        ("91350100M000100Y44", "uscc_checksum"),
        ("91350100M000100Y4", "uscc_length"),
        ("91350100M000100Y433", "uscc_length"),
        ("91350100O000100Y43", "uscc_alphabet"),  # letter O is not in the alphabet
        ("9135010I0M00100Y43", "uscc_alphabet"),
    ],
)
def test_bad_codes_say_what_is_wrong(code: str, error: str) -> None:
    with pytest.raises(IdentifierError) as err:
        normalize_uscc(code)
    assert err.value.code == error
    assert not is_valid_uscc(code)


def test_a_check_value_of_31_is_written_0() -> None:
    # find a prefix whose weighted sum is ≡ 0 (mod 31): its check character must be "0", not out of range
    prefix = "91370800MA3C5Y12"
    for c in USCC_ALPHABET:
        if uscc_check_char(prefix + c) == "0":
            assert is_valid_uscc(prefix + c + "0")
            return
    pytest.fail("no prefix with check 0 found")


@given(
    st.text(alphabet=USCC_ALPHABET, min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from(USCC_ALPHABET),
)
def test_any_single_substitution_is_caught(body: str, pos: int, repl: str) -> None:
    code = body + uscc_check_char(body)
    assert is_valid_uscc(code)
    changed = code[:pos] + repl + code[pos + 1 :]
    # weights are units mod 31 (31 is prime), so changing one character always changes the check
    assert is_valid_uscc(changed) == (changed == code)


# ---------------------------------------------------------------- GB 11643 身份证号 (GB 11643-1999)


@pytest.mark.parametrize(
    ("raw", "born", "sex"),
    [
        ("11010519491231002X", dt.date(1949, 12, 31), 2),
        ("440524188001010014", dt.date(1880, 1, 1), 1),
        ("370871196001010017", dt.date(1960, 1, 1), 1),
        ("11010519491231002x", dt.date(1949, 12, 31), 2),  # lower-case x is normalised
    ],
)
def test_known_good_id_numbers_pass_with_birth_date_and_sex(raw: str, born: dt.date, sex: int) -> None:
    parsed = parse_id_number(raw)
    assert (parsed.value, parsed.birth_date, parsed.sex) == (raw.upper(), born, sex)


@pytest.mark.parametrize(
    ("raw", "code"),
    [
        ("130402198207290622", "id_checksum"),  # the check digit should be 4
        ("370871196001010018", "id_checksum"),
        ("37087119600101001", "id_length"),
        ("370871196002300017", "id_birth_date"),  # 30 February
        ("37087119600101A017", "id_format"),
    ],
)
def test_bad_id_numbers_are_refused_with_a_reason(raw: str, code: str) -> None:
    with pytest.raises(IdentifierError) as err:
        parse_id_number(raw)
    assert err.value.code == code


def test_the_check_of_130402198207290622_is_4() -> None:
    assert id_check_char("13040219820729062") == "4"


def test_a_birth_date_in_the_future_is_refused() -> None:
    body = "37087120300101001"
    with pytest.raises(IdentifierError, match="future"):
        parse_id_number(body + id_check_char(body), today=dt.date(2026, 11, 27))


def test_a_legacy_15_digit_number_is_converted() -> None:
    assert parse_id_number("370871600101001").value == "370871196001010017"


def test_masking() -> None:
    assert mask_id_number("370871196001010017") == "370871********0017"
    assert mask_phone("13853712345") == "138****2345"


def test_record_codes() -> None:
    assert record_code("370871", "001", "002", 1) == "37087100100200001"
    assert check_record_code("37087100100200001", county="370871") == "37087100100200001"
    for bad, code in (
        ("3708710010020001", "record_code_format"),
        ("37081100100200001", "record_code_county"),
        ("37087100100200000", "record_code_serial"),
    ):
        with pytest.raises(IdentifierError) as err:
            check_record_code(bad, county="370871")
        assert err.value.code == code


@given(
    st.text(alphabet="0123456789", min_size=17, max_size=17),
    st.integers(0, 16),
    st.sampled_from("0123456789"),
)
def test_any_single_digit_change_of_an_id_is_caught(body: str, pos: int, repl: str) -> None:
    code = body + id_check_char(body)
    changed = code[:pos] + repl + code[pos + 1 :]
    # MOD 11-2 weights are units mod 11, so one changed digit always changes the check character
    assert (id_check_char(changed[:17]) == changed[17]) == (changed == code)

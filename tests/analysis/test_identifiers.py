"""GB 32100-2015 统一社会信用代码 checksum."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gaoxin.analysis.identifiers import (
    USCC_ALPHABET,
    IdentifierError,
    is_valid_uscc,
    normalize_uscc,
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

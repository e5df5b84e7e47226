"""National identifiers: checksums of the 统一社会信用代码 (GB 32100-2015) and 身份证号 (GB 11643-1999).

Both are pure functions over strings, so the import edge, the forms and the file-scoring command
validate with one rule.
"""

from __future__ import annotations

from gaoxin.analysis.errors import AnalysisError

# GB 32100-2015 §4: the code alphabet (digits and upper-case letters without I, O, Z, S, V),
# each character's value is its index; the weights of positions 1..17 are 3^(i-1) mod 31.
USCC_ALPHABET = "0123456789ABCDEFGHJKLMNPQRTUWXY"
_USCC_VALUE = {c: i for i, c in enumerate(USCC_ALPHABET)}
_USCC_WEIGHTS = (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


class IdentifierError(AnalysisError):
    """An identifier is malformed or its check character is wrong."""


def uscc_check_char(first17: str) -> str:
    """The 18th character of a 统一社会信用代码 whose first 17 characters are given.

    GB 32100-2015 §5: C18 = 31 − (Σ Ci × Wi mod 31), with 31 written as 0.
    """
    if len(first17) != 17 or any(c not in _USCC_VALUE for c in first17):
        raise IdentifierError("uscc_format", "expected 17 characters of the GB 32100 alphabet")
    total = sum(_USCC_VALUE[c] * w for c, w in zip(first17, _USCC_WEIGHTS, strict=True))
    return USCC_ALPHABET[(31 - total % 31) % 31]


def normalize_uscc(code: str) -> str:
    """Return the code upper-cased and stripped, or raise `IdentifierError` saying what is wrong.

    Checks: 18 characters, all from the GB 32100 alphabet (no I, O, Z, S, V), and the check
    character. Upper-casing is the only correction made; a wrong character is never guessed.
    """
    value = code.strip().upper()
    if len(value) != 18:
        raise IdentifierError("uscc_length", f"a 统一社会信用代码 has 18 characters, not {len(value)}")
    bad = [c for c in value if c not in _USCC_VALUE]
    if bad:
        raise IdentifierError(
            "uscc_alphabet", f"character {bad[0]!r} is not allowed (GB 32100 excludes I, O, Z, S, V)"
        )
    expected = uscc_check_char(value[:17])
    if value[17] != expected:
        raise IdentifierError(
            "uscc_checksum", f"the check character is {value[17]!r}, expected {expected!r}", expected=expected
        )
    return value


def is_valid_uscc(code: str) -> bool:
    try:
        normalize_uscc(code)
    except IdentifierError:
        return False
    return True

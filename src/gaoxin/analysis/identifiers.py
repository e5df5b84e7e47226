"""National identifiers: 统一社会信用代码 (GB 32100-2015), 身份证号 (GB 11643-1999) and the 17-digit
health-record code; masking for display.

Both are pure functions over strings, so the import edge, the forms and the file-scoring command
validate with one rule.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

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


# GB 11643-1999 公民身份号码: 6-digit address code, 8-digit birth date, 3-digit sequence (odd = male),
# 1 check character (ISO 7064 MOD 11-2; GB 11643-1999 §5).
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


@dataclass(frozen=True)
class IdNumber:
    """A checked 身份证号 and what it says: the birth date and the sex (1 male, 2 female, GB/T 2261.1)."""

    value: str
    birth_date: date
    sex: int

    @property
    def masked(self) -> str:
        return mask_id_number(self.value)


_ASCII_DIGITS = frozenset("0123456789")


def _digits(value: str) -> bool:
    """Only the ASCII digits 0-9 (``str.isdigit`` also takes full-width, superscript and other digits)."""
    return bool(value) and all(c in _ASCII_DIGITS for c in value)


def id_check_char(first17: str) -> str:
    if len(first17) != 17 or not _digits(first17):
        raise IdentifierError("id_format", "expected 17 digits")
    return _ID_CHECK[sum(int(c) * w for c, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def parse_id_number(raw: str, *, today: date | None = None) -> IdNumber:
    """Check a 身份证号 and derive its birth date and sex, or raise `IdentifierError` saying what is wrong.

    Accepts a lower-case ``x`` (normalised to ``X``) and a legacy 15-digit number (``19`` inserted
    before the year, check character computed). The birth date must be a real date, not after
    ``today`` (when given).
    """
    value = raw.strip().upper()
    if not value.isascii():
        raise IdentifierError("id_not_ascii", "only the ASCII digits 0-9 and X")
    if len(value) == 15 and _digits(value):
        body = value[:6] + "19" + value[6:]
        value = body + id_check_char(body)
    if len(value) != 18:
        raise IdentifierError("id_length", f"a 身份证号 has 18 characters, not {len(value)}")
    if not _digits(value[:17]) or not (_digits(value[17]) or value[17] == "X"):
        raise IdentifierError("id_format", "17 digits and a digit or X")
    try:
        born = date(int(value[6:10]), int(value[10:12]), int(value[12:14]))
    except ValueError:
        raise IdentifierError("id_birth_date", f"{value[6:14]} is not a date") from None
    if today is not None and born > today:
        raise IdentifierError("id_birth_date", f"the birth date {born.isoformat()} is in the future")
    expected = id_check_char(value[:17])
    if value[17] != expected:
        raise IdentifierError(
            "id_checksum", f"the check character is {value[17]!r}, expected {expected!r}", expected=expected
        )
    return IdNumber(value=value, birth_date=born, sex=1 if int(value[16]) % 2 else 2)


def mask_id_number(value: str) -> str:
    """``370871********0017``: the first 6 and the last 4 characters (de-identification for display,
    GB/T 35273-2020)."""
    return value[:6] + "*" * (len(value) - 10) + value[-4:] if len(value) > 10 else "*" * len(value)


def mask_phone(value: str) -> str:
    """``138****5678``: the first 3 and the last 4 digits."""
    digits = value.strip()
    return digits[:3] + "*" * (len(digits) - 7) + digits[-4:] if len(digits) > 7 else "*" * len(digits)


def check_record_code(code: str, *, county: str) -> str:
    """A 17-digit health-record code: county (6, GB/T 2260) + street (3) + community (3) + serial (5);
    its first 6 digits must be the institution's county code (国家基本公共卫生服务规范 3rd ed., 2017: the
    17-digit record code = county 6 + street 3 + community 3 + serial 5)."""
    value = code.strip()
    if len(value) != 17 or not _digits(value):
        raise IdentifierError("record_code_format", "a health-record code is 17 digits")
    if value[:6] != county:
        raise IdentifierError(
            "record_code_county", f"the code starts with {value[:6]}, not the county {county}"
        )
    if value[12:] == "00000":
        raise IdentifierError("record_code_serial", "the serial number starts at 00001")
    return value


def record_code(county: str, street: str, community: str, serial: int) -> str:
    """Compose the 17-digit code from a 6-digit county, 3-digit street and community segments and a serial."""
    if not (len(county) == 6 and len(street) == 3 and len(community) == 3) or not 1 <= serial <= 99999:
        raise IdentifierError("record_code_format", "county 6, street 3, community 3 digits; serial 1-99999")
    return f"{county}{street}{community}{serial:05d}"

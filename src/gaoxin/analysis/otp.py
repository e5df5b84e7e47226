"""Time-based one-time passwords (TOTP, RFC 6238) for the second factor of a login.

HOTP (RFC 4226 §5.3): HMAC-SHA-1 of the 8-byte big-endian counter under the shared secret, dynamic
truncation to 31 bits, modulo 10^digits. TOTP: the counter is the number of whole ``step_s`` periods
since the Unix epoch. The secret is exchanged as base32 (RFC 4648), as authenticator apps expect, in an
``otpauth://`` URI (the Key Uri Format of Google Authenticator, which every common app reads).
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import struct
from urllib.parse import quote, urlencode

from gaoxin.analysis.errors import AnalysisError

STEP_S = 30
DIGITS = 6


def new_secret(n_bytes: int = 20) -> str:
    """A random shared secret (160 bits, the length RFC 4226 recommends), base32 without padding."""
    return base64.b32encode(secrets.token_bytes(n_bytes)).decode().rstrip("=")


def _key(secret_b32: str) -> bytes:
    cleaned = secret_b32.replace(" ", "").upper()
    try:
        return base64.b32decode(cleaned + "=" * (-len(cleaned) % 8))
    except (ValueError, TypeError) as exc:
        raise AnalysisError("otp_secret", f"the secret is not base32: {exc}") from None


def hotp(secret_b32: str, counter: int, *, digits: int = DIGITS) -> str:
    """The HOTP value of ``counter`` (RFC 4226 §5.3)."""
    if counter < 0:
        raise AnalysisError("otp_counter", "the counter is not negative")
    mac = hmac.new(_key(secret_b32), struct.pack(">Q", counter), hashlib.sha1).digest()
    offset = mac[-1] & 0x0F
    code = struct.unpack(">I", mac[offset : offset + 4])[0] & 0x7FFFFFFF
    return str(code % 10**digits).zfill(digits)


def step_at(unix_s: float, *, step_s: int = STEP_S) -> int:
    return int(unix_s // step_s)


def totp(secret_b32: str, unix_s: float, *, step_s: int = STEP_S, digits: int = DIGITS) -> str:
    """The TOTP value at a time (RFC 6238 §4)."""
    return hotp(secret_b32, step_at(unix_s, step_s=step_s), digits=digits)


def verify(
    secret_b32: str,
    code: str,
    unix_s: float,
    *,
    window: int = 1,
    after_step: int | None = None,
    step_s: int = STEP_S,
    digits: int = DIGITS,
) -> int | None:
    """The time step whose code matches ``code`` within ``window`` steps of the clock either way (the
    skew RFC 6238 §5.2 allows for), or None. A step at or before ``after_step`` (the last one used) is
    refused, so an observed code cannot be replayed."""
    typed = code.replace(" ", "")
    if len(typed) != digits or not typed.isascii() or not typed.isdigit():
        return None
    now = step_at(unix_s, step_s=step_s)
    for step in range(now - window, now + window + 1):
        if after_step is not None and step <= after_step:
            continue
        if step >= 0 and hmac.compare_digest(hotp(secret_b32, step, digits=digits), typed):
            return step
    return None


def provisioning_uri(secret_b32: str, account: str, issuer: str) -> str:
    """``otpauth://totp/Issuer:account?secret=…&issuer=…`` for an authenticator app (a QR code of it)."""
    label = quote(f"{issuer}:{account}")
    query = urlencode({"secret": secret_b32, "issuer": issuer, "digits": DIGITS, "period": STEP_S})
    return f"otpauth://totp/{label}?{query}"

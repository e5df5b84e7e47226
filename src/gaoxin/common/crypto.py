"""Field encryption for sensitive personal information (身份证号, phone) and keyed lookup hashes.

AES-256-GCM (``cryptography``) with a key derived from settings.GAOXIN_DATA_KEY; each value gets a
random nonce, so equal values encrypt differently. Lookups and duplicate checks use an HMAC-SHA256 of
the normalised value with a second derived key (never the clear value; GB/T 35273-2020 on de-identified lookup keys). SM4 /
HMAC-SM3 (GB/T 39786) can replace both behind these two functions.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os

from django.conf import settings

_VERSION = "v1"


def _key(purpose: bytes) -> bytes:
    return hmac.new(settings.GAOXIN_DATA_KEY.encode(), purpose, hashlib.sha256).digest()


def encrypt(value: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(_key(b"gaoxin-field-encryption")).encrypt(nonce, value.encode(), None)
    return f"{_VERSION}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def decrypt(token: str) -> str:
    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    version, _, body = token.partition(":")
    if version != _VERSION:
        raise ValueError("unknown encryption version")
    raw = base64.urlsafe_b64decode(body.encode())
    return AESGCM(_key(b"gaoxin-field-encryption")).decrypt(raw[:12], raw[12:], None).decode()


def lookup_hash(value: str) -> str:
    """The keyed hash that finds a record by its 身份证号 without storing it in clear."""
    return hmac.new(_key(b"gaoxin-lookup"), value.encode(), hashlib.sha256).hexdigest()

"""Field encryption for sensitive personal information (身份证号, phone) and keyed lookup hashes.

AES-256-GCM (``cryptography``) with a key derived from settings.GAOXIN_DATA_KEY; each value gets a
random nonce, so equal values encrypt differently. Lookups and duplicate checks use an HMAC-SHA256 of
the normalised value with a second derived key (never the clear value; GB/T 35273-2020 on
de-identified lookup keys). SM4 / HMAC-SM3 (GB/T 39786) can replace both behind these functions.

Every ciphertext names its key: ``v2:<key id>:<base64>`` (the id is a hash of the key, not the key). So
a key can be rotated without downtime (``gaoxin keys rotate``: the new key in GAOXIN_DATA_KEY, the old
ones in GAOXIN_DATA_KEY_PREVIOUS while the rows are re-encrypted in batches), and a wrong key is a clear
:class:`DataKeyError`, never a server error nor a second registration of the same person.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.db import models

VERSION = "v2"
LEGACY = "v1"  # before key ids: "v1:<base64>", encrypted with whichever key was set


class DataKeyError(RuntimeError):
    """The configured data key does not match the stored data (a wrong key, or a key missing from
    GAOXIN_DATA_KEY_PREVIOUS during a rotation). An operator's problem: nothing is written."""


@dataclass(frozen=True)
class DataKey:
    secret: str

    @property
    def id(self) -> str:
        return hashlib.sha256(b"gaoxin-data-key-id:" + self.secret.encode()).hexdigest()[:12]

    def derive(self, purpose: bytes) -> bytes:
        return hmac.new(self.secret.encode(), purpose, hashlib.sha256).digest()


def current_key() -> DataKey:
    return DataKey(settings.GAOXIN_DATA_KEY)


def known_keys() -> list[DataKey]:
    """The current key first, then the previous ones (during a rotation)."""
    return [current_key(), *(DataKey(k) for k in settings.GAOXIN_DATA_KEYS_PREVIOUS if k)]


def _cipher(key: DataKey) -> AESGCM:
    return AESGCM(key.derive(b"gaoxin-field-encryption"))


def encrypt(value: str) -> str:
    key = current_key()
    nonce = os.urandom(12)
    sealed = _cipher(key).encrypt(nonce, value.encode(), None)
    return f"{VERSION}:{key.id}:" + base64.urlsafe_b64encode(nonce + sealed).decode()


def key_id_of(token: str) -> str | None:
    """The id of the key a ciphertext was made with (None for a legacy ciphertext without one)."""
    version, _, rest = token.partition(":")
    return rest.partition(":")[0] if version == VERSION else None


def decrypt(token: str) -> str:
    version, _, rest = token.partition(":")
    if version == VERSION:
        kid, _, body = rest.partition(":")
        candidates = [k for k in known_keys() if k.id == kid]
        if not candidates:
            raise DataKeyError(
                f"the data was encrypted with key {kid}, which is neither GAOXIN_DATA_KEY nor one of "
                "GAOXIN_DATA_KEY_PREVIOUS"
            )
    elif version == LEGACY:
        body, candidates = rest, known_keys()
    else:
        raise DataKeyError(f"unknown encryption version {version!r}")
    raw = base64.urlsafe_b64decode(body.encode())
    for key in candidates:
        try:
            return _cipher(key).decrypt(raw[:12], raw[12:], None).decode()
        except InvalidTag:
            continue
    raise DataKeyError("no configured data key opens this value")


def lookup_hash(value: str, key: DataKey | None = None) -> str:
    """The keyed hash that finds a record by its 身份证号 without storing it in clear."""
    return hmac.new(
        (key or current_key()).derive(b"gaoxin-lookup"), value.encode(), hashlib.sha256
    ).hexdigest()


def lookup_hashes(value: str) -> list[str]:
    """The hashes of a value under every known key: during a rotation a row may still carry the old."""
    return [lookup_hash(value, k) for k in known_keys()]


# --- the encrypted fields of the project, for the key check and the rotation -----------------------


@dataclass(frozen=True)
class EncryptedFields:
    model: type[models.Model]
    ciphers: tuple[str, ...]
    hash_field: str = ""  # the lookup hash of ...
    hashed: str = ""  # ... the clear value of this cipher field


REGISTRY: list[EncryptedFields] = []


def register(
    model: type[models.Model], ciphers: Sequence[str], *, hash_field: str = "", hashed: str = ""
) -> None:
    """Make a model's encrypted fields known (each app registers its own in ``AppConfig.ready``)."""
    entry = EncryptedFields(model, tuple(ciphers), hash_field, hashed)
    if entry not in REGISTRY:
        REGISTRY.append(entry)


def check_key() -> None:
    """Raise DataKeyError when the stored data was encrypted with a key that is not configured: one
    row of each encrypted model is tried (before a lookup or a registration trusts the hashes)."""
    known = {k.id for k in known_keys()}
    for entry in REGISTRY:
        for field in entry.ciphers:
            token = (
                entry.model._default_manager.exclude(**{field: ""})
                .order_by("-pk")
                .values_list(field, flat=True)
                .first()
            )
            if token is None:
                continue
            kid = key_id_of(token)
            if kid is None:
                decrypt(token)  # a legacy value: it opens with a known key or raises
            elif kid not in known:
                raise DataKeyError(
                    f"the stored data was encrypted with key {kid}; GAOXIN_DATA_KEY is {current_key().id}"
                )


def key_ids_in_use() -> list[str]:
    """The ids of every key some stored value was encrypted with ("legacy" for values without one)."""
    found: set[str] = set()
    for entry in REGISTRY:
        for field in entry.ciphers:
            tokens = entry.model._default_manager.exclude(**{field: ""}).values_list(field, flat=True)
            found.update(key_id_of(t) or "legacy" for t in tokens.iterator())
    return sorted(found)


def rows_to_rotate(entry: EncryptedFields) -> models.QuerySet[Any]:
    """The rows with a value not (yet) under the current key."""
    current = f"{VERSION}:{current_key().id}:"
    stale = models.Q()
    for field in entry.ciphers:
        stale |= ~models.Q(**{field: ""}) & ~models.Q(**{f"{field}__startswith": current})
    return entry.model._default_manager.filter(stale).order_by("pk")


def rotate(batch_size: int = 500) -> Iterator[tuple[str, int, int]]:
    """Re-encrypt every registered value under the current key and recompute the lookup hashes, one
    batch per transaction; yields (model, rows done, rows left) after each batch. Resumable: rows
    already under the current key are skipped. The application keeps running meanwhile (every known key
    still opens what it encrypted)."""
    from django.db import transaction

    for entry in REGISTRY:
        label = entry.model._meta.label
        while True:
            with transaction.atomic():
                rows = list(rows_to_rotate(entry).select_for_update()[:batch_size])
                for row in rows:
                    changed = []
                    for field in entry.ciphers:
                        token = getattr(row, field)
                        if token:
                            clear = decrypt(token)
                            setattr(row, field, encrypt(clear))
                            changed.append(field)
                            if field == entry.hashed and entry.hash_field:
                                setattr(row, entry.hash_field, lookup_hash(clear))
                                changed.append(entry.hash_field)
                    row.save(update_fields=changed)
            left = rows_to_rotate(entry).count()
            yield label, len(rows), left
            if not rows or left == 0:
                break


# --- seals: a keyed MAC over a signed text (an opinion, its author and its time), tamper-evident ------


def seal(text: str) -> str:
    """The seal of a text under the current data key: ``<key id>:<HMAC-SHA256>``. Whoever changes the
    text afterwards (in the database, a backup) breaks it; only the platform's key makes one."""
    key = current_key()
    mac = hmac.new(key.derive(b"gaoxin-seal"), text.encode(), hashlib.sha256).hexdigest()
    return f"{key.id}:{mac}"


def verify_seal(text: str, sealed: str) -> bool:
    """The seal was made over this very text by one of the known keys."""
    kid, _, mac = sealed.partition(":")
    for key in known_keys():
        if key.id == kid:
            expected = hmac.new(key.derive(b"gaoxin-seal"), text.encode(), hashlib.sha256).hexdigest()
            return hmac.compare_digest(expected, mac)
    return False

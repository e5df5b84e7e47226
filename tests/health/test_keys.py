"""Data keys: every ciphertext names its key; a wrong key is a clear error (no server error, no second
registration of the same person); `gaoxin keys rotate` re-encrypts without downtime."""

from __future__ import annotations

import secrets
from io import StringIO

import pytest
from django.core.management import call_command
from django.urls import reverse

from gaoxin.common import crypto
from gaoxin.health import queries, services
from gaoxin.health.models import Resident
from gaoxin.places.models import Community
from tests.health.conftest import id_number

CLEAR_ID = id_number("19850615", "002")


def test_every_ciphertext_names_its_key(people):  # type: ignore[no-untyped-def]
    me = people["me"]
    assert crypto.key_id_of(me.id_cipher) == crypto.current_key().id
    assert crypto.current_key().id not in crypto.current_key().secret


def test_a_wrong_key_is_a_clear_error_and_registers_nobody_twice(client_of, care, people, settings):  # type: ignore[no-untyped-def]
    settings.GAOXIN_DATA_KEY = secrets.token_urlsafe(48)  # the operator set another key
    with pytest.raises(crypto.DataKeyError):
        crypto.decrypt(people["me"].id_cipher)
    with pytest.raises(services.HealthError):
        services.register_resident(
            None, id_number=CLEAR_ID, name="陈静", community=Community.objects.get(code="370871001001")
        )
    assert Resident.objects.count() == 3
    c = client_of(care["doctor"])
    reveal = c.post(reverse("health:resident", args=[people["me"].pk]), {"reveal": "id_number"})
    assert reveal.status_code == 503 and "GAOXIN_DATA_KEY" in reveal.content.decode()
    search = c.post(reverse("health:residents"), {"q": CLEAR_ID})
    assert search.status_code == 503


def test_rotation_re_encrypts_in_batches_while_both_keys_open_the_data(people, settings):  # type: ignore[no-untyped-def]
    old = settings.GAOXIN_DATA_KEY
    new = secrets.token_urlsafe(48)
    settings.GAOXIN_DATA_KEY, settings.GAOXIN_DATA_KEYS_PREVIOUS = new, [old]
    me = Resident.objects.get(pk=people["me"].pk)
    assert crypto.decrypt(me.id_cipher) == CLEAR_ID  # during the rotation the old key still opens it
    assert queries.find_resident(CLEAR_ID) == me  # and the old hash still finds her
    out = StringIO()
    call_command("keys", "rotate", "--batch", "2", stdout=out)
    assert "left" in out.getvalue() and "Every value is under key" in out.getvalue()
    settings.GAOXIN_DATA_KEYS_PREVIOUS = []  # the old key is gone
    me = Resident.objects.get(pk=people["me"].pk)
    assert crypto.key_id_of(me.id_cipher) == crypto.DataKey(new).id
    assert crypto.decrypt(me.id_cipher) == CLEAR_ID and crypto.decrypt(me.phone_cipher) == "13853712345"
    assert queries.find_resident(CLEAR_ID) == me
    status = StringIO()
    call_command("keys", "status", stdout=status)
    assert f"{crypto.DataKey(new).id}: 3" in status.getvalue()


def test_a_legacy_ciphertext_without_a_key_id_still_opens(people):  # type: ignore[no-untyped-def]
    import base64
    import os

    from cryptography.hazmat.primitives.ciphers.aead import AESGCM

    nonce = os.urandom(12)
    sealed = AESGCM(crypto.current_key().derive(b"gaoxin-field-encryption")).encrypt(
        nonce, b"13800000000", None
    )
    legacy = "v1:" + base64.urlsafe_b64encode(nonce + sealed).decode()
    assert crypto.decrypt(legacy) == "13800000000"

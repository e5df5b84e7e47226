"""Login limits: one count per account whatever the Unicode spelling, per client address, growing
delays, reset by a successful login, and no password kept from the name field."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.common.models import AuditEvent
from tests.conftest import PASSWORD

WRONG = "wrong-one-1234"


def attempt(client, name: str, password: str, address: str = "10.0.0.1") -> bool:  # type: ignore[no-untyped-def]
    """Post the login form; True when it logged in."""
    client.logout()
    client.post(reverse("login"), {"username": name, "password": password}, REMOTE_ADDR=address)
    return "_auth_user_id" in client.session


@pytest.fixture
def liuxing(zone):  # type: ignore[no-untyped-def]
    return create_user(
        "liuxing", PASSWORD, roles=[Role.STREET_STAFF], street_id=zone.streets.get(code="370871002").pk
    )


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    """A clock the test moves: timezone.now() as the audit log and the limits read it."""
    state = {"now": timezone.now()}
    monkeypatch.setattr(timezone, "now", lambda: state["now"])

    def move(**delta: float) -> None:
        state["now"] += dt.timedelta(**delta)

    return move


def test_a_unicode_spelling_of_a_locked_name_is_locked_too(client, liuxing, settings):  # type: ignore[no-untyped-def]
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        assert not attempt(client, "liuxing", WRONG)
    for spelling in ("ｌiuxing", "ｌｉｕｘｉｎｇ", " liuxing "):
        assert not attempt(client, spelling, PASSWORD)
    assert AuditEvent.objects.filter(action="login_failed", target_id="liuxing").count() == 5
    assert AuditEvent.objects.filter(action="login_locked", target_id="liuxing").count() == 3


def test_unicode_spellings_share_one_count(client, liuxing, settings):  # type: ignore[no-untyped-def]
    for k in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        assert not attempt(client, "ｌiuxing" if k % 2 else "liuxing", WRONG)
    assert not attempt(client, "liuxing", PASSWORD)


def test_a_successful_login_resets_the_count(client, liuxing, settings):  # type: ignore[no-untyped-def]
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES - 1):
        assert not attempt(client, "liuxing", WRONG)
    assert attempt(client, "liuxing", PASSWORD)
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES - 1):
        assert not attempt(client, "liuxing", WRONG)
    assert attempt(client, "liuxing", PASSWORD)


def test_the_wait_grows_with_every_failure_past_the_limit(client, liuxing, settings, clock):  # type: ignore[no-untyped-def]
    lock = settings.GAOXIN_LOGIN_LOCK_SECONDS
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        attempt(client, "liuxing", WRONG)
    clock(seconds=lock - 5)
    assert not attempt(client, "liuxing", PASSWORD)  # still locked
    clock(seconds=10)
    assert not attempt(client, "liuxing", WRONG)  # the lock ended; a sixth failure doubles the wait
    clock(seconds=lock + 5)
    assert not attempt(client, "liuxing", PASSWORD)
    clock(seconds=lock)
    assert attempt(client, "liuxing", PASSWORD)


def test_one_address_trying_many_names_is_stopped(client, liuxing, settings):  # type: ignore[no-untyped-def]
    limit = settings.GAOXIN_LOGIN_MAX_FAILURES_PER_ADDRESS
    for k in range(limit):
        attempt(client, f"name{k % 8}", WRONG, address="10.9.9.9")
    assert not attempt(client, "liuxing", PASSWORD, address="10.9.9.9")  # this address waits
    assert attempt(client, "liuxing", PASSWORD, address="10.1.1.1")  # the account is not locked


def test_a_password_typed_into_the_name_field_is_not_kept(client, liuxing):  # type: ignore[no-untyped-def]
    attempt(client, "Secret-Passw0rd!", WRONG)
    event = AuditEvent.objects.get(action="login_failed")
    assert "Secret" not in f"{event.target_id} {event.target_label} {event.detail}"
    assert event.target_id.startswith("h:")


def test_an_operator_lifts_a_lock(client, liuxing, settings):  # type: ignore[no-untyped-def]
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        attempt(client, "liuxing", WRONG)
    call_command("accounts", "unlock", "ｌiuxing")
    assert attempt(client, "liuxing", PASSWORD)

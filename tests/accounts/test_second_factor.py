"""The second factor (TOTP, RFC 6238) with a real authenticator (pyotp): the RFC's test vectors,
enrolment with a QR code, a code per time step once, recovery codes, the roles that need it, and
sessions without it ended."""

from __future__ import annotations

import base64
import re
import time
from urllib.parse import unquote

import pyotp
import pytest
from django.urls import reverse

from gaoxin.accounts import services
from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.analysis import otp
from gaoxin.common.models import AuditEvent
from tests.conftest import PASSWORD

RFC_SECRET = base64.b32encode(b"12345678901234567890").decode()


@pytest.mark.parametrize(
    ("t", "code"),
    [
        (59, "94287082"),
        (1111111109, "07081804"),
        (1111111111, "14050471"),
        (1234567890, "89005924"),
        (2000000000, "69279037"),
        (20000000000, "65353130"),
    ],
)
def test_the_rfc_6238_vectors(t, code):  # type: ignore[no-untyped-def]
    assert otp.totp(RFC_SECRET, t, digits=8) == code


def test_the_codes_are_those_of_a_real_authenticator():
    for k in range(20):
        secret = otp.new_secret()
        t = time.time() + k * 99_997
        assert otp.totp(secret, t) == pyotp.TOTP(secret).at(t)
        assert otp.verify(secret, pyotp.TOTP(secret).at(t - 30), t) == otp.step_at(t) - 1  # one step of skew
        assert otp.verify(secret, pyotp.TOTP(secret).at(t - 90), t) is None
    secret = otp.new_secret()
    now = time.time()
    step = otp.verify(secret, pyotp.TOTP(secret).at(now), now)
    assert otp.verify(secret, pyotp.TOTP(secret).at(now), now, after_step=step) is None  # no replay
    assert otp.verify(secret, "１２３４５６", now) is None and otp.verify(secret, "12345", now) is None


@pytest.fixture
def required(settings):  # type: ignore[no-untyped-def]
    settings.GAOXIN_REQUIRE_2FA = True


@pytest.fixture
def clock(monkeypatch):  # type: ignore[no-untyped-def]
    state = {"t": time.time()}
    monkeypatch.setattr(time, "time", lambda: state["t"])

    def move(seconds: float) -> float:
        state["t"] += seconds
        return state["t"]

    return move


def log_in(client, name):  # type: ignore[no-untyped-def]
    return client.post(reverse("login"), {"username": name, "password": PASSWORD})


def test_a_doctor_enrols_and_then_logs_in_with_her_authenticator(client, zone, required, clock):  # type: ignore[no-untyped-def]
    create_user("doc", PASSWORD, roles=[Role.DOCTOR])
    response = log_in(client, "doc")
    assert response.status_code == 302 and response["Location"] == reverse("second_factor_setup")
    assert "_auth_user_id" not in client.session  # the password alone does not log in
    page = client.get(reverse("second_factor_setup")).content.decode()
    qr = re.search(r'<img src="data:image/svg\+xml;charset=utf-8,([^"]+)"', page).group(1)
    assert unquote(qr).startswith("<svg xmlns='http://www.w3.org/2000/svg'")  # an image needs its namespace
    secret = re.search(r'<code id="secret">([A-Z2-7 ]+)</code>', page).group(1).replace(" ", "")
    phone = pyotp.TOTP(secret)
    assert (
        client.post(
            reverse("second_factor_setup"), {"code": "000000" if phone.now() != "000000" else "111111"}
        ).status_code
        == 200
    )
    done = client.post(reverse("second_factor_setup"), {"code": phone.at(time.time())})
    codes = re.findall(r"<li><code>([0-9a-f]{6}-[0-9a-f]{6})</code></li>", done.content.decode())
    assert len(codes) == 10 and "_auth_user_id" in client.session
    assert client.get(reverse("home")).status_code == 200

    client.post(reverse("logout"))
    assert log_in(client, "doc")["Location"] == reverse("second_factor")
    same_step = client.post(reverse("second_factor"), {"code": phone.at(time.time())})
    assert same_step.status_code == 200 and "_auth_user_id" not in client.session  # a code is used once
    now = clock(30)
    assert client.post(reverse("second_factor"), {"code": phone.at(now)}).status_code == 302
    assert "_auth_user_id" in client.session
    assert AuditEvent.objects.filter(action="login", target_id="doc").count() == 2


def test_a_recovery_code_works_once(client, zone, required):  # type: ignore[no-untyped-def]
    user = create_user("aud", PASSWORD, roles=[Role.AUDITOR])
    secret = otp.new_secret()
    codes = services.enrol_second_factor(user, secret, pyotp.TOTP(secret).now())
    assert codes is not None
    log_in(client, "aud")
    assert client.post(reverse("second_factor"), {"code": codes[0].upper()}).status_code == 302
    client.post(reverse("logout"))
    log_in(client, "aud")
    assert client.post(reverse("second_factor"), {"code": codes[0]}).status_code == 200  # used already
    assert AuditEvent.objects.filter(action="recovery_code_used").count() == 1


def test_wrong_codes_count_as_failed_logins(client, zone, required, settings):  # type: ignore[no-untyped-def]
    user = create_user("admin2", PASSWORD, roles=[Role.ZONE_ADMIN])
    secret = otp.new_secret()
    services.enrol_second_factor(user, secret, pyotp.TOTP(secret).now())
    log_in(client, "admin2")
    for _ in range(settings.GAOXIN_LOGIN_MAX_FAILURES):
        client.post(reverse("second_factor"), {"code": "000000"})
    good = pyotp.TOTP(secret).at(time.time() + 30)
    assert client.post(reverse("second_factor"), {"code": good}).status_code == 200  # locked now
    assert "_auth_user_id" not in client.session


def test_roles_without_personal_data_log_in_with_the_password(client, zone, required):  # type: ignore[no-untyped-def]
    create_user("plan", PASSWORD, roles=[Role.PLANNER])
    assert log_in(client, "plan")["Location"] == "/" and "_auth_user_id" in client.session


def test_a_session_without_the_second_factor_is_ended(client, zone, required):  # type: ignore[no-untyped-def]
    doctor = create_user("doc2", PASSWORD, roles=[Role.DOCTOR])
    client.force_login(doctor)  # e.g. logged in before the requirement was switched on
    response = client.get(reverse("home"))
    assert response.status_code == 302 and response["Location"].startswith("/login/")
    assert client.get("/api/health/me").status_code == 401


def test_an_administrator_resets_a_lost_authenticator(client, zone, required):  # type: ignore[no-untyped-def]
    user = create_user("doc3", PASSWORD, roles=[Role.DOCTOR])
    secret = otp.new_secret()
    services.enrol_second_factor(user, secret, pyotp.TOTP(secret).now())
    services.reset_second_factor(user)
    assert log_in(client, "doc3")["Location"] == reverse("second_factor_setup")
    assert AuditEvent.objects.filter(action="second_factor_reset", target_id="doc3").exists()

"""HTTPS deployment: `gaoxin check --deploy` is clean with production settings, the keys are checked,
and behind a TLS-terminating proxy a POST (the login) is accepted."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
from django.test import Client
from django.urls import reverse

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from tests.conftest import PASSWORD


def deploy_check(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    base = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith("GAOXIN_") and k not in ("DATABASE_URL", "DJANGO_SETTINGS_MODULE")
    }
    production = {
        "DJANGO_SETTINGS_MODULE": "gaoxin.site.settings",
        "GAOXIN_HOME": str(tmp_path),
        "GAOXIN_DEBUG": "false",
        "GAOXIN_SECRET_KEY": secrets.token_urlsafe(50),
        "GAOXIN_DATA_KEY": secrets.token_urlsafe(48),
        "GAOXIN_ALLOWED_HOSTS": "gaoxin.intranet.example",
        "GAOXIN_CSRF_TRUSTED_ORIGINS": "https://gaoxin.intranet.example",
        "GAOXIN_PROXY_SSL_HEADER": "true",
        "DATABASE_URL": f"sqlite:///{tmp_path / 'db.sqlite3'}",
    }
    return subprocess.run(
        [sys.executable, "-m", "django", "check", "--deploy", "--fail-level", "WARNING"],
        env=base | production | env,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_production_settings_pass_the_deploy_check(tmp_path):  # type: ignore[no-untyped-def]
    done = deploy_check(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "no issues" in done.stdout


def test_a_short_data_key_or_a_key_in_a_file_fails_it(tmp_path):  # type: ignore[no-untyped-def]
    short = deploy_check(tmp_path, GAOXIN_DATA_KEY="a")
    assert short.returncode != 0 and "gaoxin.E001" in short.stdout + short.stderr
    from_file = deploy_check(tmp_path, GAOXIN_DATA_KEY="")
    assert from_file.returncode != 0 and "gaoxin.W001" in from_file.stdout + from_file.stderr
    assert not (tmp_path / "var" / "data_key").exists()  # never beside the data


def test_behind_a_tls_proxy_the_login_is_accepted(db, zone, settings):  # type: ignore[no-untyped-def]
    settings.SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    settings.CSRF_TRUSTED_ORIGINS = ["https://gaoxin.intranet.example"]
    settings.ALLOWED_HOSTS = ["gaoxin.intranet.example"]
    create_user("planner2", PASSWORD, roles=[Role.PLANNER])
    c = Client(enforce_csrf_checks=True)
    headers = {"HTTP_HOST": "gaoxin.intranet.example", "HTTP_X_FORWARDED_PROTO": "https"}
    c.get(reverse("login"), **headers)
    token = c.cookies["csrftoken"].value
    response = c.post(
        reverse("login"),
        {"username": "planner2", "password": PASSWORD, "csrfmiddlewaretoken": token},
        HTTP_ORIGIN="https://gaoxin.intranet.example",
        HTTP_REFERER="https://gaoxin.intranet.example/login/",
        **headers,
    )
    assert response.status_code == 302 and "_auth_user_id" in c.session


@pytest.mark.parametrize("path", ["/login/", "/places/facilities/", "/health/audit/"])
def test_every_answer_carries_the_security_headers(client_of, auditor, path):  # type: ignore[no-untyped-def]
    response = client_of(auditor).get(path)
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert "frame-ancestors 'none'" in csp and "camera=()" in response["Permissions-Policy"]
    assert response["Referrer-Policy"] == "same-origin" and response["X-Frame-Options"] == "DENY"
    if path.startswith("/health/"):
        assert "no-store" in response["Cache-Control"]


def test_no_template_has_an_inline_script():  # type: ignore[no-untyped-def]
    root = Path(__file__).resolve().parents[2] / "src" / "gaoxin"
    inline = []
    for template in root.glob("**/templates/**/*.html"):
        text = template.read_text(encoding="utf-8")
        for m in re.finditer(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", text):
            inline.append(f"{template.relative_to(root)}: {m.group(0)}")
        if re.search(r"\son[a-z]+=\"", text) or "javascript:" in text:
            inline.append(f"{template.relative_to(root)}: an inline event handler")
    assert inline == []


def test_the_second_factor_is_required_by_default_and_turning_it_off_is_reported(tmp_path):  # type: ignore[no-untyped-def]
    off = deploy_check(tmp_path, GAOXIN_REQUIRE_2FA="false")
    assert off.returncode != 0 and "gaoxin.W003" in off.stdout + off.stderr
    env = {k: v for k, v in os.environ.items() if not k.startswith("GAOXIN_")}
    demo = subprocess.run(  # the demo's settings (DEBUG on, nothing set) require it too
        [sys.executable, "-c", "from gaoxin.site import settings; print(settings.GAOXIN_REQUIRE_2FA)"],
        env=env | {"GAOXIN_HOME": str(tmp_path)},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert demo.stdout.strip() == "True", demo.stderr

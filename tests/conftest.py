"""Shared fixtures: a small zone and the named personas every permission test speaks of."""

from __future__ import annotations

import os
import shutil

import pytest

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.places.models import Community, Facility, FacilityType, ResidentialArea, Street, Zone

PASSWORD = "a-Strong-test-pass-42"

# A small square zone around 洸河 and 柳行 (synthetic geometry for tests).
ZONE_BOUNDARY = {
    "type": "Polygon",
    "coordinates": [[[116.60, 35.38], [116.70, 35.38], [116.70, 35.48], [116.60, 35.48], [116.60, 35.38]]],
}


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):  # type: ignore[no-untyped-def]
    """PBKDF2's 1,000,000 rounds cost ~0.5 s per persona; tests do not test the hasher."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache():  # type: ignore[no-untyped-def]
    """Each test starts with an empty cache (keys name database ids, which a new test database reuses)."""
    from django.core.cache import cache

    cache.clear()
    yield


@pytest.fixture(autouse=True)
def _jobs_inline(settings):  # type: ignore[no-untyped-def]
    """A job runs where it is submitted (no worker in most tests); tests/common/test_jobs.py runs them
    on the embedded worker and on Celery with Redis."""
    settings.GAOXIN_JOBS_INLINE = True


@pytest.fixture(autouse=True)
def _second_factor_off(settings):  # type: ignore[no-untyped-def]
    """Personas log in with ``force_login``, which gives no second factor; the tests of the second factor
    (tests/accounts/test_second_factor.py) turn the requirement back on. The default is on."""
    settings.GAOXIN_REQUIRE_2FA = False


@pytest.fixture(autouse=True)
def _audit_guard_off_for_flushes(request):  # type: ignore[no-untyped-def]
    """A transactional test (the browser tests' live server) ends with a flush that deletes every row;
    on SQLite the audit log's trigger would refuse it (PostgreSQL's flush truncates, which the trigger
    does not see). The guard table's switch is off for those tests only."""
    if {"transactional_db", "live_server"} & set(request.fixturenames):
        request.getfixturevalue("transactional_db")
        from django.db import connection

        if connection.vendor == "sqlite":
            with connection.cursor() as cursor:
                cursor.execute("UPDATE common_audit_guard SET enforced = 0")
    yield


@pytest.fixture
def zone(db: None) -> Zone:
    zone = Zone.objects.create(
        code="370871", name="济宁高新区", boundary=ZONE_BOUNDARY, center_lon=116.65, center_lat=35.43
    )
    guanghe = Street.objects.create(
        zone=zone, code="370871001", name="洸河街道", center_lon=116.64, center_lat=35.41
    )
    liuxing = Street.objects.create(
        zone=zone, code="370871002", name="柳行街道", center_lon=116.64, center_lat=35.45
    )
    dongzha = Community.objects.create(
        street=guanghe, code="370871001001", name="东闸社区", center_lon=116.640, center_lat=35.410
    )
    Community.objects.create(
        street=guanghe, code="370871001201", name="江庄村", center_lon=116.650, center_lat=35.405
    )
    chongwen = Community.objects.create(
        street=liuxing, code="370871002007", name="崇文社区", center_lon=116.642, center_lat=35.452
    )
    ResidentialArea.objects.create(
        code="RA-DZ-01",
        name="东闸花园",
        community=dongzha,
        center_lon=116.641,
        center_lat=35.411,
        gates=[[116.641, 35.410]],
        households=800,
        pop_3_5=70,
        pop_15_59=1500,
        pop_65_plus=300,
    )
    ResidentialArea.objects.create(
        code="RA-CW-01",
        name="崇文小区",
        community=chongwen,
        center_lon=116.643,
        center_lat=35.453,
        households=600,
        pop_3_5=50,
        pop_15_59=1100,
        pop_65_plus=200,
    )
    kg = FacilityType.objects.get(code="kindergarten")
    Facility.objects.create(
        code="F-GH-KG-1",
        name="洸河幼儿园",
        type=kg,
        street=guanghe,
        community=dongzha,
        lon=116.642,
        lat=35.412,
        capacity=270,
    )
    Facility.objects.create(
        code="F-LX-KG-1",
        name="柳行中心幼儿园",
        type=kg,
        street=liuxing,
        community=chongwen,
        lon=116.644,
        lat=35.454,
        capacity=300,
    )
    return zone


def _persona(username: str, roles: list[Role], street_code: str | None = None) -> object:
    street_id = Street.objects.get(code=street_code).pk if street_code else None
    return create_user(username, PASSWORD, roles=roles, street_id=street_id)


@pytest.fixture
def planner(zone: Zone) -> object:
    return _persona("planner", [Role.PLANNER])


@pytest.fixture
def guanghe_staff(zone: Zone) -> object:
    return _persona("guanghe", [Role.STREET_STAFF], "370871001")


@pytest.fixture
def liuxing_staff(zone: Zone) -> object:
    return _persona("liuxing", [Role.STREET_STAFF], "370871002")


@pytest.fixture
def resident(zone: Zone) -> object:
    return _persona("resident", [Role.RESIDENT])


@pytest.fixture
def auditor(zone: Zone) -> object:
    return _persona("auditor", [Role.AUDITOR])


@pytest.fixture
def client_of(client):  # type: ignore[no-untyped-def]
    """client_of(user) → a test client logged in as that persona."""

    def login(user):  # type: ignore[no-untyped-def]
        client.force_login(user)
        return client

    return login


# ---------------------------------------------------------------- browser tests (headless Chromium)

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
BROWSER_MARKS = [
    pytest.mark.browser,
    pytest.mark.skipif(
        CHROMIUM is None and not os.environ.get("CI"),
        reason="Debian's chromium is not installed (CI installs it)",
    ),
]


@pytest.fixture
def page(live_server, _end_live_server_sessions):  # type: ignore[no-untyped-def]
    os.environ["DJANGO_ALLOW_ASYNC_UNSAFE"] = (
        "true"  # Playwright's sync API runs an event loop in this thread
    )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        pg = browser.new_page(viewport={"width": 1280, "height": 800})
        external: list[str] = []
        pg.on(
            "request",
            lambda r: (
                external.append(r.url)
                if not r.url.startswith(live_server.url) and not r.url.startswith("data:")
                else None
            ),
        )
        pg.external_requests = external
        refused: list[
            str
        ] = []  # what the Content-Security-Policy blocked: a page that relies on it is broken
        pg.on(
            "console",
            lambda m: refused.append(m.text) if "Content Security Policy" in m.text else None,
        )
        yield pg
        browser.close()
        assert refused == [], refused
    os.environ.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)


@pytest.fixture(scope="session")
def _end_live_server_sessions(django_db_setup, django_db_blocker):
    """The live server's request threads keep PostgreSQL sessions open until the process ends; end
    them once, after the last browser test, so that pytest-django can drop the test database."""
    yield
    from django.db import connection

    with django_db_blocker.unblock():
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:
                cursor.execute(
                    "SELECT pg_terminate_backend(pid) FROM pg_stat_activity"
                    " WHERE datname = current_database() AND pid <> pg_backend_pid()"
                )


def login(page, live_server, username, password="a-Strong-test-pass-42"):
    page.goto(live_server.url + "/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    page.click("button.primary")
    page.wait_for_url(lambda url: "/login/" not in url)  # each role lands on its own start page

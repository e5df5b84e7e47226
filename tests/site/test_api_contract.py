"""The API keeps its contract: every answer is one its OpenAPI document declares (status, content type,
body schema) and none is a server error, whatever the input — checked by schemathesis as three roles
(a planner, park staff, a family doctor) with a fixed number of generated examples per operation,
derandomized so that a run is repeatable. Plus the document itself: unique schema names, the error
statuses on every operation."""

from __future__ import annotations

import re
from typing import Any

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.middleware.csrf import get_token
from django.test import RequestFactory
from hypothesis import HealthCheck, Phase, settings
from ninja import Schema
from schemathesis.config import SchemathesisConfig

from gaoxin.accounts.choices import Role
from gaoxin.accounts.services import create_user
from gaoxin.lifecircle import services as lifecircle_services
from gaoxin.parks import services as parks_services
from gaoxin.parks.models import Scheme
from gaoxin.places.models import Street
from gaoxin.site.api import api
from tests.conftest import PASSWORD
from tests.health.conftest import care, people  # noqa: F401 - the apps' fixtures
from tests.lifecircle.conftest import network_zone  # noqa: F401
from tests.parks.conftest import example_zone  # noqa: F401

EXAMPLES_PER_OPERATION = 25
ROLES = ("planner", "park", "doctor")

# A schema-valid request may still be refused by the domain with a documented 400 (a facility type
# the profile lacks, a workflow step out of order): schemathesis' check that valid data is accepted
# allows it beside its defaults.
CONFIG = SchemathesisConfig.from_dict(
    {
        "checks": {
            "positive_data_acceptance": {"expected-statuses": ["2xx", "400", "401", "403", "404", "409"]}
        }
    }
)
schema = schemathesis.openapi.from_dict(api.get_openapi_schema(), config=CONFIG)


def _all_subclasses(cls: type) -> list[type]:
    out = []
    for sub in cls.__subclasses__():
        out += [sub, *_all_subclasses(sub)]
    return out


def test_schema_names_are_unique() -> None:
    """Two schemas of one name are one component in the document: one operation would be documented
    with the other's fields."""
    ours: dict[str, list[str]] = {}
    for cls in _all_subclasses(Schema):
        if cls.__module__.startswith("gaoxin."):
            ours.setdefault(cls.__name__, []).append(cls.__module__)
    assert {name: modules for name, modules in ours.items() if len(modules) > 1} == {}


def _operations() -> list[tuple[str, str, dict[str, Any]]]:
    doc = api.get_openapi_schema()
    return [
        (method.upper(), path, operation)
        for path, methods in doc["paths"].items()
        for method, operation in methods.items()
    ]


def test_every_operation_documents_its_error_statuses() -> None:
    doc = api.get_openapi_schema()
    assert _operations()
    for method, path, operation in _operations():
        statuses = {str(status) for status in operation["responses"]}
        assert {"401", "403", "503"} <= statuses, (method, path)
        params = operation.get("parameters", [])
        if params or "requestBody" in operation:
            assert "422" in statuses, (method, path)
        if any(p["in"] == "path" for p in params):
            assert "404" in statuses, (method, path)
        for status, answer in operation["responses"].items():
            if str(status).startswith(("4", "5")):
                ref = answer["content"]["application/json"]["schema"]["$ref"]
                component = doc["components"]["schemas"][ref.rsplit("/", 1)[1]]
                assert {"error", "detail"} <= set(component["required"]), (method, path, status)


@pytest.fixture
def world(network_zone, example_zone, people, care):  # type: ignore[no-untyped-def]  # noqa: F811
    """The zone with a walking network (an evaluation run), parks with a 2025 evaluation, the health
    centre with residents — and the three roles."""
    lifecircle_services.evaluate(actor=None, zone=network_zone)
    parks_services.open_evaluation(
        None, zone=example_zone, year=2025, scheme=Scheme.objects.get(name="jining-2025")
    )
    return {
        "planner": create_user("planner", PASSWORD, roles=[Role.PLANNER]),
        "park": create_user("park", PASSWORD, roles=[Role.PARK_STAFF]),
        "doctor": care["doctor"],
    }


# The session of the role under test. Schemathesis builds some cases before the test runs (while
# collecting), so its auth hook sets placeholders that the application below swaps for the session the
# fixture opened; its checks of a missing or wrong credential (401 expected) change or drop them.
SESSION: dict[str, str] = {}
PLACEHOLDERS = {"role-session": "sessionid", "role-csrf": "csrftoken"}


@schema.auth(refresh_interval=None)
class SessionAuth:
    """A logged-in session as a browser holds it: the session and CSRF cookies, and the CSRF header a
    POST carries."""

    def get(self, case, ctx):  # type: ignore[no-untyped-def]
        return PLACEHOLDERS

    def set(self, case, data, ctx):  # type: ignore[no-untyped-def]
        case.cookies = {**(case.cookies or {}), "sessionid": "role-session", "csrftoken": "role-csrf"}
        case.headers = {**(case.headers or {}), "X-CSRFToken": "role-csrf"}


def _as_the_role(app):  # type: ignore[no-untyped-def]
    def application(environ, start_response):  # type: ignore[no-untyped-def]
        for key in ("HTTP_COOKIE", "HTTP_X_CSRFTOKEN"):
            if key in environ:
                for placeholder, name in PLACEHOLDERS.items():
                    environ[key] = environ[key].replace(placeholder, SESSION.get(name, ""))
        return app(environ, start_response)

    return application


schema.app = _as_the_role(get_wsgi_application())  # requests go to this process (its test database)


@pytest.fixture
def logged_in(client, world, role):  # type: ignore[no-untyped-def]
    """The role's session; and, as Django's test client does, the database connection (which holds
    the test's transaction) is not closed at the end of each request."""
    client.force_login(world[role])
    token = get_token(RequestFactory().get("/"))
    SESSION.update(sessionid=client.cookies["sessionid"].value, csrftoken=token)
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)
    SESSION.clear()


@pytest.mark.parametrize("role", ROLES)
@schema.parametrize()
@settings(
    max_examples=EXAMPLES_PER_OPERATION,
    derandomize=True,
    deadline=None,
    database=None,
    phases=[Phase.explicit, Phase.generate],
    suppress_health_check=list(HealthCheck),
)
def test_the_api_keeps_its_contract(case, role, logged_in):  # type: ignore[no-untyped-def]
    # The in-process (WSGI) transport does not undo gzip the way an HTTP client does: ask for none.
    case.call_and_validate(headers={"Accept-Encoding": "identity"})


def test_an_anonymous_caller_gets_401_in_the_documented_shape(client, zone):  # type: ignore[no-untyped-def]
    for method, path, _op in _operations():
        concrete = re.sub(r"\{[^}]+\}", "1", path)
        answer = client.generic(method, concrete)
        assert answer.status_code == 401, (method, path)
        assert answer.json()["error"] == "unauthenticated"


def test_bad_input_is_refused_with_the_parameter_named(client_of, planner, network_zone):  # type: ignore[no-untyped-def]  # noqa: F811
    """What the fuzzing found, kept as cases: an unknown or invalid filter refused, a filter by an
    object that is not there matching nothing (never the whole list), a number out of range refused (never an overflow in the database), a body that is no
    object refused (never a run with the defaults), ``true`` no ID."""
    c = client_of(planner)
    cases = {
        "/api/places/facilities?stret=1": ("invalid", "query.stret"),
        "/api/places/facilities?q=%00": ("invalid", "query.q"),
        "/api/places/areas?type=1": ("invalid", "query.type"),
        "/api/places/areas?offset=2833605891679350423552": ("invalid", "query.offset"),
        "/api/lifecircle/evaluations/9223372036854775808": ("invalid", "path.evaluation_id"),
    }
    for url, (error, field) in cases.items():
        answer = c.get(url)
        assert answer.status_code == 422, url
        assert answer.json()["error"] == error and field in [p["field"] for p in answer.json()["problems"]]
    for body in ("[null, null]", "3", '"x"'):
        answer = c.post("/api/lifecircle/evaluations", data=body, content_type="application/json")
        assert answer.status_code == 400 and answer.json()["error"] == "bad_request", body
    answer = c.post("/api/lifecircle/evaluations", data={"profile_id": True}, content_type="application/json")
    assert answer.status_code == 422
    from gaoxin.lifecircle.models import Evaluation

    assert not Evaluation.objects.exists()
    guanghe = Street.objects.get(code="370871001")
    assert len(c.get(f"/api/places/facilities?street={guanghe.pk}").json()) == 1
    assert c.get("/api/places/facilities?street=999999").json() == []  # no such street: nothing, not all


def test_api_errors_speak_the_language_the_request_asks_for(client, zone):  # type: ignore[no-untyped-def]
    assert client.get("/api/places/facilities").json()["detail"] == "请先登录。"  # Chinese by default
    english = client.get("/api/places/facilities", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").json()
    assert english == {"error": "unauthenticated", "detail": "Log in first."}
    page = client.get("/login/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in page  # the pages stay Chinese first

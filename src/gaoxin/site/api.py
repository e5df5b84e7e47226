"""The JSON API (django-ninja; OpenAPI schema at /api/openapi.json, docs at /api/docs).

Every error answers in one shape (``gaoxin.common.api.ErrorOut``: a stable ``error`` code and a
``detail`` for people, in the request's language); the handlers below give it to every exception an
operation can raise, so no refusal or mistake ends in a server error or an undocumented body.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError
from ninja.parser import Parser
from ninja.security import django_auth

from gaoxin.common import jobs
from gaoxin.common.api import Id, JobOut, answers
from gaoxin.common.crypto import DataKeyError
from gaoxin.education.api import router as education_router
from gaoxin.governance.api import open311 as open311_router
from gaoxin.governance.api import router as governance_router
from gaoxin.health.api import router as health_router
from gaoxin.lifecircle.api import router as lifecircle_router
from gaoxin.parks.api import router as parks_router
from gaoxin.places.api import router as places_router
from gaoxin.places.web import NoZone
from gaoxin.plans.api import router as plans_router


class ObjectBodyParser(Parser):
    """Every JSON body of this API is an object: an array or a bare value is refused (HTTP 400), never
    read as an empty object that runs the operation with its defaults."""

    def parse_body(self, request: HttpRequest) -> dict[str, Any]:
        data = super().parse_body(request)
        if not isinstance(data, dict):
            raise ValueError("the body must be a JSON object")
        return data


def known_query_only(run: Callable[..., HttpResponse]) -> Callable[..., HttpResponse]:
    """A query parameter the operation does not declare is refused (HTTP 422, naming it) rather than
    ignored: a misspelt filter (``?stret=3``) must not answer with the unfiltered list. Checked after
    the login, so a caller without one still gets 401."""
    operation = run.__self__  # type: ignore[attr-defined]  # ninja applies view decorators to the bound Operation.run
    known = {
        name
        for model in operation.signature.models
        if model.__ninja_param_source__ == "query"
        for name in model.__ninja_flatten_map__
    }

    @functools.wraps(run)
    def checked(request: HttpRequest, **kwargs: Any) -> HttpResponse:
        unknown = sorted(set(request.GET) - known) if request.user.is_authenticated else []
        if unknown:
            problems = [
                {"loc": ("query", name), "msg": _("Unknown parameter."), "type": "extra_forbidden"}
                for name in unknown
            ]
            return api.on_exception(request, ValidationError(problems))
        return run(request, **kwargs)

    return checked


api = NinjaAPI(
    title="Gaoxin API", version="1", auth=django_auth, urls_namespace="api", parser=ObjectBodyParser()
)
api.add_decorator(known_query_only, mode="view")
api.add_router("/places/", places_router)
api.add_router("/lifecircle/", lifecircle_router)
api.add_router("/parks/", parks_router)
api.add_router("/plans/", plans_router)
api.add_router("/governance/", governance_router)
api.add_router("/education/", education_router)

# Open311 GeoReport v2 (the international standard for residents' requests) has a contract of its own —
# open reads, an API key to file, errors as [{"code", "description"}] — so it is an API of its own.
open311_api = NinjaAPI(
    title="Gaoxin Open311 GeoReport v2", version="v2", urls_namespace="open311", auth=None, docs_url="/docs"
)
open311_api.add_router("/", open311_router)
api.add_router("/health/", health_router)


@api.get("/jobs/{job_id}", response=answers({200: JobOut}, 404, 422), url_name="job", tags=["jobs"])
def job(request: HttpRequest, job_id: Id) -> dict[str, Any]:
    """A background job the caller started: its progress, then its result or its reason."""
    return jobs.state(jobs.job_for(request.user, job_id))


def _error(request: HttpRequest, status: int, code: str, detail: str, **more: Any) -> HttpResponse:
    return api.create_response(request, {"error": code, "detail": detail, **more}, status=status)


@api.exception_handler(PermissionDenied)
def forbidden(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 403, "forbidden", _("You may not do this."))


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 401, "unauthenticated", _("Log in first."))


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Exception) -> HttpResponse:
    """Not there or not the caller's: the two are one answer, so an ID reveals nothing."""
    return _error(request, 404, "not_found", _("Not found."))


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    """ninja's own refusals (the CSRF check of a session-authenticated POST among them)."""
    codes = {400: "bad_request", 403: "csrf" if "CSRF" in str(exc) else "forbidden"}
    code = codes.get(exc.status_code, f"http_{exc.status_code}")
    return _error(request, exc.status_code, code, str(exc))


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    """Input that fails the operation's schema: each field with its problem (HTTP 422)."""
    problems = [
        {"field": ".".join(str(part) for part in e.get("loc", ())), "message": str(e.get("msg", ""))}
        for e in exc.errors
    ]
    return _error(
        request, 422, "invalid", _("The request does not match the API's schema."), problems=problems
    )


@api.exception_handler(MultiPartParserError)
def unreadable_upload(request: HttpRequest, exc: Exception) -> HttpResponse:
    return _error(request, 400, "bad_request", _("The upload cannot be read (a broken multipart body)."))


@api.exception_handler(NoZone)
def no_zone(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = _("No zone is loaded yet: load the demo (gaoxin demo) or import the zone's streets first.")
    return _error(request, 503, "no_zone", detail)


@api.exception_handler(DataKeyError)
def data_key(request: HttpRequest, exc: Exception) -> HttpResponse:
    detail = _(
        "The data key of this installation does not match the stored data, so encrypted fields cannot be read. Tell the operator (GAOXIN_DATA_KEY)."
    )
    return _error(request, 503, "data_key", detail)

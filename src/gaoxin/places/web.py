"""The request every page and API endpoint handles, typed once: the logged-in user is a
:class:`gaoxin.accounts.models.User` and ``request.zone`` is the zone the installation serves.

Views are written ``def page(request: Request, …)`` behind ``login_required`` (the API behind
``django_auth``), so neither ever sees an anonymous user. ``request.zone`` is set lazily by
:class:`ZoneMiddleware`: the first use loads it; before any zone is loaded the request ends in a page
(or a JSON answer) that says so, instead of an error deep in a service.
"""

from __future__ import annotations

from collections.abc import Callable

from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.functional import SimpleLazyObject
from django.utils.translation import gettext as _

from gaoxin.accounts.models import User
from gaoxin.places.models import Zone
from gaoxin.places.queries import current_zone


class Request(HttpRequest):
    user: User  # narrowed: every view and endpoint requires a login
    zone: Zone


class NoZone(Exception):
    """No zone is loaded yet."""


def _the_zone() -> Zone:
    zone = current_zone()
    if zone is None:
        raise NoZone
    return zone


class ZoneMiddleware:
    """Sets ``request.zone`` (lazily) and turns :class:`NoZone` into a clear answer (HTTP 503)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        request.zone = SimpleLazyObject(_the_zone)  # type: ignore[attr-defined]  # typed on Request
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        if not isinstance(exception, NoZone):
            return None
        detail = _("No zone is loaded yet: load the demo (gaoxin demo) or import the zone's streets first.")
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "no_zone", "detail": detail}, status=503)
        return render(
            request, "site/unavailable.html", {"detail": detail, "title": _("No zone yet")}, status=503
        )

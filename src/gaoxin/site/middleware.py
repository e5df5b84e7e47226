from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    """Chinese is the default whatever the browser asks for: the language comes from the user's
    explicit choice (the language cookie set by the switcher) or else LANGUAGE_CODE (zh-hans).
    Placed before LocaleMiddleware, it hides the browser's Accept-Language header — not an API client's:
    the JSON API answers in the language its request asks for (Chinese when it asks for none)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith("/api/"):  # an API client asks for its language explicitly
            request.META.pop("HTTP_ACCEPT_LANGUAGE", None)
        return self.get_response(request)


class IdleTimeoutMiddleware:
    """Ends a session idle longer than settings.GAOXIN_IDLE_SECONDS (等保 level 3: session timeout)."""

    KEY = "gaoxin_last_seen"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from django.conf import settings
        from django.contrib.auth import logout

        limit = settings.GAOXIN_IDLE_SECONDS
        if limit and request.user.is_authenticated:
            now = int(time.time())
            last = request.session.get(self.KEY)
            if last is not None and now - int(last) > limit:
                logout(request)
            elif last is None or now - int(last) >= min(60, limit // 10 or 1):
                request.session[self.KEY] = now  # written at most once a minute, not on every request
        return self.get_response(request)


class SecurityHeadersMiddleware:
    """Headers every answer carries (等保 level 3: the browser side of access control and
    confidentiality): a Content-Security-Policy that allows no inline script and loads nothing from
    another origin (but the intranet tile server, when one is set), a Permissions-Policy that turns the
    device features off, and ``Cache-Control: no-store`` on every answer that can hold personal data
    (the health pages and API, the audit log, the admin) so that no browser or proxy keeps a copy.
    The Referrer-Policy comes from Django's SecurityMiddleware (SECURE_REFERRER_POLICY)."""

    PERSONAL = ("/health/", "/api/health/", "/fhir/", "/admin/")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.conf import settings

        self.get_response = get_response
        images = ["'self'", "data:", "blob:"]
        tiles = settings.GAOXIN_MAP_TILE_URL
        if tiles:  # e.g. http://{s}.tiles.intranet/{z}/{x}/{y}.png → http://*.tiles.intranet
            from urllib.parse import urlsplit

            parts = urlsplit(tiles)
            if parts.scheme and parts.netloc:
                images.append(f"{parts.scheme}://{parts.netloc.replace('{s}', '*')}")
        self.csp = "; ".join(
            [
                "default-src 'self'",
                "script-src 'self'",
                "style-src 'self' 'unsafe-inline'",  # Leaflet and ECharts position elements with style attributes
                "img-src " + " ".join(images),
                "font-src 'self' data:",
                "connect-src 'self'",
                "object-src 'none'",
                "base-uri 'self'",
                "form-action 'self'",
                "frame-ancestors 'none'",
            ]
        )
        self.permissions = "camera=(), microphone=(), geolocation=(), payment=(), usb=(), interest-cohort=()"

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.utils.cache import patch_cache_control

        response = self.get_response(request)
        response.setdefault("Content-Security-Policy", self.csp)
        response.setdefault("Permissions-Policy", self.permissions)
        if request.path.startswith(self.PERSONAL):
            patch_cache_control(response, no_store=True, private=True, max_age=0)
        return response


class AuditContextMiddleware:
    """Makes the request being served known to the audit log's signal handlers (role and permission
    changes made in the admin are recorded with their actor)."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from gaoxin.common import audit

        token = audit.serving(request)
        try:
            return self.get_response(request)
        finally:
            audit.done_serving(token)


class DataKeyErrorMiddleware:
    """A data key that does not match the stored data is the operator's problem: the user sees a clear
    page (HTTP 503) that says so, never a server error; nothing was written."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        return self.get_response(request)

    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        from django.http import JsonResponse
        from django.shortcuts import render
        from django.utils.translation import gettext as _

        from gaoxin.common.crypto import DataKeyError

        if not isinstance(exception, DataKeyError):
            return None
        detail = _(
            "The data key of this installation does not match the stored data, so encrypted fields cannot be read. Tell the operator (GAOXIN_DATA_KEY)."
        )
        if request.path.startswith("/api/"):
            return JsonResponse({"error": "data_key", "detail": detail}, status=503)
        return render(
            request,
            "site/unavailable.html",
            {"detail": detail, "title": _("Encrypted data unreadable")},
            status=503,
        )


class SecondFactorMiddleware:
    """A session of a user who must give a second factor (accounts.services.needs_second_factor) and has
    not given it in this session — logged in before the requirement, or by other means — is ended: the
    user logs in again, with the second factor."""

    OPEN = ("/login/", "/logout/", "/static/", "/i18n/", "/fhir/metadata")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        from django.contrib.auth import logout
        from django.http import JsonResponse
        from django.shortcuts import redirect
        from django.utils.http import urlencode
        from django.utils.translation import gettext as _

        from gaoxin.accounts import services
        from gaoxin.accounts.models import User

        user = request.user
        if (
            isinstance(user, User)
            and not request.path.startswith(self.OPEN)
            and not request.session.get(services.VERIFIED)
            and services.needs_second_factor(user)
        ):
            logout(request)
            if request.path.startswith("/fhir/"):  # FHIR's own shape of an error
                return JsonResponse(
                    {
                        "resourceType": "OperationOutcome",
                        "issue": [
                            {
                                "severity": "error",
                                "code": "login",
                                "diagnostics": _("Log in with the second factor."),
                            }
                        ],
                    },
                    status=401,
                    content_type="application/fhir+json",
                )
            if request.path.startswith("/api/"):
                return JsonResponse(
                    {"error": "unauthenticated", "detail": _("Log in with the second factor.")}, status=401
                )
            return redirect(f"/login/?{urlencode({'next': request.get_full_path()})}")
        return self.get_response(request)


class JsonGzipMiddleware:
    """Compresses the JSON answers (map layers, results, API) for clients that accept gzip. HTML is left
    alone: compressing pages that carry a CSRF token beside text an attacker can influence opens them
    to BREACH; JSON answers carry no secret. Static files are compressed by WhiteNoise."""

    TYPES = ("application/json", "application/geo+json")

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        from django.middleware.gzip import GZipMiddleware

        self.get_response = get_response
        self.gzip = GZipMiddleware(get_response)

    def __call__(self, request: HttpRequest) -> HttpResponse:
        response = self.get_response(request)
        if response.get("Content-Type", "").split(";")[0].strip() not in self.TYPES:
            return response
        compressed = self.gzip.process_response(request, response)
        assert isinstance(compressed, HttpResponse)  # GZipMiddleware returns the response it was given
        return compressed


class HealthMiddleware:
    """``GET /healthz`` for the load balancer, answered first: before the host check, the HTTPS redirect
    and the session (a balancer probes by address over plain HTTP). gaoxin.common.health says what."""

    PATH = "/healthz"

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if request.path_info.rstrip("/") != self.PATH:
            return self.get_response(request)
        from django.http import JsonResponse

        from gaoxin.common import health

        status, body = health.report()
        response = JsonResponse(body, status=status)
        response["Cache-Control"] = "no-store"
        return response


class RequestLogMiddleware:
    """One structured line per request (logger ``gaoxin.request``, level INFO, GAOXIN_REQUEST_LOG): the
    request id, method, URL pattern (not the path: no ids, no query), view, status, duration and the
    user's id — nothing personal. Sets X-Request-ID on the answer."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        import logging

        self.get_response = get_response
        self.log = logging.getLogger("gaoxin.request")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        import time

        from gaoxin.common import logs

        rid = logs.new_request_id(request.headers.get("X-Request-ID"))
        token = logs.request_id.set(rid)
        started = time.monotonic()
        try:
            response = self.get_response(request)
        finally:
            logs.request_id.reset(token)
        response["X-Request-ID"] = rid
        if self.log.isEnabledFor(20):
            match = getattr(request, "resolver_match", None)
            user = getattr(request, "user", None)
            self.log.info(
                "request",
                extra={
                    "request_id": rid,
                    "method": request.method,
                    "route": "/" + str(match.route) if match is not None else "(unmatched)",
                    "view": match.view_name if match is not None else "",
                    "status": response.status_code,
                    "ms": round((time.monotonic() - started) * 1000, 1),
                    "user": user.pk if user is not None and user.is_authenticated else None,
                },
            )
        return response

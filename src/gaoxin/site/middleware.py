from collections.abc import Callable

from django.http import HttpRequest, HttpResponse


class ChineseFirstMiddleware:
    """Chinese is the default whatever the browser asks for: the language comes from the user's
    explicit choice (the language cookie set by the switcher) or else LANGUAGE_CODE (zh-hans).
    Placed before LocaleMiddleware, it hides the browser's Accept-Language header."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
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
            else:
                request.session[self.KEY] = now
        return self.get_response(request)

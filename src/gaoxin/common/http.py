"""Small HTTP helpers every app's views share."""

from __future__ import annotations

import re
from typing import Any

from django.conf import settings
from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file download. The name is reduced to ASCII letters, digits, dot, dash and underscore (codes
    in it come from data and must not break the header)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    response = HttpResponse(data, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{safe}"'
    return response


def querystring_without_page(request: HttpRequest) -> str:
    """The current filters for the pager's links."""
    params = request.GET.copy()
    params.pop("page", None)
    return params.urlencode()


def page_of(items: Any, query: QueryDict, per_page: int = 50) -> Page[Any]:
    """One page of a list (``?page=N``; a missing or bad number gives the first or the last page)."""
    return Paginator(items, per_page).get_page(query.get("page"))


def client_ip(request: HttpRequest | None) -> str | None:
    """The client's address: REMOTE_ADDR, or behind GAOXIN_PROXY_COUNT trusted reverse proxies the
    address the nearest of them saw (the entry that many places from the end of X-Forwarded-For; the
    entries before it are whatever the client wrote)."""
    if request is None:
        return None
    proxies: int = settings.GAOXIN_PROXY_COUNT
    if proxies:
        forwarded: str = request.META.get("HTTP_X_FORWARDED_FOR", "")
        hops = [h.strip() for h in forwarded.split(",") if h.strip()]
        if len(hops) >= proxies:
            return hops[-proxies]
    address: str | None = request.META.get("REMOTE_ADDR") or None
    return address

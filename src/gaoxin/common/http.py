"""Small HTTP helpers every app's views share."""

from __future__ import annotations

import re
from typing import Any

from django.core.paginator import Page, Paginator
from django.http import HttpRequest, HttpResponse, QueryDict

from gaoxin.common import audit

XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def attachment(request: HttpRequest, data: bytes, filename: str, content_type: str = XLSX) -> HttpResponse:
    """A file download, recorded in the audit log (every export is: who took which file, when). The
    name is reduced to ASCII letters, digits, dot, dash and underscore (codes in it come from data and
    must not break the header)."""
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", filename) or "download"
    audit.record(
        request.user,
        "export",
        "file",
        request.path[:40],
        label=safe,
        detail=request.GET.urlencode(),
        request=request,
    )
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

"""Read-only answers built once per version of their data.

A key names everything an answer depends on (the zone's data version, an evaluation, the user's scope,
the language); while none of it changes, the answer is served from the cache — one process's memory by
default, Redis when GAOXIN_REDIS_URL is set (shared by every application server) — and a browser that
already holds it gets ``304 Not Modified``. Nothing is ever invalidated by hand: a change makes a new key.
"""

from __future__ import annotations

import gzip
import hashlib
import json
from collections.abc import Callable
from typing import Any

from django.core.cache import cache
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpRequest, HttpResponse, HttpResponseNotModified
from django.utils.cache import patch_vary_headers
from django.utils.translation import get_language

TIMEOUT = 24 * 3600


def key(*parts: object) -> str:
    """A cache key of the given parts and the active language (answers carry translated labels)."""
    return ":".join(["gx", get_language() or "", *(str(p) for p in parts)])


def cached_json(
    request: HttpRequest, cache_key: str, build: Callable[[], Any], *, max_age: int = 0
) -> HttpResponse:
    """``build()`` as JSON, built once per ``cache_key``; with an ETag of the key (revalidated by the
    browser: ``no-cache``, or kept ``max_age`` seconds)."""
    etag = '"' + hashlib.sha256(cache_key.encode()).hexdigest()[:24] + '"'
    gzipped = "gzip" in request.headers.get("Accept-Encoding", "")
    if request.headers.get("If-None-Match") == etag:
        answer: HttpResponse = HttpResponseNotModified()
    else:
        stored = cache.get(cache_key)  # (plain, gzip): both kept, so that neither is made again
        if stored is None:
            plain = json.dumps(
                build(), cls=DjangoJSONEncoder, ensure_ascii=False, separators=(",", ":")
            ).encode()
            stored = (plain, gzip.compress(plain, compresslevel=6, mtime=0))
            cache.set(cache_key, stored, TIMEOUT)
        answer = HttpResponse(stored[1] if gzipped else stored[0], content_type="application/json")
        if gzipped:
            answer["Content-Encoding"] = "gzip"
    patch_vary_headers(answer, ("Accept-Encoding",))
    answer["ETag"] = etag
    answer["Cache-Control"] = f"private, max-age={max_age}" if max_age else "private, no-cache"
    return answer


def remember(cache_key: str, build: Callable[[], Any]) -> Any:
    """``build()`` computed once per ``cache_key`` (the figures of a page whose data has that version)."""
    return cache.get_or_set(cache_key, build, TIMEOUT)

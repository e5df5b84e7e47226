"""The health of one application server, for the load balancer (``GET /healthz``).

The database and the cache must answer for the server to take requests (HTTP 503 otherwise); the job
broker and the job workers are reported too, but their loss only degrades the answer (200): pages keep
working while the jobs wait. Nothing personal and no configuration is in the answer.
"""

from __future__ import annotations

import socket
import time
import uuid
from typing import Any
from urllib.parse import urlsplit

from django.core.cache import cache
from django.db import connection

from gaoxin.common import jobs

STALLED_SECONDS = 300.0  # a job waiting this long means the workers do not take jobs


def _timed(check: Any) -> dict[str, Any]:
    started = time.monotonic()
    try:
        detail = check()
        ok = True
    except RuntimeError as exc:  # our own finding, worded without data
        ok, detail = False, str(exc)
    except Exception as exc:  # noqa: BLE001 - any failure of a dependency is its check's answer
        ok, detail = False, type(exc).__name__  # not its message: it may name hosts or users
    out = {"ok": ok, "ms": round((time.monotonic() - started) * 1000, 1)}
    if detail:
        out["detail"] = detail
    return out


def _database() -> None:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()


def _cache() -> None:
    key = f"gaoxin:health:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not keep a value")
    cache.delete(key)


def _broker() -> str | None:
    """A TCP connection to the broker (Redis answers PING); no broker: the embedded worker is used."""
    url = jobs.broker()
    if not url:
        return "embedded"
    parts = urlsplit(url)
    port = parts.port or {"redis": 6379, "rediss": 6380, "amqp": 5672}.get(parts.scheme, 6379)
    with socket.create_connection((parts.hostname or "127.0.0.1", port), timeout=2) as s:
        if parts.scheme.startswith("redis") and not parts.password:
            s.sendall(b"PING\r\n")
            if not s.recv(64).startswith((b"+PONG", b"-NOAUTH")):
                raise RuntimeError("no PONG")
    return None


def _workers() -> dict[str, Any]:
    alive = jobs.live_workers()
    waiting = jobs.oldest_waiting_seconds()
    if not alive:
        raise RuntimeError("no worker seen in the last minute")
    if waiting is not None and waiting > STALLED_SECONDS:
        raise RuntimeError(f"a job has waited {waiting:.0f} s")
    return {"count": len(alive)}


def report() -> tuple[int, dict[str, Any]]:
    """(HTTP status, answer): 503 when the database or the cache fails."""
    checks = {"database": _timed(_database)}
    checks["cache"] = _timed(_cache)
    checks["broker"] = _timed(_broker)
    checks["workers"] = _timed(_workers) if checks["database"]["ok"] else {"ok": False}
    serving = checks["database"]["ok"] and checks["cache"]["ok"]
    status = "ok" if all(c["ok"] for c in checks.values()) else ("degraded" if serving else "failing")
    return (200 if serving else 503), {"status": status, "checks": checks}

"""Structured logs: one JSON object per line (GAOXIN_LOG_FORMAT=json, the production default), for the
log collector. A record carries its time, level, logger, message and only the fields of :data:`FIELDS`
given as ``extra`` — ids, routes, statuses and durations, never a name, an identifier, a query string
or a request body. The request id (X-Request-ID from the proxy, or made here) ties a request's lines
together and is returned to the client."""

from __future__ import annotations

import contextvars
import datetime as dt
import json
import logging
import re
import uuid

FIELDS = (
    "request_id",
    "method",
    "route",
    "view",
    "status",
    "ms",
    "user",
    "bytes",
    "job",
    "kind",
    "seconds",
    "worker",
)

request_id: contextvars.ContextVar[str] = contextvars.ContextVar("gaoxin_request_id", default="")
_REQUEST_ID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")


def new_request_id(given: str | None) -> str:
    """The proxy's X-Request-ID when it is a plain token, else a new one."""
    return given if given and _REQUEST_ID.match(given) else uuid.uuid4().hex


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        out: dict[str, object] = {
            "ts": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        rid = getattr(record, "request_id", None) or request_id.get()
        if rid:
            out["request_id"] = rid
        for name in FIELDS:
            value = getattr(record, name, None)
            if value is not None and name != "request_id":
                out[name] = value
        if record.exc_info:
            out["trace"] = self.formatException(record.exc_info)
        return json.dumps(out, ensure_ascii=False, default=str)

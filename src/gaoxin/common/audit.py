"""Writing and purging the audit trail of personal data (AuditEvent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from contextvars import ContextVar, Token
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from gaoxin.common.models import AuditEvent


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


def note(message: str, **params: Any) -> str:
    """An event's detail in the installation's language (settings.LANGUAGE_CODE), whatever the language
    of the request that wrote it: the log is one record, read by auditors in that language. Mark the
    message with ``gettext_noop`` where it is written; lazy labels among ``params`` are rendered in the
    same language."""
    from django.utils import translation

    with translation.override(settings.LANGUAGE_CODE):
        text = translation.gettext(message)
        if params:
            text = text % {k: str(v) for k, v in params.items()}
    return text[:300]


def record(
    actor: Any,
    action: str,
    target_type: str,
    target_id: object = "",
    *,
    label: str = "",
    outcome: str = "ok",
    detail: str = "",
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Append one event. ``actor`` is a user, or None for the system (imports, the demo loader) and
    for anonymous requests (failed logins); ``label`` must already be masked."""
    for name, value in (("action", action), ("target_type", target_type), ("outcome", outcome)):
        limit = getattr(AuditEvent._meta.get_field(name), "max_length", None)
        if limit is not None and len(value) > limit:  # a name in the code, checked on every database
            raise ValueError(f"audit {name} {value!r} is longer than {limit} characters")
    user = actor if getattr(actor, "is_authenticated", False) else None
    ip = client_ip(request)
    return AuditEvent.objects.create(
        actor=user,
        actor_name=getattr(user, "username", "") or ("anonymous" if request is not None else "system"),
        action=action,
        target_type=target_type,
        target_id=str(target_id)[:40],
        target_label=label[:120],
        outcome=outcome,
        detail=detail[:300],
        ip=ip,
    )


# The request being served, for what has no request at hand (signals of the admin's changes): set by
# gaoxin.site.middleware.AuditContextMiddleware, empty at the command line (the actor is then the system).
_serving: ContextVar[HttpRequest | None] = ContextVar("gaoxin_audit_request", default=None)


def serving(request: HttpRequest | None) -> Token[HttpRequest | None]:
    return _serving.set(request)


def done_serving(token: Token[HttpRequest | None]) -> None:
    _serving.reset(token)


def record_here(action: str, target_type: str, target_id: object = "", **kwargs: Any) -> AuditEvent:
    """:func:`record` with the actor and the request of the request being served (none: the system)."""
    request = _serving.get()
    actor = getattr(request, "user", None) if request is not None else None
    return record(actor, action, target_type, target_id, request=request, **kwargs)


T = TypeVar("T")

# What an audited read is recorded as: (object type, object id, masked label).
Target = tuple[str, object, str]


def load(
    actor: object,
    gate: Callable[[], T],
    *,
    target_type: str,
    target_id: object,
    audit_as: Callable[[T], Target] | None = None,
    action: str = "read",
    detail: str = "",
    request: HttpRequest | None = None,
) -> T:
    """Load a sensitive object through its gate and audit the read — the one way a page, an API
    endpoint, a command or a job reads personal data.

    ``gate`` is the app's access function (it raises Http404 or PermissionDenied outside the user's
    scope). A refused read is recorded too, as ``outcome="denied"`` with the id asked for, and the
    refusal is raised again. ``audit_as`` says what a successful read is recorded as (by default
    ``target_type`` and the object's primary key); its label must already be masked. ``action`` is
    "read" or "reveal" (a masked value shown in full); ``detail`` says what was revealed."""
    try:
        found = gate()
    except (Http404, PermissionDenied, ObjectDoesNotExist):
        record(actor, action, target_type, target_id, outcome="denied", detail=detail, request=request)
        raise
    kind, key, label = audit_as(found) if audit_as else (target_type, getattr(found, "pk", target_id), "")
    record(actor, action, kind, key, label=label, detail=detail, request=request)
    return found


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.GAOXIN_AUDIT_RETENTION_DAYS)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the events older than the retention period (the only deletion there is)."""
    cutoff = retention_cutoff(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [cutoff])
        deleted: int = cursor.rowcount
        return deleted

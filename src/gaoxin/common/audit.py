"""Writing and purging the audit trail of personal data (AuditEvent)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from typing import Any, TypeVar

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist, PermissionDenied
from django.db import connection, transaction
from django.http import Http404, HttpRequest
from django.utils import timezone

from gaoxin.common.http import client_ip
from gaoxin.common.models import AuditEvent


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

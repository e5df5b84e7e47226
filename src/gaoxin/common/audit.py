"""Writing and purging the audit trail of personal data (AuditEvent)."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import connection, transaction
from django.http import HttpRequest
from django.utils import timezone

from gaoxin.common.models import AuditEvent


def record(
    actor: object,
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
    ip = None
    if request is not None:
        ip = request.META.get("REMOTE_ADDR") or None
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


def retention_cutoff(now: dt.datetime | None = None) -> dt.datetime:
    return (now or timezone.now()) - dt.timedelta(days=settings.GAOXIN_AUDIT_RETENTION_DAYS)


def purge_expired(now: dt.datetime | None = None) -> int:
    """Delete the events older than the retention period (the only deletion there is)."""
    cutoff = retention_cutoff(now)
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"DELETE FROM {AuditEvent._meta.db_table} WHERE at < %s", [cutoff])
        return cursor.rowcount

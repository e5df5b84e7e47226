"""Login with a lockout: after GAOXIN_LOGIN_MAX_FAILURES failures for one user name within
GAOXIN_LOGIN_LOCK_SECONDS, that name is locked for the rest of the window (等保 level 3: login-failure
handling). Failures are counted from the audit log, so every process and restart sees the same count."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from gaoxin.common import audit
from gaoxin.common.models import AuditEvent


def recent_failures(username: str) -> int:
    since = timezone.now() - dt.timedelta(seconds=settings.GAOXIN_LOGIN_LOCK_SECONDS)
    return AuditEvent.objects.filter(action="login_failed", target_id=username[:40], at__gte=since).count()


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins for this user name: try again in %(minutes)s minutes."),
    }

    def clean(self):  # type: ignore[no-untyped-def]
        username = (self.data.get("username") or "").strip()
        if username and recent_failures(username) >= settings.GAOXIN_LOGIN_MAX_FAILURES:
            audit.record(None, "login_locked", "user", username, outcome="denied", request=self.request)
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.GAOXIN_LOGIN_LOCK_SECONDS // 60},
            )
        try:
            cleaned = super().clean()
        except ValidationError:
            if username:
                audit.record(None, "login_failed", "user", username, outcome="denied", request=self.request)
            raise
        audit.record(self.get_user(), "login", "user", username, request=self.request)
        return cleaned

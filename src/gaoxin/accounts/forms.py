"""The login form: it refuses a name locked after too many failures (accounts.services.login_locked);
the failures and logins themselves are recorded by the login view through the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import services


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins for this user name: try again in %(minutes)s minutes."),
    }

    def attempted_name(self) -> str:
        return str(self.data.get("username") or "").strip()

    def clean(self) -> dict[str, Any]:
        username = self.attempted_name()
        if username and services.login_locked(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.GAOXIN_LOGIN_LOCK_SECONDS // 60},
            )
        return super().clean()  # type: ignore[no-any-return]  # AuthenticationForm.clean is untyped

    def is_locked(self) -> bool:
        return any(e.code == "locked" for e in self.errors.as_data().get("__all__", []))

"""The login form: it refuses a name locked after too many failures (accounts.services.login_locked);
the failures and logins themselves are recorded by the login view through the services."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from gaoxin.accounts import services


def attempted_name(form: AuthenticationForm) -> str:
    """The user name as typed in the login form."""
    return str(form.data.get("username") or "").strip()


def is_locked(form: AuthenticationForm) -> bool:
    """Whether the login was refused because the name is locked."""
    return any(e.code == "locked" for e in form.errors.as_data().get("__all__", []))


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins for this user name: try again in %(minutes)s minutes."),
    }

    def clean(self) -> dict[str, Any]:
        username = attempted_name(self)
        if username and services.login_locked(username):
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": settings.GAOXIN_LOGIN_LOCK_SECONDS // 60},
            )
        cleaned: dict[str, Any] = super().clean()
        return cleaned

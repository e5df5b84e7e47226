"""The login form: it refuses a name locked after too many failures (accounts.services.login_locked);
the failures and logins themselves are recorded by the login view through the services."""

from __future__ import annotations

import math
from typing import Any

from django import forms
from django.contrib.auth.forms import AuthenticationForm
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from gaoxin.accounts import services
from gaoxin.common.audit import client_ip


def attempted_name(form: AuthenticationForm) -> str:
    """The user name as the login form reads it (NFKC-normalised, as Django authenticates it)."""
    return services.normalise_name(str(form.data.get("username") or ""))


def is_locked(form: AuthenticationForm) -> bool:
    """Whether the login was refused because the name is locked."""
    return any(e.code == "locked" for e in form.errors.as_data().get("__all__", []))


class LockoutAuthenticationForm(AuthenticationForm):
    error_messages = {
        **AuthenticationForm.error_messages,
        "locked": _("Too many failed logins: try again in %(minutes)s minutes."),
    }

    def clean(self) -> dict[str, Any]:
        username = attempted_name(self)
        wait = services.login_wait(username, client_ip(self.request)) if username else None
        if wait:
            raise ValidationError(
                self.error_messages["locked"],
                code="locked",
                params={"minutes": max(1, math.ceil(wait.total_seconds() / 60))},
            )
        cleaned: dict[str, Any] = super().clean()
        return cleaned


class SecondFactorForm(forms.Form):
    code = forms.CharField(
        label=pgettext_lazy("one-time code", "Code"),
        max_length=20,
        widget=forms.TextInput(
            attrs={"autocomplete": "one-time-code", "inputmode": "text", "autofocus": True}
        ),
        help_text=_("The 6 digits the authenticator shows now, or one of your recovery codes."),
    )

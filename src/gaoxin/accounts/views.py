"""The login page: every attempt is recorded in the audit log by the services (等保 level 3: login
failures are counted and locked out; successful logins are audited)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.http import HttpResponse

from gaoxin.accounts import services
from gaoxin.accounts.forms import LockoutAuthenticationForm


class LoginView(auth_views.LoginView):
    template_name = "site/login.html"
    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: LockoutAuthenticationForm) -> HttpResponse:  # type: ignore[override]  # the narrower form this view uses
        services.record_login(form.get_user(), form.attempted_name(), request=self.request)
        return super().form_valid(form)

    def form_invalid(self, form: LockoutAuthenticationForm) -> HttpResponse:  # type: ignore[override]  # the narrower form this view uses
        name = form.attempted_name()
        if name:
            if form.is_locked():
                services.record_locked_attempt(name, request=self.request)
            else:
                services.record_login_failure(name, request=self.request)
        return super().form_invalid(form)

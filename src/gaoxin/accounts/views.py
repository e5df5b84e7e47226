"""The login page: every attempt is recorded in the audit log by the services (等保 level 3: login
failures are counted and locked out; successful logins are audited)."""

from __future__ import annotations

from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpResponse

from gaoxin.accounts import services
from gaoxin.accounts.forms import LockoutAuthenticationForm, attempted_name, is_locked


class LoginView(auth_views.LoginView):
    template_name = "site/login.html"
    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        services.record_login(form.get_user(), attempted_name(form), request=self.request)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        name = attempted_name(form)
        if name:
            if is_locked(form):
                services.record_locked_attempt(name, request=self.request)
            else:
                services.record_login_failure(name, request=self.request)
        return super().form_invalid(form)

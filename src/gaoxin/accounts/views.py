"""The login pages: the password, then — for administrators and the roles that see personal data, when
the installation requires it — a second factor (an authenticator's code, or a recovery code). Every
attempt is recorded in the audit log by the services (等保 level 3)."""

from __future__ import annotations

import time
from typing import Any

import segno
from django.contrib import auth
from django.contrib.auth import views as auth_views
from django.contrib.auth.forms import AuthenticationForm
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from gaoxin.accounts import services
from gaoxin.accounts.forms import LockoutAuthenticationForm, SecondFactorForm, attempted_name, is_locked
from gaoxin.accounts.models import User
from gaoxin.analysis import otp
from gaoxin.common.audit import client_ip

PENDING_SECONDS = 300  # the second factor is asked within five minutes of the password


class LoginView(auth_views.LoginView):
    template_name = "site/login.html"
    authentication_form = LockoutAuthenticationForm

    def form_valid(self, form: AuthenticationForm) -> HttpResponse:
        user = form.get_user()
        if services.needs_second_factor(user):
            session = self.request.session
            session.cycle_key()
            session["pending_user"] = user.pk
            session["pending_backend"] = getattr(user, "backend", "")
            session["pending_at"] = time.time()
            session["pending_next"] = self.get_success_url()
            return redirect("second_factor" if services.has_second_factor(user) else "second_factor_setup")
        services.record_login(user, attempted_name(form), request=self.request)
        return super().form_valid(form)

    def form_invalid(self, form: AuthenticationForm) -> HttpResponse:
        name = attempted_name(form)
        if name:
            if is_locked(form):
                services.record_locked_attempt(name, request=self.request)
            else:
                services.record_login_failure(name, request=self.request)
        return super().form_invalid(form)


def _pending(request: HttpRequest) -> User | None:
    """The user who gave the right password and has yet to give the second factor."""
    pk, at = request.session.get("pending_user"), request.session.get("pending_at", 0)
    if pk is None or time.time() - float(at) > PENDING_SECONDS:
        return None
    return User.objects.filter(pk=pk, is_active=True).first()


def _finish(request: HttpRequest, user: User) -> str:
    """Log the user in, second factor given; returns where to go."""
    backend = request.session.get("pending_backend") or "django.contrib.auth.backends.ModelBackend"
    target = str(request.session.get("pending_next") or "/")
    for key in ("pending_user", "pending_backend", "pending_at", "pending_next", "pending_secret"):
        request.session.pop(key, None)
    auth.login(request, user, backend=backend)
    request.session[services.VERIFIED] = True
    services.record_login(user, user.username, request=request)
    if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}):
        target = "/"
    return target


def second_factor(request: HttpRequest) -> HttpResponse:
    user = _pending(request)
    if user is None:
        return redirect("login")
    if not services.has_second_factor(user):
        return redirect("second_factor_setup")
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        wait = services.login_wait(user.username, client_ip(request))
        if wait:
            services.record_locked_attempt(user.username, request=request)
            form.add_error(
                "code",
                _("Too many failed logins: try again in %(minutes)s minutes.")
                % {"minutes": max(1, int(wait.total_seconds() // 60) + 1)},
            )
        elif services.check_second_factor(user, form.cleaned_data["code"], request=request):
            return redirect(_finish(request, user))
        else:
            form.add_error("code", _("The code is not right (or was used already)."))
    return render(request, "site/second_factor.html", {"form": form, "who": user})


def second_factor_setup(request: HttpRequest) -> HttpResponse:
    """Enrol an authenticator: scan the code (or type the key), then confirm with a code it shows."""
    user = _pending(request)
    if user is None:
        return redirect("login")
    if services.has_second_factor(user):
        return redirect("second_factor")
    secret = request.session.get("pending_secret") or otp.new_secret()
    request.session["pending_secret"] = secret
    form = SecondFactorForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        codes = services.enrol_second_factor(user, secret, form.cleaned_data["code"], request=request)
        if codes is not None:
            target = _finish(request, user)
            return render(request, "site/recovery_codes.html", {"codes": codes, "next": target})
        form.add_error("code", _("The code is not right: check the time of the phone and try the next code."))
    uri = services.authenticator_uri(user, secret)
    qr = segno.make(uri, error="m").svg_data_uri(scale=4, dark="#1b2631")  # a standalone SVG (xmlns)
    context: dict[str, Any] = {
        "form": form,
        "who": user,
        "qr": qr,
        "secret": " ".join(secret[i : i + 4] for i in range(0, len(secret), 4)),
    }
    return render(request, "site/second_factor_setup.html", context)

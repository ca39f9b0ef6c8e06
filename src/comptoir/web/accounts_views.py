"""Accounts pages: log in (password, then a TOTP code for anyone with a confirmed device), 2FA
enrolment (mandatory for operators), log out, buyer registration.

Login throttling is django-axes' job: `authenticate()` goes through AxesStandaloneBackend, which
refuses a locked username/IP pair even with the right password; AxesMiddleware then replaces the
response with the lockout page (web/lockout.html)."""

from __future__ import annotations

import time
from urllib.parse import urlencode

import django_otp
import segno
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from comptoir.accounts.services import user_create
from comptoir.accounts.two_factor import (
    totp_device_confirm,
    totp_device_confirmed_for,
    totp_device_start,
    totp_secret_base32,
    totp_user_requires_device,
    totp_verify,
)
from comptoir.core.exceptions import ValidationError
from comptoir.web.forms import LoginForm, RegisterForm, TokenForm, add_application_error

# Between the password step and the code step the user is not logged in: the session only
# remembers who passed the first step, for a few minutes.
PENDING_USER_KEY = "comptoir_2fa_pending_user"
PENDING_BACKEND_KEY = "comptoir_2fa_pending_backend"
PENDING_SINCE_KEY = "comptoir_2fa_pending_since"
PENDING_TTL_SECONDS = 300


def _next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return candidate
    return default or settings.LOGIN_REDIRECT_URL


def _with_next(url: str, next_url: str) -> str:
    return f"{url}?{urlencode({'next': next_url})}" if next_url else url


def _clear_pending(request) -> None:
    for key in (PENDING_USER_KEY, PENDING_BACKEND_KEY, PENDING_SINCE_KEY):
        request.session.pop(key, None)


def _pending_user(request):
    user_id = request.session.get(PENDING_USER_KEY)
    since = request.session.get(PENDING_SINCE_KEY, 0)
    if not user_id or time.time() - since > PENDING_TTL_SECONDS:
        return None
    return get_user_model().objects.filter(pk=user_id, is_active=True).first()


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def login_view(request):
    next_url = _next_url(request)
    form = LoginForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        user = authenticate(request, email=form.cleaned_data["email"], password=form.cleaned_data["password"])
        if getattr(request, "axes_locked_out", False):
            # AxesMiddleware swaps this response for the lockout page.
            return render(request, "web/accounts/login.html", {"form": form, "next": next_url}, status=429)
        if user is None:
            form.add_error(None, _("The email address or the password is incorrect."))
        elif totp_device_confirmed_for(user=user) is not None:
            _clear_pending(request)
            request.session[PENDING_USER_KEY] = user.pk
            request.session[PENDING_BACKEND_KEY] = user.backend
            request.session[PENDING_SINCE_KEY] = time.time()
            return redirect(_with_next(reverse("account:login-verify"), next_url))
        else:
            auth_login(request, user)
            if totp_user_requires_device(user=user):
                messages.warning(request, _("Operators must protect their account with two-factor authentication before using the console."))
                return redirect(_with_next(reverse("account:2fa-setup"), next_url))
            return redirect(next_url)
    return render(request, "web/accounts/login.html", {"form": form, "next": next_url}, status=422 if form.errors else 200)


@csrf_protect
@never_cache
def login_verify_view(request):
    next_url = _next_url(request)
    user = _pending_user(request)
    if user is None:
        _clear_pending(request)
        messages.info(request, _("Please log in again."))
        return redirect(_with_next(reverse("account:login"), next_url))
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = totp_verify(user=user, token=form.cleaned_data["token"])
        if device is None:
            form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        else:
            backend = request.session.get(PENDING_BACKEND_KEY)
            _clear_pending(request)
            auth_login(request, user, backend=backend)
            django_otp.login(request, device)
            return redirect(next_url)
    return render(request, "web/accounts/login_verify.html", {"form": form, "next": next_url}, status=422 if form.errors else 200)


@login_required
@csrf_protect
@never_cache
def two_factor_setup_view(request):
    user = request.user
    default_next = reverse("console:dashboard") if user.is_operator else settings.LOGIN_REDIRECT_URL
    next_url = _next_url(request, default_next)
    if totp_device_confirmed_for(user=user) is not None:
        if user.is_verified():
            return render(request, "web/accounts/two_factor_enabled.html", {"next": next_url})
        # A confirmed device but an unverified session: prove it with a code at login.
        auth_logout(request)
        return redirect(_with_next(reverse("account:login"), next_url))
    device = totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(user=user, device_id=device.pk, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_application_error(form, error)
        else:
            django_otp.login(request, device)
            messages.success(request, _("Two-factor authentication is on. You will be asked for a code at each login."))
            return redirect(next_url)
    qr_svg = segno.make(device.config_url, error="m").svg_inline(scale=5, border=2, title=_("QR code for your authenticator app"))
    context = {"form": form, "next": next_url, "qr_svg": qr_svg, "secret": totp_secret_base32(device), "is_required": totp_user_requires_device(user=user)}
    return render(request, "web/accounts/two_factor_setup.html", context, status=422 if form.errors else 200)


@csrf_protect
@never_cache
def logout_view(request):
    if request.method == "POST":
        auth_logout(request)
        messages.success(request, _("You are logged out."))
        return redirect("/")
    return render(request, "web/accounts/logout.html")


@sensitive_post_parameters("password")
@csrf_protect
@never_cache
def register_view(request):
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            user = user_create(email=form.cleaned_data["email"], password=form.cleaned_data["password"], full_name=form.cleaned_data["full_name"],
                               preferred_language=get_language() or "en")
        except ValidationError as error:
            add_application_error(form, error)
        else:
            auth_login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! Your account is ready."))
            return redirect(next_url)
    return render(request, "web/accounts/register.html", {"form": form, "next": next_url}, status=422 if form.errors else 200)

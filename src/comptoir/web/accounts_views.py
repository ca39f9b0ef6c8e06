"""Accounts pages: log in (password, then a TOTP code or a recovery code for anyone with a confirmed
device), 2FA enrolment (mandatory for operators), recovery codes and replacing a lost authenticator,
password reset by email, log out, buyer registration.

A password reset never logs anyone in: the user logs in afterwards through the usual pages, so a
confirmed TOTP device is still asked for.

Login throttling is django-axes' job: `authenticate()` goes through AxesStandaloneBackend, which
refuses a locked username/IP pair even with the right password; AxesMiddleware then replaces the
response with the lockout page (web/lockout.html). Across accounts, one client IP may try only so many
passwords a minute (accounts.login_rate, shared with POST /api/v1/auth/token): beyond, the login page
says so with 429 and Retry-After."""

from __future__ import annotations

import math
import time
from urllib.parse import urlencode

import django_otp
import segno
from axes.helpers import get_client_ip_address
from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import authenticate, get_user_model
from django.contrib.auth import login as auth_login
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseRedirect
from django.shortcuts import redirect, render
from django.urls import reverse, reverse_lazy
from django.utils.html import format_html
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import get_language, ngettext
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.csrf import csrf_protect
from django.views.decorators.debug import sensitive_post_parameters

from comptoir.accounts import errors as account_errors
from comptoir.accounts.errors import TooManyRequests
from comptoir.accounts.login_rate import login_attempt_admit
from comptoir.accounts.password_reset import password_reset_request_admit, user_password_reset
from comptoir.accounts.services import user_create
from comptoir.accounts.tasks import password_reset_mail_task, registration_mail_task
from comptoir.accounts.two_factor import (
    recovery_code_display,
    recovery_codes_issued,
    recovery_codes_regenerate,
    recovery_codes_remaining,
    second_factor_verify,
    totp_device_confirm,
    totp_device_confirmed_for,
    totp_device_start,
    totp_secret_base32,
    totp_user_requires_device,
)
from comptoir.core.exceptions import ValidationError
from comptoir.core.permissions import is_operator
from comptoir.web.forms import (
    LoginCodeForm,
    LoginForm,
    NewPasswordForm,
    PasswordResetRequestForm,
    RegisterForm,
    TokenForm,
    add_application_error,
)

# Between the password step and the code step the user is not logged in: the session only
# remembers who passed the first step, for a few minutes.
PENDING_USER_KEY = "comptoir_2fa_pending_user"
PENDING_BACKEND_KEY = "comptoir_2fa_pending_backend"
PENDING_SINCE_KEY = "comptoir_2fa_pending_since"
PENDING_TTL_SECONDS = 300
# Fresh recovery codes travel from the POST that made them to the page that shows them once (then are dropped).
NEW_RECOVERY_CODES_KEY = "comptoir_2fa_new_recovery_codes"


def _next_url(request, default: str = "") -> str:
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
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
        wait_seconds = login_attempt_admit(ip_address=get_client_ip_address(request))
        if wait_seconds is not None:
            minutes = max(1, math.ceil(wait_seconds / 60))
            form.add_error(
                None,
                ngettext(
                    "Too many login attempts from your network. Try again in %(minutes)d minute.",
                    "Too many login attempts from your network. Try again in %(minutes)d minutes.",
                    minutes,
                )
                % {"minutes": minutes},
            )
            response = render(request, "web/accounts/login.html", {"form": form, "next": next_url}, status=429)
            response["Retry-After"] = str(math.ceil(wait_seconds))
            return response
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
                messages.warning(
                    request,
                    _("Operators must protect their account with two-factor authentication before using the console."),
                )
                return redirect(_with_next(reverse("account:2fa-setup"), next_url))
            return redirect(next_url)
    return render(
        request, "web/accounts/login.html", {"form": form, "next": next_url}, status=422 if form.errors else 200
    )


@csrf_protect
@never_cache
def login_verify_view(request):
    next_url = _next_url(request)
    user = _pending_user(request)
    if user is None:
        _clear_pending(request)
        messages.info(request, _("Please log in again."))
        return redirect(_with_next(reverse("account:login"), next_url))
    form = LoginCodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(user=user, code=form.cleaned_data["token"])
        if check is None:
            if any(character.isalpha() for character in form.cleaned_data["token"]):
                form.add_error("token", _("This recovery code is not valid or was already used."))
            else:
                form.add_error("token", _("This code is not valid. Check the time on your phone and try again."))
        else:
            backend = request.session.get(PENDING_BACKEND_KEY)
            _clear_pending(request)
            auth_login(request, user, backend=backend)
            django_otp.login(request, check.device)
            if check.used_recovery_code:
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code; %(count)d is left. If you lost your authenticator app, set up a new "
                        "one now.",
                        "You used a recovery code; %(count)d are left. If you lost your authenticator app, set up a "
                        "new one now.",
                        check.recovery_codes_remaining,
                    )
                    % {"count": check.recovery_codes_remaining},
                )
                return redirect(_with_next(reverse("account:2fa-setup"), next_url))
            if not recovery_codes_issued(user=user):
                # Enrolled before recovery codes existed, or in the seller center: point to them.
                messages.info(
                    request,
                    format_html(
                        _(
                            "You have no recovery codes yet. {link_start}Make them now{link_end}: they let you in if "
                            "you lose your phone."
                        ),
                        link_start=format_html('<a href="{}">', reverse("account:2fa-setup")),
                        link_end=mark_safe("</a>"),
                    ),
                )
            return redirect(next_url)
    return render(
        request, "web/accounts/login_verify.html", {"form": form, "next": next_url}, status=422 if form.errors else 200
    )


@login_required
@csrf_protect
@never_cache
def two_factor_setup_view(request):
    user = request.user
    default_next = reverse("console:dashboard") if is_operator(user) else settings.LOGIN_REDIRECT_URL
    next_url = _next_url(request, default_next)
    if totp_device_confirmed_for(user=user) is not None:
        if user.is_verified():
            context = {"next": next_url, "recovery_codes_remaining": recovery_codes_remaining(user=user)}
            return render(request, "web/accounts/two_factor_enabled.html", context)
        # A confirmed device but an unverified session: prove it with a code at login.
        auth_logout(request)
        return redirect(_with_next(reverse("account:login"), next_url))
    device, form, confirmed = _authenticator_enrol(request, user)
    if confirmed:
        messages.success(request, _("Two-factor authentication is on. You will be asked for a code at each login."))
        return show_new_recovery_codes(request, next_url)
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device),
        "secret": totp_secret_base32(device),
        "is_required": totp_user_requires_device(user=user),
    }
    return render(request, "web/accounts/two_factor_setup.html", context, status=422 if form.errors else 200)


@login_required
@csrf_protect
@never_cache
def two_factor_replace_view(request):
    """Set up a new authenticator app in place of the current one (lost or changed phone). Needs a session
    verified by the current app or by a recovery code."""
    user = request.user
    next_url = _next_url(request, reverse("account:2fa-setup"))
    if totp_device_confirmed_for(user=user) is None or not user.is_verified():
        return redirect(_with_next(reverse("account:2fa-setup"), next_url))
    device, form, confirmed = _authenticator_enrol(request, user)
    if confirmed:
        messages.success(request, _("Your new authenticator app is set up; the old one no longer works."))
        return redirect(reverse("account:2fa-setup"))
    context = {
        "form": form,
        "next": next_url,
        "qr_svg": _qr_svg(device),
        "secret": totp_secret_base32(device),
        "is_replacement": True,
    }
    return render(request, "web/accounts/two_factor_setup.html", context, status=422 if form.errors else 200)


@login_required
@csrf_protect
@never_cache
def two_factor_recovery_codes_view(request):
    """GET: the recovery codes just made, shown once. POST: make a new set (the old codes stop working)."""
    user = request.user
    next_url = _next_url(request, reverse("account:2fa-setup"))
    if totp_device_confirmed_for(user=user) is None or not user.is_verified():
        return redirect(_with_next(reverse("account:2fa-setup"), next_url))
    if request.method == "POST":
        return show_new_recovery_codes(request, next_url)
    codes = request.session.pop(NEW_RECOVERY_CODES_KEY, None)
    if not codes:
        return redirect(_with_next(reverse("account:2fa-setup"), next_url))
    return render(
        request,
        "web/accounts/recovery_codes.html",
        {"codes": [recovery_code_display(code) for code in codes], "next": next_url},
    )


def _authenticator_enrol(request, user):
    """The pending authenticator device, the code form and whether this POST confirmed the device (the session then
    counts as verified with it)."""
    device = totp_device_start(user=user)
    form = TokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            device = totp_device_confirm(user=user, device_id=device.pk, token=form.cleaned_data["token"])
        except ValidationError as error:
            add_application_error(form, error)
        else:
            django_otp.login(request, device)
            return device, form, True
    return device, form, False


def show_new_recovery_codes(request, next_url: str):
    """Make a new set of recovery codes and send the browser to the page that shows them once, then to `next_url`
    (the seller center's enrolment uses it too)."""
    request.session[NEW_RECOVERY_CODES_KEY] = recovery_codes_regenerate(user=request.user)
    return redirect(_with_next(reverse("account:2fa-recovery-codes"), next_url))


def _qr_svg(device) -> str:
    return segno.make(device.config_url, error="m").svg_inline(
        scale=5, border=2, title=_("QR code for your authenticator app")
    )


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
    """Buyer registration. A new address and an address that already has an account get the same answer (the
    "check your inbox" page, nobody logged in): the new account gets a welcome email, the existing owner an email
    saying someone tried to register with the address. Both emails are sent by a task queued the same way."""
    next_url = _next_url(request)
    if request.user.is_authenticated:
        return redirect(next_url)
    form = RegisterForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        is_new_account = True
        try:
            user_create(
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                full_name=form.cleaned_data["full_name"],
                preferred_language=get_language() or "en",
            )
        except ValidationError as error:
            if error.code != account_errors.EMAIL_TAKEN:
                add_application_error(form, error)
            is_new_account = False
        if not form.errors:
            # The account (if new) is committed: the task may run at once (in-process backend) or in a worker.
            registration_mail_task.enqueue(
                email=form.cleaned_data["email"],
                is_new_account=is_new_account,
                domain=request.get_host(),
                use_https=request.is_secure(),
            )
            return redirect(_with_next(reverse("account:register-sent"), next_url))
    return render(
        request, "web/accounts/register.html", {"form": form, "next": next_url}, status=422 if form.errors else 200
    )


@never_cache
def register_sent_view(request):
    return render(request, "web/accounts/register_sent.html", {"next": _next_url(request)})


# --- Password reset by email: Django's views and token generator, Comptoir's pages, throttling and audit ------


class PasswordResetRequestView(auth_views.PasswordResetView):
    """The same answer (the "check your inbox" page) whether or not the address has an account; the
    request is counted per address and per client IP first, and refused with 429 past the hourly limits.
    The request only queues `password_reset_mail_task` (for known and unknown addresses alike), which looks the
    address up and sends the link: the response takes the same time and says the same thing either way."""

    template_name = "web/accounts/password_reset_request.html"
    form_class = PasswordResetRequestForm
    success_url = reverse_lazy("account:password-reset-sent")

    def form_valid(self, form):
        try:
            password_reset_request_admit(
                email=form.cleaned_data["email"], ip_address=get_client_ip_address(self.request)
            )
        except TooManyRequests as error:
            add_application_error(form, error)
            return self.render_to_response(self.get_context_data(form=form), status=429)
        password_reset_mail_task.enqueue(
            email=form.cleaned_data["email"], domain=self.request.get_host(), use_https=self.request.is_secure()
        )
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class PasswordResetSentView(auth_views.PasswordResetDoneView):
    template_name = "web/accounts/password_reset_sent.html"


class PasswordResetSetView(auth_views.PasswordResetConfirmView):
    """Reached from the emailed link (Django moves the token into the session, then shows the form). Setting
    the password does not log in: the next login asks for the second factor as usual."""

    template_name = "web/accounts/password_reset_set.html"
    form_class = NewPasswordForm
    success_url = reverse_lazy("account:password-reset-complete")
    post_reset_login = False

    def form_valid(self, form):
        try:
            user = user_password_reset(user=form.user, new_password=form.cleaned_data["new_password1"])
        except ValidationError as error:
            add_application_error(form, error)
            return self.form_invalid(form)
        del self.request.session[auth_views.INTERNAL_RESET_SESSION_TOKEN]
        # Failed logins before the reset were against the old password: do not keep the account locked.
        axes_reset(username=user.email)
        return HttpResponseRedirect(self.get_success_url())

    def form_invalid(self, form):
        return self.render_to_response(self.get_context_data(form=form), status=422)


class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "web/accounts/password_reset_complete.html"

"""Brute-force protection of POST /auth/token, the one API endpoint that takes a password.

Two layers:

- django-axes, shared with the web login: `authenticate()` goes through AxesStandaloneBackend with the
  same credentials key (`email`, lower-cased) as the login form, so failures on the web and on the API
  count against the same email/IP pair (5 failures lock it for 15 minutes, settings AXES_*). A locked
  pair is refused even with the right password and answered 429 with Retry-After; each attempt during
  the lockout restarts it (axes' default). A successful token exchange resets the pair's failures, as a
  web login does (AXES_RESET_ON_SUCCESS): the API logs nobody in, so it does the reset itself.
  An account with a confirmed authenticator must also send a code (`otp_code`: TOTP or recovery code,
  checked by django-otp like the web login's code step); a wrong code counts as a failure of the pair.
- a rate limit per client IP (`TokenRateThrottle`, accounts.login_rate), so that one address cannot spray
  passwords over many accounts at full speed or keep the server busy hashing. It counts this endpoint and
  the web login together, in the cache every server process shares (core.ratelimit: the database, or
  Redis). The client IP is axes' (REMOTE_ADDR unless AXES_IPWARE_* says otherwise), not Ninja's default
  that trusts any X-Forwarded-For.

Bearer secrets (buyer tokens, seller API keys) carry 256 random bits: guessing them is hopeless, so
a wrong one is a plain 401 without lockout."""

from __future__ import annotations

import threading
from typing import Any, cast

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_cool_off
from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_login_failed
from django.http import HttpRequest
from ninja.throttling import BaseThrottle

from comptoir.accounts.login_rate import login_attempt_admit
from comptoir.accounts.two_factor import second_factor_verify, totp_device_confirmed_for
from comptoir.api import errors as api_errors
from comptoir.api.errors import TooManyRequests
from comptoir.core.exceptions import AuthenticationRequired


class TokenRateThrottle(BaseThrottle):
    """Password attempts per client IP (accounts.login_rate): this endpoint and the web login count together, in
    the cache all server processes share."""

    def __init__(self) -> None:
        self._waits = threading.local()  # one instance serves every request, threads included

    def allow_request(self, request: HttpRequest) -> bool:
        self._waits.seconds = login_attempt_admit(ip_address=get_client_ip_address(request))
        return self._waits.seconds is None

    def wait(self) -> float | None:
        return getattr(self._waits, "seconds", None)


def _lockout_error(request: HttpRequest) -> TooManyRequests:
    cool_off = get_cool_off(request)
    if cool_off is None:
        return TooManyRequests(
            "Too many failed attempts: logging in is locked for this account from your address until an operator "
            "unlocks it.",
            code=api_errors.TOO_MANY_ATTEMPTS,
        )
    seconds = int(cool_off.total_seconds())
    minutes = max(1, round(seconds / 60))
    return TooManyRequests(
        "Too many failed attempts: logging in is paused for this account from your address. "
        f"Try again in {minutes} minute{'s' if minutes != 1 else ''}"
        " (each attempt meanwhile restarts the delay).",
        code=api_errors.TOO_MANY_ATTEMPTS,
        retry_after=seconds,
    )


def password_authenticate(request: HttpRequest, *, email: str, password: str, otp_code: str | None = None):
    """The active user with this email and password (and second factor), counted by django-axes like a web login.

    An account with a confirmed authenticator also needs `otp_code`: a code from the app or one of its recovery
    codes (django-otp, as at the web login's code step; a recovery code is used up). Raises TooManyRequests (429,
    Retry-After) while the email/IP pair is locked, including on the attempt that locks it; AuthenticationRequired
    (401) for wrong credentials (`invalid_credentials`), a missing code (`two_factor_code_required`, not counted as
    a failure: the password was right) or a wrong one (`invalid_two_factor_code`, counted like a wrong password).
    The pair's failures are reset only once both factors passed."""
    user = authenticate(request, email=email, password=password)
    axes_request = cast(Any, request)  # django-axes adds its attributes to the request
    if getattr(axes_request, "axes_locked_out", False):
        # AxesMiddleware would swap our problem document for the HTML lockout page.
        axes_request.axes_locked_out = False
        raise _lockout_error(request)
    if user is None or not user.is_active:
        raise AuthenticationRequired("Wrong email or password.", code=api_errors.INVALID_CREDENTIALS)
    if totp_device_confirmed_for(user=user) is not None:
        _check_second_factor(request, user=user, email=email, otp_code=otp_code)
    if settings.AXES_ENABLED and settings.AXES_RESET_ON_SUCCESS:
        # The pair AXES_LOCKOUT_PARAMETERS counts failures on; axes' own reset runs on user_logged_in,
        # which would also record a session-bound access log that an API call has no use for.
        AxesProxyHandler.reset_attempts(ip_address=axes_request.axes_ip_address, username=email)
    return user


def _check_second_factor(request: HttpRequest, *, user, email: str, otp_code: str | None) -> None:
    if not otp_code:
        raise AuthenticationRequired(
            "This account uses two-factor authentication: send the code from the authenticator app, or a recovery "
            "code, in `otp_code` with the email and password.",
            code=api_errors.TWO_FACTOR_CODE_REQUIRED,
            fields={"otp_code": "The 6-digit code from the authenticator app, or a recovery code."},
        )
    if second_factor_verify(user=user, code=otp_code) is not None:
        return
    # Counted by django-axes like a wrong password (the same email/IP pair): guessing codes locks the pair too.
    user_login_failed.send(sender=__name__, credentials={"email": email}, request=request)
    axes_request = cast(Any, request)
    if getattr(axes_request, "axes_locked_out", False):
        axes_request.axes_locked_out = False
        raise _lockout_error(request)
    raise AuthenticationRequired(
        "Wrong or already used two-factor code.",
        code=api_errors.INVALID_TWO_FACTOR_CODE,
        fields={"otp_code": "This code is not valid. Check the time on your phone, or use a recovery code."},
    )

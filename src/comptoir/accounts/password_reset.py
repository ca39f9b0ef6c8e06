"""Password reset by email.

The link itself is Django's: `PasswordResetTokenGenerator` signs the user's id with their password hash, last
login and email, so it dies once the password changes and after PASSWORD_RESET_TIMEOUT (one hour). This module
holds the rules around it: how often a reset may be asked for, what is audited, and that setting the new
password goes through the configured validators. A reset changes the password only: a confirmed TOTP device
(and its recovery codes) still has to be used at the next login.

The email is built and sent by a task (`accounts.tasks.password_reset_mail_task`), queued for every accepted
request whether or not the address has an account: the request itself does the same work for both."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.contrib.auth.tokens import default_token_generator
from django.core.cache import caches
from django.core.exceptions import ValidationError as DjangoValidationError
from django.db import transaction
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from comptoir.accounts import errors
from comptoir.accounts.conf import accounts_settings
from comptoir.accounts.errors import TooManyRequests
from comptoir.accounts.models import User
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.core.mail import mail_send_rendered
from comptoir.core.services import audit_record

THROTTLE_CACHE = "throttle"
THROTTLE_WINDOW_SECONDS = 60 * 60


def password_reset_request_admit(*, email: str, ip_address: str | None) -> None:
    """Count one reset request for this address and this client IP.

    Raises TooManyRequests when either has already made its hourly allowance (COMPTOIR_PASSWORD_RESET_LIMITS)
    in the last hour; a refused request is not counted. Requests are counted whether or not an account exists
    for the address, so being refused says nothing about the account. The address and the IP are kept in the
    cache only as SHA-256 digests."""
    limits = accounts_settings()
    normalised_email = (email or "").strip().lower()
    windows = [
        (_throttle_key("email", normalised_email), limits.password_resets_per_email_per_hour),
        (_throttle_key("ip", ip_address or "unknown"), limits.password_resets_per_ip_per_hour),
    ]
    cache = caches[THROTTLE_CACHE]
    now = clock.now().timestamp()
    recent_by_key = {
        key: [moment for moment in cache.get(key, []) if now - moment < THROTTLE_WINDOW_SECONDS] for key, _ in windows
    }
    if any(len(recent_by_key[key]) >= limit for key, limit in windows):
        raise TooManyRequests("Too many password reset requests.", code=errors.PASSWORD_RESET_THROTTLED)
    for key, _ in windows:
        cache.set(key, [*recent_by_key[key], now], timeout=THROTTLE_WINDOW_SECONDS)


def password_reset_link_sent_record(*, user: User) -> None:
    """Audit that a reset link was emailed to `user` (nobody is logged in: the actor is anonymous)."""
    audit_record(actor=None, actor_label="anonymous", action="user.password_reset_requested", target=user)


def password_reset_mail_send(*, email: str, domain: str, use_https: bool) -> int:
    """Email a reset link to every active account of `email` that has a usable password (none for an unknown
    address), in each user's language, and audit each link sent. `domain` and `use_https` build the link (the
    request's host). Returns how many emails were sent. Runs in a task, never in the request."""
    normalised_email = (email or "").strip().lower()
    users = [
        user
        for user in User.objects.filter(email__iexact=normalised_email, is_active=True).order_by("pk")
        if user.has_usable_password()
    ]
    for user in users:
        context = {
            "email": user.email,
            "domain": domain,
            "site_name": settings.COMPTOIR_SITE_NAME,
            "uid": urlsafe_base64_encode(force_bytes(user.pk)),
            "user": user,
            "token": default_token_generator.make_token(user),
            "protocol": "https" if use_https else "http",
        }
        mail_send_rendered(
            to=user.email,
            language=user.preferred_language or settings.LANGUAGE_CODE,
            subject_template="web/accounts/email/password_reset_subject.txt",
            text_template="web/accounts/email/password_reset.txt",
            context=context,
        )
        password_reset_link_sent_record(user=user)
    return len(users)


def registration_mail_send(*, email: str, is_new_account: bool, domain: str, use_https: bool) -> bool:
    """The email that answers a registration: a welcome for a new account, or, when the address already had one,
    a word to its owner that someone tried to register with it (with the way to log in or reset the password).
    The registration page says the same in both cases; only the owner of the address learns which. Returns
    whether an email was sent (none for an inactive account)."""
    user = User.objects.filter(email__iexact=(email or "").strip().lower(), is_active=True).first()
    if user is None:
        return False
    protocol = "https" if use_https else "http"
    name = "registration_welcome" if is_new_account else "registration_existing"
    mail_send_rendered(
        to=user.email,
        language=user.preferred_language or settings.LANGUAGE_CODE,
        subject_template=f"web/accounts/email/{name}_subject.txt",
        text_template=f"web/accounts/email/{name}.txt",
        context={
            "user": user,
            "site_name": settings.COMPTOIR_SITE_NAME,
            "login_link": f"{protocol}://{domain}/accounts/login/",
            "reset_link": f"{protocol}://{domain}/accounts/password/reset/",
        },
    )
    return True


def user_password_reset(*, user: User, new_password: str) -> User:
    """Set the password chosen through a reset link.

    Raises ValidationError (field `new_password1`, code `weak_password`) when the configured password
    validators refuse it. The change is audited; other sessions of the user end, since Django ties them to
    the password hash. Two-factor devices are left as they are."""
    try:
        validate_password(new_password, user)
    except DjangoValidationError as error:
        raise ValidationError(
            "Password too weak.", code=errors.WEAK_PASSWORD, fields={"new_password1": " ".join(error.messages)}
        ) from error
    with transaction.atomic():
        user.set_password(new_password)
        user.save(update_fields=["password"])
        audit_record(actor=user, action="user.password_reset", target=user)
    return user


def _throttle_key(kind: str, value: str) -> str:
    return f"password-reset:{kind}:{hashlib.sha256(value.encode()).hexdigest()}"

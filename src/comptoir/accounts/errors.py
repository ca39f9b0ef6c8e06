"""Errors of the accounts domain (codes the web and the API map to messages)."""

from __future__ import annotations

from comptoir.core.exceptions import ApplicationError


class TooManyRequests(ApplicationError):
    """The same kind of request came too often; try again later (429)."""

    status = 429
    default_code = "too_many_requests"


EMAIL_TAKEN = "email_taken"
INVALID_EMAIL = "invalid_email"
PASSWORD_RESET_THROTTLED = "password_reset_throttled"
TOKEN_NOT_FOUND = "token_not_found"
TOTP_NO_PENDING_DEVICE = "totp_no_pending_device"
TOTP_WRONG_CODE = "totp_wrong_code"
TWO_FACTOR_NOT_ENABLED = "two_factor_not_enabled"
WEAK_PASSWORD = "weak_password"

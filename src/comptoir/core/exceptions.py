"""Application errors. Services raise these; the API renders them as RFC 9457 problem+json and
the web renders them as form errors. Catch specific exceptions only."""

from __future__ import annotations


class ApplicationError(Exception):
    status = 400
    default_code = "application_error"

    def __init__(
        self, message: str, code: str | None = None, extra: dict | None = None, *, fields: dict[str, str] | None = None
    ):
        super().__init__(message)
        self.message = message
        self.code = code or self.default_code
        self.extra = extra or {}
        self.fields = fields or {}


class ValidationError(ApplicationError):
    """Input that can never succeed as sent (422)."""

    status = 422
    default_code = "validation_error"


class NotFound(ApplicationError):
    status = 404
    default_code = "not_found"


class PermissionDenied(ApplicationError):
    status = 403
    default_code = "permission_denied"


class AuthenticationRequired(ApplicationError):
    status = 401
    default_code = "authentication_required"


class Conflict(ApplicationError):
    """The request is valid but the current state of the resource does not allow it (409)."""

    status = 409
    default_code = "conflict"


class InvalidTransition(Conflict):
    default_code = "invalid_transition"


class PaymentDeclined(ApplicationError):
    status = 402
    default_code = "payment_declined"

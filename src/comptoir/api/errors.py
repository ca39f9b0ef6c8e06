"""Every API error is an RFC 9457 problem document (`application/problem+json`):

    {"type": "https://comptoir.dev/problems/<code>", "title": "Unprocessable Content", "status": 422,
     "detail": "The offer is invalid.", "instance": "/api/v1/seller/offers", "code": "invalid_offer",
     "errors": {"price_amount": "The price must be positive."}}

`instance` is the path of the request that failed. `errors` maps a field (dotted path,
`lines[0].quantity`) to a message a client can show next to it; an ApplicationError's `extra` adds
members (`allowed_actions`, `offer_ids`, `required_scope` …). The handlers below turn service errors,
request validation, malformed JSON, unknown routes, throttling and authentication failures into such
documents, so bad input never surfaces as a 500."""

from __future__ import annotations

import json
import logging
import math
from http import HTTPStatus

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.core.serializers.json import DjangoJSONEncoder
from django.http import Http404, HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from ninja.errors import AuthenticationError, HttpError, Throttled
from ninja.errors import ValidationError as NinjaValidationError

from comptoir.core.exceptions import ApplicationError

PROBLEM_CONTENT_TYPE = "application/problem+json"
PROBLEM_TYPE_BASE = "https://comptoir.dev/problems/"
RESERVED_MEMBERS = {"type", "title", "status", "detail", "instance", "code", "errors"}

# Error codes of the API layer itself (authentication, routing, malformed requests).
AUTHENTICATION_REQUIRED = "authentication_required"
CART_LINE_NOT_FOUND = "cart_line_not_found"
BUYER_CREDENTIALS_REQUIRED = "buyer_credentials_required"
CSRF_FAILED = "csrf_failed"
INSUFFICIENT_SCOPE = "insufficient_scope"
INTERNAL_ERROR = "internal_error"
INVALID_AUTHORIZATION_HEADER = "invalid_authorization_header"
INVALID_CREDENTIALS = "invalid_credentials"
INVALID_PERIOD = "invalid_period"
INVALID_REQUEST = "invalid_request"
INVALID_SELLER_HEADER = "invalid_seller_header"
INVALID_STATUS = "invalid_status"
INVALID_TOKEN = "invalid_token"
MALFORMED_JSON = "malformed_json"
METHOD_NOT_ALLOWED = "method_not_allowed"
NOT_FOUND = "not_found"
RATE_LIMITED = "rate_limited"
SELLER_AMBIGUOUS = "seller_ambiguous"
SELLER_CREDENTIALS_REQUIRED = "seller_credentials_required"
TOO_MANY_ATTEMPTS = "too_many_attempts"
UNKNOWN_PROVIDER = "unknown_provider"
UNKNOWN_ENDPOINT = "unknown_endpoint"
# POST /auth/token for an account with two-factor authentication.
TWO_FACTOR_CODE_REQUIRED = "two_factor_code_required"
INVALID_TWO_FACTOR_CODE = "invalid_two_factor_code"
REQUEST_TOO_LARGE = "request_too_large"
MALFORMED_MULTIPART = "malformed_multipart"

logger = logging.getLogger(__name__)


class TooManyRequests(ApplicationError):
    """Refused until the client waits (429); `retry_after` seconds become the Retry-After header."""

    status = 429
    default_code = "too_many_requests"

    def __init__(
        self, message: str, code: str | None = None, extra: dict | None = None, *, retry_after: int | None = None
    ):
        super().__init__(message, code, extra)
        self.retry_after = retry_after


def problem_body(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str,
    errors: dict[str, str] | None = None,
    extra: dict | None = None,
) -> dict:
    body = {
        "type": PROBLEM_TYPE_BASE + code,
        "title": HTTPStatus(status).phrase,
        "status": status,
        "detail": detail,
        "instance": instance,
        "code": code,
        "errors": dict(errors or {}),
    }
    for name, value in (extra or {}).items():
        if name not in RESERVED_MEMBERS:
            body[name] = value
    return body


def json_response(body, *, status: int, headers: dict[str, str] | None = None) -> HttpResponse:
    """A JSON response; problem documents (status >= 400) get the problem+json media type."""
    content_type = PROBLEM_CONTENT_TYPE if status >= 400 else "application/json"
    response = HttpResponse(json.dumps(body, cls=DjangoJSONEncoder), status=status, content_type=content_type)
    for name, value in (headers or {}).items():
        response[name] = value
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="comptoir"'
    return response


def retry_after_headers(seconds: float | None) -> dict[str, str]:
    return {} if seconds is None else {"Retry-After": str(max(1, math.ceil(seconds)))}


def problem_response(
    *,
    status: int,
    code: str,
    detail: str,
    instance: str,
    errors: dict[str, str] | None = None,
    extra: dict | None = None,
    headers: dict[str, str] | None = None,
) -> HttpResponse:
    return json_response(
        problem_body(status=status, code=code, detail=detail, instance=instance, errors=errors, extra=extra),
        status=status,
        headers=headers,
    )


def application_error_body(error: ApplicationError, *, instance: str) -> dict:
    extra = dict(error.extra)
    fields = dict(error.fields)
    # Some services (the state machine) carry field messages inside `extra`.
    smuggled = extra.pop("fields", None)
    if isinstance(smuggled, dict):
        fields = {**{str(name): str(message) for name, message in smuggled.items()}, **fields}
    return problem_body(
        status=error.status, code=error.code, detail=error.message, instance=instance, errors=fields, extra=extra
    )


def field_path(location) -> str:
    """('lines', 0, 'quantity') -> 'lines[0].quantity'."""
    path = ""
    for part in location:
        if isinstance(part, int):
            path += f"[{part}]"
        else:
            path += ("." if path else "") + str(part)
    return path


def _validation_field_errors(errors: list[dict]) -> dict[str, str]:
    """Ninja's error locations start with the source ('body', 'query', 'path', 'header') and, for a
    body, the handler's parameter name; a client only cares about the field inside the request."""
    fields: dict[str, str] = {}
    for error in errors:
        location = list(error.get("loc", ()))
        source = location.pop(0) if location else "body"
        if source == "body" and location:
            location.pop(0)  # the handler's parameter name (`payload`)
        elif source != "body":
            location = location[:1]  # a parameter's name (`condition`, not `condition[0]` for a repeated one)
        name = field_path(location) or source
        message = error.get("msg", "Invalid value.")
        kind = error.get("type", "")
        if kind == "extra_forbidden":
            message = "Unknown field."
        elif kind == "missing" and name == "body":
            message = "A JSON object body is required."
        elif kind == "missing":
            message = "This field is required."
        fields.setdefault(name, message)
    return fields


def handle_application_error(request: HttpRequest, error: ApplicationError) -> HttpResponse:
    body = application_error_body(error, instance=request.path)
    headers = retry_after_headers(error.retry_after) if isinstance(error, TooManyRequests) else None
    return json_response(body, status=error.status, headers=headers)


def handle_validation_error(request: HttpRequest, error: NinjaValidationError) -> HttpResponse:
    return problem_response(
        status=422,
        code=INVALID_REQUEST,
        detail="The request has invalid or missing fields.",
        instance=request.path,
        errors=_validation_field_errors(error.errors),
    )


def handle_http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    if isinstance(error, AuthenticationError):
        return problem_response(
            status=401,
            code=AUTHENTICATION_REQUIRED,
            instance=request.path,
            detail="Authenticate with 'Authorization: Bearer <token>' (buyer token or seller API key) or a session.",
        )
    if isinstance(error, Throttled):
        return problem_response(
            status=429,
            code=RATE_LIMITED,
            instance=request.path,
            headers=retry_after_headers(error.wait),
            detail="Too many requests from your address to this endpoint; wait for the Retry-After delay.",
        )
    if isinstance(error.__cause__, ApplicationError):  # refused by the API's parser (api/parsing.py)
        return handle_application_error(request, error.__cause__)
    if error.status_code == 400 and str(error).startswith("Cannot parse request body"):
        return problem_response(
            status=400,
            code=MALFORMED_JSON,
            detail="The request body is not valid JSON.",
            instance=request.path,
            errors={"body": "Send a JSON object."},
        )
    status = error.status_code if 400 <= error.status_code < 600 else 400
    return problem_response(
        status=status,
        code=HTTPStatus(status).phrase.lower().replace(" ", "_").replace("-", "_"),
        detail=str(error),
        instance=request.path,
    )


def handle_not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    return problem_response(status=404, code=NOT_FOUND, detail="No such resource.", instance=request.path)


def handle_request_too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return problem_response(
        status=413,
        code=REQUEST_TOO_LARGE,
        detail=f"The request body is larger than the {limit} bytes this server accepts.",
        instance=request.path,
        extra={"max_bytes": limit},
    )


def handle_malformed_multipart(request: HttpRequest, error: MultiPartParserError) -> HttpResponse:
    """A `multipart/form-data` body Django cannot parse (no boundary, truncated parts): the client's fault, 400."""
    return problem_response(
        status=400,
        code=MALFORMED_MULTIPART,
        detail=f"The multipart/form-data body cannot be read: {error}",
        instance=request.path,
    )


def handle_unexpected(request: HttpRequest, error: Exception) -> HttpResponse:
    logger.exception("Unhandled error in %s %s", request.method, request.path)
    return problem_response(
        status=500,
        code=INTERNAL_ERROR,
        detail="An unexpected error occurred; it has been logged.",
        instance=request.path,
    )


def install_exception_handlers(api) -> None:
    api.add_exception_handler(ApplicationError, handle_application_error)
    api.add_exception_handler(NinjaValidationError, handle_validation_error)
    api.add_exception_handler(HttpError, handle_http_error)
    api.add_exception_handler(Http404, handle_not_found)
    # Django raises it when the body exceeds DATA_UPLOAD_MAX_MEMORY_SIZE (read by Ninja inside the view).
    api.add_exception_handler(RequestDataTooBig, handle_request_too_large)
    # Uploads (product pictures, 3D files) are multipart; Django raises this for a body it cannot split into parts.
    api.add_exception_handler(MultiPartParserError, handle_malformed_multipart)
    api.add_exception_handler(Exception, handle_unexpected)

"""The REST API, mounted at /api/v1/ (config/urls.py); its OpenAPI document is /api/v1/openapi.json
and the interactive documentation /api/docs (Swagger UI from ninja's bundled static files, no CDN)."""

from __future__ import annotations

import functools

from django.http import HttpRequest
from django.urls import URLPattern
from ninja import Router
from ninja.openapi.docs import Swagger

from comptoir.api import errors as api_errors
from comptoir.api.errors import PROBLEM_CONTENT_TYPE, install_exception_handlers, problem_response
from comptoir.api.openapi import ProblemAwareNinjaAPI
from comptoir.api.parsing import RequestParser, refuse_control_characters_in_path
from comptoir.api.routers import (
    accounts,
    cart,
    catalog,
    catalog_imports,
    checkout,
    filings,
    fx,
    orders,
    payment_notifications,
    product_families,
    product_media,
    product_translations,
    search,
    seller_compliance,
    seller_feeds,
    seller_finance,
    seller_offers,
    seller_orders,
    seller_webhooks,
    sellers,
    trust,
)
from comptoir.core.exceptions import NotFound

DESCRIPTION = """\
Comptoir's marketplace API. JSON in and out; money is `{"amount": "12.34", "amount_minor": 1234, "currency": "EUR"}`.

**Authentication** — `Authorization: Bearer <token>`:
- buyer tokens (`cbt_…`, from `POST /auth/token`) on buyer endpoints (cart, checkout, orders);
- seller API keys (`csk_…`, created by a seller owner, scoped: offers:read, offers:write, orders:read, orders:write,
  finance:read, webhooks:manage) on `/seller/…`;
- or the browser session (CSRF token required for writes); a member of several sellers sends `X-Comptoir-Seller: <id>`.

**Requests** — bodies are JSON sent as `application/json` (or another `+json` type); any other media type gets 415
`unsupported_media_type`; pictures and 3D files are uploaded as `multipart/form-data` (`/seller/products/{id}/images`,
`/seller/products/{id}/models-3d`). A number without a fractional part (`3.0`) is read as the integer 3. Control
characters are refused everywhere with 422 `control_character` naming the field: U+0000–U+001F and U+007F in path and
query parameters and JSON keys; the same except tab, line feed and carriage return in JSON string values. The schemas
declare choices (`enum`), lengths, ranges and formats (`pattern`) as the services check them.

**Errors** are RFC 9457 `application/problem+json`:
`{type, title, status, detail, instance, code, errors: {field: message}}`.
Another seller's or buyer's resources answer 404. A 429 carries `Retry-After` (seconds).

**Login throttling** — `POST /auth/token` shares the web login's lockout: after 5 failed attempts for an email from one
address (defaults), both refuse that email from that address for 15 minutes, even with the right password
(429 `too_many_attempts`).
One address may also call it 20 times a minute (429 `rate_limited`).

**Idempotency** — `POST /checkout` requires an `Idempotency-Key`; other writes accept one. A retry with the same key and
body returns the first response with `Idempotent-Replayed: true`; the same key with another body is refused (422).
"""

api = ProblemAwareNinjaAPI(
    title="Comptoir API",
    version="1",
    description=DESCRIPTION,
    urls_namespace="api-v1",
    docs=Swagger(),
    docs_url=None,
    parser=RequestParser(),
)
install_exception_handlers(api)

for module in (
    accounts,
    catalog,
    search,
    cart,
    checkout,
    orders,
    sellers,
    seller_offers,
    product_families,
    product_media,
    product_translations,
    catalog_imports,
    seller_orders,
    seller_finance,
    seller_webhooks,
    seller_compliance,
    seller_feeds,
    trust,
    payment_notifications,
    fx,
    filings,
):
    api.add_router("", module.router)

# Registered last so that every real route matches first: unknown paths get a problem document too.
fallback = Router()


@fallback.api_operation(
    ["GET", "POST", "PUT", "PATCH", "DELETE"], "/{path:unknown}", auth=None, include_in_schema=False
)
def unknown_route(request: HttpRequest, unknown: str):
    raise NotFound("No such endpoint.", code=api_errors.UNKNOWN_ENDPOINT)


api.add_router("", fallback)


def api_docs(request: HttpRequest):
    """Swagger UI for the API (served at /api/docs)."""
    return api.docs.render_page(request, api)


def _method_not_allowed_as_problem(view):
    """Ninja answers a known path with the wrong method in plain text; make it a problem document too."""

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        response = view(request, *args, **kwargs)
        if response.status_code == 405 and not response.get("Content-Type", "").startswith(PROBLEM_CONTENT_TYPE):
            allowed = response.get("Allow", "")
            problem = problem_response(
                status=405,
                code=api_errors.METHOD_NOT_ALLOWED,
                detail=f"This endpoint accepts: {allowed}.",
                instance=request.path,
            )
            problem["Allow"] = allowed
            return problem
        return response

    return wrapper


def _api_urls():
    patterns, app_name, namespace = api.urls
    wrapped = [
        URLPattern(
            pattern.pattern,
            refuse_control_characters_in_path(_method_not_allowed_as_problem(pattern.callback)),
            pattern.default_args,
            pattern.name,
        )
        if isinstance(pattern, URLPattern)
        else pattern
        for pattern in patterns
    ]
    return wrapped, app_name, namespace


# Mounted by config/urls.py at "api/v1/".
api_urls = _api_urls()

"""Buyer tokens for apps: exchange an email and password for a bearer token, revoke it."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictStr

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import api_token_create, api_token_revoke
from comptoir.api.schemas import InputSchema, length, problems
from comptoir.api.security import BuyerToken, bearer_token, buyer_principal
from comptoir.api.throttling import TokenRateThrottle, password_authenticate
from comptoir.core.crypto import token_hash

router = Router(tags=["auth"])


class TokenIn(InputSchema):
    email: Annotated[StrictStr, length(254, 1)]
    password: Annotated[StrictStr, length(200, 1)]
    name: Annotated[StrictStr, length(100)] = Field("app", description="A label for the token, e.g. the app's name.")
    otp_code: Annotated[StrictStr, length(32)] | None = Field(
        None,
        description="Required when the account has two-factor authentication: the code from the authenticator app, "
        "or one of the recovery codes (used up once accepted).",
    )


class TokenOut(Schema):
    token: str = Field(description="The bearer token (prefix cbt_). Shown once; only its hash is stored.")
    id: int
    name: str
    prefix: str


@router.post(
    "/auth/token",
    response={201: TokenOut, **problems(401, 422, 429)},
    auth=None,
    throttle=[TokenRateThrottle()],
    summary="Get a buyer token",
)
def token_create(request: HttpRequest, payload: TokenIn):
    """Exchange the email and password of an account for a buyer bearer token.
    Send it as `Authorization: Bearer <token>` on buyer endpoints (cart, checkout, orders).

    Failed attempts count together with the web login's: after 5 failures for an email from one address,
    both refuse it for 15 minutes (defaults), even with the right password (429 `too_many_attempts`, `Retry-After`).
    An address is also limited to 20 requests a minute on this endpoint (429 `rate_limited`).

    An account with two-factor authentication (an authenticator app; every operator) must also send `otp_code`:
    without it the answer is 401 `two_factor_code_required`; a wrong code is 401 `invalid_two_factor_code` and
    counts as a failed attempt."""
    user = password_authenticate(
        request, email=payload.email.strip().lower(), password=payload.password, otp_code=payload.otp_code
    )
    token, secret = api_token_create(user=user, name=payload.name or "app")
    return Status(201, {"token": secret, "id": token.pk, "name": token.name, "prefix": token.prefix})


@router.delete(
    "/auth/token", response={204: None, **problems(401, 403)}, auth=[BuyerToken()], summary="Revoke this buyer token"
)
def token_revoke(request: HttpRequest):
    """Revoke the token sent in the Authorization header; it stops working at once."""
    user = buyer_principal(request).user
    secret = bearer_token(request) or ""  # BuyerToken let the request in: the header is there
    token_id = ApiToken.objects.filter(token_hash=token_hash(secret), user=user).values_list("pk", flat=True).first()
    api_token_revoke(user=user, token_id=token_id or 0)
    return Status(204, None)

"""Buyer tokens for apps: exchange an email and password for a bearer token, revoke it."""

from __future__ import annotations

from django.contrib.auth import authenticate
from django.http import HttpRequest
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field

from comptoir.accounts.models import ApiToken
from comptoir.accounts.services import api_token_create, api_token_revoke
from comptoir.api.schemas import InputSchema, problems, text
from comptoir.api.security import BuyerToken, bearer_token
from comptoir.core.crypto import token_hash
from comptoir.core.exceptions import AuthenticationRequired

router = Router(tags=["auth"])


class TokenIn(InputSchema):
    email: text(254, 1)
    password: text(200, 1)
    name: text(100) = Field("app", description="A label for the token, e.g. the app's name.")


class TokenOut(Schema):
    token: str = Field(description="The bearer token (prefix cbt_). Shown once; only its hash is stored.")
    id: int
    name: str
    prefix: str


@router.post("/auth/token", response={201: TokenOut, **problems(401, 422)}, auth=None, summary="Get a buyer token")
def token_create(request: HttpRequest, payload: TokenIn):
    """Exchange the email and password of an account for a buyer bearer token.
    Send it as `Authorization: Bearer <token>` on buyer endpoints (cart, checkout, orders)."""
    user = authenticate(request, username=payload.email.strip().lower(), password=payload.password)
    if user is None or not user.is_active:
        raise AuthenticationRequired("Wrong email or password.", code="invalid_credentials")
    token, secret = api_token_create(user=user, name=payload.name or "app")
    return Status(201, {"token": secret, "id": token.pk, "name": token.name, "prefix": token.prefix})


@router.delete("/auth/token", response={204: None, **problems(401, 403)}, auth=[BuyerToken()], summary="Revoke this buyer token")
def token_revoke(request: HttpRequest):
    """Revoke the token sent in the Authorization header; it stops working at once."""
    user = request.auth.user
    token_id = ApiToken.objects.filter(token_hash=token_hash(bearer_token(request)), user=user).values_list("pk", flat=True).first()
    api_token_revoke(user=user, token_id=token_id)
    return Status(204, None)

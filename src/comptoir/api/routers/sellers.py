"""Seller onboarding, the current seller's profile, and its API keys."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router, Schema
from ninja.responses import Status
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.schemas import (
    MAX_ID,
    CountryCode,
    CurrencyCode,
    InputSchema,
    ScopeChoice,
    StrictBool,
    iso,
    length,
    problems,
)
from comptoir.api.security import (
    buyer_principal,
    seller_auth,
    seller_owner_session_auth,
    seller_principal,
    user_auth,
)
from comptoir.sellers.domain.trader import TraderInformation
from comptoir.sellers.models import ALL_SCOPES, SellerApiKey
from comptoir.sellers.services import seller_api_key_create, seller_api_key_revoke, seller_onboard

router = Router(tags=["sellers"])


class SellerOut(Schema):
    id: int
    name: str
    slug: str
    status: str = Field(description="pending, verified, suspended or rejected. Offers are visible only once verified.")
    legal_name: str
    street: str
    postal_code: str
    city: str
    country: str
    phone: str
    email: str
    trade_register: str
    trade_register_number: str
    vat_id: str
    iban_masked: str
    default_currency: str
    settlement_currency: str = Field(
        "", description="ISO 4217 currency the seller is settled and paid out in; empty: each offer's currency."
    )
    created_at: str
    verified_at: str | None


class SellerOnboardIn(InputSchema):
    name: Annotated[StrictStr, length(120, 1)]
    legal_name: Annotated[StrictStr, length(200)]
    street: Annotated[StrictStr, length(200)]
    postal_code: Annotated[StrictStr, length(200)]
    city: Annotated[StrictStr, length(200)]
    country: CountryCode = Field(description="ISO 3166 alpha-2 code.")
    phone: Annotated[StrictStr, length(40)]
    email: Annotated[StrictStr, length(254)]
    trade_register: Annotated[StrictStr, length(200)]
    trade_register_number: Annotated[StrictStr, length(100)]
    vat_id: Annotated[StrictStr, length(40)] = Field(
        description="Checked with its check digits (EU VAT numbers must match the country)."
    )
    iban: Annotated[StrictStr, length(60)] = Field(
        description="Checked (ISO 13616 check digits); stored encrypted, only the last 4 characters are shown."
    )
    self_certified: StrictBool = Field(
        description="You certify that you only offer products that comply with EU law (DSA Art. 30)."
    )
    default_currency: CurrencyCode = "EUR"


class ApiKeyIn(InputSchema):
    name: Annotated[StrictStr, length(100)] = "integration"
    scopes: list[ScopeChoice] = Field(min_length=1, max_length=10, description=f"Among {', '.join(ALL_SCOPES)}.")


class ApiKeyOut(Schema):
    id: int
    name: str
    prefix: str
    scopes: list[str]
    created_at: str
    last_used_at: str | None
    revoked_at: str | None


class ApiKeyCreatedOut(ApiKeyOut):
    key: str = Field(description="The secret (prefix csk_). Shown once; only its hash is stored.")


def seller_out(seller) -> dict:
    return {
        "id": seller.pk,
        "name": seller.name,
        "slug": seller.slug,
        "status": seller.status,
        "legal_name": seller.legal_name,
        "street": seller.street,
        "postal_code": seller.postal_code,
        "city": seller.city,
        "country": seller.country,
        "phone": seller.phone,
        "email": seller.email,
        "trade_register": seller.trade_register,
        "trade_register_number": seller.trade_register_number,
        "vat_id": seller.vat_id,
        "iban_masked": seller.iban_masked,
        "default_currency": seller.default_currency,
        "settlement_currency": seller.settlement_currency,
        "created_at": iso(seller.created_at),
        "verified_at": iso(seller.verified_at),
    }


def api_key_out(key) -> dict:
    return {
        "id": key.pk,
        "name": key.name,
        "prefix": key.prefix,
        "scopes": list(key.scopes),
        "created_at": iso(key.created_at),
        "last_used_at": iso(key.last_used_at),
        "revoked_at": iso(key.revoked_at),
    }


@router.post(
    "/sellers", response={201: SellerOut, **problems(401, 403, 409, 422)}, auth=user_auth, summary="Onboard a seller"
)
def seller_create(request: HttpRequest, payload: SellerOnboardIn):
    """Create a seller organisation (pending verification) with the caller as its owner.
    Every trader field is validated at once; VAT ID and IBAN include their check digits."""
    data = payload.model_dump()
    principal = buyer_principal(request)

    def action():
        trader = TraderInformation(**{name: data[name] for name in TraderInformation.__dataclass_fields__})
        seller = seller_onboard(
            owner=principal.user, name=data["name"], trader=trader, default_currency=data["default_currency"]
        )
        return 201, seller_out(seller)

    return run_idempotent(
        request,
        actor_key=principal.actor_key,
        scope="seller.onboard",
        payload={k: v for k, v in data.items() if k != "iban"} | {"iban_tail": data["iban"][-4:]},
        action=action,
    )


@router.get(
    "/seller",
    response={200: SellerOut, **problems(401, 403, 422)},
    auth=seller_auth(None),
    summary="The current seller",
)
def seller_detail(request: HttpRequest):
    """The seller this API key belongs to, or the session member's seller (`X-Comptoir-Seller` to choose)."""
    return seller_out(seller_principal(request).seller)


@router.get(
    "/seller/api-keys",
    response={200: list[ApiKeyOut], **problems(401, 403, 422)},
    auth=seller_owner_session_auth,
    summary="List API keys",
)
def api_keys(request: HttpRequest):
    """Owners only, from a session: keys cannot manage keys."""
    return [
        api_key_out(key) for key in SellerApiKey.objects.filter(seller=seller_principal(request).seller).order_by("-id")
    ]


@router.post(
    "/seller/api-keys",
    response={201: ApiKeyCreatedOut, **problems(401, 403, 422)},
    auth=seller_owner_session_auth,
    summary="Create an API key",
)
def api_key_create(request: HttpRequest, payload: ApiKeyIn):
    """The secret is in the response once; store it in the integration's secret store."""
    principal = seller_principal(request)
    key, secret = seller_api_key_create(
        seller=principal.seller, actor=principal.user, name=payload.name, scopes=list(map(str, payload.scopes))
    )
    return Status(201, api_key_out(key) | {"key": secret})


@router.delete(
    "/seller/api-keys/{key_id}",
    response={200: ApiKeyOut, **problems(401, 403, 404, 422)},
    auth=seller_owner_session_auth,
    summary="Revoke an API key",
)
def api_key_revoke(request: HttpRequest, key_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """The key stops working at once. Revoking twice is harmless."""
    principal = seller_principal(request)
    key = seller_api_key_revoke(seller=principal.seller, actor=principal.user, key_id=key_id)
    return api_key_out(key)

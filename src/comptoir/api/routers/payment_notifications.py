"""Payment provider notifications (webhooks): the provider tells the marketplace about a chargeback.

Authenticated by the provider's signature over the raw body, not by a token: the provider class parses and
checks it (`parse_notification`), payments.services records it. Idempotent on the provider's case reference."""

from __future__ import annotations

from django.http import HttpRequest
from ninja import Router, Schema
from pydantic import Field

from comptoir.api import errors as api_errors
from comptoir.api.errors import json_response
from comptoir.api.idempotency import REPLAYED_HEADER
from comptoir.api.schemas import MoneyOut, iso, problems
from comptoir.checkout.services import chargeback_notification_apply
from comptoir.core import clock
from comptoir.core.exceptions import NotFound
from comptoir.core.money import Money
from comptoir.payments.providers import provider_named

router = Router(tags=["payment provider notifications"])


class ChargebackOut(Schema):
    id: int
    provider: str
    reference: str = Field(description="The provider's case reference (the idempotency key).")
    seller_order: str
    amount: MoneyOut
    reason: str
    recorded_at: str


@router.post(
    "/payments/notifications/{provider}",
    auth=None,
    response={200: ChargebackOut, **problems(403, 404, 409, 422)},
    summary="Receive a payment provider notification",
)
def provider_notification(request: HttpRequest, provider: str):
    """Called by the payment provider, not by clients. The sandbox signs the raw body with HMAC-SHA256 in the
    `Comptoir-Sandbox-Signature: t=<unix>,v1=<hex>` header (secret COMPTOIR_SANDBOX_WEBHOOK_SECRET, 5 minutes of
    tolerance). Supported: `{"type": "chargeback", "reference", "payment_reference" and/or "seller_order", "amount"
    (minor units), "currency", "reason"}`. 200 with the recorded chargeback; the same reference again answers 200
    with the same body and `Idempotent-Replayed: true`. 403: unsigned, forged or stale. 404: unknown payment or
    seller order. 422: invalid body or amount."""
    implementation = provider_named(provider)
    if implementation is None or not hasattr(implementation, "parse_notification"):
        raise NotFound("No such payment provider.", code=api_errors.UNKNOWN_PROVIDER)
    notification = implementation.parse_notification(body=request.body, headers=request.headers, now=clock.now())
    outcome = chargeback_notification_apply(provider=implementation.name, notification=notification)
    chargeback = outcome.chargeback
    body = {
        "id": chargeback.pk,
        "provider": chargeback.provider,
        "reference": chargeback.provider_reference,
        "seller_order": chargeback.seller_order.number,
        "amount": Money(chargeback.amount, chargeback.currency).as_dict(),
        "reason": chargeback.reason,
        "recorded_at": iso(chargeback.created_at),
    }
    return json_response(body, status=200, headers={} if outcome.created else {REPLAYED_HEADER: "true"})

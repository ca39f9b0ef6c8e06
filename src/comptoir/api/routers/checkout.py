"""Checkout: the buyer's cart (or explicit lines) into one order split per seller, paid at once."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Header, Router, Schema
from pydantic import Field, StrictStr

from comptoir.api.errors import json_response
from comptoir.api.idempotency import REPLAYED_HEADER
from comptoir.api.routers.fx import DisplayCurrency, RateOriginOut
from comptoir.api.routers.orders import TaxLineOut
from comptoir.api.schemas import (
    MAX_ID,
    BodyId,
    CountryCode,
    InputSchema,
    JsonInt,
    MoneyOut,
    ProblemOut,
    between,
    length,
    problems,
)
from comptoir.api.security import buyer_auth, buyer_principal
from comptoir.checkout.errors import PAYMENT_DECLINED
from comptoir.checkout.services import order_checkout
from comptoir.orders.models import OrderStatus

router = Router(tags=["checkout"], auth=buyer_auth)

# The HTTP status of each checkout outcome (the order's status when the checkout ended).
CHECKOUT_STATUS = {OrderStatus.PAID: 201, OrderStatus.PAYMENT_REVIEW: 202, OrderStatus.PAYMENT_FAILED: 402}


class CheckoutLineIn(InputSchema):
    offer_id: BodyId
    quantity: Annotated[JsonInt, between(1, MAX_ID)] = Field(
        description="1 to the marketplace maximum (999 by default)."
    )


class AddressIn(InputSchema):
    name: Annotated[StrictStr, length(200, 1)]
    street: Annotated[StrictStr, length(200, 1)]
    postal_code: Annotated[StrictStr, length(200, 1)]
    city: Annotated[StrictStr, length(200, 1)]
    country: CountryCode = Field(description="ISO 3166 alpha-2 code.")
    street2: Annotated[StrictStr, length(200)] | None = None
    region: Annotated[StrictStr, length(200)] | None = None
    phone: Annotated[StrictStr, length(200)] | None = None


class PaymentIn(InputSchema):
    card_number: Annotated[StrictStr, Field(max_length=40, pattern=r"^[0-9 -]{1,40}$")] = Field(
        description="Sandbox cards: 4242424242424242 paid, 4000000000000002 declined, 4000000000009235 review."
    )


class CheckoutIn(InputSchema):
    lines: list[CheckoutLineIn] | None = Field(None, max_length=200, description="Omit to check out the cart.")
    shipping_address: AddressIn
    shipping: dict[str, Annotated[StrictStr, length(20, 1)]] | None = Field(
        None, description="Seller id -> service level ('standard', 'express'); default: the cheapest."
    )
    payment: PaymentIn
    currency: DisplayCurrency | None = Field(
        None,
        description="The buyer's presentment currency (the display currency they chose). When the marketplace charges "
        "in it (operator setting), the order is charged in it at the ECB reference rate of the day, frozen on the "
        "order, and offers priced in several currencies may be checked out together; otherwise each order is charged "
        "in its offers' currency and this is ignored.",
    )
    vat_number: Annotated[StrictStr, length(40)] | None = Field(
        None,
        description='A business buyer\'s VAT number, of the delivery country ("DE136695976"). It is checked (format; '
        "VIES when the marketplace has it on) and the check recorded; a valid one prices the order for a business "
        "(reverse charge of intra-EU supplies: no VAT charged, net prices). 422 invalid_vat_number or "
        "vat_number_country_mismatch otherwise.",
    )


class SellerOrderSummaryOut(Schema):
    number: str
    seller_id: int
    status: str
    total: MoneyOut = Field(description="In the seller order's currency (the seller's settlement currency).")
    charged: MoneyOut | None = Field(
        None, description="What the buyer paid for it in the order's currency; absent when it is in that currency."
    )
    rate: str | None = Field(
        None,
        description="The rate frozen on the seller order: units of the order's currency per unit of the seller "
        "order's, as a decimal string; absent when it is in the order's currency.",
    )
    ship_by: str
    deliver_by: str
    tax_lines: list[TaxLineOut] = Field(
        default_factory=list,
        description="The tax lines frozen on the seller order at checkout, as the order responses give them: one per "
        "line (kind item), one for the shipping and one for the customs duty collected at checkout (kind duty, with "
        "the VAT on it); each with its regime, collector, reason, country, rate, net, VAT and gross in the seller "
        "order's currency. Empty for an order priced without VAT (and in answers replayed from before they existed).",
    )


class CheckoutOut(Schema):
    number: str
    status: str = Field(description="paid (201) or payment_review (202).")
    currency: str
    items: MoneyOut
    shipping: MoneyOut
    duty: MoneyOut | None = Field(
        None, description="Customs duties paid at checkout (delivered duty paid), part of the total; absent when none."
    )
    total: MoneyOut
    exchange_rate: RateOriginOut | None = Field(
        None, description="Where the rates frozen on the order come from; absent when nothing was converted."
    )
    seller_orders: list[SellerOrderSummaryOut]


class DeclinedOut(ProblemOut):
    order: CheckoutOut


@router.post(
    "/checkout",
    response={201: CheckoutOut, 202: CheckoutOut, 402: DeclinedOut, **problems(401, 403, 404, 409, 422)},
    summary="Check out",
)
def checkout(
    request: HttpRequest,
    payload: CheckoutIn,
    idempotency_key: str = Header(
        ...,
        alias="Idempotency-Key",
        max_length=200,
        description=(
            "Required. A retry with the same key and body returns the first response (Idempotent-Replayed: true)."
        ),
    ),
):
    """Take stock, charge the payment method and split the order per seller.

    201: paid. 202: payment held for review. 402: declined (problem document with the cancelled `order`;
    no stock is kept). 409: not enough stock (nothing written). 422: invalid input."""
    data = payload.model_dump(exclude_none=True)
    outcome = order_checkout(
        buyer=buyer_principal(request).user,
        shipping_address=data["shipping_address"],
        payment_method=data["payment"],
        lines=data.get("lines"),
        shipping_choices=data.get("shipping"),
        idempotency_key=idempotency_key,
        key_required=True,
        currency=data.get("currency"),
        vat_number=data.get("vat_number"),
    )
    status = CHECKOUT_STATUS[OrderStatus(outcome.order_status)]
    body: dict = outcome.summary
    if outcome.is_declined:  # a problem document shaped like every other problem, with the cancelled order
        body = {
            "type": f"https://comptoir.dev/problems/{PAYMENT_DECLINED}",
            "title": "Payment declined",
            "status": status,
            "code": PAYMENT_DECLINED,
            "detail": outcome.decline_message,
            "order": body,
            "instance": request.path,
            "errors": {},
        }
    return json_response(body, status=status, headers={REPLAYED_HEADER: "true"} if outcome.replayed else None)

"""A buyer's orders and the buyer's actions on a seller order (cancel, confirm delivery, return, dispute).
A buyer only ever sees their own orders: another buyer's number is 404."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from pydantic import Field, StrictStr

from comptoir.api.idempotency import run_idempotent
from comptoir.api.routers.fx import RateOriginOut
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    DisputeReasonChoice,
    InputSchema,
    MoneyOut,
    ReturnReasonChoice,
    iso,
    length,
    money,
    page_of,
    paginate,
    problems,
)
from comptoir.api.security import buyer_auth, buyer_principal
from comptoir.checkout.services import seller_order_cancel
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.orders import errors as order_errors
from comptoir.orders.domain.state_machine import Actor, allowed_actions
from comptoir.orders.models import DisputeReason, ReturnReason
from comptoir.orders.selectors import (
    order_get_for_buyer,
    order_list_for_buyer,
    seller_order_get_for_buyer,
    seller_order_return_request,
)
from comptoir.orders.services import dispute_open, seller_order_mark_delivered, seller_order_request_return

router = Router(tags=["buyer orders"], auth=buyer_auth)

NUMBER = PathParam(..., max_length=40, description="An order or seller-order number, e.g. CO-7KQ2M9D4XA-1.")


class OrderLineOut(Schema):
    offer_id: int
    product_id: int
    title: str
    sku: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut


class TaxLineOut(Schema):
    kind: str = Field(description="item (one per order line), shipping (the parcel's) or duty (customs duty, DDP).")
    offer_id: int | None = Field(description="The order line's offer for an item line; null for shipping and duty.")
    regime: str = Field(description="The VAT regime decided at checkout (docs/TAXES.md), e.g. eu_import_ioss.")
    collector: str = Field(description="Who collects it: seller, marketplace, buyer (reverse charge) or customs.")
    reason: str = Field(
        description="A stable reason code; for a duty line the rule applied, e.g. duty_flat_per_item_eu."
    )
    tax_country: str = Field(description="Whose VAT (or customs) it is: ISO 3166 alpha-2.")
    rate: str = Field(
        description="The VAT rate in percent as a decimal string, e.g. 22 or 5.5; for a duty line the rate of the VAT "
        "on the duty (0 on orders placed before it was charged)."
    )
    net: MoneyOut = Field(description="Net of VAT; for a duty line, the duty.")
    vat: MoneyOut = Field(description="The VAT of the line; for a duty line, the VAT on the duty.")
    gross: MoneyOut = Field(description="What the buyer paid for the line: net + VAT.")


class ReturnLineOut(Schema):
    offer_id: int
    title: str
    quantity: int


class ReturnRequestOut(Schema):
    reason: str
    comment: str
    requested_at: str
    lines: list[ReturnLineOut]
    accepted_at: str | None = Field(description="When the seller accepted the return; null while it waits.")
    return_address: dict | None = Field(description="Where to send the items; given once the seller accepts.")
    return_instructions: str = Field(description="The seller's instructions; given once the seller accepts.")


class BuyerSellerOrderOut(Schema):
    number: str
    order_number: str
    seller_id: int
    seller_name: str
    status: str
    items: MoneyOut
    shipping: MoneyOut
    duty: MoneyOut = Field(description="Customs duty paid at checkout (delivered duty paid), part of the total.")
    total: MoneyOut
    refunded: MoneyOut
    tax_lines: list[TaxLineOut] = Field(
        default_factory=list,
        description="The VAT of each line and of the shipping, and the customs duty, frozen at checkout; empty for an "
        "order priced without VAT.",
    )
    charged: MoneyOut | None = Field(
        None,
        description="What the buyer paid for this seller order in the order's currency when the seller is settled in "
        "another (items, shipping, total and refunded are then in the seller's currency); null otherwise.",
    )
    exchange_rate: str | None = Field(
        None,
        description="The rate frozen on this seller order at checkout: units of the order's currency per unit of the "
        "seller order's, as a decimal string; null when nothing was converted.",
    )
    shipping_service_level: str
    ship_by: str
    deliver_by_earliest: str
    deliver_by: str
    carrier: str
    tracking_number: str
    tracking_url: str | None = Field(
        description="The carrier's public tracking page for this parcel; null before shipping or for a carrier not in "
        "the list."
    )
    shipped_at: str | None
    delivered_at: str | None
    cancelled_at: str | None
    cancel_reason: str
    return_reason: str
    lines: list[OrderLineOut]
    return_request: ReturnRequestOut | None = None
    allowed_actions: list[str] = Field(description="Actions the buyer may take now (cancel, deliver, request_return).")


class OrderOut(Schema):
    number: str
    status: str
    currency: str
    items: MoneyOut
    shipping: MoneyOut
    duty: MoneyOut = Field(description="Customs duties paid at checkout (delivered duty paid), part of the total.")
    total: MoneyOut
    placed_at: str
    paid_at: str | None
    shipping_address: dict
    exchange_rate: RateOriginOut | None = Field(
        None, description="Where the rates frozen on the order come from (publisher, day); null when none was used."
    )
    seller_orders: list[BuyerSellerOrderOut]


class BuyerCancelIn(InputSchema):
    reason: Annotated[StrictStr, length(2000, 1)]


class ReturnLineIn(InputSchema):
    offer_id: Annotated[int, Field(ge=1)]
    quantity: Annotated[int, Field(ge=0, le=999)]


class ReturnIn(InputSchema):
    return_reason: ReturnReasonChoice = Field(description=f"One of {', '.join(ReturnReason.values)}.")
    comment: Annotated[StrictStr, length(2000)] = ""
    lines: list[ReturnLineIn] | None = Field(
        None, max_length=200, description="The units to send back per line (by offer id); every unit when omitted."
    )


class DisputeIn(InputSchema):
    reason: DisputeReasonChoice = Field(description=f"One of {', '.join(DisputeReason.values)}.")
    description: Annotated[StrictStr, length(5000, 1)]


class DisputeOut(Schema):
    id: int
    seller_order_number: str
    reason: str
    description: str
    status: str
    opened_at: str


def lines_out(seller_order) -> list[dict]:
    result = []
    for line in seller_order.lines.all():
        result.append(
            {
                "offer_id": line.offer_id,
                "product_id": line.product_id,
                "title": line.title,
                "sku": line.sku,
                "quantity": line.quantity,
                "unit_price": money(line.unit_price_amount, seller_order.currency),
                "line_total": money(line.line_amount, seller_order.currency),
            }
        )
    return result


def tax_lines_out(seller_order) -> list[dict]:
    """The seller order's tax lines (prefetched by the order selectors), in the seller order's currency."""
    offers = {line.pk: line.offer_id for line in seller_order.lines.all()}
    return [
        {
            "kind": line.kind,
            "offer_id": offers.get(line.order_line_id) if line.order_line_id else None,
            "regime": line.regime,
            "collector": line.collector,
            "reason": line.reason,
            "tax_country": line.tax_country,
            "rate": format((Decimal(line.rate_bp) / 100).normalize(), "f"),
            "net": money(line.net_amount, line.currency),
            "vat": money(line.vat_amount, line.currency),
            "gross": money(line.gross_amount, line.currency),
        }
        for line in seller_order.tax_lines.all()
    ]


def return_request_out(seller_order, *, for_seller: bool = False) -> dict | None:
    """The seller order's return request; its return address and instructions only once accepted (a seller always
    sees what it asked for)."""
    request = seller_order_return_request(seller_order)
    if request is None:
        return None
    shown = request.is_accepted or for_seller
    return {
        "reason": request.reason,
        "comment": request.comment,
        "requested_at": iso(request.requested_at),
        "lines": [
            {"offer_id": row.order_line.offer_id, "title": row.order_line.title, "quantity": row.quantity}
            for row in request.lines.all()
        ],
        "accepted_at": iso(request.accepted_at),
        "return_address": request.return_address if shown and request.is_accepted else None,
        "return_instructions": request.return_instructions if shown else "",
    }


def _charge_out(seller_order, order_currency: str | None) -> dict:
    if seller_order.charge_total_amount is None or order_currency is None:
        return {"charged": None, "exchange_rate": None}
    return {
        "charged": money(seller_order.charge_total_amount, order_currency),
        "exchange_rate": format(seller_order.fx_rate.normalize(), "f"),
    }


def buyer_seller_order_out(seller_order, order_number: str, order_currency: str | None = None) -> dict:
    return {
        "number": seller_order.number,
        "order_number": order_number,
        "seller_id": seller_order.seller_id,
        "seller_name": seller_order.seller.name,
        "status": seller_order.status,
        "items": money(seller_order.items_amount, seller_order.currency),
        "shipping": money(seller_order.shipping_amount, seller_order.currency),
        "duty": money(seller_order.duty_amount, seller_order.currency),
        "total": money(seller_order.total_amount, seller_order.currency),
        "refunded": money(seller_order.refunded_amount, seller_order.currency),
        "tax_lines": tax_lines_out(seller_order),
        **_charge_out(seller_order, order_currency),
        "shipping_service_level": seller_order.shipping_service_level,
        "ship_by": iso(seller_order.ship_by),
        "deliver_by_earliest": iso(seller_order.deliver_by_earliest),
        "deliver_by": iso(seller_order.deliver_by),
        "carrier": seller_order.carrier,
        "tracking_number": seller_order.tracking_number,
        "tracking_url": seller_order.tracking_url,
        "shipped_at": iso(seller_order.shipped_at),
        "delivered_at": iso(seller_order.delivered_at),
        "cancelled_at": iso(seller_order.cancelled_at),
        "cancel_reason": seller_order.cancel_reason,
        "return_reason": seller_order.return_reason,
        "lines": lines_out(seller_order),
        "return_request": return_request_out(seller_order),
        "allowed_actions": sorted(allowed_actions(seller_order.status, Actor.BUYER)),
    }


def order_out(order) -> dict:
    return {
        "number": order.number,
        "status": order.status,
        "currency": order.currency,
        "items": money(order.items_amount, order.currency),
        "shipping": money(order.shipping_amount, order.currency),
        "duty": money(order.duty_amount, order.currency),
        "total": money(order.total_amount, order.currency),
        "placed_at": iso(order.placed_at),
        "paid_at": iso(order.paid_at),
        "shipping_address": order.shipping_address,
        "exchange_rate": {"source": order.fx_source, "day": order.fx_day} if order.fx_source else None,
        "seller_orders": [
            buyer_seller_order_out(seller_order, order.number, order.currency)
            for seller_order in order.seller_orders.all()
        ],
    }


def _seller_order_for(request: HttpRequest, number: str):
    seller_order = seller_order_get_for_buyer(buyer=buyer_principal(request).user, number=number)
    if seller_order is None:
        raise NotFound("No such order.", code=order_errors.SELLER_ORDER_NOT_FOUND)
    return seller_order


def _reloaded(request: HttpRequest, number: str) -> dict:
    seller_order = _seller_order_for(request, number)
    return buyer_seller_order_out(seller_order, seller_order.order.number, seller_order.order.currency)


@router.get("/orders", response={200: page_of(OrderOut), **problems(401, 403, 422)}, summary="My orders")
def orders(
    request: HttpRequest,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    return paginate(
        order_list_for_buyer(buyer_principal(request).user),
        page=page,
        page_size=page_size,
        present=lambda rows: [order_out(order) for order in rows],
    )


@router.get("/orders/{number}", response={200: OrderOut, **problems(401, 403, 404)}, summary="One of my orders")
def order_detail(request: HttpRequest, number: str = NUMBER):
    order = order_get_for_buyer(buyer=buyer_principal(request).user, number=number)
    if order is None:
        raise NotFound("No such order.", code=order_errors.ORDER_NOT_FOUND)
    return order_out(order)


@router.post(
    "/seller-orders/{number}/cancel",
    response={200: BuyerSellerOrderOut, **problems(401, 403, 404, 409, 422)},
    summary="Cancel (before the seller accepts)",
)
def seller_order_cancel_by_buyer(request: HttpRequest, payload: BuyerCancelIn, number: str = NUMBER):
    """A buyer may cancel a seller order until the seller accepts it; the payment is refunded in full."""
    seller_order = _seller_order_for(request, number)

    def action():
        seller_order_cancel(
            seller_order_id=seller_order.pk,
            actor=buyer_principal(request).user,
            actor_role=Actor.BUYER,
            reason=payload.reason,
            buyer=buyer_principal(request).user,
        )
        return 200, _reloaded(request, number)

    return run_idempotent(
        request,
        actor_key=buyer_principal(request).actor_key,
        scope="seller_order.buyer_cancel",
        payload=payload.model_dump(),
        action=action,
    )


@router.post(
    "/seller-orders/{number}/confirm-delivery",
    response={200: BuyerSellerOrderOut, **problems(401, 403, 404, 409)},
    summary="Confirm delivery",
)
def seller_order_confirm_delivery(request: HttpRequest, number: str = NUMBER):
    seller_order = _seller_order_for(request, number)

    def action():
        seller_order_mark_delivered(
            seller_order_id=seller_order.pk,
            actor=buyer_principal(request).user,
            actor_role=Actor.BUYER,
            buyer=buyer_principal(request).user,
        )
        return 200, _reloaded(request, number)

    return run_idempotent(
        request,
        actor_key=buyer_principal(request).actor_key,
        scope="seller_order.confirm_delivery",
        payload={},
        action=action,
    )


@router.post(
    "/seller-orders/{number}/return",
    response={200: BuyerSellerOrderOut, **problems(401, 403, 404, 409, 422)},
    summary="Request a return",
)
def seller_order_return(request: HttpRequest, payload: ReturnIn, number: str = NUMBER):
    """Within the return window after delivery."""
    seller_order = _seller_order_for(request, number)
    lines = None
    if payload.lines is not None:
        line_ids = {line.offer_id: line.pk for line in seller_order.lines.all()}
        unknown = {
            f"lines[{index}].offer_id": "Not an offer of this order."
            for index, line in enumerate(payload.lines)
            if line.offer_id not in line_ids
        }
        if unknown:
            raise ValidationError("Choose the items to return.", code=order_errors.INVALID_RETURN_LINES, fields=unknown)
        lines = {line_ids[line.offer_id]: line.quantity for line in payload.lines}

    def action():
        seller_order_request_return(
            buyer=buyer_principal(request).user,
            seller_order_id=seller_order.pk,
            return_reason=payload.return_reason,
            comment=payload.comment,
            lines=lines,
        )
        return 200, _reloaded(request, number)

    return run_idempotent(
        request,
        actor_key=buyer_principal(request).actor_key,
        scope="seller_order.request_return",
        payload=payload.model_dump(),
        action=action,
    )


@router.post(
    "/seller-orders/{number}/dispute",
    response={201: DisputeOut, **problems(401, 403, 404, 409, 422)},
    summary="Open a dispute",
)
def seller_order_dispute(request: HttpRequest, payload: DisputeIn, number: str = NUMBER):
    """Ask the marketplace to decide; while the dispute is open the seller is not paid."""
    seller_order = _seller_order_for(request, number)

    def action():
        dispute = dispute_open(
            buyer=buyer_principal(request).user,
            seller_order_id=seller_order.pk,
            reason=payload.reason,
            description=payload.description,
        )
        return 201, {
            "id": dispute.pk,
            "seller_order_number": seller_order.number,
            "reason": dispute.reason,
            "description": dispute.description,
            "status": dispute.status,
            "opened_at": iso(dispute.opened_at),
        }

    return run_idempotent(
        request,
        actor_key=buyer_principal(request).actor_key,
        scope="seller_order.dispute",
        payload=payload.model_dump(),
        action=action,
    )

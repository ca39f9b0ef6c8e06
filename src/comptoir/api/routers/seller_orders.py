"""A seller's orders and its actions on them. Another seller's order number is 404, never 403."""

from __future__ import annotations

from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Query, Router, Schema
from ninja.responses import Status as ResponseStatus
from pydantic import Field, StrictStr

from comptoir.api import errors as api_errors
from comptoir.api.idempotency import run_idempotent
from comptoir.api.routers.orders import (
    OrderLineOut,
    ReturnRequestOut,
    TaxLineOut,
    lines_out,
    return_request_out,
    tax_lines_out,
)
from comptoir.api.schemas import (
    DEFAULT_PAGE_SIZE,
    MAX_PAGE,
    MAX_PAGE_SIZE,
    InputSchema,
    MoneyOut,
    SellerOrderStatusChoice,
    StrictBool,
    iso,
    length,
    money,
    page_of,
    paginate,
    problems,
)
from comptoir.api.security import seller_auth, seller_principal
from comptoir.checkout.services import (
    credit_request_parse,
    seller_order_cancel,
    seller_order_credit,
    seller_order_refund,
)
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.idempotency import validate_key
from comptoir.orders import errors as order_errors
from comptoir.orders.domain.state_machine import Actor, Status, allowed_actions
from comptoir.orders.selectors import (
    seller_order_get_for_seller,
    seller_order_list_for_seller,
    seller_order_net_amount,
)
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_receive_return,
    seller_order_return_accept,
    seller_order_ship,
)

router = Router(tags=["seller: orders"])

READ = seller_auth("orders:read")
WRITE = seller_auth("orders:write")
NUMBER = PathParam(..., max_length=40, description="A seller-order number, e.g. CO-7KQ2M9D4XA-1.")


class SellerOrderOut(Schema):
    number: str
    order_number: str
    status: str
    placed_at: str
    currency: str
    items: MoneyOut
    shipping: MoneyOut
    duty: MoneyOut = Field(
        description="Customs duty the buyer paid at checkout (DDP), with the VAT on it (the duty tax line gives both): "
        "owed by the marketplace to customs."
    )
    total: MoneyOut
    commission: MoneyOut = Field(description="Marketplace commission, frozen at checkout.")
    net: MoneyOut = Field(
        description="What reaches the seller's payable balance on release: total minus commission, minus the VAT and "
        "the customs duty the marketplace collects and remits (deemed supplier, IOSS, DDP), before refunds and "
        "chargebacks."
    )
    marketplace_vat: MoneyOut = Field(
        description="VAT the marketplace collects as deemed supplier and remits (included in total, not in net); "
        "includes the VAT on the duty."
    )
    refunded: MoneyOut
    shipping_address: dict
    shipping_service_level: str
    shipping_zone: str
    ship_by: str
    deliver_by_earliest: str
    deliver_by: str
    carrier: str
    tracking_number: str
    tracking_url: str | None = Field(
        description="The carrier's public tracking page for this parcel; null before shipping or for a carrier not in "
        "the list."
    )
    accepted_at: str | None
    shipped_at: str | None
    delivered_at: str | None
    cancelled_at: str | None
    cancelled_by: str
    cancel_reason: str
    return_reason: str
    lines: list[OrderLineOut]
    tax_lines: list[TaxLineOut] = Field(
        default_factory=list,
        description="The VAT of each line and of the shipping, and the customs duty, frozen at checkout; empty for an "
        "order priced without VAT.",
    )
    return_request: ReturnRequestOut | None = None
    allowed_actions: list[str] = Field(description="Actions the seller may take now.")


class ShipIn(InputSchema):
    carrier: Annotated[StrictStr, length(60, 1)]
    tracking_number: Annotated[StrictStr, Field(min_length=5, max_length=60, pattern=r"^[A-Za-z0-9 ]{5,60}$")] = Field(
        description="5 to 40 letters or digits (spaces are ignored)."
    )


class SellerCancelIn(InputSchema):
    reason: Annotated[StrictStr, length(2000, 1)]


class ReceiveReturnIn(InputSchema):
    restock: StrictBool = Field(True, description="Put the returned units back in stock.")


def seller_order_out(seller_order) -> dict:
    currency = seller_order.currency
    return {
        "number": seller_order.number,
        "order_number": seller_order.order.number,
        "status": seller_order.status,
        "placed_at": iso(seller_order.placed_at),
        "currency": currency,
        "items": money(seller_order.items_amount, currency),
        "shipping": money(seller_order.shipping_amount, currency),
        "duty": money(seller_order.duty_amount, currency),
        "total": money(seller_order.total_amount, currency),
        "commission": money(seller_order.commission_amount, currency),
        "net": money(seller_order_net_amount(seller_order), currency),
        "marketplace_vat": money(seller_order.marketplace_vat_amount, currency),
        "refunded": money(seller_order.refunded_amount, currency),
        "shipping_address": seller_order.order.shipping_address,
        "shipping_service_level": seller_order.shipping_service_level,
        "shipping_zone": seller_order.shipping_zone,
        "ship_by": iso(seller_order.ship_by),
        "deliver_by_earliest": iso(seller_order.deliver_by_earliest),
        "deliver_by": iso(seller_order.deliver_by),
        "carrier": seller_order.carrier,
        "tracking_number": seller_order.tracking_number,
        "tracking_url": seller_order.tracking_url,
        "accepted_at": iso(seller_order.accepted_at),
        "shipped_at": iso(seller_order.shipped_at),
        "delivered_at": iso(seller_order.delivered_at),
        "cancelled_at": iso(seller_order.cancelled_at),
        "cancelled_by": seller_order.cancelled_by,
        "cancel_reason": seller_order.cancel_reason,
        "return_reason": seller_order.return_reason,
        "lines": lines_out(seller_order),
        "tax_lines": tax_lines_out(seller_order),
        "return_request": return_request_out(seller_order, for_seller=True),
        "allowed_actions": sorted(allowed_actions(seller_order.status, Actor.SELLER)),
    }


def _seller_order(request: HttpRequest, number: str, *, details: bool = True):
    seller_order = seller_order_get_for_seller(seller=seller_principal(request).seller, number=number, details=details)
    if seller_order is None:
        raise NotFound("No such order.", code=order_errors.SELLER_ORDER_NOT_FOUND)
    return seller_order


def _act(request: HttpRequest, number: str, *, scope: str, payload: dict, apply) -> object:
    """Load the seller's order, run `apply(seller_order)` (a service call) once per Idempotency-Key, answer with the new
    state."""
    principal = seller_principal(request)
    seller_order = _seller_order(request, number, details=False)  # the action needs its id; the answer reloads it

    def action():
        apply(principal, seller_order)
        return 200, seller_order_out(_seller_order(request, number))

    return run_idempotent(request, actor_key=principal.actor_key, scope=scope, payload=payload, action=action)


STATUS_QUERY = Query(None, description=f"One of {', '.join(s.value for s in Status)}.")


@router.get(
    "/seller/orders",
    response={200: page_of(SellerOrderOut), **problems(401, 403, 422)},
    auth=READ,
    summary="List my orders",
)
def seller_orders(
    request: HttpRequest,
    status: SellerOrderStatusChoice | None = STATUS_QUERY,
    page: int = Query(1, ge=1, le=MAX_PAGE),
    page_size: int = Query(DEFAULT_PAGE_SIZE, ge=1, le=MAX_PAGE_SIZE),
):
    """Newest first."""
    if status is not None and status not in {s.value for s in Status}:
        raise ValidationError(
            "Unknown status.",
            code=api_errors.INVALID_STATUS,
            fields={"status": f"One of {', '.join(s.value for s in Status)}."},
        )
    found = seller_order_list_for_seller(seller=seller_principal(request).seller, status=status)
    return paginate(found, page=page, page_size=page_size, present=lambda rows: [seller_order_out(row) for row in rows])


@router.get(
    "/seller/orders/{number}",
    response={200: SellerOrderOut, **problems(401, 403, 404)},
    auth=READ,
    summary="One of my orders",
)
def seller_order_detail(request: HttpRequest, number: str = NUMBER):
    return seller_order_out(_seller_order(request, number))


@router.post(
    "/seller/orders/{number}/accept",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409)},
    auth=WRITE,
    summary="Accept an order",
)
def seller_order_accept_view(request: HttpRequest, number: str = NUMBER):
    return _act(
        request,
        number,
        scope="seller_order.accept",
        payload={},
        apply=lambda principal, so: seller_order_accept(
            seller=principal.seller, seller_order_id=so.pk, actor=principal.actor
        ),
    )


@router.post(
    "/seller/orders/{number}/ship",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Ship an order",
)
def seller_order_ship_view(request: HttpRequest, payload: ShipIn, number: str = NUMBER):
    """Record the hand-over to the carrier with a tracking number."""
    return _act(
        request,
        number,
        scope="seller_order.ship",
        payload=payload.model_dump(),
        apply=lambda principal, so: seller_order_ship(
            seller=principal.seller,
            seller_order_id=so.pk,
            actor=principal.actor,
            carrier=payload.carrier,
            tracking_number=payload.tracking_number,
        ),
    )


@router.post(
    "/seller/orders/{number}/cancel",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Cancel an order",
)
def seller_order_cancel_view(request: HttpRequest, payload: SellerCancelIn, number: str = NUMBER):
    """Until shipping. Stock is put back and the buyer refunded in full; cancellations count against the seller's
    metrics."""
    return _act(
        request,
        number,
        scope="seller_order.cancel",
        payload=payload.model_dump(),
        apply=lambda principal, so: seller_order_cancel(
            seller_order_id=so.pk,
            actor=principal.actor,
            actor_role=Actor.SELLER,
            reason=payload.reason,
            seller=principal.seller,
        ),
    )


@router.post(
    "/seller/orders/{number}/deliver",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409)},
    auth=WRITE,
    summary="Mark delivered",
)
def seller_order_deliver_view(request: HttpRequest, number: str = NUMBER):
    return _act(
        request,
        number,
        scope="seller_order.deliver",
        payload={},
        apply=lambda principal, so: seller_order_mark_delivered(
            seller_order_id=so.pk, actor=principal.actor, actor_role=Actor.SELLER, seller=principal.seller
        ),
    )


@router.post(
    "/seller/orders/{number}/receive-return",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Receive a returned parcel",
)
def seller_order_receive_return_view(
    request: HttpRequest, payload: ReceiveReturnIn | None = None, number: str = NUMBER
):
    restock = payload.restock if payload is not None else True
    return _act(
        request,
        number,
        scope="seller_order.receive_return",
        payload={"restock": restock},
        apply=lambda principal, so: seller_order_receive_return(
            seller=principal.seller, seller_order_id=so.pk, actor=principal.actor, restock=restock
        ),
    )


@router.post(
    "/seller/orders/{number}/accept-return",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409)},
    auth=WRITE,
    summary="Accept a requested return",
)
def seller_order_accept_return_view(request: HttpRequest, number: str = NUMBER):
    """The buyer is then given the seller's return address and instructions (409 `return_address_missing` until the
    seller has set them)."""
    return _act(
        request,
        number,
        scope="seller_order.accept_return",
        payload={},
        apply=lambda principal, so: seller_order_return_accept(
            seller=principal.seller, seller_order_id=so.pk, actor=principal.actor
        ),
    )


@router.post(
    "/seller/orders/{number}/refund",
    response={200: SellerOrderOut, **problems(401, 403, 404, 409)},
    auth=WRITE,
    summary="Refund a returned order",
)
def seller_order_refund_view(request: HttpRequest, number: str = NUMBER):
    return _act(
        request,
        number,
        scope="seller_order.refund",
        payload={},
        apply=lambda principal, so: seller_order_refund(
            seller=principal.seller, seller_order_id=so.pk, actor=principal.actor
        ),
    )


class CreditLineIn(InputSchema):
    line: int | str = Field(description='An order line id (`lines[].id`), or "shipping".')
    quantity: int = Field(1, ge=1, description="Units given back (1 for the shipping).")


class CreditNoteIn(InputSchema):
    lines: list[CreditLineIn] | None = Field(
        None, max_length=200, description="What to refund; omitted or null: everything not yet refunded."
    )
    reason: Annotated[StrictStr, length(300)] = ""


class CreditNoteLineOut(Schema):
    order_line_id: int | None
    kind: str = Field(
        description="item, shipping, or duty: the customs duty (with its VAT) the goods credited bore, never "
        'requested on its own (docs/TAXES.md, "The duty follows the goods").'
    )
    quantity: int
    tax_country: str
    rate_bp: int
    net: MoneyOut
    vat: MoneyOut
    gross: MoneyOut


class CreditNoteOut(Schema):
    number: str
    seller_order: str
    created_at: str
    reason: str
    gross: MoneyOut
    vat: MoneyOut
    marketplace_vat: MoneyOut = Field(description="VAT taken back from the marketplace's liability (deemed supplier).")
    lines: list[CreditNoteLineOut]


def credit_note_out(note, seller_order_number: str) -> dict:
    currency = note.currency
    return {
        "number": note.number,
        "seller_order": seller_order_number,
        "created_at": iso(note.created_at),
        "reason": note.reason,
        "gross": money(note.gross_amount, currency),
        "vat": money(note.vat_amount, currency),
        "marketplace_vat": money(note.marketplace_vat_amount, currency),
        "lines": [
            {
                "order_line_id": line.order_line_id,
                "kind": line.kind,
                "quantity": line.quantity,
                "tax_country": line.tax_country,
                "rate_bp": line.rate_bp,
                "net": money(line.net_amount, currency),
                "vat": money(line.vat_amount, currency),
                "gross": money(line.gross_amount, currency),
            }
            for line in note.lines.order_by("pk")
        ],
    }


@router.post(
    "/seller/orders/{number}/credit-notes",
    response={200: CreditNoteOut, 201: CreditNoteOut, **problems(401, 403, 404, 409, 422)},
    auth=WRITE,
    summary="Refund after the release (credit note)",
)
def seller_order_credit_view(request: HttpRequest, payload: CreditNoteIn, number: str = NUMBER):
    """Refund part or all of a completed order whose funds were released: by line and units, and/or the shipping.
    The buyer gets the money back; it is taken from your payable balance (minus the commission no longer earned and
    any VAT the marketplace collected). Requires an `Idempotency-Key` header: the same key returns the first credit
    note (200). 409 `not_released` before the release (cancel, accept the return or refund the return instead)."""
    principal = seller_principal(request)
    key = validate_key(request.headers.get("Idempotency-Key"), required=True)
    seller_order = _seller_order(request, number)
    quantities = None if payload.lines is None else credit_request_parse([line.model_dump() for line in payload.lines])
    outcome = seller_order_credit(
        seller_order_id=seller_order.pk,
        key=key or "",
        quantities=quantities,
        reason=payload.reason,
        actor=principal.actor,
        seller=principal.seller,
    )
    return ResponseStatus(201 if outcome.created else 200, credit_note_out(outcome.credit_note, seller_order.number))

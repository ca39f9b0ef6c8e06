"""The buyer's cart (buyer token or session)."""

from __future__ import annotations

from collections import defaultdict
from typing import Annotated

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router, Schema
from pydantic import Field

from comptoir.api import errors as api_errors
from comptoir.api.idempotency import run_idempotent
from comptoir.api.schemas import MAX_ID, InputSchema, JsonInt, MoneyOut, between, money, problems
from comptoir.api.security import buyer_auth, buyer_principal
from comptoir.core.exceptions import NotFound
from comptoir.orders.selectors import cart_has_offer, cart_line_rows
from comptoir.orders.services import cart_line_remove, cart_line_set
from comptoir.sellers.models import SellerStatus

router = Router(tags=["cart"], auth=buyer_auth)


class CartLineOut(Schema):
    offer_id: int
    product_id: int
    title: str
    seller_id: int
    seller_name: str
    quantity: int
    unit_price: MoneyOut
    line_total: MoneyOut
    is_available: bool = Field(description="The offer is still on sale with enough stock for this quantity.")


class CartOut(Schema):
    lines: list[CartLineOut]
    subtotals: list[MoneyOut] = Field(
        description="Sum of the lines, one per currency (shipping is priced at checkout)."
    )


class CartLineIn(InputSchema):
    quantity: Annotated[JsonInt, between(1, MAX_ID)] = Field(
        description="Units wanted, a whole number from 1 to the marketplace maximum (999 by default)."
    )


def cart_out(buyer) -> dict:
    subtotals: dict[str, int] = defaultdict(int)
    result = []
    for line in cart_line_rows(buyer):
        subtotals[line.currency] += line.price_amount * line.quantity
        result.append(
            {
                "offer_id": line.offer_id,
                "product_id": line.product_id,
                "title": line.title,
                "seller_id": line.seller_id,
                "seller_name": line.seller_name,
                "quantity": line.quantity,
                "unit_price": money(line.price_amount, line.currency),
                "line_total": money(line.price_amount * line.quantity, line.currency),
                "is_available": line.is_active
                and line.seller_status == SellerStatus.VERIFIED
                and line.stock >= line.quantity,
            }
        )
    return {"lines": result, "subtotals": [money(amount, currency) for currency, amount in sorted(subtotals.items())]}


@router.get("/cart", response={200: CartOut, **problems(401, 403)}, summary="The cart")
def cart(request: HttpRequest):
    return cart_out(buyer_principal(request).user)


@router.put(
    "/cart/lines/{offer_id}",
    response={200: CartOut, **problems(401, 403, 404, 409, 422)},
    summary="Set a line's quantity",
)
def cart_line_put(request: HttpRequest, payload: CartLineIn, offer_id: int = PathParam(..., ge=1, le=MAX_ID)):
    """Put `quantity` units of an offer in the cart, replacing any earlier quantity."""
    buyer = buyer_principal(request).user

    def action():
        cart_line_set(buyer=buyer, offer_id=offer_id, quantity=payload.quantity)
        return 200, cart_out(buyer)

    return run_idempotent(
        request,
        actor_key=buyer_principal(request).actor_key,
        scope="cart.line_set",
        payload=payload.model_dump(),
        action=action,
    )


@router.delete("/cart/lines/{offer_id}", response={200: CartOut, **problems(401, 403, 404)}, summary="Remove a line")
def cart_line_delete(request: HttpRequest, offer_id: int = PathParam(..., ge=1, le=MAX_ID)):
    buyer = buyer_principal(request).user
    if not cart_has_offer(buyer=buyer, offer_id=offer_id):
        raise NotFound("This offer is not in the cart.", code=api_errors.CART_LINE_NOT_FOUND)
    cart_line_remove(buyer=buyer, offer_id=offer_id)
    return cart_out(buyer)

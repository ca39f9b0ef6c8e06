"""The buyer's cart: one line per offer, replaced (not added to) by `cart_line_set`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import transaction

from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.offers.models import Offer
from comptoir.orders import errors
from comptoir.orders.conf import orders_settings
from comptoir.orders.models import Cart, CartLine
from comptoir.sellers.models import SellerStatus

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def validate_quantity(quantity: Any, field: str = "quantity") -> int:
    """`quantity` when it is a whole number from 1 to the marketplace maximum, else ValidationError on `field`."""
    maximum = orders_settings().max_line_quantity
    if isinstance(quantity, bool) or not isinstance(quantity, int) or not (1 <= quantity <= maximum):
        raise ValidationError(
            "Invalid quantity.", code=errors.INVALID_QUANTITY, fields={field: f"A whole number from 1 to {maximum}."}
        )
    return quantity


def cart_get_or_create(*, buyer: User) -> Cart:
    cart, _ = Cart.objects.get_or_create(buyer=buyer)
    return cart


def cart_line_set(*, buyer: User, offer_id: int, quantity: int) -> CartLine:
    """Put `quantity` units of an offer in the buyer's cart (replacing any earlier quantity)."""
    validate_quantity(quantity)
    offer = (
        Offer.objects.filter(pk=offer_id, is_active=True, seller__status=SellerStatus.VERIFIED).first()
        if isinstance(offer_id, int)
        else None
    )
    if offer is None:
        raise NotFound(
            "This offer is not available.",
            code=errors.OFFER_UNAVAILABLE,
            fields={"offer_id": "Unknown or unavailable offer."},
        )
    with transaction.atomic():
        cart = cart_get_or_create(buyer=buyer)
        line, created = CartLine.objects.get_or_create(cart=cart, offer=offer, defaults={"quantity": quantity})
        if not created and line.quantity != quantity:
            line.quantity = quantity
            line.save(update_fields=["quantity"])
    return line


def cart_line_remove(*, buyer: User, offer_id: int) -> None:
    CartLine.objects.filter(cart__buyer=buyer, offer_id=offer_id).delete()


def cart_clear(*, buyer: User) -> None:
    CartLine.objects.filter(cart__buyer=buyer).delete()


def cart_lines_remove(*, buyer: User, offer_ids: list[int]) -> None:
    """Remove the lines of these offers from the buyer's cart (what a checkout bought)."""
    CartLine.objects.filter(cart__buyer=buyer, offer_id__in=offer_ids).delete()


def cart_line_inputs(*, buyer: User) -> list[dict[str, int]]:
    """The buyer's cart as checkout lines (`offer_id`, `quantity`), in offer order."""
    return [
        {"offer_id": offer_id, "quantity": quantity}
        for offer_id, quantity in CartLine.objects.filter(cart__buyer=buyer)
        .order_by("offer_id")
        .values_list("offer_id", "quantity")
    ]

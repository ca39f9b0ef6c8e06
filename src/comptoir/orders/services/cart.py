"""The buyer's cart: one line per offer, replaced (not added to) by `cart_line_set`."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from django.db import connection, transaction

from comptoir.core import clock
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


_CART_SQL: dict[str, tuple[str, str, str]] = {}


def _cart_statements() -> tuple[str, str, str]:
    """The cart line's three fixed statements, built once per vendor (the ORM's get_or_create pair cost the cart
    PUT more CPU to compile than its statements cost to run): the offer's availability, the cart's upsert (an
    existing cart is left as it is and its id returned), the line's upsert (an existing line gets the new quantity
    and keeps its `added_at`). PostgreSQL and SQLite ≥ 3.35 share the syntax."""
    statements = _CART_SQL.get(connection.vendor)
    if statements is None:
        quote = connection.ops.quote_name
        offer, seller = quote(Offer._meta.db_table), quote(Offer._meta.get_field("seller").related_model._meta.db_table)
        cart, line = quote(Cart._meta.db_table), quote(CartLine._meta.db_table)
        statements = _CART_SQL[connection.vendor] = (
            f"SELECT 1 FROM {offer} INNER JOIN {seller} ON ({offer}.{quote('seller_id')} = {seller}.{quote('id')}) "
            f"WHERE {offer}.{quote('id')} = %s AND {offer}.{quote('is_active')} = %s "
            f"AND {seller}.{quote('status')} = %s",
            f"INSERT INTO {cart} ({quote('buyer_id')}, {quote('updated_at')}) VALUES (%s, %s) "
            f"ON CONFLICT ({quote('buyer_id')}) DO UPDATE SET {quote('buyer_id')} = EXCLUDED.{quote('buyer_id')} "
            f"RETURNING {quote('id')}",
            f"INSERT INTO {line} ({quote('cart_id')}, {quote('offer_id')}, {quote('quantity')}, {quote('added_at')}) "
            f"VALUES (%s, %s, %s, %s) ON CONFLICT ({quote('cart_id')}, {quote('offer_id')}) "
            f"DO UPDATE SET {quote('quantity')} = EXCLUDED.{quote('quantity')} RETURNING {quote('id')}",
        )
    return statements


def cart_line_set(*, buyer: User, offer_id: int, quantity: int) -> int:
    """Put `quantity` units of an offer in the buyer's cart (replacing any earlier quantity; a new line is added
    now, an existing one keeps its place) and return the line's id. Raises ValidationError (quantity) and NotFound
    (an offer unknown, inactive or of a seller not verified). Creates the buyer's cart on first use; the cart and
    the line are written together, and a concurrent first use of the same cart or line is settled by their unique
    constraints (the upserts never fail on them)."""
    validate_quantity(quantity)
    available, cart_upsert, line_upsert = _cart_statements()
    now = clock.now()
    with connection.cursor() as cursor:
        found = None
        if isinstance(offer_id, int) and not isinstance(offer_id, bool):
            cursor.execute(available, [offer_id, True, SellerStatus.VERIFIED.value])
            found = cursor.fetchone()
        if found is None:
            raise NotFound(
                "This offer is not available.",
                code=errors.OFFER_UNAVAILABLE,
                fields={"offer_id": "Unknown or unavailable offer."},
            )
        adapt = connection.ops.adapt_datetimefield_value
        with transaction.atomic():
            cursor.execute(cart_upsert, [buyer.pk, adapt(now)])
            (cart_id,) = cursor.fetchone()
            cursor.execute(line_upsert, [cart_id, offer_id, quantity, adapt(now)])
            (line_id,) = cursor.fetchone()
    return line_id


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

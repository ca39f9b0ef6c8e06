"""Stock locking. Checkout takes stock with guarded conditional UPDATEs in primary-key order:
the UPDATE takes the row lock, and ordering every transaction the same way means two checkouts
sharing offers can queue behind each other but never deadlock."""

from __future__ import annotations

from django.db.models import F

from comptoir.offers.models import Offer


def offer_stock_take(*, quantities: dict[int, int]) -> list[int]:
    """Decrement stock for {offer_id: quantity} in id order inside the caller's transaction.

    Returns the ids that lacked stock (nothing is decremented for them; the caller must roll back).
    Each UPDATE succeeds only when `stock >= quantity`, which the database checks under the row lock,
    so there is no check-then-act window; the CHECK (stock >= 0) constraint backs it."""
    short: list[int] = []
    for offer_id in sorted(quantities):
        quantity = quantities[offer_id]
        updated = Offer.objects.filter(pk=offer_id, stock__gte=quantity, is_active=True).update(
            stock=F("stock") - quantity
        )
        if updated != 1:
            short.append(offer_id)
    return short


def offer_stock_return(*, quantities: dict[int, int]) -> None:
    for offer_id in sorted(quantities):
        Offer.objects.filter(pk=offer_id).update(stock=F("stock") + quantities[offer_id])

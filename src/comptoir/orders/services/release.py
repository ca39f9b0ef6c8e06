"""The orders side of money leaving escrow: what is due for release, and the seller order's own record of a
refund or a release. The ledger postings are `comptoir.checkout.services`'s."""

from __future__ import annotations

import datetime as dt

from django.db.models import F

from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import DisputeStatus, SellerOrder


def seller_order_ids_due_for_release(*, now: dt.datetime, limit: int) -> list[int]:
    """Delivered seller orders whose hold has elapsed and that have no open dispute, oldest due first."""
    return list(
        SellerOrder.objects.filter(status=Status.DELIVERED, release_due_at__lte=now)
        .exclude(disputes__status=DisputeStatus.OPEN)
        .order_by("release_due_at", "pk")
        .values_list("pk", flat=True)[:limit]
    )


def seller_order_refunded_add(*, seller_order: SellerOrder, amount: int) -> None:
    """Count `amount` minor units more as refunded on a locked seller order (row and instance)."""
    SellerOrder.objects.filter(pk=seller_order.pk).update(refunded_amount=F("refunded_amount") + amount)
    seller_order.refunded_amount += amount

"""The JSON body of each kind of event, read from the fact's rows when the delivery is created (it is then frozen:
every attempt and every replay sends the same bytes, as the receiver saw them first).

Envelope: {"id": "evt_…", "type": "order.shipped", "created_at": ISO 8601, "seller_id": 12, "data": {…}}. Amounts are
objects {"amount": "12.34", "amount_minor": 1234, "currency": "EUR"}, as in the REST API."""

from __future__ import annotations

import datetime as dt
import hashlib
from typing import Any

from comptoir.core.money import Money
from comptoir.offers.models import Offer
from comptoir.orders.models import SellerOrder
from comptoir.payments.models import Payout


def event_id(source_key: str) -> str:
    """The event's stable id: the same for every endpoint and every attempt, so receivers can drop duplicates."""
    return "evt_" + hashlib.sha256(source_key.encode()).hexdigest()[:32]


def envelope(*, source_key: str, event_type: str, seller_id: int, at: dt.datetime, data: dict) -> dict:
    return {
        "id": event_id(source_key),
        "type": event_type,
        "created_at": at.isoformat(),
        "seller_id": seller_id,
        "data": data,
    }


def _money(amount: int, currency: str) -> dict:
    return {"amount": str(Money(amount, currency).to_decimal()), "amount_minor": amount, "currency": currency}


def _iso(value: dt.datetime | dt.date | None) -> str | None:
    return value.isoformat() if value is not None else None


def seller_orders_data(seller_order_ids: list[int]) -> dict[int, dict[str, Any]]:
    """{seller order id: data} with the lines and the address to ship to (the seller needs it to fulfil)."""
    found = SellerOrder.objects.filter(pk__in=seller_order_ids).select_related("order").prefetch_related("lines")
    data: dict[int, dict[str, Any]] = {}
    for seller_order in found:
        currency = seller_order.currency
        data[seller_order.pk] = {
            "seller_order": {
                "number": seller_order.number,
                "order_number": seller_order.order.number,
                "status": seller_order.status,
                "items_total": _money(seller_order.items_amount, currency),
                "shipping_total": _money(seller_order.shipping_amount, currency),
                "total": _money(seller_order.total_amount, currency),
                "placed_at": _iso(seller_order.placed_at),
                "ship_by": _iso(seller_order.ship_by),
                "deliver_by": _iso(seller_order.deliver_by),
                "shipping_service_level": seller_order.shipping_service_level,
                "shipping_address": seller_order.order.shipping_address,
                "carrier": seller_order.carrier,
                "tracking_number": seller_order.tracking_number,
                "shipped_at": _iso(seller_order.shipped_at),
                "cancelled_at": _iso(seller_order.cancelled_at),
                "cancelled_by": seller_order.cancelled_by,
                "cancel_reason": seller_order.cancel_reason,
                "lines": [
                    {
                        "offer_id": line.offer_id,
                        "product_id": line.product_id,
                        "sku": line.sku,
                        "title": line.title,
                        "quantity": line.quantity,
                        "unit_price": _money(line.unit_price_amount, currency),
                        "line_total": _money(line.line_amount, currency),
                    }
                    for line in sorted(seller_order.lines.all(), key=lambda line: line.pk)
                ],
            }
        }
    return data


def offers_data(offer_ids: list[int]) -> dict[int, dict[str, Any]]:
    found = Offer.objects.filter(pk__in=offer_ids).select_related("product")
    return {
        offer.pk: {
            "offer": {
                "id": offer.pk,
                "sku": offer.sku,
                "product_id": offer.product_id,
                "product_title": offer.product.title,
                "stock": offer.stock,
                "price": _money(offer.price_amount, offer.currency),
                "is_active": offer.is_active,
            }
        }
        for offer in found
    }


def payouts_data(payout_ids: list[int]) -> dict[int, dict[str, Any]]:
    return {
        payout.pk: {
            "payout": {
                "id": payout.pk,
                "amount": _money(payout.amount, payout.currency),
                "iban_last4": payout.iban_last4,
                "created_at": _iso(payout.created_at),
            }
        }
        for payout in Payout.objects.filter(pk__in=payout_ids)
    }

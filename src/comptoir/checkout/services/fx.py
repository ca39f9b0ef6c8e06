"""Seller orders settled in another currency than their order is charged in, as the ledger's conversions
(payments.domain.fx) see them."""

from __future__ import annotations

from typing import Any

from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money, is_known_currency
from comptoir.currencies.conf import fx_settings
from comptoir.orders.models import SellerOrder
from comptoir.payments.domain.fx import SettledPart


def presentment_currency(currency: str | None) -> str | None:
    """The currency to charge an order in: the buyer's `currency` (upper-cased) when the operator charges in the
    presentment currency (COMPTOIR["FX"]["CHARGE_CURRENCY"]), else None (the offers' currency). ValidationError
    (`unknown_currency`) for a code that is not ISO 4217."""
    if currency is None or currency == "":
        return None
    code = str(currency).strip().upper()
    if not is_known_currency(code):
        raise ValidationError(
            "Unknown currency code.",
            code="unknown_currency",
            fields={"currency": f"'{currency}' is not an ISO 4217 currency code."},
        )
    return code if fx_settings().charges_in_presentment_currency else None


def charge_summary(seller_order: SellerOrder, currency: str) -> dict[str, Any]:
    """What the buyer paid for a converted seller order, in the order's `currency`, and the rate frozen on it (units
    of `currency` per unit of the seller order's, as a decimal string); empty for a seller order in `currency`."""
    if seller_order.charge_total_amount is None:
        return {}
    return {
        "charged": Money(seller_order.charge_total_amount, currency).as_dict(),
        "rate": format(seller_order.fx_rate.normalize(), "f") if seller_order.fx_rate is not None else None,
    }


def settled_part(seller_order: SellerOrder) -> SettledPart:
    """The seller order's settled amount and, when converted, what the buyer was charged for it and the frozen rate."""
    return SettledPart(
        seller_id=seller_order.seller_id,
        currency=seller_order.currency,
        total=seller_order.total_amount,
        charged_total=seller_order.charge_total_amount,
        rate=seller_order.fx_rate,
    )

"""Which conversion a checkout needs (docs/CURRENCIES.md): none for an order in its offers' one currency, settled in
it (the common path: no rate is read), else the buyer's presentment currency or the sellers' settlement currencies."""

from __future__ import annotations

from comptoir.offers.conf import exchange_rates
from comptoir.orders.checkout_reads import CheckoutOffer
from comptoir.orders.domain.checkout import CheckoutDraft, SellerOrderDraft
from comptoir.orders.domain.presentment import Presentment

_NO_ORDER_CHARGE: dict[str, object] = {}
_NO_SELLER_ORDER_CHARGE: dict[str, object] = {}


def order_presentment(offers: list[CheckoutOffer], charge_currency: str | None) -> Presentment | None:
    """The conversion an order needs, None for an order in its offers' one currency settled in it (the common path:
    no rate read)."""
    settlement = {
        offer.seller_id: offer.seller.settlement_currency for offer in offers if offer.seller.settlement_currency
    }
    if charge_currency is None:
        currencies = {offer.currency for offer in offers}
        if len(currencies) != 1:
            return None  # refused by build_checkout: one currency per order when charging in the offers' currency
        charge_currency = currencies.pop()
    if all(settlement.get(offer.seller_id, offer.currency) == offer.currency == charge_currency for offer in offers):
        return None
    return Presentment(currency=charge_currency, settlement_currencies=settlement, rates=exchange_rates())


def charge_columns_of_order(draft: CheckoutDraft) -> dict[str, object]:
    """The Order columns that record where the rates frozen on the order come from (none for an order without)."""
    origin = draft.rate_origin
    if origin is None:
        return _NO_ORDER_CHARGE
    return {"fx_source": origin.source, "fx_day": origin.day}


def charge_columns_of_seller_order(part: SellerOrderDraft) -> dict[str, object]:
    """The SellerOrder columns of what the buyer pays for it in the order's currency (none when it is in it)."""
    charge = part.charge
    if charge is None:
        return _NO_SELLER_ORDER_CHARGE
    return {
        "charge_items_amount": charge.items.amount,
        "charge_total_amount": charge.total.amount,
        "fx_rate": charge.rate,
    }

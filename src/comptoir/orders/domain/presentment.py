"""Checkout in the buyer's presentment currency. Pure.

A buyer who sees prices in GBP may pay in GBP for offers priced in EUR and PLN: each seller order is priced in its
offers' currency (`build_checkout`, one call per currency), settled in its seller's settlement currency, and charged in
the order's currency at a rate frozen on the seller order. The rounding is the one rule of
`currencies.domain.rates.convert_at_rate` (once, half-even, to the target's ISO 4217 minor unit):

- settlement: when the seller settles in another currency than its offers are priced in, each unit price and the
  shipping are converted (`rate(offer → settlement)`), the lines multiplied by their quantities, the commission
  recomputed on the converted lines, the total the sum of items and shipping;
- charge: the seller order's items and total (in the settlement currency) × the frozen rate (settlement → order),
  each rounded once; the charged shipping is the difference, so the charged total is the rounded total;
- the frozen rate is the pricing seam's rate for the pair (the rates the storefront showed), rounded to
  `FROZEN_RATE_PLACES` decimals (`freeze_rate`) and stored: a refund converts back with it, never with a newer table.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, replace

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import RateOrigin, convert_at_rate, freeze_rate
from comptoir.offers.domain.pricing import BuyerKind, PricingStrategy, Rates
from comptoir.offers.domain.shipping import Rate
from comptoir.orders.domain.checkout import (
    Charge,
    CheckoutDraft,
    CheckoutProblem,
    LineInput,
    SellerOrderDraft,
    build_checkout,
    commission_for,
)
from comptoir.taxes.domain.charge import parcel_resplit

NO_EXCHANGE_RATE = "no_exchange_rate"


@dataclass(frozen=True)
class Presentment:
    """Charge the order in `currency`; settle seller `seller_id` in `settlement_currencies[seller_id]` (absent or
    empty: the currency of its offers); convert with `rates` (the pricing seam's)."""

    currency: str
    settlement_currencies: dict[int, str]
    rates: Rates


def build_checkout_converted(
    *,
    lines: list[LineInput],
    rates_by_profile: dict[int, list[Rate]],
    destination_country: str,
    service_levels: dict[int, str],
    placed_on: dt.date,
    pricing: PricingStrategy | None,
    presentment: Presentment,
    buyer_kind: BuyerKind = BuyerKind.CONSUMER,
) -> CheckoutDraft:
    """`build_checkout` for an order charged in `presentment.currency`, offers of several currencies allowed (one per
    seller). Raises CheckoutProblem: `mixed_currencies` (one seller's offers in two currencies), `no_exchange_rate`
    (a pair the rates cannot convert), and `build_checkout`'s own problems (of every currency at once)."""
    if not lines:
        raise CheckoutProblem("empty_cart", "There is nothing to check out.", {"lines": "Add at least one offer."})
    seller_currencies: dict[int, set[str]] = {}
    for line in lines:
        seller_currencies.setdefault(line.seller_id, set()).add(line.unit_price.currency)
    mixed = {seller_id: found for seller_id, found in seller_currencies.items() if len(found) > 1}
    if mixed:
        raise CheckoutProblem(
            "mixed_currencies",
            "One seller's offers of one order must be priced in the same currency.",
            {
                f"lines.{seller_id}": f"Currencies found: {', '.join(sorted(found))}."
                for seller_id, found in mixed.items()
            },
        )
    parts: list[SellerOrderDraft] = []
    problems: dict[str, str] = {}
    for currency in sorted({line.unit_price.currency for line in lines}):
        try:
            draft = build_checkout(
                lines=[line for line in lines if line.unit_price.currency == currency],
                rates_by_profile=rates_by_profile,
                destination_country=destination_country,
                service_levels=service_levels,
                placed_on=placed_on,
                pricing=pricing,
                buyer_kind=buyer_kind,
            )
        except CheckoutProblem as problem:
            if problem.code != "shipping_unavailable":
                raise
            problems.update(problem.fields)
            continue
        parts += draft.seller_orders
    if problems:
        raise CheckoutProblem("shipping_unavailable", "Some sellers cannot ship this order.", problems)
    return draft_convert(sorted(parts, key=lambda part: part.seller_id), presentment=presentment)


def draft_convert(parts: list[SellerOrderDraft], *, presentment: Presentment) -> CheckoutDraft:
    """The draft charging `parts` (priced in their offers' currencies) in `presentment.currency`, each settled in its
    seller's currency. A part already in the order's currency and settled in it is kept as it is. Raises
    CheckoutProblem (`no_exchange_rate`)."""
    charge_currency, rates = presentment.currency, presentment.rates
    converted: list[SellerOrderDraft] = []
    origin: RateOrigin | None = None
    missing: dict[str, str] = {}
    for part in parts:
        settlement = presentment.settlement_currencies.get(part.seller_id) or part.currency
        if settlement != part.currency:
            settled = _settle(part, settlement, rates)
            if settled is None:
                missing[f"seller.{part.seller_id}"] = f"No exchange rate from {part.currency} to {settlement}."
                continue
            part = settled
        if settlement != charge_currency:
            rate = rates.rate(settlement, charge_currency)
            if rate is None:
                missing[f"seller.{part.seller_id}"] = f"No exchange rate from {settlement} to {charge_currency}."
                continue
            frozen = freeze_rate(rate)
            part = replace(
                part,
                charge=Charge(
                    items=convert_at_rate(part.items, charge_currency, frozen),
                    total=convert_at_rate(part.total, charge_currency, frozen),
                    rate=frozen,
                    duty=convert_at_rate(part.duty, charge_currency, frozen) if part.duty.amount else None,
                ),
            )
            origin = origin or rates.origin(settlement, charge_currency)
        converted.append(part)
    if missing:
        raise CheckoutProblem(NO_EXCHANGE_RATE, f"Prices cannot be converted into {charge_currency} today.", missing)
    return CheckoutDraft(currency=charge_currency, seller_orders=converted, rate_origin=origin)


def _settle(part: SellerOrderDraft, settlement: str, rates: Rates) -> SellerOrderDraft | None:
    """The part with its amounts in `settlement` (unit prices and shipping converted, commission recomputed), None
    without a rate."""
    rate = rates.rate(part.currency, settlement)
    if rate is None:
        return None
    frozen = freeze_rate(rate)
    lines = tuple(replace(line, unit_price=convert_at_rate(line.unit_price, settlement, frozen)) for line in part.lines)
    items = Money(sum(line.unit_price.amount * line.quantity for line in lines), settlement)
    shipping = replace(part.shipping, price=convert_at_rate(part.shipping.price, settlement, frozen))
    return replace(
        part,
        lines=lines,
        items=items,
        shipping=shipping,
        commission=commission_for(list(lines), settlement),
        delivered=items + shipping.price + convert_at_rate(part.duty, settlement, frozen),
        tax=None
        if part.tax is None
        else parcel_resplit(
            part.tax,
            unit_prices={line.offer_id: line.unit_price.amount for line in lines},
            shipping=shipping.price.amount,
            convert=lambda amount: convert_at_rate(Money(amount, part.currency), settlement, frozen).amount,
        ),
    )

"""The offers app's settings, typed. Read on each call (so `override_settings` applies).

The pricing seam (comptoir.offers.domain.pricing) is configured here: the marketplace's display currency
(`COMPTOIR["CURRENCY"]`, EUR by default) and the exchange rates: the ECB reference rates in effect on the day
(comptoir.currencies, imported by `comptoir fx import`; cross rates through the euro), under the operator's fixed rates
of `COMPTOIR["EXCHANGE_RATES"]` where it gives a pair ({"JPY/EUR": "0.0062"}: major units of EUR per major unit of JPY;
none by default). An offer in a currency no rate converts is not comparable with the others rather than compared on raw
minor units. Search, checkout, the API and the storefront all quote through `pricing_strategy()` and
`buyer_context()`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from decimal import Decimal
from typing import cast

from django.conf import settings

from comptoir.currencies.domain.rates import DISPLAY_CURRENCIES
from comptoir.currencies.selectors import ReferenceRates
from comptoir.offers.domain.pricing import (
    BuyerContext,
    BuyerKind,
    DeliveredPricing,
    OverriddenRates,
    PricingStrategy,
    Rates,
    StaticRates,
    TaxedPricing,
)
from comptoir.taxes.conf import taxes_settings

DEFAULT_CURRENCY = "EUR"


@dataclass(frozen=True)
class OffersSettings:
    max_unit_price_major: int  # the largest accepted unit price, in major units of the offer's currency
    currency: str  # the marketplace's display currency: prices are compared and shown in it
    exchange_rates: dict[tuple[str, str], Decimal]


_PARSED_RATES: dict[tuple, dict[tuple[str, str], Decimal]] = {}


def _exchange_rates(values: dict) -> dict[tuple[str, str], Decimal]:
    """The operator's rates parsed (pair -> Decimal), kept per process by their settings' exact items: every quote
    (each checkout, search and page) reads them, and parsing them again cost a checkout more than its VAT look-up."""
    try:
        key = tuple((values or {}).items())
        parsed = _PARSED_RATES.get(key)
    except TypeError:  # an unhashable value: parsed (or refused) below, not kept
        key, parsed = None, None
    if parsed is None:
        parsed = _parse_exchange_rates(values)
        if key is not None:
            if len(_PARSED_RATES) > 64:  # a bound, should the rates be changed at run time again and again
                _PARSED_RATES.clear()
            _PARSED_RATES[key] = parsed
    return dict(parsed)


def _parse_exchange_rates(values: dict) -> dict[tuple[str, str], Decimal]:
    rates = {}
    for pair, rate in (values or {}).items():
        source, _, target = str(pair).partition("/")
        if isinstance(rate, float):
            raise TypeError(f"exchange rate {pair} must be a string or Decimal, never a float")
        rates[(source.upper(), target.upper())] = Decimal(str(rate))
    return rates


def offers_settings() -> OffersSettings:
    marketplace = settings.COMPTOIR
    return OffersSettings(
        max_unit_price_major=cast(int, marketplace["MAX_UNIT_PRICE_MAJOR"]),
        currency=str(marketplace.get("CURRENCY") or DEFAULT_CURRENCY).upper(),
        exchange_rates=_exchange_rates(marketplace.get("EXCHANGE_RATES") or {}),
    )


def exchange_rates(day: dt.date | None = None) -> Rates:
    """The rates in effect on `day` (today by default): the operator's fixed pairs first, then the published reference
    rates (read lazily, cached per process: comptoir.currencies.selectors)."""
    published = ReferenceRates(day)
    overrides = _operator_rates(settings.COMPTOIR.get("EXCHANGE_RATES") or {})
    return OverriddenRates(overrides, published) if overrides is not None else published


_OPERATOR_RATES: dict[tuple, StaticRates | None] = {}


def _operator_rates(values: dict) -> StaticRates | None:
    """The operator's rates as the pricing seam's table (None: none set), built and validated once per process and
    distinct settings value (`_exchange_rates`'s key): every quote asks for them."""
    try:
        key = tuple(values.items())
        if key in _OPERATOR_RATES:
            return _OPERATOR_RATES[key]
    except TypeError:  # an unhashable value: parsed (or refused) below, not kept
        key = None
    parsed = _exchange_rates(values)
    table = StaticRates(parsed) if parsed else None
    if key is not None:
        if len(_OPERATOR_RATES) > 64:
            _OPERATOR_RATES.clear()
        _OPERATOR_RATES[key] = table
    return table


def display_currencies() -> tuple[str, ...]:
    """The currencies a buyer may choose to see prices in (the marketplace's own first)."""
    currency = offers_settings().currency
    return (currency, *(code for code in DISPLAY_CURRENCIES if code != currency))


PRICING_STRATEGIES = ("taxed", "delivered")


def pricing_strategy(day: dt.date | None = None) -> PricingStrategy:
    """The pricing strategy every interface and checkout quotes with: delivered prices over `exchange_rates(day)`, with
    VAT for the quotes given tax facts (checkout, the cart, the product page, search), the gross prices uniform when
    the operator says so (`COMPTOIR["TAXES"]["UNIFORM_GROSS_PRICES"]`).

    `COMPTOIR["PRICING_STRATEGY"] = "delivered"` swaps in the strategy without VAT nor conversion (item + shipping as
    entered, other currencies not comparable): the baseline `bench/tax_fx_overhead.py` measures the cost of tax and FX
    against. Not for production: no VAT is charged then."""
    if settings.COMPTOIR.get("PRICING_STRATEGY", "taxed") == "delivered":
        return DeliveredPricing()
    return TaxedPricing(rates=exchange_rates(day), uniform_gross=taxes_settings().uniform_gross_prices)


def buyer_context(
    *, country: str, currency: str | None = None, kind: BuyerKind = BuyerKind.CONSUMER, channel: str = "web"
) -> BuyerContext:
    """A buyer buying for `country` in `currency` (the marketplace's display currency by default)."""
    return BuyerContext(country=country, currency=currency or offers_settings().currency, kind=kind, channel=channel)

"""The pricing seam: what a buyer pays for an offer, delivered, and in which currency. Pure (no Django).

Every place that shows or compares offer prices (search index and cards, the featured offer, the API, the storefront,
checkout) asks a `PricingStrategy` for a `Quote`, given the buyer's context (`BuyerContext`), the offer's price and the
shipping cost that applies to the buyer's country. Quotes are ordered with `compare_key`, never by raw minor units:
1,000 JPY is not cheaper than 20.00 EUR. An offer in a currency the `Rates` cannot convert into the buyer's currency is
*not comparable* (it is still deliverable and can be shown in its own currency).

`DeliveredPricing` adds no tax: the delivered price is the item price plus the shipping, converted into the buyer's
currency when the rates allow. `TaxedPricing` (what `offers.conf.pricing_strategy()` gives) does the same for a quote
without tax facts (search, which quotes without them) and, given a parcel's `ParcelFacts` (seller, goods' country,
lines with their VAT rates), prices it with VAT for the buyer's destination (`taxes.domain.charge.tax_parcel`:
liability first, then the lines); the quote then carries its `ParcelTax` (regime, lines, VAT).

How checkout (or any bulk caller) uses it::

    pricing = DeliveredPricing(rates=StaticRates({("JPY", "EUR"): Decimal("0.0062")}))
    buyer = BuyerContext(country="FR", currency="EUR")
    quotes = quote_offers([OfferTerms(offer_id, price, shipping), ...], buyer=buyer, pricing=pricing)
    currency, amounts = compared_amounts(quotes)  # offer id -> delivered amount in `currency`, comparable ones only
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from enum import StrEnum
from typing import Protocol

from comptoir.core.money import Money, currency_exponent
from comptoir.currencies.domain.rates import RateOrigin, convert_at_rate
from comptoir.taxes.domain.charge import ParcelFacts, ParcelTax, tax_parcel


class BuyerKind(StrEnum):
    CONSUMER = "consumer"
    BUSINESS = "business"


@dataclass(frozen=True, slots=True)
class BuyerContext:
    """Who is buying: the destination (ISO 3166 alpha-2), the currency they pay in (ISO 4217), consumer or business,
    and the channel the price is asked for ("web", "api" or a feed's name)."""

    country: str
    currency: str
    kind: BuyerKind = BuyerKind.CONSUMER
    channel: str = "web"

    def __post_init__(self) -> None:
        if len(self.country) != 2 or not self.country.isalpha() or not self.country.isupper():
            raise ValueError(f"country must be an upper-case ISO 3166 alpha-2 code, not {self.country!r}")
        Money.zero(self.currency)  # raises on an unknown currency code
        if self.kind not in tuple(BuyerKind):
            raise ValueError(f"kind must be one of {', '.join(BuyerKind)}, not {self.kind!r}")


class Rates(Protocol):
    """Currency conversion. `convert` answers None when it has no rate (the amount is then not comparable); `origin`
    says where the rate used for a pair comes from (publisher and day, shown next to a converted price), None when
    there is none. Every implementation rounds through `currencies.domain.rates.convert_at_rate` (once, half-even, to
    the target's ISO 4217 minor unit)."""

    def convert(self, amount: Money, currency: str) -> Money | None: ...

    def origin(self, source: str, target: str) -> RateOrigin | None: ...

    def rate(self, source: str, target: str) -> Decimal | None:
        """Units of `target` one unit of `source` buys (1 for the same currency), None without a rate: the rate a
        checkout freezes on an order."""
        ...


class IdentityRates:
    """No conversion at all: an amount is only ever expressed in its own currency."""

    def convert(self, amount: Money, currency: str) -> Money | None:
        return amount if amount.currency == currency else None

    def origin(self, source: str, target: str) -> RateOrigin | None:
        return None

    def rate(self, source: str, target: str) -> Decimal | None:
        return Decimal(1) if source == target else None


@dataclass(frozen=True)
class StaticRates:
    """A fixed table supplied by the caller: (from, to) -> how many major units of `to` one major unit of `from` buys
    (e.g. ("JPY", "EUR"): Decimal("0.0062")). The reverse pair is used (1 / rate) when only one direction is given.
    The converted amount is rounded once, half-even, to the target's minor unit (`convert_at_rate`). Rates are Decimals,
    never floats. Its `origin` is the operator's ("operator", no date)."""

    table: Mapping[tuple[str, str], Decimal] = field(default_factory=dict)

    def __post_init__(self) -> None:
        for pair, rate in self.table.items():
            if not isinstance(rate, Decimal) or not rate.is_finite() or rate <= 0:
                raise ValueError(f"rate {pair} must be a positive finite Decimal, not {rate!r}")

    def rate(self, source: str, target: str) -> Decimal | None:
        if source == target:
            return Decimal(1)
        direct = self.table.get((source, target))
        if direct is not None:
            return direct
        reverse = self.table.get((target, source))
        return Decimal(1) / reverse if reverse is not None else None

    def convert(self, amount: Money, currency: str) -> Money | None:
        if amount.currency == currency:
            return amount
        rate = self.rate(amount.currency, currency)
        if rate is None:
            return None
        return convert_at_rate(amount, currency, rate)

    def origin(self, source: str, target: str) -> RateOrigin | None:
        if source == target or self.rate(source, target) is None:
            return None
        return RateOrigin(OPERATOR_RATES, None)


OPERATOR_RATES = "operator"


@dataclass(frozen=True)
class OverriddenRates:
    """The operator's fixed rates (`overrides`, e.g. COMPTOIR["EXCHANGE_RATES"]) where they give the pair, else the
    published reference rates (`published`)."""

    overrides: StaticRates
    published: Rates

    def convert(self, amount: Money, currency: str) -> Money | None:
        if amount.currency == currency:
            return amount
        converted = self.overrides.convert(amount, currency)
        return converted if converted is not None else self.published.convert(amount, currency)

    def origin(self, source: str, target: str) -> RateOrigin | None:
        return self.overrides.origin(source, target) or self.published.origin(source, target)

    def rate(self, source: str, target: str) -> Decimal | None:
        overridden = self.overrides.rate(source, target)
        return overridden if overridden is not None else self.published.rate(source, target)


@dataclass(frozen=True, slots=True)
class Quote:
    """What the buyer pays for one offer.

    `item`, `shipping` and `delivered` are in the offer's currency (what checkout charges today); `total` is the
    delivered price in the buyer's `currency`, None when the offer does not ship to the buyer (`shipping` None) or
    when no rate converts it (not comparable)."""

    item: Money
    shipping: Money | None
    delivered: Money | None
    total: Money | None
    currency: str
    tax: ParcelTax | None = None  # the VAT of the quote when it was priced with tax facts and every rate was known
    # The duty the buyer pays at checkout (DDP, docs/TAXES.md), in the offer's currency; included in `delivered`.
    duty: Money | None = None

    @property
    def is_deliverable(self) -> bool:
        return self.delivered is not None

    @property
    def is_comparable(self) -> bool:
        return self.total is not None


class PricingStrategy(Protocol):
    def quote(
        self, *, price: Money, shipping: Money | None, buyer: BuyerContext, tax: ParcelFacts | None = None
    ) -> Quote:
        """The quote for an item priced `price` (unit price × quantity for a line) with `shipping` to the buyer's
        country (None: the offer does not ship there), both in the offer's currency. `tax`: the parcel's tax facts
        (its parts' prices sum to `price`); a strategy that does not tax ignores them."""
        ...


@dataclass(frozen=True)
class DeliveredPricing:
    """The default strategy: delivered = item + shipping, converted into the buyer's currency through `rates`.
    No tax, no business or channel difference (yet). Raises ValueError when `shipping` is not in the item's currency
    (a shipping rate applies to offers of its own currency only)."""

    rates: Rates = field(default_factory=IdentityRates)

    def quote(
        self, *, price: Money, shipping: Money | None, buyer: BuyerContext, tax: ParcelFacts | None = None
    ) -> Quote:
        if shipping is None:
            return Quote(item=price, shipping=None, delivered=None, total=None, currency=buyer.currency)
        delivered = price + shipping
        total = self.rates.convert(delivered, buyer.currency)
        return Quote(item=price, shipping=shipping, delivered=delivered, total=total, currency=buyer.currency)


@dataclass(frozen=True)
class TaxedPricing:
    """Delivered prices with VAT: a quote given a parcel's tax facts is priced for the buyer's destination (consumer
    or business: a `BuyerKind.BUSINESS` buyer is one whose VAT number of the destination was checked) — the seller's
    gross home price re-priced at the VAT that applies, or net when no VAT is charged at checkout (reverse charge,
    export, import VAT collected at the border). `uniform_gross`: the same gross price in every destination, the VAT
    re-split inside it. Without tax facts, or when a rate is missing, it quotes as `DeliveredPricing`."""

    rates: Rates = field(default_factory=IdentityRates)
    uniform_gross: bool = False
    uses_tax_facts: bool = True

    def quote(
        self, *, price: Money, shipping: Money | None, buyer: BuyerContext, tax: ParcelFacts | None = None
    ) -> Quote:
        if tax is None:
            return DeliveredPricing(self.rates).quote(price=price, shipping=shipping, buyer=buyer)
        currency = price.currency
        if shipping is not None:
            price._check(shipping)  # as DeliveredPricing: shipping in the item's currency (ValueError otherwise)
        if sum(part.unit_price * part.quantity for part in tax.parts) != price.amount:
            raise ValueError("the tax facts' lines must sum to the quoted price")

        def value_in(amount: int, target: str) -> int | None:
            if target == currency:  # the common case (a EUR parcel against EUR thresholds): nothing to convert
                return amount
            converted = self.rates.convert(Money(amount, currency), target)
            return None if converted is None else converted.amount

        def amount_in(amount: int, source: str) -> int | None:
            converted = self.rates.convert(Money(amount, source), currency)
            return None if converted is None else converted.amount

        def specific_in(amount: Decimal, source: str) -> Decimal | None:
            # A specific duty's exact amount (major units of `source`) at the same rate, not rounded: the parcel's
            # duty is rounded once (taxes/domain/duties.py).
            rate = self.rates.rate(source, currency)
            return None if rate is None else (amount * rate).scaleb(currency_exponent(currency))

        parcel = tax_parcel(
            tax,
            destination=buyer.country,
            buyer_is_business=buyer.kind == BuyerKind.BUSINESS,
            shipping=None if shipping is None else shipping.amount,
            value_in=value_in,
            uniform_gross=self.uniform_gross,
            amount_in=amount_in,
            specific_in=specific_in,
        )
        if parcel is None:  # the untaxed quote is built only when it is the answer (a checkout's parcels are taxed)
            return DeliveredPricing(self.rates).quote(price=price, shipping=shipping, buyer=buyer)
        item = Money(parcel.items_gross, currency)
        if parcel.shipping_gross is None:
            return Quote(item=item, shipping=None, delivered=None, total=None, currency=buyer.currency, tax=parcel)
        taxed_shipping = Money(parcel.shipping_gross, currency)
        duty = Money(parcel.duty_charged, currency)
        delivered = item + taxed_shipping + duty
        total = self.rates.convert(delivered, buyer.currency)
        return Quote(
            item=item,
            shipping=taxed_shipping,
            delivered=delivered,
            total=total,
            currency=buyer.currency,
            tax=parcel,
            duty=duty if duty.amount else None,
        )


@dataclass(frozen=True, slots=True)
class OfferTerms:
    """One offer's price and the shipping that applies to the buyer (None: does not ship to the buyer's country), and
    its tax facts for the buyer's destination (None: quoted as entered)."""

    offer_id: int
    price: Money
    shipping: Money | None
    tax: ParcelFacts | None = None


def quote_offers(offers: Iterable[OfferTerms], *, buyer: BuyerContext, pricing: PricingStrategy) -> dict[int, Quote]:
    """offer id -> its Quote for this buyer."""
    return {
        offer.offer_id: pricing.quote(price=offer.price, shipping=offer.shipping, buyer=buyer, tax=offer.tax)
        for offer in offers
    }


def uses_tax_facts(pricing: PricingStrategy) -> bool:
    """Whether the strategy reads tax facts (callers skip reading them otherwise)."""
    return bool(getattr(pricing, "uses_tax_facts", False))


def compare_key(quote: Quote) -> tuple[int, int]:
    """Sort key ordering quotes cheapest delivered total first; quotes that are not comparable (no rate, or not
    deliverable) come after every comparable one and are never ordered among themselves by raw amounts. Add the
    offer id as the last key for a stable order."""
    if quote.total is None:
        return (1, 0)
    return (0, quote.total.amount)


def cheapest(quotes: Mapping[int, Quote]) -> int | None:
    """The offer id of the lowest comparable delivered total (ties: the smallest id); None when none is comparable."""
    comparable = [key for key, quote in quotes.items() if quote.is_comparable]
    if not comparable:
        return None
    return min(comparable, key=lambda key: (compare_key(quotes[key]), key))


def compared_amounts(quotes: Mapping[int, Quote]) -> tuple[str | None, dict[int, int]]:
    """The currency a set of offers is compared in, and each comparable offer's delivered amount (minor units) in it.

    The buyer's currency when at least one deliverable quote converts into it. Otherwise (nothing has a rate) the
    offers are compared in the currency most of the deliverable ones are priced in (ties: alphabetical), so a buyer
    still sees a choice among offers of one currency — never raw minor units of two currencies against each other.
    (None, {}) when no offer is deliverable."""
    converted = {key: quote.total.amount for key, quote in quotes.items() if quote.total is not None}
    if converted:
        return next(iter(quotes.values())).currency, converted
    delivered = {key: quote.delivered for key, quote in quotes.items() if quote.delivered is not None}
    if not delivered:
        return None, {}
    counts = Counter(money.currency for money in delivered.values())
    currency = min(counts, key=lambda code: (-counts[code], code))
    return currency, {key: money.amount for key, money in delivered.items() if money.currency == currency}

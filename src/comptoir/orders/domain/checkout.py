"""Checkout arithmetic. Pure: splits lines by seller, prices shipping, freezes commission.

What the buyer pays for each seller order comes from the pricing seam (comptoir.offers.domain.pricing): the same
strategy search and the storefront quote with, so a tax or a duty added there is charged here too.

Rounding: commission is computed once per seller order over the sum of line_amount × rate,
with banker's rounding (ROUND_HALF_EVEN), so splitting an order never changes the total fee."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import ROUND_HALF_EVEN, Decimal

from comptoir.core.money import BASIS_POINTS, Money
from comptoir.currencies.domain.rates import RateOrigin
from comptoir.offers.domain.pricing import BuyerContext, BuyerKind, DeliveredPricing, PricingStrategy
from comptoir.offers.domain.shipping import Rate, ShippingQuote, promise_dates, quote, rates_for_country
from comptoir.taxes.domain.charge import ParcelFacts, ParcelTax, TaxPart
from comptoir.taxes.domain.duties import DutyHandling, DutyRule, TariffRate, TariffSchedule


@dataclass(frozen=True)
class LineTaxFacts:
    """What VAT needs to know of a line: the seller's establishment, where the goods ship from, whether the seller
    charges destination VAT on intra-EU distance sales, and the rates of the line's tax class in force on the day
    (country -> basis points) for the seller's, the goods' and the destination's country."""

    seller_country: str
    goods_country: str
    seller_charges_destination_vat: bool
    rates: Mapping[str, int]
    # Duties (taxes.domain.duties): the product's HS code, the destination's duty rules in force and the day of the
    # sale (None: duties are not assessed), the marketplace's handling choice.
    hs_code: str = ""
    duty_rules: tuple[DutyRule, ...] = ()
    day: dt.date | None = None
    duty_handling: DutyHandling = DutyHandling.DDP
    # The product's declared country of origin and the tariff rates that can apply to it (a `tariff` duty rule).
    origin: str = ""
    tariff_rates: tuple[TariffRate, ...] = ()
    # The product's net weight, gross weight and volume per unit (None: not given): a specific duty reads them.
    net_grams: int | None = None
    gross_grams: int | None = None
    millilitres: int | None = None
    # The seller's intra-EU distance sales counted this year (EUR cents): the sale crossing EUR 10,000 is taxed at
    # destination (taxes.domain.liability).
    seller_distance_sales_eur_cents: int = 0
    # The product's tax category is an excise good (alcohol, tobacco, energy products: taxes.domain.categories).
    excise_goods: bool = False


@dataclass(frozen=True)
class LineInput:
    offer_id: int
    seller_id: int
    product_id: int
    title: str
    sku: str
    unit_price: Money
    quantity: int
    commission_rate_bp: int
    handling_days: int
    shipping_profile_id: int
    tax: LineTaxFacts | None = None  # None: the line is priced without VAT (as entered)


def _line_priced(line: LineInput, unit_price: Money) -> LineInput:
    """`replace(line, unit_price=unit_price)` through the positional constructor: `dataclasses.replace` looks every
    field up by name and cost a taxed checkout twice as much per line (tested equal, field by field)."""
    return LineInput(
        line.offer_id,
        line.seller_id,
        line.product_id,
        line.title,
        line.sku,
        unit_price,
        line.quantity,
        line.commission_rate_bp,
        line.handling_days,
        line.shipping_profile_id,
        line.tax,
    )


def _shipping_priced(shipping: ShippingQuote, price: Money) -> ShippingQuote:
    """`replace(shipping, price=price)` through the positional constructor (as `_line_priced`)."""
    return ShippingQuote(
        shipping.rate_id,
        shipping.service_level,
        shipping.carrier,
        shipping.zone_name,
        price,
        shipping.transit_days_min,
        shipping.transit_days_max,
    )


@dataclass(frozen=True)
class Charge:
    """What the buyer pays for a seller order settled in another currency than the order is charged in: `items` and
    `total` in the order's currency, converted from the seller order's amounts at `rate` (units of the order's
    currency per unit of the seller's, frozen on the seller order)."""

    items: Money
    total: Money
    rate: Decimal
    duty: Money | None = None  # the duty collected at checkout, converted like the rest (None: none)

    @property
    def shipping(self) -> Money:
        return self.total - self.items - (self.duty or Money.zero(self.total.currency))


@dataclass(frozen=True)
class SellerOrderDraft:
    seller_id: int
    lines: tuple[LineInput, ...]
    items: Money
    shipping: ShippingQuote
    commission: Money
    ship_by: dt.date
    deliver_by_earliest: dt.date
    deliver_by: dt.date
    delivered: Money  # what the buyer pays for this seller order, as the pricing strategy quoted it
    # Set when the seller order is settled in another currency than the order is charged in (orders.domain.presentment)
    charge: Charge | None = None
    # The VAT of the parcel (taxes.domain.charge) when the pricing strategy taxed it; its lines and shipping are the
    # seller order's, in its currency. None: priced without VAT (no rates loaded, or a sale the engine does not model).
    tax: ParcelTax | None = None

    @property
    def total(self) -> Money:
        return self.delivered

    @property
    def duty(self) -> Money:
        """The customs duty the buyer pays at checkout for this parcel (DDP), included in `total`; 0 otherwise."""
        return Money(0 if self.tax is None else self.tax.duty_charged, self.items.currency)

    @property
    def currency(self) -> str:
        """The seller order's currency: the seller's settlement currency (the offers' when it has none)."""
        return self.items.currency


@dataclass
class CheckoutDraft:
    """`currency` is the one the order is charged in. A seller order is in it too, unless it carries a `charge` (its
    amounts in the seller's currency, the buyer's in this one); `rate_origin` then says where the rates frozen on the
    order come from."""

    currency: str
    seller_orders: list[SellerOrderDraft] = field(default_factory=list)
    rate_origin: RateOrigin | None = None

    @property
    def items(self) -> Money:
        return Money(
            sum(so.items.amount if so.charge is None else so.charge.items.amount for so in self.seller_orders),
            self.currency,
        )

    @property
    def shipping(self) -> Money:
        return Money(
            sum(
                so.shipping.price.amount if so.charge is None else so.charge.shipping.amount
                for so in self.seller_orders
            ),
            self.currency,
        )

    @property
    def duty(self) -> Money:
        return Money(
            sum(
                so.duty.amount if so.charge is None else (so.charge.duty.amount if so.charge.duty else 0)
                for so in self.seller_orders
            ),
            self.currency,
        )

    @property
    def total(self) -> Money:
        return Money(
            sum(so.total.amount if so.charge is None else so.charge.total.amount for so in self.seller_orders),
            self.currency,
        )


class CheckoutProblem(ValueError):
    def __init__(self, code: str, message: str, fields: dict[str, str]):
        super().__init__(message)
        self.code, self.message, self.fields = code, message, fields


def commission_for(lines: list[LineInput], currency: str) -> Money:
    raw = sum(
        Decimal(line.unit_price.amount * line.quantity) * Decimal(line.commission_rate_bp) for line in lines
    ) / Decimal(BASIS_POINTS)
    return Money(int(raw.quantize(Decimal(1), rounding=ROUND_HALF_EVEN)), currency)


def parcel_facts(lines: list[LineInput]) -> ParcelFacts | None:
    """The tax facts of one seller's lines (the parcel leaves from its first line's country), None when a line has
    none (priced without VAT)."""
    if not lines or any(line.tax is None for line in lines):
        return None
    first = lines[0].tax
    assert first is not None
    return ParcelFacts(
        seller_country=first.seller_country,
        goods_country=first.goods_country,
        seller_charges_destination_vat=first.seller_charges_destination_vat,
        parts=tuple(
            TaxPart(
                key=line.offer_id,
                unit_price=line.unit_price.amount,
                quantity=line.quantity,
                rates=line.tax.rates,
                hs_code=line.tax.hs_code,
                origin=line.tax.origin,
                net_grams=line.tax.net_grams,
                gross_grams=line.tax.gross_grams,
                millilitres=line.tax.millilitres,
            )
            for line in lines
            if line.tax is not None
        ),
        duty_rules=first.duty_rules,
        tariff=TariffSchedule(
            (rate for line in lines if line.tax is not None for rate in line.tax.tariff_rates), day=first.day
        ),
        day=first.day,
        duty_handling=first.duty_handling,
        seller_distance_sales_eur_cents=first.seller_distance_sales_eur_cents,
        excise_goods=any(line.tax is not None and line.tax.excise_goods for line in lines),
    )


def build_checkout(
    *,
    lines: list[LineInput],
    rates_by_profile: dict[int, list[Rate]],
    destination_country: str,
    service_levels: dict[int, str],
    placed_on: dt.date,
    pricing: PricingStrategy | None = None,
    buyer: BuyerContext | None = None,
    buyer_kind: BuyerKind = BuyerKind.CONSUMER,
) -> CheckoutDraft:
    """Group lines by seller and price each seller order. Raises CheckoutProblem with field errors.

    A seller's lines ship together on the shipping profile of the seller's first line (by offer id);
    the chosen service level (default: the cheapest for the destination) applies to the whole parcel,
    and the slowest handling time of its lines sets the ship-by date. `pricing` quotes what the buyer (`buyer`,
    by default a `buyer_kind` buyer in the destination country paying in the offers' currency) pays for each parcel;
    lines with tax facts are priced with VAT when the strategy taxes (the parcel's `tax`). One
    currency per order (`mixed_currencies`); `orders.domain.presentment.build_checkout_converted` charges offers of
    several currencies in one."""
    if not lines:
        raise CheckoutProblem("empty_cart", "There is nothing to check out.", {"lines": "Add at least one offer."})
    currencies = {line.unit_price.currency for line in lines}
    if len(currencies) != 1:
        raise CheckoutProblem(
            "mixed_currencies",
            "All offers of one order must be priced in the same currency.",
            {"lines": f"Currencies found: {', '.join(sorted(currencies))}."},
        )
    currency = currencies.pop()
    pricing = pricing or DeliveredPricing()
    if buyer is None:
        try:
            buyer = BuyerContext(country=destination_country, currency=currency, kind=buyer_kind)
        except ValueError as error:
            raise CheckoutProblem("invalid_address", str(error), {"country": str(error)}) from error
    by_seller: dict[int, list[LineInput]] = {}
    for line in sorted(lines, key=lambda item: (item.seller_id, item.offer_id)):
        by_seller.setdefault(line.seller_id, []).append(line)
    draft = CheckoutDraft(currency=currency)
    problems: dict[str, str] = {}
    for seller_id, seller_lines in by_seller.items():
        profile_id = seller_lines[0].shipping_profile_id
        candidates = rates_for_country(rates_by_profile.get(profile_id, []), destination_country)
        candidates = [rate for rate in candidates if rate.first_item.currency == currency]
        if not candidates:
            problems[f"shipping.{seller_id}"] = f"This seller does not ship to {destination_country}."
            continue
        wanted = service_levels.get(seller_id)
        if wanted:
            chosen = [rate for rate in candidates if rate.service_level == wanted]
            if not chosen:
                problems[f"shipping.{seller_id}"] = (
                    f"Unknown shipping option '{wanted}'; available: "
                    f"{', '.join(sorted({r.service_level for r in candidates}))}."
                )
                continue
            rate = min(chosen, key=lambda r: (r.first_item.amount, r.id))
        else:
            rate = min(candidates, key=lambda r: (r.first_item.amount, r.transit_days_max, r.id))
        item_count = sum(line.quantity for line in seller_lines)
        shipping = quote(rate, item_count)
        items = Money(sum(line.unit_price.amount * line.quantity for line in seller_lines), currency)
        facts = parcel_facts(seller_lines)
        if facts is None:
            priced = pricing.quote(price=items, shipping=shipping.price, buyer=buyer)
        else:
            priced = pricing.quote(price=items, shipping=shipping.price, buyer=buyer, tax=facts)
        if priced.delivered is None:
            problems[f"shipping.{seller_id}"] = f"This seller does not ship to {destination_country}."
            continue
        if priced.tax is not None:
            # The buyer pays the taxed unit prices and shipping: the lines, the items and the commission follow them.
            unit_prices = {line.key: line.unit_price for line in priced.tax.lines}
            seller_lines = [_line_priced(line, Money(unit_prices[line.offer_id], currency)) for line in seller_lines]
            items = priced.item
            assert priced.shipping is not None
            shipping = _shipping_priced(shipping, priced.shipping)
        ship_by, earliest, latest = promise_dates(
            placed_on, max(line.handling_days for line in seller_lines), rate.transit_days_min, rate.transit_days_max
        )
        draft.seller_orders.append(
            SellerOrderDraft(
                seller_id,
                tuple(seller_lines),
                items,
                shipping,
                commission_for(seller_lines, currency),
                ship_by,
                earliest,
                latest,
                priced.delivered,
                tax=priced.tax,
            )
        )
    if problems:
        raise CheckoutProblem("shipping_unavailable", "Some sellers cannot ship this order.", problems)
    return draft

"""Pricing a checkout charged in the buyer's currency: one rate per seller order, frozen; rounding once. Pure."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import RateOrigin, RateTable
from comptoir.offers.domain.pricing import DeliveredPricing
from comptoir.offers.domain.shipping import Rate
from comptoir.orders.domain.checkout import CheckoutProblem, LineInput
from comptoir.orders.domain.presentment import Presentment, build_checkout_converted

DAY = dt.date(2026, 3, 2)
TABLE = RateTable(day=DAY, rates={"GBP": Decimal("0.8338"), "PLN": Decimal("4.2000"), "JPY": Decimal("175.68")})


def rate(profile_id: int, currency: str, amount: int = 490) -> Rate:
    return Rate(
        id=profile_id,
        zone_name="Everywhere",
        countries=("*",),
        service_level="standard",
        carrier="Post",
        first_item=Money(amount, currency),
        additional_item=Money(0, currency),
        transit_days_min=2,
        transit_days_max=4,
    )


def line(offer_id: int, seller_id: int, price: Money, profile_id: int, quantity: int = 1) -> LineInput:
    return LineInput(offer_id, seller_id, 1, "Teapot", "SKU", price, quantity, 1000, 1, profile_id)


def build(lines, currency, settlement=None):
    return build_checkout_converted(
        lines=lines,
        rates_by_profile={1: [rate(1, "EUR")], 2: [rate(2, "PLN")], 3: [rate(3, "JPY", 500)]},
        destination_country="GB",
        service_levels={},
        placed_on=DAY,
        pricing=DeliveredPricing(rates=TABLE),
        presentment=Presentment(currency=currency, settlement_currencies=settlement or {}, rates=TABLE),
    )


def test_each_seller_order_keeps_its_currency_and_is_charged_in_the_buyers():
    draft = build([line(1, 10, Money(2000, "EUR"), 1), line(2, 20, Money(10000, "PLN"), 2)], "GBP")
    eur, pln = draft.seller_orders
    assert (eur.currency, eur.total, eur.charge.total, eur.charge.items) == (
        "EUR",
        Money(2490, "EUR"),
        Money(2076, "GBP"),
        Money(1668, "GBP"),
    )
    assert (pln.currency, pln.charge.total, pln.charge.rate) == ("PLN", Money(2083, "GBP"), Decimal("0.198523809524"))
    assert (draft.currency, draft.total, draft.items, draft.shipping) == (
        "GBP",
        Money(4159, "GBP"),
        Money(3653, "GBP"),
        Money(506, "GBP"),
    )
    assert draft.rate_origin == RateOrigin("ECB", DAY)
    assert eur.commission == Money(200, "EUR")  # 10 % of the seller's own price, in its currency


def test_a_currency_without_minor_units_rounds_to_whole_units():
    draft = build([line(1, 10, Money(2000, "EUR"), 1)], "JPY")
    # 24.90 EUR × 175.68 = 4374.432 → ¥4374 (JPY has no minor unit); items 20.00 × 175.68 = 3513.6 → ¥3514
    assert (draft.total, draft.items) == (Money(4374, "JPY"), Money(3514, "JPY"))


def test_a_seller_order_already_in_the_buyers_currency_is_not_converted():
    draft = build([line(1, 10, Money(2000, "EUR"), 1), line(2, 20, Money(10000, "PLN"), 2)], "EUR")
    eur, pln = draft.seller_orders
    assert eur.charge is None and pln.charge is not None
    assert draft.total == Money(2490 + pln.charge.total.amount, "EUR")


def test_a_seller_settled_in_another_currency_is_converted_line_by_line():
    draft = build([line(1, 10, Money(2000, "EUR"), 1, quantity=3)], "GBP", settlement={10: "PLN"})
    (part,) = draft.seller_orders
    assert part.currency == "PLN"
    assert part.lines[0].unit_price == Money(8400, "PLN")  # 20.00 × 4.2
    assert part.items == Money(25200, "PLN") and part.total == part.items + part.shipping.price
    assert part.commission == Money(2520, "PLN")


def test_one_sellers_offers_in_two_currencies_are_refused():
    with pytest.raises(CheckoutProblem) as raised:
        build([line(1, 10, Money(2000, "EUR"), 1), line(2, 10, Money(10000, "PLN"), 2)], "GBP")
    assert raised.value.code == "mixed_currencies"


def test_a_pair_without_a_rate_is_refused():
    with pytest.raises(CheckoutProblem) as raised:
        build([line(1, 10, Money(2000, "EUR"), 1)], "CHF")
    assert raised.value.code == "no_exchange_rate"
    assert raised.value.fields == {"seller.10": "No exchange rate from EUR to CHF."}

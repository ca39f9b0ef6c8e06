"""Pure checkout arithmetic (orders/domain/checkout.py) and shipping quotes (offers/domain/shipping.py)."""

import datetime as dt
from dataclasses import dataclass

import pytest

from comptoir.core.money import Money
from comptoir.offers.domain.pricing import BuyerContext, BuyerKind, DeliveredPricing, Quote
from comptoir.offers.domain.shipping import Rate, add_business_days, promise_dates, quote, rates_for_country
from comptoir.orders.domain.checkout import CheckoutProblem, LineInput, build_checkout, commission_for

FRIDAY = dt.date(2025, 1, 3)
SATURDAY = dt.date(2025, 1, 4)
MONDAY = dt.date(2025, 1, 6)


def eur(amount: int) -> Money:
    return Money(amount, "EUR")


def rate(
    rate_id=1,
    *,
    countries=("*",),
    level="standard",
    first=500,
    additional=100,
    transit=(2, 4),
    currency="EUR",
    zone="Zone",
) -> Rate:
    return Rate(
        rate_id,
        zone,
        tuple(countries),
        level,
        f"Carrier {rate_id}",
        Money(first, currency),
        Money(additional, currency),
        *transit,
    )


def line(
    offer_id, seller_id, *, price=1000, quantity=1, commission_bp=1000, handling_days=1, profile_id=None, currency="EUR"
) -> LineInput:
    return LineInput(
        offer_id,
        seller_id,
        100 + offer_id,
        f"Product {offer_id}",
        f"SKU-{offer_id}",
        Money(price, currency),
        quantity,
        commission_bp,
        handling_days,
        profile_id if profile_id is not None else seller_id,
    )


# --- shipping -------------------------------------------------------------------------------------


def test_quote_charges_first_item_then_additional_items():
    assert quote(rate(first=490, additional=150), 1).price == eur(490)
    assert quote(rate(first=490, additional=150), 3).price == eur(490 + 2 * 150)
    assert quote(rate(first=490, additional=0), 10).price == eur(490)


def test_quote_refuses_an_empty_parcel():
    with pytest.raises(ValueError):
        quote(rate(), 0)


def test_named_zone_wins_over_the_worldwide_fallback():
    france = rate(1, countries=("FR", "MC"), first=300)
    world = rate(2, countries=("*",), first=2000)
    assert rates_for_country([world, france], "FR") == [france]
    assert rates_for_country([world, france], "MC") == [france]


def test_worldwide_zone_serves_countries_no_named_zone_lists():
    france = rate(1, countries=("FR",))
    world = rate(2, countries=("*",))
    assert rates_for_country([france, world], "JP") == [world]


def test_no_zone_for_the_country_gives_no_rate():
    assert rates_for_country([rate(1, countries=("FR", "BE"))], "DE") == []


def test_business_days_skip_weekends():
    assert add_business_days(FRIDAY, 1) == MONDAY
    assert add_business_days(FRIDAY, 0) == FRIDAY
    assert add_business_days(MONDAY, 5) == MONDAY + dt.timedelta(days=7)
    # a weekend start counts from the next Monday
    assert add_business_days(SATURDAY, 0) == MONDAY
    assert add_business_days(SATURDAY, 1) == MONDAY + dt.timedelta(days=1)


def test_promise_dates_add_handling_then_transit_in_business_days():
    ship_by, earliest, latest = promise_dates(FRIDAY, 1, 2, 4)
    assert ship_by == MONDAY
    assert earliest == dt.date(2025, 1, 8)  # Wednesday
    assert latest == dt.date(2025, 1, 10)  # Friday


# --- grouping and pricing -------------------------------------------------------------------------


def test_lines_are_grouped_into_one_seller_order_per_seller():
    # given three lines of two sellers, in mixed order
    lines = [line(3, 20, price=700), line(1, 10, price=1000, quantity=2), line(2, 10, price=250)]
    rates = {10: [rate(1, first=500, additional=100)], 20: [rate(2, first=300, additional=50)]}

    # when the checkout is built
    draft = build_checkout(
        lines=lines, rates_by_profile=rates, destination_country="FR", service_levels={}, placed_on=MONDAY
    )

    # then each seller has one part with its own items, shipping (per parcel) and total
    assert [part.seller_id for part in draft.seller_orders] == [10, 20]
    first, second = draft.seller_orders
    assert [item.offer_id for item in first.lines] == [1, 2]
    assert first.items == eur(2 * 1000 + 250)
    assert first.shipping.price == eur(500 + 2 * 100)  # 3 items: first + 2 additional
    assert second.items == eur(700) and second.shipping.price == eur(300)
    assert draft.items == eur(2950) and draft.shipping == eur(1000)
    assert draft.total == eur(3950) == first.total + second.total
    assert draft.currency == "EUR"


def test_cheapest_service_level_is_the_default_and_a_named_one_is_honoured():
    rates = {10: [rate(1, level="express", first=1500, transit=(1, 1)), rate(2, level="standard", first=500)]}
    default = build_checkout(
        lines=[line(1, 10)], rates_by_profile=rates, destination_country="FR", service_levels={}, placed_on=MONDAY
    )
    express = build_checkout(
        lines=[line(1, 10)],
        rates_by_profile=rates,
        destination_country="FR",
        service_levels={10: "express"},
        placed_on=MONDAY,
    )

    assert default.seller_orders[0].shipping.service_level == "standard"
    assert default.seller_orders[0].shipping.price == eur(500)
    assert express.seller_orders[0].shipping.service_level == "express"
    assert express.seller_orders[0].shipping.price == eur(1500)
    assert express.seller_orders[0].deliver_by == add_business_days(express.seller_orders[0].ship_by, 1)


def test_service_level_is_chosen_per_seller():
    rates = {
        10: [rate(1, level="standard"), rate(2, level="express", first=900)],
        20: [rate(3, level="standard"), rate(4, level="express", first=900)],
    }
    draft = build_checkout(
        lines=[line(1, 10), line(2, 20)],
        rates_by_profile=rates,
        destination_country="FR",
        service_levels={20: "express"},
        placed_on=MONDAY,
    )
    assert {part.seller_id: part.shipping.service_level for part in draft.seller_orders} == {
        10: "standard",
        20: "express",
    }


def test_unknown_service_level_is_refused_with_the_available_ones():
    rates = {10: [rate(1, level="standard"), rate(2, level="express")]}
    with pytest.raises(CheckoutProblem) as raised:
        build_checkout(
            lines=[line(1, 10)],
            rates_by_profile=rates,
            destination_country="FR",
            service_levels={10: "drone"},
            placed_on=MONDAY,
        )
    assert raised.value.code == "shipping_unavailable"
    assert "express, standard" in raised.value.fields["shipping.10"]


def test_seller_not_shipping_to_the_destination_is_refused_per_seller():
    rates = {10: [rate(1, countries=("FR",))], 20: [rate(2, countries=("*",))]}
    with pytest.raises(CheckoutProblem) as raised:
        build_checkout(
            lines=[line(1, 10), line(2, 20)],
            rates_by_profile=rates,
            destination_country="DE",
            service_levels={},
            placed_on=MONDAY,
        )
    assert raised.value.code == "shipping_unavailable"
    assert set(raised.value.fields) == {"shipping.10"}


def test_named_zone_rate_is_used_rather_than_the_cheaper_worldwide_one():
    rates = {10: [rate(1, countries=("*",), first=100), rate(2, countries=("FR",), first=800, zone="France")]}
    draft = build_checkout(
        lines=[line(1, 10)], rates_by_profile=rates, destination_country="FR", service_levels={}, placed_on=MONDAY
    )
    assert draft.seller_orders[0].shipping.zone_name == "France"
    assert draft.seller_orders[0].shipping.price == eur(800)


def test_rates_in_another_currency_are_not_offered():
    rates = {10: [rate(1, currency="USD", first=100), rate(2, currency="EUR", first=600)]}
    draft = build_checkout(
        lines=[line(1, 10)], rates_by_profile=rates, destination_country="FR", service_levels={}, placed_on=MONDAY
    )
    assert draft.seller_orders[0].shipping.rate_id == 2


def test_mixed_currencies_are_refused():
    with pytest.raises(CheckoutProblem) as raised:
        build_checkout(
            lines=[line(1, 10, currency="EUR"), line(2, 20, currency="USD")],
            rates_by_profile={10: [rate(1)], 20: [rate(2, currency="USD")]},
            destination_country="FR",
            service_levels={},
            placed_on=MONDAY,
        )
    assert raised.value.code == "mixed_currencies"
    assert "EUR, USD" in raised.value.fields["lines"]


def test_empty_checkout_is_refused():
    with pytest.raises(CheckoutProblem) as raised:
        build_checkout(lines=[], rates_by_profile={}, destination_country="FR", service_levels={}, placed_on=MONDAY)
    assert raised.value.code == "empty_cart"


def test_slowest_handling_time_sets_the_seller_order_ship_by_date():
    rates = {10: [rate(1, transit=(2, 3))]}
    draft = build_checkout(
        lines=[line(1, 10, handling_days=1), line(2, 10, handling_days=3)],
        rates_by_profile=rates,
        destination_country="FR",
        service_levels={},
        placed_on=FRIDAY,
    )
    part = draft.seller_orders[0]
    assert part.ship_by == dt.date(2025, 1, 8)  # Fri + 3 business days = Wed
    assert part.deliver_by_earliest == dt.date(2025, 1, 10)
    assert part.deliver_by == dt.date(2025, 1, 13)  # over the weekend to Monday


def test_parcel_ships_on_the_profile_of_the_sellers_first_line():
    rates = {7: [rate(1, first=111)], 8: [rate(2, first=999)]}
    draft = build_checkout(
        lines=[line(5, 10, profile_id=8), line(4, 10, profile_id=7)],
        rates_by_profile=rates,
        destination_country="FR",
        service_levels={},
        placed_on=MONDAY,
    )
    assert draft.seller_orders[0].shipping.rate_id == 1


# --- commission -----------------------------------------------------------------------------------


def test_commission_rounds_half_to_even():
    # 10 % of 25 cents is 2.5 -> 2; 10 % of 35 cents is 3.5 -> 4
    assert commission_for([line(1, 10, price=25, commission_bp=1000)], "EUR") == eur(2)
    assert commission_for([line(1, 10, price=35, commission_bp=1000)], "EUR") == eur(4)
    # 12 % of 19.99 = 2.3988 -> 2.40
    assert commission_for([line(1, 10, price=1999, commission_bp=1200)], "EUR") == eur(240)


def test_commission_is_rounded_once_over_the_seller_order_not_per_line():
    # two lines of 2.5 cents each: per-line rounding would give 2 + 2, the order owes 5
    lines = [line(1, 10, price=25, commission_bp=1000), line(2, 10, price=25, commission_bp=1000)]
    assert commission_for(lines, "EUR") == eur(5)


def test_commission_uses_each_line_rate():
    lines = [line(1, 10, price=10_000, commission_bp=1500), line(2, 10, price=10_000, quantity=2, commission_bp=800)]
    assert commission_for(lines, "EUR") == eur(1500 + 1600)
    rates = {10: [rate(1)]}
    draft = build_checkout(
        lines=lines, rates_by_profile=rates, destination_country="FR", service_levels={}, placed_on=MONDAY
    )
    assert draft.seller_orders[0].commission == eur(3100)


def test_commission_on_a_zero_decimal_currency():
    assert commission_for([line(1, 10, price=999, commission_bp=1250, currency="JPY")], "JPY") == Money(
        125, "JPY"
    )  # 124.875 -> 125


# --- pricing seam -----------------------------------------------------------------------------------


@dataclass(frozen=True)
class HandlingFeePricing:
    """A strategy that adds a fixed fee per parcel: stands for a tax or duty the seam may add one day."""

    fee: int

    def quote(self, *, price: Money, shipping: Money | None, buyer: BuyerContext) -> Quote:
        base = DeliveredPricing().quote(price=price, shipping=shipping, buyer=buyer)
        delivered = base.delivered + Money(self.fee, price.currency) if base.delivered else None
        return Quote(
            item=base.item, shipping=base.shipping, delivered=delivered, total=delivered, currency=price.currency
        )


def test_each_seller_order_is_charged_what_the_pricing_strategy_quotes():
    # given two sellers' lines and a strategy that adds 150 per parcel for a business buyer in Germany
    lines = [line(1, 10, price=1000, quantity=2), line(2, 20, price=700)]
    rates = {10: [rate(1, first=500, additional=100)], 20: [rate(2, first=300)]}
    buyer = BuyerContext(country="DE", currency="EUR", kind=BuyerKind.BUSINESS, channel="api")

    # when the checkout is built through it
    draft = build_checkout(
        lines=lines,
        rates_by_profile=rates,
        destination_country="DE",
        service_levels={},
        placed_on=MONDAY,
        pricing=HandlingFeePricing(fee=150),
        buyer=buyer,
    )

    # then items and shipping are the offers' own, and each total is the strategy's delivered price
    first, second = draft.seller_orders
    assert first.items == eur(2000) and first.shipping.price == eur(600) and first.total == eur(2750)
    assert second.total == eur(700 + 300 + 150)
    assert draft.total == eur(2750 + 1150)


def test_the_default_strategy_charges_items_plus_shipping():
    draft = build_checkout(
        lines=[line(1, 10, price=1234)],
        rates_by_profile={10: [rate(1, first=456)]},
        destination_country="FR",
        service_levels={},
        placed_on=MONDAY,
    )

    assert draft.total == draft.seller_orders[0].total == eur(1234 + 456)


def test_an_invalid_destination_country_is_a_checkout_problem_not_a_crash():
    with pytest.raises(CheckoutProblem) as problem:
        build_checkout(
            lines=[line(1, 10)],
            rates_by_profile={10: [rate(1)]},
            destination_country="france",
            service_levels={},
            placed_on=MONDAY,
        )

    assert problem.value.code == "invalid_address"


def test_a_taxed_line_and_shipping_are_repriced_with_every_other_field_kept():
    # given a line and a shipping quote with every field set to a value of its own
    from dataclasses import fields, replace

    from comptoir.offers.domain.shipping import ShippingQuote
    from comptoir.orders.domain.checkout import LineTaxFacts, _line_priced, _shipping_priced

    facts = LineTaxFacts(
        seller_country="PL", goods_country="DE", seller_charges_destination_vat=True, rates={"FR": 2000}
    )
    line = LineInput(11, 12, 13, "Title", "SKU-1", eur(1000), 3, 1250, 4, 15, facts)
    shipping = ShippingQuote(21, "express", "Carrier", "Zone", eur(700), 2, 5)
    # when they are repriced the fast way
    line_priced, shipping_priced = _line_priced(line, eur(1200)), _shipping_priced(shipping, eur(840))
    # then they equal what dataclasses.replace gives, field by field, and no field is left out
    assert len(fields(LineInput)) == 11 and len(fields(ShippingQuote)) == 7  # a new field must be passed on above
    assert line_priced == replace(line, unit_price=eur(1200))
    assert shipping_priced == replace(shipping, price=eur(840))
    assert line_priced.tax is facts and line_priced.unit_price == eur(1200)

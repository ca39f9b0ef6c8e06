"""Specific and compound duties at checkout, on the product page and in search (issue 12, docs/TAXES.md "Specific and
compound duties"). The shipped duty rules, an operator's tariff with illustrative rates (verify in Tares / TARIC):

- a German seller's chocolate (2 × EUR 11.90 incl. 19 % DE VAT, 1.25 kg gross each) to a Swiss buyer: the platform
  collects the Swiss VAT at checkout, so the duty too (DDP): CHF 40.00 per 100 kg gross × 2.5 kg = CHF 1.00 = EUR 1.05
  at the operator's CHF/EUR 1.05, with 8.1 % CH VAT on it: 0.09 — the duty line 1.05 + 0.09 = 1.14;
- without its gross weight, the same parcel's duty is unknown: nothing collected, "Duties may be charged on delivery";
- a US seller's EUR 120.00 box of chocolates (2 kg net) to Italy on 15 July 2028 (IOSS, the flat duty has lapsed):
  the compound "8.3 % + EUR 0.25/kg": 8.3 % of 124.90 (CIF) = 10.3667 + 0.50 = 10.87, with 22 % IT VAT 2.39;
- a US seller's EUR 160.00 cast-iron stove part of 50 kg to Germany (over EUR 150, DAP) at "12 % min EUR 0.50/kg":
  12 % = 19.20 < 25.00, the minimum applies; the product page's estimate: 25.00 + 19 % of 185.00 = 60.15."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.offers.selectors import offer_list_for_product, offer_vat_quotes
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_index_products
from comptoir.taxes.services import duty_rules_load, tariff_rates_load
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_product,
    make_seller_established_in,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
JULY_2026 = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
JULY_2028 = dt.datetime(2028, 7, 15, 12, 0, tzinfo=dt.UTC)
CHF_RATE = {**settings.COMPTOIR, "EXCHANGE_RATES": {"CHF/EUR": "1.05"}}
TARIFF = (
    "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source,"
    "specific_amount,specific_currency,specific_unit,specific_kind\n"
    "CH,1806,,,2026-01-01,,illustrative (verify in Tares),40.00,CHF,100kg_gross,plus\n"
    "EU,1806,,8.3,2026-01-01,,illustrative (verify in TARIC),0.25,EUR,kg_net,plus\n"
    "EU,7321,,12,2026-01-01,,illustrative (verify in TARIC),0.50,EUR,kg_net,minimum\n"
)


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"IT": 2200, "DE": 1900, "FR": 2000, "CH": 810}, imported_at=JULY_2026)
    with clock.frozen_at(JULY_2026):
        duty_rules_load()
        tariff_rates_load(text=TARIFF)


def offer_from(country: str, price: int, *, hs_code: str, shipping: int = 490, **product):
    seller = make_seller_established_in(country, f"{country} shop {hs_code}")
    profile = make_shipping_profile(seller, first_item_amount=shipping, express=False)
    profile.rates.update(countries=["IT", "DE", "FR", "CH"])
    return make_offer(
        seller=seller,
        product=make_product("Chocolate assortment", hs_code=hs_code, **product),
        price_amount=price,
        currency="EUR",
        shipping_profile=profile,
        ships_from_country=country,
    )


def buy(offer, *, to: str, at: dt.datetime = JULY_2026, quantity: int = 1) -> Order:
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "8001", "city": "City", "country": to}
    with clock.frozen_at(at):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
        )
    return Order.objects.get(pk=outcome.order.pk)


def duty_line(order):
    return OrderTaxLine.objects.filter(order=order, kind="duty").values_list(
        "reason", "tax_country", "net_amount", "vat_amount", "gross_amount"
    )


@override_settings(COMPTOIR=CHF_RATE)
def test_a_swiss_buyers_parcel_pays_the_duty_by_gross_weight_at_checkout():
    offer = offer_from("DE", 1190, hs_code="18063210", weight_grams=1000, gross_weight_grams=1250)

    order = buy(offer, to="CH", quantity=2)

    assert list(duty_line(order)) == [("duty_tariff_ch", "CH", 105, 9, 114)]
    seller_order = order.seller_orders.get()
    assert (seller_order.marketplace_vat_country, order.duty_amount) == ("CH", 114)
    assert order.total_amount == order.items_amount + order.shipping_amount + 114


@override_settings(COMPTOIR=CHF_RATE)
def test_without_its_gross_weight_the_swiss_parcel_owes_an_unknown_duty_shown_as_due_on_delivery():
    offer = offer_from("DE", 1190, hs_code="18063210", weight_grams=1000)

    order = buy(offer, to="CH", quantity=2)
    with clock.frozen_at(JULY_2026):
        quote = offer_vat_quotes(
            offer_list_for_product(offer.product_id).select_related("seller", "product"),
            country="CH",
            day=JULY_2026.date(),
        )[offer.pk]

    assert (list(duty_line(order)), order.duty_amount) == ([], 0)
    assert (quote.duty, quote.duties_at_delivery, quote.at_delivery_estimate) == (None, True, None)


@override_settings(COMPTOIR=CHF_RATE)
def test_search_prices_a_swiss_destination_with_the_duty_by_gross_weight():
    offer = offer_from("DE", 1190, hs_code="18063210", gross_weight_grams=1250)
    with clock.frozen_at(JULY_2026):
        search_index_products(product_ids=[offer.product_id])
        hits = search_products(SearchQuery(text="chocolate", country="CH"), placed_on=JULY_2026.date()).hits

    # one bar: 1.25 kg → 1.3 kg × CHF 0.40 = CHF 0.52 = EUR 0.546 → 0.55, + 8.1 % = 0.59; the item 10.00 net + 8.1 %
    # = 10.81 and the shipping 4.12 net + 8.1 % = 4.45
    assert hits[0].landed == Money(1081 + 445 + 59, "EUR")


def test_an_eu_import_pays_a_compound_duty_ad_valorem_plus_per_kg():
    offer = offer_from("US", 12000, hs_code="18069019", weight_grams=2000, gross_weight_grams=2300)

    order = buy(offer, to="IT", at=JULY_2028)

    assert list(duty_line(order)) == [("duty_tariff_eu", "IT", 1087, 239, 1326)]
    assert order.total_amount == 14640 + 598 + 1326


def test_a_minimum_specific_duty_applies_when_the_ad_valorem_part_is_smaller():
    offer = offer_from("US", 16000, hs_code="73211100", weight_grams=50000)

    with clock.frozen_at(JULY_2026):
        quote = offer_vat_quotes(
            offer_list_for_product(offer.product_id).select_related("seller", "product"),
            country="DE",
            day=JULY_2026.date(),
        )[offer.pk]

    # over EUR 150: customs collect the VAT on delivery (DAP); duty 25.00 + 19 % of (160.00 + 25.00) = 35.15
    assert (quote.duty, quote.duties_at_delivery, quote.at_delivery_estimate) == (None, True, Money(6015, "EUR"))

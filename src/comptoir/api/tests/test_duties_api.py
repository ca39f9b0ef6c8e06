"""Tax lines (VAT and duty) in the buyer's and the seller's order responses, and `GET /products/{id}?country=` pricing
an offer for a destination with its VAT and duties (docs/TAXES.md, "Duties")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.api.tests.conftest import assert_problem
from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import Order
from comptoir.orders.services import order_tax_lines
from comptoir.sellers.models import Seller
from comptoir.taxes.services import duty_rules_load
from comptoir.testing.builders import CARD_OK, make_offer, make_product, make_shipping_profile, make_vat_rates

pytestmark = pytest.mark.django_db
JULY = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
GBP = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": "0.85"}}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"IT": 2200, "DE": 1900, "CH": 810}, imported_at=JULY)
    with clock.frozen_at(JULY):
        duty_rules_load()


@pytest.fixture
def us_offer(seller_a):
    Seller.objects.filter(pk=seller_a.seller.pk).update(country="US")
    seller_a.seller.refresh_from_db()
    profile = make_shipping_profile(seller_a.seller, currency="EUR", first_item_amount=490, express=False)
    profile.rates.update(countries=["IT", "CH", "DE"])
    return make_offer(
        seller=seller_a.seller,
        product=make_product(hs_code="620610", country_of_origin="US"),
        price_amount=12000,
        currency="EUR",
        shipping_profile=profile,
        ships_from_country="US",
    )


def test_the_checkout_response_gives_the_duty(api, buyer_token, us_offer):
    address = {"name": "A Buyer", "street": "Via Roma 1", "postal_code": "00100", "city": "Roma", "country": "IT"}
    body = {
        "lines": [{"offer_id": us_offer.pk, "quantity": 1}],
        "shipping_address": address,
        "payment": {"card_number": "4242 4242 4242 4242"},
    }
    with clock.frozen_at(JULY):
        response = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "duty-1"})

    assert response.status_code == 201, response.content
    # EUR 3.00 duty and 0.66 of IT VAT on it (the taxable amount includes the duty)
    assert (response.json()["duty"]["amount"], response.json()["total"]["amount"]) == ("3.66", "156.04")
    # The tax lines of each seller order, as the order responses give them (read back after the fact here).
    [seller_order] = response.json()["seller_orders"]
    lines = seller_order["tax_lines"]
    assert [(line["kind"], line["rate"], line["net"]["amount"], line["vat"]["amount"]) for line in lines] == [
        ("item", "22", "120.00", "26.40"),
        ("shipping", "22", "4.90", "1.08"),
        ("duty", "22", "3.00", "0.66"),
    ]
    assert lines[0]["offer_id"] == us_offer.pk and lines[2]["offer_id"] is None
    assert {(line["regime"], line["collector"], line["tax_country"]) for line in lines} == {
        ("eu_import_ioss", "marketplace", "IT")
    }
    order = api.get(f"orders/{response.json()['number']}", token=buyer_token).json()
    assert order["seller_orders"][0]["tax_lines"] == lines
    # A replay answers the same (stored), and a summary built from the rows (a resumed checkout) gives the same lines.
    with clock.frozen_at(JULY):
        replay = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "duty-1"})
    assert replay.json()["seller_orders"][0]["tax_lines"] == lines
    assert order_tax_lines(Order.objects.get(number=response.json()["number"])) == {seller_order["number"]: lines}


def test_order_responses_carry_the_vat_and_duty_lines(api, buyer, buyer_token, seller_a, us_offer):
    address = {"name": "A Buyer", "street": "Via Roma 1", "postal_code": "00100", "city": "Roma", "country": "IT"}
    with clock.frozen_at(JULY):
        outcome = order_checkout(
            buyer=buyer,
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": us_offer.pk, "quantity": 1}],
        )
    number = outcome.order.number

    order = api.get(f"orders/{number}", token=buyer_token).json()

    assert (order["duty"]["amount"], order["total"]["amount"]) == ("3.66", "156.04")
    lines = order["seller_orders"][0]["tax_lines"]
    assert [
        (line["kind"], line["offer_id"], line["rate"], line["vat"]["amount"], line["gross"]["amount"]) for line in lines
    ] == [
        ("item", us_offer.pk, "22", "26.40", "146.40"),
        ("shipping", None, "22", "1.08", "5.98"),
        ("duty", None, "22", "0.66", "3.66"),
    ]
    assert lines[2]["reason"] == "duty_flat_per_item_eu" and lines[2]["collector"] == "marketplace"

    seller_order = api.get(f"seller/orders/{number}-1", token=seller_a.key).json()
    assert seller_order["duty"]["amount"] == "3.66"
    # Net to the seller, as the release books it: 156.04 paid, less the IT VAT the marketplace remits (26.40 + 1.08 +
    # 0.66), less the duty (3.00), less the commission: the seller's own net prices 120.00 + 4.90, less commission.
    commission = Decimal(seller_order["commission"]["amount"])
    assert seller_order["marketplace_vat"]["amount"] == "28.14"
    assert Decimal(seller_order["net"]["amount"]) == Decimal("124.90") - commission
    assert [line["kind"] for line in seller_order["tax_lines"]] == ["item", "shipping", "duty"]
    listed = api.get("seller/orders", token=seller_a.key).json()["results"][0]
    assert listed["tax_lines"] == seller_order["tax_lines"]


@override_settings(COMPTOIR=GBP)
def test_product_detail_prices_each_offer_for_the_destination(api, us_offer):
    with clock.frozen_at(JULY):
        italy = api.get(f"products/{us_offer.product_id}?country=it&currency=GBP").json()["offers"][0]["destination"]
        swiss = api.get(f"products/{us_offer.product_id}?country=CH").json()["offers"][0]["destination"]
        plain = api.get(f"products/{us_offer.product_id}").json()["offers"][0]

    assert italy["country"] == "IT"
    assert [italy[name]["amount"] for name in ("item", "shipping", "duty", "delivered")] == [
        "146.40",
        "5.98",
        "3.66",
        "156.04",
    ]
    assert italy["delivered_in_currency"]["currency"] == "GBP"
    assert italy["vat"] == {"rate": "22", "tax_country": "IT", "collector": "marketplace", "regime": "eu_import_ioss"}
    assert (italy["charges_at_delivery"], italy["at_delivery_estimate"]) == (False, None)
    # Switzerland: the platform collects the VAT at checkout; no sourced duty rule, so duties may follow on delivery.
    assert (swiss["vat"]["regime"], swiss["duty"], swiss["charges_at_delivery"]) == ("ch_platform", None, True)
    assert plain["destination"] is None


def test_product_detail_refuses_a_country_that_is_not_two_letters(api, us_offer):
    assert_problem(api.get(f"products/{us_offer.product_id}?country=ITA"), 422)

"""A Swiss buyer's duty by gross weight on the storefront (docs/TAXES.md, "Specific and compound duties"): the product
page and the cart show the duty the platform collects at checkout, computed from the product's gross weight with an
operator's illustrative rate of CHF 40.00 per 100 kg gross (verify in Tares) at the operator's CHF/EUR 1.05; without
the gross weight, the page says duties may be charged on delivery."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.text import slugify

from comptoir.core import clock
from comptoir.orders.services import cart_line_set
from comptoir.taxes.services import duty_rules_load, tariff_rates_load
from comptoir.testing.builders import (
    make_offer,
    make_product,
    make_seller_established_in,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("tax_data")]
JULY = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
CHF_RATE = {**settings.COMPTOIR, "EXCHANGE_RATES": {"CHF/EUR": "1.05"}}
TARIFF = (
    "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source,"
    "specific_amount,specific_currency,specific_unit,specific_kind\n"
    "CH,1806,,,2026-01-01,,illustrative (verify in Tares),40.00,CHF,100kg_gross,plus\n"
)


@pytest.fixture
def tax_data():
    make_vat_rates({"CH": 810, "DE": 1900}, imported_at=JULY)
    with clock.frozen_at(JULY):
        duty_rules_load()
        tariff_rates_load(text=TARIFF)


def chocolate(**weights):
    seller = make_seller_established_in("DE", "Berliner Schokolade")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    profile.rates.update(countries=["CH", "DE"])
    return make_offer(
        seller=seller,
        product=make_product("Dark chocolate", hs_code="18063210", **weights),
        price_amount=1190,
        shipping_profile=profile,
        ships_from_country="DE",
    )


def product_url(offer) -> str:
    return f"/p/{offer.product_id}/{slugify(offer.product.title)[:80]}"


@override_settings(COMPTOIR=CHF_RATE)
def test_the_product_page_shows_the_duty_by_gross_weight_paid_at_checkout(client):
    offer = chocolate(gross_weight_grams=1250)

    with clock.frozen_at(JULY):
        body = client.get(product_url(offer) + "?country=CH").content.decode()

    # 1.25 kg → 1.3 kg × CHF 0.40 = CHF 0.52 = EUR 0.546 → 0.55, + 8.1 % CH VAT 0.04
    assert "+ customs duty €0.59, paid at checkout" in body
    assert "Duties may be charged on delivery" not in body


@override_settings(COMPTOIR=CHF_RATE)
def test_the_cart_weighs_the_units_together(client):
    offer = chocolate(gross_weight_grams=1250)
    buyer = make_user()
    client.force_login(buyer)
    cart_line_set(buyer=buyer, offer_id=offer.pk, quantity=2)

    with clock.frozen_at(JULY):
        cart = client.get("/cart?country=CH").content.decode()

    # 2.5 kg → CHF 1.00 = EUR 1.05, + 8.1 % = 0.09: 1.14 (not twice 0.59)
    assert "Customs duty" in cart and "€1.14" in cart


@override_settings(COMPTOIR=CHF_RATE)
def test_without_a_gross_weight_the_product_page_says_duties_may_be_charged_on_delivery(client):
    offer = chocolate(weight_grams=1000)

    with clock.frozen_at(JULY):
        body = client.get(product_url(offer) + "?country=CH").content.decode()

    assert "Duties may be charged on delivery." in body
    assert "customs duty €" not in body

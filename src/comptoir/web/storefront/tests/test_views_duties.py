"""Duties on the storefront (docs/TAXES.md, "Duties"): the product page's duty paid at checkout (DDP) or the notice of
what may be charged on delivery (DAP) with its estimate; the cart's duty row and total; the order page's duty line."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings
from django.utils.text import slugify

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.services import cart_line_set
from comptoir.taxes.services import duty_rules_load
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
JULY = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
DAP = {**settings.COMPTOIR, "TAXES": {**settings.COMPTOIR.get("TAXES", {}), "DUTY_HANDLING": "dap"}}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"IT": 2200, "CH": 810, "DE": 1900}, imported_at=JULY)
    with clock.frozen_at(JULY):
        duty_rules_load()


@pytest.fixture
def us_offer():
    seller = make_seller_established_in("US", "Brooklyn Blouses")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    profile.rates.update(countries=["IT", "CH", "DE", "FR"])
    return make_offer(
        seller=seller,
        product=make_product("Silk blouse", hs_code="620610"),
        price_amount=12000,
        shipping_profile=profile,
        ships_from_country="US",
    )


def product_url(offer) -> str:
    return f"/p/{offer.product_id}/{slugify(offer.product.title)[:80]}"


def test_the_product_page_shows_the_duty_paid_at_checkout(client, us_offer):
    with clock.frozen_at(JULY):
        body = client.get(product_url(us_offer) + "?country=IT").content.decode()

    assert "incl. 22 % VAT (IT)" in body
    # EUR 3.00 of duty and 0.66 of IT VAT on it: what the buyer pays for the duty (the taxable amount includes it)
    assert "+ customs duty €3.66, paid at checkout" in body


def test_the_product_page_headline_is_what_checkout_charges(client, us_offer):
    # 120.00 + 22 % IT VAT = 146.40, shipping 4.90 + VAT = 5.98, duty 3.00 + VAT = 3.66: 156.04, the checkout's total
    # (test_the_cart_and_checkout_pages_show_the_duty_and_the_total_with_it), not the price as entered plus shipping.
    with clock.frozen_at(JULY):
        body = client.get(product_url(us_offer) + "?country=IT").content.decode()

    assert "€156.04" in body and "€124.90" not in body
    assert "€146.40 + €5.98 delivery" in body


def test_the_seller_page_gives_the_delivered_price_with_vat_and_duty(client, us_offer):
    with clock.frozen_at(JULY):
        body = client.get(f"/s/{us_offer.seller.slug}?country=IT").content.decode()

    assert "€156.04" in body and "€146.40" in body and "€124.90" not in body


@override_settings(COMPTOIR=DAP)
def test_with_the_dap_choice_the_product_page_gives_the_duty_as_an_estimate_on_delivery(client, us_offer):
    with clock.frozen_at(JULY):
        body = client.get(product_url(us_offer) + "?country=IT").content.decode()

    assert "paid at checkout" not in body
    assert "Duties may be charged on delivery (estimate: €3.00)." in body


def test_a_swiss_buyer_is_told_duties_may_follow_on_delivery(client, us_offer):
    with clock.frozen_at(JULY):
        body = client.get(product_url(us_offer) + "?country=CH").content.decode()

    assert "% VAT (CH)" in body
    assert "Duties may be charged on delivery." in body


def test_the_cart_and_checkout_pages_show_the_duty_and_the_total_with_it(client, us_offer):
    buyer = make_user()
    client.force_login(buyer)
    cart_line_set(buyer=buyer, offer_id=us_offer.pk, quantity=1)

    with clock.frozen_at(JULY):
        cart = client.get("/cart?country=IT").content.decode()
        checkout = client.get("/checkout?country=IT").content.decode()

    assert "Customs duty" in cart and "€3.66" in cart and "€156.04" in cart
    assert "Customs duty" in checkout and "€156.04" in checkout


def test_the_order_page_shows_the_duty_paid_at_checkout(client, us_offer):
    buyer = make_user()
    address = {"name": "A", "street": "Via Roma 1", "postal_code": "00100", "city": "Roma", "country": "IT"}
    with clock.frozen_at(JULY):
        order = order_checkout(
            buyer=buyer,
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": us_offer.pk, "quantity": 1}],
        ).order
    client.force_login(buyer)

    body = client.get(f"/account/orders/{order.number}").content.decode()
    invoice = client.get(f"/account/orders/{order.number}/invoices/{order.number}-1").content.decode()

    assert "Customs duty paid at checkout (collected by the marketplace): €3.00" in body
    assert "Customs duty paid at checkout (collected by the marketplace): €3.00" in invoice
    assert "VAT on the duty: €0.66" in body and "VAT on the duty: €0.66" in invoice
    assert "22 % (IT)" in body
    # The 22 % row holds the goods, the shipping and the duty: 120.00 + 4.90 + 3.00 net, 28.14 VAT, 156.04.
    assert "€127.90" in invoice and "€28.14" in invoice and "€156.04" in invoice


def test_a_tariff_rate_gives_the_german_buyer_of_a_jumper_over_eur_150_its_estimate_on_delivery(client):
    # The operator's tariff (docs/TAXES.md "Tariff rates"): 12 % for CN 6110 11 90 into the EU. A US seller's EUR 200.00
    # jumper to Germany: over EUR 150, so customs collect the import VAT (DAP); duty 24.00 + 19 % of 224.00 = 42.56.
    from comptoir.taxes.services import tariff_rates_load

    with clock.frozen_at(JULY):
        tariff_rates_load(
            text="area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\nEU,61101190,,12,2026-01-01,,example\n"
        )
    seller = make_seller_established_in("US", "Brooklyn Knits")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    profile.rates.update(countries=["DE"])
    jumper = make_offer(
        seller=seller,
        product=make_product("Wool jumper", hs_code="61101190", country_of_origin="US"),
        price_amount=20000,
        shipping_profile=profile,
        ships_from_country="US",
    )

    with clock.frozen_at(JULY):
        body = client.get(product_url(jumper) + "?country=DE").content.decode()

    assert "(estimate: €66.56)" in body

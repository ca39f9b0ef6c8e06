"""VAT on the storefront: the product page's "incl. X % VAT (CC)" for the delivery country and the DAP warning, the
checkout with a business VAT number, the order page's VAT table and the invoice's reverse-charge mention; the seller
center's order page; the API's `vat_number`."""

import datetime as dt
import re

import pytest
from django.utils.text import slugify

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.orders.services import cart_line_set
from comptoir.sellers.models import Seller
from comptoir.taxes.models import VatNumberCheck, VatRate
from comptoir.testing.builders import CARD_OK, make_offer, make_seller, make_shipping_profile, make_user, make_vat_rates

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
REVERSE_CHARGE = "Intra-Community supply exempt under Art. 138"


@pytest.fixture(autouse=True)
def vat_rates():
    make_vat_rates({"FR": 2000, "ES": 2100, "DE": 1900, "NO": 2500}, imported_at=NOW)


@pytest.fixture
def spanish_offer():
    seller = make_seller("Tienda Sol", country="ES")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    return make_offer(seller=seller, price_amount=12100, shipping_profile=profile, ships_from_country="ES")


def product_url(offer) -> str:
    return f"/p/{offer.product_id}/{slugify(offer.product.title)[:80]}"


def test_the_product_page_shows_the_vat_of_the_delivery_country(client, spanish_offer):
    with clock.frozen_at(NOW):
        body = client.get(product_url(spanish_offer) + "?country=FR").content.decode()

    # Under the threshold the Spanish VAT applies, to a French consumer too.
    assert "incl. 21 % VAT (ES)" in body
    assert "€121.00" in body


def test_the_product_page_warns_of_import_charges_outside_the_eu(client, spanish_offer):
    with clock.frozen_at(NOW):
        body = client.get(product_url(spanish_offer) + "?country=NO").content.decode()

    assert "Import VAT and duties may be charged on delivery." in body
    assert "incl. 21 % VAT" not in body


def test_the_product_page_shows_the_marketplace_collected_vat_of_a_non_eu_seller(client):
    seller = make_seller("Swiss Watches", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country="CH")
    seller.refresh_from_db()
    offer = make_offer(
        seller=seller,
        price_amount=5900,
        shipping_profile=make_shipping_profile(seller, express=False),
        ships_from_country="CH",
    )
    VatRate.objects.create(
        country="CH", tax_class="standard", rate_bp=810, valid_from=dt.date(2026, 1, 1), source="t", imported_at=NOW
    )

    with clock.frozen_at(NOW):
        body = client.get(product_url(offer) + "?country=DE").content.decode()

    assert "incl. 19 % VAT (DE)" in body
    assert "€64.95" in body


def test_a_business_checkout_on_the_web_is_reverse_charged_and_its_invoice_says_so(client, spanish_offer):
    buyer = make_user()
    client.force_login(buyer)
    cart_line_set(buyer=buyer, offer_id=spanish_offer.pk, quantity=1)
    page = client.get("/checkout?country=DE").content.decode()
    assert 'name="vat_number"' in page
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {
        "name": "Firma GmbH",
        "street": "Hauptstr. 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_number": "DE136695976",
        "idempotency_key": key,
        "card_number": "4242 4242 4242 4242",
    }

    with clock.frozen_at(NOW):
        response = client.post("/checkout", form)

    order = Order.objects.get(buyer=buyer)
    assert response.status_code == 302
    assert (order.buyer_vat_number, order.total_amount) == ("DE136695976", 10405)
    assert VatNumberCheck.objects.filter(number="DE136695976", checked_by=buyer).count() == 1
    seller_order = order.seller_orders.get()
    detail = client.get(f"/account/orders/{order.number}").content.decode()
    assert "VAT breakdown" in detail and REVERSE_CHARGE in detail
    invoice = client.get(f"/account/orders/{order.number}/invoices/{seller_order.number}").content.decode()
    assert f"Invoice {seller_order.number}" in invoice
    assert REVERSE_CHARGE in invoice and "DE136695976" in invoice and "ESA28015865" in invoice


def test_an_invalid_vat_number_is_shown_next_to_its_field(client, spanish_offer):
    buyer = make_user()
    client.force_login(buyer)
    cart_line_set(buyer=buyer, offer_id=spanish_offer.pk, quantity=1)
    page = client.get("/checkout?country=DE").content.decode()
    key = re.search(r'name="idempotency_key" value="([0-9a-f]+)"', page).group(1)
    form = {
        "name": "Firma GmbH",
        "street": "Hauptstr. 1",
        "postal_code": "10115",
        "city": "Berlin",
        "country": "DE",
        "vat_number": "DE136695977",
        "idempotency_key": key,
        "card_number": "4242 4242 4242 4242",
    }

    response = client.post("/checkout", form)

    assert response.status_code == 422
    assert "This VAT number is not valid." in response.content.decode()
    assert not Order.objects.filter(buyer=buyer).exists()


def test_the_order_page_and_the_seller_center_show_the_vat_table(client, spanish_offer):
    buyer = make_user()
    with clock.frozen_at(NOW):
        order = order_checkout(
            buyer=buyer,
            shipping_address={"name": "A", "street": "B", "postal_code": "1", "city": "Lyon", "country": "FR"},
            payment_method=CARD_OK,
            lines=[{"offer_id": spanish_offer.pk, "quantity": 1}],
        ).order
    assert OrderTaxLine.objects.filter(order=order).count() == 2
    client.force_login(buyer)

    body = client.get(f"/account/orders/{order.number}").content.decode()

    assert "VAT breakdown" in body and "21 % (ES)" in body and "€21.85" in body  # 21.00 + 0.85 on the shipping
    other = make_user()
    client.force_login(other)
    seller_order = order.seller_orders.get()
    assert client.get(f"/account/orders/{order.number}/invoices/{seller_order.number}").status_code == 404


def test_the_api_checkout_takes_a_vat_number(client, spanish_offer):
    from comptoir.accounts.services import api_token_create

    buyer = make_user()
    token = api_token_create(user=buyer, name="test")[1]
    body = {
        "lines": [{"offer_id": spanish_offer.pk, "quantity": 1}],
        "shipping_address": {"name": "F", "street": "S", "postal_code": "1", "city": "Berlin", "country": "DE"},
        "payment": {"card_number": "4242424242424242"},
        "vat_number": "DE136695976",
    }

    with clock.frozen_at(NOW):
        response = client.post(
            "/api/v1/checkout",
            body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {token}", "Idempotency-Key": "vat-1"},
        )

    assert response.status_code == 201, response.content
    assert response.json()["total"]["amount_minor"] == 10405


def test_the_invoice_shows_its_credit_notes_per_line_and_rate(client, spanish_offer):
    from comptoir.checkout.services import seller_order_cancel
    from comptoir.orders.domain.state_machine import Actor

    buyer = make_user()
    address = {"name": "A Buyer", "street": "1 Rue", "postal_code": "75005", "city": "Paris", "country": "FR"}
    with clock.frozen_at(NOW):
        outcome = order_checkout(
            buyer=buyer,
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": spanish_offer.pk, "quantity": 1}],
        )
        seller_order = outcome.order.seller_orders.get()
        seller_order_cancel(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.OPERATOR, reason="Damaged")
    client.force_login(buyer)

    invoice = client.get(f"/account/orders/{outcome.order.number}/invoices/{seller_order.number}").content.decode()

    assert f"Credit note {seller_order.number}-C1 (invoice {seller_order.number})" in invoice
    assert "Damaged" in invoice
    assert "21 % (ES)" in invoice and "−€21.00" in invoice and "−€125.90" in invoice

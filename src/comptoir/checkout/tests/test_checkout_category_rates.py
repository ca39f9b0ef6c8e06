"""Tax categories at checkout, the worked cases of docs/TAXES.md "Categories": a book from a French seller to a German
consumer under the distance-sales threshold (French 5.5 %) and over it (German 7 %), to an Italian consumer over it
(Italian super-reduced 4 %); a child's jumper to a UK consumer (0 %); wine, an excise good: sold within France, refused
to a German consumer by the country rules, never IOSS when imported. Rates from the shipped category file."""

import datetime as dt
import io
import json

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import override_settings

from comptoir.catalog.services import product_tax_set
from comptoir.checkout.services import order_checkout
from comptoir.compliance.services import RULES_FILE, compliance_rules_load
from comptoir.core import clock
from comptoir.core.exceptions import Conflict
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.sellers.models import Seller
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_operator,
    make_seller,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC)
STANDARD = {"FR": 2000, "DE": 1900, "IT": 2200, "GB": 2000}
GBP_RATE = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": "0.85"}}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates(STANDARD, imported_at=NOON)
    with clock.frozen_at(NOON):
        call_command("tax", "categories-load", stdout=io.StringIO())


def offer_from(country: str, price: int, *, category: str, shipping: int = 490):
    seller = make_seller(f"{country} shop {category}", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country=country)
    seller.refresh_from_db()
    profile = make_shipping_profile(seller, first_item_amount=shipping, express=False)
    offer = make_offer(seller=seller, price_amount=price, shipping_profile=profile, ships_from_country=country)
    product_tax_set(product_id=offer.product_id, tax_class="standard", tax_category=category, actor=make_operator())
    return offer


def buy(offer, *, to: str, quantity: int = 1):
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "1000", "city": "City", "country": to}
    with clock.frozen_at(NOON):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
        )
    return Order.objects.get(pk=outcome.order.pk)


def tax_lines(order):
    return [
        (line.kind, line.regime, line.tax_country, line.rate_bp, line.net_amount, line.vat_amount)
        for line in OrderTaxLine.objects.filter(order=order).order_by("kind", "pk")
    ]


def test_a_book_to_a_german_consumer_under_the_threshold_bears_the_french_book_rate():
    book = offer_from("FR", 1055, category="books")  # EUR 10.55 incl. 5.5 % French VAT: 10.00 net

    order = buy(book, to="DE")

    # Shipping follows the book: EUR 4.90 incl. 5.5 % (4.64 net).
    assert tax_lines(order) == [
        ("item", "eu_distance_origin", "FR", 550, 1000, 55),
        ("shipping", "eu_distance_origin", "FR", 550, 464, 26),
    ]
    assert order.total_amount == 1055 + 490


def test_the_same_book_over_the_threshold_bears_the_german_book_rate():
    book = offer_from("FR", 1055, category="books")
    seller_tax_profile_set(seller_id=book.seller_id, charges_destination_vat=True, oss_registration="FR OSS")

    order = buy(book, to="DE")

    # The French 5.5 % comes out (10.00 net), the German 7 % goes in: 10.70; shipping 4.64 net + 7 % = 4.96.
    assert tax_lines(order) == [
        ("item", "eu_distance_oss", "DE", 700, 1000, 70),
        ("shipping", "eu_distance_oss", "DE", 700, 464, 32),
    ]
    assert (order.items_amount, order.shipping_amount) == (1070, 496)


def test_a_book_to_an_italian_consumer_over_the_threshold_bears_the_italian_super_reduced_rate():
    book = offer_from("FR", 1055, category="books")
    seller_tax_profile_set(seller_id=book.seller_id, charges_destination_vat=True)

    order = buy(book, to="IT")

    assert tax_lines(order)[0] == ("item", "eu_distance_oss", "IT", 400, 1000, 40)
    assert order.items_amount == 1040


@override_settings(COMPTOIR=GBP_RATE)
def test_a_childs_jumper_to_a_uk_consumer_is_zero_rated():
    jumper = offer_from("FR", 2400, category="childrens_clothing")  # EUR 24.00 incl. 20 % French VAT: 20.00 net

    order = buy(jumper, to="GB")

    # GBP 17 of goods: the marketplace is the supplier (uk_marketplace); children's clothing is zero-rated in the UK.
    assert tax_lines(order)[0] == ("item", "uk_marketplace", "GB", 0, 2000, 0)
    assert order.items_amount == 2000
    assert order.seller_orders.get().marketplace_vat_amount == 0


def test_a_product_without_a_category_row_keeps_its_class_rate():
    mug = offer_from("FR", 1200, category="")
    seller_tax_profile_set(seller_id=mug.seller_id, charges_destination_vat=True)

    order = buy(mug, to="DE")

    assert tax_lines(order)[0] == ("item", "eu_distance_oss", "DE", 1900, 1000, 190)


def load_excise_rule(tmp_path):
    shipped = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    rule = next(rule for rule in shipped["rules"] if rule["code"] == "eu_excise_distance_sales")
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"version": "test", "rules": [rule]}), encoding="utf-8")
    with clock.frozen_at(NOON):
        compliance_rules_load(path=path)


def test_wine_is_sold_within_france_and_refused_to_a_german_consumer(tmp_path):
    load_excise_rule(tmp_path)
    wine = offer_from("FR", 1800, category="alcohol")

    at_home = buy(wine, to="FR")
    assert tax_lines(at_home)[0] == ("item", "domestic", "FR", 2000, 1500, 300)

    with pytest.raises(Conflict) as refused:
        buy(wine, to="DE")
    assert refused.value.code == "offer_restricted_for_destination"
    assert "excise duty" in refused.value.message
    assert Order.objects.count() == 1


def test_imported_wine_is_never_ioss_customs_collect_at_the_border(tmp_path):
    load_excise_rule(tmp_path)  # imports are not refused: customs collect the excise and the import VAT
    wine = offer_from("US", 3000, category="alcohol")  # EUR 30.00 net, well under EUR 150

    order = buy(wine, to="IT")

    assert tax_lines(order)[0] == ("item", "eu_import_at_border", "IT", 0, 3000, 0)

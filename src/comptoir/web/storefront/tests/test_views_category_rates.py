"""Tax categories on the storefront and in the cart, through the same pricing path as checkout (docs/TAXES.md
"Categories"): a French bookseller over the distance-sales threshold shows German and Italian book VAT; a French wine
merchant's offer is left out for a German buyer with the reason on the product page, and shown to a French one."""

import datetime as dt
import io
import json

import pytest
from django.core.management import call_command
from django.utils.text import slugify

from comptoir.catalog.services import product_tax_set
from comptoir.compliance.services import RULES_FILE, compliance_rules_load
from comptoir.core import clock
from comptoir.orders.selectors import cart_summary_for_buyer
from comptoir.orders.services import cart_line_set
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import (
    make_offer,
    make_operator,
    make_seller,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"FR": 2000, "DE": 1900, "IT": 2200}, imported_at=NOW)
    with clock.frozen_at(NOW):
        call_command("tax", "categories-load", stdout=io.StringIO())


def french_offer(name: str, price: int, category: str):
    seller = make_seller(name, country="FR")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    offer = make_offer(seller=seller, price_amount=price, shipping_profile=profile, ships_from_country="FR")
    product_tax_set(product_id=offer.product_id, tax_class="standard", tax_category=category, actor=make_operator())
    return offer


def page(client, offer, country: str) -> str:
    url = f"/p/{offer.product_id}/{slugify(offer.product.title)[:80]}?country={country}"
    with clock.frozen_at(NOW):
        return client.get(url).content.decode()


def test_the_product_page_shows_the_destinations_book_rate(client):
    book = french_offer("Librairie du Port", 1055, "books")  # EUR 10.55 incl. 5.5 % French VAT
    seller_tax_profile_set(seller_id=book.seller_id, charges_destination_vat=True)

    in_germany, in_italy = page(client, book, "DE"), page(client, book, "IT")

    assert "incl. 7 % VAT (DE)" in in_germany and "€10.70" in in_germany
    assert "incl. 4 % VAT (IT)" in in_italy and "€10.40" in in_italy


def test_the_cart_prices_a_book_as_checkout_does(client):
    book = french_offer("Librairie du Port", 1055, "books")
    seller_tax_profile_set(seller_id=book.seller_id, charges_destination_vat=True)
    buyer = make_user()
    cart_line_set(buyer=buyer, offer_id=book.pk, quantity=2)

    summary = cart_summary_for_buyer(buyer=buyer, country="DE", placed_on=NOW.date())

    assert summary.groups[0].items.amount == 2140  # 2 x 10.70: German 7 %


def test_wine_from_france_is_left_out_for_a_german_buyer_with_the_reason(client, tmp_path):
    shipped = json.loads(RULES_FILE.read_text(encoding="utf-8"))
    rule = next(rule for rule in shipped["rules"] if rule["code"] == "eu_excise_distance_sales")
    path = tmp_path / "rules.json"
    path.write_text(json.dumps({"version": "test", "rules": [rule]}), encoding="utf-8")
    wine = french_offer("Cave Saint-Jean", 1800, "alcohol")
    with clock.frozen_at(NOW):
        compliance_rules_load(path=path)

    in_germany, in_france = page(client, wine, "DE"), page(client, wine, "FR")

    assert f'id="offer-{wine.pk}"' not in in_germany
    assert 'id="restrictions"' in in_germany and "which this marketplace does not collect" in in_germany
    assert f'id="offer-{wine.pk}"' in in_france and 'id="restrictions"' not in in_france

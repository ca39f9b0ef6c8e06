"""Search prices a product of a tax category as checkout does (docs/TAXES.md "Categories"), and a categories load
re-prices the index on commit (TaxRulesChanged), without a manual reindex.

The case: a French bookseller over the distance-sales threshold, a book at EUR 10.55 with EUR 4.90 shipping. Before
the category rows the book is a standard-rate product: 20 % French VAT comes out (8.79 and 4.08 net), the German 19 %
goes in: 10.46 + 4.86 = 15.32. After, the French book rate 5.5 % comes out (10.00 and 4.64 net) and the German book
rate 7 % goes in: 10.70 + 4.96 = 15.66."""

import datetime as dt
import io

import pytest
from django.core.management import call_command

from comptoir.catalog.services import product_tax_set
from comptoir.core import clock
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_reindex
from comptoir.search.tests.support import committed
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import (
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 10, 15, 12, 0, tzinfo=dt.UTC)


def price_in_germany() -> int:
    with clock.frozen_at(NOON):
        hits = search_products(SearchQuery(text="odyssee", country="DE"), placed_on=NOON.date()).hits
    return hits[0].landed.amount


def test_a_categories_load_reprices_search_with_the_destinations_book_rate():
    make_vat_rates({"FR": 2000, "DE": 1900}, imported_at=NOON)
    seller = make_seller("Librairie du Port", country="FR")
    seller_tax_profile_set(seller_id=seller.pk, charges_destination_vat=True, actor=make_operator())
    book = make_product("Odyssee")
    make_offer(
        seller=seller,
        product=book,
        price_amount=1055,
        ships_from_country="FR",
        shipping_profile=make_shipping_profile(seller, first_item_amount=490, express=False),
    )
    with clock.frozen_at(NOON), committed():
        product_tax_set(product_id=book.pk, tax_class="standard", tax_category="books", actor=make_operator())
    with clock.frozen_at(NOON):
        search_reindex()
    assert price_in_germany() == 1046 + 486

    with clock.frozen_at(NOON), committed():
        call_command("tax", "categories-load", stdout=io.StringIO())

    assert price_in_germany() == 1070 + 496

"""Search shows the delivered total checkout charges, duty included (issue 12: DDP, docs/TAXES.md "Duties").

Worked case: a US seller's EUR 120.00 silk blouse (HS 620610), shipping EUR 4.90, to a consumer in Italy on 15 July
2026. The marketplace is the deemed supplier (import of at most EUR 150, IOSS) and collects Italian VAT at 22 %:
item 146.40, shipping 5.98 (4.90 × 1.22 = 5.978, half-even); the EU's flat duty of EUR 3 per item applies from 1 July
2026 to consignments up to EUR 150 imported through IOSS, and the operator's choice is DDP, so checkout charges it with
its import VAT (Art. 86 Dir. 2006/112/EC: 3.00 × 22 % = 0.66): 146.40 + 5.98 + 3.66 = **156.04**. The index, the result
cards, the featured offer, the product page's destination price and the order all say 156.04; with the DAP choice
none of them adds the duty (152.38)."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.offers.selectors import offer_destination_prices, offer_list_for_product
from comptoir.search.domain.delivery import delivery_entry
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, featured_offer_for_product, search_cards, search_products
from comptoir.search.services import search_index_products
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
JUNE = dt.datetime(2026, 6, 15, 12, 0, tzinfo=dt.UTC)
DAP = {**settings.COMPTOIR, "TAXES": {**settings.COMPTOIR.get("TAXES", {}), "DUTY_HANDLING": "dap"}}
ROMA = {"name": "A", "street": "Via Roma 1", "postal_code": "00100", "city": "Roma", "country": "IT"}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"IT": 2200, "DE": 1900, "FR": 2000}, imported_at=JULY)
    with clock.frozen_at(JULY):
        duty_rules_load()


@pytest.fixture
def blouse():
    seller = make_seller_established_in("US", "Brooklyn Blouses")
    profile = make_shipping_profile(seller, first_item_amount=490, express=False)
    profile.rates.update(countries=["IT", "DE", "FR"])
    return make_offer(
        seller=seller,
        product=make_product("Silk blouse", hs_code="620610"),
        price_amount=12000,
        shipping_profile=profile,
        ships_from_country="US",
    )


def search_views(offer, *, at: dt.datetime) -> dict[str, int]:
    """The delivered total to Italy as each reader of prices gives it."""
    product_id = offer.product_id
    with clock.frozen_at(at):
        search_index_products(product_ids=[product_id])
        document = SearchDocument.objects.get(product_id=product_id)
        hits = search_products(SearchQuery(text="silk blouse", country="IT"), placed_on=at.date()).hits
        card = search_cards([product_id], country="IT", placed_on=at.date())[product_id]
        featured = featured_offer_for_product(product_id=product_id, country="IT", placed_on=at.date())
        page = offer_destination_prices(
            offer_list_for_product(product_id).select_related("product"), country="IT", day=at.date()
        )[offer.pk]
    entry = delivery_entry(document.delivery, "IT")
    assert entry is not None
    return {
        "index": entry[0],
        "search hit": hits[0].landed.amount,
        "card": card.lowest_landed.amount,
        "featured": featured.prices[offer.pk].total.amount,
        "product page": page.delivered.amount,
    }


def test_search_shows_the_delivered_total_with_the_duty_checkout_charges(blouse):
    views = search_views(blouse, at=JULY)
    with clock.frozen_at(JULY):
        order = order_checkout(
            buyer=make_user(),
            shipping_address=ROMA,
            payment_method=CARD_OK,
            lines=[{"offer_id": blouse.pk, "quantity": 1}],
        ).order

    assert (order.duty_amount, order.total_amount) == (366, 15604)  # the duty 3.00 and its VAT 0.66 (Art. 86)
    assert views == dict.fromkeys(views, 15604)


@override_settings(COMPTOIR=DAP)
def test_with_the_dap_choice_search_leaves_the_duty_to_the_delivery(blouse):
    assert search_views(blouse, at=JULY) == dict.fromkeys(
        ("index", "search hit", "card", "featured", "product page"), 14640 + 598
    )


def test_before_the_flat_duty_starts_the_relief_leaves_no_duty(blouse):
    # 15 June 2026: the EU's relief up to EUR 150 (no duty); the VAT is the same.
    assert search_views(blouse, at=JUNE) == dict.fromkeys(
        ("index", "search hit", "card", "featured", "product page"), 14640 + 598
    )

"""Buyers never see, nor buy, an offer that may not be sold to their delivery country: search results and their
cards, the product page's offers and featured offer, checkout (409, nothing written)."""

import datetime as dt

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.compliance.services import seller_registration_set
from comptoir.compliance.tests.support import KNIVES_GB, LUCID_DE, load_rules, slug_category
from comptoir.core.exceptions import Conflict
from comptoir.core.models import IdempotencyRecord
from comptoir.offers.models import Offer
from comptoir.orders.models import Order
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, featured_offer_for_product, search_cards, search_products
from comptoir.search.tests.support import committed
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_product, make_seller, make_user

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


def found(text, country):
    return [hit.product_id for hit in search_products(SearchQuery(text=text, country=country), placed_on=MONDAY).hits]


@pytest.fixture
def knife():
    kitchen = slug_category("kitchen")
    return make_product("Santoku knife", category=slug_category("knives", parent=kitchen), brand="Kai")


def test_search_and_its_cards_leave_out_a_product_no_offer_may_be_sold_to(tmp_path, knife):
    with committed():
        make_offer(product=knife)
    assert found("santoku", "GB") == [knife.pk]
    with committed():
        load_rules(tmp_path, KNIVES_GB)  # blocks, then reindexes the product on commit (OfferMarketsChanged)

    assert SearchDocument.objects.get(product_id=knife.pk).delivery["GB"] == []
    assert found("santoku", "GB") == []
    assert found("santoku", "FR") == [knife.pk]
    assert search_cards([knife.pk], country="GB", placed_on=MONDAY) == {}
    assert knife.pk in search_cards([knife.pk], country="FR", placed_on=MONDAY)


def test_the_destination_entry_uses_only_offers_that_may_be_sold_there(tmp_path):
    product = make_product("Teapot", brand="Kinto")
    registered, other = make_seller(), make_seller()
    with committed():
        cheap = make_offer(product=product, seller=other, price_amount=1000)
        dear = make_offer(product=product, seller=registered, price_amount=3000)
        load_rules(tmp_path, LUCID_DE)
        seller_registration_set(seller=registered, actor=None, scheme="de_lucid", country="DE", number="DE123")

    delivery = SearchDocument.objects.get(product_id=product.pk).delivery
    assert delivery["*"][2] == other.pk  # elsewhere the cheaper offer
    assert delivery["DE"][2] == registered.pk  # in Germany only the registered seller's
    cards = search_cards([product.pk], country="DE", placed_on=MONDAY)
    assert cards[product.pk].offer_count == 1

    featured = featured_offer_for_product(product_id=product.pk, country="DE", placed_on=MONDAY)
    assert set(featured.offers) == {dear.pk}
    assert featured.decision.winner.offer_id == dear.pk
    in_france = featured_offer_for_product(product_id=product.pk, country="FR", placed_on=MONDAY)
    assert set(in_france.offers) == {cheap.pk, dear.pk}


def test_checkout_refuses_a_restricted_offer_and_writes_nothing(tmp_path, knife):
    offer = make_offer(product=knife, stock=5)
    load_rules(tmp_path, KNIVES_GB)
    buyer = make_user()

    with pytest.raises(Conflict) as raised:
        order_checkout(
            buyer=buyer,
            shipping_address={**ADDRESS, "country": "GB", "postal_code": "SW1A 1AA", "city": "London"},
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
            idempotency_key="gb-1",
        )

    assert raised.value.code == "offer_restricted_for_destination"
    assert "Santoku knife" in raised.value.message and "GB" in raised.value.message
    assert raised.value.extra["reasons"] == [{"rule": "gb_bladed_items", "code": "prohibited_for_destination"}]
    assert not Order.objects.exists() and not IdempotencyRecord.objects.exists()
    assert Offer.objects.get(pk=offer.pk).stock == 5

    outcome = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key="fr-1",
    )
    assert outcome.order.number and Offer.objects.get(pk=offer.pk).stock == 4


def test_the_storefront_product_and_seller_pages_hide_a_restricted_offer(client, tmp_path, knife):
    offer = make_offer(product=knife)
    load_rules(tmp_path, KNIVES_GB)
    url = f"/p/{knife.pk}/santoku-knife"

    in_france = client.get(f"{url}?country=FR")
    in_britain = client.get(f"{url}?country=GB")

    assert [row["offer"].pk for row in in_france.context["rows"]] == [offer.pk]
    assert in_britain.context["rows"] == [] and in_britain.context["featured"] is None
    assert client.get(f"/s/{offer.seller.slug}?country=GB").context["offer_count"] == 0
    assert client.get(f"/s/{offer.seller.slug}?country=FR").context["offer_count"] == 1


def test_the_product_page_shows_the_manufacturer_and_the_eu_responsible_person(client, knife):
    from comptoir.compliance.services import manufacturer_set, responsible_person_set
    from comptoir.sellers.models import Seller

    offer = make_offer(product=knife)
    Seller.objects.filter(pk=offer.seller_id).update(country="US")
    manufacturer_set(
        seller=offer.seller,
        actor=None,
        name="KAI",
        address="3-9-5 Iwamoto-cho, Tokyo",
        email="eu@kai.example",
        country="JP",
    )
    responsible_person_set(
        seller=offer.seller,
        actor=None,
        name="Kai Europe GmbH",
        address="Kottendorfer Str. 5, 42697 Solingen",
        email="gpsr@kai-europe.example",
        country="DE",
    )

    page = client.get(f"/p/{knife.pk}/santoku-knife?country=FR").content.decode()

    assert "Manufacturer" in page and "3-9-5 Iwamoto-cho, Tokyo" in page and "eu@kai.example" in page
    assert "Responsible person in the EU" in page and "Kai Europe GmbH" in page and "gpsr@kai-europe.example" in page

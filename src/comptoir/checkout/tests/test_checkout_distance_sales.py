"""A French consumer buying from a Polish seller, under and over the EUR 10,000 distance-sales threshold, on every
surface that prices the offer (product page, search card, cart, checkout), and the count those surfaces read: orders
placed and not yet paid are in it, an order whose payment failed leaves it, and a sale crossing the threshold
re-prices the seller's search cards on commit (docs/TAXES.md, "The crossing sale").

The case: a Polish seller prices in euros, EUR 123.00 incl. 23 % PL VAT (net 100.00), shipping EUR 4.92 incl. 23 %
(net 4.00). Under the threshold the French consumer pays the Polish VAT: 123.00 + 4.92 = **127.92**. Over it, French
VAT at 20 %: 120.00 + 4.80 = **124.80**. The large offer: EUR 7,380.00 incl. 23 % (net 6,000.00), a parcel of
6,004.00 net with its shipping; the second such sale of the year (12,008.00) is the crossing one, at FR 20 %
(7,200.00 + 4.80)."""

import datetime as dt

import pytest
from django.test import TestCase
from django.utils.text import slugify

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.orders.selectors import cart_summary_for_buyer
from comptoir.orders.services.cart import cart_line_set
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_reindex
from comptoir.sellers.models import Seller
from comptoir.taxes.models import SellerDistanceSale, SellerTaxProfile
from comptoir.taxes.services import seller_distance_sale_count
from comptoir.testing.builders import (
    CARD_DECLINED,
    CARD_OK,
    CARD_REVIEW,
    make_offer,
    make_product,
    make_seller,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
NOW = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
PARIS = {"name": "Marie Curie", "street": "1 place du Panthéon", "postal_code": "75005", "city": "Paris"}
UNDER, OVER = 12300 + 492, 12000 + 480
LARGE_PARCEL_NET = 600000 + 400


@pytest.fixture(autouse=True)
def vat_rates():
    make_vat_rates({"FR": 2000, "PL": 2300}, imported_at=NOW)


@pytest.fixture
def seller():
    seller = make_seller("Sklep Wisła", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country="PL")  # the test trader identifiers cover EU traders only
    seller.refresh_from_db()
    return seller


def offer_of(seller, *, title: str, price: int):
    return make_offer(
        seller=seller,
        product=make_product(title),
        price_amount=price,
        ships_from_country="PL",
        shipping_profile=make_shipping_profile(seller, first_item_amount=492, express=False),
        stock=100,
    )


def checkout(offer, card=CARD_OK) -> Order:
    """A French consumer checks the offer out; the commit's callbacks run (the counter's task, search's reindexing)."""
    with clock.frozen_at(NOW), TestCase.captureOnCommitCallbacks(execute=True):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address={**PARIS, "country": "FR"},
            payment_method=card,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
        )
    return Order.objects.get(pk=outcome.order.pk)


def regime(order: Order) -> tuple[str, str, set[str]]:
    lines = OrderTaxLine.objects.filter(order=order)
    (found,) = {(line.regime, line.tax_country) for line in lines}
    return (*found, {line.reason for line in lines})


def shown(client, offer) -> tuple[str, int, int]:
    """What a French consumer is shown for one unit: the product page, the search card's delivered price, the cart's
    items total."""
    buyer = make_user()
    cart_line_set(buyer=buyer, offer_id=offer.pk, quantity=1)
    with clock.frozen_at(NOW):
        page = client.get(f"/p/{offer.product_id}/{slugify(offer.product.title)[:80]}?country=FR").content.decode()
        hits = search_products(SearchQuery(text=offer.product.title, country="FR"), placed_on=NOW.date()).hits
        cart = cart_summary_for_buyer(buyer=buyer, country="FR", placed_on=NOW.date())
    return page, hits[0].landed.amount, cart.groups[0].items.amount


def test_under_the_threshold_every_surface_shows_polish_vat(client, seller):
    offer = offer_of(seller, title="Bursztynowy naszyjnik", price=12300)
    with clock.frozen_at(NOW):
        search_reindex()

    page, card, cart = shown(client, offer)
    order = checkout(offer)

    assert "incl. 23 % VAT (PL)" in page and "€123.00" in page
    assert (card, cart) == (UNDER, 12300)
    assert regime(order) == ("eu_distance_origin", "PL", {"distance_sale_under_threshold"})
    assert order.total_amount == UNDER


def test_over_the_threshold_every_surface_shows_french_vat_without_a_reindex(client, seller):
    offer = offer_of(seller, title="Bursztynowy naszyjnik", price=12300)
    with clock.frozen_at(NOW):
        search_reindex()
    assert shown(client, offer)[1] == UNDER

    # The seller's sales of the year pass EUR 10,000 (counted by the filings app): search follows on commit.
    with clock.frozen_at(NOW), TestCase.captureOnCommitCallbacks(execute=True):
        seller_distance_sale_count(seller_id=seller.pk, seller_order_id=10**12, year=2026, net_eur_cents=1_000_001)

    page, card, cart = shown(client, offer)
    order = checkout(offer)

    assert "incl. 20 % VAT (FR)" in page and "€120.00" in page
    assert (card, cart) == (OVER, 12000)
    # Counted over (this year and next), the seller is priced as one charging destination VAT.
    assert regime(order) == ("eu_distance_oss", "FR", {"distance_sale_opted_destination"})
    assert order.total_amount == OVER


def test_the_crossing_sale_reprices_the_sellers_search_cards_on_commit(client, seller):
    necklace = offer_of(seller, title="Bursztynowy naszyjnik", price=12300)
    chest = offer_of(seller, title="Dębowa skrzynia", price=738000)
    with clock.frozen_at(NOW):
        search_reindex()

    first, crossing = checkout(chest), checkout(chest)

    assert regime(first) == ("eu_distance_origin", "PL", {"distance_sale_under_threshold"})
    assert regime(crossing) == ("eu_distance_oss", "FR", {"distance_sale_crosses_threshold"})
    assert crossing.items_amount == 720000
    assert SellerTaxProfile.objects.get(seller_id=seller.pk).counted_over_through_year == 2027
    page, card, cart = shown(client, necklace)
    assert "incl. 20 % VAT (FR)" in page
    assert (card, cart) == (OVER, 12000)


def test_a_unit_that_would_itself_cross_is_shown_at_french_vat(client, seller):
    # 9,950.00 counted (an order awaiting payment among them): the 100.00 net unit and its 4.00 shipping would pass
    # 10,000.00, so the product page, the card and the cart show what checkout charges for it.
    necklace = offer_of(seller, title="Bursztynowy naszyjnik", price=12300)
    seller_distance_sale_count(seller_id=seller.pk, seller_order_id=10**12, year=2026, net_eur_cents=995_000)
    with clock.frozen_at(NOW):
        search_reindex()

    page, card, cart = shown(client, necklace)
    order = checkout(necklace)

    assert "incl. 20 % VAT (FR)" in page
    assert (card, cart) == (OVER, 12000)
    assert regime(order) == ("eu_distance_oss", "FR", {"distance_sale_crosses_threshold"})


def test_an_order_placed_and_not_yet_paid_counts_for_the_next_checkout(seller):
    chest = offer_of(seller, title="Dębowa skrzynia", price=738000)

    held = checkout(chest, card=CARD_REVIEW)  # the payment is held for review: the order is not paid
    following = checkout(chest)

    assert held.status == "payment_review" and held.paid_at is None
    held_seller_order = held.seller_orders.get()
    assert SellerDistanceSale.objects.get(seller_order_id=held_seller_order.pk).net_eur_cents == LARGE_PARCEL_NET
    assert regime(held) == ("eu_distance_origin", "PL", {"distance_sale_under_threshold"})
    assert regime(following) == ("eu_distance_oss", "FR", {"distance_sale_crosses_threshold"})


def test_an_order_whose_payment_failed_leaves_the_count(seller):
    chest = offer_of(seller, title="Dębowa skrzynia", price=738000)

    declined = checkout(chest, card=CARD_DECLINED)
    first = checkout(chest)
    second = checkout(chest)

    assert declined.status == "payment_failed"
    assert SellerDistanceSale.objects.get(seller_order_id=declined.seller_orders.get().pk).net_eur_cents == 0
    # Only the paid sales count: the first is under the threshold, the second crosses it.
    assert regime(first) == ("eu_distance_origin", "PL", {"distance_sale_under_threshold"})
    assert regime(second) == ("eu_distance_oss", "FR", {"distance_sale_crosses_threshold"})
    counted = SellerDistanceSale.objects.filter(seller_id=seller.pk, year=2026).values_list("net_eur_cents", flat=True)
    assert sorted(counted) == [0, LARGE_PARCEL_NET, LARGE_PARCEL_NET]  # the same net at FR 20 % (7,200.00 gross)


def test_a_sale_over_the_threshold_is_counted_when_paid_not_when_placed(seller):
    # The seller is over this year (the crossing sale's count moved its profile over through next year): the sale's
    # outcome cannot change, so placing it writes no distance-sale row (one statement fewer); the payment's count
    # (the filings task) adds it.
    chest = offer_of(seller, title="Dębowa skrzynia", price=738000)
    first, crossing = checkout(chest), checkout(chest)
    held = checkout(chest, card=CARD_REVIEW)  # placed, not paid: not counted yet
    paid = checkout(chest)

    assert regime(crossing) == ("eu_distance_oss", "FR", {"distance_sale_crosses_threshold"})
    assert regime(held) == ("eu_distance_oss", "FR", {"distance_sale_opted_destination"})
    assert regime(paid) == ("eu_distance_oss", "FR", {"distance_sale_opted_destination"})
    counted = dict(SellerDistanceSale.objects.filter(seller_id=seller.pk).values_list("seller_order_id", "year"))
    assert held.seller_orders.get().pk not in counted
    assert {order.seller_orders.get().pk for order in (first, crossing, paid)} <= set(counted)
    assert set(counted.values()) == {2026}


def test_a_seller_declared_over_is_not_counted_when_placed(seller):
    SellerTaxProfile.objects.create(seller=seller, charges_destination_vat=True)
    vase = offer_of(seller, title="Wazon", price=12300)

    held = checkout(vase, card=CARD_REVIEW)

    assert regime(held) == ("eu_distance_oss", "FR", {"distance_sale_opted_destination"})
    assert not SellerDistanceSale.objects.filter(seller_id=seller.pk).exists()


def test_a_sale_over_by_the_count_not_yet_in_the_profile_is_not_counted_when_placed(seller):
    # The count passed EUR 10,000 (rows placed, the profile not recounted yet: how the bench runs, without a task
    # worker): the next sale is over the threshold by the count itself, and placing it writes no row either.
    SellerDistanceSale.objects.create(
        seller=seller, seller_order_id=10**9, year=2026, net_eur_cents=1_000_001, counted_at=NOW
    )
    vase = offer_of(seller, title="Wazon", price=12300)

    held = checkout(vase, card=CARD_REVIEW)

    assert regime(held) == ("eu_distance_oss", "FR", {"distance_sale_over_threshold"})
    assert list(SellerDistanceSale.objects.filter(seller_id=seller.pk).values_list("seller_order_id", flat=True)) == [
        10**9
    ]

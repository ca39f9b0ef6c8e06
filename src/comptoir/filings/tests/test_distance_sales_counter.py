"""The marketplace's count of a seller's intra-EU distance sales (docs/TAXES.md): a German seller selling EUR 6,000
parcels to French consumers crosses EUR 10,000 with its second sale, which is itself taxed in France (Art. 59c: the
supply in the course of which the threshold is exceeded); later sales of that year and of the next carry French VAT
(OSS), whatever its declaration says; a cancelled order no longer counts, nor does what a credit note gives back."""

import datetime as dt

import pytest
from django.test import TestCase

from comptoir.catalog.models import Product
from comptoir.checkout.services import order_checkout, seller_order_cancel, seller_order_complete, seller_order_credit
from comptoir.core import clock
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow
from comptoir.filings.services import distance_sales_count, distance_sales_recount
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.taxes.models import SellerDistanceSale, SellerTaxProfile, VatRate
from comptoir.taxes.selectors import seller_ids_charging_destination_vat
from comptoir.taxes.services import seller_distance_sale_count, seller_tax_profile_set
from comptoir.testing.builders import CARD_OK, make_offer, make_operator, make_product, make_user

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db
MARCH = dt.datetime(2026, 3, 20, 12, tzinfo=dt.UTC)
APRIL = dt.datetime(2026, 4, 10, 12, tzinfo=dt.UTC)


def regimes(order):
    return sorted({(line.regime, line.tax_country) for line in OrderTaxLine.objects.filter(order=order)})


def test_crossing_the_threshold_mid_year_switches_later_sales_to_destination_vat(vat_rates):
    offer = offer_from("DE", 600000)  # EUR 6,000.00 incl. 19 % DE VAT: 5,042.02 net, + 4.12 net shipping

    first = buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    second = buy(offer, to="FR", at=dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC))
    third = buy(offer, to="FR", at=dt.datetime(2026, 9, 7, 12, tzinfo=dt.UTC))

    # 5,046.14 counted, then 5,046.14 more: 10,092.28 > 10,000.00, so the second sale is the crossing one.
    assert regimes(first) == [("eu_distance_origin", "DE")]
    assert regimes(second) == [("eu_distance_oss", "FR")]
    assert {line.reason for line in OrderTaxLine.objects.filter(order=second)} == {"distance_sale_crosses_threshold"}
    assert second.total_amount == 605042 + 494  # 5,042.02 net + FR 20 %, 4.12 net shipping + 20 %
    assert regimes(third) == [("eu_distance_oss", "FR")]
    counted = SellerDistanceSale.objects.filter(seller_id=offer.seller_id, year=2026).order_by("seller_order_id")
    assert [row.net_eur_cents for row in counted][:2] == [504614, 504614]
    profile = SellerTaxProfile.objects.get(seller_id=offer.seller_id)
    assert (profile.charges_destination_vat, profile.counted_over_through_year) == (False, 2027)
    # The next year too (the threshold is tested on this year and last year), not the one after.
    assert (
        buy(offer, to="FR", at=dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)).tax_lines.first().regime == "eu_distance_oss"
    )
    assert seller_ids_charging_destination_vat({offer.seller_id}, year=2028) == set()
    assert seller_ids_charging_destination_vat({offer.seller_id}, year=2027) == {offer.seller_id}


def test_the_declaration_over_wins_even_when_the_counter_is_under(vat_rates):
    offer = offer_from("DE", 10000)
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)

    order = buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))

    assert regimes(order) == [("eu_distance_oss", "FR")]
    assert (
        SellerDistanceSale.objects.get(seller_id=offer.seller_id).net_eur_cents == 8403 + 412
    )  # 84.03 + 4.12 net (the DE VAT out of 100.00 and 4.90)


def test_domestic_and_counted_again_sales_do_not_add_up(vat_rates):
    offer = offer_from("DE", 600000)
    domestic = buy(offer, to="DE", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    distance = buy(offer, to="FR", at=dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC))

    distance_sales_count(seller_order_ids=[distance.seller_orders.get().pk, domestic.seller_orders.get().pk])
    assert distance_sales_recount(year=2026) == 1

    assert list(SellerDistanceSale.objects.values_list("seller_order_id", "net_eur_cents")) == [
        (distance.seller_orders.get().pk, 504614)
    ]


def test_a_cancelled_order_no_longer_counts(vat_rates):
    offer = offer_from("DE", 600000)
    orders = [buy(offer, to="FR", at=dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)) for day in (2, 3)]
    assert SellerTaxProfile.objects.get(seller_id=offer.seller_id).counted_over_through_year == 2027

    at = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    with clock.frozen_at(at), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_cancel(
            seller_order_id=orders[1].seller_orders.get().pk,
            actor=None,
            actor_role=Actor.OPERATOR,
            reason="out of stock",
        )

    assert SellerDistanceSale.objects.get(seller_order_id=orders[1].seller_orders.get().pk).net_eur_cents == 0
    assert SellerTaxProfile.objects.get(seller_id=offer.seller_id).counted_over_through_year is None
    # Only the first sale counts now (5,046.14): a small sale stays at origin VAT, another EUR 6,000 one crosses again.
    small = offer_from("DE", 10000, seller=offer.seller)
    assert regimes(buy(small, to="FR", at=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC))) == [("eu_distance_origin", "DE")]
    crossing = buy(offer, to="FR", at=dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    assert {line.reason for line in OrderTaxLine.objects.filter(order=crossing)} == {"distance_sale_crosses_threshold"}


def test_counting_is_idempotent_and_refuses_a_negative_amount(vat_rates):
    offer = offer_from("DE", 100)
    for _ in range(2):
        result = seller_distance_sale_count(
            seller_id=offer.seller_id, seller_order_id=7, year=2026, net_eur_cents=1_000_001
        )
    assert (result.net_eur_cents, result.counted_over_through_year) == (1_000_001, 2027)
    with pytest.raises(Exception, match="not negative"):
        seller_distance_sale_count(seller_id=offer.seller_id, seller_order_id=8, year=2026, net_eur_cents=-1)


def released(order, *, at: dt.datetime):
    seller_order = order.seller_orders.get()
    owner = seller_order.seller.members.get().user
    with clock.frozen_at(at):
        seller_order_accept(seller_order_id=seller_order.pk, actor=owner, seller=seller_order.seller)
        seller_order_ship(
            seller_order_id=seller_order.pk,
            actor=owner,
            carrier="UPS",
            tracking_number="1Z999",
            seller=seller_order.seller,
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    return seller_order


def credit(seller_order, quantities, *, key: str, at: dt.datetime):
    with clock.frozen_at(at), TestCase.captureOnCommitCallbacks(execute=True):
        return seller_order_credit(
            seller_order_id=seller_order.pk,
            key=key,
            quantities=quantities,
            reason="returned",
            actor=None,
            seller=seller_order.seller,
        ).credit_note


def test_a_credit_note_after_the_release_reduces_the_count_and_the_next_sale_is_decided_on_it(vat_rates):
    # EUR 3,000.00 incl. DE 19 % (2,521.01 net) x 2 + 5.90 shipping for two units (4.96 net): 5,046.98 counted.
    offer = offer_from("DE", 300000)
    seller_order = released(buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC), quantity=2), at=MARCH)
    assert OrderTaxLine.objects.get(seller_order=seller_order, kind="shipping").net_amount == 496
    row = SellerDistanceSale.objects.get(seller_order_id=seller_order.pk)
    assert row.net_eur_cents == 504698

    note = credit(seller_order, {seller_order.lines.get().pk: 1}, key="unit-1", at=APRIL)
    # A retry of the same note changes nothing.
    again = credit(seller_order, {seller_order.lines.get().pk: 1}, key="unit-1", at=APRIL)

    assert again.pk == note.pk and note.lines.get().net_amount == 252101
    row.refresh_from_db()
    assert row.net_eur_cents == 504698 - 252101  # 2,525.97: the credited unit no longer counts
    # 2,525.97 + 5,046.98 = 7,572.95: a second pair of units stays at origin (with the credited unit still counted it
    # would have made 10,093.96 and crossed).
    second = buy(offer, to="FR", at=dt.datetime(2026, 4, 20, 12, tzinfo=dt.UTC), quantity=2)
    assert regimes(second) == [("eu_distance_origin", "DE")]
    assert distance_sales_recount(year=2026) == 2
    assert sorted(SellerDistanceSale.objects.values_list("net_eur_cents", flat=True)) == [252597, 504698]


def test_the_oss_correction_of_a_credit_note_is_what_the_note_credits_line_by_line(vat_rates):
    # A German seller over the threshold (declared) sells a French consumer a book at the reduced rate and a lamp at
    # the standard rate: the note credits the book in the next quarter. The correction is exactly the book's net and
    # VAT at 5.5 %; a share of the refund spread over every line would have put most of it on the 20 % row.
    for country, rate_bp in (("FR", 550), ("DE", 700)):
        VatRate.objects.create(
            country=country,
            tax_class="reduced",
            rate_bp=rate_bp,
            valid_from=dt.date(2026, 1, 1),
            source="test",
            imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
        )
    offer = offer_from("DE", 11900)  # the lamp: 100.00 net of DE 19 %, 120.00 in France
    product = make_product()
    Product.objects.filter(pk=product.pk).update(tax_class="reduced")  # the operator's class for books
    book = make_offer(
        seller=offer.seller,
        product=product,
        price_amount=5350,  # 50.00 net of DE 7 %: 52.75 in France at 5.5 %
        currency="EUR",
        shipping_profile=offer.shipping_profile,
        ships_from_country="DE",
    )
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "1000", "city": "City", "country": "FR"}
    with clock.frozen_at(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)), TestCase.captureOnCommitCallbacks(execute=True):
        outcome = order_checkout(
            buyer=make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}, {"offer_id": book.pk, "quantity": 1}],
        )
    order = Order.objects.get(pk=outcome.order.pk)
    seller_order = released(order, at=MARCH)
    book_line = seller_order.lines.get(offer_id=book.pk)

    note = credit(seller_order, {book_line.pk: 1}, key="book", at=APRIL)

    [credited] = note.lines.all()
    assert (credited.net_amount, credited.vat_amount, credited.rate_bp) == (5000, 275, 550)
    q2 = selectors.vat_return(kind="oss", period=periods.quarter("2026-Q2"), seller_id=offer.seller_id)
    assert q2.rows == (ReturnRow("correction", "2026-Q1", "FR", 550, -5000, -275, "DE"),)
    q1 = selectors.vat_return(kind="oss", period=periods.quarter("2026-Q1"), seller_id=offer.seller_id)
    assert [(row.section, row.country, row.rate_bp) for row in q1.rows] == [
        ("supplies", "FR", 2000),
        ("supplies", "FR", 550),
    ]
    # The counter follows the note too: 150.00 + the shipping's net, less 50.00.
    shipping_net = OrderTaxLine.objects.get(seller_order=seller_order, kind="shipping").net_amount
    assert SellerDistanceSale.objects.get(seller_order_id=seller_order.pk).net_eur_cents == 15000 + shipping_net - 5000


def test_the_cart_prices_the_crossing_sale_as_checkout_charges_it(vat_rates):
    from comptoir.orders.selectors import cart_summary_for_buyer
    from comptoir.orders.services.cart import cart_line_set

    offer = offer_from("DE", 600000)
    buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))  # 5,046.14 counted
    buyer = make_user()
    cart_line_set(buyer=buyer, offer_id=offer.pk, quantity=1)

    with clock.frozen_at(dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC)):
        summary = cart_summary_for_buyer(buyer=buyer, country="FR", placed_on=dt.date(2026, 3, 3))
    crossing = buy(offer, to="FR", at=dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC))

    # 6,050.42 at FR 20 %, as checkout charges the crossing sale (6,000.00 at DE 19 % before it crossed).
    assert summary.groups[0].items.amount == 605042
    assert crossing.items_amount == 605042

"""Real races: many checkouts at the same instant, each on its own database connection.

These run on SQLite (WAL, BEGIN IMMEDIATE, busy timeout) and on PostgreSQL (row locks taken in
primary-key order). They prove that stock is never oversold, that opposite line orders never
deadlock, and that concurrent retries of one Idempotency-Key create one order and one charge."""

from collections import Counter

import pytest
from django.db.models import Sum

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.core.exceptions import Conflict
from comptoir.core.models import IdempotencyRecord
from comptoir.offers.models import Offer
from comptoir.orders.models import Order, OrderLine, SellerOrder
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.orders.tests.support import account_balance
from comptoir.payments.models import JournalEntry, Payment
from comptoir.payments.verify import ledger_verify
from comptoir.testing.builders import ADDRESS, CARD_DECLINED, CARD_OK, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db(transaction=True)

THREADS = 20


def error_codes(outcomes) -> Counter:
    return Counter(
        outcome.error.code if isinstance(outcome.error, Conflict) else repr(outcome.error)
        for outcome in outcomes
        if outcome.error
    )


def sold_quantity(offer) -> int:
    return (
        OrderLine.objects.filter(offer=offer, seller_order__order__status="paid").aggregate(total=Sum("quantity"))[
            "total"
        ]
        or 0
    )


def test_hot_offer_is_never_oversold():
    # given a hot offer with 5 units and 16 buyers
    offer = make_offer(stock=5, price_amount=1000)
    buyers = [make_user() for _ in range(THREADS)]

    # when they all check out one unit at the same instant
    outcomes = run_concurrently(
        THREADS,
        lambda index: order_checkout(
            buyer=buyers[index],
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
            idempotency_key=f"hot-{index}",
        ),
    )

    # then exactly 5 got an order and every other one was told the stock ran out
    successes = [outcome.value for outcome in outcomes if outcome.error is None]
    assert [result.order_status for result in successes] == ["paid"] * 5
    assert error_codes(outcomes) == Counter({"insufficient_stock": THREADS - 5})
    # and the database agrees: stock 0, five paid orders of one unit, five charges, five captures
    offer.refresh_from_db()
    assert offer.stock == 0
    assert Order.objects.count() == Order.objects.filter(status="paid").count() == 5
    assert sold_quantity(offer) == 5
    assert Payment.objects.filter(status="captured").count() == 5
    assert JournalEntry.objects.filter(kind="capture").count() == 5
    assert account_balance("seller_escrow", offer.seller_id) == -sum(result.order.total_amount for result in successes)
    # and the losers left no idempotency record behind, so they can retry under the same key
    assert IdempotencyRecord.objects.count() == 5
    report = ledger_verify()
    assert report.ok, report.problems


def test_mixed_quantities_never_sell_more_than_the_stock():
    # given 7 units and buyers asking for 1, 2 or 3 units each
    offer = make_offer(stock=7)
    buyers = [make_user() for _ in range(THREADS)]
    wanted = [1 + index % 3 for index in range(THREADS)]

    outcomes = run_concurrently(
        THREADS,
        lambda index: order_checkout(
            buyer=buyers[index],
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": wanted[index]}],
            idempotency_key=f"mixed-{index}",
        ),
    )

    assert set(error_codes(outcomes)) <= {"insufficient_stock"}
    sold = sum(wanted[outcome.index] for outcome in outcomes if outcome.error is None)
    offer.refresh_from_db()
    assert 0 <= offer.stock == 7 - sold
    assert sold_quantity(offer) == sold
    # no buyer was refused while enough stock for them remained at the end
    assert all(wanted[outcome.index] > offer.stock for outcome in outcomes if outcome.error)


def test_declines_racing_with_sales_put_every_unit_back():
    # given 5 units; half the buyers have a card that will be declined
    offer = make_offer(stock=5)
    buyers = [make_user() for _ in range(THREADS)]

    outcomes = run_concurrently(
        THREADS,
        lambda index: order_checkout(
            buyer=buyers[index],
            shipping_address=ADDRESS,
            payment_method=CARD_DECLINED if index % 2 else CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
            idempotency_key=f"decline-{index}",
        ),
    )

    # then declined orders failed and released their unit, so stock + units sold is still 5
    assert set(error_codes(outcomes)) <= {"insufficient_stock"}
    statuses = Counter(outcome.value.order_status for outcome in outcomes if outcome.error is None)
    assert set(statuses) <= {"paid", "payment_failed"}
    offer.refresh_from_db()
    assert offer.stock + sold_quantity(offer) == 5
    assert statuses["paid"] == sold_quantity(offer) == Order.objects.filter(status="paid").count()
    assert SellerOrder.objects.filter(order__status="payment_failed").exclude(status="cancelled").count() == 0
    assert JournalEntry.objects.filter(kind="capture").count() == statuses["paid"]


def test_opposite_line_orders_across_two_offers_never_deadlock():
    # given two offers of two sellers (whose ledger accounts do not exist yet), enough stock for everyone
    offer_x = make_offer(seller=make_seller("X"), stock=100)
    offer_y = make_offer(seller=make_seller("Y"), stock=100)
    buyers = [make_user() for _ in range(THREADS)]

    def checkout(index):
        pair = [(offer_x, 1 + index % 2), (offer_y, 2)]
        if index % 2:
            pair.reverse()  # half the buyers list the offers the other way round
        return order_checkout(
            buyer=buyers[index],
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity} for offer, quantity in pair],
            idempotency_key=f"pair-{index}",
        )

    # when they all check out at once
    outcomes = run_concurrently(THREADS, checkout)

    # then everyone succeeded (no deadlock, no lock timeout) and the stock moved by exactly what was sold
    assert [outcome.error for outcome in outcomes] == [None] * THREADS
    assert {outcome.value.order_status for outcome in outcomes} == {"paid"}
    offer_x.refresh_from_db()
    offer_y.refresh_from_db()
    assert offer_x.stock == 100 - sum(1 + index % 2 for index in range(THREADS)) == 100 - sold_quantity(offer_x)
    assert offer_y.stock == 100 - 2 * THREADS == 100 - sold_quantity(offer_y)
    assert SellerOrder.objects.filter(status="placed").count() == 2 * THREADS
    # and the ledger accounts created in the race exist once each, holding every capture
    assert account_balance("seller_escrow", offer_x.seller_id) == -sum(
        SellerOrder.objects.filter(seller=offer_x.seller).values_list("total_amount", flat=True)
    )
    assert account_balance("provider_clearing", None) == Order.objects.aggregate(total=Sum("total_amount"))["total"]
    # and the ledger sealed in those concurrent commits verifies (balanced entries, intact chain)
    report = ledger_verify()
    assert report.ok, report.problems


def test_concurrent_retries_of_one_idempotency_key_create_one_order_and_one_charge():
    # given one buyer whose client fires the same request 10 times at once
    offer = make_offer(stock=50)
    buyer = make_user()
    retries = 10

    outcomes = run_concurrently(
        retries,
        lambda index: order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 2}],
            idempotency_key="double-click",
        ),
    )

    # then exactly one order, one payment and one capture exist
    assert (
        Order.objects.count() == 1
        and Payment.objects.count() == 1
        and JournalEntry.objects.filter(kind="capture").count() == 1
    )
    order = Order.objects.get()
    offer.refresh_from_db()
    assert offer.stock == 48
    # and every attempt either ran it, replayed it, or was told to retry shortly; nothing else
    results = [outcome.value for outcome in outcomes if outcome.error is None]
    assert sum(not result.replayed for result in results) == 1
    assert {(result.order_status, result.summary["number"]) for result in results} == {("paid", order.number)}
    assert set(error_codes(outcomes)) <= {"idempotency_in_progress"}
    # and a later retry replays the stored response
    again = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 2}],
        idempotency_key="double-click",
    )
    assert again.replayed and again.order.pk == order.pk


def test_last_unit_across_many_offers_and_sellers():
    # given three offers with 2 units each, and buyers each wanting one unit of all three
    offers = [make_offer(seller=make_seller(), stock=2) for _ in range(3)]
    buyers = [make_user() for _ in range(THREADS)]

    def checkout(index):
        ordered = offers if index % 2 else list(reversed(offers))
        return order_checkout(
            buyer=buyers[index],
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1} for offer in ordered],
            idempotency_key=f"three-{index}",
        )

    outcomes = run_concurrently(THREADS, checkout)

    # then exactly two buyers got all three (all-or-nothing), everyone else nothing
    assert sum(outcome.error is None for outcome in outcomes) == 2
    assert error_codes(outcomes) == Counter({"insufficient_stock": THREADS - 2})
    assert [Offer.objects.get(pk=offer.pk).stock for offer in offers] == [0, 0, 0]
    assert SellerOrder.objects.count() == 6 and OrderLine.objects.aggregate(total=Sum("quantity"))["total"] == 6


def test_database_is_configured_for_the_locking_these_races_rely_on():
    # SQLite: WAL (readers never block the writer), BEGIN IMMEDIATE (a writer takes the lock up front instead of
    # failing to upgrade a read lock with "database is locked"), and a busy timeout so writers queue.
    # PostgreSQL: READ COMMITTED, so a guarded UPDATE re-checks `stock >= quantity` on the row a
    # concurrent checkout just committed instead of failing with a serialisation error.
    from django.db import connection

    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("PRAGMA journal_mode")
            assert cursor.fetchone()[0] == "wal"
            assert connection.transaction_mode == "IMMEDIATE"
            assert connection.settings_dict["OPTIONS"]["timeout"] >= 5
            cursor.execute("PRAGMA mmap_size")  # pages read through a memory map (docs/PERFORMANCE.md)
            assert cursor.fetchone()[0] == 256 * 1024 * 1024
        else:
            assert connection.vendor == "postgresql"
            cursor.execute("SHOW transaction_isolation")
            assert cursor.fetchone()[0] == "read committed"


def test_concurrent_checkouts_of_one_seller_make_exactly_one_crossing_sale():
    # given a Polish seller under the EUR 10,000 distance-sales threshold and four French consumers each buying a
    # parcel of 6,004.00 net (docs/TAXES.md, "The crossing sale")
    from comptoir.orders.models import OrderTaxLine
    from comptoir.sellers.models import Seller
    from comptoir.taxes.models import SellerDistanceSale
    from comptoir.testing.builders import make_product, make_shipping_profile, make_vat_rates

    make_vat_rates({"FR": 2000, "PL": 2300}, imported_at=clock.now())
    seller = make_seller("Sklep Wisła", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country="PL")
    seller.refresh_from_db()
    chest = make_offer(
        seller=seller,
        product=make_product("Dębowa skrzynia"),
        price_amount=738000,
        ships_from_country="PL",
        shipping_profile=make_shipping_profile(seller, first_item_amount=492, express=False),
        stock=10,
    )
    buyers = [make_user() for _ in range(4)]

    # when they check out at the same instant, each on its own connection
    outcomes = run_concurrently(
        4,
        lambda index: order_checkout(
            buyer=buyers[index],
            shipping_address={**ADDRESS, "country": "FR"},
            payment_method=CARD_OK,
            lines=[{"offer_id": chest.pk, "quantity": 1}],
        ),
    )

    # then every checkout succeeded and each decided on the sales written before it: one at origin (0 before it),
    # exactly one crossing (6,004.00 before it), two over the threshold (12,008.00 and 18,012.00 before them)
    assert [outcome.error for outcome in outcomes] == [None] * 4
    reasons = Counter(
        OrderTaxLine.objects.filter(kind="item", order__seller_orders__seller=seller).values_list("reason", flat=True)
    )
    # (a later one may already read the counted-over flag the crossing sale's count set after its commit)
    over = reasons.pop("distance_sale_over_threshold", 0) + reasons.pop("distance_sale_opted_destination", 0)
    assert (reasons, over) == (
        Counter({"distance_sale_under_threshold": 1, "distance_sale_crosses_threshold": 1}),
        2,
    )
    assert (
        list(SellerDistanceSale.objects.filter(seller=seller).values_list("net_eur_cents", flat=True)) == [600400] * 4
    )

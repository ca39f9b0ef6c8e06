"""Bulk-generated marketplace history for tests and benchmarks: raw rows inserted without services (no events,
no trust bookkeeping), as a long-running marketplace would have them. Used by the trust rebuild tests and by
`comptoir bench trust`."""

from __future__ import annotations

import datetime as dt
import functools
import random
import time
from collections.abc import Callable

from django.db import connection, transaction

from comptoir.accounts.models import User
from comptoir.core import clock
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.trust.models import Message, Review


def sellers_bulk_create(count: int) -> list[int]:
    """`count` verified sellers inserted in bulk (no services, no events); their ids in primary-key order."""
    stamp = time.time_ns()
    now = clock.now()
    with transaction.atomic():
        Seller.objects.bulk_create(
            [
                Seller(
                    name=f"Bulk {index}",
                    slug=f"bulk-{stamp}-{index}",
                    status=SellerStatus.VERIFIED,
                    legal_name="Bulk SARL",
                    street="1 rue",
                    postal_code="75001",
                    city="Paris",
                    country="FR",
                    phone="+33 1 00 00 00 00",
                    email="bulk@example.com",
                    trade_register="RCS Paris",
                    trade_register_number="1",
                    vat_id="FR40303265045",
                    iban_encrypted="-",
                    iban_last4="0000",
                    self_certified_at=now,
                    verified_at=now,
                )
                for index in range(count)
            ],
            batch_size=2000,
        )
    return list(Seller.objects.filter(slug__startswith=f"bulk-{stamp}-").order_by("pk").values_list("pk", flat=True))


def _event(
    events: list[SellerOrderEvent],
    seller_order: SellerOrder,
    action: str,
    at: dt.datetime,
    role: str = "seller",
    data: dict | None = None,
) -> None:
    events.append(
        SellerOrderEvent(
            seller_order_id=seller_order.pk,
            seller_id_copy=seller_order.seller_id,
            action=action,
            actor_role=role,
            data=data or {},
            created_at=at,
        )
    )


def generate_raw_history(
    *,
    sellers: int = 10_000,
    orders: int = 1_000_000,
    days: int = 90,
    seed: int = 3,
    chunk: int = 20_000,
    buyers: int | None = None,
    log: Callable[[str], object] = print,
) -> dict:
    """Raw source rows for `orders` seller orders over `sellers` Pareto-weighted sellers, bulk-inserted (no services,
    no trust tasks): per order the events a metric reads (payment_captured, accept, ship with tracking, deliver; 2 %
    cancelled by the seller instead, 3 % with a return request, 1 % with a dispute decided for the buyer), a review on
    one order in three (5 % of them hidden) and a buyer message with the seller's answer on one in twenty. Each seller
    order has its own order, placed by one of `buyers` buyers (default: one per ten orders; Pareto-weighted, joined up
    to two years ago, each with an address of its own) so that the review credibility analysis sees a realistic
    population of reviewers."""
    rng = random.Random(seed)
    stamp = time.time_ns()
    today = dt.date.today()
    started = time.perf_counter()
    seller_ids = sellers_bulk_create(sellers)
    buyer_count = buyers or max(1, orders // 10)
    now = clock.now()
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(
                    email=f"raw-bench-{stamp}-{index}@example.com",
                    password="!",
                    date_joined=now - dt.timedelta(days=rng.randrange(730)),
                )
                for index in range(buyer_count)
            ],
            batch_size=2000,
        )
    buyer_ids = list(
        User.objects.filter(email__startswith=f"raw-bench-{stamp}-").order_by("pk").values_list("pk", flat=True)
    )
    buyer_weights = [rng.paretovariate(2.0) for _ in buyer_ids]
    weights = [rng.paretovariate(1.5) for _ in seller_ids]
    counts = {"events": 0, "reviews": 0, "messages": 0}
    hour = dt.timedelta(hours=1)
    for start in range(0, orders, chunk):
        size = min(chunk, orders - start)
        with transaction.atomic():
            placed_list, parents, order_buyers = [], [], rng.choices(buyer_ids, weights=buyer_weights, k=size)
            for index, buyer_id in zip(range(start, start + size), order_buyers, strict=True):
                placed = dt.datetime.combine(
                    today - dt.timedelta(days=rng.randrange(days)),
                    dt.time(rng.randrange(24), rng.randrange(60)),
                    tzinfo=dt.UTC,
                )
                placed_list.append(placed)
                parents.append(
                    Order(
                        number=f"R{stamp % 10**9}-{index}",
                        buyer_id=buyer_id,
                        status="paid",
                        currency="EUR",
                        items_amount=1000,
                        shipping_amount=0,
                        total_amount=1000,
                        placed_at=placed,
                        paid_at=placed,
                        shipping_address={
                            "name": "B",
                            "street": f"{buyer_id} rue de la Paix",
                            "postal_code": "75001",
                            "city": "Paris",
                            "country": "FR",
                        },
                    )
                )
            Order.objects.bulk_create(parents, batch_size=2000)
            if parents[0].pk is None:  # backends that do not return ids from bulk inserts
                order_pks = dict(
                    Order.objects.filter(number__in=[order.number for order in parents]).values_list("number", "pk")
                )
                for order in parents:
                    order.pk = order_pks[order.number]
            seller_orders = []
            for index, seller_id, order, placed in zip(
                range(start, start + size),
                rng.choices(seller_ids, weights=weights, k=size),
                parents,
                placed_list,
                strict=True,
            ):
                seller_orders.append(
                    SellerOrder(
                        order=order,
                        seller_id=seller_id,
                        number=f"RB{stamp % 10**9}-{index}",
                        status="delivered",
                        currency="EUR",
                        items_amount=1000,
                        shipping_amount=0,
                        total_amount=1000,
                        commission_amount=100,
                        shipping_service_level="standard",
                        shipping_zone="FR",
                        ship_by=placed.date() + dt.timedelta(days=2),
                        deliver_by_earliest=placed.date() + dt.timedelta(days=3),
                        deliver_by=placed.date() + dt.timedelta(days=6),
                        placed_at=placed,
                    )
                )
            SellerOrder.objects.bulk_create(seller_orders, batch_size=2000)
            if seller_orders[0].pk is None:  # backends that do not return ids from bulk inserts
                pks = dict(
                    SellerOrder.objects.filter(number__in=[so.number for so in seller_orders]).values_list(
                        "number", "pk"
                    )
                )
                for so in seller_orders:
                    so.pk = pks[so.number]
            events: list[SellerOrderEvent] = []
            reviews: list[Review] = []
            messages: list[Message] = []
            for so, placed, buyer_id in zip(seller_orders, placed_list, order_buyers, strict=True):
                event = functools.partial(_event, events, so)
                event("payment_captured", placed, "system")
                draw = rng.random()
                if draw < 0.02:
                    event("cancel", placed + 5 * hour)
                    continue
                event("accept", placed + rng.choice((1, 2, 5, 30)) * hour)
                shipped = placed + dt.timedelta(days=rng.choice((1, 1, 1, 3)))
                event("ship", shipped, data={"carrier": "La Poste", "tracking_number": f"6A{so.pk:011d}"})
                delivered = shipped + dt.timedelta(days=2)
                event("deliver", delivered)
                if draw > 0.97:
                    event(
                        "request_return",
                        delivered + dt.timedelta(days=3),
                        "buyer",
                        {"return_reason": "not_as_described" if draw > 0.99 else "changed_mind"},
                    )
                elif 0.96 < draw <= 0.97:
                    event("dispute_decided", delivered + dt.timedelta(days=9), "operator", {"in_favour_of": "buyer"})
                if so.pk % 3 == 0:
                    at = delivered + dt.timedelta(days=1)
                    rating = rng.choice((2, 4, 4, 5, 5))
                    reviews.append(
                        Review(
                            seller_order_id=so.pk,
                            buyer_id=buyer_id,
                            seller_id=so.seller_id,
                            product_rating=rating,
                            item_as_described=rating,
                            communication=5,
                            shipping_speed=rating,
                            packaging=5,
                            created_at=at,
                            credibility_permille=rng.choice((1000, 1000, 700)),
                            status="hidden" if so.pk % 60 == 0 else "published",
                            hidden_at=at + dt.timedelta(days=2) if so.pk % 60 == 0 else None,
                        )
                    )
                if so.pk % 20 == 1:
                    messages.append(
                        Message(
                            seller_order_id=so.pk,
                            seller_id_copy=so.seller_id,
                            sender_id=buyer_id,
                            sender_role="buyer",
                            body="Where?",
                            created_at=placed + 3 * hour,
                        )
                    )
                    messages.append(
                        Message(
                            seller_order_id=so.pk,
                            seller_id_copy=so.seller_id,
                            sender_id=buyer_id,
                            sender_role="seller",
                            body="Shipped.",
                            created_at=placed + rng.choice((4, 9, 30)) * hour,
                        )
                    )
            SellerOrderEvent.objects.bulk_create(events, batch_size=2000)
            Review.objects.bulk_create(reviews, batch_size=2000)
            Message.objects.bulk_create(messages, batch_size=2000)
        counts["events"] += len(events)
        counts["reviews"] += len(reviews)
        counts["messages"] += len(messages)
        log(f"generated {start + size} orders ({time.perf_counter() - started:.0f} s)")
    with (
        connection.cursor() as cursor
    ):  # planner statistics, as a live database has them (without, PostgreSQL scans every event per query)
        cursor.execute("ANALYZE")
    return {
        "sellers": len(seller_ids),
        "buyers": len(buyer_ids),
        "orders": orders,
        **counts,
        "generate_s": round(time.perf_counter() - started, 1),
    }

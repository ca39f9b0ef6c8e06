"""Months of order history, played through the real services with the clock frozen at each event.

Every checkout, acceptance, shipment, delivery, cancellation, return, refund, dispute, escrow release and
payout is a call to the same service the API and the web use, at its own moment (`clock.frozen_at`), in
time order. So the ledger, the seller-order events and the stock agree with each other exactly as they
would in production, and trust metrics computed later see believable behaviour: most sellers on time,
a few habitually late, a few cancelling for lack of stock.

Events falling after the end of the history are simply not played, which is what leaves recent orders
in flight (placed, accepted, shipped, delivered, returns under way, disputes open).

Buyers also talk: about 40 % of delivered orders get a review (review_create), rated after the seller's
habits and what happened to the parcel, in the buyer's language; some sellers reply (review_reply); about
10 % of orders carry a short buyer–seller thread (message_send) answered as fast as the seller's habits go.
One small review ring (fresh accounts sharing an address and a card, five stars for one weak seller within
a week) shows the fraud discounting. Reviews, replies and messages draw from a random stream of their own."""

from __future__ import annotations

import bisect
import datetime as dt
import heapq
import itertools
import random
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field

from stdnum import luhn

from comptoir.checkout.services import (
    dispute_decide,
    order_checkout,
    order_payment_review_decide,
    seller_order_cancel,
    seller_order_refund,
    seller_orders_release_due,
)
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.demo.data.people import EU_COUNTRIES, TRACKING_FORMATS
from comptoir.demo.feedback import (
    THREAD_TOPICS,
    Experience,
    message_thread,
    reply_text,
    review_ratings,
    review_text,
    ring_review,
    sentiment_of,
)
from comptoir.demo.marketplace_seed import DemoBuyer, DemoOffer, DemoSeller, Supply, seller_suspend_at
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import DisputeReason, ReturnReason, SellerOrder
from comptoir.orders.services import (
    dispute_open,
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_receive_return,
    seller_order_request_return,
    seller_order_ship,
)
from comptoir.payments.services import payout_batch_create
from comptoir.trust.services import message_send, review_create, review_reply

CARDS_CAPTURED = ("4242 4242 4242 4242", "5555 5555 5555 4444", "4000 0566 5566 5556", "3782 822463 10005")
CARD_DECLINED = ("4000 0000 0000 0002", "4000 0000 0000 9995")
CARD_REVIEW = "4000 0000 0000 9235"
RING_CARD = "5200 8282 8282 8210"  # the one card every member of the review ring pays with

# Of the seller orders that reach the buyer, a buyer reviews most of their first few and then rarely (review
# fatigue). Overall about 40 % are reviewed. A flat 55 % would give the demo's few very frequent buyers (100+
# orders in six months) dozens of reviews on the same sellers, which the ring detection rightly finds far
# denser than chance: nine honest reviews in ten would then be discounted.
REVIEW_SHARE_FIRST, REVIEWS_BEFORE_FATIGUE, REVIEW_SHARE_AFTER = 0.75, 6, 0.1
THREAD_SHARE = 0.10  # of the seller orders
PROGRESS_EVERY = dt.timedelta(days=30)  # how often the history says how far it got
# The seller replies to a review: (share of positive or mixed reviews, share of negative ones), and how many hours it
# takes.
REPLY_SHARE = {"reliable": (0.3, 0.85), "late": (0.1, 0.3), "cancelling": (0.15, 0.5)}
REPLY_HOURS = {"reliable": (1, 30), "late": (24, 140), "cancelling": (6, 72)}
# The seller answers a buyer's message: share answered, and how many hours the first answer takes.
ANSWER_SHARE = {"reliable": 0.99, "late": 0.85, "cancelling": 0.93}
ANSWER_HOURS = {"reliable": (0.2, 9), "late": (14, 70), "cancelling": (3, 36)}

# A seller order's fate: the steps it goes through (escrow release follows delivery by itself).
FATES = {
    "complete": ("accept", "ship", "deliver"),
    "buyer_cancel": ("buyer_cancel",),
    "seller_cancel_placed": ("seller_cancel",),
    "seller_cancel_accepted": ("accept", "seller_cancel"),
    "return": ("accept", "ship", "deliver", "request_return", "receive_return", "refund"),
    "dispute_not_received": ("accept", "ship", "dispute_open", "dispute_decide"),
    "dispute_not_as_described": ("accept", "ship", "deliver", "dispute_open", "dispute_decide"),
}
FATE_WEIGHTS = {
    "reliable": {
        "complete": 880,
        "buyer_cancel": 25,
        "seller_cancel_placed": 8,
        "seller_cancel_accepted": 5,
        "return": 60,
        "dispute_not_received": 8,
        "dispute_not_as_described": 10,
    },
    "late": {
        "complete": 830,
        "buyer_cancel": 40,
        "seller_cancel_placed": 15,
        "seller_cancel_accepted": 10,
        "return": 60,
        "dispute_not_received": 30,
        "dispute_not_as_described": 15,
    },
    "cancelling": {
        "complete": 700,
        "buyer_cancel": 30,
        "seller_cancel_placed": 130,
        "seller_cancel_accepted": 60,
        "return": 60,
        "dispute_not_received": 10,
        "dispute_not_as_described": 10,
    },
}
SELLER_CANCEL_REASONS = (
    "Out of stock.",
    "Item damaged in our warehouse.",
    "Pricing error on the listing.",
    "Rupture de stock chez notre fournisseur.",
)
BUYER_CANCEL_REASONS = (
    "Ordered by mistake.",
    "Found it cheaper elsewhere.",
    "Delivery would take too long.",
    "Erreur de taille, je recommande.",
)

# Orders that are always in the demo, whatever the size: one per state worth showing, made by the demo
# buyer from the demo seller, with brisk timings so that each stops exactly where named.
# (label, fate, last step played or "" for none, "review"/"declined"/"" payment, age at the end)
SHOWCASE = (
    ("payment under review", "complete", "", "review", dt.timedelta(hours=5)),
    ("placed", "complete", "", "", dt.timedelta(hours=3)),
    ("accepted", "complete", "accept", "", dt.timedelta(hours=10)),
    ("shipped", "complete", "ship", "", dt.timedelta(days=3)),
    ("delivered", "complete", "deliver", "", dt.timedelta(days=6)),
    ("return requested", "return", "request_return", "", dt.timedelta(days=12)),
    ("returned", "return", "receive_return", "", dt.timedelta(days=16)),
    ("open dispute", "dispute_not_received", "dispute_open", "", dt.timedelta(days=20)),
    ("payment declined", "complete", "", "declined", dt.timedelta(days=28)),
    ("cancelled by the buyer", "buyer_cancel", None, "", dt.timedelta(days=30)),
    ("cancelled by the seller", "seller_cancel_placed", None, "", dt.timedelta(days=33)),
    ("cancelled after acceptance", "seller_cancel_accepted", None, "", dt.timedelta(days=36)),
    ("completed", "complete", None, "", dt.timedelta(days=40)),
    ("refunded after return", "return", None, "", dt.timedelta(days=45)),
    ("dispute decided for the buyer", "dispute_not_received", None, "", dt.timedelta(days=50)),
    ("dispute decided for the seller", "dispute_not_as_described", None, "", dt.timedelta(days=60)),
)


@dataclass
class OrderPlan:
    index: int
    placed_at: dt.datetime
    showcase: tuple | None = None


@dataclass
class Parcel:
    """One seller order as the history moves it along."""

    seller_order_id: int
    seller: DemoSeller
    buyer: DemoBuyer
    fate: str
    started_at: dt.datetime
    ship_by: dt.date
    deliver_by: dt.date
    carrier: str
    stop: str | None = None  # last step to play; None plays every step, "" none
    brisk: bool = False
    dispute_id: int | None = None
    steps_done: list[str] = field(default_factory=list)
    label: str = ""  # the showcase label, or "ring"
    return_reason: str = ""
    # When the ship and deliver steps were played: the services stamp shipped_at and delivered_at with that moment
    # (the clock is frozen at it), so the review's experience needs no read of the row.
    shipped_at: dt.datetime | None = None
    delivered_at: dt.datetime | None = None


@dataclass
class Ring:
    """A review ring: fresh accounts sharing one address and one card, who all five-star one weak seller."""

    buyers: list[DemoBuyer]
    orders_from: dt.datetime
    reviews_from: dt.datetime
    seller: DemoSeller | None = None


@dataclass
class HistoryResult:
    stats: Counter
    parcels: int


def _evidence_left_to_the_rebuild():
    """Run a review or message service and leave its trust bookkeeping (credibility, evidence buckets) to the
    `trust_rebuild` that ends the seeding, through the trust app's own switch for bulk loads. Order events are
    paused too (events.delivery_paused in seeding.py), so no bucket ever holds a review without its order's facts."""
    from comptoir.trust.services import bookkeeping_deferred_to_rebuild

    return bookkeeping_deferred_to_rebuild()


def _own_card(buyer_id: int) -> str:
    """A Luhn-valid card number of this buyer's own, which the sandbox captures (prefix 49: none of its test cards)."""
    body = f"49{buyer_id:013d}"
    return body + luhn.calc_check_digit(body)


def _utc(moment: dt.datetime) -> dt.datetime:
    return moment if moment.tzinfo else moment.replace(tzinfo=dt.UTC)


def _at(day: dt.date, rng: random.Random, first_hour: int = 8, last_hour: int = 19) -> dt.datetime:
    return dt.datetime(
        day.year,
        day.month,
        day.day,
        rng.randint(first_hour, last_hour - 1),
        rng.randint(0, 59),
        rng.randint(0, 59),
        tzinfo=dt.UTC,
    )


def _tracking(carrier: str, rng: random.Random) -> str:
    pattern = TRACKING_FORMATS.get(carrier, "AA999999999EU")
    return "".join(
        str(rng.randint(0, 9)) if ch == "9" else rng.choice("ABCDEFGHJKLMNPRSTUVWXYZ") if ch == "A" else ch
        for ch in pattern
    )


def order_times(
    rng: random.Random, *, count: int, start: dt.datetime, end: dt.datetime, growth: float = 1.5
) -> list[dt.datetime]:
    """`count` checkout moments between start and end: a growing marketplace (density rising by `growth`
    over the period), busier in the evening and on Sundays, quiet at night."""
    span = (end - start).total_seconds()
    hour_weights = [1, 1, 1, 1, 1, 2, 3, 5, 6, 7, 8, 8, 9, 9, 8, 8, 8, 9, 11, 13, 14, 12, 8, 4]
    moments = []
    for _ in range(count):
        u = rng.random()
        # inverse CDF of a density proportional to 1 + growth * x on [0, 1]
        x = ((1 + growth * (2 + growth) * u) ** 0.5 - 1) / growth if growth else u
        day = (start + dt.timedelta(seconds=x * span)).date()
        if day.weekday() < 5 and rng.random() < 0.08:  # nudge towards the weekend
            day += dt.timedelta(days=6 - day.weekday())
        moment = _at(day, rng, 0, 24).replace(hour=rng.choices(range(24), hour_weights)[0])
        if start <= moment < end - dt.timedelta(hours=1):
            moments.append(moment)
    return sorted(moments)


class History:
    """The event loop: a heap of (moment, sequence, action, arguments), played in time order."""

    def __init__(
        self,
        *,
        rng: random.Random,
        seed: int,
        operator,
        buyers: list[DemoBuyer],
        sellers: list[DemoSeller],
        supply: Supply,
        products_weights: list[tuple[int, float]],
        start: dt.datetime,
        end: dt.datetime,
        ring: Ring | None = None,
    ):
        self.rng, self.seed, self.operator = rng, seed, operator
        # Reviews, replies and messages draw from their own stream: the orders' story stays the one `rng` tells.
        self.talk = random.Random(f"{seed}:feedback")
        self._reviews_planned: Counter = Counter()  # buyer user id -> reviews planned so far
        self.ring = ring
        self.buyers, self.sellers, self.supply = buyers, sellers, supply
        self.start, self.end = start, end
        self.stats: Counter = Counter()
        self._heap: list = []
        self._sequence = itertools.count()
        self._buyer_joined = [buyer.joined_at for buyer in buyers]
        self._buyer_cumulative = list(itertools.accumulate(buyer.activity for buyer in buyers))
        self._product_ids = [product_id for product_id, _weight in products_weights]
        self._product_cumulative = list(itertools.accumulate(weight for _product_id, weight in products_weights))
        self._demo_buyer = next(buyer for buyer in buyers if buyer.user.email.startswith("buyer@"))
        self._demo_seller = sellers[0]
        self.parcels = 0

    # --- scheduling -------------------------------------------------------------------------------
    def schedule(self, moment: dt.datetime, action, *arguments) -> None:
        if moment < self.end:
            heapq.heappush(self._heap, (moment, next(self._sequence), action, arguments))
        else:
            self.stats["events_after_end"] += 1

    def run(self, *, progress: Callable[[dt.datetime, int], object] | None = None) -> HistoryResult:
        """Play every scheduled event in time order; `progress(moment, orders so far)` after each month played."""
        next_report = self.start + PROGRESS_EVERY
        while self._heap:
            moment, _sequence, action, arguments = heapq.heappop(self._heap)
            if progress is not None and moment >= next_report:
                progress(next_report, self.stats["orders"])
                while next_report <= moment:
                    next_report += PROGRESS_EVERY
            with clock.frozen_at(moment):
                action(*arguments)
        return HistoryResult(self.stats, self.parcels)

    def plan(self, *, order_count: int) -> None:
        plans = [
            OrderPlan(index, moment)
            for index, moment in enumerate(order_times(self.rng, count=order_count, start=self.start, end=self.end))
        ]
        for offset, showcase in enumerate(SHOWCASE):
            plans.append(OrderPlan(len(plans), self.end - showcase[4] + dt.timedelta(minutes=offset), showcase))
        for plan in plans:
            self.schedule(plan.placed_at, self.place_order, plan)
        day = self.start.date()
        while day <= self.end.date():
            self.schedule(dt.datetime(day.year, day.month, day.day, 2, 0, tzinfo=dt.UTC), self.release_due)
            if day.weekday() == 0:
                self.schedule(dt.datetime(day.year, day.month, day.day, 6, 0, tzinfo=dt.UTC), self.payouts)
            day += dt.timedelta(days=1)
        for seller in self.sellers:
            if seller.suspended_at is not None:
                self.schedule(seller.suspended_at, self._suspend, seller)
        self._plan_ring()

    def _suspend(self, seller: DemoSeller) -> None:
        seller_suspend_at(seller, operator=self.operator)
        self.stats["sellers_suspended"] += 1

    # --- periodic work ----------------------------------------------------------------------------
    def release_due(self) -> None:
        self.stats["released"] += seller_orders_release_due()

    def payouts(self) -> None:
        if payout_batch_create is None:
            return
        batch = payout_batch_create(currency="EUR", actor=self.operator)
        self.stats["payouts"] += getattr(batch, "payout_count", 0) or 0

    # --- checkout ---------------------------------------------------------------------------------
    def _pick_buyer(self, moment: dt.datetime) -> DemoBuyer:
        eligible = bisect.bisect_right(self._buyer_joined, moment)
        if eligible == 0:
            return self.buyers[0]
        return self.rng.choices(self.buyers[:eligible], cum_weights=self._buyer_cumulative[:eligible])[0]

    def _offer_for(self, product_id: int, moment: dt.datetime, buyer: DemoBuyer, quantity: int) -> DemoOffer | None:
        candidates = [
            offer
            for offer in self.supply.offers_by_product.get(product_id, ())
            if offer.is_active
            and offer.stock >= quantity
            and offer.created_at <= moment
            and offer.seller.is_selling_at(moment)
            and not (offer.is_bulky and buyer.country not in EU_COUNTRIES)
        ]
        if not candidates:
            return None
        if self.rng.random() < 0.6:
            return min(candidates, key=lambda offer: (offer.price_amount, offer.offer_id))
        return self.rng.choice(candidates)

    def _showcase_line(self, moment: dt.datetime, buyer: DemoBuyer) -> list[tuple[DemoOffer, int]]:
        seller = self._demo_seller
        candidates = [
            offer
            for offers in self.supply.offers_by_product.values()
            for offer in offers
            if offer.seller is seller
            and offer.is_active
            and offer.stock >= 1
            and offer.created_at <= moment
            and not offer.is_bulky
        ]
        return [(self.rng.choice(candidates), 1)] if candidates and seller.is_selling_at(moment) else []

    def _pick_lines(self, moment: dt.datetime, buyer: DemoBuyer) -> list[tuple[DemoOffer, int]]:
        wanted = self.rng.choices([1, 2, 3], [72, 21, 7])[0]
        lines: list[tuple[DemoOffer, int]] = []
        for _attempt in range(12):
            if len(lines) >= wanted:
                break
            product_id = self.rng.choices(self._product_ids, cum_weights=self._product_cumulative)[0]
            if any(offer.product_id == product_id for offer, _ in lines):
                continue
            quantity = 1 if self.rng.random() < 0.85 else self.rng.randint(2, 3)
            offer = self._offer_for(product_id, moment, buyer, quantity)
            if offer is not None:
                lines.append((offer, quantity))
        return lines

    def place_order(self, plan: OrderPlan) -> None:
        moment = clock.now()
        showcase = plan.showcase
        buyer = self._demo_buyer if showcase else self._pick_buyer(moment)
        lines = self._showcase_line(moment, buyer) if showcase else self._pick_lines(moment, buyer)
        if not lines:
            self.stats["orders_without_offer"] += 1
            return
        if showcase:
            card = (
                CARD_REVIEW
                if showcase[3] == "review"
                else CARD_DECLINED[0]
                if showcase[3] == "declined"
                else _own_card(buyer.user.pk)
            )
        else:
            roll = self.rng.random()
            card = (
                self.rng.choice(CARD_DECLINED)
                if roll < 0.03
                else CARD_REVIEW
                if roll < 0.045
                else self.rng.choice(CARDS_CAPTURED)
            )
            if card in CARDS_CAPTURED:
                # Each buyer pays with a card of their own: shared cards are a fraud signal (only the ring shares one).
                card = _own_card(buyer.user.pk)
        sellers = {offer.seller.seller.pk for offer, _ in lines}
        express = {seller_id: "express" for seller_id in sorted(sellers) if not showcase and self.rng.random() < 0.12}
        try:
            result = order_checkout(
                buyer=buyer.user,
                shipping_address=buyer.address,
                payment_method={"card_number": card},
                lines=[{"offer_id": offer.offer_id, "quantity": quantity} for offer, quantity in lines],
                shipping_choices=express,
                idempotency_key=f"demo-{self.seed}-{plan.index}",
            )
        except Conflict:
            self.stats["checkout_out_of_stock"] += 1
            return
        except ApplicationError as error:
            self.stats[f"checkout_refused:{error.code}"] += 1
            return
        self.stats["orders"] += 1
        self.stats[f"payment_{result.order_status}"] += 1
        if result.is_declined:
            return
        for offer, quantity in lines:
            offer.stock -= quantity
        if result.order_status == "payment_review":
            if not showcase:
                self.schedule(
                    moment + dt.timedelta(hours=self.rng.uniform(2, 30)),
                    self.decide_review,
                    result.order.pk,
                    buyer,
                    self.rng.random() < 0.75,
                    lines,
                )
            return
        # The checkout's outcome holds its seller orders (order.seller_orders.all() is the rows it wrote, in memory).
        placed = sorted(result.order.seller_orders.all(), key=lambda seller_order: seller_order.pk)
        self._start_parcels(
            [(so.pk, so.seller_id, so.ship_by, so.deliver_by, so.carrier) for so in placed], buyer, moment, showcase
        )

    def decide_review(self, order_id: int, buyer: DemoBuyer, approve: bool, lines) -> None:
        order_payment_review_decide(order_id=order_id, approve=approve, actor=self.operator)
        self.stats["reviews_approved" if approve else "reviews_rejected"] += 1
        if approve:
            # Only the columns the history needs: a whole SellerOrder row costs far more to build.
            rows = (
                SellerOrder.objects.filter(order_id=order_id)
                .order_by("pk")
                .values_list("pk", "seller_id", "ship_by", "deliver_by", "carrier")
            )
            self._start_parcels(list(rows), buyer, clock.now(), None)
        else:
            for offer, quantity in lines:
                offer.stock += quantity

    def _start_parcels(
        self,
        seller_orders: list[tuple[int, int, dt.date, dt.date, str]],
        buyer: DemoBuyer,
        moment: dt.datetime,
        showcase,
    ) -> None:
        """Give each seller order of an order, (id, seller id, ship by, deliver by, carrier) in id order, a fate."""
        by_id = {seller.seller.pk: seller for seller in self.sellers}
        for seller_order_id, seller_id, ship_by, deliver_by, carrier in seller_orders:
            seller = by_id[seller_id]
            if showcase:
                fate, stop = showcase[1], showcase[2]
            else:
                weights = FATE_WEIGHTS[seller.behaviour]
                fate, stop = self.rng.choices(list(weights), list(weights.values()))[0], None
            parcel = Parcel(
                seller_order_id,
                seller,
                buyer,
                fate,
                moment,
                ship_by,
                deliver_by,
                carrier or "La Poste",
                stop=stop,
                brisk=showcase is not None,
                label=showcase[0] if showcase else "",
            )
            self.parcels += 1
            self._plan_thread(parcel, moment)
            if stop == "":
                continue
            self._schedule_next(parcel, moment)

    # --- the life of a seller order ---------------------------------------------------------------
    def _schedule_next(self, parcel: Parcel, now: dt.datetime) -> None:
        steps = FATES[parcel.fate]
        if len(parcel.steps_done) == len(steps):
            return
        step = steps[len(parcel.steps_done)]
        self.schedule(self._when(parcel, step, now), self.play, parcel, step)

    def _when(self, parcel: Parcel, step: str, now: dt.datetime) -> dt.datetime:
        rng, behaviour = self.rng, parcel.seller.behaviour
        if parcel.brisk:
            brisk = {
                "accept": dt.timedelta(hours=1),
                "ship": dt.timedelta(hours=20),
                "deliver": dt.timedelta(days=2),
                "buyer_cancel": dt.timedelta(hours=1),
                "seller_cancel": dt.timedelta(hours=6),
                "request_return": dt.timedelta(days=2),
                "receive_return": dt.timedelta(days=4),
                "refund": dt.timedelta(days=1),
                "dispute_open": dt.timedelta(days=3),
                "dispute_decide": dt.timedelta(days=3),
            }
            moment = now + brisk[step]
            if step == "dispute_open" and parcel.fate == "dispute_not_received":
                # "Not received" may be claimed only once the promised delivery date has passed.
                moment = max(moment, _at(parcel.deliver_by + dt.timedelta(days=1), rng))
            return moment
        if step == "accept":
            hours = {"reliable": (0.3, 10), "late": (4, 40), "cancelling": (1, 20)}[behaviour]
            return now + dt.timedelta(hours=rng.uniform(*hours))
        if step == "buyer_cancel":
            return now + dt.timedelta(hours=rng.uniform(0.1, 3))
        if step == "seller_cancel":
            return now + dt.timedelta(hours=rng.uniform(2, 40))
        if step == "ship":
            late_share = {"reliable": 0.04, "late": 0.45, "cancelling": 0.1}[behaviour]
            if rng.random() < late_share:
                day = parcel.ship_by + dt.timedelta(days=rng.randint(1, 5))
            else:
                first_day = now.date() if now.hour < 16 else now.date() + dt.timedelta(days=1)
                day = first_day + dt.timedelta(days=rng.randint(0, max(0, (parcel.ship_by - first_day).days)))
            if day.weekday() >= 5:  # parcels leave on working days
                day += dt.timedelta(days=7 - day.weekday())
            moment = _at(day, rng, 9, 18)
            return moment if moment > now else now + dt.timedelta(hours=rng.uniform(0.5, 2))
        if step == "deliver":
            promised_days = max(1, (parcel.deliver_by - parcel.ship_by).days)
            days = rng.randint(max(1, promised_days // 2), promised_days)
            if rng.random() < 0.06:
                days += rng.randint(1, 4)  # the carrier is late
            return _at(now.date() + dt.timedelta(days=days), rng, 9, 20)
        if step == "request_return":
            return now + dt.timedelta(days=rng.uniform(1, 10))
        if step == "receive_return":
            return now + dt.timedelta(days=rng.uniform(3, 9))
        if step == "refund":
            return now + dt.timedelta(hours=rng.uniform(4, 72))
        if step == "dispute_open":
            if parcel.fate == "dispute_not_received":
                return _at(parcel.deliver_by + dt.timedelta(days=rng.randint(2, 6)), rng)
            return now + dt.timedelta(days=rng.uniform(1, 7))
        if step == "dispute_decide":
            return now + dt.timedelta(days=rng.uniform(2, 8))
        raise ValueError(step)

    def play(self, parcel: Parcel, step: str) -> None:
        try:
            self._perform(parcel, step)
        except ApplicationError as error:
            # A step the rules refuse (it should not happen: the history follows the rules); counted, and the order
            # stops here.
            self.stats[f"refused:{step}:{error.code}"] += 1
            return
        parcel.steps_done.append(step)
        if step == "ship":
            parcel.shipped_at = clock.now().astimezone(dt.UTC)
        elif step == "deliver":
            parcel.delivered_at = clock.now().astimezone(dt.UTC)
        self.stats[f"step:{step}"] += 1
        self._plan_review(parcel, step, clock.now())
        if parcel.stop == step:
            return
        self._schedule_next(parcel, clock.now())

    def _perform(self, parcel: Parcel, step: str) -> None:
        rng, seller, owner, buyer = self.rng, parcel.seller.seller, parcel.seller.owner, parcel.buyer.user
        if step == "accept":
            seller_order_accept(seller=seller, seller_order_id=parcel.seller_order_id, actor=owner)
        elif step == "ship":
            seller_order_ship(
                seller=seller,
                seller_order_id=parcel.seller_order_id,
                actor=owner,
                carrier=parcel.carrier,
                tracking_number=_tracking(parcel.carrier, rng),
            )
        elif step == "deliver":
            if rng.random() < 0.2 and not parcel.brisk:
                seller_order_mark_delivered(
                    seller_order_id=parcel.seller_order_id, actor=buyer, actor_role=Actor.BUYER, buyer=buyer
                )
            else:  # the carrier's tracking reports the delivery
                seller_order_mark_delivered(seller_order_id=parcel.seller_order_id, actor=None, actor_role=Actor.SYSTEM)
        elif step == "buyer_cancel":
            seller_order_cancel(
                seller_order_id=parcel.seller_order_id,
                actor=buyer,
                actor_role=Actor.BUYER,
                reason=rng.choice(BUYER_CANCEL_REASONS),
                buyer=buyer,
            )
        elif step == "seller_cancel":
            seller_order_cancel(
                seller_order_id=parcel.seller_order_id,
                actor=owner,
                actor_role=Actor.SELLER,
                reason=rng.choice(SELLER_CANCEL_REASONS),
                seller=seller,
            )
        elif step == "request_return":
            reason = rng.choice(
                [
                    ReturnReason.NO_LONGER_NEEDED,
                    ReturnReason.NO_LONGER_NEEDED,
                    ReturnReason.DAMAGED,
                    ReturnReason.NOT_AS_DESCRIBED,
                    ReturnReason.WRONG_ITEM,
                ]
            )
            parcel.return_reason = str(reason)
            seller_order_request_return(
                buyer=buyer, seller_order_id=parcel.seller_order_id, return_reason=reason, comment=""
            )
        elif step == "receive_return":
            seller_order_receive_return(
                seller=seller, seller_order_id=parcel.seller_order_id, actor=owner, restock=rng.random() < 0.85
            )
        elif step == "refund":
            seller_order_refund(seller=seller, seller_order_id=parcel.seller_order_id, actor=owner)
        elif step == "dispute_open":
            if parcel.fate == "dispute_not_received":
                dispute = dispute_open(
                    buyer=buyer,
                    seller_order_id=parcel.seller_order_id,
                    reason=DisputeReason.NOT_RECEIVED,
                    description="The tracking has not moved for days and the parcel never arrived.",
                )
            else:
                dispute = dispute_open(
                    buyer=buyer,
                    seller_order_id=parcel.seller_order_id,
                    reason=DisputeReason.NOT_AS_DESCRIBED,
                    description="The colour is not the one shown on the listing.",
                )
            parcel.dispute_id = dispute.pk
        elif step == "dispute_decide":
            assert parcel.dispute_id is not None  # set by the dispute_open step
            if parcel.fate == "dispute_not_received":
                dispute_decide(
                    dispute_id=parcel.dispute_id,
                    actor=self.operator,
                    in_favour_of="buyer",
                    note="The seller could not show proof of delivery; the buyer is refunded in full.",
                )
            else:
                dispute_decide(
                    dispute_id=parcel.dispute_id,
                    actor=self.operator,
                    in_favour_of="seller",
                    note="The photos match the listing's description; the order stands.",
                )
        else:
            raise ValueError(step)

    # --- reviews, replies and messages --------------------------------------------------------------
    def _plan_review(self, parcel: Parcel, step: str, now: dt.datetime) -> None:
        """After the step that settles what the buyer thinks, maybe schedule their review."""
        if parcel.label == "ring":
            if step == "deliver":
                assert self.ring is not None  # ring parcels exist only with a ring
                moment = self.ring.reviews_from + dt.timedelta(hours=self.talk.uniform(0, 6 * 24))
                self.schedule(max(moment, now + dt.timedelta(hours=2)), self.write_review, parcel)
            return
        if parcel.brisk:  # the showcase: the completed order is reviewed and answered; the others stay as they are
            if parcel.label == "completed" and step == "deliver":
                self.schedule(now + dt.timedelta(hours=20), self.write_review, parcel)
            return
        settling = {
            "complete": "deliver",
            "return": "request_return",
            "dispute_not_as_described": "dispute_decide",
            "dispute_not_received": "dispute_decide",
        }.get(parcel.fate)
        if step != settling:
            return
        planned = self._reviews_planned[parcel.buyer.user.pk]
        if self.talk.random() >= (REVIEW_SHARE_FIRST if planned < REVIEWS_BEFORE_FATIGUE else REVIEW_SHARE_AFTER):
            return
        self._reviews_planned[parcel.buyer.user.pk] += 1
        days = (0.3, 9) if step == "deliver" else (0.05, 2.5)
        self.schedule(now + dt.timedelta(days=self.talk.uniform(*days)), self.write_review, parcel)

    def _experience(self, parcel: Parcel) -> Experience:
        shipped_at, ship_by, delivered_at, deliver_by = (
            parcel.shipped_at,
            parcel.ship_by,
            parcel.delivered_at,
            parcel.deliver_by,
        )
        return Experience(
            late_shipping=shipped_at is not None and shipped_at.date() > ship_by,
            late_delivery=delivered_at is not None and delivered_at.date() > deliver_by,
            not_as_described=parcel.fate == "dispute_not_as_described"
            or parcel.return_reason in (ReturnReason.NOT_AS_DESCRIBED, ReturnReason.WRONG_ITEM),
            damaged=parcel.return_reason == ReturnReason.DAMAGED,
            not_received=parcel.fate == "dispute_not_received",
        )

    def write_review(self, parcel: Parcel) -> None:
        talk, buyer = self.talk, parcel.buyer.user
        if parcel.label == "ring":
            ratings, text = ring_review(talk)
            language = "en"
        else:
            experience = self._experience(parcel)
            ratings = review_ratings(talk, behaviour=parcel.seller.behaviour, experience=experience)
            language = buyer.preferred_language if buyer.preferred_language in ("fr", "en") else "en"
            text = review_text(talk, language=language, ratings=ratings, experience=experience)
        try:
            with _evidence_left_to_the_rebuild():
                review = review_create(
                    buyer=buyer, seller_order_id=parcel.seller_order_id, ratings=ratings, text=text, language=language
                )
        except Conflict as error:  # the order is not reviewable (any more): the buyer would be refused as well
            self.stats[f"review_skipped:{error.code}"] += 1
            return
        self.stats["reviews"] += 1
        if parcel.label == "ring":
            return
        behaviour = parcel.seller.behaviour
        positive_share, negative_share = REPLY_SHARE[behaviour]
        is_negative = sentiment_of(ratings) == "negative"
        if parcel.label == "completed" or talk.random() < (negative_share if is_negative else positive_share):
            hours = 5 if parcel.brisk else talk.uniform(*REPLY_HOURS[behaviour])
            self.schedule(
                clock.now() + dt.timedelta(hours=hours),
                self.write_reply,
                parcel,
                review.pk,
                reply_text(talk, language=language, ratings=ratings),
            )

    def write_reply(self, parcel: Parcel, review_id: int, text: str) -> None:
        review_reply(seller=parcel.seller.seller, actor=parcel.seller.owner, review_id=review_id, text=text)
        self.stats["review_replies"] += 1

    def _plan_thread(self, parcel: Parcel, moment: dt.datetime) -> None:
        if parcel.brisk:
            if parcel.label == "shipped":
                self.schedule(moment + dt.timedelta(hours=30), self.send_message, parcel, "buyer", 0)
            return
        if parcel.label == "ring" or self.talk.random() >= THREAD_SHARE:
            return
        thread = self.talk.randrange(THREAD_TOPICS)
        self.schedule(
            moment + dt.timedelta(hours=self.talk.uniform(0.5, 60)), self.send_message, parcel, "buyer", thread
        )

    def send_message(self, parcel: Parcel, turn: str, thread: int) -> None:
        """One message of a three-turn thread (buyer asks, seller answers, buyer thanks); schedules the next turn."""
        talk, buyer, behaviour = self.talk, parcel.buyer.user, parcel.seller.behaviour
        language = buyer.preferred_language if buyer.preferred_language in ("fr", "en") else "en"
        question, answer, thanks = message_thread(language=language, index=thread)
        if turn == "buyer":
            with _evidence_left_to_the_rebuild():
                message_send(sender=buyer, seller_order_id=parcel.seller_order_id, body=question)
            if parcel.brisk or talk.random() < ANSWER_SHARE[behaviour]:
                hours = 2 if parcel.brisk else talk.uniform(*ANSWER_HOURS[behaviour])
                self.schedule(clock.now() + dt.timedelta(hours=hours), self.send_message, parcel, "seller", thread)
        elif turn == "seller":
            with _evidence_left_to_the_rebuild():
                message_send(
                    sender=parcel.seller.owner,
                    seller=parcel.seller.seller,
                    seller_order_id=parcel.seller_order_id,
                    body=answer,
                )
            if parcel.brisk or talk.random() < 0.45:
                self.schedule(
                    clock.now() + dt.timedelta(hours=talk.uniform(0.3, 10)), self.send_message, parcel, "thanks", thread
                )
        else:
            with _evidence_left_to_the_rebuild():
                message_send(sender=buyer, seller_order_id=parcel.seller_order_id, body=thanks)
        self.stats["messages"] += 1

    # --- the review ring ----------------------------------------------------------------------------
    def _plan_ring(self) -> None:
        ring = self.ring
        if ring is None or not ring.buyers:
            return
        weak = [
            seller
            for seller in self.sellers
            if seller.behaviour != "reliable"
            and seller.is_selling_at(ring.orders_from)
            and seller.is_selling_at(self.end)
        ]
        if not weak:
            return
        ring.seller = weak[self.talk.randrange(len(weak))]
        for index, buyer in enumerate(ring.buyers):
            moment = ring.orders_from + dt.timedelta(hours=index * 4 + self.talk.uniform(0, 3))
            self.schedule(moment, self.place_ring_order, index, buyer)

    def place_ring_order(self, index: int, buyer: DemoBuyer) -> None:
        assert self.ring is not None and self.ring.seller is not None  # scheduled only once the ring has its seller
        moment, seller = clock.now(), self.ring.seller
        offers = sorted(
            (
                offer
                for offers in self.supply.offers_by_product.values()
                for offer in offers
                if offer.seller is seller
                and offer.is_active
                and offer.stock >= 1
                and offer.created_at <= moment
                and not offer.is_bulky
            ),
            key=lambda offer: (offer.price_amount, offer.offer_id),
        )
        if not offers:
            self.stats["ring_without_offer"] += 1
            return
        offer = offers[index % min(3, len(offers))]
        try:
            result = order_checkout(
                buyer=buyer.user,
                shipping_address=buyer.address,
                payment_method={"card_number": RING_CARD},
                lines=[{"offer_id": offer.offer_id, "quantity": 1}],
                idempotency_key=f"demo-{self.seed}-ring-{index}",
            )
        except ApplicationError as error:
            self.stats[f"checkout_refused:{error.code}"] += 1
            return
        self.stats["orders"] += 1
        self.stats["ring_orders"] += 1
        offer.stock -= 1
        seller_order = SellerOrder.objects.get(order_id=result.order.pk)
        parcel = Parcel(
            seller_order.pk,
            seller,
            buyer,
            "complete",
            moment,
            seller_order.ship_by,
            seller_order.deliver_by,
            seller_order.carrier or "La Poste",
            brisk=True,
            label="ring",
        )
        self.parcels += 1
        self._schedule_next(parcel, moment)

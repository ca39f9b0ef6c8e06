"""An independent marketplace history generator: the CSV of `comptoir import-history` plus the hidden truth.

Pure and deterministic for a seed (random.Random only, no clock, no database, no Django). It exists to check the trust
score on histories the trust code was not written against, so it deliberately shares neither code nor assumptions with
the first simulation (trust/domain/simulation.py); docs/SIMULATION.md, "Independent generator", compares the two:

- sellers are a **mixture of archetypes** (excellent, solid, slow shipper, misleading listings, unreliable
  drop-shipper), each with its own profile of failures, not one latent Beta quality shaping every rate alike;
- some sellers **drift** (improve or decline over the period): the truth is their quality over the last 30 days;
- **J-shaped reviews**: an unhappy buyer reviews about twice as often as a happy one, ratings are inflated (most 5★),
  some buyers are harsh or generous raters, and orders late in the period are reviewed less (censoring);
- **lost parcels** end in a dispute the buyer wins (no delivery), reviewed by angry buyers (`full` columns only);
- a seasonal **sale peak** in which everyone ships later, weekly rhythm, sellers opening during the period;
- **attacks**: a single-target review ring (50 accounts created within three weeks, buying only from one poor seller,
  5★, no accomplice shops), a slander campaign (1★ from one-purchase accounts against a good seller), a burst of fresh
  accounts, and a poor seller re-registering under a new identity (truth: the same poor quality);
- **missing columns**: `legacy` writes only the columns the importer has always accepted; `full` adds shipping
  address, buyer since, accepted at, message times and payment fingerprint, each sometimes empty (unknown).

True quality = the chance that an order goes well at the seller's recent rates: not cancelled by the seller, not lost,
shipped on time, as described, and the product satisfies the buyer.
"""

from __future__ import annotations

import bisect
import csv
import datetime as dt
import hashlib
import io
import itertools
import json
import math
import random
from dataclasses import dataclass, field, replace

LEGACY_COLUMNS = (
    "external_order_id",
    "seller",
    "buyer",
    "placed_at",
    "ship_by",
    "deliver_by",
    "currency",
    "total_amount",
    "shipped_at",
    "carrier",
    "tracking_number",
    "delivered_at",
    "cancelled_at",
    "cancelled_by",
    "cancel_reason",
    "return_requested_at",
    "return_reason",
    "refunded_at",
    "dispute_opened_at",
    "dispute_outcome",
    "dispute_decided_at",
    "review_rating",
    "review_item_as_described",
    "review_communication",
    "review_shipping_speed",
    "review_packaging",
    "review_text",
    "reviewed_at",
)
FULL_ONLY_COLUMNS = (
    "shipping_address",
    "buyer_since",
    "accepted_at",
    "buyer_message_at",
    "seller_replied_at",
    "payment_fingerprint",
)
COLUMN_SETS = {"legacy": LEGACY_COLUMNS, "full": LEGACY_COLUMNS + FULL_ONLY_COLUMNS}
ATTACK_LABELS = ("ring", "slander", "burst")
RECENT_DAYS = 30  # the truth is the seller's quality over this many last days
RING_ACCOUNTS = 50
SLANDER_ACCOUNTS = 30
BURST_ACCOUNTS = 40
CARRIERS = ("La Poste", "Colissimo", "Chronopost", "DPD", "Mondial Relay", "GLS", "UPS")
CITIES = (("75011", "Paris"), ("69003", "Lyon"), ("13006", "Marseille"), ("31000", "Toulouse"), ("44000", "Nantes"))
SCALES: dict[str, tuple[int, int]] = {  # (sellers, days)
    # The independent judge's size: ~300 sellers, 180 days, ~40k seller orders, ~14k reviews.
    "judge": (300, 180),
    # Seconds through the whole pipeline, for tests.
    "small": (40, 60),
}


# ---------------------------------------------------------------- options and sellers


@dataclass(frozen=True)
class HistoryOptions:
    sellers: int = 300
    days: int = 180
    seed: int = 11
    categories: int = 6
    orders_per_seller_day: float = 0.72
    columns: str = "legacy"
    end: dt.date = dt.date(2025, 11, 30)  # the last day of history: fixed, so a seed always gives the same file

    @classmethod
    def at_scale(cls, scale: str, **changes) -> HistoryOptions:
        sellers, days = SCALES[scale]
        return replace(cls(sellers=sellers, days=days), **changes)

    @property
    def start(self) -> dt.date:
        return self.end - dt.timedelta(days=self.days - 1)


@dataclass(frozen=True)
class Rates:
    """Per-order probabilities of each way an order goes wrong, and the seller's reaction times."""

    seller_cancel: float
    late_shipment: float
    lost: float
    not_as_described: float
    disappointing: float  # as described, yet the product does not satisfy the buyer
    untracked: float
    accept_hours: float
    reply_hours: float

    def quality(self) -> float:
        return (
            (1 - self.seller_cancel)
            * (1 - self.lost)
            * (1 - self.late_shipment)
            * (1 - self.not_as_described)
            * (1 - self.disappointing)
        )

    def towards(self, other: Rates, share: float) -> Rates:
        return Rates(
            *(
                mine + (theirs - mine) * share
                for mine, theirs in zip(_rate_values(self), _rate_values(other), strict=True)
            )
        )


def _rate_values(rates: Rates) -> tuple[float, ...]:
    return (
        rates.seller_cancel,
        rates.late_shipment,
        rates.lost,
        rates.not_as_described,
        rates.disappointing,
        rates.untracked,
        rates.accept_hours,
        rates.reply_hours,
    )


# archetype: (share of sellers, ranges of Rates fields in declaration order)
ARCHETYPES: dict[str, tuple[float, tuple[tuple[float, float], ...]]] = {
    "excellent": (
        0.22,
        ((0.002, 0.01), (0.01, 0.04), (0.002, 0.006), (0.003, 0.012), (0.02, 0.05), (0.0, 0.01), (1, 6), (1, 8)),
    ),
    "solid": (
        0.40,
        ((0.01, 0.03), (0.04, 0.10), (0.004, 0.01), (0.01, 0.03), (0.04, 0.09), (0.01, 0.04), (3, 14), (4, 24)),
    ),
    "slow_shipper": (
        0.16,
        ((0.02, 0.05), (0.15, 0.35), (0.008, 0.02), (0.01, 0.03), (0.05, 0.10), (0.05, 0.20), (10, 40), (12, 60)),
    ),
    "misleading": (
        0.10,
        ((0.005, 0.02), (0.02, 0.06), (0.004, 0.01), (0.08, 0.20), (0.12, 0.28), (0.01, 0.05), (2, 10), (8, 48)),
    ),
    "unreliable": (
        0.12,
        ((0.06, 0.15), (0.20, 0.45), (0.03, 0.08), (0.05, 0.12), (0.10, 0.20), (0.20, 0.50), (20, 70), (30, 120)),
    ),
}


def _draw_rates(archetype: str, rng: random.Random) -> Rates:
    _, ranges = ARCHETYPES[archetype]
    return Rates(*(rng.uniform(low, high) for low, high in ranges))


def _draw_archetype(rng: random.Random) -> str:
    names = list(ARCHETYPES)
    return rng.choices(names, weights=[ARCHETYPES[name][0] for name in names])[0]


@dataclass(frozen=True)
class SellerProfile:
    slug: str
    category: int
    archetype: str
    popularity: float
    opens: int  # first trading day (0 = trading before the history starts)
    closes: int  # last trading day
    rates_start: Rates
    rates_end: Rates  # equal to rates_start unless the seller drifts
    labels: tuple[str, ...] = ()  # drifting, ring_target, slander_target, burst_target, reregistered, abandoned
    predecessor: str = ""  # a re-registered seller's old account

    def rates_on(self, day: int) -> Rates:
        span = max(1, self.closes - self.opens)
        return self.rates_start.towards(self.rates_end, min(1.0, max(0.0, (day - self.opens) / span)))

    def true_quality(self, days: int) -> float:
        """The seller's quality over its last RECENT_DAYS trading days (the mean of the drift over that window)."""
        last = min(self.closes, days - 1)
        window = range(max(self.opens, last - RECENT_DAYS + 1), last + 1)
        return sum(self.rates_on(day).quality() for day in window) / len(window)


@dataclass(frozen=True)
class Buyer:
    key: str
    since: dt.date
    activity: float
    harshness: int  # -1 harsh, 0, +1 generous
    review_propensity: float
    address: str
    card: str
    joined_day: int  # first day this buyer can order (0 for accounts older than the history)
    attack: str = ""


@dataclass
class GeneratedHistory:
    options: HistoryOptions
    sellers: list[SellerProfile]
    rows: list[dict]  # every order, the CSV cells by column name, plus "attack" ("" for honest orders)
    attack_accounts: dict[str, list[str]] = field(default_factory=dict)

    @property
    def today(self) -> dt.date:
        return self.options.end

    def truth(self) -> dict:
        """The hidden truth file's content: seller slug -> true quality and labels, and the attacks."""
        days = self.options.days
        return {
            "generator": "independent",
            "seed": self.options.seed,
            "today": self.today.isoformat(),
            "truth": f"quality over each seller's last {RECENT_DAYS} trading days",
            "sellers": {
                seller.slug: {
                    "true_quality": round(seller.true_quality(days), 5),
                    "quality_at_start": round(seller.rates_start.quality(), 5),
                    "archetype": seller.archetype,
                    "category": seller.category,
                    "labels": list(seller.labels),
                    "predecessor": seller.predecessor,
                }
                for seller in self.sellers
            },
            "attacks": {
                label: {"target": self.target(label), "accounts": accounts}
                for label, accounts in self.attack_accounts.items()
            },
        }

    def target(self, label: str) -> str:
        """The seller labelled `label` (ring_target, slander_target, burst_target, reregistered…) or ''."""
        name = label if label.endswith(("_target", "reregistered")) else f"{label}_target"
        return next((seller.slug for seller in self.sellers if name in seller.labels), "")

    def honest_rows(self) -> list[dict]:
        """The same history without the attacks' orders (the re-registration is not an order-level attack)."""
        return [row for row in self.rows if not row["attack"]]


# ---------------------------------------------------------------- generation


def _moment(day: dt.date, rng: random.Random, earliest: int = 7, latest: int = 23) -> dt.datetime:
    return dt.datetime.combine(
        day, dt.time(hour=rng.randrange(earliest, latest), minute=rng.randrange(60)), tzinfo=dt.UTC
    )


def _iso(moment: dt.datetime | dt.date | None) -> str:
    return "" if moment is None else moment.isoformat()


def _digest(*parts: object) -> str:
    return hashlib.sha256(":".join(str(part) for part in parts).encode()).hexdigest()[:16]


def _make_sellers(options: HistoryOptions, rng: random.Random) -> list[SellerProfile]:
    sellers = []
    for index in range(options.sellers):
        archetype = _draw_archetype(rng)
        start = _draw_rates(archetype, rng)
        end = start
        labels: tuple[str, ...] = ()
        if rng.random() < 0.15:  # drifts towards another archetype's profile over the period
            end = _draw_rates(_draw_archetype(rng), rng)
            labels = ("drifting",)
        opens = 0 if rng.random() < 0.8 else rng.randrange(int(options.days * 0.7))
        popularity = math.exp(rng.gauss(0, 1.0)) * (0.6 + 0.6 * start.quality())
        sellers.append(
            SellerProfile(
                slug=f"shop-{index + 1:03d}",
                # unequal categories: the first ones are larger
                category=rng.choices(
                    range(options.categories), weights=[0.75**rank for rank in range(options.categories)]
                )[0],
                archetype=archetype,
                popularity=popularity,
                opens=opens,
                closes=options.days - 1,
                rates_start=start,
                rates_end=end,
                labels=labels,
            )
        )
    return sellers


def _make_buyers(options: HistoryOptions, count: int, rng: random.Random) -> list[Buyer]:
    buyers: list[Buyer] = []
    for index in range(count):
        joined_day = 0 if rng.random() < 0.8 else rng.randrange(options.days)
        since = (
            options.start - dt.timedelta(days=rng.randrange(1, 5 * 365))
            if joined_day == 0
            else options.start + dt.timedelta(days=joined_day)
        )
        postal, city = rng.choice(CITIES)
        if buyers and rng.random() < 0.06:  # a household: same address (and sometimes the same card) as another buyer
            other = rng.choice(buyers)
            address, card = other.address, other.card if rng.random() < 0.4 else _digest("card", options.seed, index)
        else:
            address = f"{rng.randrange(1, 140)} rue {rng.choice('ABCDEFGHJKLMNPRSTV')}{index}, {postal} {city}"
            card = _digest("card", options.seed, index)
        buyers.append(
            Buyer(
                key=f"cust-{_digest('buyer', options.seed, index)[:10]}",
                since=since,
                activity=rng.paretovariate(1.8),
                harshness=rng.choices((-1, 0, 1), weights=(0.15, 0.7, 0.15))[0],
                review_propensity=min(2.5, math.exp(rng.gauss(0, 0.6))),
                address=address,
                card=card,
                joined_day=joined_day,
            )
        )
    return buyers


def _day_volume(options: HistoryOptions, day: int, rng: random.Random) -> int:
    date = options.start + dt.timedelta(days=day)
    rate = options.sellers * options.orders_per_seller_day
    rate *= 1.2 if date.weekday() >= 5 else 0.92
    peak = int(options.days * 0.65)
    if peak <= day < peak + 5:
        rate *= 2.5
    return max(0, round(rate + rng.gauss(0, math.sqrt(rate))))


def _is_peak(options: HistoryOptions, day: int) -> bool:
    peak = int(options.days * 0.65)
    return peak <= day < peak + 5


class _Picker:
    """Weighted choice among the items open on a day (cumulative weights rebuilt once per day, when it changes)."""

    def __init__(self, items: list, weight, is_open) -> None:
        self.items, self.weight, self.is_open = items, weight, is_open
        self.day = -1
        self.key: tuple = ()
        self.open: list = []
        self.cumulative: list[float] = []

    def pick(self, day: int, rng: random.Random):
        if day != self.day:
            self.day = day
            key = tuple(index for index, item in enumerate(self.items) if self.is_open(item, day))
            if key != self.key:
                self.key = key
                self.open = [self.items[index] for index in key]
                self.cumulative = list(itertools.accumulate(self.weight(item) for item in self.open))
        return self.open[bisect.bisect_left(self.cumulative, rng.random() * self.cumulative[-1])]


@dataclass
class _Order:
    """What happened to one order (internal)."""

    seller: SellerProfile
    buyer: Buyer
    day: int
    attack: str = ""
    perfect: bool = False  # fake orders: shipped at once, tracked, on time
    forced_rating: int | None = None  # fake reviews
    review_within_days: float = 4.0


def _rating_for(experience: str, buyer: Buyer, rng: random.Random) -> int:
    weights = {
        "good": ((5, 4, 3), (0.78, 0.18, 0.04)),
        "late": ((5, 4, 3, 2), (0.35, 0.35, 0.2, 0.1)),
        "bad": ((1, 2, 3, 4), (0.55, 0.25, 0.15, 0.05)),
        "lost": ((1, 2), (0.8, 0.2)),
    }[experience]
    rating = rng.choices(*weights)[0]
    if buyer.harshness < 0 and rng.random() < 0.6:
        rating -= 1
    elif buyer.harshness > 0 and rng.random() < 0.5:
        rating += 1
    return max(1, min(5, rating))


REVIEW_TEXTS = {
    1: ("Never again.", "Colis jamais reçu, vendeur injoignable.", "Not as described at all."),
    2: ("Disappointed.", "Très déçu de la qualité.", "Arrived late and damaged."),
    3: ("OK, nothing special.", "Correct sans plus.", ""),
    4: ("Good, thanks.", "Bon produit.", ""),
    5: ("Perfect!", "Parfait, je recommande.", "Excellent seller.", ""),
}


def _life(order: _Order, options: HistoryOptions, rng: random.Random, sequence: int) -> dict:
    """One order's row: every fact drawn from the seller's rates on that day, dated, and cut at the end of history."""
    seller, buyer = order.seller, order.buyer
    rates = seller.rates_on(order.day)
    end_moment = dt.datetime.combine(options.end, dt.time(23, 59), tzinfo=dt.UTC)
    date = options.start + dt.timedelta(days=order.day)
    placed = _moment(date, rng)
    handling = rng.choice((1, 2, 2, 3))
    ship_by = date + dt.timedelta(days=handling)
    deliver_by = ship_by + dt.timedelta(days=rng.choice((2, 3, 3, 4)))
    row = dict.fromkeys(COLUMN_SETS["full"], "")
    row.update(
        external_order_id=f"{seller.slug.upper()}-{sequence:07d}",
        seller=seller.slug,
        buyer=buyer.key,
        placed_at=_iso(placed),
        ship_by=_iso(ship_by),
        deliver_by=_iso(deliver_by),
        currency="EUR",
        total_amount=str(rng.randrange(900, 12_000)),
        attack=order.attack,
    )
    full: dict[str, str] = {
        "shipping_address": buyer.address if rng.random() > 0.1 else "",
        "buyer_since": _iso(buyer.since) if rng.random() > 0.15 else "",
        "payment_fingerprint": buyer.card if rng.random() > 0.2 else "",
    }

    def within(moment: dt.datetime) -> str:
        return _iso(moment) if moment <= end_moment else ""

    accepted = placed + dt.timedelta(hours=rng.expovariate(1 / max(0.5, rates.accept_hours)))
    if order.perfect:
        accepted = placed + dt.timedelta(minutes=rng.randrange(5, 90))
    if rng.random() > 0.2:
        full["accepted_at"] = within(accepted)
    if rng.random() < 0.1 and not order.perfect:
        asked = placed + dt.timedelta(hours=rng.uniform(2, 72))
        full["buyer_message_at"] = within(asked)
        if full["buyer_message_at"] and rng.random() > 0.1:
            full["seller_replied_at"] = within(asked + dt.timedelta(hours=rng.expovariate(1 / rates.reply_hours)))
    peak_factor = 1.8 if _is_peak(options, order.day) else 1.0
    experience = "good"
    if not order.perfect and rng.random() < 0.02:  # the buyer changes their mind before shipment
        row.update(
            cancelled_at=within(placed + dt.timedelta(hours=rng.uniform(0.2, 20))),
            cancelled_by="buyer",
            cancel_reason="Changed my mind",
        )
        if not row["cancelled_at"]:  # placed on the last evening: not cancelled yet when the history ends
            row.update(cancelled_by="", cancel_reason="")
        return _with_full(row, full, options)
    if not order.perfect and rng.random() < rates.seller_cancel:
        cancelled = within(placed + dt.timedelta(hours=rng.uniform(1, 60)))
        if cancelled:
            row.update(cancelled_at=cancelled, cancelled_by="seller", cancel_reason="Out of stock")
            return _with_full(row, full, options)
    is_late = not order.perfect and rng.random() < min(0.9, rates.late_shipment * peak_factor)
    if is_late:
        shipped_day = ship_by + dt.timedelta(days=rng.choice((1, 1, 2, 3, 5)))
    else:
        shipped_day = date + dt.timedelta(days=rng.randrange(0, handling + 1))
    shipped = max(placed + dt.timedelta(hours=1), _moment(shipped_day, rng, 9, 19))
    if shipped > end_moment:
        return _with_full(row, full, options)  # still being prepared at the end of the history
    row["shipped_at"] = _iso(shipped)
    if order.perfect or rng.random() >= rates.untracked:
        row["tracking_number"] = f"6A{_digest('parcel', row['external_order_id'])[:11].upper()}"
        if rng.random() > 0.03:  # the old system sometimes lost the carrier name
            row["carrier"] = rng.choice(CARRIERS)
    if not order.perfect and rng.random() < rates.lost:
        opened = shipped + dt.timedelta(days=rng.randrange(8, 20))
        decided = opened + dt.timedelta(days=rng.randrange(3, 12))
        row["dispute_opened_at"] = within(opened)
        if row["dispute_opened_at"] and within(decided):
            row.update(dispute_outcome="buyer", dispute_decided_at=_iso(decided), refunded_at=_iso(decided))
            # An angry buyer of a lost parcel often reviews it; the legacy importer refuses undelivered reviews.
            if options.columns == "full" and rng.random() < 0.6:
                _review(row, "lost", buyer, order, decided, end_moment, rng)
        return _with_full(row, full, options)
    transit = rng.choice((1, 2, 2, 3, 4)) + (rng.choice((0, 0, 1, 3)) if rates.untracked > 0.15 else 0)
    delivered = _moment(shipped.date() + dt.timedelta(days=transit), rng, 9, 20)
    if order.perfect:
        delivered = _moment(shipped.date() + dt.timedelta(days=1), rng, 9, 20)
    if delivered > end_moment:
        return _with_full(row, full, options)
    row["delivered_at"] = _iso(delivered)
    if delivered.date() > deliver_by and rng.random() < 0.6:
        experience = "late"
    if not order.perfect and rng.random() < rates.not_as_described:
        experience = "bad"
        requested = delivered + dt.timedelta(days=rng.uniform(0.5, 7))
        if within(requested):
            row.update(
                return_requested_at=_iso(requested),
                return_reason="not_as_described" if rng.random() < 0.8 else rng.choice(("wrong_item", "damaged")),
            )
            if rng.random() < 0.7:
                row["refunded_at"] = within(requested + dt.timedelta(days=rng.uniform(2, 10)))
            else:
                opened = requested + dt.timedelta(days=rng.uniform(3, 10))
                decided = opened + dt.timedelta(days=rng.uniform(3, 12))
                row["dispute_opened_at"] = within(opened)
                if row["dispute_opened_at"] and within(decided):
                    outcome = "buyer" if rng.random() < 0.65 else "seller"
                    row.update(dispute_outcome=outcome, dispute_decided_at=_iso(decided))
                    if outcome == "buyer":
                        row["refunded_at"] = _iso(decided)
    elif not order.perfect and rng.random() < rates.disappointing:
        experience = "bad"
    elif not order.perfect and rng.random() < 0.04:  # no longer needed: a return that says nothing about the seller
        requested = delivered + dt.timedelta(days=rng.uniform(1, 12))
        if within(requested):
            row.update(return_requested_at=_iso(requested), return_reason="no_longer_needed")
            row["refunded_at"] = within(requested + dt.timedelta(days=rng.uniform(3, 12)))
    _review(row, experience, buyer, order, delivered, end_moment, rng)
    return _with_full(row, full, options)


def _with_full(row: dict, full: dict, options: HistoryOptions) -> dict:
    if options.columns == "full":
        row.update(full)
    return row


def _review(
    row: dict,
    experience: str,
    buyer: Buyer,
    order: _Order,
    after: dt.datetime,
    end_moment: dt.datetime,
    rng: random.Random,
) -> None:
    if order.forced_rating is None:
        chance = {"good": 0.28, "late": 0.38, "bad": 0.55, "lost": 0.6}[experience] * buyer.review_propensity
        if rng.random() >= min(0.95, chance):
            return
        rating = _rating_for(experience, buyer, rng)
        described = rating if experience != "bad" else max(1, rating - rng.choice((0, 1)))
        speed = (
            5 if experience in ("good", "bad") and rng.random() < 0.8 else max(1, min(5, rating + rng.choice((-1, 0))))
        )
        if experience in ("late", "lost"):
            speed = rng.choice((1, 2, 2, 3))
        communication = max(1, min(5, rating + rng.choice((-1, 0, 0, 1))))
        packaging = max(1, min(5, rng.choice((4, 5, 5)) - (1 if experience == "lost" else 0)))
    else:
        rating = described = speed = communication = packaging = order.forced_rating
    reviewed = after + dt.timedelta(days=rng.expovariate(1 / order.review_within_days), hours=rng.uniform(0, 12))
    if reviewed > end_moment:
        return  # not yet reviewed when the history ends
    row.update(
        review_rating=str(rating),
        review_item_as_described=str(described),
        review_communication=str(communication),
        review_shipping_speed=str(speed),
        review_packaging=str(packaging),
        review_text=rng.choice(REVIEW_TEXTS[rating]),
        reviewed_at=_iso(reviewed),
    )


def _fake_accounts(
    options: HistoryOptions, label: str, count: int, joined_from: int, joined_span: int, rng: random.Random
) -> list[Buyer]:
    drops = [f"{rng.randrange(1, 90)} avenue {label.title()} {index}, 93200 Saint-Denis" for index in range(8)]
    cards = [_digest("card", label, options.seed, index) for index in range(6)]
    accounts = []
    for index in range(count):
        joined = min(options.days - 1, joined_from + rng.randrange(max(1, joined_span)))
        accounts.append(
            Buyer(
                key=f"cust-{_digest(label, options.seed, index)[:10]}",
                since=options.start + dt.timedelta(days=joined),
                activity=1.0,
                harshness=0,
                review_propensity=1.0,
                address=rng.choice(drops) if label == "ring" else f"{index} rue {label}, 59000 Lille",
                card=rng.choice(cards) if label == "ring" else _digest("card", label, options.seed, index),
                joined_day=joined,
                attack=label,
            )
        )
    return accounts


def _pick_targets(options: HistoryOptions, sellers: list[SellerProfile], rng: random.Random) -> dict[str, int]:
    """Indexes of the attacked sellers: the poorest established sellers of the largest categories for the ring,
    the burst and the re-registration, a good one for the slander."""
    days = options.days
    established = [
        index for index, seller in enumerate(sellers) if seller.opens == 0 and "drifting" not in seller.labels
    ]
    by_quality = sorted(established, key=lambda index: sellers[index].true_quality(days))
    quartile = max(1, len(by_quality) // 4)
    poor, good = by_quality[:quartile], by_quality[-quartile:]
    sizes: dict[int, int] = {}
    for seller in sellers:
        sizes[seller.category] = sizes.get(seller.category, 0) + 1
    largest = sorted(sizes, key=lambda category: -sizes[category])
    chosen: dict[str, int] = {}

    def take(label: str, pool: list[int], category: int | None) -> None:
        candidates = [index for index in pool if index not in chosen.values()]
        in_category = [index for index in candidates if sellers[index].category == category]
        chosen[label] = (in_category or candidates)[0] if label != "slander" else (in_category or candidates)[-1]

    take("ring", poor, largest[0])
    take("slander", good, largest[0])
    take("burst", poor, largest[1 % len(largest)])
    popular = sorted(sellers[index].popularity for index in established)[len(established) // 2]
    take("reregistered", [index for index in poor if sellers[index].popularity >= popular] or poor, largest[0])
    return chosen


def generate_history(options: HistoryOptions) -> GeneratedHistory:
    """The whole history for `options`: honest orders, the attacks, the re-registration; deterministic per seed."""
    if options.columns not in COLUMN_SETS:
        raise ValueError(f"columns: one of {', '.join(COLUMN_SETS)}")
    rng = random.Random(f"independent-history:{options.seed}")
    sellers = _make_sellers(options, rng)
    targets = _pick_targets(options, sellers, rng)
    for label in ("ring", "slander", "burst"):
        index = targets[label]
        sellers[index] = replace(sellers[index], labels=(*sellers[index].labels, f"{label}_target"))
    # Re-registration: the old account stops trading 35 days before the end; a new identity opens 30 days before
    # the end with the same (poor) rates and little popularity.
    old_index = targets["reregistered"]
    old = sellers[old_index]
    closes = max(1, options.days - 36)
    sellers[old_index] = replace(old, closes=closes, labels=(*old.labels, "abandoned"))
    newcomer = replace(
        old,
        slug=f"shop-{len(sellers) + 1:03d}",
        popularity=old.popularity * 0.6,
        opens=options.days - 30,
        closes=options.days - 1,
        labels=("reregistered",),
        predecessor=old.slug,
    )
    sellers.append(newcomer)

    expected_orders = options.sellers * options.orders_per_seller_day * options.days
    buyers = _make_buyers(options, max(50, int(expected_orders / 3.2)), rng)
    seller_picker = _Picker(
        sellers, lambda seller: seller.popularity, lambda seller, day: seller.opens <= day <= seller.closes
    )
    buyer_picker = _Picker(buyers, lambda buyer: buyer.activity, lambda buyer, day: buyer.joined_day <= day)
    orders: list[_Order] = []
    for day in range(options.days):
        for _ in range(_day_volume(options, day, rng)):
            orders.append(_Order(seller=seller_picker.pick(day, rng), buyer=buyer_picker.pick(day, rng), day=day))

    attack_rng = random.Random(f"independent-attacks:{options.seed}")
    accounts: dict[str, list[str]] = {}
    days = options.days
    ring_target = sellers[targets["ring"]]
    ring = _fake_accounts(options, "ring", RING_ACCOUNTS, max(0, days - 100), 21, attack_rng)
    for account in ring:  # every ring account buys only from its target, 1–3 times, perfectly fulfilled, 5★
        for _ in range(attack_rng.choice((1, 1, 2, 3))):
            day = min(days - 5, max(account.joined_day, days - 80) + attack_rng.randrange(max(1, 50)))
            orders.append(
                _Order(ring_target, account, day, attack="ring", perfect=True, forced_rating=5, review_within_days=1.5)
            )
    slander_target = sellers[targets["slander"]]
    slanderers = _fake_accounts(options, "slander", SLANDER_ACCOUNTS, max(0, days - 60), 14, attack_rng)
    for account in slanderers:  # one real purchase each from a good seller, then 1★
        day = min(days - 8, account.joined_day + attack_rng.randrange(1, 10))
        orders.append(_Order(slander_target, account, day, attack="slander", forced_rating=1, review_within_days=1.0))
    burst_target = sellers[targets["burst"]]
    burst = _fake_accounts(options, "burst", BURST_ACCOUNTS, max(0, days - 14), 4, attack_rng)
    for account in burst:  # fresh accounts, one perfect order each within ten days, 5★
        day = min(days - 4, account.joined_day + attack_rng.randrange(0, 4))
        orders.append(_Order(burst_target, account, day, attack="burst", perfect=True, forced_rating=5))
    accounts = {
        "ring": [account.key for account in ring],
        "slander": [account.key for account in slanderers],
        "burst": [account.key for account in burst],
    }

    orders.sort(key=lambda order: order.day)
    life_rng = random.Random(f"independent-lives:{options.seed}")
    rows = [_life(order, options, life_rng, sequence) for sequence, order in enumerate(orders, start=1)]
    return GeneratedHistory(options=options, sellers=sellers, rows=rows, attack_accounts=accounts)


# ---------------------------------------------------------------- files


def history_csv(rows: list[dict], columns: str = "legacy") -> str:
    """The import CSV (docs/IMPORT_HISTORY.md) of `rows` with the column set `columns` (legacy or full)."""
    names = COLUMN_SETS[columns]
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=names, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


def truth_json(history: GeneratedHistory) -> str:
    return json.dumps(history.truth(), indent=1, sort_keys=True)

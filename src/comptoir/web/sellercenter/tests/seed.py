"""A believable shop for browser journeys and screenshots: twelve weeks of orders played through the real
services with the clock frozen at each step, so charts, statement and queues show real figures."""

from __future__ import annotations

import datetime as dt
import random

from django.utils import timezone

from comptoir.catalog.services import product_create
from comptoir.checkout.services import order_checkout, seller_order_cancel, seller_orders_release_due
from comptoir.core import clock
from comptoir.offers.services import offer_create, offer_stock_bulk_set
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.services import payout_batch_create
from comptoir.testing.builders import (
    CARD_OK,
    make_category,
    make_operator,
    make_seller,
    make_shipping_profile,
    make_user,
)

CATALOG = [
    # (title, brand, price in cents, final stock)
    ("Stoneware mug, speckled oat glaze, 350 ml", "Atelier Lumière", 2400, 38),
    ("Hand-thrown serving bowl, 24 cm, celadon", "Atelier Lumière", 5900, 7),
    ("Linen table runner, natural, 40 × 180 cm", "Maison Lin", 3450, 15),
    ("Brass table lamp with pleated shade", "Lueur", 12900, 3),
    ("Set of 4 espresso cups, matte black", "Atelier Lumière", 3600, 0),
    ("Olive wood chopping board, 40 cm", "Bois d'Oc", 4200, 22),
    ("Beeswax taper candles, pack of 6", "Ruche & Co", 1590, 64),
    ("Enamel pour-over coffee dripper", "Café Atelier", 2890, 11),
    ("Wool throw, herringbone, 130 × 170 cm", "Maison Lin", 8900, 5),
    ("Ceramic bud vase trio, sand tones", "Atelier Lumière", 3200, 19),
]
BUYERS = [
    "Camille Martin",
    "Lucas Bernard",
    "Léa Dubois",
    "Hugo Moreau",
    "Chloé Laurent",
    "Louis Simon",
    "Emma Michel",
    "Jules Lefèvre",
    "Inès Garcia",
    "Paul Roux",
    "Sarah Fournier",
    "Nathan Girard",
]
CITIES = [
    ("75011", "Paris", "FR"),
    ("69002", "Lyon", "FR"),
    ("33000", "Bordeaux", "FR"),
    ("1000", "Bruxelles", "BE"),
    ("13001", "Marseille", "FR"),
    ("44000", "Nantes", "FR"),
    ("67000", "Strasbourg", "FR"),
    ("31000", "Toulouse", "FR"),
]
CARRIERS = [("Colissimo", "6A{:011d}"), ("Chronopost", "XY{:09d}FR"), ("DHL", "JD{:014d}")]


def seed_shop(*, owner=None, weeks: int = 12, seed: int = 7) -> dict:
    """Create a verified shop owned by `owner` with ten offers and `weeks` weeks of orders up to now.
    Returns {"seller", "owner", "offers", "late", "to_ship"}: a late order and an accepted order to ship."""
    rng = random.Random(seed)
    now = timezone.now().replace(microsecond=0)
    start = now - dt.timedelta(weeks=weeks)
    owner = owner or make_user("owner@atelier-lumiere.example", full_name="Claire Fontaine")
    operator = make_operator()
    with clock.frozen_at(start - dt.timedelta(days=3)):
        seller = make_seller("Atelier Lumière", owner=owner)
        profile = make_shipping_profile(seller, first_item_amount=590, additional_item_amount=150)
        category = make_category("Home & kitchen")
        offers = []
        for index, (title, brand, price, _final) in enumerate(CATALOG, start=1):
            product = product_create(title=title, category_id=category.pk, brand=brand, seller=seller)
            offers.append(
                offer_create(
                    seller=seller,
                    actor=owner,
                    product_id=product.pk,
                    sku=f"AL-{index:03d}",
                    price_amount=price,
                    currency="EUR",
                    stock=900,
                    shipping_profile_id=profile.pk,
                    handling_days=2,
                )
            )
    buyers = [make_user(f"buyer{index}@example.com", full_name=name) for index, name in enumerate(BUYERS)]

    moments = []
    for week in range(weeks):
        # A shop that grows: more orders in recent weeks.
        for _ in range(rng.randint(3 + week // 2, 6 + week)):
            moments.append(
                start
                + dt.timedelta(weeks=week, days=rng.randint(0, 6), hours=rng.randint(8, 21), minutes=rng.randint(0, 59))
            )
    moments = sorted(moment for moment in moments if moment < now - dt.timedelta(hours=2))

    serial = 0
    to_ship = late = None
    for moment in moments:
        serial += 1
        buyer_index = rng.randrange(len(buyers))
        postal_code, city, country = rng.choice(CITIES)
        address = {
            "name": BUYERS[buyer_index],
            "street": f"{rng.randint(1, 120)} rue des Lilas",
            "postal_code": postal_code,
            "city": city,
            "country": country,
        }
        lines = [
            {"offer_id": offer.pk, "quantity": rng.choice((1, 1, 1, 2))}
            for offer in rng.sample(offers, rng.choice((1, 1, 2)))
        ]
        with clock.frozen_at(moment):
            result = order_checkout(
                buyer=buyers[buyer_index],
                shipping_address=address,
                payment_method=CARD_OK,
                lines=lines,
                idempotency_key=f"seed-{seed}-{serial}",
            )
        seller_order = SellerOrder.objects.get(order=result.order)
        age = now - moment
        step = moment
        if age > dt.timedelta(days=1, hours=12) or rng.random() < 0.4:
            step = moment + dt.timedelta(hours=rng.randint(1, 20))
            if step < now:
                if rng.random() < 0.04 and age > dt.timedelta(days=6):
                    with clock.frozen_at(step):
                        seller_order_cancel(
                            seller=seller,
                            seller_order_id=seller_order.pk,
                            actor=owner,
                            actor_role=Actor.SELLER,
                            reason="Rupture de stock chez notre fournisseur.",
                        )
                    continue
                with clock.frozen_at(step):
                    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
        if age > dt.timedelta(days=3):
            step = moment + dt.timedelta(days=1, hours=rng.randint(2, 30))
            carrier, pattern = rng.choice(CARRIERS)
            with clock.frozen_at(min(step, now)):
                seller_order_ship(
                    seller=seller,
                    seller_order_id=seller_order.pk,
                    actor=owner,
                    carrier=carrier,
                    tracking_number=pattern.format(rng.randint(10**8, 10**9)),
                )
        if age > dt.timedelta(days=6):
            with clock.frozen_at(min(moment + dt.timedelta(days=rng.randint(3, 5)), now)):
                seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
    # Escrow released after the hold, and a payout every other Monday, as the scheduler would.
    monday = start - dt.timedelta(days=start.weekday())
    while monday < now:
        with clock.frozen_at(monday.replace(hour=6)):
            seller_orders_release_due()
            if (monday - start).days // 7 % 2 == 0:
                payout_batch_create(currency="EUR", actor=operator)
        monday += dt.timedelta(weeks=1)
    with clock.frozen_at(now):
        seller_orders_release_due()
    # Orders in flight for the journeys: one accepted and due, one placed long ago (late).
    with clock.frozen_at(now - dt.timedelta(hours=5)):
        to_ship = _fresh_order(
            offers[0], buyers[0], "Camille Martin", seller, owner, accept=True, key=f"seed-{seed}-ship"
        )
    with clock.frozen_at(now - dt.timedelta(days=5)):
        late = _fresh_order(offers[2], buyers[1], "Lucas Bernard", seller, owner, accept=False, key=f"seed-{seed}-late")
    with clock.frozen_at(now):
        offer_stock_bulk_set(
            seller=seller,
            actor=owner,
            stock_by_sku={f"AL-{index:03d}": final for index, (_t, _b, _p, final) in enumerate(CATALOG, start=1)},
        )
    return {"seller": seller, "owner": owner, "offers": offers, "late": late, "to_ship": to_ship}


def _fresh_order(offer, buyer, name, seller, owner, *, accept: bool, key: str) -> SellerOrder:
    address = {"name": name, "street": "18 rue Oberkampf", "postal_code": "75011", "city": "Paris", "country": "FR"}
    result = order_checkout(
        buyer=buyer,
        shipping_address=address,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=key,
    )
    seller_order = SellerOrder.objects.get(order=result.order)
    if accept:
        seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
    return seller_order

"""Seeding a benchmark database quickly but validly.

Sellers, their shipping profiles and the categories go through the real services (via
comptoir.testing.builders); products and offers are bulk-created from those valid templates;
buyers are bulk-created (without a password: they authenticate with API tokens only) and each
gets a token from accounts.services.api_token_create."""

from __future__ import annotations

import random
import time

from django.contrib.auth.hashers import make_password
from django.db import transaction
from django.db.models import Q, Sum

from comptoir.accounts.models import User
from comptoir.accounts.services import api_token_create
from comptoir.catalog.models import Product
from comptoir.offers.models import Offer
from comptoir.orders.models import Order, OrderLine, OrderStatus
from comptoir.sellers.domain.trader import trader_information_errors
from comptoir.sellers.services import seller_onboard, seller_verify
from comptoir.testing.builders import (
    COUNTRY_IDENTIFIERS,
    make_category,
    make_operator,
    make_shipping_profile,
    trader_information,
)

NORMAL_STOCK = 100_000


def seed_checkout_data(
    *, sellers: int, offers: int, hot_offers: int, hot_stock: int, buyers: int, seed: int = 1
) -> dict:
    """Create the marketplace a checkout benchmark needs. Returns what the load generator and the
    final verification need: buyer tokens, normal and hot offer ids and every offer's initial stock."""
    if hot_offers >= offers:
        raise ValueError("hot offers are a subset of the offers: use fewer hot offers than offers")
    started = time.perf_counter()
    chooser = random.Random(seed)
    operator = make_operator("operator@bench.example")
    countries = [
        country for country in sorted(COUNTRY_IDENTIFIERS) if not trader_information_errors(trader_information(country))
    ]
    seller_rows = []
    for index in range(sellers):
        owner = User.objects.create_user(email=f"seller{index}@bench.example", password=None)
        seller = seller_onboard(
            owner=owner, name=f"Bench shop {index}", trader=trader_information(countries[index % len(countries)])
        )
        seller = seller_verify(seller_id=seller.pk, actor=operator)
        seller_rows.append((seller, make_shipping_profile(seller)))
    root = make_category("Bench", commission_rate_bp=1200)
    categories = [
        make_category(f"Bench {index}", parent=root, commission_rate_bp=None if index % 2 else 800 + 100 * index)
        for index in range(6)
    ]

    with transaction.atomic():
        products = Product.objects.bulk_create(
            [
                Product(
                    title=f"Bench product {index}",
                    category=categories[index % len(categories)],
                    brand="Bench",
                    language="en",
                )
                for index in range(offers)
            ]
        )
        offer_rows = []
        for index, product in enumerate(products):
            seller, profile = seller_rows[index % len(seller_rows)]
            offer_rows.append(
                Offer(
                    seller=seller,
                    product=product,
                    sku=f"BENCH-{index}",
                    price_amount=chooser.randrange(500, 20_000),
                    currency="EUR",
                    stock=hot_stock if index < hot_offers else NORMAL_STOCK,
                    ships_from_country=seller.country,
                    shipping_profile=profile,
                    handling_days=1 + index % 3,
                )
            )
        created_offers = Offer.objects.bulk_create(offer_rows)
    if any(offer.pk is None for offer in created_offers):
        created_offers = list(Offer.objects.filter(sku__startswith="BENCH-").order_by("pk"))

    unusable = make_password(None)
    with transaction.atomic():
        User.objects.bulk_create(
            [
                User(email=f"buyer{index}@bench.example", password=unusable, full_name=f"Buyer {index}", country="FR")
                for index in range(buyers)
            ]
        )
    tokens = [
        api_token_create(user=user, name="bench")[1]
        for user in User.objects.filter(email__startswith="buyer", email__endswith="@bench.example").order_by("pk")
    ]

    ordered = sorted(created_offers, key=lambda offer: int(offer.sku.split("-")[1]))
    return {
        "tokens": tokens,
        "hot_offer_ids": [offer.pk for offer in ordered[:hot_offers]],
        "offer_ids": [offer.pk for offer in ordered[hot_offers:]],
        "initial_stock": {str(offer.pk): offer.stock for offer in created_offers},
        "seconds": round(time.perf_counter() - started, 2),
    }


def verify_stock(*, initial_stock: dict[str, int]) -> dict:
    """Conservation of stock after a run, from the database.

    For every offer: initial stock − units in order lines of orders that did not fail payment
    must equal the final stock, and the final stock must not be negative. `oversold_units` counts
    units sold beyond the initial stock; `stock_mismatch_units` counts any conservation error."""
    sold = dict(
        OrderLine.objects.filter(~Q(seller_order__order__status=OrderStatus.PAYMENT_FAILED))
        .values("offer_id")
        .annotate(units=Sum("quantity"))
        .values_list("offer_id", "units")
    )
    oversold = mismatched = negative = 0
    for offer_id, final in Offer.objects.values_list("pk", "stock"):
        initial = initial_stock.get(str(offer_id), 0)
        units = sold.get(offer_id, 0)
        oversold += max(0, units - initial)
        mismatched += abs(initial - units - final)
        negative += max(0, -final)
    statuses = {status: Order.objects.filter(status=status).count() for status in OrderStatus.values}
    return {
        "oversold_units": oversold,
        "stock_mismatch_units": mismatched,
        "negative_stock_units": negative,
        "units_sold": sum(sold.values()),
        "orders_by_status": statuses,
    }


def verify_ledger() -> dict:
    """Seal what is unsealed, then run the ledger verification when this version has one."""
    from comptoir.payments.models import JournalEntry, Posting

    report: dict = {}
    started = time.perf_counter()
    try:
        from comptoir.payments.sealing import ledger_seal

        report["sealed_entries"] = ledger_seal()
    except Exception as error:  # a sealer failure is a finding to report, not a reason to lose the figures
        report["seal_error"] = repr(error)
    report["seal_seconds"] = round(time.perf_counter() - started, 2)
    balances = dict(Posting.objects.values("currency").annotate(total=Sum("amount")).values_list("currency", "total"))
    report["postings_sum_by_currency"] = balances
    report["journal_entries"] = JournalEntry.objects.count()
    try:
        from comptoir.payments.verify import ledger_verify
    except ImportError:
        report["verify"] = "not available (comptoir.payments.verify.ledger_verify missing)"
        return report
    verified = ledger_verify()
    report["verify"] = {
        "ok": verified.ok,
        "problems": list(verified.problems)[:5],
        "entries_checked": getattr(verified, "entries_checked", None),
        "blocks_checked": getattr(verified, "blocks_checked", None),
    }
    return report

"""Micro-benchmark of what charging in the buyer's currency (issue 12) adds to checkout: CPU per call of the pure
checkout draft in one currency and charged in another, of the capture's FX legs, and of the check the same-currency
path now makes. Run: `.venv/bin/python bench/fx_checkout_core.py` (docs/PERFORMANCE.md, "FX at checkout")."""

from __future__ import annotations

import datetime as dt
import os
import time
from decimal import Decimal
from typing import Any

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from comptoir.core.money import Money  # noqa: E402
from comptoir.currencies.domain.rates import RateTable  # noqa: E402
from comptoir.offers.domain.pricing import DeliveredPricing  # noqa: E402
from comptoir.offers.domain.shipping import Rate  # noqa: E402
from comptoir.orders.checkout_reads import CheckoutOffer, CheckoutProduct, CheckoutSeller  # noqa: E402
from comptoir.orders.domain.checkout import LineInput, build_checkout  # noqa: E402
from comptoir.orders.domain.presentment import Presentment, build_checkout_converted  # noqa: E402
from comptoir.orders.services.presentment import order_presentment  # noqa: E402
from comptoir.payments.domain.fx import SettledPart, capture_lines  # noqa: E402

DAY = dt.date(2026, 3, 2)
TABLE = RateTable(day=DAY, rates={"GBP": Decimal("0.8338"), "PLN": Decimal("4.2000")})


def shipping_rate(profile_id: int, currency: str) -> Rate:
    return Rate(profile_id, "All", ("*",), "standard", "Post", Money(490, currency), Money(100, currency), 2, 4)


def line(offer_id: int, seller_id: int, price: Money, profile_id: int) -> LineInput:
    return LineInput(offer_id, seller_id, 1, "Teapot", "SKU", price, 1, 1000, 1, profile_id)


def best_microseconds(function, repeat: int) -> float:
    """The best of five runs of `repeat` calls, in CPU microseconds per call."""
    runs = []
    for _ in range(5):
        start = time.process_time()
        for _ in range(repeat):
            function()
        runs.append((time.process_time() - start) / repeat * 1e6)
    return min(runs)


def main() -> None:
    same = [line(1, 10, Money(2000, "EUR"), 1), line(2, 20, Money(3000, "EUR"), 2)]
    mixed = [line(1, 10, Money(2000, "EUR"), 1), line(2, 20, Money(10000, "PLN"), 3)]
    profiles = {1: [shipping_rate(1, "EUR")], 2: [shipping_rate(2, "EUR")], 3: [shipping_rate(3, "PLN")]}
    common: dict[str, Any] = dict(
        rates_by_profile=profiles,
        destination_country="FR",
        service_levels={},
        placed_on=DAY,
        pricing=DeliveredPricing(rates=TABLE),
    )
    presentment = Presentment(currency="GBP", settlement_currencies={}, rates=TABLE)
    parts = [
        SettledPart(10, "EUR", 2490, 2076, Decimal("0.8338")),
        SettledPart(20, "PLN", 10590, 2102, Decimal("0.198523809524")),
    ]
    offers = [
        CheckoutOffer(
            *(index, 10 + index, 1, "SKU", 2000, "EUR", True, 1, 1),
            CheckoutProduct("T"),
            CheckoutSeller("verified", None),
            None,
            None,
        )
        for index in range(2)
    ]
    figures = {
        "build_checkout, one currency, 2 sellers": best_microseconds(
            lambda: build_checkout(lines=same, **common), 20_000
        ),
        "build_checkout_converted, EUR + PLN charged in GBP": best_microseconds(
            lambda: build_checkout_converted(lines=mixed, presentment=presentment, **common), 20_000
        ),
        "capture_lines with FX legs, 2 seller orders": best_microseconds(
            lambda: capture_lines(currency="GBP", total=4178, parts=parts), 20_000
        ),
        "order_presentment, one currency (the same-currency path's check)": best_microseconds(
            lambda: order_presentment(offers, None), 100_000
        ),
    }
    for name, microseconds in figures.items():
        print(f"{name:68} {microseconds:7.2f} µs")


if __name__ == "__main__":
    main()

"""Shipping quotes. Pure: a seller order's shipping options for a destination, from rate rows."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from comptoir.core.money import Money


@dataclass(frozen=True)
class Rate:
    id: int
    zone_name: str
    countries: tuple[str, ...]
    service_level: str
    carrier: str
    first_item: Money
    additional_item: Money
    transit_days_min: int
    transit_days_max: int


@dataclass(frozen=True)
class ShippingQuote:
    rate_id: int
    service_level: str
    carrier: str
    zone_name: str
    price: Money
    transit_days_min: int
    transit_days_max: int


def rates_for_country(rates: list[Rate], country: str) -> list[Rate]:
    """Rates whose zone names the country; the worldwide zone ('*') only when no named zone does."""
    named = [rate for rate in rates if country in rate.countries]
    if named:
        return named
    return [rate for rate in rates if "*" in rate.countries]


def quote(rate: Rate, item_count: int) -> ShippingQuote:
    if item_count < 1:
        raise ValueError("item_count must be positive")
    price = rate.first_item + rate.additional_item * (item_count - 1)
    return ShippingQuote(
        rate.id, rate.service_level, rate.carrier, rate.zone_name, price, rate.transit_days_min, rate.transit_days_max
    )


def add_business_days(start: dt.date, days: int) -> dt.date:
    """Monday–Friday count; a start on a weekend counts from the next Monday."""
    current = start
    while current.weekday() >= 5:
        current += dt.timedelta(days=1)
    remaining = days
    while remaining > 0:
        current += dt.timedelta(days=1)
        if current.weekday() < 5:
            remaining -= 1
    return current


def promise_dates(
    placed_on: dt.date, handling_days: int, transit_days_min: int, transit_days_max: int
) -> tuple[dt.date, dt.date, dt.date]:
    """(ship by, earliest delivery, latest delivery): the dates a late-shipment metric will judge."""
    ship_by = add_business_days(placed_on, handling_days)
    return ship_by, add_business_days(ship_by, transit_days_min), add_business_days(ship_by, transit_days_max)

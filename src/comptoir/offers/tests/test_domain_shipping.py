"""Shipping quotes and promise dates. Pure: no database."""

import datetime as dt

import pytest

from comptoir.core.money import Money
from comptoir.offers.domain.shipping import Rate, add_business_days, promise_dates, quote, rates_for_country


def _rate(rate_id, countries, first=490, additional=100, level="standard"):
    return Rate(
        rate_id, "zone", tuple(countries), level, "carrier", Money(first, "EUR"), Money(additional, "EUR"), 1, 3
    )


def test_named_zone_wins_over_the_rest_of_the_world():
    france, world = _rate(1, ["FR"]), _rate(2, ["*"])

    assert rates_for_country([france, world], "FR") == [france]
    assert rates_for_country([france, world], "JP") == [world]
    assert rates_for_country([france], "JP") == []


def test_quote_charges_first_item_then_each_additional_item():
    assert quote(_rate(1, ["FR"], first=490, additional=100), 1).price == Money(490, "EUR")
    assert quote(_rate(1, ["FR"], first=490, additional=100), 4).price == Money(790, "EUR")
    with pytest.raises(ValueError):
        quote(_rate(1, ["FR"]), 0)


@pytest.mark.parametrize(
    "start, days, expected",
    [
        (dt.date(2030, 1, 7), 1, dt.date(2030, 1, 8)),  # Monday + 1 -> Tuesday
        (dt.date(2030, 1, 11), 1, dt.date(2030, 1, 14)),  # Friday + 1 -> Monday
        (dt.date(2030, 1, 12), 0, dt.date(2030, 1, 14)),  # Saturday + 0 -> Monday
        (dt.date(2030, 1, 12), 2, dt.date(2030, 1, 16)),  # Saturday + 2 -> Wednesday
        (dt.date(2030, 1, 7), 5, dt.date(2030, 1, 14)),
    ],
)
def test_business_days_skip_weekends(start, days, expected):
    assert add_business_days(start, days) == expected


def test_promise_dates_chain_handling_then_transit():
    ship_by, earliest, latest = promise_dates(dt.date(2030, 1, 10), 1, 1, 3)  # Thursday

    assert (ship_by, earliest, latest) == (dt.date(2030, 1, 11), dt.date(2030, 1, 14), dt.date(2030, 1, 16))

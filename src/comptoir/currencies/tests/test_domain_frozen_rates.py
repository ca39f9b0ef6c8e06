"""The arithmetic of a rate frozen on an order: freezing, converting back and proportional refunds. Pure."""

from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import (
    FROZEN_RATE_PLACES,
    convert_at_rate,
    convert_back,
    freeze_rate,
    proportional_part,
)


def test_a_rate_is_frozen_to_twelve_decimal_places_half_even():
    assert FROZEN_RATE_PLACES == 12
    assert freeze_rate(Decimal("0.8338") / Decimal("4.2")) == Decimal("0.198523809524")
    assert freeze_rate(Decimal("1.0000000000005")) == Decimal("1.000000000000")
    assert freeze_rate(Decimal("1.0000000000015")) == Decimal("1.000000000002")


def test_a_rate_too_small_or_not_positive_cannot_be_frozen():
    for rate in (Decimal("0.0000000000004"), Decimal(0), Decimal(-1), Decimal("NaN")):
        with pytest.raises(ValueError):
            freeze_rate(rate)


@pytest.mark.parametrize(
    "amount, currency, rate, expected",
    [
        (Money(2490, "EUR"), "JPY", Decimal("175.68"), Money(4374, "JPY")),  # 24.90 × 175.68 = 4374.43 → ¥4374
        (Money(1999, "EUR"), "BHD", Decimal("0.4212"), Money(8420, "BHD")),  # 19.99 × 0.4212 = 8.419788 → 8.420 BHD
        (Money(4374, "JPY"), "EUR", Decimal("0.005692167577"), Money(2490, "EUR")),  # ¥ has no minor unit
        (Money(8420, "BHD"), "KWD", Decimal("0.815"), Money(6862, "KWD")),  # 8.420 × 0.815 = 6.8623 → 6.862 KWD
    ],
)
def test_conversions_round_once_half_even_to_the_iso_4217_minor_unit(amount, currency, rate, expected):
    assert convert_at_rate(amount, currency, rate) == expected


def test_half_a_minor_unit_rounds_to_even():
    assert convert_at_rate(Money(1, "EUR"), "GBP", Decimal("2.5")) == Money(2, "GBP")  # 0.025 → 0.02
    assert convert_at_rate(Money(1, "EUR"), "GBP", Decimal("3.5")) == Money(4, "GBP")  # 0.035 → 0.04


def test_converting_back_divides_by_the_frozen_rate():
    rate = Decimal("0.198523809524")  # GBP per PLN
    assert convert_back(Money(2083, "GBP"), "PLN", rate) == Money(10492, "PLN")  # 20.83 / rate = 104.924…
    assert convert_back(Money(4374, "JPY"), "EUR", Decimal("175.68")) == Money(2490, "EUR")  # 24.8975… → 24.90


def test_refunding_in_parts_gives_back_exactly_what_was_paid():
    paid = Money(2083, "GBP")
    slices = ((0, 3333), (3333, 3334), (3334, 10490))
    parts = [proportional_part(paid, before=before, after=after, whole=10490) for before, after in slices]
    assert sum(part.amount for part in parts) == 2083
    assert parts[1] == Money(0, "GBP")  # 0.01 zł of 104.90 is less than half a penny
    assert proportional_part(paid, before=0, after=10490, whole=10490) == paid


def test_a_part_outside_the_whole_is_refused():
    with pytest.raises(ValueError):
        proportional_part(Money(100, "GBP"), before=50, after=120, whole=100)
    with pytest.raises(ValueError):
        proportional_part(Money(100, "GBP"), before=0, after=0, whole=0)

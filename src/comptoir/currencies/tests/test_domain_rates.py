import datetime as dt
from decimal import Decimal

import pytest

from comptoir.core.money import Money
from comptoir.currencies.domain.rates import RateOrigin, RateTable, convert_at_rate
from comptoir.offers.domain.pricing import OverriddenRates, StaticRates

DAY = dt.date(2026, 12, 4)
TABLE = RateTable(
    day=DAY,
    rates={
        "GBP": Decimal("0.8338"),
        "CHF": Decimal("0.9194"),
        "JPY": Decimal("175.68"),
        "USD": Decimal("1.1172"),
        "BHD": Decimal("0.4212"),
    },
)


def test_converts_from_and_into_the_euro_at_the_days_rate():
    assert TABLE.convert(Money(10000, "EUR"), "GBP") == Money(8338, "GBP")  # 100.00 EUR
    assert TABLE.convert(Money(8338, "GBP"), "EUR") == Money(10000, "EUR")


def test_cross_rates_go_through_the_euro():
    # 100.00 GBP -> EUR -> CHF: 100 × 0.9194 / 0.8338 = 110.2662…
    assert TABLE.rate("GBP", "CHF").quantize(Decimal("0.000001")) == Decimal("1.102663")
    assert TABLE.convert(Money(10000, "GBP"), "CHF") == Money(11027, "CHF")


def test_rounds_once_to_the_iso_minor_unit_of_the_target():
    # JPY has no minor unit: 12.34 EUR × 175.68 = 2167.8912 -> 2168 yen.
    assert TABLE.convert(Money(1234, "EUR"), "JPY") == Money(2168, "JPY")
    # BHD has three: 12.34 EUR × 0.4212 = 5.197608 -> 5.198 BHD.
    assert TABLE.convert(Money(1234, "EUR"), "BHD") == Money(5198, "BHD")
    # From a zero-decimal currency: 2168 JPY / 175.68 = 12.3406… EUR -> 12.34.
    assert TABLE.convert(Money(2168, "JPY"), "EUR") == Money(1234, "EUR")


def test_a_tie_is_rounded_half_even():
    assert convert_at_rate(Money(1, "EUR"), "USD", Decimal("0.5")) == Money(0, "USD")  # 0.5 cent -> 0
    assert convert_at_rate(Money(3, "EUR"), "USD", Decimal("0.5")) == Money(2, "USD")  # 1.5 cents -> 2
    assert convert_at_rate(Money(5, "EUR"), "USD", Decimal("0.5")) == Money(2, "USD")  # 2.5 cents -> 2


def test_a_currency_without_a_rate_is_not_converted():
    assert TABLE.convert(Money(100, "EUR"), "SEK") is None
    assert TABLE.convert(Money(100, "SEK"), "GBP") is None
    assert TABLE.origin("SEK", "GBP") is None
    assert TABLE.convert(Money(100, "SEK"), "SEK") == Money(100, "SEK")


def test_the_origin_names_the_publisher_and_the_day():
    assert TABLE.origin("EUR", "GBP") == RateOrigin("ECB", DAY)
    assert TABLE.origin("GBP", "GBP") is None


def test_rates_must_be_positive_decimals_never_floats():
    with pytest.raises(ValueError):
        RateTable(day=DAY, rates={"GBP": 0.8338})
    with pytest.raises(ValueError):
        RateTable(day=DAY, rates={"GBP": Decimal("0")})


def test_the_operators_fixed_rate_wins_over_the_published_one_and_says_so():
    rates = OverriddenRates(StaticRates({("GBP", "EUR"): Decimal("1.25")}), TABLE)

    assert rates.convert(Money(10000, "GBP"), "EUR") == Money(12500, "EUR")
    assert rates.origin("GBP", "EUR") == RateOrigin("operator", None)
    # A pair the operator does not give comes from the published table.
    assert rates.convert(Money(10000, "EUR"), "CHF") == Money(9194, "CHF")
    assert rates.origin("EUR", "CHF") == RateOrigin("ECB", DAY)


def test_static_rates_round_through_the_same_rule():
    rates = StaticRates({("JPY", "EUR"): Decimal("0.0062")})
    assert rates.convert(Money(1000, "JPY"), "EUR") == Money(620, "EUR")
    assert rates.convert(Money(620, "EUR"), "JPY") == convert_at_rate(Money(620, "EUR"), "JPY", 1 / Decimal("0.0062"))

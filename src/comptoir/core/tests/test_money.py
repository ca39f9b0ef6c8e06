"""Money: integer minor units, exponent from Babel, one rounding, no floats."""

from decimal import ROUND_HALF_UP, Decimal

import pytest

from comptoir.core.exceptions import ValidationError
from comptoir.core.money import Money, currency_exponent, sum_money, validate_currency

NARROW_NO_BREAK_SPACE = "\u202f"
NO_BREAK_SPACE = "\xa0"


def test_addition_and_subtraction_keep_the_currency():
    total = Money(1999, "EUR") + Money(1, "EUR") - Money(500, "EUR")

    assert total == Money(1500, "EUR")


def test_multiplication_by_a_quantity_and_negation():
    assert Money(250, "EUR") * 3 == Money(750, "EUR")
    assert 3 * Money(250, "EUR") == Money(750, "EUR")
    assert -Money(250, "EUR") == Money(-250, "EUR")


def test_sum_money_of_nothing_is_zero_in_that_currency():
    assert sum_money([], "JPY") == Money(0, "JPY")
    assert sum_money([Money(1, "JPY"), Money(2, "JPY")], "JPY") == Money(3, "JPY")


@pytest.mark.parametrize(
    "operation",
    [
        lambda: Money(100, "EUR") + Money(100, "USD"),
        lambda: Money(100, "EUR") - Money(100, "USD"),
        lambda: Money(100, "EUR") < Money(100, "USD"),
        lambda: Money(100, "EUR") >= Money(100, "USD"),
    ],
)
def test_combining_two_currencies_is_refused(operation):
    with pytest.raises(ValueError, match="Currency mismatch"):
        operation()


def test_equal_amounts_in_different_currencies_are_not_equal():
    assert Money(100, "EUR") != Money(100, "USD")


def test_comparisons_within_one_currency():
    assert Money(1, "EUR") < Money(2, "EUR") <= Money(2, "EUR")
    assert Money(3, "EUR") > Money(2, "EUR") >= Money(2, "EUR")


@pytest.mark.parametrize("currency, expected", [("EUR", 2), ("USD", 2), ("JPY", 0), ("KWD", 3), ("BHD", 3), ("ISK", 0)])
def test_exponent_comes_from_babel(currency, expected):
    assert currency_exponent(currency) == expected


@pytest.mark.parametrize("amount", [1.5, 1.0, Decimal("1.5"), "150", True, None])
def test_amount_must_be_an_int_of_minor_units(amount):
    with pytest.raises(TypeError):
        Money(amount, "EUR")


@pytest.mark.parametrize("code", ["XXY", "eur", "EURO", "", "€"])
def test_unknown_currency_is_a_validation_error(code):
    with pytest.raises(ValidationError) as raised:
        Money(100, code)

    assert raised.value.code == "unknown_currency"
    assert "currency" in raised.value.fields


def test_validate_currency_normalises_case_and_refuses_unknown_codes():
    assert validate_currency("eur") == "EUR"
    with pytest.raises(ValidationError):
        validate_currency("XXY")


@pytest.mark.parametrize(
    "value, currency, minor",
    [
        ("12.34", "EUR", 1234),
        (Decimal("12.3"), "EUR", 1230),
        (12, "EUR", 1200),
        ("1500", "JPY", 1500),
        ("1.234", "KWD", 1234),
        ("-0.01", "EUR", -1),
        ("12.340", "EUR", 1234),
    ],
)
def test_from_decimal_converts_major_units_to_minor_units(value, currency, minor):
    assert Money.from_decimal(value, currency) == Money(minor, currency)


@pytest.mark.parametrize("value, currency", [("12.345", "EUR"), ("1.5", "JPY"), ("0.0001", "KWD")])
def test_from_decimal_refuses_more_precision_than_the_currency_has(value, currency):
    with pytest.raises(ValidationError) as raised:
        Money.from_decimal(value, currency)

    assert raised.value.code == "invalid_amount"
    assert "amount" in raised.value.fields


@pytest.mark.parametrize("value", ["abc", "NaN", "Infinity", ""])
def test_from_decimal_refuses_non_numbers(value):
    with pytest.raises(ValidationError):
        Money.from_decimal(value, "EUR")


def test_from_decimal_refuses_floats():
    with pytest.raises(TypeError):
        Money.from_decimal(0.1, "EUR")


def test_from_decimal_accepts_a_lowercase_currency():
    assert Money.from_decimal("1", "eur") == Money(100, "EUR")


@pytest.mark.parametrize(
    "amount, rate_bp, expected",
    [
        (25, 5000, 12),  # 12.5 -> 12 (half to even)
        (35, 5000, 18),  # 17.5 -> 18 (half to even)
        (-25, 5000, -12),  # -12.5 -> -12
        (1, 5000, 0),  # 0.5 -> 0
        (3, 5000, 2),  # 1.5 -> 2
        (1999, 1200, 240),  # 239.88 -> 240
        (1000, 1234, 123),  # 123.4 -> 123
        (10000, 10000, 10000),
        (999, 0, 0),
    ],
)
def test_basis_points_rounds_half_to_even_once(amount, rate_bp, expected):
    assert Money(amount, "EUR").basis_points(rate_bp) == Money(expected, "EUR")


def test_basis_points_with_a_named_rounding_mode():
    assert Money(25, "EUR").basis_points(5000, rounding=ROUND_HALF_UP) == Money(13, "EUR")


@pytest.mark.parametrize("rate", [12.5, Decimal("1200"), True])
def test_basis_points_rate_must_be_an_int(rate):
    with pytest.raises(TypeError):
        Money(1000, "EUR").basis_points(rate)


def test_multiplying_by_a_float_is_refused():
    with pytest.raises(TypeError):
        Money(100, "EUR") * 1.5


@pytest.mark.parametrize(
    "amount, weights, expected",
    [
        (100, [1, 1, 1], [34, 33, 33]),
        (10, [3, 7], [3, 7]),
        (5, [1, 2], [2, 3]),
        (11, [0, 1, 1], [0, 6, 5]),
        (0, [1, 2], [0, 0]),
        (1, [1, 1, 1, 1], [1, 0, 0, 0]),
    ],
)
def test_allocate_splits_in_proportion_and_sums_to_the_total(amount, weights, expected):
    parts = Money(amount, "EUR").allocate(weights)

    assert [part.amount for part in parts] == expected
    assert sum(part.amount for part in parts) == amount


@pytest.mark.parametrize("amount", [-100, -1, 1, 7, 99_999, 10**15 + 7])
def test_allocate_always_sums_to_the_total(amount):
    weights = [3, 0, 5, 11, 1]

    parts = Money(amount, "EUR").allocate(weights)

    assert sum(part.amount for part in parts) == amount
    assert parts[1].amount == 0


@pytest.mark.parametrize(
    "weights, error", [([], ValueError), ([0, 0], ValueError), ([2, -1], ValueError), ([0.5, 0.5], TypeError)]
)
def test_allocate_refuses_bad_weights(weights, error):
    with pytest.raises(error):
        Money(100, "EUR").allocate(weights)


def test_french_formatting_groups_with_a_narrow_no_break_space():
    assert Money(123456, "EUR").format("fr") == f"1{NARROW_NO_BREAK_SPACE}234,56{NO_BREAK_SPACE}€"


def test_english_formatting_puts_the_symbol_first():
    assert Money(123456, "EUR").format("en") == "€1,234.56"
    assert Money(-123456, "EUR").format("en") == "-€1,234.56"


def test_formatting_follows_the_currency_exponent():
    assert Money(1234, "JPY").format("en") == "¥1,234"
    assert Money(1234, "KWD").format("en") == "KWD1.234"
    assert Money(1234, "KWD").format("fr") == f"1,234{NO_BREAK_SPACE}KWD"


def test_decimal_string_and_dict_forms():
    money = Money(1205, "EUR")

    assert money.to_decimal() == Decimal("12.05")
    assert str(money) == "12.05 EUR"
    assert Money(1500, "JPY").as_dict() == {"amount": "1500", "amount_minor": 1500, "currency": "JPY"}
    assert money.as_dict() == {"amount": "12.05", "amount_minor": 1205, "currency": "EUR"}


def test_money_is_immutable():
    money = Money(100, "EUR")

    with pytest.raises(AttributeError):
        money.amount = 200

"""VAT per line: integers in minor units, rates in basis points, one explicit half-up rounding."""

from decimal import Decimal

import pytest

from comptoir.taxes.domain.vat import LineTax, add_to_net, breakdown, rate_bp_from_percent, split_gross


def test_a_tax_inclusive_price_splits_into_net_and_vat_that_add_up():
    # 12.00 EUR at 20 %: VAT = 1200 × 2000 / 12000 = 200
    assert split_gross(1200, 2000) == LineTax(net=1000, vat=200, gross=1200, rate_bp=2000)
    # 9.99 EUR at 5.5 %: 999 × 550 / 10550 = 52.08… → 52
    line = split_gross(999, 550)
    assert (line.net, line.vat, line.net + line.vat) == (947, 52, 999)


def test_half_a_cent_rounds_up_not_to_even():
    # 25 × 2000 / 10000 = 5 exactly; 2.5 cents of VAT on 12.5 → use a net amount whose VAT is exactly x.5
    assert add_to_net(25, 1000).vat == 3  # 2.5 → 3 (half-even would give 2)
    assert add_to_net(35, 1000).vat == 4  # 3.5 → 4


def test_vat_added_to_a_net_business_price():
    assert add_to_net(10_000, 2550) == LineTax(net=10_000, vat=2550, gross=12_550, rate_bp=2550)


@pytest.mark.parametrize("bad", [-1, 1.5, True, "100"])
def test_amounts_are_non_negative_ints(bad):
    with pytest.raises(ValueError):
        split_gross(bad, 2000)


def test_rates_are_read_from_text_or_decimal_never_floats():
    assert rate_bp_from_percent("20") == 2000
    assert rate_bp_from_percent("5.5") == 550
    assert rate_bp_from_percent(Decimal("25.5")) == 2550
    assert rate_bp_from_percent("2.1") == 210
    with pytest.raises(TypeError):
        rate_bp_from_percent(20.0)
    with pytest.raises(ValueError):
        rate_bp_from_percent("7.125")


def test_the_invoice_breakdown_sums_lines_per_rate_highest_first():
    rows = breakdown([split_gross(1200, 2000), split_gross(999, 550), split_gross(600, 2000)])
    assert [(row.rate_bp, row.net, row.vat) for row in rows] == [(2000, 1500, 300), (550, 947, 52)]


def _decimal_half_up(numerator: int, denominator: int) -> int:
    """The rounding as it was written before the integer arithmetic: the Decimal quotient, quantized half up."""
    from decimal import ROUND_HALF_UP

    return int((Decimal(numerator) / denominator).quantize(Decimal(1), rounding=ROUND_HALF_UP))


def test_the_integer_rounding_gives_what_the_decimal_formula_gives():
    # split_gross and add_to_net round with integer arithmetic (the checkout's hot path): the same VAT as the Decimal
    # formula for amounts from a cent to beyond any order, every published rate shape, the exact ties included.
    import random

    chooser = random.Random(12)
    rates = [0, 1, 210, 550, 700, 1000, 1900, 2000, 2100, 2550, 2700, 9999, 10_000]
    amounts = [0, 1, 5, 25, 35, 999, 10_550, 12_550, 10**12 + 7] + [chooser.randrange(0, 10**9) for _ in range(400)]
    for rate in rates:
        for amount in amounts:
            assert split_gross(amount, rate).vat == _decimal_half_up(amount * rate, 10_000 + rate), (amount, rate)
            assert add_to_net(amount, rate).vat == _decimal_half_up(amount * rate, 10_000), (amount, rate)

"""Credit note arithmetic (pure): shares of a line's gross and VAT per unit, computed cumulatively so that
successive partial credits add up exactly to the tax line."""

import pytest

from comptoir.orders.domain.credit_note import (
    SHIPPING,
    CreditableLine,
    CreditRequestError,
    credit_lines,
    credit_totals,
    everything_left,
)

THREE = CreditableLine(key=7, quantity=3, gross=1000, vat=167, rate_bp=2000, tax_country="FR", collector="marketplace")


def credited(line: CreditableLine, gross: int, vat: int, quantity: int) -> CreditableLine:
    return CreditableLine(
        key=line.key,
        quantity=line.quantity,
        gross=line.gross,
        vat=line.vat,
        rate_bp=line.rate_bp,
        tax_country=line.tax_country,
        collector=line.collector,
        credited_quantity=line.credited_quantity + quantity,
        credited_gross=line.credited_gross + gross,
        credited_vat=line.credited_vat + vat,
    )


def test_one_unit_of_three_is_a_third_rounded_half_up():
    [line] = credit_lines([THREE], {7: 1})
    assert (line.quantity, line.gross, line.vat, line.net, line.rate_bp) == (1, 333, 56, 277, 2000)


def test_successive_credits_add_up_exactly_to_the_line():
    line, gross, vat = THREE, 0, 0
    for _ in range(3):
        [credit] = credit_lines([line], {7: 1})
        gross, vat = gross + credit.gross, vat + credit.vat
        line = credited(line, credit.gross, credit.vat, 1)
    assert (gross, vat) == (1000, 167)
    assert line.remaining_quantity == 0
    assert everything_left([line]) == {}


def test_everything_left_credits_the_remainder_exactly():
    after_one = credited(THREE, 333, 56, 1)
    [credit] = credit_lines([after_one], everything_left([after_one]))
    assert (credit.quantity, credit.gross, credit.vat) == (2, 667, 111)


def test_a_line_without_vat_is_credited_net():
    plain = CreditableLine(key=SHIPPING, quantity=1, gross=490, vat=0)
    [credit] = credit_lines([plain], {SHIPPING: 1})
    assert (credit.gross, credit.vat, credit.net, credit.tax_line_id) == (490, 0, 490, None)


def test_totals_separate_the_vat_the_marketplace_collected():
    seller_line = CreditableLine(key=8, quantity=1, gross=1210, vat=210, collector="seller")
    credit = credit_lines([THREE, seller_line], {7: 3, 8: 1})
    assert credit_totals(credit) == credit_totals(credit).__class__(gross=2210, vat=377, marketplace_vat=167)


@pytest.mark.parametrize(
    ("request_", "message"),
    [({9: 1}, "Not a line"), ({7: 0}, "positive"), ({7: True}, "positive"), ({7: 4}, "At most 3")],
)
def test_bad_requests_are_refused(request_, message):
    with pytest.raises(CreditRequestError, match=message):
        credit_lines([THREE], request_)


def test_the_duty_follows_the_goods_an_equal_share_per_line_spread_over_its_units():
    from comptoir.orders.domain.credit_note import DUTY

    one = CreditableLine(key=1, quantity=1, gross=4000, vat=667, collector="marketplace")
    two = CreditableLine(key=2, quantity=3, gross=9000, vat=1500, collector="marketplace")
    duty = CreditableLine(
        key=DUTY, quantity=1, gross=367, vat=61, rate_bp=2000, tax_country="FR", collector="marketplace"
    )
    shipping = CreditableLine(key=SHIPPING, quantity=1, gross=500, vat=83, collector="marketplace")
    lines = [one, two, shipping, duty]

    # The duty is never requested on its own, nor part of "everything left".
    with pytest.raises(CreditRequestError):
        credit_lines(lines, {DUTY: 1})
    assert DUTY not in everything_left(lines)
    # The shipping alone bears no duty.
    assert [line.key for line in credit_lines(lines, {SHIPPING: 1})] == [SHIPPING]

    # One unit of three of the second line: 1/2 × 1/3 of the duty, half up: 61.17 → 61 gross, 10.17 → 10 VAT.
    [_, first] = credit_lines(lines, {2: 1})
    assert (first.key, first.gross, first.vat, first.net, first.quantity) == (DUTY, 61, 10, 51, 1)
    assert credit_totals([first]).duty == 51

    # Cumulative: after every unit, the notes add up to the duty line exactly.
    after_first = [one, credited(two, 3000, 500, 1), shipping, _duty_credited(duty, first)]
    rest = credit_lines(after_first, everything_left(after_first))
    [rest_duty] = [line for line in rest if line.key == DUTY]
    assert (first.gross + rest_duty.gross, first.vat + rest_duty.vat) == (367, 61)
    assert rest_duty.quantity == 3  # the goods' units it follows: one of the first line, two of the second


def _duty_credited(duty: CreditableLine, line) -> CreditableLine:
    return CreditableLine(
        key=duty.key,
        quantity=duty.quantity,
        gross=duty.gross,
        vat=duty.vat,
        rate_bp=duty.rate_bp,
        tax_country=duty.tax_country,
        collector=duty.collector,
        credited_quantity=duty.credited_quantity + line.quantity,
        credited_gross=duty.credited_gross + line.gross,
        credited_vat=duty.credited_vat + line.vat,
    )

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

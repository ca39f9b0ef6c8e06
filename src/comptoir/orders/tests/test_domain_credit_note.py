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


def test_the_duty_of_an_item_comes_back_with_the_last_unit_of_its_subheading():
    from comptoir.orders.domain.credit_note import DUTY

    # Two items: line 1 (6206.10) and lines 2 and 3 (both 6206.20, three and one units). Duty 3.67 incl. 0.61 VAT.
    one = CreditableLine(key=1, quantity=1, gross=4000, vat=667, collector="marketplace", subheading="620610")
    two = CreditableLine(key=2, quantity=3, gross=9000, vat=1500, collector="marketplace", subheading="620620")
    three = CreditableLine(key=3, quantity=1, gross=3000, vat=500, collector="marketplace", subheading="620620")
    duty = CreditableLine(
        key=DUTY, quantity=1, gross=367, vat=61, rate_bp=2000, tax_country="FR", collector="marketplace"
    )
    shipping = CreditableLine(key=SHIPPING, quantity=1, gross=500, vat=83, collector="marketplace")
    lines = [one, two, three, shipping, duty]

    # The duty is never requested on its own, nor part of "everything left".
    with pytest.raises(CreditRequestError):
        credit_lines(lines, {DUTY: 1})
    assert DUTY not in everything_left(lines)
    # The shipping alone bears no duty; nor do units of a subheading of which some are kept.
    assert [line.key for line in credit_lines(lines, {SHIPPING: 1})] == [SHIPPING]
    assert [line.key for line in credit_lines(lines, {2: 3})] == [2]
    assert [line.key for line in credit_lines(lines, {2: 2, 3: 1})] == [2, 3]

    # Every unit of 6206.20 (two lines): one item of two, half the duty line, half up: 183.5 → 184 gross, 30.5 → 31.
    *_, first = credit_lines(lines, {2: 3, 3: 1})
    assert (first.key, first.gross, first.vat, first.net, first.quantity) == (DUTY, 184, 31, 153, 4)
    assert credit_totals([first]).duty == 153

    # Cumulative: the last item gives back the rest, the notes add up to the duty line exactly.
    after_first = [
        one,
        credited(two, 9000, 1500, 3),
        credited(three, 3000, 500, 1),
        shipping,
        _duty_credited(duty, first),
    ]
    rest = credit_lines(after_first, everything_left(after_first))
    [rest_duty] = [line for line in rest if line.key == DUTY]
    assert (first.gross + rest_duty.gross, first.vat + rest_duty.vat) == (367, 61)
    assert rest_duty.quantity == 1  # the goods' units it follows: the silk blouse


def test_lines_without_hs_code_are_items_of_their_own():
    from comptoir.orders.domain.credit_note import DUTY

    one = CreditableLine(key=1, quantity=2, gross=2000, vat=0)
    two = CreditableLine(key=2, quantity=1, gross=1000, vat=0)
    duty = CreditableLine(key=DUTY, quantity=1, gross=600, vat=0, collector="marketplace")
    [_, back] = credit_lines([one, two, duty], {2: 1})
    assert (back.key, back.gross) == (DUTY, 300)
    assert [line.key for line in credit_lines([one, two, duty], {1: 1})] == [1]


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


# The worked case: the US seller's EUR 120 blouse to Italy, 156.04 with the duty (docs/TAXES.md).
ITEM = CreditableLine(key=1, quantity=1, gross=14640, vat=2640, rate_bp=2200, tax_country="IT", collector="marketplace")
SHIP = CreditableLine(
    key=SHIPPING, quantity=1, gross=598, vat=108, rate_bp=2200, tax_country="IT", collector="marketplace"
)
DUTY_IT = CreditableLine(
    key="duty:9", quantity=1, gross=366, vat=66, rate_bp=2200, tax_country="IT", collector="marketplace"
)


def test_a_chargeback_spreads_the_amount_the_vat_and_the_duty_of_the_entry_over_the_lines():
    from comptoir.orders.domain.credit_note import chargeback_credit_lines

    credit = chargeback_credit_lines([ITEM, SHIP, DUTY_IT], amount=5201, marketplace_vat=938, duty=100)
    assert [(line.key, line.quantity, line.net, line.vat, line.gross) for line in credit] == [
        (1, 0, 4000, 880, 4880),
        (SHIPPING, 0, 163, 36, 199),
        ("duty:9", 0, 100, 22, 122),
    ]
    totals = credit_totals(credit)
    assert (totals.gross, totals.marketplace_vat, totals.duty) == (5201, 938, 100)


def test_a_chargeback_of_everything_left_credits_every_remainder_exactly():
    from comptoir.orders.domain.credit_note import chargeback_credit_lines

    after_unit = credited(ITEM, 4880, 880, 0)
    credit = chargeback_credit_lines([after_unit, SHIP, DUTY_IT], amount=10724, marketplace_vat=1934, duty=300)
    assert [(line.key, line.vat, line.gross) for line in credit] == [
        (1, 1760, 9760),
        (SHIPPING, 108, 598),
        ("duty:9", 66, 366),
    ]


def test_a_chargeback_never_credits_more_than_is_left_of_a_line_and_seller_vat_follows_its_share():
    from comptoir.orders.domain.credit_note import chargeback_credit_lines

    # The seller's own VAT (OSS): no ledger figure, its share of the gross credited, half up.
    seller_line = CreditableLine(key=1, quantity=2, gross=1000, vat=167, rate_bp=2000, collector="seller")
    done = credited(seller_line, 500, 83, 1)
    [line] = chargeback_credit_lines(
        [done, CreditableLine(key=SHIPPING, quantity=1, gross=0, vat=0)], amount=501, marketplace_vat=0, duty=0
    )
    assert (line.gross, line.vat, line.quantity) == (500, 84, 0)  # at most the 5.00 left; its 0.84 of VAT


def test_a_unit_credited_after_a_chargeback_gives_back_only_what_is_left_of_its_share():
    from comptoir.orders.domain.credit_note import chargeback_credit_lines

    [charged] = chargeback_credit_lines([THREE], amount=300, marketplace_vat=50, duty=0)
    after = credited(THREE, charged.gross, charged.vat, 0)
    # One unit of three is 3.33 (0.56 VAT); 3.00 (0.50) came back already through the card issuer.
    [line] = credit_lines([after], {7: 1})
    assert (line.gross, line.vat, line.quantity) == (33, 6, 1)
    # The last two units bring the notes to the line exactly.
    [rest] = credit_lines([credited(after, 33, 6, 1)], {7: 2})
    assert (charged.gross + 33 + rest.gross, charged.vat + 6 + rest.vat) == (1000, 167)


@pytest.mark.parametrize("pieces", [[1, 1, 15602], [5201, 5201, 5202], [7, 15000, 597], [15604]])
def test_successive_chargebacks_stay_within_each_line_and_end_on_it_exactly(pieces):
    from comptoir.orders.domain.credit_note import chargeback_credit_lines
    from comptoir.payments.domain.chargeback import tax_reversed_by_chargeback

    lines, left = [ITEM, SHIP, DUTY_IT], 15604
    for amount in pieces:
        booked_vat = sum(line.remaining_vat for line in lines)
        booked_duty = DUTY_IT.gross - DUTY_IT.vat - (lines[2].credited_gross - lines[2].credited_vat)
        vat = tax_reversed_by_chargeback(booked=booked_vat, collected=2814, amount=amount, total=15604, left=left)
        duty = tax_reversed_by_chargeback(booked=booked_duty, collected=300, amount=amount, total=15604, left=left)
        credit = {
            line.key: line for line in chargeback_credit_lines(lines, amount=amount, marketplace_vat=vat, duty=duty)
        }
        totals = credit_totals(list(credit.values()))
        assert (totals.gross, totals.marketplace_vat, totals.duty) == (amount, vat, duty)
        lines = [
            credited(line, credit[line.key].gross, credit[line.key].vat, 0) if line.key in credit else line
            for line in lines
        ]
        assert all(0 <= line.remaining_vat <= line.remaining_gross for line in lines)
        left -= amount
    assert [(line.remaining_gross, line.remaining_vat) for line in lines] == [(0, 0), (0, 0), (0, 0)]

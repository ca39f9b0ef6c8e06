"""The ledger's conversion legs: every entry balances per currency, the rounding goes to fx_gain_loss. Pure."""

from collections import defaultdict
from decimal import Decimal

from comptoir.payments.domain.fx import SettledPart, capture_lines, refund_split
from comptoir.payments.domain.ledger import check_balanced

EUR_PART = SettledPart(seller_id=1, currency="EUR", total=2490, charged_total=2076, rate=Decimal("0.8338"))
PLN_PART = SettledPart(seller_id=2, currency="PLN", total=10490, charged_total=2083, rate=Decimal("0.198523809524"))


def by_account(lines):
    totals = defaultdict(int)
    for line in lines:
        totals[line.account_key] += line.amount
    return dict(totals)


def test_a_capture_credits_each_seller_in_its_currency_through_the_conversion_accounts():
    lines = capture_lines(currency="GBP", total=4159, parts=[EUR_PART, PLN_PART])
    check_balanced(lines)  # per currency
    assert by_account(lines) == {
        ("provider_clearing", None, "GBP"): 4159,
        ("fx_conversion", None, "GBP"): -4159,
        ("fx_conversion", None, "EUR"): 2490,  # £20.76 / 0.8338 = 24.898… → 24.90
        ("seller_escrow", 1, "EUR"): -2490,
        ("fx_conversion", None, "PLN"): 10492,  # £20.83 back at the frozen rate
        ("seller_escrow", 2, "PLN"): -10490,
        ("fx_gain_loss", None, "PLN"): -2,  # a gain of 0.02 zł (credit)
    }


def test_a_seller_order_in_the_orders_currency_is_captured_as_before():
    same = SettledPart(seller_id=3, currency="GBP", total=1500)
    lines = capture_lines(currency="GBP", total=1500 + 2076, parts=[same, EUR_PART])
    check_balanced(lines)
    assert by_account(lines)[("seller_escrow", 3, "GBP")] == -1500
    assert by_account(lines)[("fx_conversion", None, "GBP")] == -2076


def test_refunds_in_parts_give_back_what_was_paid_and_undo_the_conversion():
    first = refund_split(currency="GBP", part=PLN_PART, returned_before=0, amount=5000)
    rest = refund_split(currency="GBP", part=PLN_PART, returned_before=5000, amount=5490)
    check_balanced(first.lines)
    check_balanced(rest.lines)
    assert first.charged.amount + rest.charged.amount == 2083
    assert first.settled.amount + rest.settled.amount == 10490
    capture = capture_lines(currency="GBP", total=2083, parts=[PLN_PART])
    totals = defaultdict(int)
    for line in capture + first.lines + rest.lines:
        totals[line.account_key] += line.amount
    # Everything back where it started; only what the two partial conversions rounded stays on fx_gain_loss, with the
    # opposite amount on the PLN position.
    assert totals[("seller_escrow", 2, "PLN")] == 0
    assert totals[("provider_clearing", None, "GBP")] == 0
    assert totals[("fx_conversion", None, "GBP")] == 0
    assert totals[("fx_conversion", None, "PLN")] == -totals[("fx_gain_loss", None, "PLN")]
    assert abs(totals[("fx_gain_loss", None, "PLN")]) <= 2


def test_a_full_refund_reverses_the_capture_exactly():
    refund = refund_split(currency="GBP", part=PLN_PART, returned_before=0, amount=10490)
    capture = capture_lines(currency="GBP", total=2083, parts=[PLN_PART])
    totals = defaultdict(int)
    for line in capture + refund.lines:
        totals[line.account_key] += line.amount
    assert refund.charged.amount == 2083
    assert {key: amount for key, amount in totals.items() if amount} == {}

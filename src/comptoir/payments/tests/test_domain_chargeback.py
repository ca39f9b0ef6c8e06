"""The pure chargeback arithmetic: commission kept pro rata, release after a chargeback, postings of each case."""

from comptoir.payments.domain.chargeback import chargeback_lines, commission_kept, release_amounts
from comptoir.payments.domain.ledger import PostingLine, check_balanced


def test_the_commission_is_kept_only_on_what_the_buyer_finally_paid():
    assert commission_kept(total=10_000, commission=1_000, charged_back=0) == 1_000
    assert commission_kept(total=10_000, commission=1_000, charged_back=2_500) == 750
    assert commission_kept(total=10_000, commission=1_000, charged_back=10_000) == 0
    # half-even rounding, once: 1000 × 1/3 = 333.33…
    assert commission_kept(total=3, commission=1_000, charged_back=2) == 333


def test_a_release_after_a_partial_chargeback_releases_what_is_left():
    amounts = release_amounts(total=10_000, commission=1_000, charged_back=2_500)
    assert (amounts.escrow, amounts.payable, amounts.commission) == (7_500, 6_750, 750)
    assert release_amounts(total=10_000, commission=1_000, charged_back=0) == release_amounts(
        total=10_000, commission=1_000, charged_back=0
    )
    assert release_amounts(total=10_000, commission=1_000, charged_back=10_000).escrow == 0


def test_before_release_the_chargeback_comes_out_of_escrow():
    lines = chargeback_lines(
        seller_id=7,
        currency="EUR",
        amount=4_000,
        total=10_000,
        commission=1_000,
        charged_back_before=0,
        is_released=False,
        payable_available=0,
    )
    assert lines == [
        PostingLine(("seller_escrow", 7, "EUR"), 4_000),
        PostingLine(("provider_clearing", None, "EUR"), -4_000),
    ]


def test_after_release_the_seller_part_comes_from_payable_and_the_commission_is_reversed():
    lines = chargeback_lines(
        seller_id=7,
        currency="EUR",
        amount=4_000,
        total=10_000,
        commission=1_000,
        charged_back_before=0,
        is_released=True,
        payable_available=9_000,
    )
    check_balanced(lines)
    assert lines == [
        PostingLine(("seller_payable", 7, "EUR"), 3_600),
        PostingLine(("commission", None, "EUR"), 400),
        PostingLine(("provider_clearing", None, "EUR"), -4_000),
    ]


def test_what_the_payable_balance_cannot_cover_becomes_a_receivable_on_the_seller():
    lines = chargeback_lines(
        seller_id=7,
        currency="EUR",
        amount=10_000,
        total=10_000,
        commission=1_000,
        charged_back_before=0,
        is_released=True,
        payable_available=2_000,
    )
    check_balanced(lines)
    assert lines == [
        PostingLine(("seller_payable", 7, "EUR"), 2_000),
        PostingLine(("seller_receivable", 7, "EUR"), 7_000),
        PostingLine(("commission", None, "EUR"), 1_000),
        PostingLine(("provider_clearing", None, "EUR"), -10_000),
    ]


def test_successive_chargebacks_reverse_exactly_the_whole_commission():
    total, commission, reversed_total, before = 1_001, 333, 0, 0
    for amount in (1, 500, 499, 1):
        lines = chargeback_lines(
            seller_id=1,
            currency="EUR",
            amount=amount,
            total=total,
            commission=commission,
            charged_back_before=before,
            is_released=True,
            payable_available=10**6,
        )
        check_balanced(lines)
        reversed_total += sum(line.amount for line in lines if line.account_key[0] == "commission")
        before += amount
    assert reversed_total == commission

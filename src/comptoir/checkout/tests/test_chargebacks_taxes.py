"""Chargebacks after the release reverse the VAT and the duty the marketplace booked to `vat_liability:CC` and
`duty_liability:CC`, in proportion to the amount charged back (docs/TAXES.md, "Chargebacks after the release"); the
IOSS return sees them like a refund."""

import datetime as dt

import pytest

from comptoir.checkout.services import chargeback_record
from comptoir.checkout.tests.test_checkout_duties import buy, offer_from, tax_data  # noqa: F401
from comptoir.checkout.tests.test_credit_notes_duties import balance, release
from comptoir.core import clock
from comptoir.filings import selectors as filings
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow
from comptoir.payments.domain.chargeback import tax_reversed_by_chargeback
from comptoir.payments.models import Chargeback, JournalEntry
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.testing.builders import make_operator

pytestmark = pytest.mark.django_db
AUGUST = dt.datetime(2026, 8, 3, 12, 0, tzinfo=dt.UTC)


def charge_back(seller_order, amount: int, reference: str):
    with clock.frozen_at(AUGUST):
        return chargeback_record(
            seller_order_id=seller_order.pk,
            amount=amount,
            reason="fraud",
            provider_reference=reference,
            actor=make_operator(),
        )


def test_a_full_chargeback_after_the_release_reverses_all_the_vat_and_duty_booked():
    # Given the US seller's EUR 120 blouse to Italy, released: 28.14 to vat_liability:IT, 3.00 to duty_liability:IT.
    offer = offer_from("US", 12000)
    seller_order, _owner = release(buy(offer, to="IT"), offer.seller)
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (-2814, -300)

    # When the whole 156.04 is charged back.
    outcome = charge_back(seller_order, 15604, "CB-1")

    # Then both liabilities are back to 0, the commission too, and the seller bears the rest.
    assert outcome.created
    assert (balance("vat_liability:IT"), balance("duty_liability:IT"), balance("commission")) == (0, 0, 0)
    assert balance("seller_payable", offer.seller) == 0
    assert ledger_entries_unbalanced() == []

    # The same notification again changes nothing.
    again = charge_back(seller_order, 15604, "CB-1")
    assert (again.created, again.chargeback.pk) == (False, outcome.chargeback.pk)
    assert Chargeback.objects.count() == 1
    assert JournalEntry.objects.filter(kind="chargeback").count() == 1
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)

    # The IOSS return of August corrects July's supply (127.90 taxable with the duty, 28.14 VAT) to nothing.
    august = filings.vat_return(kind="ioss", period=periods.month("2026-08"))
    assert august.rows == (ReturnRow("correction", "2026-07", "IT", 2200, -12790, -2814),)


def test_partial_chargebacks_reverse_pro_rata_and_never_more_than_was_booked():
    offer = offer_from("US", 12000)
    seller_order, _owner = release(buy(offer, to="IT"), offer.seller)

    # A third: 28.14 × 52.01 / 156.04 = 9.3794… → 9.38 of VAT; 3.00 × 52.01 / 156.04 = 0.99993… → 1.00 of duty.
    charge_back(seller_order, 5201, "CB-1")
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (-2814 + 938, -300 + 100)
    charge_back(seller_order, 5201, "CB-2")
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (-2814 + 2 * 938, -300 + 2 * 100)
    # The last takes everything left: what is still booked, exactly.
    charge_back(seller_order, 5202, "CB-3")
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert ledger_entries_unbalanced() == []


def test_a_chargeback_before_the_release_moves_no_tax():
    offer = offer_from("US", 12000)
    order = buy(offer, to="IT")
    charge_back(order.seller_orders.get(), 5000, "CB-1")
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert ledger_entries_unbalanced() == []


def test_the_rounding_of_tax_reversed_by_chargebacks():
    # Half up on the share; everything left takes what is still booked; never more than what is booked.
    assert tax_reversed_by_chargeback(booked=2814, collected=2814, amount=5201, total=15604, left=15604) == 938
    assert tax_reversed_by_chargeback(booked=3, collected=3, amount=1, total=2, left=2) == 2  # 1.5 → 2
    assert tax_reversed_by_chargeback(booked=1, collected=3, amount=1, total=2, left=1) == 1  # everything left
    assert tax_reversed_by_chargeback(booked=1, collected=3, amount=1, total=4, left=3) == 1  # 0.75 → 1, capped at 1
    assert tax_reversed_by_chargeback(booked=0, collected=3, amount=1, total=2, left=2) == 0
    # Any sequence of chargebacks reverses at most what was booked, and all of it when the last takes what is left.
    for pieces in ([1, 1, 1, 1], [3, 1], [1, 2, 1]):
        booked, left = 3, 4
        for amount in pieces:
            reversed_now = tax_reversed_by_chargeback(booked=booked, collected=3, amount=amount, total=4, left=left)
            assert 0 <= reversed_now <= booked
            booked, left = booked - reversed_now, left - amount
        assert booked == 0

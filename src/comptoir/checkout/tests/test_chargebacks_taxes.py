"""Chargebacks after the release reverse the VAT and the duty the marketplace booked to `vat_liability:CC` and
`duty_liability:CC`, in proportion to the amount charged back (docs/TAXES.md, "Chargebacks after the release"), and
write a credit note (kind "chargeback") matching the journal entry to the cent; before the release, the note reduces
what the release books. The IOSS return reads the notes."""

import datetime as dt

import pytest
from django.test import TestCase

from comptoir.checkout.services import chargeback_record, seller_order_complete
from comptoir.checkout.tests.test_checkout_duties import JULY, buy, offer_from, tax_data  # noqa: F401
from comptoir.checkout.tests.test_credit_notes_duties import balance, release
from comptoir.core import clock
from comptoir.filings import selectors as filings
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import CreditNote, OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.domain.chargeback import tax_reversed_by_chargeback
from comptoir.payments.models import Chargeback, JournalEntry, Posting
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.payments.verify import ledger_verify
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


def entry_reversed(chargeback: Chargeback, kind: str) -> int:
    """What the chargeback's journal entry debited to an account kind (vat_liability:IT, duty_liability:IT)."""
    return sum(Posting.objects.filter(entry=chargeback.entry, account__kind=kind).values_list("amount", flat=True))


def notes_by_tax_line(seller_order) -> dict[str, tuple[int, int]]:
    """(net, VAT) credited per tax line kind by every credit note of the seller order."""
    credited: dict[str, tuple[int, int]] = {}
    for tax_line in OrderTaxLine.objects.filter(seller_order=seller_order):
        lines = list(tax_line.credit_lines.values_list("net_amount", "vat_amount"))
        credited[tax_line.kind] = (sum(net for net, _ in lines), sum(vat for _, vat in lines))
    return credited


def test_a_chargeback_after_the_release_writes_a_credit_note_matching_the_journal_entry():
    # Given the worked case released: item 146.40 (26.40 VAT), shipping 5.98 (1.08), duty 3.00 + 0.66.
    offer = offer_from("US", 12000)
    seller_order, _owner = release(buy(offer, to="IT"), offer.seller)

    # When a third is charged back: 52.01, of which 9.38 of VAT and 1.00 of duty leave the liabilities.
    first = charge_back(seller_order, 5201, "CB-1").chargeback

    # Then its credit note (numbered like the others) spreads them over the lines: item 48.80 (8.80 VAT), shipping
    # 1.99 (0.36), duty 1.00 + 0.22 — the VAT and the duty of the note are the entry's, to the cent.
    note = CreditNote.objects.get(seller_order=seller_order)
    assert (note.number, note.kind, note.key, note.reason) == (
        f"{seller_order.number}-C1",
        "chargeback",
        f"chargeback:{first.pk}",
        "fraud",
    )
    assert (note.gross_amount, note.vat_amount, note.marketplace_vat_amount, note.after_release) == (
        5201,
        938,
        938,
        True,
    )
    lines = {
        line.kind: (line.quantity, line.net_amount, line.vat_amount, line.gross_amount) for line in note.lines.all()
    }
    assert lines == {"item": (0, 4000, 880, 4880), "shipping": (0, 163, 36, 199), "duty": (0, 100, 22, 122)}
    assert entry_reversed(first, "vat_liability:IT") == note.vat_amount == 938
    assert entry_reversed(first, "duty_liability:IT") == lines["duty"][1] == 100

    # The same notification again writes nothing.
    charge_back(seller_order, 5201, "CB-1")
    assert CreditNote.objects.filter(seller_order=seller_order).count() == 1

    # When the rest is charged back in two parts, each note matches its entry, and together the notes credit every
    # tax line exactly (the liabilities are at 0).
    for amount, reference in ((5201, "CB-2"), (5202, "CB-3")):
        chargeback = charge_back(seller_order, amount, reference).chargeback
        note = CreditNote.objects.get(key=f"chargeback:{chargeback.pk}")
        duty_net = sum(line.net_amount for line in note.lines.all() if line.kind == "duty")
        assert note.gross_amount == amount
        assert entry_reversed(chargeback, "vat_liability:IT") == note.vat_amount
        assert entry_reversed(chargeback, "duty_liability:IT") == duty_net
    assert notes_by_tax_line(seller_order) == {"item": (12000, 2640), "shipping": (490, 108), "duty": (300, 66)}
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert ledger_entries_unbalanced() == []
    assert ledger_verify().ok

    # And August's IOSS return reads the three notes: July's supply corrected to nothing.
    august = filings.vat_return(kind="ioss", period=periods.month("2026-08"))
    assert august.rows == (ReturnRow("correction", "2026-07", "IT", 2200, -12790, -2814),)


def test_a_chargeback_before_the_release_reduces_the_tax_the_release_books_and_the_return():
    # Given the worked case paid and delivered in July, not released yet.
    offer = offer_from("US", 12000)
    order = buy(offer, to="IT")
    seller_order = order.seller_orders.get()
    owner = offer.seller.members.get().user
    with clock.frozen_at(JULY):
        seller_order_accept(seller_order_id=seller_order.pk, actor=owner, seller=offer.seller)
        seller_order_ship(
            seller_order_id=seller_order.pk, actor=owner, carrier="UPS", tracking_number="1Z999", seller=offer.seller
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)

    # When 50.00 is charged back in August, before the release: no tax moves in the ledger (nothing was booked)…
    charge_back(seller_order, 5000, "CB-1")
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert ledger_entries_unbalanced() == []

    # …but the taxable amount is reduced (Art. 90): its credit note gives back its share, 28.14 × 50.00 / 156.04 =
    # 9.0169… → 9.02 of VAT and 3.00 × 50.00 / 156.04 = 0.961… → 0.96 of duty.
    note = CreditNote.objects.get(seller_order=seller_order)
    duty_net = sum(line.net_amount for line in note.lines.all() if line.kind == "duty")
    assert (note.kind, note.after_release, note.gross_amount, note.vat_amount, note.marketplace_vat_amount) == (
        "chargeback",
        False,
        5000,
        902,
        0,
    )
    assert duty_net == 96

    # When the rest is released, the release books only what the note did not credit: 28.14 − 9.02 and 3.00 − 0.96.
    with clock.frozen_at(AUGUST):
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (-(2814 - 902), -(300 - 96))
    assert ledger_verify().ok

    # And August's IOSS return corrects July by the note: −(note's net) and −9.02.
    august = filings.vat_return(kind="ioss", period=periods.month("2026-08"))
    assert august.rows == (ReturnRow("correction", "2026-07", "IT", 2200, -(5000 - 902), -902),)
    # July's supply, the booked VAT and the notes add up: what the return keeps is what the liability holds.
    july = filings.vat_return(kind="ioss", period=periods.month("2026-07"))
    assert july.rows == (ReturnRow("supplies", "2026-07", "IT", 2200, 12790, 2814),)
    assert -balance("vat_liability:IT") == 2814 - 902


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


def test_a_chargeback_then_a_cancellation_nets_the_return_to_zero_through_both_notes():
    from comptoir.checkout.services import seller_order_cancel

    # Given the worked case paid in July, 33.33 charged back, then cancelled and refunded (the rest, 122.71).
    offer = offer_from("US", 12000)
    seller_order = buy(offer, to="IT").seller_orders.get()
    with clock.frozen_at(JULY), TestCase.captureOnCommitCallbacks(execute=True):  # the provider refund runs
        chargeback_record(
            seller_order_id=seller_order.pk, amount=3333, reason="fraud", provider_reference="CB-1", actor=None
        )
        seller_order_cancel(
            seller_order_id=seller_order.pk, actor=make_operator(), actor_role=Actor.OPERATOR, reason="Out of stock"
        )

    # Then the two notes (the chargeback's share, then every line's remainder) credit every tax line exactly…
    assert list(
        CreditNote.objects.filter(seller_order=seller_order).order_by("pk").values_list("kind", "gross_amount")
    ) == [
        ("chargeback", 3333),
        ("refund", 15604 - 3333),
    ]
    assert notes_by_tax_line(seller_order) == {"item": (12000, 2640), "shipping": (490, 108), "duty": (300, 66)}
    # …and July's IOSS return, which reads both notes, keeps nothing of the supply.
    july = filings.vat_return(kind="ioss", period=periods.month("2026-07"))
    assert july.rows == (ReturnRow("supplies", "2026-07", "IT", 2200, 0, 0),)
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert ledger_verify().ok

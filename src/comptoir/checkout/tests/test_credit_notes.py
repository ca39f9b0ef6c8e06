"""Refunds after the release of a seller order (issue 12): per line and rate, partial and full, the VAT the
marketplace booked to `vat_liability:CC` reversed, the commission no longer earned given back, credit notes written
(append-only) and the ledger balanced per currency."""

import pytest

from comptoir.checkout.services import (
    credit_request_parse,
    seller_order_cancel,
    seller_order_complete,
    seller_order_credit,
)
from comptoir.checkout.tests.test_checkout_taxes import NOON, buy, offer_from, vat_rates  # noqa: F401
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import CreditNote, CreditNoteLine, OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import JournalEntry, LedgerAccount, Posting, Refund
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.payments.services import payout_batch_create
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import make_operator, make_seller

pytestmark = pytest.mark.django_db


def balance(kind: str, seller=None, currency: str = "EUR") -> int:
    account = LedgerAccount.objects.filter(kind=kind, seller=seller, currency=currency).first()
    return sum(Posting.objects.filter(account=account).values_list("amount", flat=True)) if account else 0


def released(offer, *, to: str, quantity: int = 1):
    order = buy(offer, to=to, quantity=quantity)
    seller_order = order.seller_orders.get()
    owner = offer.seller.members.get().user
    with clock.frozen_at(NOON):
        seller_order_accept(seller_order_id=seller_order.pk, actor=owner, seller=offer.seller)
        seller_order_ship(
            seller_order_id=seller_order.pk, actor=owner, carrier="UPS", tracking_number="1Z999", seller=offer.seller
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    seller_order.refresh_from_db()
    return seller_order


def test_partial_then_full_refund_after_release_reverses_the_ioss_vat_per_line():
    offer = offer_from("US", 6000)
    seller_order = released(offer, to="IT", quantity=2)
    item_tax = OrderTaxLine.objects.get(seller_order=seller_order, kind="item")
    shipping_tax = OrderTaxLine.objects.get(seller_order=seller_order, kind="shipping")
    assert (item_tax.gross_amount, item_tax.vat_amount, item_tax.rate_bp) == (14640, 2640, 2200)
    vat_total = seller_order.marketplace_vat_amount
    assert balance("vat_liability:IT") == -vat_total
    commission_before = balance("commission")
    payable_before = balance("seller_payable", offer.seller)
    line = seller_order.lines.get()

    first = seller_order_credit(
        seller_order_id=seller_order.pk,
        key="return-1",
        quantities={line.pk: 1},
        reason="One unit returned",
        actor=offer.seller.members.get().user,
        seller=offer.seller,
    )

    note = first.credit_note
    assert first.created
    assert (note.number, note.gross_amount, note.vat_amount, note.marketplace_vat_amount) == (
        f"{seller_order.number}-C1",
        7320,
        1320,
        1320,
    )
    [credit_line] = note.lines.all()
    assert (credit_line.tax_line_id, credit_line.rate_bp, credit_line.net_amount, credit_line.vat_amount) == (
        item_tax.pk,
        2200,
        6000,
        1320,
    )
    assert balance("vat_liability:IT") == -(vat_total - 1320)
    commission_back = balance("commission") - commission_before
    assert commission_back > 0
    assert balance("seller_payable", offer.seller) - payable_before == 7320 - 1320 - commission_back
    assert Refund.objects.get(source_key=f"credit:{note.number}").amount == 7320
    assert ledger_entries_unbalanced() == []

    second = seller_order_credit(
        seller_order_id=seller_order.pk, key="rest", quantities=None, reason="", actor=make_operator()
    )

    assert second.credit_note.number == f"{seller_order.number}-C2"
    assert second.credit_note.gross_amount == 7320 + shipping_tax.gross_amount
    assert balance("vat_liability:IT") == 0
    assert balance("commission") == commission_before + seller_order.commission_amount == 0
    assert balance("seller_payable", offer.seller) == 0
    credited = CreditNoteLine.objects.filter(credit_note__seller_order=seller_order)
    assert sum(credited.values_list("vat_amount", flat=True)) == item_tax.vat_amount + shipping_tax.vat_amount
    assert sum(credited.values_list("gross_amount", flat=True)) == seller_order.total_amount
    seller_order.refresh_from_db()
    assert seller_order.refunded_amount == seller_order.total_amount
    assert ledger_entries_unbalanced() == []
    with pytest.raises(ValidationError) as nothing_left:
        seller_order_credit(seller_order_id=seller_order.pk, key="again", quantities=None, reason="", actor=None)
    assert nothing_left.value.code == "invalid_credit"


def test_a_retried_credit_returns_the_first_note_and_moves_money_once():
    offer = offer_from("US", 12000)
    seller_order = released(offer, to="IT")
    first = seller_order_credit(seller_order_id=seller_order.pk, key="k1", quantities=None, reason="", actor=None)
    retry = seller_order_credit(
        seller_order_id=seller_order.pk, key="k1", quantities={"shipping": 1}, reason="other", actor=None
    )
    assert (retry.created, retry.credit_note.pk) == (False, first.credit_note.pk)
    assert JournalEntry.objects.filter(kind="refund", seller_order_id_ref=seller_order.pk).count() == 1
    assert CreditNote.objects.filter(seller_order=seller_order).count() == 1


def test_seller_collected_vat_is_credited_without_touching_the_marketplace_liability():
    offer = offer_from("PL", 12300, currency="PLN")
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True, actor=make_operator())
    seller_order = released(offer, to="FR")
    line = seller_order.lines.get()
    outcome = seller_order_credit(
        seller_order_id=seller_order.pk, key="r", quantities={line.pk: 1}, reason="", actor=None
    )
    [credit_line] = outcome.credit_note.lines.all()
    assert (credit_line.collector, credit_line.tax_country, credit_line.rate_bp) == ("seller", "FR", 2000)
    assert credit_line.vat_amount > 0
    assert outcome.credit_note.marketplace_vat_amount == 0
    assert not LedgerAccount.objects.filter(kind__startswith="vat_liability:").exists()
    assert ledger_entries_unbalanced() == []


def test_after_a_payout_the_refund_becomes_a_receivable_on_the_seller():
    offer = offer_from("US", 12000)
    seller_order = released(offer, to="IT")
    payout_batch_create(currency="EUR", actor=None)
    assert balance("seller_payable", offer.seller) == 0
    outcome = seller_order_credit(seller_order_id=seller_order.pk, key="r", quantities=None, reason="", actor=None)
    commission = seller_order.commission_amount
    vat = seller_order.marketplace_vat_amount
    assert outcome.credit_note.marketplace_vat_amount == vat
    assert balance("seller_receivable", offer.seller) == seller_order.total_amount - vat - commission
    assert balance("vat_liability:IT") == 0
    assert ledger_entries_unbalanced() == []


def test_refused_credits():
    offer = offer_from("US", 12000)
    order = buy(offer, to="IT")
    held = order.seller_orders.get()
    with pytest.raises(Conflict) as not_released:
        seller_order_credit(seller_order_id=held.pk, key="k", quantities=None, reason="", actor=None)
    assert not_released.value.code == "not_released"

    seller_order = released(offer_from("US", 5000), to="IT")
    line = seller_order.lines.get()
    with pytest.raises(ValidationError) as too_many:
        seller_order_credit(seller_order_id=seller_order.pk, key="k", quantities={line.pk: 2}, reason="", actor=None)
    assert too_many.value.fields == {f"lines.{line.pk}": "At most 1 left to refund."}
    with pytest.raises(ValidationError):
        seller_order_credit(seller_order_id=seller_order.pk, key="", quantities=None, reason="", actor=None)
    with pytest.raises(NotFound):
        seller_order_credit(
            seller_order_id=seller_order.pk, key="k", quantities=None, reason="", actor=None, seller=make_seller()
        )
    assert not CreditNote.objects.filter(seller_order=seller_order).exists()


def test_a_full_refund_before_release_writes_its_credit_note():
    offer = offer_from("US", 12000)
    order = buy(offer, to="IT")
    seller_order = order.seller_orders.get()
    with clock.frozen_at(NOON):
        seller_order_cancel(
            seller_order_id=seller_order.pk, actor=None, actor_role=Actor.OPERATOR, reason="Out of stock"
        )
    note = CreditNote.objects.get(seller_order=seller_order)
    assert (note.key, note.after_release, note.gross_amount, note.marketplace_vat_amount) == (
        "refund",
        False,
        seller_order.total_amount,
        0,
    )
    assert note.vat_amount == seller_order.marketplace_vat_amount
    with pytest.raises(TypeError):
        note.save()


def test_credit_request_parse():
    assert credit_request_parse([{"line": 4, "quantity": 2}, {"line": "shipping"}]) == {4: 2, "shipping": 1}
    for bad in ([], [{"line": "x"}], [{"line": 4, "quantity": 0}], [{"line": 4}, {"line": 4}], "x"):
        with pytest.raises(ValidationError):
            credit_request_parse(bad)

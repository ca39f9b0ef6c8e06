"""Credit notes of a DDP order give back the customs duty the goods credited bore (docs/TAXES.md, "Credit notes and
the duty"): the note gets a duty line, `duty_liability:CC` is debited by the duty and `vat_liability:CC` by the VAT on
it, the buyer gets both back, and the IOSS return corrects the duty with the rest."""

import pytest
from django.test import TestCase

from comptoir.checkout.services import seller_order_complete, seller_order_credit
from comptoir.checkout.tests.test_checkout_duties import JULY, MARCH, buy, offer_from, tax_data  # noqa: F401
from comptoir.core import clock
from comptoir.filings import selectors as filings
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import LedgerAccount, Posting, Refund
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.testing.builders import make_offer, make_operator, make_product, make_vat_rates

pytestmark = pytest.mark.django_db


def balance(kind: str, seller=None, currency: str = "EUR") -> int:
    account = LedgerAccount.objects.filter(kind=kind, seller=seller, currency=currency).first()
    return sum(Posting.objects.filter(account=account).values_list("amount", flat=True)) if account else 0


def release(order, seller):
    seller_order = order.seller_orders.get()
    owner = seller.members.get().user
    with clock.frozen_at(JULY):
        seller_order_accept(seller_order_id=seller_order.pk, actor=owner, seller=seller)
        seller_order_ship(
            seller_order_id=seller_order.pk, actor=owner, carrier="UPS", tracking_number="1Z999", seller=seller
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    seller_order.refresh_from_db()
    return seller_order, owner


def credit(seller_order, owner, *, key: str, quantities=None):
    with clock.frozen_at(JULY), TestCase.captureOnCommitCallbacks(execute=True):
        return seller_order_credit(
            seller_order_id=seller_order.pk,
            key=key,
            quantities=quantities,
            reason="returned",
            actor=owner,
            seller=seller_order.seller,
        )


def test_the_us_sellers_eur_120_blouse_to_italy_fully_refunded_gives_back_the_duty_and_its_vat():
    # Given the worked case released: 146.40 + 5.98 + 3.66 duty (3.00 + 0.66 IT VAT) = 156.04; 28.14 booked to
    # vat_liability:IT, 3.00 to duty_liability:IT.
    offer = offer_from("US", 12000)
    seller_order, owner = release(buy(offer, to="IT"), offer.seller)
    assert (seller_order.total_amount, seller_order.duty_amount, seller_order.marketplace_vat_amount) == (
        15604,
        366,
        2814,
    )
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (-2814, -300)

    # When the seller refunds everything.
    note = credit(seller_order, owner, key="all").credit_note

    # Then the note has the duty line (3.00 + 0.66 at 22 %, the duty tax line's), the buyer gets 156.04 back and both
    # liabilities are back to 0, the ledger balanced per currency.
    duty_tax = OrderTaxLine.objects.get(seller_order=seller_order, kind="duty")
    lines = {line.kind: line for line in note.lines.all()}
    assert set(lines) == {"item", "shipping", "duty"}
    duty = lines["duty"]
    assert (duty.order_line_id, duty.tax_line_id, duty.rate_bp, duty.tax_country) == (None, duty_tax.pk, 2200, "IT")
    assert (duty.net_amount, duty.vat_amount, duty.gross_amount, duty.quantity) == (300, 66, 366, 1)
    assert (note.gross_amount, note.vat_amount, note.marketplace_vat_amount) == (15604, 2814, 2814)
    assert list(Refund.objects.filter(seller_order_id=seller_order.pk).values_list("amount", "status")) == [
        (15604, "succeeded")
    ]
    seller_order.refresh_from_db()
    assert seller_order.refunded_amount == 15604
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)
    assert balance("seller_payable", offer.seller) == 0
    assert balance("commission") == 0
    assert ledger_entries_unbalanced() == []

    # And the IOSS return of July (the refund is in July too) nets the supply, duty included, to 0.
    july = filings.vat_return(kind="ioss", period=periods.month("2026-07"))
    assert july.rows == (ReturnRow("supplies", "2026-07", "IT", 2200, 0, 0),)

    # A retry returns the first note and moves nothing.
    again = credit(seller_order, owner, key="all")
    assert (again.created, again.credit_note.pk) == (False, note.pk)
    assert (balance("vat_liability:IT"), balance("duty_liability:IT")) == (0, 0)


def test_the_duty_of_a_subheading_comes_back_with_its_last_unit():
    # Given a Chinese seller's silk blouse (6206.10) and two wool blouses (6206.20) to France: EUR 6.00 of duty and
    # 1.20 of FR VAT on it (two items: the flat duty is per tariff subheading), released.
    silk = offer_from("CN", 4000, hs_code="62061000")
    wool = make_offer(
        seller=silk.seller,
        product=make_product(hs_code="62062000"),
        price_amount=3000,
        currency="EUR",
        shipping_profile=silk.shipping_profile,
        ships_from_country="CN",
    )
    seller_order, owner = release(buy(silk, wool, to="FR", quantities=[1, 2]), silk.seller)
    assert seller_order.duty_amount == 720
    assert (balance("duty_liability:FR"), balance("vat_liability:FR")) == (-600, -seller_order.marketplace_vat_amount)
    silk_line, wool_line = seller_order.lines.order_by("pk")

    # When one wool blouse is refunded: the other is kept, the consignment still held the 6206.20 item, no duty back.
    first = credit(seller_order, owner, key="wool-1", quantities={wool_line.pk: 1}).credit_note
    assert not first.lines.filter(kind="duty").exists()
    assert balance("duty_liability:FR") == -600

    # Then the silk blouse, its subheading's only unit: that item's duty, 3.00 + 0.60.
    second = credit(seller_order, owner, key="silk", quantities={silk_line.pk: 1}).credit_note
    duty = second.lines.get(kind="duty")
    assert (duty.net_amount, duty.vat_amount, duty.gross_amount, duty.quantity) == (300, 60, 360, 1)
    assert balance("duty_liability:FR") == -300

    # A shipping credit gives back no duty; the last wool blouse gives back the rest exactly.
    shipping_only = credit(seller_order, owner, key="shipping", quantities={"shipping": 1}).credit_note
    assert not shipping_only.lines.filter(kind="duty").exists()
    last = credit(seller_order, owner, key="wool-2", quantities={wool_line.pk: 1}).credit_note
    assert last.lines.get(kind="duty").gross_amount == 360
    assert (balance("duty_liability:FR"), balance("vat_liability:FR")) == (0, 0)
    assert ledger_entries_unbalanced() == []
    # Nothing is left: the duty is never requested on its own.
    with pytest.raises(Exception, match="Nothing is left to refund"):
        credit(seller_order, owner, key="again")


def test_two_lines_of_one_subheading_share_one_duty_item():
    # Given two different wool blouses (two products, both 6206.20) and a silk blouse (6206.10) from China to France:
    # three lines but two items, EUR 6.00 of duty + 1.20 of VAT — not three shares.
    silk = offer_from("CN", 4000, hs_code="62061000")
    wool_offers = [
        make_offer(
            seller=silk.seller,
            product=make_product(hs_code=hs_code),
            price_amount=3000,
            currency="EUR",
            shipping_profile=silk.shipping_profile,
            ships_from_country="CN",
        )
        for hs_code in ("62062000", "6206200010")
    ]
    seller_order, owner = release(buy(silk, *wool_offers, to="FR", quantities=[1, 1, 1]), silk.seller)
    assert seller_order.duty_amount == 720
    _silk_line, grey, blue = seller_order.lines.order_by("pk")

    # When the grey wool blouse is refunded, the blue one (same subheading) is kept: no duty back.
    first = credit(seller_order, owner, key="grey", quantities={grey.pk: 1}).credit_note
    assert not first.lines.filter(kind="duty").exists()

    # Then the blue one: the 6206.20 item's whole share, 3.00 + 0.60 (not a third of the duty per line).
    second = credit(seller_order, owner, key="blue", quantities={blue.pk: 1}).credit_note
    duty = second.lines.get(kind="duty")
    assert (duty.net_amount, duty.vat_amount, duty.gross_amount) == (300, 60, 360)
    assert balance("duty_liability:FR") == -300

    # And everything left (the silk blouse and the shipping): the last item, the notes add up to the duty line.
    last = credit(seller_order, owner, key="rest").credit_note
    assert last.lines.get(kind="duty").gross_amount == 360
    duty_line = OrderTaxLine.objects.get(seller_order=seller_order, kind="duty")
    credited = [line.gross_amount for line in duty_line.credit_lines.all()]
    assert sum(credited) == duty_line.gross_amount == 720
    assert (balance("duty_liability:FR"), balance("vat_liability:FR")) == (0, 0)
    assert ledger_entries_unbalanced() == []


def test_with_items_at_two_rates_each_duty_line_follows_the_goods_at_its_rate():
    # Given a blouse (FR 20 %) and a book (FR 5.5 %) from China to France: two duty lines, 3.00 + 0.60 and
    # 3.00 + 0.17, released.
    make_vat_rates({"FR": 550}, imported_at=MARCH, tax_class="reduced")
    blouse = offer_from("CN", 4000, hs_code="62061000")
    book_product = make_product(hs_code="49019900")
    book_product.tax_class = "reduced"
    book_product.save(update_fields=["tax_class"])
    book = make_offer(
        seller=blouse.seller,
        product=book_product,
        price_amount=2000,
        currency="EUR",
        shipping_profile=blouse.shipping_profile,
        ships_from_country="CN",
    )
    seller_order, owner = release(buy(blouse, book, to="FR"), blouse.seller)
    book_line = seller_order.lines.get(offer=book)

    # When the book is refunded, then the note gives back the book's duty line only.
    note = credit(seller_order, owner, key="book", quantities={book_line.pk: 1}).credit_note
    [duty] = note.lines.filter(kind="duty")
    assert (duty.rate_bp, duty.net_amount, duty.vat_amount) == (550, 300, 17)
    assert balance("duty_liability:FR") == -300

    # And the rest gives back the blouse's: both liabilities at 0.
    credit(seller_order, owner, key="rest")
    assert (balance("duty_liability:FR"), balance("vat_liability:FR")) == (0, 0)
    assert ledger_entries_unbalanced() == []

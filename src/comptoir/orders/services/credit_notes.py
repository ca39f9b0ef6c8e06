"""The orders side of a refund's credit note: what is left to credit of a locked seller order, and the note itself
(append-only). The money (ledger, provider refund) is `comptoir.checkout.services`'s."""

from __future__ import annotations

from collections import defaultdict
from typing import TYPE_CHECKING

from comptoir.core.events import publish_on_commit
from comptoir.orders.domain.credit_note import DUTY, SHIPPING, CreditableLine, CreditLine, credit_totals, is_duty
from comptoir.orders.events import CreditNoteIssued
from comptoir.orders.models import (
    CreditNote,
    CreditNoteKind,
    CreditNoteLine,
    OrderLine,
    OrderTaxLine,
    SellerOrder,
    TaxLineKind,
)

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def seller_order_creditable_lines(seller_order: SellerOrder) -> list[CreditableLine]:
    """Every line of the seller order (its order lines, then its shipping when it has any, then the customs duty
    collected at checkout when there is one: key DUTY, which follows the goods credited) with its VAT and what earlier
    credit notes gave back. Three queries; the caller holds the seller order's lock."""
    tax_lines = {
        _tax_line_key(tax_line.kind, tax_line.order_line_id, tax_line.pk): tax_line
        for tax_line in OrderTaxLine.objects.filter(seller_order=seller_order).order_by("pk")
    }
    credited: dict[int | str, list[int]] = defaultdict(lambda: [0, 0, 0])
    for line in CreditNoteLine.objects.filter(credit_note__seller_order=seller_order).values(
        "order_line_id", "kind", "tax_line_id", "quantity", "gross_amount", "vat_amount"
    ):
        sums = credited[_tax_line_key(line["kind"], line["order_line_id"], line["tax_line_id"])]
        sums[0] += line["quantity"]
        sums[1] += line["gross_amount"]
        sums[2] += line["vat_amount"]
    result = []
    order_lines = (
        OrderLine.objects.filter(seller_order=seller_order)
        .order_by("pk")
        .values("pk", "quantity", "line_amount", "product__hs_code")
    )
    # The duty is shared per tariff subheading (the product's HS code, as checkout counted the items).
    keyed: list[tuple[int | str, int, int, str]] = [
        (line["pk"], line["quantity"], line["line_amount"], _subheading(line["product__hs_code"]))
        for line in order_lines
    ]
    if seller_order.shipping_amount > 0:
        keyed.append((SHIPPING, 1, seller_order.shipping_amount, ""))
    if seller_order.duty_amount > 0:
        # Their quantity is nominal: the duty is never requested, it follows the goods (orders.domain.credit_note).
        keyed += [(key, 1, tax_line.gross_amount, "") for key, tax_line in tax_lines.items() if is_duty(key)]
    for key, quantity, gross, subheading in keyed:
        tax_line = tax_lines.get(key)
        done = credited[key]
        result.append(
            CreditableLine(
                key=key,
                quantity=quantity,
                gross=gross,
                vat=tax_line.vat_amount if tax_line is not None else 0,
                rate_bp=tax_line.rate_bp if tax_line is not None else 0,
                tax_country=tax_line.tax_country if tax_line is not None else "",
                collector=tax_line.collector if tax_line is not None else "",
                tax_line_id=tax_line.pk if tax_line is not None else None,
                credited_quantity=done[0],
                credited_gross=done[1],
                credited_vat=done[2],
                subheading=subheading,
            )
        )
    return result


def _subheading(hs_code: str | None) -> str:
    """The tariff subheading of an HS code (its first six digits), as `taxes.domain.duties` counts items."""
    return hs_code[:6] if hs_code and len(hs_code) >= 6 else ""


def _tax_line_key(kind: str, order_line_id: int | None, tax_line_id: int | None) -> int | str:
    """The credit note's key of a tax line: its order line, SHIPPING, or "duty:<tax line>" (a seller order may have a
    duty line per VAT rate of its items)."""
    if kind == TaxLineKind.DUTY:
        return f"{DUTY}:{tax_line_id}"
    return order_line_id if kind == TaxLineKind.ITEM and order_line_id is not None else SHIPPING


def credit_note_find(*, seller_order: SellerOrder, key: str) -> CreditNote | None:
    return CreditNote.objects.filter(seller_order=seller_order, key=key).first()


def credit_note_write(
    *,
    seller_order: SellerOrder,
    key: str,
    reason: str,
    credit: list[CreditLine],
    marketplace_vat: int,
    after_release: bool,
    actor: User | None,
    kind: str = CreditNoteKind.REFUND,
) -> CreditNote:
    """Write a credit note and its lines for a locked seller order (numbered `<seller order>-C<n>`, n counting its
    notes). `marketplace_vat` is the VAT reversed from the marketplace's liability (0 when it booked none); `kind`
    "chargeback" for the note of a chargeback (its lines give back no units)."""
    totals = credit_totals(credit)
    count = CreditNote.objects.filter(seller_order=seller_order).count()
    note = CreditNote.objects.create(
        seller_order=seller_order,
        number=f"{seller_order.number}-C{count + 1}",
        key=key,
        kind=kind,
        reason=reason[:300],
        currency=seller_order.currency,
        gross_amount=totals.gross,
        vat_amount=totals.vat,
        marketplace_vat_amount=marketplace_vat,
        marketplace_vat_country=seller_order.marketplace_vat_country if marketplace_vat else "",
        after_release=after_release,
        created_by=actor,
    )
    CreditNoteLine.objects.bulk_create(
        CreditNoteLine(
            credit_note=note,
            order_line_id=None if line.key == SHIPPING or is_duty(line.key) else int(line.key),
            tax_line_id=line.tax_line_id,
            kind=TaxLineKind.DUTY
            if is_duty(line.key)
            else TaxLineKind.SHIPPING
            if line.key == SHIPPING
            else TaxLineKind.ITEM,
            quantity=line.quantity,
            collector=line.collector,
            tax_country=line.tax_country,
            rate_bp=line.rate_bp,
            net_amount=line.net,
            vat_amount=line.vat,
            gross_amount=line.gross,
        )
        for line in credit
    )
    publish_on_commit(
        CreditNoteIssued(credit_note_id=note.pk, seller_order_id=seller_order.pk, seller_id=seller_order.seller_id)
    )
    return note

"""Cancellations, refunds and dispute decisions: the seller order's transition and the money going back to the
buyer (a reversing ledger entry out of escrow and a provider refund executed after commit), in one transaction."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.checkout.services.fx import settled_part
from comptoir.core import clock
from comptoir.core.permissions import require_operator
from comptoir.offers.locks import offer_stock_return
from comptoir.orders.domain.credit_note import credit_lines, credit_totals, everything_left
from comptoir.orders.domain.state_machine import Action, Actor, Status
from comptoir.orders.models import Dispute, SellerOrder
from comptoir.orders.services import (
    credit_note_write,
    dispute_decision_record,
    dispute_decision_validate,
    dispute_lock_open,
    seller_order_creditable_lines,
    seller_order_lock,
    seller_order_quantities,
    seller_order_refunded_add,
    seller_order_transition,
)
from comptoir.payments.domain.fx import refund_split
from comptoir.payments.domain.ledger import PostingLine
from comptoir.payments.models import EntryKind
from comptoir.payments.selectors import payment_captured_for_order, seller_order_charged_back_amount
from comptoir.payments.services import ledger_post, refund_create

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller


def seller_order_money_refund(seller_order: SellerOrder, *, reason: str, actor: User | None) -> None:
    """Refund everything not yet refunded (nor charged back) of a paid seller order the caller has locked: a
    reversing entry out of escrow and a provider refund, both keyed on the seller order so a retry refunds once.
    Nothing happens when nothing is left or nothing was captured. A seller order charged in another currency than
    its own is refunded in the currency the buyer paid in: the matching part of what they paid, converted back at the
    rate frozen on it (payments.domain.fx.refund_split)."""
    amount = (
        seller_order.total_amount - seller_order.refunded_amount - seller_order_charged_back_amount(seller_order.pk)
    )
    payment = payment_captured_for_order(seller_order.order_id)
    if amount <= 0 or payment is None:
        return
    if seller_order.charge_total_amount is None:
        lines = [
            PostingLine(("seller_escrow", seller_order.seller_id, seller_order.currency), amount),
            PostingLine(("provider_clearing", None, seller_order.currency), -amount),
        ]
        refunded_to_buyer = amount
    else:
        split = refund_split(
            currency=payment.currency,
            part=settled_part(seller_order),
            returned_before=seller_order.total_amount - amount,
            amount=amount,
        )
        lines, refunded_to_buyer = split.lines, split.charged.amount
    ledger_post(
        kind=EntryKind.REFUND,
        source_key=f"refund:{seller_order.number}",
        order_id=seller_order.order_id,
        seller_order_id=seller_order.pk,
        memo=f"Refund {seller_order.number}",
        actor=actor,
        lines=lines,
    )
    if refunded_to_buyer > 0:
        refund_create(
            payment=payment,
            seller_order_id=seller_order.pk,
            amount=refunded_to_buyer,
            reason=reason,
            source_key=f"refund:{seller_order.number}",
        )
    seller_order_refunded_add(seller_order=seller_order, amount=amount)
    _credit_note_for_full_refund(seller_order, amount=amount, reason=reason, actor=actor)


def _credit_note_for_full_refund(seller_order: SellerOrder, *, amount: int, reason: str, actor: User | None) -> None:
    """The credit note of a full refund before the release (nothing was booked to the VAT liability yet, so none is
    reversed): every line not yet credited, written only when they add up to the money refunded (a chargeback
    before the refund took part of it back through the card issuer instead)."""
    lines = seller_order_creditable_lines(seller_order)
    requested = everything_left(lines)
    if not requested:
        return
    credit = credit_lines(lines, requested)
    if credit_totals(credit).gross != amount:
        return
    credit_note_write(
        seller_order=seller_order,
        key="refund",
        reason=reason,
        credit=credit,
        marketplace_vat=0,
        after_release=False,
        actor=actor,
    )


def seller_order_cancel(
    *,
    seller_order_id: int,
    actor: User | None,
    actor_role: Actor,
    reason: str,
    seller: Seller | None = None,
    buyer: User | None = None,
) -> SellerOrder:
    """Cancel before shipping (buyer: only before acceptance). Puts the stock back and refunds in full. Raises
    NotFound, InvalidTransition (409; a reason is required from the seller)."""
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller, buyer=buyer)
        seller_order_transition(seller_order, Action.CANCEL, actor_role, actor, (reason or "").strip(), {}, clock.now())
        offer_stock_return(quantities=seller_order_quantities([seller_order]))
        seller_order_money_refund(seller_order, reason=reason, actor=actor)
        return seller_order


def seller_order_refund(*, seller: Seller, seller_order_id: int, actor: User | None) -> SellerOrder:
    """The seller refunds a returned seller order in full. Raises NotFound, InvalidTransition."""
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        seller_order_transition(seller_order, Action.REFUND, Actor.SELLER, actor, "", {}, clock.now())
        seller_order_money_refund(seller_order, reason="Return received", actor=actor)
        return seller_order


def dispute_decide(*, dispute_id: int, actor: User, in_favour_of: str, note: str) -> Dispute:
    """Operator decision. For the buyer: refund in full from escrow (unless the seller order was already refunded
    in full). For the seller: the order continues. Raises PermissionDenied, ValidationError, NotFound, Conflict
    (`dispute_decided`)."""
    require_operator(actor, message="Only an operator can decide a dispute.")
    note = dispute_decision_validate(in_favour_of=in_favour_of, note=note)
    with transaction.atomic(durable=True):
        dispute, seller_order = dispute_lock_open(dispute_id=dispute_id)
        now = clock.now()
        already_refunded = (
            seller_order.status in (Status.CANCELLED, Status.REFUNDED)
            and seller_order.refunded_amount >= seller_order.total_amount
        )
        # Cancelled or refunded meanwhile: the buyer has their money back.
        if in_favour_of == "buyer" and not already_refunded:
            seller_order_transition(
                seller_order, Action.REFUND, Actor.OPERATOR, actor, note, {"dispute_id": dispute.pk}, now
            )
            seller_order_money_refund(seller_order, reason=f"Dispute #{dispute.pk}: {note}", actor=actor)
        return dispute_decision_record(
            dispute=dispute, seller_order=seller_order, in_favour_of=in_favour_of, actor=actor, note=note, now=now
        )

"""Release of escrow to the seller's payable balance once a delivered seller order's hold has elapsed."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import connection, transaction

from comptoir.checkout import errors
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.orders.domain.state_machine import Action, Actor
from comptoir.orders.models import Dispute, DisputeStatus, SellerOrder
from comptoir.orders.selectors import seller_order_chargebacks_credited_before_release, seller_order_duty_vat
from comptoir.orders.services import (
    seller_order_ids_due_for_release,
    seller_order_lock,
    seller_order_transition,
)
from comptoir.payments.domain.chargeback import release_amounts, vat_liability_released
from comptoir.payments.domain.ledger import PostingLine, duty_liability_account, vat_liability_account
from comptoir.payments.models import Chargeback, EntryKind
from comptoir.payments.services import ledger_post

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def seller_order_complete(*, seller_order_id: int, actor: User | None = None) -> SellerOrder:
    """Release escrow to the seller's payable balance minus the frozen commission (delivered + hold elapsed, no
    open dispute). `actor` None is the scheduler (the hold must have elapsed); an operator may release earlier.
    Raises Conflict (`dispute_open`, `hold_not_elapsed`), NotFound, InvalidTransition."""
    with transaction.atomic():
        seller_order = seller_order_lock(seller_order_id=seller_order_id)
        has_open_dispute, charged_back = _release_checks(seller_order.pk)
        if has_open_dispute:
            raise Conflict("An open dispute blocks the release of funds.", code=errors.DISPUTE_OPEN)
        now = clock.now()
        if actor is None and (seller_order.release_due_at is None or seller_order.release_due_at > now):
            raise Conflict("The hold period has not elapsed.", code=errors.HOLD_NOT_ELAPSED)
        # The transition also marks the seller order released (is_released), in the same UPDATE.
        seller_order_transition(
            seller_order, Action.COMPLETE, Actor.OPERATOR if actor else Actor.SYSTEM, actor, "", {}, now
        )
        # Chargebacks taken from escrow before the release leave less to release, and less commission
        # (payments.domain.chargeback).
        amounts = release_amounts(
            total=seller_order.total_amount,
            commission=seller_order.commission_amount,
            charged_back=charged_back,
        )
        # VAT the marketplace collected as deemed supplier is its own debt to that country, not the seller's money:
        # it leaves escrow to the VAT liability account. Customs duty collected at checkout (DDP) is owed to the
        # destination's customs, like the VAT; the VAT on the duty is already in `marketplace_vat_amount`: only the
        # duty itself goes to duty_liability. Chargebacks before the release reduced the taxable amount: their
        # credit notes gave back their share of the VAT and the duty, and only the rest is booked.
        vat_collected = seller_order.marketplace_vat_amount
        duty_collected = seller_order.duty_amount - seller_order_duty_vat(seller_order)
        credited = (
            seller_order_chargebacks_credited_before_release(seller_order)
            if charged_back and (vat_collected or duty_collected)
            else None
        )
        if credited is not None and credited.gross == charged_back:
            vat = min(max(0, vat_collected - credited.marketplace_vat), amounts.payable)
            duty = min(max(0, duty_collected - credited.duty), amounts.payable - vat)
        else:
            # No chargeback, or chargebacks recorded before their credit notes existed: the share of what is left.
            vat = vat_liability_released(
                vat=vat_collected, total=seller_order.total_amount, escrow=amounts.escrow, payable=amounts.payable
            )
            duty = vat_liability_released(
                vat=duty_collected,
                total=seller_order.total_amount,
                escrow=amounts.escrow,
                payable=amounts.payable - vat,
            )
        payable = amounts.payable - vat - duty
        lines = [PostingLine(("seller_escrow", seller_order.seller_id, seller_order.currency), amounts.escrow)]
        if payable:
            lines.append(PostingLine(("seller_payable", seller_order.seller_id, seller_order.currency), -payable))
        if vat:
            lines.append(
                PostingLine(
                    (vat_liability_account(seller_order.marketplace_vat_country), None, seller_order.currency), -vat
                )
            )
        if duty:
            lines.append(
                PostingLine(
                    (duty_liability_account(seller_order.marketplace_vat_country), None, seller_order.currency), -duty
                )
            )
        if amounts.commission:
            lines.append(PostingLine(("commission", None, seller_order.currency), -amounts.commission))
        if amounts.escrow:  # nothing left in escrow after a full chargeback: nothing to post
            ledger_post(
                kind=EntryKind.RELEASE,
                source_key=f"release:{seller_order.number}",
                order_id=seller_order.order_id,
                seller_order_id=seller_order.pk,
                memo=f"Release {seller_order.number}",
                actor=actor,
                lines=lines,
            )
        return seller_order


_CHECKS_SQL: dict[str, str] = {}


def _release_checks(seller_order_id: int) -> tuple[bool, int]:
    """(an open dispute exists, minor units charged back so far) for a seller order the caller has locked: what
    `orders.services.seller_order_has_open_dispute` and `payments.selectors.seller_order_charged_back_amount` return,
    in one statement whose text is built once per vendor (the daily release runs it for every due order; compiling
    the two ORM queries cost more than running them). Read after the lock, as a statement of its own: it sees every
    dispute and chargeback committed by whoever held the lock before (both are recorded under it)."""
    sql = _CHECKS_SQL.get(connection.vendor)
    if sql is None:
        quote = connection.ops.quote_name
        disputes, chargebacks = quote(Dispute._meta.db_table), quote(Chargeback._meta.db_table)
        seller_order, status, amount = quote("seller_order_id"), quote("status"), quote("amount")
        sql = _CHECKS_SQL[connection.vendor] = (
            f"SELECT EXISTS (SELECT 1 FROM {disputes} WHERE {seller_order} = %s AND {status} = %s), "
            f"(SELECT COALESCE(SUM({amount}), 0) FROM {chargebacks} WHERE {seller_order} = %s)"
        )
    with connection.cursor() as cursor:
        cursor.execute(sql, [seller_order_id, DisputeStatus.OPEN.value, seller_order_id])
        has_open_dispute, charged_back = cursor.fetchone()
    return bool(has_open_dispute), int(charged_back)  # PostgreSQL sums a bigint column as numeric


def seller_orders_release_due(*, limit: int = 500) -> int:
    """Complete every delivered seller order whose hold has elapsed and that has no open dispute. Idempotent.
    Returns how many were released."""
    due = seller_order_ids_due_for_release(now=clock.now(), limit=limit)
    released = 0
    for seller_order_id in due:
        try:
            with transaction.atomic(durable=True):
                seller_order_complete(seller_order_id=seller_order_id)
            released += 1
        except ApplicationError:
            continue  # changed state meanwhile (return requested, dispute opened): skip, the next run sees it
    return released

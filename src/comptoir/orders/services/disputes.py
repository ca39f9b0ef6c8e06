"""Disputes: a buyer opens one on a seller order; an operator decides it. The decision for the buyer refunds,
which moves money: `comptoir.checkout.services.dispute_decide` orchestrates it with the helpers here."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.orders import errors
from comptoir.orders.domain.disputes import dispute_is_too_early, dispute_opens_on
from comptoir.orders.domain.state_machine import DISPUTABLE, Actor
from comptoir.orders.models import Dispute, DisputeReason, DisputeStatus, SellerOrder
from comptoir.orders.services.lifecycle import seller_order_event_record, seller_order_lock

if TYPE_CHECKING:
    from comptoir.accounts.models import User

DECISIONS = ("buyer", "seller")


def dispute_open(*, buyer: User, seller_order_id: int, reason: str, description: str) -> Dispute:
    """The buyer disputes a seller order (one open dispute at a time; it blocks the release of funds). A "not
    received" dispute opens only the day after the promised delivery date (`orders.domain.disputes`). Raises
    ValidationError, NotFound, Conflict (`dispute_not_allowed`; `dispute_too_early` with `opens_on`, an ISO date, in
    `extra`)."""
    if reason not in DisputeReason.values:
        raise ValidationError(
            "Unknown dispute reason.",
            code=errors.INVALID_DISPUTE_REASON,
            fields={"reason": f"One of {', '.join(DisputeReason.values)}."},
        )
    if not isinstance(description, str) or not description.strip():
        raise ValidationError(
            "Describe the problem.", code=errors.DESCRIPTION_REQUIRED, fields={"description": "Required."}
        )
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, buyer=buyer)
        if seller_order.status not in DISPUTABLE:
            raise Conflict(
                f"An order that is {seller_order.status.replace('_', ' ')} cannot be disputed.",
                code=errors.DISPUTE_NOT_ALLOWED,
            )
        if Dispute.objects.filter(seller_order=seller_order, status=DisputeStatus.OPEN).exists():
            raise Conflict("A dispute is already open on this order.", code=errors.DISPUTE_NOT_ALLOWED)
        now = clock.now()
        if dispute_is_too_early(reason=reason, deliver_by=seller_order.deliver_by, today=now.date()):
            opens_on = dispute_opens_on(reason=reason, deliver_by=seller_order.deliver_by)
            assert opens_on is not None
            raise Conflict(
                f"The parcel is promised by {seller_order.deliver_by.isoformat()}: a dispute for an item not received "
                f"can be opened from {opens_on.isoformat()}.",
                code=errors.DISPUTE_TOO_EARLY,
                extra={"opens_on": opens_on.isoformat(), "deliver_by": seller_order.deliver_by.isoformat()},
            )
        dispute = Dispute.objects.create(
            seller_order=seller_order,
            opened_by=buyer,
            reason=reason,
            description=description.strip()[:5000],
            opened_at=now,
        )
        seller_order_event_record(
            seller_order=seller_order,
            action="dispute_opened",
            actor_role=Actor.BUYER,
            actor=buyer,
            reason=dispute.description,
            data={"dispute_id": dispute.pk, "reason": reason},
            now=now,
        )
        return dispute


def dispute_decision_validate(*, in_favour_of: str, note: str) -> str:
    """The decision's statement of reasons, stripped; ValidationError for an unknown side or an empty note."""
    if in_favour_of not in DECISIONS:
        raise ValidationError(
            "Decide for the buyer or the seller.",
            code=errors.INVALID_DECISION,
            fields={"in_favour_of": "buyer or seller"},
        )
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.",
            code=errors.NOTE_REQUIRED,
            fields={"note": "Both parties will read it."},
        )
    return note.strip()


def dispute_lock_open(*, dispute_id: int) -> tuple[Dispute, SellerOrder]:
    """The open dispute and its seller order, both locked. Raises NotFound, Conflict (`dispute_decided`)."""
    dispute = Dispute.objects.select_for_update().filter(pk=dispute_id).first()
    if dispute is None:
        raise NotFound("No such dispute.", code=errors.DISPUTE_NOT_FOUND)
    if dispute.status != DisputeStatus.OPEN:
        raise Conflict("This dispute is already decided.", code=errors.DISPUTE_DECIDED)
    return dispute, seller_order_lock(seller_order_id=dispute.seller_order_id)


def dispute_decision_record(
    *,
    dispute: Dispute,
    seller_order: SellerOrder,
    in_favour_of: str,
    actor: User,
    note: str,
    now: dt.datetime,
) -> Dispute:
    """Close a locked open dispute with the operator's decision: its status, the seller order's history event
    "dispute_decided" and an audit row. Whatever the decision moves (a refund) is the caller's."""
    dispute.status = DisputeStatus.DECIDED_FOR_BUYER if in_favour_of == "buyer" else DisputeStatus.DECIDED_FOR_SELLER
    dispute.decided_at, dispute.decided_by, dispute.decision_note = now, actor, note
    dispute.save(update_fields=["status", "decided_at", "decided_by", "decision_note"])
    seller_order_event_record(
        seller_order=seller_order,
        action="dispute_decided",
        actor_role=Actor.OPERATOR,
        actor=actor,
        reason=note,
        data={"dispute_id": dispute.pk, "in_favour_of": in_favour_of},
        now=now,
    )
    audit_record(
        actor=actor,
        action="dispute.decided",
        target=dispute,
        seller_id=seller_order.seller_id,
        reason=note,
        data={"in_favour_of": in_favour_of, "seller_order": seller_order.number},
    )
    return dispute


def seller_order_has_open_dispute(*, seller_order_id: int) -> bool:
    return Dispute.objects.filter(seller_order_id=seller_order_id, status=DisputeStatus.OPEN).exists()

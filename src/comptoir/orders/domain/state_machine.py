"""The seller-order state machine: an explicit transition table. Pure.

Every transition names who may take it. Trust metrics (late shipment, cancellation rate, valid
tracking, defects) are computed from the events these transitions record, so nothing changes a
seller order's status except `transition()` through orders.services."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from comptoir.core.exceptions import InvalidTransition
from comptoir.orders import errors


class Status(StrEnum):
    AWAITING_PAYMENT = "awaiting_payment"
    PLACED = "placed"
    ACCEPTED = "accepted"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    COMPLETED = "completed"
    CANCELLED = "cancelled"
    RETURN_REQUESTED = "return_requested"
    RETURNED = "returned"
    REFUNDED = "refunded"


class Actor(StrEnum):
    BUYER = "buyer"
    SELLER = "seller"
    OPERATOR = "operator"
    SYSTEM = "system"


class Action(StrEnum):
    PAYMENT_CAPTURED = "payment_captured"
    PAYMENT_FAILED = "payment_failed"
    ACCEPT = "accept"
    SHIP = "ship"
    DELIVER = "deliver"
    COMPLETE = "complete"
    CANCEL = "cancel"
    REQUEST_RETURN = "request_return"
    RECEIVE_RETURN = "receive_return"
    REFUND = "refund"


@dataclass(frozen=True)
class Transition:
    action: Action
    source: Status
    target: Status
    actors: frozenset[Actor]
    reason_required: bool = False


def _t(action, source, target, *actors, reason_required=False) -> Transition:
    return Transition(action, source, target, frozenset(actors), reason_required)


TRANSITIONS: tuple[Transition, ...] = (
    _t(Action.PAYMENT_CAPTURED, Status.AWAITING_PAYMENT, Status.PLACED, Actor.SYSTEM, Actor.OPERATOR),
    _t(
        Action.PAYMENT_FAILED,
        Status.AWAITING_PAYMENT,
        Status.CANCELLED,
        Actor.SYSTEM,
        Actor.OPERATOR,
        reason_required=True,
    ),
    _t(Action.ACCEPT, Status.PLACED, Status.ACCEPTED, Actor.SELLER),
    # A buyer may cancel only before the seller accepts; the seller until the parcel leaves.
    _t(Action.CANCEL, Status.PLACED, Status.CANCELLED, Actor.BUYER, Actor.SELLER, Actor.OPERATOR, reason_required=True),
    _t(Action.CANCEL, Status.ACCEPTED, Status.CANCELLED, Actor.SELLER, Actor.OPERATOR, reason_required=True),
    _t(Action.SHIP, Status.ACCEPTED, Status.SHIPPED, Actor.SELLER),
    _t(Action.DELIVER, Status.SHIPPED, Status.DELIVERED, Actor.SELLER, Actor.BUYER, Actor.OPERATOR, Actor.SYSTEM),
    _t(Action.COMPLETE, Status.DELIVERED, Status.COMPLETED, Actor.SYSTEM, Actor.OPERATOR),
    _t(Action.REQUEST_RETURN, Status.DELIVERED, Status.RETURN_REQUESTED, Actor.BUYER, reason_required=True),
    _t(Action.RECEIVE_RETURN, Status.RETURN_REQUESTED, Status.RETURNED, Actor.SELLER, Actor.OPERATOR),
    _t(Action.REFUND, Status.RETURNED, Status.REFUNDED, Actor.SELLER, Actor.OPERATOR),
    # An operator deciding a dispute for the buyer refunds from any post-payment, pre-completion state.
    *(
        _t(Action.REFUND, source, Status.REFUNDED, Actor.OPERATOR, reason_required=True)
        for source in (Status.PLACED, Status.ACCEPTED, Status.SHIPPED, Status.DELIVERED, Status.RETURN_REQUESTED)
    ),
)

_BY_KEY = {(transition.action, transition.source): transition for transition in TRANSITIONS}

TERMINAL = frozenset({Status.COMPLETED, Status.CANCELLED, Status.REFUNDED})
# States in which the buyer may open a dispute (money is still in escrow).
DISPUTABLE = frozenset(
    {Status.PLACED, Status.ACCEPTED, Status.SHIPPED, Status.DELIVERED, Status.RETURN_REQUESTED, Status.RETURNED}
)


def transition(status: str, action: str, actor: str, reason: str = "") -> Transition:
    """Return the transition for (status, action) if `actor` may take it, else raise InvalidTransition."""
    try:
        current, wanted, who = Status(status), Action(action), Actor(actor)
    except ValueError as error:
        raise InvalidTransition(f"Unknown status, action or actor: {error}", code=errors.INVALID_TRANSITION) from error
    found = _BY_KEY.get((wanted, current))
    if found is None:
        raise InvalidTransition(
            f"Cannot {wanted.value.replace('_', ' ')} an order that is {current.value.replace('_', ' ')}.",
            code=errors.INVALID_TRANSITION,
            extra={
                "status": current.value,
                "action": wanted.value,
                "allowed_actions": sorted(allowed_actions(current, who)),
            },
        )
    if who not in found.actors:
        raise InvalidTransition(
            f"A {who.value} cannot {wanted.value.replace('_', ' ')} an order that is "
            f"{current.value.replace('_', ' ')}.",
            code=errors.TRANSITION_NOT_ALLOWED_FOR_ACTOR,
            extra={
                "status": current.value,
                "action": wanted.value,
                "allowed_actions": sorted(allowed_actions(current, who)),
            },
        )
    if found.reason_required and not (reason or "").strip():
        raise InvalidTransition(
            "A reason is required for this action.",
            code=errors.REASON_REQUIRED,
            extra={"fields": {"reason": "Required."}},
        )
    return found


def allowed_actions(status: str, actor: str) -> set[str]:
    return {t.action.value for t in TRANSITIONS if t.source == status and Actor(actor) in t.actors}

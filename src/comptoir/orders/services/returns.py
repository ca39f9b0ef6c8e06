"""Returns: the buyer asks within the return window for some units of a delivered seller order, the seller accepts
(the buyer then sees the seller's return address and instructions) and receives the parcel (restocking or not). The
refund that follows moves money: `comptoir.checkout.services.seller_order_refund`. The seller's return address and
instructions are their return policy (`seller_return_policy_set`)."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import Conflict, ValidationError
from comptoir.core.services import audit_record
from comptoir.offers.locks import offer_stock_return
from comptoir.orders import errors
from comptoir.orders.conf import orders_settings
from comptoir.orders.domain.state_machine import Action, Actor, Status
from comptoir.orders.models import (
    OrderLine,
    ReturnReason,
    ReturnRequest,
    ReturnRequestLine,
    SellerOrder,
    SellerReturnPolicy,
)
from comptoir.orders.services.lifecycle import (
    seller_order_event_record,
    seller_order_lock,
    seller_order_quantities,
    seller_order_transition,
)
from comptoir.orders.services.placement import address_clean

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

INSTRUCTIONS_MAX_LENGTH = 2000


def _return_lines_clean(seller_order: SellerOrder, lines: Any) -> dict[int, int]:
    """order line id -> units to return, checked against the seller order's lines; None means every unit."""
    ordered = dict(OrderLine.objects.filter(seller_order=seller_order).values_list("pk", "quantity"))
    if lines is None:
        return ordered
    problems = {}
    chosen: dict[int, int] = {}
    if not isinstance(lines, dict):
        lines = {}
    for line_id, quantity in lines.items():
        if not isinstance(line_id, int) or line_id not in ordered:
            problems[f"lines.{line_id}"] = "Not a line of this order."
        elif isinstance(quantity, bool) or not isinstance(quantity, int) or not 0 <= quantity <= ordered[line_id]:
            problems[f"lines.{line_id}"] = f"Between 0 and {ordered[line_id]}."
        elif quantity:
            chosen[line_id] = quantity
    if not chosen and not problems:
        problems["lines"] = "Choose at least one item to return."
    if problems:
        raise ValidationError("Choose the items to return.", code=errors.INVALID_RETURN_LINES, fields=problems)
    return chosen


def seller_order_request_return(
    *,
    buyer: User,
    seller_order_id: int,
    return_reason: str,
    comment: str = "",
    lines: dict[int, int] | None = None,
) -> SellerOrder:
    """The buyer asks to return units of a delivered seller order: `lines` maps order line ids to units (every unit
    of every line when None). Raises ValidationError (unknown reason, `invalid_return_lines`), Conflict (return
    window closed), InvalidTransition, NotFound."""
    if return_reason not in ReturnReason.values:
        raise ValidationError(
            "Unknown return reason.",
            code=errors.INVALID_RETURN_REASON,
            fields={"return_reason": f"One of {', '.join(ReturnReason.values)}."},
        )
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, buyer=buyer)
        now = clock.now()
        window = dt.timedelta(days=orders_settings().return_window_days)
        if (
            seller_order.status == Status.DELIVERED
            and seller_order.delivered_at
            and now > seller_order.delivered_at + window
        ):
            raise Conflict("The return window has closed.", code=errors.RETURN_WINDOW_CLOSED)
        chosen = _return_lines_clean(seller_order, lines)
        seller_order_transition(
            seller_order,
            Action.REQUEST_RETURN,
            Actor.BUYER,
            buyer,
            comment.strip() or str(ReturnReason(return_reason).label),
            {"return_reason": return_reason},
            now,
        )
        request = ReturnRequest.objects.create(
            seller_order=seller_order, reason=return_reason, comment=comment.strip()[:2000], requested_at=now
        )
        ReturnRequestLine.objects.bulk_create(
            ReturnRequestLine(return_request=request, order_line_id=line_id, quantity=units)
            for line_id, units in sorted(chosen.items())
        )
        return seller_order


def seller_return_policy_set(
    *, seller: Seller, actor: User | None, address: Any, instructions: Any
) -> SellerReturnPolicy:
    """Create or replace the seller's return address and instructions. Raises ValidationError
    (`invalid_return_address`, fields `address.<name>` and `instructions`)."""
    try:
        clean = address_clean(address)
    except ValidationError as error:
        raise ValidationError(
            "The return address is incomplete.",
            code=errors.INVALID_RETURN_ADDRESS,
            fields={name.replace("shipping_address", "address"): text for name, text in error.fields.items()},
        ) from error
    if not isinstance(instructions, str) or len(instructions) > INSTRUCTIONS_MAX_LENGTH:
        raise ValidationError(
            "The return instructions are too long.",
            code=errors.INVALID_RETURN_ADDRESS,
            fields={"instructions": f"At most {INSTRUCTIONS_MAX_LENGTH} characters."},
        )
    with transaction.atomic(durable=True):
        policy, _created = SellerReturnPolicy.objects.update_or_create(
            seller=seller,
            defaults={"address": clean, "instructions": instructions.strip(), "updated_at": clock.now()},
        )
        audit_record(actor=actor, action="seller.return_policy_set", target=policy, seller_id=seller.pk)
        return policy


def seller_order_return_accept(*, seller: Seller, seller_order_id: int, actor: User | None) -> ReturnRequest:
    """The seller accepts a requested return: the buyer is given a copy of the seller's return address and
    instructions. Accepting an accepted return changes nothing (a retry is harmless). Raises NotFound, Conflict
    (`return_not_requested` when no return is waiting, `return_address_missing` when the seller has no return
    address yet)."""
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        request = ReturnRequest.objects.select_for_update().filter(seller_order=seller_order).first()
        if request is None or seller_order.status != Status.RETURN_REQUESTED:
            if request is not None and request.is_accepted:
                return request
            raise Conflict("No return is waiting for acceptance on this order.", code=errors.RETURN_NOT_REQUESTED)
        if request.is_accepted:
            return request
        policy = SellerReturnPolicy.objects.filter(seller=seller).first()
        if policy is None:
            raise Conflict(
                "Set your return address in the seller center before accepting returns.",
                code=errors.RETURN_ADDRESS_MISSING,
            )
        now = clock.now()
        request.accepted_at, request.accepted_by = now, actor if getattr(actor, "pk", None) else None
        request.return_address, request.return_instructions = policy.address, policy.instructions
        request.save(update_fields=["accepted_at", "accepted_by", "return_address", "return_instructions"])
        seller_order_event_record(
            seller_order=seller_order,
            action="return_accepted",
            actor_role=Actor.SELLER,
            actor=actor,
            reason="",
            data={"return_request_id": request.pk},
            now=now,
        )
        return request


def seller_order_receive_return(
    *, seller: Seller, seller_order_id: int, actor: User | None, restock: bool = True
) -> SellerOrder:
    """The seller received the returned parcel; `restock` puts the returned units back on sale (the units the buyer
    chose to return; every unit for a return requested before returns had lines)."""
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        seller_order_transition(
            seller_order, Action.RECEIVE_RETURN, Actor.SELLER, actor, "", {"restocked": restock}, clock.now()
        )
        if restock:
            returned: dict[int, int] = {}
            for offer_id, units in ReturnRequestLine.objects.filter(
                return_request__seller_order=seller_order
            ).values_list("order_line__offer_id", "quantity"):
                returned[offer_id] = returned.get(offer_id, 0) + units
            offer_stock_return(quantities=returned or seller_order_quantities([seller_order]))
        return seller_order

"""The seller-order lifecycle that moves no money: transitions through the state machine, their history
(SellerOrderEvent rows, published as SellerOrderTransitioned), acceptance, shipping and delivery.

Transitions that move money (cancel and refund, release, payment outcomes) are orchestrated by
`comptoir.checkout.services`, which calls the helpers here for the orders side."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING, Any

from django.db import DatabaseError, connections, router, transaction
from django.db.transaction import TransactionManagementError

from comptoir.core import clock
from comptoir.core.db import insert_returning, select_instances, update_rows
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.orders import errors
from comptoir.orders.conf import orders_settings
from comptoir.orders.domain.state_machine import Action, Actor, transition
from comptoir.orders.events import SellerOrderTransitioned
from comptoir.orders.models import Order, OrderLine, SellerOrder, SellerOrderEvent

if TYPE_CHECKING:
    from comptoir.accounts.models import User
    from comptoir.sellers.models import Seller

_STAMPS = {
    Action.ACCEPT: "accepted_at",
    Action.SHIP: "shipped_at",
    Action.DELIVER: "delivered_at",
    Action.COMPLETE: "completed_at",
    Action.CANCEL: "cancelled_at",
    Action.PAYMENT_FAILED: "cancelled_at",
}


def _actor_or_none(actor: Any) -> Any:
    return actor if getattr(actor, "pk", None) else None


def seller_order_transition(
    seller_order: SellerOrder,
    action: Action,
    actor_role: Actor,
    actor: User | None,
    reason: str,
    data: dict,
    now: dt.datetime,
) -> SellerOrder:
    """Validate and apply one transition on a seller order the caller has locked, recording its event (published
    on commit). Raises InvalidTransition (409) when the state machine refuses it."""
    step = transition(seller_order.status, action, actor_role, reason)
    previous = seller_order.status
    seller_order.status = step.target.value
    fields = ["status"]
    stamp = _STAMPS.get(action)
    if stamp:
        setattr(seller_order, stamp, now)
        fields.append(stamp)
    if action in (Action.CANCEL, Action.PAYMENT_FAILED):
        seller_order.cancelled_by, seller_order.cancel_reason = actor_role.value, reason
        fields += ["cancelled_by", "cancel_reason"]
    if action == Action.COMPLETE:
        # Completing is releasing the escrow to the seller (checkout.services.seller_order_complete, its only
        # caller, posts the release in the same transaction): the mark goes in the same UPDATE.
        seller_order.is_released = True
        fields.append("is_released")
    if action == Action.DELIVER:
        seller_order.release_due_at = now + dt.timedelta(days=orders_settings().release_hold_days)
        fields.append("release_due_at")
    if action == Action.SHIP:
        seller_order.carrier, seller_order.tracking_number = data["carrier"], data["tracking_number"]
        fields += ["carrier", "tracking_number"]
    if action == Action.REQUEST_RETURN:
        seller_order.return_reason = data["return_reason"]
        fields.append("return_reason")
    # One fixed UPDATE and one fixed INSERT (core.db): what save(update_fields=…) and objects.create() store, at a
    # fraction of their CPU (every step of every seller order comes here). No model signals are sent: the project
    # connects none to these models.
    if update_rows(SellerOrder, [seller_order.pk], {name: getattr(seller_order, name) for name in fields}) != 1:
        raise DatabaseError("Save with update_fields did not affect any rows.")  # what save() raises
    (event,) = insert_returning(
        [
            SellerOrderEvent(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action=action.value,
                from_status=previous,
                to_status=seller_order.status,
                actor_role=actor_role.value,
                actor=_actor_or_none(actor),
                reason=reason or "",
                data=data,
                created_at=now,
            )
        ]
    )
    publish_transitioned(event)
    return seller_order


def seller_orders_transition(
    seller_orders: list[SellerOrder],
    action: Action,
    actor_role: Actor,
    actor: User | None,
    reason: str,
    data: dict,
    now: dt.datetime,
) -> None:
    """`seller_order_transition` on every seller order of one order, in two statements instead of two per seller
    order.

    Only the payment outcomes use the fast path: they move every seller order of the order from the same status
    with the same stamps. Each transition is still validated by the state machine, each seller order still gets
    its own event, and the same SellerOrderTransitioned events are published on commit. The UPDATE is guarded on
    the status the transitions were validated from; the caller owns the rows (locked or inserted in this
    transaction), so a miss is a programming error and aborts the transaction."""
    if len({seller_order.status for seller_order in seller_orders}) != 1 or action not in (
        Action.PAYMENT_CAPTURED,
        Action.PAYMENT_FAILED,
    ):
        for seller_order in seller_orders:
            seller_order_transition(seller_order, action, actor_role, actor, reason, data, now)
        return
    previous = seller_orders[0].status
    target = transition(previous, action, actor_role, reason).target.value
    changes: dict[str, Any] = {"status": target}
    if action == Action.PAYMENT_FAILED:
        changes.update(cancelled_at=now, cancelled_by=actor_role.value, cancel_reason=reason)
    updated = update_rows(
        SellerOrder, [seller_order.pk for seller_order in seller_orders], changes, where={"status": previous}
    )
    if updated != len(seller_orders):
        raise RuntimeError(
            f"{len(seller_orders) - updated} seller order(s) changed under a payment outcome that owned them"
        )
    for seller_order in seller_orders:
        for name, value in changes.items():
            setattr(seller_order, name, value)
    events = insert_returning(
        [
            SellerOrderEvent(
                seller_order=seller_order,
                seller_id_copy=seller_order.seller_id,
                action=action.value,
                from_status=previous,
                to_status=target,
                actor_role=actor_role.value,
                actor=_actor_or_none(actor),
                reason=reason or "",
                data=data,
                created_at=now,
            )
            for seller_order in seller_orders
        ]
    )
    for event in events:
        publish_transitioned(event)


def publish_transitioned(event: SellerOrderEvent) -> None:
    publish_on_commit(
        SellerOrderTransitioned(
            seller_order_id=event.seller_order_id,
            seller_id=event.seller_id_copy,
            event_id=event.pk,
            action=event.action,
            at=event.created_at,
        )
    )


def seller_order_event_record(
    *,
    seller_order: SellerOrder,
    action: str,
    actor_role: Actor | str,
    actor: User | None,
    reason: str,
    data: dict,
    now: dt.datetime,
) -> SellerOrderEvent:
    """Record a fact that does not change the seller order's status (a chargeback, a dispute) in its history, and
    publish it like a transition so that trust folds it. The caller holds the seller order's lock."""
    event = SellerOrderEvent.objects.create(
        seller_order=seller_order,
        seller_id_copy=seller_order.seller_id,
        action=action,
        from_status=seller_order.status,
        to_status=seller_order.status,
        actor_role=Actor(actor_role).value,
        actor=_actor_or_none(actor),
        reason=reason or "",
        data=data,
        created_at=now,
    )
    publish_transitioned(event)
    return event


def _seller_order_lock_sql(*, by_seller: bool, by_buyer: bool):
    """The statement `seller_order_lock` runs for one scope: what
    `SellerOrder.objects.select_for_update().filter(pk=…[, seller=…][, order__buyer=…])` compiles to (the order
    joined for the buyer's scope, both rows locked by the plain FOR UPDATE as the ORM's), without its ORDER BY."""

    def build(columns: str, quote) -> str:
        seller_orders, orders = quote(SellerOrder._meta.db_table), quote(Order._meta.db_table)
        sql = f"SELECT {columns} FROM {seller_orders}"
        if by_buyer:
            sql += f" INNER JOIN {orders} ON {orders}.{quote('id')} = {seller_orders}.{quote('order_id')}"
        sql += f" WHERE {seller_orders}.{quote('id')} = %s"
        if by_seller:
            sql += f" AND {seller_orders}.{quote('seller_id')} = %s"
        if by_buyer:
            sql += f" AND {orders}.{quote('buyer_id')} = %s"
        connection = connections[router.db_for_write(SellerOrder)]
        if connection.features.has_select_for_update:
            sql += f" {connection.ops.for_update_sql()}"
        return sql

    return build


def seller_order_lock(*, seller_order_id: int, seller: Seller | None = None, buyer: User | None = None) -> SellerOrder:
    """The seller order, locked for this transaction; scoped to `seller` or `buyer` when given (another party's
    seller order does not exist). Raises NotFound.

    Every transition of a seller order starts here, so the statement is a fixed one built once per scope
    (`core.db.select_instances`): compiling the ORM's query cost more than running it. The instance is the ORM's
    own, every column loaded."""
    if not isinstance(seller_order_id, int):
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    using = router.db_for_write(SellerOrder)
    connection = connections[using]
    if connection.features.has_select_for_update and connection.get_autocommit():
        # What the ORM's select_for_update raises: a lock outside a transaction would be released at once.
        raise TransactionManagementError("select_for_update cannot be used outside of a transaction.")
    params: list[Any] = [seller_order_id]
    if seller is not None:
        params.append(seller.pk)
    if buyer is not None:
        params.append(buyer.pk)
    found = select_instances(
        SellerOrder,
        name=f"seller_order_lock:{seller is not None}:{buyer is not None}",
        build_sql=_seller_order_lock_sql(by_seller=seller is not None, by_buyer=buyer is not None),
        params=params,
        using=using,
    )
    if not found:
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    return found[0]


def seller_order_quantities(seller_orders: list[SellerOrder]) -> dict[int, int]:
    """offer_id -> units ordered over these seller orders (what their stock return puts back)."""
    quantities: dict[int, int] = {}
    for offer_id, quantity in OrderLine.objects.filter(seller_order__in=seller_orders).values_list(
        "offer_id", "quantity"
    ):
        quantities[offer_id] = quantities.get(offer_id, 0) + quantity
    return quantities


def _validate_tracking(carrier: Any, tracking_number: Any) -> tuple[str, str]:
    problems = {}
    if not isinstance(carrier, str) or not carrier.strip() or len(carrier) > 60:
        problems["carrier"] = "The carrier's name is required."
    compact = tracking_number.replace(" ", "") if isinstance(tracking_number, str) else ""
    if not (5 <= len(compact) <= 40 and compact.isalnum() and compact.isascii()):
        problems["tracking_number"] = "A tracking number has 5 to 40 letters or digits."
    if problems:
        raise ValidationError(
            "Shipping needs a carrier and a valid tracking number.", code=errors.INVALID_TRACKING, fields=problems
        )
    assert isinstance(carrier, str)
    return carrier.strip(), compact.upper()


def seller_order_accept(*, seller: Seller, seller_order_id: int, actor: User | None) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        return seller_order_transition(seller_order, Action.ACCEPT, Actor.SELLER, actor, "", {}, clock.now())


def seller_order_ship(
    *, seller: Seller, seller_order_id: int, actor: User | None, carrier: str, tracking_number: str
) -> SellerOrder:
    carrier, tracking_number = _validate_tracking(carrier, tracking_number)
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller)
        now = clock.now()
        return seller_order_transition(
            seller_order,
            Action.SHIP,
            Actor.SELLER,
            actor,
            "",
            {"carrier": carrier, "tracking_number": tracking_number, "late": now.date() > seller_order.ship_by},
            now,
        )


def seller_order_mark_delivered(
    *,
    seller_order_id: int,
    actor: User | None,
    actor_role: Actor,
    seller: Seller | None = None,
    buyer: User | None = None,
) -> SellerOrder:
    with transaction.atomic(durable=True):
        seller_order = seller_order_lock(seller_order_id=seller_order_id, seller=seller, buyer=buyer)
        now = clock.now()
        return seller_order_transition(
            seller_order, Action.DELIVER, actor_role, actor, "", {"late": now.date() > seller_order.deliver_by}, now
        )

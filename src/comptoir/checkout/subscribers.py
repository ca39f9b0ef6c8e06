"""What checkout listens to on the event bus; connected by CheckoutConfig.ready.

A chargeback (payments.events.ChargebackRecorded, delivered inside the recording transaction) becomes a
"chargeback" event in the seller order's history, published like a transition so that trust folds it. Payments
and orders do not know each other: checkout, above both, joins the fact of one to the history of the other. A
failure here rolls the chargeback back with it (the bus does not swallow synchronous subscribers' errors)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from comptoir.payments.events import ChargebackRecorded


def on_chargeback_recorded(event: ChargebackRecorded) -> None:
    """Record the chargeback in the seller order's history (its status does not change). The recorder holds the
    seller order's lock."""
    from django.contrib.auth import get_user_model

    from comptoir.orders.domain.state_machine import Actor
    from comptoir.orders.models import SellerOrder
    from comptoir.orders.services.lifecycle import seller_order_event_record

    seller_order = SellerOrder.objects.get(pk=event.seller_order_id)
    actor = (
        get_user_model().objects.filter(pk=event.recorded_by_id).first() if event.recorded_by_id is not None else None
    )
    seller_order_event_record(
        seller_order=seller_order,
        action="chargeback",
        actor_role=Actor.OPERATOR if event.source == "operator" else Actor.SYSTEM,
        actor=actor,
        reason=event.reason,
        now=event.at,
        data={
            "amount": event.amount,
            "currency": event.currency,
            "reason": event.reason,
            "provider_reference": event.provider_reference,
            "chargeback_id": event.chargeback_id,
        },
    )


def connect() -> None:
    from comptoir.core.events import subscribe
    from comptoir.payments.events import ChargebackRecorded

    subscribe(ChargebackRecorded, on_chargeback_recorded)

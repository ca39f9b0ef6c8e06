"""Reads of a seller's webhooks: always filtered by the seller, so another seller's rows do not exist for it."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db.models import QuerySet

from comptoir.webhooks.models import WebhookAttempt, WebhookDelivery, WebhookEndpoint

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller


def webhook_endpoint_list(seller: Seller) -> QuerySet[WebhookEndpoint]:
    return WebhookEndpoint.objects.filter(seller=seller).order_by("pk")


def webhook_endpoint_get(seller: Seller, endpoint_id: int) -> WebhookEndpoint | None:
    return WebhookEndpoint.objects.filter(seller=seller, pk=endpoint_id).first()


def webhook_delivery_list(
    seller: Seller, *, endpoint_id: int | None = None, status: str | None = None, event_type: str | None = None
) -> QuerySet[WebhookDelivery]:
    """The seller's deliveries, newest first."""
    found = WebhookDelivery.objects.filter(seller=seller).select_related("endpoint")
    if endpoint_id is not None:
        found = found.filter(endpoint_id=endpoint_id)
    if status:
        found = found.filter(status=status)
    if event_type:
        found = found.filter(event_type=event_type)
    return found.order_by("-created_at", "-pk")


def webhook_delivery_get(seller: Seller, delivery_id: int) -> WebhookDelivery | None:
    return WebhookDelivery.objects.filter(seller=seller, pk=delivery_id).select_related("endpoint").first()


def webhook_attempt_list(delivery: WebhookDelivery) -> QuerySet[WebhookAttempt]:
    return WebhookAttempt.objects.filter(delivery=delivery).order_by("number")

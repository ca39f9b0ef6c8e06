"""Outbound webhooks: a seller's endpoints, and each event sent to one of them with its attempts."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class WebhookEventType(models.TextChoices):
    ORDER_CREATED = "order.created", _("Order created (paid, to fulfil)")
    ORDER_CANCELLED = "order.cancelled", _("Order cancelled")
    ORDER_SHIPPED = "order.shipped", _("Order shipped")
    OFFER_OUT_OF_STOCK = "offer.out_of_stock", _("Offer out of stock")
    PAYOUT_SENT = "payout.sent", _("Payout sent")


class WebhookEndpoint(models.Model):
    """A URL of the seller's that receives the events it subscribes to, signed with its secret (encrypted at rest:
    the server needs it to sign, so it cannot be a hash; it is shown to the seller once)."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="webhook_endpoints")
    url = models.URLField(max_length=500)
    description = models.CharField(max_length=100, blank=True)
    secret_encrypted = models.TextField()
    event_types = models.JSONField(default=list)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(default=clock.now)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        indexes = [models.Index(fields=["seller", "is_active"])]

    def __str__(self) -> str:
        return f"{self.seller} – {self.url}"


class DeliveryStatus(models.TextChoices):
    PENDING = "pending", _("Pending")
    SUCCEEDED = "succeeded", _("Delivered")
    FAILED = "failed", _("Failed")


class WebhookDelivery(models.Model):
    """One event for one endpoint: the JSON body sent (the same bytes at every attempt), its status and schedule.

    `source_key` names the fact (a seller-order event, a payout, an offer running out of stock at a time): unique per
    endpoint, so an event delivered twice to the subscribers creates one delivery. `attempt_count` counts every
    attempt made; automatic attempts stop at `max_attempts` (a replay allows one more)."""

    endpoint = models.ForeignKey(WebhookEndpoint, on_delete=models.CASCADE, related_name="deliveries")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    event_id = models.CharField(max_length=40, help_text="Stable id of the event, the same for every endpoint.")
    event_type = models.CharField(max_length=40)
    source_key = models.CharField(max_length=120)
    payload = models.JSONField()
    status = models.CharField(max_length=10, choices=DeliveryStatus.choices, default=DeliveryStatus.PENDING)
    attempt_count = models.PositiveIntegerField(default=0)
    max_attempts = models.PositiveIntegerField()
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    last_attempt_at = models.DateTimeField(null=True, blank=True)
    last_response_status = models.PositiveIntegerField(null=True, blank=True)
    replay_count = models.PositiveIntegerField(default=0)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["endpoint", "source_key"], name="webhook_delivery_unique_source"),
        ]
        indexes = [
            models.Index(fields=["seller", "-created_at"]),
            models.Index(fields=["status", "next_attempt_at"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} → {self.endpoint_id} ({self.status})"


class WebhookAttempt(models.Model):
    """One HTTP request of a delivery: when, how long, what came back (append-only)."""

    delivery = models.ForeignKey(WebhookDelivery, on_delete=models.CASCADE, related_name="attempts")
    number = models.PositiveIntegerField()
    started_at = models.DateTimeField()
    duration_ms = models.PositiveIntegerField()
    response_status = models.PositiveIntegerField(null=True, blank=True)
    response_excerpt = models.CharField(max_length=500, blank=True)
    error = models.CharField(max_length=300, blank=True)
    is_success = models.BooleanField()
    is_replay = models.BooleanField(default=False)
    replayed_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["delivery_id", "number"]
        constraints = [models.UniqueConstraint(fields=["delivery", "number"], name="webhook_attempt_unique_number")]

    def __str__(self) -> str:
        return f"{self.delivery_id} #{self.number}"

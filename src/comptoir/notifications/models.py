from django.conf import settings
from django.db import models

from comptoir.core import clock


class Channel(models.TextChoices):
    EMAIL = "email", "Email"


class Notification(models.Model):
    """Something that happened for one user, shown in their notification centre (always) and emailed (unless they
    turned that kind of email off). `params` holds what the text needs (numbers, names, the page to open), so the
    text is written at display time in the reader's language. `dedupe_key` names the fact: a retried task or a
    redelivered event finds the row and notifies nobody twice."""

    recipient = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=40)
    params = models.JSONField(default=dict)
    dedupe_key = models.CharField(max_length=120)
    created_at = models.DateTimeField(default=clock.now)
    read_at = models.DateTimeField(null=True, blank=True)
    email_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["recipient", "dedupe_key"], name="notification_once_per_fact"),
        ]
        indexes = [models.Index(fields=["recipient", "-created_at"]), models.Index(fields=["recipient", "read_at"])]

    def __str__(self) -> str:
        return f"{self.kind} for user {self.recipient_id}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None


class NotificationPreference(models.Model):
    """A user's choice for one kind on one channel; no row means the default (on)."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="notification_preferences"
    )
    kind = models.CharField(max_length=40)
    channel = models.CharField(max_length=10, choices=Channel.choices, default=Channel.EMAIL)
    is_enabled = models.BooleanField(default=True)
    updated_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["user", "kind", "channel"], name="notification_preference_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.kind}/{self.channel} for user {self.user_id}: {'on' if self.is_enabled else 'off'}"

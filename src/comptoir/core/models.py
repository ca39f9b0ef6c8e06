from django.conf import settings
from django.db import models


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AuditLog(models.Model):
    """One row per state change, with who did it. Append-only (never updated or deleted)."""

    created_at = models.DateTimeField(db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    actor_label = models.CharField(
        max_length=200, blank=True, help_text="Who acted when no user did (system, API key …)."
    )
    action = models.CharField(max_length=80, db_index=True)
    target_type = models.CharField(max_length=80)
    target_id = models.CharField(max_length=64)
    seller_id = models.BigIntegerField(null=True, blank=True, db_index=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        indexes = [models.Index(fields=["target_type", "target_id"])]
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_type}#{self.target_id}"


class IdempotencyRecord(models.Model):
    """An externally triggered write already performed for (actor, key), with its response."""

    actor_key = models.CharField(max_length=100)
    key = models.CharField(max_length=200)
    scope = models.CharField(max_length=80)
    request_fingerprint = models.CharField(max_length=64)
    response_status = models.PositiveSmallIntegerField(null=True)
    response_body = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["actor_key", "key"], name="idempotency_unique_actor_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.key} by {self.actor_key}"


class CacheEntry(models.Model):
    """The table of the database cache (`comptoir.core.cache.AtomicDatabaseCache`) that holds the request rate
    limits shared by every server process. Created by a migration so that `migrate` is all a deployment needs;
    the columns are those of Django's `createcachetable`, and only the cache reads and writes them."""

    cache_key = models.CharField(max_length=255, primary_key=True)
    value = models.TextField()
    expires = models.DateTimeField(db_index=True)

    class Meta:
        db_table = "comptoir_cache"

    def __str__(self) -> str:
        return self.cache_key

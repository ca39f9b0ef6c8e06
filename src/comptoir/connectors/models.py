"""Shop imports: a job per uploaded file (its dry-run report, progress and outcome) and the link between a seller's
shop product (a family, which has no offer to carry its SKU) and the catalog product made from it."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class ImportJob(models.Model):
    class Status(models.TextChoices):
        ANALYSED = "analysed", _("Ready to import")
        INVALID = "invalid", _("Has errors")
        COMMITTING = "committing", _("Importing")
        COMMITTED = "committed", _("Imported")
        FAILED = "failed", _("Failed")

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="import_jobs")
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    format = models.CharField(max_length=20)
    file = models.FileField(max_length=300)
    file_name = models.CharField(max_length=200, blank=True)
    file_sha256 = models.CharField(max_length=64)
    # Companion files by short name ("combinations", "stock_sources", "advanced_pricing") -> storage name.
    companions = models.JSONField(default=dict, blank=True)
    options = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.ANALYSED)
    report = models.JSONField(default=dict, blank=True)
    progress_total = models.PositiveIntegerField(default=0)
    failure = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)
    committed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["seller", "file_sha256"])]

    def __str__(self) -> str:
        return f"{self.seller_id} {self.format} {self.file_name} ({self.status})"


class ImportedFamily(models.Model):
    """Which catalog family a seller's shop product became, so a re-import updates it instead of adding another."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    key = models.CharField(max_length=200)
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "key"], name="imported_family_unique_key")]

    def __str__(self) -> str:
        return f"{self.seller_id}:{self.key} -> {self.product_id}"


class ImportedPicture(models.Model):
    """A picture address an import gave for a product, and what became of it: fetched by a worker
    (`connectors.tasks.imported_pictures_fetch_task`) into a `ProductImage` through the catalog's picture pipeline, or
    refused (the reason kept). One row per product and address, so a re-import never fetches a picture twice."""

    class Status(models.TextChoices):
        PENDING = "pending", _("Waiting")
        FETCHED = "fetched", _("Fetched")
        FAILED = "failed", _("Failed")

    seller = models.ForeignKey("sellers.Seller", on_delete=models.CASCADE, related_name="+")
    job = models.ForeignKey(ImportJob, null=True, blank=True, on_delete=models.SET_NULL, related_name="pictures")
    product = models.ForeignKey("catalog.Product", on_delete=models.CASCADE, related_name="+")
    url = models.CharField(max_length=500)
    position = models.PositiveSmallIntegerField(default=0)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.PENDING)
    image = models.ForeignKey(
        "catalog.ProductImage", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    failure = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    # A picture whose host failed for a while (timeout, 5xx, no connection) stays pending until this time: the retry
    # is a task deferred to it and the scheduler's sweep (`imported_pictures_retry_due`) enqueues it when due.
    # While an attempt runs, it holds a lease (the sweep takes the picture again after it, should the worker die).
    next_attempt_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(default=clock.now)
    fetched_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["product_id", "position", "id"]
        constraints = [models.UniqueConstraint(fields=["product", "url"], name="imported_picture_one_per_address")]
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["status", "next_attempt_at"], name="imported_picture_due"),
        ]

    def __str__(self) -> str:
        return f"{self.product_id} {self.url} ({self.status})"

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

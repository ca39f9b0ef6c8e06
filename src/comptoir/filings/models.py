"""What the filings app keeps: the DAC7 notices sent to sellers (the figures and the missing identity as sent)."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Dac7Notice(models.Model):
    """The information sent to a reportable seller before the marketplace files its DAC7 report of `year`: the yearly
    figures (EUR cents) and the identity fields it still lacked. One per seller and year; append-only."""

    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="dac7_notices")
    year = models.PositiveIntegerField()
    consideration_eur_cents = models.BigIntegerField()
    activities = models.PositiveIntegerField()
    fees_eur_cents = models.BigIntegerField()
    taxes_eur_cents = models.BigIntegerField()
    missing = models.JSONField(default=list)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [models.UniqueConstraint(fields=["seller", "year"], name="dac7_notice_one_per_seller_year")]

    def __str__(self) -> str:
        return f"DAC7 {self.year} notice to seller {self.seller_id}"

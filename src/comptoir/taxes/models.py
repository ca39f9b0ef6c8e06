"""VAT rates as effective-dated data with their source (domain/rates.py says how one is chosen for a day)."""

from __future__ import annotations

from django.db import models

from comptoir.taxes.domain.rates import TaxClass


class VatRate(models.Model):
    country = models.CharField(max_length=2)
    tax_class = models.CharField(max_length=16, choices=[(item.value, item.value) for item in TaxClass])
    rate_bp = models.PositiveIntegerField(help_text="Basis points: 2000 = 20 %, 550 = 5.5 %.")
    valid_from = models.DateField()
    valid_to = models.DateField(null=True, blank=True)
    source = models.CharField(max_length=200, help_text="Where the rate comes from (data package and version, law).")
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["country", "tax_class", "valid_from"], name="vat_rate_one_per_start"),
            models.CheckConstraint(condition=models.Q(rate_bp__lte=10_000), name="vat_rate_at_most_100pct"),
            models.CheckConstraint(
                condition=models.Q(valid_to__isnull=True) | models.Q(valid_to__gte=models.F("valid_from")),
                name="vat_rate_ends_after_it_starts",
            ),
        ]
        ordering = ["country", "tax_class", "-valid_from"]

    def __str__(self) -> str:
        return f"{self.country} {self.tax_class} {self.rate_bp / 100:g} % from {self.valid_from}"

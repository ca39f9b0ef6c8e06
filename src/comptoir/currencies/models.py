"""Exchange rates as effective-dated data with their source.

`ExchangeRate` holds one published reference rate: `rate` units of `currency` for one unit of `base`, the reference of
`day`, as published by `source` (the ECB's daily euro reference rates today). A rate is in effect from its day until
the next published day; conversions use the latest day on or before the day asked (currencies.selectors).
`ExchangeRateImport` records each import that changed something (file, days covered, rows written): the audit trail,
and the version the per-process cache of rate tables checks."""

from __future__ import annotations

from django.db import models

from comptoir.currencies.domain.rates import ECB, EURO


class ExchangeRate(models.Model):
    source = models.CharField(max_length=16, default=ECB)
    base = models.CharField(max_length=3, default=EURO)
    currency = models.CharField(max_length=3)
    day = models.DateField()
    # Units of `currency` for one `base`. The ECB publishes up to 6 decimals and 7 integer digits (IDR, old TRL).
    rate = models.DecimalField(max_digits=16, decimal_places=6)
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["source", "base", "day", "currency"], name="exchange_rate_one_per_day"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="exchange_rate_positive"),
        ]
        ordering = ["-day", "currency"]

    def __str__(self) -> str:
        return f"{self.source} {self.day}: 1 {self.base} = {self.rate} {self.currency}"


class ExchangeRateImport(models.Model):
    source = models.CharField(max_length=16, default=ECB)
    file_name = models.CharField(max_length=255)
    first_day = models.DateField()
    last_day = models.DateField()
    rows_created = models.PositiveIntegerField()
    rows_updated = models.PositiveIntegerField()
    imported_at = models.DateTimeField()

    class Meta:
        ordering = ["-pk"]

    def __str__(self) -> str:
        return f"{self.source} {self.file_name} ({self.first_day}–{self.last_day})"

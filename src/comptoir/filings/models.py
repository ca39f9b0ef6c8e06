"""What the filings app keeps: the DAC7 notices sent to sellers (the figures and the missing identity as sent), the
sellers an operator excluded from DAC7, and the dispatch steps of the VAT returns."""

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


class ReturnState(models.TextChoices):
    FILED = "filed", "filed"
    CORRECTED = "corrected", "corrected"


class ReturnFiling(models.Model):
    """One step of a VAT return's dispatch (domain/dispatch.py): the operator filed it (sequence 1) or filed a
    correction of it (2, 3, …) with the tax authority, under `reference`, on `filed_on`; `rows` are the figures as
    filed (domain/returns.rows_to_json), which the return shows from then on. A return without a row is a draft.
    Append-only: the latest row is the return's state; `recorded_by` and `recorded_at` say who entered it and when."""

    kind = models.CharField(max_length=8)  # oss, ioss, uk-vat, ch-vat
    scope = models.CharField(max_length=32)  # "marketplace" or "seller:<id>"
    period = models.CharField(max_length=10)  # "2026-Q3", "2026-07", "2026-H2", "2026-S2Q3" (UK stagger 2)
    sequence = models.PositiveIntegerField()
    state = models.CharField(max_length=10, choices=ReturnState.choices)
    reference = models.CharField(max_length=64)
    filed_on = models.DateField()
    note = models.CharField(max_length=500, blank=True)
    currency = models.CharField(max_length=3)
    rows = models.JSONField(default=list)
    total_vat_cents = models.BigIntegerField()
    recorded_at = models.DateTimeField()
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["kind", "scope", "period", "sequence"], name="return_filing_one_per_step"),
            models.CheckConstraint(condition=models.Q(sequence__gte=1), name="return_filing_sequence_positive"),
        ]
        indexes = [models.Index(fields=["kind", "scope", "period"], name="return_filing_period")]

    def __str__(self) -> str:
        return f"{self.kind} {self.scope} {self.period}: {self.state} ({self.reference})"


class Dac7ExclusionKind(models.TextChoices):
    """The sellers DAC7 excludes whatever their sales (Dir. (EU) 2021/514, Annex V, Section I(B)(3)); domain.dac7."""

    GOVERNMENT_ENTITY = "government_entity", "government entity"
    LISTED_ENTITY = "listed_entity", "listed entity"


class Dac7Exclusion(models.Model):
    """An operator's decision that a seller is excluded from DAC7 reports (a government entity, or an entity whose
    stock is regularly traded on an established securities market, or a related entity of one), with the reason the
    operator gave (the evidence: a register, a stock exchange listing). One row per seller: the current decision;
    every change and removal is in the audit log with the previous value (services.dac7_exclusion_set)."""

    seller = models.OneToOneField("sellers.Seller", on_delete=models.CASCADE, related_name="dac7_exclusion")
    kind = models.CharField(max_length=20, choices=Dac7ExclusionKind.choices)
    reason = models.CharField(max_length=500)
    set_at = models.DateTimeField()
    set_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(
                condition=models.Q(kind__in=["government_entity", "listed_entity"]), name="dac7_exclusion_kind_known"
            ),
            models.CheckConstraint(condition=~models.Q(reason=""), name="dac7_exclusion_reason_given"),
        ]

    def __str__(self) -> str:
        return f"DAC7 exclusion of seller {self.seller_id}: {self.kind}"


class AuthorityRate(models.Model):
    """One monthly exchange rate a tax authority published for its VAT returns (domain/authority_rates.py): HMRC's
    (`rate` units of `currency` per GBP 1, `units` 1) or the ESTV's (`units` of `currency` cost `rate` CHF), for the
    month starting on `month`. Loaded from the authority's file by `comptoir filings rates` (services.
    authority_rates_import); a file loaded again updates the rate it changed."""

    authority = models.CharField(max_length=8, choices=[("hmrc", "HMRC"), ("estv", "ESTV")])
    currency = models.CharField(max_length=3)
    month = models.DateField()
    units = models.PositiveIntegerField(default=1)
    rate = models.DecimalField(max_digits=18, decimal_places=6)
    source = models.CharField(max_length=200, blank=True)  # the file it came from
    imported_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["authority", "currency", "month"], name="authority_rate_one_per_month"),
            models.CheckConstraint(condition=models.Q(rate__gt=0), name="authority_rate_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.authority} {self.currency} {self.month:%Y-%m}: {self.rate}"

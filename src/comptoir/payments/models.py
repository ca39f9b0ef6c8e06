"""Payments, the append-only double-entry ledger, its hash chain, and payouts.

Ledger rows (JournalEntry, Posting, LedgerBlock, LedgerBlockEntry) are never updated or deleted:
`save()` refuses updates and the managers refuse bulk changes; corrections are reversing entries.
`comptoir ledger verify` detects any change made behind the application's back."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from comptoir.core import clock


class PaymentStatus(models.TextChoices):
    CAPTURED = "captured", _("Captured")
    DECLINED = "declined", _("Declined")
    REVIEW = "review", _("Under review")
    REVIEW_REJECTED = "review_rejected", _("Rejected after review")


class Payment(models.Model):
    order = models.ForeignKey("orders.Order", on_delete=models.PROTECT, related_name="payments")
    provider = models.CharField(max_length=30)
    provider_reference = models.CharField(max_length=100)
    status = models.CharField(max_length=20, choices=PaymentStatus.choices)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    card_last4 = models.CharField(max_length=4, blank=True)
    # The provider's fingerprint of the card (ChargeResult.payment_fingerprint): the same card gives the same value
    # across buyers, never the number. The sandbox's is a keyed HMAC-SHA256; Stripe, Adyen or Mangopay give their own.
    payment_fingerprint = models.CharField(max_length=100, blank=True, db_index=True)
    message = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["provider", "provider_reference"], name="payment_unique_provider_reference")
        ]

    def __str__(self) -> str:
        return f"Payment {self.provider}:{self.provider_reference} ({self.status})"


class Refund(models.Model):
    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="refunds")
    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="refunds")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    source_key = models.CharField(max_length=120, unique=True)
    status = models.CharField(
        max_length=12, choices=[("pending", "Pending at provider"), ("succeeded", "Succeeded")], default="pending"
    )
    provider_reference = models.CharField(max_length=100, blank=True)
    reason = models.TextField(blank=True)
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="refund_amount_positive")]

    def __str__(self) -> str:
        return f"Refund {self.source_key} ({self.status})"


class AccountKind(models.TextChoices):
    # asset: debit-normal. liability/revenue: credit-normal.
    PROVIDER_CLEARING = "provider_clearing", _("Funds held at the payment provider")
    SELLER_ESCROW = "seller_escrow", _("Seller escrow (buyer funds held until release)")
    SELLER_PAYABLE = "seller_payable", _("Payable to the seller")
    SELLER_PAID_OUT = "seller_paid_out", _("Paid out to the seller")
    COMMISSION = "commission", _("Marketplace commission revenue")
    # Debit-normal: what a seller owes the marketplace (a chargeback after their money was paid out).
    SELLER_RECEIVABLE = "seller_receivable", _("Owed by the seller to the marketplace")
    # Either side: the marketplace's position in a currency from converting buyers' money into sellers' currencies at
    # the rates frozen on orders, and the rounding differences of those conversions (credit: gain, debit: loss).
    FX_CONVERSION = "fx_conversion", _("Currency conversion (the marketplace's position in the currency)")
    FX_GAIN_LOSS = "fx_gain_loss", _("Exchange gains and losses")


class LedgerAccount(models.Model):
    kind = models.CharField(max_length=20, choices=AccountKind.choices)
    seller = models.ForeignKey(
        "sellers.Seller", null=True, blank=True, on_delete=models.PROTECT, related_name="ledger_accounts"
    )
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [
            # Two partial unique indexes rather than NULLS NOT DISTINCT, which SQLite does not support:
            # one account per (kind, seller, currency) and one marketplace account per (kind, currency).
            models.UniqueConstraint(
                fields=["kind", "seller", "currency"],
                condition=models.Q(seller__isnull=False),
                name="ledger_account_unique_seller",
            ),
            models.UniqueConstraint(
                fields=["kind", "currency"],
                condition=models.Q(seller__isnull=True),
                name="ledger_account_unique_marketplace",
            ),
        ]

    def __str__(self) -> str:
        owner = f" {self.seller_id}" if self.seller_id else ""
        return f"{self.kind}{owner} {self.currency}"


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError("ledger rows are append-only")

    def delete(self):
        raise TypeError("ledger rows are append-only")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if not self._state.adding:
            raise TypeError("ledger rows are append-only")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise TypeError("ledger rows are append-only")


class EntryKind(models.TextChoices):
    CAPTURE = "capture", _("Payment captured into escrow")
    RELEASE = "release", _("Escrow released to the seller, commission taken")
    REFUND = "refund", _("Refund to the buyer")
    PAYOUT = "payout", _("Payout to the seller")
    CHARGEBACK = "chargeback", _("Chargeback: the card issuer took the money back")
    RECOVERY = "recovery", _("Seller debt recovered from the payable balance")


class JournalEntry(AppendOnlyModel):
    """A balanced set of postings. `source_key` makes each money movement happen once (unique)."""

    kind = models.CharField(max_length=20, choices=EntryKind.choices)
    source_key = models.CharField(max_length=120, unique=True)
    memo = models.CharField(max_length=300, blank=True)
    order_id_ref = models.BigIntegerField(null=True, blank=True, db_index=True)
    seller_order_id_ref = models.BigIntegerField(null=True, blank=True)  # indexed where set (Meta)
    created_at = models.DateTimeField()
    created_by = models.ForeignKey(  # indexed where set (Meta)
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+", db_index=False
    )

    class Meta:
        verbose_name_plural = "journal entries"
        indexes = [
            # The sealer looks for recent unsealed entries by time; statements filter by time.
            models.Index(fields=["created_at"], name="journal_entry_created_at"),
            # Partial: every checkout's capture entry has neither (the order's entry, written by the system), and
            # every look-up is an equality, which only a set value matches: no index entry to write per checkout.
            models.Index(
                fields=["seller_order_id_ref"],
                name="journal_entry_seller_order",
                condition=models.Q(seller_order_id_ref__isnull=False),
            ),
            models.Index(
                fields=["created_by"], name="journal_entry_created_by", condition=models.Q(created_by__isnull=False)
            ),
        ]

    def __str__(self) -> str:
        return f"#{self.pk} {self.kind} {self.source_key}"


class Posting(AppendOnlyModel):
    """A signed amount on one account: positive = debit, negative = credit. An entry's postings sum to zero per
    currency."""

    entry = models.ForeignKey(JournalEntry, on_delete=models.PROTECT, related_name="postings")
    # No index of its own: the (account, entry) index below starts with it and answers every look-up by account
    # (balances, statements, the PROTECT check); one index fewer to write per posting.
    account = models.ForeignKey(LedgerAccount, on_delete=models.PROTECT, related_name="postings", db_index=False)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)

    class Meta:
        constraints = [models.CheckConstraint(condition=~models.Q(amount=0), name="posting_amount_not_zero")]
        indexes = [models.Index(fields=["account", "entry"])]

    def __str__(self) -> str:
        return f"Posting {self.amount} {self.currency} on account {self.account_id} (entry {self.entry_id})"


class LedgerBlock(AppendOnlyModel):
    """A sealed batch of entries: Merkle root of the entries' hashes, chained to the previous block."""

    height = models.PositiveBigIntegerField(unique=True)
    previous_hash = models.CharField(max_length=64)
    merkle_root = models.CharField(max_length=64)
    entry_count = models.PositiveIntegerField()
    block_hash = models.CharField(max_length=64, unique=True)
    sealed_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"Ledger block {self.height}"


class LedgerBlockEntry(AppendOnlyModel):
    block = models.ForeignKey(LedgerBlock, on_delete=models.PROTECT, related_name="members")
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="seal")
    entry_hash = models.CharField(max_length=64)
    # The entry sealed just before this one (in seal order, across blocks). The Merkle root proves a
    # block lost a member; this link lets `ledger verify` name the entry that was deleted.
    previous_entry_id = models.BigIntegerField(null=True, blank=True)

    def __str__(self) -> str:
        return f"Entry {self.entry_id} in block {self.block_id}"


class LedgerChainHead(models.Model):
    """One row per database. Sealers lock it, so blocks are appended one at a time without
    making checkouts (which only insert entries) wait for anything."""

    singleton = models.PositiveSmallIntegerField(unique=True, default=1)
    height = models.PositiveBigIntegerField(default=0)
    block_hash = models.CharField(max_length=64, default="0" * 64)

    def __str__(self) -> str:
        return f"Ledger chain head at height {self.height}"


class PayoutBatch(models.Model):
    currency = models.CharField(max_length=3)
    created_at = models.DateTimeField(default=clock.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    total_amount = models.BigIntegerField(default=0)
    payout_count = models.PositiveIntegerField(default=0)

    def __str__(self) -> str:
        return f"Payout batch {self.pk} ({self.currency})"


class Payout(models.Model):
    batch = models.ForeignKey(PayoutBatch, on_delete=models.PROTECT, related_name="payouts")
    seller = models.ForeignKey("sellers.Seller", on_delete=models.PROTECT, related_name="payouts")
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    iban_last4 = models.CharField(max_length=4)
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="payout")
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [models.CheckConstraint(condition=models.Q(amount__gt=0), name="payout_amount_positive")]

    def __str__(self) -> str:
        return f"Payout {self.pk}: {self.amount} {self.currency} to seller {self.seller_id}"


class ChargebackSource(models.TextChoices):
    PROVIDER = "provider", _("Provider notification")
    OPERATOR = "operator", _("Recorded by an operator")


class Chargeback(models.Model):
    """A chargeback: the buyer's card issuer took money back through the payment provider. One row per provider
    case (unique provider reference): a retried notification finds it and changes nothing. The money movement is
    `entry`; the seller order's history has a SellerOrderEvent with action "chargeback" whose data names this
    chargeback (`chargeback_id`), written by the orders app on the ChargebackRecorded event."""

    payment = models.ForeignKey(Payment, on_delete=models.PROTECT, related_name="chargebacks")
    seller_order = models.ForeignKey("orders.SellerOrder", on_delete=models.PROTECT, related_name="chargebacks")
    provider = models.CharField(max_length=30)
    provider_reference = models.CharField(max_length=100)
    amount = models.BigIntegerField()
    currency = models.CharField(max_length=3)
    reason = models.CharField(max_length=300)
    source = models.CharField(max_length=10, choices=ChargebackSource.choices)
    was_released = models.BooleanField(
        help_text="The seller order's funds were already released: taken from the seller's payable balance."
    )
    entry = models.OneToOneField(JournalEntry, on_delete=models.PROTECT, related_name="chargeback")
    event_id = models.BigIntegerField(
        null=True,
        blank=True,
        help_text="Chargebacks recorded before the ChargebackRecorded event: the seller order's "
        "SellerOrderEvent. Later ones are found from the event (its data's chargeback_id).",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    created_at = models.DateTimeField(default=clock.now)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["provider", "provider_reference"], name="chargeback_unique_provider_reference"
            ),
            models.CheckConstraint(condition=models.Q(amount__gt=0), name="chargeback_amount_positive"),
        ]

    def __str__(self) -> str:
        return f"Chargeback {self.provider}:{self.provider_reference}"

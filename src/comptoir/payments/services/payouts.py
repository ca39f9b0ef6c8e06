"""Payouts: a batch pays every seller's payable balance in one currency."""

from __future__ import annotations

from typing import TYPE_CHECKING

from django.db import transaction
from django.db.models import Sum

from comptoir.core import clock
from comptoir.core.events import publish_on_commit
from comptoir.core.exceptions import ValidationError
from comptoir.core.money import validate_currency
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.payments import errors
from comptoir.payments.domain.ledger import PostingLine
from comptoir.payments.events import PayoutSent
from comptoir.payments.models import AccountKind, EntryKind, LedgerAccount, Payout, PayoutBatch, Posting
from comptoir.payments.services.ledger import ledger_post
from comptoir.sellers.models import Seller

if TYPE_CHECKING:
    from comptoir.accounts.models import User


def payout_batch_create(*, currency: str, actor: User | None, minimum_amount: int = 1) -> PayoutBatch:
    """Pay every seller's whole payable balance in `currency` that is at least `minimum_amount` minor units.

    Each payout is one Payout row and one journal entry (debit seller_payable, credit seller_paid_out) in one
    transaction with the batch and its audit rows. The sellers' payable accounts are locked in primary-key order
    and their balances read after the lock, so a concurrent second batch waits and then finds nothing left to
    pay: the same money is never paid twice. `actor` is an operator or None (the scheduler). A seller who owes
    the marketplace (seller_receivable, after a chargeback) has that debt recovered from the payable balance
    first (a `recovery` entry), and only the rest is paid. Raises ValidationError for a bad currency or minimum,
    PermissionDenied for a non-operator actor. Returns the batch (with no payouts when nothing was due)."""
    currency = validate_currency(currency)
    if isinstance(minimum_amount, bool) or not isinstance(minimum_amount, int) or minimum_amount < 1:
        raise ValidationError(
            "The minimum payout is a positive whole number of minor units.",
            code=errors.INVALID_MINIMUM_AMOUNT,
            fields={"minimum_amount": "A whole number of minor units, at least 1."},
        )
    if actor is not None:
        require_operator(actor, message="Only an operator can create a payout batch.")
    with transaction.atomic(durable=True):
        accounts = list(
            LedgerAccount.objects.select_for_update()
            .filter(kind=AccountKind.SELLER_PAYABLE, currency=currency, seller__isnull=False)
            .order_by("pk")
        )
        # Read only after the lock: a batch that waited sees the payouts of the one it waited for.
        balances = dict(
            Posting.objects.filter(account__in=accounts)
            .values("account_id")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("account_id", "total")
        )
        # A receivable only changes under its seller's payable lock (chargebacks, here): read after the lock too.
        receivables = dict(
            Posting.objects.filter(
                account__kind=AccountKind.SELLER_RECEIVABLE,
                account__currency=currency,
                account__seller_id__in=[account.seller_id for account in accounts],
            )
            .values("account__seller_id")
            .annotate(total=Sum("amount"))
            .order_by()
            .values_list("account__seller_id", "total")
        )
        batch = PayoutBatch.objects.create(
            currency=currency, created_at=clock.now(), created_by=actor if getattr(actor, "pk", None) else None
        )
        # Payable accounts are a seller's (seller__isnull=False above).
        sellers = Seller.objects.in_bulk([account.seller_id for account in accounts if account.seller_id is not None])
        total = count = 0
        for account in accounts:
            # payable is credit-normal: a credit balance is owed to the seller
            amount = -(balances.get(account.pk) or 0)
            assert account.seller_id is not None
            seller = sellers[account.seller_id]
            owed = receivables.get(account.seller_id, 0)
            if owed > 0 and amount > 0:
                # The seller owes the marketplace (a chargeback after payout): recover it before paying anything.
                recovered = min(owed, amount)
                ledger_post(
                    kind=EntryKind.RECOVERY,
                    source_key=f"recovery:{batch.pk}:{seller.pk}",
                    memo=f"Recovery, payout batch {batch.pk}",
                    actor=actor,
                    lines=[
                        PostingLine((AccountKind.SELLER_PAYABLE.value, seller.pk, currency), recovered),
                        PostingLine((AccountKind.SELLER_RECEIVABLE.value, seller.pk, currency), -recovered),
                    ],
                )
                amount -= recovered
            if amount < minimum_amount:
                continue
            entry = ledger_post(
                kind=EntryKind.PAYOUT,
                source_key=f"payout:{batch.pk}:{seller.pk}",
                memo=f"Payout batch {batch.pk}",
                actor=actor,
                lines=[
                    PostingLine((AccountKind.SELLER_PAYABLE.value, seller.pk, currency), amount),
                    PostingLine((AccountKind.SELLER_PAID_OUT.value, seller.pk, currency), -amount),
                ],
            )
            payout = Payout.objects.create(
                batch=batch,
                seller=seller,
                amount=amount,
                currency=currency,
                iban_last4=seller.iban_last4,
                entry=entry,
                created_at=clock.now(),
            )
            audit_record(
                actor=actor,
                action="payout.create",
                target=payout,
                seller_id=seller.pk,
                data={"batch": batch.pk, "amount": amount, "currency": currency, "entry": entry.pk},
            )
            publish_on_commit(
                PayoutSent(
                    payout_id=payout.pk, seller_id=seller.pk, amount=amount, currency=currency, at=payout.created_at
                )
            )
            total += amount
            count += 1
        batch.total_amount, batch.payout_count = total, count
        batch.save(update_fields=["total_amount", "payout_count"])
        audit_record(
            actor=actor,
            action="payout_batch.create",
            target=batch,
            data={
                "currency": currency,
                "total_amount": total,
                "payout_count": count,
                "minimum_amount": minimum_amount,
            },
        )
        return batch

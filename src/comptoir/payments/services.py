"""Money movements. Every movement is one balanced journal entry posted inside the business
operation's transaction, with a unique source key so that a retried operation never moves money twice."""

from __future__ import annotations

import functools

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from comptoir.core import clock
from comptoir.payments.domain.ledger import PostingLine, check_balanced
from comptoir.payments.models import JournalEntry, LedgerAccount, Posting, Refund


def ledger_accounts_get_or_create(keys: set[tuple[str, int | None, str]]) -> dict[tuple[str, int | None, str], LedgerAccount]:
    """Fetch (kind, seller_id, currency) accounts, creating the missing ones.

    Creation races (two first checkouts of a new seller at once) are settled by the unique
    constraint: the loser's savepoint rolls back and it reads the winner's row."""
    query = Q()
    for kind, seller_id, currency in keys:
        query |= Q(kind=kind, seller_id=seller_id, currency=currency)
    accounts = {(account.kind, account.seller_id, account.currency): account for account in LedgerAccount.objects.filter(query)}
    for key in sorted(keys - accounts.keys(), key=lambda k: (k[0], k[1] or 0, k[2])):
        kind, seller_id, currency = key
        try:
            with transaction.atomic():
                accounts[key] = LedgerAccount.objects.create(kind=kind, seller_id=seller_id, currency=currency)
        except IntegrityError:  # created concurrently: read the winner's row
            accounts[key] = LedgerAccount.objects.get(kind=kind, seller_id=seller_id, currency=currency)
    return accounts


def ledger_post(*, kind: str, source_key: str, lines: list[PostingLine], memo: str = "", order_id: int | None = None,
                seller_order_id: int | None = None, actor=None) -> JournalEntry:
    """Post one balanced entry inside the caller's transaction and return it.

    Guarantees: postings sum to zero per currency (else UnbalancedEntry, nothing written); the same
    source_key never posts twice (the existing entry is returned, its content unchanged). Sealing into
    the hash chain happens after commit (ledger_seal task)."""
    check_balanced(lines)
    entry = _journal_entry_insert_unless_exists(
        kind=kind, source_key=source_key, memo=memo[:300], order_id_ref=order_id, seller_order_id_ref=seller_order_id,
        created_at=clock.now(), created_by=actor if getattr(actor, "pk", None) else None,
    )
    if entry is None:  # this movement was already posted: return it unchanged
        return JournalEntry.objects.get(source_key=source_key)
    accounts = ledger_accounts_get_or_create({line.account_key for line in lines})
    Posting.objects.bulk_create([Posting(entry=entry, account=accounts[line.account_key], amount=line.amount, currency=line.currency) for line in lines])
    if settings.COMPTOIR["LEDGER_SEAL_ON_COMMIT"]:
        transaction.on_commit(functools.partial(_enqueue_seal))
    return entry


def _journal_entry_insert_unless_exists(**values) -> JournalEntry | None:
    """Insert the entry, or return None when its source_key was already posted: one `INSERT … ON CONFLICT
    (source_key) DO NOTHING RETURNING id` instead of a look-up before the insert. Nothing fails inside the
    caller's transaction (no savepoint needed on PostgreSQL); a concurrent poster of the same key waits on the
    unique index and then sees the conflict, so the movement still happens once."""
    entry = JournalEntry(**values)
    fields = [field for field in JournalEntry._meta.concrete_fields if not field.primary_key]
    columns = ", ".join(connection.ops.quote_name(field.column) for field in fields)
    placeholders = ", ".join(["%s"] * len(fields))
    params = [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
    with connection.cursor() as cursor:
        cursor.execute(
            f"INSERT INTO {connection.ops.quote_name(JournalEntry._meta.db_table)} ({columns}) VALUES ({placeholders}) "
            f"ON CONFLICT ({connection.ops.quote_name('source_key')}) DO NOTHING RETURNING {connection.ops.quote_name('id')}",
            params,
        )
        row = cursor.fetchone()
    if row is None:
        return None
    entry.pk = row[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def _enqueue_seal() -> None:
    from comptoir.payments.tasks import ledger_seal_task

    ledger_seal_task.enqueue()


def refund_create(*, payment, seller_order, amount: int, reason: str, source_key: str) -> Refund:
    """Record a refund to be executed at the provider after commit (refund_execute_task)."""
    existing = Refund.objects.filter(source_key=source_key).first()
    if existing is not None:
        return existing
    refund = Refund.objects.create(payment=payment, seller_order=seller_order, amount=amount, currency=payment.currency,
                                   source_key=source_key, reason=reason[:1000])
    transaction.on_commit(functools.partial(_enqueue_refund, refund.pk))
    return refund


def _enqueue_refund(refund_id: int) -> None:
    from comptoir.payments.tasks import refund_execute_task

    refund_execute_task.enqueue(refund_id)


# --- Payouts ----------------------------------------------------------------------------------------

def payout_batch_create(*, currency: str, actor, minimum_amount: int = 1):
    """Pay every seller's whole payable balance in `currency` that is at least `minimum_amount` minor units.

    Each payout is one Payout row and one journal entry (debit seller_payable, credit seller_paid_out)
    in one transaction with the batch and its audit rows. The sellers' payable accounts are locked in
    primary-key order and their balances read after the lock, so a concurrent second batch waits and
    then finds nothing left to pay: the same money is never paid twice. `actor` is an operator or
    None (the scheduler). Raises ValidationError for a bad currency or minimum, PermissionDenied for a
    non-operator actor. Returns the batch (with no payouts when nothing was due)."""
    from django.db.models import Sum

    from comptoir.core.exceptions import PermissionDenied, ValidationError
    from comptoir.core.money import validate_currency
    from comptoir.core.services import audit_record
    from comptoir.payments.models import AccountKind, EntryKind, Payout, PayoutBatch
    from comptoir.sellers.models import Seller

    currency = validate_currency(currency)
    if isinstance(minimum_amount, bool) or not isinstance(minimum_amount, int) or minimum_amount < 1:
        raise ValidationError("The minimum payout is a positive whole number of minor units.", code="invalid_minimum_amount",
                              fields={"minimum_amount": "A whole number of minor units, at least 1."})
    if actor is not None and not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can create a payout batch.", code="operator_required")
    with transaction.atomic(durable=True):
        accounts = list(LedgerAccount.objects.select_for_update()
                        .filter(kind=AccountKind.SELLER_PAYABLE, currency=currency, seller__isnull=False).order_by("pk"))
        # Read only after the lock: a batch that waited sees the payouts of the one it waited for.
        balances = dict(Posting.objects.filter(account__in=accounts).values("account_id").annotate(total=Sum("amount"))
                        .order_by().values_list("account_id", "total"))
        batch = PayoutBatch.objects.create(currency=currency, created_at=clock.now(), created_by=actor if getattr(actor, "pk", None) else None)
        sellers = Seller.objects.in_bulk([account.seller_id for account in accounts])
        total = count = 0
        for account in accounts:
            amount = -(balances.get(account.pk) or 0)  # payable is credit-normal: a credit balance is owed to the seller
            if amount < minimum_amount:
                continue
            seller = sellers[account.seller_id]
            entry = ledger_post(
                kind=EntryKind.PAYOUT, source_key=f"payout:{batch.pk}:{seller.pk}", memo=f"Payout batch {batch.pk}", actor=actor,
                lines=[PostingLine((AccountKind.SELLER_PAYABLE.value, seller.pk, currency), amount),
                       PostingLine((AccountKind.SELLER_PAID_OUT.value, seller.pk, currency), -amount)],
            )
            payout = Payout.objects.create(batch=batch, seller=seller, amount=amount, currency=currency, iban_last4=seller.iban_last4,
                                           entry=entry, created_at=clock.now())
            audit_record(actor=actor, action="payout.create", target=payout, seller_id=seller.pk,
                         data={"batch": batch.pk, "amount": amount, "currency": currency, "entry": entry.pk})
            total += amount
            count += 1
        batch.total_amount, batch.payout_count = total, count
        batch.save(update_fields=["total_amount", "payout_count"])
        audit_record(actor=actor, action="payout_batch.create", target=batch,
                     data={"currency": currency, "total_amount": total, "payout_count": count, "minimum_amount": minimum_amount})
        return batch

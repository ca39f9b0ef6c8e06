"""Money movements. Every movement is one balanced journal entry posted inside the business
operation's transaction, with a unique source key so that a retried operation never moves money twice."""

from __future__ import annotations

import functools
import hashlib
from dataclasses import dataclass

from django.apps import apps
from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.db.models import Q, Sum

from comptoir.core import clock
from comptoir.payments.domain.ledger import PostingLine, check_balanced
from comptoir.payments.models import Chargeback, JournalEntry, LedgerAccount, Posting, Refund


def ledger_accounts_get_or_create(
    keys: set[tuple[str, int | None, str]],
) -> dict[tuple[str, int | None, str], LedgerAccount]:
    """Fetch (kind, seller_id, currency) accounts, creating the missing ones.

    Creation races (two first checkouts of a new seller at once) are settled by the unique
    constraint: the loser's savepoint rolls back and it reads the winner's row."""
    query = Q()
    for kind, seller_id, currency in keys:
        query |= Q(kind=kind, seller_id=seller_id, currency=currency)
    accounts = {
        (account.kind, account.seller_id, account.currency): account for account in LedgerAccount.objects.filter(query)
    }
    for key in sorted(keys - accounts.keys(), key=lambda k: (k[0], k[1] or 0, k[2])):
        kind, seller_id, currency = key
        try:
            with transaction.atomic():
                accounts[key] = LedgerAccount.objects.create(kind=kind, seller_id=seller_id, currency=currency)
        except IntegrityError:  # created concurrently: read the winner's row
            accounts[key] = LedgerAccount.objects.get(kind=kind, seller_id=seller_id, currency=currency)
    return accounts


def ledger_post(
    *,
    kind: str,
    source_key: str,
    lines: list[PostingLine],
    memo: str = "",
    order_id: int | None = None,
    seller_order_id: int | None = None,
    actor=None,
) -> JournalEntry:
    """Post one balanced entry inside the caller's transaction and return it.

    Guarantees: postings sum to zero per currency (else UnbalancedEntry, nothing written); the same
    source_key never posts twice (the existing entry is returned, its content unchanged). Sealing into
    the hash chain happens after commit (ledger_seal task)."""
    check_balanced(lines)
    entry = _journal_entry_insert_unless_exists(
        kind=kind,
        source_key=source_key,
        memo=memo[:300],
        order_id_ref=order_id,
        seller_order_id_ref=seller_order_id,
        created_at=clock.now(),
        created_by=actor if getattr(actor, "pk", None) else None,
    )
    if entry is None:  # this movement was already posted: return it unchanged
        return JournalEntry.objects.get(source_key=source_key)
    accounts = ledger_accounts_get_or_create({line.account_key for line in lines})
    Posting.objects.bulk_create(
        [
            Posting(entry=entry, account=accounts[line.account_key], amount=line.amount, currency=line.currency)
            for line in lines
        ]
    )
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
    refund = Refund.objects.create(
        payment=payment,
        seller_order=seller_order,
        amount=amount,
        currency=payment.currency,
        source_key=source_key,
        reason=reason[:1000],
    )
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
    None (the scheduler). A seller who owes the marketplace (seller_receivable, after a chargeback) has that debt
    recovered from the payable balance first (a `recovery` entry), and only the rest is paid. Raises ValidationError for a bad currency or minimum, PermissionDenied for a
    non-operator actor. Returns the batch (with no payouts when nothing was due)."""
    from django.db.models import Sum

    from comptoir.core.exceptions import PermissionDenied, ValidationError
    from comptoir.core.money import validate_currency
    from comptoir.core.services import audit_record
    from comptoir.payments.models import AccountKind, EntryKind, Payout, PayoutBatch
    from comptoir.sellers.models import Seller

    currency = validate_currency(currency)
    if isinstance(minimum_amount, bool) or not isinstance(minimum_amount, int) or minimum_amount < 1:
        raise ValidationError(
            "The minimum payout is a positive whole number of minor units.",
            code="invalid_minimum_amount",
            fields={"minimum_amount": "A whole number of minor units, at least 1."},
        )
    if actor is not None and not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can create a payout batch.", code="operator_required")
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
        # A receivable only changes under its seller's payable lock (chargeback_record, here): read after the lock too.
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
        sellers = Seller.objects.in_bulk([account.seller_id for account in accounts])
        total = count = 0
        for account in accounts:
            amount = -(
                balances.get(account.pk) or 0
            )  # payable is credit-normal: a credit balance is owed to the seller
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
            total += amount
            count += 1
        batch.total_amount, batch.payout_count = total, count
        batch.save(update_fields=["total_amount", "payout_count"])
        audit_record(
            actor=actor,
            action="payout_batch.create",
            target=batch,
            data={"currency": currency, "total_amount": total, "payout_count": count, "minimum_amount": minimum_amount},
        )
        return batch


# --- Chargebacks ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class ChargebackOutcome:
    chargeback: Chargeback
    created: bool  # False: this provider reference was already recorded, nothing changed


def _chargeback_source_key(*, seller_order_number: str, provider: str, provider_reference: str) -> str:
    digest = hashlib.sha256(f"{provider}\n{provider_reference}".encode()).hexdigest()[:32]
    return f"chargeback:{seller_order_number}:{digest}"


def chargeback_record(
    *, seller_order_id: int, amount: int, reason: str, provider_reference: str, currency: str | None = None, actor=None
) -> ChargebackOutcome:
    """Record that the buyer's card issuer took `amount` (minor units) of a seller order back.

    One transaction: a Chargeback row, one balanced journal entry (kind `chargeback`, see docs/LEDGER.md: from the
    seller's escrow while the funds are held, otherwise from the seller's payable balance, the uncovered rest as a
    receivable on the seller, the commission reversed pro rata), a SellerOrderEvent with action "chargeback"
    published for trust, and an audit row. The seller order's status does not change.

    Idempotent on the provider's reference: when (provider, provider_reference) is already recorded, nothing
    changes and the first chargeback is returned (`created=False`), whatever the other arguments. `actor` None is a
    provider notification (actor role "system"); otherwise it must be an operator. Raises NotFound (no such seller
    order), Conflict (nothing captured for it), ValidationError (amount not a positive integer or above what is
    left: captured − refunded − charged back; currency other than the order's; missing reason or reference),
    PermissionDenied (an actor who is not an operator)."""
    from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
    from comptoir.core.services import audit_record
    from comptoir.orders.services import seller_order_event_record  # orders imports payments: import at call time
    from comptoir.payments.domain.chargeback import chargeback_lines
    from comptoir.payments.models import AccountKind, ChargebackSource, EntryKind, Payment, PaymentStatus
    from comptoir.payments.selectors import seller_order_charged_back_amount

    if actor is not None and not getattr(actor, "is_operator", False):
        raise PermissionDenied(
            "Only an operator or the payment provider can record a chargeback.", code="operator_required"
        )
    problems = {}
    if isinstance(amount, bool) or not isinstance(amount, int) or amount <= 0:
        problems["amount"] = "A positive whole number of minor units."
    reason = reason.strip() if isinstance(reason, str) else ""
    if not reason or len(reason) > 300:
        problems["reason"] = "Required, at most 300 characters."
    provider_reference = provider_reference.strip() if isinstance(provider_reference, str) else ""
    if not provider_reference or len(provider_reference) > 100:
        problems["provider_reference"] = "The provider's case reference: required, at most 100 characters."
    if problems:
        raise ValidationError("The chargeback is invalid.", code="invalid_chargeback", fields=problems)
    seller_order_model = apps.get_model("orders", "SellerOrder")
    with transaction.atomic(durable=True):
        # The seller order's lock serialises chargebacks, refunds and the release of this order.
        seller_order = (
            seller_order_model.objects.select_for_update().filter(pk=seller_order_id).first()
            if isinstance(seller_order_id, int)
            else None
        )
        if seller_order is None:
            raise NotFound("No such seller order.", code="seller_order_not_found")
        payment = (
            Payment.objects.filter(order_id=seller_order.order_id, status=PaymentStatus.CAPTURED).order_by("pk").first()
        )
        if payment is None:
            raise Conflict("Nothing was captured for this order: there is nothing to charge back.", code="not_captured")
        existing = Chargeback.objects.filter(provider=payment.provider, provider_reference=provider_reference).first()
        if existing is not None:
            return ChargebackOutcome(existing, created=False)
        if currency is not None and currency != seller_order.currency:
            raise ValidationError(
                f"The order was paid in {seller_order.currency}.",
                code="currency_mismatch",
                fields={"currency": f"Must be {seller_order.currency}."},
            )
        charged_back = seller_order_charged_back_amount(seller_order.pk)
        available = seller_order.total_amount - seller_order.refunded_amount - charged_back
        if amount > available:
            raise ValidationError(
                "The chargeback exceeds what is left of the payment for this seller order.",
                code="chargeback_exceeds_captured",
                fields={
                    "amount": f"At most {available} minor units (captured, minus refunds and earlier chargebacks)."
                },
            )
        payable_available = 0
        if seller_order.is_released:
            # Read the payable balance under its account's lock, as payout batches do: money is never counted twice.
            key = (AccountKind.SELLER_PAYABLE.value, seller_order.seller_id, seller_order.currency)
            account = ledger_accounts_get_or_create({key})[key]
            LedgerAccount.objects.select_for_update().filter(pk=account.pk).first()
            payable_available = -(Posting.objects.filter(account=account).aggregate(total=Sum("amount"))["total"] or 0)
        lines = chargeback_lines(
            seller_id=seller_order.seller_id,
            currency=seller_order.currency,
            amount=amount,
            total=seller_order.total_amount,
            commission=seller_order.commission_amount,
            charged_back_before=charged_back,
            is_released=seller_order.is_released,
            payable_available=payable_available,
        )
        entry = ledger_post(
            kind=EntryKind.CHARGEBACK,
            source_key=_chargeback_source_key(
                seller_order_number=seller_order.number,
                provider=payment.provider,
                provider_reference=provider_reference,
            ),
            order_id=seller_order.order_id,
            seller_order_id=seller_order.pk,
            memo=f"Chargeback {seller_order.number}",
            actor=actor,
            lines=lines,
        )
        now = clock.now()
        event = seller_order_event_record(
            seller_order=seller_order,
            action="chargeback",
            actor_role="operator" if actor is not None else "system",
            actor=actor,
            reason=reason,
            now=now,
            data={
                "amount": amount,
                "currency": seller_order.currency,
                "reason": reason,
                "provider_reference": provider_reference,
            },
        )
        try:
            with transaction.atomic():
                chargeback = Chargeback.objects.create(
                    payment=payment,
                    seller_order=seller_order,
                    provider=payment.provider,
                    provider_reference=provider_reference,
                    amount=amount,
                    currency=seller_order.currency,
                    reason=reason,
                    source=ChargebackSource.OPERATOR if actor is not None else ChargebackSource.PROVIDER,
                    was_released=seller_order.is_released,
                    entry=entry,
                    event_id=event.pk,
                    recorded_by=actor if getattr(actor, "pk", None) else None,
                    created_at=now,
                )
        except IntegrityError:  # the same reference recorded at the same moment on another seller order
            raise Conflict(
                "This provider reference is already recorded on another order.", code="chargeback_reference_used"
            ) from None
        audit_record(
            actor=actor,
            action="chargeback.recorded",
            target=chargeback,
            seller_id=seller_order.seller_id,
            reason=reason,
            actor_label="" if actor is not None else f"provider:{payment.provider}",
            data={
                "seller_order": seller_order.number,
                "amount": amount,
                "currency": seller_order.currency,
                "provider_reference": provider_reference,
                "entry": entry.pk,
                "was_released": seller_order.is_released,
            },
        )
        return ChargebackOutcome(chargeback, created=True)


def chargeback_notification_apply(*, provider: str, notification) -> ChargebackOutcome:
    """Record a chargeback the provider notified (a parsed `ChargebackNotification`), finding the seller order from
    the payment reference and/or the seller order number. A payment covering several seller orders needs the seller
    order's number (the provider cannot know how the marketplace split the order). A notification already recorded
    returns the first chargeback unchanged. Raises NotFound (unknown payment or seller order), ValidationError
    (several seller orders and none named, or a seller order that is not the payment's), and chargeback_record's errors."""
    from comptoir.core.exceptions import NotFound, ValidationError
    from comptoir.payments.models import Payment

    existing = Chargeback.objects.filter(provider=provider, provider_reference=notification.reference).first()
    if existing is not None:
        return ChargebackOutcome(existing, created=False)
    seller_order_model = apps.get_model("orders", "SellerOrder")
    seller_order = None
    if notification.seller_order_number:
        seller_order = seller_order_model.objects.filter(number=notification.seller_order_number).first()
        if seller_order is None:
            raise NotFound(
                "No such seller order.", code="seller_order_not_found", fields={"seller_order": "Unknown seller order."}
            )
    if notification.payment_reference:
        payment = Payment.objects.filter(provider=provider, provider_reference=notification.payment_reference).first()
        if payment is None:
            raise NotFound(
                "No such payment.", code="payment_not_found", fields={"payment_reference": "Unknown payment."}
            )
        if seller_order is None:
            candidates = list(seller_order_model.objects.filter(order_id=payment.order_id).order_by("pk")[:2])
            if len(candidates) != 1:
                raise ValidationError(
                    "This payment covers several seller orders: name one.",
                    code="seller_order_required",
                    fields={"seller_order": "The seller order number is required for this payment."},
                )
            seller_order = candidates[0]
        elif seller_order.order_id != payment.order_id:
            raise ValidationError(
                "The seller order is not part of this payment's order.",
                code="seller_order_mismatch",
                fields={"seller_order": "Not paid by this payment."},
            )
    return chargeback_record(
        seller_order_id=seller_order.pk,
        amount=notification.amount,
        currency=notification.currency,
        reason=notification.reason,
        provider_reference=notification.reference,
    )

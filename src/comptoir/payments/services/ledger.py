"""The double-entry ledger's writes. Every movement is one balanced journal entry posted inside the business
operation's transaction, with a unique source key so that a retried operation never moves money twice."""

from __future__ import annotations

import functools
from collections import Counter
from typing import TYPE_CHECKING

from django.db import IntegrityError, connection, transaction
from django.db.models import Q

from comptoir.core import clock
from comptoir.core.db import Lookup, fixed_cursor, insert_chain, insert_rows
from comptoir.payments.conf import payments_settings
from comptoir.payments.domain.ledger import PostingLine, check_balanced
from comptoir.payments.models import EntryKind, JournalEntry, LedgerAccount, Payment, PaymentStatus, Posting

if TYPE_CHECKING:
    from comptoir.accounts.models import User

AccountKey = tuple[str, int | None, str]


def ledger_accounts_get_or_create(keys: set[AccountKey]) -> dict[AccountKey, LedgerAccount]:
    """Fetch (kind, seller_id, currency) accounts, creating the missing ones.

    Creation races (two first checkouts of a new seller at once) are settled by the unique
    constraint: the loser's savepoint rolls back and it reads the winner's row."""
    accounts = _accounts_read(keys)
    for key in sorted(keys - accounts.keys(), key=lambda k: (k[0], k[1] or 0, k[2])):
        kind, seller_id, currency = key
        try:
            with transaction.atomic():
                accounts[key] = LedgerAccount.objects.create(kind=kind, seller_id=seller_id, currency=currency)
        except IntegrityError:  # created concurrently: read the winner's row
            accounts[key] = LedgerAccount.objects.get(
                Q(seller_id=seller_id) if seller_id is not None else Q(seller_id__isnull=True),
                kind=kind,
                currency=currency,
            )
    return accounts


def ledger_account_ids(keys: set[AccountKey]) -> dict[AccountKey, int]:
    """The ids of the (kind, seller_id, currency) accounts, creating the missing ones: `ledger_accounts_get_or_create`
    for a caller that needs only the ids (the checkout's capture), read without building model instances."""
    ids = {key: row[0] for key, row in _account_rows(keys).items()}
    if len(ids) < len(keys):
        ids.update((key, account.pk) for key, account in ledger_accounts_get_or_create(keys - ids.keys()).items())
    return ids


_ACCOUNTS_SQL: dict[tuple[str, tuple[bool, ...]], str] = {}
_ACCOUNT_COLUMNS = ["id", "kind", "seller_id", "currency"]


def _accounts_read(keys: set[AccountKey]) -> dict[AccountKey, LedgerAccount]:
    """The existing accounts among `keys` (`_account_rows`) as model instances."""
    return {
        key: LedgerAccount.from_db(connection.alias, _ACCOUNT_COLUMNS, row) for key, row in _account_rows(keys).items()
    }


def _account_rows(keys: set[AccountKey]) -> dict[AccountKey, tuple]:
    """The rows (id, kind, seller_id, currency) of the existing accounts among `keys`, in one indexed SELECT whose
    text is built once per vendor and shape (an OR of Q objects cost the checkout more CPU to compile than the
    lookup costs to run)."""
    ordered = sorted(keys, key=lambda key: (key[1] is None, key[0], key[1] or 0, key[2]))
    shape = tuple(key[1] is None for key in ordered)
    sql = _ACCOUNTS_SQL.get((connection.vendor, shape))
    if sql is None:
        quote = connection.ops.quote_name
        kind, seller, currency = quote("kind"), quote("seller_id"), quote("currency")
        matches = [
            f"({kind} = %s AND {seller} IS NULL AND {currency} = %s)"
            if marketplace
            else f"({kind} = %s AND {seller} = %s AND {currency} = %s)"
            for marketplace in shape
        ]
        sql = _ACCOUNTS_SQL[(connection.vendor, shape)] = (
            f"SELECT {', '.join(quote(column) for column in _ACCOUNT_COLUMNS)} "
            f"FROM {quote(LedgerAccount._meta.db_table)} WHERE {' OR '.join(matches)}"
        )
    params: list[str | int] = []
    for kind_value, seller_id, currency_value in ordered:
        params += [kind_value, currency_value] if seller_id is None else [kind_value, seller_id, currency_value]
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return {(row[1], row[2], row[3]): row for row in rows}


def ledger_post(
    *,
    kind: str,
    source_key: str,
    lines: list[PostingLine],
    memo: str = "",
    order_id: int | None = None,
    seller_order_id: int | None = None,
    actor: User | None = None,
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
    insert_rows(
        Posting,
        ("entry_id", "account_id", "amount", "currency"),
        [(entry.pk, accounts[line.account_key].pk, line.amount, line.currency) for line in lines],
    )
    if payments_settings().ledger_seal_on_commit:
        transaction.on_commit(functools.partial(_enqueue_seal))
    return entry


_PAYMENT_COLUMNS = (
    "order_id",
    "provider",
    "provider_reference",
    "status",
    "amount",
    "currency",
    "card_last4",
    "payment_fingerprint",
    "message",
)
_ENTRY_COLUMNS = ("kind", "source_key", "memo", "order_id_ref", "seller_order_id_ref", "created_at", "created_by_id")
_POSTING_COLUMNS = ("entry_id", "account_id", "amount", "currency")


def payment_captured_post_new(
    *,
    order_id: int,
    provider: str,
    reference: str,
    amount: int,
    currency: str,
    card_last4: str,
    message: str,
    payment_fingerprint: str,
    source_key: str,
    memo: str,
    lines: list[PostingLine],
) -> None:
    """A capture for an order written in the caller's transaction: its Payment row (captured) and its balanced
    journal entry with the postings, the rows `payment_record(is_new=True)` and `ledger_post` store. No payment and no
    entry can exist yet for a new order, so none is looked up: a second post of `source_key` fails on its unique
    index instead of being skipped. One statement on PostgreSQL (core.db.insert_chain), the postings' accounts read
    by it (`core.db.Lookup`); an account that does not exist yet (a seller's first sale in a currency) is created
    after it, and the postings it skipped are inserted then (`_postings_complete`). Raises UnbalancedEntry (nothing
    written)."""
    check_balanced(lines)
    _payment_ids, entry_ids, posting_ids = insert_chain(
        [
            (
                Payment,
                _PAYMENT_COLUMNS,
                [
                    (
                        order_id,
                        provider,
                        reference,
                        PaymentStatus.CAPTURED.value,
                        amount,
                        currency,
                        card_last4,
                        (payment_fingerprint or "")[:100],
                        message[:300],
                    )
                ],
                {},
            ),
            (
                JournalEntry,
                _ENTRY_COLUMNS,
                [(EntryKind.CAPTURE.value, source_key, memo[:300], order_id, None, clock.now(), None)],
                {},
            ),
            (
                Posting,
                _POSTING_COLUMNS,
                [(0, line.account_key, line.amount, line.currency) for line in lines],
                {"entry_id": 1, "account_id": _ACCOUNT},
            ),
        ]
    )
    if len(posting_ids) < len(lines):
        _postings_complete(entry_id=entry_ids[0], lines=lines)
    if payments_settings().ledger_seal_on_commit:
        transaction.on_commit(functools.partial(_enqueue_seal))


# The ledger account of a posting line's (kind, seller_id, currency), read by the statement inserting the posting.
_ACCOUNT = Lookup(LedgerAccount, ("kind", "seller_id", "currency"))


def _postings_complete(*, entry_id: int, lines: list[PostingLine]) -> None:
    """Insert the postings of `lines` that the capture's statement skipped because their account did not exist yet:
    create the missing accounts (`ledger_account_ids`, which settles a concurrent creation), then insert each line
    not already stored for `entry_id`, so that the entry holds every line once."""
    account_ids = ledger_account_ids({line.account_key for line in lines})
    stored = Counter(Posting.objects.filter(entry_id=entry_id).values_list("account_id", "amount", "currency"))
    missing = []
    for line in lines:
        posting = (account_ids[line.account_key], line.amount, line.currency)
        if stored[posting]:
            stored[posting] -= 1
        else:
            missing.append((entry_id, *posting))
    insert_rows(Posting, _POSTING_COLUMNS, missing)


_ENTRY_SQL: dict[str, str] = {}


def _journal_entry_insert_unless_exists(**values: object) -> JournalEntry | None:
    """Insert the entry, or return None when its source_key was already posted: one `INSERT … ON CONFLICT
    (source_key) DO NOTHING RETURNING id` instead of a look-up before the insert. Nothing fails inside the
    caller's transaction (no savepoint needed on PostgreSQL); a concurrent poster of the same key waits on the
    unique index and then sees the conflict, so the movement still happens once."""
    entry = JournalEntry(**values)
    fields = [field for field in JournalEntry._meta.concrete_fields if not field.primary_key]
    sql = _ENTRY_SQL.get(connection.vendor)
    if sql is None:  # built once per process and vendor
        quote = connection.ops.quote_name
        columns = ", ".join(quote(str(field.column)) for field in fields)
        sql = _ENTRY_SQL[connection.vendor] = (
            f"INSERT INTO {quote(JournalEntry._meta.db_table)} ({columns}) "
            f"VALUES ({', '.join(['%s'] * len(fields))}) "
            f"ON CONFLICT ({quote('source_key')}) DO NOTHING RETURNING {quote('id')}"
        )
    params = [field.get_db_prep_save(field.pre_save(entry, True), connection) for field in fields]
    with fixed_cursor(connection) as cursor:
        cursor.execute(sql, params)
        row = cursor.fetchone()
    if row is None:
        return None
    entry.pk = row[0]
    entry._state.adding, entry._state.db = False, connection.alias
    return entry


def _enqueue_seal() -> None:
    from comptoir.payments.tasks import ledger_seal_task

    ledger_seal_task.enqueue()

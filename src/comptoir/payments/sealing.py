"""Sealing committed ledger entries into hash-chained blocks.

Checkouts only INSERT journal entries; they never touch the chain. After each commit a task calls
`ledger_seal()`, which takes the single `LedgerChainHead` row with SELECT ... FOR UPDATE (SKIP LOCKED
on PostgreSQL, so a second sealer returns at once instead of queueing) and appends blocks of at most
LEDGER_BLOCK_MAX_ENTRIES entries: each entry's hash, the Merkle root of those hashes, and a block
hash chained to the previous block. Only sealers ever wait on that row, never a checkout.

An unsealed entry whose id is below the highest sealed id and which is older than the grace period
looks inserted behind the chain's back; the sealer leaves it out (so `ledger verify` keeps naming
it) unless an operator, having checked it, seals with `accept_late=True`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.db import connection, transaction
from django.db.models import Max, Q

from comptoir.core import clock
from comptoir.payments.conf import payments_settings
from comptoir.payments.domain.ledger import block_hash, canonical_time, entry_hash, merkle_root
from comptoir.payments.models import JournalEntry, LedgerBlock, LedgerBlockEntry, LedgerChainHead, Posting

# Bounds one call's work so that a task under sustained load still ends; the next call goes on.
MAX_BLOCKS_PER_CALL = 1000


def late_entry_grace() -> dt.timedelta:
    """How long an entry may stay unsealed behind later sealed entries before it counts as suspicious."""
    return dt.timedelta(seconds=payments_settings().ledger_late_grace_seconds)


@dataclass(frozen=True)
class LoadedPosting:
    posting_id: int
    account_id: int
    amount: int
    currency: str
    account_kind: str
    account_seller_id: int | None
    account_currency: str


def postings_by_entry(entry_ids: list[int]) -> dict[int, list[LoadedPosting]]:
    """The postings of these entries in posting-id order, with the identity of their accounts."""
    grouped: dict[int, list[LoadedPosting]] = {entry_id: [] for entry_id in entry_ids}
    rows = (
        Posting.objects.filter(entry_id__in=entry_ids)
        .order_by("pk")
        .values_list(
            "entry_id",
            "pk",
            "account_id",
            "amount",
            "currency",
            "account__kind",
            "account__seller_id",
            "account__currency",
        )
    )
    for entry_id, posting_id, account_id, amount, currency, kind, seller_id, account_currency in rows:
        grouped[entry_id].append(
            LoadedPosting(posting_id, account_id, amount, currency, kind, seller_id, account_currency)
        )
    return grouped


def journal_entry_hash(entry: JournalEntry, postings: list[LoadedPosting]) -> str:
    """The hash sealed for an entry: every column of the entry and of its postings, plus the kind and
    owner of each posting's account (so moving an account to another seller breaks it too)."""
    return entry_hash(
        entry_id=entry.pk,
        kind=entry.kind,
        source_key=entry.source_key,
        created_at_iso=canonical_time(entry.created_at),
        memo=entry.memo,
        order_id=entry.order_id_ref,
        seller_order_id=entry.seller_order_id_ref,
        created_by_id=entry.created_by_id,
        postings=[(p.account_id, p.amount, p.currency, p.account_kind, p.account_seller_id) for p in postings],
    )


def ledger_seal(*, accept_late: bool = False) -> int:
    """Seal every committed, unsealed entry into new blocks; return how many entries were sealed.

    Safe to call at any time and from several processes: one sealer works, the others return 0
    (PostgreSQL) or queue behind it (SQLite, which has a single writer anyway). Each block is its own
    short transaction. `accept_late` also seals entries that look inserted behind the chain's back."""
    _chain_head_ensure()
    limit = payments_settings().ledger_block_max_entries
    total = 0
    for _ in range(MAX_BLOCKS_PER_CALL):
        sealed = _seal_one_block(limit=limit, accept_late=accept_late)
        if not sealed:
            break
        total += sealed
    return total


def _chain_head_ensure() -> None:
    # get_or_create settles the first-use race through the unique constraint on `singleton`.
    if not LedgerChainHead.objects.filter(singleton=1).exists():
        LedgerChainHead.objects.get_or_create(singleton=1)


def _seal_one_block(*, limit: int, accept_late: bool) -> int:
    with transaction.atomic():
        head = (
            LedgerChainHead.objects.select_for_update(skip_locked=connection.features.has_select_for_update_skip_locked)
            .filter(singleton=1)
            .first()
        )
        if head is None:
            return 0  # another sealer holds the chain; it loops until nothing is left
        highest_sealed_id = LedgerBlockEntry.objects.aggregate(highest=Max("entry_id"))["highest"] or 0
        candidates = JournalEntry.objects.filter(seal__isnull=True)
        if not accept_late:
            # Also keeps the query on indexes (id range, created_at) instead of scanning the ledger.
            candidates = candidates.filter(
                Q(pk__gt=highest_sealed_id) | Q(created_at__gte=clock.now() - late_entry_grace())
            )
        entry_ids = list(candidates.order_by("pk").values_list("pk", flat=True)[:limit])
        if not entry_ids:
            return 0
        entries = JournalEntry.objects.in_bulk(entry_ids)
        postings = postings_by_entry(entry_ids)
        hashes = [journal_entry_hash(entries[entry_id], postings[entry_id]) for entry_id in entry_ids]
        root = merkle_root(hashes)
        sealed_at = clock.now()
        height = head.height + 1
        new_hash = block_hash(
            height=height,
            previous_hash=head.block_hash,
            merkle_root_hex=root,
            entry_count=len(entry_ids),
            sealed_at_iso=canonical_time(sealed_at),
        )
        block = LedgerBlock.objects.create(
            height=height,
            previous_hash=head.block_hash,
            merkle_root=root,
            entry_count=len(entry_ids),
            block_hash=new_hash,
            sealed_at=sealed_at,
        )
        previous_entry_id = (
            (
                LedgerBlockEntry.objects.filter(block__height=head.height)
                .order_by("-entry_id")
                .values_list("entry_id", flat=True)
                .first()
            )
            if head.height
            else None
        )
        members = []
        for entry_id, hash_hex in zip(entry_ids, hashes, strict=True):
            members.append(
                LedgerBlockEntry(
                    block=block, entry_id=entry_id, entry_hash=hash_hex, previous_entry_id=previous_entry_id
                )
            )
            previous_entry_id = entry_id
        LedgerBlockEntry.objects.bulk_create(members)
        head.height, head.block_hash = height, new_hash
        head.save(update_fields=["height", "block_hash"])
        return len(entry_ids)

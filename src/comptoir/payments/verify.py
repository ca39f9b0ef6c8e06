"""`comptoir ledger verify`: recompute the hash chain and the ledger's invariants from the database.

The walk streams: blocks are read by height in pages, and for each block only its members, their
entries and their postings are loaded (at most LEDGER_BLOCK_MAX_ENTRIES entries); unsealed entries
are read in id pages; balances are summed by the database. Memory does not grow with the ledger.

What it detects (see docs/LEDGER.md for the limits):
- an edited entry or posting (or an account moved to another seller/kind): the recomputed entry hash
  differs from the sealed one;
- a posting added to or removed from a sealed entry: same;
- a deleted sealed entry: its block lacks a member (count, Merkle root) and the next member's link
  names it;
- a rewritten sealed hash, Merkle root or block: Merkle root, block hash, previous-hash link, heights
  or chain head no longer agree;
- an entry inserted behind the chain's back: unsealed, below the highest sealed id, older than the
  grace period;
- broken invariants: an entry or a currency whose postings do not sum to zero, a posting whose
  currency differs from its account's, an account balance on the wrong side for its kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Max, Sum

from comptoir.core import clock
from comptoir.payments.domain.ledger import (
    GENESIS_HASH,
    balance_is_allowed,
    block_hash,
    canonical_time,
    imbalance,
    merkle_root,
)
from comptoir.payments.models import JournalEntry, LedgerBlock, LedgerBlockEntry, LedgerChainHead, Posting
from comptoir.payments.sealing import journal_entry_hash, late_entry_grace, postings_by_entry

BLOCK_PAGE = 50
ENTRY_PAGE = 500
MAX_PROBLEMS_LISTED = 200


@dataclass
class VerifyReport:
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    first_bad_entry_id: int | None = None
    entries_checked: int = 0
    blocks_checked: int = 0
    head_height: int = 0
    head_hash: str = GENESIS_HASH
    problems_not_listed: int = 0

    def add(self, message: str, *, entry_id: int | None = None) -> None:
        self.ok = False
        if entry_id is not None and (self.first_bad_entry_id is None or entry_id < self.first_bad_entry_id):
            self.first_bad_entry_id = entry_id
        if len(self.problems) < MAX_PROBLEMS_LISTED:
            self.problems.append(message)
        else:
            self.problems_not_listed += 1


def ledger_verify(*, anchors: dict[int, str] | None = None) -> VerifyReport:
    """Check the whole ledger; never raises for a bad ledger, reports instead.

    `anchors` maps block heights to block hashes recorded elsewhere (see `ledger verify --anchor`):
    they catch a chain rewritten from some block onward, which the chain alone cannot."""
    report = VerifyReport()
    started_at = clock.now()
    head = LedgerChainHead.objects.filter(singleton=1).first()
    highest_sealed_id = _verify_chain(report, head, anchors or {})
    _verify_unsealed(report, highest_sealed_id, started_at)
    _verify_balances(report)
    return report


def _verify_chain(report: VerifyReport, head: LedgerChainHead | None, anchors: dict[int, str]) -> int:
    # Blocks sealed after we read the head are left for the next run: the snapshot stays consistent.
    head_height = head.height if head is not None else None
    if head is not None:
        report.head_height, report.head_hash = head.height, head.block_hash
    expected_height, previous_hash = 1, GENESIS_HASH
    previous_entry_id: int | None = None
    highest_sealed_id = 0
    seen_heights: set[int] = set()
    last_height = 0
    while True:
        blocks = LedgerBlock.objects.filter(height__gte=expected_height).order_by("height")
        if head_height is not None:
            blocks = blocks.filter(height__lte=head_height)
        page = list(blocks[:BLOCK_PAGE])
        if not page:
            break
        for block in page:
            if block.height != expected_height:
                report.add(f"Blocks {expected_height}..{block.height - 1} are missing from the chain.")
            previous_entry_id, highest = _verify_block(report, block, previous_hash, previous_entry_id)
            highest_sealed_id = max(highest_sealed_id, highest)
            if block.height in anchors and anchors[block.height] != block.block_hash:
                report.add(
                    f"Block {block.height} hash {block.block_hash} differs from the anchored {anchors[block.height]}: "
                    "the chain was rewritten."
                )
            seen_heights.add(block.height)
            previous_hash, expected_height, last_height = block.block_hash, block.height + 1, block.height
            report.blocks_checked += 1
    # A sealer moves the head in the same transaction as its block, so no committed block is ever above it.
    highest_block = LedgerBlock.objects.aggregate(highest=Max("height"))["highest"] or 0
    current_head = LedgerChainHead.objects.filter(singleton=1).values_list("height", flat=True).first() or 0
    if highest_block > current_head:
        report.add(
            f"Block {highest_block} exists above the chain head (height {current_head}): the head was moved back."
        )
    for height in sorted(set(anchors) - seen_heights):
        report.add(f"Anchored block {height} is not in the chain.")
    if head is None:
        if last_height:
            report.add("The chain head row is missing although blocks exist.")
    elif (head.height, head.block_hash) != (last_height, previous_hash):
        report.add(
            f"The chain head (height {head.height}, {head.block_hash[:12]}…) does not match the last block "
            f"(height {last_height}, {previous_hash[:12]}…): blocks were removed or the head was edited."
        )
    return highest_sealed_id


def _verify_block(
    report: VerifyReport, block: LedgerBlock, previous_hash: str, previous_entry_id: int | None
) -> tuple[int | None, int]:
    members = list(
        LedgerBlockEntry.objects.filter(block_id=block.pk)
        .order_by("entry_id")
        .values_list("entry_id", "entry_hash", "previous_entry_id")
    )
    entry_ids = [entry_id for entry_id, _, _ in members]
    entries = JournalEntry.objects.in_bulk(entry_ids)
    postings = postings_by_entry(entry_ids)
    where = f"block {block.height}"
    for entry_id, sealed_hash, linked_previous in members:
        if linked_previous != previous_entry_id:
            if linked_previous is not None:
                report.add(
                    f"Entry #{linked_previous} was sealed just before #{entry_id} but is no longer in the chain: it "
                    "was deleted.",
                    entry_id=linked_previous,
                )
            else:
                report.add(
                    f"Entry #{entry_id} in {where}: its link to the previous sealed entry was edited.",
                    entry_id=entry_id,
                )
        previous_entry_id = entry_id
        report.entries_checked += 1
        entry = entries.get(entry_id)
        if entry is None:
            report.add(f"Entry #{entry_id} sealed in {where} was deleted.", entry_id=entry_id)
            continue
        if journal_entry_hash(entry, postings[entry_id]) != sealed_hash:
            report.add(
                f"Entry #{entry_id} in {where} was changed after sealing (entry or posting edited, added or removed).",
                entry_id=entry_id,
            )
        _verify_entry_balanced(report, entry_id, postings[entry_id])
    if len(members) != block.entry_count:
        report.add(
            f"Block {block.height} seals {block.entry_count} entries but holds {len(members)}: sealed entries were "
            "deleted or added."
        )
    if merkle_root([sealed_hash for _, sealed_hash, _ in members]) != block.merkle_root:
        report.add(
            f"Block {block.height}: the Merkle root does not match its entries' sealed hashes"
            f"{f' (entries #{entry_ids[0]}..#{entry_ids[-1]})' if entry_ids else ''}."
        )
    if block.previous_hash != previous_hash:
        report.add(f"Block {block.height} does not link to the previous block's hash.")
    recomputed = block_hash(
        height=block.height,
        previous_hash=block.previous_hash,
        merkle_root_hex=block.merkle_root,
        entry_count=block.entry_count,
        sealed_at_iso=canonical_time(block.sealed_at),
    )
    if recomputed != block.block_hash:
        report.add(f"Block {block.height}: its hash does not match its content (block row edited).")
    return previous_entry_id, max(entry_ids, default=0)


def _verify_entry_balanced(report: VerifyReport, entry_id: int, postings) -> None:
    if len(postings) < 2:
        report.add(
            f"Entry #{entry_id} has {len(postings)} posting(s); a journal entry needs at least two.", entry_id=entry_id
        )
    unbalanced = imbalance((posting.amount, posting.currency) for posting in postings)
    if unbalanced:
        report.add(f"Entry #{entry_id} does not balance: {unbalanced}.", entry_id=entry_id)
    for posting in postings:
        if posting.currency != posting.account_currency:
            report.add(
                f"Entry #{entry_id}: posting {posting.posting_id} in {posting.currency} on a "
                f"{posting.account_currency} account.",
                entry_id=entry_id,
            )
        if posting.amount == 0:
            report.add(f"Entry #{entry_id}: posting {posting.posting_id} has a zero amount.", entry_id=entry_id)


def _verify_unsealed(report: VerifyReport, highest_sealed_id: int, started_at) -> None:
    cutoff = started_at - late_entry_grace()
    last_id = 0
    while True:
        page = list(JournalEntry.objects.filter(seal__isnull=True, pk__gt=last_id).order_by("pk")[:ENTRY_PAGE])
        if not page:
            return
        postings = postings_by_entry([entry.pk for entry in page])
        for entry in page:
            report.entries_checked += 1
            if entry.pk < highest_sealed_id and entry.created_at < cutoff:
                report.add(
                    f"Entry #{entry.pk} is not sealed although later entries are, and it is older than the grace "
                    "period: "
                    f"it was inserted behind the chain's back (or its seal was deleted).",
                    entry_id=entry.pk,
                )
            _verify_entry_balanced(report, entry.pk, postings[entry.pk])
        last_id = page[-1].pk


def _verify_balances(report: VerifyReport) -> None:
    for row in Posting.objects.values("currency").annotate(total=Sum("amount")).order_by("currency"):
        if row["total"]:
            report.add(f"The ledger does not sum to zero in {row['currency']}: {row['total']} minor units.")
    accounts = (
        Posting.objects.values("account_id", "account__kind").annotate(total=Sum("amount")).order_by("account_id")
    )
    for account in accounts.iterator(chunk_size=2000):
        if not balance_is_allowed(account["account__kind"], account["total"]):
            first = _first_entry_on_wrong_side(account["account_id"], account["account__kind"])
            report.add(
                f"Account {account['account_id']} ({account['account__kind']}) has a balance of {account['total']} "
                "on the wrong "
                "side"
                f"{f', first from entry #{first}' if first else ''}.",
                entry_id=first,
            )


def _first_entry_on_wrong_side(account_id: int, kind: str) -> int | None:
    """Replay one account in entry order and return the entry after which its balance first went wrong."""
    running = 0
    per_entry = (
        Posting.objects.filter(account_id=account_id)
        .values("entry_id")
        .annotate(total=Sum("amount"))
        .order_by("entry_id")
    )
    for row in per_entry.iterator(chunk_size=2000):
        running += row["total"]
        if not balance_is_allowed(kind, running):
            return row["entry_id"]
    return None

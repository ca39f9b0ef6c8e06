import datetime as dt
import threading

import pytest
from django.db import connection, transaction

from comptoir.core import clock
from comptoir.payments.domain.ledger import GENESIS_HASH, block_hash, canonical_time, merkle_root
from comptoir.payments.models import JournalEntry, LedgerBlock, LedgerBlockEntry, LedgerChainHead
from comptoir.payments.sealing import ledger_seal
from comptoir.payments.tests.conftest import burn_entry_ids, checkout, entry_ids, sql

pytestmark = pytest.mark.django_db(transaction=True)


def test_seal_puts_committed_entries_into_one_chained_block(marketplace, seal_on_commit_off):
    # given three paid orders whose capture entries are not sealed yet
    for _ in range(3):
        checkout([(marketplace["offer_a"], 1)])
    assert not LedgerBlockEntry.objects.exists()

    # when
    sealed = ledger_seal()

    # then
    assert sealed == 3
    block = LedgerBlock.objects.get()
    members = list(LedgerBlockEntry.objects.filter(block=block).order_by("entry_id"))
    assert [member.entry_id for member in members] == entry_ids()
    assert (block.height, block.previous_hash, block.entry_count) == (1, GENESIS_HASH, 3)
    assert block.merkle_root == merkle_root([member.entry_hash for member in members])
    assert block.block_hash == block_hash(
        height=1,
        previous_hash=GENESIS_HASH,
        merkle_root_hex=block.merkle_root,
        entry_count=3,
        sealed_at_iso=canonical_time(block.sealed_at),
    )
    head = LedgerChainHead.objects.get()
    assert (head.height, head.block_hash) == (1, block.block_hash)
    assert ledger_seal() == 0


def test_seal_splits_into_blocks_of_the_configured_size_chained_in_order(marketplace, seal_on_commit_off, settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "LEDGER_BLOCK_MAX_ENTRIES": 2}
    for _ in range(5):
        checkout([(marketplace["offer_b"], 1)])

    assert ledger_seal() == 5

    blocks = list(LedgerBlock.objects.order_by("height"))
    assert [block.entry_count for block in blocks] == [2, 2, 1]
    assert [block.height for block in blocks] == [1, 2, 3]
    assert blocks[0].previous_hash == GENESIS_HASH
    assert blocks[1].previous_hash == blocks[0].block_hash
    assert blocks[2].previous_hash == blocks[1].block_hash
    assert LedgerChainHead.objects.get().block_hash == blocks[2].block_hash
    # each member links to the entry sealed just before it, across blocks
    links = list(LedgerBlockEntry.objects.order_by("entry_id").values_list("previous_entry_id", flat=True))
    assert links == [None, *entry_ids()[:-1]]


def test_entries_are_sealed_right_after_the_checkout_commits(marketplace):
    # given the default settings (seal on commit, immediate task backend)
    checkout([(marketplace["offer_a"], 2)])

    # then the capture entry is already in the chain
    entry = JournalEntry.objects.get()
    assert LedgerBlockEntry.objects.filter(entry=entry).exists()
    assert LedgerChainHead.objects.get().height == 1


def test_an_entry_inserted_behind_the_chain_is_not_sealed_unless_accepted(marketplace, seal_on_commit_off):
    # given sealed entries with an id gap (ids burnt by rolled-back transactions)
    checkout([(marketplace["offer_a"], 1)])
    burn_entry_ids(10)
    checkout([(marketplace["offer_a"], 1)])
    ledger_seal()
    first, _second = entry_ids()
    # when a row is slipped into the gap, dated ten minutes ago
    fake_id = first + 5
    old = clock.now() - dt.timedelta(minutes=10)
    sql(
        "INSERT INTO payments_journalentry (id, kind, source_key, memo, created_at) VALUES (%s, 'payout', 'fake', '', "
        "%s)",
        [fake_id, old],
    )

    # then the sealer leaves it out, and seals it only when an operator accepts it
    assert ledger_seal() == 0
    assert not LedgerBlockEntry.objects.filter(entry_id=fake_id).exists()
    assert ledger_seal(accept_late=True) == 1
    assert LedgerBlockEntry.objects.filter(entry_id=fake_id).exists()


@pytest.mark.postgres_only
def test_a_second_sealer_returns_at_once_and_checkouts_never_wait_for_the_sealer(marketplace, seal_on_commit_off):
    # given a sealer holding the chain head
    checkout([(marketplace["offer_a"], 1)])
    LedgerChainHead.objects.get_or_create(singleton=1)
    holding, release = threading.Event(), threading.Event()

    def hold_the_head():
        try:
            with transaction.atomic():
                list(LedgerChainHead.objects.select_for_update().filter(singleton=1))
                holding.set()
                release.wait(timeout=30)
        finally:
            connection.close()

    holder = threading.Thread(target=hold_the_head)
    holder.start()
    assert holding.wait(timeout=10)
    try:
        # when another sealer runs and a checkout that seals on commit happens
        assert ledger_seal() == 0
        with pytest.MonkeyPatch.context() as patch:
            from django.conf import settings

            patch.setattr(settings, "COMPTOIR", {**settings.COMPTOIR, "LEDGER_SEAL_ON_COMMIT": True})
            order = checkout([(marketplace["offer_b"], 1)])
        # then the checkout completed while the head was locked, its entry waiting to be sealed
        assert order.status == "paid"
        assert JournalEntry.objects.count() == 2
        assert not LedgerBlockEntry.objects.exists()
    finally:
        release.set()
        holder.join(timeout=30)
    assert ledger_seal() == 2

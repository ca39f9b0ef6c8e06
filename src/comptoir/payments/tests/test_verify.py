import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.payments.domain.ledger import PostingLine
from comptoir.payments.models import JournalEntry, LedgerAccount, LedgerBlock, Posting
from comptoir.payments.sealing import ledger_seal
from comptoir.payments.services import ledger_post
from comptoir.payments.tests.conftest import burn_entry_ids, cancel, checkout, entry_ids, release, seller_order_of, sql
from comptoir.payments.verify import ledger_verify
from comptoir.testing.builders import make_seller

pytestmark = pytest.mark.django_db


@pytest.fixture
def ledger(marketplace):
    """A sealed ledger written by real operations: three captures (one split across two sellers),
    one release with commission, one cancellation refund."""
    first = checkout([(marketplace["offer_a"], 2), (marketplace["offer_b"], 1)])
    second = checkout([(marketplace["offer_a"], 1)])
    third = checkout([(marketplace["offer_b"], 3)])
    release(seller_order_of(first, marketplace["seller_a"]))
    cancel(seller_order_of(third, marketplace["seller_b"]))
    ledger_seal()
    ids = entry_ids()
    assert len(ids) == 5
    return {**marketplace, "orders": (first, second, third), "ids": ids}


def posting_ids(entry_id: int) -> list[int]:
    return list(Posting.objects.filter(entry_id=entry_id).order_by("pk").values_list("pk", flat=True))


def test_a_ledger_built_by_real_checkouts_verifies(ledger):
    report = ledger_verify()

    assert report.ok, report.problems
    assert report.problems == []
    assert report.first_bad_entry_id is None
    assert report.entries_checked == 5
    assert report.blocks_checked == 1


def test_an_edited_posting_amount_names_its_entry(ledger):
    target = ledger["ids"][1]
    sql("UPDATE payments_posting SET amount = amount + 100 WHERE id = %s", [posting_ids(target)[0]])

    report = ledger_verify()

    assert not report.ok
    assert report.first_bad_entry_id == target
    assert any(f"Entry #{target}" in problem and "changed after sealing" in problem for problem in report.problems)
    assert any("does not sum to zero" in problem for problem in report.problems)


def test_a_balanced_edit_is_still_caught_by_the_hash(ledger):
    # given an edit that keeps the entry balanced: 1.00 moved from one posting to the other
    target = ledger["ids"][1]
    debit, credit = posting_ids(target)
    sql("UPDATE payments_posting SET amount = amount - 100 WHERE id = %s", [debit])
    sql("UPDATE payments_posting SET amount = amount + 100 WHERE id = %s", [credit])

    report = ledger_verify()

    assert report.first_bad_entry_id == target
    assert not any("does not balance" in problem for problem in report.problems)


def test_a_deleted_posting_names_its_entry(ledger):
    target = ledger["ids"][2]
    sql("DELETE FROM payments_posting WHERE id = %s", [posting_ids(target)[-1]])

    report = ledger_verify()

    assert report.first_bad_entry_id == target
    assert any(f"Entry #{target} does not balance" in problem for problem in report.problems)


def test_an_edited_memo_names_its_entry(ledger):
    target = ledger["ids"][3]
    sql("UPDATE payments_journalentry SET memo = 'nothing to see' WHERE id = %s", [target])

    report = ledger_verify()

    assert (report.ok, report.first_bad_entry_id) == (False, target)


def test_a_posting_added_to_a_sealed_entry_names_it(ledger):
    target = ledger["ids"][0]
    account = Posting.objects.filter(entry_id=target).order_by("pk").first().account_id
    sql(
        "INSERT INTO payments_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, 500, 'EUR'), (%s, %s, "
        "-500, 'EUR')",
        [target, account, target, account],
    )

    report = ledger_verify()

    assert report.first_bad_entry_id == target


def test_the_first_bad_entry_is_the_lowest_one(ledger):
    first_target, later_target = ledger["ids"][1], ledger["ids"][4]
    sql("UPDATE payments_journalentry SET memo = 'x' WHERE id IN (%s, %s)", [later_target, first_target])

    report = ledger_verify()

    assert report.first_bad_entry_id == first_target
    assert len([problem for problem in report.problems if "changed after sealing" in problem]) == 2


def test_a_deleted_sealed_entry_is_named_through_the_chain(ledger):
    # given a whole sealed entry removed with its postings and its seal
    target = ledger["ids"][2]
    sql("DELETE FROM payments_ledgerblockentry WHERE entry_id = %s", [target])
    sql("DELETE FROM payments_posting WHERE entry_id = %s", [target])
    sql(
        "DELETE FROM payments_refund WHERE source_key IN (SELECT source_key FROM payments_journalentry WHERE id = %s)",
        [target],
    )
    sql("DELETE FROM payments_journalentry WHERE id = %s", [target])

    report = ledger_verify()

    assert report.first_bad_entry_id == target
    assert any(f"Entry #{target} was sealed just before" in problem for problem in report.problems)
    assert any("seals 5 entries but holds 4" in problem for problem in report.problems)
    assert any("Merkle root" in problem for problem in report.problems)


def test_an_entry_inserted_in_an_id_gap_behind_the_chain_is_named(marketplace):
    # given a sealed ledger whose entry ids have a gap (burnt by rolled-back transactions)
    checkout([(marketplace["offer_a"], 1)])
    burn_entry_ids(10)
    checkout([(marketplace["offer_b"], 1)])
    ledger_seal()
    first, _second = entry_ids()
    clearing = LedgerAccount.objects.get(kind="provider_clearing")
    payable = LedgerAccount.objects.create(kind="seller_payable", seller=marketplace["seller_a"], currency="EUR")
    # when a balanced entry paying the seller is slipped into the gap, dated in the past
    fake_id = first + 4
    sql(
        "INSERT INTO payments_journalentry (id, kind, source_key, memo, created_at) VALUES (%s, 'release', "
        "'release:fake', '', %s)",
        [fake_id, clock.now() - dt.timedelta(hours=2)],
    )
    sql(
        "INSERT INTO payments_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, 5000, 'EUR'), (%s, %s, "
        "-5000, 'EUR')",
        [fake_id, clearing.pk, fake_id, payable.pk],
    )
    # and the sealer runs again (it must not launder the row into the chain)
    ledger_seal()

    report = ledger_verify()

    assert report.first_bad_entry_id == fake_id
    assert any(f"Entry #{fake_id} is not sealed although later entries are" in problem for problem in report.problems)


def test_a_recent_unsealed_entry_is_not_reported(ledger):
    # an entry committed a moment ago and not sealed yet is normal (its seal task is on its way)
    ledger_post(
        kind="payout",
        source_key="test:recent",
        lines=[
            PostingLine(("seller_payable", ledger["seller_a"].pk, "EUR"), 1),
            PostingLine(("seller_paid_out", ledger["seller_a"].pk, "EUR"), -1),
        ],
    )

    report = ledger_verify()

    assert report.ok, report.problems
    assert report.entries_checked == 6


def test_an_account_moved_to_another_seller_names_the_first_entry_using_it(ledger):
    # given seller B's escrow account re-pointed at an accomplice's shop
    accomplice = make_seller("Accomplice")
    escrow_b = LedgerAccount.objects.get(kind="seller_escrow", seller=ledger["seller_b"])
    sql("UPDATE payments_ledgeraccount SET seller_id = %s WHERE id = %s", [accomplice.pk, escrow_b.pk])

    report = ledger_verify()

    assert report.first_bad_entry_id == Posting.objects.filter(account=escrow_b).order_by("entry_id").first().entry_id


def test_a_rewritten_block_or_head_is_detected(ledger):
    block = LedgerBlock.objects.get()
    sql("UPDATE payments_ledgerblock SET merkle_root = %s WHERE id = %s", ["f" * 64, block.pk])

    report = ledger_verify()

    assert not report.ok
    assert any("Merkle root does not match" in problem for problem in report.problems)
    assert any("hash does not match its content" in problem for problem in report.problems)


def test_a_head_moved_back_is_detected(ledger):
    checkout([(ledger["offer_a"], 1)])
    ledger_seal()
    first_block = LedgerBlock.objects.get(height=1)
    sql("UPDATE payments_ledgerchainhead SET height = 1, block_hash = %s", [first_block.block_hash])

    report = ledger_verify()

    assert any("exists above the chain head" in problem for problem in report.problems)


def test_an_anchor_catches_a_rewritten_chain(ledger):
    block = LedgerBlock.objects.get()

    assert ledger_verify(anchors={1: block.block_hash}).ok
    report = ledger_verify(anchors={1: "a" * 64})
    assert any("differs from the anchored" in problem for problem in report.problems)


def test_an_unbalanced_entry_and_currency_are_reported(ledger):
    # given an unsealed, recent, unbalanced entry written behind the application's back
    clearing = LedgerAccount.objects.get(kind="provider_clearing")
    sql(
        "INSERT INTO payments_journalentry (kind, source_key, memo, created_at) VALUES ('capture', 'capture:fake', "
        "'', %s)",
        [clock.now()],
    )
    fake_id = JournalEntry.objects.get(source_key="capture:fake").pk
    sql(
        "INSERT INTO payments_posting (entry_id, account_id, amount, currency) VALUES (%s, %s, 700, 'EUR')",
        [fake_id, clearing.pk],
    )

    report = ledger_verify()

    assert report.first_bad_entry_id == fake_id
    assert any(f"Entry #{fake_id} does not balance" in problem for problem in report.problems)
    assert any("does not sum to zero in EUR: 700" in problem for problem in report.problems)


def test_a_balance_on_the_wrong_side_names_the_entry_that_overdrew_it(ledger):
    # given a balanced entry that pays seller A more than their payable balance
    seller = ledger["seller_a"]
    payable = -sum(
        Posting.objects.filter(account__kind="seller_payable", account__seller=seller).values_list("amount", flat=True)
    )
    entry = ledger_post(
        kind="payout",
        source_key="test:overdraw",
        lines=[
            PostingLine(("seller_payable", seller.pk, "EUR"), payable + 1),
            PostingLine(("seller_paid_out", seller.pk, "EUR"), -(payable + 1)),
        ],
    )
    ledger_seal()

    report = ledger_verify()

    assert report.first_bad_entry_id == entry.pk
    assert any("seller_payable" in problem and "wrong side" in problem for problem in report.problems)

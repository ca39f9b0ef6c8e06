import hashlib

import pytest

from comptoir.payments.domain.ledger import (
    GENESIS_HASH,
    PostingLine,
    UnbalancedEntry,
    balance_is_allowed,
    check_balanced,
    entry_hash,
    imbalance,
    merkle_root,
)

BASE = dict(
    entry_id=7,
    kind="capture",
    source_key="capture:CO-1",
    created_at_iso="2026-01-02T03:04:05.000006+00:00",
    memo="Order CO-1",
    order_id=3,
    seller_order_id=None,
    created_by_id=None,
    postings=[(1, 500, "EUR", "provider_clearing", None), (2, -500, "EUR", "seller_escrow", 9)],
)


def test_entry_hash_changes_with_every_field():
    original = entry_hash(**BASE)
    changes = [
        dict(entry_id=8),
        dict(kind="refund"),
        dict(source_key="capture:CO-2"),
        dict(created_at_iso="2026-01-02T03:04:05+00:00"),
        dict(memo="Order CO-1 "),
        dict(order_id=4),
        dict(seller_order_id=1),
        dict(created_by_id=5),
        dict(postings=[(1, 501, "EUR", "provider_clearing", None), (2, -501, "EUR", "seller_escrow", 9)]),
        dict(postings=[(2, -500, "EUR", "seller_escrow", 9), (1, 500, "EUR", "provider_clearing", None)]),
        dict(postings=[(1, 500, "EUR", "provider_clearing", None), (2, -500, "EUR", "seller_escrow", 10)]),
        dict(postings=[(1, 500, "EUR", "provider_clearing", None)]),
    ]
    hashes = {entry_hash(**{**BASE, **change}) for change in changes}
    assert original not in hashes
    assert len(hashes) == len(changes)
    assert entry_hash(**BASE) == original


def test_merkle_root_pairs_leaves_and_duplicates_an_odd_one():
    leaves = [hashlib.sha256(bytes([index])).hexdigest() for index in range(3)]
    a, b, c = (bytes.fromhex(leaf) for leaf in leaves)
    left, right = hashlib.sha256(a + b).digest(), hashlib.sha256(c + c).digest()

    assert merkle_root(leaves) == hashlib.sha256(left + right).hexdigest()
    assert merkle_root(leaves[:1]) == leaves[0]
    assert merkle_root([]) == GENESIS_HASH
    assert merkle_root(list(reversed(leaves))) != merkle_root(leaves)


def test_imbalance_reports_each_currency_that_does_not_sum_to_zero():
    assert imbalance([(500, "EUR"), (-500, "EUR"), (300, "PLN"), (-200, "PLN")]) == {"PLN": 100}
    assert imbalance([]) == {}


def test_balance_sides_per_account_kind():
    assert balance_is_allowed("provider_clearing", 10) and not balance_is_allowed("provider_clearing", -1)
    for kind in ("seller_escrow", "seller_payable", "seller_paid_out", "commission"):
        assert balance_is_allowed(kind, -10) and balance_is_allowed(kind, 0) and not balance_is_allowed(kind, 1)
    assert not balance_is_allowed("unknown", 0)


def test_check_balanced_refuses_unbalanced_or_degenerate_entries():
    check_balanced([PostingLine(("provider_clearing", None, "EUR"), 5), PostingLine(("seller_escrow", 1, "EUR"), -5)])
    with pytest.raises(UnbalancedEntry):
        check_balanced(
            [PostingLine(("provider_clearing", None, "EUR"), 5), PostingLine(("seller_escrow", 1, "EUR"), -4)]
        )
    with pytest.raises(UnbalancedEntry):
        check_balanced([PostingLine(("provider_clearing", None, "EUR"), 5)])

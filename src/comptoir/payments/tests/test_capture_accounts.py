"""The checkout's capture reads its ledger accounts inside the statement that posts it (`core.db.Lookup`); an account
that does not exist yet is created after that statement, and the postings it skipped are inserted then."""

from __future__ import annotations

import pytest
from django.db.models import Sum

from comptoir.checkout.services import order_checkout
from comptoir.orders.tests.support import buy, new_key
from comptoir.payments.models import JournalEntry, LedgerAccount, Posting
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db


def capture_postings(order_number: str) -> list[tuple[str, int | None, int]]:
    entry = JournalEntry.objects.get(source_key=f"capture:{order_number}")
    return sorted(
        Posting.objects.filter(entry=entry).values_list("account__kind", "account__seller_id", "amount"),
        key=lambda posting: (posting[0], posting[1] or 0, posting[2]),
    )


def test_a_first_sale_creates_the_accounts_and_posts_each_line_once():
    # given no ledger account at all
    assert not LedgerAccount.objects.exists()

    bought = buy(price=1500)

    total = bought.order.total_amount
    assert capture_postings(bought.order.number) == [
        ("provider_clearing", None, total),
        ("seller_escrow", bought.seller.pk, -total),
    ]
    assert LedgerAccount.objects.count() == 2


def test_a_new_seller_beside_a_known_one_gets_its_account_and_every_posting_lands_once():
    # given the marketplace's clearing account and a first seller's escrow account, from an earlier sale
    known = make_seller()
    buy(seller=known)
    newcomer = make_seller()
    lines = [
        {"offer_id": make_offer(seller=known, price_amount=1000).pk, "quantity": 1},
        {"offer_id": make_offer(seller=newcomer, price_amount=2500).pk, "quantity": 2},
    ]

    # when one checkout buys from both (the newcomer's escrow account does not exist yet)
    outcome = order_checkout(
        buyer=make_user(), shipping_address=ADDRESS, payment_method=CARD_OK, lines=lines, idempotency_key=new_key()
    )

    # then the entry has the clearing debit and one credit per seller, balanced, and the newcomer has one account
    order = outcome.order
    by_seller = {so.seller_id: so.total_amount for so in order.seller_orders.all()}
    assert capture_postings(order.number) == sorted(
        [("provider_clearing", None, order.total_amount)]
        + [("seller_escrow", seller_id, -amount) for seller_id, amount in by_seller.items()],
        key=lambda posting: (posting[0], posting[1] or 0, posting[2]),
    )
    entry = JournalEntry.objects.get(source_key=f"capture:{order.number}")
    assert Posting.objects.filter(entry=entry).aggregate(total=Sum("amount"))["total"] == 0
    assert LedgerAccount.objects.filter(seller=newcomer).count() == 1
    assert LedgerAccount.objects.filter(seller=None).count() == 1

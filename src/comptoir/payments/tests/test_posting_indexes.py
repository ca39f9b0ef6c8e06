"""The ledger's indexes a checkout writes: `payments_posting` keeps one index led by account_id, the
(account_id, entry_id) one (migration 0008 dropped the single-column index that duplicated it); a journal entry's
seller order and author are indexed only where set (0009: a checkout's capture entry has neither). Each look-up by
these columns must still reach its index."""

import pytest
from django.db import connection
from django.db.models import Sum

from comptoir.payments.models import AccountKind, JournalEntry, Posting
from comptoir.payments.selectors import seller_balances
from comptoir.payments.tests.conftest import checkout

pytestmark = pytest.mark.django_db


def _indexes_of(table: str) -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, table)
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and not info["primary_key"]}


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # the test tables are tiny: the planner would scan them
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_the_only_index_led_by_the_account_is_the_account_entry_one():
    indexes = _indexes_of("payments_posting")

    led_by_account = [columns for columns in indexes.values() if columns[0] == "account_id"]

    assert led_by_account == [["account_id", "entry_id"]]
    assert ["entry_id"] in indexes.values()  # the entry's postings (sealing, verify) keep theirs


def test_look_ups_by_account_use_the_account_entry_index(marketplace):
    # given a ledger with postings
    seller = marketplace["seller_a"]
    checkout([(marketplace["offer_a"], 1)])
    assert seller_balances(seller=seller)["EUR"]["escrow"].amount > 0
    by_seller = Posting.objects.filter(account__seller=seller, account__kind=AccountKind.SELLER_ESCROW)
    account_ids = list(by_seller.values_list("account_id", flat=True))

    plans = [
        _plan(by_seller.values("account_id").annotate(total=Sum("amount")).order_by()),
        _plan(Posting.objects.filter(account_id__in=account_ids).values("account_id").annotate(total=Sum("amount"))),
    ]

    index_name = next(
        name for name, cols in _indexes_of("payments_posting").items() if cols == ["account_id", "entry_id"]
    )
    for plan in plans:
        assert index_name in plan, plan


def test_journal_entries_index_their_seller_order_and_author_only_where_set(marketplace):
    # given a checkout: its capture entry names the order, no seller order and no author
    order = checkout([(marketplace["offer_a"], 1)])
    capture = JournalEntry.objects.get(order_id_ref=order.pk)
    assert capture.seller_order_id_ref is None and capture.created_by_id is None
    indexes = _indexes_of("payments_journalentry")
    assert ["seller_order_id_ref"] in indexes.values() and ["created_by_id"] in indexes.values()

    # when looking entries up by seller order (the VAT and duty selectors) and by author (a user's PROTECT check)
    by_seller_order = _plan(JournalEntry.objects.filter(seller_order_id_ref=order.seller_orders.get().pk))
    by_author = _plan(JournalEntry.objects.filter(created_by_id__in=[order.buyer_id]))

    # then the partial indexes answer them
    assert "journal_entry_seller_order" in by_seller_order, by_seller_order
    assert "journal_entry_created_by" in by_author, by_author

"""`payments_posting` keeps one index led by account_id, the (account_id, entry_id) one: migration 0008 dropped the
single-column index that duplicated it (one index entry fewer per posting written)."""

import pytest
from django.db import connection
from django.db.models import Sum

from comptoir.payments.models import AccountKind, Posting
from comptoir.payments.selectors import seller_balances
from comptoir.payments.tests.conftest import checkout

pytestmark = pytest.mark.django_db


def _indexes_of_postings() -> dict[str, list[str]]:
    with connection.cursor() as cursor:
        constraints = connection.introspection.get_constraints(cursor, "payments_posting")
    return {name: info["columns"] for name, info in constraints.items() if info["index"] and not info["primary_key"]}


def test_the_only_index_led_by_the_account_is_the_account_entry_one():
    indexes = _indexes_of_postings()

    led_by_account = [columns for columns in indexes.values() if columns[0] == "account_id"]

    assert led_by_account == [["account_id", "entry_id"]]
    assert ["entry_id"] in indexes.values()  # the entry's postings (sealing, verify) keep theirs


@pytest.mark.postgres_only
def test_look_ups_by_account_use_the_account_entry_index(marketplace):
    # given a ledger with postings
    seller = marketplace["seller_a"]
    checkout([(marketplace["offer_a"], 1)])
    assert seller_balances(seller=seller)["EUR"]["escrow"].amount > 0
    by_account = Posting.objects.filter(account__seller=seller, account__kind=AccountKind.SELLER_ESCROW)
    queries = [
        by_account.values("account_id").annotate(total=Sum("amount")).order_by(),
        Posting.objects.filter(account_id__in=[1, 2, 3]).values("account_id").annotate(total=Sum("amount")).order_by(),
    ]
    with connection.cursor() as cursor:
        # when the planner may not scan the table (the test table is tiny: it would)
        cursor.execute("SET LOCAL enable_seqscan = off")
        plans = []
        for queryset in queries:
            sql, params = queryset.query.sql_with_params()
            cursor.execute("EXPLAIN " + sql, params)
            plans.append("\n".join(row[0] for row in cursor.fetchall()))

    # then both reach the postings through the (account_id, entry_id) index
    index_name = next(name for name, columns in _indexes_of_postings().items() if columns == ["account_id", "entry_id"])
    for plan in plans:
        assert index_name in plan, plan

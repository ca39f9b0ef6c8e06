"""A seller order's `release_due_at` is indexed only where set (orders 0013: unset from placing to delivery, so a
checkout writes no entry): the release task's range on it must still reach that index."""

import datetime as dt

import pytest
from django.db import connection

from comptoir.core import clock
from comptoir.orders.models import SellerOrder

pytestmark = pytest.mark.django_db


def _plan(queryset) -> str:
    sql, params = queryset.query.sql_with_params()
    with connection.cursor() as cursor:
        if connection.vendor == "sqlite":
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            return "\n".join(str(row[-1]) for row in cursor.fetchall())
        cursor.execute("SET LOCAL enable_seqscan = off")  # an empty table would be scanned
        cursor.execute("EXPLAIN " + sql, params)
        return "\n".join(row[0] for row in cursor.fetchall())


def test_release_due_look_ups_reach_the_partial_index():
    due = SellerOrder.objects.filter(release_due_at__lte=clock.now() + dt.timedelta(days=1)).order_by("release_due_at")

    plan = _plan(due.values_list("pk", flat=True))

    assert "seller_order_release_due" in plan, plan

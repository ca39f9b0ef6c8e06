"""A chargeback reaches trust through the real path (SellerOrderEvent published on commit, folded by the trust
task) and counts as a defect of the seller's order; the batch rebuild (`comptoir trust recompute`) agrees."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.checkout.services import chargeback_record
from comptoir.orders.tests.support import advance, buy
from comptoir.trust.domain.evidence import COUNTER_FIELDS, LIST_FIELDS
from comptoir.trust.models import SellerDailyStats, SellerTrust
from comptoir.trust.rebuild import trust_rebuild
from comptoir.trust.tests.support import T0, at

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)


def stored_buckets() -> dict:
    return {
        (row["seller_id"], row["day"]): {
            name: sorted(row[name]) if name in LIST_FIELDS else row[name] for name in COUNTER_FIELDS + LIST_FIELDS
        }
        for row in map(dict, SellerDailyStats.objects.values())
    }


def test_a_chargeback_is_a_defect_on_the_placing_day_and_the_rebuild_agrees():
    # given two delivered orders of one seller placed on day 0, no defect yet
    with at(T0):
        charged = buy(at=T0)
        clean = buy(seller=charged.seller, at=T0)
        advance(charged, "delivered", at=T0)
        advance(clean, "delivered", at=T0)
    assert SellerDailyStats.objects.get(seller=charged.seller, day=T0.date()).defects == 0
    rate_before = SellerTrust.objects.get(seller=charged.seller).metrics["order_defect_rate"]

    # when the provider notifies a chargeback three days later (after commit, trust's subscriber folds it)
    with at(T0 + 3 * DAY):
        chargeback_record(
            seller_order_id=charged.seller_order.pk, amount=500, reason="fraudulent", provider_reference="dp_trust_1"
        )

    # then the order placed on day 0 counts one defect, and the defect rate rose
    placed = SellerDailyStats.objects.get(seller=charged.seller, day=T0.date())
    assert (placed.orders, placed.defects, placed.disputes_lost) == (2, 1, 0)
    rate_after = SellerTrust.objects.get(seller=charged.seller).metrics["order_defect_rate"]
    assert (rate_before["events"], rate_after["events"]) == (0, 1)
    assert Decimal(rate_after["value"]) > Decimal(rate_before["value"]) == 0
    # and rebuilding everything from raw rows gives the same buckets
    incremental = stored_buckets()
    trust_rebuild(today=(T0 + 3 * DAY).date(), refresh_credibility=False)
    assert stored_buckets() == incremental

"""Suspect orders (`SuspectOrder`): the unreviewed orders a praise campaign reaches count only against their seller,
on the rebuild's path (the credibility analysis writes the table, both bucket steps read it, in one process or in
workers) and on the live path (a review written marks them, each folded by its own fact)."""

import datetime as dt

import pytest

from comptoir.orders.models import SellerOrder
from comptoir.orders.tests.support import advance, buy
from comptoir.testing.builders import make_offer, make_seller
from comptoir.trust.domain.evidence import order_contribution
from comptoir.trust.models import Review, SellerDailyStats, SellerTrust, SuspectOrder, TrustEvidenceApplied
from comptoir.trust.rebuild import trust_rebuild
from comptoir.trust.selectors import config as trust_settings
from comptoir.trust.services import evidence_apply, review_create
from comptoir.trust.services.evidence import order_facts_bulk
from comptoir.trust.tests.support import T0, at
from comptoir.trust.tests.test_services_rebuild import _reference_buckets, _stored_buckets
from comptoir.trust.tests.test_services_review_facts import TODAY, imported, reviewed_row


def unreviewed_row(shop, external_id: str, buyer: str, *, day: int) -> dict:
    row = reviewed_row(shop, external_id, buyer, day=day)
    return {name: value for name, value in row.items() if not name.startswith("review")}


def _orders_counted(seller_id: int) -> int:
    return sum(SellerDailyStats.objects.filter(seller_id=seller_id).values_list("orders", flat=True))


@pytest.mark.django_db
def test_the_rebuild_finds_a_single_target_rings_unreviewed_orders_and_counts_them_only_against_the_seller():
    # given an imported marketplace where 30 accounts bought only from shop 0, perfectly, and rated it 5 stars (a
    # single-target ring), while its honest buyers, who also buy elsewhere, rate it 2–3 stars; one ring account has
    # a second order not reviewed yet, and a new single-seller account a perfect order not reviewed yet
    shops = [make_seller() for _ in range(6)]
    rows = []
    for buyer in range(60):
        for order in range(3):
            index = (buyer + order) % 6
            rows.append(
                reviewed_row(
                    shops[index],
                    f"M{buyer}-{order}",
                    f"multi-{buyer}@example.com",
                    day=(buyer + 7 * order) % 60,
                    rating=2 + order % 2 if index == 0 else 4 + (buyer + order) % 2,
                    late=index == 0 and buyer % 2 == 0,
                )
            )
    rows.append(unreviewed_row(shops[0], "U2", "multi-1@example.com", day=57))  # buys elsewhere too: not suspect
    imported(rows)
    trust_rebuild(today=TODAY)
    honest_score = SellerTrust.objects.get(seller=shops[0]).score
    attack = [reviewed_row(shops[0], f"R{n}", f"ring-{n}@example.com", day=20 + n, rating=5) for n in range(30)]
    attack.append(unreviewed_row(shops[0], "R0-second", "ring-0@example.com", day=55))
    attack.append(unreviewed_row(shops[0], "U1", "quiet@example.com", day=56))
    imported(attack)
    # and a stale suspect row from an earlier analysis, on an honest shop
    honest = SellerOrder.objects.filter(seller=shops[3]).order_by("pk").first()
    SuspectOrder.objects.create(seller_order=honest, seller_id=shops[3].pk, reason="earlier")

    # when the rebuild runs, its credibility analysis included
    trust_rebuild(today=TODAY)

    # then the ring's unreviewed order and the single-seller account's are suspect, the stale row is gone
    second = SellerOrder.objects.get(order__buyer__email="ring-0@example.com", review__isnull=True)
    quiet = SellerOrder.objects.get(order__buyer__email="quiet@example.com")
    assert Review.objects.get(buyer__email="ring-1@example.com").credibility_permille < 500
    assert dict(SuspectOrder.objects.values_list("seller_order_id", "reason")) == {
        second.pk: "The buyer's review of this seller was judged not credible.",
        quiet.pk: "Placed by an account that ordered from this seller alone, while single-seller accounts' reviews of "
        "it were judged not credible.",
    }
    # and they add nothing to the buckets (perfect orders: nothing against the seller), which are the per-order fold's
    config = trust_settings()
    assert order_contribution(order_facts_bulk([quiet.pk])[quiet.pk], config=config) == {}
    assert _stored_buckets() == _reference_buckets()
    # and the rebuild recorded their marks as folded, so their live facts are not folded again
    assert set(TrustEvidenceApplied.objects.filter(key__startswith="suspect:").values_list("key", flat=True)) == {
        f"suspect:{second.pk}",
        f"suspect:{quiet.pk}",
    }
    assert evidence_apply(seller_order_id=quiet.pk, fact_key=f"suspect:{quiet.pk}") is False
    # and the ring, its unreviewed orders included, has not lifted the seller
    assert SellerTrust.objects.get(seller=shops[0]).score <= honest_score


@pytest.mark.django_db
def test_a_burst_of_praise_written_live_marks_a_new_accounts_unreviewed_order_and_the_rebuild_agrees():
    # given a seller whose new account placed a perfect order, delivered but not reviewed
    seller = make_seller()
    offer = make_offer(seller=seller, stock=100)
    with at(T0):
        quiet = buy(offer=offer, at=T0)
    with at(T0 + dt.timedelta(hours=1)):
        advance(quiet, "delivered", at=T0 + dt.timedelta(hours=1))
    assert _orders_counted(seller.pk) == 1

    # when six accounts opened that day buy and rate it 5 stars within hours (a burst of new accounts)
    for n in range(6):
        moment = T0 + dt.timedelta(hours=2 + n)
        with at(moment):
            bought = buy(offer=offer, at=moment)
        with at(moment + dt.timedelta(minutes=5)):
            advance(bought, "delivered", at=moment + dt.timedelta(minutes=5))
        with at(moment + dt.timedelta(minutes=10)):
            review_create(
                buyer=bought.buyer,
                seller_order_id=bought.seller_order.pk,
                ratings=dict.fromkeys(
                    ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging"), 5
                ),
            )

    # then the quiet order is marked suspect as the reviews are written, and folded: it no longer counts for the
    # seller, nor do the orders of the burst's reviews found so far (the first one was written before the burst)
    row = SuspectOrder.objects.get(seller_order_id=quiet.seller_order.pk)
    assert row.seller_id == seller.pk
    assert TrustEvidenceApplied.objects.filter(key=f"suspect:{quiet.seller_order.pk}").exists()
    assert Review.objects.filter(seller=seller, credibility_permille__lt=500).count() == 5
    assert _orders_counted(seller.pk) == 1
    incremental = _stored_buckets()

    # and the rebuild's bucket steps read the same table: the same buckets
    later = T0 + dt.timedelta(days=1)
    with at(later):
        trust_rebuild(today=later.date(), refresh_credibility=False)
    assert _stored_buckets() == incremental
    # and its credibility analysis of every review finds the first review too, and keeps the suspect order
    with at(later):
        trust_rebuild(today=later.date())
    assert list(SuspectOrder.objects.values_list("seller_order_id", flat=True)) == [quiet.seller_order.pk]
    assert _orders_counted(seller.pk) == 0

import datetime as dt

import pytest

from comptoir.checkout.services import dispute_decide, seller_order_cancel
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrderEvent
from comptoir.orders.services import dispute_open
from comptoir.orders.tests.support import advance, buy
from comptoir.testing.builders import make_operator, make_seller
from comptoir.trust.models import SellerDailyStats, SellerTrust, SellerTrustHistory, TrustEvidenceApplied
from comptoir.trust.services import evidence_apply, message_send, review_create, review_moderate, review_report
from comptoir.trust.tests.support import T0, at

pytestmark = pytest.mark.django_db
DAY = dt.timedelta(days=1)
GOOD = {"product_rating": 5, "item_as_described": 5, "communication": 5, "shipping_speed": 5, "packaging": 5}
BAD = {"product_rating": 1, "item_as_described": 1, "communication": 2, "shipping_speed": 1, "packaging": 2}


def stats(seller, day):
    return SellerDailyStats.objects.get(seller=seller, day=day)


def test_an_order_late_shipped_and_delivered_on_time_is_counted_on_the_days_it_happened():
    # given an order placed on day 0 (ship_by is a few days later)
    with at(T0):
        bought = buy(at=T0)
    ship_by = bought.seller_order.ship_by
    shipped_on = dt.datetime.combine(ship_by + DAY, dt.time(10), tzinfo=dt.UTC)
    # when it is accepted on day 0, shipped a day after ship_by and delivered the next day
    with at(T0 + dt.timedelta(hours=2)):
        advance(bought, "accepted", at=T0 + dt.timedelta(hours=2))
    with at(shipped_on):
        from comptoir.orders.services import seller_order_ship

        seller_order_ship(
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            actor=bought.seller_user,
            carrier="DHL",
            tracking_number="JD0146000033",
        )
    with at(shipped_on + DAY):
        from comptoir.orders.services import seller_order_mark_delivered

        seller_order_mark_delivered(
            seller_order_id=bought.seller_order.pk, actor=bought.buyer, actor_role=Actor.BUYER, buyer=bought.buyer
        )
    # then the order and its acceptance time are on the placing day, the late shipment on the shipping day
    placed = stats(bought.seller, T0.date())
    assert (placed.orders, placed.cancelled_by_seller, placed.accept_seconds) == (1, 0, [7200])
    shipped = stats(bought.seller, shipped_on.date())
    assert (shipped.shipped, shipped.shipped_late, shipped.shipped_with_valid_tracking) == (1, 1, 1)
    delivered = stats(bought.seller, (shipped_on + DAY).date())
    assert (delivered.delivered, delivered.delivered_on_time) == (
        1,
        int((shipped_on + DAY).date() <= bought.seller_order.deliver_by),
    )
    # and the seller's trust and today's history row exist
    trust = SellerTrust.objects.get(seller=bought.seller)
    assert trust.evidence_orders == 1
    assert SellerTrustHistory.objects.filter(seller=bought.seller, day=(shipped_on + DAY).date()).exists()


def test_a_seller_cancellation_counts_and_a_buyer_cancellation_does_not():
    seller = make_seller()
    with at(T0):
        by_seller, by_buyer = buy(seller=seller, at=T0), buy(seller=seller, at=T0)
        seller_order_cancel(
            seller_order_id=by_seller.seller_order.pk,
            actor=by_seller.seller_user,
            actor_role=Actor.SELLER,
            reason="Out of stock",
            seller=seller,
        )
        seller_order_cancel(
            seller_order_id=by_buyer.seller_order.pk,
            actor=by_buyer.buyer,
            actor_role=Actor.BUYER,
            reason="Changed my mind",
            buyer=by_buyer.buyer,
        )
    day = stats(seller, T0.date())
    assert (day.orders, day.cancelled_by_seller) == (2, 1)


def test_a_fact_is_folded_once_even_when_its_task_runs_twice():
    with at(T0):
        bought = buy(at=T0)
    event = SellerOrderEvent.objects.get(seller_order=bought.seller_order, action="payment_captured")
    with at(T0):
        assert evidence_apply(seller_order_id=bought.seller_order.pk, fact_key=f"event:{event.pk}") is False
    assert stats(bought.seller, T0.date()).orders == 1
    assert TrustEvidenceApplied.objects.filter(key=f"event:{event.pk}").count() == 1


def test_a_dispute_lost_and_a_negative_review_make_one_defect_on_the_placing_day():
    with at(T0):
        bought = buy(at=T0)
        advance(bought, "delivered", at=T0)
    with at(T0 + DAY):
        review = review_create(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, ratings=BAD, text="Broken")
    with at(T0 + 2 * DAY):
        dispute = dispute_open(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, reason="not_as_described", description="Broken"
        )
    with at(T0 + 3 * DAY):
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="buyer", note="Photos show damage")
    placed = stats(bought.seller, T0.date())
    assert (placed.defects, placed.disputes_lost) == (1, 1)
    review_day = stats(bought.seller, (T0 + DAY).date())
    # the review counts with the credibility the fraud analysis gave it
    weight = review.credibility_permille
    assert (review_day.reviews, review_day.negative_reviews, review_day.review_weight_permille) == (1, 1, weight)
    # the seller ratings average 1.5 stars, the buyer's overall rating of the purchase is 1: the verdict is 1
    assert review_day.rating_weighted_sum_permille == weight * 1000 // 1000


def test_a_review_hidden_by_moderation_stops_counting():
    with at(T0):
        bought = buy(at=T0)
        advance(bought, "delivered", at=T0)
    with at(T0 + DAY):
        review = review_create(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, ratings=BAD)
        report = review_report(reporter=bought.seller_user, review_id=review.pk, reason="abusive")
    assert stats(bought.seller, T0.date()).defects == 1
    with at(T0 + 2 * DAY):
        review_moderate(report_id=report.pk, actor=make_operator(), uphold=True, note="Insults")
    assert stats(bought.seller, (T0 + DAY).date()).reviews == 0
    assert stats(bought.seller, T0.date()).defects == 0


def test_the_sellers_first_answer_gives_the_response_time_on_the_day_of_the_buyers_message():
    with at(T0):
        bought = buy(at=T0)
    with at(T0 + dt.timedelta(hours=1)):
        message_send(sender=bought.buyer, seller_order_id=bought.seller_order.pk, body="When will it ship?")
    with at(T0 + dt.timedelta(hours=2)):
        message_send(sender=bought.buyer, seller_order_id=bought.seller_order.pk, body="Hello?")
    with at(T0 + dt.timedelta(hours=4)):
        message_send(
            sender=bought.seller_user, seller=bought.seller, seller_order_id=bought.seller_order.pk, body="Tomorrow."
        )
        message_send(
            sender=bought.seller_user,
            seller=bought.seller,
            seller_order_id=bought.seller_order.pk,
            body="Tracking follows.",
        )
    assert stats(bought.seller, T0.date()).response_seconds == [3 * 3600]

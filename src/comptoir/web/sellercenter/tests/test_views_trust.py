"""Seller-center trust pages: account health, ranking factors, messages, reviews with one reply, enforcement
notices with their statement of reasons and the appeal form; each seller sees only its own."""

import datetime as dt

import pytest
from django.test import TestCase
from django.urls import reverse

from comptoir.core import clock
from comptoir.orders.tests.support import advance, buy
from comptoir.sellers.models import MemberRole, SellerMember
from comptoir.testing.builders import make_seller, make_user
from comptoir.trust.models import Appeal, EnforcementAction, SellerTrust, SellerTrustHistory
from comptoir.trust.services import message_send, review_create

pytestmark = pytest.mark.django_db
RATINGS = {"product_rating": 2, "item_as_described": 1, "communication": 2, "shipping_speed": 1, "packaging": 2}


def owner_of(seller):
    return SellerMember.objects.filter(seller=seller, role=MemberRole.OWNER).select_related("user").first().user


def restricted(seller):
    return EnforcementAction.objects.create(
        seller=seller,
        kind="warning",
        facts={
            "score": "38.50",
            "tier": "below_standard",
            "days_below_standard": 2,
            "metrics": {
                "order_defect_rate": {
                    "value": "0.08",
                    "low": "0.03",
                    "high": "0.2",
                    "count": 25,
                    "events": 2,
                    "target": "0.01",
                    "direction": "below",
                    "window_days": 60,
                    "status": "failing",
                }
            },
        },
        facts_text="Trust score 38.50",
        rule="rule",
        redress="appeal",
        is_automated=True,
    )


def test_account_health_shows_each_metric_its_target_trend_and_the_orders_behind_a_defect(client):
    with TestCase.captureOnCommitCallbacks(execute=True):
        bought = buy(at=clock.now() - dt.timedelta(days=3))
        advance(bought, "delivered", at=clock.now() - dt.timedelta(days=2))
        review_create(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, ratings=RATINGS, text="Broken")
    trust = SellerTrust.objects.get(seller=bought.seller)
    for days_ago, value in ((3, "0.02"), (2, "0.03"), (1, "0.05")):
        metrics = {**trust.metrics, "order_defect_rate": {**trust.metrics["order_defect_rate"], "value": value}}
        SellerTrustHistory.objects.create(
            seller=bought.seller,
            day=trust.computed_at.date() - dt.timedelta(days=days_ago),
            score=50,
            tier="new",
            metrics=metrics,
        )
    client.force_login(owner_of(bought.seller))
    page = client.get(reverse("sellercenter:health")).content.decode()
    for expected in (
        "Order defect rate",
        "Target",
        "&lt; 1.0 %",
        "What to do:",
        "<polyline",
        "Late shipment rate (30 days)",
        "Trust score",
    ):
        assert expected in page
    assert reverse("sellercenter:order_detail", args=[bought.seller_order.number]) in page


def test_ranking_factors_lists_the_weights_and_the_sellers_own_trust(client):
    seller = make_seller()
    client.force_login(owner_of(seller))
    page = client.get(reverse("sellercenter:ranking_factors")).content.decode()
    assert "Seller trust score" in page and "Visibility in search" in page and "How to improve" in page


def test_the_seller_answers_a_buyer_and_the_inbox_shows_what_waits(client):
    bought = buy()
    message_send(sender=bought.buyer, seller_order_id=bought.seller_order.pk, body="Where is my parcel?")
    client.force_login(owner_of(bought.seller))
    inbox = client.get(reverse("sellercenter:messages")).content.decode()
    assert "Where is my parcel?" in inbox and "Waiting for" in inbox
    url = reverse("sellercenter:message_thread", args=[bought.seller_order.number])
    assert client.post(url, {"body": ""}).status_code == 422
    assert client.post(url, {"body": "It ships today."}).status_code == 302
    assert "Answered" in client.get(reverse("sellercenter:messages")).content.decode()


def test_a_seller_replies_once_to_a_review(client):
    bought = buy()
    advance(bought, "delivered")
    review = review_create(buyer=bought.buyer, seller_order_id=bought.seller_order.pk, ratings=RATINGS)
    client.force_login(owner_of(bought.seller))
    assert "Publish the reply" in client.get(reverse("sellercenter:reviews")).content.decode()
    url = reverse("sellercenter:review_reply", args=[review.pk])
    client.post(url, {f"r{review.pk}-text": "Sorry, we refunded you."})
    client.post(url, {f"r{review.pk}-text": "Second reply"})
    review.refresh_from_db()
    assert review.seller_reply == "Sorry, we refunded you."
    assert "Publish the reply" not in client.get(reverse("sellercenter:reviews")).content.decode()


def test_the_statement_of_reasons_is_complete_and_the_seller_appeals(client):
    seller = make_seller()
    action = restricted(seller)
    client.force_login(owner_of(seller))
    dashboard = client.get(reverse("sellercenter:dashboard")).content.decode()
    assert "Your shop is restricted." in dashboard and reverse("sellercenter:notice", args=[action.pk]) in dashboard
    page = client.get(reverse("sellercenter:notice", args=[action.pk])).content.decode()
    for expected in (
        "Facts",
        "Rule applied",
        "Automated decision",
        "How to appeal",
        "Order defect rate",
        "8.0 %",
        "out-of-court",
    ):
        assert expected in page
    assert client.post(reverse("sellercenter:notice", args=[action.pk]), {"text": " "}).status_code == 422
    assert (
        client.post(
            reverse("sellercenter:notice", args=[action.pk]), {"text": "The defects were a carrier's fault."}
        ).status_code
        == 302
    )
    assert Appeal.objects.get(action=action).status == "open"
    page = client.get(reverse("sellercenter:notice", args=[action.pk])).content.decode()
    assert "Under review" in page and "Send my appeal" not in page


def test_a_seller_never_reaches_another_sellers_trust_data(client):
    bought = buy()
    advance(bought, "delivered")
    review = review_create(
        buyer=bought.buyer, seller_order_id=bought.seller_order.pk, ratings=RATINGS, text="Secret text"
    )
    message_send(sender=bought.buyer, seller_order_id=bought.seller_order.pk, body="Private question")
    action = restricted(bought.seller)
    other = make_seller("Other shop")
    client.force_login(owner_of(other))
    assert client.get(reverse("sellercenter:notice", args=[action.pk])).status_code == 404
    assert client.post(reverse("sellercenter:notice", args=[action.pk]), {"text": "x"}).status_code == 404
    assert client.get(reverse("sellercenter:message_thread", args=[bought.seller_order.number])).status_code == 404
    assert (
        client.post(
            reverse("sellercenter:message_thread", args=[bought.seller_order.number]), {"body": "x"}
        ).status_code
        == 404
    )
    assert (
        client.post(reverse("sellercenter:review_reply", args=[review.pk]), {f"r{review.pk}-text": "x"}).status_code
        == 404
    )
    for name in ("messages", "reviews", "notices", "health"):
        page = client.get(reverse(f"sellercenter:{name}")).content.decode()
        assert "Private question" not in page and "Secret text" not in page and bought.seller_order.number not in page
    assert not Appeal.objects.exists()


def test_a_buyer_without_a_shop_is_sent_to_onboarding(client):
    client.force_login(make_user())
    assert client.get(reverse("sellercenter:health"))["Location"] == reverse("sellercenter:onboarding")

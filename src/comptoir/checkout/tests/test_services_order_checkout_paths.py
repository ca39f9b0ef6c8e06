"""The two ways a checkout meets its payment provider give the same guarantees.

A provider that answers inside the process (the sandbox: `is_synchronous_and_local`) is charged inside one
transaction; any other provider is charged between two transactions. Each test runs against both."""

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.core.events import subscribe, unsubscribe
from comptoir.core.exceptions import ValidationError
from comptoir.core.models import IdempotencyRecord
from comptoir.offers.models import Offer
from comptoir.orders.events import SellerOrderTransitioned
from comptoir.orders.models import Order, SellerOrder, SellerOrderEvent
from comptoir.orders.tests.support import new_key
from comptoir.payments.models import JournalEntry, Payment, Posting
from comptoir.payments.providers.sandbox import SandboxProvider
from comptoir.testing.builders import ADDRESS, CARD_DECLINED, CARD_OK, CARD_REVIEW, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db


@pytest.fixture(params=["one transaction", "two transactions"])
def provider_mode(request, monkeypatch):
    monkeypatch.setattr(SandboxProvider, "is_synchronous_and_local", request.param == "one transaction")
    return request.param


def two_sellers_two_lines():
    return [
        make_offer(seller=seller, price_amount=1000 + 100 * index, stock=5)
        for seller in (make_seller(), make_seller())
        for index in range(2)
    ]


def lines_of(offers, quantity=1):
    return [{"offer_id": offer.pk, "quantity": quantity} for offer in offers]


def stock_of(offers):
    return [Offer.objects.get(pk=offer.pk).stock for offer in offers]


def test_a_paid_checkout_records_every_transition_and_a_balanced_capture(
    provider_mode, django_capture_on_commit_callbacks
):
    # given two sellers with two offers each, and a subscriber to seller-order transitions
    offers = two_sellers_two_lines()
    published = []
    subscribe(SellerOrderTransitioned, published.append)
    try:
        # when a buyer checks out two units of each
        with django_capture_on_commit_callbacks(execute=True):
            result = order_checkout(
                buyer=make_user(),
                shipping_address=ADDRESS,
                payment_method=CARD_OK,
                lines=lines_of(offers, 2),
                idempotency_key=new_key(),
            )
    finally:
        unsubscribe(SellerOrderTransitioned, published.append)

    # then the order is paid, each seller order placed with its create and payment_captured events
    assert result.order_status == "paid" and result.summary["status"] == "paid"
    seller_orders = list(SellerOrder.objects.filter(order=result.order).order_by("number"))
    assert [seller_order.status for seller_order in seller_orders] == ["placed", "placed"]
    assert [so["status"] for so in result.summary["seller_orders"]] == ["placed", "placed"]
    for seller_order in seller_orders:
        assert list(
            SellerOrderEvent.objects.filter(seller_order=seller_order)
            .order_by("pk")
            .values_list("action", "from_status", "to_status")
        ) == [("create", "", "awaiting_payment"), ("payment_captured", "awaiting_payment", "placed")]
    # and every payment_captured transition was published once, after commit, with its event row
    captured = SellerOrderEvent.objects.filter(seller_order__order=result.order, action="payment_captured")
    assert sorted(
        (event.seller_order_id, event.event_id) for event in published if event.action == "payment_captured"
    ) == sorted(captured.values_list("seller_order_id", "pk"))
    # and the capture moved the total into the sellers' escrow, balanced
    entry = JournalEntry.objects.get(source_key=f"capture:{result.order.number}")
    postings = list(Posting.objects.filter(entry=entry).values_list("amount", flat=True))
    assert sum(postings) == 0 and max(postings) == result.order.total_amount
    assert stock_of(offers) == [3, 3, 3, 3]
    assert Payment.objects.get(order=result.order).status == "captured"


def test_a_declined_checkout_puts_every_unit_back_and_moves_no_money(provider_mode):
    offers = two_sellers_two_lines()

    result = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=lines_of(offers),
        idempotency_key=new_key(),
    )

    assert result.is_declined and result.summary["status"] == "payment_failed"
    assert stock_of(offers) == [5, 5, 5, 5]
    assert set(SellerOrder.objects.filter(order=result.order).values_list("status", "cancelled_by")) == {
        ("cancelled", "system")
    }
    assert SellerOrderEvent.objects.filter(seller_order__order=result.order, action="payment_failed").count() == 2
    assert not JournalEntry.objects.exists()


def test_a_payment_held_for_review_keeps_the_stock_and_waits(provider_mode):
    offers = two_sellers_two_lines()

    result = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_REVIEW,
        lines=lines_of(offers),
        idempotency_key=new_key(),
    )

    assert result.order_status == "payment_review" and result.order.status == "payment_review"
    assert set(SellerOrder.objects.filter(order=result.order).values_list("status", flat=True)) == {"awaiting_payment"}
    assert stock_of(offers) == [4, 4, 4, 4]
    assert not JournalEntry.objects.exists()


def test_a_refused_card_takes_no_stock_and_frees_the_key_for_a_corrected_retry(provider_mode):
    offers = two_sellers_two_lines()
    buyer = make_user()

    with pytest.raises(ValidationError):
        order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method={"card_number": "4242424242424241"},
            lines=lines_of(offers),
            idempotency_key="fix-card",
        )

    assert stock_of(offers) == [5, 5, 5, 5]
    assert not IdempotencyRecord.objects.filter(key="fix-card").exists()
    assert not Order.objects.exclude(status="payment_failed").exists()
    retry = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=lines_of(offers),
        idempotency_key="fix-card",
    )
    assert retry.order_status == "paid" and stock_of(offers) == [4, 4, 4, 4]


def test_a_replay_returns_the_stored_response_without_a_second_order(provider_mode):
    offers = two_sellers_two_lines()
    buyer = make_user()

    first = order_checkout(
        buyer=buyer, shipping_address=ADDRESS, payment_method=CARD_OK, lines=lines_of(offers), idempotency_key="same"
    )
    again = order_checkout(
        buyer=buyer, shipping_address=ADDRESS, payment_method=CARD_OK, lines=lines_of(offers), idempotency_key="same"
    )

    assert again.replayed and again.order_status == "paid" and again.summary == first.summary
    assert Order.objects.count() == 1 and Payment.objects.count() == 1 and JournalEntry.objects.count() == 1


def test_in_one_transaction_a_crash_while_charging_leaves_nothing_behind_and_a_retry_succeeds_once(monkeypatch):
    # given the in-process provider, crashing while it answers
    monkeypatch.setattr(SandboxProvider, "is_synchronous_and_local", True)
    offers = two_sellers_two_lines()
    buyer = make_user()
    real_charge = SandboxProvider.charge

    def crash(self, **kwargs):
        raise RuntimeError("worker killed while charging")

    monkeypatch.setattr(SandboxProvider, "charge", crash)
    with pytest.raises(RuntimeError):
        order_checkout(
            buyer=buyer,
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=lines_of(offers),
            idempotency_key="crash",
        )

    # then nothing was written: no order, no stock taken, the key free
    assert not Order.objects.exists() and stock_of(offers) == [5, 5, 5, 5] and not IdempotencyRecord.objects.exists()
    # and an immediate retry checks out once
    monkeypatch.setattr(SandboxProvider, "charge", real_charge)
    result = order_checkout(
        buyer=buyer, shipping_address=ADDRESS, payment_method=CARD_OK, lines=lines_of(offers), idempotency_key="crash"
    )
    assert result.order_status == "paid" and Order.objects.count() == 1 and stock_of(offers) == [4, 4, 4, 4]


def test_a_new_shipping_profile_and_an_inherited_commission_are_read_fresh_by_each_checkout(provider_mode):
    # given an offer whose seller moves it to a new, dearer shipping profile after a first checkout
    from comptoir.catalog.services import category_set_commission
    from comptoir.testing.builders import make_category, make_operator, make_product, make_shipping_profile

    parent = make_category("Parent", commission_rate_bp=1000)
    child = make_category("Child", parent=parent, commission_rate_bp=None)
    seller = make_seller()
    offer = make_offer(seller=seller, product=make_product(category=child), price_amount=10000, stock=10)
    first = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=lines_of([offer]),
        idempotency_key=new_key(),
    )
    dearer = make_shipping_profile(seller, first_item_amount=first.order.shipping_amount + 700, express=False)
    Offer.objects.filter(pk=offer.pk).update(shipping_profile=dearer)
    category_set_commission(category_id=parent.pk, commission_rate_bp=1500, actor=make_operator())

    # when another checkout follows
    second = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=lines_of([offer]),
        idempotency_key=new_key(),
    )

    # then it pays the new tariff and the parent's new commission, inherited by the child category
    assert second.order.shipping_amount == first.order.shipping_amount + 700
    assert first.order.seller_orders.get().commission_amount == 1000
    assert second.order.seller_orders.get().commission_amount == 1500

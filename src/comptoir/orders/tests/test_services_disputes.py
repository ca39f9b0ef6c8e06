import datetime as dt

import pytest

from comptoir.checkout.services import (
    dispute_decide,
    seller_order_cancel,
    seller_order_complete,
    seller_orders_release_due,
)
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Dispute
from comptoir.orders.services import dispute_open
from comptoir.orders.tests.support import T0, account_balance, advance, buy, entry_kinds
from comptoir.payments.models import Refund
from comptoir.testing.builders import make_operator, make_user

pytestmark = pytest.mark.django_db

DAY = dt.timedelta(days=1)


def after_the_promise(bought) -> dt.datetime:
    """The morning after the latest promised delivery date: when an "item not received" dispute may open."""
    return dt.datetime.combine(bought.seller_order.deliver_by + DAY, dt.time(9), tzinfo=dt.UTC)


def open_dispute(bought, *, at=None, reason="not_received", description="Nothing arrived."):
    with clock.frozen_at(at or after_the_promise(bought)):
        return dispute_open(
            buyer=bought.buyer, seller_order_id=bought.seller_order.pk, reason=reason, description=description
        )


def test_buyer_opens_a_dispute_and_it_is_recorded():
    bought = buy()
    advance(bought, "shipped")

    dispute = open_dispute(bought, description="  Tracking has not moved in 10 days. ")

    assert (dispute.status, dispute.reason, dispute.description, dispute.opened_by_id, dispute.opened_at) == (
        "open",
        "not_received",
        "Tracking has not moved in 10 days.",
        bought.buyer.pk,
        after_the_promise(bought),
    )
    event = bought.seller_order.events.get(action="dispute_opened")
    assert (event.from_status, event.to_status, event.actor_role, event.actor_id, event.created_at) == (
        "shipped",
        "shipped",
        "buyer",
        bought.buyer.pk,
        after_the_promise(bought),
    )
    assert event.data == {"dispute_id": dispute.pk, "reason": "not_received"}
    assert bought.refresh().status == "shipped"


def test_only_one_dispute_may_be_open_at_a_time():
    bought = buy()
    open_dispute(bought)
    with pytest.raises(Conflict) as raised:
        open_dispute(bought, reason="other", description="Again")
    assert raised.value.code == "dispute_not_allowed"
    assert Dispute.objects.count() == 1


@pytest.mark.parametrize(
    ("reason", "description", "field"), [("angry", "x", "reason"), ("other", "   ", "description")]
)
def test_dispute_needs_a_known_reason_and_a_description(reason, description, field):
    bought = buy()
    with pytest.raises(ValidationError) as raised:
        open_dispute(bought, reason=reason, description=description)
    assert field in raised.value.fields


def test_settled_order_cannot_be_disputed():
    bought = buy()
    seller_order_cancel(
        seller_order_id=bought.seller_order.pk,
        actor=bought.buyer,
        actor_role=Actor.BUYER,
        reason="Mistake",
        buyer=bought.buyer,
    )
    with pytest.raises(Conflict):
        open_dispute(bought)


def test_another_buyer_cannot_dispute_my_order():
    bought = buy()
    with pytest.raises(NotFound):
        dispute_open(buyer=make_user(), seller_order_id=bought.seller_order.pk, reason="other", description="Not mine")


def test_operator_deciding_for_the_buyer_refunds_in_full(django_capture_on_commit_callbacks):
    # given a delivered order with an open dispute
    bought = buy(stock=5, quantity=2)
    advance(bought, "delivered", at=T0)
    dispute = open_dispute(bought, reason="not_as_described", description="Wrong colour")
    operator = make_operator()

    # when the operator decides for the buyer
    with clock.frozen_at(T0 + 3 * DAY), django_capture_on_commit_callbacks(execute=True):
        decided = dispute_decide(
            dispute_id=dispute.pk, actor=operator, in_favour_of="buyer", note="Photos show a different colour."
        )

    # then the dispute is closed, the order refunded from escrow, with the decision on record
    assert (decided.status, decided.decided_by_id, decided.decided_at, decided.decision_note) == (
        "decided_for_buyer",
        operator.pk,
        T0 + 3 * DAY,
        "Photos show a different colour.",
    )
    seller_order = bought.refresh()
    assert seller_order.status == "refunded" and seller_order.refunded_amount == seller_order.total_amount
    assert Refund.objects.get(seller_order=seller_order).status == "succeeded"
    assert entry_kinds(seller_order_id_ref=seller_order.pk) == ["refund"]
    assert account_balance("seller_escrow", bought.seller.pk) == 0
    refund_event = seller_order.events.get(action="refund")
    assert (
        refund_event.from_status,
        refund_event.to_status,
        refund_event.actor_role,
        refund_event.actor_id,
        refund_event.reason,
    ) == ("delivered", "refunded", "operator", operator.pk, "Photos show a different colour.")
    decision = seller_order.events.get(action="dispute_decided")
    assert decision.data == {"dispute_id": dispute.pk, "in_favour_of": "buyer"}
    # and nothing is released to the seller afterwards
    with clock.frozen_at(T0 + 60 * DAY):
        assert seller_orders_release_due() == 0


def test_operator_deciding_for_the_seller_lets_the_order_continue_and_release_after():
    # given a delivered order disputed during its hold
    bought = buy()
    advance(bought, "delivered", at=T0)
    dispute = open_dispute(bought)

    # then the hold elapsing does not release it while the dispute is open
    with clock.frozen_at(T0 + 20 * DAY):
        assert seller_orders_release_due() == 0
        with pytest.raises(Conflict) as raised:
            seller_order_complete(seller_order_id=bought.seller_order.pk)
        assert raised.value.code == "dispute_open"
        # not even by an operator releasing by hand
        with pytest.raises(Conflict):
            seller_order_complete(seller_order_id=bought.seller_order.pk, actor=make_operator())
    assert bought.refresh().status == "delivered" and entry_kinds(kind="release") == []

    # when the operator decides for the seller
    with clock.frozen_at(T0 + 21 * DAY):
        dispute_decide(
            dispute_id=dispute.pk,
            actor=make_operator(),
            in_favour_of="seller",
            note="Tracking shows delivery with signature.",
        )

    # then the order is unchanged and the next release run pays the seller
    assert bought.refresh().status == "delivered"
    assert not Refund.objects.exists()
    with clock.frozen_at(T0 + 21 * DAY):
        assert seller_orders_release_due() == 1
    assert bought.refresh().status == "completed" and entry_kinds(kind="release") == ["release"]
    assert account_balance("seller_payable", bought.seller.pk) == -(
        bought.seller_order.total_amount - bought.seller_order.commission_amount
    )


def test_a_new_dispute_may_be_opened_after_one_is_decided():
    bought = buy()
    advance(bought, "shipped")
    first = open_dispute(bought)
    dispute_decide(dispute_id=first.pk, actor=make_operator(), in_favour_of="seller", note="Still in transit.")
    second = open_dispute(bought, at=after_the_promise(bought) + 2 * DAY, description="Still nothing.")
    assert second.pk != first.pk and second.status == "open"


def test_only_an_operator_decides_and_only_once():
    bought = buy()
    dispute = open_dispute(bought)
    with pytest.raises(PermissionDenied):
        dispute_decide(dispute_id=dispute.pk, actor=bought.buyer, in_favour_of="buyer", note="I win")
    with pytest.raises(ValidationError):
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="buyer", note=" ")
    with pytest.raises(ValidationError):
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="nobody", note="Hmm")
    dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="buyer", note="Seller did not answer.")
    with pytest.raises(Conflict) as raised:
        dispute_decide(dispute_id=dispute.pk, actor=make_operator(), in_favour_of="seller", note="Changed my mind")
    assert raised.value.code == "dispute_decided"
    assert Refund.objects.count() == 1
    with pytest.raises(NotFound):
        dispute_decide(dispute_id=999999, actor=make_operator(), in_favour_of="seller", note="x")


def test_dispute_on_an_order_cancelled_meanwhile_can_still_be_decided_for_the_buyer():
    # given a dispute opened on a placed order, which the seller then cancels (refunding it)
    bought = buy()
    dispute = open_dispute(bought, reason="other", description="Seller asks me to pay outside the platform.")
    seller_order_cancel(
        seller_order_id=bought.seller_order.pk,
        actor=bought.seller_user,
        actor_role=Actor.SELLER,
        reason="Cannot fulfil",
        seller=bought.seller,
    )

    # when the operator decides for the buyer
    decided = dispute_decide(
        dispute_id=dispute.pk,
        actor=make_operator(),
        in_favour_of="buyer",
        note="Off-platform payment request confirmed.",
    )

    # then the dispute closes without refunding twice
    assert decided.status == "decided_for_buyer"
    assert bought.refresh().status == "cancelled"
    assert Refund.objects.count() == 1 and entry_kinds(kind="refund") == ["refund"]
    assert bought.seller_order.events.get(action="dispute_decided").data == {
        "dispute_id": dispute.pk,
        "in_favour_of": "buyer",
    }


def test_an_item_not_received_dispute_opens_only_after_the_promised_delivery_date():
    # given a parcel shipped the day after the order, promised by its deliver_by date
    bought = buy()
    advance(bought, "shipped")
    deliver_by = bought.seller_order.deliver_by

    # when the buyer says it has not arrived on the promised day itself
    with pytest.raises(Conflict) as raised:
        open_dispute(bought, at=dt.datetime.combine(deliver_by, dt.time(20), tzinfo=dt.UTC))

    # then it is refused, saying from when it may be opened, and nothing is recorded
    assert raised.value.code == "dispute_too_early"
    assert raised.value.extra == {"opens_on": (deliver_by + DAY).isoformat(), "deliver_by": deliver_by.isoformat()}
    assert not Dispute.objects.exists()
    assert not bought.seller_order.events.filter(action="dispute_opened").exists()
    # while another reason is not held back, and the day after the promise the claim opens
    assert open_dispute(bought, at=T0 + DAY, reason="other", description="The seller is rude.").status == "open"

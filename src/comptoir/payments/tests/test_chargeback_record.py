"""chargeback_record: the money movement (escrow or payable), idempotency on the provider reference, amount limits,
the seller-order event, and how later releases, refunds and payouts take earlier chargebacks into account."""

import datetime as dt

import pytest

from comptoir.checkout.services import chargeback_record, seller_order_cancel, seller_order_complete
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.core.money import Money
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrderEvent
from comptoir.payments.domain.chargeback import commission_kept
from comptoir.payments.models import Chargeback, JournalEntry, Payout, Refund
from comptoir.payments.selectors import seller_balances
from comptoir.payments.services import payout_batch_create
from comptoir.payments.tests.conftest import checkout, deliver, release, seller_order_of
from comptoir.payments.verify import ledger_verify
from comptoir.testing.builders import make_operator, make_user
from comptoir.testing.concurrency import run_together

pytestmark = pytest.mark.django_db


def postings_of(entry) -> list[tuple]:
    return sorted(
        entry.postings.values_list("account__kind", "account__seller_id", "amount"), key=lambda row: (row[0], row[2])
    )


def paid_seller_order(marketplace, quantity=2):
    return seller_order_of(checkout([(marketplace["offer_a"], quantity)]), marketplace["seller_a"])


def test_a_chargeback_on_held_funds_comes_out_of_escrow(marketplace):
    # given a paid seller order whose funds are in escrow
    seller_order = paid_seller_order(marketplace)
    seller = marketplace["seller_a"]

    # when the provider reports a chargeback of part of it
    outcome = chargeback_record(
        seller_order_id=seller_order.pk, amount=700, reason="fraudulent", provider_reference="dp_1"
    )

    # then one Chargeback row, one balanced entry from escrow to the issuer, and the ledger verifies
    chargeback = outcome.chargeback
    assert outcome.created and (chargeback.amount, chargeback.currency, chargeback.source, chargeback.was_released) == (
        700,
        "EUR",
        "provider",
        False,
    )
    entry = JournalEntry.objects.get(pk=chargeback.entry_id)
    assert entry.kind == "chargeback" and entry.source_key.startswith(f"chargeback:{seller_order.number}:")
    assert postings_of(entry) == [("provider_clearing", None, -700), ("seller_escrow", seller.pk, 700)]
    assert seller_balances(seller=seller)["EUR"]["escrow"] == Money(seller_order.total_amount - 700, "EUR")
    report = ledger_verify()
    assert report.ok, report.problems
    # and the seller order keeps its status, with a "chargeback" event by the system
    seller_order.refresh_from_db()
    assert seller_order.status == "placed"
    event = SellerOrderEvent.objects.get(action="chargeback", data__chargeback_id=chargeback.pk)
    assert (event.action, event.actor_role, event.from_status, event.to_status) == (
        "chargeback",
        "system",
        "placed",
        "placed",
    )
    assert event.data == {
        "amount": 700,
        "currency": "EUR",
        "reason": "fraudulent",
        "provider_reference": "dp_1",
        "chargeback_id": chargeback.pk,
    }
    audit = AuditLog.objects.get(action="chargeback.recorded")
    assert (audit.actor_id, audit.actor_label, audit.seller_id) == (None, "provider:sandbox", seller.pk)


def test_a_chargeback_after_release_comes_out_of_the_payable_balance_and_the_commission(marketplace):
    # given a released seller order (10 % commission on the total)
    seller_order = release(paid_seller_order(marketplace))
    seller = marketplace["seller_a"]
    payable_before = seller_balances(seller=seller)["EUR"]["payable"].amount
    total, commission = seller_order.total_amount, seller_order.commission_amount

    # when the whole order is charged back
    chargeback = chargeback_record(
        seller_order_id=seller_order.pk, amount=total, reason="product not received", provider_reference="dp_2"
    ).chargeback

    # then the marketplace gives its commission back, the seller bears the rest, and the ledger verifies
    assert chargeback.was_released
    assert postings_of(chargeback.entry) == sorted(
        [
            ("commission", None, commission),
            ("provider_clearing", None, -total),
            ("seller_payable", seller.pk, total - commission),
        ],
        key=lambda row: (row[0], row[2]),
    )
    assert seller_balances(seller=seller)["EUR"]["payable"].amount == payable_before - (total - commission) == 0
    report = ledger_verify()
    assert report.ok, report.problems
    seller_order.refresh_from_db()
    assert seller_order.status == "completed"


def test_a_chargeback_after_payout_becomes_a_debt_recovered_from_the_next_payout(marketplace):
    # given a released seller order already paid out
    seller = marketplace["seller_a"]
    first = release(paid_seller_order(marketplace))
    payout_batch_create(currency="EUR", actor=None)

    # when it is charged back: the payable balance is empty
    chargeback = chargeback_record(
        seller_order_id=first.pk, amount=first.total_amount, reason="fraudulent", provider_reference="dp_3"
    ).chargeback

    # then the seller's part becomes a receivable (the payable balance never goes to the wrong side) and the ledger
    # verifies
    owed = first.total_amount - first.commission_amount
    assert ("seller_receivable", seller.pk, owed) in postings_of(chargeback.entry)
    assert ledger_verify().ok
    # when another order of the seller is released and a payout batch runs
    second = release(paid_seller_order(marketplace, quantity=3))
    batch = payout_batch_create(currency="EUR", actor=None)

    # then the debt is recovered first and only the rest is paid
    recovery = JournalEntry.objects.get(kind="recovery")
    assert postings_of(recovery) == [("seller_payable", seller.pk, owed), ("seller_receivable", seller.pk, -owed)]
    assert Payout.objects.get(batch=batch).amount == (second.total_amount - second.commission_amount) - owed
    assert seller_balances(seller=seller)["EUR"]["payable"] == Money(0, "EUR")
    report = ledger_verify()
    assert report.ok, report.problems


def test_the_same_provider_reference_twice_records_one_chargeback(marketplace):
    # given a chargeback already recorded
    seller_order = paid_seller_order(marketplace)
    first = chargeback_record(
        seller_order_id=seller_order.pk, amount=500, reason="fraudulent", provider_reference="dp_4"
    )

    # when the provider retries, even with other figures
    again = chargeback_record(seller_order_id=seller_order.pk, amount=900, reason="other", provider_reference="dp_4")

    # then nothing changed and the first result is returned
    assert not again.created and again.chargeback.pk == first.chargeback.pk and again.chargeback.amount == 500
    assert Chargeback.objects.count() == 1
    assert JournalEntry.objects.filter(kind="chargeback").count() == 1
    assert SellerOrderEvent.objects.filter(action="chargeback").count() == 1
    assert AuditLog.objects.filter(action="chargeback.recorded").count() == 1


def test_the_amount_is_limited_to_what_is_left_of_the_payment(marketplace):
    # given a seller order with a chargeback of all but 1 minor unit
    seller_order = paid_seller_order(marketplace)
    chargeback_record(
        seller_order_id=seller_order.pk,
        amount=seller_order.total_amount - 1,
        reason="fraudulent",
        provider_reference="dp_5",
    )

    # when more than what is left, zero, a negative or a non-integer amount is charged back: refused, nothing written
    for amount in (2, 0, -5, 1.0, True, "1"):
        with pytest.raises(ValidationError) as refused:
            chargeback_record(
                seller_order_id=seller_order.pk,
                amount=amount,
                reason="fraudulent",
                provider_reference=f"dp_5_{amount!r}",
            )
        assert "amount" in refused.value.fields
    # then exactly what is left is still accepted
    chargeback_record(seller_order_id=seller_order.pk, amount=1, reason="fraudulent", provider_reference="dp_5_last")
    assert Chargeback.objects.filter(seller_order=seller_order).count() == 2
    assert ledger_verify().ok


def test_a_refunded_order_cannot_be_charged_back_and_the_currency_must_be_the_orders(marketplace):
    seller_order = paid_seller_order(marketplace)
    with pytest.raises(ValidationError) as wrong_currency:
        chargeback_record(
            seller_order_id=seller_order.pk, amount=100, currency="USD", reason="fraudulent", provider_reference="dp_6"
        )
    assert wrong_currency.value.code == "currency_mismatch"
    seller_order_cancel(
        seller_order_id=seller_order.pk,
        actor=None,
        actor_role=Actor.SELLER,
        reason="Out of stock",
        seller=seller_order.seller,
    )
    with pytest.raises(ValidationError) as nothing_left:
        chargeback_record(seller_order_id=seller_order.pk, amount=1, reason="fraudulent", provider_reference="dp_6")
    assert nothing_left.value.code == "chargeback_exceeds_captured"
    with pytest.raises(NotFound):
        chargeback_record(seller_order_id=10**9, amount=1, reason="fraudulent", provider_reference="dp_6")
    assert not Chargeback.objects.exists()


def test_only_an_operator_may_record_a_chargeback_by_hand(marketplace):
    seller_order = paid_seller_order(marketplace)
    with pytest.raises(PermissionDenied):
        chargeback_record(
            seller_order_id=seller_order.pk,
            amount=100,
            reason="fraudulent",
            provider_reference="dp_7",
            actor=make_user(),
        )
    operator = make_operator()
    chargeback = chargeback_record(
        seller_order_id=seller_order.pk, amount=100, reason="fraudulent", provider_reference="dp_7", actor=operator
    ).chargeback
    assert (chargeback.source, chargeback.recorded_by_id) == ("operator", operator.pk)
    event = SellerOrderEvent.objects.get(action="chargeback", data__chargeback_id=chargeback.pk)
    assert (event.actor_role, event.actor_id) == ("operator", operator.pk)
    assert AuditLog.objects.get(action="chargeback.recorded").actor_id == operator.pk


def test_an_unpaid_order_has_nothing_to_charge_back(marketplace):
    from comptoir.checkout.services import order_checkout
    from comptoir.testing.builders import ADDRESS

    result = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method={"card_number": "4000000000009235"},
        lines=[{"offer_id": marketplace["offer_a"].pk, "quantity": 1}],
    )
    seller_order = seller_order_of(result.order, marketplace["seller_a"])
    with pytest.raises(Conflict):
        chargeback_record(seller_order_id=seller_order.pk, amount=100, reason="fraudulent", provider_reference="dp_8")


def test_a_release_after_a_chargeback_on_held_funds_releases_only_the_rest(marketplace):
    # given a delivered seller order with part of it charged back from escrow
    seller_order = deliver(paid_seller_order(marketplace))
    total, commission = seller_order.total_amount, seller_order.commission_amount
    chargeback_record(
        seller_order_id=seller_order.pk, amount=total // 2, reason="fraudulent", provider_reference="dp_9"
    )

    # when the hold elapses and the funds are released
    with clock.frozen_at(seller_order.release_due_at + dt.timedelta(minutes=1)):
        seller_order_complete(seller_order_id=seller_order.pk)

    # then the seller's escrow is back to zero (nothing released twice) and the commission is kept on the rest only
    balances = seller_balances(seller=marketplace["seller_a"])["EUR"]
    assert balances["escrow"] == Money(0, "EUR")
    rest = total - total // 2
    kept = commission_kept(total=total, commission=commission, charged_back=total // 2)
    assert balances["payable"] == Money(rest - kept, "EUR")
    report = ledger_verify()
    assert report.ok, report.problems


def test_a_refund_after_a_partial_chargeback_refunds_only_the_rest(marketplace):
    seller_order = paid_seller_order(marketplace)
    chargeback_record(seller_order_id=seller_order.pk, amount=300, reason="fraudulent", provider_reference="dp_10")

    seller_order_cancel(
        seller_order_id=seller_order.pk,
        actor=None,
        actor_role=Actor.SELLER,
        reason="Out of stock",
        seller=seller_order.seller,
    )

    assert Refund.objects.get(seller_order=seller_order).amount == seller_order.total_amount - 300
    assert seller_balances(seller=marketplace["seller_a"])["EUR"]["escrow"] == Money(0, "EUR")
    assert ledger_verify().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_the_same_notification_delivered_twice_at_once_is_recorded_once(marketplace):
    # given a paid seller order
    seller_order = paid_seller_order(marketplace)

    # when the provider delivers the same chargeback twice at the same moment
    results, errors = run_together(
        *[
            lambda: chargeback_record(
                seller_order_id=seller_order.pk, amount=600, reason="fraudulent", provider_reference="dp_race"
            )
        ]
        * 2
    )

    # then one is recorded, the other returns it
    assert errors == []
    assert sorted(outcome.created for outcome in results) == [False, True]
    assert (Chargeback.objects.count(), JournalEntry.objects.filter(kind="chargeback").count()) == (1, 1)
    assert ledger_verify().ok


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_chargeback_and_a_payout_batch_at_once_never_pay_the_charged_back_money(marketplace):
    # given a released seller order whose whole net is payable
    seller = marketplace["seller_a"]
    seller_order = release(paid_seller_order(marketplace))

    # when its full chargeback and a payout batch run at the same moment
    _results, errors = run_together(
        lambda: chargeback_record(
            seller_order_id=seller_order.pk,
            amount=seller_order.total_amount,
            reason="fraudulent",
            provider_reference="dp_race_2",
        ),
        lambda: payout_batch_create(currency="EUR", actor=None),
    )

    # then whichever ran first, the seller ends with nothing payable and owes exactly what was paid out
    assert errors == []
    balances = seller_balances(seller=seller)["EUR"]
    assert balances["payable"] == Money(0, "EUR")
    paid_out = sum(Payout.objects.values_list("amount", flat=True))
    receivable = sum(
        JournalEntry.objects.filter(kind="chargeback")
        .get()
        .postings.filter(account__kind="seller_receivable")
        .values_list("amount", flat=True)
    )
    assert receivable == paid_out
    report = ledger_verify()
    assert report.ok, report.problems

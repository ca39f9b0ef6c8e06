import threading

import pytest
from django.db import connection

from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.core.money import Money
from comptoir.payments.models import JournalEntry, Payout, PayoutBatch
from comptoir.payments.selectors import seller_balances
from comptoir.payments.services import payout_batch_create
from comptoir.payments.tests.conftest import checkout, release, seller_order_of
from comptoir.payments.verify import ledger_verify
from comptoir.testing.builders import make_operator, make_user


def released_to_seller_a(marketplace, quantity=3):
    order = checkout([(marketplace["offer_a"], quantity)])
    seller_order = release(seller_order_of(order, marketplace["seller_a"]))
    return seller_order.total_amount - seller_order.commission_amount


@pytest.mark.django_db
def test_a_batch_pays_the_whole_payable_balance_into_paid_out(marketplace):
    # given seller A has released funds
    net = released_to_seller_a(marketplace)
    operator = make_operator()

    # when
    batch = payout_batch_create(currency="EUR", actor=operator)

    # then
    payout = Payout.objects.get(batch=batch)
    assert (payout.seller_id, payout.amount, payout.currency) == (marketplace["seller_a"].pk, net, "EUR")
    assert payout.iban_last4 == marketplace["seller_a"].iban_last4
    assert (batch.payout_count, batch.total_amount) == (1, net)
    entry = JournalEntry.objects.get(pk=payout.entry_id)
    assert (entry.kind, entry.source_key) == ("payout", f"payout:{batch.pk}:{marketplace['seller_a'].pk}")
    assert sorted(entry.postings.values_list("account__kind", "amount")) == sorted(
        [("seller_payable", net), ("seller_paid_out", -net)]
    )
    balances = seller_balances(seller=marketplace["seller_a"])["EUR"]
    assert balances["payable"] == Money(0, "EUR")
    assert balances["paid_out"] == Money(net, "EUR")
    assert AuditLog.objects.filter(action="payout_batch.create", target_id=str(batch.pk), actor=operator).exists()
    assert AuditLog.objects.filter(action="payout.create", seller_id=marketplace["seller_a"].pk).exists()
    assert ledger_verify().ok


@pytest.mark.django_db
def test_a_second_batch_pays_nothing(marketplace):
    released_to_seller_a(marketplace)
    payout_batch_create(currency="EUR", actor=None)

    second = payout_batch_create(currency="EUR", actor=None)

    assert (second.payout_count, second.total_amount) == (0, 0)
    assert Payout.objects.count() == 1


@pytest.mark.django_db
def test_balances_below_the_minimum_wait_for_a_later_batch(marketplace):
    net = released_to_seller_a(marketplace, quantity=1)

    batch = payout_batch_create(currency="EUR", actor=None, minimum_amount=net + 1)

    assert batch.payout_count == 0
    assert seller_balances(seller=marketplace["seller_a"])["EUR"]["payable"] == Money(net, "EUR")


@pytest.mark.django_db
def test_escrowed_money_is_not_paid_out(marketplace):
    # given a captured but not released order
    checkout([(marketplace["offer_b"], 1)])

    batch = payout_batch_create(currency="EUR", actor=None)

    assert batch.payout_count == 0


@pytest.mark.django_db
def test_only_operators_create_batches_and_inputs_are_validated(marketplace):
    with pytest.raises(PermissionDenied):
        payout_batch_create(currency="EUR", actor=make_user())
    with pytest.raises(ValidationError):
        payout_batch_create(currency="XXY", actor=None)
    with pytest.raises(ValidationError):
        payout_batch_create(currency="EUR", actor=None, minimum_amount=0)
    assert not PayoutBatch.objects.exists()


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_batches_pay_the_same_money_once(marketplace):
    # given two sellers with payable balances
    net_a = released_to_seller_a(marketplace)
    order = checkout([(marketplace["offer_b"], 2)])
    seller_order_b = release(seller_order_of(order, marketplace["seller_b"]))
    net_b = seller_order_b.total_amount - seller_order_b.commission_amount
    start = threading.Barrier(2)
    errors = []

    def run_batch():
        try:
            start.wait(timeout=10)
            payout_batch_create(currency="EUR", actor=None)
        except Exception as error:  # reported below; a thread must not swallow a failure
            errors.append(error)
        finally:
            connection.close()

    # when two batches run at the same time
    threads = [threading.Thread(target=run_batch) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    # then each seller is paid exactly once, in one of the batches
    assert errors == []
    assert sorted(Payout.objects.values_list("amount", flat=True)) == sorted([net_a, net_b])
    assert sorted(PayoutBatch.objects.values_list("payout_count", flat=True)) == [0, 2]
    assert seller_balances(seller=marketplace["seller_a"])["EUR"]["payable"] == Money(0, "EUR")
    assert ledger_verify().ok

"""offer_stock_take / offer_stock_return: guarded conditional updates, all-or-nothing under the caller's transaction."""

import pytest
from django.db import IntegrityError, transaction

from comptoir.offers.locks import offer_stock_return, offer_stock_take
from comptoir.offers.models import Offer
from comptoir.orders.tests.concurrency import run_concurrently
from comptoir.testing.builders import make_offer

pytestmark = pytest.mark.django_db(transaction=True)


def stocks(*offers):
    return [Offer.objects.get(pk=offer.pk).stock for offer in offers]


def test_take_decrements_each_offer_by_its_quantity():
    first, second = make_offer(stock=5), make_offer(stock=3)
    assert offer_stock_take(quantities={second.pk: 3, first.pk: 2}) == []
    assert stocks(first, second) == [3, 0]


def test_take_reports_short_offers_without_touching_them():
    enough, short = make_offer(stock=5), make_offer(stock=1)
    assert offer_stock_take(quantities={enough.pk: 2, short.pk: 2}) == [short.pk]
    # the short one is untouched; the caller's rollback is what undoes the other (see next test)
    assert stocks(enough, short) == [3, 1]


def test_caller_rollback_makes_a_partial_take_all_or_nothing():
    enough, short = make_offer(stock=5), make_offer(stock=1)
    with pytest.raises(RuntimeError), transaction.atomic():
        if offer_stock_take(quantities={enough.pk: 2, short.pk: 2}):
            raise RuntimeError("short")
    assert stocks(enough, short) == [5, 1]


def test_inactive_or_unknown_offer_is_reported_short():
    inactive = make_offer(stock=5)
    Offer.objects.filter(pk=inactive.pk).update(is_active=False)
    assert offer_stock_take(quantities={inactive.pk: 1, 987654: 1}) == [inactive.pk, 987654]
    assert stocks(inactive) == [5]


def test_return_puts_units_back():
    offer = make_offer(stock=0)
    offer_stock_return(quantities={offer.pk: 4})
    assert stocks(offer) == [4]


def test_database_refuses_negative_stock_even_behind_the_helpers_back():
    offer = make_offer(stock=1)
    with pytest.raises(IntegrityError), transaction.atomic():
        Offer.objects.filter(pk=offer.pk).update(stock=-1)
    assert stocks(offer) == [1]


def test_racing_takes_never_go_below_zero():
    # given 5 units and 16 transactions each taking one, in their own connections
    offer = make_offer(stock=5)

    def take(_index):
        with transaction.atomic():
            return offer_stock_take(quantities={offer.pk: 1})

    outcomes = run_concurrently(16, take)

    assert [outcome.error for outcome in outcomes] == [None] * 16
    assert sum(outcome.value == [] for outcome in outcomes) == 5
    assert sum(outcome.value == [offer.pk] for outcome in outcomes) == 11
    assert stocks(offer) == [0]


def test_racing_multi_line_takes_sell_each_unit_once_and_never_deadlock():
    # given three offers, the scarce one with 4 units, and 12 transactions each taking one unit of all three (one
    # statement each), listed in different orders, in their own connections
    scarce, second, third = make_offer(stock=4), make_offer(stock=50), make_offer(stock=50)
    orders = [
        {scarce.pk: 1, second.pk: 1, third.pk: 1},
        {third.pk: 1, second.pk: 1, scarce.pk: 1},
        {second.pk: 1, scarce.pk: 1, third.pk: 1},
    ]

    def take(index):
        with transaction.atomic():
            short = offer_stock_take(quantities=orders[index % 3])
            if short:
                raise RuntimeError(short)  # all or nothing: the caller rolls the partial take back
            return short

    outcomes = run_concurrently(12, take, timeout=60)

    # then exactly 4 took their three units, the others were told the scarce offer was short, nothing else moved
    errors = [outcome.error for outcome in outcomes if outcome.error is not None]
    assert len(errors) == 8 and all(str(error) == str([scarce.pk]) for error in errors)
    assert stocks(scarce, second, third) == [0, 46, 46]


def test_multi_line_take_reports_every_short_offer_and_the_depleted_ones_only_when_all_had_stock():
    first, empty, last = make_offer(stock=2), make_offer(stock=0), make_offer(stock=1)
    with transaction.atomic():
        assert offer_stock_take(quantities={last.pk: 2, first.pk: 1, empty.pk: 1}) == [empty.pk, last.pk]
        transaction.set_rollback(True)
    assert stocks(first, empty, last) == [2, 0, 1]
    assert offer_stock_take(quantities={last.pk: 1, first.pk: 2}) == []
    assert stocks(first, last) == [0, 0]

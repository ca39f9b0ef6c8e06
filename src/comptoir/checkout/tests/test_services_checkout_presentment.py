"""Checkout in the buyer's presentment currency: a GBP buyer pays for offers priced in EUR and PLN at rates frozen on
the order; each seller is settled, refunded and paid out in its own currency; the ledger balances per currency."""

import datetime as dt
from decimal import Decimal

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import order_checkout, seller_order_cancel, seller_order_complete
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.currencies.selectors import rates_cache_clear
from comptoir.currencies.services import rates_import
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Order, SellerOrder
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import Payment, Refund
from comptoir.payments.selectors import (
    ledger_balances_by_kind,
    ledger_entries_unbalanced,
    seller_balances,
    seller_statement,
)
from comptoir.payments.services import payout_batch_create
from comptoir.payments.verify import ledger_verify
from comptoir.testing.builders import (
    ADDRESS,
    CARD_OK,
    make_offer,
    make_operator,
    make_seller,
    make_shipping_profile,
    make_user,
)

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
RATES = b"""Date,GBP,PLN,CHF,
2026-03-02,0.8338,4.2000,0.9194,
"""
PRESENTMENT = {**settings.COMPTOIR, "FX": {**settings.COMPTOIR.get("FX", {}), "CHARGE_CURRENCY": "presentment"}}


@pytest.fixture(autouse=True)
def ecb_rates():
    rates_cache_clear()
    rates_import(content=RATES, file_name="eurofxref-hist.csv")
    yield
    rates_cache_clear()


@pytest.fixture
def presentment():
    with override_settings(COMPTOIR=PRESENTMENT):
        yield


def offer_in(currency: str, amount: int, *, seller=None):
    seller = seller or make_seller(f"{currency} Shop")
    profile = make_shipping_profile(seller, currency=currency, first_item_amount=490, express=False)
    return make_offer(seller=seller, price_amount=amount, currency=currency, shipping_profile=profile)


def checkout(*offers, currency="GBP", key="k-1", buyer=None):
    with clock.frozen_at(NOON):
        return order_checkout(
            buyer=buyer or make_user(),
            shipping_address=ADDRESS,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1} for offer in offers],
            idempotency_key=key,
            currency=currency,
        )


def assert_ledger_balances_per_currency():
    assert ledger_entries_unbalanced() == []
    report = ledger_verify()
    assert report.ok, report.problems


def test_a_gbp_buyer_pays_in_gbp_for_eur_and_pln_offers_at_rates_frozen_on_the_order(presentment):
    paris, krakow = offer_in("EUR", 2000), offer_in("PLN", 10000)

    outcome = checkout(paris, krakow)

    order = Order.objects.get()
    assert outcome.order_status == "paid"
    assert (order.currency, order.fx_source, order.fx_day) == ("GBP", "ECB", dt.date(2026, 3, 2))
    eur, pln = SellerOrder.objects.filter(order=order).order_by("currency")
    # EUR: 24.90 (20.00 + 4.90 shipping) × 0.8338 = 20.76162 → £20.76; items 16.676 → £16.68
    assert (eur.currency, eur.total_amount, eur.charge_total_amount, eur.charge_items_amount) == (
        "EUR",
        2490,
        2076,
        1668,
    )
    assert eur.fx_rate == Decimal("0.8338")
    # PLN: 104.90 zł × (0.8338 / 4.2000 = 0.198523809524, frozen to 12 places) = 20.825… → £20.83
    assert (pln.currency, pln.total_amount, pln.charge_total_amount) == ("PLN", 10490, 2083)
    assert pln.fx_rate == Decimal("0.198523809524")
    assert (order.total_amount, order.items_amount) == (2076 + 2083, 1668 + 1985)
    payment = Payment.objects.get(order_id=order.pk)
    assert (payment.amount, payment.currency) == (4159, "GBP")
    assert outcome.summary["exchange_rate"] == {"source": "ECB", "day": "2026-03-02"}
    assert {
        row["total"]["currency"]: (row["charged"]["amount"], row["rate"]) for row in outcome.summary["seller_orders"]
    } == {
        "EUR": ("20.76", "0.8338"),
        "PLN": ("20.83", "0.198523809524"),
    }
    # Each seller's escrow in its own currency; the marketplace's FX position and the rounding on fx_gain_loss.
    assert seller_balances(seller=paris.seller)["EUR"]["escrow"].amount == 2490
    assert seller_balances(seller=krakow.seller)["PLN"]["escrow"].amount == 10490
    # £20.83 back into PLN at the frozen rate is 104.92 zł: the seller is credited 104.90, a gain of 0.02 zł.
    assert ledger_balances_by_kind(kind="fx_conversion") == {"GBP": -4159, "EUR": 2490, "PLN": 10492}
    assert ledger_balances_by_kind(kind="fx_gain_loss") == {"PLN": -2}
    assert ledger_balances_by_kind(kind="provider_clearing") == {"GBP": 4159}
    assert_ledger_balances_per_currency()


def test_the_same_key_replays_the_first_outcome_with_its_rate(presentment):
    paris, krakow = offer_in("EUR", 2000), offer_in("PLN", 10000)
    buyer = make_user()
    first = checkout(paris, krakow, buyer=buyer)
    again = checkout(paris, krakow, buyer=buyer)
    assert again.replayed and again.summary == first.summary
    assert Order.objects.count() == 1 and Payment.objects.count() == 1


def test_a_cancelled_seller_order_is_refunded_in_gbp_at_the_frozen_rate(presentment):
    paris, krakow = offer_in("EUR", 2000), offer_in("PLN", 10000)
    checkout(paris, krakow)
    pln = SellerOrder.objects.get(currency="PLN")
    # The ECB publishes a very different rate the next day: the refund still uses the rate frozen on the order.
    rates_import(content=b"Date,GBP,PLN,\n2026-03-03,0.9000,3.9000,\n", file_name="eurofxref-hist.csv")
    rates_cache_clear()

    with clock.frozen_at(NOON + dt.timedelta(days=1)):
        seller_order_cancel(
            seller_order_id=pln.pk, actor=None, actor_role=Actor.SELLER, reason="Out of stock", seller=krakow.seller
        )

    refund = Refund.objects.get()
    assert (refund.amount, refund.currency) == (2083, "GBP")  # exactly what the buyer paid for it
    assert seller_balances(seller=krakow.seller)["PLN"]["escrow"].amount == 0
    # The PLN conversion is undone at the same rate: the position and the gain/loss of that seller order are back to 0.
    assert ledger_balances_by_kind(kind="fx_conversion") == {"GBP": -2076, "EUR": 2490, "PLN": 0}
    assert ledger_balances_by_kind(kind="fx_gain_loss") == {"PLN": 0}
    assert_ledger_balances_per_currency()


def test_the_seller_is_released_and_paid_out_in_its_own_currency(presentment):
    paris, krakow = offer_in("EUR", 2000), offer_in("PLN", 10000)
    checkout(paris, krakow)
    pln = SellerOrder.objects.get(currency="PLN")
    with clock.frozen_at(NOON):
        seller_order_accept(seller=krakow.seller, seller_order_id=pln.pk, actor=None)
        seller_order_ship(
            seller=krakow.seller, seller_order_id=pln.pk, actor=None, carrier="DHL", tracking_number="TRK12345"
        )
        seller_order_mark_delivered(seller_order_id=pln.pk, actor=None, actor_role=Actor.SYSTEM)
    with clock.frozen_at(NOON + dt.timedelta(days=30)):
        seller_order_complete(seller_order_id=pln.pk)
        batch = payout_batch_create(currency="PLN", actor=make_operator())

    pln.refresh_from_db()
    payout = batch.payouts.get()
    assert (payout.seller_id, payout.currency, payout.amount) == (
        krakow.seller.pk,
        "PLN",
        10490 - pln.commission_amount,
    )
    assert seller_balances(seller=krakow.seller)["PLN"]["paid_out"].amount == 10490 - pln.commission_amount
    rows = seller_statement(seller=krakow.seller, currency="PLN")
    assert [row.kind for row in rows] == ["capture", "release", "payout"]
    assert seller_statement(seller=krakow.seller, currency="GBP") == []
    assert_ledger_balances_per_currency()


def test_a_seller_with_a_settlement_currency_is_settled_in_it_even_for_offers_priced_otherwise(presentment):
    seller = make_seller("Zürich Shop")
    seller.settlement_currency = "CHF"
    seller.save(update_fields=["settlement_currency"])
    offer = offer_in("EUR", 2000, seller=seller)

    checkout(offer, currency="EUR")

    seller_order = SellerOrder.objects.get()
    # 20.00 EUR × 0.9194 = 18.388 → 18.39 CHF; shipping 4.90 × 0.9194 = 4.505… → 4.51 CHF
    assert (seller_order.currency, seller_order.items_amount, seller_order.shipping_amount) == ("CHF", 1839, 451)
    # The buyer pays 22.90 CHF × (1 / 0.9194 = 1.087665869045) = 24.9075… → €24.91 (one more rounding than the offer)
    assert (seller_order.charge_total_amount, seller_order.fx_rate) == (2491, Decimal("1.087665869045"))
    assert Order.objects.get().total_amount == 2491
    assert seller_balances(seller=seller)["CHF"]["escrow"].amount == 2290
    assert_ledger_balances_per_currency()


def test_an_order_in_the_offers_currency_writes_no_rate(presentment):
    offer = offer_in("EUR", 2000)
    checkout(offer, currency="eur")
    order = Order.objects.get()
    seller_order = order.seller_orders.get()
    assert (order.currency, order.fx_source, order.fx_day) == ("EUR", "", None)
    assert (seller_order.charge_total_amount, seller_order.fx_rate) == (None, None)
    assert ledger_balances_by_kind(kind="fx_conversion") == {}


def test_without_a_rate_for_the_buyers_currency_the_checkout_is_refused(presentment):
    offer = offer_in("EUR", 2000)
    with pytest.raises(ValidationError) as raised:
        checkout(offer, currency="JPY")
    assert raised.value.code == "no_exchange_rate"
    assert not Order.objects.exists()


def test_an_unknown_currency_code_is_refused(presentment):
    with pytest.raises(ValidationError) as raised:
        checkout(offer_in("EUR", 2000), currency="XXY")
    assert raised.value.code == "unknown_currency"


def test_when_the_operator_charges_in_the_offers_currency_mixed_currencies_are_still_refused():
    paris, krakow = offer_in("EUR", 2000), offer_in("PLN", 10000)
    with pytest.raises(ValidationError) as raised:
        checkout(paris, krakow, currency="GBP")
    assert raised.value.code == "mixed_currencies"
    checkout(paris, currency="GBP")  # charged in the offer's currency: the buyer's currency is only for display
    assert Order.objects.get().currency == "EUR"


def test_a_chargeback_on_a_converted_seller_order_is_refused_not_posted_in_the_wrong_currency(presentment):
    from comptoir.checkout.services import chargeback_record
    from comptoir.core.exceptions import Conflict
    from comptoir.payments.models import JournalEntry

    checkout(offer_in("PLN", 10000))
    entries = JournalEntry.objects.count()
    with pytest.raises(Conflict) as raised:
        chargeback_record(
            seller_order_id=SellerOrder.objects.get().pk, amount=100, reason="fraud", provider_reference="cb-1"
        )
    assert raised.value.code == "converted_chargeback_unsupported"
    assert JournalEntry.objects.count() == entries

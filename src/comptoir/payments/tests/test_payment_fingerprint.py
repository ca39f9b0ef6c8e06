"""The card fingerprint: the sandbox returns a keyed hash of the card number, checkout stores it on the Payment,
and the number itself is stored nowhere."""

from __future__ import annotations

import pytest
from django.db import connection

from comptoir.checkout.services import order_checkout
from comptoir.core.money import Money
from comptoir.payments.models import Payment
from comptoir.payments.providers.sandbox import SandboxProvider, card_fingerprint
from comptoir.payments.selectors import payment_fingerprint_for_order, payment_fingerprints_for_orders
from comptoir.testing.builders import ADDRESS, make_offer, make_user
from comptoir.trust.selectors import payment_fingerprints_for_seller_orders

pytestmark = pytest.mark.django_db

VISA = "4242424242424242"
MASTERCARD = "5555555555554444"


def _pay(offer, card: str, *, buyer=None):
    result = order_checkout(
        buyer=buyer or make_user(),
        shipping_address=ADDRESS,
        payment_method={"card_number": card},
        lines=[{"offer_id": offer.pk, "quantity": 1}],
    )
    return result.order, Payment.objects.get(order=result.order)


@pytest.fixture(params=["one transaction", "charge between two transactions"])
def provider_mode(request, monkeypatch):
    monkeypatch.setattr(SandboxProvider, "is_synchronous_and_local", request.param == "one transaction")
    return request.param


def test_the_sandbox_fingerprint_is_stable_keyed_and_not_the_number(settings):
    # given the same card written with and without spaces
    first = SandboxProvider().charge(
        amount=Money(100, "EUR"), payment_method={"card_number": "4242 4242 4242 4242"}, reference="o-1"
    )
    second = SandboxProvider().charge(amount=Money(100, "EUR"), payment_method={"card_number": VISA}, reference="o-2")
    # then both charges carry the same fingerprint, which does not contain the number
    assert first.payment_fingerprint == second.payment_fingerprint == card_fingerprint(VISA)
    assert first.payment_fingerprint.startswith("sbx_fp_") and VISA not in first.payment_fingerprint
    # and it depends on the key: another SECRET_KEY gives another fingerprint for the same card
    settings.SECRET_KEY = "another-secret-key-for-this-test"
    assert card_fingerprint(VISA) != first.payment_fingerprint
    # and a dedicated key, when configured, is used instead
    settings.COMPTOIR = {**settings.COMPTOIR, "CARD_FINGERPRINT_KEY": "dedicated"}
    with_dedicated = card_fingerprint(VISA)
    settings.SECRET_KEY = "yet-another-secret-key"
    assert card_fingerprint(VISA) == with_dedicated


def test_declined_and_reviewed_charges_carry_the_fingerprint_too():
    declined = SandboxProvider().charge(
        amount=Money(100, "EUR"), payment_method={"card_number": "4000000000000002"}, reference="o-3"
    )
    review = SandboxProvider().charge(
        amount=Money(100, "EUR"), payment_method={"card_number": "4000000000009235"}, reference="o-4"
    )
    assert declined.status == "declined" and declined.payment_fingerprint == card_fingerprint("4000000000000002")
    assert review.status == "review" and review.payment_fingerprint == card_fingerprint("4000000000009235")


def test_the_same_card_gives_the_same_fingerprint_across_buyers_and_another_card_differs(provider_mode):
    # given one offer bought by three buyers, two of them with the same card
    offer = make_offer(stock=10)
    # when they check out
    order_a, payment_a = _pay(offer, VISA, buyer=make_user())
    order_b, payment_b = _pay(offer, "4242 4242 4242 4242", buyer=make_user())
    order_c, payment_c = _pay(offer, MASTERCARD, buyer=make_user())
    # then the shared card is recognisable across buyers, the other card is not confused with it
    assert payment_a.payment_fingerprint and payment_a.payment_fingerprint == payment_b.payment_fingerprint
    assert payment_c.payment_fingerprint and payment_c.payment_fingerprint != payment_a.payment_fingerprint
    # and the selectors read it back for the trust app
    assert payment_fingerprint_for_order(order_a.pk) == payment_a.payment_fingerprint
    assert payment_fingerprints_for_orders([order_a.pk, order_b.pk, order_c.pk]) == {
        order_a.pk: payment_a.payment_fingerprint,
        order_b.pk: payment_b.payment_fingerprint,
        order_c.pk: payment_c.payment_fingerprint,
    }
    assert Payment.objects.filter(payment_fingerprint=payment_a.payment_fingerprint).count() == 2


def test_the_fingerprint_is_found_from_each_seller_order_of_a_split_order():
    # given one order split between two sellers, paid with one card
    first, second = make_offer(stock=5), make_offer(stock=5)
    result = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method={"card_number": VISA},
        lines=[{"offer_id": first.pk, "quantity": 1}, {"offer_id": second.pk, "quantity": 1}],
    )
    seller_order_ids = sorted(result.order.seller_orders.values_list("pk", flat=True))
    # when the trust app looks the fingerprint up by seller order
    fingerprints = payment_fingerprints_for_seller_orders([*seller_order_ids, 987654])
    # then both seller orders carry the card's fingerprint, and an unknown one is left out
    assert len(seller_order_ids) == 2
    assert fingerprints == {seller_order_id: card_fingerprint(VISA) for seller_order_id in seller_order_ids}
    # and the same is read with a subquery of seller order ids instead of a list (no IN-list, whatever its size)
    from comptoir.orders.models import SellerOrder

    assert (
        payment_fingerprints_for_seller_orders(SellerOrder.objects.filter(pk__in=seller_order_ids).values("pk"))
        == fingerprints
    )


def test_an_order_without_a_payment_has_no_fingerprint():
    assert payment_fingerprint_for_order(987654) == ""
    assert payment_fingerprints_for_orders([987654]) == {}


def test_a_declined_checkout_keeps_the_fingerprint_of_the_refused_card(provider_mode):
    offer = make_offer(stock=10)
    _order, payment = _pay(offer, "4000000000009995")
    assert payment.status == "declined"
    assert payment.payment_fingerprint == card_fingerprint("4000000000009995")


def test_the_card_number_is_stored_nowhere_in_the_payment_row(provider_mode):
    # given a paid order
    offer = make_offer(stock=10)
    _order, payment = _pay(offer, MASTERCARD)
    # when every column of its payment row is read straight from the database
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT * FROM {Payment._meta.db_table} WHERE id = %s", [payment.pk])
        row = cursor.fetchone()
    text = "|".join("" if value is None else str(value) for value in row)
    # then neither the number nor its first twelve digits appear; only the last four do
    assert MASTERCARD not in text and MASTERCARD[:12] not in text
    assert payment.card_last4 == "4444"


def test_the_card_number_is_nowhere_in_the_database_after_a_checkout(provider_mode):
    # given a checkout with a distinctive card number
    card = "4000056655665556"
    offer = make_offer(stock=10)
    _pay(offer, card)
    # when every text column of every table is searched for it
    hits = []
    with connection.cursor() as cursor:
        for table in connection.introspection.table_names(cursor):
            columns = [column.name for column in connection.introspection.get_table_description(cursor, table)]
            quoted = connection.ops.quote_name
            cursor.execute(f"SELECT * FROM {quoted(table)}")
            for row in cursor.fetchall():
                for column, value in zip(columns, row, strict=True):
                    if value is not None and card[:12] in str(value):
                        hits.append((table, column))
    # then it is found nowhere (idempotency fingerprints, payments, events and logs all leave it out)
    assert hits == []

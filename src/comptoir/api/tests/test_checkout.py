"""POST /checkout: statuses 201/202/402/409/422/404, idempotent replays, nothing half-written."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.core.models import IdempotencyRecord
from comptoir.offers.models import Offer
from comptoir.orders.models import CartLine, Order
from comptoir.testing.builders import ADDRESS, make_offer, make_seller

pytestmark = pytest.mark.django_db

PAID = {"card_number": "4242424242424242"}
DECLINED = {"card_number": "4000000000000002"}
REVIEW = {"card_number": "4000000000009235"}


def checkout_body(offer, quantity=1, payment=PAID, **overrides):
    body = {"lines": [{"offer_id": offer.pk, "quantity": quantity}], "shipping_address": ADDRESS, "payment": payment}
    body.update(overrides)
    return body


def test_checkout_pays_and_takes_stock(api, buyer_token, offer_a):
    response = api.post("checkout", checkout_body(offer_a, 2), token=buyer_token, headers={"Idempotency-Key": "k1"})

    assert response.status_code == 201
    body = response.json()
    assert body["status"] == "paid"
    assert body["items"] == {"amount": "30.00", "amount_minor": 3000, "currency": "EUR"}
    assert body["seller_orders"][0]["status"] == "placed"
    assert Offer.objects.get(pk=offer_a.pk).stock == 8
    assert "Idempotent-Replayed" not in response


def test_checkout_of_the_cart_empties_it(api, buyer_token, offer_a):
    api.put(f"cart/lines/{offer_a.pk}", {"quantity": 1}, token=buyer_token)

    response = api.post(
        "checkout",
        {"shipping_address": ADDRESS, "payment": PAID, "shipping": {str(offer_a.seller_id): "express"}},
        token=buyer_token,
        headers={"Idempotency-Key": "cart-1"},
    )

    assert response.status_code == 201
    assert response.json()["shipping"]["amount_minor"] == 1470
    assert not CartLine.objects.exists()


def test_same_key_and_body_replays_the_first_response(api, buyer_token, offer_a):
    first = api.post("checkout", checkout_body(offer_a), token=buyer_token, headers={"Idempotency-Key": "k1"})

    second = api.post("checkout", checkout_body(offer_a), token=buyer_token, headers={"Idempotency-Key": "k1"})

    assert second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert second.json() == first.json()
    assert Order.objects.count() == 1
    assert Offer.objects.get(pk=offer_a.pk).stock == 9


def test_same_key_with_another_body_is_refused(api, buyer_token, offer_a):
    api.post("checkout", checkout_body(offer_a), token=buyer_token, headers={"Idempotency-Key": "k1"})

    response = api.post("checkout", checkout_body(offer_a, 3), token=buyer_token, headers={"Idempotency-Key": "k1"})

    assert_problem(response, 422, "idempotency_key_reused")
    assert Order.objects.count() == 1


def test_idempotency_key_is_required(api, buyer_token, offer_a):
    body = assert_problem(api.post("checkout", checkout_body(offer_a), token=buyer_token), 422)

    assert "Idempotency-Key" in body["errors"]
    assert not Order.objects.exists()


def test_declined_payment_is_402_with_the_order_and_returns_the_stock(api, buyer_token, offer_a):
    response = api.post(
        "checkout", checkout_body(offer_a, 2, DECLINED), token=buyer_token, headers={"Idempotency-Key": "d1"}
    )

    body = assert_problem(response, 402, "payment_declined")
    assert body["order"]["status"] == "payment_failed"
    assert Offer.objects.get(pk=offer_a.pk).stock == 10
    replay = api.post(
        "checkout", checkout_body(offer_a, 2, DECLINED), token=buyer_token, headers={"Idempotency-Key": "d1"}
    )
    assert replay.status_code == 402 and replay["Idempotent-Replayed"] == "true"


def test_payment_review_is_202(api, buyer_token, offer_a):
    response = api.post(
        "checkout", checkout_body(offer_a, 1, REVIEW), token=buyer_token, headers={"Idempotency-Key": "r1"}
    )

    assert response.status_code == 202
    assert response.json()["status"] == "payment_review"


def test_insufficient_stock_is_409_and_nothing_is_written(api, buyer_token, seller_a):
    plenty = make_offer(seller=seller_a.seller, stock=50)
    scarce = make_offer(seller=make_seller(), stock=1)
    body = {
        "lines": [{"offer_id": plenty.pk, "quantity": 5}, {"offer_id": scarce.pk, "quantity": 2}],
        "shipping_address": ADDRESS,
        "payment": PAID,
    }

    response = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "s1"})

    problem = assert_problem(response, 409, "insufficient_stock")
    assert problem["offer_ids"] == [scarce.pk]
    assert not Order.objects.exists()
    assert Offer.objects.get(pk=plenty.pk).stock == 50
    assert not IdempotencyRecord.objects.exists()


def test_unknown_offer_is_404(api, buyer_token):
    response = api.post(
        "checkout",
        {"lines": [{"offer_id": 987654, "quantity": 1}], "shipping_address": ADDRESS, "payment": PAID},
        token=buyer_token,
        headers={"Idempotency-Key": "u1"},
    )

    assert_problem(response, 404, "offer_unavailable")
    assert not Order.objects.exists()


@pytest.mark.parametrize(
    "change, field",
    [
        ({"lines": [{"offer_id": "1", "quantity": 1}]}, "lines[0].offer_id"),
        ({"lines": [{"offer_id": 1, "quantity": 0}]}, "lines[0].quantity"),
        ({"lines": [{"offer_id": 1, "quantity": -3}]}, "lines[0].quantity"),
        ({"lines": [{"offer_id": 1, "quantity": 2.5}]}, "lines[0].quantity"),
        ({"lines": []}, "lines"),
        ({"shipping_address": {**ADDRESS, "country": "ZZ"}}, "shipping_address.country"),
        ({"shipping_address": {"name": "X"}}, "shipping_address.street"),
        ({"payment": {"card_number": "1234"}}, "payment.card_number"),
        ({"payment": "cash"}, "payment"),
        ({"shipping": {"abc": "express"}}, "shipping"),
    ],
)
def test_invalid_input_is_422_with_the_field_and_nothing_is_written(api, buyer_token, offer_a, change, field):
    body = {**checkout_body(offer_a), **change}
    if "lines" in change and change["lines"] and change["lines"][0]["offer_id"] == 1:
        body["lines"] = [{**change["lines"][0], "offer_id": offer_a.pk}]

    response = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "bad"})

    problem = assert_problem(response, 422)
    assert field in problem["errors"], problem
    # (a card the provider refuses leaves a failed order behind, never one holding stock or awaiting payment)
    assert not Order.objects.exclude(status="payment_failed").exists()
    assert Offer.objects.get(pk=offer_a.pk).stock == 10


def test_malformed_json_is_400(api, buyer_token):
    assert_problem(
        api.post("checkout", raw='{"lines": [', token=buyer_token, headers={"Idempotency-Key": "m"}),
        400,
        "malformed_json",
    )


def test_checkout_needs_a_buyer(api, seller_a, offer_a):
    assert_problem(api.post("checkout", checkout_body(offer_a), headers={"Idempotency-Key": "a"}), 401)
    assert_problem(
        api.post("checkout", checkout_body(offer_a), token=seller_a.key, headers={"Idempotency-Key": "a"}), 403
    )


@pytest.mark.django_db(transaction=True)
def test_checkout_and_replay_outside_a_test_transaction(api, buyer_token, offer_a):
    # The services open durable transactions; here nothing wraps the request, as in production.
    first = api.post("checkout", checkout_body(offer_a, 3), token=buyer_token, headers={"Idempotency-Key": "real-1"})
    replay = api.post("checkout", checkout_body(offer_a, 3), token=buyer_token, headers={"Idempotency-Key": "real-1"})

    assert first.status_code == replay.status_code == 201
    assert replay["Idempotent-Replayed"] == "true"
    assert Order.objects.count() == 1
    assert Offer.objects.get(pk=offer_a.pk).stock == 7


def test_checkout_in_the_buyers_currency_returns_the_amounts_and_the_frozen_rate(api, buyer_token):
    import datetime as dt

    from django.conf import settings
    from django.test import override_settings

    from comptoir.core import clock
    from comptoir.currencies.selectors import rates_cache_clear
    from comptoir.currencies.services import rates_import
    from comptoir.testing.builders import make_shipping_profile

    rates_cache_clear()
    rates_import(content=b"Date,GBP,PLN,\n2026-03-02,0.8338,4.2000,\n", file_name="eurofxref-hist.csv")
    seller = make_seller("Kraków Shop")
    profile = make_shipping_profile(seller, currency="PLN", first_item_amount=490, express=False)
    offer = make_offer(seller=seller, price_amount=10000, currency="PLN", shipping_profile=profile)
    presentment = {**settings.COMPTOIR, "FX": {**settings.COMPTOIR["FX"], "CHARGE_CURRENCY": "presentment"}}
    with override_settings(COMPTOIR=presentment), clock.frozen_at(dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC)):
        response = api.post(
            "checkout", checkout_body(offer, currency="gbp"), token=buyer_token, headers={"Idempotency-Key": "fx-1"}
        )
        assert response.status_code == 201, response.json()
        body = response.json()
        assert (body["currency"], body["total"]["amount"]) == ("GBP", "20.83")
        assert body["exchange_rate"] == {"source": "ECB", "day": "2026-03-02"}
        (part,) = body["seller_orders"]
        assert part["total"]["currency"] == "PLN" and part["charged"]["amount_minor"] == 2083
        assert part["rate"] == "0.198523809524"

        order = api.get(f"orders/{body['number']}", token=buyer_token)
        assert order.status_code == 200, order.json()
        shown = order.json()
        assert shown["exchange_rate"] == {"source": "ECB", "day": "2026-03-02"}
        assert shown["seller_orders"][0]["charged"] == {"amount": "20.83", "amount_minor": 2083, "currency": "GBP"}
        assert shown["seller_orders"][0]["exchange_rate"] == "0.198523809524"
    rates_cache_clear()

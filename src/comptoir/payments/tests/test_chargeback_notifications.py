"""POST /api/v1/payments/notifications/sandbox: signed provider notifications of chargebacks."""

import datetime as dt
import json

import pytest
from django.urls import reverse

from comptoir.api.tests.conftest import Api, assert_problem
from comptoir.core import clock
from comptoir.orders.models import SellerOrderEvent
from comptoir.payments.models import Chargeback, JournalEntry
from comptoir.payments.providers.sandbox import SIGNATURE_HEADER, notification_signature
from comptoir.payments.tests.conftest import checkout, seller_order_of
from comptoir.payments.verify import ledger_verify
from comptoir.sellers.models import ALL_SCOPES
from comptoir.sellers.services import seller_api_key_create

pytestmark = pytest.mark.django_db
SECRET = "whsec_test_sandbox"
PATH = "payments/notifications/sandbox"
NOW = dt.datetime(2026, 5, 4, 12, 0, tzinfo=dt.UTC)


@pytest.fixture(autouse=True)
def webhook_secret(settings):
    settings.COMPTOIR_SANDBOX_WEBHOOK_SECRET = SECRET


@pytest.fixture
def paid(marketplace):
    order = checkout([(marketplace["offer_a"], 2)])
    return order, seller_order_of(order, marketplace["seller_a"])


def notification(of, **overrides) -> dict:
    payment = of.order.payments.get()
    return {
        "type": "chargeback",
        "reference": "dp_case_1",
        "payment_reference": payment.provider_reference,
        "amount": 800,
        "currency": "EUR",
        "reason": "fraudulent",
        **overrides,
    }


def send(body, *, secret=SECRET, signed_at=NOW, now=NOW, header=None, raw=None):
    raw = raw if raw is not None else json.dumps(body).encode()
    headers = (
        {}
        if header is False
        else {
            SIGNATURE_HEADER: header
            or notification_signature(secret=secret, timestamp=int(signed_at.timestamp()), body=raw)
        }
    )
    with clock.frozen_at(now):
        return Api().post(PATH, raw=raw, headers=headers)


def test_a_signed_chargeback_notification_is_recorded(paid):
    # given a paid order with one seller order
    _order, seller_order = paid

    # when the sandbox provider notifies a chargeback, signed a minute ago
    response = send(notification(seller_order), signed_at=NOW - dt.timedelta(minutes=1))

    # then it is recorded and answered with the chargeback
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["reference"], body["seller_order"], body["amount"]["amount_minor"], body["provider"]) == (
        "dp_case_1",
        seller_order.number,
        800,
        "sandbox",
    )
    assert "Idempotent-Replayed" not in response
    chargeback = Chargeback.objects.get()
    assert (chargeback.seller_order_id, chargeback.source) == (seller_order.pk, "provider")
    assert SellerOrderEvent.objects.get(action="chargeback").actor_role == "system"
    assert ledger_verify().ok


def test_a_retried_notification_answers_the_same_and_changes_nothing(paid):
    _order, seller_order = paid
    first = send(notification(seller_order))

    again = send(notification(seller_order), signed_at=NOW + dt.timedelta(minutes=2), now=NOW + dt.timedelta(minutes=2))

    assert again.status_code == 200
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert (
        Chargeback.objects.count(),
        JournalEntry.objects.filter(kind="chargeback").count(),
        SellerOrderEvent.objects.filter(action="chargeback").count(),
    ) == (1, 1, 1)


@pytest.mark.parametrize("case", ["wrong_secret", "tampered_body", "missing", "garbage", "stale", "future"])
def test_an_unsigned_forged_or_stale_notification_is_refused(paid, case):
    # given a valid notification
    _order, seller_order = paid
    body = notification(seller_order)

    # when it arrives with a bad signature
    if case == "wrong_secret":
        response, code = send(body, secret="someone-else"), "invalid_signature"
    elif case == "tampered_body":
        signed = json.dumps(body).encode()
        header = notification_signature(secret=SECRET, timestamp=int(NOW.timestamp()), body=signed)
        response, code = send(None, raw=json.dumps({**body, "amount": 1}).encode(), header=header), "invalid_signature"
    elif case == "missing":
        response, code = send(body, header=False), "signature_required"
    elif case == "garbage":
        response, code = send(body, header="v1=abc"), "invalid_signature"
    elif case == "stale":
        response, code = send(body, signed_at=NOW - dt.timedelta(minutes=5, seconds=1)), "stale_signature"
    else:
        response, code = send(body, signed_at=NOW + dt.timedelta(minutes=6)), "stale_signature"

    # then 403 problem+json and nothing recorded
    assert_problem(response, 403, code)
    assert not Chargeback.objects.exists()


def test_without_a_configured_secret_every_notification_is_refused(paid, settings):
    settings.COMPTOIR_SANDBOX_WEBHOOK_SECRET = ""
    _order, seller_order = paid
    assert_problem(send(notification(seller_order), secret=""), 403, "notifications_not_configured")


@pytest.mark.parametrize(
    "overrides, field",
    [
        ({"type": "refund"}, "type"),
        ({"amount": "800"}, "amount"),
        ({"amount": 0}, "amount"),
        ({"reference": ""}, "reference"),
        ({"reason": None}, "reason"),
        ({"payment_reference": ""}, "payment_reference"),
    ],
)
def test_an_invalid_body_is_refused_with_422(paid, overrides, field):
    _order, seller_order = paid
    body = assert_problem(send(notification(seller_order, **overrides)), 422)
    assert field in body["errors"]
    assert not Chargeback.objects.exists()


def test_a_body_that_is_not_json_is_refused_with_422(paid):
    assert_problem(send(None, raw=b"not json"), 422, "invalid_notification")


def test_an_amount_above_the_payment_or_another_currency_is_refused(paid):
    _order, seller_order = paid
    too_much = assert_problem(
        send(notification(seller_order, amount=seller_order.total_amount + 1)), 422, "chargeback_exceeds_captured"
    )
    assert "amount" in too_much["errors"]
    assert_problem(send(notification(seller_order, currency="USD")), 422, "currency_mismatch")
    assert not Chargeback.objects.exists()


def test_an_unknown_payment_or_seller_order_is_404(paid):
    _order, seller_order = paid
    assert_problem(send(notification(seller_order, payment_reference="sbx_ch_unknown")), 404, "payment_not_found")
    assert_problem(
        send(notification(seller_order, payment_reference="", seller_order="CO-NOPE-1")), 404, "seller_order_not_found"
    )
    assert_problem(Api().post("payments/notifications/nosuchprovider", raw=b"{}"), 404)


def test_a_payment_of_several_sellers_needs_the_seller_order_number(marketplace):
    # given one payment covering two sellers' seller orders
    order = checkout([(marketplace["offer_a"], 1), (marketplace["offer_b"], 1)])
    seller_order_b = seller_order_of(order, marketplace["seller_b"])

    # when the notification names only the payment: refused; with the seller order: recorded on it
    assert_problem(send(notification(seller_order_b)), 422, "seller_order_required")
    response = send(notification(seller_order_b, seller_order=seller_order_b.number))

    assert response.status_code == 200, response.content
    assert Chargeback.objects.get().seller_order_id == seller_order_b.pk
    other = checkout([(marketplace["offer_a"], 1)])
    mismatch = send(
        notification(
            seller_order_b, reference="dp_case_2", seller_order=seller_order_of(other, marketplace["seller_a"]).number
        )
    )
    assert_problem(mismatch, 422, "seller_order_mismatch")


def test_a_seller_cannot_record_a_chargeback_through_the_api(paid, marketplace):
    # given a seller with an all-scope API key
    seller = marketplace["seller_a"]
    _record, key = seller_api_key_create(
        seller=seller, actor=seller.members.get().user, name="all", scopes=list(ALL_SCOPES)
    )
    _order, seller_order = paid

    # when it posts a notification with its key but without the provider's signature
    response = Api().post(PATH, notification(seller_order), token=key)

    # then it is refused, and no seller endpoint records chargebacks
    assert_problem(response, 403, "signature_required")
    assert not Chargeback.objects.exists()
    paths = Api().get("openapi.json").json()["paths"]
    assert [path for path in paths if "chargeback" in path or "notifications" in path] == [
        "/api/v1/payments/notifications/{provider}"
    ]
    assert not any("payments" in path for path in paths if path.startswith("/api/v1/seller"))
    assert (
        reverse("api-v1:provider_notification", kwargs={"provider": "sandbox"})
        == "/api/v1/payments/notifications/sandbox"
    )

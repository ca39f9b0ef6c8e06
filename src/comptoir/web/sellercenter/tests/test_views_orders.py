"""Orders: filters, late highlighting, detail and every seller action through the orders services."""

import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.services import (
    seller_order_accept,
    seller_order_mark_delivered,
    seller_order_request_return,
    seller_order_ship,
)
from comptoir.web.sellercenter.tests.support import order_of

pytestmark = pytest.mark.django_db


def _numbers(response):
    return {row["order"].number for row in response.context["rows"]}


def _accepted(seller_setup):
    seller_order = order_of(seller_setup["offer"])
    seller_order_accept(seller=seller_setup["seller"], seller_order_id=seller_order.pk, actor=seller_setup["owner"])
    return seller_order


def _returned_by_buyer(seller_setup):
    seller_order = _accepted(seller_setup)
    seller_order_ship(
        seller=seller_setup["seller"],
        seller_order_id=seller_order.pk,
        actor=seller_setup["owner"],
        carrier="DHL",
        tracking_number="JD0001112223",
    )
    seller_order_mark_delivered(
        seller=seller_setup["seller"],
        seller_order_id=seller_order.pk,
        actor=seller_setup["owner"],
        actor_role=Actor.SELLER,
    )
    seller_order_request_return(
        buyer=seller_order.order.buyer, seller_order_id=seller_order.pk, return_reason="damaged"
    )
    return seller_order


def test_status_filters_and_the_late_filter(owner_client, seller_setup):
    late = order_of(seller_setup["offer"], at=clock.now() - dt.timedelta(days=8))
    placed = order_of(seller_setup["offer"])
    accepted = _accepted(seller_setup)
    assert _numbers(owner_client.get("/seller/orders/?status=placed")) == {late.number, placed.number}
    assert _numbers(owner_client.get("/seller/orders/?status=accepted")) == {accepted.number}
    assert _numbers(owner_client.get("/seller/orders/?status=late")) == {late.number}
    assert _numbers(owner_client.get("/seller/orders/?status=bogus")) == {late.number, placed.number, accepted.number}
    page = owner_client.get("/seller/orders/")
    assert [row["is_late"] for row in page.context["rows"] if row["order"].number == late.number] == [True]
    assert page.content.decode().count('class="row--alert"') == 1


def test_accept_then_ship_with_a_tracking_number(owner_client, seller_setup):
    seller_order = order_of(seller_setup["offer"])
    detail = owner_client.get(f"/seller/orders/{seller_order.number}/")
    assert "Accept the order" in detail.content.decode()
    response = owner_client.post(f"/seller/orders/{seller_order.number}/accept", follow=True)
    assert f"Order {seller_order.number} accepted" in response.content.decode()
    response = owner_client.post(
        f"/seller/orders/{seller_order.number}/ship",
        {"carrier": "colissimo", "tracking_number": "6a 1234 5678 901"},
        follow=True,
    )
    seller_order.refresh_from_db()
    assert (seller_order.status, seller_order.carrier, seller_order.tracking_number) == (
        "shipped",
        "La Poste / Colissimo",
        "6A12345678901",
    )
    assert "marked as shipped" in response.content.decode()
    # the tracking number links to the carrier's tracking page (issue 10 item 17)
    assert (
        '<a class="tracking-link" href="https://www.laposte.fr/outils/suivre-vos-envois?code=6A12345678901"'
        in response.content.decode()
    )


def test_a_bad_tracking_number_is_explained_next_to_the_field(owner_client, seller_setup):
    seller_order = _accepted(seller_setup)
    response = owner_client.post(
        f"/seller/orders/{seller_order.number}/ship", {"carrier": "colissimo", "tracking_number": "12-!"}
    )
    assert response.status_code == 422
    assert response.context["ship_form"].errors["tracking_number"] == [
        "A tracking number has 5 to 40 letters or digits."
    ]
    seller_order.refresh_from_db()
    assert seller_order.status == "accepted"


def test_shipping_an_order_not_yet_accepted_is_a_friendly_message(owner_client, seller_setup):
    seller_order = order_of(seller_setup["offer"])
    response = owner_client.post(
        f"/seller/orders/{seller_order.number}/ship", {"carrier": "dhl", "tracking_number": "JD0123456789"}, follow=True
    )
    assert "This action is not possible for an order in this state." in response.content.decode()
    seller_order.refresh_from_db()
    assert seller_order.status == "placed"


def test_cancel_needs_a_reason_and_refunds_and_restocks(owner_client, seller_setup):
    seller_order = order_of(seller_setup["offer"], quantity=2)
    missing = owner_client.post(f"/seller/orders/{seller_order.number}/cancel", {"reason": ""})
    assert missing.status_code == 422
    assert missing.context["cancel_form"].errors["reason"] == ["This field is required."]
    owner_client.post(f"/seller/orders/{seller_order.number}/cancel", {"reason": "Broken in our warehouse."})
    seller_order.refresh_from_db()
    seller_setup["offer"].refresh_from_db()
    assert (seller_order.status, seller_order.cancel_reason, seller_order.refunded_amount) == (
        "cancelled",
        "Broken in our warehouse.",
        seller_order.total_amount,
    )
    assert seller_setup["offer"].stock == 12


def test_mark_delivered(owner_client, seller_setup):
    seller_order = _accepted(seller_setup)
    seller_order_ship(
        seller=seller_setup["seller"],
        seller_order_id=seller_order.pk,
        actor=seller_setup["owner"],
        carrier="DHL",
        tracking_number="JD0001112223",
    )
    owner_client.post(f"/seller/orders/{seller_order.number}/deliver")
    seller_order.refresh_from_db()
    assert seller_order.status == "delivered"


@pytest.mark.parametrize("restock, expected_stock", [("on", 12), ("", 11)])
def test_receive_a_return_with_or_without_restocking_then_refund(owner_client, seller_setup, restock, expected_stock):
    seller_order = _returned_by_buyer(seller_setup)
    owner_client.post(f"/seller/orders/{seller_order.number}/receive-return", {"restock": restock})
    seller_order.refresh_from_db()
    seller_setup["offer"].refresh_from_db()
    assert (seller_order.status, seller_setup["offer"].stock) == ("returned", expected_stock)
    response = owner_client.post(f"/seller/orders/{seller_order.number}/refund", follow=True)
    seller_order.refresh_from_db()
    assert (seller_order.status, seller_order.refunded_amount) == ("refunded", seller_order.total_amount)
    assert "refunded" in response.content.decode()


def test_an_unknown_action_is_not_found(owner_client, seller_setup):
    seller_order = order_of(seller_setup["offer"])
    assert owner_client.post(f"/seller/orders/{seller_order.number}/explode").status_code == 404
    assert owner_client.get(f"/seller/orders/{seller_order.number}/accept").status_code == 405


def test_the_detail_shows_lines_address_history_and_only_possible_actions(owner_client, seller_setup):
    seller_order = _accepted(seller_setup)
    page = owner_client.get(f"/seller/orders/{seller_order.number}/")
    content = page.content.decode()
    assert set(page.context["actions"]) == {"ship", "cancel"}
    assert (
        "Mark as shipped" in content
        and "Accept the order" not in content
        and "Marie Curie" in content
        and "MUG-001" in content
    )
    assert [item["label"] for item in page.context["events"]] == ["Order placed", "Payment received", "Accepted"]


def test_the_order_page_in_french(owner_client, seller_setup):
    seller_order = _accepted(seller_setup)
    owner_client.cookies["django_language"] = "fr"
    content = owner_client.get(f"/seller/orders/{seller_order.number}/").content.decode()
    assert "Marquer comme expédiée" in content and "Numéro de suivi" in content and "14,90\xa0€" in content


def test_a_declined_checkout_is_not_an_order_for_the_seller(owner_client, seller_setup):
    # given a paid order and a checkout whose card was declined, both for this seller's offer
    from comptoir.checkout.services import order_checkout
    from comptoir.testing.builders import ADDRESS, CARD_DECLINED, make_user

    paid = order_of(seller_setup["offer"])
    declined = order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_DECLINED,
        lines=[{"offer_id": seller_setup["offer"].pk, "quantity": 1}],
        idempotency_key="declined-attempt",
    )
    attempt = declined.order.seller_orders.get()

    # then the lists, the cancelled filter and the detail page leave the attempt out
    assert _numbers(owner_client.get("/seller/orders/")) == {paid.number}
    assert _numbers(owner_client.get("/seller/orders/?status=cancelled")) == set()
    assert owner_client.get(f"/seller/orders/{attempt.number}/").status_code == 404


def test_the_seller_sets_a_return_address_then_accepts_a_return(owner_client, seller_setup):
    # given a requested return and no return address yet
    seller_order = _returned_by_buyer(seller_setup)
    detail = owner_client.get(f"/seller/orders/{seller_order.number}/").content.decode()
    assert "Set your return address before accepting this return." in detail
    refused = owner_client.post(f"/seller/orders/{seller_order.number}/accept-return")
    assert refused["Location"] == "/seller/orders/return-address"

    # when the seller saves an address (a bad one first) and accepts
    bad = owner_client.post("/seller/orders/return-address", {"name": "Shop", "country": "F"})
    assert bad.status_code == 422
    owner_client.post(
        "/seller/orders/return-address",
        {
            "name": "Atelier Retours",
            "street": "2 quai du Port",
            "postal_code": "13002",
            "city": "Marseille",
            "country": "FR",
            "instructions": "Mark the parcel RETURN.",
        },
    )
    owner_client.post(f"/seller/orders/{seller_order.number}/accept-return")

    # then the return is accepted with a copy of the address, and the page says so
    seller_order.return_request.refresh_from_db()
    assert seller_order.return_request.return_address["city"] == "Marseille"
    page = owner_client.get(f"/seller/orders/{seller_order.number}/").content.decode()
    assert "the buyer sees your return address and instructions" in page
    french = owner_client.get("/seller/orders/return-address", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Adresse de retour" in french and 'value="Marseille"' in french


def test_the_carrier_is_chosen_from_the_list_or_typed_in(owner_client, seller_setup):
    # given an accepted order, whose ship form lists the carriers
    seller_order = _accepted(seller_setup)
    form = owner_client.get(f"/seller/orders/{seller_order.number}/").content.decode()
    assert '<option value="chronopost">Chronopost</option>' in form and '<option value="other">' in form

    # when the seller picks "another carrier" without its name, then with it
    url = f"/seller/orders/{seller_order.number}/ship"
    missing = owner_client.post(url, {"carrier": "other", "tracking_number": "LY123456789"})
    owner_client.post(url, {"carrier": "other", "carrier_other": "Coursier Lyonnais", "tracking_number": "LY123456789"})

    # then the name is asked for, then stored as typed, and the number is shown without a link
    assert missing.status_code == 422 and missing.context["ship_form"].errors["carrier_other"]
    seller_order.refresh_from_db()
    assert (seller_order.carrier, seller_order.tracking_url) == ("Coursier Lyonnais", None)
    detail = owner_client.get(f"/seller/orders/{seller_order.number}/").content.decode()
    assert "<code>LY123456789</code>" in detail and "tracking-link" not in detail

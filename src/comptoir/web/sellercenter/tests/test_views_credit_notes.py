"""The seller center's credit-note form on a released order's page (checkout.services.seller_order_credit): units per
line and the shipping given back, errors next to the fields, one note per submitted form, another seller's order 404."""

import pytest

from comptoir.checkout.services import seller_order_complete
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import CreditNote
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import Refund
from comptoir.testing.builders import make_operator
from comptoir.web.sellercenter.tests.support import offer_of, order_of, shop

pytestmark = pytest.mark.django_db


def released(seller_setup, *, quantity: int = 3):
    seller, owner = seller_setup["seller"], seller_setup["owner"]
    seller_order = order_of(seller_setup["offer"], quantity=quantity)
    seller_order_accept(seller=seller, seller_order_id=seller_order.pk, actor=owner)
    seller_order_ship(
        seller=seller, seller_order_id=seller_order.pk, actor=owner, carrier="DHL", tracking_number="JD0001112223"
    )
    seller_order_mark_delivered(seller=seller, seller_order_id=seller_order.pk, actor=owner, actor_role=Actor.SELLER)
    seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
    seller_order.refresh_from_db()
    return seller_order


def url(seller_order) -> str:
    return f"/seller/orders/{seller_order.number}/credit-notes"


def test_the_form_shows_on_released_orders_only(owner_client, seller_setup):
    placed = order_of(seller_setup["offer"])
    done = released(seller_setup)

    assert owner_client.get(f"/seller/orders/{placed.number}/").context["credit_form"] is None
    page = owner_client.get(f"/seller/orders/{done.number}/")
    form = page.context["credit_form"]
    line = done.lines.get()
    assert form is not None and form.fields[f"line_{line.pk}"].max_value == 3
    assert "shipping" in form.fields and 'id="credit-notes"' in page.content.decode()


def test_a_partial_credit_note_by_htmx_swaps_the_card_and_a_second_submission_issues_nothing(
    owner_client, seller_setup
):
    seller_order = released(seller_setup)  # 3 x 14.90
    line = seller_order.lines.get()
    data = {f"line_{line.pk}": "2", "reason": "Two mugs broken", "key": "form-1"}

    first = owner_client.post(url(seller_order), data, HTTP_HX_REQUEST="true")
    again = owner_client.post(url(seller_order), data, HTTP_HX_REQUEST="true")

    assert first.status_code == 200 and again.status_code == 200
    note = CreditNote.objects.get(seller_order=seller_order)
    assert (note.number, note.gross_amount, note.reason) == (f"{seller_order.number}-C1", 2980, "Two mugs broken")
    assert "issued" in first.content.decode() and "already issued" in again.content.decode()
    assert first.templates[0].name == "sellercenter/orders/_credit_notes.html"
    assert Refund.objects.filter(seller_order_id=seller_order.pk).count() == 1
    seller_order.refresh_from_db()
    assert seller_order.refunded_amount == 2980
    # One unit is left to refund: the new form allows at most that.
    assert first.context["credit_form"].fields[f"line_{line.pk}"].max_value == 1


def test_errors_are_shown_next_to_the_fields_and_nothing_is_refunded(owner_client, seller_setup):
    seller_order = released(seller_setup)
    line = seller_order.lines.get()

    nothing = owner_client.post(url(seller_order), {"key": "k1", "reason": ""}, HTTP_HX_REQUEST="true")
    too_many = owner_client.post(url(seller_order), {f"line_{line.pk}": "4", "key": "k2"})

    assert nothing.status_code == 200  # htmx swaps 2xx answers: the card comes back with its error
    assert "Choose at least one unit or the shipping to refund." in nothing.content.decode()
    assert too_many.status_code == 422
    assert too_many.context["credit_form"].errors[f"line_{line.pk}"]
    assert CreditNote.objects.filter(seller_order=seller_order).count() == 0


def test_the_shipping_alone_and_without_htmx_redirects_with_a_message(owner_client, seller_setup):
    seller_order = released(seller_setup)

    response = owner_client.post(url(seller_order), {"shipping": "on", "key": "ship-1"}, follow=True)

    note = CreditNote.objects.get(seller_order=seller_order)
    assert [line.kind for line in note.lines.all()] == ["shipping"]
    assert note.gross_amount == seller_order.shipping_amount
    assert response.redirect_chain[-1][0] == f"/seller/orders/{seller_order.number}/"
    assert note.number in response.content.decode()


def test_another_sellers_order_is_not_found(client, seller_setup):
    seller_order = released(seller_setup)
    other_seller, other_owner, profile = shop("Other shop")
    offer_of(other_seller, profile, sku="OTHER-1")
    client.force_login(other_owner)

    response = client.post(url(seller_order), {"shipping": "on", "key": "x"})

    assert response.status_code == 404
    assert CreditNote.objects.count() == 0


def test_a_chargeback_note_is_in_the_card_before_the_release_and_a_full_one_leaves_nothing_to_refund(
    owner_client, seller_setup
):
    from comptoir.checkout.services import chargeback_record

    # Given an order charged back in part before its release: the card shows its note, without a form.
    placed = order_of(seller_setup["offer"])
    chargeback_record(seller_order_id=placed.pk, amount=1000, reason="Not received", provider_reference="CB-7")
    page = owner_client.get(f"/seller/orders/{placed.number}/")
    body = page.content.decode()
    assert page.context["credit_form"] is None
    assert [note.kind for note in page.context["credit_notes"]] == ["chargeback"]
    assert 'id="credit-notes"' in body and f"{placed.number}-C1" in body and "Chargeback" in body

    # Given a released order charged back in full: every line was given back, the form is gone and the service
    # refuses a refund with the reason.
    done = released(seller_setup)
    chargeback_record(seller_order_id=done.pk, amount=done.total_amount, reason="Fraudulent", provider_reference="CB-8")
    assert owner_client.get(f"/seller/orders/{done.number}/").context["credit_form"] is None
    line = done.lines.get()
    refused = owner_client.post(url(done), {f"line_{line.pk}": "1", "reason": "", "key": "form-9"})
    assert refused.status_code == 422
    assert CreditNote.objects.filter(seller_order=done).count() == 1

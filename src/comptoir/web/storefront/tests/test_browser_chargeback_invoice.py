"""The buyer's invoice page in a real browser after a chargeback on a released order (docs/TAXES.md, "Chargebacks
after the release"): the chargeback's credit note is shown under the invoice, each line with its share and its VAT."""

import datetime as dt

import pytest

from comptoir.checkout.services import chargeback_record, order_checkout, seller_order_complete
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import CreditNote
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.verify import ledger_verify
from comptoir.search.tests.support import committed
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_buyer_sees_the_credit_note_of_a_chargeback_on_the_invoice(browser_page, live_server):
    # Given a French buyer's released order of a Spanish seller's lamp (121.00 incl. 21 % ES VAT + 4.90 shipping)
    with committed():
        make_vat_rates({"FR": 2000, "ES": 2100}, imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC))
        seller = make_seller("Tienda Sol", country="ES")
        offer = make_offer(
            seller=seller,
            product=make_product("Lámpara de latón"),
            price_amount=12100,
            ships_from_country="ES",
            shipping_profile=make_shipping_profile(seller, first_item_amount=490, express=False),
        )
        buyer = make_user()
        outcome = order_checkout(
            buyer=buyer,
            shipping_address={
                "name": "Anne Buyer",
                "street": "1 Rue des Écoles",
                "postal_code": "75005",
                "city": "Paris",
                "country": "FR",
            },
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
        )
        seller_order = outcome.order.seller_orders.get()
        owner = seller.members.get().user
        seller_order_accept(seller_order_id=seller_order.pk, actor=owner, seller=seller)
        seller_order_ship(
            seller_order_id=seller_order.pk, actor=owner, carrier="UPS", tracking_number="1Z999", seller=seller
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())
        # When the card issuer takes 50.00 back after the release
        chargeback_record(
            seller_order_id=seller_order.pk,
            amount=5000,
            reason="Goods not as described",
            provider_reference="CB-2026-0099",
        )
    note = CreditNote.objects.get(seller_order=seller_order)
    page = browser_page
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.set_viewport_size({"width": 1280, "height": 900})
    login_browser(page, live_server, buyer)

    page.goto(f"{live_server.url}/account/orders/{outcome.order.number}/invoices/{seller_order.number}")

    # Then the invoice shows the chargeback's credit note: the lamp's share 48.05 (8.34 VAT at 21 %), the delivery's
    # 1.95 (0.34), −50.00 charged back in all
    card = page.locator(f"#credit-note-{note.number}")
    text = card.inner_text()
    assert f"Credit note {note.number} (invoice {seller_order.number})" in text
    assert "Chargeback" in text and "Goods not as described" in text and "charged back" in text.lower()
    assert "−€48.05" in text and "−€1.95" in text and "−€50.00" in text
    assert "21 % (ES)" in text
    save_screenshot(page, "invoice-chargeback-credit-note")
    assert ledger_verify().ok

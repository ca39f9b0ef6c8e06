"""A payment captured before the order is written (a provider answering in-process): `order_write(paid_reference=…)`
and `payment_captured_at_placement` store, row for row and field by field, what an order written awaiting payment and
then settled by `payment_outcome_apply` stores, and publish the same transitions."""

import datetime as dt

import pytest
from django.db import transaction
from django.forms.models import model_to_dict

from comptoir.checkout.services.payment_outcome import payment_captured_at_placement, payment_outcome_apply
from comptoir.core import clock
from comptoir.core.events import subscribe, unsubscribe
from comptoir.orders.events import SellerOrderTransitioned
from comptoir.orders.models import Order, OrderLine, SellerOrder, SellerOrderEvent
from comptoir.orders.services import address_clean, order_draft_price, order_stock_take, order_write
from comptoir.payments.models import JournalEntry, Payment, Posting
from comptoir.testing.builders import ADDRESS, make_offer, make_seller, make_user

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2025, 3, 3, 9, 0, 0, 123456, tzinfo=dt.UTC)


def _rows(order: Order, reference: str) -> dict:
    """Every row the order's placement and capture stored, ids and the order's own number replaced by positions."""
    number = order.number

    def plain(instance, *ignored: str) -> dict:
        values = {field.attname: getattr(instance, field.attname) for field in instance._meta.concrete_fields}
        for name in ("id", *ignored):
            values.pop(name)
        return {
            name: value.replace(number, "NUMBER") if isinstance(value, str) else value for name, value in values.items()
        }

    seller_orders = list(SellerOrder.objects.filter(order=order).order_by("pk"))
    events = list(SellerOrderEvent.objects.filter(seller_order__order=order).order_by("pk"))
    position = {seller_order.pk: index for index, seller_order in enumerate(seller_orders)}
    entry = JournalEntry.objects.get(order_id_ref=order.pk)
    return {
        "order": plain(Order.objects.get(pk=order.pk)),
        "seller_orders": [plain(seller_order, "order_id") for seller_order in seller_orders],
        "lines": [
            {**plain(line, "seller_order_id"), "seller order": position[line.seller_order_id]}
            for line in OrderLine.objects.filter(seller_order__order=order).order_by("pk")
        ],
        "events": [
            {
                **plain(event, "seller_order_id"),
                "seller order": position[event.seller_order_id],
                "data": {
                    key: "REFERENCE" if value == reference else value for key, value in (event.data or {}).items()
                },
            }
            for event in events
        ],
        "payment": {**plain(Payment.objects.get(order=order), "order_id"), "provider_reference": "REFERENCE"},
        "entry": plain(entry, "order_id_ref"),
        "postings": [
            (posting.account_id, posting.amount, posting.currency)
            for posting in Posting.objects.filter(entry=entry).order_by("pk")
        ],
    }


def test_an_order_written_paid_stores_what_the_awaiting_order_settled_by_its_capture_stores(
    django_capture_on_commit_callbacks,
):
    # given a draft over two sellers (three lines), priced twice for one buyer
    seller_a, seller_b = make_seller(), make_seller()
    offers = [
        make_offer(seller=seller_a, price_amount=1000, stock=9),
        make_offer(seller=seller_a, price_amount=1250, stock=9),
        make_offer(seller=seller_b, price_amount=2500, stock=9),
    ]
    buyer, address = make_user(), address_clean(ADDRESS)

    def draft():
        return order_draft_price(
            quantities={offers[0].pk: 2, offers[1].pk: 1, offers[2].pk: 1},
            country=address["country"],
            service_levels={},
            placed_on=NOW.date(),
        )

    published: list[SellerOrderTransitioned] = []
    subscribe(SellerOrderTransitioned, published.append)
    try:
        with clock.frozen_at(NOW):
            # when one order is written awaiting payment and then settled by its capture (a remote provider's way)
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                order_stock_take(draft=draft())
                settled = order_write(buyer=buyer, draft=draft(), address=address, now=NOW, number="CO-AAAAAAAAAA")
                payment_outcome_apply(
                    order=settled,
                    seller_orders=list(settled.seller_orders.all()),
                    status="captured",
                    provider="sandbox",
                    reference="ref-settled",
                    card_last4="4242",
                    message="",
                    payment_fingerprint="fp",
                    payment_is_new=True,
                )
            published_settled, published[:] = list(published), []
            # and the other written paid at once, its payment captured before anything was written
            with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
                order_stock_take(draft=draft())
                paid = order_write(
                    buyer=buyer,
                    draft=draft(),
                    address=address,
                    now=NOW,
                    number="CO-BBBBBBBBBB",
                    paid_reference="ref-paid",
                )
                payment_captured_at_placement(
                    order=paid,
                    seller_orders=list(paid.seller_orders.all()),
                    provider="sandbox",
                    reference="ref-paid",
                    card_last4="4242",
                    message="",
                    payment_fingerprint="fp",
                )
            published_paid = list(published)
    finally:
        unsubscribe(SellerOrderTransitioned, published.append)

    # then both stored the same rows, field by field
    assert _rows(paid, "ref-paid") == _rows(settled, "ref-settled")
    assert Order.objects.get(pk=paid.pk).status == "paid" and paid.paid_at == NOW
    assert [event.action for event in SellerOrderEvent.objects.filter(seller_order__order=paid).order_by("pk")] == [
        "create",
        "create",
        "payment_captured",
        "payment_captured",
    ]
    # and the instances in memory are those rows
    assert model_to_dict(paid) == model_to_dict(Order.objects.get(pk=paid.pk))
    assert [model_to_dict(so) for so in paid.seller_orders.all()] == [
        model_to_dict(so) for so in SellerOrder.objects.filter(order=paid).order_by("pk")
    ]
    # and the same transitions were published, one per payment_captured event with its row
    assert [(event.action, event.seller_id) for event in published_paid] == [
        (event.action, event.seller_id) for event in published_settled
    ]
    assert sorted((event.seller_order_id, event.event_id, event.at) for event in published_paid) == sorted(
        SellerOrderEvent.objects.filter(seller_order__order=paid, action="payment_captured").values_list(
            "seller_order_id", "pk", "created_at"
        )
    )
    # and the stock was taken twice
    assert [offer.stock for offer in (type(offers[0]).objects.get(pk=offer.pk) for offer in offers)] == [5, 7, 7]

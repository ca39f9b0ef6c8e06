"""The operator console as a whole: every registered page renders, nothing writes outside services."""

import pytest
from django.contrib import admin
from django.contrib.admin.helpers import ACTION_CHECKBOX_NAME
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from comptoir.accounts.services import api_token_create
from comptoir.checkout.services import order_checkout
from comptoir.core.models import AuditLog
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import SellerOrder
from comptoir.orders.services import dispute_open, seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.sellers.services import seller_api_key_create
from comptoir.testing.builders import ADDRESS, CARD_OK, make_category, make_offer, make_product, make_user

pytestmark = pytest.mark.django_db(transaction=True)


def _a_marketplace_with_history():
    """At least one row of every kind the console shows: sellers, keys, catalog, an order disputed after delivery."""
    product = make_product(
        "Walnut bookshelf",
        category=make_category("Furniture", parent=make_category("Home", commission_rate_bp=1100)),
        gtin="4006381333931",
        image_urls=["products/shelf.jpg"],
    )
    offer = make_offer(product=product, price_amount=8900, stock=4)
    seller_user = offer.seller.members.get().user
    seller_api_key_create(seller=offer.seller, actor=seller_user, name="ERP", scopes=["offers:read", "orders:read"])
    buyer = make_user()
    api_token_create(user=buyer, name="phone")
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=f"console-order-{offer.pk}",
    )
    seller_order = SellerOrder.objects.get(order=result.order)
    seller_order_accept(seller=offer.seller, seller_order_id=seller_order.pk, actor=seller_user)
    seller_order_ship(
        seller=offer.seller,
        seller_order_id=seller_order.pk,
        actor=seller_user,
        carrier="DHL",
        tracking_number="JD014600003828",
    )
    seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=buyer, actor_role=Actor.BUYER, buyer=buyer)
    dispute = dispute_open(
        buyer=buyer, seller_order_id=seller_order.pk, reason="not_as_described", description="Scratched top."
    )
    return dispute


def _a_marketplace_with_history_without_dispute():
    offer = make_offer(price_amount=1500, stock=2)
    order_checkout(
        buyer=make_user(),
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key=f"console-{offer.pk}",
    )


def test_every_registered_changelist_and_detail_page_renders_for_an_operator(console, operator):
    dispute = _a_marketplace_with_history()
    console.post(
        reverse("admin:orders_dispute_changelist"),
        {
            "action": "decide_for_buyer",
            ACTION_CHECKBOX_NAME: [dispute.pk],
            "apply": "1",
            "reason": "Damage shown on photos.",
        },
    )

    checked = []
    for model, model_admin in admin.site._registry.items():
        opts = model._meta
        changelist = console.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_changelist"))
        assert changelist.status_code == 200, opts.label
        first = model_admin.get_queryset(changelist.wsgi_request).order_by("pk").first()
        if first is not None:
            detail = console.get(reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[first.pk]))
            assert detail.status_code == 200, opts.label
        checked.append(opts.label)

    for label in (
        "sellers.Seller",
        "catalog.Category",
        "catalog.Product",
        "offers.Offer",
        "orders.Order",
        "orders.SellerOrder",
        "orders.Dispute",
        "payments.JournalEntry",
        "payments.LedgerAccount",
        "payments.LedgerBlock",
        "payments.PayoutBatch",
        "payments.Payout",
        "core.AuditLog",
        "accounts.User",
    ):
        assert label in checked


def test_changelist_queries_do_not_grow_with_the_number_of_rows(console):
    pages = [f"{opts.app_label}_{opts.model_name}" for opts in (model._meta for model in admin.site._registry)]

    def count_queries() -> dict[str, int]:
        counts = {}
        for name in pages:
            with CaptureQueriesContext(connection) as queries:
                assert console.get(reverse(f"admin:{name}_changelist")).status_code == 200
            counts[name] = len(queries)
        return counts

    _a_marketplace_with_history()
    with_one_order = count_queries()
    for _ in range(3):
        _a_marketplace_with_history_without_dispute()
    with_four_orders = count_queries()

    assert with_four_orders == with_one_order


def test_audit_log_is_read_only(console):
    _a_marketplace_with_history()
    row = AuditLog.objects.order_by("pk").first()
    change_url = reverse("admin:core_auditlog_change", args=[row.pk])

    response = console.post(change_url, {"action": "forged", "reason": "forged"})
    deletion = console.post(reverse("admin:core_auditlog_delete", args=[row.pk]), {"post": "yes"})

    assert (response.status_code, deletion.status_code) == (403, 403)
    row.refresh_from_db()
    assert row.action != "forged"


def test_console_requires_staff(client):
    client.force_login(make_user())

    response = client.get(reverse("admin:sellers_seller_changelist"))

    assert response.status_code == 302
    assert reverse("admin:login") in response["Location"]

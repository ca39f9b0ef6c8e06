"""A minimal raw-SQL checkout: the floor of what any Django checkout costs on this machine.

It does the essential work only: bearer-token lookup, idempotency-key claim, a price read,
guarded stock UPDATEs in id order, and inserts of the order, one seller order per seller, the
lines and the payment, in one transaction. No shipping rules, commission, events, ledger or
validation beyond the shape of the request. Only the benchmark loads it (bench.settings_skeleton)."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets

from django.db import IntegrityError, connection, transaction
from django.http import HttpResponse, JsonResponse
from django.urls import path
from django.utils import timezone
from django.views.decorators.csrf import csrf_exempt


class _Insufficient(Exception):
    pass


def _problem(status: int, code: str) -> JsonResponse:
    return JsonResponse({"status": status, "code": code}, status=status, content_type="application/problem+json")


@csrf_exempt
def checkout(request) -> HttpResponse:
    if request.method != "POST":
        return _problem(405, "method_not_allowed")
    authorization = request.headers.get("Authorization", "")
    key = request.headers.get("Idempotency-Key", "")
    if not authorization.startswith("Bearer ") or not key:
        return _problem(401, "unauthenticated")
    try:
        payload = json.loads(request.body)
        quantities: dict[int, int] = {}
        for line in payload["lines"]:
            quantities[int(line["offer_id"])] = quantities.get(int(line["offer_id"]), 0) + int(line["quantity"])
        address = payload["shipping_address"]
    except (ValueError, KeyError, TypeError):
        return _problem(422, "invalid")
    ops = connection.ops
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT user_id FROM accounts_apitoken WHERE token_hash = %s AND revoked_at IS NULL",
            [hashlib.sha256(authorization[7:].encode()).hexdigest()],
        )
        row = cursor.fetchone()
        if row is None:
            return _problem(401, "unauthenticated")
        buyer_id = row[0]
        now = timezone.now()
        stamp = ops.adapt_datetimefield_value(now)
        number = "SK-" + secrets.token_hex(6).upper()
        try:
            with transaction.atomic():
                cursor.execute(
                    "INSERT INTO core_idempotencyrecord (actor_key, key, scope, request_fingerprint, created_at) "
                    "VALUES (%s, %s, %s, %s, %s)",
                    [f"user:{buyer_id}", key, "checkout", hashlib.sha256(request.body).hexdigest(), stamp],
                )
                ids = sorted(quantities)
                cursor.execute(
                    "SELECT o.id, o.seller_id, o.product_id, o.price_amount, o.sku, p.title FROM offers_offer o JOIN "
                    "catalog_product p ON p.id = o.product_id "
                    f"WHERE o.id IN ({', '.join(['%s'] * len(ids))}) AND o.is_active ORDER BY o.id",
                    ids,
                )
                offers = cursor.fetchall()
                if len(offers) != len(ids):
                    raise _Insufficient
                for offer_id in ids:
                    cursor.execute(
                        "UPDATE offers_offer SET stock = stock - %s WHERE id = %s AND stock >= %s",
                        [quantities[offer_id], offer_id, quantities[offer_id]],
                    )
                    if cursor.rowcount != 1:
                        raise _Insufficient
                by_seller: dict[int, list] = {}
                for offer in offers:
                    by_seller.setdefault(offer[1], []).append(offer)
                shipping_each = 490
                items = sum(offer[3] * quantities[offer[0]] for offer in offers)
                shipping = shipping_each * len(by_seller)
                cursor.execute(
                    "INSERT INTO orders_order (number, buyer_id, status, currency, items_amount, shipping_amount, "
                    "total_amount, shipping_address, placed_at, paid_at, fx_source) "
                    "VALUES (%s, %s, 'paid', 'EUR', %s, %s, %s, %s, %s, %s, '') RETURNING id",
                    [number, buyer_id, items, shipping, items + shipping, json.dumps(address), stamp, stamp],
                )
                order_id = cursor.fetchone()[0]
                today = ops.adapt_datefield_value(now.date())
                later = ops.adapt_datefield_value(now.date() + dt.timedelta(days=5))
                for index, (seller_id, seller_offers) in enumerate(sorted(by_seller.items()), start=1):
                    seller_items = sum(offer[3] * quantities[offer[0]] for offer in seller_offers)
                    cursor.execute(
                        "INSERT INTO orders_sellerorder (order_id, seller_id, number, status, currency, items_amount, "
                        "shipping_amount, total_amount, commission_amount, "
                        "shipping_rate_id, shipping_service_level, shipping_zone, ship_by, deliver_by_earliest, "
                        "deliver_by, carrier, tracking_number, cancelled_by, "
                        "cancel_reason, return_reason, refunded_amount, is_released, placed_at) "
                        "VALUES (%s, %s, %s, 'placed', 'EUR', %s, %s, %s, %s, NULL, 'standard', 'Everywhere', %s, %s, "
                        "%s, '', '', '', '', '', 0, %s, %s) RETURNING id",
                        [
                            order_id,
                            seller_id,
                            f"{number}-{index}",
                            seller_items,
                            shipping_each,
                            seller_items + shipping_each,
                            seller_items * 12 // 100,
                            today,
                            later,
                            later,
                            False,
                            stamp,
                        ],
                    )
                    seller_order_id = cursor.fetchone()[0]
                    values = []
                    for offer in seller_offers:
                        values += [
                            seller_order_id,
                            offer[0],
                            offer[2],
                            offer[5],
                            offer[4],
                            quantities[offer[0]],
                            offer[3],
                            offer[3] * quantities[offer[0]],
                            1200,
                        ]
                    cursor.execute(
                        "INSERT INTO orders_orderline (seller_order_id, offer_id, product_id, title, sku, quantity, "
                        "unit_price_amount, line_amount, commission_rate_bp) "
                        f"VALUES {', '.join(['(%s, %s, %s, %s, %s, %s, %s, %s, %s)'] * len(seller_offers))}",
                        values,
                    )
                cursor.execute(
                    "INSERT INTO payments_payment (order_id, provider, provider_reference, status, amount, currency, "
                    "card_last4, message, created_at, "
                    "payment_fingerprint) VALUES (%s, 'sandbox', %s, 'captured', %s, 'EUR', '4242', '', %s, '')",
                    [order_id, f"sk_{number}", items + shipping, stamp],
                )
        except _Insufficient:
            return _problem(409, "insufficient_stock")
        except IntegrityError:
            return _problem(409, "idempotency_key_in_use")
    return JsonResponse(
        {"number": number, "status": "paid", "total": {"amount": items + shipping, "currency": "EUR"}}, status=201
    )


urlpatterns = [path("api/v1/checkout", checkout)]

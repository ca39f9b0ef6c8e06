"""What a seeded demo holds: counts per state, and a digest of its content.

The digest hashes each section (catalog, sellers, offers, buyers, orders, events, ledger) over natural
keys (slugs, GTINs, SKUs, order numbers, emails), never over database ids, salts or ciphertexts, so two
databases seeded from the same seed and date have equal digests whatever their id sequences."""

from __future__ import annotations

import hashlib
import json
from collections import Counter

from django.db.models import Count

from comptoir.accounts.models import User
from comptoir.catalog.models import Category, Product
from comptoir.offers.models import Offer, ShippingRate
from comptoir.orders.models import Dispute, Order, SellerOrder, SellerOrderEvent
from comptoir.payments.models import JournalEntry, Payment, Posting, Refund
from comptoir.sellers.models import Seller, SellerMember
from comptoir.trust.models import Message, Review


def demo_state_counts() -> dict:
    seller_statuses = Counter(Seller.objects.values_list("status", flat=True))
    return {
        "categories": Category.objects.count(),
        "category_depths": dict(sorted(Counter(Category.objects.values_list("depth", flat=True)).items())),
        # Plain products (the generated catalog); the product families and their variants are counted apart.
        "products": Product.objects.filter(parent__isnull=True, option_names=[]).count(),
        "product_families": Product.objects.filter(parent__isnull=True).exclude(option_names=[]).count(),
        "variants": Product.objects.filter(parent__isnull=False).count(),
        "offers": Offer.objects.count(),
        "products_with_several_offers": Product.objects.annotate(offer_count=Count("offers"))
        .filter(offer_count__gte=2)
        .count(),
        "sellers": Seller.objects.count(),
        "seller_statuses": dict(sorted(seller_statuses.items())),
        "seller_countries": sorted(set(Seller.objects.values_list("country", flat=True))),
        "buyers": User.objects.filter(is_operator=False, seller_memberships__isnull=True).count(),
        "buyer_countries": sorted(
            set(
                User.objects.filter(is_operator=False, seller_memberships__isnull=True).values_list(
                    "country", flat=True
                )
            )
        ),
        "orders": Order.objects.count(),
        "order_statuses": dict(sorted(Counter(Order.objects.values_list("status", flat=True)).items())),
        "seller_orders": SellerOrder.objects.count(),
        "seller_order_statuses": dict(sorted(Counter(SellerOrder.objects.values_list("status", flat=True)).items())),
        "cancelled_by": dict(
            sorted(
                Counter(SellerOrder.objects.filter(status="cancelled").values_list("cancelled_by", flat=True)).items()
            )
        ),
        "dispute_statuses": dict(sorted(Counter(Dispute.objects.values_list("status", flat=True)).items())),
        "journal_entries": JournalEntry.objects.count(),
        "journal_entry_kinds": dict(sorted(Counter(JournalEntry.objects.values_list("kind", flat=True)).items())),
        "late_shipments": SellerOrderEvent.objects.filter(action="ship", data__late=True).count(),
        "reviews": Review.objects.count(),
        "review_replies": Review.objects.filter(seller_replied_at__isnull=False).count(),
        "review_languages": dict(sorted(Counter(Review.objects.values_list("language", flat=True)).items())),
        "messages": Message.objects.count(),
        "message_threads": Message.objects.values("seller_order_id").distinct().count(),
    }


def _digest(rows) -> str:
    hasher = hashlib.sha256()
    for row in rows:
        hasher.update(json.dumps(row, sort_keys=True, default=str, ensure_ascii=True).encode())
        hasher.update(b"\n")
    return hasher.hexdigest()


def demo_content_digest() -> dict[str, str]:
    """sha256 per section of the demo content, over natural keys only."""
    category_slugs = dict(Category.objects.values_list("pk", "slug"))
    seller_slugs = dict(Seller.objects.values_list("pk", "slug"))
    user_emails = dict(User.objects.values_list("pk", "email"))
    product_keys = {
        pk: gtin or f"{category_slugs[category_id]}:{title}"
        for pk, gtin, title, category_id in Product.objects.values_list("pk", "gtin", "title", "category_id")
    }
    offer_keys = {
        pk: (seller_slugs[seller_id], sku) for pk, seller_id, sku in Offer.objects.values_list("pk", "seller_id", "sku")
    }
    seller_order_numbers = dict(SellerOrder.objects.values_list("pk", "number"))

    def path_of(path: str) -> str:
        return "/".join(category_slugs[int(part)] for part in path.strip("/").split("/") if part)

    sections = {
        "categories": [
            (slug, path_of(path), depth, name_en, name_fr, commission, expected)
            for slug, path, depth, name_en, name_fr, commission, expected in Category.objects.order_by(
                "slug"
            ).values_list("slug", "path", "depth", "name_en", "name_fr", "commission_rate_bp", "expected_attributes")
        ],
        "products": sorted(
            (product_keys[row[0]], *row[1:])
            for row in Product.objects.values_list(
                "pk",
                "title",
                "description",
                "brand",
                "category__slug",
                "attributes",
                "language",
                "weight_grams",
                "length_mm",
                "width_mm",
                "height_mm",
                "country_of_origin",
                "hs_code",
                "created_at",
            )
        ),
        "sellers": sorted(
            Seller.objects.values_list(
                "slug",
                "name",
                "status",
                "legal_name",
                "street",
                "postal_code",
                "city",
                "country",
                "phone",
                "email",
                "trade_register",
                "trade_register_number",
                "vat_id",
                "iban_last4",
                "commission_rate_bp",
                "verified_at",
                "status_reason",
            )
        ),
        "members": sorted(
            (seller_slugs[seller_id], user_emails[user_id], role)
            for seller_id, user_id, role in SellerMember.objects.values_list("seller_id", "user_id", "role")
        ),
        "shipping": sorted(
            (seller_slug, profile_name, zone, countries, level, carrier, first, additional, low, high)
            for (
                seller_slug,
                profile_name,
                zone,
                countries,
                level,
                carrier,
                first,
                additional,
                low,
                high,
            ) in ShippingRate.objects.values_list(
                "profile__seller__slug",
                "profile__name",
                "zone_name",
                "countries",
                "service_level",
                "carrier",
                "first_item_amount",
                "additional_item_amount",
                "transit_days_min",
                "transit_days_max",
            )
        ),
        "offers": sorted(
            (offer_keys[pk], product_keys[product_id], price, stock, condition, handling, active, created_at)
            for pk, product_id, price, stock, condition, handling, active, created_at in Offer.objects.values_list(
                "pk", "product_id", "price_amount", "stock", "condition", "handling_days", "is_active", "created_at"
            )
        ),
        "users": sorted(
            User.objects.values_list(
                "email", "full_name", "country", "preferred_language", "is_operator", "date_joined"
            )
        ),
        "orders": sorted(
            (number, user_emails[buyer_id], status, total, address, placed_at, paid_at)
            for number, buyer_id, status, total, address, placed_at, paid_at in Order.objects.values_list(
                "number", "buyer_id", "status", "total_amount", "shipping_address", "placed_at", "paid_at"
            )
        ),
        "seller_orders": sorted(
            (number, seller_slugs[seller_id], *rest)
            for number, seller_id, *rest in SellerOrder.objects.values_list(
                "number",
                "seller_id",
                "status",
                "items_amount",
                "shipping_amount",
                "commission_amount",
                "refunded_amount",
                "shipping_service_level",
                "ship_by",
                "deliver_by",
                "carrier",
                "tracking_number",
                "accepted_at",
                "shipped_at",
                "delivered_at",
                "completed_at",
                "cancelled_at",
                "cancelled_by",
                "return_reason",
                "release_due_at",
                "is_released",
            )
        ),
        "events": sorted(
            (
                seller_order_numbers[seller_order_id],
                action,
                from_status,
                to_status,
                role,
                user_emails.get(actor_id),
                reason,
                data,
                created_at,
            )
            for (
                seller_order_id,
                action,
                from_status,
                to_status,
                role,
                actor_id,
                reason,
                data,
                created_at,
            ) in SellerOrderEvent.objects.values_list(
                "seller_order_id",
                "action",
                "from_status",
                "to_status",
                "actor_role",
                "actor_id",
                "reason",
                "data",
                "created_at",
            )
        ),
        "disputes": sorted(
            (seller_order_numbers[seller_order_id], reason, status, opened_at, decided_at, note)
            for seller_order_id, reason, status, opened_at, decided_at, note in Dispute.objects.values_list(
                "seller_order_id", "reason", "status", "opened_at", "decided_at", "decision_note"
            )
        ),
        "payments": sorted(
            Payment.objects.values_list("order__number", "provider_reference", "status", "amount", "created_at")
        )
        + sorted(
            ("refund", *row) for row in Refund.objects.values_list("source_key", "amount", "status", "created_at")
        ),
        "ledger": sorted(
            (source_key, kind, created_at, memo)
            for source_key, kind, created_at, memo in JournalEntry.objects.values_list(
                "source_key", "kind", "created_at", "memo"
            )
        )
        + sorted(
            (source_key, kind, seller_slugs.get(seller_id), amount)
            for source_key, kind, seller_id, amount in Posting.objects.values_list(
                "entry__source_key", "account__kind", "account__seller_id", "amount"
            )
        ),
        "reviews": sorted(
            (seller_order_numbers[seller_order_id], user_emails[buyer_id], *rest)
            for seller_order_id, buyer_id, *rest in Review.objects.values_list(
                "seller_order_id",
                "buyer_id",
                "product_rating",
                "item_as_described",
                "communication",
                "shipping_speed",
                "packaging",
                "text",
                "language",
                "status",
                "credibility_permille",
                "credibility_reasons",
                "seller_reply",
                "seller_replied_at",
                "created_at",
            )
        ),
        "messages": sorted(
            (seller_order_numbers[seller_order_id], user_emails[sender_id], role, body, created_at)
            for seller_order_id, sender_id, role, body, created_at in Message.objects.values_list(
                "seller_order_id", "sender_id", "sender_role", "body", "created_at"
            )
        ),
    }
    return {name: _digest(rows) for name, rows in sections.items()}

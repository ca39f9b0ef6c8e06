"""Trust on storefront pages: the seller badge in `storefront/_trust_slot.html` (tier + score band), the
reviews blocks of the product and seller pages, and the review/messages block of a buyer's seller order.

The badge reads `trust.selectors.seller_trust_map` once per page: the first badge of a request collects
every seller the page's context shows and loads them together; later badges read the request's memo."""

from __future__ import annotations

from django import template
from django.core.paginator import Page

from comptoir.trust import selectors
from comptoir.web.storefront import trust_labels

register = template.Library()

MEMO_ATTRIBUTE = "_trust_snapshots"


def _seller_ids_in(value, depth: int = 0) -> set[int]:
    """Seller ids reachable in a page's context without touching the database: sellers, objects with a loaded
    `seller`, and lists/dicts of those (two levels deep)."""
    from comptoir.sellers.models import Seller

    found: set[int] = set()
    if depth > 3 or value is None or isinstance(value, (str, bytes, int, float)):
        return found
    if isinstance(value, Seller):
        found.add(value.pk)
        return found
    if isinstance(value, dict):
        for item in value.values():
            found |= _seller_ids_in(item, depth + 1)
        return found
    if isinstance(value, Page):
        value = value.object_list if isinstance(value.object_list, list) else []
    if isinstance(value, (list, tuple)):
        for item in value[:200]:
            found |= _seller_ids_in(item, depth + 1)
        return found
    state = getattr(value, "_state", None)
    if state is not None:
        seller = state.fields_cache.get("seller")
        if seller is not None:
            found.add(seller.pk)
        for related in ("offer", "seller_order"):
            cached = state.fields_cache.get(related)
            if cached is not None:
                found |= _seller_ids_in(cached, depth + 1)
    return found


def snapshots_for(context, seller_id: int) -> dict:
    request = context.get("request")
    memo = getattr(request, MEMO_ATTRIBUTE, None) if request is not None else None
    if memo is None:
        memo = {}
        if request is not None:
            setattr(request, MEMO_ATTRIBUTE, memo)
    if seller_id not in memo:
        wanted = {seller_id}
        for layer in context.dicts:
            if isinstance(layer, dict):
                for value in layer.values():
                    wanted |= _seller_ids_in(value)
        memo.update(selectors.seller_trust_map(wanted - set(memo)))
    return memo


@register.inclusion_tag("storefront/trust/_badge.html", takes_context=True)
def trust_badge(context, seller):
    """The seller's tier, with the score beside it only when the score is what put the seller in that tier.

    A tier also follows from the metrics (a late-shipment rate that misses its target makes a seller "at risk" at a
    score of 70) or from an operator's decision; printing the score beside such a tier showed "At risk 70" next to
    "Good standing 68". Label and number now come from the same figure: otherwise the badge says why instead."""
    if seller is None:
        return {"snapshot": None}
    snapshot = snapshots_for(context, seller.pk).get(seller.pk)
    score = int(snapshot.score.to_integral_value())
    return {
        "snapshot": snapshot,
        "seller": seller,
        "tier_label": trust_labels.TIERS.get(snapshot.tier, snapshot.tier),
        "tier_tone": trust_labels.TIER_TONES.get(snapshot.tier, ""),
        "score": score,
        "low": int(snapshot.low.to_integral_value()),
        "high": int(snapshot.high.to_integral_value()),
        "is_score_shown": snapshot.tier != "new"
        and not snapshot.is_tier_overridden
        and trust_labels.score_explains_tier(snapshot.score, snapshot.tier),
        "reason": trust_labels.TIER_REASON_OVERRIDE if snapshot.is_tier_overridden else trust_labels.TIER_REASON_METRIC,
    }


def _reviews_context(context, *, breakdown, reviews, subject: str):
    return {
        "breakdown": breakdown,
        "reviews": reviews,
        "subject": subject,
        "request": context.get("request"),
        "user": context.get("user"),
        "reasons": trust_labels.REPORT_REASONS,
        "csrf_token": context.get("csrf_token"),
    }


@register.inclusion_tag("storefront/trust/_reviews.html", takes_context=True)
def product_reviews(context, product):
    return _reviews_context(
        context,
        breakdown=selectors.review_breakdown(product_id=product.pk),
        reviews=selectors.review_list_public(product_id=product.pk),
        subject="product",
    )


@register.inclusion_tag("storefront/trust/_reviews.html", takes_context=True)
def seller_reviews(context, seller):
    return _reviews_context(
        context,
        breakdown=selectors.review_breakdown(seller_id=seller.pk),
        reviews=selectors.review_list_public(seller_id=seller.pk),
        subject="seller",
    )


@register.inclusion_tag("storefront/trust/_order_block.html", takes_context=True)
def seller_order_trust(context, order, seller_order):
    from comptoir.trust.services import REVIEWABLE

    review = selectors.review_for_seller_orders([seller_order.pk]).get(seller_order.pk)
    return {
        "order": order,
        "seller_order": seller_order,
        "review": review,
        "can_review": review is None and seller_order.status in REVIEWABLE,
        "message_count": seller_order.messages.count(),
    }


@register.filter
def stars(value) -> range:
    return range(int(value or 0))


@register.filter
def empty_stars(value) -> range:
    return range(5 - int(value or 0))


@register.filter
def reviewer_name(user) -> str:
    """'Camille D.': a first name and an initial, never the full name or the email."""
    parts = (getattr(user, "full_name", "") or "").split()
    if not parts:
        return ""
    return f"{parts[0]} {parts[-1][0]}." if len(parts) > 1 else parts[0]


@register.filter
def get_item(mapping, key):
    return mapping.get(key) if hasattr(mapping, "get") else None

"""Trust: verified-purchase reviews, buyer–seller messages, the seller's account health and enforcement
(statements of reasons, appeals), and each seller's public trust. Other parties' resources answer 404, and so do
sellers and products that do not exist; an id outside 1..2**63-1 is refused (422) before any query."""

from __future__ import annotations

from typing import Annotated, Any

from django.http import HttpRequest
from ninja import Path as PathParam
from ninja import Router, Status
from pydantic import Field, StrictStr

from comptoir.api.schemas import MAX_ID, InputSchema, JsonInt, between, length, problems
from comptoir.api.security import buyer_auth, seller_auth
from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.models import Product
from comptoir.core.exceptions import NotFound
from comptoir.orders.models import SellerOrder
from comptoir.sellers import errors as seller_errors
from comptoir.sellers.models import Seller
from comptoir.trust import errors, services
from comptoir.trust.models import EnforcementAction, Message, Review, ReviewStatus, SellerTrust, SellerTrustHistory
from comptoir.trust.selectors import effective_tier

router = Router(tags=["trust"])

VERIFICATION_NOTE = (
    "Only a buyer whose order from this seller was delivered can review it, once per order. Reviews are weighted by "
    "the reviewer's credibility (account age, purchase history, shared identities, review rings) and never bought or "
    "filtered by rating."
)


# Path parameters: an id that fits a database key, an order number of at most 40 characters.
ID = PathParam(..., ge=1, le=MAX_ID)
NUMBER = PathParam(..., max_length=40)
Rating = Annotated[JsonInt, between(1, 5)]


class AuthenticatedRequest(HttpRequest):
    """The request as the endpoints see it: Django Ninja sets `auth` to what the route's authentication returned
    (a BuyerPrincipal or a SellerPrincipal)."""

    auth: Any


class ReviewIn(InputSchema):
    seller_order_number: Annotated[StrictStr, length(40, 1)]
    product_rating: Rating
    item_as_described: Rating
    communication: Rating
    shipping_speed: Rating
    packaging: Rating
    text: Annotated[StrictStr, length(5000)] = ""
    language: Annotated[StrictStr, length(8, 2)] = "en"


class TextIn(InputSchema):
    text: Annotated[StrictStr, Field(min_length=1, max_length=5000, pattern=r"\S")]


class ReportIn(InputSchema):
    reason: Annotated[StrictStr, Field(min_length=1, max_length=40, pattern=r"\S")]
    details: Annotated[StrictStr, length(2000)] = ""


class MessageIn(InputSchema):
    body: Annotated[StrictStr, Field(min_length=1, max_length=5000, pattern=r"\S")]


def _require_seller(seller_id: int) -> None:
    if not Seller.objects.filter(pk=seller_id).exists():
        raise NotFound("No such seller.", code=seller_errors.SELLER_NOT_FOUND)


def review_out(review: Review) -> dict:
    return {
        "id": review.pk,
        "seller_id": review.seller_id,
        "product_id": review.product_id,
        "product_rating": review.product_rating,
        "item_as_described": review.item_as_described,
        "communication": review.communication,
        "shipping_speed": review.shipping_speed,
        "packaging": review.packaging,
        "text": review.text,
        "language": review.language,
        "created_at": review.created_at.isoformat(),
        "verified_purchase": True,
        "seller_reply": review.seller_reply or None,
        "seller_replied_at": review.seller_replied_at.isoformat() if review.seller_replied_at else None,
    }


def _reviews_page(queryset) -> dict:
    rows = list(queryset.filter(status=ReviewStatus.PUBLISHED).order_by("-created_at", "-pk")[:50])
    return {"how_reviews_are_verified": VERIFICATION_NOTE, "reviews": [review_out(row) for row in rows]}


@router.post("/reviews", auth=buyer_auth, response={201: dict})
def review_post(request: AuthenticatedRequest, payload: ReviewIn):
    seller_order = SellerOrder.objects.filter(
        number=payload.seller_order_number, order__buyer=request.auth.user
    ).first()
    if seller_order is None:
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    ratings = payload.dict(
        include={"product_rating", "item_as_described", "communication", "shipping_speed", "packaging"}
    )
    review = services.review_create(
        buyer=request.auth.user,
        seller_order_id=seller_order.pk,
        ratings=ratings,
        text=payload.text,
        language=payload.language,
    )
    return Status(201, review_out(review))


@router.get("/sellers/{seller_id}/reviews", auth=None, response={200: dict, **problems(404, 422)})
def seller_reviews(request: HttpRequest, seller_id: int = ID):
    _require_seller(seller_id)
    return _reviews_page(Review.objects.filter(seller_id=seller_id))


@router.get("/products/{product_id}/reviews", auth=None, response={200: dict, **problems(404, 422)})
def product_reviews(request: HttpRequest, product_id: int = ID):
    if not Product.objects.filter(pk=product_id).exists():
        raise NotFound("No such product.", code=catalog_errors.PRODUCT_NOT_FOUND)
    return _reviews_page(Review.objects.filter(product_id=product_id))


@router.post("/reviews/{review_id}/report", auth=buyer_auth, response={201: dict})
def review_report_post(request: AuthenticatedRequest, payload: ReportIn, review_id: int = ID):
    report = services.review_report(
        reporter=request.auth.user, review_id=review_id, reason=payload.reason, details=payload.details
    )
    return Status(201, {"id": report.pk, "status": report.status})


@router.post("/seller/reviews/{review_id}/reply", auth=seller_auth("orders:write"))
def review_reply_post(request: AuthenticatedRequest, payload: TextIn, review_id: int = ID):
    return review_out(
        services.review_reply(
            seller=request.auth.seller, actor=request.auth.actor, review_id=review_id, text=payload.text
        )
    )


def message_out(message: Message) -> dict:
    return {
        "id": message.pk,
        "sender_role": message.sender_role,
        "body": message.body,
        "created_at": message.created_at.isoformat(),
    }


def _buyer_order(request: AuthenticatedRequest, number: str) -> SellerOrder:
    seller_order = SellerOrder.objects.filter(number=number, order__buyer=request.auth.user).first()
    if seller_order is None:
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    return seller_order


def _seller_order(request: AuthenticatedRequest, number: str) -> SellerOrder:
    seller_order = SellerOrder.objects.filter(number=number, seller=request.auth.seller).first()
    if seller_order is None:
        raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
    return seller_order


@router.get("/seller-orders/{number}/messages", auth=buyer_auth)
def buyer_messages(request: AuthenticatedRequest, number: str = NUMBER):
    return {"messages": [message_out(m) for m in _buyer_order(request, number).messages.all()]}


@router.post("/seller-orders/{number}/messages", auth=buyer_auth, response={201: dict})
def buyer_message_post(request: AuthenticatedRequest, payload: MessageIn, number: str = NUMBER):
    seller_order = _buyer_order(request, number)
    return Status(
        201,
        message_out(
            services.message_send(sender=request.auth.user, seller_order_id=seller_order.pk, body=payload.body)
        ),
    )


@router.get("/seller/orders/{number}/messages", auth=seller_auth("orders:read"))
def seller_messages(request: AuthenticatedRequest, number: str = NUMBER):
    return {"messages": [message_out(m) for m in _seller_order(request, number).messages.all()]}


@router.post("/seller/orders/{number}/messages", auth=seller_auth("orders:write"), response={201: dict})
def seller_message_post(request: AuthenticatedRequest, payload: MessageIn, number: str = NUMBER):
    seller_order = _seller_order(request, number)
    message = services.message_send(
        sender=request.auth.actor, seller=request.auth.seller, seller_order_id=seller_order.pk, body=payload.body
    )
    return Status(201, message_out(message))


def _trust_of(seller_id: int) -> SellerTrust | None:
    return SellerTrust.objects.filter(seller_id=seller_id).first()


@router.get("/seller/health", auth=seller_auth("orders:read"))
def seller_health(request: AuthenticatedRequest):
    seller = request.auth.seller
    trust = _trust_of(seller.pk)
    history = list(SellerTrustHistory.objects.filter(seller=seller).order_by("-day")[:90])
    defect_orders = list(
        SellerOrder.objects.filter(seller=seller)
        .filter(disputes__status="decided_for_buyer")
        .values_list("number", flat=True)
        .distinct()[:50]
    )
    defect_orders += [
        number
        for number in SellerOrder.objects.filter(
            seller=seller, review__isnull=False, review__status=ReviewStatus.PUBLISHED, review__item_as_described__lte=2
        ).values_list("number", flat=True)[:50]
        if number not in defect_orders
    ]
    return {
        "score": str(trust.score) if trust else "50",
        "band": [str(trust.score_low), str(trust.score_high)] if trust else ["0", "100"],
        "tier": effective_tier(trust) if trust else "new",
        "pillars": {
            name: str(getattr(trust, name)) for name in ("transparency", "operations", "security", "satisfaction")
        }
        if trust
        else {},
        "metrics": trust.metrics if trust else {},
        "trend": [{"day": row.day.isoformat(), "score": str(row.score), "tier": row.tier} for row in reversed(history)],
        "defect_orders": defect_orders,
    }


def action_out(action: EnforcementAction) -> dict:
    return {
        "id": action.pk,
        "kind": action.kind,
        "is_active": action.is_active,
        "created_at": action.created_at.isoformat(),
        "facts": action.facts,
        "facts_text": action.facts_text,
        "rule": action.rule,
        "is_automated": action.is_automated,
        "redress": action.redress,
        "appeals": [
            {"id": appeal.pk, "status": appeal.status, "decision_note": appeal.decision_note}
            for appeal in action.appeals.all()
        ],
    }


@router.get("/seller/enforcement", auth=seller_auth("orders:read"))
def seller_enforcement(request: AuthenticatedRequest):
    return {
        "actions": [
            action_out(a) for a in EnforcementAction.objects.filter(seller=request.auth.seller).order_by("-created_at")
        ]
    }


@router.post("/seller/enforcement/{action_id}/appeal", auth=seller_auth("orders:write"), response={201: dict})
def seller_appeal(request: AuthenticatedRequest, payload: TextIn, action_id: int = ID):
    appeal = services.appeal_submit(
        seller=request.auth.seller, actor=request.auth.actor, action_id=action_id, text=payload.text
    )
    return Status(201, {"id": appeal.pk, "status": appeal.status})


@router.get("/sellers/{seller_id}/trust", auth=None, response={200: dict, **problems(404, 422)})
def seller_public_trust(request: HttpRequest, seller_id: int = ID):
    """A seller's public score, band, tier and main metrics; a seller not scored yet is `new` at 50."""
    trust = _trust_of(seller_id)
    if trust is None:
        _require_seller(seller_id)
        return {"seller_id": seller_id, "score": "50", "band": ["0", "100"], "tier": "new", "metrics": {}}
    public = ("order_defect_rate", "late_shipment_rate", "on_time_delivery_rate", "seller_rating")
    return {
        "seller_id": seller_id,
        "score": str(trust.score),
        "band": [str(trust.score_low), str(trust.score_high)],
        "tier": effective_tier(trust),
        "metrics": {name: trust.metrics[name] for name in public if name in trust.metrics},
    }

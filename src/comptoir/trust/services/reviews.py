"""Verified-purchase reviews: writing one (its credibility set by the fraud analysis), the seller's public reply,
reports by readers and the operator's moderation (an upheld report hides the review from the evidence)."""

from __future__ import annotations

import datetime as dt
import hmac
from collections.abc import Mapping
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db import transaction
from django.db.models import Count, Q

from comptoir.accounts.models import User
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, ValidationError
from comptoir.core.permissions import require_operator
from comptoir.core.services import audit_record
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import SellerOrder
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.models import Review, ReviewReport, ReviewReportStatus, ReviewStatus
from comptoir.trust.selectors import payment_fingerprints_for_seller_orders, seller_operations
from comptoir.trust.services._common import bookkeeping_deferred, fact_on_commit
from comptoir.trust.services.suspects import suspect_orders_after_review

if TYPE_CHECKING:
    from comptoir.sellers.models import Seller
    from comptoir.trust.domain.fraud import ReviewFacts

#: Seller-order statuses that allow a review (delivered, or later).
REVIEWABLE = {Status.DELIVERED, Status.COMPLETED, Status.RETURN_REQUESTED, Status.RETURNED, Status.REFUNDED}
RATING_FIELDS = ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging")


def _validate_ratings(ratings: Mapping[str, Any]) -> dict[str, int]:
    problems: dict[str, str] = {}
    clean: dict[str, int] = {}
    for name in RATING_FIELDS:
        value = ratings.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            problems[name] = "A whole number from 1 to 5."
        else:
            clean[name] = value
    if problems:
        raise ValidationError("Ratings go from 1 to 5.", code=errors.INVALID_RATING, fields=problems)
    return clean


def address_hash(address: object, *, secret_key: str) -> str:
    """A keyed hash of a shipping address for the fraud analysis, "" when the address is unknown — and "" never
    matches anything there (shared address, household, self-promotion): an unknown address is not equal to another
    unknown one. `secret_key` is `trust_settings().secret_key`, read once by the caller: the rebuild hashes every
    address.

    - A live address (street, postal code, country; case and spaces ignored); unknown when all three are empty.
    - An imported one, as the importer stores it: {"imported": "<normalised text>"} (equal texts, case and spaces
      ignored, match each other) or {"hash": "<the old system's opaque value>"} (equal values match each other);
      the two kinds never match each other nor a live address.
    - Anything else — {} (the importer's "unknown"), not a mapping, an empty text or value — is unknown."""
    if not isinstance(address, dict) or not address:
        return ""
    if "hash" in address or "imported" in address:
        kind = "hash" if "hash" in address else "imported"
        value = address.get(kind)
        if not isinstance(value, str | int) or isinstance(value, bool):
            return ""
        # An opaque value is compared as given (only surrounding spaces dropped); a text without case or spacing.
        compact = str(value).strip() if kind == "hash" else " ".join(str(value).split()).lower()
        if not compact:
            return ""
        text = f"{kind}:{compact}"  # a prefix of its own: never equal to a live address's text
    else:
        parts = ["".join(str(address.get(name) or "").split()).lower() for name in ("street", "postal_code", "country")]
        if not any(parts):
            return ""
        text = "|".join(parts)
    return hmac.digest(secret_key.encode(), text.encode(), "sha256").hex()  # one-shot: faster than hmac.new


def review_credibility_facts(reviews: list[Review]) -> list[ReviewFacts]:
    """ReviewFacts for the fraud analysis, built with a constant number of queries."""
    from comptoir.trust.domain.fraud import ReviewFacts

    buyer_ids = {review.buyer_id for review in reviews}
    delivered = dict(
        SellerOrder.objects.filter(order__buyer_id__in=buyer_ids, status__in=REVIEWABLE)
        .values("order__buyer_id")
        .annotate(count=Count("pk"))
        .values_list("order__buyer_id", "count")
    )
    sellers = dict(
        SellerOrder.objects.filter(order__buyer_id__in=buyer_ids, status__in=REVIEWABLE)
        .values("order__buyer_id")
        .annotate(count=Count("seller_id", distinct=True))
        .values_list("order__buyer_id", "count")
    )
    joined = {
        pk: date_joined if known else None
        for pk, date_joined, known in User.objects.filter(pk__in=buyer_ids).values_list(
            "pk", "date_joined", "date_joined_known"
        )
    }
    addresses = dict(
        SellerOrder.objects.filter(pk__in=[review.seller_order_id for review in reviews]).values_list(
            "pk", "order__shipping_address"
        )
    )
    fingerprints = payment_fingerprints_for_seller_orders([review.seller_order_id for review in reviews])
    secret_key = trust_settings().secret_key
    return [
        ReviewFacts(
            review_id=review.pk,
            buyer_id=review.buyer_id,
            seller_id=review.seller_id,
            created_at=review.created_at,
            buyer_joined_at=joined.get(review.buyer_id),
            buyer_order_count=delivered.get(review.buyer_id, 0),
            shipping_address_hash=address_hash(addresses.get(review.seller_order_id), secret_key=secret_key),
            payment_fingerprint=fingerprints.get(review.seller_order_id, ""),
            rating=round(
                (review.item_as_described + review.communication + review.shipping_speed + review.packaging) / 4
            ),
            buyer_seller_count=sellers.get(review.buyer_id),
        )
        for review in reviews
    ]


def _single_seller_share(sample: int = 2000) -> Decimal | None:
    """The marketplace's share of reviewers who bought from one seller only, estimated on the reviewers of its latest
    `sample` reviews (two bounded queries: the one-hop sample of `_credibility_of` would underestimate it, its other
    sellers being reached only through multi-seller reviewers). None without reviews."""
    buyer_ids = set(Review.objects.order_by("-pk").values_list("buyer_id", flat=True)[:sample])
    if not buyer_ids:
        return None
    single = (
        SellerOrder.objects.filter(order__buyer_id__in=buyer_ids, status__in=REVIEWABLE)
        .values("order__buyer_id")
        .annotate(count=Count("seller_id", distinct=True))
        .filter(count=1)
        .count()
    )
    return Decimal(single) / Decimal(len(buyer_ids))


def _credibility_of(review: Review) -> tuple[int, list[str]]:
    """The fraud analysis over the seller's recent reviews and the reviewers' other reviews (one hop); the suspect
    orders it finds for the review's seller are stored (`suspect_orders_after_review`)."""
    from comptoir.trust.domain.fraud import review_analysis

    since = review.created_at - dt.timedelta(days=180)
    buyer_ids = set(
        Review.objects.filter(seller_id=review.seller_id, created_at__gte=since).values_list("buyer_id", flat=True)
    ) | {review.buyer_id}
    sample = list(
        Review.objects.filter(
            Q(seller_id=review.seller_id) | Q(buyer_id__in=buyer_ids), created_at__gte=since
        ).order_by("pk")[:2000]
    )
    if review not in sample:
        sample.append(review)
    # The ring baseline: the marketplace's reviewers of at least two sellers.
    reviewer_count = (
        Review.objects.order_by()
        .values("buyer_id")
        .annotate(sellers=Count("seller_id", distinct=True))
        .filter(sellers__gte=2)
        .count()
    )
    facts = review_credibility_facts(sample)
    analysis = review_analysis(
        facts,
        today=review.created_at.date(),
        reviewer_count=reviewer_count,
        seller_operations=seller_operations({fact.seller_id for fact in facts}),
        single_seller_share=_single_seller_share(),
    )
    suspect_orders_after_review(facts, analysis, seller_id=review.seller_id)
    credibility = analysis.credibility.get(review.pk)
    return (credibility.permille, list(credibility.reasons)) if credibility else (1000, [])


def review_create(
    *, buyer: User, seller_order_id: int, ratings: Mapping[str, Any], text: str = "", language: str = "en"
) -> Review:
    """A verified-purchase review: only the buyer of a seller order that was delivered (or later), once per seller
    order, ratings 1–5. Its credibility is set by the fraud analysis. Raises NotFound, Conflict, ValidationError."""
    clean = _validate_ratings(ratings or {})
    if not isinstance(text, str) or len(text) > 5000:
        raise ValidationError(
            "At most 5,000 characters.", code=errors.INVALID_TEXT, fields={"text": "At most 5,000 characters."}
        )
    with transaction.atomic(durable=True):
        seller_order = SellerOrder.objects.select_for_update().filter(pk=seller_order_id, order__buyer=buyer).first()
        if seller_order is None:
            raise NotFound("No such order.", code=errors.SELLER_ORDER_NOT_FOUND)
        if seller_order.status not in REVIEWABLE:
            raise Conflict("Only a delivered order can be reviewed.", code=errors.REVIEW_NOT_ALLOWED)
        if Review.objects.filter(seller_order=seller_order).exists():
            raise Conflict("This order has already been reviewed.", code=errors.REVIEW_EXISTS)
        first_line = seller_order.lines.order_by("pk").first()
        review = Review.objects.create(
            seller_order=seller_order,
            buyer=buyer,
            seller_id=seller_order.seller_id,
            product_id=first_line.product_id if first_line else None,
            text=text.strip(),
            language=(language or "en")[:8],
            created_at=clock.now(),
            **clean,
        )
        permille, reasons = (1000, []) if bookkeeping_deferred() else _credibility_of(review)
        if permille != review.credibility_permille or reasons:
            review.credibility_permille, review.credibility_reasons = permille, reasons
            review.save(update_fields=["credibility_permille", "credibility_reasons"])
        fact_on_commit(seller_order.pk, f"review:{review.pk}")
    return review


def review_reply(*, seller: Seller, actor: User | None, review_id: int, text: str) -> Review:
    """The seller answers a review once, publicly. Audited. Raises ValidationError (empty or over 5,000
    characters), NotFound (not the seller's review), Conflict (already answered)."""
    if not isinstance(text, str) or not text.strip() or len(text) > 5000:
        raise ValidationError(
            "Write a reply of 1 to 5,000 characters.",
            code=errors.INVALID_REPLY,
            fields={"text": "1 to 5,000 characters."},
        )
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id, seller=seller).first()
        if review is None:
            raise NotFound("No such review.", code=errors.REVIEW_NOT_FOUND)
        if review.seller_replied_at is not None:
            raise Conflict("This review already has a reply.", code=errors.REPLY_EXISTS)
        review.seller_reply, review.seller_replied_at = text.strip(), clock.now()
        review.save(update_fields=["seller_reply", "seller_replied_at"])
        audit_record(actor=actor, action="trust.review_replied", target=review, seller_id=seller.pk)
    return review


def review_report(*, reporter: User, review_id: int, reason: str, details: str = "") -> ReviewReport:
    """Anyone signed in reports a published review to the operators, once per review. Raises ValidationError (no
    reason), NotFound (no such published review), Conflict (already reported by this reporter)."""
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 40:
        raise ValidationError("Give a reason.", code=errors.REASON_REQUIRED, fields={"reason": "1 to 40 characters."})
    with transaction.atomic():
        review = Review.objects.filter(pk=review_id, status=ReviewStatus.PUBLISHED).first()
        if review is None:
            raise NotFound("No such review.", code=errors.REVIEW_NOT_FOUND)
        if ReviewReport.objects.filter(review=review, reporter=reporter).exists():
            raise Conflict("You have already reported this review.", code=errors.REPORT_EXISTS)
        return ReviewReport.objects.create(
            review=review,
            reporter=reporter,
            reason=reason.strip(),
            details=(details or "").strip()[:2000],
            created_at=clock.now(),
        )


def review_moderate(*, report_id: int, actor: User | None, uphold: bool, note: str) -> ReviewReport:
    """The operator decides a report: upholding hides the review, which then stops counting as evidence. Audited.
    Raises PermissionDenied (not an operator), ValidationError (no note), NotFound, Conflict (already decided)."""
    require_operator(actor, message="Only an operator can moderate reviews.")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.", code=errors.NOTE_REQUIRED, fields={"note": "Required."}
        )
    with transaction.atomic(durable=True):
        report = ReviewReport.objects.select_for_update().select_related("review").filter(pk=report_id).first()
        if report is None:
            raise NotFound("No such report.", code=errors.REPORT_NOT_FOUND)
        if report.status != ReviewReportStatus.OPEN:
            raise Conflict("This report is already decided.", code=errors.REPORT_DECIDED)
        now = clock.now()
        report.status = ReviewReportStatus.UPHELD if uphold else ReviewReportStatus.DISMISSED
        report.decided_by, report.decided_at, report.decision_note = actor, now, note.strip()
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        review = report.review
        if uphold and review.hidden_at is None:
            review.status, review.hidden_at = ReviewStatus.HIDDEN, now
            review.save(update_fields=["status", "hidden_at"])
            fact_on_commit(review.seller_order_id, f"review_hidden:{review.pk}")
        audit_record(
            actor=actor,
            action="trust.review_hidden" if uphold else "trust.review_report_dismissed",
            target=review,
            seller_id=review.seller_id,
            reason=note.strip(),
            data={"report": report.pk},
        )
    return report

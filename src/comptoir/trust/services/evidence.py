"""Evidence folding: the facts of one seller order (its events, its review and the review's hiding, its messages)
folded into the seller's daily buckets (SellerDailyStats), each fact once.

`evidence_apply` folds the fact's contribution delta into the (seller, day) buckets with F() updates, then
`seller_trust_recompute` reads at most the score horizon of buckets (O(days), never the orders). The batch
`trust_rebuild` recomputes the buckets from the source rows with the same pure `order_contribution`, so both
paths agree."""

from __future__ import annotations

import datetime as dt
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F

from comptoir.core.exceptions import NotFound
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.trust import errors
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.evidence import (
    COUNTER_FIELDS,
    KIND_RANK,
    LIST_FIELDS,
    FactItem,
    OrderFacts,
    contribution_delta,
    order_contribution,
    review_verdict_permille,
    suspect_item,
)
from comptoir.trust.models import Message, Review, SellerDailyStats, SuspectOrder, TrustEvidenceApplied, TrustRebuild
from comptoir.trust.services.scores import seller_trust_recompute


def _review_item(review: Review) -> FactItem:
    mean_permille = review_verdict_permille(
        review.product_rating, review.item_as_described, review.communication, review.shipping_speed, review.packaging
    )
    return FactItem(
        key=f"review:{review.pk}",
        at=review.created_at,
        kind="review",
        rank=KIND_RANK["review"],
        source_id=review.pk,
        rating_permille=mean_permille,
        credibility_permille=review.credibility_permille,
    )


def order_facts_bulk(seller_order_ids: list[int]) -> dict[int, OrderFacts]:
    """Every fact of these seller orders (events, reviews and their hiding, messages), in a constant number of
    queries."""
    items: dict[int, list[FactItem]] = {seller_order_id: [] for seller_order_id in seller_order_ids}
    for event_id, seller_order_id, action, actor_role, data, created_at in SellerOrderEvent.objects.filter(
        seller_order_id__in=seller_order_ids
    ).values_list("pk", "seller_order_id", "action", "actor_role", "data", "created_at"):
        items[seller_order_id].append(
            FactItem(
                key=f"event:{event_id}",
                at=created_at,
                kind="event",
                rank=KIND_RANK["event"],
                source_id=event_id,
                action=action,
                actor_role=actor_role,
                data=data or {},
            )
        )
    for review in Review.objects.filter(seller_order_id__in=seller_order_ids):
        items[review.seller_order_id].append(_review_item(review))
        if review.hidden_at is not None:
            items[review.seller_order_id].append(
                FactItem(
                    key=f"review_hidden:{review.pk}",
                    at=review.hidden_at,
                    kind="review_hidden",
                    rank=KIND_RANK["review_hidden"],
                    source_id=review.pk,
                )
            )
    for seller_order_id, created_at, against in SuspectOrder.objects.filter(
        seller_order_id__in=seller_order_ids
    ).values_list("seller_order_id", "created_at", "counts_against_seller"):
        items[seller_order_id].append(suspect_item(seller_order_id, created_at, counts_against_seller=against))
    for message_id, seller_order_id, role, created_at in Message.objects.filter(
        seller_order_id__in=seller_order_ids
    ).values_list("pk", "seller_order_id", "sender_role", "created_at"):
        items[seller_order_id].append(
            FactItem(
                key=f"message:{message_id}",
                at=created_at,
                kind="message",
                rank=KIND_RANK["message"],
                source_id=message_id,
                actor_role=role,
            )
        )
    facts = {}
    for pk, placed_at, ship_by, deliver_by in SellerOrder.objects.filter(pk__in=seller_order_ids).values_list(
        "pk", "placed_at", "ship_by", "deliver_by"
    ):
        facts[pk] = OrderFacts(
            seller_order_id=pk,
            placed_on=placed_at.date(),
            ship_by=ship_by,
            deliver_by=deliver_by,
            items=tuple(items[pk]),
        )
    return facts


def _buckets_apply(seller_id: int, delta: dict[dt.date, dict[str, Any]]) -> None:
    """Add a contribution delta to the seller's day rows: counters with F(), duration lists under a row lock."""
    for day in sorted(delta):
        changes = delta[day]
        SellerDailyStats.objects.get_or_create(seller_id=seller_id, day=day)
        counters = {name: F(name) + amount for name, amount in changes.items() if name in COUNTER_FIELDS}
        if counters:
            SellerDailyStats.objects.filter(seller_id=seller_id, day=day).update(**counters)
        lists = {name: value for name, value in changes.items() if name in LIST_FIELDS}
        if lists:
            row = SellerDailyStats.objects.select_for_update().get(seller_id=seller_id, day=day)
            for name, change in lists.items():
                values = list(getattr(row, name))
                for value in change["remove"]:
                    if value in values:
                        values.remove(value)
                setattr(row, name, sorted(values + change["add"]))
            row.save(update_fields=list(lists))


def evidence_apply(*, seller_order_id: int, fact_key: str, recompute: bool = True) -> bool:
    """Fold one fact of a seller order into its seller's daily buckets, once: a second call with the same fact
    (a retried task) changes nothing and returns False. Then recompute the seller's trust."""
    seller_id = _evidence_fold(seller_order_id=seller_order_id, fact_key=fact_key)
    if seller_id is None:
        return False
    if recompute:
        seller_trust_recompute(seller_id=seller_id)
    return True


def _evidence_fold(*, seller_order_id: int, fact_key: str) -> int | None:
    """Fold one fact into the buckets; the seller's id when it was folded now, None when it already was (or is not a
    fact)."""
    with transaction.atomic():
        # The seller order's row lock serialises the folds of one order, so each sees the facts folded before it.
        seller_id = (
            SellerOrder.objects.select_for_update()
            .filter(pk=seller_order_id)
            .values_list("seller_id", flat=True)
            .first()
        )
        if seller_id is None:
            raise NotFound("No such seller order.", code=errors.SELLER_ORDER_NOT_FOUND)
        facts = order_facts_bulk([seller_order_id])[seller_order_id]
        item = next((item for item in facts.items if item.key == fact_key), None)
        mark = TrustRebuild.objects.order_by("-pk").first()
        if item is None or (mark is not None and _within_marks(item, mark)):
            return None
        applied = set(
            TrustEvidenceApplied.objects.filter(key__in=[other.key for other in facts.items]).values_list(
                "key", flat=True
            )
        )
        if fact_key in applied:
            return None
        try:
            with transaction.atomic():
                TrustEvidenceApplied.objects.create(key=fact_key, seller_id=seller_id)
        except IntegrityError:
            return None
        # The buckets hold the contribution of the facts folded so far (own marks, or counted by the last rebuild);
        # folding one more replaces it with the contribution of that set plus this fact. Facts may arrive in any order
        # (a message and a review at the same instant, a retried task): the buckets always equal the contribution of
        # what was folded.
        folded = [
            other for other in facts.items if other.key in applied or (mark is not None and _within_marks(other, mark))
        ]
        config = trust_settings().rules
        delta = contribution_delta(
            order_contribution(_with_items(facts, [*folded, item]), config=config),
            order_contribution(_with_items(facts, folded), config=config),
        )
        _buckets_apply(seller_id, delta)
    return seller_id


def _with_items(facts: OrderFacts, items: list[FactItem]) -> OrderFacts:
    return OrderFacts(facts.seller_order_id, facts.placed_on, facts.ship_by, facts.deliver_by, tuple(items))


def evidence_apply_many(*, facts: list[tuple[int, str]]) -> int:
    """Fold several facts (those of one commit), each once and in the order given, then recompute each seller
    concerned once. A fact whose seller order or event does not exist (rolled back) is skipped. Returns the number
    of facts folded."""
    folded, seller_ids = 0, []
    for seller_order_id, fact_key in facts:
        try:
            seller_id = _evidence_fold(seller_order_id=seller_order_id, fact_key=fact_key)
        except NotFound:
            continue
        if seller_id is not None:
            folded += 1
            if seller_id not in seller_ids:
                seller_ids.append(seller_id)
    for seller_id in seller_ids:
        seller_trust_recompute(seller_id=seller_id)
    return folded


def _within_marks(item: FactItem, marks: TrustRebuild) -> bool:
    """Whether the last rebuild counted this fact by its id mark. A hiding and a suspect mark are not counted by id:
    the rebuild records those it folded as TrustEvidenceApplied rows."""
    limit = {
        "event": marks.last_event_id,
        "review": marks.last_review_id,
        "message": marks.last_message_id,
    }.get(item.kind)
    return limit is not None and item.source_id <= limit

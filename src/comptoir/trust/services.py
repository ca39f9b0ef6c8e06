"""Trust writes: evidence folding, score recompute, enforcement, appeals, overrides, reviews, messages and
anti-whitewashing identity links.

Incremental path (one seller-order fact at a time): `evidence_apply` folds the fact's contribution delta
into the (seller, day) buckets with F() updates, then `seller_trust_recompute` reads at most the score
horizon of buckets (O(days), never the orders), stores SellerTrust, snapshots today's SellerTrustHistory
and applies the enforcement ladder. Batch path: `trust_rebuild` recomputes the buckets from the source
rows and then every seller; both paths share the pure `order_contribution`, so they agree."""

from __future__ import annotations

import contextlib
import datetime as dt
import hashlib
import hmac
import threading
from collections.abc import Mapping
from decimal import Decimal
from typing import NamedTuple

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import Count, F, Q

from comptoir.core import clock
from comptoir.core.db import stream_rows, upsert_rows
from comptoir.core.events import publish_on_commit  # search index: see "SellerTrustChanged" below
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.services import audit_record
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import SellerOrder, SellerOrderEvent
from comptoir.sellers.models import Seller, SellerMember, SellerStatus
from comptoir.trust.domain.enforcement import SUSPENSION, enforcement_plan, statement_of_reasons
from comptoir.trust.domain.evidence import (
    COUNTER_FIELDS,
    KIND_RANK,
    LIST_FIELDS,
    DayEvidence,
    FactItem,
    OrderFacts,
    PriorEvidence,
    SellerEvidence,
    contribution_delta,
    day_evidence_from_mapping,
    day_evidence_from_row,
    order_contribution,
)
from comptoir.trust.domain.score import compute_trust, horizon_start
from comptoir.trust.domain.security import MemberFacts, security_posture
from comptoir.trust.domain.tiers import Tier
from comptoir.trust.domain.transparency import ListingFacts, listing_transparency, seller_listing_completeness
from comptoir.trust.events import SellerTrustChanged
from comptoir.trust.models import (
    Appeal,
    AppealStatus,
    EnforcementAction,
    Message,
    Review,
    ReviewReport,
    ReviewReportStatus,
    ReviewStatus,
    SellerDailyStats,
    SellerIdentityFingerprint,
    SellerIdentityLink,
    SellerTrust,
    SellerTrustHistory,
    TrustEvidenceApplied,
    TrustRebuild,
)
from comptoir.trust.selectors import config as trust_settings

REVIEWABLE = {Status.DELIVERED, Status.COMPLETED, Status.RETURN_REQUESTED, Status.RETURNED, Status.REFUNDED}
RATING_FIELDS = ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging")


# --- Facts of one seller order ----------------------------------------------------------------------


def _review_item(review: Review) -> FactItem:
    mean_permille = (review.item_as_described + review.communication + review.shipping_speed + review.packaging) * 250
    return FactItem(
        key=f"review:{review.pk}",
        at=review.created_at,
        kind="review",
        rank=KIND_RANK["review"],
        source_id=review.pk,
        rating_permille=mean_permille,
        credibility_permille=review.credibility_permille,
    )


def _order_facts_bulk(seller_order_ids: list[int]) -> dict[int, OrderFacts]:
    """Every fact of these seller orders (events, reviews and their hiding, messages), in a constant number of queries."""
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


def _buckets_apply(seller_id: int, delta: dict[dt.date, dict]) -> None:
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
    """Fold one fact into the buckets; the seller's id when it was folded now, None when it already was (or is not a fact)."""
    with transaction.atomic():
        # The seller order's row lock serialises the folds of one order, so each sees the facts folded before it.
        seller_id = (
            SellerOrder.objects.select_for_update()
            .filter(pk=seller_order_id)
            .values_list("seller_id", flat=True)
            .first()
        )
        if seller_id is None:
            raise NotFound("No such seller order.", code="seller_order_not_found")
        facts = _order_facts_bulk([seller_order_id])[seller_order_id]
        item = next((item for item in facts.items if item.key == fact_key), None)
        mark = TrustRebuild.objects.order_by("-pk").first()
        if item is None or (mark is not None and item.kind != "review_hidden" and _within_marks(item, mark)):
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
        # The buckets hold the contribution of the facts folded so far (own marks, or counted by the last rebuild); folding
        # one more replaces it with the contribution of that set plus this fact. Facts may arrive in any order (a message
        # and a review at the same instant, a retried task): the buckets always equal the contribution of what was folded.
        folded = [
            other
            for other in facts.items
            if other.key in applied
            or (mark is not None and other.kind != "review_hidden" and _within_marks(other, mark))
        ]
        config = trust_settings()
        delta = contribution_delta(
            order_contribution(_with_items(facts, folded + [item]), config=config),
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


# --- Evidence of a seller ---------------------------------------------------------------------------


def _days_of(seller_id: int, *, since: dt.date, until: dt.date) -> tuple:
    rows = SellerDailyStats.objects.filter(seller_id=seller_id, day__gte=since, day__lte=until).order_by("day").values()
    return tuple(day_evidence_from_mapping(row["day"], row) for row in rows)


def listing_completeness_refresh(*, seller_id: int) -> Decimal | None:
    """Recompute and cache the mean completeness of the seller's active offers."""
    from comptoir.offers.models import Offer  # downward: trust reads offers

    config = trust_settings()
    values = []
    for offer in (
        Offer.objects.filter(seller_id=seller_id, is_active=True)
        .select_related("product", "product__category")
        .annotate(image_count=Count("product__images"))
    ):
        product = offer.product
        facts = ListingFacts(
            expected_attributes=tuple(product.category.expected_attributes or ()),
            attributes=product.attributes or {},
            images=offer.image_count,
            has_dimensions=bool(product.length_mm and product.width_mm and product.height_mm),
            has_weight=bool(product.weight_grams),
            origin=product.country_of_origin,
            return_policy_days=offer.return_policy_days,
            handling_days=offer.handling_days,
            description=product.description,
        )
        values.append(
            listing_transparency(facts, minimum_images=int(config["transparency"]["minimum_images"])).completeness
        )
    completeness = seller_listing_completeness(values)
    trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
    SellerTrust.objects.filter(pk=trust.pk).update(listing_completeness=completeness)
    return completeness


def _security_posture(seller_id: int, linked_ids: frozenset[int]):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    user_ids = list(SellerMember.objects.filter(seller_id=seller_id).values_list("user_id", flat=True))
    with_totp = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    others: dict[int, set[int]] = {}
    for user_id, other_seller_id in (
        SellerMember.objects.filter(user_id__in=user_ids)
        .exclude(seller_id=seller_id)
        .values_list("user_id", "seller_id")
    ):
        others.setdefault(user_id, set()).add(other_seller_id)
    from comptoir.sellers.models import SellerApiKey

    keys = list(
        SellerApiKey.objects.filter(seller_id=seller_id, revoked_at__isnull=True).values_list("created_at", flat=True)
    )
    members = [
        MemberFacts(
            user_id=user_id,
            has_confirmed_totp=user_id in with_totp,
            other_seller_ids=frozenset(others.get(user_id, ())),
        )
        for user_id in user_ids
    ]
    return security_posture(
        members=members,
        api_key_created=keys,
        now=clock.now(),
        linked_seller_ids=linked_ids,
        api_key_max_age_days=int(trust_settings()["security"]["api_key_max_age_days"]),
    )


def seller_evidence(*, seller_id: int, today: dt.date, trust: SellerTrust | None = None) -> SellerEvidence:
    config = trust_settings()
    since = today - dt.timedelta(days=int(config["score_horizon_days"]) - 1)
    trust = trust or SellerTrust.objects.filter(seller_id=seller_id).first()
    prior = None
    if trust is not None and trust.prior_from_seller_id:
        prior = PriorEvidence(
            from_seller_id=trust.prior_from_seller_id,
            days=_days_of(trust.prior_from_seller_id, since=since, until=today),
        )
    linked = frozenset(
        other
        for pair in SellerIdentityLink.objects.filter(
            Q(seller_id=seller_id) | Q(linked_seller_id=seller_id)
        ).values_list("seller_id", "linked_seller_id")
        for other in pair
        if other != seller_id
    )
    return SellerEvidence(
        days=_days_of(seller_id, since=since, until=today),
        listing_completeness=trust.listing_completeness if trust else None,
        security=_security_posture(seller_id, linked),
        prior=prior,
    )


# --- SellerTrustChanged (for the search index) -----------------------------------------------------
# What other domains copy from a seller's trust (the search index's browse order): compared before and after a store so
# that the event is published only when one of them moved; an enforcement action opened or lifted counts as a move
# (it changes the visibility multiplier).


def _published_trust(trust: SellerTrust) -> tuple:
    return (trust.score, trust.satisfaction, trust.tier_override or trust.tier)


def _trust_changed_on_commit(seller_ids) -> None:
    if seller_ids:
        publish_on_commit(SellerTrustChanged(seller_ids=tuple(sorted(seller_ids)), at=clock.now()))


# --- Score, history, enforcement --------------------------------------------------------------------


def _trust_store_result(trust: SellerTrust, result, *, today: dt.date, now) -> str:
    """Copy a TrustResult onto the trust row (not saved) and return the effective tier. Shared by the per-seller
    and the batch recompute so that both store exactly the same values."""
    trust.score, trust.score_low, trust.score_high = result.score, result.low, result.high
    trust.transparency, trust.operations = result.pillars["transparency"], result.pillars["operations"]
    trust.security, trust.satisfaction = result.pillars["security"], result.pillars["satisfaction"]
    trust.tier = result.tier
    trust.metrics = {name: metric.as_dict() for name, metric in result.metrics.items()}
    trust.evidence_orders = result.evidence_orders
    trust.computed_at = now
    effective = trust.tier_override or trust.tier
    if effective == Tier.BELOW_STANDARD:
        trust.below_standard_since = trust.below_standard_since or today
    else:
        trust.below_standard_since = None
    return effective


def seller_trust_recompute(
    *, seller_id: int, today: dt.date | None = None, refresh_listing: bool = False, enforce: bool = True
) -> SellerTrust:
    """Recompute one seller's trust from its buckets (at most `score_horizon_days` rows), store it, snapshot
    today's history row and apply the enforcement ladder. Idempotent for a given state and day."""
    today = today or clock.now().date()
    config = trust_settings()
    if refresh_listing:
        listing_completeness_refresh(seller_id=seller_id)
    with transaction.atomic():
        trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
        trust = SellerTrust.objects.select_for_update().get(pk=trust.pk)
        published, enforced = _published_trust(trust), False  # SellerTrustChanged
        if trust.listing_completeness is None and not refresh_listing:
            trust.listing_completeness = listing_completeness_refresh(seller_id=seller_id)
        result = compute_trust(
            seller_evidence(seller_id=seller_id, today=today, trust=trust), today=today, config=config
        )
        effective = _trust_store_result(trust, result, today=today, now=clock.now())
        trust.save()
        SellerTrustHistory.objects.update_or_create(
            seller_id=seller_id, day=today, defaults={"score": trust.score, "tier": effective, "metrics": trust.metrics}
        )
        if enforce:
            enforced = _enforcement_apply(trust=trust, result=result, today=today, config=config)
        if enforced or _published_trust(trust) != published:  # SellerTrustChanged
            _trust_changed_on_commit([seller_id])
    return trust


# --- Batch recompute --------------------------------------------------------------------------------

TRUST_COMPUTED_FIELDS = [
    "score",
    "score_low",
    "score_high",
    "transparency",
    "operations",
    "security",
    "satisfaction",
    "tier",
    "metrics",
    "evidence_orders",
    "computed_at",
    "below_standard_since",
    "listing_completeness",
]


def _listing_completeness_many(seller_ids: list[int], config: dict) -> dict[int, Decimal | None]:
    """Mean completeness of the active offers of each seller (None without offers), in one query."""
    from comptoir.offers.models import Offer  # downward: trust reads offers

    values: dict[int, list[Decimal]] = {}
    for offer in (
        Offer.objects.filter(seller_id__in=seller_ids, is_active=True)
        .select_related("product", "product__category")
        .annotate(image_count=Count("product__images"))
    ):
        product = offer.product
        facts = ListingFacts(
            expected_attributes=tuple(product.category.expected_attributes or ()),
            attributes=product.attributes or {},
            images=offer.image_count,
            has_dimensions=bool(product.length_mm and product.width_mm and product.height_mm),
            has_weight=bool(product.weight_grams),
            origin=product.country_of_origin,
            return_policy_days=offer.return_policy_days,
            handling_days=offer.handling_days,
            description=product.description,
        )
        values.setdefault(offer.seller_id, []).append(
            listing_transparency(facts, minimum_images=int(config["transparency"]["minimum_images"])).completeness
        )
    return {seller_id: seller_listing_completeness(values.get(seller_id, [])) for seller_id in seller_ids}


def _security_postures_many(seller_ids: list[int], links: dict[int, frozenset[int]], config: dict) -> dict:
    """The security posture of each seller, in four queries for the whole chunk (same rules as `_security_posture`)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    from comptoir.sellers.models import SellerApiKey

    members_of: dict[int, list[int]] = {seller_id: [] for seller_id in seller_ids}
    for seller_id, user_id in SellerMember.objects.filter(seller_id__in=seller_ids).values_list("seller_id", "user_id"):
        members_of[seller_id].append(user_id)
    user_ids = {user_id for users in members_of.values() for user_id in users}
    with_totp = (
        set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
        if user_ids
        else set()
    )
    sellers_of_user: dict[int, set[int]] = {}
    if user_ids:
        for user_id, other_seller_id in SellerMember.objects.filter(user_id__in=user_ids).values_list(
            "user_id", "seller_id"
        ):
            sellers_of_user.setdefault(user_id, set()).add(other_seller_id)
    keys: dict[int, list] = {}
    for seller_id, created_at in SellerApiKey.objects.filter(
        seller_id__in=seller_ids, revoked_at__isnull=True
    ).values_list("seller_id", "created_at"):
        keys.setdefault(seller_id, []).append(created_at)
    now = clock.now()
    max_age = int(config["security"]["api_key_max_age_days"])
    postures = {}
    for seller_id in seller_ids:
        members = [
            MemberFacts(
                user_id=user_id,
                has_confirmed_totp=user_id in with_totp,
                other_seller_ids=frozenset(sellers_of_user.get(user_id, set()) - {seller_id}),
            )
            for user_id in members_of[seller_id]
        ]
        postures[seller_id] = security_posture(
            members=members,
            api_key_created=keys.get(seller_id, []),
            now=now,
            linked_seller_ids=links.get(seller_id, frozenset()),
            api_key_max_age_days=max_age,
        )
    return postures


def trust_recompute_all(
    *,
    today: dt.date | None = None,
    seller_ids: list[int] | None = None,
    refresh_listing: bool = False,
    enforce: bool = True,
    chunk: int = 1000,
) -> int:
    """Recompute every seller (or `seller_ids`) in chunks: per chunk, a constant number of queries loads the trust
    rows, the buckets of the horizon (own and inherited), identity links, security facts and, when needed, the
    listing completeness; the pure `compute_trust` scores each seller in memory; SellerTrust and today's
    SellerTrustHistory are written with upserts. The enforcement ladder runs (per seller, locked) only for sellers whose
    plan opens or lifts an action. Stores exactly what `seller_trust_recompute` stores for each seller (tested).
    Returns the number of sellers recomputed. The rebuild's workers use its two halves apart
    (`trust_scores_precompute`, `trust_scores_store`)."""
    today = today or clock.now().date()
    config = trust_settings()
    if seller_ids is None:
        seller_ids = list(Seller.objects.order_by("pk").values_list("pk", flat=True))
    count = 0
    for start in range(0, len(seller_ids), chunk):
        part = list(seller_ids[start : start + chunk])
        with transaction.atomic():
            trusts = _trusts_locked(part)
            computed = _chunk_compute(
                part, trusts, today=today, config=config, refresh_listing=refresh_listing, enforce=enforce
            )
            _chunk_store(computed, today=today, config=config)
        count += len(part)
    return count


class ChunkScores(NamedTuple):
    """A chunk of sellers scored in memory (their SellerTrust objects updated, not saved), ready to store."""

    part: list[int]
    trusts: dict  # seller id -> SellerTrust, computed fields set
    before: dict  # seller id -> the row's values as read (`_row_values`)
    published: dict  # seller id -> what the search index copied of it as read (SellerTrustChanged)
    results: dict  # seller id -> TrustResult
    deferred: frozenset  # sellers not computed: their days were not at hand (store computes them)


def trust_scores_precompute(
    *, today: dt.date, seller_ids: list[int], known_days: Mapping[int, list[DayEvidence]], chunk: int = 1000
) -> list[ChunkScores]:
    """The rebuild's optimistic half of `trust_recompute_all`: score these sellers without locking anything (their trust
    rows read as they are), from `known_days` — which may be the buckets of a transaction not yet committed — so that
    the scores are computed while the buckets are being written. Sellers whose days (or inherited days) are not known
    are deferred. `trust_scores_store` then stores each chunk under lock, recomputing whatever changed meanwhile."""
    config = trust_settings()
    chunks = []
    for start in range(0, len(seller_ids), chunk):
        part = list(seller_ids[start : start + chunk])
        trusts = {trust.seller_id: trust for trust in SellerTrust.objects.filter(seller_id__in=part)}
        for seller_id in part:
            trusts.setdefault(seller_id, SellerTrust(seller_id=seller_id))
        chunks.append(
            _chunk_compute(
                part, trusts, today=today, config=config, refresh_listing=True, enforce=True, known_days=known_days
            )
        )
    return chunks


def trust_scores_store(chunks: list[ChunkScores], *, today: dt.date, applied_mark: int) -> int:
    """Store chunks from `trust_scores_precompute`, each in a transaction with its trust rows locked. A seller is
    recomputed here, from the stored rows, when it was deferred, when its trust row is no longer what was read (an
    override, a link, an incremental recompute), or when a fact was folded into its buckets (or its prior's) after the
    rebuild's commit (a TrustEvidenceApplied row above `applied_mark`). Returns the number of sellers stored."""
    config = trust_settings()
    count = 0
    for chunk in chunks:
        with transaction.atomic():
            locked = _trusts_locked(chunk.part)
            priors = {
                seller_id: trust.prior_from_seller_id
                for seller_id, trust in locked.items()
                if trust.prior_from_seller_id
            }
            folded = set(
                TrustEvidenceApplied.objects.filter(
                    seller_id__in=set(chunk.part) | set(priors.values()), pk__gt=applied_mark
                ).values_list("seller_id", flat=True)
            )
            stale = [
                seller_id
                for seller_id in chunk.part
                if seller_id in chunk.deferred
                or seller_id in folded
                or priors.get(seller_id) in folded
                or _row_values(locked[seller_id]) != chunk.before[seller_id]
            ]
            fresh = [seller_id for seller_id in chunk.part if seller_id not in set(stale)] if stale else chunk.part
            kept = ChunkScores(
                fresh,
                {seller_id: chunk.trusts[seller_id] for seller_id in fresh},
                {},
                {seller_id: chunk.published[seller_id] for seller_id in fresh},
                {seller_id: chunk.results[seller_id] for seller_id in fresh},
                frozenset(),
            )
            _chunk_store(kept, today=today, config=config)
            if stale:
                redone = _chunk_compute(
                    stale,
                    {seller_id: locked[seller_id] for seller_id in stale},
                    today=today,
                    config=config,
                    refresh_listing=True,
                    enforce=True,
                )
                _chunk_store(redone, today=today, config=config)
        count += len(chunk.part)
    return count


def _trusts_locked(part: list[int]) -> dict:
    """The trust rows of these sellers, created where missing, locked for this transaction."""
    existing = set(SellerTrust.objects.filter(seller_id__in=part).values_list("seller_id", flat=True))
    missing = [seller_id for seller_id in part if seller_id not in existing]
    if missing:
        SellerTrust.objects.bulk_create(
            [SellerTrust(seller_id=seller_id) for seller_id in missing], batch_size=1000, ignore_conflicts=True
        )
    return {trust.seller_id: trust for trust in SellerTrust.objects.select_for_update().filter(seller_id__in=part)}


def _row_values(trust: SellerTrust) -> tuple:
    return tuple(getattr(trust, field.attname) for field in SellerTrust._meta.concrete_fields if not field.primary_key)


def _chunk_compute(
    part: list[int],
    trusts: dict,
    *,
    today: dt.date,
    config: dict,
    refresh_listing: bool,
    enforce: bool,
    known_days: Mapping[int, list[DayEvidence]] | None = None,
) -> ChunkScores:
    """Score the sellers of `part` (their trust rows given) in memory, from the stored buckets — or, with `known_days`,
    from those days alone, deferring the sellers whose own or inherited days are not in it (`trust_scores_precompute`)."""
    since = horizon_start(today, config)
    before = {seller_id: _row_values(trust) for seller_id, trust in trusts.items()}
    published = {seller_id: _published_trust(trust) for seller_id, trust in trusts.items()}  # SellerTrustChanged
    needs_listing = [
        seller_id for seller_id in part if refresh_listing or trusts[seller_id].listing_completeness is None
    ]
    if needs_listing:
        for seller_id, completeness in _listing_completeness_many(needs_listing, config).items():
            trusts[seller_id].listing_completeness = completeness
    links: dict[int, set[int]] = {}
    for first, second in SellerIdentityLink.objects.filter(
        Q(seller_id__in=part) | Q(linked_seller_id__in=part)
    ).values_list("seller_id", "linked_seller_id"):
        links.setdefault(first, set()).add(second)
        links.setdefault(second, set()).add(first)
    frozen_links = {seller_id: frozenset(others - {seller_id}) for seller_id, others in links.items()}
    prior_ids = {trust.prior_from_seller_id for trust in trusts.values() if trust.prior_from_seller_id}
    wanted = set(part) | prior_ids
    days: dict[int, list] = {}
    deferred = frozenset()
    if known_days is not None:
        days = {seller_id: known_days[seller_id] for seller_id in wanted & known_days.keys() if known_days[seller_id]}
        unknown = wanted - known_days.keys()
        deferred = frozenset(
            seller_id for seller_id in part if seller_id in unknown or trusts[seller_id].prior_from_seller_id in unknown
        )
    else:
        # Streamed columns, not model dicts: a full recompute reads every bucket of the horizon (≈ 800k rows at 1M orders).
        counters = len(COUNTER_FIELDS)
        for row in stream_rows(
            SellerDailyStats.objects.filter(seller_id__in=wanted, day__gte=since, day__lte=today)
            .order_by("seller_id", "day")
            .values_list("seller_id", "day", *COUNTER_FIELDS, *LIST_FIELDS),
            jsons=(counters + 2, counters + 3),
        ):
            days.setdefault(row[0], []).append(
                day_evidence_from_row(row[1], row[2 : counters + 2], row[counters + 2], row[counters + 3])
            )
    postures = _security_postures_many(part, frozen_links, config)
    now = clock.now()
    results = {}
    for seller_id in part:
        if seller_id in deferred:
            continue
        trust = trusts[seller_id]
        prior = None
        if trust.prior_from_seller_id:
            prior = PriorEvidence(
                from_seller_id=trust.prior_from_seller_id, days=tuple(days.get(trust.prior_from_seller_id, ()))
            )
        evidence = SellerEvidence(
            days=tuple(days.get(seller_id, ())),
            listing_completeness=trust.listing_completeness,
            security=postures[seller_id],
            prior=prior,
        )
        result = compute_trust(evidence, today=today, config=config)
        _trust_store_result(trust, result, today=today, now=now)
        results[seller_id] = result
    return ChunkScores(part, trusts, before, published, results if enforce else dict.fromkeys(results), deferred)


def _chunk_store(chunk: ChunkScores, *, today: dt.date, config: dict) -> None:
    """Write a computed chunk (the caller holds its trust rows locked): SellerTrust and today's history row by upsert,
    then the enforcement ladder for the sellers whose plan, against their active actions read now, opens or lifts one."""
    if not chunk.part:
        return
    trusts = [chunk.trusts[seller_id] for seller_id in chunk.part]
    active: dict[int, set[str]] = {}
    for seller_id, kind in EnforcementAction.objects.filter(seller_id__in=chunk.part, is_active=True).values_list(
        "seller_id", "kind"
    ):
        active.setdefault(seller_id, set()).add(kind)
    to_enforce, history = [], []
    for trust in trusts:
        effective = trust.tier_override or trust.tier
        history.append(
            SellerTrustHistory(
                seller_id=trust.seller_id, day=today, score=trust.score, tier=effective, metrics=trust.metrics
            )
        )
        result = chunk.results[trust.seller_id]
        if result is not None:
            plan = enforcement_plan(
                tier=effective,
                below_standard_since=trust.below_standard_since,
                today=today,
                active_kinds=frozenset(active.get(trust.seller_id, ())),
                config=config,
                paused_until=trust.enforcement_paused_until,
            )
            if plan.open or plan.lift:
                to_enforce.append((trust, result))
    # Upserts: every SellerTrust row exists (created by `_trusts_locked`), so INSERT … ON CONFLICT (seller) DO UPDATE only
    # updates the computed columns; one prepared statement run over the rows (bulk_update's CASE WHEN per column cost
    # 7 ms a seller, bulk_create's UNNEST form on PostgreSQL ≈ 1 ms quoting the metrics JSON).
    upsert_rows(SellerTrust, trusts, unique_fields=["seller"], update_fields=TRUST_COMPUTED_FIELDS)
    upsert_rows(
        SellerTrustHistory, history, unique_fields=["seller", "day"], update_fields=["score", "tier", "metrics"]
    )
    for trust, result in to_enforce:
        _enforcement_apply(trust=trust, result=result, today=today, config=config)
    # SellerTrustChanged: one event for the chunk, delivered after its commit (no statement here).
    _trust_changed_on_commit(
        {trust.seller_id for trust in trusts if _published_trust(trust) != chunk.published[trust.seller_id]}
        | {trust.seller_id for trust, _result in to_enforce}
    )


def _enforcement_apply(*, trust: SellerTrust, result, today: dt.date, config: dict) -> bool:
    active = {
        action.kind: action
        for action in EnforcementAction.objects.select_for_update().filter(seller_id=trust.seller_id, is_active=True)
    }
    effective = trust.tier_override or trust.tier
    plan = enforcement_plan(
        tier=effective,
        below_standard_since=trust.below_standard_since,
        today=today,
        active_kinds=frozenset(active),
        config=config,
        paused_until=trust.enforcement_paused_until,
    )
    days_below = (today - trust.below_standard_since).days if trust.below_standard_since else 0
    now = clock.now()
    for kind in plan.open:
        statement = statement_of_reasons(
            kind=kind, score=trust.score, tier=effective, metrics=result.metrics, days_below=days_below, config=config
        )
        action = EnforcementAction.objects.create(
            seller_id=trust.seller_id,
            kind=kind,
            facts=statement.facts,
            facts_text=statement.facts_text,
            rule=statement.rule,
            is_automated=True,
            redress=statement.redress,
            created_at=now,
        )
        audit_record(
            actor=None,
            action=f"trust.enforcement.{kind}",
            target=action,
            seller_id=trust.seller_id,
            reason=statement.rule,
            data={"score": str(trust.score), "tier": effective},
        )
        if kind == SUSPENSION:
            from comptoir.sellers.services import seller_suspend

            if Seller.objects.filter(pk=trust.seller_id, status=SellerStatus.VERIFIED).exists():
                seller_suspend(
                    seller_id=trust.seller_id,
                    actor=None,
                    reason=f"Automated enforcement #{action.pk}: {statement.rule}",
                )
    for kind in plan.lift:
        action = active[kind]
        action.is_active, action.lifted_at, action.lifted_reason = False, now, "The seller is no longer below standard."
        action.save(update_fields=["is_active", "lifted_at", "lifted_reason"])
        audit_record(
            actor=None,
            action=f"trust.enforcement.lifted.{kind}",
            target=action,
            seller_id=trust.seller_id,
            reason=action.lifted_reason,
        )
    return bool(plan.open or plan.lift)  # whether an action was opened or lifted (SellerTrustChanged)


def seller_trust_tier_override(*, seller_id: int, actor, tier: str, reason: str) -> SellerTrust:
    """An operator sets (or clears, with tier="") a seller's tier by hand. Audited; the reason is required."""
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can override a tier.", code="operator_required")
    if tier and tier not in Tier.__dict__.values():
        raise ValidationError(
            "Unknown tier.", code="invalid_tier", fields={"tier": "new, top_rated, good, at_risk or below_standard."}
        )
    if not isinstance(reason, str) or not reason.strip():
        raise ValidationError(
            "A reason is required.", code="reason_required", fields={"reason": "Explain the override; it is audited."}
        )
    with transaction.atomic():
        trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
        previous = trust.tier_override
        trust.tier_override, trust.tier_override_reason = tier, reason.strip()
        trust.save(update_fields=["tier_override", "tier_override_reason"])
        audit_record(
            actor=actor,
            action="trust.tier_overridden",
            target=trust,
            seller_id=seller_id,
            reason=reason.strip(),
            data={"from": previous, "to": tier, "computed": trust.tier},
        )
        if previous != tier:  # SellerTrustChanged: the recompute below compares against the overridden tier already
            _trust_changed_on_commit([seller_id])
    return seller_trust_recompute(seller_id=seller_id)


# --- Appeals ----------------------------------------------------------------------------------------


def appeal_submit(*, seller, actor, action_id: int, text: str) -> Appeal:
    """A member of the seller appeals one of its restrictions (one open appeal per restriction)."""
    if not isinstance(text, str) or not text.strip():
        raise ValidationError(
            "Explain why the decision should change.", code="appeal_text_required", fields={"text": "Required."}
        )
    with transaction.atomic():
        action = EnforcementAction.objects.select_for_update().filter(pk=action_id, seller=seller).first()
        if action is None:
            raise NotFound("No such enforcement action.", code="enforcement_not_found")
        days = int(trust_settings()["enforcement"]["appeal_days"])
        if clock.now() > action.created_at + dt.timedelta(days=days):
            raise Conflict("The appeal period has ended.", code="appeal_period_ended")
        if Appeal.objects.filter(action=action, status=AppealStatus.OPEN).exists():
            raise Conflict("An appeal of this decision is already open.", code="appeal_open")
        appeal = Appeal.objects.create(
            action=action, submitted_by=actor, text=text.strip()[:5000], created_at=clock.now()
        )
        audit_record(
            actor=actor, action="trust.appeal_submitted", target=appeal, seller_id=seller.pk, data={"action": action.pk}
        )
    return appeal


def appeal_decide(*, appeal_id: int, actor, grant: bool, note: str) -> Appeal:
    """The operator decides. Granting lifts the restriction (and reinstates a suspended seller) and pauses the
    automated ladder for `visibility_after_days`, so the same facts do not re-impose it at once."""
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can decide an appeal.", code="operator_required")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError(
            "A statement of reasons is required.", code="note_required", fields={"note": "The seller will read it."}
        )
    with transaction.atomic():
        appeal = Appeal.objects.select_for_update().select_related("action").filter(pk=appeal_id).first()
        if appeal is None:
            raise NotFound("No such appeal.", code="appeal_not_found")
        if appeal.status != AppealStatus.OPEN:
            raise Conflict("This appeal is already decided.", code="appeal_decided")
        now = clock.now()
        appeal.status = AppealStatus.GRANTED if grant else AppealStatus.REJECTED
        appeal.decided_by, appeal.decided_at, appeal.decision_note = actor, now, note.strip()
        appeal.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        action = appeal.action
        if grant:
            lifted = [action] if action.is_active else []
            if action.kind == SUSPENSION:  # lifting a suspension lifts the lower rungs with it
                lifted += list(
                    EnforcementAction.objects.filter(seller_id=action.seller_id, is_active=True).exclude(pk=action.pk)
                )
            for item in lifted:
                item.is_active, item.lifted_at, item.lifted_reason = (
                    False,
                    now,
                    f"Appeal #{appeal.pk} granted: {note.strip()}",
                )
                item.save(update_fields=["is_active", "lifted_at", "lifted_reason"])
            pause = now.date() + dt.timedelta(days=int(trust_settings()["enforcement"]["visibility_after_days"]))
            SellerTrust.objects.filter(seller_id=action.seller_id).update(
                enforcement_paused_until=pause, below_standard_since=None
            )
            if lifted:  # SellerTrustChanged: a lifted restriction raises the visibility multiplier
                _trust_changed_on_commit([action.seller_id])
            if (
                action.kind == SUSPENSION
                and Seller.objects.filter(pk=action.seller_id, status=SellerStatus.SUSPENDED).exists()
            ):
                from comptoir.sellers.services import seller_reinstate

                seller_reinstate(
                    seller_id=action.seller_id, actor=actor, reason=f"Appeal #{appeal.pk} granted: {note.strip()}"
                )
        audit_record(
            actor=actor,
            action="trust.appeal_granted" if grant else "trust.appeal_rejected",
            target=appeal,
            seller_id=action.seller_id,
            reason=note.strip(),
            data={"action": action.pk, "kind": action.kind},
        )
    return appeal


# --- Anti-whitewashing ------------------------------------------------------------------------------


def _identity_digest(kind: str, value: str) -> str:
    normalised = "".join(value.split()).lower()
    if kind == "phone":
        normalised = "".join(character for character in normalised if character.isdigit())[-9:]
    return hmac.new(settings.SECRET_KEY.encode(), f"{kind}:{normalised}".encode(), hashlib.sha256).hexdigest()


def _fingerprints_store(seller: Seller) -> dict[str, str]:
    from comptoir.core.crypto import decrypt_text

    values = {
        "vat_id": seller.vat_id,
        "iban": decrypt_text(seller.iban_encrypted) if seller.iban_encrypted else "",
        "phone": seller.phone,
        "email": seller.email,
    }
    digests = {}
    for kind in trust_settings()["identity_facts"]:
        if values.get(kind):
            digests[kind] = _identity_digest(kind, values[kind])
            SellerIdentityFingerprint.objects.update_or_create(
                seller_id=seller.pk, kind=kind, defaults={"digest": digests[kind]}
            )
    return digests


def seller_identity_link(*, seller_id: int) -> list[SellerIdentityLink]:
    """At onboarding: store keyed hashes of the seller's VAT ID, IBAN, phone and email, link it to every earlier
    seller sharing one, and start it from the evidence of the linked seller with the lowest trust score (the
    worst history cannot be shed by re-registering; a good one is inherited the same way). Idempotent."""
    seller = Seller.objects.get(pk=seller_id)
    with transaction.atomic():
        # Sellers registered before this feature (or while its task was not running) get their fingerprints first.
        for earlier in Seller.objects.filter(
            identity_fingerprints__isnull=True, created_at__lte=seller.created_at
        ).exclude(pk=seller_id):
            _fingerprints_store(earlier)
        digests = _fingerprints_store(seller)
        matches: dict[int, list[str]] = {}
        for other_id, kind in (
            SellerIdentityFingerprint.objects.filter(
                Q(*[Q(kind=kind, digest=digest) for kind, digest in digests.items()], _connector=Q.OR)
                if digests
                else Q(pk__in=[])
            )
            .exclude(seller_id=seller_id)
            .filter(seller__created_at__lte=seller.created_at)
            .values_list("seller_id", "kind")
        ):
            matches.setdefault(other_id, []).append(kind)
        links = []
        for other_id, matched in sorted(matches.items()):
            link, _ = SellerIdentityLink.objects.update_or_create(
                seller_id=seller_id, linked_seller_id=other_id, defaults={"matched_on": sorted(matched)}
            )
            links.append(link)
        if matches:
            scores = dict(SellerTrust.objects.filter(seller_id__in=list(matches)).values_list("seller_id", "score"))
            worst = min(matches, key=lambda other: (scores.get(other, Decimal("50")), other))
            trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
            if trust.prior_from_seller_id is None:
                trust.prior_from_seller_id = worst
                trust.save(update_fields=["prior_from_seller"])
                audit_record(
                    actor=None,
                    action="trust.identity_linked",
                    target=trust,
                    seller_id=seller_id,
                    data={"linked": {str(k): v for k, v in matches.items()}, "prior_from": worst},
                )
    if matches:
        seller_trust_recompute(seller_id=seller_id, enforce=False)
    return links


# --- Reviews and messages ---------------------------------------------------------------------------


def _validate_ratings(ratings: dict) -> dict[str, int]:
    problems, clean = {}, {}
    for name in RATING_FIELDS:
        value = ratings.get(name)
        if isinstance(value, bool) or not isinstance(value, int) or not 1 <= value <= 5:
            problems[name] = "A whole number from 1 to 5."
        else:
            clean[name] = value
    if problems:
        raise ValidationError("Ratings go from 1 to 5.", code="invalid_rating", fields=problems)
    return clean


def _address_hash(address: dict) -> str:
    if not isinstance(address, dict):
        return ""
    text = "|".join(
        "".join(str(address.get(name, "")).split()).lower() for name in ("street", "postal_code", "country")
    )
    return hmac.digest(
        settings.SECRET_KEY.encode(), text.encode(), "sha256"
    ).hex()  # one-shot: the rebuild hashes every address


def review_credibility_facts(reviews: list[Review]):
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
    from comptoir.accounts.models import User

    joined = dict(User.objects.filter(pk__in=buyer_ids).values_list("pk", "date_joined"))
    addresses = dict(
        SellerOrder.objects.filter(pk__in=[review.seller_order_id for review in reviews]).values_list(
            "pk", "order__shipping_address"
        )
    )
    from comptoir.payments.selectors import payment_fingerprints_for_seller_orders

    fingerprints = payment_fingerprints_for_seller_orders([review.seller_order_id for review in reviews])
    return [
        ReviewFacts(
            review_id=review.pk,
            buyer_id=review.buyer_id,
            seller_id=review.seller_id,
            created_at=review.created_at,
            buyer_joined_at=joined.get(review.buyer_id) or review.created_at,
            buyer_order_count=delivered.get(review.buyer_id, 0),
            shipping_address_hash=_address_hash(addresses.get(review.seller_order_id)),
            payment_fingerprint=fingerprints.get(review.seller_order_id, ""),
            rating=round(
                (review.item_as_described + review.communication + review.shipping_speed + review.packaging) / 4
            ),
            buyer_seller_count=sellers.get(review.buyer_id),
        )
        for review in reviews
    ]


_bulk_load = threading.local()


@contextlib.contextmanager
def bookkeeping_deferred_to_rebuild():
    """For bulk loads (demo seeding, imports) that end with `trust_rebuild`: reviews and messages written in this
    thread get a provisional full credibility and enqueue no evidence task; the rebuild then computes credibility
    over all reviews at once and every bucket from the rows. Without it a bulk history costs one fraud analysis per
    review (quadratic) and folds reviews onto buckets that may miss their orders' facts."""
    previous = getattr(_bulk_load, "active", False)
    _bulk_load.active = True
    try:
        yield
    finally:
        _bulk_load.active = previous


def _credibility_of(review: Review) -> tuple[int, list[str]]:
    """The fraud analysis over the seller's recent reviews and the reviewers' other reviews (one hop); full
    credibility when the analysis is not installed."""
    try:
        from comptoir.trust.domain.fraud import review_credibility
    except ImportError:
        return 1000, []
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
    reviewer_count = Review.objects.values("buyer_id").distinct().count()
    result = review_credibility(
        review_credibility_facts(sample), today=review.created_at.date(), reviewer_count=reviewer_count
    )
    credibility = result.get(review.pk)
    return (credibility.permille, list(credibility.reasons)) if credibility else (1000, [])


def review_create(*, buyer, seller_order_id: int, ratings: dict, text: str = "", language: str = "en") -> Review:
    """A verified-purchase review: only the buyer of a seller order that was delivered (or later), once per seller
    order, ratings 1–5. Its credibility is set by the fraud analysis. Raises NotFound, Conflict, ValidationError."""
    clean = _validate_ratings(ratings or {})
    if not isinstance(text, str) or len(text) > 5000:
        raise ValidationError(
            "At most 5,000 characters.", code="invalid_text", fields={"text": "At most 5,000 characters."}
        )
    with transaction.atomic(durable=True):
        seller_order = SellerOrder.objects.select_for_update().filter(pk=seller_order_id, order__buyer=buyer).first()
        if seller_order is None:
            raise NotFound("No such order.", code="seller_order_not_found")
        if seller_order.status not in REVIEWABLE:
            raise Conflict("Only a delivered order can be reviewed.", code="review_not_allowed")
        if Review.objects.filter(seller_order=seller_order).exists():
            raise Conflict("This order has already been reviewed.", code="review_exists")
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
        permille, reasons = (1000, []) if getattr(_bulk_load, "active", False) else _credibility_of(review)
        if permille != review.credibility_permille or reasons:
            review.credibility_permille, review.credibility_reasons = permille, reasons
            review.save(update_fields=["credibility_permille", "credibility_reasons"])
        _fact_on_commit(seller_order.pk, f"review:{review.pk}")
    return review


def review_reply(*, seller, actor, review_id: int, text: str) -> Review:
    """The seller answers a review once, publicly."""
    if not isinstance(text, str) or not text.strip() or len(text) > 5000:
        raise ValidationError(
            "Write a reply of 1 to 5,000 characters.", code="invalid_reply", fields={"text": "1 to 5,000 characters."}
        )
    with transaction.atomic():
        review = Review.objects.select_for_update().filter(pk=review_id, seller=seller).first()
        if review is None:
            raise NotFound("No such review.", code="review_not_found")
        if review.seller_replied_at is not None:
            raise Conflict("This review already has a reply.", code="reply_exists")
        review.seller_reply, review.seller_replied_at = text.strip(), clock.now()
        review.save(update_fields=["seller_reply", "seller_replied_at"])
        audit_record(actor=actor, action="trust.review_replied", target=review, seller_id=seller.pk)
    return review


def review_report(*, reporter, review_id: int, reason: str, details: str = "") -> ReviewReport:
    if not isinstance(reason, str) or not reason.strip() or len(reason) > 40:
        raise ValidationError("Give a reason.", code="reason_required", fields={"reason": "1 to 40 characters."})
    with transaction.atomic():
        review = Review.objects.filter(pk=review_id, status=ReviewStatus.PUBLISHED).first()
        if review is None:
            raise NotFound("No such review.", code="review_not_found")
        if ReviewReport.objects.filter(review=review, reporter=reporter).exists():
            raise Conflict("You have already reported this review.", code="report_exists")
        return ReviewReport.objects.create(
            review=review,
            reporter=reporter,
            reason=reason.strip(),
            details=(details or "").strip()[:2000],
            created_at=clock.now(),
        )


def review_moderate(*, report_id: int, actor, uphold: bool, note: str) -> ReviewReport:
    """The operator decides a report: upholding hides the review, which then stops counting as evidence."""
    if not getattr(actor, "is_operator", False):
        raise PermissionDenied("Only an operator can moderate reviews.", code="operator_required")
    if not isinstance(note, str) or not note.strip():
        raise ValidationError("A statement of reasons is required.", code="note_required", fields={"note": "Required."})
    with transaction.atomic(durable=True):
        report = ReviewReport.objects.select_for_update().select_related("review").filter(pk=report_id).first()
        if report is None:
            raise NotFound("No such report.", code="report_not_found")
        if report.status != ReviewReportStatus.OPEN:
            raise Conflict("This report is already decided.", code="report_decided")
        now = clock.now()
        report.status = ReviewReportStatus.UPHELD if uphold else ReviewReportStatus.DISMISSED
        report.decided_by, report.decided_at, report.decision_note = actor, now, note.strip()
        report.save(update_fields=["status", "decided_by", "decided_at", "decision_note"])
        review = report.review
        if uphold and review.hidden_at is None:
            review.status, review.hidden_at = ReviewStatus.HIDDEN, now
            review.save(update_fields=["status", "hidden_at"])
            _fact_on_commit(review.seller_order_id, f"review_hidden:{review.pk}")
        audit_record(
            actor=actor,
            action="trust.review_hidden" if uphold else "trust.review_report_dismissed",
            target=review,
            seller_id=review.seller_id,
            reason=note.strip(),
            data={"report": report.pk},
        )
    return report


def message_send(*, sender, seller_order_id: int, body: str, seller=None) -> Message:
    """A message on a seller order from its buyer, or from a member of its seller (pass `seller`). The seller's
    first answer after a buyer's message gives the response time."""
    if not isinstance(body, str) or not body.strip() or len(body) > 5000:
        raise ValidationError(
            "Write a message of 1 to 5,000 characters.",
            code="invalid_message",
            fields={"body": "1 to 5,000 characters."},
        )
    with transaction.atomic(durable=True):
        queryset = SellerOrder.objects.filter(pk=seller_order_id)
        queryset = queryset.filter(seller=seller) if seller is not None else queryset.filter(order__buyer=sender)
        seller_order = queryset.first()
        if seller_order is None:
            raise NotFound("No such order.", code="seller_order_not_found")
        message = Message.objects.create(
            seller_order=seller_order,
            seller_id_copy=seller_order.seller_id,
            sender=sender,
            sender_role="seller" if seller is not None else "buyer",
            body=body.strip(),
            created_at=clock.now(),
        )
        _fact_on_commit(seller_order.pk, f"message:{message.pk}")
    return message


def _fact_on_commit(seller_order_id: int, fact_key: str) -> None:
    from comptoir.trust.tasks import enqueue_evidence

    if getattr(_bulk_load, "active", False):
        return  # the closing trust_rebuild folds this fact

    enqueue_evidence(seller_order_id=seller_order_id, fact_key=fact_key)


def _within_marks(item: FactItem, marks: TrustRebuild) -> bool:
    limit = {
        "event": marks.last_event_id,
        "review": marks.last_review_id,
        "review_hidden": marks.last_review_id,
        "message": marks.last_message_id,
    }[item.kind]
    return item.source_id <= limit

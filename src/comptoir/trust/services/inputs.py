"""What a seller's score is computed from besides its own buckets: the completeness of its listings, the security
posture of its members and API keys, its identity links and the evidence inherited from a linked seller. Each is
read for one seller (the incremental recompute) or for a chunk of sellers in a constant number of queries (the
batch recompute); both apply the same rules."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from decimal import Decimal
from typing import TYPE_CHECKING, Any

from django.db.models import Count, Q
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core import clock
from comptoir.sellers.models import SellerApiKey, SellerMember
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.evidence import (
    DayEvidence,
    PriorEvidence,
    SecurityPosture,
    SellerEvidence,
    day_evidence_from_mapping,
)
from comptoir.trust.domain.security import MemberFacts, security_posture
from comptoir.trust.domain.transparency import ListingFacts, listing_transparency, seller_listing_completeness
from comptoir.trust.models import SellerDailyStats, SellerIdentityLink, SellerTrust

if TYPE_CHECKING:
    from django.db.models import QuerySet

    from comptoir.offers.models import Offer


# --- Listing transparency ---------------------------------------------------------------------------


def _active_offers(**filters: Any) -> QuerySet[Offer]:
    from comptoir.offers.models import Offer  # downward: trust reads offers

    return (
        Offer.objects.filter(is_active=True, **filters)
        .select_related("product", "product__category")
        .annotate(image_count=Count("product__images"))
    )


def _listing_completeness(offer: Offer, *, minimum_images: int) -> Decimal:
    """The completeness of one offer's listing (`offer` annotated with `image_count` by `_active_offers`)."""
    product = offer.product
    facts = ListingFacts(
        expected_attributes=tuple(product.category.expected_attributes or ()),
        attributes=product.attributes or {},
        images=offer.image_count,  # type: ignore[attr-defined]  # annotated by _active_offers
        has_dimensions=bool(product.length_mm and product.width_mm and product.height_mm),
        has_weight=bool(product.weight_grams),
        origin=product.country_of_origin,
        return_policy_days=offer.return_policy_days,
        handling_days=offer.handling_days,
        description=product.description,
    )
    return listing_transparency(facts, minimum_images=minimum_images).completeness


def listing_completeness_refresh(*, seller_id: int) -> Decimal | None:
    """Recompute and cache the mean completeness of the seller's active offers (None without offers)."""
    minimum_images = trust_settings().minimum_images
    completeness = seller_listing_completeness(
        [_listing_completeness(offer, minimum_images=minimum_images) for offer in _active_offers(seller_id=seller_id)]
    )
    trust, _ = SellerTrust.objects.get_or_create(seller_id=seller_id)
    SellerTrust.objects.filter(pk=trust.pk).update(listing_completeness=completeness)
    return completeness


def listing_completeness_many(seller_ids: list[int], config: dict[str, Any]) -> dict[int, Decimal | None]:
    """Mean completeness of the active offers of each seller (None without offers), in one query."""
    minimum_images = int(config["transparency"]["minimum_images"])
    values: dict[int, list[Decimal]] = {}
    for offer in _active_offers(seller_id__in=seller_ids):
        values.setdefault(offer.seller_id, []).append(_listing_completeness(offer, minimum_images=minimum_images))
    return {seller_id: seller_listing_completeness(values.get(seller_id, [])) for seller_id in seller_ids}


# --- Security posture -------------------------------------------------------------------------------


def _security_posture(seller_id: int, linked_ids: frozenset[int]) -> SecurityPosture:
    user_ids = list(SellerMember.objects.filter(seller_id=seller_id).values_list("user_id", flat=True))
    with_totp = set(TOTPDevice.objects.filter(user_id__in=user_ids, confirmed=True).values_list("user_id", flat=True))
    others: dict[int, set[int]] = {}
    for user_id, other_seller_id in (
        SellerMember.objects.filter(user_id__in=user_ids)
        .exclude(seller_id=seller_id)
        .values_list("user_id", "seller_id")
    ):
        others.setdefault(user_id, set()).add(other_seller_id)
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
        api_key_max_age_days=trust_settings().api_key_max_age_days,
    )


def security_postures_many(
    seller_ids: list[int], links: dict[int, frozenset[int]], config: dict[str, Any]
) -> dict[int, SecurityPosture]:
    """The security posture of each seller, in four queries for the whole chunk (same rules as `_security_posture`)."""
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
    keys: dict[int, list[dt.datetime]] = {}
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


# --- Identity links and the evidence of one seller --------------------------------------------------


def identity_links_many(seller_ids: Iterable[int]) -> dict[int, frozenset[int]]:
    """seller id -> the sellers it is linked to by shared identity facts (either direction), for these sellers."""
    ids = list(seller_ids)
    links: dict[int, set[int]] = {}
    for first, second in SellerIdentityLink.objects.filter(
        Q(seller_id__in=ids) | Q(linked_seller_id__in=ids)
    ).values_list("seller_id", "linked_seller_id"):
        links.setdefault(first, set()).add(second)
        links.setdefault(second, set()).add(first)
    return {seller_id: frozenset(others - {seller_id}) for seller_id, others in links.items()}


def _days_of(seller_id: int, *, since: dt.date, until: dt.date) -> tuple[DayEvidence, ...]:
    rows = SellerDailyStats.objects.filter(seller_id=seller_id, day__gte=since, day__lte=until).order_by("day").values()
    return tuple(day_evidence_from_mapping(row["day"], row) for row in rows)


def seller_evidence(*, seller_id: int, today: dt.date, trust: SellerTrust | None = None) -> SellerEvidence:
    """Everything `compute_trust` reads for one seller on `today`: its buckets of the score horizon, those of the
    seller it inherits from, its listing completeness (as cached on `trust`) and its security posture."""
    since = today - dt.timedelta(days=trust_settings().score_horizon_days - 1)
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

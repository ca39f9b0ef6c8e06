"""Suspect orders: the unreviewed seller orders the review fraud analysis ties to a praise campaign (`SuspectOrder`,
docs/TRUST.md "Low-credibility orders"). Written when credibility is computed: for every review by the rebuild
(`suspect_orders_replace`, the table made exactly the analysis's set), for one seller when a review is written
(`suspect_orders_after_review`, rows only added, each folded into the evidence by its own fact `suspect:<order id>`).
Both fact loaders read the table (`services.evidence`, `rebuild.group_finish`)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence

from django.db import transaction

from comptoir.core import clock
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.evidence import SUSPECT
from comptoir.trust.domain.fraud import Analysis, ReviewFacts, Suspect, suspect_orders, suspect_sellers
from comptoir.trust.models import SuspectOrder
from comptoir.trust.selectors import unreviewed_orders
from comptoir.trust.services._common import fact_on_commit

_CHUNK = 500  # ids per statement (SQLite caps a statement's parameters)


def suspect_threshold_permille() -> int:
    """The credibility under which an order counts only against its seller (configuration
    `order_evidence_min_credibility_permille`)."""
    return int(trust_settings().rules.get("order_evidence_min_credibility_permille", 0))


def suspects_find(
    reviews: Sequence[ReviewFacts], analysis: Analysis, *, since: dt.datetime | None = None
) -> dict[int, Suspect]:
    """The suspect orders of the analysed reviews' sellers (their unreviewed orders placed from `since` on): reads
    the orders only of the sellers a campaign reaches (none in the common case)."""
    threshold = suspect_threshold_permille()
    sellers = suspect_sellers(reviews, analysis, threshold_permille=threshold)
    if not sellers:
        return {}
    orders = unreviewed_orders(sorted(sellers), since=since)
    if reviews and reviews[0].created_at.tzinfo is None:
        # The rebuild's review facts are naive, in UTC (`rebuild._timestamps`): the orders' times alike.
        orders = [
            order._replace(
                placed_at=_naive_utc(order.placed_at),
                buyer_joined_at=None if order.buyer_joined_at is None else _naive_utc(order.buyer_joined_at),
            )
            for order in orders
        ]
    return suspect_orders(reviews, analysis, orders, threshold_permille=threshold)


def _naive_utc(moment: dt.datetime) -> dt.datetime:
    return moment.astimezone(dt.UTC).replace(tzinfo=None) if moment.tzinfo is not None else moment


def suspect_orders_replace(suspects: Mapping[int, Suspect]) -> int:
    """Make the table exactly `suspects` (the rebuild's analysis of every review): rows no longer suspect deleted, new
    ones added, the others kept (with their first date). Returns the number of rows changed. Atomic."""
    with transaction.atomic():
        stored = {
            pk: bool(against)
            for pk, against in SuspectOrder.objects.values_list("seller_order_id", "counts_against_seller")
        }
        # A row whose kind changed is replaced (its fact key stays the order's: the rebuild folds it anew).
        gone = sorted(
            pk for pk, against in stored.items() if pk not in suspects or suspects[pk].counts_against_seller != against
        )
        for start in range(0, len(gone), _CHUNK):
            SuspectOrder.objects.filter(seller_order_id__in=gone[start : start + _CHUNK]).delete()
        now, gone_set = clock.now(), set(gone)
        added = [
            SuspectOrder(
                seller_order_id=pk,
                seller_id=suspect.seller_id,
                reason=suspect.reason[:300],
                counts_against_seller=suspect.counts_against_seller,
                created_at=now,
            )
            for pk, suspect in sorted(suspects.items())
            if pk not in stored or pk in gone_set
        ]
        SuspectOrder.objects.bulk_create(added, batch_size=_CHUNK)
    return len(gone) + len(added)


def suspect_orders_after_review(reviews: Sequence[ReviewFacts], analysis: Analysis, *, seller_id: int) -> list[int]:
    """After a review of `seller_id` is written (in its transaction): the seller's unreviewed orders of the last 180
    days that the fresh analysis finds suspect get a row (none is removed here: the rebuild does that), and each new
    row is folded into the evidence after the commit. Returns the seller order ids added."""
    own = [review for review in reviews if review.seller_id == seller_id]
    since = max(review.created_at for review in own) - dt.timedelta(days=180) if own else None
    suspects = suspects_find(own, analysis, since=since)
    if not suspects:
        return []
    stored = set(SuspectOrder.objects.filter(seller_id=seller_id).values_list("seller_order_id", flat=True))
    added = [pk for pk in sorted(suspects) if pk not in stored]
    SuspectOrder.objects.bulk_create(
        [
            SuspectOrder(
                seller_order_id=pk,
                seller_id=suspects[pk].seller_id,
                reason=suspects[pk].reason[:300],
                counts_against_seller=suspects[pk].counts_against_seller,
            )
            for pk in added
        ],
        ignore_conflicts=True,
    )
    for pk in added:
        fact_on_commit(pk, f"{SUSPECT}:{pk}")
    return added

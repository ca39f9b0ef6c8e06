"""The batch recompute: every seller (or a list) scored in chunks with a constant number of queries per chunk, and
the rebuild's two halves of it (scores computed ahead from known days, then stored under lock). Stores exactly
what `seller_trust_recompute` stores for each seller."""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any, NamedTuple

from django.db import transaction

from comptoir.core import clock
from comptoir.core.db import stream_rows, upsert_rows
from comptoir.sellers.models import Seller
from comptoir.trust.conf import trust_settings
from comptoir.trust.domain.enforcement import enforcement_plan
from comptoir.trust.domain.evidence import (
    COUNTER_FIELDS,
    LIST_FIELDS,
    DayEvidence,
    PriorEvidence,
    SellerEvidence,
    day_evidence_from_row,
)
from comptoir.trust.domain.score import TrustResult, compute_trust, horizon_start
from comptoir.trust.models import (
    EnforcementAction,
    SellerDailyStats,
    SellerTrust,
    SellerTrustHistory,
    TrustEvidenceApplied,
)
from comptoir.trust.services._common import published_trust, trust_changed_on_commit
from comptoir.trust.services.enforcement import enforcement_apply
from comptoir.trust.services.inputs import identity_links_many, listing_completeness_many, security_postures_many
from comptoir.trust.services.priors import prior_estimate_refresh, scoring_config
from comptoir.trust.services.scores import trust_store_result

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
    config = trust_settings().rules
    if seller_ids is None:
        # A full recompute: the rates' prior strengths estimated from every seller first (and stored for the live
        # recompute), then every seller scored with them.
        config = prior_estimate_refresh(today=today, config=config)
        seller_ids = list(Seller.objects.order_by("pk").values_list("pk", flat=True))
    else:
        config = scoring_config(config)
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
    trusts: dict[int, SellerTrust]  # computed fields set
    before: dict[int, tuple[Any, ...]]  # the row's values as read (`_row_values`)
    published: dict[int, tuple[Any, ...]]  # what the search index copied of it as read (SellerTrustChanged)
    results: dict[int, TrustResult | None]  # None: computed, but the ladder is not run
    deferred: frozenset[int]  # sellers not computed: their days were not at hand (store computes them)


def trust_scores_precompute(
    *,
    today: dt.date,
    seller_ids: list[int],
    known_days: Mapping[int, list[DayEvidence]],
    chunk: int = 1000,
    config: dict[str, Any] | None = None,
) -> list[ChunkScores]:
    """The rebuild's optimistic half of `trust_recompute_all`: score these sellers without locking anything (their trust
    rows read as they are), from `known_days` — which may be the buckets of a transaction not yet committed — so that
    the scores are computed while the buckets are being written. Sellers whose days (or inherited days) are not known
    are deferred. `trust_scores_store` then stores each chunk under lock, recomputing whatever changed meanwhile.
    `config`: the configuration to score with (the rebuild's, with the prior strengths it estimated); default: the
    settings' with the stored estimate."""
    config = config or scoring_config(trust_settings().rules)
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


def trust_scores_store(
    *, chunks: list[ChunkScores], today: dt.date, applied_mark: int, config: dict[str, Any] | None = None
) -> int:
    """Store chunks from `trust_scores_precompute`, each in a transaction with its trust rows locked. A seller is
    recomputed here, from the stored rows, when it was deferred, when its trust row is no longer what was read (an
    override, a link, an incremental recompute), or when a fact was folded into its buckets (or its prior's) after the
    rebuild's commit (a TrustEvidenceApplied row above `applied_mark`). Returns the number of sellers stored. Those
    recomputed here are scored with `config` (the rebuild's, with the prior strengths it estimated); default: the
    settings' with the stored estimate."""
    config = config or scoring_config(trust_settings().rules)
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


def _trusts_locked(part: list[int]) -> dict[int, SellerTrust]:
    """The trust rows of these sellers, created where missing, locked for this transaction."""
    existing = set(SellerTrust.objects.filter(seller_id__in=part).values_list("seller_id", flat=True))
    missing = [seller_id for seller_id in part if seller_id not in existing]
    if missing:
        SellerTrust.objects.bulk_create(
            [SellerTrust(seller_id=seller_id) for seller_id in missing], batch_size=1000, ignore_conflicts=True
        )
    return {trust.seller_id: trust for trust in SellerTrust.objects.select_for_update().filter(seller_id__in=part)}


def _row_values(trust: SellerTrust) -> tuple[Any, ...]:
    return tuple(getattr(trust, field.attname) for field in SellerTrust._meta.concrete_fields if not field.primary_key)


def _chunk_compute(
    part: list[int],
    trusts: dict[int, SellerTrust],
    *,
    today: dt.date,
    config: dict[str, Any],
    refresh_listing: bool,
    enforce: bool,
    known_days: Mapping[int, list[DayEvidence]] | None = None,
) -> ChunkScores:
    """Score the sellers of `part` (their trust rows given) in memory, from the stored buckets — or, with
    `known_days`, from those days alone, deferring the sellers whose own or inherited days are not in it
    (`trust_scores_precompute`)."""
    since = horizon_start(today, config)
    before = {seller_id: _row_values(trust) for seller_id, trust in trusts.items()}
    published = {seller_id: published_trust(trust) for seller_id, trust in trusts.items()}  # SellerTrustChanged
    needs_listing = [
        seller_id for seller_id in part if refresh_listing or trusts[seller_id].listing_completeness is None
    ]
    if needs_listing:
        for seller_id, completeness in listing_completeness_many(needs_listing, config).items():
            trusts[seller_id].listing_completeness = completeness
    links = identity_links_many(part)
    prior_ids = {trust.prior_from_seller_id for trust in trusts.values() if trust.prior_from_seller_id}
    wanted = set(part) | prior_ids
    days: dict[int, list[DayEvidence]] = {}
    deferred: frozenset[int] = frozenset()
    if known_days is not None:
        days = {seller_id: known_days[seller_id] for seller_id in wanted & known_days.keys() if known_days[seller_id]}
        unknown = wanted - known_days.keys()
        deferred = frozenset(
            seller_id for seller_id in part if seller_id in unknown or trusts[seller_id].prior_from_seller_id in unknown
        )
    else:
        # Streamed columns, not model dicts: a full recompute reads every bucket of the horizon (≈ 800k rows at 1M
        # orders).
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
    postures = security_postures_many(part, links, config)
    now = clock.now()
    results: dict[int, TrustResult | None] = {}
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
        trust_store_result(trust, result, today=today, now=now)
        results[seller_id] = result
    return ChunkScores(part, trusts, before, published, results if enforce else dict.fromkeys(results), deferred)


def _chunk_store(chunk: ChunkScores, *, today: dt.date, config: dict[str, Any]) -> None:
    """Write a computed chunk (the caller holds its trust rows locked): SellerTrust and today's history row by
    upsert, then the enforcement ladder for the sellers whose plan, against their active actions read now, opens or
    lifts one."""
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
    # Upserts: every SellerTrust row exists (created by `_trusts_locked`), so INSERT … ON CONFLICT (seller) DO UPDATE
    # only updates the computed columns; one prepared statement run over the rows (bulk_update's CASE WHEN per column
    # cost 7 ms a seller, bulk_create's UNNEST form on PostgreSQL ≈ 1 ms quoting the metrics JSON).
    upsert_rows(SellerTrust, trusts, unique_fields=["seller"], update_fields=TRUST_COMPUTED_FIELDS)
    upsert_rows(
        SellerTrustHistory, history, unique_fields=["seller", "day"], update_fields=["score", "tier", "metrics"]
    )
    for trust, result in to_enforce:
        enforcement_apply(trust=trust, result=result, today=today, config=config)
    # SellerTrustChanged: one event for the chunk, delivered after its commit (no statement here).
    trust_changed_on_commit(
        {trust.seller_id for trust in trusts if published_trust(trust) != chunk.published[trust.seller_id]}
        | {trust.seller_id for trust, _result in to_enforce}
    )

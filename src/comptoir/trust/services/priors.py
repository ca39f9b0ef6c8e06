"""The marketplace-wide estimate of the rates' prior strengths (empirical Bayes, docs/TRUST.md "Score"): computed from
every seller's buckets and stored by a full recompute, read — cached per process — by every other score."""

from __future__ import annotations

import datetime as dt
import threading
import time
from collections.abc import Iterable, Mapping

from django.db import transaction

from comptoir.core import clock
from comptoir.core.db import stream_rows
from comptoir.trust.domain.evidence import DayEvidence
from comptoir.trust.domain.metrics import decay_weight
from comptoir.trust.domain.score import (
    PriorEstimate,
    config_with_prior_estimate,
    horizon_start,
    prior_strengths_estimate,
    rate_fields,
    rate_totals,
    rate_totals_from_sums,
)
from comptoir.trust.models import SellerDailyStats, SellerTrust, TrustPriorEstimate

# Another process's new estimate is seen within this many seconds (the estimate changes once a day); a new estimate
# stored by this process is seen at once.
CACHE_SECONDS = 300.0

_lock = threading.Lock()
_cached: tuple[float, PriorEstimate | None] | None = None  # (monotonic time read, the latest estimate)


def prior_estimate_forget() -> None:
    """Drop this process's cached estimate: the next score reads the latest stored one."""
    global _cached
    with _lock:
        _cached = None


def prior_estimate_current() -> PriorEstimate | None:
    """The latest stored estimate (None before the first full recompute), read at most once per CACHE_SECONDS."""
    global _cached
    with _lock:
        cached = _cached
    if cached is not None and time.monotonic() - cached[0] < CACHE_SECONDS:
        return cached[1]
    row = TrustPriorEstimate.objects.order_by("-pk").values_list("strengths", "sellers").first()
    estimate = None if row is None else PriorEstimate(strengths=dict(row[0]), sellers=int(row[1]))
    with _lock:
        _cached = (time.monotonic(), estimate)
    return estimate


def scoring_config(config: dict) -> dict:
    """The configuration a score is computed with: `config` with the stored estimate's prior strengths when the
    empirical prior is on and the estimate is usable (`score.config_with_prior_estimate`)."""
    if not config.get("empirical_prior") or config.get("rate_prior_strengths"):
        return config
    return config_with_prior_estimate(config, prior_estimate_current())


def seller_rate_totals(
    days_by_seller: Mapping[int, Iterable[DayEvidence]], *, today: dt.date, config: dict
) -> dict[int, dict[str, tuple[float, float]]]:
    """seller id -> its own days' `rate_totals`."""
    return {seller_id: rate_totals(days, today=today, config=config) for seller_id, days in days_by_seller.items()}


def inheritances() -> dict[int, int]:
    """heir's seller id -> the seller id it inherits its prior evidence from."""
    return dict(
        SellerTrust.objects.filter(prior_from_seller_id__isnull=False).values_list("seller_id", "prior_from_seller_id")
    )


def prior_estimate_from_totals(
    own: Mapping[int, Mapping[str, tuple[float, float]]], *, config: dict, priors: Mapping[int, int] | None = None
) -> PriorEstimate:
    """The estimate from every seller's own `rate_totals`, an heir's added to those of the seller it inherits from
    (as its score reads them). `priors`: `inheritances()`, read when not given."""
    priors = inheritances() if priors is None else priors

    def merged(seller_id: int) -> dict[str, tuple[float, float]]:
        totals = dict(own.get(seller_id, {}))
        for name, (bad, trials) in own.get(priors.get(seller_id, 0), {}).items():
            mine = totals.get(name, (0.0, 0.0))
            totals[name] = (mine[0] + bad, mine[1] + trials)
        return totals

    sellers = set(own) | {heir for heir, prior in priors.items() if prior in own}
    return prior_strengths_estimate((merged(seller_id) for seller_id in sorted(sellers)), config=config)


def prior_estimate_compute(*, today: dt.date, config: dict) -> PriorEstimate:
    """The estimate from every seller's stored buckets of the horizon: one streamed pass over the counters the rates
    read, summed per seller with each day's decay weight (`score.rate_totals`, without building a DayEvidence)."""
    fields = rate_fields(config)
    half_life = float(config["half_life_days"])
    weights: dict[dt.date, float] = {}
    own: dict[int, dict[str, tuple[float, float]]] = {}
    current, sums = None, [0.0] * len(fields)
    positions = range(len(fields))
    rows = stream_rows(
        SellerDailyStats.objects.filter(day__gte=horizon_start(today, config), day__lte=today)
        .order_by("seller_id", "day")
        .values_list("seller_id", "day", *fields)
    )
    for row in rows:
        if row[0] != current:
            if current is not None:
                own[current] = rate_totals_from_sums(dict(zip(fields, sums, strict=True)), config)
            current, sums = row[0], [0.0] * len(fields)
        weight = weights.get(row[1])
        if weight is None:
            weight = weights[row[1]] = decay_weight((today - row[1]).days, half_life)
        for position in positions:
            sums[position] += weight * row[position + 2]
    if current is not None:
        own[current] = rate_totals_from_sums(dict(zip(fields, sums, strict=True)), config)
    return prior_estimate_from_totals(own, config=config)


def prior_estimate_store(*, estimate: PriorEstimate, today: dt.date) -> TrustPriorEstimate:
    """Store a new estimate (the latest from now on); this process's cache forgets the old one now and again once the
    transaction commits (so no read inside it caches the old estimate for the other connections' sake)."""
    row = TrustPriorEstimate.objects.create(
        day=today, computed_at=clock.now(), sellers=estimate.sellers, strengths=dict(estimate.strengths)
    )
    prior_estimate_forget()
    transaction.on_commit(prior_estimate_forget)
    return row


def prior_estimate_refresh(*, today: dt.date, config: dict) -> dict:
    """A full recompute's first step: estimate the prior strengths from every seller's buckets, store the estimate and
    return the configuration to score every seller with. Off (`empirical_prior` None): `config`, nothing stored."""
    if not config.get("empirical_prior"):
        return config
    estimate = prior_estimate_compute(today=today, config=config)
    prior_estimate_store(estimate=estimate, today=today)
    if config.get("rate_prior_strengths"):
        return config
    return config_with_prior_estimate(config, estimate)

"""Tuning the trust score on the independent generator's histories without re-importing them (issue 11).

A history imported once through the real pipeline (`comptoir simulate --generator independent --database current`)
leaves every seller's stored buckets and reviews in the database; `snapshot_load` reads them back as the production
`SellerEvidence` with the hidden truth, and candidate scores are recomputed in memory with the production
`compute_trust` in seconds. The measures below are pure:

- `rater_offsets`: the rater-bias correction tried for issue 11 (a review's verdict minus its buyer's habitual
  deviation, estimated from that buyer's earlier reviews and shrunk toward none), applied by
  `evidence_with_rater_offsets` to the credible reviews' rating sums;
- `rank_error_losses`: which sellers the score mis-ranks. Spearman's rho is 1 − 6 Σ d² / (n (n² − 1)) for rank
  differences d (exact without ties), so each seller's share of 1 − rho is 6 d² / (n (n² − 1)) and a group's loss is
  the sum over its sellers.

`comptoir simulate --generator independent --database current --analyse` prints `analyse` after importing a history
into a seller-free database (docs/SIMULATION.md, "Rater bias and residuals", gives the exact commands)."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, replace
from typing import NamedTuple

from comptoir.testing.marketplace_evaluation import _average_ranks, rank_correlation
from comptoir.testing.marketplace_history import GeneratedHistory
from comptoir.trust.domain.config import RECENT_WINDOW_TUNED
from comptoir.trust.domain.evidence import SellerEvidence, review_verdict_permille
from comptoir.trust.domain.score import compute_trust, config_with_estimated_priors


class RatedReview(NamedTuple):
    review_id: int
    buyer_id: int
    seller: str  # slug
    verdict_permille: int  # the buyer's verdict as the score reads it (evidence.review_verdict_permille)
    credibility_permille: int
    day: dt.date


@dataclass(frozen=True)
class Snapshot:
    today: dt.date
    truth: dict[str, float]  # slug -> true quality (the generator's last 30 trading days)
    start_quality: dict[str, float]  # slug -> true quality at the start of the history
    archetype: dict[str, str]
    evidence: dict[str, SellerEvidence]
    reviews: tuple[RatedReview, ...]


def snapshot_load(history: GeneratedHistory) -> Snapshot:
    """The evidence and reviews of `history`'s sellers as imported and rebuilt in the current database."""
    from comptoir.sellers.models import Seller
    from comptoir.trust.models import Review
    from comptoir.trust.services.inputs import seller_evidence

    truth = history.truth()["sellers"]
    ids = dict(Seller.objects.filter(slug__in=list(truth)).values_list("slug", "id"))
    evidence = {slug: seller_evidence(seller_id=seller_id, today=history.today) for slug, seller_id in ids.items()}
    reviews = tuple(
        RatedReview(
            pk, buyer_id, slug, review_verdict_permille(product, described, talk, speed, pack), credible, at.date()
        )
        for pk, buyer_id, slug, product, described, talk, speed, pack, credible, at in Review.objects.filter(
            hidden_at__isnull=True, seller_id__in=list(ids.values())
        ).values_list(
            "pk",
            "buyer_id",
            "seller__slug",
            "product_rating",
            "item_as_described",
            "communication",
            "shipping_speed",
            "packaging",
            "credibility_permille",
            "created_at",
        )
    )
    return Snapshot(
        today=history.today,
        truth={slug: truth[slug]["true_quality"] for slug in ids},
        start_quality={slug: truth[slug]["quality_at_start"] for slug in ids},
        archetype={slug: truth[slug]["archetype"] for slug in ids},
        evidence=evidence,
        reviews=reviews,
    )


def scores_of(snapshot: Snapshot, config: dict, evidence: Mapping[str, SellerEvidence] | None = None) -> dict:
    """slug -> TrustResult of the production score with `config` (and other evidence, when given)."""
    evidence = snapshot.evidence if evidence is None else evidence
    # As a full recompute: the rates' prior strengths estimated from every seller of the snapshot (empirical_prior).
    config = config_with_estimated_priors(evidence.values(), today=snapshot.today, config=config)
    return {slug: compute_trust(evidence[slug], today=snapshot.today, config=config) for slug in snapshot.truth}


def spearman_of(snapshot: Snapshot, config: dict, evidence: Mapping[str, SellerEvidence] | None = None) -> float:
    results = scores_of(snapshot, config, evidence)
    slugs = sorted(snapshot.truth)
    return rank_correlation([float(results[slug].score) for slug in slugs], [snapshot.truth[slug] for slug in slugs])


def rater_offsets(
    reviews: Iterable[RatedReview], *, prior_reviews: float, reference_permille: float | None = None
) -> dict[int, int]:
    """review id -> the rater's habitual deviation (× 1000 stars) at the time of that review: the mean deviation of
    the buyer's *earlier* reviews from `reference_permille` (default: the mean verdict of `reviews`), shrunk toward 0
    by `prior_reviews` pseudo-reviews. Earlier reviews only, so the value never changes once written (the live path
    and a rebuild would agree). A buyer's first review has offset 0."""
    reviews = list(reviews)
    if not reviews:
        return {}
    reference = (
        sum(review.verdict_permille for review in reviews) / len(reviews)
        if reference_permille is None
        else reference_permille
    )
    by_buyer: dict[int, list[RatedReview]] = defaultdict(list)
    for review in reviews:
        by_buyer[review.buyer_id].append(review)
    offsets = {}
    for mine in by_buyer.values():
        mine.sort(key=lambda review: (review.day, review.review_id))
        deviation = 0.0
        for count, review in enumerate(mine):
            offsets[review.review_id] = round(deviation / (count + prior_reviews))
            deviation += review.verdict_permille - reference
    return offsets


def evidence_with_rater_offsets(
    snapshot: Snapshot, offsets: Mapping[int, int], *, min_credibility_permille: int = 500
) -> dict[str, SellerEvidence]:
    """The snapshot's evidence with each credible review's verdict replaced by verdict − offset (within 1–5 stars) in
    its day's rating sum, as `order_contribution` folds it (credibility × verdict // 1000). Reviews under
    `min_credibility_permille` do not carry their rating (evidence.adverse_only) and are left alone; so are defects
    and negative reviews (a published standard on the buyer's own words)."""
    delta: dict[str, dict[dt.date, int]] = defaultdict(lambda: defaultdict(int))
    for review in snapshot.reviews:
        offset = offsets.get(review.review_id, 0)
        if not offset or review.credibility_permille < min_credibility_permille:
            continue
        adjusted = max(1000, min(5000, review.verdict_permille - offset))
        credibility = review.credibility_permille
        delta[review.seller][review.day] += (
            credibility * adjusted // 1000 - credibility * review.verdict_permille // 1000
        )
    evidence = dict(snapshot.evidence)
    for slug, days in delta.items():
        original = evidence[slug]
        evidence[slug] = replace(
            original,
            days=tuple(
                day._replace(rating_weighted_sum_permille=day.rating_weighted_sum_permille + days.get(day.day, 0))
                for day in original.days
            ),
        )
    return evidence


def rank_error_losses(
    scores: Mapping[str, float], truth: Mapping[str, float], groups: Callable[[str], Iterable[str]]
) -> dict[str, float]:
    """group -> its sellers' share of 1 − rho (Spearman of `scores` against `truth`): 6 d² / (n (n² − 1)) per seller,
    d its rank by score minus its rank by truth. Without ties the shares of every seller sum to exactly 1 − rho."""
    slugs = sorted(truth)
    count = len(slugs)
    by_score = _average_ranks([scores[slug] for slug in slugs])
    by_truth = _average_ranks([truth[slug] for slug in slugs])
    losses: dict[str, float] = defaultdict(float)
    for slug, score_rank, truth_rank in zip(slugs, by_score, by_truth, strict=True):
        share = 6 * (score_rank - truth_rank) ** 2 / (count * (count * count - 1))
        for group in groups(slug):
            losses[group] += share
    return dict(losses)


def seller_groups(snapshot: Snapshot, results: Mapping) -> Callable[[str], list[str]]:
    """The groups `analyse` reports: archetype, drift over the period (true quality moved by more than 0.05) and
    evidence volume (orders of the score's horizon)."""

    def groups(slug: str) -> list[str]:
        drift = snapshot.truth[slug] - snapshot.start_quality[slug]
        orders = results[slug].evidence_orders
        return [
            "all",
            f"archetype {snapshot.archetype[slug]}",
            "drifted up" if drift > 0.05 else "drifted down" if drift < -0.05 else "no drift",
            "under 30 orders" if orders < 30 else "30-99 orders" if orders < 100 else "100+ orders",
        ]

    return groups


def analyse(snapshot: Snapshot, config: dict) -> str:
    """A plain-text report: Spearman of the score, without the change test and without the empirical prior (both on by
    default), with the recent-window
    rule (off by default), with the rater-bias correction (1, 2 and 4 pseudo-reviews), of an oracle knowing each
    seller's quality at the start of the history, and the rank-error losses by group."""
    results = scores_of(snapshot, config)
    scores = {slug: float(result.score) for slug, result in results.items()}
    slugs = sorted(snapshot.truth)
    truth = [snapshot.truth[slug] for slug in slugs]
    lines = [f"Spearman of the trust score: {rank_correlation([scores[slug] for slug in slugs], truth):.4f}"]
    fired = sum(result.is_recent_window_weighted for result in results.values())
    lines.append(
        f"  without the change test: {spearman_of(snapshot, {**config, 'change_test': None}):.4f}"
        f" (with it, {fired} sellers scored with the short half-life)"
    )
    lines.append(f"  without the empirical prior: {spearman_of(snapshot, {**config, 'empirical_prior': None}):.4f}")
    with_rule = {**config, "recent_window": config.get("recent_window") or RECENT_WINDOW_TUNED}
    weighted = sum(result.is_recent_window_weighted for result in scores_of(snapshot, with_rule).values())
    lines.append(
        f"  with the recent-window rule: {spearman_of(snapshot, with_rule):.4f}"
        f" ({weighted} sellers scored on their recent window)"
    )
    for prior in (1.0, 2.0, 4.0):
        corrected = evidence_with_rater_offsets(snapshot, rater_offsets(snapshot.reviews, prior_reviews=prior))
        rho = spearman_of(snapshot, config, corrected)
        lines.append(f"  with the rater-bias correction ({prior:g} pseudo-reviews): {rho:.4f}")
    oracle = rank_correlation([snapshot.start_quality[slug] for slug in slugs], truth)
    lines.append(f"  an oracle knowing each seller's true quality at the start: {oracle:.4f}")
    groups = seller_groups(snapshot, results)
    members: dict[str, int] = defaultdict(int)
    for slug in slugs:
        for group in groups(slug):
            members[group] += 1
    losses = rank_error_losses(scores, snapshot.truth, groups)
    lines.append("group | sellers | loss of rho | per seller × 1000")
    for group, loss in sorted(losses.items(), key=lambda item: -item[1]):
        lines.append(f"{group} | {members[group]} | {loss:.4f} | {1000 * loss / members[group]:.3f}")
    return "\n".join(lines)

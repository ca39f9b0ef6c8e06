"""The storefront's ranking applied to the trust simulation's sellers (trust/domain/simulation.py).

Search sits above trust: it reads trust's outcomes and ranks them; the simulation receives this function from
its caller (`comptoir simulate`) instead of importing search."""

from __future__ import annotations

from comptoir.search.domain.ranking import Candidate, RankingConfig, rank
from comptoir.trust.domain.simulation import SellerOutcome
from comptoir.trust.domain.tiers import visibility_multiplier


def rank_seller_by_search(outcomes: list[SellerOutcome], seller_id: int, config: dict) -> int:
    """The target's place among its category's sellers by the storefront's ranking function
    (search.domain.ranking, no text query), every seller offering a comparable product: same price,
    delivery promise and conversion, so only trust, satisfaction and the tier's visibility differ."""
    category = next(outcome.category for outcome in outcomes if outcome.seller_id == seller_id)
    candidates = [
        Candidate(
            product_id=outcome.seller_id,
            category_id=category,
            relevance=0.0,
            views=200,
            orders=4,
            delivery_days=3,
            landed_price=2_500,
            seller_trust=float(outcome.score),
            seller_tier=outcome.tier,
            satisfaction=float(outcome.satisfaction),
            visibility_multiplier=float(
                visibility_multiplier(
                    tier=outcome.tier, is_restricted=False, config=config, evidence_orders=outcome.evidence_orders
                )
            ),
        )
        for outcome in outcomes
        if outcome.category == category
    ]
    ranked = rank(candidates, config=RankingConfig(), has_text_query=False)
    return 1 + next(index for index, result in enumerate(ranked) if result.product_id == seller_id)

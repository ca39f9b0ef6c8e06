"""Explanations of a ranking or a featured-offer decision as plain data (percentages), for the API,
the storefront's "why this ranking" disclosures and the public ranking page. Pure."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.search.domain.featured import FEATURED_FACTORS, FeaturedDecision, ScoredOffer
from comptoir.search.domain.ranking import FACTORS, RankedResult


@dataclass(frozen=True)
class FactorLine:
    factor: str
    weight_percent: float  # the factor's relative weight in the formula
    signal_percent: float  # how well this result does on it
    points: float  # its contribution to the score (0–100 scale)


@dataclass(frozen=True)
class Explanation:
    score: float  # 0–100 (after the visibility multiplier; can exceed 100 for top-rated sellers)
    base_score: float
    visibility_multiplier: float
    seller_tier: str
    factors: tuple[FactorLine, ...]  # largest contribution first

    def as_dict(self) -> dict:
        return {
            "score": round(self.score, 2),
            "base_score": round(self.base_score, 2),
            "visibility_multiplier": round(self.visibility_multiplier, 3),
            "seller_tier": self.seller_tier,
            "factors": [
                {
                    "factor": line.factor,
                    "weight_percent": round(line.weight_percent, 1),
                    "signal_percent": round(line.signal_percent, 1),
                    "points": round(line.points, 2),
                }
                for line in self.factors
            ],
        }


def explain_result(result: RankedResult) -> Explanation:
    lines = tuple(
        sorted(
            (
                FactorLine(item.factor, item.weight * 100, item.signal * 100, item.points * 100)
                for item in result.contributions
            ),
            key=lambda line: (-line.points, FACTORS.index(line.factor)),
        )
    )
    return Explanation(
        result.score * 100, result.base_score * 100, result.visibility_multiplier, result.seller_tier, lines
    )


def explain_offer(offer: ScoredOffer, weights: dict[str, float]) -> tuple[FactorLine, ...]:
    return tuple(
        sorted(
            (
                FactorLine(name, weights[name] * 100, offer.signals[name] * 100, offer.points[name] * 100)
                for name in FEATURED_FACTORS
            ),
            key=lambda line: (-line.points, FEATURED_FACTORS.index(line.factor)),
        )
    )


def explain_featured(decision: FeaturedDecision) -> dict:
    """The decision as data: relative weights, the winner's and each alternative's factor lines, and why other offers
    were left out."""

    def scored(offer: ScoredOffer) -> dict:
        return {
            "offer_id": offer.offer_id,
            "seller_id": offer.seller_id,
            "score": round(offer.score * 100, 2),
            "factors": [
                {
                    "factor": line.factor,
                    "weight_percent": round(line.weight_percent, 1),
                    "signal_percent": round(line.signal_percent, 1),
                    "points": round(line.points, 2),
                }
                for line in explain_offer(offer, decision.weights)
            ],
        }

    return {
        "weights_percent": {name: round(share * 100, 1) for name, share in decision.weights.items()},
        "winner": scored(decision.winner) if decision.winner else None,
        "alternatives": [scored(offer) for offer in decision.alternatives],
        "ineligible": {str(offer_id): list(reasons) for offer_id, reasons in sorted(decision.ineligible.items())},
    }

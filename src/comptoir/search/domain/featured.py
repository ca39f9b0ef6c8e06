"""The featured offer of a product ("buy box"). Pure: the competing offers' facts for one destination in,
the winner, up to three alternatives and the reasons out. Below-standard sellers are not eligible."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

FEATURED_FACTORS = ("price", "delivery", "trust", "fulfilment")


@dataclass(frozen=True)
class FeaturedConfig:
    weights: dict[str, float] = field(
        default_factory=lambda: {"price": 45.0, "delivery": 20.0, "trust": 25.0, "fulfilment": 10.0}
    )
    fulfilment_scores: dict[str, float] = field(
        default_factory=lambda: {"marketplace": 1.0, "merchant": 0.7, "dropship": 0.4}
    )
    alternatives: int = 3

    @classmethod
    def from_settings(cls, values: dict | None) -> FeaturedConfig:
        values = dict(values or {})
        default = cls()
        weights = {
            **default.weights,
            **{name: float(value) for name, value in (values.get("weights") or {}).items() if name in FEATURED_FACTORS},
        }
        fulfilment = {
            **default.fulfilment_scores,
            **{name: float(value) for name, value in (values.get("fulfilment_scores") or {}).items()},
        }
        return cls(
            weights=weights,
            fulfilment_scores=fulfilment,
            alternatives=int(values.get("alternatives", default.alternatives)),
        )

    def shares(self) -> dict[str, float]:
        total = sum(max(0.0, self.weights.get(name, 0.0)) for name in FEATURED_FACTORS) or 1.0
        return {name: max(0.0, self.weights.get(name, 0.0)) / total for name in FEATURED_FACTORS}


@dataclass(frozen=True)
class OfferFacts:
    offer_id: int
    seller_id: int
    is_seller_verified: bool
    stock: int
    landed_price: int | None  # None: does not ship to the destination
    currency: str
    days_to_latest: int | None  # calendar days to the latest promised delivery
    fulfilment_method: str
    trust_score: float = 50.0
    seller_tier: str = "new"
    is_eligible_for_featured: bool = True  # from the seller's trust snapshot


@dataclass(frozen=True)
class ScoredOffer:
    offer_id: int
    seller_id: int
    score: float
    signals: dict[str, float]
    points: dict[str, float]


@dataclass(frozen=True)
class FeaturedDecision:
    winner: ScoredOffer | None
    alternatives: tuple[ScoredOffer, ...]
    ineligible: dict[int, tuple[str, ...]]  # offer id -> reasons
    weights: dict[str, float]  # relative weights of the factors


def eligibility_reasons(offer: OfferFacts) -> tuple[str, ...]:
    """Why an offer cannot be featured (empty: it can)."""
    reasons = []
    if not offer.is_seller_verified:
        reasons.append("seller_not_verified")
    if offer.stock <= 0:
        reasons.append("out_of_stock")
    if offer.landed_price is None:
        reasons.append("does_not_ship_to_country")
    if not offer.is_eligible_for_featured or offer.seller_tier == "below_standard":
        reasons.append("seller_below_standard")
    return tuple(reasons)


def choose_featured(
    offers: list[OfferFacts], *, config: FeaturedConfig, currency: str | None = None
) -> FeaturedDecision:
    """Score every eligible offer: price (cheapest landed / this landed), delivery ((fastest + 1) / (this + 1)),
    seller trust (score / 100) and fulfilment method (configured value); weighted sum. Ties: cheaper, then lower
    offer id.

    Prices are only compared within one currency, `currency`: the one the pricing seam compared the offers in
    (offers.domain.pricing.compared_amounts — the buyer's currency, with `landed_price` converted into it). Offers
    in another currency (no rate) are ineligible as "other_currency", never compared on raw minor units. Without
    `currency` (or when no eligible offer is in it), the currency most eligible offers are priced in competes
    (ties: alphabetical)."""
    shares = config.shares()
    ineligible = {offer.offer_id: reasons for offer in offers if (reasons := eligibility_reasons(offer))}
    eligible = [offer for offer in offers if offer.offer_id not in ineligible]
    if not eligible:
        return FeaturedDecision(None, (), ineligible, shares)
    currencies = Counter(offer.currency for offer in eligible)
    if currency not in currencies:
        currency = min(currencies, key=lambda code: (-currencies[code], code))
    for offer in eligible:
        if offer.currency != currency:
            ineligible[offer.offer_id] = ("other_currency",)
    eligible = [offer for offer in eligible if offer.currency == currency]
    # Eligible offers ship to the destination (eligibility_reasons), so each has a landed price.
    landed = {offer.offer_id: offer.landed_price for offer in eligible if offer.landed_price is not None}
    cheapest = min(landed.values())
    fastest = min((offer.days_to_latest for offer in eligible if offer.days_to_latest is not None), default=None)
    scored = []
    for offer in eligible:
        signals = {
            "price": cheapest / landed[offer.offer_id] if landed[offer.offer_id] else 1.0,
            "delivery": (fastest + 1) / (offer.days_to_latest + 1)
            if fastest is not None and offer.days_to_latest is not None
            else 0.0,
            "trust": max(0.0, min(1.0, offer.trust_score / 100)),
            "fulfilment": config.fulfilment_scores.get(offer.fulfilment_method, 0.0),
        }
        points = {name: shares[name] * signals[name] for name in FEATURED_FACTORS}
        scored.append(
            (
                ScoredOffer(offer.offer_id, offer.seller_id, sum(points.values()), signals, points),
                landed[offer.offer_id],
            )
        )
    scored.sort(key=lambda item: (-item[0].score, item[1], item[0].offer_id))
    ranked = [item[0] for item in scored]
    return FeaturedDecision(ranked[0], tuple(ranked[1 : 1 + config.alternatives]), ineligible, shares)

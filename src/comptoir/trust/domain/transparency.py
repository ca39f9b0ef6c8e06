"""Listing transparency: how completely an offer and its product state what the category expects. Pure."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_EVEN, Decimal

FOUR = Decimal("0.0001")

# Check -> weight. Attributes weigh most: they are what a buyer compares.
CHECK_WEIGHTS = {
    "attributes": 3,
    "images": 2,
    "dimensions": 1,
    "weight": 1,
    "origin": 1,
    "return_policy": 1,
    "handling_time": 1,
    "description": 1,
}


@dataclass(frozen=True)
class ListingFacts:
    expected_attributes: tuple[str, ...]
    attributes: dict
    images: int
    has_dimensions: bool
    has_weight: bool
    origin: str
    return_policy_days: int
    handling_days: int | None
    description: str


@dataclass(frozen=True)
class ListingTransparency:
    completeness: Decimal  # 0–1
    checks: dict[str, Decimal]  # each check 0–1
    missing: tuple[str, ...]  # what to add, for the seller's "how to improve"


def listing_transparency(
    facts: ListingFacts, *, minimum_images: int = 3, not_as_described_rate: Decimal | None = None
) -> ListingTransparency:
    """Completeness against the category's expected attributes, `minimum_images` images, dimensions, weight,
    country of origin, a return policy and a stated handling time. A not-as-described return rate r pulls the
    result down by a factor (1 − min(1, 5 r)): 10 % of returns as not described halves it."""
    expected = [name for name in facts.expected_attributes if name]
    stated = [name for name in expected if str(facts.attributes.get(name, "")).strip()]
    checks = {
        "attributes": Decimal(len(stated)) / Decimal(len(expected)) if expected else Decimal(1),
        "images": min(Decimal(1), Decimal(facts.images) / Decimal(minimum_images)) if minimum_images else Decimal(1),
        "dimensions": Decimal(1 if facts.has_dimensions else 0),
        "weight": Decimal(1 if facts.has_weight else 0),
        "origin": Decimal(1 if (facts.origin or "").strip() else 0),
        "return_policy": Decimal(1 if facts.return_policy_days > 0 else 0),
        "handling_time": Decimal(1 if facts.handling_days is not None and 0 <= facts.handling_days <= 30 else 0),
        "description": Decimal(1 if len((facts.description or "").strip()) >= 40 else 0),
    }
    total = sum(CHECK_WEIGHTS.values())
    completeness = sum(Decimal(CHECK_WEIGHTS[name]) * value for name, value in checks.items()) / Decimal(total)
    if not_as_described_rate:
        completeness *= 1 - min(Decimal(1), 5 * Decimal(not_as_described_rate))
    missing = [f"attribute:{name}" for name in expected if name not in stated]
    missing += [name for name, value in checks.items() if name != "attributes" and value < 1]
    return ListingTransparency(completeness.quantize(FOUR, rounding=ROUND_HALF_EVEN), checks, tuple(missing))


def seller_listing_completeness(values: list[Decimal]) -> Decimal | None:
    """A seller's transparency: the mean completeness of its active offers (None without offers)."""
    if not values:
        return None
    return (sum(values) / Decimal(len(values))).quantize(FOUR, rounding=ROUND_HALF_EVEN)

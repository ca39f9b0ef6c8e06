"""What a demo buyer writes about an order: ratings drawn from the seller's behaviour and what happened to the
parcel, and a text assembled from the banks in data/feedback.py. Pure: a `random.Random` in, values out."""

from __future__ import annotations

import random
from dataclasses import dataclass

from comptoir.demo.data.feedback import CLOSINGS, OPENINGS, REPLIES, RING_TEXTS, THREADS, TOPICS

LANGUAGES = ("fr", "en")
THREAD_TOPICS = len(THREADS["en"])

# Distributions per seller behaviour (a choice among these values): reliable sellers earn mostly fives, the late
# and the cancelling ones are rated down on the criteria their habit touches.
COMMUNICATION = {"reliable": (4, 5, 5, 5, 5), "late": (2, 3, 3, 4, 5), "cancelling": (3, 3, 4, 4, 5)}
SHIPPING_ON_TIME = {"reliable": (4, 5, 5, 5, 5), "late": (3, 4, 4, 5), "cancelling": (3, 4, 5, 5)}
DESCRIBED = {"reliable": (4, 5, 5, 5, 5), "late": (3, 4, 4, 5, 5), "cancelling": (3, 4, 5, 5)}
PACKAGING = {"reliable": (4, 5, 5, 5), "late": (3, 4, 4, 5), "cancelling": (3, 4, 5, 5)}


@dataclass(frozen=True)
class Experience:
    """What the buyer lived through with one seller order."""

    late_shipping: bool = False
    late_delivery: bool = False
    not_as_described: bool = False
    damaged: bool = False
    not_received: bool = False


def _clamp(value: int) -> int:
    return max(1, min(5, value))


def review_ratings(rng: random.Random, *, behaviour: str, experience: Experience) -> dict[str, int]:
    """The five ratings (1–5) of a review."""
    communication = rng.choice(COMMUNICATION[behaviour])
    if experience.late_shipping or experience.late_delivery:
        shipping_speed = rng.choice((1, 2, 2, 3, 3))
    else:
        shipping_speed = rng.choice(SHIPPING_ON_TIME[behaviour])
    item_as_described = rng.choice((1, 1, 2)) if experience.not_as_described else rng.choice(DESCRIBED[behaviour])
    packaging = rng.choice((1, 2)) if experience.damaged else rng.choice(PACKAGING[behaviour])
    if experience.not_received:
        shipping_speed, communication = 1, rng.choice((1, 1, 2))
        item_as_described, packaging = rng.choice((1, 2, 3)), rng.choice((1, 2, 3))
    product_rating = _clamp(item_as_described + rng.choice((-1, 0, 0, 0, 1)))
    return {
        "product_rating": product_rating,
        "item_as_described": item_as_described,
        "communication": communication,
        "shipping_speed": shipping_speed,
        "packaging": packaging,
    }


def sentiment_of(ratings: dict[str, int]) -> str:
    seller_mean = (
        ratings["item_as_described"] + ratings["communication"] + ratings["shipping_speed"] + ratings["packaging"]
    ) / 4
    return "positive" if seller_mean >= 4.25 else "mixed" if seller_mean >= 3 else "negative"


def _topics(ratings: dict[str, int], experience: Experience) -> list[str]:
    if experience.not_received:
        return ["not_received"]
    topics = []
    if experience.not_as_described:
        topics.append("not_as_described")
    if experience.damaged:
        topics.append("damaged")
    if experience.late_shipping or experience.late_delivery:
        topics.append("late_shipping")
    if ratings["communication"] <= 2:
        topics.append("slow_answers")
    if not topics:
        if ratings["shipping_speed"] == 5:
            topics.append("fast")
        if ratings["packaging"] == 5:
            topics.append("well_packed")
        if ratings["item_as_described"] >= 4:
            topics.append("as_described")
    return topics


def review_text(rng: random.Random, *, language: str, ratings: dict[str, int], experience: Experience) -> str:
    """One to three sentences in `language` ("fr" or "en"); sometimes empty, as many real reviews are."""
    if rng.random() < 0.18:
        return ""
    language = language if language in LANGUAGES else "en"
    sentiment = sentiment_of(ratings)
    parts = [rng.choice(OPENINGS[language][sentiment])]
    topics = _topics(ratings, experience)
    if topics:
        parts.append(rng.choice(TOPICS[language][rng.choice(topics)]))
    if rng.random() < 0.35:
        parts.append(rng.choice(CLOSINGS[language][sentiment]))
    return " ".join(parts)


def reply_text(rng: random.Random, *, language: str, ratings: dict[str, int]) -> str:
    language = language if language in LANGUAGES else "en"
    return rng.choice(REPLIES[language][sentiment_of(ratings)])


def ring_review(rng: random.Random) -> tuple[dict[str, int], str]:
    """A ring member's review: five stars everywhere and a short, interchangeable text."""
    return (
        {"product_rating": 5, "item_as_described": 5, "communication": 5, "shipping_speed": 5, "packaging": 5},
        rng.choice(RING_TEXTS),
    )


def message_thread(*, language: str, index: int) -> tuple[str, str, str]:
    """Thread number `index` (0 ≤ index < THREAD_TOPICS): (buyer question, seller answer, buyer thanks)."""
    language = language if language in LANGUAGES else "en"
    return THREADS[language][index % THREAD_TOPICS]

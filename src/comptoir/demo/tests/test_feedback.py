"""What demo buyers write: pure draws, no database."""

from __future__ import annotations

import random
from statistics import mean

from comptoir.demo.data.feedback import OPENINGS, REPLIES
from comptoir.demo.feedback import (
    THREAD_TOPICS,
    Experience,
    message_thread,
    reply_text,
    review_ratings,
    review_text,
    ring_review,
)

FIELDS = ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging")


def _many(behaviour: str, experience: Experience, count: int = 400) -> list[dict[str, int]]:
    rng = random.Random(3)
    return [review_ratings(rng, behaviour=behaviour, experience=experience) for _ in range(count)]


def test_ratings_are_whole_numbers_from_one_to_five():
    for behaviour in ("reliable", "late", "cancelling"):
        for experience in (
            Experience(),
            Experience(late_shipping=True, damaged=True),
            Experience(not_received=True),
            Experience(not_as_described=True),
        ):
            for ratings in _many(behaviour, experience, 100):
                assert set(ratings) == set(FIELDS) and all(1 <= ratings[name] <= 5 for name in FIELDS)


def test_late_sellers_are_rated_lower_than_reliable_ones_on_speed_and_communication():
    reliable, late = _many("reliable", Experience()), _many("late", Experience())
    assert mean(r["communication"] for r in late) < mean(r["communication"] for r in reliable) - 0.8
    assert mean(r["shipping_speed"] for r in late) < mean(r["shipping_speed"] for r in reliable)


def test_a_late_parcel_is_rated_low_on_shipping_speed_whoever_the_seller():
    assert all(r["shipping_speed"] <= 3 for r in _many("reliable", Experience(late_shipping=True)))


def test_a_not_as_described_return_gets_a_low_item_as_described_and_product_rating():
    ratings = _many("reliable", Experience(not_as_described=True))
    assert all(r["item_as_described"] <= 2 and r["product_rating"] <= 3 for r in ratings)


def test_texts_follow_the_language_and_the_feeling():
    rng = random.Random(5)
    happy = {"product_rating": 5, "item_as_described": 5, "communication": 5, "shipping_speed": 5, "packaging": 5}
    unhappy = {"product_rating": 1, "item_as_described": 1, "communication": 2, "shipping_speed": 2, "packaging": 3}
    french = [review_text(rng, language="fr", ratings=happy, experience=Experience()) for _ in range(60)]
    assert any(french) and all(not text or text.startswith(OPENINGS["fr"]["positive"]) for text in french)
    english = [
        review_text(rng, language="en", ratings=unhappy, experience=Experience(not_as_described=True))
        for _ in range(60)
    ]
    assert all(not text or text.startswith(OPENINGS["en"]["negative"]) for text in english)
    assert reply_text(rng, language="fr", ratings=unhappy) in REPLIES["fr"]["negative"]
    # a language without a bank falls back to English
    assert reply_text(rng, language="de", ratings=happy) in REPLIES["en"]["positive"]


def test_ring_reviews_are_five_stars_and_threads_come_in_both_languages():
    ratings, text = ring_review(random.Random(1))
    assert set(ratings.values()) == {5} and text
    for index in range(THREAD_TOPICS):
        assert message_thread(language="fr", index=index) != message_thread(language="en", index=index)
        assert all(message_thread(language="fr", index=index))

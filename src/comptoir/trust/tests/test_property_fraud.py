"""Property: a seller's trust score never rises when fraudulent reviews are added to its history.

A seeded randomized loop over generated marketplaces (trust/domain/simulation.py), scored by the production
`score.compute_trust` with every review's credibility from `fraud.review_credibility`: for each history, a random
seller (good or poor), a random attack on it — a ring with accomplice shops, a burst of new accounts, a single-target
ring of established accounts that bought from it alone, or two of them — of 15 to 60 accounts, every fake order
perfectly fulfilled and reviewed 5 stars. The attacked seller's score must not be above its score without the attack.

Smaller campaigns are below the signals' minimums (five reviews for a burst, eight 5-star single-seller reviews for a
single-target ring): there they are indistinguishable from honest buyers and may lift a seller a little."""

import random

import pytest

from comptoir.trust.domain.simulation import SimulationOptions, add_attack, build_marketplace, seller_score

HISTORIES = 12
ATTACKS = (("ring",), ("burst",), ("single_ring",), ("single_ring", "burst"), ("ring", "single_ring"))


def cases():
    chooser = random.Random(20261206)
    for case in range(HISTORIES):
        options = SimulationOptions(sellers=24, buyers=500, days=100, seed=chooser.randrange(1_000_000))
        yield pytest.param(
            options,
            chooser.randrange(options.sellers) + 1,
            chooser.choice(ATTACKS),
            chooser.randint(15, 60),
            id=f"history-{case}",
        )


@pytest.mark.parametrize(("options", "target_id", "attacks", "size"), list(cases()))
def test_fraudulent_reviews_never_raise_the_attacked_sellers_score(options, target_id, attacks, size):
    # given a generated marketplace and the score of one of its sellers
    honest = build_marketplace(options)
    before = seller_score(honest, target_id)

    # when the same marketplace also holds fraudulent accounts whose perfect orders are all reviewed 5 stars
    attacked = build_marketplace(options)
    for stream, attack in enumerate(attacks, start=2):
        add_attack(attacked, attack, target_id=target_id, size=size, stream=stream)
    assert attacked.fake_review_ids

    # then the seller's score has not risen
    assert seller_score(attacked, target_id) <= before

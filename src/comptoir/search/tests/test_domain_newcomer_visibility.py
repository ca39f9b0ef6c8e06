"""Issue 11, defect 3: a fresh identity never pays. The storefront's ranking (no text query, comparable offers) over
sellers scored by trust from their evidence: a poor seller re-registered under a new identity ranks below its
honest-average peers and never above its own old account, whatever it has sold under the new one; an honest
newcomer climbs with evidence."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.search.domain.ranking import Candidate, RankingConfig, rank
from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.evidence import DayEvidence, SecurityPosture, SellerEvidence
from comptoir.trust.domain.score import TrustResult, compute_trust
from comptoir.trust.domain.tiers import Tier, visibility_multiplier

CONFIG = trust_config()
TODAY = dt.date(2025, 6, 30)


def days(count, *, poor: bool, orders=3) -> tuple[DayEvidence, ...]:
    """`count` days of `orders` orders; a poor seller ships one in three late, not on time, with a defect, and is
    rated 2.6; an average one ships everything on time and is rated 4.3."""
    bad = 1 if poor else 0
    return tuple(
        DayEvidence(
            day=TODAY - dt.timedelta(days=offset),
            orders=orders,
            shipped=orders,
            shipped_late=bad,
            shipped_with_valid_tracking=orders,
            delivered=orders,
            delivered_on_time=orders - bad,
            defects=bad,
            reviews=1,
            review_weight_permille=1000,
            rating_weighted_sum_permille=2600 if poor else 4300,
            accept_seconds=(5 * 3600,),
        )
        for offset in range(count)
    )


def trust(evidence_days) -> TrustResult:
    evidence = SellerEvidence(
        days=evidence_days,
        listing_completeness=Decimal("0.7"),
        security=SecurityPosture(members_total=2, members_with_2fa=1),
    )
    return compute_trust(evidence, today=TODAY, config=CONFIG)


def candidate(product_id: int, result: TrustResult) -> Candidate:
    multiplier = visibility_multiplier(
        tier=result.tier, is_restricted=False, config=CONFIG, evidence_orders=result.evidence_orders
    )
    return Candidate(
        product_id=product_id,
        category_id=1,
        relevance=0.0,
        views=200,
        orders=4,
        delivery_days=3,
        landed_price=2_500,
        seller_trust=float(result.score),
        seller_tier=result.tier,
        satisfaction=float(result.pillars["satisfaction"]),
        visibility_multiplier=float(multiplier),
    )


AVERAGE_PEERS = (1, 2, 3)
OLD_ACCOUNT, NEW_IDENTITY = 10, 11


def storefront_order(new_identity: TrustResult) -> list[int]:
    sellers = {
        1: trust(days(60, poor=False)),
        2: trust(days(30, poor=False)),
        3: trust(days(90, poor=False, orders=1)),
        OLD_ACCOUNT: trust(days(60, poor=True)),
        NEW_IDENTITY: new_identity,
    }
    ranked = rank(
        [candidate(pid, result) for pid, result in sellers.items()], config=RankingConfig(), has_text_query=False
    )
    return [result.product_id for result in ranked]


def test_the_old_account_of_the_poor_seller_is_below_standard_and_its_peers_are_not():
    assert trust(days(60, poor=True)).tier == Tier.BELOW_STANDARD
    assert {trust(days(60, poor=False)).tier, trust(days(90, poor=False, orders=1)).tier} <= {Tier.GOOD, Tier.TOP_RATED}


@pytest.mark.parametrize("days_under_the_new_identity", [0, 1, 2, 3, 5, 10, 20, 40, 60])
def test_a_re_registered_poor_seller_ranks_below_its_honest_average_peers_and_its_old_account(
    days_under_the_new_identity,
):
    order = storefront_order(trust(days(days_under_the_new_identity, poor=True)))
    assert order.index(NEW_IDENTITY) > max(order.index(peer) for peer in AVERAGE_PEERS)
    assert order.index(NEW_IDENTITY) > order.index(OLD_ACCOUNT)  # re-registering never pays


def test_an_honest_newcomer_climbs_with_evidence_past_the_poor_seller_and_up_to_its_peers():
    positions = [storefront_order(trust(days(count, poor=False))).index(NEW_IDENTITY) for count in (0, 2, 5, 20, 40)]
    assert positions == sorted(positions, reverse=True)  # never falls as its good record grows
    assert positions[0] == 4  # with no evidence: last, below even the below-standard seller
    after_fifteen_orders = storefront_order(trust(days(5, poor=False)))
    assert after_fifteen_orders.index(NEW_IDENTITY) < after_fifteen_orders.index(OLD_ACCOUNT)
    assert positions[-1] <= 2  # 120 orders on time and well rated: among its peers


def test_the_newcomers_inputs_sit_at_the_prior_not_above_average_sellers():
    newcomer, average = trust(()), trust(days(60, poor=False))
    assert newcomer.tier == Tier.NEW
    assert newcomer.score < average.score and newcomer.pillars["satisfaction"] < average.pillars["satisfaction"]
    assert candidate(NEW_IDENTITY, newcomer).visibility_multiplier < candidate(1, average).visibility_multiplier

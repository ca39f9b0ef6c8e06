"""Issue 11 (pure): unknown inputs never cap a score, the rating is the buyer's verdict, goals do not set tiers, and a
defect rate far beyond the line is below standard whatever the rest of a short record."""

import datetime as dt
from decimal import Decimal

from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.evidence import DayEvidence, SecurityPosture, SellerEvidence, review_verdict_permille
from comptoir.trust.domain.metrics import MetricResult, Status
from comptoir.trust.domain.score import compute_trust, points_for_bad_rate
from comptoir.trust.domain.tiers import Tier, tier_decide

CONFIG = trust_config()
TODAY = dt.date(2025, 6, 30)


def excellent_days(*, accept: bool):
    """90 days of an excellent record: every order shipped on time with tracking, delivered on time, 5★ reviews."""
    return tuple(
        DayEvidence(
            day=TODAY - dt.timedelta(days=i),
            orders=3,
            shipped=3,
            shipped_with_valid_tracking=3,
            delivered=3,
            delivered_on_time=3,
            reviews=1,
            review_weight_permille=1000,
            rating_weighted_sum_permille=4900,
            accept_seconds=(1800,) if accept else (),
        )
        for i in range(90)
    )


def test_an_imported_excellent_seller_without_listing_security_or_acceptance_times_can_be_top_rated():
    # An imported history: no listing yet, no member account, no acceptance time (legacy columns).
    imported = compute_trust(SellerEvidence(days=excellent_days(accept=False)), today=TODAY, config=CONFIG)
    assert imported.tier == Tier.TOP_RATED
    assert imported.score >= Decimal("75")
    # Unknown is left out, not counted as 50: the same record with a perfect listing and security scores alike.
    known = compute_trust(
        SellerEvidence(
            days=excellent_days(accept=True),
            listing_completeness=Decimal("1"),
            security=SecurityPosture(members_total=1, members_with_2fa=1),
        ),
        today=TODAY,
        config=CONFIG,
    )
    assert abs(known.score - imported.score) < 5
    assert imported.pillars["security"] == Decimal("50.00")  # shown as the prior, not counted


def test_known_poor_listing_and_security_still_lower_the_score():
    days = excellent_days(accept=True)
    unknown = compute_trust(SellerEvidence(days=days), today=TODAY, config=CONFIG)
    poor = compute_trust(
        SellerEvidence(days=days, listing_completeness=Decimal("0"), security=SecurityPosture(members_total=3)),
        today=TODAY,
        config=CONFIG,
    )
    assert poor.score < unknown.score


def test_a_seller_without_any_evidence_scores_the_prior():
    result = compute_trust(SellerEvidence(), today=TODAY, config=CONFIG)
    assert result.tier == Tier.NEW and Decimal("45") <= result.score <= Decimal("55")


def test_the_rating_is_the_buyers_verdict_a_one_star_purchase_is_negative_whatever_the_packaging():
    assert review_verdict_permille(1, 2, 2, 5, 5) == 1000  # four ratings average 3.5: still a 1★ transaction
    assert review_verdict_permille(5, 4, 4, 5, 5) == 4500  # a happy buyer: the mean of the seller ratings
    assert review_verdict_permille(4, 1, 1, 1, 1) == 1000  # a product they like from a seller they do not


def test_the_points_curve_keeps_its_anchors():
    assert points_for_bad_rate(0, 0.04) == 100
    assert points_for_bad_rate(0.04, 0.04) == 75
    assert points_for_bad_rate(0.08, 0.04) == 50
    assert points_for_bad_rate(0.08, 0.04, curve=0.5849625007) == 75 * 0.5**0.5849625007  # ≈ 50
    assert points_for_bad_rate(0.64, 0.04, curve=0.5) > 0  # the optional curve never reaches 0


def metric(name, direction, *, value, low, high, target, status=Status.FAILING):
    return MetricResult(
        name, Decimal(value), Decimal(low), Decimal(high), 300, 1, Decimal(target), direction, 30, status
    )


def tier(score, metrics, *, orders=200):
    score = Decimal(score)
    return tier_decide(
        score=score, low=score - 10, high=score + 10, evidence_orders=orders, metrics=metrics, config=CONFIG
    )


def test_a_goal_missed_by_far_does_not_change_the_tier_a_standard_does():
    late_carrier = {
        "on_time_delivery_rate": metric(
            "on_time_delivery_rate", "above", value="0.80", low="0.76", high="0.84", target="0.97"
        ),
        "response_time_hours": metric(
            "response_time_hours", "median_hours", value="60", low="50", high="70", target="24"
        ),
    }
    assert tier("45", late_carrier) == Tier.GOOD  # its band reaches good standing; goals are shown, not enforced
    late_shipper = {
        "late_shipment_rate": metric(
            "late_shipment_rate", "below", value="0.25", low="0.20", high="0.30", target="0.04"
        )
    }
    assert tier("45", late_shipper) == Tier.BELOW_STANDARD  # a standard breached beyond its margin, score not good
    assert tier("70", late_shipper) == Tier.AT_RISK


def test_a_defect_rate_far_beyond_the_line_is_below_standard_even_on_a_short_record_scoring_good():
    defects = {
        "order_defect_rate": metric("order_defect_rate", "below", value="1.0", low="0.76", high="1.0", target="0.01")
    }
    assert tier("52", defects, orders=12) == Tier.BELOW_STANDARD
    moderate = {
        "order_defect_rate": metric("order_defect_rate", "below", value="0.07", low="0.05", high="0.09", target="0.01")
    }
    assert tier("52", moderate) == Tier.AT_RISK  # above the 4 % line, under twice it: the score decides

"""Issue 11, defects 3 and 4 (pure): tiers restrict only on confident evidence, visibility is earned with evidence
from the newcomer's floor, and the grace period after a history import holds the ladder."""

import datetime as dt
from decimal import Decimal

import pytest

from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.enforcement import (
    SUSPENSION,
    VISIBILITY_REDUCED,
    WARNING,
    below_standard_grounds,
    enforcement_plan,
    import_grace_until,
    statement_of_reasons,
)
from comptoir.trust.domain.metrics import MetricResult, Status
from comptoir.trust.domain.tiers import Tier, tier_decide, visibility_multiplier

CONFIG = trust_config()
TODAY = dt.date(2025, 6, 30)


def metric(name, status, *, value="0.01", low="0.005", high="0.02", count=100):
    return MetricResult(
        name, Decimal(value), Decimal(low), Decimal(high), count, 1, Decimal("0.01"), "below", 60, status
    )


def tier(score, *, low=None, high=None, orders=200, metrics=None):
    score = Decimal(score)
    return tier_decide(
        score=score,
        low=Decimal(low) if low is not None else score - 5,
        high=Decimal(high) if high is not None else score + 5,
        evidence_orders=orders,
        metrics=metrics or {},
        config=CONFIG,
    )


# --- Tiers -------------------------------------------------------------------------------------------------------


def test_a_low_score_whose_band_still_reaches_good_standing_is_at_risk_not_below_standard():
    assert tier("30", low="20", high="52") == Tier.AT_RISK  # a thin record: no restriction on a guess
    assert tier("30", low="20", high="42") == Tier.BELOW_STANDARD  # poor, and confidently not in good standing
    assert tier("40", low="30", high="45") == Tier.AT_RISK


def test_a_defect_rate_confidently_above_the_standard_is_below_standard_unless_the_record_is_good():
    breach = {"order_defect_rate": metric("order_defect_rate", Status.FAILING, value="0.08", low="0.05", high="0.11")}
    assert tier("48", metrics=breach) == Tier.BELOW_STANDARD
    assert tier("72", metrics=breach) == Tier.AT_RISK  # warned by its tier, never restricted on this alone
    uncertain = {"order_defect_rate": metric("order_defect_rate", Status.FAILING, value="0.05", low="0.03")}
    assert tier("58", metrics=uncertain) == Tier.GOOD  # above its 1 % target (and twice it): not a breach alone


def test_one_failing_metric_is_chance_two_are_at_risk():
    one = {"late_shipment_rate": metric("late_shipment_rate", Status.FAILING)}
    two = one | {"cancellation_rate": metric("cancellation_rate", Status.FAILING)}
    assert tier("75", metrics=one) == Tier.GOOD
    assert tier("75", metrics=two) == Tier.AT_RISK
    assert tier("85", low="75", metrics=one) == Tier.GOOD  # never top rated with a failing metric
    assert tier("85", low="75") == Tier.TOP_RATED


def test_a_score_confidently_under_good_standing_is_at_risk_and_too_little_evidence_is_new():
    assert tier("45", high="49.99") == Tier.AT_RISK
    assert tier("45", high="50") == Tier.GOOD  # its band reaches good standing: no restriction on a guess
    assert tier("20", high="30", orders=9) == Tier.NEW


def test_the_score_ground_cites_the_score_and_its_whole_band_under_good_standing():
    grounds = below_standard_grounds(
        score=Decimal("30.00"), high=Decimal("42.10"), metrics={}, tier_override="", config=CONFIG
    )
    assert grounds == [{"rule": "score_below", "value": "30.00", "threshold": "35", "high": "42.10", "good": "50"}]
    assert (
        below_standard_grounds(score=Decimal("30.00"), high=Decimal("51"), metrics={}, tier_override="", config=CONFIG)
        == []
    )
    statement = statement_of_reasons(
        kind=WARNING, score="30.00", tier=Tier.BELOW_STANDARD, metrics={}, days_below=0, config=CONFIG, grounds=grounds
    )
    assert "trust score 30.00, below the threshold of 35, with its whole 95 % band (up to 42.10) under good" in (
        statement.rule
    )


# --- Visibility --------------------------------------------------------------------------------------------------


def visibility(tier_name, orders):
    return visibility_multiplier(tier=tier_name, is_restricted=False, config=CONFIG, evidence_orders=orders)


def test_a_newcomer_starts_below_every_unrestricted_established_tier():
    floor = visibility(Tier.NEW, 0)
    assert floor == Decimal("0.60")
    for established in (Tier.TOP_RATED, Tier.GOOD, Tier.AT_RISK, Tier.BELOW_STANDARD):
        assert floor < visibility(established, 1000)


def test_visibility_grows_with_evidence_up_to_the_tier_value_and_never_above_it():
    full = int(CONFIG["visibility"]["full_evidence_orders"])
    values = [visibility(Tier.NEW, orders) for orders in range(10)] + [
        visibility(Tier.GOOD, orders) for orders in range(10, full + 20)
    ]
    assert values == sorted(values)  # monotone in evidence, no jump when "new" becomes "good"
    assert visibility(Tier.NEW, 9) < visibility(Tier.GOOD, full) == Decimal("1.00")
    assert visibility(Tier.GOOD, full + 500) == Decimal("1.00")
    assert visibility(Tier.TOP_RATED, full) == Decimal("1.20")


def test_a_thin_record_earns_part_of_its_tier_and_a_restriction_still_caps_it():
    assert visibility(Tier.AT_RISK, 25) == Decimal("0.750")  # halfway from 0.60 to 0.90
    assert visibility(Tier.BELOW_STANDARD, 1000) == Decimal("0.70")
    assert visibility_multiplier(tier=Tier.GOOD, is_restricted=True, config=CONFIG, evidence_orders=1000) == Decimal(
        "0.40"
    )


def test_without_an_evidence_count_a_tier_gets_its_table_value_and_a_newcomer_the_floor():
    assert visibility_multiplier(tier=Tier.GOOD, is_restricted=False, config=CONFIG) == Decimal("1.00")
    assert visibility_multiplier(tier=Tier.NEW, is_restricted=False, config=CONFIG) == Decimal("0.60")


# --- The grace period after a history import ------------------------------------------------------------------------


def plan(*, since, grace_until, active=frozenset(), today=TODAY):
    return enforcement_plan(
        tier=Tier.BELOW_STANDARD,
        below_standard_since=since,
        today=today,
        active_kinds=frozenset(active),
        config=CONFIG,
        grace_until=grace_until,
    )


def test_inside_the_grace_period_the_ladder_proposes_and_opens_nothing():
    grace_until = import_grace_until(TODAY - dt.timedelta(days=3), CONFIG)
    assert grace_until == TODAY + dt.timedelta(days=27)
    inside = plan(since=TODAY - dt.timedelta(days=40), grace_until=grace_until)
    assert inside.open == () and inside.propose == (WARNING,)  # 40 imported days below standard escalate nothing
    assert plan(since=TODAY, grace_until=grace_until, active={WARNING}).propose == ()


@pytest.mark.parametrize(
    ("days_after_grace", "due"),
    [
        (0, (WARNING,)),
        (13, (WARNING,)),
        (14, (WARNING, VISIBILITY_REDUCED)),
        (30, (WARNING, VISIBILITY_REDUCED, SUSPENSION)),
    ],
)
def test_after_the_grace_period_an_imported_run_still_only_proposes_counting_from_the_periods_end(
    days_after_grace, due
):
    grace_until = TODAY - dt.timedelta(days=days_after_grace)
    after = plan(since=TODAY - dt.timedelta(days=90), grace_until=grace_until)
    assert after.open == () and after.propose == due


def test_a_below_standard_run_that_begins_after_the_grace_period_is_the_ladders():
    grace_until = TODAY - dt.timedelta(days=40)
    assert plan(since=grace_until, grace_until=grace_until).open == (WARNING, VISIBILITY_REDUCED, SUSPENSION)
    assert plan(since=TODAY, grace_until=grace_until).open == (WARNING,)


def test_without_an_import_the_ladder_is_unchanged():
    assert import_grace_until(None, CONFIG) is None
    assert plan(since=TODAY - dt.timedelta(days=30), grace_until=None).open == (WARNING, VISIBILITY_REDUCED, SUSPENSION)


def test_a_standard_missed_far_beyond_its_margin_is_below_standard_unless_the_record_is_good():
    # every order cancelled: 100 % where 2.5 % is the standard (the lower bound is far above twice the target)
    cancelled = {
        "cancellation_rate": MetricResult(
            "cancellation_rate",
            Decimal("1"),
            Decimal("0.76"),
            Decimal("1"),
            12,
            12,
            Decimal("0.025"),
            "below",
            7,
            Status.FAILING,
        )
    }
    assert tier("47", high="65", metrics=cancelled) == Tier.BELOW_STANDARD
    assert tier("70", metrics=cancelled) == Tier.AT_RISK
    marginal = {"cancellation_rate": metric("cancellation_rate", Status.FAILING, value="0.025", low="0.015")}
    assert tier("47", high="65", metrics=marginal) == Tier.GOOD  # above its target, not beyond twice its margin
    grounds = below_standard_grounds(score=Decimal("47"), metrics=cancelled, tier_override="", config=CONFIG)
    assert [ground["rule"] for ground in grounds] == ["metric_far_off_target"]
    assert grounds[0]["metric"] == "cancellation_rate" and grounds[0]["value"] == "1"
    statement = statement_of_reasons(
        kind=WARNING,
        score="47",
        tier=Tier.BELOW_STANDARD,
        metrics=cancelled,
        days_below=0,
        config=CONFIG,
        grounds=grounds,
    )
    assert "Seller cancellation rate 1 over 7 days (12 observations), beyond twice the margin" in statement.rule

import datetime as dt
from decimal import Decimal

from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.enforcement import (
    SUSPENSION,
    VISIBILITY_REDUCED,
    WARNING,
    enforcement_plan,
    statement_of_reasons,
)
from comptoir.trust.domain.evidence import (
    KIND_RANK,
    DayEvidence,
    FactItem,
    OrderFacts,
    PriorEvidence,
    SecurityPosture,
    SellerEvidence,
    contribution_delta,
    contribution_subtract,
    is_valid_tracking,
    order_contribution,
    suspect_item,
)
from comptoir.trust.domain.metrics import Status, beta_posterior, decay_weight, metric_compute, wilson_interval
from comptoir.trust.domain.score import compute_trust, points_for_bad_rate
from comptoir.trust.domain.security import MemberFacts, security_posture
from comptoir.trust.domain.tiers import Tier, visibility_multiplier
from comptoir.trust.domain.transparency import ListingFacts, listing_transparency

CONFIG = trust_config()
TODAY = dt.date(2025, 6, 30)


def good_days(count=60, orders=5):
    return tuple(
        DayEvidence(
            day=TODAY - dt.timedelta(days=i),
            orders=orders,
            shipped=orders,
            shipped_with_valid_tracking=orders,
            delivered=orders,
            delivered_on_time=orders,
            reviews=1,
            review_weight_permille=1000,
            rating_weighted_sum_permille=4800,
            accept_seconds=(3600,),
        )
        for i in range(count)
    )


def bad_days(count=60):
    return tuple(
        DayEvidence(
            day=TODAY - dt.timedelta(days=i),
            orders=5,
            cancelled_by_seller=1,
            defects=1,
            shipped=4,
            shipped_late=2,
            shipped_with_valid_tracking=4,
            delivered=4,
            delivered_on_time=2,
            reviews=1,
            review_weight_permille=1000,
            rating_weighted_sum_permille=1500,
        )
        for i in range(count)
    )


def test_wilson_interval_of_a_small_sample_is_wide_and_contains_the_rate():
    low, high = wilson_interval(0, 3)
    assert low == 0 and high > 0.5
    low, high = wilson_interval(10, 1000)
    assert low < 0.01 < high and high - low < 0.02


def test_beta_posterior_shrinks_a_small_sample_toward_the_prior():
    mean_small, _, _ = beta_posterior(0, 2, prior_mean=0.02, prior_strength=20)
    mean_large, _, _ = beta_posterior(0, 2000, prior_mean=0.02, prior_strength=20)
    assert 0.015 < mean_small < 0.02 and mean_large < 0.001


def test_decay_halves_evidence_every_half_life():
    assert (
        decay_weight(0, 90) == 1 and abs(decay_weight(90, 90) - 0.5) < 1e-9 and abs(decay_weight(180, 90) - 0.25) < 1e-9
    )


def test_points_are_anchored_on_the_target():
    assert points_for_bad_rate(0, 0.01) == 100
    assert points_for_bad_rate(0.01, 0.01) == 75
    assert points_for_bad_rate(0.02, 0.01) == 50
    assert points_for_bad_rate(0.05, 0.01) == 0


def test_points_zero_at_gives_a_long_tail_past_three_times_the_target_and_the_default_is_unchanged():
    # the default (4): one slope from the target down to 0 at 4 x target
    assert abs(points_for_bad_rate(0.03, 0.01) - 25) < 1e-9
    assert points_for_bad_rate(0.03, 0.01) == points_for_bad_rate(0.03, 0.01, zero_at=4)
    assert points_for_bad_rate(0.04, 0.01, zero_at=4) == 0
    # a tail to 0 at 12 x target: the same points up to 3 x, then 25 -> 0 over 3 x .. 12 x, still ordering
    assert points_for_bad_rate(0.02, 0.01, zero_at=12) == points_for_bad_rate(0.02, 0.01)
    assert abs(points_for_bad_rate(0.03, 0.01, zero_at=12) - 25) < 1e-9
    assert abs(points_for_bad_rate(0.075, 0.01, zero_at=12) - 12.5) < 1e-9
    assert points_for_bad_rate(0.05, 0.01, zero_at=12) > points_for_bad_rate(0.06, 0.01, zero_at=12) > 0
    assert points_for_bad_rate(0.12, 0.01, zero_at=12) == points_for_bad_rate(0.5, 0.01, zero_at=12) == 0


def test_a_metric_points_zero_at_reaches_the_score_only_for_rates_past_three_times_the_target():
    def score(defects: int, config: dict):
        days = tuple(
            DayEvidence(
                day=TODAY - dt.timedelta(days=i),
                orders=10,
                shipped=10,
                shipped_with_valid_tracking=10,
                delivered=10,
                delivered_on_time=10,
                defects=defects if i % 10 == 0 else 0,
            )
            for i in range(60)
        )
        return compute_trust(SellerEvidence(days=days), today=TODAY, config=config).score

    tail = trust_config({"metrics": {"order_defect_rate": {"points_zero_at": "12"}}})
    # 6 % and 8 % of orders with a defect: both 0 points by default, told apart with the tail
    assert score(6, CONFIG) == score(8, CONFIG)
    assert score(6, tail) > score(8, tail) > score(8, CONFIG)
    # 1 % of orders with a defect (under 3 x target): the same score either way
    assert score(1, tail) == score(1, CONFIG)


def test_a_metric_below_the_minimum_count_is_insufficient_data_not_a_failure():
    days = (DayEvidence(day=TODAY, orders=3, defects=2),)
    assert metric_compute("order_defect_rate", days, today=TODAY, config=CONFIG).status == Status.INSUFFICIENT


def test_a_metric_confidently_beyond_its_target_fails_and_a_marginal_one_is_at_risk():
    failing = (DayEvidence(day=TODAY, orders=100, defects=10),)
    marginal = (DayEvidence(day=TODAY, orders=100, defects=2),)
    assert metric_compute("order_defect_rate", failing, today=TODAY, config=CONFIG).status == Status.FAILING
    assert metric_compute("order_defect_rate", marginal, today=TODAY, config=CONFIG).status == Status.AT_RISK


def test_a_metric_only_counts_its_window():
    days = (
        DayEvidence(day=TODAY - dt.timedelta(days=8), orders=100, cancelled_by_seller=50),
        DayEvidence(day=TODAY, orders=20),
    )
    metric = metric_compute("cancellation_rate", days, today=TODAY, config=CONFIG)
    assert (metric.count, metric.events, metric.status) == (20, 0, Status.OK)


def test_a_seller_without_evidence_is_neutral_and_new():
    result = compute_trust(SellerEvidence(), today=TODAY, config=CONFIG)
    assert result.score == Decimal("50.00") and result.tier == Tier.NEW
    assert result.low < result.score < result.high


def test_a_good_seller_is_top_rated_and_a_bad_one_below_standard():
    posture = SecurityPosture(members_total=2, members_with_2fa=2)
    good = compute_trust(
        SellerEvidence(days=good_days(), listing_completeness=Decimal("0.9"), security=posture),
        today=TODAY,
        config=CONFIG,
    )
    bad = compute_trust(
        SellerEvidence(days=bad_days(), listing_completeness=Decimal("0.9"), security=posture),
        today=TODAY,
        config=CONFIG,
    )
    assert good.tier == Tier.TOP_RATED and good.score > 80
    assert bad.tier == Tier.BELOW_STANDARD and bad.score < 45


def test_a_young_perfect_seller_is_shrunk_toward_the_prior_and_has_a_wider_band():
    young = compute_trust(SellerEvidence(days=good_days(count=3, orders=4)), today=TODAY, config=CONFIG)
    established = compute_trust(SellerEvidence(days=good_days()), today=TODAY, config=CONFIG)
    assert young.score < established.score
    assert (young.high - young.low) > (established.high - established.low)


def test_old_bad_evidence_weighs_less_than_recent_bad_evidence():
    old_bad = tuple(DayEvidence(day=day.day - dt.timedelta(days=240), **day.counters()) for day in bad_days())
    recent_good = good_days(count=30)
    recovered = compute_trust(SellerEvidence(days=old_bad + recent_good), today=TODAY, config=CONFIG)
    relapsed = compute_trust(
        SellerEvidence(
            days=bad_days(count=30)
            + tuple(DayEvidence(day=d.day - dt.timedelta(days=240), **d.counters()) for d in good_days())
        ),
        today=TODAY,
        config=CONFIG,
    )
    assert recovered.score > relapsed.score


def test_inherited_prior_evidence_counts_like_own_evidence():
    fresh = compute_trust(SellerEvidence(), today=TODAY, config=CONFIG)
    inherited = compute_trust(
        SellerEvidence(prior=PriorEvidence(from_seller_id=1, days=bad_days())), today=TODAY, config=CONFIG
    )
    assert fresh.tier == Tier.NEW and inherited.tier == Tier.BELOW_STANDARD


def test_pillar_weights_come_from_configuration():
    security_only = trust_config(
        {"pillar_weights": {"transparency": 0, "operations": 0, "security": 1, "satisfaction": 0}}
    )
    result = compute_trust(
        SellerEvidence(security=SecurityPosture(members_total=1, members_with_2fa=1)), today=TODAY, config=security_only
    )
    assert result.score == Decimal("100.00")


def test_visibility_multiplier_follows_tier_and_restriction():
    assert visibility_multiplier(tier=Tier.TOP_RATED, is_restricted=False, config=CONFIG) > 1
    assert visibility_multiplier(tier=Tier.NEW, is_restricted=False, config=CONFIG) == Decimal("0.60")
    assert visibility_multiplier(tier=Tier.BELOW_STANDARD, is_restricted=True, config=CONFIG) == Decimal("0.40")


def test_enforcement_ladder_warns_then_reduces_visibility_then_suspends_and_never_repeats():
    since = TODAY - dt.timedelta(days=0)
    assert enforcement_plan(
        tier=Tier.BELOW_STANDARD, below_standard_since=since, today=TODAY, active_kinds=frozenset(), config=CONFIG
    ).open == (WARNING,)
    assert (
        enforcement_plan(
            tier=Tier.BELOW_STANDARD,
            below_standard_since=since,
            today=TODAY,
            active_kinds=frozenset({WARNING}),
            config=CONFIG,
        ).open
        == ()
    )
    later = TODAY + dt.timedelta(days=14)
    assert enforcement_plan(
        tier=Tier.BELOW_STANDARD,
        below_standard_since=since,
        today=later,
        active_kinds=frozenset({WARNING}),
        config=CONFIG,
    ).open == (VISIBILITY_REDUCED,)
    latest = TODAY + dt.timedelta(days=30)
    assert enforcement_plan(
        tier=Tier.BELOW_STANDARD,
        below_standard_since=since,
        today=latest,
        active_kinds=frozenset({WARNING, VISIBILITY_REDUCED}),
        config=CONFIG,
    ).open == (SUSPENSION,)


def test_recovery_lifts_warning_and_visibility_but_not_suspension_and_a_pause_holds_the_ladder():
    plan = enforcement_plan(
        tier=Tier.GOOD,
        below_standard_since=None,
        today=TODAY,
        active_kinds=frozenset({WARNING, VISIBILITY_REDUCED, SUSPENSION}),
        config=CONFIG,
    )
    assert set(plan.lift) == {WARNING, VISIBILITY_REDUCED}
    paused = enforcement_plan(
        tier=Tier.BELOW_STANDARD,
        below_standard_since=TODAY,
        today=TODAY,
        active_kinds=frozenset(),
        config=CONFIG,
        paused_until=TODAY + dt.timedelta(days=3),
    )
    assert paused.open == ()


def test_statement_of_reasons_names_facts_rule_automation_and_redress():
    result = compute_trust(SellerEvidence(days=bad_days()), today=TODAY, config=CONFIG)
    statement = statement_of_reasons(
        kind=WARNING, score=result.score, tier=result.tier, metrics=result.metrics, days_below=3, config=CONFIG
    )
    assert "order_defect_rate" in statement.facts["metrics"] and "Order defect rate" in statement.facts_text
    assert "below standard" in statement.rule and statement.is_automated and "appeal" in statement.redress


def test_listing_transparency_checks_expected_attributes_images_and_is_pulled_down_by_not_as_described():
    complete = ListingFacts(
        expected_attributes=("colour", "size"),
        attributes={"colour": "red", "size": "M"},
        images=3,
        has_dimensions=True,
        has_weight=True,
        origin="FR",
        return_policy_days=14,
        handling_days=1,
        description="A sturdy cotton shirt, woven and sewn in Lyon, France.",
    )
    assert listing_transparency(complete).completeness == Decimal("1.0000")
    partial = ListingFacts(
        expected_attributes=("colour", "size"),
        attributes={"colour": "red"},
        images=1,
        has_dimensions=False,
        has_weight=True,
        origin="",
        return_policy_days=14,
        handling_days=1,
        description="",
    )
    result = listing_transparency(partial)
    assert result.completeness < Decimal("0.6") and "attribute:size" in result.missing and "origin" in result.missing
    assert listing_transparency(complete, not_as_described_rate=Decimal("0.1")).completeness == Decimal("0.5000")


def test_security_posture_counts_2fa_old_keys_and_logins_shared_with_unrelated_sellers():
    now = dt.datetime(2025, 6, 30, tzinfo=dt.UTC)
    members = [MemberFacts(1, True, frozenset()), MemberFacts(2, False, frozenset({7}))]
    posture = security_posture(
        members=members, api_key_created=[now - dt.timedelta(days=200), now], now=now, linked_seller_ids=frozenset()
    )
    assert (posture.members_with_2fa, posture.api_keys_older_than_90_days, posture.shared_login_suspected) == (
        1,
        1,
        True,
    )
    linked = security_posture(members=members, api_key_created=[], now=now, linked_seller_ids=frozenset({7}))
    assert linked.shared_login_suspected is False


def test_valid_tracking_needs_a_carrier_and_a_well_formed_number():
    assert (
        is_valid_tracking("DHL", "JD0146000033")
        and not is_valid_tracking("", "JD0146000033")
        and not is_valid_tracking("DHL", "12-3")
    )


def _event(pk, at, action, role="seller", **data):
    return FactItem(
        key=f"event:{pk}",
        at=at,
        kind="event",
        rank=KIND_RANK["event"],
        source_id=pk,
        action=action,
        actor_role=role,
        data=data,
    )


def test_folding_facts_one_at_a_time_in_any_order_equals_the_whole_contribution():
    t = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
    items = (
        _event(1, t, "payment_captured", "system"),
        _event(2, t + dt.timedelta(hours=3), "accept"),
        _event(3, t + dt.timedelta(days=4), "ship", carrier="DHL", tracking_number="JD0146000033"),
        _event(4, t + dt.timedelta(days=6), "deliver"),
        _event(5, t + dt.timedelta(days=7), "request_return", "buyer", return_reason="not_as_described"),
        FactItem(key="review:1", at=t + dt.timedelta(days=8), kind="review", rank=1, source_id=1, rating_permille=1500),
        FactItem(key="message:1", at=t + dt.timedelta(days=8), kind="message", rank=3, source_id=1, actor_role="buyer"),
        FactItem(
            key="message:2", at=t + dt.timedelta(days=9), kind="message", rank=3, source_id=2, actor_role="seller"
        ),
        FactItem(key="review_hidden:1", at=t + dt.timedelta(days=10), kind="review_hidden", rank=2, source_id=1),
    )
    order = OrderFacts(
        seller_order_id=1,
        placed_on=t.date(),
        ship_by=t.date() + dt.timedelta(days=2),
        deliver_by=t.date() + dt.timedelta(days=8),
        items=items,
    )
    whole = order_contribution(order, config=CONFIG)
    folded: dict = {}
    for item in reversed(items):  # the reverse of their order: telescoping does not depend on it
        delta = contribution_delta(
            order_contribution(order, config=CONFIG, upto=item.sort_key),
            order_contribution(order, config=CONFIG, before=item.sort_key),
        )
        for day, changes in delta.items():
            bucket = folded.setdefault(day, {})
            for name, change in changes.items():
                if isinstance(change, dict):
                    values = bucket.get(name, []) + change["add"]
                    for value in change["remove"]:
                        values.remove(value)
                    bucket[name] = values
                else:
                    bucket[name] = bucket.get(name, 0) + change
    cleaned = {
        day: {k: (sorted(v) if isinstance(v, list) else v) for k, v in b.items() if v} for day, b in folded.items()
    }
    cleaned = {day: b for day, b in cleaned.items() if b}
    assert cleaned == {
        day: {k: (sorted(v) if isinstance(v, list) else v) for k, v in b.items()} for day, b in whole.items()
    }
    assert whole[t.date() + dt.timedelta(days=4)] == {"shipped": 1, "shipped_late": 1, "shipped_with_valid_tracking": 1}
    # the negative review was hidden later: no defect remains, the not-as-described return and response time do
    assert "defects" not in whole[t.date()] and whole[t.date()]["accept_seconds"] == [3 * 3600]
    assert whole[t.date() + dt.timedelta(days=7)] == {"returns": 1, "returns_not_as_described": 1}
    assert whole[t.date() + dt.timedelta(days=8)] == {"response_seconds": [86400]}


def _fold_one_at_a_time(order, items):
    """Sum the deltas of each fact, in the order given; duration lists as multisets (a value may be taken back
    before it is added when facts arrive out of order, so multiplicities may be negative in between)."""
    folded: dict = {}
    for item in items:
        delta = contribution_delta(
            order_contribution(order, config=CONFIG, upto=item.sort_key),
            order_contribution(order, config=CONFIG, before=item.sort_key),
        )
        for day, changes in delta.items():
            bucket = folded.setdefault(day, {})
            for name, change in changes.items():
                if isinstance(change, dict):
                    multiset = bucket.setdefault(name, {})
                    for value in change["add"]:
                        multiset[value] = multiset.get(value, 0) + 1
                    for value in change["remove"]:
                        multiset[value] = multiset.get(value, 0) - 1
                else:
                    bucket[name] = bucket.get(name, 0) + change
    result = {}
    for day, bucket in folded.items():
        cleaned = {}
        for name, value in bucket.items():
            if isinstance(value, dict):
                assert all(count >= 0 for count in value.values())
                value = sorted(v for v, count in value.items() for _ in range(count))
            if value:
                cleaned[name] = value
        if cleaned:
            result[day] = cleaned
    return result


def _perfect_order(review_credibility, *, late=False):
    t = dt.datetime(2025, 6, 1, 9, tzinfo=dt.UTC)
    shipped_after = dt.timedelta(days=4 if late else 1)
    items = (
        _event(1, t, "payment_captured", "system"),
        _event(2, t + dt.timedelta(hours=1), "accept"),
        _event(3, t + shipped_after, "ship", carrier="DHL", tracking_number="JD0146000033"),
        _event(4, t + shipped_after + dt.timedelta(days=1), "deliver"),
        FactItem(
            key="review:1",
            at=t + dt.timedelta(days=6),
            kind="review",
            rank=1,
            source_id=1,
            rating_permille=5000,
            credibility_permille=review_credibility,
        ),
    )
    return t, OrderFacts(
        seller_order_id=1,
        placed_on=t.date(),
        ship_by=t.date() + dt.timedelta(days=2),
        deliver_by=t.date() + dt.timedelta(days=8),
        items=items,
    )


def test_a_perfect_order_with_a_credible_review_counts_fully():
    t, order = _perfect_order(900)
    whole = order_contribution(order, config=CONFIG)
    assert whole[t.date()] == {"orders": 1, "accept_seconds": [3600]}
    assert whole[t.date() + dt.timedelta(days=1)] == {"shipped": 1, "shipped_with_valid_tracking": 1}
    assert whole[t.date() + dt.timedelta(days=2)] == {"delivered": 1, "delivered_on_time": 1}


def test_a_perfect_order_whose_review_is_not_credible_adds_nothing_not_even_its_praise():
    # given a ring's order: fulfilled perfectly, reviewed 5 stars, the review judged at 40 per mille
    _t, order = _perfect_order(40)
    # then the order, its shipment, delivery, fast acceptance and its 5-star review are not evidence: fifty such reviews
    # at 40 ‰ would otherwise still count as two 5-star reviews for the seller
    assert order_contribution(order, config=CONFIG) == {}
    # and folding its facts one by one (the review arriving last takes the earlier facts back) gives the same
    assert _fold_one_at_a_time(order, order.items) == order_contribution(order, config=CONFIG)


def test_a_negative_review_judged_not_credible_leaves_its_whole_order_out():
    # given the same order reviewed 1 star, the review judged at 40 per mille (slander, or a shared card), shipped late
    t, order = _perfect_order(40, late=True)
    order = order._replace(items=(*order.items[:-1], order.items[-1]._replace(rating_permille=1000)))
    # then nothing of it counts: neither the stars nor the facts tied to the order (an untrusted complaint must not
    # hurt), folded at once or fact by fact
    assert order_contribution(order, config=CONFIG) == {}
    assert _fold_one_at_a_time(order, order.items) == {}
    assert _fold_one_at_a_time(order, tuple(reversed(order.items))) == {}
    # while a credible complaint counts with its late shipment and as a defect
    credible = order._replace(items=(*order.items[:-1], order.items[-1]._replace(credibility_permille=900)))
    whole = order_contribution(credible, config=CONFIG)
    assert whole[t.date()]["defects"] == 1
    assert whole[t.date() + dt.timedelta(days=4)]["shipped_late"] == 1


def _suspect(t):
    return suspect_item(1, t + dt.timedelta(days=3))


def test_a_suspect_order_without_review_counts_only_against_its_seller():
    # given a perfect order without review, then the same one shipped late, marked suspect by the fraud analysis
    t, order = _perfect_order(1000)
    unreviewed = order._replace(items=order.items[:-1])
    assert order_contribution(unreviewed, config=CONFIG)[t.date()]["orders"] == 1
    suspect = unreviewed._replace(items=(*unreviewed.items, _suspect(t)))
    # then the perfect one adds nothing, the late one only its late shipment; folded fact by fact alike
    assert order_contribution(suspect, config=CONFIG) == {}
    assert _fold_one_at_a_time(suspect, suspect.items) == {}
    t, late = _perfect_order(1000, late=True)
    late = late._replace(items=(*late.items[:-1], _suspect(t)))
    whole = order_contribution(late, config=CONFIG)
    assert whole == {
        t.date() + dt.timedelta(days=4): {"shipped": 1, "shipped_late": 1, "shipped_with_valid_tracking": 1}
    }
    assert _fold_one_at_a_time(late, tuple(reversed(late.items))) == whole


def test_a_slander_campaigns_unreviewed_order_is_left_out_entirely():
    # given an order shipped late, not reviewed, marked as a slander campaign's
    t, late = _perfect_order(1000, late=True)
    void = suspect_item(1, t + dt.timedelta(days=3), counts_against_seller=False)
    late = late._replace(items=(*late.items[:-1], void))
    # then nothing of it counts (the campaign's orders that went well were reviewed 1 star and are left out too)
    assert order_contribution(late, config=CONFIG) == {}
    assert _fold_one_at_a_time(late, tuple(reversed(late.items))) == {}


def test_a_review_written_after_the_suspect_mark_judges_the_order_instead():
    # given a suspect order later reviewed credibly (5 stars, 900 per mille)
    t, order = _perfect_order(900)
    reviewed = order._replace(items=(*order.items, _suspect(t)))
    # then it counts as the review says, as it would without the mark
    assert order_contribution(reviewed, config=CONFIG) == order_contribution(order, config=CONFIG)
    assert _fold_one_at_a_time(reviewed, reviewed.items) == order_contribution(order, config=CONFIG)


def test_a_contribution_subtracted_leaves_the_buckets_as_they_were():
    _t, order = _perfect_order(1000, late=True)
    buckets = order_contribution(order, config=CONFIG)
    expected = {
        day: {name: list(value) if isinstance(value, list) else value for name, value in values.items()}
        for day, values in buckets.items()
    }
    other = order._replace(seller_order_id=2)
    order_contribution(other, config=CONFIG, into=buckets)
    assert contribution_subtract(buckets, order_contribution(other, config=CONFIG)) == expected
    assert contribution_subtract(buckets, order_contribution(order, config=CONFIG)) == {}


def test_a_low_credibility_order_still_counts_against_the_seller():
    # given a late shipment on an order whose review is not credible
    t, order = _perfect_order(40, late=True)
    whole = order_contribution(order, config=CONFIG)
    # then the late shipment stays (with its shipment), the on-time delivery and the order itself do not
    assert whole[t.date() + dt.timedelta(days=4)] == {"shipped": 1, "shipped_late": 1, "shipped_with_valid_tracking": 1}
    assert t.date() not in whole and t.date() + dt.timedelta(days=5) not in whole
    assert _fold_one_at_a_time(order, tuple(reversed(order.items))) == whole


def test_the_credibility_threshold_for_order_evidence_is_configuration():
    t, order = _perfect_order(400)
    assert "orders" not in order_contribution(order, config=CONFIG).get(t.date(), {})
    lenient = trust_config({"order_evidence_min_credibility_permille": 300})
    assert order_contribution(order, config=lenient)[t.date()]["orders"] == 1

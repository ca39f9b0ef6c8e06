"""Issue 11 (pure): when the estimated prior strengths are used (`config_with_prior_estimate`), and the estimate from
sellers' totals (what the full recompute and the rebuild's workers compute apart) equals the estimate from their
evidence."""

import datetime as dt

import pytest

from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.evidence import DayEvidence, PriorEvidence, SellerEvidence
from comptoir.trust.domain.score import (
    PriorEstimate,
    config_with_estimated_priors,
    config_with_prior_estimate,
    empirical_prior_strengths,
    prior_strengths_estimate,
    rate_totals,
)

CONFIG = trust_config()
TODAY = dt.date(2025, 6, 30)
ESTIMATE = PriorEstimate(strengths={"late_shipment_rate": 6.5}, sellers=30)


def seller(late: int, *, days: int = 60) -> SellerEvidence:
    return SellerEvidence(
        days=tuple(
            DayEvidence(
                day=TODAY - dt.timedelta(days=age),
                orders=3,
                shipped=3,
                shipped_late=late if age % 2 else 0,
                shipped_with_valid_tracking=3,
                delivered=3,
                delivered_on_time=3,
            )
            for age in range(days)
        )
    )


def test_an_estimate_from_enough_sellers_sets_the_rate_prior_strengths():
    assert config_with_prior_estimate(CONFIG, ESTIMATE)["rate_prior_strengths"] == {"late_shipment_rate": 6.5}


@pytest.mark.parametrize(
    ("config", "estimate"),
    [
        (CONFIG, PriorEstimate(strengths={"late_shipment_rate": 6.5}, sellers=29)),  # too few sellers
        (CONFIG, None),  # no estimate yet
        (trust_config({"empirical_prior": None}), ESTIMATE),  # switched off
        (trust_config({"rate_prior_strengths": {"late_shipment_rate": 9}}), ESTIMATE),  # the operator's strengths
    ],
)
def test_the_configured_prior_stands_otherwise(config, estimate):
    assert config_with_prior_estimate(config, estimate) is config


def test_the_estimate_from_totals_is_the_estimate_from_evidence_heirs_included():
    # given 40 sellers whose late-shipment rates differ, one of whom inherits another's history
    sellers = [seller(index % 3) for index in range(40)]
    sellers[39] = SellerEvidence(
        days=seller(0, days=10).days, prior=PriorEvidence(from_seller_id=1, days=sellers[0].days)
    )

    # when the estimate is computed from each seller's totals, an heir's being its own plus its prior's
    totals = []
    for evidence in sellers:
        own = rate_totals(evidence.days, today=TODAY, config=CONFIG)
        if evidence.prior is not None:
            inherited = rate_totals(evidence.prior.days, today=TODAY, config=CONFIG)
            own = {name: (bad + inherited[name][0], trials + inherited[name][1]) for name, (bad, trials) in own.items()}
        totals.append(own)
    estimate = prior_strengths_estimate(totals, config=CONFIG)

    # then it is the estimate from the evidence, from 40 sellers, and a full recompute of them scores with it
    assert estimate.sellers == 40
    assert estimate.strengths == pytest.approx(empirical_prior_strengths(sellers, today=TODAY, config=CONFIG))
    assert 2 <= estimate.strengths["late_shipment_rate"] < 20
    scoring = config_with_estimated_priors(sellers, today=TODAY, config=CONFIG)
    assert scoring["rate_prior_strengths"] == pytest.approx(estimate.strengths)
    assert config_with_estimated_priors(sellers[:29], today=TODAY, config=CONFIG) is CONFIG  # too few sellers

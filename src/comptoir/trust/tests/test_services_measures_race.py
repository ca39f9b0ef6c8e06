"""Measures under concurrency (PostgreSQL): two operators suspending the same seller at once write one statement,
and an operator's suspension racing the seller's recompute neither deadlocks nor opens a measure twice."""

import pytest

from comptoir.core.exceptions import Conflict
from comptoir.sellers.models import SellerStatus
from comptoir.testing.builders import make_operator, make_seller
from comptoir.testing.concurrency import run_together
from comptoir.trust.models import EnforcementAction
from comptoir.trust.services import measure_take, seller_trust_recompute, seller_trust_tier_override


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_two_operators_suspending_at_once_write_one_statement():
    seller, first, second = make_seller(), make_operator("a@ops.example"), make_operator("b@ops.example")

    results, errors = run_together(
        *[
            lambda operator=operator: measure_take(
                seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Late parcels."
            )
            for operator in (first, second)
        ]
    )

    assert len(results) == 1 and len(errors) == 1 and isinstance(errors[0], Conflict)
    assert EnforcementAction.objects.filter(seller=seller, kind="suspension", is_active=True).count() == 1
    seller.refresh_from_db()
    assert seller.status == SellerStatus.SUSPENDED


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_a_suspension_racing_the_recompute_of_a_below_standard_seller_neither_deadlocks_nor_duplicates():
    # given a seller set below standard by hand, with its automated warning open
    seller, operator = make_seller(), make_operator()
    seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="below_standard", reason="Fake reviews.")

    # when an operator suspends it while its trust is recomputed
    _results, errors = run_together(
        lambda: measure_take(
            seller_id=seller.pk, actor=operator, kind="suspension", ground="fraud_suspected", reason="Review ring."
        ),
        lambda: seller_trust_recompute(seller_id=seller.pk),
    )

    # then both went through, one after the other, and every kind is active at most once
    assert errors == []
    kinds = list(EnforcementAction.objects.filter(seller=seller, is_active=True).values_list("kind", flat=True))
    assert sorted(kinds) == ["suspension", "tier_override", "warning"]

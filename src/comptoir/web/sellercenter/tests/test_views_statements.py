"""The statement of reasons a seller reads, in English and French: the rule that actually triggered with that rule's
measured value and threshold in the reader's number format, "manual decision by the marketplace" when a person
decided, and an appeal for every measure, manual ones included."""

import pytest
from django.urls import reverse

from comptoir.sellers.models import MemberRole, SellerMember
from comptoir.testing.builders import make_operator, make_seller
from comptoir.trust.models import Appeal, EnforcementAction
from comptoir.trust.services import measure_take

pytestmark = pytest.mark.django_db


def owner_of(seller):
    return SellerMember.objects.get(seller=seller, role=MemberRole.OWNER).user


def defect_rate_warning(seller, *, with_grounds: bool):
    """An automated warning of a seller scoring 48.2 whose order defect rate made it below standard."""
    facts = {
        "score": "48.20",
        "tier": "below_standard",
        "days_below_standard": 3,
        "metrics": {
            "order_defect_rate": {
                "value": "0.0833",
                "low": "0.0461",
                "high": "0.1808",
                "count": 1260,
                "events": 105,
                "target": "0.01",
                "direction": "below",
                "window_days": 60,
                "status": "failing",
            }
        },
    }
    if with_grounds:
        facts["grounds"] = [
            {
                "rule": "order_defect_rate_above",
                "value": "0.0833",
                "low": "0.0461",
                "threshold": "0.04",
                "count": 1260,
                "window_days": 60,
            }
        ]
    return EnforcementAction.objects.create(
        seller=seller, kind="warning", facts=facts, facts_text="", rule="", redress="", is_automated=True
    )


@pytest.mark.parametrize("with_grounds", [True, False], ids=["stored-grounds", "older-statement"])
def test_a_defect_rate_warning_cites_the_defect_rule_with_its_numbers_not_the_score_threshold(client, with_grounds):
    seller = make_seller()
    action = defect_rate_warning(seller, with_grounds=with_grounds)
    client.force_login(owner_of(seller))
    url = reverse("sellercenter:notice", args=[action.pk])

    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Trust score 48.2 (tier: Below standard)" in english
    assert "Order defect rate 8.3 % over 60 days (1,260 orders)" in english
    assert "(4.6 %) is above the threshold of 4.0 %" in english
    assert "below the threshold of 35" not in english and "falls below 35" not in english  # the old, wrong rule
    assert "A seller below standard receives a warning." in english
    assert "Automated decision" in english and "Manual decision" not in english

    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "Score de confiance 48,2" in french
    assert "Taux de commandes défectueuses de 8,3 %" in french and "1\u202f260 commandes" in french
    assert "au-dessus du seuil de 4,0 %" in french
    assert "Décision automatisée" in french


def test_a_manual_suspension_is_listed_says_a_person_decided_and_can_be_appealed(client):
    # given an operator suspends a seller by hand (before: no statement, "No measure has been taken")
    seller, operator = make_seller(), make_operator()
    action = measure_take(
        seller_id=seller.pk,
        actor=operator,
        kind="suspension",
        ground="illegal_content",
        reason="Counterfeit chargers confirmed by the brand.",
    )
    client.force_login(owner_of(seller))
    # then the seller finds it among its notices and reads a manual statement
    notices = client.get(reverse("sellercenter:notices"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "No measure has been taken" not in notices and "Suspension" in notices
    url = reverse("sellercenter:notice", args=[action.pk])
    english = client.get(url, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    for expected in (
        "Manual decision by the marketplace",
        "Counterfeit chargers confirmed by the brand.",
        "Illegal products or content",
        "The marketplace may suspend a seller",
        "Send my appeal",
    ):
        assert expected in english
    assert "Automated decision" not in english
    client.cookies["django_language"] = "fr"
    french = client.get(url).content.decode()
    assert "Décision manuelle de la place de marché" in french and "Produits ou contenus illicites" in french
    # and appeals it
    response = client.post(url, {"text": "The brand's letter concerns another shop."})
    assert response.status_code == 302
    assert Appeal.objects.get(action=action).status == "open"


def test_a_hand_set_tier_names_both_tiers(client):
    from comptoir.trust.services import seller_trust_tier_override

    seller, operator = make_seller(), make_operator()
    seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="at_risk", reason="Three complaints.")
    action = EnforcementAction.objects.get(seller=seller, kind="tier_override")
    client.force_login(owner_of(seller))
    page = client.get(reverse("sellercenter:notice", args=[action.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Your tier was set to “At risk” by hand (computed from your metrics: “New seller”)." in page
    assert "Tier set by the marketplace" in page and "Manual decision by the marketplace" in page
    dashboard = client.get(reverse("sellercenter:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Active measure: Tier set by the marketplace." in dashboard


def test_the_banner_points_to_the_suspension_rather_than_the_warning_before_it(client):
    seller, operator = make_seller(), make_operator()
    measure_take(seller_id=seller.pk, actor=operator, kind="warning", ground="performance", reason="Late.")
    suspension = measure_take(
        seller_id=seller.pk, actor=operator, kind="suspension", ground="performance", reason="Still late."
    )
    measure_take(seller_id=seller.pk, actor=operator, kind="visibility_reduced", ground="performance", reason="x")
    client.force_login(owner_of(seller))
    dashboard = client.get(reverse("sellercenter:dashboard"), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Active measure: Suspension." in dashboard
    assert reverse("sellercenter:notice", args=[suspension.pk]) in dashboard

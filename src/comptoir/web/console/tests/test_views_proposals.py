"""Console page of the measures proposed after a history import (issue 11): operators only, in English and French,
confirm (the measure is taken as the operator's, with the facts stated) or dismiss (nothing imposed), each with a
reason."""

import pytest
from django.urls import reverse

from comptoir.core import clock
from comptoir.testing.auth import force_login_verified
from comptoir.testing.builders import make_operator, make_seller, make_user
from comptoir.trust.models import EnforcementAction, MeasureProposal
from comptoir.trust.services import seller_trust_recompute, trust_history_imported
from comptoir.trust.tests.support import T0, at
from comptoir.trust.tests.test_services_import_grace import poor_history

pytestmark = pytest.mark.django_db
QUEUE = reverse("console:trust-proposals")


def proposed(name="Bazar Importé"):
    seller = make_seller(name)
    poor_history(seller)
    with at(T0):
        trust_history_imported(seller_ids=[seller.pk])
        seller_trust_recompute(seller_id=seller.pk)
    return seller, MeasureProposal.objects.get(seller=seller)


@pytest.fixture
def operator(client):
    user = make_operator("ops@example.com")
    force_login_verified(client, user)
    return user


def decide(client, proposal, decision, reason):
    prefix = f"proposal{proposal.pk}"
    url = reverse("console:trust-proposal-decide", args=[proposal.pk])
    with clock.frozen_at(T0):
        return client.post(url, {f"{prefix}-decision": decision, f"{prefix}-reason": reason})


def test_only_verified_operators_see_and_decide_proposals(client):
    _seller, proposal = proposed()
    assert client.get(QUEUE).status_code == 302
    force_login_verified(client, make_user())
    assert client.get(QUEUE).status_code == 403
    assert decide(client, proposal, "confirm", "Record").status_code == 403
    assert not EnforcementAction.objects.exists()


def test_the_queue_shows_the_facts_in_english_and_french(client, operator):
    seller, _proposal = proposed()
    page = client.get(QUEUE, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Proposed measures" in page and seller.name in page and "Below standard because:" in page
    assert "grace period until" in page and "Confirm: take the measure (Warning)" in page
    client.cookies["django_language"] = "fr"
    page = client.get(QUEUE).content.decode()
    assert "Mesures proposées" in page and "Confirmer : prendre la mesure (Avertissement)" in page
    assert "période de grâce" in page and "Classer sans suite" in page


def test_confirming_takes_the_measure_and_dismissing_imposes_nothing(client, operator):
    seller, proposal = proposed()
    other, other_proposal = proposed("Autre boutique")
    assert decide(client, proposal, "confirm", "").status_code == 302  # no reason: an error message, nothing done
    assert not EnforcementAction.objects.exists()
    assert decide(client, proposal, "confirm", "Imported record: 20 % cancellations.").status_code == 302
    action = EnforcementAction.objects.get(seller=seller)
    assert (action.kind, action.is_automated, action.created_by) == ("warning", False, operator)
    assert decide(client, other_proposal, "dismiss", "Migration artefact").status_code == 302
    other_proposal.refresh_from_db()
    assert other_proposal.status == "dismissed" and not EnforcementAction.objects.filter(seller=other).exists()
    decided = client.get(QUEUE + "?status=confirmed", HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert "Imported record: 20 % cancellations." in decided and "ops@example.com" in decided

"""The onboarding wizard: three steps, field errors next to each field (VAT and IBAN checked with stdnum),
and a pending-verification page at the end."""

import pytest
from django.urls import reverse

from comptoir.sellers.models import MemberRole, Seller, SellerMember
from comptoir.testing.builders import make_user

pytestmark = pytest.mark.django_db

TRADER = {
    "legal_name": "Les Jardins de Provence SAS",
    "street": "4 chemin des Oliviers",
    "postal_code": "13100",
    "city": "Aix-en-Provence",
    "country": "FR",
    "phone": "+33 4 42 00 00 00",
    "email": "bonjour@jardins.example",
    "trade_register": "RCS Aix-en-Provence",
    "trade_register_number": "512 345 678",
    "vat_id": "FR40303265045",
}
STEP = "/seller/onboarding/"


@pytest.fixture
def newcomer(client):
    user = make_user()
    client.force_login(user)
    return user


def _through_step_two(client):
    client.post(STEP + "shop", {"name": "Les Jardins de Provence"})
    return client.post(STEP + "trader", TRADER)


def test_the_wizard_creates_a_pending_shop_owned_by_the_user(client, newcomer):
    # When the newcomer fills the three steps
    assert client.post(STEP + "shop", {"name": "Les Jardins de Provence"})["Location"] == STEP + "trader"
    assert client.post(STEP + "trader", TRADER)["Location"] == STEP + "payout"
    response = client.post(STEP + "payout", {"iban": "FR14 2004 1010 0505 0001 3M02 606", "self_certified": "on"})
    # Then a pending shop exists with the user as owner, and the status page says so
    assert response["Location"] == reverse("sellercenter:onboarding_pending")
    seller = Seller.objects.get(name="Les Jardins de Provence")
    assert (seller.status, seller.vat_id, seller.iban_last4) == ("pending", "FR40303265045", "2606")
    assert SellerMember.objects.get(seller=seller, user=newcomer).role == MemberRole.OWNER
    page = client.get(response["Location"]).content.decode()
    assert "waiting for verification" in page and "•••• 2606" in page


def test_a_bad_vat_number_is_explained_next_to_the_field(client, newcomer):
    client.post(STEP + "shop", {"name": "Les Jardins"})
    response = client.post(STEP + "trader", {**TRADER, "vat_id": "FR41303265045"})
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert errors["vat_id"] == ["Not a valid FR VAT number: The number's checksum or check digit is invalid."]
    assert 'id="id_vat_id_error"' in response.content.decode()


def test_a_vat_number_of_another_country_is_refused(client, newcomer):
    client.post(STEP + "shop", {"name": "Les Jardins"})
    response = client.post(STEP + "trader", {**TRADER, "vat_id": "DE136695976"})
    assert "starts with DE but the seller is established in FR" in response.context["form"].errors["vat_id"][0]


def test_a_bad_iban_and_a_missing_certification_are_shown_at_the_last_step(client, newcomer):
    _through_step_two(client)
    response = client.post(STEP + "payout", {"iban": "FR14 2004 1010 0505 0001 3M02 607"})
    assert response.context["form"].errors["iban"] == [
        "Not a valid IBAN: The number's checksum or check digit is invalid."
    ]
    response = client.post(STEP + "payout", {"iban": "FR1420041010050500013M02606"})
    assert response.status_code == 422
    assert "comply with EU law" in response.context["form"].errors["self_certified"][0]
    assert not Seller.objects.exists()


def test_errors_are_in_french_for_a_french_visitor(client, newcomer):
    client.cookies["django_language"] = "fr"
    client.post(STEP + "shop", {"name": "Les Jardins"})
    response = client.post(
        STEP + "trader", {**TRADER, "vat_id": "FR41303265045", "phone": ""}, HTTP_ACCEPT_LANGUAGE="fr"
    )
    content = response.content.decode()
    assert "Numéro de TVA FR invalide : la clé de contrôle du numéro est fausse." in content
    assert "Informations sur le professionnel" in content


def test_a_later_step_cannot_be_reached_before_the_earlier_ones(client, newcomer):
    assert client.get(STEP + "payout")["Location"] == STEP + "shop"
    assert client.get(STEP + "nonsense")["Location"] == STEP


def test_onboarding_needs_a_logged_in_user(client):
    assert client.get(STEP)["Location"].startswith(reverse("account:login"))

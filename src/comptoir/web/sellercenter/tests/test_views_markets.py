"""Seller center Markets page: where each offer may be sold and why not, registrations, the EU responsible person."""

import pytest
from django.utils import translation

from comptoir.compliance.models import OfferMarketBlock, ResponsiblePerson, SellerRegistration
from comptoir.compliance.services import seller_registration_set
from comptoir.compliance.tests.support import LUCID_DE, RESPONSIBLE_EU, load_rules
from comptoir.testing.builders import make_offer, make_seller

pytestmark = pytest.mark.django_db


def test_an_offer_blocked_somewhere_shows_where_and_why(owner_client, seller_setup, tmp_path):
    load_rules(tmp_path, LUCID_DE)

    page = owner_client.get("/seller/markets/")

    assert page.status_code == 200
    row = page.context["rows"][0]
    assert row["offer"] == seller_setup["offer"]
    assert row["blocked"] == [
        {"country": "DE", "reasons": ["Missing for DE: German LUCID packaging registration number."]}
    ]
    assert "Not in DE" in page.content.decode()


def test_the_page_is_translated(owner_client, seller_setup, tmp_path):
    load_rules(tmp_path, LUCID_DE)
    page = owner_client.get("/seller/markets/", headers={"accept-language": "fr"})
    with translation.override("fr"):
        text = page.content.decode()
    assert "Marchés" in text and "Manquant pour DE" in text


def test_a_registration_saved_on_the_page_frees_the_market(owner_client, seller_setup, tmp_path):
    load_rules(tmp_path, LUCID_DE)

    response = owner_client.post(
        "/seller/markets/",
        {
            "form": "registration",
            "registration-scheme": "de_lucid",
            "registration-country": "DE",
            "registration-number": "DE5120412345678",
        },
    )

    assert response.status_code == 302
    assert SellerRegistration.objects.get().seller == seller_setup["seller"]
    assert not OfferMarketBlock.objects.exists()
    page = owner_client.get("/seller/markets/?blocked=1")
    assert page.context["rows"] == []


def test_a_registration_for_the_wrong_country_is_explained_and_not_saved(owner_client, seller_setup):
    response = owner_client.post(
        "/seller/markets/",
        {
            "form": "registration",
            "registration-scheme": "de_lucid",
            "registration-country": "FR",
            "registration-number": "X1",
        },
    )
    assert response.status_code == 422
    assert response.context["registration_form"].errors["country"] == [
        "This registration is issued for another country."
    ]
    assert not SellerRegistration.objects.exists()


def test_removing_a_registration_restores_the_block(owner_client, seller_setup, tmp_path):
    load_rules(tmp_path, LUCID_DE)
    seller_registration_set(seller=seller_setup["seller"], actor=None, scheme="de_lucid", country="DE", number="N1")

    response = owner_client.post("/seller/markets/registrations/de_lucid/DE/delete")

    assert response.status_code == 302
    assert OfferMarketBlock.objects.filter(offer=seller_setup["offer"], country="DE").exists()


def test_the_responsible_person_must_be_in_the_eu(owner_client, seller_setup, tmp_path):
    load_rules(tmp_path, RESPONSIBLE_EU)
    person = {
        "form": "person",
        "person-name": "EU Rep",
        "person-address": "1 Quay, Dublin",
        "person-email": "rep@example.ie",
        "person-country": "US",
    }
    refused = owner_client.post("/seller/markets/", person)
    assert refused.status_code == 422 and not ResponsiblePerson.objects.exists()
    saved = owner_client.post("/seller/markets/", {**person, "person-country": "IE"})
    assert saved.status_code == 302
    assert ResponsiblePerson.objects.get().country == "IE"


def test_a_seller_sees_only_its_own_offers_and_cannot_remove_anothers_registration(
    owner_client, seller_setup, tmp_path
):
    other = make_seller("Other shop")
    make_offer(seller=other)
    seller_registration_set(seller=other, actor=None, scheme="de_lucid", country="DE", number="OTHER")
    load_rules(tmp_path, LUCID_DE)

    page = owner_client.get("/seller/markets/")
    assert [row["offer"] for row in page.context["rows"]] == [seller_setup["offer"]]
    assert "OTHER" not in page.content.decode()

    owner_client.post("/seller/markets/registrations/de_lucid/DE/delete")
    assert SellerRegistration.objects.filter(seller=other).exists()


def test_visitors_are_sent_to_log_in(client):
    response = client.get("/seller/markets/")
    assert response.status_code == 302 and "login" in response["Location"]


def test_the_page_says_which_manufacturers_miss_an_address_and_saves_one(owner_client, seller_setup, tmp_path):
    from comptoir.compliance.models import Manufacturer
    from comptoir.compliance.tests.support import MANUFACTURER_EU

    product = seller_setup["offer"].product
    product.brand = "Bohrmax"
    product.save(update_fields=["brand"])
    load_rules(tmp_path, MANUFACTURER_EU)

    page = owner_client.get("/seller/markets/")
    assert page.context["manufacturers_missing"] == ["Bohrmax"]
    assert "What is missing" in page.content.decode()
    manufacturer = {
        "form": "manufacturer",
        "manufacturer-name": "Bohrmax",
        "manufacturer-address": "Werkstr. 5, 10115 Berlin",
        "manufacturer-email": "not an email",
        "manufacturer-country": "DE",
    }
    refused = owner_client.post("/seller/markets/", manufacturer)
    assert refused.status_code == 422 and not Manufacturer.objects.exists()
    saved = owner_client.post("/seller/markets/", {**manufacturer, "manufacturer-email": "safety@bohrmax.example"})
    assert saved.status_code == 302
    assert not OfferMarketBlock.objects.exists()
    after = owner_client.get("/seller/markets/")
    assert after.context["manufacturers_missing"] == [] and "safety@bohrmax.example" in after.content.decode()
    removed = owner_client.post(f"/seller/markets/manufacturers/{Manufacturer.objects.get().pk}/delete")
    assert removed.status_code == 302 and OfferMarketBlock.objects.exists()

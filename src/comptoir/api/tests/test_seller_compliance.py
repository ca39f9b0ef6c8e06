"""Country rules through the API: a seller's registrations and responsible person, its offers' markets, and the
checkout's 409 for an offer that may not be sold to the delivery country."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.compliance.models import OfferMarketBlock, SellerRegistration
from comptoir.compliance.tests.support import KNIVES_GB, LUCID_DE, MANUFACTURER_EU, load_rules, slug_category
from comptoir.core.models import IdempotencyRecord
from comptoir.orders.models import Order
from comptoir.testing.builders import ADDRESS, make_offer, make_product

pytestmark = pytest.mark.django_db


def test_a_registration_recorded_through_the_api_frees_the_market(api, seller_a, offer_a, tmp_path):
    load_rules(tmp_path, LUCID_DE)
    markets = api.get("seller/compliance/markets", token=seller_a.key).json()
    assert markets["results"][0]["blocked"] == [
        {
            "country": "DE",
            "reasons": [
                {
                    "rule": "de_lucid_packaging",
                    "code": "registration_missing",
                    "scheme": "de_lucid",
                    "message": "Missing for DE: German LUCID packaging registration number.",
                }
            ],
        }
    ]

    response = api.put("seller/compliance/registrations/de_lucid/DE", {"number": "DE5120412345678"}, token=seller_a.key)

    assert response.status_code == 200, response.content
    assert response.json()["number"] == "DE5120412345678"
    assert api.get("seller/compliance/markets", token=seller_a.key).json()["results"][0]["blocked"] == []
    assert api.get("seller/compliance", token=seller_a.key).json()["registrations"][0]["scheme"] == "de_lucid"
    assert api.get("seller/compliance/markets?is_blocked=true", token=seller_a.key).json()["count"] == 0

    assert api.delete("seller/compliance/registrations/de_lucid/DE", token=seller_a.key).status_code == 204
    assert OfferMarketBlock.objects.filter(offer=offer_a, country="DE").exists()
    assert_problem(api.delete("seller/compliance/registrations/de_lucid/DE", token=seller_a.key), 404)


def test_registration_errors_are_422_and_write_nothing(api, seller_a):
    assert api.put("seller/compliance/registrations/nope/FR", {"number": "1"}, token=seller_a.key).status_code == 422
    body = assert_problem(
        api.put("seller/compliance/registrations/de_lucid/FR", {"number": "1"}, token=seller_a.key), 422
    )
    assert "country" in body["errors"]
    assert not SellerRegistration.objects.exists()


def test_responsible_person_must_be_in_the_eu(api, seller_a):
    person = {"name": "EU Rep", "address": "1 Main St", "email": "rep@example.com", "country": "US"}
    assert_problem(api.put("seller/compliance/responsible-person", person, token=seller_a.key), 422)
    response = api.put("seller/compliance/responsible-person", {**person, "country": "IE"}, token=seller_a.key)
    assert response.status_code == 200 and response.json()["country"] == "IE"
    assert api.get("seller/compliance", token=seller_a.key).json()["responsible_person"]["name"] == "EU Rep"
    assert api.delete("seller/compliance/responsible-person", token=seller_a.key).status_code == 204


def test_a_seller_sees_only_its_own_offers_and_registrations(api, seller_a, seller_b, offer_a, tmp_path):
    load_rules(tmp_path, LUCID_DE)
    api.put("seller/compliance/registrations/de_lucid/DE", {"number": "A-1"}, token=seller_a.key)
    assert api.get("seller/compliance", token=seller_b.key).json()["registrations"] == []
    assert api.get("seller/compliance/markets", token=seller_b.key).json()["count"] == 0


def test_scopes_are_checked(api, seller_a):
    read_only = seller_a.key_with("offers:read")
    response = api.put("seller/compliance/registrations/de_lucid/DE", {"number": "A-1"}, token=read_only)
    assert response.status_code == 403
    assert api.get("seller/compliance", token=read_only).status_code == 200


def test_checkout_of_a_restricted_offer_is_409_and_writes_nothing(api, buyer_token, seller_a, tmp_path):
    kitchen = slug_category("kitchen")
    knife = make_product("Bread knife", category=slug_category("knives", parent=kitchen), brand="Opinel")
    offer = make_offer(seller=seller_a.seller, product=knife)
    load_rules(tmp_path, KNIVES_GB)
    body = {
        "lines": [{"offer_id": offer.pk, "quantity": 1}],
        "shipping_address": {**ADDRESS, "country": "GB", "city": "London", "postal_code": "SW1A 1AA"},
        "payment": {"card_number": "4242424242424242"},
    }

    response = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "gb"})

    problem = assert_problem(response, 409, "offer_restricted_for_destination")
    assert "Bread knife" in problem["detail"] and "GB" in problem["detail"]
    assert not Order.objects.exists() and not IdempotencyRecord.objects.exists()
    french = api.post(
        "checkout", {**body, "shipping_address": ADDRESS}, token=buyer_token, headers={"Idempotency-Key": "fr"}
    )
    assert french.status_code == 201


def test_a_manufacturers_address_recorded_through_the_api_frees_the_eu(api, seller_a, seller_b, offer_a, tmp_path):
    brand = offer_a.product.brand or "Acme"
    if not offer_a.product.brand:
        offer_a.product.brand = brand
        offer_a.product.save(update_fields=["brand"])
    load_rules(tmp_path, MANUFACTURER_EU)
    before = api.get("seller/compliance", token=seller_a.key).json()
    assert before["manufacturers_missing"] == [brand]
    blocked = api.get("seller/compliance/markets", token=seller_a.key).json()["results"][0]["blocked"]
    assert {reason["code"] for market in blocked for reason in market["reasons"]} == {"manufacturer_address_missing"}

    bad = {"name": brand, "address": "1 Road", "email": "nope", "country": "ZZ"}
    assert set(assert_problem(api.put("seller/compliance/manufacturers", bad, token=seller_a.key), 422)["errors"]) >= {
        "email",
        "country",
    }
    body = {"name": brand.upper(), "address": "1 Road, 10115 Berlin", "email": "safety@acme.example", "country": "DE"}
    response = api.put("seller/compliance/manufacturers", body, token=seller_a.key)
    assert response.status_code == 200, response.content
    assert api.put("seller/compliance/manufacturers", body, token=seller_a.key).json()["id"] == response.json()["id"]

    after = api.get("seller/compliance", token=seller_a.key).json()
    assert (after["manufacturers_missing"], [item["name"] for item in after["manufacturers"]]) == ([], [brand.upper()])
    assert api.get("seller/compliance/markets", token=seller_a.key).json()["results"][0]["blocked"] == []
    assert api.get("seller/compliance", token=seller_b.key).json()["manufacturers"] == []
    path = f"seller/compliance/manufacturers/{response.json()['id']}"
    assert_problem(api.delete(path, token=seller_b.key), 404)
    assert api.delete(path, token=seller_a.key).status_code == 204

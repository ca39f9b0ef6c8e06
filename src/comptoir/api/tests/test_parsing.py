"""Control characters and media types, refused by the API's parser (api/parsing.py) before any handler runs.

PostgreSQL refuses NUL in text: each endpoint below answered 500 there before the parser refused control characters.
Run these on PostgreSQL too (DATABASE_URL=postgres://…)."""

import json

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.offers.models import Offer
from comptoir.testing.builders import ADDRESS, CARD_OK, make_category, make_product, make_shipping_profile

pytestmark = pytest.mark.django_db

NUL = "\x00"


def assert_control_character(response, field: str) -> dict:
    body = assert_problem(response, 422, "control_character")
    assert field in body["errors"], body
    assert "U+" in body["errors"][field]
    return body


def test_checkout_address_with_nul_names_the_field(api, buyer_token, offer_a):
    address = {**ADDRESS, "city": f"Lyon{NUL}"}
    body = {"lines": [{"offer_id": offer_a.pk, "quantity": 1}], "shipping_address": address, "payment": CARD_OK}

    response = api.post("checkout", body, token=buyer_token, headers={"Idempotency-Key": "nul-1"})

    assert_control_character(response, "shipping_address.city")
    assert not offer_a.seller.seller_orders.exists()


def test_product_title_and_attribute_keys_with_nul(api, seller_a):
    category = make_category("Kitchen")
    title = api.post("seller/products", {"title": f"Tea{NUL}pot", "category_id": category.pk}, token=seller_a.key)
    key = api.post(
        "seller/products",
        {"title": "Teapot", "category_id": category.pk, "attributes": {f"colour{NUL}": "red"}},
        token=seller_a.key,
    )

    assert_control_character(title, "title")
    assert_control_character(key, "attributes")


def test_offer_condition_note_with_nul(api, seller_a):
    profile = make_shipping_profile(seller_a.seller)
    body = {
        "product_id": make_product("Teapot").pk,
        "sku": "TEA-1",
        "price_amount": 2490,
        "currency": "EUR",
        "stock": 5,
        "shipping_profile_id": profile.pk,
        "condition_note": f"scratch{NUL}",
    }

    assert_control_character(api.post("seller/offers", body, token=seller_a.key), "condition_note")
    assert not Offer.objects.exists()


def test_bulk_stock_with_a_nul_sku(api, seller_a, offer_a):
    response = api.post("seller/stock", {"stock": {f"{offer_a.sku}{NUL}": 3}}, token=seller_a.key)

    assert_control_character(response, "stock")


def test_offer_list_sku_filter_with_nul(api, seller_a):
    assert_control_character(api.get("seller/offers?sku=%00", token=seller_a.key), "sku")


def test_order_number_in_the_path_with_nul(api, buyer_token):
    assert_control_character(api.get("orders/CO-%00", token=buyer_token), "number")


def test_product_search_words_with_nul(api):
    assert_control_character(api.get("products?q=tea%00pot"), "q")


def test_review_report_reason_with_nul(api, buyer_token):
    response = api.post("reviews/1/report", {"reason": f"spam{NUL}", "details": ""}, token=buyer_token)

    assert_control_character(response, "reason")


def test_seller_onboarding_with_nul(api, buyer_token):
    response = api.post("sellers", {"name": f"Shop{NUL}"}, token=buyer_token)

    assert_control_character(response, "name")


def test_a_query_parameter_name_with_nul_is_refused(api):
    assert_control_character(api.get("products?q%00=tea"), "query")


@pytest.mark.parametrize("character", ["\x01", "\x1b", "\x7f", "\x0b"])
def test_other_control_characters_and_del_are_refused(api, character):
    body = assert_control_character(api.get(f"products?q=tea{character}"), "q")

    assert f"U+{ord(character):04X}" in body["errors"]["q"]


def test_an_unpaired_surrogate_is_refused(api, seller_a):
    raw = json.dumps({"title": "Tea", "category_id": 1}).replace('"Tea"', '"Tea\\ud800"')

    assert_control_character(api.post("seller/products", raw=raw, token=seller_a.key), "title")


def test_tab_and_line_breaks_are_accepted_in_body_text_but_not_in_query_parameters(api, seller_a, offer_a):
    changed = api.patch(f"seller/offers/{offer_a.pk}", {"condition_note": "Line one\r\nLine\ttwo"}, token=seller_a.key)

    assert changed.status_code == 200, changed.content
    assert changed.json()["condition_note"] == "Line one\r\nLine\ttwo"
    assert_control_character(api.get("products?q=tea%0Apot"), "q")


def test_a_text_plain_body_is_not_json(api, seller_a, offer_a):
    response = api.client.patch(
        f"/api/v1/seller/offers/{offer_a.pk}",
        data=json.dumps({"stock": 0}),
        content_type="text/plain",
        headers={"Authorization": f"Bearer {seller_a.key}"},
    )

    body = assert_problem(response, 415, "unsupported_media_type")
    assert "Content-Type" in body["errors"]
    offer_a.refresh_from_db()
    assert offer_a.stock == 10


def test_a_form_body_is_not_json(api, buyer_token):
    response = api.client.post(
        "/api/v1/auth/token",
        data="email=a%40example.com&password=x",
        content_type="application/x-www-form-urlencoded",
    )

    assert_problem(response, 415, "unsupported_media_type")


def test_a_json_suffix_media_type_with_a_charset_is_json(api, seller_a, offer_a):
    response = api.client.patch(
        f"/api/v1/seller/offers/{offer_a.pk}",
        data=json.dumps({"stock": 4}),
        content_type="application/merge-patch+json; charset=utf-8",
        headers={"Authorization": f"Bearer {seller_a.key}"},
    )

    assert response.status_code == 200, response.content
    assert response.json()["stock"] == 4

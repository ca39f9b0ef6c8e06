"""Seller offers, stock, shipping profiles and products; scopes; cross-seller isolation on every endpoint."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.catalog.models import Product
from comptoir.offers.models import Offer, ShippingProfile
from comptoir.testing.builders import make_category, make_offer, make_product, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def profile_a(seller_a):
    return make_shipping_profile(seller_a.seller)


@pytest.fixture
def product():
    return make_product("Teapot")


def offer_body(product, profile, **overrides):
    body = {
        "product_id": product.pk,
        "sku": "TEA-1",
        "price_amount": 2490,
        "currency": "EUR",
        "stock": 5,
        "shipping_profile_id": profile.pk,
    }
    body.update(overrides)
    return body


def test_create_offer_with_minor_units(api, seller_a, product, profile_a):
    response = api.post("seller/offers", offer_body(product, profile_a), token=seller_a.key)

    assert response.status_code == 201
    body = response.json()
    assert body["price"] == {"amount": "24.90", "amount_minor": 2490, "currency": "EUR"}
    assert Offer.objects.get(pk=body["id"]).seller == seller_a.seller


def test_create_offer_with_a_decimal_price_string(api, seller_a, product, profile_a):
    body = offer_body(product, profile_a, price="24.90")
    del body["price_amount"]

    response = api.post("seller/offers", body, token=seller_a.key)

    assert response.status_code == 201
    assert Offer.objects.get().price_amount == 2490


def test_price_in_a_zero_decimal_currency(api, seller_a, product):
    profile = make_shipping_profile(seller_a.seller, currency="JPY")
    body = offer_body(product, profile, currency="JPY", price="1500")
    del body["price_amount"]

    assert api.post("seller/offers", body, token=seller_a.key).json()["price"]["amount_minor"] == 1500


@pytest.mark.parametrize(
    "change, field",
    [
        ({"price_amount": 0}, "price_amount"),
        ({"price_amount": -100}, "price_amount"),
        ({"price_amount": 10**15}, "price_amount"),
        ({"price_amount": 24.9}, "price_amount"),
        ({"price_amount": "2490"}, "price_amount"),
        ({"price_amount": None, "price": "12.345"}, "price"),
        ({"price_amount": None, "price": "-5"}, "price"),
        ({"price_amount": None, "price": "1e3"}, "price"),
        ({"price_amount": None, "price": 12.5}, "price"),
        ({"price_amount": None, "price": "99999999999.00"}, "price_amount"),
        ({"price": "24.90"}, "price"),
        ({"price_amount": None}, "price_amount"),
        ({"currency": "XYZ"}, "currency"),
        ({"currency": "EURO"}, "currency"),
        ({"stock": -1}, "stock"),
        ({"stock": "5"}, "stock"),
        ({"product_id": 987654}, "product_id"),
        ({"condition": "mint"}, "condition"),
        ({"ships_from_country": "QQ"}, "ships_from_country"),
        ({"sku": ""}, "sku"),
        ({"colour": "red"}, "colour"),
    ],
)
def test_invalid_offers_are_422_with_the_field_and_nothing_is_written(api, seller_a, product, profile_a, change, field):
    body = {**offer_body(product, profile_a), **change}
    body = {name: value for name, value in body.items() if value is not None}

    problem = assert_problem(api.post("seller/offers", body, token=seller_a.key), 422)

    assert field in problem["errors"], problem
    assert not Offer.objects.exists()


def test_an_other_sellers_shipping_profile_cannot_be_used(api, seller_a, seller_b, product):
    foreign_profile = make_shipping_profile(seller_b.seller)

    problem = assert_problem(api.post("seller/offers", offer_body(product, foreign_profile), token=seller_a.key), 422)

    assert "shipping_profile_id" in problem["errors"]


def test_create_offer_needs_the_offers_write_scope(api, seller_a, product, profile_a):
    read_only = seller_a.key_with("offers:read")

    problem = assert_problem(
        api.post("seller/offers", offer_body(product, profile_a), token=read_only), 403, "insufficient_scope"
    )

    assert problem["required_scope"] == "offers:write"
    assert not Offer.objects.exists()
    assert api.get("seller/offers", token=read_only).status_code == 200
    assert_problem(api.get("seller/offers", token=seller_a.key_with("orders:read")), 403, "insufficient_scope")


def test_a_retried_create_with_the_same_key_makes_one_offer(api, seller_a, product, profile_a):
    headers = {"Idempotency-Key": "create-tea"}

    first = api.post("seller/offers", offer_body(product, profile_a), token=seller_a.key, headers=headers)
    second = api.post("seller/offers", offer_body(product, profile_a), token=seller_a.key, headers=headers)

    assert first.status_code == second.status_code == 201
    assert second["Idempotent-Replayed"] == "true"
    assert Offer.objects.count() == 1
    other = api.post("seller/offers", offer_body(product, profile_a, sku="TEA-2"), token=seller_a.key, headers=headers)
    assert_problem(other, 422, "idempotency_key_reused")


def test_list_and_read_only_my_offers(api, seller_a, seller_b):
    mine = make_offer(seller=seller_a.seller)
    theirs = make_offer(seller=seller_b.seller)

    listed = api.get("seller/offers", token=seller_a.key).json()

    assert [row["id"] for row in listed["results"]] == [mine.pk]
    assert api.get(f"seller/offers/{mine.pk}", token=seller_a.key).json()["sku"] == mine.sku
    assert_problem(api.get(f"seller/offers/{theirs.pk}", token=seller_a.key), 404, "offer_not_found")
    assert api.get(f"seller/offers?sku={theirs.sku}", token=seller_a.key).json()["count"] == 0


def test_patch_changes_only_the_fields_sent(api, seller_a):
    offer = make_offer(seller=seller_a.seller, price_amount=1000, stock=3)

    response = api.patch(f"seller/offers/{offer.pk}", {"price": "12.50", "is_active": False}, token=seller_a.key)

    assert response.status_code == 200
    offer.refresh_from_db()
    assert (offer.price_amount, offer.is_active, offer.stock) == (1250, False, 3)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"stock": None}, "stock"),
        ({"condition_note": None}, "condition_note"),
        ({"sku": "NEW"}, "sku"),
        ({"price_amount": -1}, "price_amount"),
        ({"is_active": "no"}, "is_active"),
        ({"return_policy_days": 5000}, "return_policy_days"),
        ({"return_policy_days": -1}, "return_policy_days"),
        ({"handling_days": 99}, "handling_days"),
        ({"condition_note": "x" * 301}, "condition_note"),
        ({}, "body"),
    ],
)
def test_invalid_patches_are_422_and_change_nothing(api, seller_a, change, field):
    offer = make_offer(seller=seller_a.seller, price_amount=1000, stock=3)

    problem = assert_problem(api.patch(f"seller/offers/{offer.pk}", change, token=seller_a.key), 422)

    assert field in problem["errors"], problem
    offer.refresh_from_db()
    assert (offer.price_amount, offer.stock, offer.return_policy_days, offer.condition_note) == (1000, 3, 14, "")


def test_set_stock(api, seller_a):
    offer = make_offer(seller=seller_a.seller, stock=3)

    assert api.put(f"seller/offers/{offer.pk}/stock", {"stock": 40}, token=seller_a.key).json()["stock"] == 40
    assert_problem(api.put(f"seller/offers/{offer.pk}/stock", {"stock": -1}, token=seller_a.key), 422)
    assert Offer.objects.get(pk=offer.pk).stock == 40


def test_bulk_stock_is_all_or_nothing(api, seller_a, seller_b):
    first = make_offer(seller=seller_a.seller, sku="A-1", stock=1)
    second = make_offer(seller=seller_a.seller, sku="A-2", stock=1)
    make_offer(seller=seller_b.seller, sku="B-1", stock=1)

    refused = api.post("seller/stock", {"stock": {"A-1": 9, "B-1": 9}}, token=seller_a.key)
    accepted = api.post("seller/stock", {"stock": {"A-1": 7, "A-2": 8}}, token=seller_a.key)

    problem = assert_problem(refused, 422)
    assert problem["errors"] == {"B-1": "Unknown SKU."}
    assert accepted.status_code == 200
    assert [(row["sku"], row["stock"]) for row in accepted.json()] == [("A-1", 7), ("A-2", 8)]
    assert Offer.objects.get(sku="B-1").stock == 1
    assert {Offer.objects.get(pk=first.pk).stock, Offer.objects.get(pk=second.pk).stock} == {7, 8}


def test_another_seller_cannot_read_or_change_my_offers(api, seller_a, seller_b):
    offer = make_offer(seller=seller_a.seller, price_amount=1000, stock=3)
    intruder = seller_b.key

    assert_problem(api.get(f"seller/offers/{offer.pk}", token=intruder), 404)
    assert_problem(api.patch(f"seller/offers/{offer.pk}", {"price_amount": 1}, token=intruder), 404)
    assert_problem(api.put(f"seller/offers/{offer.pk}/stock", {"stock": 0}, token=intruder), 404)
    assert_problem(api.post("seller/stock", {"stock": {offer.sku: 0}}, token=intruder), 422)
    offer.refresh_from_db()
    assert (offer.price_amount, offer.stock) == (1000, 3)


def test_shipping_profiles_are_per_seller(api, seller_a, seller_b):
    body = {
        "name": "EU",
        "rates": [
            {
                "zone_name": "EU",
                "countries": ["FR", "DE"],
                "currency": "EUR",
                "first_item_amount": 500,
                "additional_item_amount": 100,
                "transit_days_min": 2,
                "transit_days_max": 5,
            }
        ],
    }

    created = api.post("seller/shipping-profiles", body, token=seller_a.key)

    assert created.status_code == 201
    assert created.json()["rates"][0]["first_item"]["amount"] == "5.00"
    assert [row["id"] for row in api.get("seller/shipping-profiles", token=seller_a.key).json()] == [
        created.json()["id"]
    ]
    assert api.get("seller/shipping-profiles", token=seller_b.key).json() == []


@pytest.mark.parametrize(
    "rate_change, field",
    [
        ({"countries": ["ZZ"]}, "rates[0].countries"),
        ({"first_item_amount": -1}, "rates[0].first_item_amount"),
        ({"currency": "ABC"}, "rates[0].currency"),
        ({"transit_days_min": 9, "transit_days_max": 2}, "rates[0].transit_days"),
        ({"first_item_amount": "5"}, "rates[0].first_item_amount"),
    ],
)
def test_invalid_shipping_profiles_are_422(api, seller_a, rate_change, field):
    rate = {
        "countries": ["FR"],
        "currency": "EUR",
        "first_item_amount": 500,
        "transit_days_min": 2,
        "transit_days_max": 5,
        **rate_change,
    }

    problem = assert_problem(
        api.post("seller/shipping-profiles", {"name": "X", "rates": [rate]}, token=seller_a.key), 422
    )

    assert field in problem["errors"], problem
    assert not ShippingProfile.objects.filter(seller=seller_a.seller).exists()


def test_create_a_catalog_product(api, seller_a):
    category = make_category()

    response = api.post(
        "seller/products",
        {
            "title": "Moka pot",
            "category_id": category.pk,
            "gtin": "4006381333931",
            "brand": "Bialetti",
            "attributes": {"capacity_cups": 6},
        },
        token=seller_a.key,
    )

    assert response.status_code == 201
    product = Product.objects.get(pk=response.json()["id"])
    assert (product.gtin, product.created_by_seller) == ("04006381333931", seller_a.seller)


@pytest.mark.parametrize(
    "change, field",
    [
        ({"gtin": "4006381333932"}, "gtin"),
        ({"category_id": 987654}, "category_id"),
        ({"title": ""}, "title"),
        ({"hs_code": "12"}, "hs_code"),
        ({"weight_grams": -5}, "weight_grams"),
    ],
)
def test_invalid_products_are_422(api, seller_a, change, field):
    body = {"title": "Moka pot", "category_id": make_category().pk, **change}

    problem = assert_problem(api.post("seller/products", body, token=seller_a.key), 422)

    assert field in problem["errors"], problem
    assert not Product.objects.exists()


def test_products_need_offers_write(api, seller_a):
    assert_problem(
        api.post(
            "seller/products", {"title": "X", "category_id": make_category().pk}, token=seller_a.key_with("offers:read")
        ),
        403,
    )
    assert_problem(
        api.post("seller/shipping-profiles", {"name": "X", "rates": []}, token=seller_a.key_with("offers:read")), 403
    )


def test_a_seller_cannot_create_an_offer_fulfilled_by_the_marketplace(api, seller_a, product, profile_a):
    body = offer_body(product, profile_a, fulfilment_method="marketplace")

    assert_problem(api.post("seller/offers", body, token=seller_a.key), 403, "fulfilment_method_reserved")

    assert not Offer.objects.exists()


def test_a_seller_cannot_switch_an_offer_to_marketplace_fulfilment(api, seller_a):
    offer = make_offer(seller=seller_a.seller, stock=4)

    response = api.patch(
        f"seller/offers/{offer.pk}", {"fulfilment_method": "marketplace", "stock": 9}, token=seller_a.key
    )

    assert_problem(response, 403, "fulfilment_method_reserved")
    offer.refresh_from_db()
    assert (offer.fulfilment_method, offer.stock) == ("merchant", 4)


def test_an_offer_an_operator_marked_stays_editable_through_the_api(api, seller_a):
    from comptoir.offers.services import offer_fulfilment_method_set
    from comptoir.testing.builders import make_operator

    offer = make_offer(seller=seller_a.seller)
    offer_fulfilment_method_set(actor=make_operator(), offer_id=offer.pk, fulfilment_method="marketplace")

    response = api.patch(f"seller/offers/{offer.pk}", {"price_amount": 1500}, token=seller_a.key)

    assert response.status_code == 200
    assert (response.json()["fulfilment_method"], response.json()["price"]["amount_minor"]) == ("marketplace", 1500)

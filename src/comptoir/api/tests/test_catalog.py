"""Categories, product search, product detail, GTIN lookup; the OpenAPI docs; unknown routes."""

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db


def test_categories_lists_the_tree(api):
    root = make_category("Garden")
    child = make_category("Tools", parent=root)

    body = api.get("categories").json()

    by_id = {row["id"]: row for row in body}
    assert by_id[child.pk]["parent_id"] == root.pk
    assert by_id[child.pk]["path"] == f"/{root.pk}/{child.pk}/"


def test_search_matches_title_brand_and_description_case_insensitively(api):
    by_title = make_offer(product=make_product("Garden HOSE 20m")).product
    by_brand = make_offer(product=make_product("Sprinkler", brand="Hoseworks")).product
    by_description = make_offer(product=make_product("Reel", description="for any hose")).product
    make_offer(product=make_product("Rake"))

    body = api.get("products?q=hose").json()

    assert body["count"] == 3
    assert {row["id"] for row in body["results"]} == {by_title.pk, by_brand.pk, by_description.pk}


def test_search_requires_every_word(api):
    wanted = make_offer(product=make_product("Red garden hose")).product
    make_offer(product=make_product("Red bucket"))

    body = api.get("products?q=red+hose").json()

    assert [row["id"] for row in body["results"]] == [wanted.pk]


def test_search_filters_by_category_subtree(api):
    garden = make_category("Garden")
    tools = make_category("Tools", parent=garden)
    kitchen = make_category("Kitchen")
    in_child = make_offer(product=make_product("Spade", category=tools)).product
    in_root = make_offer(product=make_product("Pot", category=garden)).product
    make_offer(product=make_product("Pan", category=kitchen))

    body = api.get(f"products?category={garden.pk}").json()

    assert {row["id"] for row in body["results"]} == {in_child.pk, in_root.pk}


def test_search_shows_only_products_with_a_visible_offer_by_default(api):
    on_sale = make_offer(price_amount=1200).product
    make_offer(product=on_sale, price_amount=900, seller=make_seller())
    make_offer(seller=make_seller(verified=False))  # pending seller: not visible
    inactive = make_offer()
    Offer.objects.filter(pk=inactive.pk).update(is_active=False)
    without_offer = make_product()

    default = api.get("products").json()
    everything = api.get("products?include_unavailable=true").json()

    assert [row["id"] for row in default["results"]] == [on_sale.pk]
    assert default["results"][0]["prices_from"] == [{"amount": "9.00", "amount_minor": 900, "currency": "EUR"}]
    assert default["results"][0]["offer_count"] == 2
    assert without_offer.pk in {row["id"] for row in everything["results"]}


def test_search_paginates_with_total_count(api):
    for index in range(5):
        make_offer(product=make_product(f"Lamp {index}"))

    body = api.get("products?q=lamp&page=2&page_size=2").json()

    assert (body["count"], body["page"], body["page_size"], body["pages"]) == (5, 2, 2, 3)
    assert len(body["results"]) == 2


@pytest.mark.parametrize(
    "query, field",
    [("page_size=101", "page_size"), ("page=0", "page"), ("page=abc", "page"), ("category=x", "category")],
)
def test_search_refuses_bad_parameters(api, query, field):
    body = assert_problem(api.get(f"products?{query}"), 422, "invalid_request")
    assert field in body["errors"]


def test_search_with_an_unknown_category_is_422(api):
    body = assert_problem(api.get("products?category=999999"), 422, "category_not_found")
    assert "category" in body["errors"]


def test_product_detail_lists_every_visible_offer_cheapest_first(api):
    product = make_product("Kettle", gtin="4006381333931")
    expensive = make_offer(product=product, price_amount=3000)
    cheap = make_offer(product=product, price_amount=2000)
    make_offer(product=product, seller=make_seller(verified=False))

    body = api.get(f"products/{product.pk}").json()

    assert body["title"] == "Kettle"
    assert [offer["id"] for offer in body["offers"]] == [cheap.pk, expensive.pk]
    assert body["offers"][0]["price"] == {"amount": "20.00", "amount_minor": 2000, "currency": "EUR"}
    assert body["offers"][0]["shipping"][0]["first_item"]["currency"] == "EUR"


def test_unknown_product_is_404_and_malformed_id_is_422(api):
    assert_problem(api.get("products/987654"), 404, "product_not_found")
    assert_problem(api.get("products/abc"), 422, "invalid_request")
    assert_problem(api.get("products/99999999999999999999999"), 422, "invalid_request")


def test_product_by_gtin(api):
    product = make_product(gtin="4006381333931")

    assert api.get("products/by-gtin/4006381333931").json()["id"] == product.pk
    assert_problem(api.get("products/by-gtin/4006381333938"), 422, "invalid_gtin")
    assert_problem(api.get("products/by-gtin/96385074"), 404, "product_not_found")


def test_unknown_routes_are_problem_documents(api):
    assert_problem(api.get("no-such-thing"), 404, "unknown_endpoint")
    assert_problem(api.post("seller/nothing/here", {}), 404, "unknown_endpoint")


def test_openapi_schema_and_docs_are_served(api):
    schema = api.get("/api/v1/openapi.json")
    docs = api.get("/api/docs")

    assert schema.status_code == 200
    paths = schema.json()["paths"]
    assert "/api/v1/checkout" in paths and "/api/v1/seller/orders/{number}/ship" in paths
    assert docs.status_code == 200
    html = docs.content.decode()
    assert "/api/v1/openapi.json" in html or "openapi.json" in html
    assert "swagger-ui-bundle.js" in html and "cdn" not in html.lower()
    bundled = api.get("/static/ninja/swagger-ui-bundle.js")
    assert bundled.status_code == 200


def test_wrong_method_is_a_405_problem(api, buyer_token):
    response = api.delete("checkout", token=buyer_token)

    assert_problem(response, 405, "method_not_allowed")
    assert "POST" in response["Allow"]

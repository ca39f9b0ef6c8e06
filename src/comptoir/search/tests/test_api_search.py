import pytest

pytestmark = pytest.mark.django_db


def test_search_returns_ranked_results_with_explanations_and_facets(client, shop):
    response = client.get("/api/v1/search", {"q": "écouteur", "country": "FR"})

    assert response.status_code == 200
    body = response.json()
    assert [item["product_id"] for item in body["results"]] == [shop.products["earbuds"].pk]
    result = body["results"][0]
    assert result["lowest_landed"]["amount_minor"] == 5990 + 490
    assert {line["factor"] for line in result["explanation"]["factors"]} == {
        "relevance",
        "trust",
        "conversion",
        "delivery",
        "price",
        "satisfaction",
    }
    assert body["facets"]["conditions"] == [{"value": "new", "count": 1}]
    assert body["ranking_page"] == "/ranking"


def test_search_filters_by_condition_and_country(client, shop):
    refurbished = client.get("/api/v1/search", {"condition": "refurbished"}).json()
    germany = client.get("/api/v1/search", {"q": "lighthouse", "country": "DE"}).json()

    assert [item["product_id"] for item in refurbished["results"]] == [shop.products["headphones"].pk]
    assert germany["total"] == 0


def test_search_rejects_unknown_values_as_a_problem(client, shop):
    response = client.get("/api/v1/search", {"sort": "cheapest", "condition": "broken"})

    assert response.status_code == 422
    assert response["Content-Type"].startswith("application/problem+json")
    assert set(response.json()["errors"]) == {"sort", "condition"}


def test_featured_offer_has_winner_alternatives_and_weights(client, shop):
    response = client.get(f"/api/v1/products/{shop.products['headphones'].pk}/featured-offer", {"country": "FR"})

    assert response.status_code == 200
    body = response.json()
    assert body["winner"]["offer_id"] == shop.offers["headphones_cucina"].pk
    assert body["winner"]["landed"]["amount_minor"] == 15900 + 590
    assert len(body["alternatives"]) == 3
    assert sum(body["weights_percent"].values()) == pytest.approx(100)


def test_featured_offer_explains_why_nothing_is_featured(client, shop):
    body = client.get(f"/api/v1/products/{shop.products['novel'].pk}/featured-offer", {"country": "DE"}).json()

    assert body["winner"] is None
    assert body["ineligible"] == {str(shop.offers["novel_tecno"].pk): ["does_not_ship_to_country"]}


def test_featured_offer_of_an_unknown_product_is_404(client, shop):
    assert client.get("/api/v1/products/999999/featured-offer").status_code == 404


def test_search_and_featured_offer_take_the_buyers_currency_and_refuse_bad_codes(client, shop):
    search = client.get("/api/v1/search", {"q": "écouteur", "country": "FR", "currency": "EUR"}).json()
    featured = client.get(
        f"/api/v1/products/{shop.products['headphones'].pk}/featured-offer", {"country": "FR", "currency": "eur"}
    ).json()
    bad = client.get("/api/v1/search", {"country": "1x", "currency": "EUR"})
    bad_currency = client.get("/api/v1/search", {"country": "FR", "currency": "XYZ"})  # not a display currency
    bad_featured = client.get(f"/api/v1/products/{shop.products['headphones'].pk}/featured-offer", {"currency": "ABC"})

    assert search["results"][0]["lowest_landed"] == {"amount": "64.80", "amount_minor": 6480, "currency": "EUR"}
    assert featured["winner"]["landed_for_buyer"]["amount_minor"] == featured["winner"]["landed"]["amount_minor"]
    assert bad.status_code == 422 and set(bad.json()["errors"]) == {"country"}
    assert bad_currency.status_code == 422 and "currency" in str(bad_currency.json()["errors"])
    assert bad_featured.status_code == 422 and set(bad_featured.json()["errors"]) == {"currency"}


def test_in_a_currency_no_offer_is_priced_in_and_without_a_rate_nothing_is_featured_on_price(client, shop):
    # Every offer is in EUR: a buyer paying in GBP cannot compare them (no rate imported), so the featured choice
    # falls back to comparing them within EUR, and each offer's price for the buyer is unknown.
    body = client.get(
        f"/api/v1/products/{shop.products['headphones'].pk}/featured-offer", {"country": "FR", "currency": "GBP"}
    ).json()

    assert body["winner"]["offer_id"] == shop.offers["headphones_cucina"].pk
    assert body["winner"]["landed_for_buyer"] is None

import pytest
from django.utils import translation

from comptoir.sellers.services import seller_suspend
from comptoir.testing.builders import make_operator, make_seller

pytestmark = pytest.mark.django_db


def text(response) -> str:
    return response.content.decode()


def test_home_shows_departments_and_product_cards_with_lowest_landed_price_and_offer_count(client, shop):
    response = client.get("/")

    assert response.status_code == 200
    body = text(response)
    assert "Electronics" in body and "Books" in body
    # Headphones: cheapest landed to FR is 159.00 + 5.90 shipping (Casa Cucina), four offers.
    assert "Casque sans fil Sonora Aria" in body
    assert "€164.90" in body
    assert "4 offers" in body


def test_home_in_french_uses_french_names_and_money_format(client, shop):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE="fr")

    body = text(response)
    assert "Électronique" in body
    assert "164,90\xa0€" in body


def test_search_matches_every_word_and_counts_results(client, shop):
    response = client.get("/search", {"q": "kelvor"})

    assert response.status_code == 200
    assert response.context["total"] == 2
    titles = [tile["product"].title for tile in response.context["tiles"]]
    assert set(titles) == {
        "Kelvor Rock Bluetooth Speaker – 20 W, waterproof",
        "Écouteurs intra-auriculaires Kelvor Pulse",
    }


def test_search_category_includes_subcategories_and_lists_children_as_facet(client, shop):
    response = client.get("/search", {"category": shop.categories["electronics"].pk})

    assert response.context["total"] == 3
    children = [category.slug for category, count in response.context["child_categories"]]
    assert children == ["audio"]


def test_search_condition_facet_filters_offers_and_counts_other_conditions(client, shop):
    response = client.get("/search", {"condition": "refurbished"})

    assert [tile["product"].pk for tile in response.context["tiles"]] == [shop.products["headphones"].pk]
    # The card reflects only the matching offer: 189.00 + 3.90 (TecnoPunto, ES → FR).
    assert response.context["tiles"][0]["card"].lowest_landed.amount == 18900 + 390
    counts = dict(response.context["facets"].conditions)
    assert counts["new"] == 6 and counts["used_good"] == 1


def test_search_ships_from_and_delivery_time_facets(client, shop):
    from_spain = client.get("/search", {"ships_from": "ES"})
    assert {tile["product"].pk for tile in from_spain.context["tiles"]} == {
        shop.products["headphones"].pk,
        shop.products["novel"].pk,
    }

    fast = client.get("/search", {"delivery": "3"})
    delivery_days = {tile["product"].pk: tile["card"].fastest_latest for tile in fast.context["tiles"]}
    assert shop.products["novel"].pk not in delivery_days  # only TecnoPunto sells it: 4–7 days in transit


def test_search_price_range_applies_to_the_delivered_price(client, shop):
    response = client.get("/search", {"price_min": "50", "price_max": "90"})

    landed = sorted(tile["card"].lowest_landed.amount for tile in response.context["tiles"])
    assert landed and all(5000 <= amount <= 9000 for amount in landed)


def test_search_sorts_by_price_both_ways_and_by_newest(client, shop):
    ascending = [
        tile["card"].lowest_landed.amount for tile in client.get("/search", {"sort": "price_asc"}).context["tiles"]
    ]
    descending = [
        tile["card"].lowest_landed.amount for tile in client.get("/search", {"sort": "price_desc"}).context["tiles"]
    ]
    newest = [tile["product"].pk for tile in client.get("/search", {"sort": "newest"}).context["tiles"]]

    assert ascending == sorted(ascending) and descending == sorted(descending, reverse=True)
    assert newest[0] == shop.products["novel"].pk


def test_search_paginates(client, shop, monkeypatch):
    monkeypatch.setattr("comptoir.web.storefront.views.catalog.PAGE_SIZE", 4)

    first = client.get("/search")
    second = client.get("/search", {"page": 2})

    assert len(first.context["tiles"]) == 4 and len(second.context["tiles"]) == 2
    assert "Page 1 of 2" in text(first)


def test_search_ignores_bad_input_instead_of_failing(client, shop):
    response = client.get(
        "/search",
        {
            "price_min": "abc",
            "sort": "cheapest",
            "page": "-3",
            "delivery": "99",
            "category": "999999",
            "condition": "broken",
        },
    )

    assert response.status_code == 200
    assert response.context["total"] == 6


def test_buyer_country_changes_prices_and_hides_offers_that_do_not_ship_there(client, shop):
    germany = client.get("/search", {"q": "lighthouse", "country": "DE"})
    assert germany.context["total"] == 0  # TecnoPunto ships to ES, PT and FR only

    # The choice is remembered for the next pages.
    product = client.get(f"/p/{shop.products['novel'].pk}/")
    assert product.status_code == 301
    page = client.get(product["Location"])
    assert page.context["country"] == "DE"
    assert "Does not deliver to Germany" in text(page)


def test_product_page_lists_every_offer_with_shipping_landed_price_delivery_and_seller(client, shop):
    product = shop.products["headphones"]

    response = client.get(f"/p/{product.pk}/")
    response = client.get(response["Location"])

    assert response.status_code == 200
    rows = response.context["rows"]
    assert len(rows) == 4
    assert [row["quote"].landed.amount for row in rows] == sorted(row["quote"].landed.amount for row in rows)
    body = text(response)
    for key in ("son", "klang", "tecno", "cucina"):
        seller = shop.sellers[key]
        assert f'href="/s/{seller.slug}"' in body
        assert f'class="trust-badge-slot" data-seller="{seller.pk}"' in body
    assert "€249.00 + €4.90 delivery" in body
    assert "Refurbished" in body and "Used – good" in body
    assert 'hx-post="/cart/add"' in body
    assert "Battery life (hours)" in body  # attributes table
    assert body.count("Best price") == 1 and body.count("Fastest delivery") == 1


def test_product_page_delivery_dates_follow_handling_and_transit(client, shop):
    from comptoir.offers.domain.shipping import promise_dates
    from comptoir.web.storefront.views.common import today

    product = shop.products["headphones"]
    response = client.get(f"/p/{product.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir")

    quote = next(
        row["quote"] for row in response.context["rows"] if row["offer"].pk == shop.offers["headphones_klang"].pk
    )
    _ship_by, earliest, latest = promise_dates(today(), 2, 3, 5)
    assert (quote.earliest, quote.latest) == (earliest, latest)


def test_product_page_unknown_is_404(client, shop):
    assert client.get("/p/999999/anything").status_code == 404


def test_seller_page_shows_trader_information_and_offers(client, shop):
    seller = shop.sellers["klang"]

    response = client.get(f"/s/{seller.slug}")

    assert response.status_code == 200
    body = text(response)
    for value in (
        "Klangwerk Audio GmbH",
        "Torstraße 101",
        "10119 Berlin",
        "+49 30 1234 5678",
        "service@klangwerk.example",
        "Handelsregister B, Amtsgericht Charlottenburg",
        "HRB 204512",
        seller.vat_id,
    ):
        assert value in body
    assert response.context["offer_count"] == 2


def test_seller_page_of_pending_or_suspended_seller_is_404(client, shop):
    pending = make_seller("Boutique en attente", verified=False)
    suspended = shop.sellers["tecno"]
    seller_suspend(seller_id=suspended.pk, actor=make_operator(), reason="Documents expired.")

    assert client.get(f"/s/{pending.slug}").status_code == 404
    assert client.get(f"/s/{suspended.slug}").status_code == 404
    # Its offers disappear from the product page too.
    response = client.get(f"/p/{shop.products['headphones'].pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir")
    assert len(response.context["rows"]) == 3


def test_french_product_page_is_translated(client, shop):
    with translation.override("fr"):
        response = client.get(
            f"/p/{shop.products['headphones'].pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir",
            HTTP_ACCEPT_LANGUAGE="fr",
        )

    body = text(response)
    assert "Ajouter au panier" in body
    assert "Reconditionné" in body
    assert "249,00\xa0€" in body


def test_search_results_carry_a_why_this_ranking_disclosure(client, shop):
    response = client.get("/search", {"q": "kelvor"})

    body = text(response)
    assert body.count('<details class="why-ranking') == 2
    assert "Seller trust score" in body and 'href="/ranking"' in body


def test_search_accents_and_plurals_do_not_matter(client, shop):
    response = client.get("/search", {"q": "ECOUTEUR"})

    assert [tile["product"].pk for tile in response.context["tiles"]] == [shop.products["earbuds"].pk]


def test_search_seller_rating_facet_is_offered(client, shop):
    response = client.get("/search")

    assert [stars for stars, _count in response.context["facets"].ratings] == [4.5, 4.0, 3.0]
    assert 'name="rating"' in text(response)


def test_product_page_shows_the_featured_offer_with_why_and_alternatives(client, shop):
    product = shop.products["headphones"]

    response = client.get(f"/p/{product.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir")

    featured = response.context["featured"]
    assert featured["row"]["offer"].pk == shop.offers["headphones_cucina"].pk
    assert len(featured["alternatives"]) == 3
    body = text(response)
    assert "Why this offer" in body and "Featured offer" in body


def test_product_page_view_is_counted(client, shop):
    from comptoir.search.models import ProductViewDaily

    product = shop.products["pan"]
    client.get(f"/p/{product.pk}/poele-en-inox-cuisor-heritage-28-cm")
    client.get(f"/p/{product.pk}/poele-en-inox-cuisor-heritage-28-cm")

    assert sum(ProductViewDaily.objects.filter(product=product).values_list("views", flat=True)) == 2


def test_public_ranking_page_in_english_and_french(client, shop):
    english = client.get("/ranking")
    french = client.get("/ranking", HTTP_ACCEPT_LANGUAGE="fr")

    assert english.status_code == 200 and french.status_code == 200
    assert "Platform-to-Business Regulation (Art. 5)" in text(english) and "40 %" in text(english)
    assert "Comment nous classons les résultats et les offres" in text(french)
    assert "Score de confiance du vendeur" in text(french)


def test_the_featured_offer_says_its_condition(client, shop):
    """Issue 10, item 14: a used or refurbished featured offer was shown without its condition."""
    product = shop.products["headphones"]

    body = text(client.get(f"/p/{product.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir"))

    buy_box = body[body.index('id="featured-offer"') : body.index("Why this offer")]
    assert "Used – good" in buy_box and "Boîte ouverte, parfait état" in buy_box

"""Product text in the visitor's language (docs/LANGUAGES.md, "Product text"): the product page, its JSON-LD, search
results and the cart show the translation, else the product's own text; each language has its own address."""

import json
import re

import pytest

from comptoir.catalog.services import product_translation_put
from comptoir.search.tests.support import committed

pytestmark = pytest.mark.django_db

GERMAN_TITLE = "Kabelloser Kopfhörer Sonora Aria – Geräuschunterdrückung, schwarz"


@pytest.fixture
def translated(shop):
    headphones = shop.products["headphones"]  # written in French
    with committed():
        product_translation_put(
            product_id=headphones.pk,
            language="de",
            title=GERMAN_TITLE,
            description="Ohrumschließende Kopfhörer mit aktiver Geräuschunterdrückung.",
            attributes={"Farbe": "schwarz"},
        )
    return headphones


def _product_page(client, product, **params):
    response = client.get(f"/p/{product.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir", params)
    assert response.status_code == 200
    return response.content.decode()


def _json_ld(body: str) -> dict:
    return json.loads(re.search(r'<script type="application/ld\+json">(.*?)</script>', body, re.S).group(1))


def test_the_product_page_shows_the_translation_of_the_visitors_language(client, translated):
    body = _product_page(client, translated, lang="de")

    assert f'<h1 id="product-title">{GERMAN_TITLE}</h1>' in body
    assert "Ohrumschließende Kopfhörer" in body and "Farbe" in body
    assert "Casque sans fil" not in body.split("<main", 1)[1]
    assert _json_ld(body)["name"] == GERMAN_TITLE
    # The alternates lead to each language's page.
    assert "?lang=de" in body and "?lang=it" in body


def test_without_a_translation_the_products_own_text_is_shown(client, translated):
    italian = _product_page(client, translated, lang="it")
    by_header = _product_page(client, translated)  # the cookie set by ?lang=it keeps Italian

    # French text on an Italian page: marked as French.
    assert '<h1 id="product-title" lang="fr">Casque sans fil Sonora Aria' in italian
    assert "Casque sans fil Sonora Aria" in by_header and GERMAN_TITLE not in by_header


def test_accept_language_chooses_the_translation(client, translated):
    response = client.get(
        f"/p/{translated.pk}/casque-sans-fil-sonora-aria-reduction-de-bruit-noir", HTTP_ACCEPT_LANGUAGE="de-AT,de;q=0.9"
    )
    assert GERMAN_TITLE in response.content.decode()


def test_german_search_finds_the_translation_and_shows_its_title(client, translated):
    response = client.get("/search", {"q": "kopfhorer ", "lang": "de"})

    assert [tile["product"].pk for tile in response.context["tiles"]] == [translated.pk]
    assert GERMAN_TITLE in response.content.decode()
    # In English the German words are not in the index.
    assert client.get("/search", {"q": "kopfhorer ", "lang": "en"}).context["total"] == 0


def test_the_cart_shows_the_title_in_the_visitors_language(buyer_client, shop, translated):
    buyer_client.post("/cart/add", {"offer_id": shop.offers["headphones_son"].pk, "quantity": 1})

    german = buyer_client.get("/cart", {"lang": "de"}).content.decode()
    french = buyer_client.get("/cart", {"lang": "fr"}).content.decode()

    assert GERMAN_TITLE in german
    assert "Casque sans fil Sonora Aria" in french and GERMAN_TITLE not in french

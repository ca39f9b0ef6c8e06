"""Five interface languages (issue 12): a storefront page in German writes prices and dates the German way, `?lang=`
chooses the language of a request, and public storefront pages list their other languages as hreflang alternates."""

import re

import pytest
from django.conf import settings

from comptoir.testing.builders import make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db

GERMAN_DAY = r"(Mo|Di|Mi|Do|Fr|Sa|So)\., \d{1,2}\. (Jan|Feb|März|Apr|Mai|Juni|Juli|Aug|Sept|Okt|Nov|Dez)\."
HREFLANG = re.compile(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">')


@pytest.fixture
def product():
    product = make_product("Teekanne aus Gusseisen")
    make_offer(product=product, seller=make_seller("Teeladen"), price_amount=1999)
    return product


def test_a_product_page_in_german_writes_prices_and_dates_the_german_way(client, product):
    german = client.get(f"/p/{product.pk}/", HTTP_ACCEPT_LANGUAGE="de-DE,de;q=0.9", follow=True).content.decode()
    english = client.get(f"/p/{product.pk}/", HTTP_ACCEPT_LANGUAGE="en-GB,en;q=0.9", follow=True).content.decode()

    assert '<html lang="de">' in german and "In den Warenkorb" in german and "Add to cart" not in german
    assert "19,99\xa0€ + 4,90\xa0€ Versand" in german and "24,89\xa0€" in german
    assert re.search(rf"Ankunft ab {GERMAN_DAY}", german), "delivery date not in German format"
    assert "€19.99 + €4.90 delivery" in english


@pytest.mark.parametrize(
    ("language", "phrase"),
    [
        ("fr", "Ajouter au panier"),
        ("de", "In den Warenkorb"),
        ("es", "Añadir a la cesta"),
        ("it", "Aggiungi al carrello"),
    ],
)
def test_the_browser_language_chooses_each_translation(client, product, language, phrase):
    body = client.get(f"/p/{product.pk}/", HTTP_ACCEPT_LANGUAGE=f"{language};q=0.9", follow=True).content.decode()
    assert phrase in body and f'<html lang="{language}">' in body


def test_lang_in_the_query_chooses_the_language_and_is_remembered(client, product):
    response = client.get("/?lang=it", HTTP_ACCEPT_LANGUAGE="de-DE")

    assert '<html lang="it">' in response.content.decode()
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "it"
    assert '<html lang="it">' in client.get("/", HTTP_ACCEPT_LANGUAGE="de-DE").content.decode()
    assert '<html lang="de">' in client.get("/?lang=de").content.decode()
    unknown = client.get("/?lang=xx", HTTP_ACCEPT_LANGUAGE="es")
    assert '<html lang="de">' in unknown.content.decode() and settings.LANGUAGE_COOKIE_NAME not in unknown.cookies


def test_storefront_pages_list_every_language_as_an_alternate(client, product):
    body = client.get("/search?q=teekanne&lang=fr").content.decode()

    links = dict(HREFLANG.findall(body))
    assert list(links) == ["en", "fr", "de", "es", "it", "x-default"]
    assert links["de"] == "http://testserver/search?q=teekanne&amp;lang=de"
    assert links["x-default"] == "http://testserver/search?q=teekanne"
    for code, href in links.items():
        if code != "x-default":
            followed = client.get(href.replace("&amp;", "&").removeprefix("http://testserver"))
            assert f'<html lang="{code}">' in followed.content.decode()


def test_private_pages_have_no_alternates(client, product):
    assert not HREFLANG.findall(client.get("/cart").content.decode())
    assert not HREFLANG.findall(client.get("/accounts/login/").content.decode())

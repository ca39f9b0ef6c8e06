"""The buyer's display currency: chosen beside the delivery country, prices converted with the ECB rate's date shown,
offers in another currency with their own price too."""

import pytest

from comptoir.currencies.selectors import rates_cache_clear
from comptoir.currencies.services import rates_import
from comptoir.search.tests.support import committed
from comptoir.testing.builders import make_offer, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
RATES = b"""Date,USD,GBP,CHF,PLN,CZK,SEK,DKK,NOK,
2026-12-04,1.1172,0.8338,0.9194,4.4038,24.353,10.978,7.4735,10.312,
"""


@pytest.fixture
def rates():
    rates_cache_clear()
    with committed():
        rates_import(content=RATES, file_name="eurofxref-hist.csv")
    yield
    rates_cache_clear()


@pytest.fixture
def pound_offer(shop, rates):
    """A British seller's headphones at 150.00 GBP, delivered free."""
    with committed():
        seller = make_seller("Camden Audio")
        return make_offer(
            seller=seller,
            product=shop.products["headphones"],
            price_amount=15000,
            currency="GBP",
            shipping_profile=make_shipping_profile(seller, currency="GBP", first_item_amount=0, express=False),
        )


def text(response) -> str:
    return response.content.decode()


def test_the_chosen_currency_is_remembered_and_prices_show_converted_with_the_rates_date(client, shop, rates):
    first = client.get("/", {"currency": "GBP"}, HTTP_ACCEPT_LANGUAGE="en-GB")
    later = client.get("/search", {"q": "sonora"})

    # Headphones: 164.90 EUR delivered (Casa Cucina) × 0.8338 = 137.494… -> £137.49
    assert "≈ £137.49" in text(first) and "ECB rate of 4 Dec 2026" in text(first)
    assert "€164.90" in text(first)  # the offer's own price beside it
    assert later.context["currency"] == "GBP"
    assert later.context["tiles"][0]["card"].lowest_landed.currency == "GBP"
    assert '<option value="GBP" selected>' in text(later)


def test_the_product_page_compares_in_the_display_currency_and_shows_each_offers_own_price(client, shop, pound_offer):
    client.get("/search", {"currency": "CHF"})  # chosen once, remembered for the session
    url = f"/p/{shop.products['headphones'].pk}/"
    response = client.get(url, follow=True, HTTP_ACCEPT_LANGUAGE="en-GB")
    body = text(response)

    # 150.00 GBP × 0.9194 / 0.8338 = 165.40 CHF; 164.90 EUR × 0.9194 = 151.61 CHF: the euro offer is still cheapest.
    assert "≈ CHF151.61" in body and "≈ CHF165.40" in body
    assert "£150.00" in body and "ECB rate of 4 Dec 2026" in body
    assert response.context["rows"][0]["offer"].currency == "EUR"


def test_french_formatting_and_an_unknown_currency_falls_back_to_the_site_currency(client, shop, rates):
    fallback = client.get("/", {"currency": "XYZ"})  # not a display currency: ignored, nothing remembered
    french = client.get("/", {"currency": "GBP"}, HTTP_ACCEPT_LANGUAGE="fr")

    assert "≈ 137,49\xa0£GB" in text(french)
    assert "164,90\xa0€ · taux BCE du 4 déc. 2026" in text(french)
    assert "ECB rate" not in text(fallback) and '<option value="EUR" selected>' in text(fallback)


def test_without_rates_prices_stay_in_their_own_currency(client, shop):
    rates_cache_clear()
    body = text(client.get("/", {"currency": "GBP"}))

    assert "€164.90" in body and "ECB rate" not in body and "≈ £" not in body

"""GET /fx/rates and the display currency of the catalog endpoints."""

import datetime as dt

import pytest

from comptoir.api.tests.conftest import assert_problem
from comptoir.currencies.domain.rates import DISPLAY_CURRENCIES
from comptoir.currencies.selectors import rates_cache_clear
from comptoir.currencies.services import rates_import
from comptoir.testing.builders import make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
RATES = b"""Date,USD,GBP,CHF,
2026-12-04,1.1172,0.8338,0.9194,
2026-12-03,1.1130,0.83578,0.9222,
"""


@pytest.fixture
def rates():
    rates_cache_clear()
    rates_import(content=RATES, file_name="eurofxref-hist.csv")
    yield
    rates_cache_clear()


def test_rates_are_the_latest_published_with_their_day_and_source(api, rates):
    body = api.get("fx/rates").json()

    assert body["source"] == "ECB" and body["base"] == "EUR"
    assert dt.date.fromisoformat(body["day"]) == dt.date(2026, 12, 4)
    assert {"currency": "GBP", "rate": "0.8338"} in body["rates"]


def test_rates_before_any_import_are_a_404_problem(api):
    rates_cache_clear()
    assert_problem(api.get("fx/rates"), 404, "no_exchange_rates")


def test_product_detail_converts_each_offer_into_the_display_currency(api, rates):
    product = make_product("Teapot")
    seller = make_seller()
    pounds = make_offer(
        seller=seller,
        product=product,
        price_amount=1500,
        currency="GBP",
        shipping_profile=make_shipping_profile(seller, currency="GBP"),
    )

    plain = api.get(f"products/{product.pk}").json()
    in_francs = api.get(f"products/{product.pk}?currency=chf").json()
    listed = api.get("products?q=teapot&currency=EUR").json()

    offer = next(row for row in in_francs["offers"] if row["id"] == pounds.pk)
    assert plain["offers"][0]["price_in_currency"] is None
    assert offer["price"]["currency"] == "GBP"
    assert offer["price_in_currency"] == {"amount": "16.54", "amount_minor": 1654, "currency": "CHF"}
    assert offer["exchange_rate"] == {"source": "ECB", "day": "2026-12-04"}
    assert listed["results"][0]["price_from_in_currency"]["amount"] == "17.99"


def test_an_unsupported_display_currency_is_refused(api):
    product = make_offer().product

    assert_problem(api.get(f"products/{product.pk}?currency=JPY"), 422)
    assert_problem(api.get("products?currency=EURO"), 422)


def test_the_openapi_document_lists_the_display_currencies_as_an_enum(api):
    document = api.get("openapi.json").json()
    parameters = document["paths"]["/api/v1/products/{product_id}"]["get"]["parameters"]
    currency = next(parameter for parameter in parameters if parameter["name"] == "currency")

    assert tuple(_enum(currency["schema"], document)) == DISPLAY_CURRENCIES
    assert "/api/v1/fx/rates" in document["paths"]


def _enum(schema: dict, document: dict) -> list:
    if "enum" in schema:
        return schema["enum"]
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return _enum(document["components"]["schemas"][name], document)
    for option in schema.get("anyOf", []):
        values = _enum(option, document)
        if values:
            return values
    return []

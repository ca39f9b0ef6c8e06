"""What the OpenAPI document declares about requests: the choices of the domain models, ranges and lengths the
services check, formats, and the control-character rule, so that a client generated from it builds valid requests."""

import re
from typing import get_args

import pytest

from comptoir.api import schemas
from comptoir.offers.models import Condition, FulfilmentMethod
from comptoir.offers.services import MAX_HANDLING_DAYS, MAX_STOCK
from comptoir.orders.domain.state_machine import Status
from comptoir.orders.models import DisputeReason, ReturnReason
from comptoir.search.selectors import SORTS
from comptoir.sellers.models import ALL_SCOPES

pytestmark = pytest.mark.django_db


@pytest.fixture
def document(api) -> dict:
    return api.get("/api/v1/openapi.json").json()


def component(document, name: str) -> dict:
    return document["components"]["schemas"][name]


def parameter(document, path: str, method: str, name: str) -> dict:
    return next(item for item in document["paths"][path][method]["parameters"] if item["name"] == name)["schema"]


@pytest.mark.parametrize(
    "choice, values",
    [
        (schemas.ConditionChoice, Condition.values),
        (schemas.FulfilmentMethodChoice, FulfilmentMethod.values),
        (schemas.ReturnReasonChoice, ReturnReason.values),
        (schemas.DisputeReasonChoice, DisputeReason.values),
        (schemas.SellerOrderStatusChoice, [status.value for status in Status]),
        (schemas.ScopeChoice, list(ALL_SCOPES)),
    ],
)
def test_declared_choices_are_the_models_choices(choice, values):
    assert list(get_args(choice)) == list(values)


def test_choice_fields_are_enums_in_the_document(document):
    offer = component(document, "OfferCreateIn")["properties"]
    assert offer["condition"]["enum"] == Condition.values
    assert offer["fulfilment_method"]["enum"] == FulfilmentMethod.values
    assert component(document, "ReturnIn")["properties"]["return_reason"]["enum"] == ReturnReason.values
    assert component(document, "DisputeIn")["properties"]["reason"]["enum"] == DisputeReason.values
    assert component(document, "ApiKeyIn")["properties"]["scopes"]["items"]["enum"] == list(ALL_SCOPES)
    assert parameter(document, "/api/v1/search", "get", "sort")["enum"] == list(SORTS)
    status = parameter(document, "/api/v1/seller/orders", "get", "status")
    assert next(option for option in status["anyOf"] if "enum" in option)["enum"] == [s.value for s in Status]


def test_ranges_and_formats_match_the_services(document):
    offer = component(document, "OfferCreateIn")["properties"]
    assert (offer["stock"]["minimum"], offer["stock"]["maximum"]) == (0, MAX_STOCK)
    assert (offer["handling_days"]["minimum"], offer["handling_days"]["maximum"]) == (0, MAX_HANDLING_DAYS)
    assert (offer["return_policy_days"]["minimum"], offer["return_policy_days"]["maximum"]) == (0, 365)
    assert offer["currency"]["pattern"] == schemas.CURRENCY_PATTERN
    review = component(document, "ReviewIn")["properties"]
    assert (review["product_rating"]["minimum"], review["product_rating"]["maximum"]) == (1, 5)
    line = component(document, "CheckoutLineIn")["properties"]["quantity"]
    assert line["minimum"] == 1
    address = component(document, "AddressIn")["properties"]
    assert address["city"]["minLength"] == 1 and address["city"]["maxLength"] == 200


def test_every_request_string_excludes_control_characters(document):
    city = component(document, "AddressIn")["properties"]["city"]["pattern"]
    number = parameter(document, "/api/v1/orders/{number}", "get", "number")["pattern"]
    attribute_keys = component(document, "ProductCreateIn")["properties"]["attributes"]["propertyNames"]["pattern"]

    assert re.fullmatch(city, "Lyon\n2e") and not re.search(city, "Ly\x00on")
    assert re.fullmatch(city, "x" * 200) and not re.fullmatch(city, "x" * 201)
    assert re.fullmatch(number, "CO-1") and not re.fullmatch(number, "CO-\n1")
    assert not re.fullmatch(attribute_keys, "colour\x7f")


def test_a_whole_number_sent_as_a_json_float_is_that_number(api, seller_a, offer_a):
    response = api.put(f"seller/offers/{offer_a.pk}/stock", {"stock": 4.0}, token=seller_a.key)
    fraction = api.put(f"seller/offers/{offer_a.pk}/stock", {"stock": 4.5}, token=seller_a.key)

    assert response.status_code == 200 and response.json()["stock"] == 4
    assert fraction.status_code == 422 and "stock" in fraction.json()["errors"]


def test_a_value_outside_the_declared_range_is_refused_with_the_field(api, seller_a, offer_a):
    response = api.patch(f"seller/offers/{offer_a.pk}", {"handling_days": MAX_HANDLING_DAYS + 1}, token=seller_a.key)

    assert response.status_code == 422 and "handling_days" in response.json()["errors"]


def test_ids_beyond_64_bits_on_the_trust_routes_are_refused_before_the_database(api):
    response = api.get("sellers/99999999999999999999/trust")

    assert response.status_code == 422 and "seller_id" in response.json()["errors"]

"""Shipping profiles: options with prices per destination zone, owned by one seller."""

import pytest

from comptoir.core.exceptions import ValidationError
from comptoir.core.models import AuditLog
from comptoir.core.money import Money
from comptoir.offers.models import ShippingProfile, ShippingRate
from comptoir.offers.selectors import shipping_rates_for_profiles
from comptoir.offers.services import shipping_profile_create
from comptoir.testing.builders import make_seller

pytestmark = pytest.mark.django_db


def _rate(**overrides):
    rate = dict(
        zone_name="France",
        countries=["FR"],
        service_level="standard",
        carrier="La Poste",
        currency="EUR",
        first_item_amount=490,
        additional_item_amount=100,
        transit_days_min=1,
        transit_days_max=3,
    )
    rate.update(overrides)
    return rate


def test_profile_with_zones_is_created_and_audited():
    seller = make_seller()

    profile = shipping_profile_create(
        seller=seller,
        actor=None,
        name="Default",
        rates=[
            _rate(),
            _rate(zone_name="EU", countries=["de", "BE"], first_item_amount=990),
            _rate(zone_name="World", countries=["*"], currency="eur", first_item_amount=2490),
        ],
    )

    assert profile.seller == seller
    rows = list(
        ShippingRate.objects.filter(profile=profile).values_list(
            "zone_name", "countries", "currency", "first_item_amount"
        )
    )
    assert rows == [("France", ["FR"], "EUR", 490), ("EU", ["DE", "BE"], "EUR", 990), ("World", ["*"], "EUR", 2490)]
    assert AuditLog.objects.filter(action="shipping_profile.created", seller_id=seller.pk).count() == 1


def test_rates_are_read_back_as_money():
    profile = shipping_profile_create(seller=make_seller(), actor=None, name="Default", rates=[_rate()])

    [rate] = shipping_rates_for_profiles([profile.pk])[profile.pk]

    assert (rate.first_item, rate.additional_item, rate.countries) == (Money(490, "EUR"), Money(100, "EUR"), ("FR",))


@pytest.mark.parametrize(
    "override, field",
    [
        ({"countries": []}, "rates[0].countries"),
        ({"countries": ["ZZ"]}, "rates[0].countries"),
        ({"countries": "FR"}, "rates[0].countries"),
        ({"first_item_amount": -1}, "rates[0].first_item_amount"),
        ({"first_item_amount": 4.9}, "rates[0].first_item_amount"),
        ({"additional_item_amount": -1}, "rates[0].additional_item_amount"),
        ({"currency": "XXY"}, "rates[0].currency"),
        ({"transit_days_min": 5, "transit_days_max": 2}, "rates[0].transit_days"),
        ({"transit_days_max": 91}, "rates[0].transit_days"),
        ({"transit_days_min": True}, "rates[0].transit_days"),
        ({"service_level": "s" * 21}, "rates[0].service_level"),
        ({"carrier": "c" * 61}, "rates[0].carrier"),
        ({"zone_name": "z" * 61}, "rates[0].zone_name"),
    ],
)
def test_invalid_rates_are_field_errors(override, field):
    with pytest.raises(ValidationError) as raised:
        shipping_profile_create(seller=make_seller(), actor=None, name="Default", rates=[_rate(**override)])

    assert set(raised.value.fields) == {field}
    assert not ShippingProfile.objects.exists()


@pytest.mark.parametrize("rates", [[], None, "FR", [1]])
def test_a_profile_needs_a_list_of_rates(rates):
    with pytest.raises(ValidationError) as raised:
        shipping_profile_create(seller=make_seller(), actor=None, name="Default", rates=rates)

    assert set(raised.value.fields) == {"rates"}

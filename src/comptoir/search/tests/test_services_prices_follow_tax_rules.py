"""Search's destination prices follow the tax rules without a manual `comptoir search reindex` (issue 12): a rate
import re-prices the index on commit, a rate starting on a later day is picked up by the scheduler's hourly task on
that day, an edit made around the services (the admin) too, and a seller starting to charge destination VAT has its
products re-priced.

The case: a German seller selling at EUR 100.00 incl. 19 % (net 84.03) with EUR 4.90 shipping (net 4.12), over the
distance-sales threshold, so a French consumer pays French VAT: at 20 % 100.84 + 4.94 = **105.78**; at the made-up
10 % the test starts from, 92.43 + 4.53 = 96.96."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.core import clock
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_index_products, search_prices_follow_tax_rules, search_reindex
from comptoir.search.tests.support import committed
from comptoir.sellers.models import Seller
from comptoir.taxes.models import VatRate
from comptoir.taxes.services import seller_tax_profile_set, vat_rates_import_package
from comptoir.testing.builders import (
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
AT_TEN_PERCENT = 9243 + 453
AT_TWENTY_PERCENT = 10084 + 494
UNDER_THRESHOLD = 10000 + 490  # German VAT, as entered
BASELINE = {**settings.COMPTOIR, "PRICING_STRATEGY": "delivered"}


@pytest.fixture(autouse=True)
def rates():
    make_vat_rates({"FR": 1000, "DE": 1900}, imported_at=NOON)


def german_offer(*, oss: bool):
    seller = make_seller("Mühlenladen", country="DE")
    Seller.objects.filter(pk=seller.pk).update(country="DE")
    seller.refresh_from_db()
    if oss:
        seller_tax_profile_set(seller_id=seller.pk, charges_destination_vat=True, actor=make_operator())
    offer = make_offer(
        seller=seller,
        product=make_product("Kaffeemühle"),
        price_amount=10000,
        ships_from_country="DE",
        shipping_profile=make_shipping_profile(seller, first_item_amount=490, express=False),
    )
    with clock.frozen_at(NOON):
        search_reindex()
    return offer


def price_in_france(at: dt.datetime = NOON) -> int:
    with clock.frozen_at(at):
        hits = search_products(SearchQuery(text="kaffeemühle", country="FR"), placed_on=at.date()).hits
    return hits[0].landed.amount


def test_a_rate_import_reprices_search_on_commit():
    german_offer(oss=True)
    assert price_in_france() == AT_TEN_PERCENT

    with clock.frozen_at(NOON), committed():
        report = vat_rates_import_package(valid_from=MONDAY)

    assert "FR standard 10 % → 20 %" in report.changed
    assert price_in_france() == AT_TWENTY_PERCENT


def test_an_import_that_changes_nothing_leaves_the_index_alone():
    german_offer(oss=True)
    with clock.frozen_at(NOON), committed():
        vat_rates_import_package(valid_from=MONDAY)
    indexed_at = SearchDocument.objects.get().indexed_at

    with clock.frozen_at(NOON + dt.timedelta(hours=1)), committed():
        report = vat_rates_import_package(valid_from=MONDAY)
        again = search_prices_follow_tax_rules()

    assert (report.created, report.changed, again) == ([], [], 0)
    assert SearchDocument.objects.get().indexed_at == indexed_at


def test_a_rate_starting_later_applies_from_its_day_through_the_hourly_task():
    german_offer(oss=True)
    start = MONDAY + dt.timedelta(days=30)
    with clock.frozen_at(NOON), committed():
        vat_rates_import_package(valid_from=start)

    assert price_in_france() == AT_TEN_PERCENT  # the new rate is not in force yet
    with clock.frozen_at(NOON + dt.timedelta(days=29)):
        assert search_prices_follow_tax_rules() == 0
    on_the_day = dt.datetime.combine(start, dt.time(0, 30), tzinfo=dt.UTC)
    with clock.frozen_at(on_the_day):
        assert search_prices_follow_tax_rules() == 1
        assert search_prices_follow_tax_rules() == 0
    assert price_in_france(on_the_day) == AT_TWENTY_PERCENT


def test_an_edit_around_the_services_is_picked_up_by_the_hourly_task():
    german_offer(oss=True)
    VatRate.objects.filter(country="FR").update(rate_bp=2000)  # as the admin's change form saves it

    assert price_in_france() == AT_TEN_PERCENT
    with clock.frozen_at(NOON):
        assert search_prices_follow_tax_rules() == 1
    assert price_in_france() == AT_TWENTY_PERCENT


def test_a_seller_starting_to_charge_destination_vat_is_repriced_on_commit():
    offer = german_offer(oss=False)
    assert price_in_france() == UNDER_THRESHOLD

    with clock.frozen_at(NOON), committed():
        seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True, actor=make_operator())

    assert price_in_france() == AT_TEN_PERCENT


@override_settings(COMPTOIR=BASELINE)
def test_without_tax_facts_there_is_nothing_to_reprice():
    german_offer(oss=True)
    VatRate.objects.filter(country="FR").update(rate_bp=2000)

    with clock.frozen_at(NOON):
        assert search_prices_follow_tax_rules() == 0
        search_index_products(product_ids=list(SearchDocument.objects.values_list("product_id", flat=True)))
    assert price_in_france() == UNDER_THRESHOLD

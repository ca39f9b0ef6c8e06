"""The marketplace's count of a seller's intra-EU distance sales (docs/TAXES.md): a German seller selling EUR 6,000
parcels to French consumers crosses EUR 10,000 with its second sale, which is itself taxed in France (Art. 59c: the
supply in the course of which the threshold is exceeded); later sales of that year and of the next carry French VAT
(OSS), whatever its declaration says; a cancelled order no longer counts, nor does what a credit note gives back."""

import datetime as dt

import pytest
from django.test import TestCase

from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.filings.services import distance_sales_count, distance_sales_recount
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import OrderTaxLine
from comptoir.taxes.models import SellerDistanceSale, SellerTaxProfile
from comptoir.taxes.selectors import seller_ids_charging_destination_vat
from comptoir.taxes.services import seller_distance_sale_count, seller_tax_profile_set

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db


def regimes(order):
    return sorted({(line.regime, line.tax_country) for line in OrderTaxLine.objects.filter(order=order)})


def test_crossing_the_threshold_mid_year_switches_later_sales_to_destination_vat(vat_rates):
    offer = offer_from("DE", 600000)  # EUR 6,000.00 incl. 19 % DE VAT: 5,042.02 net, + 4.12 net shipping

    first = buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    second = buy(offer, to="FR", at=dt.datetime(2026, 5, 4, 12, tzinfo=dt.UTC))
    third = buy(offer, to="FR", at=dt.datetime(2026, 9, 7, 12, tzinfo=dt.UTC))

    # 5,046.14 counted, then 5,046.14 more: 10,092.28 > 10,000.00, so the second sale is the crossing one.
    assert regimes(first) == [("eu_distance_origin", "DE")]
    assert regimes(second) == [("eu_distance_oss", "FR")]
    assert {line.reason for line in OrderTaxLine.objects.filter(order=second)} == {"distance_sale_crosses_threshold"}
    assert second.total_amount == 605042 + 494  # 5,042.02 net + FR 20 %, 4.12 net shipping + 20 %
    assert regimes(third) == [("eu_distance_oss", "FR")]
    counted = SellerDistanceSale.objects.filter(seller_id=offer.seller_id, year=2026).order_by("seller_order_id")
    assert [row.net_eur_cents for row in counted][:2] == [504614, 504614]
    profile = SellerTaxProfile.objects.get(seller_id=offer.seller_id)
    assert (profile.charges_destination_vat, profile.counted_over_through_year) == (False, 2027)
    # The next year too (the threshold is tested on this year and last year), not the one after.
    assert (
        buy(offer, to="FR", at=dt.datetime(2027, 2, 1, 12, tzinfo=dt.UTC)).tax_lines.first().regime == "eu_distance_oss"
    )
    assert seller_ids_charging_destination_vat({offer.seller_id}, year=2028) == set()
    assert seller_ids_charging_destination_vat({offer.seller_id}, year=2027) == {offer.seller_id}


def test_the_declaration_over_wins_even_when_the_counter_is_under(vat_rates):
    offer = offer_from("DE", 10000)
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)

    order = buy(offer, to="FR", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))

    assert regimes(order) == [("eu_distance_oss", "FR")]
    assert (
        SellerDistanceSale.objects.get(seller_id=offer.seller_id).net_eur_cents == 8403 + 412
    )  # 84.03 + 4.12 net (the DE VAT out of 100.00 and 4.90)


def test_domestic_and_counted_again_sales_do_not_add_up(vat_rates):
    offer = offer_from("DE", 600000)
    domestic = buy(offer, to="DE", at=dt.datetime(2026, 3, 2, 12, tzinfo=dt.UTC))
    distance = buy(offer, to="FR", at=dt.datetime(2026, 3, 3, 12, tzinfo=dt.UTC))

    distance_sales_count(seller_order_ids=[distance.seller_orders.get().pk, domestic.seller_orders.get().pk])
    assert distance_sales_recount(year=2026) == 1

    assert list(SellerDistanceSale.objects.values_list("seller_order_id", "net_eur_cents")) == [
        (distance.seller_orders.get().pk, 504614)
    ]


def test_a_cancelled_order_no_longer_counts(vat_rates):
    offer = offer_from("DE", 600000)
    orders = [buy(offer, to="FR", at=dt.datetime(2026, 3, day, 12, tzinfo=dt.UTC)) for day in (2, 3)]
    assert SellerTaxProfile.objects.get(seller_id=offer.seller_id).counted_over_through_year == 2027

    at = dt.datetime(2026, 3, 4, 12, tzinfo=dt.UTC)
    with clock.frozen_at(at), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_cancel(
            seller_order_id=orders[1].seller_orders.get().pk,
            actor=None,
            actor_role=Actor.OPERATOR,
            reason="out of stock",
        )

    assert SellerDistanceSale.objects.get(seller_order_id=orders[1].seller_orders.get().pk).net_eur_cents == 0
    assert SellerTaxProfile.objects.get(seller_id=offer.seller_id).counted_over_through_year is None
    # Only the first sale counts now (5,046.14): a small sale stays at origin VAT, another EUR 6,000 one crosses again.
    small = offer_from("DE", 10000, seller=offer.seller)
    assert regimes(buy(small, to="FR", at=dt.datetime(2026, 3, 5, 12, tzinfo=dt.UTC))) == [("eu_distance_origin", "DE")]
    crossing = buy(offer, to="FR", at=dt.datetime(2026, 3, 6, 12, tzinfo=dt.UTC))
    assert {line.reason for line in OrderTaxLine.objects.filter(order=crossing)} == {"distance_sale_crosses_threshold"}


def test_counting_is_idempotent_and_refuses_a_negative_amount(vat_rates):
    offer = offer_from("DE", 100)
    for _ in range(2):
        result = seller_distance_sale_count(
            seller_id=offer.seller_id, seller_order_id=7, year=2026, net_eur_cents=1_000_001
        )
    assert (result.net_eur_cents, result.counted_over_through_year) == (1_000_001, 2027)
    with pytest.raises(Exception, match="not negative"):
        seller_distance_sale_count(seller_id=offer.seller_id, seller_order_id=8, year=2026, net_eur_cents=-1)

"""VAT at checkout, the worked cases of issue 12 (docs/TAXES.md): a French consumer buying from a Polish seller under
and over the distance-sales threshold; a Swiss seller shipping to Germany; a US seller's EUR 120 parcel to Italy
(IOSS: the marketplace collects, and books the VAT to its liability at release); a German company with a VAT number
buying from a Spanish seller (reverse charge). Prices are entered gross, incl. the seller's home VAT."""

import datetime as dt

import pytest
from django.conf import settings
from django.test import override_settings

from comptoir.checkout.services import order_checkout, seller_order_complete
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.orders.domain.state_machine import Actor
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.orders.services import seller_order_accept, seller_order_mark_delivered, seller_order_ship
from comptoir.payments.models import LedgerAccount, Posting
from comptoir.payments.selectors import ledger_entries_unbalanced
from comptoir.sellers.models import Seller
from comptoir.taxes.models import VatNumberCheck, VatRate, ViesStatus
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_operator,
    make_seller,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
NOON = dt.datetime(2026, 3, 2, 12, 0, tzinfo=dt.UTC)
STANDARD = {"FR": 2000, "PL": 2300, "DE": 1900, "IT": 2200, "ES": 2100, "CH": 810}
UNIFORM = {**settings.COMPTOIR, "TAXES": {**settings.COMPTOIR.get("TAXES", {}), "UNIFORM_GROSS_PRICES": True}}


@pytest.fixture(autouse=True)
def vat_rates():
    make_vat_rates(STANDARD, imported_at=NOON)
    VatRate.objects.create(
        country="FR", tax_class="reduced", rate_bp=550, valid_from=dt.date(2026, 1, 1), source="test", imported_at=NOON
    )


def seller_of(country: str, *, currency: str = "EUR", shipping: int = 490):
    seller = make_seller(f"{country} shop", country="FR")
    Seller.objects.filter(pk=seller.pk).update(country=country)  # the test identifiers cover EU traders only
    seller.refresh_from_db()
    profile = make_shipping_profile(seller, currency=currency, first_item_amount=shipping, express=False)
    return seller, profile


def offer_from(country: str, price: int, *, currency: str = "EUR", shipping: int = 490, **extra):
    seller, profile = seller_of(country, currency=currency, shipping=shipping)
    return make_offer(
        seller=seller,
        price_amount=price,
        currency=currency,
        shipping_profile=profile,
        ships_from_country=country,
        **extra,
    )


def buy(offer, *, to: str, quantity: int = 1, vat_number: str | None = None, buyer=None):
    address = {"name": "A Buyer", "street": "1 Main Street", "postal_code": "1000", "city": "City", "country": to}
    with clock.frozen_at(NOON):
        outcome = order_checkout(
            buyer=buyer or make_user(),
            shipping_address=address,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": quantity}],
            vat_number=vat_number,
        )
    return Order.objects.get(pk=outcome.order.pk)


def tax_lines(order):
    return [
        (line.kind, line.regime, line.collector, line.tax_country, line.rate_bp, line.net_amount, line.vat_amount)
        for line in OrderTaxLine.objects.filter(order=order).order_by("kind", "pk")
    ]


def test_french_consumer_from_a_polish_seller_under_the_threshold_pays_polish_vat():
    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)  # 123.00 PLN incl. 23 % PL VAT

    order = buy(offer, to="FR")

    assert (order.currency, order.items_amount, order.shipping_amount, order.total_amount) == (
        "PLN",
        12300,
        1230,
        13530,
    )
    assert tax_lines(order) == [
        ("item", "eu_distance_origin", "seller", "PL", 2300, 10000, 2300),
        ("shipping", "eu_distance_origin", "seller", "PL", 2300, 1000, 230),
    ]
    assert order.seller_orders.get().marketplace_vat_amount == 0


def test_french_consumer_from_a_polish_seller_over_the_threshold_pays_french_vat():
    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True, oss_registration="PL OSS")

    order = buy(offer, to="FR", quantity=2)

    # The Polish VAT comes out (100.00 net a unit), the French goes in: 120.00 a unit. Shipping of two items,
    # 13.30 PLN incl. PL VAT (10.81 net), becomes 12.97 incl. FR VAT.
    line = order.seller_orders.get().lines.get()
    assert (line.unit_price_amount, line.line_amount) == (12000, 24000)
    assert (order.items_amount, order.shipping_amount, order.total_amount) == (24000, 1297, 25297)
    assert tax_lines(order) == [
        ("item", "eu_distance_oss", "seller", "FR", 2000, 20000, 4000),
        ("shipping", "eu_distance_oss", "seller", "FR", 2000, 1081, 216),
    ]


def test_uniform_gross_prices_keep_the_price_and_split_the_destination_vat_inside_it():
    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)

    with override_settings(COMPTOIR=UNIFORM):
        order = buy(offer, to="FR")

    assert order.total_amount == 13530
    assert tax_lines(order) == [
        ("item", "eu_distance_oss", "seller", "FR", 2000, 10250, 2050),
        ("shipping", "eu_distance_oss", "seller", "FR", 2000, 1025, 205),
    ]


def test_a_reduced_rate_product_is_taxed_at_the_destinations_reduced_rate():
    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)
    offer.product.tax_class = "reduced"
    offer.product.save(update_fields=["tax_class"])
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)

    order = buy(offer, to="FR")

    # PL has no reduced rate entered: its standard rate is taken out (conservative), France's 5.5 % goes in.
    item = tax_lines(order)[0]
    assert item == ("item", "eu_distance_oss", "seller", "FR", 550, 10000, 550)
    assert order.items_amount == 10550


def test_swiss_seller_shipping_to_germany_a_small_parcel_the_marketplace_collects_german_vat():
    offer = offer_from("CH", 5900)  # EUR 59.00 incl. 8.1 % Swiss VAT: 54.58 net

    order = buy(offer, to="DE")

    assert tax_lines(order) == [
        ("item", "eu_import_ioss", "marketplace", "DE", 1900, 5458, 1037),
        ("shipping", "eu_import_ioss", "marketplace", "DE", 1900, 453, 86),
    ]
    assert (order.items_amount, order.shipping_amount, order.total_amount) == (6495, 539, 7034)
    seller_order = order.seller_orders.get()
    assert (seller_order.marketplace_vat_amount, seller_order.marketplace_vat_country) == (1123, "DE")


def test_swiss_seller_shipping_to_germany_over_150_eur_charges_net_and_leaves_import_vat_to_customs():
    offer = offer_from("CH", 21620)  # 200.00 net of Swiss VAT

    order = buy(offer, to="DE")

    assert (order.items_amount, order.shipping_amount) == (20000, 453)
    assert tax_lines(order) == [
        ("item", "eu_import_at_border", "customs", "DE", 0, 20000, 0),
        ("shipping", "eu_import_at_border", "customs", "DE", 0, 453, 0),
    ]
    assert order.seller_orders.get().marketplace_vat_amount == 0


def test_us_sellers_120_eur_parcel_to_italy_ioss_marketplace_collects_and_books_it_at_release():
    offer = offer_from("US", 12000)  # a US seller enters net prices

    order = buy(offer, to="IT")

    assert tax_lines(order) == [
        ("item", "eu_import_ioss", "marketplace", "IT", 2200, 12000, 2640),
        ("shipping", "eu_import_ioss", "marketplace", "IT", 2200, 490, 108),
    ]
    assert (order.items_amount, order.shipping_amount, order.total_amount) == (14640, 598, 15238)
    seller_order = order.seller_orders.get()
    assert (seller_order.marketplace_vat_amount, seller_order.marketplace_vat_country) == (2748, "IT")

    seller_owner = offer.seller.members.get().user
    with clock.frozen_at(NOON):
        seller_order_accept(seller_order_id=seller_order.pk, actor=seller_owner, seller=offer.seller)
        seller_order_ship(
            seller_order_id=seller_order.pk,
            actor=seller_owner,
            carrier="UPS",
            tracking_number="1Z999",
            seller=offer.seller,
        )
        seller_order_mark_delivered(seller_order_id=seller_order.pk, actor=None, actor_role=Actor.SYSTEM)
        seller_order_complete(seller_order_id=seller_order.pk, actor=make_operator())

    liability = LedgerAccount.objects.get(kind="vat_liability:IT", currency="EUR")
    assert sum(Posting.objects.filter(account=liability).values_list("amount", flat=True)) == -2748
    payable = LedgerAccount.objects.get(kind="seller_payable", seller=offer.seller, currency="EUR")
    commission = seller_order.commission_amount
    assert sum(Posting.objects.filter(account=payable).values_list("amount", flat=True)) == -(15238 - commission - 2748)
    assert ledger_entries_unbalanced() == []


def test_german_company_with_a_vat_number_buys_from_a_spanish_seller_under_reverse_charge():
    offer = offer_from("ES", 12100)  # 100.00 net of 21 % Spanish VAT

    order = buy(offer, to="DE", vat_number="DE 136 695 976")

    assert order.buyer_vat_number == "DE136695976"
    assert (order.items_amount, order.shipping_amount, order.total_amount) == (10000, 405, 10405)
    assert tax_lines(order) == [
        ("item", "eu_reverse_charge", "buyer", "DE", 0, 10000, 0),
        ("shipping", "eu_reverse_charge", "buyer", "DE", 0, 405, 0),
    ]
    check = VatNumberCheck.objects.get(number="DE136695976")
    assert (check.country, check.is_format_valid, check.vies_status) == ("DE", True, ViesStatus.NOT_CHECKED)


def test_an_invalid_vat_number_is_refused_and_its_check_kept():
    offer = offer_from("ES", 12100)

    with pytest.raises(ValidationError) as raised:
        buy(offer, to="DE", vat_number="DE136695977")

    assert raised.value.code == "invalid_vat_number"
    assert "vat_number" in raised.value.fields
    assert Order.objects.count() == 0
    assert VatNumberCheck.objects.filter(number="DE136695977", is_format_valid=False).count() == 1


def test_a_vat_number_of_another_country_than_the_delivery_is_refused():
    offer = offer_from("ES", 12100)

    with pytest.raises(ValidationError) as raised:
        buy(offer, to="DE", vat_number="FR40303265045")

    assert raised.value.code == "vat_number_country_mismatch"
    assert Order.objects.count() == 0


def test_without_vat_rates_loaded_prices_stay_as_entered_and_no_tax_line_is_written():
    VatRate.objects.all().delete()
    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)

    order = buy(offer, to="FR")

    assert order.total_amount == 13530
    assert tax_lines(order) == []

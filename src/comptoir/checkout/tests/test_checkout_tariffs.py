"""Tariff rates at checkout, on the product page and in search (issue 12, docs/TAXES.md "Tariff rates").

Worked cases, with the shipped duty rules and an operator's tariff (CN 6110 11 90 wool jumpers at the EU's
conventional 12 %; 0 % for UK-originating goods under the EU-UK TCA, Art. GOODS.5):

- a US seller's EUR 120.00 (net) jumper to Italy on 15 July 2028, after the EU's flat duty has lapsed: IOSS, the
  marketplace collects the VAT and the tariff duty at checkout (DDP) — 12 % of 124.90 (goods + shipping, CIF) =
  14.99, with 22 % IT VAT on it 3.30: 146.40 + 5.98 + 18.29 = 170.67;
- a GB seller's EUR 240.00 jumper (200.00 net of GB VAT) to Germany: over EUR 150, customs collect the import VAT on
  delivery (DAP). Made in the UK (origin declared): 0 % duty, on delivery 19 % of 210.00 = 39.90; made in China: 12 % of
  210.00 = 25.20 duty, on delivery 25.20 + 44.69 = 69.89."""

import datetime as dt

import pytest

from comptoir.checkout.services import order_checkout
from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.offers.selectors import offer_list_for_product, offer_vat_quotes
from comptoir.orders.models import Order, OrderTaxLine
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_index_products
from comptoir.search.tests.support import committed
from comptoir.taxes.services import duty_rules_load, tariff_rates_load
from comptoir.testing.builders import (
    CARD_OK,
    make_offer,
    make_product,
    make_seller_established_in,
    make_shipping_profile,
    make_user,
    make_vat_rates,
)

pytestmark = pytest.mark.django_db
JULY_2028 = dt.datetime(2028, 7, 15, 12, 0, tzinfo=dt.UTC)
JULY_2026 = dt.datetime(2026, 7, 15, 12, 0, tzinfo=dt.UTC)
TARIFF = (
    "area,hs_prefix,origin,rate_percent,valid_from,valid_to,source\n"
    "EU,61101190,,12,2026-01-01,,CN 6110 11 90 conventional rate (Reg. (EEC) 2658/87 Annex I; verify in TARIC)\n"
    "EU,61,GB,0,2021-01-01,,EU-UK TCA Art. GOODS.5: UK-originating goods (origin declared)\n"
)
ROMA = {"name": "A", "street": "Via Roma 1", "postal_code": "00100", "city": "Roma", "country": "IT"}


@pytest.fixture(autouse=True)
def tax_data():
    make_vat_rates({"IT": 2200, "DE": 1900, "FR": 2000, "GB": 2000}, imported_at=JULY_2026)
    with clock.frozen_at(JULY_2026):
        duty_rules_load()


def load_tariff():
    with clock.frozen_at(JULY_2026):
        tariff_rates_load(text=TARIFF)


def jumper(country: str, price: int, *, origin: str, shipping: int = 490):
    seller = make_seller_established_in(country, f"{country} knits {origin}")
    profile = make_shipping_profile(seller, first_item_amount=shipping, express=False)
    profile.rates.update(countries=["IT", "DE", "FR"])
    return make_offer(
        seller=seller,
        product=make_product("Wool jumper", hs_code="61101190", country_of_origin=origin),
        price_amount=price,
        currency="EUR",
        shipping_profile=profile,
        ships_from_country=country,
    )


def test_after_the_flat_duty_an_ioss_parcel_pays_the_tariff_duty_with_its_vat_at_checkout():
    load_tariff()
    offer = jumper("US", 12000, origin="US")

    with clock.frozen_at(JULY_2028):
        order = order_checkout(
            buyer=make_user(),
            shipping_address=ROMA,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
        ).order
    order = Order.objects.get(pk=order.pk)

    duty = OrderTaxLine.objects.get(order=order, kind="duty")
    assert (duty.reason, duty.net_amount, duty.vat_amount, duty.gross_amount, duty.rate_bp) == (
        "duty_tariff_eu",
        1499,
        330,
        1829,
        2200,
    )
    assert (order.duty_amount, order.total_amount) == (1829, 14640 + 598 + 1829)


def test_without_a_rate_the_same_parcel_owes_an_unknown_duty_and_pays_none_at_checkout():
    offer = jumper("US", 12000, origin="US")
    with clock.frozen_at(JULY_2028):
        order = order_checkout(
            buyer=make_user(),
            shipping_address=ROMA,
            payment_method=CARD_OK,
            lines=[{"offer_id": offer.pk, "quantity": 1}],
        ).order
    assert not OrderTaxLine.objects.filter(order=order, kind="duty").exists()
    assert Order.objects.get(pk=order.pk).total_amount == 14640 + 598


def test_a_gb_origin_jumper_to_germany_owes_0_percent_a_chinese_made_one_the_mfn_rate():
    load_tariff()
    made_in_uk = jumper("GB", 24000, origin="GB", shipping=1200)
    made_in_china = jumper("GB", 24000, origin="CN", shipping=1200)

    offers = offer_list_for_product(made_in_uk.product_id) | offer_list_for_product(made_in_china.product_id)
    with clock.frozen_at(JULY_2026):
        quotes = offer_vat_quotes(offers.select_related("seller", "product"), country="DE", day=JULY_2026.date())

    # Nothing at checkout (the duty is known but customs collect the import VAT: DAP); the product page's estimate
    # of what the buyer pays on delivery is the import VAT on goods + shipping + duty, plus the duty.
    # The product page quotes without shipping: 19 % of 200.00 = 38.00; 24.00 duty + 19 % of 224.00 = 42.56.
    uk, china = quotes[made_in_uk.pk], quotes[made_in_china.pk]
    assert (uk.duty, uk.duties_at_delivery, uk.at_delivery_estimate) == (None, True, Money(3800, "EUR"))
    assert (china.duty, china.at_delivery_estimate) == (None, Money(2400 + 4256, "EUR"))


def test_search_prices_follow_a_tariffs_load_on_commit():
    offer = jumper("US", 12000, origin="US")

    def indexed_price() -> int:
        with clock.frozen_at(JULY_2028):
            hits = search_products(SearchQuery(text="wool jumper", country="IT"), placed_on=JULY_2028.date()).hits
        return hits[0].landed.amount

    with clock.frozen_at(JULY_2028):
        search_index_products(product_ids=[offer.product_id])
    assert indexed_price() == 14640 + 598  # the duty is unknown: not charged at checkout

    with clock.frozen_at(JULY_2028), committed():
        tariff_rates_load(text=TARIFF.replace("2026-01-01", "2028-01-01"))

    assert indexed_price() == 14640 + 598 + 1829

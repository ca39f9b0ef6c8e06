"""The OSS return per Member State of dispatch (Art. 369g(2) Dir. 2006/112/EC; docs/TAXES.md "OSS and IOSS returns").

Case: a German seller charging destination VAT (OSS) sells the same EUR 119.00 item (100.00 net of DE VAT) to French
consumers twice in August 2026, once from its German stock and once from a warehouse in Poland; shipping EUR 4.90
(4.12 net). Its OSS return has one row per Member State of dispatch: FR 20 %, 104.12 taxable and 20.82 VAT, from DE
and from PL."""

import datetime as dt

import pytest

from comptoir.core import clock
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow, return_csv, rows_from_json, rows_to_json
from comptoir.filings.services import vat_return_file
from comptoir.sellers.models import Seller
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import make_offer, make_operator, make_seller, make_shipping_profile

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db
Q3 = periods.quarter("2026-Q3")


def at(month, day):
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


def test_a_sellers_oss_return_lists_each_member_state_of_dispatch(vat_rates):
    from_germany = offer_from("DE", 11900)
    seller = from_germany.seller
    seller_tax_profile_set(seller_id=seller.pk, charges_destination_vat=True, oss_registration="DE OSS")
    from_poland = make_offer(
        seller=seller,
        price_amount=11900,
        currency="EUR",
        shipping_profile=make_shipping_profile(seller, currency="EUR", first_item_amount=490, express=False),
        ships_from_country="PL",
    )
    first = buy(from_germany, to="FR", at=at(8, 3))
    second = buy(from_poland, to="FR", at=at(8, 4))
    assert [first.seller_orders.get().goods_country, second.seller_orders.get().goods_country] == ["DE", "PL"]

    oss = selectors.vat_return(kind="oss", period=Q3, seller_id=seller.pk)

    assert oss.rows == (
        ReturnRow("supplies", "2026-Q3", "FR", 2000, 10412, 2082, "DE"),
        ReturnRow("supplies", "2026-Q3", "FR", 2000, 10412, 2082, "PL"),
    )
    lines = return_csv(oss).splitlines()
    assert lines[0].endswith(",vat_amount_eur,member_state_of_dispatch")
    assert lines[1:] == [
        f"oss,seller:{seller.pk},2026-Q3,supplies,,FR,20,104.12,20.82,DE",
        f"oss,seller:{seller.pk},2026-Q3,supplies,,FR,20,104.12,20.82,PL",
    ]

    # Filed, the return keeps its rows per State of dispatch.
    with clock.frozen_at(at(10, 20)):
        vat_return_file(
            kind="oss",
            period="2026-Q3",
            seller_id=seller.pk,
            reference="OSS-Q3",
            filed_on=dt.date(2026, 10, 20),
            actor=make_operator(),
        )
    assert selectors.vat_return(kind="oss", period=Q3, seller_id=seller.pk).rows == oss.rows


def test_the_ioss_return_has_no_dispatch_column(vat_rates):
    offer = offer_from("US", 12000)
    buy(offer, to="IT", at=at(7, 10))
    text = return_csv(selectors.vat_return(kind="ioss", period=periods.month("2026-07")))
    assert "dispatch" not in text and text.splitlines()[1].endswith(",IT,22,124.90,27.48")


def test_rows_filed_before_the_dispatch_was_recorded_still_read():
    legacy = [["supplies", "2026-Q1", "FR", 2000, 100, 20]]
    assert rows_from_json(legacy) == (ReturnRow("supplies", "2026-Q1", "FR", 2000, 100, 20, ""),)
    row = ReturnRow("supplies", "2026-Q1", "FR", 2000, 100, 20, "PL")
    assert rows_to_json([row]) == [["supplies", "2026-Q1", "FR", 2000, 100, 20, "PL"]]
    assert rows_from_json(rows_to_json([row])) == (row,)


def test_the_console_shows_the_marketplaces_oss_rows_with_their_state_of_dispatch(vat_rates, console):
    us_seller = make_seller("US shop with stock in Poland", country="FR")
    Seller.objects.filter(pk=us_seller.pk).update(country="US")
    us_seller.refresh_from_db()
    buy(offer_from("PL", 10000, seller=us_seller), to="FR", at=at(9, 2))  # deemed supplier (Art. 14a(2))

    page = console.get("/console/filings/returns/oss/2026-Q3").content.decode()

    assert '<th scope="col">Dispatched from</th>' in page
    assert "<td>PL</td>" in page

"""The UK VAT return follows the operator's HMRC stagger (`COMPTOIR_UK_VAT_STAGGER`, docs/TAXES.md "UK and Swiss
returns"): stagger 1 quarters end in March, June, September and December, stagger 2 in April, July, October and
January, stagger 3 in May, August, November and February (HMRC manual DMBM530020).

Case: a French seller's GBP 60.00 parcels to a UK consumer on 10 and 20 July 2026 (UK 20 %: 55.00 net and 11.00 VAT
each with the shipping); the second refunded on 3 October 2026. Under stagger 2 the sales are in 2026-S2Q3 (1 May - 31
July) and the refund is a credit note of 2026-S2Q4 (1 August - 31 October)."""

import datetime as dt
import io

import pytest
from django.conf import settings
from django.core.management import call_command
from django.test import TestCase, override_settings

from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import ReturnRow
from comptoir.filings.domain.uk_vat import uk_boxes
from comptoir.filings.models import ReturnFiling
from comptoir.filings.services import vat_return_file
from comptoir.orders.domain.state_machine import Actor
from comptoir.testing.builders import make_operator

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db


def staggered(number: int):
    filings = {**(settings.COMPTOIR.get("FILINGS") or {}), "UK_VAT_STAGGER": str(number)}
    return override_settings(COMPTOIR={**settings.COMPTOIR, "FILINGS": filings})


def at(month, day, year=2026):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def uk_orders(vat_rates):
    offer = offer_from("FR", 6000, currency="GBP", shipping=600)
    first = buy(offer, to="GB", at=at(7, 10))
    second = buy(offer, to="GB", at=at(7, 20))
    with clock.frozen_at(at(10, 3)), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_cancel(
            seller_order_id=second.seller_orders.get().pk, actor=None, actor_role=Actor.OPERATOR, reason="lost"
        )
    return first, second


def test_the_staggered_quarters():
    assert (periods.staggered_quarter("2026-S2Q3").start, periods.staggered_quarter("2026-S2Q3").end) == (
        dt.date(2026, 5, 1),
        dt.date(2026, 7, 31),
    )
    assert (periods.staggered_quarter("2026-S2Q1").start, periods.staggered_quarter("2026-S2Q1").end) == (
        dt.date(2025, 11, 1),
        dt.date(2026, 1, 31),
    )
    assert (periods.staggered_quarter("2028-S3Q1").start, periods.staggered_quarter("2028-S3Q1").end) == (
        dt.date(2027, 12, 1),
        dt.date(2028, 2, 29),
    )
    assert periods.staggered_quarter("2026-S1Q3") == periods.quarter("2026-Q3")
    assert periods.parse("2026-S3Q4") == periods.staggered_quarter("2026-S3Q4")
    ends = {
        stagger: [periods.staggered_quarter(f"2026-S{stagger}Q{n}").end.month for n in (1, 2, 3, 4)]
        for stagger in (1, 2, 3)
    }
    assert ends == {1: [3, 6, 9, 12], 2: [1, 4, 7, 10], 3: [2, 5, 8, 11]}
    # every day of two years falls in a quarter of each stagger, the one `staggered_quarter_of` gives
    day = dt.date(2026, 1, 1)
    while day < dt.date(2028, 1, 1):
        for stagger in (1, 2, 3):
            found = periods.staggered_quarter_of(day, stagger)
            assert found.contains(day) and periods.stagger_of(found) == stagger
        day += dt.timedelta(days=1)
    for bad in ("2026-S4Q1", "2026-S2Q5", "2026-S2"):
        with pytest.raises(ValueError):
            periods.staggered_quarter(bad)


def test_under_stagger_2_the_return_covers_may_to_july_and_the_refund_goes_into_the_next(uk_orders):
    with staggered(2):
        s2q3 = selectors.vat_return(kind="uk-vat", period=selectors.uk_vat_period("2026-S2Q3"))
        s2q4 = selectors.vat_return(kind="uk-vat", period=selectors.uk_vat_period("2026-S2Q4"))
        text = selectors.filing_file(kind="uk-vat", period="2026-S2Q4").content.decode()
        with pytest.raises(ValidationError) as raised:
            selectors.filing_file(kind="uk-vat", period="2026-Q3")

    assert s2q3.rows == (ReturnRow("supplies", "2026-S2Q3", "GB", 2000, 2 * 5500, 2 * 1100),)
    assert uk_boxes(s2q3).box1 == 2200
    assert s2q4.rows == (ReturnRow("correction", "2026-S2Q3", "GB", 2000, -5500, -1100),)
    assert "uk-vat,2026-S2Q4,1,VAT due on sales and other outputs,-11.00" in text
    assert raised.value.code == "wrong_stagger" and "2026-S2Q4" in raised.value.message


def test_under_stagger_1_a_staggered_label_is_refused(uk_orders):
    with pytest.raises(ValidationError) as raised:
        selectors.filing_file(kind="uk-vat", period="2026-S3Q3")
    assert raised.value.code == "wrong_stagger" and "2026-Q3" in raised.value.message


def test_the_command_the_console_and_filing_under_stagger_3(uk_orders, console):
    operator = make_operator()
    with staggered(3):
        out = io.StringIO()
        call_command("filings", "uk-vat", "--quarter", "2026-S3Q3", stdout=out)
        with clock.frozen_at(at(9, 20)):
            vat_return_file(
                kind="uk-vat", period="2026-S3Q3", reference="HMRC-S3Q3", filed_on=dt.date(2026, 9, 20), actor=operator
            )
            page = console.get("/console/filings/").content.decode()
        returned = console.get("/console/filings/returns/uk-vat/2026-S3Q3")
        opened = console.get("/console/filings/?open_kind=uk-vat&open_period=2026-S3Q3")

    assert "uk-vat,2026-S3Q3,1,VAT due on sales and other outputs,22.00" in out.getvalue()  # June to August
    assert ReturnFiling.objects.get(kind="uk-vat").period == "2026-S3Q3"
    # the page proposes the last finished quarter of stagger 3 on 20 September 2026: June to August
    assert 'id="uk-period" name="period" value="2026-S3Q3"' in page and r'pattern="\d{4}-S3Q[1-4]"' in page
    assert returned.status_code == 200 and 'data-state="filed"' in returned.content.decode()
    assert opened["Location"].endswith("/console/filings/returns/uk-vat/2026-S3Q3")

"""Returns, records and DAC7 built from real orders (worked cases, docs/TAXES.md "Returns and DAC7"):

- a US seller's EUR 120.00 parcels to Italy go through IOSS (IT 22 %: 120.00 + 4.90 net, 26.40 + 1.08 VAT each); one
  of the two July orders is cancelled and refunded in August: July's return has both, August's a correction of July;
- a German seller charging destination VAT (declared over the threshold) files its own OSS return for France;
- a US seller's goods already in Germany sold to France: the marketplace's OSS return (deemed supplier);
- the German seller received more than EUR 2,000 in the year: reportable for DAC7; the operator sends the notice, the
  seller's owner is told by email, completes its tax identity in the seller center, and the DPI XML reports it."""

import datetime as dt

import pytest
from django.core import mail
from django.test import TestCase

from comptoir.accounts.services import api_token_create
from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.core.exceptions import PermissionDenied, ValidationError
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.domain.dpi_schema import dpi_problems
from comptoir.filings.domain.returns import ReturnRow, return_csv
from comptoir.filings.models import Dac7Notice
from comptoir.filings.services import dac7_notices_issue
from comptoir.notifications.models import Notification
from comptoir.orders.domain.state_machine import Actor
from comptoir.sellers.models import SellerMember
from comptoir.taxes.models import SellerTaxProfile
from comptoir.taxes.services import seller_tax_profile_set
from comptoir.testing.builders import make_operator, make_seller, make_user

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db


def at(month, day):
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def ioss_orders(vat_rates):
    offer = offer_from("US", 12000)
    first = buy(offer, to="IT", at=at(7, 10))
    second = buy(offer, to="IT", at=at(7, 20))
    with clock.frozen_at(at(8, 3)), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_cancel(
            seller_order_id=second.seller_orders.get().pk, actor=None, actor_role=Actor.OPERATOR, reason="lost"
        )
    return first, second


def test_the_ioss_return_of_july_and_the_correction_in_august(ioss_orders):
    july = selectors.vat_return(kind="ioss", period=periods.month("2026-07"))
    august = selectors.vat_return(kind="ioss", period=periods.month("2026-08"))

    assert july.rows == (ReturnRow("supplies", "2026-07", "IT", 2200, 2 * 12490, 2 * 2748),)
    assert august.rows == (ReturnRow("correction", "2026-07", "IT", 2200, -12490, -2748),)
    assert return_csv(august).splitlines()[1] == "ioss,marketplace,2026-08,correction,2026-07,IT,22,-124.90,-27.48"
    assert selectors.vat_return(kind="ioss", period=periods.month("2026-09")).rows == ()


def test_a_sellers_oss_return_and_the_marketplaces_as_deemed_supplier(vat_rates):
    german = offer_from("DE", 11900)  # 100.00 net
    seller_tax_profile_set(seller_id=german.seller_id, charges_destination_vat=True, oss_registration="DE OSS")
    buy(german, to="FR", at=at(8, 1), quantity=2)
    us_seller = make_seller("US shop in DE", country="FR")
    us_seller.country = "US"
    us_seller.save(update_fields=["country"])
    stock_in_germany = offer_from("DE", 10000, seller=us_seller)  # a US seller's goods in Germany
    buy(stock_in_germany, to="FR", at=at(9, 30))

    q3 = periods.quarter("2026-Q3")
    seller_return = selectors.vat_return(kind="oss", period=q3, seller_id=german.seller_id)
    marketplace = selectors.vat_return(kind="oss", period=q3)

    # 2 × 120.00 incl. FR VAT (100.00 net each) + the shipping of two items, 5.90 incl. DE VAT: 4.96 net, 0.99 FR VAT
    assert seller_return.rows == (ReturnRow("supplies", "2026-Q3", "FR", 2000, 20000 + 496, 4000 + 99, "DE"),)
    assert [(row.country, row.rate_bp) for row in marketplace.rows] == [("FR", 2000)]
    assert marketplace.scope == "marketplace" and selectors.oss_seller_ids(q3) == [german.seller_id]
    assert selectors.vat_return(kind="oss", period=periods.quarter("2026-Q2"), seller_id=german.seller_id).rows == ()


def test_art54c_records_list_each_supply_with_the_supplier(ioss_orders):
    first, _second = ioss_orders
    text = selectors.art54c_records_csv(since=dt.date(2026, 7, 1), until=dt.date(2026, 7, 31))

    rows = text.splitlines()
    assert rows[0].startswith("order_number,seller_order_number,supplier_name,supplier_address")
    assert len(rows) == 3
    assert first.number in rows[1] and "eu_import_ioss,IT" in rows[1] and ",US,IT," in rows[1]
    assert rows[2].endswith(",152.38")  # the cancelled order: refunded in full


def test_dac7_notice_identity_and_report(vat_rates, client):
    offer = offer_from("DE", 250000)
    owner = make_user()
    SellerMember.objects.create(seller_id=offer.seller_id, user=owner, role="owner")
    buy(offer, to="DE", at=at(5, 2))
    small = offer_from("FR", 1000)
    buy(small, to="FR", at=at(6, 2))

    years = {item.identity.seller_id: item for item in selectors.dac7_seller_years(year=2026)}
    assert years[offer.seller_id].is_reportable and not years[small.seller_id].is_reportable
    assert years[offer.seller_id].consideration.q2 == 250000 + 490
    assert years[offer.seller_id].activities.values() == (0, 1, 0, 0)
    with pytest.raises(PermissionDenied):
        dac7_notices_issue(year=2026, actor=make_user())

    operator = make_operator()
    with clock.frozen_at(dt.datetime(2027, 1, 5, 9, tzinfo=dt.UTC)), TestCase.captureOnCommitCallbacks(execute=True):
        notices = dac7_notices_issue(year=2026, actor=operator)
    assert dac7_notices_issue(year=2026, actor=operator) == []  # once per seller and year

    notice = Dac7Notice.objects.get()
    assert [item.seller_id for item in notices] == [offer.seller_id]
    assert notice.consideration_eur_cents == 250490 and "tin" in notice.missing and "legal_form" in notice.missing
    assert Notification.objects.filter(recipient=owner, kind="dac7_notice").exists()
    assert any("DAC7" in message.subject and owner.email in message.to for message in mail.outbox)

    client.force_login(owner)
    page = client.get("/seller/taxes/").content.decode()
    assert "Your tax identity is incomplete" in page and "tax identification number" in page
    response = client.post(
        "/seller/taxes/", {"legal_form": "entity", "tin": "DE123456789", "tin_country": "DE", "date_of_birth": ""}
    )
    assert response.status_code == 302
    profile = SellerTaxProfile.objects.get(seller_id=offer.seller_id)
    assert (profile.legal_form, profile.tin, profile.tin_country) == ("entity", "DE123456789", "DE")
    assert "Your tax identity is incomplete" not in client.get("/seller/taxes/").content.decode()
    refused = client.post("/seller/taxes/", {"legal_form": "entity", "date_of_birth": "1980-01-01"})
    assert refused.status_code == 422

    document, _ = selectors.dac7_report_xml(year=2026)
    assert dpi_problems(document) == []
    text = document.decode()
    assert text.count("<dpi:ReportableSeller>") == 1
    assert '<dpi:TIN issuedBy="DE">DE123456789</dpi:TIN>' in text
    assert '<dpi:ConsQ2 currCode="EUR">2505</dpi:ConsQ2>' in text  # EUR 2,504.90 in whole euros


def test_operators_download_filings_from_the_console_and_the_api(ioss_orders, console, operator, client):
    response = console.get("/console/filings/?year=2026")
    assert response.status_code == 200 and "Tax filings" in response.content.decode()
    download = console.get("/console/filings/ioss?period=2026-08")
    assert download["Content-Disposition"] == 'attachment; filename="ioss-2026-08.csv"'
    assert b"correction,2026-07,IT,22,-124.90,-27.48" in download.content
    assert console.get("/console/filings/ioss?period=2026-13").status_code == 302  # back with the error shown
    assert b"<dpi:DPI_OECD" in console.get("/console/filings/dac7?period=2026").content

    _record, token = api_token_create(user=operator, name="filings")
    answer = client.get("/api/v1/operator/filings/records?period=2026", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 200 and answer["Content-Type"].startswith("text/csv")
    bad = client.get("/api/v1/operator/filings/oss?period=2026-Q9", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert bad.status_code == 422 and bad.json()["code"] == "invalid_period"
    _record, buyer_token = api_token_create(user=make_user(), name="x")
    refused = client.get("/api/v1/operator/filings/dac7?period=2026", HTTP_AUTHORIZATION=f"Bearer {buyer_token}")
    assert refused.status_code == 403


def test_an_unknown_filing_kind_is_refused():
    with pytest.raises(ValidationError):
        selectors.filing_file(kind="vat", period="2026")


def test_amounts_in_zloty_are_converted_at_the_ecb_rate_of_the_quarters_last_day(vat_rates):
    from decimal import Decimal

    from comptoir.currencies.models import ExchangeRate
    from comptoir.currencies.selectors import rates_cache_clear

    offer = offer_from("PL", 12300, currency="PLN", shipping=1230)  # 123.00 PLN incl. 23 % PL VAT
    seller_tax_profile_set(seller_id=offer.seller_id, charges_destination_vat=True)
    buy(offer, to="FR", at=at(8, 1))  # 120.00 PLN incl. FR VAT, + shipping: 100.00 + 10.00 net PLN, 22.00 VAT
    for day, rate in ((dt.date(2026, 9, 29), "4.0000"), (dt.date(2026, 10, 2), "5.0000")):
        ExchangeRate.objects.create(currency="PLN", day=day, rate=Decimal(rate), imported_at=at(10, 2))
    rates_cache_clear()

    q3 = selectors.vat_return(kind="oss", period=periods.quarter("2026-Q3"), seller_id=offer.seller_id)

    # 30 September: no publication in the test table, so the next one (2 October, 5 PLN per EUR), as Art. 366 says
    assert q3.rows == (ReturnRow("supplies", "2026-Q3", "FR", 2000, 2200, 440, "PL"),)
    assert q3.unconverted == ()


def test_a_seller_reads_its_distance_sales_and_dac7_figures_through_the_api(vat_rates, client):
    from comptoir.sellers.services import seller_api_key_create

    offer = offer_from("DE", 600000)
    for day in (2, 3):
        buy(offer, to="FR", at=at(3, day))
    _record, key = seller_api_key_create(seller=offer.seller, actor=None, name="t", scopes=["finance:read"])
    _record, other = seller_api_key_create(seller=offer.seller, actor=None, name="o", scopes=["offers:read"])

    with clock.frozen_at(at(4, 1)):
        answer = client.get("/api/v1/seller/taxes", HTTP_AUTHORIZATION=f"Bearer {key}").json()
        refused = client.get("/api/v1/seller/taxes", HTTP_AUTHORIZATION=f"Bearer {other}")

    assert answer["distance_sales"] == [{"year": 2025, "net_eur_cents": 0}, {"year": 2026, "net_eur_cents": 1009228}]
    assert answer["charges_destination_vat"] is True and answer["threshold_eur_cents"] == 1_000_000
    # The second sale crosses EUR 10,000 and is itself taxed in France (Art. 59c): 5,042.02 net + 20 % = 6,050.42, and
    # 4.12 net shipping + 20 % = 4.94, against 6,000.00 + 4.90 for the first one at German VAT.
    assert answer["dac7"][0]["year"] == 2026 and answer["dac7"][0]["consideration_eur_cents"][0] == 600490 + 605536
    assert answer["dac7"][0]["reportable"] is True and "tin" in answer["missing_identity"]
    assert refused.status_code == 403

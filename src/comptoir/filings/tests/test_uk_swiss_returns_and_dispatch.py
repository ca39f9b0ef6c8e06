"""The UK and Swiss returns from real orders, and the dispatch of every return (docs/TAXES.md, "UK and Swiss
returns", "Dispatch: filed and corrected"):

- a French seller's GBP 60.00 parcels to a UK consumer (UK 20 %: 50.00 + 5.00 net, 10.00 + 1.00 VAT each with the
  shipping): the marketplace's UK return; one of the two July orders is cancelled and refunded in October;
- a German seller's goods to a Swiss consumer, priced CHF 119.00 with German VAT, i.e. CHF 108.10 with Swiss VAT at
  8.1 %: the platform's Swiss return;
- the operator records the UK Q3 return as filed; a Q3 sale recorded afterwards does not change it but goes into Q4 as
  an adjustment of Q3, and no further once Q4 is filed."""

import datetime as dt
import io

import pytest
from django.core.management import call_command
from django.test import TestCase, override_settings

from comptoir.accounts.services import api_token_create
from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, InvalidTransition, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.filings import selectors
from comptoir.filings.domain import periods
from comptoir.filings.domain.ch_vat import ch_summary
from comptoir.filings.domain.dispatch import RETURN_KINDS
from comptoir.filings.domain.returns import ReturnRow
from comptoir.filings.domain.uk_vat import uk_boxes
from comptoir.filings.models import ReturnFiling
from comptoir.filings.services import vat_return_correct, vat_return_file
from comptoir.orders.domain.state_machine import Actor
from comptoir.testing.builders import make_operator, make_user

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db


def at(month, day, year=2026):
    return dt.datetime(year, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def uk_offer(vat_rates):
    return offer_from("FR", 6000, currency="GBP", shipping=600)


@pytest.fixture
def uk_orders(uk_offer):
    first = buy(uk_offer, to="GB", at=at(7, 10))
    second = buy(uk_offer, to="GB", at=at(7, 20))
    with clock.frozen_at(at(10, 3)), TestCase.captureOnCommitCallbacks(execute=True):
        seller_order_cancel(
            seller_order_id=second.seller_orders.get().pk, actor=None, actor_role=Actor.OPERATOR, reason="lost"
        )
    return first, second


def file(kind, period, reference, *, actor, on=dt.date(2026, 10, 20), when=None):
    with clock.frozen_at(when or at(10, 20)):
        return vat_return_file(kind=kind, period=period, reference=reference, filed_on=on, actor=actor)


def test_the_uk_return_of_a_quarter_and_the_credit_note_in_the_next(uk_orders):
    q3 = selectors.vat_return(kind="uk-vat", period=periods.quarter("2026-Q3"))
    q4 = selectors.vat_return(kind="uk-vat", period=periods.quarter("2026-Q4"))

    assert q3.currency == "GBP"
    assert q3.rows == (ReturnRow("supplies", "2026-Q3", "GB", 2000, 2 * 5500, 2 * 1100),)
    assert uk_boxes(q3).boxes() == [(1, 2200), (2, 0), (3, 2200), (4, 0), (5, 2200), (6, 110), (7, 0), (8, 0), (9, 0)]
    # The refund of October is a credit note of Q4: it reduces Q4's boxes 1 and 6, not Q3's.
    assert q4.rows == (ReturnRow("correction", "2026-Q3", "GB", 2000, -5500, -1100),)
    assert (uk_boxes(q4).box1, uk_boxes(q4).box6) == (-1100, -55)
    csv_text = selectors.filing_file(kind="uk-vat", period="2026-Q4").content.decode()
    assert "uk-vat,2026-Q4,1,VAT due on sales and other outputs,-11.00" in csv_text


def test_the_swiss_return_per_rate_by_quarter_or_half_year(vat_rates):
    offer = offer_from("DE", 11900, currency="CHF", shipping=0)
    buy(offer, to="CH", at=at(8, 5))

    q3 = selectors.vat_return(kind="ch-vat", period=periods.quarter("2026-Q3"))
    assert q3.rows == (ReturnRow("supplies", "2026-Q3", "CH", 810, 10000, 810),)
    standard = ch_summary(q3).rates[0]
    assert (standard.name, standard.turnover_cents, standard.tax_cents) == ("standard", 10000, 810)
    text = selectors.filing_file(kind="ch-vat", period="2026-Q3").content.decode()
    assert text.splitlines()[1] == "ch-vat,marketplace,2026-Q3,supplies,,CH,8.1,100.00,8.10"

    with pytest.raises(ValidationError) as raised:
        selectors.filing_file(kind="ch-vat", period="2026-H2")
    assert raised.value.code == "wrong_period_length"
    filings = {"OPERATOR_NAME": "Comptoir", "CH_VAT_PERIOD": "half-year"}
    with override_settings(COMPTOIR={**_comptoir_settings(), "FILINGS": filings}):
        half = selectors.filing_file(kind="ch-vat", period="2026-H2")
        with pytest.raises(ValidationError):
            selectors.filing_file(kind="ch-vat", period="2026-Q3")
    assert half.filename == "ch-vat-2026-H2.csv" and b"2026-H2,supplies,,CH,8.1,100.00,8.10" in half.content


def _comptoir_settings():
    from django.conf import settings

    return dict(settings.COMPTOIR)


def test_a_filed_return_keeps_its_figures_and_a_late_sale_goes_into_the_next_return(uk_offer):
    operator = make_operator()
    buy(uk_offer, to="GB", at=at(7, 10))
    step = file("uk-vat", "2026-Q3", "HMRC-Q3-123", actor=operator)
    assert (step.state, step.sequence, step.total_vat_cents, step.recorded_by) == ("filed", 1, 1100, operator)
    assert AuditLog.objects.filter(action="filings.return_file", target_id=str(step.pk)).exists()

    buy(uk_offer, to="GB", at=at(9, 30))  # a Q3 sale recorded after Q3 was filed (an import, a late payment)

    q3 = selectors.return_overview(kind="uk-vat", period="2026-Q3")
    assert q3.state == "filed" and uk_boxes(q3.vat_return).box1 == 1100  # not regenerated
    assert q3.pending_changes == (ReturnRow("adjustment", "2026-Q3", "GB", 2000, 5500, 1100),)
    q4 = selectors.vat_return(kind="uk-vat", period=periods.quarter("2026-Q4"))
    assert q4.rows == (ReturnRow("adjustment", "2026-Q3", "GB", 2000, 5500, 1100),)

    file("uk-vat", "2026-Q4", "HMRC-Q4-456", actor=operator, on=dt.date(2027, 1, 20), when=at(1, 20, 2027))
    assert selectors.vat_return(kind="uk-vat", period=periods.quarter("2027-Q1")).rows == ()  # carried once
    assert selectors.return_overview(kind="uk-vat", period="2026-Q3").pending_changes == ()
    with pytest.raises(Conflict) as raised, clock.frozen_at(at(1, 21, 2027)):
        vat_return_correct(
            kind="uk-vat", period="2026-Q3", reference="HMRC-Q3-FIX", filed_on=dt.date(2027, 1, 21), actor=operator
        )
    assert raised.value.code == "return_already_carried"


def test_filing_is_idempotent_and_follows_the_transitions(uk_orders):
    operator = make_operator()
    first = file("uk-vat", "2026-Q3", "HMRC-1", actor=operator)
    assert file("uk-vat", "2026-Q3", " HMRC-1 ", actor=operator) == first  # a retry
    with pytest.raises(InvalidTransition):
        file("uk-vat", "2026-Q3", "HMRC-2", actor=operator)
    with pytest.raises(InvalidTransition):
        vat_return_correct(
            kind="uk-vat", period="2026-Q4", reference="X", filed_on=dt.date(2026, 10, 20), actor=operator
        )
    with pytest.raises(PermissionDenied):
        file("uk-vat", "2026-Q4", "HMRC-3", actor=make_user())
    with pytest.raises(ValidationError) as raised:
        file("uk-vat", "2026-Q4", "  ", actor=operator)
    assert "reference" in raised.value.fields
    with pytest.raises(ValidationError) as raised:
        file("uk-vat", "2026-Q4", "HMRC-4", actor=operator, on=dt.date(2026, 10, 21))  # after "now"
    assert "filed_on" in raised.value.fields
    assert ReturnFiling.objects.count() == 1


def test_a_correction_replaces_the_figures_and_keeps_the_history(vat_rates):
    operator = make_operator()
    offer = offer_from("US", 12000)
    buy(offer, to="IT", at=at(7, 10))  # IOSS
    file("ioss", "2026-07", "IOSS-07", actor=operator, on=dt.date(2026, 8, 20), when=at(8, 20))
    buy(offer, to="IT", at=at(7, 31))  # recorded late

    with clock.frozen_at(at(8, 25)):
        corrected = vat_return_correct(
            kind="ioss", period="2026-07", reference="IOSS-07-C1", filed_on=dt.date(2026, 8, 25), actor=operator
        )

    overview = selectors.return_overview(kind="ioss", period="2026-07")
    assert overview.state == "corrected" and corrected.sequence == 2
    assert [(step.state, step.reference) for step in overview.steps] == [
        ("filed", "IOSS-07"),
        ("corrected", "IOSS-07-C1"),
    ]
    assert overview.vat_return.rows == (ReturnRow("supplies", "2026-07", "IT", 2200, 2 * 12490, 2 * 2748),)
    assert overview.pending_changes == ()
    assert selectors.vat_return(kind="ioss", period=periods.month("2026-08")).rows == ()


def test_the_return_kinds_of_the_api_are_the_domains():
    from typing import get_args

    from comptoir.api.routers.filings import ReturnKind

    assert set(get_args(ReturnKind)) == set(RETURN_KINDS)


def test_operators_see_and_record_returns_in_the_console(uk_orders, console, operator, client):
    page = console.get("/console/filings/returns/uk-vat/2026-Q3")
    text = page.content.decode()
    assert page.status_code == 200 and 'data-state="draft"' in text
    assert "VAT due on sales and other outputs" in text and "£110" in text
    assert console.get("/console/filings/?open_kind=uk-vat&open_period=2026-Q3")["Location"].endswith(
        "/console/filings/returns/uk-vat/2026-Q3"
    )

    with clock.frozen_at(at(10, 20)):
        posted = console.post(
            "/console/filings/returns/uk-vat/2026-Q3",
            {"action": "file", "reference": "HMRC-Q3", "filed_on": "2026-10-20", "note": "sent by the accountant"},
        )
    assert posted.status_code == 302
    text = console.get("/console/filings/returns/uk-vat/2026-Q3").content.decode()
    assert 'data-state="filed"' in text and "HMRC-Q3" in text and operator.email in text
    assert "HMRC-Q3" in console.get("/console/filings/").content.decode()
    assert console.get("/console/filings/returns/ch-vat/2026-Q3").status_code == 200
    assert console.get("/console/filings/returns/vat/2026-Q3").status_code == 404
    assert console.get("/console/filings/uk-vat?period=2026-Q3")["Content-Disposition"] == (
        'attachment; filename="uk-vat-2026-Q3.csv"'
    )


def test_a_buyer_cannot_open_a_return_page(client):
    client.force_login(make_user())
    assert client.get("/console/filings/returns/uk-vat/2026-Q3").status_code == 403


def test_operators_record_a_filing_through_the_api(uk_orders, operator, client):
    _record, token = api_token_create(user=operator, name="filings")
    headers = {"HTTP_AUTHORIZATION": f"Bearer {token}"}
    body = {"action": "file", "reference": "HMRC-Q3", "filed_on": "2026-10-20"}

    with clock.frozen_at(at(10, 20)):
        answer = client.post(
            "/api/v1/operator/filings/uk-vat/2026-Q3/state", body, content_type="application/json", **headers
        )
        again = client.post(
            "/api/v1/operator/filings/uk-vat/2026-Q3/state",
            {**body, "reference": "OTHER"},
            content_type="application/json",
            **headers,
        )
        state = client.get("/api/v1/operator/filings/uk-vat/2026-Q3/state", **headers).json()

    assert answer.status_code == 200 and answer.json()["state"] == "filed"
    assert again.status_code == 409 and again.json()["code"] == "invalid_return_transition"
    assert state["steps"][0]["reference"] == "HMRC-Q3" and state["total_vat_cents"] == 2200
    assert state["currency"] == "GBP" and state["steps"][0]["recorded_by"] == operator.email
    download = client.get("/api/v1/operator/filings/uk-vat?period=2026-Q3", **headers)
    assert download.status_code == 200 and b"uk-vat,2026-Q3,6," in download.content
    _record, buyer_token = api_token_create(user=make_user(), name="x")
    refused = client.get("/api/v1/operator/filings/uk-vat/2026-Q3/state", HTTP_AUTHORIZATION=f"Bearer {buyer_token}")
    assert refused.status_code == 403


def test_the_commands(uk_orders):
    operator = make_operator()
    out = io.StringIO()
    call_command("filings", "uk-vat", "--quarter", "2026-Q3", stdout=out)
    assert "uk-vat,2026-Q3,1,VAT due on sales and other outputs,22.00" in out.getvalue()

    out = io.StringIO()
    with clock.frozen_at(at(10, 20)):
        call_command(
            "filings",
            "file",
            "--return",
            "uk-vat",
            "--period",
            "2026-Q3",
            "--reference",
            "HMRC-Q3",
            "--filed-on",
            "2026-10-20",
            "--operator",
            operator.email,
            stdout=out,
        )
    assert "uk-vat 2026-Q3 (marketplace): filed, HMRC-Q3" in out.getvalue()
    out, errors = io.StringIO(), io.StringIO()
    call_command("filings", "ch-vat", "--period", "2026-Q3", stdout=out, stderr=errors)
    assert out.getvalue().startswith("return,scope,period,section") and "8.1 % (standard)" in errors.getvalue()

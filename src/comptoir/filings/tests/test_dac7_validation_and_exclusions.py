"""The DAC7 report refused when it fails its XML Schema (the operator's own XSD, `COMPTOIR_DAC7_XSD`, honoured by the
command, the API and the console), and the exclusions (government, listed entity) an operator records, audited."""

import datetime as dt

import pytest
from django.core.management import CommandError, call_command

from comptoir.accounts.services import api_token_create
from comptoir.core.exceptions import NotFound, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.filings import selectors
from comptoir.filings.models import Dac7Exclusion
from comptoir.filings.services import dac7_exclusion_set
from comptoir.testing.builders import make_user

from .helpers import buy, offer_from

pytestmark = pytest.mark.django_db

# An operator's XSD with an import next to it: the message reference may have at most 5 characters (Comptoir's are
# longer), so every report Comptoir writes fails it.
COMMON = (
    '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:oecd:ties:dpistf:v1">'
    '<xsd:simpleType name="Short"><xsd:restriction base="xsd:string"><xsd:maxLength value="5"/></xsd:restriction>'
    "</xsd:simpleType></xsd:schema>"
)
STRICT = (
    '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:stf="urn:oecd:ties:dpistf:v1"'
    ' targetNamespace="urn:oecd:ties:dpi:v1" elementFormDefault="qualified">'
    '<xsd:import namespace="urn:oecd:ties:dpistf:v1" schemaLocation="common.xsd"/>'
    '<xsd:element name="DPI_OECD"><xsd:complexType><xsd:sequence><xsd:element name="MessageSpec"><xsd:complexType>'
    '<xsd:sequence><xsd:element name="TransmittingCountry"/><xsd:element name="ReceivingCountry"/>'
    '<xsd:element name="MessageType"/>'
    '<xsd:element name="MessageRefId" type="stf:Short"/><xsd:any processContents="skip" maxOccurs="unbounded"/>'
    '</xsd:sequence></xsd:complexType></xsd:element><xsd:any processContents="skip" maxOccurs="unbounded"/>'
    '</xsd:sequence><xsd:anyAttribute processContents="skip"/></xsd:complexType></xsd:element></xsd:schema>'
)


def at(month, day):
    return dt.datetime(2026, month, day, 12, tzinfo=dt.UTC)


@pytest.fixture
def operator_xsd(tmp_path, settings):
    (tmp_path / "common.xsd").write_text(COMMON)
    (tmp_path / "DPIXML_v1.0.xsd").write_text(STRICT)
    path = tmp_path / "DPIXML_v1.0.xsd"
    settings.COMPTOIR = {**settings.COMPTOIR, "FILINGS": {**settings.COMPTOIR["FILINGS"], "DAC7_XSD": str(path)}}
    return path


@pytest.fixture
def reportable_seller(vat_rates):
    offer = offer_from("DE", 150000)  # EUR 1,500.00 + 4.90 shipping, twice: over EUR 2,000
    for day in (2, 3):
        buy(offer, to="FR", at=at(3, day))
    return offer.seller


def test_comptoirs_own_schema_accepts_the_report(reportable_seller):
    document, _years = selectors.dac7_report_xml(year=2026)

    assert selectors.dac7_schema_path().endswith("filings/schemas/comptoir-dpi-v1.xsd")
    assert document.decode().count("<dpi:ReportableSeller>") == 1


def test_the_operators_schema_refuses_the_report_everywhere(
    reportable_seller, operator_xsd, console, operator, client, tmp_path
):
    with pytest.raises(ValidationError) as refused:
        selectors.dac7_report_xml(year=2026)
    assert refused.value.code == "dac7_invalid_document"
    problem = refused.value.extra["problems"][0]
    assert "Element '{urn:oecd:ties:dpi:v1}MessageRefId'" in problem and "maxLength" in problem

    out = tmp_path / "dac7.xml"
    with pytest.raises(CommandError) as command:
        call_command("filings", "dac7", "--year", "2026", "--out", str(out))
    assert f"fails validation against {operator_xsd}" in str(command.value) and problem in str(command.value)
    assert not out.exists()

    _record, token = api_token_create(user=operator, name="filings")
    answer = client.get("/api/v1/operator/filings/dac7?period=2026", HTTP_AUTHORIZATION=f"Bearer {token}")
    assert answer.status_code == 422
    assert answer.json()["code"] == "dac7_invalid_document" and answer.json()["problems"][0] == problem

    download = console.get("/console/filings/dac7?period=2026", follow=True)
    page = download.content.decode()
    assert download.redirect_chain[0][1] == 302 and "fails validation against its XML Schema" in page
    assert "MessageRefId" in page


def test_an_operator_schema_that_accepts_the_report_lets_it_through(reportable_seller, operator_xsd):
    (operator_xsd.parent / "common.xsd").write_text(COMMON.replace('value="5"', 'value="200"'))

    document, _years = selectors.dac7_report_xml(year=2026)

    assert b"<dpi:ReportableSeller>" in document


def test_a_missing_operator_schema_is_a_clear_error(reportable_seller, operator_xsd):
    operator_xsd.unlink()

    with pytest.raises(CommandError, match=r"DPIXML_v1\.0\.xsd: No such file"):
        call_command("filings", "dac7", "--year", "2026")


def test_an_excluded_seller_is_left_out_of_the_report_and_the_decision_is_audited(reportable_seller, operator):
    seller = reportable_seller

    exclusion = dac7_exclusion_set(
        seller_id=seller.pk, kind="listed_entity", reason="Listed on Euronext Paris (ISIN FR0000000001)", actor=operator
    )
    again = dac7_exclusion_set(
        seller_id=seller.pk, kind="listed_entity", reason="Listed on Euronext Paris (ISIN FR0000000001)", actor=operator
    )

    assert again == exclusion and (exclusion.kind, exclusion.set_by) == ("listed_entity", operator)
    years = {item.identity.seller_id: item for item in selectors.dac7_seller_years(year=2026)}
    assert years[seller.pk].identity.exclusion == "listed_entity" and not years[seller.pk].is_reportable
    document, _ = selectors.dac7_report_xml(year=2026)
    assert b"<dpi:ReportableSeller>" not in document
    audit = AuditLog.objects.filter(action="filings.dac7_exclusion")
    assert audit.count() == 1  # the repeated decision wrote nothing
    assert audit.get().data == {"previous": "", "kind": "listed_entity"} and "Euronext" in audit.get().reason

    assert dac7_exclusion_set(seller_id=seller.pk, kind="", reason="Delisted in 2026", actor=operator) is None
    assert not Dac7Exclusion.objects.exists()
    assert [item.is_reportable for item in selectors.dac7_seller_years(year=2026)] == [True]
    assert audit.latest("pk").data == {"previous": "listed_entity", "kind": ""}


def test_an_exclusion_needs_an_operator_a_known_kind_and_a_reason(reportable_seller, operator):
    seller = reportable_seller
    with pytest.raises(PermissionDenied):
        dac7_exclusion_set(seller_id=seller.pk, kind="listed_entity", reason="x", actor=make_user())
    with pytest.raises(ValidationError) as unknown:
        dac7_exclusion_set(seller_id=seller.pk, kind="charity", reason="x", actor=operator)
    with pytest.raises(ValidationError) as no_reason:
        dac7_exclusion_set(seller_id=seller.pk, kind="government_entity", reason="  ", actor=operator)
    with pytest.raises(NotFound):
        dac7_exclusion_set(seller_id=seller.pk + 1000, kind="government_entity", reason="x", actor=operator)

    assert unknown.value.code == no_reason.value.code == "invalid_dac7_exclusion"
    assert not Dac7Exclusion.objects.exists() and not AuditLog.objects.filter(action="filings.dac7_exclusion").exists()


def test_the_console_records_and_lifts_an_exclusion(reportable_seller, console, client):
    seller = reportable_seller
    page = console.get("/console/filings/?year=2026").content.decode()
    assert "No seller is excluded." in page and f'<option value="{seller.pk}">' in page

    response = console.post(
        "/console/filings/dac7/exclusions",
        {"year": "2026", "seller": seller.pk, "kind": "government_entity", "reason": "Municipal museum shop"},
    )
    assert response.status_code == 302
    page = console.get("/console/filings/?year=2026").content.decode()
    assert "Municipal museum shop" in page and "Government entity" in page
    assert "No reportable seller for this year." in page

    refused = console.post(
        "/console/filings/dac7/exclusions", {"year": "2026", "seller": seller.pk, "kind": "", "reason": ""}, follow=True
    )
    assert "Give the reason for the decision" in refused.content.decode()
    console.post(
        "/console/filings/dac7/exclusions", {"year": "2026", "seller": seller.pk, "kind": "", "reason": "Wrong"}
    )
    assert not Dac7Exclusion.objects.exists()

    client.logout()
    client.force_login(make_user())
    outsider = client.post(
        "/console/filings/dac7/exclusions",
        {"year": "2026", "seller": seller.pk, "kind": "listed_entity", "reason": "x"},
    )
    assert outsider.status_code in (302, 403) and not Dac7Exclusion.objects.exists()

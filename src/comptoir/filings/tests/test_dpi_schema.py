"""The DAC7 (DPI) XML against Comptoir's own XSD (filings/schemas) and an operator's XSD: the document Comptoir writes
validates; broken ones are refused with the schema validator's message; the user guide's rules beyond the XSD."""

import dataclasses
import datetime as dt

import pytest

from comptoir.filings.domain import dpi_schema
from comptoir.filings.tests.dac7_support import ENTITY, dpi, seller_year
from comptoir.filings.tests.dac7_support import PERSON as SUPPORT_PERSON

PERSON = dataclasses.replace(SUPPORT_PERSON, date_of_birth=dt.date(1980, 5, 17))


def document_of(*sellers) -> str:
    return dpi(*sellers).decode()


def test_the_document_comptoir_writes_validates_against_its_xsd():
    document = document_of(seller_year(ENTITY), seller_year(PERSON, sales=40, consideration=500_00))

    assert document.count("<dpi:ReportableSeller>") == 2
    assert dpi_schema.schema_problems(document.encode()) == []
    assert dpi_schema.rule_problems(document.encode()) == []


def test_a_seller_without_its_tin_element_is_refused_with_the_schema_message():
    document = document_of(seller_year(ENTITY))
    broken = document.replace('<dpi:TIN issuedBy="FR">12345678901</dpi:TIN>', "")

    problems = dpi_schema.dpi_problems(broken.encode())

    assert len(problems) == 1
    assert "Element '{urn:oecd:ties:dpi:v1}IN': This element is not expected." in problems[0]
    assert "{urn:oecd:ties:dpi:v1}TIN" in problems[0] and problems[0].startswith("line ")


def test_elements_in_the_wrong_order_are_refused():
    document = document_of(seller_year(ENTITY))
    vat = "<dpi:VAT>FR40303265045</dpi:VAT>"
    name = "<dpi:Name>Atelier Dupont SARL</dpi:Name>"
    swapped = document.replace(vat, "@@").replace(name, vat).replace("@@", name)

    problems = dpi_schema.dpi_problems(swapped.encode())

    assert any("Element '{urn:oecd:ties:dpi:v1}VAT': This element is not expected" in item for item in problems)


def test_an_amount_with_decimals_or_without_its_currency_is_refused():
    document = document_of(seller_year(ENTITY))
    decimals = document.replace('<dpi:ConsQ1 currCode="EUR">1235<', '<dpi:ConsQ1 currCode="EUR">1234.56<')
    no_currency = document.replace('<dpi:FeesQ1 currCode="EUR">123<', "<dpi:FeesQ1>123<")
    bad_currency = document.replace('<dpi:TaxQ1 currCode="EUR">0<', '<dpi:TaxQ1 currCode="EURO">0<')

    assert any(
        "'1234.56' is not a valid value of the atomic type 'xs:integer'" in item
        for item in dpi_schema.dpi_problems(decimals.encode())
    )
    assert any(
        "The attribute 'currCode' is required but missing" in item
        for item in dpi_schema.dpi_problems(no_currency.encode())
    )
    assert any("'EURO'" in item for item in dpi_schema.dpi_problems(bad_currency.encode()))


def test_the_wrong_namespace_or_country_is_refused():
    document = document_of(seller_year(ENTITY))
    other_namespace = document.replace("urn:oecd:ties:dpi:v1", "urn:oecd:ties:dpi:v2")
    bad_country = document.replace(
        "<dpi:ResCountryCode>FR</dpi:ResCountryCode>", "<dpi:ResCountryCode>ZZ</dpi:ResCountryCode>", 1
    )

    assert any(
        "No matching global declaration available for the validation root" in item
        for item in dpi_schema.dpi_problems(other_namespace.encode())
    )
    assert any("'ZZ' is not an element of the set" in item for item in dpi_schema.dpi_problems(bad_country.encode()))
    assert dpi_schema.dpi_problems(b"<dpi:DPI_OECD") == [dpi_schema.dpi_problems(b"<dpi:DPI_OECD")[0]]
    assert dpi_schema.dpi_problems(b"<dpi:DPI_OECD")[0].startswith("not well-formed XML")


def test_the_rules_beyond_the_schema_duplicate_doc_ref_ids_and_a_tin_without_its_country():
    document = document_of(seller_year(ENTITY), seller_year(PERSON))
    duplicate = document.replace("FR2026-FR999-1-S5", "FR2026-FR999-1-S4")
    anonymous_tin = document.replace('<dpi:TIN unknown="true">NOTIN</dpi:TIN>', "<dpi:TIN>NOTIN</dpi:TIN>")
    mid_year = document.replace("<dpi:ReportingPeriod>2026-12-31<", "<dpi:ReportingPeriod>2026-06-30<")

    assert dpi_schema.schema_problems(duplicate.encode()) == []  # valid XML Schema-wise
    line = duplicate[: duplicate.rindex("FR2026-FR999-1-S4")].count("\n") + 1
    assert dpi_schema.dpi_problems(duplicate.encode()) == [f"line {line}: DocRefId 'FR2026-FR999-1-S4' is used twice"]
    assert [
        'a TIN without issuedBy must be marked unknown="true"' in item
        for item in dpi_schema.dpi_problems(anonymous_tin.encode())
    ] == [True]
    assert any("is not a 31 December" in item for item in dpi_schema.dpi_problems(mid_year.encode()))


def test_an_operator_schema_is_used_instead_with_its_imports(tmp_path):
    (tmp_path / "common.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" targetNamespace="urn:oecd:ties:dpistf:v1"'
        ' elementFormDefault="qualified"><xsd:simpleType name="Ref"><xsd:restriction base="xsd:string">'
        '<xsd:maxLength value="5"/></xsd:restriction></xsd:simpleType></xsd:schema>'
    )
    (tmp_path / "tiny.xsd").write_text(
        '<xsd:schema xmlns:xsd="http://www.w3.org/2001/XMLSchema" xmlns:stf="urn:oecd:ties:dpistf:v1"'
        ' targetNamespace="urn:oecd:ties:dpi:v1" elementFormDefault="qualified">'
        '<xsd:import namespace="urn:oecd:ties:dpistf:v1" schemaLocation="common.xsd"/>'
        '<xsd:element name="DPI_OECD"><xsd:complexType><xsd:sequence>'
        '<xsd:element name="MessageSpec"><xsd:complexType><xsd:sequence>'
        '<xsd:element name="MessageRefId" type="stf:Ref"/></xsd:sequence></xsd:complexType></xsd:element>'
        "</xsd:sequence></xsd:complexType></xsd:element></xsd:schema>"
    )
    tiny = tmp_path / "tiny.xsd"
    fits = (
        b'<DPI_OECD xmlns="urn:oecd:ties:dpi:v1"><MessageSpec><MessageRefId>A1</MessageRefId></MessageSpec></DPI_OECD>'
    )

    assert dpi_schema.schema_problems(fits, tiny) == []
    assert dpi_schema.schema_problems(fits) != []  # Comptoir's own schema wants a full MessageSpec
    too_long = fits.replace(b"A1", b"A123456")
    assert dpi_schema.schema_problems(too_long, tiny) == [
        "line 1: Element '{urn:oecd:ties:dpi:v1}MessageRefId': [facet 'maxLength'] The value has a length of '7';"
        " this exceeds the allowed maximum length of '5'."
    ]
    assert dpi_schema.schema_problems(document_of(seller_year(ENTITY)).encode(), tiny) != []


def test_an_unusable_schema_is_a_clear_error(tmp_path):
    with pytest.raises(ValueError, match="No such file"):
        dpi_schema.load_schema(tmp_path / "missing.xsd")
    (tmp_path / "broken.xsd").write_text(
        "<xsd:schema xmlns:xsd='http://www.w3.org/2001/XMLSchema'><xsd:element/></xsd:schema>"
    )
    with pytest.raises(ValueError, match="is not a usable XML Schema"):
        dpi_schema.load_schema(tmp_path / "broken.xsd")

"""DAC7 without a database: who is reportable, the missing identity, the DPI XML (valid against Comptoir's XSD)."""

import dataclasses
import datetime as dt

from comptoir.filings.domain import dac7, dpi_schema
from comptoir.filings.domain.dac7 import DPI
from comptoir.filings.tests.dac7_support import ENTITY, PERSON, dpi, seller_year


def test_the_thresholds_30_sales_or_more_than_2000_euros():
    assert not dac7.reportable(activities=29, consideration_eur_cents=2_000_00, country="FR")
    assert dac7.reportable(activities=30, consideration_eur_cents=100, country="FR")
    assert dac7.reportable(activities=1, consideration_eur_cents=2_000_01, country="FR")
    assert not dac7.reportable(activities=100, consideration_eur_cents=9_000_00, country="US")  # not resident in the EU
    assert not dac7.reportable(
        activities=100, consideration_eur_cents=9_000_00, country="FR", exclusion="listed_entity"
    )


def test_missing_identity_is_named():
    assert ENTITY.missing() == ()
    assert PERSON.missing() == ("tin", "iban", "date_of_birth")


def test_the_dpi_xml_has_the_structure_and_only_reportable_sellers():
    document = dpi(
        seller_year(ENTITY, sales=31, consideration=1234_56), seller_year(PERSON, sales=2, consideration=10_00)
    )

    assert dpi_schema.dpi_problems(document) == []
    text = document.decode()
    assert text.count("<dpi:ReportableSeller>") == 1
    assert '<dpi:ConsQ1 currCode="EUR">1235</dpi:ConsQ1>' in text  # whole euros, half up
    assert "<dpi:NumbQ1>31</dpi:NumbQ1>" in text
    assert '<dpi:FeesQ1 currCode="EUR">123</dpi:FeesQ1>' in text  # 123.45
    assert '<dpi:TIN issuedBy="FR">12345678901</dpi:TIN>' in text
    assert '<dpi:Identifier AccountNumberType="IBAN">FR7630006000011234567890189</dpi:Identifier>' in text
    assert f'xmlns:dpi="{DPI}"' in text


def test_an_individual_with_a_missing_tin_is_reported_with_tin_unknown_and_names_split():
    person = dataclasses.replace(PERSON, date_of_birth=dt.date(1980, 5, 17))
    document = dpi(seller_year(person, sales=40, consideration=500_00)).decode()

    assert dpi_schema.dpi_problems(document.encode()) == []
    assert '<dpi:TIN unknown="true">NOTIN</dpi:TIN>' in document
    assert (
        "<dpi:FirstName>Anna Maria</dpi:FirstName>" in document and "<dpi:LastName>Schmidt</dpi:LastName>" in document
    )
    assert "<dpi:BirthDate>1980-05-17</dpi:BirthDate>" in document

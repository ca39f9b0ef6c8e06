"""DAC7 without a database: who is reportable, the missing identity, the DPI XML (valid against Comptoir's XSD)."""

import datetime as dt

from comptoir.filings.domain import dac7, dpi_schema
from comptoir.filings.domain.dac7 import DPI, Quarterly, SellerIdentity, SellerYear

ENTITY = SellerIdentity(
    seller_id=4,
    legal_name="Atelier Dupont SARL",
    legal_form="entity",
    street="1 rue de la Paix",
    postal_code="75002",
    city="Paris",
    country="FR",
    tin="12345678901",
    tin_country="FR",
    vat_number="FR40303265045",
    business_registration_number="RCS Paris 303 265 045",
    date_of_birth=None,
    iban="FR7630006000011234567890189",
)
PERSON = SellerIdentity(
    seller_id=5,
    legal_name="Anna Maria Schmidt",
    legal_form="individual",
    street="Hauptstraße 3",
    postal_code="10115",
    city="Berlin",
    country="DE",
    tin="",
    tin_country="",
    vat_number="",
    business_registration_number="",
    date_of_birth=None,
    iban="",
)


def year_of(identity, *, sales, consideration):
    return SellerYear(
        identity=identity,
        year=2026,
        consideration=Quarterly(consideration, 0, 0, 0),
        activities=Quarterly(sales, 0, 0, 0),
        fees=Quarterly(consideration // 10, 0, 0, 0),
        taxes=Quarterly(),
    )


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


def dpi(*sellers):
    return dac7.dpi_xml(
        dac7.DpiMessage(
            operator=dac7.PlatformOperator(name="Comptoir SAS", country="FR", tin="FR999", address="Paris"),
            year=2026,
            message_ref="FR2026-FR999-1",
            timestamp=dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC),
            sellers=sellers,
        )
    )


def test_the_dpi_xml_has_the_structure_and_only_reportable_sellers():
    document = dpi(year_of(ENTITY, sales=31, consideration=1234_56), year_of(PERSON, sales=2, consideration=10_00))

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
    person = SellerIdentity(**{**PERSON.__dict__, "date_of_birth": dt.date(1980, 5, 17)})
    document = dpi(year_of(person, sales=40, consideration=500_00)).decode()

    assert dpi_schema.dpi_problems(document.encode()) == []
    assert '<dpi:TIN unknown="true">NOTIN</dpi:TIN>' in document
    assert (
        "<dpi:FirstName>Anna Maria</dpi:FirstName>" in document and "<dpi:LastName>Schmidt</dpi:LastName>" in document
    )
    assert "<dpi:BirthDate>1980-05-17</dpi:BirthDate>" in document

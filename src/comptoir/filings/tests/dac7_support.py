"""DAC7 test data without a database: a French entity and a German individual, a seller's year, a DPI message."""

import datetime as dt

from comptoir.filings.domain import dac7
from comptoir.filings.domain.dac7 import Quarterly, SellerIdentity, SellerYear

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
PERSON = SellerIdentity(  # no TIN, IBAN or date of birth: what `missing()` names
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


def seller_year(identity, *, sales=31, consideration=1234_56):
    return SellerYear(
        identity=identity,
        year=2026,
        consideration=Quarterly(consideration, 0, 0, 0),
        activities=Quarterly(sales, 0, 0, 0),
        fees=Quarterly(consideration // 10, 0, 0, 0),
        taxes=Quarterly(),
    )


def dpi(*sellers) -> bytes:
    return dac7.dpi_xml(
        dac7.DpiMessage(
            operator=dac7.PlatformOperator(name="Comptoir SAS", country="FR", tin="FR999", address="Paris"),
            year=2026,
            message_ref="FR2026-FR999-1",
            timestamp=dt.datetime(2027, 1, 10, 9, 0, tzinfo=dt.UTC),
            sellers=sellers,
        )
    )

"""Trader information (DSA Art. 30) validation. Pure: no database."""

import dataclasses

import pytest

from comptoir.sellers.domain.trader import trader_information_errors, validate_iban, validate_vat_id
from comptoir.testing.builders import trader_information


@pytest.mark.parametrize(
    "vat_id, country, compact",
    [
        ("FR40303265045", "FR", "FR40303265045"),
        ("FR 403 032 650 45", "FR", "FR40303265045"),
        ("fr40303265045", "FR", "FR40303265045"),
        ("40303265045", "FR", "FR40303265045"),
        ("DE136695976", "DE", "DE136695976"),
        ("IT00743110157", "IT", "IT00743110157"),
        ("ESA28015865", "ES", "ESA28015865"),
        ("BE0403019261", "BE", "BE0403019261"),
        ("BE 0403.019.261", "BE", "BE0403019261"),
        ("NL004495445B01", "NL", "NL004495445B01"),
        ("PL5260250274", "PL", "PL5260250274"),
        ("PT501964843", "PT", "PT501964843"),
        ("ATU13585627", "AT", "ATU13585627"),
        ("EL094259216", "GR", "EL094259216"),
        ("GR094259216", "GR", "EL094259216"),
        ("CHE-116.281.710 MWST", "CH", "CHE116281710MWST"),
        ("GB980780684", "GB", "980780684"),
    ],
)
def test_valid_vat_ids_are_accepted_and_compacted(vat_id, country, compact):
    assert validate_vat_id(vat_id, country) == (compact, None)


@pytest.mark.parametrize(
    "vat_id, country",
    [
        ("FR40303265046", "FR"),
        ("DE136695977", "DE"),
        ("IT00743110158", "IT"),
        ("BE0403019262", "BE"),
        ("PL5260250275", "PL"),
        ("PT501964844", "PT"),
        ("EL094259217", "GR"),
        ("CHE-116.281.711 MWST", "CH"),
    ],
)
def test_wrong_check_digit_is_refused(vat_id, country):
    compact, error = validate_vat_id(vat_id, country)

    assert compact is None
    assert "check digit" in error
    assert not error.endswith("..")


@pytest.mark.parametrize(
    "vat_id, country, foreign",
    [("DE136695976", "FR", "DE"), ("FR40303265045", "DE", "FR"), ("EL094259216", "IT", "EL")],
)
def test_a_vat_id_of_another_member_state_names_the_mismatch(vat_id, country, foreign):
    compact, error = validate_vat_id(vat_id, country)

    assert compact is None
    assert f"starts with {foreign}" in error
    assert country in error


@pytest.mark.parametrize("vat_id", ["garbage!!", "FR", "123", "FRXX", "🙂", "x" * 40])
def test_garbage_vat_id_is_refused(vat_id):
    compact, error = validate_vat_id(vat_id, "FR")

    assert compact is None
    assert error


@pytest.mark.parametrize("vat_id", ["", "   ", None])
def test_missing_vat_id_is_required(vat_id):
    assert validate_vat_id(vat_id, "FR") == (None, "A VAT identification number is required.")


def test_country_without_a_stdnum_module_takes_a_plain_identifier():
    assert validate_vat_id("12-3456789", "US") == ("123456789", None)
    assert validate_vat_id("ab", "US")[0] is None


@pytest.mark.parametrize(
    "iban, compact",
    [
        ("FR1420041010050500013M02606", "FR1420041010050500013M02606"),
        ("FR14 2004 1010 0505 0001 3M02 606", "FR1420041010050500013M02606"),
        ("fr1420041010050500013m02606", "FR1420041010050500013M02606"),
        ("DE89370400440532013000", "DE89370400440532013000"),
        ("GB82WEST12345698765432", "GB82WEST12345698765432"),
        ("NL91ABNA0417164300", "NL91ABNA0417164300"),
    ],
)
def test_valid_ibans_are_accepted_and_compacted(iban, compact):
    assert validate_iban(iban) == (compact, None)


@pytest.mark.parametrize(
    "iban",
    ["FR1420041010050500013M02607", "DE89370400440532013001", "XX89370400440532013000", "garbage", "", None, "FR14"],
)
def test_invalid_ibans_are_refused(iban):
    compact, error = validate_iban(iban)

    assert compact is None
    assert error.startswith("Not a valid IBAN")


def test_complete_trader_information_has_no_errors():
    assert trader_information_errors(trader_information("DE")) == {}


def test_every_problem_is_reported_at_once():
    info = dataclasses.replace(
        trader_information("FR"),
        legal_name="",
        street=" ",
        postal_code="",
        city="",
        country="ZZ",
        phone="12",
        email="nobody",
        trade_register="",
        trade_register_number="",
        vat_id="FR00000000000",
        iban="FR00",
        self_certified=False,
    )

    errors = trader_information_errors(info)

    assert set(errors) == {
        "legal_name",
        "street",
        "postal_code",
        "city",
        "country",
        "phone",
        "email",
        "trade_register",
        "trade_register_number",
        "iban",
        "self_certified",
    }


def test_vat_id_is_checked_against_a_valid_country():
    errors = trader_information_errors(
        trader_information("FR", vat_id="FR40303265046", iban="FR1420041010050500013M02607", phone="+33 12")
    )

    assert set(errors) == {"vat_id", "iban", "phone"}


@pytest.mark.parametrize(
    "field, length",
    [("postal_code", 21), ("city", 101), ("phone", 41), ("trade_register_number", 101), ("legal_name", 201)],
)
def test_values_longer_than_their_column_are_refused(field, length):
    value = "1" * length

    errors = trader_information_errors(dataclasses.replace(trader_information("FR"), **{field: value}))

    assert field in errors


@pytest.mark.parametrize("self_certified", [False, None, "yes", 1])
def test_self_certification_must_be_explicitly_true(self_certified):
    errors = trader_information_errors(trader_information("FR", self_certified=self_certified))

    assert set(errors) == {"self_certified"}

import random

import pytest
from stdnum import ean

from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.demo.identifiers import gtin13, iban_for, vat_id
from comptoir.sellers.domain.trader import validate_iban, validate_vat_id

COUNTRIES = ["FR", "DE", "IT", "ES", "BE", "NL", "PL", "PT"]


@pytest.mark.parametrize("country", COUNTRIES)
def test_generated_vat_ids_pass_onboarding_validation_and_differ(country):
    # given a seeded generator
    rng = random.Random(f"vat-{country}")
    # when 200 VAT IDs are drawn
    numbers = [vat_id(country, rng) for _ in range(200)]
    # then onboarding accepts every one, with the country's prefix, and they are (nearly all) distinct
    for number in numbers:
        compact, error = validate_vat_id(number, country)
        assert error is None, (number, error)
        assert compact.startswith(country)
    assert len(set(numbers)) >= 195


@pytest.mark.parametrize("country", COUNTRIES)
def test_generated_ibans_pass_onboarding_validation_including_national_checks(country):
    rng = random.Random(f"iban-{country}")
    ibans = [iban_for(country, rng) for _ in range(200)]
    for value in ibans:
        compact, error = validate_iban(value)
        assert error is None, (value, error)
        assert compact.startswith(country)
    assert len(set(ibans)) == 200


def test_generators_are_deterministic_for_a_seed():
    first, second = random.Random(5), random.Random(5)
    assert [vat_id("FR", first), iban_for("ES", first), gtin13("376", first, set())] == [
        vat_id("FR", second),
        iban_for("ES", second),
        gtin13("376", second, set()),
    ]


def test_gtin13_has_a_correct_check_digit_and_is_never_reused():
    rng, taken = random.Random(1), set()
    codes = [gtin13("40", rng, taken) for _ in range(3000)]
    assert len(set(codes)) == 3000
    for code in codes:
        assert len(code) == 13 and code.startswith("40")
        assert ean.calc_check_digit(code[:12]) == code[12]
        assert normalise_gtin(code) == (code.zfill(14), None)

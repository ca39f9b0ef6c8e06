"""GTIN normalisation: every form of one identifier becomes the same 14 digits. Pure."""

import pytest

from comptoir.catalog.domain.identifiers import normalise_gtin


@pytest.mark.parametrize(
    "value, normalised",
    [
        ("96385074", "00000096385074"),  # GTIN-8 (EAN-8)
        ("036000291452", "00036000291452"),  # GTIN-12 (UPC-A)
        ("0036000291452", "00036000291452"),  # the same UPC-A written as EAN-13
        ("00036000291452", "00036000291452"),  # and as GTIN-14
        ("4006381333931", "04006381333931"),  # GTIN-13 (EAN-13)
        ("10012345678902", "10012345678902"),  # GTIN-14 with a packaging indicator
        ("400 6381 33393 1", "04006381333931"),  # spaces
        ("4-006381-333931", "04006381333931"),  # hyphens
        (" 4006381333931\n", "04006381333931"),
    ],
)
def test_valid_gtins_are_normalised_to_fourteen_digits(value, normalised):
    assert normalise_gtin(value) == (normalised, None)


@pytest.mark.parametrize("value", [None, "", "   "])
def test_empty_gtin_is_no_gtin(value):
    assert normalise_gtin(value) == (None, None)


@pytest.mark.parametrize("value", ["4006381333932", "036000291453", "96385075", "10012345678903"])
def test_wrong_check_digit_is_refused(value):
    assert normalise_gtin(value) == (None, "The GTIN check digit is wrong.")


@pytest.mark.parametrize(
    "value", ["1234567", "12345678901", "123456789012345", "40063813339A1", "ISBN", "٤٠٠٦٣٨١٣٣٣٩٣١", "4006381333931²"]
)
def test_wrong_length_or_non_digits_are_refused(value):
    assert normalise_gtin(value) == (None, "A GTIN has 8, 12, 13 or 14 digits.")

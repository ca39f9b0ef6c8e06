import pytest
from django import forms
from django.utils import translation

from comptoir.core.exceptions import ValidationError
from comptoir.web.sellercenter.messages import apply_service_error, translate_service_message


@pytest.mark.parametrize(
    "english, french",
    [
        (
            "Not a valid FR VAT number: The number's checksum or check digit is invalid.",
            "Numéro de TVA FR invalide : la clé de contrôle du numéro est fausse.",
        ),
        (
            "Not a valid IBAN: The number has an invalid length.",
            "IBAN invalide : la longueur du numéro est incorrecte.",
        ),
        ("A whole number from 0 to 1000000.", "Un nombre entier de 0 à 1000000."),
        ("Unknown SKU.", "Référence inconnue."),
        ("Something the catalog does not know.", "Something the catalog does not know."),
    ],
)
def test_service_messages_are_translated_with_their_values(english, french):
    with translation.override("fr"):
        assert translate_service_message(english) == french
    with translation.override("en"):
        assert translate_service_message(english) == english


class _Form(forms.Form):
    price = forms.CharField(required=False)


def test_field_errors_go_next_to_their_field_and_others_on_top():
    form = _Form({})
    form.is_valid()
    apply_service_error(
        form,
        ValidationError("Invalid.", fields={"price_amount": "The price must be positive.", "sku": "Unknown SKU."}),
        {"price_amount": "price"},
    )
    assert form.errors["price"] == ["The price must be positive."]
    assert form.non_field_errors() == ["sku: Unknown SKU."]


def test_an_error_without_fields_goes_on_top():
    form = _Form({})
    form.is_valid()
    apply_service_error(form, ValidationError("No such offer."))
    assert form.non_field_errors() == ["No such offer."]

from django.utils.translation import gettext, override

from comptoir.core.message_patterns import message_pattern, translated_message


def test_the_pattern_is_derived_from_the_message_id_with_its_values_regexes():
    pattern = message_pattern("HTTP %(status)s without a Location.", status=r"\d+")

    assert pattern.regex.match("HTTP 302 without a Location.").groupdict() == {"status": "302"}
    assert pattern.regex.match("HTTP abc without a Location.") is None
    assert pattern.regex.match("HTTP 302 without a Location. And more") is None


def test_the_literal_parts_of_the_message_are_matched_as_text_not_as_regex():
    pattern = message_pattern("Larger than %(size)s bytes (%(declared)s announced).", size=r"\d+")

    assert pattern.regex.match("Larger than 10 bytes (12 MB announced).").groupdict() == {
        "size": "10",
        "declared": "12 MB",
    }
    assert pattern.regex.match("Larger than 10 bytesX12 MB announced).") is None


def test_a_message_is_shown_in_the_active_language_with_its_values():
    patterns = [message_pattern("Not a valid %(country)s VAT number: %(reason)s.", country="[A-Z]{2}")]
    text = "Not a valid FR VAT number: The number's checksum or check digit is invalid."

    with override("fr"):
        shown = translated_message(text, patterns, gettext, translate_values=True)
        kept = translated_message(text, patterns, gettext)

    assert shown == "Numéro de TVA FR invalide : la clé de contrôle du numéro est fausse."  # the reason translated too
    assert kept is not None and "checksum" in kept


def test_a_message_no_pattern_knows_is_left_to_the_caller_and_shown_as_may_replace_it():
    patterns = [
        message_pattern("Cannot %(action)s an order that is %(status)s.", shown_as="Not possible.", action="[a-z ]+")
    ]

    assert translated_message("Something else.", patterns, gettext) is None
    assert translated_message("Cannot ship an order that is cancelled.", patterns, gettext) == "Not possible."

"""Which text a reader of a language sees (pure): the translation, else the product's own, else any; a variant's from
its family's; what a translation may hold."""

from comptoir.catalog.domain.translations import (
    TextParts,
    language_base,
    normalise_translation,
    resolve_text,
    variant_text,
)

OWN = TextParts("Hiking boot", "Waterproof leather.", {"Colour": "Brown"})
GERMAN = TextParts("Wanderschuh", "", {})
SPANISH = TextParts("Bota de montaña", "Cuero impermeable.", {"Color": "Marrón"})


def test_the_requested_language_wins_and_empty_fields_fall_back_to_the_own_text():
    text = resolve_text(requested="de-AT", own_language="en", own=OWN, translations={"de": GERMAN, "es": SPANISH})

    assert (text.title, text.language, text.is_translation) == ("Wanderschuh", "de", True)
    assert text.description == "Waterproof leather." and text.attributes == {"Colour": "Brown"}


def test_without_the_requested_translation_the_own_text_is_shown():
    text = resolve_text(requested="it", own_language="en", own=OWN, translations={"es": SPANISH})
    assert (text.title, text.language, text.is_translation) == ("Hiking boot", "en", False)
    # The own language asked for: the own text, even if a translation was stored under that code.
    own = resolve_text(requested="en", own_language="en-GB", own=OWN, translations={"en": GERMAN})
    assert own.title == "Hiking boot"


def test_without_own_text_any_translation_is_shown_alphabetically():
    text = resolve_text(
        requested="it", own_language="en", own=TextParts(""), translations={"es": SPANISH, "de": GERMAN}
    )
    assert (text.title, text.language) == ("Wanderschuh", "de")


def test_a_variant_shares_its_familys_translation_with_its_options():
    family = resolve_text(requested="es", own_language="en", own=OWN, translations={"es": SPANISH})
    variant = variant_text(
        family_text=family, variant_label="42", variant=TextParts("Hiking boot – 42", "", {"Size": 42})
    )
    assert variant.title == "Bota de montaña – 42" and variant.description == "Cuero impermeable."
    assert variant.attributes == {"Color": "Marrón", "Size": 42}

    untranslated = resolve_text(requested="it", own_language="en", own=OWN, translations={})
    own = variant_text(family_text=untranslated, variant_label="42", variant=TextParts("Boot 42", "", {}))
    assert (own.title, own.description, own.is_translation) == ("Boot 42", "Waterproof leather.", False)


def test_a_translation_is_checked_field_by_field():
    languages = ["en", "fr", "de"]
    cleaned, errors = normalise_translation(
        language="DE",
        title=" Wanderschuh ",
        description=None,
        attributes={"Farbe ": "Braun"},
        languages=languages,
        own="en",
    )
    assert errors == {} and cleaned == ("de", TextParts("Wanderschuh", "", {"Farbe": "Braun"}))

    _none, errors = normalise_translation(
        language="en", title="", description=5, attributes={"Farbe": {"nested": 1}}, languages=languages, own="en"
    )
    assert set(errors) == {"language", "title", "description", "attributes"}
    _none, errors = normalise_translation(
        language="pt", title="x" * 301, description="", attributes=[], languages=languages, own="en"
    )
    assert set(errors) == {"language", "title", "attributes"}
    assert language_base("pt_BR") == "pt" and language_base(None) == ""

"""Product attributes are shown with translated names and values (issue 10, item 14: "Blade cm", "Bulb socket" and
"warm white" were shown in English on French pages)."""

from django.utils import translation

from comptoir.demo.data.catalog import TREE
from comptoir.web.storefront import labels

# Words that French writes the same way.
SAME_IN_FRENCH = {
    "Format",
    "Genre",
    "Pages",
    "Type",
    "Volume (l)",
    "Volume (ml)",
    "aluminium",
    "beige",
    "anthracite",
    "direct",
    "gravel",
    "microfibre",
    "nude",
    "polyester",
    "quartz",
    "silicone",
}
# Names of a shade, a phone model, a layout or a size: not translated.
PROPER_NAMES = {"rouge classique"}


def _demo_attributes() -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for department in TREE:
        for branch in department.branches:
            for leaf in branch.leaves:
                for name, values in leaf.attributes.items():
                    found.setdefault(name, set()).update(str(value) for value in values)
    return found


def _in(language: str, function, value) -> str:
    with translation.override(language):
        return function(value)


def test_every_attribute_name_of_the_catalog_has_an_english_and_a_french_label():
    attributes = _demo_attributes()
    assert len(attributes) > 50

    untranslated = [
        name
        for name in attributes
        if name not in labels.ATTRIBUTE_NAMES
        or (
            _in("fr", labels.attribute_name, name) == _in("en", labels.attribute_name, name)
            and _in("en", labels.attribute_name, name) not in SAME_IN_FRENCH
        )
    ]
    assert untranslated == []
    assert _in("fr", labels.attribute_name, "blade_cm") == "Lame (cm)"
    assert _in("en", labels.attribute_name, "bulb_socket") == "Bulb socket"


def test_every_word_value_of_the_catalog_is_translated():
    words = {
        value
        for values in _demo_attributes().values()
        for value in values
        if value.replace(" ", "").replace("-", "").isalpha() and value == value.lower() and value not in PROPER_NAMES
    }
    assert len(words) > 50

    untranslated = sorted(
        word
        for word in words
        if word not in labels.ATTRIBUTE_VALUES
        or (_in("fr", labels.attribute_value, word) == word and word not in SAME_IN_FRENCH)
    )
    assert untranslated == []
    assert _in("fr", labels.attribute_value, "warm white") == "blanc chaud"

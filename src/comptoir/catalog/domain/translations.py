"""Product text per language (docs/LANGUAGES.md, "Product text"): which text a buyer reading a language sees, and what
a seller may store as a translation. Pure: no Django.

Fallback, field by field: the translation in the requested language, else the product's own text (its `language`),
else any other translation (alphabetical by language). A translation's empty description or attributes fall back to
the product's own (a German title over an English description beats no German at all)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

TITLE_MAX_LENGTH = 300
DESCRIPTION_MAX_LENGTH = 20_000
ATTRIBUTES_MAX_COUNT = 100
ATTRIBUTE_TEXT_MAX_LENGTH = 200


@dataclass(frozen=True)
class TextParts:
    """Title, description and attributes written in one language."""

    title: str
    description: str = ""
    attributes: Mapping[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class ProductText:
    """The text shown for a product in a requested language. `language` is the language it is written in;
    `is_translation` says it came from a translation rather than the product's own fields."""

    title: str
    description: str
    attributes: Mapping[str, Any]
    language: str
    is_translation: bool


def language_base(code: str | None) -> str:
    """The base language of a code: "de-AT" → "de", "pt_BR" → "pt", "" → ""."""
    return (code or "").strip().lower().replace("_", "-").split("-")[0]


def resolve_text(
    *, requested: str | None, own_language: str, own: TextParts, translations: Mapping[str, TextParts]
) -> ProductText:
    """The text to show for `requested`: its translation, else the product's own text, else any translation."""
    wanted = language_base(requested)
    own_base = language_base(own_language)
    if wanted and wanted != own_base and wanted in translations:
        chosen_language = wanted
    elif own.title or not translations:
        chosen_language = own_base
    else:
        chosen_language = sorted(translations)[0]
    if chosen_language == own_base or chosen_language not in translations:
        return ProductText(own.title, own.description, dict(own.attributes), own_base, False)
    translation = translations[chosen_language]
    return ProductText(
        title=translation.title or own.title,
        description=translation.description or own.description,
        attributes=dict(translation.attributes) if translation.attributes else dict(own.attributes),
        language=chosen_language,
        is_translation=True,
    )


def variant_text(*, family_text: ProductText, variant_label: str, variant: TextParts) -> ProductText:
    """A variant's text from its family's: variants share their family's text, so a translated family gives its
    variants "<translated family title> – <options>", its description (the variant's own when the family has none)
    and its attributes under the variant's own."""
    if not family_text.is_translation:
        return ProductText(
            title=variant.title,
            description=variant.description or family_text.description,
            attributes={**family_text.attributes, **variant.attributes},
            language=family_text.language,
            is_translation=False,
        )
    title = f"{family_text.title} – {variant_label}" if variant_label else family_text.title
    return ProductText(
        title=title[:TITLE_MAX_LENGTH],
        description=family_text.description or variant.description,
        attributes={**family_text.attributes, **variant.attributes},
        language=family_text.language,
        is_translation=True,
    )


def _attribute_value_error(value: object) -> bool:
    if isinstance(value, bool) or value is None:
        return False
    if isinstance(value, (int, float)):
        return False
    if isinstance(value, str):
        return len(value) > ATTRIBUTE_TEXT_MAX_LENGTH
    if isinstance(value, (list, tuple)):
        return any(not isinstance(item, str) or len(item) > ATTRIBUTE_TEXT_MAX_LENGTH for item in value)
    return True


def normalise_translation(
    *, language: object, title: object, description: object, attributes: object, languages: Sequence[str], own: str
) -> tuple[tuple[str, TextParts] | None, dict[str, str]]:
    """Check a translation: `language` one of `languages` other than the product's own (`own`), a title of 1 to 300
    characters, a description of at most 20,000, attributes an object of at most 100 names (text of at most 200
    characters) to text, numbers or lists of text. Returns ((language, cleaned parts), {}) or (None, field errors)."""
    errors: dict[str, str] = {}
    code = language_base(language) if isinstance(language, str) else ""
    if code not in languages:
        errors["language"] = "One of: " + ", ".join(languages) + "."
    elif code == language_base(own):
        errors["language"] = "This is the product's own language: change the product itself."
    clean_title = title.strip() if isinstance(title, str) else ""
    if not clean_title or len(clean_title) > TITLE_MAX_LENGTH:
        errors["title"] = "A title of 1 to 300 characters is required."
    if description is None:
        description = ""
    if not isinstance(description, str) or len(description) > DESCRIPTION_MAX_LENGTH:
        errors["description"] = "Text of at most 20,000 characters."
    if attributes is None:
        attributes = {}
    if (
        not isinstance(attributes, dict)
        or len(attributes) > ATTRIBUTES_MAX_COUNT
        or any(
            not isinstance(name, str) or not name.strip() or len(name) > ATTRIBUTE_TEXT_MAX_LENGTH
            for name in attributes
        )
        or any(_attribute_value_error(value) for value in attributes.values())
    ):
        errors["attributes"] = "An object of at most 100 attribute names to values (text, numbers or lists of text)."
    if errors:
        return None, errors
    assert isinstance(description, str) and isinstance(attributes, dict)
    return (code, TextParts(clean_title, description.strip(), {str(k).strip(): v for k, v in attributes.items()})), {}

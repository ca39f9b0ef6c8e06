"""Text that comes from outside (API requests, web forms, imported files) must not carry control characters.

PostgreSQL refuses NUL in text columns (a 500 instead of a clear error), and other C0 controls and DEL are never
legitimate in names, addresses, SKUs or search words; lone surrogates cannot be stored as UTF-8 at all. The rule,
applied by each interface at its single parsing point:

- refused everywhere: U+0000–U+0008, U+000B, U+000C, U+000E–U+001F, U+007F (DEL) and lone surrogates;
- tab, line feed and carriage return (U+0009, U+000A, U+000D) are allowed only where multi-line text may be sent:
  string values of a JSON body, values of a posted form (textareas) and CSV cells; never in keys, field names,
  query parameters or path segments.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

_SINGLE_LINE_FORBIDDEN = re.compile("[\x00-\x1f\x7f\ud800-\udfff]")
_MULTI_LINE_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ud800-\udfff]")


def forbidden_character(value: str, *, is_multiline: bool = False) -> str | None:
    """The first character of `value` that the rule above refuses, or None when the text is acceptable."""
    found = (_MULTI_LINE_FORBIDDEN if is_multiline else _SINGLE_LINE_FORBIDDEN).search(value)
    return found.group() if found else None


def forbidden_character_message(character: str, *, subject: str = "The value") -> str:
    """What to tell the sender, naming the character by its code point (it is invisible)."""
    if "\ud800" <= character <= "\udfff":
        return f"{subject} contains an unpaired surrogate (U+{ord(character):04X}), which is not valid Unicode text."
    return f"{subject} contains a control character (U+{ord(character):04X}), which is not allowed here."


def forbidden_in_json(data: object, path: str = "") -> Iterator[tuple[str, str]]:
    """Every (field path, message) of decoded JSON whose keys or string values break the rule: object keys are
    single-line, string values may be multi-line. Paths read `shipping_address.street`, `lines[0].sku`; a bad key
    is reported at the object that holds it."""
    if isinstance(data, str):
        character = forbidden_character(data, is_multiline=True)
        if character is not None:
            yield path or "body", forbidden_character_message(character)
    elif isinstance(data, dict):
        for key, value in data.items():
            key_text = str(key)
            character = forbidden_character(key_text)
            if character is not None:
                yield path or "body", forbidden_character_message(character, subject="A key of this object")
                continue
            yield from forbidden_in_json(value, f"{path}.{key_text}" if path else key_text)
    elif isinstance(data, list):
        for index, item in enumerate(data):
            yield from forbidden_in_json(item, f"{path}[{index}]")

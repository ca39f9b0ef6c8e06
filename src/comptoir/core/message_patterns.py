"""Messages built around values (a host, a maximum, a currency), put in the reader's language after the fact.

Services and outbound fetchers speak English and some of their messages carry a value. Where such a message is stored
or passed on as text, its translation needs its message id and its values back: a `MessagePattern` is written once as
the message id (`%(name)s` placeholders, listed with `gettext_noop` so makemessages finds it) and the regex of each
value; the regex that recognises the English text is derived from it, so the two cannot drift apart."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass

_PLACEHOLDER = re.compile(r"%\((?P<name>\w+)\)s")


@dataclass(frozen=True)
class MessagePattern:
    regex: re.Pattern[str]
    message_id: str  # what is looked up in the catalog (the template itself unless told otherwise)


def message_pattern(template: str, *, shown_as: str | None = None, **values: str) -> MessagePattern:
    """The pattern of the messages made from `template`: each `%(name)s` matches the regex `values[name]` (`.+` when
    not given). `shown_as`: another message id to show instead of the template (a message whose values are not worth
    repeating)."""
    parts, position = ["^"], 0
    for placeholder in _PLACEHOLDER.finditer(template):
        name = placeholder["name"]
        parts.append(re.escape(template[position : placeholder.start()]))
        parts.append(f"(?P<{name}>{values.get(name, '.+')})")
        position = placeholder.end()
    parts.append(re.escape(template[position:]) + "$")
    return MessagePattern(regex=re.compile("".join(parts)), message_id=shown_as or template)


def translated_message(
    text: str, patterns: Iterable[MessagePattern], translate: Callable[[str], str], *, translate_values: bool = False
) -> str | None:
    """`text` in the active language through the first pattern that recognises it (its values translated too when
    `translate_values`, e.g. a reason that is itself a catalog message); None when no pattern does."""
    for pattern in patterns:
        match = pattern.regex.match(text)
        if match:
            values = match.groupdict()
            if translate_values:
                values = {name: translate(value) for name, value in values.items()}
            return translate(pattern.message_id) % values
    return None

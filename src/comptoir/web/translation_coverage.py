"""Which interface strings a language's catalogs leave untranslated, computed the way `makemessages` extracts them.

An "area" is a folder with its own `locale/` (src/comptoir/web, web/storefront, web/sellercenter, web/console,
notifications). Its strings are those of its Python files and its templates (.html, .txt), nested areas excepted:
templates go through Django's own `templatize` (what makemessages feeds to xgettext), then Python extraction with
Django's gettext keywords. Nothing is written: the extraction runs in memory in about a second.

    python -m comptoir.web.translation_coverage            # lists what is missing, per area and language
    python -m comptoir.web.translation_coverage --append   # also appends the missing entries, msgstr empty, to
                                                           # each area's .po, ready to be translated (docs/LANGUAGES.md)
"""

from __future__ import annotations

import io
import re
import sys
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from babel.messages.extract import extract_python
from babel.messages.pofile import read_po
from django.utils.translation.template import templatize

SOURCE_ROOT = Path(__file__).resolve().parents[1]
#: The interface languages besides English, the source language.
TRANSLATED_LANGUAGES = ("fr", "de", "es", "it")
TEMPLATE_SUFFIXES = (".html", ".txt")
#: Django's gettext functions as makemessages passes them to xgettext (argument positions, "c" for the context).
KEYWORDS: dict[str, Any] = {
    "gettext": (1,),
    "gettext_lazy": (1,),
    "gettext_noop": (1,),
    "_": (1,),
    "ngettext": (1, 2),
    "ngettext_lazy": (1, 2),
    "pgettext": ((1, "c"), 2),
    "pgettext_lazy": ((1, "c"), 2),
    "npgettext": ((1, "c"), 2, 3),
    "npgettext_lazy": ((1, "c"), 2, 3),
}
_PLACEHOLDER = re.compile(r"%\([A-Za-z0-9_]+\)[sdif]|%[sdif]|\{[A-Za-z0-9_]*\}|</?[a-z]+[^>]*>")

#: A message as gettext keys it: (context or None, msgid) where msgid is a str or a (singular, plural) pair.
Key = tuple[str | None, str | tuple[str, str]]


def areas() -> list[Path]:
    """Every folder of the project with its own catalogs."""
    return sorted({path.parents[3] for path in SOURCE_ROOT.rglob("locale/*/LC_MESSAGES/django.po")})


def _area_files(area: Path, nested: list[Path]) -> Iterator[Path]:
    for path in sorted(area.rglob("*")):
        if not path.is_file() or any(part.startswith(".") for part in path.relative_to(area).parts):
            continue
        if any(other != area and area in other.parents and other in path.parents for other in nested):
            continue
        if path.suffix == ".py" or path.suffix in TEMPLATE_SUFFIXES:
            yield path


def _messages(source: str) -> Iterator[Key]:
    for _lineno, funcname, message, _comments in extract_python(
        io.BytesIO(source.encode()), KEYWORDS, [], {"encoding": "utf-8"}
    ):
        spec = KEYWORDS.get(str(funcname), (1,))
        values: tuple[Any, ...] = message if isinstance(message, tuple) else (message,)
        context: str | None = None
        strings: list[str] = []
        for position, value in zip(spec, values, strict=False):
            if isinstance(position, tuple):
                context = str(value)
            elif isinstance(value, str):
                strings.append(value)
        if not strings or not strings[0]:
            continue
        yield context, (strings[0], strings[1]) if len(strings) > 1 else strings[0]


def extracted(area: Path) -> dict[Key, str]:
    """The messages `makemessages` would extract from `area`, each with the file that first uses it."""
    nested = areas()
    found: dict[Key, str] = {}
    for path in _area_files(area, nested):
        text = path.read_text(encoding="utf-8")
        if path.suffix in TEMPLATE_SUFFIXES:
            if "trans" not in text:  # translate, blocktranslate and their old names all contain "trans"
                continue
            # templatize blanks the markup with "X"s; xgettext ignores indentation, Python's tokenizer does not
            text = "\n".join(line.lstrip() for line in templatize(text, origin=str(path)).splitlines())
        for key in _messages(text):
            found.setdefault(key, str(path.relative_to(area)))
    return found


def _key(message: Any) -> Key:
    msgid = message.id if isinstance(message.id, str) else (message.id[0], message.id[1])
    return message.context, msgid


def _singular(key: Key) -> tuple[str | None, str]:
    """gettext finds a plural message by its singular alone: two plurals with one singular are one message."""
    context, msgid = key
    return context, msgid if isinstance(msgid, str) else msgid[0]


def placeholders(text: str) -> list[str]:
    """%(name)s, %s, {name} and HTML tags, sorted: what a translation must keep."""
    return sorted(_PLACEHOLDER.findall(text))


@dataclass
class Gap:
    """What one area's catalog of one language lacks."""

    area: str
    language: str
    missing: list[Key] = field(default_factory=list)
    fuzzy_or_empty: list[Key] = field(default_factory=list)
    broken_placeholders: list[Key] = field(default_factory=list)

    def __bool__(self) -> bool:
        return bool(self.missing or self.fuzzy_or_empty or self.broken_placeholders)

    def describe(self) -> str:
        lines = [f"{self.area}/locale/{self.language}/LC_MESSAGES/django.po:"]
        for title, keys in (
            ("missing", self.missing),
            ("empty or fuzzy", self.fuzzy_or_empty),
            ("placeholders or HTML differ from the msgid", self.broken_placeholders),
        ):
            for context, msgid in keys:
                shown = msgid if isinstance(msgid, str) else f"{msgid[0]} | plural: {msgid[1]}"
                lines.append(f"  {title}: {'[' + context + '] ' if context else ''}{shown!r}")
        return "\n".join(lines)


def catalog_path(area: Path, language: str) -> Path:
    return area / "locale" / language / "LC_MESSAGES" / "django.po"


def gaps(area: Path, language: str, wanted: dict[Key, str] | None = None) -> Gap:
    """The untranslated, fuzzy or placeholder-breaking entries of `area`'s `language` catalog."""
    wanted = extracted(area) if wanted is None else wanted
    gap = Gap(str(area.relative_to(SOURCE_ROOT.parent.parent)), language)
    path = catalog_path(area, language)
    messages = {}
    if path.exists():
        with path.open("rb") as handle:
            messages = {_singular(_key(message)): message for message in read_po(handle) if message.id}
    for key in sorted(wanted, key=lambda key: (key[0] or "", str(key[1]))):
        message = messages.get(_singular(key))
        if message is None:
            gap.missing.append(key)
            continue
        raw = message.string
        strings: list[str] = [str(value or "") for value in (raw if isinstance(raw, (list, tuple)) else [raw])]
        if message.fuzzy or not strings or not all(strings):
            gap.fuzzy_or_empty.append(key)
            continue
        ids = [key[1]] if isinstance(key[1], str) else list(key[1])
        expected = placeholders(ids[-1])
        if any(placeholders(string) != expected for string in strings[1:] or strings) or (
            len(strings) > 1 and placeholders(strings[0]) not in (placeholders(ids[0]), expected)
        ):
            gap.broken_placeholders.append(key)
    return gap


#: Packages whose strings never reach a user's screen: tests, migrations, test builders and generators.
_NOT_SHOWN = {"tests", "migrations", "testing"}


def outside_areas() -> dict[Key, str]:
    """Strings of the domain apps (model choices, verbose names, messages outside any area: payments' ledger account
    names, webhooks' event names…). Pages show them, and Django finds their translation in any catalog, so each must
    be translated in at least one area's catalog (docs/LANGUAGES.md puts them in src/comptoir/web's)."""
    nested = areas()
    found: dict[Key, str] = {}
    for path in sorted(SOURCE_ROOT.rglob("*.py")):
        relative = path.relative_to(SOURCE_ROOT)
        if any(area in path.parents for area in nested) or _NOT_SHOWN & set(relative.parts):
            continue
        for key in _messages(path.read_text(encoding="utf-8")):
            found.setdefault(key, str(relative))
    return found


def outside_gaps(language: str, wanted: dict[Key, str] | None = None) -> Gap:
    """The domain apps' strings that no area's `language` catalog translates (missing, empty or fuzzy everywhere)."""
    wanted = outside_areas() if wanted is None else wanted
    translated: set[tuple[str | None, str]] = set()
    for area in areas():
        path = catalog_path(area, language)
        if path.exists():
            with path.open("rb") as handle:
                for message in read_po(handle):
                    raw = message.string
                    strings = [str(value or "") for value in (raw if isinstance(raw, (list, tuple)) else [raw])]
                    if message.id and not message.fuzzy and strings and all(strings):
                        translated.add(_singular(_key(message)))
    gap = Gap("src/comptoir (domain apps, in any area's catalog)", language)
    gap.missing = sorted(
        (key for key in wanted if _singular(key) not in translated), key=lambda key: (key[0] or "", str(key[1]))
    )
    return gap


def append_missing(gap: Gap, area: Path) -> int:
    """Appends `gap.missing` to the catalog with empty msgstr, for a translator to fill in. Returns how many."""
    path = catalog_path(area, gap.language)
    chunks = []
    for context, msgid in gap.missing:
        lines = ["", "#, python-format" if "%" in str(msgid) else ""]
        if context:
            lines.append(f"msgctxt {_quote(context)}")
        if isinstance(msgid, str):
            lines += [f"msgid {_quote(msgid)}", 'msgstr ""']
        else:
            lines += [f"msgid {_quote(msgid[0])}", f"msgid_plural {_quote(msgid[1])}", 'msgstr[0] ""', 'msgstr[1] ""']
        chunks.append("\n".join(line for line in lines if line is not None))
    if chunks:
        with path.open("a", encoding="utf-8") as handle:
            handle.write("\n".join(chunks).replace("\n\n\n", "\n\n") + "\n")
    return len(chunks)


def _quote(text: str) -> str:
    return '"' + text.replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n").replace("\t", "\\t") + '"'


def main(argv: list[str]) -> int:
    import django

    django.setup()
    append = "--append" in argv
    languages = [arg for arg in argv if not arg.startswith("--")] or list(TRANSLATED_LANGUAGES)
    found = False
    for area in areas():
        wanted = extracted(area)
        for language in languages:
            gap = gaps(area, language, wanted)
            if gap:
                found = True
                print(gap.describe())
                if append and gap.missing:
                    print(f"  → appended {append_missing(gap, area)} entries to translate")
    domain_strings = outside_areas()
    for language in languages:
        gap = outside_gaps(language, domain_strings)
        if gap:
            found = True
            print(gap.describe())
            if append:
                print(f"  → appended {append_missing(gap, SOURCE_ROOT / 'web')} entries to translate")
    return 1 if found else 0


if __name__ == "__main__":
    import os

    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.exit(main(sys.argv[1:]))

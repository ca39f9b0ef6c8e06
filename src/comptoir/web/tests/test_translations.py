"""Every French catalog of the project is complete and its committed .mo matches its .po.

Users without gettext get the compiled .mo, so a .po edited without recompiling would silently show
English (or an outdated French); an untranslated or fuzzy entry shows English on a French page."""

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po

SOURCE_ROOT = Path(__file__).resolve().parents[2]
FRENCH_CATALOGS = sorted(SOURCE_ROOT.rglob("locale/fr/LC_MESSAGES/django.po"))


def _ids(catalog):
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {frozen(message.id): frozen(message.string) for message in catalog if message.id}


def test_the_web_apps_all_have_a_french_catalog():
    apps = {path.relative_to(SOURCE_ROOT).parts[:-4] for path in FRENCH_CATALOGS}
    assert {("web",), ("web", "console"), ("web", "storefront"), ("web", "sellercenter")} <= apps


@pytest.mark.parametrize("po_path", FRENCH_CATALOGS, ids=lambda path: str(path.relative_to(SOURCE_ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    with po_path.open("rb") as handle:
        catalog = read_po(handle, locale="fr")
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (not message.string or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po_path", FRENCH_CATALOGS, ids=lambda path: str(path.relative_to(SOURCE_ROOT)))
def test_the_committed_mo_is_the_compiled_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"compile {po_path} with msgfmt"
    with po_path.open("rb") as handle:
        source = read_po(handle, locale="fr")
    compiled = BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    with mo_path.open("rb") as handle:
        committed = read_mo(handle)
    assert _ids(committed) == _ids(read_mo(compiled))

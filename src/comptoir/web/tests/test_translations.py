"""Every catalog of the project (fr, de, es, it) is complete and its committed .mo matches its .po.

Users without gettext get the compiled .mo, so a .po edited without recompiling would silently show
English (or an outdated translation); an untranslated or fuzzy entry shows English on a translated page.
`test_every_string_of_the_interface_is_translated` extracts the strings from the code and templates as
makemessages does and lists, per area and language, those a catalog lacks (docs/LANGUAGES.md)."""

from io import BytesIO
from pathlib import Path

import pytest
from babel.messages.mofile import read_mo, write_mo
from babel.messages.pofile import read_po
from django.conf import settings

from comptoir.web import translation_coverage

SOURCE_ROOT = Path(__file__).resolve().parents[2]
FRENCH_CATALOGS = sorted(SOURCE_ROOT.rglob("locale/fr/LC_MESSAGES/django.po"))
CATALOGS = sorted(SOURCE_ROOT.rglob("locale/*/LC_MESSAGES/django.po"))


def _ids(catalog):
    def frozen(value):
        return tuple(value) if isinstance(value, (list, tuple)) else value

    return {frozen(message.id): frozen(message.string) for message in catalog if message.id}


def test_the_web_apps_all_have_a_french_catalog():
    apps = {path.relative_to(SOURCE_ROOT).parts[:-4] for path in FRENCH_CATALOGS}
    assert {("web",), ("web", "console"), ("web", "storefront"), ("web", "sellercenter")} <= apps


def test_every_interface_language_has_a_catalog_in_every_area():
    assert [code for code, _name in settings.LANGUAGES] == ["en", *translation_coverage.TRANSLATED_LANGUAGES]
    for area in translation_coverage.areas():
        for language in translation_coverage.TRANSLATED_LANGUAGES:
            assert translation_coverage.catalog_path(area, language).exists()


def test_every_string_of_the_interface_is_translated():
    """Each string makemessages would extract from an area has a non-empty, non-fuzzy translation in that area's
    catalog of every language, keeping its placeholders and HTML. To fill the gaps listed on failure:
    `python -m comptoir.web.translation_coverage --append`, translate the appended entries, then msgfmt."""
    problems = []
    for area in translation_coverage.areas():
        wanted = translation_coverage.extracted(area)
        assert wanted, area
        for language in translation_coverage.TRANSLATED_LANGUAGES:
            gap = translation_coverage.gaps(area, language, wanted)
            if gap:
                problems.append(gap.describe())
    assert not problems, "Untranslated interface strings (docs/LANGUAGES.md):\n" + "\n".join(problems)


def test_every_string_of_the_domain_apps_is_translated_in_some_catalog():
    """Model choices and messages of the domain apps (ledger account names, webhook events, payment statuses) reach
    pages too; Django finds them in any catalog, so each needs a translation in at least one, per language."""
    wanted = translation_coverage.outside_areas()
    assert (None, "Payout to the seller") in wanted  # payments' ledger transaction kinds are among them
    assert not any("/tests/" in where or where.startswith("testing/") for where in wanted.values())
    problems = [
        gap.describe()
        for language in translation_coverage.TRANSLATED_LANGUAGES
        if (gap := translation_coverage.outside_gaps(language, wanted))
    ]
    assert not problems, "Untranslated domain strings (docs/LANGUAGES.md):\n" + "\n".join(problems)


def test_the_domain_check_sees_a_string_no_catalog_translates():
    wanted = {(None, "A ledger account nobody translated"): "payments/models.py"}
    gap = translation_coverage.outside_gaps("de", wanted)
    assert gap.missing == [(None, "A ledger account nobody translated")]


def test_the_coverage_check_sees_a_new_string_and_a_broken_placeholder(tmp_path):
    area = translation_coverage.areas()[0]
    wanted = dict(translation_coverage.extracted(area))
    wanted[(None, "A string nobody translated yet")] = "views.py"
    gap = translation_coverage.gaps(area, "de", wanted)
    assert gap.missing == [(None, "A string nobody translated yet")]
    assert "A string nobody translated yet" in gap.describe()
    assert translation_coverage.placeholders("Order <strong>%(number)s</strong> · {link}") == [
        "%(number)s",
        "</strong>",
        "<strong>",
        "{link}",
    ]


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(SOURCE_ROOT)))
def test_every_entry_is_translated_and_none_is_fuzzy(po_path):
    with po_path.open("rb") as handle:
        catalog = read_po(handle)
    untranslated = [
        message.id
        for message in catalog
        if message.id
        and (not message.string or not all(message.string if isinstance(message.string, tuple) else [message.string]))
    ]
    fuzzy = [message.id for message in catalog if message.id and message.fuzzy]
    assert untranslated == []
    assert fuzzy == []


@pytest.mark.parametrize("po_path", CATALOGS, ids=lambda path: str(path.relative_to(SOURCE_ROOT)))
def test_the_committed_mo_is_the_compiled_po(po_path):
    mo_path = po_path.with_suffix(".mo")
    assert mo_path.exists(), f"compile {po_path} with msgfmt"
    with po_path.open("rb") as handle:
        source = read_po(handle)
    compiled = BytesIO()
    write_mo(compiled, source)
    compiled.seek(0)
    with mo_path.open("rb") as handle:
        committed = read_mo(handle)
    assert _ids(committed) == _ids(read_mo(compiled))

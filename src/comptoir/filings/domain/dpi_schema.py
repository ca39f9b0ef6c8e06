"""Validation of a DPI (DAC7) document against an XML Schema, and the rules of the OECD user guide a schema cannot
state. Pure (no Django): the caller says which schema (docs/TAXES.md, "DAC7: validation").

`COMPTOIR_SCHEMA` is Comptoir's own XSD of the DPI message (`filings/schemas/comptoir-dpi-v1.xsd`, importing
`comptoir-dpistf-v1.xsd`), written from the OECD's "XML Schema and User Guide" for the Model Rules for platform
operators and the European Commission's DAC7 publication; an operator may point to the official XSD its tax authority
publishes instead (setting `COMPTOIR_DAC7_XSD`), whose own imports are followed from its folder.
"""

from __future__ import annotations

import functools
from pathlib import Path

from lxml import etree

COMPTOIR_SCHEMA = Path(__file__).resolve().parent.parent / "schemas" / "comptoir-dpi-v1.xsd"

DPI = "urn:oecd:ties:dpi:v1"
STF = "urn:oecd:ties:dpistf:v1"


def _parser() -> etree.XMLParser:
    # No entity expansion, no DTD, no network: a document or a schema only ever reads local files.
    return etree.XMLParser(resolve_entities=False, no_network=True, load_dtd=False, huge_tree=False)


@functools.lru_cache(maxsize=4)
def _schema(path: str, versions: tuple[tuple[str, int], ...]) -> etree.XMLSchema:
    return etree.XMLSchema(etree.parse(path, _parser()))


def load_schema(path: Path | str) -> etree.XMLSchema:
    """The compiled schema at `path` (cached until it or an XSD next to it, which it may import, changes). Raises
    ValueError when the file is missing or is not a usable XML Schema (an import not found, a syntax error)."""
    location = Path(path)
    try:
        location.stat()
        versions = tuple((item.name, item.stat().st_mtime_ns) for item in sorted(location.parent.glob("*.xsd")))
        return _schema(str(location.resolve()), versions)
    except OSError as error:
        raise ValueError(f"DAC7 schema {location}: {error.strerror or error}") from error
    except (etree.XMLSchemaParseError, etree.XMLSyntaxError) as error:
        raise ValueError(f"DAC7 schema {location} is not a usable XML Schema: {error}") from error


def schema_problems(document: bytes, schema_path: Path | str = COMPTOIR_SCHEMA) -> list[str]:
    """What the schema at `schema_path` finds wrong in `document` (empty: valid), one line per error with its line
    number and the schema validator's own message. A document that is not well-formed XML is one problem."""
    schema = load_schema(schema_path)
    try:
        tree = etree.fromstring(document, _parser())
    except etree.XMLSyntaxError as error:
        return [f"not well-formed XML: {error}"]
    if schema.validate(tree):
        return []
    return [f"line {entry.line}: {entry.message}" for entry in schema.error_log]


def rule_problems(document: bytes) -> list[str]:
    """The rules of the DPI user guide no XSD states: every DocRefId is unique within the message; a TIN names its
    issuing country unless it is marked unknown; the reporting period ends on 31 December (DAC7 reports calendar
    years). Run after the schema: assumes a well-formed DPI document."""
    tree = etree.fromstring(document, _parser())
    problems: list[str] = []
    seen: set[str] = set()
    for element in tree.iter(f"{{{STF}}}DocRefId"):
        reference = (element.text or "").strip()
        if reference in seen:
            problems.append(f"line {element.sourceline}: DocRefId {reference!r} is used twice")
        seen.add(reference)
    for element in tree.iter(f"{{{DPI}}}TIN"):
        if not element.get("issuedBy") and element.get("unknown") not in ("true", "1"):
            problems.append(f'line {element.sourceline}: a TIN without issuedBy must be marked unknown="true"')
    for element in tree.iter(f"{{{DPI}}}ReportingPeriod"):
        if not (element.text or "").strip().endswith("-12-31"):
            problems.append(f"line {element.sourceline}: ReportingPeriod {element.text!r} is not a 31 December")
    return problems


def dpi_problems(document: bytes, schema_path: Path | str = COMPTOIR_SCHEMA) -> list[str]:
    """Everything that stops `document` from being filed: the schema's errors, then (if it is valid) the rules."""
    return schema_problems(document, schema_path) or rule_problems(document)

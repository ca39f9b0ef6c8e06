"""Reading the values shops write: HTML bodies, spreadsheet-mangled barcodes, decimal prices, quantities. Pure."""

from __future__ import annotations

import codecs
import csv
import html
import io
import re
from collections.abc import Iterator
from decimal import Decimal, InvalidOperation
from html.parser import HTMLParser
from typing import IO, Any

from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.connectors.domain.records import gettext_noop, message, render

NOT_A_NUMBER = gettext_noop("'%(value)s' is not a number.")


class NotANumber(ValueError):
    """A price or quantity that is no number; `params` fill `NOT_A_NUMBER` in the reader's language."""

    def __init__(self, value: str) -> None:
        self.params = {"value": value}
        super().__init__(NOT_A_NUMBER % self.params)


BLOCK_TAGS = frozenset(
    {
        "p",
        "div",
        "br",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "ul",
        "ol",
        "table",
        "tr",
        "section",
        "article",
        "blockquote",
    }
)
DROPPED_TAGS = frozenset({"script", "style", "iframe", "object", "template", "noscript"})
SCIENTIFIC = re.compile(r"^\s*([0-9]+)(?:[.,]([0-9]*))?[eE]\+?([0-9]+)\s*$")
MAX_DESCRIPTION = 20_000


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.parts: list[str] = []
        self.dropping = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag in DROPPED_TAGS:
            self.dropping += 1
        elif tag == "li":
            self.parts.append("\n• ")
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n" if tag not in ("br", "tr") else "\n")

    def handle_endtag(self, tag: str) -> None:
        if tag in DROPPED_TAGS:
            self.dropping = max(0, self.dropping - 1)
        elif tag in BLOCK_TAGS:
            self.parts.append("\n\n" if tag not in ("br", "tr") else "\n")

    def handle_data(self, data: str) -> None:
        if not self.dropping:
            self.parts.append(data)


def html_to_text(value: str) -> str:
    """A shop's HTML body as plain text with paragraphs (the storefront escapes it and adds its own line breaks):
    tags and scripts removed, entities decoded, list items bulleted, runs of spaces and blank lines collapsed."""
    if not value or not value.strip():
        return ""
    if "<" not in value:
        text = html.unescape(value)
    else:
        extractor = _TextExtractor()
        extractor.feed(value)
        extractor.close()
        text = "".join(extractor.parts)
    lines = [" ".join(line.split()) for line in text.replace("\r", "").split("\n")]
    paragraphs: list[str] = []
    current: list[str] = []
    for line in lines:
        if line:
            current.append(line)
        elif current:
            paragraphs.append("\n".join(current))
            current = []
    if current:
        paragraphs.append("\n".join(current))
    return "\n\n".join(paragraphs)[:MAX_DESCRIPTION]


def parse_barcode(value: str) -> tuple[str | None, str | None]:
    """(GTIN as 14 digits, None), (None, None) when empty, or (None, why it is not used, in English)."""
    gtin, problem = parse_barcode_message(value)
    return gtin, render(problem["template"], problem["params"]) if problem else None


def parse_barcode_message(value: str) -> tuple[str | None, dict[str, Any] | None]:
    """(GTIN as 14 digits, None), (None, None) when empty, or (None, why it is not used: a `message` to render).

    Spreadsheets rewrite long numbers: `1.23457E+12` keeps six significant digits, so the barcode is lost (said so);
    `4.00638133393E+12` keeps them all and is expanded; a UPC that lost its leading zero (11 digits) and a trailing
    `.0` are repaired. Whatever the repair, the check digit must hold."""
    text = (value or "").strip().lstrip("'").strip()
    if not text:
        return None, None
    scientific = SCIENTIFIC.match(text)
    if scientific:
        whole, fraction, exponent = scientific.group(1), scientific.group(2) or "", int(scientific.group(3))
        digits = (whole + fraction).lstrip("0")
        length = len(whole.lstrip("0")) + exponent
        if len(fraction) > exponent or len(digits) < length - 1:
            return None, message(
                gettext_noop(
                    "The barcode %(barcode)s was rounded by a spreadsheet (scientific notation): its digits are "
                    "lost. Export the column as text."
                ),
                barcode=text,
            )
        text = str(int(Decimal(whole + "." + fraction if fraction else whole) * (10**exponent)))
    if text.endswith(".0") and text[:-2].isdigit():
        text = text[:-2]
    if text.isascii() and text.isdigit() and len(text) in (7, 11):
        text = "0" + text
    gtin, reason = normalise_gtin(text)
    return gtin, message(reason) if reason else None  # the catalog's fixed reasons, in the catalogs already


def parse_decimal(value: str) -> Decimal | None:
    """A price as shops write it ('69.99', '69,99', '1 299.00', '14.0000'); None when empty; raises NotANumber."""
    text = (value or "").strip().replace("\u00a0", "").replace(" ", "")
    if not text:
        return None
    if "," in text and "." not in text:
        text = text.replace(",", ".")
    elif "," in text:
        text = text.replace(",", "")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise NotANumber(value) from error
    if not number.is_finite():
        raise NotANumber(value)
    return number


def parse_quantity(value: str) -> int | None:
    """A stock quantity; '10.0000' and '10.10' (multi-source stock keeps decimals) give 10; None when empty."""
    number = parse_decimal(value)
    if number is None:
        return None
    return int(number.to_integral_value(rounding="ROUND_FLOOR"))


def parse_flag(value: str, default: bool = True) -> bool:
    text = (value or "").strip().lower()
    if not text:
        return default
    return text in ("1", "true", "yes", "y", "on", "publish", "active", "instock", "in stock")


def read_rows(opener_result: IO[bytes], *, delimiter: str = ",") -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, fields) for every record of a CSV file in UTF-8 (a BOM is skipped), streamed:
    one record in memory at a time. Raises UnicodeDecodeError with the file's position when a byte is not UTF-8."""
    text = io.TextIOWrapper(opener_result, encoding="utf-8-sig", newline="", errors="strict")
    reader = csv.reader(text, delimiter=delimiter)
    previous = 0
    for fields in reader:
        start = previous + 1
        previous = reader.line_num
        if not any(field.strip() for field in fields):
            continue
        yield start, fields


def sniff_delimiter(first_line: bytes) -> str:
    line = codecs.decode(first_line, "utf-8", errors="replace")
    return ";" if line.count(";") > line.count(",") else ","

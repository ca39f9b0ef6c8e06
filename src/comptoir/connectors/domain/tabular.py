"""What every CSV parser shares: the header check, a row as a mapping, and a guess of what a wrong file is. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from comptoir.connectors.domain.cleaning import parse_barcode, parse_decimal, parse_quantity
from comptoir.connectors.domain.records import ERROR, WARNING, Columns, Item, Problem

# A column that only one kind of file has, and what that file is: named in the report of a file given as the wrong
# thing ("this looks like a PrestaShop customers file").
KNOWN_OTHER_FILES = (
    ("Address ID", "a PrestaShop addresses file"),
    ("Customer ID", "a PrestaShop customers file"),
    ("Alias ID", "a PrestaShop search aliases file"),
    ("Category ID", "a PrestaShop categories file"),
    ("Store ID", "a PrestaShop store contacts file"),
    ("Supplier ID", "a PrestaShop suppliers file"),
    ("Supply Order ID", "a PrestaShop supply orders file"),
    ("Supply Order Reference *", "a PrestaShop supply order details file"),
    ("Attribute (Name:Type:Position)*", "a PrestaShop combinations file (give it with its products file)"),
    ("Short description", "a PrestaShop brands file"),
    ("tier_price", "a Magento advanced pricing file (tier prices)"),
    ("source_code", "a Magento stock sources file (multi-source stock)"),
    ("_website", "a Magento customers file"),
    ("_email", "a Magento customer file"),
    ("Rate %", "a WooCommerce tax rates file"),
    ("Handle", "a Shopify product CSV"),
    ("Parent", "a WooCommerce product CSV"),
    ("Product ID", "a PrestaShop products file"),
    ("product_type", "a Magento catalog export"),
)


def guess_file(names: Iterable[str]) -> str:
    # A file read with the wrong delimiter has one long column: look inside it too.
    present = {part.strip() for name in names for part in name.replace(";", ",").split(",")} | {
        name.strip() for name in names
    }
    for column, description in KNOWN_OTHER_FILES:
        if column in present:
            return description
    return ""


def check_header(
    names: list[str], *, known: frozenset[str], required: tuple[str, ...], format_label: str
) -> Iterator[Item]:
    """The header's `Columns` item, and one error per missing required column (with a guess of the file's kind)."""
    stripped = [name.strip() for name in names]
    unknown = tuple(name for name in stripped if name and name not in known and not name.startswith("Meta:"))
    yield Columns(names=tuple(stripped), unknown=unknown)
    missing = [column for column in required if column not in stripped]
    if missing:
        guess = guess_file(stripped)
        hint = f" This looks like {guess}." if guess and format_label not in guess else ""
        yield Problem(
            ERROR,
            1,
            ", ".join(missing),
            f"Not {format_label}: the required column(s) {', '.join(missing)} are missing.{hint}",
            "missing_columns",
        )


class Row:
    """One record of a CSV file by column name; the reads that can fail add their problem to `problems`."""

    __slots__ = ("fields", "index", "line", "problems")

    def __init__(self, line: int, fields: list[str], index: dict[str, int]) -> None:
        self.line = line
        self.fields = fields
        self.index = index
        self.problems: list[Problem] = []

    def get(self, column: str) -> str:
        position = self.index.get(column)
        if position is None or position >= len(self.fields):
            return ""
        return self.fields[position].strip()

    def decimal(self, column: str) -> Decimal | None:
        try:
            return parse_decimal(self.get(column))
        except ValueError as error:
            self.problems.append(Problem(ERROR, self.line, column, str(error), "invalid_number"))
            return None

    def quantity(self, column: str) -> int | None:
        try:
            quantity = parse_quantity(self.get(column))
        except ValueError as error:
            self.problems.append(Problem(ERROR, self.line, column, str(error), "invalid_number"))
            return None
        if quantity is not None and quantity < 0:
            self.problems.append(
                Problem(WARNING, self.line, column, f"Negative stock ({quantity}) is imported as 0.", "negative_stock")
            )
            return 0
        return quantity

    def barcode(self, column: str) -> str | None:
        gtin, problem = parse_barcode(self.get(column))
        if problem:
            self.problems.append(
                Problem(WARNING, self.line, column, f"{problem} Imported without a GTIN.", "gtin_unusable")
            )
        return gtin


def header_index(names: list[str]) -> dict[str, int]:
    index: dict[str, int] = {}
    for position, name in enumerate(names):
        index.setdefault(name.strip(), position)
    return index


def grams(value: Decimal | None, unit: str) -> int | None:
    """A weight in grams from a value in `unit` (g, kg, lb, lbs, oz); None when missing, zero or unknown."""
    factors = {"g": Decimal(1), "kg": Decimal(1000), "lb": Decimal("453.59237"), "lbs": Decimal("453.59237")}
    factors["oz"] = Decimal("28.349523125")
    factor = factors.get(unit.strip().lower())
    if value is None or factor is None or value <= 0:
        return None
    result = int((value * factor).to_integral_value())
    return result if 0 < result <= 10_000_000 else None

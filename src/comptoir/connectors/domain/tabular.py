"""What every CSV parser shares: the header check, a row as a mapping, and a guess of what a wrong file is. Pure."""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from decimal import Decimal

from comptoir.connectors.domain.cleaning import (
    NOT_A_NUMBER,
    NotANumber,
    parse_barcode_message,
    parse_decimal,
    parse_quantity,
)
from comptoir.connectors.domain.records import ERROR, WARNING, Columns, Item, Problem, gettext_noop, message

NO_GTIN = gettext_noop("%(problem)s Imported without a GTIN.")

# A column that only one kind of file has, and what that file is: named in the report of a file given as the wrong
# thing ("this looks like a PrestaShop customers file").
KNOWN_OTHER_FILES = (
    ("Address ID", gettext_noop("a PrestaShop addresses file")),
    ("Customer ID", gettext_noop("a PrestaShop customers file")),
    ("Alias ID", gettext_noop("a PrestaShop search aliases file")),
    ("Category ID", gettext_noop("a PrestaShop categories file")),
    ("Store ID", gettext_noop("a PrestaShop store contacts file")),
    ("Supplier ID", gettext_noop("a PrestaShop suppliers file")),
    ("Supply Order ID", gettext_noop("a PrestaShop supply orders file")),
    ("Supply Order Reference *", gettext_noop("a PrestaShop supply order details file")),
    (
        "Attribute (Name:Type:Position)*",
        gettext_noop("a PrestaShop combinations file (give it with its products file)"),
    ),
    ("Short description", gettext_noop("a PrestaShop brands file")),
    ("tier_price", gettext_noop("a Magento advanced pricing file (tier prices)")),
    ("source_code", gettext_noop("a Magento stock sources file (multi-source stock)")),
    ("_website", gettext_noop("a Magento customers file")),
    ("_email", gettext_noop("a Magento customer file")),
    ("Rate %", gettext_noop("a WooCommerce tax rates file")),
    ("Handle", gettext_noop("a Shopify product CSV")),
    ("Parent", gettext_noop("a WooCommerce product CSV")),
    ("Product ID", gettext_noop("a PrestaShop products file")),
    ("product_type", gettext_noop("a Magento catalog export")),
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
        params: dict[str, object] = {"format": message(format_label), "columns": ", ".join(missing)}
        if guess and format_label not in guess:
            text = gettext_noop(
                "Not %(format)s: the required column(s) %(columns)s are missing. This looks like %(guess)s."
            )
            params["guess"] = message(guess)
        else:
            text = gettext_noop("Not %(format)s: the required column(s) %(columns)s are missing.")
        yield Problem(ERROR, 1, ", ".join(missing), text, "missing_columns", params)


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
        except NotANumber as error:
            self.problems.append(Problem(ERROR, self.line, column, NOT_A_NUMBER, "invalid_number", error.params))
            return None

    def quantity(self, column: str) -> int | None:
        try:
            quantity = parse_quantity(self.get(column))
        except NotANumber as error:
            self.problems.append(Problem(ERROR, self.line, column, NOT_A_NUMBER, "invalid_number", error.params))
            return None
        if quantity is not None and quantity < 0:
            self.problems.append(
                Problem(
                    WARNING,
                    self.line,
                    column,
                    gettext_noop("Negative stock (%(quantity)s) is imported as 0."),
                    "negative_stock",
                    {"quantity": quantity},
                )
            )
            return 0
        return quantity

    def barcode(self, column: str) -> str | None:
        gtin, problem = parse_barcode_message(self.get(column))
        if problem:
            self.problems.append(Problem(WARNING, self.line, column, NO_GTIN, "gtin_unusable", {"problem": problem}))
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

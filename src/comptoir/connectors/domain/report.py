"""The dry run's bookkeeping over the neutral stream: what is imported, what is skipped, and every problem by line
and column. Pure; the services add what needs the database (GTIN matches, category mapping, new or updated offers).

`Analyser.accept` is applied to the stream by the dry run and by the commit alike, so both import exactly the same
records. Memory: counters, at most `MAX_LISTED` problems of each severity, and the keys needed to find duplicates
(a hash per SKU, an integer per GTIN and a hash per family, in flat arrays: `IntSet`)."""

from __future__ import annotations

from array import array
from dataclasses import asdict, dataclass, field
from decimal import Decimal
from typing import Any

from comptoir.connectors.domain.records import (
    ERROR,
    FAMILY,
    SIMPLE,
    VARIANT,
    WARNING,
    Columns,
    Item,
    PictureRecord,
    Problem,
    ProductRecord,
    gettext_noop,
)
from comptoir.core.money import currency_exponent

MAX_LISTED = 200
MAX_STOCK = 1_000_000
MAX_SKU = 100
MAX_TITLE = 300
MAX_KEY = 200  # connectors.models.ImportedFamily.key


@dataclass
class ImportReport:
    """What a file holds and what importing it does. `error_count` > 0: nothing may be imported."""

    format: str
    products: int = 0  # catalog products: families and products without variants
    families: int = 0
    families_restructured: int = 0  # families imported before that gain option groups (filled by the services)
    variants: int = 0
    offers: int = 0  # what is sold: products without variants and variants
    pictures: int = 0
    skipped: dict[str, int] = field(default_factory=dict)
    error_count: int = 0
    warning_count: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)
    warnings: list[dict[str, Any]] = field(default_factory=list)
    unknown_columns: list[str] = field(default_factory=list)
    categories: dict[str, int] = field(default_factory=dict)  # the file's category path -> offers and families
    # Filled by the services from the database:
    category_mapping: dict[str, str] = field(default_factory=dict)  # path -> Comptoir category name ('' = none)
    categories_defaulted: list[str] = field(default_factory=list)  # paths given the default category
    gtin_matches: int = 0  # offers attached to a product already in the shared catalog
    gtin_match_examples: list[dict[str, Any]] = field(default_factory=list)
    offers_new: int = 0
    offers_updated: int = 0

    @property
    def is_valid(self) -> bool:
        return self.error_count == 0

    def add_problem(self, problem: Problem) -> None:
        entry = {
            "line": problem.line,
            "column": problem.column,
            "message": problem.text,  # English; `template` and `params` render it in the reader's language
            "code": problem.code,
            "template": problem.message,
            "params": problem.params,
        }
        if problem.severity == ERROR:
            self.error_count += 1
            if len(self.errors) < MAX_LISTED:
                self.errors.append(entry)
        else:
            self.warning_count += 1
            if len(self.warnings) < MAX_LISTED:
                self.warnings.append(entry)
            if problem.code.startswith("skipped_") or problem.code in ("duplicate", "duplicate_sku"):
                self.skipped[problem.code] = self.skipped.get(problem.code, 0) + 1

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImportReport:
        known = cls.__dataclass_fields__
        return cls(**{name: value for name, value in data.items() if name in known})


class IntSet:
    """A set of 64-bit integers in one flat array (open addressing, linear probing, at most half full): 16 to 32
    bytes an entry, where a Python set of ints costs about 70 (the int object and the set's slot). For keys that
    are hashes already (SKU and family hashes) or GTINs."""

    def __init__(self) -> None:
        self._table = array("q", bytes(8 * 1024))
        self._mask = 1023
        self._size = 0
        self._zero = False  # 0 marks an empty slot: the key 0 is kept apart

    def __len__(self) -> int:
        return self._size + self._zero

    def __contains__(self, key: int) -> bool:
        if key == 0:
            return self._zero
        table, mask = self._table, self._mask
        index = key & mask
        while True:
            value = table[index]
            if value == key:
                return True
            if value == 0:
                return False
            index = (index + 1) & mask

    def add(self, key: int) -> None:
        if key == 0:
            self._zero = True
            return
        if self._insert(self._table, self._mask, key):
            self._size += 1
            if 2 * self._size > len(self._table):
                self._grow()

    @staticmethod
    def _insert(table: array, mask: int, key: int) -> bool:
        index = key & mask
        while True:
            value = table[index]
            if value == key:
                return False
            if value == 0:
                table[index] = key
                return True
            index = (index + 1) & mask

    def _grow(self) -> None:
        old = self._table
        self._table = array("q", bytes(16 * len(old)))
        self._mask = 2 * len(old) - 1
        for value in old:
            if value:
                self._insert(self._table, self._mask, value)


def minor_units(price: Decimal, currency: str) -> int | None:
    """The price in minor units of `currency`, or None when it has more decimals than the currency allows."""
    scaled = price.scaleb(currency_exponent(currency))
    if scaled != scaled.to_integral_value():
        return None
    return int(scaled)


class Analyser:
    """Checks each item of the stream against what an offer and a product need, counts, and says which records
    are imported (`accept` returns them, with `price_minor` set) and which are not (None)."""

    def __init__(self, *, format_name: str, currency: str, max_price_minor: int) -> None:
        self.report = ImportReport(format=format_name)
        self.currency = currency
        self.max_price_minor = max_price_minor
        # Duplicates are found by key: SKUs by their hash (8 bytes, not the text: a false duplicate needs a 64-bit
        # collision inside one file), GTINs as integers.
        # Both in an `IntSet` (16 to 32 bytes a row), as are the families' keys (by hash too).
        self._skus = IntSet()
        self._gtins = IntSet()
        self._families = IntSet()
        self.price_minor: int | None = None

    def problem(self, severity: str, line: int, column: str, message: str, code: str, **params: Any) -> None:
        self.report.add_problem(Problem(severity, line, column, message, code, params))  # type: ignore[arg-type]

    def accept(self, item: Item) -> ProductRecord | PictureRecord | None:
        if isinstance(item, Problem):
            self.report.add_problem(item)
            return None
        if isinstance(item, Columns):
            self.report.unknown_columns = list(item.unknown)
            return None
        if isinstance(item, PictureRecord):
            self.report.pictures += 1
            return item
        return self._record(item)

    def _record(self, record: ProductRecord) -> ProductRecord | None:
        report = self.report
        column = "title"
        if record.kind in (FAMILY, SIMPLE) and not record.title.strip():
            self.problem(ERROR, record.line, column, gettext_noop("A product needs a title."), "missing_title")
            return None
        if len(record.title) > MAX_TITLE:
            self.problem(
                WARNING,
                record.line,
                column,
                gettext_noop("Title cut to %(max)s characters."),
                "title_cut",
                max=MAX_TITLE,
            )
            record.title = record.title[:MAX_TITLE]
        if record.kind == FAMILY:
            if not record.key or len(record.key) > MAX_KEY:
                self.problem(
                    ERROR,
                    record.line,
                    "",
                    gettext_noop("A product key of 1 to %(max)s characters is needed."),
                    "key",
                    max=MAX_KEY,
                )
                return None
            if hash(record.key) in self._families:
                self.problem(
                    ERROR,
                    record.line,
                    "",
                    gettext_noop("The product '%(key)s' appears twice."),
                    "duplicate_family",
                    key=record.key,
                )
                return None
            self._families.add(hash(record.key))
            report.families += 1
            report.products += 1
            self._count_category(record)
            report.pictures += len(record.image_urls)
            return record
        if record.kind == VARIANT and hash(record.family_key) not in self._families:
            self.problem(
                ERROR,
                record.line,
                "",
                gettext_noop("The variant's product '%(key)s' is not above it."),
                "no_family",
                key=record.family_key,
            )
            return None
        if not record.sku or len(record.sku) > MAX_SKU:
            self.problem(
                ERROR,
                record.line,
                "sku",
                gettext_noop("A SKU of 1 to %(max)s characters is needed."),
                "invalid_sku",
                max=MAX_SKU,
            )
            return None
        sku_key = hash(record.sku)
        if sku_key in self._skus:
            self.problem(
                WARNING,
                record.line,
                "sku",
                gettext_noop("The SKU '%(sku)s' is already used above: skipped."),
                "duplicate_sku",
                sku=record.sku,
            )
            return None
        if record.price is None:
            return None  # the parser reported why
        price_minor = minor_units(record.price, self.currency)
        if price_minor is None:
            self.problem(
                ERROR,
                record.line,
                "price",
                gettext_noop("%(price)s has too many decimals for %(currency)s."),
                "price",
                price=str(record.price),
                currency=self.currency,
            )
            return None
        if not 0 < price_minor <= self.max_price_minor:
            self.problem(
                ERROR,
                record.line,
                "price",
                gettext_noop("The price %(price)s is out of range."),
                "price",
                price=str(record.price),
            )
            return None
        if record.stock is not None and record.stock > MAX_STOCK:
            self.problem(ERROR, record.line, "stock", gettext_noop("At most %(max)s units."), "stock", max=MAX_STOCK)
            return None
        if record.gtin is not None:
            if int(record.gtin) in self._gtins:
                self.problem(
                    WARNING,
                    record.line,
                    "gtin",
                    gettext_noop("The GTIN %(gtin)s is already used above: imported without it."),
                    "duplicate_gtin",
                    gtin=record.gtin.lstrip("0"),
                )
                record.gtin = None
            else:
                self._gtins.add(int(record.gtin))
        self._skus.add(sku_key)
        self.price_minor = price_minor
        if record.kind == SIMPLE:
            report.products += 1
        else:
            report.variants += 1
        report.offers += 1
        report.pictures += len(record.image_urls)
        self._count_category(record)
        return record

    def _count_category(self, record: ProductRecord) -> None:
        if record.kind == VARIANT:
            return  # a variant is in its family's category
        path = record.category_path.strip()
        self.report.categories[path] = self.report.categories.get(path, 0) + 1

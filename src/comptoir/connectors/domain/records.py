"""The neutral stream every shop parser produces: product records, problems and the file's columns. Pure.

A parser turns one shop's export into `ProductRecord`s (a simple product, a family, or a variant of a family), each
with the line it starts on, plus `Problem`s (an error blocks the import, a warning does not) and one `Columns` item
naming the columns it did not use. Records are small and are not kept: the services read the stream once per pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Final, Literal

SIMPLE: Final = "simple"
FAMILY: Final = "family"
VARIANT: Final = "variant"
RecordKind = Literal["simple", "family", "variant"]

ERROR: Final = "error"
WARNING: Final = "warning"
Severity = Literal["error", "warning"]


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong at `line` (1-based physical line of the file; 0 for the whole file) in `column`."""

    severity: Severity
    line: int
    column: str
    message: str
    code: str = ""


@dataclass(frozen=True, slots=True)
class Columns:
    """The header as read, and the columns no part of Comptoir uses (reported, never an error)."""

    names: tuple[str, ...]
    unknown: tuple[str, ...]


@dataclass(slots=True)
class ProductRecord:
    """One product of the export. A `family` has `option_names` and no price; its `variant`s name it by
    `family_key` and carry `option_values`, price, stock and identifiers; a `simple` product is sold as it is.
    `key` is what identifies the record in the seller's shop: the SKU of what is sold, the handle or parent SKU of
    a family. `stock` None means the shop does not count it (then `in_stock` says whether it sells)."""

    kind: RecordKind
    key: str
    line: int
    title: str = ""
    description: str = ""
    brand: str = ""
    category_path: str = ""
    family_key: str = ""
    sku: str = ""
    gtin: str | None = None
    price: Decimal | None = None
    stock: int | None = None
    in_stock: bool = True
    is_active: bool = True
    option_names: tuple[str, ...] = ()
    option_values: dict[str, str] = field(default_factory=dict)
    image_urls: tuple[str, ...] = ()
    weight_grams: int | None = None
    attributes: dict[str, object] = field(default_factory=dict)

    @property
    def is_sold(self) -> bool:
        """Whether an offer comes from this record (a family is never sold itself)."""
        return self.kind != FAMILY


@dataclass(frozen=True, slots=True)
class PictureRecord:
    """A picture met after the product it illustrates (a WXR attachment): added to the product `key` names."""

    key: str
    url: str
    line: int


Item = ProductRecord | PictureRecord | Problem | Columns
Opener = Callable[[], IO[bytes]]
Parser = Callable[..., Iterator[Item]]

"""The neutral stream every shop parser produces: product records, problems and the file's columns. Pure.

A parser turns one shop's export into `ProductRecord`s (a simple product, a family, or a variant of a family), each
with the line it starts on, plus `Problem`s (an error blocks the import, a warning does not) and one `Columns` item
naming the columns it did not use. Records are small and are not kept: the services read the stream once per pass.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from decimal import Decimal
from typing import IO, Any, Final, Literal

SIMPLE: Final = "simple"
FAMILY: Final = "family"
VARIANT: Final = "variant"
RecordKind = Literal["simple", "family", "variant"]

ERROR: Final = "error"
WARNING: Final = "warning"
Severity = Literal["error", "warning"]


def gettext_noop(message: str) -> str:
    """Marks an English message for the translators' catalogs (extracted under this name); the web and API layers
    translate it with gettext when they show it, in the reader's language. Pure: returns `message` as it is."""
    return message


def render(template: str, params: dict[str, Any], translate: Callable[[str], str] = gettext_noop) -> str:
    """`template` (a gettext message id with `%(name)s` placeholders) filled with `params`, through `translate`.
    A parameter may itself be a message (`{"template": ..., "params": ...}`), rendered the same way first."""
    text = translate(template)
    if not params:
        return text
    values = {
        name: render(value["template"], value.get("params") or {}, translate)
        if isinstance(value, dict) and "template" in value
        else value
        for name, value in params.items()
    }
    try:
        return text % values
    except (KeyError, ValueError, TypeError):  # a translation with a broken placeholder: the English instead
        return template % values


def message(template: str, **params: Any) -> dict[str, Any]:
    """A message to nest as a parameter of another (rendered in the reader's language with it)."""
    return {"template": template, "params": params}


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong at `line` (1-based physical line of the file; 0 for the whole file) in `column`.

    `message` is an English gettext message id (marked with `gettext_noop`) with `%(name)s` placeholders filled from
    `params` (numbers, text from the file, or nested messages made by `message`): the report keeps both, so that
    each reader sees it in their own language (`comptoir.connectors.messages`). `text` is the English."""

    severity: Severity
    line: int
    column: str
    message: str
    code: str = ""
    params: dict[str, Any] = field(default_factory=dict)

    @property
    def text(self) -> str:
        return render(self.message, self.params)


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

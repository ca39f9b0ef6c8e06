"""Generic channel feeds (the Lengow model): the operator or a seller names the columns a channel expects and which
offer field fills each one (or a fixed value), and the feed is written as CSV or XML with exactly those columns.

`channel_columns_check` validates a mapping (`[{"column": "Title", "field": "title"}, …]`); `render_csv` and
`render_xml` stream the items through it."""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass

from comptoir.feeds.domain.google import shorten, tsv_value, xml_text
from comptoir.feeds.domain.items import FeedItem, money_text

MAX_COLUMNS = 60
MAX_COLUMN_LENGTH = 60
MAX_VALUE_LENGTH = 200
CONSTANT = "constant"
_XML_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_.-]*$")


def _option(name: str) -> Callable[[FeedItem], str]:
    return lambda item: dict(item.options).get(name, "")


def _shipping_amount(item: FeedItem) -> str:
    return str(item.shipping.price.to_decimal()) if item.shipping else ""


# Every field a column may take, with how it is written. Amounts are in the feed's currency.
FIELDS: dict[str, Callable[[FeedItem], str]] = {
    "id": lambda item: item.id,
    "sku": lambda item: item.sku,
    "title": lambda item: item.title,
    "description": lambda item: shorten(item.description, 5000),
    "link": lambda item: item.link,
    "image_link": lambda item: item.image_link,
    "additional_image_links": lambda item: ",".join(item.additional_image_links),
    "availability": lambda item: item.availability,
    "stock": lambda item: str(item.stock),
    "price": lambda item: money_text(item.price),
    "price_amount": lambda item: str(item.price.to_decimal()),
    "currency": lambda item: item.price.currency,
    "shipping_price": _shipping_amount,
    "delivered_price_amount": lambda item: (
        str((item.price + item.shipping.price).to_decimal()) if item.shipping else ""
    ),
    "delivery_days_min": lambda item: str(item.handling_days + item.shipping.min_transit_days) if item.shipping else "",
    "delivery_days_max": lambda item: str(item.handling_days + item.shipping.max_transit_days) if item.shipping else "",
    "handling_days": lambda item: str(item.handling_days),
    "condition": lambda item: item.condition,
    "brand": lambda item: item.brand,
    "gtin": lambda item: item.gtin,
    "mpn": lambda item: item.mpn,
    "google_product_category": lambda item: str(item.google_product_category or ""),
    "category": lambda item: item.product_type,
    "item_group_id": lambda item: item.item_group_id,
    "color": _option("color"),
    "size": _option("size"),
    "material": _option("material"),
    "pattern": _option("pattern"),
    "seller_id": lambda item: item.seller_id,
    "seller_name": lambda item: item.seller_name,
}


class ColumnsInvalid(ValueError):
    """A mapping that cannot be used: `errors` says what is wrong, by position ("columns[2]") or for the whole."""

    def __init__(self, errors: dict[str, str]):
        super().__init__("; ".join(f"{key}: {message}" for key, message in errors.items()))
        self.errors = errors


@dataclass(frozen=True, slots=True)
class ChannelColumn:
    column: str
    field: str
    value: str = ""  # the fixed text of a `constant` column

    def as_dict(self) -> dict[str, str]:
        data = {"column": self.column, "field": self.field}
        if self.field == CONSTANT:
            data["value"] = self.value
        return data


def channel_columns_check(raw: object, *, xml: bool) -> list[ChannelColumn]:
    """The mapping as columns, or ColumnsInvalid. A mapping is a non-empty list (at most 60) of objects with a
    `column` name (unique, at most 60 characters; for XML a valid element name) and a `field` from FIELDS or
    'constant' with a `value`."""
    if not isinstance(raw, list) or not raw:
        raise ColumnsInvalid({"columns": "Give at least one column."})
    if len(raw) > MAX_COLUMNS:
        raise ColumnsInvalid({"columns": f"At most {MAX_COLUMNS} columns."})
    errors: dict[str, str] = {}
    columns: list[ChannelColumn] = []
    seen: set[str] = set()
    for position, entry in enumerate(raw):
        key = f"columns[{position}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("column"), str):
            errors[key] = "Each column needs a name and a field."
            continue
        column = entry["column"].strip()
        field = str(entry.get("field", "")).strip()
        value = entry.get("value", "")
        if not column or len(column) > MAX_COLUMN_LENGTH:
            errors[key] = f"A column name has 1 to {MAX_COLUMN_LENGTH} characters."
        elif xml and not _XML_NAME.match(column):
            errors[key] = f"'{column}' cannot be an XML element name (letters, digits, _ . -; no space)."
        elif column.casefold() in seen:
            errors[key] = f"The column '{column}' is given twice."
        elif field != CONSTANT and field not in FIELDS:
            errors[key] = f"Unknown field '{field}'."
        elif field == CONSTANT and (not isinstance(value, str) or len(value) > MAX_VALUE_LENGTH):
            errors[key] = f"A constant column needs a text value of at most {MAX_VALUE_LENGTH} characters."
        else:
            seen.add(column.casefold())
            columns.append(ChannelColumn(column, field, value.strip() if field == CONSTANT else ""))
    if errors:
        raise ColumnsInvalid(errors)
    return columns


def _row(item: FeedItem, columns: list[ChannelColumn]) -> list[str]:
    return [column.value if column.field == CONSTANT else FIELDS[column.field](item) for column in columns]


def render_csv(items: Iterable[FeedItem], columns: list[ChannelColumn]) -> Iterator[str]:
    """RFC 4180 CSV (comma, double quotes, CRLF) with a header row of the column names."""
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow([column.column for column in columns])
    yield buffer.getvalue()
    for item in items:
        buffer.seek(0)
        buffer.truncate()
        writer.writerow(
            [tsv_value(value) if "\n" in value or "\r" in value else value for value in _row(item, columns)]
        )
        yield buffer.getvalue()


def render_xml(items: Iterable[FeedItem], columns: list[ChannelColumn]) -> Iterator[str]:
    """<products><product><Column>value</Column>…</product>…</products>."""
    yield '<?xml version="1.0" encoding="UTF-8"?>\n<products>\n'
    for item in items:
        cells = "".join(
            f"<{column.column}>{xml_text(value)}</{column.column}>"
            for column, value in zip(columns, _row(item, columns), strict=True)
        )
        yield f"<product>{cells}</product>\n"
    yield "</products>\n"

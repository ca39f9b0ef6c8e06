"""Shopify product CSV (both layouts: the current 48-column template and the older export). Pure.

Rows of one product share its handle and follow each other: the first row holds the product's text, every row with
a price is a variant (Option1–3 values), rows with only an image add a picture. One variant named
"Title: Default Title" is a product without variants."""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from comptoir.connectors.domain.cleaning import html_to_text, parse_flag, read_rows
from comptoir.connectors.domain.records import (
    ERROR,
    FAMILY,
    SIMPLE,
    VARIANT,
    WARNING,
    Item,
    Opener,
    Problem,
    ProductRecord,
    gettext_noop,
)
from comptoir.connectors.domain.tabular import Row, check_header, grams, header_index

KNOWN = frozenset(
    {
        "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
        "Option1 Name", "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value",
        "Variant SKU", "Variant Grams", "Variant Inventory Tracker", "Variant Inventory Qty",
        "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price",
        "Variant Requires Shipping", "Variant Taxable", "Variant Barcode", "Image Src", "Image Position",
        "Image Alt Text", "SEO Title", "SEO Description", "Google Shopping / Google Product Category",
        "Google Shopping / MPN", "Google Shopping / Condition", "Variant Image", "Variant Weight Unit", "Status",
        "Google Shopping / Gender", "Google Shopping / Age Group", "Gift Card", "Cost per item",
    }
)  # fmt: skip
REQUIRED = ("Handle", "Title", "Variant Price")
OPTIONS = (("Option1 Name", "Option1 Value"), ("Option2 Name", "Option2 Value"), ("Option3 Name", "Option3 Value"))


def derived_sku(*parts: str) -> str:
    return re.sub(r"[^A-Za-z0-9._-]+", "-", "-".join(part for part in parts if part)).strip("-")[:100]


def parse_shopify(open_file: Opener) -> Iterator[Item]:
    """The neutral stream of a Shopify product CSV; memory holds one product's rows at a time."""
    with open_file() as raw:
        rows = read_rows(raw)
        first = next(rows, None)
        if first is None:
            yield Problem(ERROR, 0, "", gettext_noop("The file is empty."), "empty_file")
            return
        names = first[1]
        header_problems = list(
            check_header(names, known=KNOWN, required=REQUIRED, format_label=gettext_noop("a Shopify product CSV"))
        )
        yield from header_problems
        if any(isinstance(item, Problem) for item in header_problems):
            return
        index = header_index(names)
        seen_handles: set[str] = set()
        group: list[Row] = []
        for line, fields in rows:
            row = Row(line, fields, index)
            handle = row.get("Handle")
            if not handle:
                yield Problem(
                    ERROR, line, "Handle", gettext_noop("Every row needs the product's handle."), "missing_handle"
                )
                continue
            if group and handle != group[0].get("Handle"):
                yield from _product(group)
                group = []
            if not group:
                if handle in seen_handles:
                    yield Problem(
                        ERROR,
                        line,
                        "Handle",
                        gettext_noop("The rows of '%(handle)s' must follow each other."),
                        "handle_split",
                        {"handle": handle},
                    )
                    continue
                seen_handles.add(handle)
            group.append(row)
        if group:
            yield from _product(group)


def _product(rows: list[Row]) -> Iterator[Item]:
    head = rows[0]
    handle = head.get("Handle")
    title = head.get("Title")
    if not title:
        yield Problem(
            ERROR,
            head.line,
            "Title",
            gettext_noop("The first row of '%(handle)s' needs a title."),
            "missing_title",
            {"handle": handle},
        )
        return
    option_names = tuple(head.get(name_column) for name_column, _ in OPTIONS if head.get(name_column))
    sold = [row for row in rows if row.get("Variant Price") or row.get("Variant SKU") or row.get("Option1 Value")]
    images: list[tuple[int, str]] = []
    for row in rows:
        if row.get("Image Src"):
            position = row.get("Image Position")
            is_number = position.isascii() and position.isdigit()
            images.append((int(position) if is_number else 1000 + row.line, row.get("Image Src")))
    image_urls = tuple(dict.fromkeys(url for _, url in sorted(images)))
    status = head.get("Status").lower()
    is_active = (status in ("", "active")) and parse_flag(head.get("Published"), default=True)
    category = head.get("Product Category") or head.get("Google Shopping / Google Product Category") or head.get("Type")
    common: dict[str, Any] = dict(
        title=title,
        description=html_to_text(head.get("Body (HTML)")),
        brand=head.get("Vendor")[:120],
        category_path=category,
        is_active=is_active,
    )
    is_simple = len(sold) <= 1 and (not option_names or option_names == ("Title",))
    if not sold:
        yield Problem(
            ERROR,
            head.line,
            "Variant Price",
            gettext_noop("'%(handle)s' has no row with a price."),
            "missing_price",
            {"handle": handle},
        )
        return
    if is_simple:
        record = _sold(sold[0], kind=SIMPLE, key_parts=(handle,), option_names=(), **common)
        record.image_urls = image_urls or record.image_urls
        yield from sold[0].problems
        yield record
        return
    yield ProductRecord(
        kind=FAMILY, key=handle, line=head.line, option_names=option_names, image_urls=image_urls, **common
    )
    for row in sold:
        values = tuple(row.get(value_column) for _, value_column in OPTIONS[: len(option_names)])
        record = _sold(row, kind=VARIANT, key_parts=(handle, *values), option_names=option_names, **common)
        record.family_key = handle
        record.option_values = {name: value for name, value in zip(option_names, values, strict=True) if value}
        if not record.option_values:
            row.problems.append(
                Problem(
                    ERROR,
                    row.line,
                    "Option1 Value",
                    gettext_noop("A variant needs a value for its options."),
                    "missing_option",
                )
            )
        variant_title = " / ".join(values_ for values_ in values if values_)
        record.title = f"{title} – {variant_title}" if variant_title else title
        yield from row.problems
        yield record


def _sold(row: Row, *, kind, key_parts: tuple[str, ...], option_names, **common) -> ProductRecord:
    sku = row.get("Variant SKU")
    if not sku:
        sku = derived_sku(*key_parts)
        row.problems.append(
            Problem(
                WARNING,
                row.line,
                "Variant SKU",
                gettext_noop("No SKU: the offer is identified as '%(sku)s'."),
                "sku_derived",
                {"sku": sku},
            )
        )
    price = row.decimal("Variant Price")
    if price is None and not any(problem.column == "Variant Price" for problem in row.problems):
        row.problems.append(
            Problem(ERROR, row.line, "Variant Price", gettext_noop("A price is required."), "missing_price")
        )
    record = ProductRecord(
        kind=kind,
        key=sku,
        line=row.line,
        sku=sku,
        gtin=row.barcode("Variant Barcode"),
        price=price,
        stock=row.quantity("Variant Inventory Qty"),
        weight_grams=grams(row.decimal("Variant Grams"), "g") if row.get("Variant Grams") else None,
        **common,
    )
    if row.get("Variant Image") and kind == VARIANT:
        record.image_urls = (row.get("Variant Image"),)
    condition = row.get("Google Shopping / Condition")
    if condition:
        record.attributes["condition"] = condition
    return record

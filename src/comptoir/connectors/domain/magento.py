"""Magento 2 catalog export (Open Source 2.4), with its optional stock sources and advanced pricing files. Pure.

Options are encoded in one cell with pipes between entries and commas between `key=value` pairs
(`configurable_variations`, `custom_options`, `bundle_values`); `parse_pipes` reads them. A configurable product is a
family whose children are the simple rows its `configurable_variations` name; they usually come before it, so the
file is read twice (children, then families first and the rest after). Multi-source stock (`stock_sources.csv`)
replaces `qty` by the sum of the enabled sources; tier prices have no equivalent (one unit price per offer) and are
reported."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

from comptoir.connectors.domain.cleaning import html_to_text, parse_decimal, parse_flag, read_rows
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
        "sku", "store_view_code", "attribute_set_code", "product_type", "categories", "product_websites", "name",
        "description", "short_description", "weight", "product_online", "visibility", "price", "special_price",
        "special_price_from_date", "special_price_to_date", "url_key", "country_of_manufacture",
        "additional_attributes", "qty", "is_in_stock", "manage_stock", "custom_options", "configurable_variations",
        "configurable_variation_labels", "base_image", "base_image_label", "additional_images", "bundle_values",
        "associated_skus", "bundle_price_type", "bundle_sku_type", "bundle_price_view", "bundle_weight_type",
        "small_image", "thumbnail_image", "swatch_image",
    }
)  # fmt: skip
REQUIRED = ("sku", "product_type", "name", "price")
SKIPPED = {
    "grouped": gettext_noop("A grouped product only gathers other products, which are imported on their own: skipped."),
    "bundle": gettext_noop("A bundle is sold as a set of other products' options: not supported, skipped."),
    "downloadable": gettext_noop("A downloadable product has nothing to ship: skipped."),
}


def parse_pipes(value: str) -> list[dict[str, str]]:
    """'name=A,type=drop_down,option_title=Gold|name=A,…' → [{'name': 'A', 'type': 'drop_down', …}, …]. A comma
    inside a value (no '=' after it before the next comma) stays in that value."""
    entries: list[dict[str, str]] = []
    for chunk in value.split("|"):
        if not chunk.strip():
            continue
        entry: dict[str, str] = {}
        last = ""
        for part in chunk.split(","):
            if "=" in part:
                name, _, text = part.partition("=")
                last = name.strip()
                entry[last] = text.strip()
            elif last:
                entry[last] += "," + part
        entries.append(entry)
    return entries


def _stock_by_source(open_sources: Opener) -> tuple[dict[str, int], list[Problem]]:
    totals: dict[str, Decimal] = {}
    problems: list[Problem] = []
    with open_sources() as raw:
        rows = read_rows(raw)
        first = next(rows, None)
        if first is None:
            return {}, problems
        index = header_index(first[1])
        if not all(column in index for column in ("source_code", "sku", "quantity")):
            return {}, [
                Problem(ERROR, 1, "source_code", gettext_noop("Not a Magento stock sources file."), "missing_columns")
            ]
        for line, fields in rows:
            row = Row(line, fields, index)
            quantity = row.decimal("quantity")
            if parse_flag(row.get("status")) and quantity is not None and row.get("sku"):
                totals[row.get("sku")] = totals.get(row.get("sku"), Decimal(0)) + quantity
            problems.extend(row.problems)
    return {sku: max(0, int(total)) for sku, total in totals.items()}, problems


def parse_magento(
    open_file: Opener, open_stock_sources: Opener | None = None, open_advanced_pricing: Opener | None = None
) -> Iterator[Item]:
    stock_override: dict[str, int] = {}
    if open_stock_sources is not None:
        stock_override, problems = _stock_by_source(open_stock_sources)
        yield from problems
    if open_advanced_pricing is not None:
        yield from _tier_prices(open_advanced_pricing)
    children: dict[str, tuple[str, dict[str, str]]] = {}
    with open_file() as raw:
        rows = read_rows(raw)
        first = next(rows, None)
        if first is None:
            yield Problem(ERROR, 0, "", gettext_noop("The file is empty."), "empty_file")
            return
        header = list(
            check_header(
                first[1], known=KNOWN, required=REQUIRED, format_label=gettext_noop("a Magento catalog export")
            )
        )
        yield from header
        if any(isinstance(item, Problem) for item in header):
            return
        index = header_index(first[1])
        for _line, fields in rows:
            row = Row(_line, fields, index)
            if row.get("product_type") == "configurable" and not row.get("store_view_code"):
                for entry in parse_pipes(row.get("configurable_variations")):
                    sku = entry.pop("sku", "")
                    if sku:
                        children[sku] = (row.get("sku"), entry)
    for families_only in (True, False):
        with open_file() as raw:
            rows = read_rows(raw)
            next(rows, None)
            for line, fields in rows:
                row = Row(line, fields, index)
                is_family = row.get("product_type") == "configurable"
                if is_family == families_only:
                    yield from _row(row, children, stock_override)


def _row(row: Row, children: dict[str, tuple[str, dict[str, str]]], stock: dict[str, int]) -> Iterator[Item]:
    sku = row.get("sku")
    product_type = row.get("product_type")
    if row.get("store_view_code"):
        yield Problem(
            WARNING,
            row.line,
            "store_view_code",
            gettext_noop("A store view's translation: not imported."),
            "store_view",
        )
        return
    if product_type in SKIPPED:
        yield Problem(WARNING, row.line, "product_type", SKIPPED[product_type], f"skipped_{product_type}")
        return
    if not sku:
        yield Problem(ERROR, row.line, "sku", gettext_noop("A product needs a SKU."), "missing_sku")
        return
    categories = [path.strip() for path in row.get("categories").split(",") if path.strip()]
    images = [row.get("base_image"), *row.get("additional_images").split(",")]
    record = ProductRecord(
        kind=SIMPLE,
        key=sku,
        sku=sku,
        line=row.line,
        title=row.get("name"),
        description=html_to_text(row.get("description") or row.get("short_description")),
        category_path=max(categories, key=lambda path: path.count("/"), default=""),
        is_active=parse_flag(row.get("product_online")),
        image_urls=tuple(dict.fromkeys(url.strip() for url in images if url.strip())),
        weight_grams=grams(row.decimal("weight"), "kg"),
    )
    for pair in row.get("additional_attributes").split(","):
        name, _, value = pair.partition("=")
        if name.strip() in ("manufacturer", "brand") and value.strip():
            record.brand = value.strip()[:120]
    options = parse_pipes(row.get("custom_options"))
    if options:
        grouped: dict[str, list[str]] = {}
        for entry in options:
            grouped.setdefault(entry.get("name", ""), []).append(entry.get("option_title", ""))
        record.attributes["custom_options"] = grouped
        row.problems.append(
            Problem(
                WARNING, row.line, "custom_options",
                gettext_noop(
                    "Custom options (%(options)s) are priced add-ons, not variants: kept as attributes only."
                ),
                "custom_options",
                {"options": ", ".join(grouped)},
            )
        )  # fmt: skip
    if not record.title:
        row.problems.append(Problem(ERROR, row.line, "name", gettext_noop("A product needs a name."), "missing_title"))
    if product_type == "configurable":
        record.kind = FAMILY
        record.sku = ""
        labels = parse_pipes(row.get("configurable_variation_labels"))
        names: list[str] = []
        for entry in parse_pipes(row.get("configurable_variations")):
            names.extend(name for name in entry if name != "sku" and name not in names)
        label_of = {name: text for entry in labels for name, text in entry.items()}
        record.option_names = tuple(label_of.get(name, name.replace("_", " ").title()) for name in names)
        yield from row.problems
        yield record
        return
    if product_type not in ("simple", "virtual"):
        yield Problem(
            ERROR,
            row.line,
            "product_type",
            gettext_noop("Unknown product type '%(type)s'."),
            "unknown_type",
            {"type": product_type},
        )
        return
    special, price = row.decimal("special_price"), row.decimal("price")
    record.price = special if special is not None and not row.get("special_price_to_date") else price
    record.stock = stock.get(sku, row.quantity("qty"))
    record.in_stock = parse_flag(row.get("is_in_stock"))
    if sku in children:
        family_sku, values = children[sku]
        record.kind = VARIANT
        record.family_key = family_sku
        record.option_values = {name.replace("_", " ").title(): value for name, value in values.items()}
    if record.price is None and not row.problems:
        row.problems.append(Problem(ERROR, row.line, "price", gettext_noop("A price is required."), "missing_price"))
    yield from row.problems
    yield record


def _tier_prices(open_pricing: Opener) -> Iterator[Item]:
    with open_pricing() as raw:
        rows = read_rows(raw)
        first = next(rows, None)
        if first is None:
            return
        index = header_index(first[1])
        for line, fields in rows:
            row = Row(line, fields, index)
            if row.get("tier_price_qty") and row.get("tier_price"):
                try:
                    parse_decimal(row.get("tier_price"))
                except ValueError:
                    continue
                yield Problem(
                    WARNING, line, "tier_price",
                    gettext_noop(
                        "Advanced pricing: %(sku)s from %(quantity)s units at %(price)s (%(kind)s) is not imported: "
                        "an offer has one unit price."
                    ),
                    "tier_price",
                    {
                        "sku": row.get("sku"),
                        "quantity": row.get("tier_price_qty"),
                        "price": row.get("tier_price"),
                        "kind": row.get("tier_price_value_type"),
                    },
                )  # fmt: skip

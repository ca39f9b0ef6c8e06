"""PrestaShop back-office import files: products and their combinations, `;`-separated. Pure.

A product with combinations is a family; each combination is a variant priced at the product's price plus its
impact. The combinations file is read twice (which products have combinations, then the variants), the products
file once: memory holds a few fields per product that has combinations."""

from __future__ import annotations

from collections.abc import Iterator
from decimal import Decimal

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
    message,
)
from comptoir.connectors.domain.shopify import derived_sku
from comptoir.connectors.domain.tabular import Row, check_header, grams, header_index

PRODUCT_KNOWN = frozenset(
    {
        "Product ID", "Active (0/1)", "Name *", "Categories (x,y,z...)", "Price tax excluded", "Reference #",
        "Manufacturer", "EAN13", "UPC", "Weight", "Quantity", "Summary", "Description", "Image URLs (x,y,z...)",
        "Image alt texts (x,y,z...)", "Condition", "MPN", "Available for order (0 = No, 1 = Yes)",
    }
)  # fmt: skip
PRODUCT_REQUIRED = ("Product ID", "Name *", "Price tax excluded")
COMBINATION_KNOWN = frozenset(
    {
        "Product ID*", "Attribute (Name:Type:Position)*", "Value (Value:Position)*", "Reference", "EAN13", "UPC",
        "Impact on price", "Quantity", "Image URLs (x,y,z...)", "Image alt texts (x,y,z...)",
        "Default (0 = No, 1 = Yes)", "Impact on weight",
    }
)  # fmt: skip
COMBINATION_REQUIRED = ("Product ID*", "Attribute (Name:Type:Position)*", "Value (Value:Position)*")
DELIMITER = ";"


def _names(value: str) -> tuple[str, ...]:
    """'Color:color:0, Disk space:select:1' → ('Color', 'Disk space'): name, type and position per group."""
    return tuple(part.split(":")[0].strip() for part in value.split(",") if part.strip())


def _values(value: str) -> tuple[str, ...]:
    """'Blue:0, 16GB:1' → ('Blue', '16GB'); a value may itself hold ':' before its position."""
    return tuple(part.rsplit(":", 1)[0].strip() for part in value.split(",") if part.strip())


def parse_prestashop(open_file: Opener, open_combinations: Opener | None = None) -> Iterator[Item]:
    families: dict[str, tuple[str, ...]] = {}
    if open_combinations is not None:
        with open_combinations() as raw:
            rows = read_rows(raw, delimiter=DELIMITER)
            first = next(rows, None)
            if first is not None:
                index = header_index(first[1])
                if all(column in index for column in COMBINATION_REQUIRED):
                    for line, fields in rows:
                        row = Row(line, fields, index)
                        families.setdefault(row.get("Product ID*"), _names(row.get("Attribute (Name:Type:Position)*")))
    bases: dict[str, tuple[str, Decimal | None, ProductRecord]] = {}
    with open_file() as raw:
        rows = read_rows(raw, delimiter=DELIMITER)
        first = next(rows, None)
        if first is None:
            yield Problem(ERROR, 0, "", gettext_noop("The file is empty."), "empty_file")
            return
        header = list(
            check_header(
                first[1],
                known=PRODUCT_KNOWN,
                required=PRODUCT_REQUIRED,
                format_label=gettext_noop("a PrestaShop products file"),
            )
        )
        yield from header
        if any(isinstance(item, Problem) for item in header):
            return
        yield Problem(
            WARNING,
            0,
            "Price tax excluded",
            gettext_noop("PrestaShop prices are tax excluded: they are imported as given."),
            "tax",
        )
        index = header_index(first[1])
        for line, fields in rows:
            row = Row(line, fields, index)
            product_id = row.get("Product ID")
            key = row.get("Reference #") or f"id:{product_id}"
            title = row.get("Name *")
            if not title:
                row.problems.append(
                    Problem(ERROR, line, "Name *", gettext_noop("A product needs a name."), "missing_title")
                )
            categories = [part.strip() for part in row.get("Categories (x,y,z...)").split(",") if part.strip()]
            record = ProductRecord(
                kind=SIMPLE,
                key=key,
                line=line,
                title=title,
                description=html_to_text(row.get("Description") or row.get("Summary")),
                brand=row.get("Manufacturer")[:120],
                category_path=categories[-1] if categories else "",
                is_active=parse_flag(row.get("Active (0/1)")),
                image_urls=tuple(url.strip() for url in row.get("Image URLs (x,y,z...)").split(",") if url.strip()),
                weight_grams=grams(row.decimal("Weight"), "kg"),
            )
            price = row.decimal("Price tax excluded")
            if product_id in families:
                record.kind = FAMILY
                record.option_names = families[product_id]
                bases[product_id] = (key, price, record)
                yield from row.problems
                yield record
                continue
            record.sku = key
            record.price = price
            record.stock = row.quantity("Quantity")
            record.gtin = row.barcode("EAN13") or row.barcode("UPC")
            if row.get("Condition"):
                record.attributes["condition"] = row.get("Condition")
            if price is None and not row.problems:
                row.problems.append(
                    Problem(ERROR, line, "Price tax excluded", gettext_noop("A price is required."), "missing_price")
                )
            yield from row.problems
            yield record
    if open_combinations is not None:
        yield from _combinations(open_combinations, bases)


def _combinations(
    open_combinations: Opener, bases: dict[str, tuple[str, Decimal | None, ProductRecord]]
) -> Iterator[Item]:
    with open_combinations() as raw:
        rows = read_rows(raw, delimiter=DELIMITER)
        first = next(rows, None)
        if first is None:
            yield Problem(ERROR, 0, "combinations", gettext_noop("The combinations file is empty."), "empty_file")
            return
        header = list(
            check_header(
                first[1],
                known=COMBINATION_KNOWN,
                required=COMBINATION_REQUIRED,
                format_label=gettext_noop("a PrestaShop combinations file"),
            )
        )
        for item in header:
            if isinstance(item, Problem):
                yield Problem(
                    item.severity,
                    item.line,
                    item.column,
                    gettext_noop("Combinations file: %(problem)s"),
                    item.code,
                    {"problem": message(item.message, **item.params)},
                )
                return
        index = header_index(first[1])
        seen: dict[str, set[tuple[str, ...]]] = {}
        for line, fields in rows:
            row = Row(line, fields, index)
            product_id = row.get("Product ID*")
            where = message(gettext_noop("combinations line %(line)s"), line=line)
            if product_id not in bases:
                yield Problem(
                    ERROR,
                    line,
                    "Product ID*",
                    gettext_noop("%(where)s: no product %(product)s in the products file."),
                    "no_parent",
                    {"where": where, "product": product_id},
                )
                continue
            family_key, base_price, family = bases[product_id]
            names = _names(row.get("Attribute (Name:Type:Position)*"))
            values = _values(row.get("Value (Value:Position)*"))
            if len(names) != len(values) or not values:
                yield Problem(
                    ERROR,
                    line,
                    "Value (Value:Position)*",
                    gettext_noop("%(where)s: one value per attribute is needed."),
                    "options",
                    {"where": where},
                )
                continue
            if values in seen.setdefault(product_id, set()):
                yield Problem(
                    WARNING, line, "Value (Value:Position)*",
                    gettext_noop("%(where)s: the combination %(values)s is already listed above: skipped."),
                    "duplicate", {"where": where, "values": ", ".join(values)},
                )  # fmt: skip
                continue
            seen[product_id].add(values)
            impact = row.decimal("Impact on price") or Decimal(0)
            sku = row.get("Reference") or derived_sku(family_key, *values)
            record = ProductRecord(
                kind=VARIANT,
                key=sku,
                sku=sku,
                line=line,
                family_key=family_key,
                title=f"{family.title} – {' / '.join(values)}",
                description=family.description,
                brand=family.brand,
                category_path=family.category_path,
                is_active=family.is_active,
                option_values=dict(zip(names, values, strict=True)),
                price=(base_price + impact) if base_price is not None else None,
                stock=row.quantity("Quantity"),
                gtin=row.barcode("EAN13") or row.barcode("UPC"),
                image_urls=tuple(url.strip() for url in row.get("Image URLs (x,y,z...)").split(",") if url.strip()),
            )
            problems = [
                Problem(
                    p.severity,
                    p.line,
                    p.column,
                    gettext_noop("%(where)s: %(problem)s"),
                    p.code,
                    {"where": where, "problem": message(p.message, **p.params)},
                )
                for p in row.problems
            ]
            if record.price is None:
                problems.append(
                    Problem(
                        ERROR,
                        line,
                        "Impact on price",
                        gettext_noop("%(where)s: the product has no price."),
                        "price",
                        {"where": where},
                    )
                )
            yield from problems
            yield record

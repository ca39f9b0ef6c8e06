"""WooCommerce products: the CSV of its product exporter and the WordPress WXR export. Pure.

Simple products are sold as they are; a variable product is a family whose variations (rows of type `variation`,
or `product_variation` posts) name it by SKU or `id:N`; grouped products only gather other products and external
products are sold elsewhere: both are reported and skipped. Variations come after their parent, as WooCommerce
writes them."""

from __future__ import annotations

import re
from collections.abc import Iterator
from decimal import Decimal
from xml.etree.ElementTree import Element, ParseError, iterparse

from comptoir.connectors.domain.cleaning import (
    NOT_A_NUMBER,
    NotANumber,
    html_to_text,
    parse_barcode_message,
    parse_decimal,
    parse_quantity,
    read_rows,
)
from comptoir.connectors.domain.records import (
    ERROR,
    FAMILY,
    SIMPLE,
    VARIANT,
    WARNING,
    Columns,
    Item,
    Opener,
    PictureRecord,
    Problem,
    ProductRecord,
    gettext_noop,
)
from comptoir.connectors.domain.tabular import NO_GTIN, Row, check_header, grams, header_index

KNOWN = frozenset(
    {
        "ID", "Type", "SKU", "Name", "Published", "Is featured?", "Visibility in catalog", "Short description",
        "Description", "In stock?", "Stock", "Weight (lbs)", "Weight (kg)", "Weight (g)", "Sale price",
        "Regular price", "Categories", "Tags", "Images", "Parent", "Grouped products", "Position",
        "GTIN, UPC, EAN, or ISBN", "Brands", "Date sale price starts", "Date sale price ends",
    }
    | {f"Attribute {n} {part}" for n in range(1, 10) for part in ("name", "value(s)", "visible", "global", "default")}
)  # fmt: skip
REQUIRED = ("Type", "SKU", "Name", "Regular price")
SKIPPED_TYPES = {
    "grouped": gettext_noop("A grouped product only gathers other products, which are imported on their own: skipped."),
    "external": gettext_noop("An external (affiliate) product is sold on another site: skipped."),
}
NAMESPACES = {"wp": "http://wordpress.org/export/1.2/", "content": "http://purl.org/rss/1.0/modules/content/"}
WP = "{http://wordpress.org/export/1.2/}"


def _longest_category(value: str) -> str:
    paths = [path.strip() for path in value.split(",") if path.strip()]
    return max(paths, key=lambda path: path.count(">"), default="")


def _types(value: str) -> set[str]:
    return {part.strip().lower() for part in value.split(",") if part.strip()}


def parse_woocommerce_csv(open_file: Opener) -> Iterator[Item]:
    """The neutral stream of a WooCommerce product CSV; memory holds one row and the ids of variable products."""
    with open_file() as raw:
        rows = read_rows(raw)
        first = next(rows, None)
        if first is None:
            yield Problem(ERROR, 0, "", gettext_noop("The file is empty."), "empty_file")
            return
        names = first[1]
        header = list(
            check_header(names, known=KNOWN, required=REQUIRED, format_label=gettext_noop("a WooCommerce product CSV"))
        )
        yield from header
        if any(isinstance(item, Problem) for item in header):
            return
        index = header_index(names)
        family_keys_by_id: dict[str, str] = {}
        for line, fields in rows:
            yield from _csv_row(Row(line, fields, index), family_keys_by_id)


def _csv_row(row: Row, family_keys_by_id: dict[str, str]) -> Iterator[Item]:
    types = _types(row.get("Type"))
    key = row.get("SKU") or (f"id:{row.get('ID')}" if row.get("ID") else "")
    for skipped, reason in SKIPPED_TYPES.items():
        if skipped in types:
            yield Problem(WARNING, row.line, "Type", reason, f"skipped_{skipped}")
            return
    if not key:
        yield Problem(ERROR, row.line, "SKU", gettext_noop("A product needs a SKU or an ID."), "missing_sku")
        return
    published = row.get("Published")
    common = dict(
        key=key,
        line=row.line,
        title=row.get("Name"),
        description=html_to_text(row.get("Description") or row.get("Short description")),
        brand=row.get("Brands").split(",")[0].strip()[:120],
        category_path=_longest_category(row.get("Categories")),
        is_active=published in ("", "1"),
        image_urls=tuple(url.strip() for url in row.get("Images").split(",") if url.strip()),
    )
    if "variable" in types:
        if row.get("ID"):
            family_keys_by_id[f"id:{row.get('ID')}"] = key
        names = tuple(
            row.get(f"Attribute {n} name") for n in range(1, 10) if row.get(f"Attribute {n} name")
        )  # the family's option groups; those its variations leave empty ("any") are dropped by the services
        if not common["title"]:
            yield Problem(ERROR, row.line, "Name", gettext_noop("A product needs a name."), "missing_title")
            return
        yield ProductRecord(kind=FAMILY, option_names=names, **common)  # type: ignore[arg-type]
        return
    if "variation" not in types and "simple" not in types:
        yield Problem(
            ERROR,
            row.line,
            "Type",
            gettext_noop("Unknown product type '%(type)s'."),
            "unknown_type",
            {"type": row.get("Type")},
        )
        return
    sale, regular = row.decimal("Sale price"), row.decimal("Regular price")
    price = sale if sale is not None and not row.get("Date sale price starts") else regular
    stock = row.quantity("Stock")
    gtin = row.barcode("GTIN, UPC, EAN, or ISBN")
    weight = next(
        (grams(row.decimal(column), unit) for column, unit in (("Weight (kg)", "kg"), ("Weight (lbs)", "lb"),
         ("Weight (g)", "g")) if row.get(column)),
        None,
    )  # fmt: skip
    record = ProductRecord(
        kind=SIMPLE,
        sku=key,
        gtin=gtin,
        price=price,
        stock=stock,
        in_stock=row.get("In stock?") not in ("0", "outofstock"),
        weight_grams=weight,
        **common,  # type: ignore[arg-type]
    )
    if "variation" in types:
        parent = row.get("Parent")
        record.kind = VARIANT
        record.family_key = family_keys_by_id.get(parent, parent)
        record.option_values = {
            row.get(f"Attribute {n} name"): row.get(f"Attribute {n} value(s)")
            for n in range(1, 10)
            if row.get(f"Attribute {n} name") and row.get(f"Attribute {n} value(s)")
        }
        if not parent:
            row.problems.append(
                Problem(ERROR, row.line, "Parent", gettext_noop("A variation needs its parent."), "missing_parent")
            )
    else:
        attributes = {
            row.get(f"Attribute {n} name"): row.get(f"Attribute {n} value(s)")
            for n in range(1, 10)
            if row.get(f"Attribute {n} name") and row.get(f"Attribute {n} value(s)")
        }
        record.attributes.update(attributes)
        if not record.title:
            row.problems.append(
                Problem(ERROR, row.line, "Name", gettext_noop("A product needs a name."), "missing_title")
            )
    if price is None and not any(problem.column in ("Sale price", "Regular price") for problem in row.problems):
        row.problems.append(
            Problem(ERROR, row.line, "Regular price", gettext_noop("A price is required."), "missing_price")
        )
    yield from row.problems
    yield record


# --- WXR -------------------------------------------------------------------------------------------------------


def _meta(item: Element) -> dict[str, str]:
    return {
        (meta.findtext(f"{WP}meta_key") or ""): (meta.findtext(f"{WP}meta_value") or "")
        for meta in item.findall(f"{WP}postmeta")
    }


def _terms(item: Element) -> dict[str, list[str]]:
    terms: dict[str, list[str]] = {}
    for category in item.findall("category"):
        terms.setdefault(category.get("domain") or "", []).append(category.text or category.get("nicename") or "")
    return terms


ATTRIBUTE_NAME = re.compile(r's:4:"name";s:[0-9]+:"([^"]*)"')


def _option_label(name: str) -> str:
    """'pa_color' (a global attribute's taxonomy) and 'color' (a variation's meta key) both name the option 'Color'."""
    return name.removeprefix("pa_").replace("-", " ").replace("_", " ").strip().title()


def parse_woocommerce_wxr(open_file: Opener) -> Iterator[Item]:
    """The neutral stream of a WordPress WXR export of WooCommerce products. Items are parsed one at a time and
    cleared (iterparse), so memory holds one item, the ids of variable products and the pending pictures' owners.
    Pictures (attachment posts, usually after the products) are matched through `_thumbnail_id` and the gallery."""
    yield Columns(names=(), unknown=())
    family_keys_by_id: dict[str, str] = {}
    picture_owner: dict[str, str] = {}  # attachment id -> key of the product it illustrates
    line = 0
    try:
        with open_file() as raw:
            for _event, element in iterparse(raw, events=("end",)):
                if element.tag != "item":
                    continue
                line += 1
                yield from _wxr_item(element, line, family_keys_by_id, picture_owner)
                element.clear()
    except ParseError as error:
        yield Problem(
            ERROR,
            error.position[0],
            "",
            gettext_noop("The XML is malformed: %(error)s."),
            "malformed_xml",
            {"error": str(error)},
        )
    if line == 0:
        yield Problem(
            ERROR, 0, "", gettext_noop("No <item> in this file: not a WordPress (WXR) export."), "missing_items"
        )


def _wxr_item(
    item: Element, number: int, family_keys_by_id: dict[str, str], picture_owner: dict[str, str]
) -> Iterator[Item]:
    post_type = item.findtext(f"{WP}post_type") or ""
    post_id = item.findtext(f"{WP}post_id") or ""
    line = number
    if post_type == "attachment":
        owner = picture_owner.pop(post_id, None)
        url = item.findtext(f"{WP}attachment_url") or item.findtext("guid") or ""
        if owner and url:
            yield PictureRecord(key=owner, url=url.strip(), line=line)
        return
    if post_type not in ("product", "product_variation"):
        return
    meta = _meta(item)
    terms = _terms(item)
    key = meta.get("_sku") or f"id:{post_id}"
    for picture_id in [meta.get("_thumbnail_id", ""), *meta.get("_product_image_gallery", "").split(",")]:
        if picture_id.strip():
            picture_owner[picture_id.strip()] = key
    product_type = (terms.get("product_type") or ["simple"])[0].lower()
    status = item.findtext(f"{WP}status") or ""
    where = f"item {number} ({item.findtext('title') or post_id})"
    if post_type == "product" and product_type in SKIPPED_TYPES:
        yield Problem(WARNING, line, where, SKIPPED_TYPES[product_type], f"skipped_{product_type}")
        return
    description = html_to_text(item.findtext("{http://purl.org/rss/1.0/modules/content/}encoded") or "")
    categories = terms.get("product_cat") or []
    common = dict(
        key=key,
        line=line,
        title=(item.findtext("title") or "").strip(),
        description=description,
        category_path=categories[-1] if categories else "",
        is_active=status in ("publish", ""),
    )
    if post_type == "product" and product_type == "variable":
        family_keys_by_id[post_id] = key
        # `_product_attributes` is a PHP-serialised array: its "name" entries are enough, no unserialiser needed.
        names = tuple(_option_label(name) for name in ATTRIBUTE_NAME.findall(meta.get("_product_attributes", "")))
        yield ProductRecord(kind=FAMILY, option_names=tuple(dict.fromkeys(names)), **common)  # type: ignore[arg-type]
        return
    problems: list[Problem] = []
    try:
        sale = parse_decimal(meta.get("_sale_price", ""))
        regular = parse_decimal(meta.get("_regular_price", "") or meta.get("_price", ""))
    except NotANumber as error:
        problems.append(Problem(ERROR, line, where, NOT_A_NUMBER, "invalid_number", error.params))
        sale = regular = None
    price: Decimal | None = sale if sale is not None else regular
    try:
        stock = parse_quantity(meta.get("_stock", "")) if meta.get("_manage_stock") == "yes" else None
    except NotANumber as error:
        problems.append(Problem(ERROR, line, where, NOT_A_NUMBER, "invalid_number", error.params))
        stock = None
    gtin, gtin_problem = parse_barcode_message(meta.get("_global_unique_id", ""))
    if gtin_problem:
        problems.append(Problem(WARNING, line, where, NO_GTIN, "gtin_unusable", {"problem": gtin_problem}))
    record = ProductRecord(
        kind=SIMPLE,
        sku=key,
        gtin=gtin,
        price=price,
        stock=max(stock, 0) if stock is not None else None,
        in_stock=meta.get("_stock_status", "instock") != "outofstock",
        weight_grams=grams(parse_decimal(meta["_weight"]), "kg") if meta.get("_weight") else None,
        **common,  # type: ignore[arg-type]
    )
    if post_type == "product_variation":
        parent_id = item.findtext(f"{WP}post_parent") or ""
        record.kind = VARIANT
        record.family_key = family_keys_by_id.get(parent_id, f"id:{parent_id}")
        record.option_values = {}
        for name, value in meta.items():
            if name.startswith("attribute_") and value:
                label = _option_label(name.removeprefix("attribute_"))
                is_term = name.startswith("attribute_pa_")  # a global attribute's value is its term's slug
                record.option_values[label] = value.replace("-", " ").title() if is_term else value
    if price is None and not problems:
        problems.append(Problem(ERROR, line, where, gettext_noop("A price is required."), "missing_price"))
    yield from problems
    yield record

"""Google Merchant Center feeds: RSS 2.0 with the g: namespace, or tab-separated text, one item per offer.

Attribute names and values follow Google's product data specification (the Merchant API's `ProductAttributes`,
shared/data/google-merchant): `price` and the shipping `price` as '24.90 EUR', `availability` and `condition` as the
proto enums in lower case, `shipping` with `country`, `service`, `price`, `min_transit_time`, `max_transit_time`
(TSV: 'FR::standard:4.90 EUR'), `identifier_exists` 'no' when the item has no brand with a GTIN or MPN.
The renderers stream: they take an iterable of items and yield text, so a feed of any size is written in constant
memory."""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from xml.sax.saxutils import escape

from comptoir.feeds.domain.items import FeedItem, money_text

GOOGLE_NAMESPACE = "http://base.google.com/ns/1.0"
# Limits of Google's product data specification (support.google.com/merchants/answer/7052112); the proto does not
# carry them.
MAX_ID_LENGTH = 50
MAX_TITLE_LENGTH = 150
MAX_DESCRIPTION_LENGTH = 5000
MAX_LINK_LENGTH = 2000
MAX_ADDITIONAL_IMAGES = 10
TSV_COLUMNS = (
    "id",
    "title",
    "description",
    "link",
    "image_link",
    "additional_image_link",
    "availability",
    "price",
    "condition",
    "brand",
    "gtin",
    "mpn",
    "identifier_exists",
    "google_product_category",
    "product_type",
    "item_group_id",
    "color",
    "size",
    "material",
    "pattern",
    "shipping",
    "min_handling_time",
    "max_handling_time",
    "external_seller_id",
)
# XML 1.0 forbids these characters even escaped; a product text from an import may carry them.
_XML_FORBIDDEN = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
_WHITESPACE = re.compile(r"[\t\r\n]+")


def shorten(text: str, limit: int) -> str:
    """`text` cut at `limit` characters, on a word boundary when one is near, with an ellipsis."""
    text = text.strip()
    if len(text) <= limit:
        return text
    cut = text[: limit - 1]
    space = cut.rfind(" ")
    if space > limit * 0.8:
        cut = cut[:space]
    return cut.rstrip() + "…"


def item_attributes(item: FeedItem) -> list[tuple[str, str | list[tuple[str, str]]]]:
    """The item's attributes in feed order, each (name, text) or, for shipping, (name, [(sub-attribute, text)])."""
    attributes: list[tuple[str, str | list[tuple[str, str]]]] = [
        ("id", item.id),
        ("title", shorten(item.title, MAX_TITLE_LENGTH)),
        ("description", shorten(item.description, MAX_DESCRIPTION_LENGTH)),
        ("link", item.link),
        ("image_link", item.image_link),
    ]
    attributes += [("additional_image_link", link) for link in item.additional_image_links[:MAX_ADDITIONAL_IMAGES]]
    attributes += [
        ("availability", item.availability),
        ("price", money_text(item.price)),
        ("condition", item.condition),
    ]
    if item.brand:
        attributes.append(("brand", item.brand))
    if item.gtin:
        attributes.append(("gtin", item.gtin))
    if item.mpn:
        attributes.append(("mpn", item.mpn))
    if not item.has_identifiers:
        attributes.append(("identifier_exists", "no"))
    if item.google_product_category is not None:
        attributes.append(("google_product_category", str(item.google_product_category)))
    if item.product_type:
        attributes.append(("product_type", item.product_type))
    if item.item_group_id:
        attributes.append(("item_group_id", item.item_group_id))
    attributes += list(item.options)
    if item.shipping is not None:
        attributes.append(
            (
                "shipping",
                [
                    ("country", item.shipping.country),
                    ("service", item.shipping.service),
                    ("price", money_text(item.shipping.price)),
                    ("min_transit_time", str(item.shipping.min_transit_days)),
                    ("max_transit_time", str(item.shipping.max_transit_days)),
                ],
            )
        )
    attributes += [
        ("min_handling_time", str(item.handling_days)),
        ("max_handling_time", str(item.handling_days)),
        ("external_seller_id", item.seller_id),
    ]
    return attributes


def xml_text(value: str) -> str:
    return escape(_XML_FORBIDDEN.sub("", value))


def render_xml(items: Iterable[FeedItem], *, title: str, link: str, description: str) -> Iterator[str]:
    """The feed as RSS 2.0 with Google's namespace, one <item> per item."""
    yield (
        '<?xml version="1.0" encoding="UTF-8"?>\n'
        f'<rss version="2.0" xmlns:g="{GOOGLE_NAMESPACE}">\n<channel>\n'
        f"<title>{xml_text(title)}</title>\n<link>{xml_text(link)}</link>\n"
        f"<description>{xml_text(description)}</description>\n"
    )
    for item in items:
        parts = ["<item>"]
        for name, value in item_attributes(item):
            if isinstance(value, list):
                inner = "".join(f"<g:{sub}>{xml_text(text)}</g:{sub}>" for sub, text in value)
                parts.append(f"<g:{name}>{inner}</g:{name}>")
            else:
                parts.append(f"<g:{name}>{xml_text(value)}</g:{name}>")
        parts.append("</item>\n")
        yield "".join(parts)
    yield "</channel>\n</rss>\n"


def tsv_value(value: str) -> str:
    """One TSV cell: tabs and line breaks would start a new cell or row, so they become spaces."""
    return _WHITESPACE.sub(" ", _XML_FORBIDDEN.sub("", value)).strip()


def render_tsv(items: Iterable[FeedItem]) -> Iterator[str]:
    """The feed as tab-separated text: a header row of attribute names, then one row per item. Repeated attributes
    (additional_image_link) are comma-separated; shipping is 'country:region:service:price'."""
    yield "\t".join(TSV_COLUMNS) + "\n"
    for item in items:
        cells: dict[str, list[str]] = {}
        for name, value in item_attributes(item):
            if isinstance(value, list):
                sub = dict(value)
                value = f"{sub['country']}::{sub['service']}:{sub['price']}"
            cells.setdefault(name, []).append(tsv_value(value))
        yield "\t".join(",".join(cells.get(column, [])) for column in TSV_COLUMNS) + "\n"


def item_problems(item: FeedItem) -> list[str]:
    """Why Google would refuse the item (codes, empty: none). The feed leaves such an item out and says why."""
    problems = []
    if not item.title.strip():
        problems.append("no_title")
    if not item.description.strip():
        problems.append("no_description")
    if not item.image_link:
        problems.append("no_image")
    if item.shipping is None:
        problems.append("does_not_ship_there")
    if len(item.id) > MAX_ID_LENGTH:
        problems.append("id_too_long")
    if len(item.link) > MAX_LINK_LENGTH or len(item.image_link) > MAX_LINK_LENGTH:
        problems.append("link_too_long")
    if item.price.amount <= 0:
        problems.append("no_price")
    return problems

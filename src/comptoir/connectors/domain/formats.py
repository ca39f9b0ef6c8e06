"""The formats an import accepts, each a parser over the file (and its companion files). Pure."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from comptoir.connectors.domain.magento import parse_magento
from comptoir.connectors.domain.prestashop import parse_prestashop
from comptoir.connectors.domain.records import Item, Opener, Parser
from comptoir.connectors.domain.shopify import parse_shopify
from comptoir.connectors.domain.woocommerce import parse_woocommerce_csv, parse_woocommerce_wxr


@dataclass(frozen=True)
class Format:
    name: str
    label: str
    parser: Parser
    # Companion files by keyword argument of the parser: ("open_combinations", "PrestaShop combinations file").
    companions: tuple[tuple[str, str], ...] = ()


FORMATS: dict[str, Format] = {
    item.name: item
    for item in (
        Format("shopify", "Shopify product CSV", parse_shopify),
        Format("woocommerce", "WooCommerce product CSV", parse_woocommerce_csv),
        Format("woocommerce-wxr", "WooCommerce WXR (WordPress export)", parse_woocommerce_wxr),
        Format(
            "prestashop",
            "PrestaShop products (+ combinations)",
            parse_prestashop,
            (("open_combinations", "combinations"),),
        ),
        Format(
            "magento",
            "Magento 2 catalog export",
            parse_magento,
            (("open_stock_sources", "stock_sources"), ("open_advanced_pricing", "advanced_pricing")),
        ),
    )
}


def parse(format_name: str, open_file: Opener, companions: dict[str, Opener] | None = None) -> Iterator[Item]:
    """The neutral stream of a file in `format_name` (a key of FORMATS); companion openers by their short name
    ("combinations", "stock_sources", "advanced_pricing"). Raises KeyError for an unknown format."""
    chosen = FORMATS[format_name]
    keyword = {argument: (companions or {}).get(short) for argument, short in chosen.companions}
    return chosen.parser(open_file, **{name: opener for name, opener in keyword.items() if opener is not None})

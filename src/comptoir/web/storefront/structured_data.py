"""schema.org structured data for search engines: a product page's Product with its Offers (JSON-LD), and the list of
product pages for /sitemap.xml.

The JSON-LD repeats what the page shows (price and currency of each visible offer, its seller, condition, whether it is
in stock), never more; it is escaped for an HTML <script> element the way Django's json_script is."""

from __future__ import annotations

import json
from typing import Any

from django.utils.safestring import SafeString, mark_safe

from comptoir.core.money import Money

CONDITIONS = {
    "new": "https://schema.org/NewCondition",
    "refurbished": "https://schema.org/RefurbishedCondition",
}
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def product_json_ld(*, product, offers: list, url: str, image_urls: list[str]) -> dict[str, Any]:
    """The schema.org Product of a product page with one Offer per offer shown (absolute `url`, `image_urls`)."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.display_title,
        "url": url,
    }
    if product.display_description:
        data["description"] = product.display_description[:5000]
    if product.brand:
        data["brand"] = {"@type": "Brand", "name": product.brand}
    if product.gtin:
        data["gtin"] = product.gtin
    if image_urls:
        data["image"] = image_urls
    data["offers"] = [
        {
            "@type": "Offer",
            "sku": offer.sku,
            "price": str(Money(offer.price_amount, offer.currency).to_decimal()),
            "priceCurrency": offer.currency,
            "availability": "https://schema.org/InStock" if offer.stock > 0 else "https://schema.org/OutOfStock",
            "itemCondition": CONDITIONS.get(offer.condition, "https://schema.org/UsedCondition"),
            "seller": {"@type": "Organization", "name": offer.seller.name},
            "url": url,
        }
        for offer in offers
    ]
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">…</script>`, with <, > and & escaped so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')

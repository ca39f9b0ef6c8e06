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


# Option names schema.org has a property for (any language a seller may use); other options are named as they are.
VARIES_BY = {
    "size": "https://schema.org/size",
    "taille": "https://schema.org/size",
    "größe": "https://schema.org/size",
    "talla": "https://schema.org/size",
    "taglia": "https://schema.org/size",
    "color": "https://schema.org/color",
    "colour": "https://schema.org/color",
    "couleur": "https://schema.org/color",
    "farbe": "https://schema.org/color",
    "colore": "https://schema.org/color",
    "material": "https://schema.org/material",
    "pattern": "https://schema.org/pattern",
}


def _amount(amount: Money) -> str:
    return str(amount.to_decimal())


def _days(minimum: int, maximum: int) -> dict[str, Any]:
    return {"@type": "QuantitativeValue", "minValue": minimum, "maxValue": maximum, "unitCode": "DAY"}


def _shipping_details(offer, quote, country: str) -> dict[str, Any]:
    """schema.org OfferShippingDetails of the delivery the page quotes for the buyer's country."""
    shipping = quote.shipping
    return {
        "@type": "OfferShippingDetails",
        "shippingRate": {
            "@type": "MonetaryAmount",
            "value": _amount(shipping.price),
            "currency": shipping.price.currency,
        },
        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": country},
        "deliveryTime": {
            "@type": "ShippingDeliveryTime",
            "handlingTime": _days(offer.handling_days, offer.handling_days),
            "transitTime": _days(shipping.transit_days_min, shipping.transit_days_max),
        },
    }


def _return_policy(offer, country: str) -> dict[str, Any]:
    if offer.return_policy_days <= 0:
        return {
            "@type": "MerchantReturnPolicy",
            "applicableCountry": country,
            "returnPolicyCategory": "https://schema.org/MerchantReturnNotPermitted",
        }
    return {
        "@type": "MerchantReturnPolicy",
        "applicableCountry": country,
        "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": offer.return_policy_days,
    }


def product_json_ld(
    *,
    product,
    offers: list,
    url: str,
    image_urls: list[str],
    family=None,
    quotes: dict | None = None,
    country: str = "",
) -> dict[str, Any]:
    """The schema.org Product of a product page with one Offer per offer shown (absolute `url`, `image_urls`).
    A variant (`family` given) names its ProductGroup and the options it varies by; an offer with a delivery quote
    to the buyer's `country` (`quotes`: offer id -> DeliveryQuote or None) states its shipping and return policy."""
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Product",
        "name": product.display_title,
        "url": url,
    }
    description = product.display_description or (family.description if family is not None else "")
    if description:
        data["description"] = description[:5000]
    brand = product.brand or (family.brand if family is not None else "")
    if brand:
        data["brand"] = {"@type": "Brand", "name": brand}
    if product.gtin:
        data["gtin"] = product.gtin
    if image_urls:
        data["image"] = image_urls
    if family is not None:
        names = list(family.option_names or [])
        data["inProductGroupWithID"] = str(family.pk)
        data["isVariantOf"] = {
            "@type": "ProductGroup",
            "productGroupID": str(family.pk),
            "name": family.title,
            "variesBy": [VARIES_BY.get(str(name).casefold(), str(name)) for name in names],
        }
        for name, value in (product.option_values or {}).items():
            known = VARIES_BY.get(str(name).casefold())
            if known:
                data[known.rsplit("/", 1)[-1]] = str(value)
    quotes = quotes or {}
    data["offers"] = []
    for offer in offers:
        item: dict[str, Any] = {
            "@type": "Offer",
            "sku": offer.sku,
            "price": _amount(Money(offer.price_amount, offer.currency)),
            "priceCurrency": offer.currency,
            "availability": "https://schema.org/InStock" if offer.stock > 0 else "https://schema.org/OutOfStock",
            "itemCondition": CONDITIONS.get(offer.condition, "https://schema.org/UsedCondition"),
            "seller": {"@type": "Organization", "name": offer.seller.name},
            "url": url,
        }
        quote = quotes.get(offer.pk)
        if quote is not None and country:
            item["shippingDetails"] = _shipping_details(offer, quote, country)
            item["hasMerchantReturnPolicy"] = _return_policy(offer, country)
        data["offers"].append(item)
    return data


def json_ld_script(data: dict[str, Any]) -> SafeString:
    """`<script type="application/ld+json">…</script>`, with <, > and & escaped so no value can close the element."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":")).translate(_ESCAPES)
    return mark_safe(f'<script type="application/ld+json">{text}</script>')

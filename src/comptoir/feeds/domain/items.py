"""One offer as a channel sees it (`FeedItem`), built by the feeds app from an offer, its product and its delivery
quote in the feed's country and currency. Pure: the renderers and validators read only these values."""

from __future__ import annotations

from dataclasses import dataclass

from comptoir.core.money import Money

IN_STOCK = "in_stock"
OUT_OF_STOCK = "out_of_stock"
# Offer conditions (offers.models.Condition) as Google's three (proto enum Condition: NEW, USED, REFURBISHED).
CONDITIONS = {
    "new": "new",
    "refurbished": "refurbished",
    "used_like_new": "used",
    "used_good": "used",
    "used_acceptable": "used",
}
# Variant option names (any language a seller may use) that are Google attributes of their own.
OPTION_ATTRIBUTES = {
    "color": "color",
    "colour": "color",
    "couleur": "color",
    "farbe": "color",
    "colore": "color",
    "size": "size",
    "taille": "size",
    "größe": "size",
    "grosse": "size",
    "talla": "size",
    "taglia": "size",
    "material": "material",
    "matière": "material",
    "pattern": "pattern",
}


@dataclass(frozen=True, slots=True)
class ShippingLine:
    """The cheapest way the offer reaches the feed's country, its price in the feed's currency."""

    country: str
    service: str
    price: Money
    min_transit_days: int
    max_transit_days: int


@dataclass(frozen=True, slots=True)
class FeedItem:
    id: str
    sku: str
    title: str
    description: str
    link: str
    image_link: str
    additional_image_links: tuple[str, ...]
    availability: str
    stock: int
    price: Money
    condition: str
    brand: str
    gtin: str
    mpn: str
    google_product_category: int | None
    product_type: str
    item_group_id: str
    options: tuple[tuple[str, str], ...]  # (Google attribute, value): color, size, material, pattern
    shipping: ShippingLine | None
    handling_days: int
    seller_id: str  # the seller's public slug: Google's external_seller_id for a marketplace's feed
    seller_name: str

    @property
    def has_identifiers(self) -> bool:
        """Google's identifier_exists: a brand with a GTIN or an MPN."""
        return bool(self.brand and (self.gtin or self.mpn))


def money_text(amount: Money) -> str:
    """Google's price text: '24.90 EUR', as many decimals as the currency has (ISO 4217)."""
    return f"{amount.to_decimal()} {amount.currency}"


def google_condition(condition: str) -> str:
    return CONDITIONS.get(condition, "used")


def option_attributes(option_values: dict) -> tuple[tuple[str, str], ...]:
    """The variant's options that Google knows by name (color, size, material, pattern), in that order."""
    found: dict[str, str] = {}
    for name, value in (option_values or {}).items():
        attribute = OPTION_ATTRIBUTES.get(str(name).strip().casefold())
        if attribute and attribute not in found and str(value).strip():
            found[attribute] = str(value).strip()
    return tuple((name, found[name]) for name in ("color", "size", "material", "pattern") if name in found)

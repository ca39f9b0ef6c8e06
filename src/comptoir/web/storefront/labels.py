"""Translated names for what the domain stores as codes: seller-order statuses and events, product attributes."""

from __future__ import annotations

from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

SELLER_ORDER_STATUSES = {
    "awaiting_payment": _("Awaiting payment"),
    "placed": _("Placed"),
    "accepted": _("Accepted by the seller"),
    "shipped": _("Shipped"),
    "delivered": _("Delivered"),
    "completed": _("Completed"),
    "cancelled": _("Cancelled"),
    "return_requested": _("Return requested"),
    "returned": _("Returned"),
    "refunded": _("Refunded"),
}
STATUS_TONES = {
    "placed": "brand",
    "accepted": "brand",
    "shipped": "brand",
    "delivered": "success",
    "completed": "success",
    "cancelled": "danger",
    "refunded": "warning",
    "return_requested": "warning",
    "returned": "warning",
    "awaiting_payment": "warning",
}
EVENT_ACTIONS = {
    "create": _("Order placed"),
    "payment_captured": _("Payment received"),
    "payment_failed": _("Payment failed"),
    "accept": _("Accepted by the seller"),
    "ship": _("Handed to the carrier"),
    "deliver": _("Delivered"),
    "complete": _("Completed; the seller has been paid"),
    "cancel": _("Cancelled"),
    "request_return": _("Return requested"),
    "receive_return": _("Return received by the seller"),
    "refund": _("Refunded"),
    "dispute_opened": _("Dispute opened"),
    "return_accepted": _("Return accepted by the seller"),
    "dispute_decided": _("Dispute decided"),
}
SERVICE_LEVELS = {
    "standard": _("Standard delivery"),
    "express": _("Express delivery"),
    "economy": _("Economy delivery"),
}
ATTRIBUTE_NAMES = {
    "colour": _("Colour"),
    "material": _("Material"),
    "author": _("Author"),
    "format": _("Format"),
    "pages": _("Pages"),
    "language": _("Language"),
    "genre": _("Genre"),
    "size": _("Size"),
    "age_range": _("Age"),
    "screen_inches": _("Screen (inches)"),
    "shoe_size": _("Shoe size (EU)"),
    "volume_ml": _("Volume (ml)"),
    "connectivity": _("Connectivity"),
    "storage_gb": _("Storage (GB)"),
    "power_w": _("Power (W)"),
    "capacity_l": _("Capacity (l)"),
    "size_cm": _("Size (cm)"),
    "filling": _("Filling"),
    "gender": _("For"),
    "pieces": _("Pieces"),
    "finish": _("Finish"),
    "seats": _("Seats"),
    "form_factor": _("Form factor"),
    "waterproof": _("Water resistance"),
    "ram_gb": _("Memory (GB)"),
    "resolution": _("Resolution"),
    "battery_hours": _("Battery life (hours)"),
    "weight_kg": _("Weight (kg)"),
    "type": _("Type"),
    "capacity": _("Capacity"),
    "season": _("Season"),
    "players": _("Players"),
    "height_cm": _("Height (cm)"),
    "diameter_cm": _("Diameter (cm)"),
    "megapixels": _("Megapixels"),
}
ATTRIBUTE_VALUES = {
    "black": _("black"),
    "white": _("white"),
    "grey": _("grey"),
    "silver": _("silver"),
    "blue": _("blue"),
    "navy": _("navy"),
    "red": _("red"),
    "green": _("green"),
    "pink": _("pink"),
    "beige": _("beige"),
    "brown": _("brown"),
    "natural": _("natural"),
    "yes": _("yes"),
    "no": _("no"),
    "none": _("none"),
    "hardcover": _("hardcover"),
    "paperback": _("paperback"),
    "English": _("English"),
    "French": _("French"),
    "German": _("German"),
    "fiction": _("fiction"),
    "leather": _("leather"),
    "steel": _("steel"),
    "cotton": _("cotton"),
    "wired": _("wired"),
    "wireless": _("wireless"),
    "unisex": _("unisex"),
    "women": _("women"),
    "men": _("men"),
    "wood": _("wood"),
    "glass": _("glass"),
    "aluminium": _("aluminium"),
}


def seller_order_status(status: str) -> str:
    return str(SELLER_ORDER_STATUSES.get(status, status.replace("_", " ")))


def event_action(action: str) -> str:
    return str(EVENT_ACTIONS.get(action, action.replace("_", " ")))


def attribute_name(name: str) -> str:
    label = ATTRIBUTE_NAMES.get(name)
    return str(label) if label else name.replace("_", " ").capitalize()


def attribute_value(value) -> str:
    if isinstance(value, bool):
        return gettext("yes") if value else gettext("no")
    if isinstance(value, (list, tuple)):
        return ", ".join(attribute_value(item) for item in value)
    text = str(value)
    label = ATTRIBUTE_VALUES.get(text)
    return str(label) if label else text


def service_level(level: str) -> str:
    label = SERVICE_LEVELS.get(level)
    return str(label) if label else level.replace("_", " ").capitalize()


# Search ranking and featured-offer parameters (comptoir.search), as the /ranking page and "why" disclosures name them.
RANKING_FACTORS = {
    "relevance": _("Match with your search words"),
    "trust": _("Seller trust score"),
    "conversion": _("How often viewers buy it"),
    "delivery": _("Delivery speed"),
    "price": _("Price compared with similar products"),
    "satisfaction": _("Buyer satisfaction with the seller"),
    "fulfilment": _("Fulfilment method"),
}
FEATURED_FACTORS = {
    "price": _("Price, delivered"),
    "delivery": _("Delivery promise"),
    "trust": _("Seller trust score"),
    "fulfilment": _("Fulfilment method"),
}
INELIGIBILITY_REASONS = {
    "seller_not_verified": _("seller not verified"),
    "out_of_stock": _("out of stock"),
    "does_not_ship_to_country": _("does not deliver to your country"),
    "seller_below_standard": _("seller below the performance standard"),
    "other_currency": _("priced in another currency"),
}

"""The orders app's settings, typed, read from `settings.COMPTOIR` on each call (so override_settings works)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings


@dataclass(frozen=True)
class OrdersSettings:
    max_line_quantity: int
    default_commission_bp: int
    return_window_days: int
    release_hold_days: int


def orders_settings() -> OrdersSettings:
    values = settings.COMPTOIR
    return OrdersSettings(
        max_line_quantity=int(values.get("MAX_LINE_QUANTITY", 999)),
        default_commission_bp=int(values.get("DEFAULT_COMMISSION_BP", 1200)),
        return_window_days=int(values.get("RETURN_WINDOW_DAYS", 14)),
        release_hold_days=int(values.get("RELEASE_HOLD_DAYS", 14)),
    )

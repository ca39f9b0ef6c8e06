"""The orders app's settings, typed, read from `settings.COMPTOIR` on each call (so override_settings works)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class OrdersSettings:
    max_line_quantity: int
    default_commission_bp: int
    return_window_days: int
    release_hold_days: int


def _int(values: Mapping[str, Any], name: str, default: int) -> int:
    return int(values.get(name, default))


def orders_settings() -> OrdersSettings:
    values: Mapping[str, Any] = settings.COMPTOIR
    return OrdersSettings(
        max_line_quantity=_int(values, "MAX_LINE_QUANTITY", 999),
        default_commission_bp=_int(values, "DEFAULT_COMMISSION_BP", 1200),
        return_window_days=_int(values, "RETURN_WINDOW_DAYS", 14),
        release_hold_days=_int(values, "RELEASE_HOLD_DAYS", 14),
    )

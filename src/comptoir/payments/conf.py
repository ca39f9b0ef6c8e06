"""The payments app's settings, typed, read from Django settings on each call (so override_settings works)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from django.conf import settings


@dataclass(frozen=True)
class PaymentsSettings:
    payment_provider: str
    ledger_seal_on_commit: bool
    ledger_block_max_entries: int
    ledger_late_grace_seconds: int
    card_fingerprint_key: str
    sandbox_webhook_secret: str


def payments_settings() -> PaymentsSettings:
    values: Mapping[str, Any] = getattr(settings, "COMPTOIR", None) or {}
    return PaymentsSettings(
        payment_provider=str(values.get("PAYMENT_PROVIDER", "sandbox")),
        ledger_seal_on_commit=bool(values.get("LEDGER_SEAL_ON_COMMIT", True)),
        ledger_block_max_entries=max(1, int(values.get("LEDGER_BLOCK_MAX_ENTRIES", 500))),
        ledger_late_grace_seconds=int(values.get("LEDGER_LATE_GRACE_SECONDS", 60)),
        card_fingerprint_key=str(values.get("CARD_FINGERPRINT_KEY") or ""),
        sandbox_webhook_secret=str(getattr(settings, "COMPTOIR_SANDBOX_WEBHOOK_SECRET", "") or ""),
    )

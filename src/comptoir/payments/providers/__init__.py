"""Payment providers. A provider is a strategy chosen by settings.COMPTOIR['PAYMENT_PROVIDER'];
Stripe Connect, Adyen for Platforms or Mangopay plug in by implementing PaymentProvider."""

from __future__ import annotations

from functools import lru_cache

from comptoir.payments.conf import payments_settings
from comptoir.payments.providers.base import ChargebackNotification, ChargeResult, PaymentProvider, RefundResult
from comptoir.payments.providers.sandbox import SandboxProvider

PROVIDERS: dict[str, type[PaymentProvider]] = {"sandbox": SandboxProvider}


@lru_cache(maxsize=4)
def _provider(name: str) -> PaymentProvider:
    return PROVIDERS[name]()


def get_provider() -> PaymentProvider:
    return _provider(payments_settings().payment_provider)


def provider_named(name: str) -> PaymentProvider | None:
    """The provider registered under `name`, or None."""
    return _provider(name) if name in PROVIDERS else None


__all__ = [
    "ChargeResult",
    "ChargebackNotification",
    "PaymentProvider",
    "RefundResult",
    "get_provider",
    "provider_named",
]

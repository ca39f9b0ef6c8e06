"""The currencies app's settings (COMPTOIR["FX"]), typed, read on each call (so `override_settings` applies).

    COMPTOIR["FX"] = {
        "REFRESH_URL": "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip",  # "" turns the refresh off
        "REFRESH_TIMEOUT_SECONDS": 20,
        "CACHE_SECONDS": 60,  # how long a process trusts its rate table before checking for a newer import
        "CHARGE_CURRENCY": "offer",  # or "presentment": checkout charges in the buyer's display currency
    }

The refresh is off unless REFRESH_URL is set (COMPTOIR_FX_REFRESH_URL): the demo and this project's machines have no
internet."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

#: Checkout charges each order in its offers' currency (one currency per order), the operator's default.
CHARGE_IN_OFFER_CURRENCY = "offer"
#: Checkout charges in the buyer's display (presentment) currency, at the rate frozen on the order.
CHARGE_IN_PRESENTMENT_CURRENCY = "presentment"
CHARGE_CURRENCY_CHOICES = (CHARGE_IN_OFFER_CURRENCY, CHARGE_IN_PRESENTMENT_CURRENCY)

ECB_HISTORY_URL = "https://www.ecb.europa.eu/stats/eurofxref/eurofxref-hist.zip"


@dataclass(frozen=True)
class FxSettings:
    refresh_url: str
    refresh_timeout_seconds: float
    cache_seconds: float
    charge_currency: str = CHARGE_IN_OFFER_CURRENCY

    @property
    def charges_in_presentment_currency(self) -> bool:
        return self.charge_currency == CHARGE_IN_PRESENTMENT_CURRENCY


def fx_settings() -> FxSettings:
    values = getattr(settings, "COMPTOIR", {}).get("FX") or {}
    return FxSettings(
        refresh_url=str(values.get("REFRESH_URL") or ""),
        refresh_timeout_seconds=float(values.get("REFRESH_TIMEOUT_SECONDS", 20)),
        cache_seconds=float(values.get("CACHE_SECONDS", 60)),
        charge_currency=_charge_currency(values.get("CHARGE_CURRENCY")),
    )


def _charge_currency(value: object) -> str:
    choice = str(value or CHARGE_IN_OFFER_CURRENCY).strip().lower()
    if choice not in CHARGE_CURRENCY_CHOICES:
        raise ValueError(f'COMPTOIR["FX"]["CHARGE_CURRENCY"] must be one of {CHARGE_CURRENCY_CHOICES}, not {value!r}')
    return choice

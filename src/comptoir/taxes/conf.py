"""The taxes app's settings, typed, read on each call (`COMPTOIR["TAXES"]`, docs/TAXES.md; parsed once per value)."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings

from comptoir.taxes.domain.duties import DutyHandling


@dataclass(frozen=True)
class TaxesSettings:
    # Same gross price in every destination, the VAT re-split inside it (else: the home VAT is taken out and the
    # destination's added, so the price moves with the rate).
    uniform_gross_prices: bool
    # Ask VIES whether a buyer's VAT number is registered (off: format checks only; never in tests).
    vies_check: bool
    vies_timeout_seconds: int
    # Known duties collected at checkout when the marketplace collects the import VAT (ddp), or never (dap).
    duty_handling: DutyHandling = DutyHandling.DDP


_PARSED: dict[tuple, TaxesSettings] = {}


def taxes_settings() -> TaxesSettings:
    """The settings as they are now, parsed once per distinct value (keyed by their exact items, so that
    `override_settings` and a changed dict still apply): every quote of a checkout asks for them."""
    values = settings.COMPTOIR.get("TAXES") or {}
    try:
        key = tuple(values.items())
        parsed = _PARSED.get(key)
    except TypeError:  # an unhashable value: parsed below, not kept
        key, parsed = None, None
    if parsed is None:
        parsed = _parse(values)
        if key is not None:
            if len(_PARSED) > 64:  # a bound, should the settings be changed at run time again and again
                _PARSED.clear()
            _PARSED[key] = parsed
    return parsed


def _parse(values: dict) -> TaxesSettings:
    return TaxesSettings(
        uniform_gross_prices=bool(values.get("UNIFORM_GROSS_PRICES", False)),
        vies_check=bool(values.get("VIES_CHECK", False)),
        vies_timeout_seconds=int(values.get("VIES_TIMEOUT_SECONDS", 10)),
        duty_handling=DutyHandling(str(values.get("DUTY_HANDLING", DutyHandling.DDP.value)).lower()),
    )

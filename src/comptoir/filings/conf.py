"""The filings app's settings (`COMPTOIR["FILINGS"]`): the platform operator as DAC7 reports name it."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured


@dataclass(frozen=True)
class FilingsSettings:
    operator_name: str
    operator_country: str  # the Member State the marketplace reports DAC7 in (and registers for OSS/IOSS)
    operator_tin: str
    operator_address: str
    ch_vat_period: str  # "quarter" or "half-year": how often the platform files its Swiss VAT return
    uk_vat_stagger: int = 1  # HMRC's stagger of the marketplace's UK VAT quarters (domain/periods.py): 1, 2 or 3
    uk_vat_rates: str = "ecb"  # "hmrc": non-GBP amounts of the UK return at HMRC's monthly rates (AuthorityRate)
    ch_vat_rates: str = "ecb"  # "estv": non-CHF amounts of the Swiss return at the ESTV's monthly average rates
    dac7_xsd: str = ""  # the operator's official DPI XSD (a path); empty: Comptoir's own (domain/dpi_schema.py)


def filings_settings() -> FilingsSettings:
    values = settings.COMPTOIR.get("FILINGS") or {}
    return FilingsSettings(
        operator_name=str(values.get("OPERATOR_NAME") or "Comptoir marketplace"),
        operator_country=str(values.get("OPERATOR_COUNTRY") or "FR").upper(),
        operator_tin=str(values.get("OPERATOR_TIN") or ""),
        operator_address=str(values.get("OPERATOR_ADDRESS") or ""),
        ch_vat_period="half-year" if str(values.get("CH_VAT_PERIOD") or "").lower() == "half-year" else "quarter",
        uk_vat_stagger=_stagger(values.get("UK_VAT_STAGGER")),
        uk_vat_rates=_rates_source(values.get("UK_VAT_RATES"), "hmrc", "COMPTOIR_UK_VAT_RATES"),
        ch_vat_rates=_rates_source(values.get("CH_VAT_RATES"), "estv", "COMPTOIR_CH_VAT_RATES"),
        dac7_xsd=str(values.get("DAC7_XSD") or "").strip(),
    )


def _stagger(value) -> int:
    text = str(value or "1").strip()
    if text not in ("1", "2", "3"):
        raise ImproperlyConfigured(f"COMPTOIR_UK_VAT_STAGGER must be 1, 2 or 3 (HMRC's staggers), not {text!r}")
    return int(text)


def _rates_source(value, authority: str, name: str) -> str:
    text = str(value or "ecb").strip().lower()
    if text not in ("ecb", authority):
        raise ImproperlyConfigured(f"{name} must be ecb or {authority}, not {text!r}")
    return text

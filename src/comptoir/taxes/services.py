"""Writing VAT rates: the import from the maintained data package, effective-dated and idempotent."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.db import transaction

from comptoir.core import clock
from comptoir.taxes.domain.rates import TaxClass
from comptoir.taxes.domain.vat import rate_bp_from_percent
from comptoir.taxes.models import VatRate


@dataclass
class RateImportReport:
    source: str
    valid_from: dt.date
    created: list[str] = field(default_factory=list)  # "FR standard 20 %"
    changed: list[str] = field(default_factory=list)  # "RO standard 19 % → 21 %"
    unchanged: int = 0


def _package_rates() -> tuple[str, dt.date, dict[str, int]]:
    import eu_vat_rates_data

    version = eu_vat_rates_data.data_version
    source = f"eu-vat-rates-data {version} (European Commission TEDB; non-EU rates kept by vatnode.dev)"
    # The package holds floats as published (20.0, 25.5): read through their text, never as binary fractions.
    standard = {
        code: rate_bp_from_percent(repr(entry["standard"])) for code, entry in eu_vat_rates_data.get_all_rates().items()
    }
    return source, dt.date.fromisoformat(version), standard


def vat_rates_import_package(*, valid_from: dt.date | None = None) -> RateImportReport:
    """Import every country's standard rate from eu-vat-rates-data, in force from `valid_from` (default: the date of
    the package's data). A country whose rate in force is the same is left alone; a changed rate closes the previous
    one the day before and starts a new one, so past orders keep the rate they were taxed at. Idempotent."""
    source, data_day, standard = _package_rates()
    start = valid_from or data_day
    report = RateImportReport(source=source, valid_from=start)
    now = clock.now()
    with transaction.atomic():
        for country, rate_bp in sorted(standard.items()):
            current = (
                VatRate.objects.select_for_update()
                .filter(country=country, tax_class=TaxClass.STANDARD, valid_from__lte=start)
                .order_by("-valid_from")
                .first()
            )
            label = f"{country} standard {rate_bp / 100:g} %"
            if current is not None and current.rate_bp == rate_bp and (current.valid_to is None):
                report.unchanged += 1
                continue
            if current is not None and current.valid_from == start:
                report.changed.append(f"{country} standard {current.rate_bp / 100:g} % → {rate_bp / 100:g} %")
                current.rate_bp, current.source, current.imported_at = rate_bp, source, now
                current.save(update_fields=["rate_bp", "source", "imported_at"])
                continue
            if current is not None and (current.valid_to is None or current.valid_to >= start):
                report.changed.append(f"{country} standard {current.rate_bp / 100:g} % → {rate_bp / 100:g} %")
                current.valid_to = start - dt.timedelta(days=1)
                current.save(update_fields=["valid_to"])
            else:
                report.created.append(label)
            VatRate.objects.create(
                country=country,
                tax_class=TaxClass.STANDARD,
                rate_bp=rate_bp,
                valid_from=start,
                source=source,
                imported_at=now,
            )
    return report

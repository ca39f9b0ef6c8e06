"""Reads of the currencies app: the rate table in effect on a day, and `ReferenceRates`, the `Rates` of the pricing seam
(comptoir.offers.domain.pricing) backed by it.

The table in effect on a day is the latest published day on or before it (the ECB publishes on working days only: a
Sunday uses Friday's rates). Each process keeps the tables it has read for `COMPTOIR["FX"]["CACHE_SECONDS"]` (60 s);
then one small query (the newest import's id) tells whether a new import happened: if not, the table is kept another
period, else it is read again. So a new rate is seen by every process within a minute, without a restart, and a page
pays no query for rates at all most of the time (and none when every price is already in the buyer's currency)."""

from __future__ import annotations

import datetime as dt
import threading
import time
from dataclasses import dataclass
from decimal import Decimal

from django.db.models import Max

from comptoir.core import clock
from comptoir.core.money import Money
from comptoir.currencies.conf import fx_settings
from comptoir.currencies.domain.rates import ECB, EURO, RateOrigin, RateTable
from comptoir.currencies.models import ExchangeRate, ExchangeRateImport

_MAX_TABLES = 64  # days kept per process (a demo or a test moves the clock; production asks for today only)


@dataclass
class _Cached:
    checked_at: float
    version: int | None
    table: RateTable | None


_tables: dict[tuple[str, dt.date], _Cached] = {}
_lock = threading.Lock()


def _monotonic() -> float:
    return time.monotonic()


def rates_cache_clear() -> None:
    """Forget every cached table of this process (called after an import commits)."""
    with _lock:
        _tables.clear()


def _import_version(source: str) -> int | None:
    return ExchangeRateImport.objects.filter(source=source).order_by("-pk").values_list("pk", flat=True).first()


def _read_table(source: str, day: dt.date) -> RateTable | None:
    published = ExchangeRate.objects.filter(source=source, base=EURO, day__lte=day).aggregate(latest=Max("day"))
    latest = published["latest"]
    if latest is None:
        return None
    rows = ExchangeRate.objects.filter(source=source, base=EURO, day=latest).values_list("currency", "rate")
    return RateTable(day=latest, source=source, base=EURO, rates=dict(rows))


def rate_table_on(day: dt.date | None = None, *, source: str = ECB) -> RateTable | None:
    """The reference rates in effect on `day` (today by default): the latest published day on or before it; None when
    no rate was ever imported for such a day."""
    day = day or clock.now().date()
    key = (source, day)
    now = _monotonic()
    with _lock:
        cached = _tables.get(key)
    ttl = fx_settings().cache_seconds
    if cached is not None and now - cached.checked_at < ttl:
        return cached.table
    version = _import_version(source)
    if cached is not None and cached.version == version:
        cached.checked_at = now
        return cached.table
    table = _read_table(source, day)
    with _lock:
        if len(_tables) >= _MAX_TABLES:
            _tables.clear()
        _tables[key] = _Cached(now, version, table)
    return table


class ReferenceRates:
    """The pricing seam's `Rates` over the published reference rates in effect on `day` (today by default): cross rates
    through the euro, rounded once per conversion (currencies.domain.rates.convert_at_rate). The table is read on the
    first conversion between two different currencies, so quoting offers already in the buyer's currency costs
    nothing."""

    def __init__(self, day: dt.date | None = None, *, source: str = ECB) -> None:
        self._day, self._source = day, source
        self._table: RateTable | None = None
        self._loaded = False

    @property
    def table(self) -> RateTable | None:
        if not self._loaded:
            self._table = rate_table_on(self._day, source=self._source)
            self._loaded = True
        return self._table

    def convert(self, amount: Money, currency: str) -> Money | None:
        if amount.currency == currency:
            return amount
        table = self.table
        return table.convert(amount, currency) if table is not None else None

    def rate(self, source: str, target: str) -> Decimal | None:
        """Units of `target` for one unit of `source` on the table in effect (1 for the same currency)."""
        if source == target:
            return Decimal(1)
        table = self.table
        return table.rate(source, target) if table is not None else None

    def origin(self, source: str, target: str) -> RateOrigin | None:
        """Where the rate of `source` → `target` comes from (publisher and day), None without one."""
        if source == target:
            return None
        table = self.table
        return table.origin(source, target) if table is not None else None

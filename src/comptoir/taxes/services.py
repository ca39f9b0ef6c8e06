"""Writing VAT data: the rates' import from the maintained data package (effective-dated, idempotent), a buyer's VAT
number checked and recorded, a seller's tax profile."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import logging
import re
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from django.db import IntegrityError, transaction
from django.db.models import Sum
from django.utils.translation import gettext_noop

from comptoir.core import clock, events
from comptoir.core.exceptions import ValidationError
from comptoir.core.money import is_known_currency
from comptoir.core.services import audit_record
from comptoir.taxes import errors
from comptoir.taxes.conf import taxes_settings
from comptoir.taxes.domain.categories import CATEGORY_PATTERN
from comptoir.taxes.domain.distance_sales import over_through_year
from comptoir.taxes.domain.duties import CustomsValue, DutyKind, SpecificKind, SpecificUnit
from comptoir.taxes.domain.duties import DutyRule as DomainDutyRule
from comptoir.taxes.domain.rates import TaxClass
from comptoir.taxes.domain.vat import rate_bp_from_percent
from comptoir.taxes.domain.vat_numbers import vat_number_format
from comptoir.taxes.events import SellerVatStatusChanged, TaxRulesChanged
from comptoir.taxes.models import (
    DutyRule,
    SellerDistanceSale,
    SellerTaxProfile,
    TariffRate,
    VatNumberCheck,
    VatRate,
    ViesStatus,
)

logger = logging.getLogger(__name__)


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
    one the day before and starts a new one, so past orders keep the rate they were taxed at. Idempotent. When a rate
    was created or changed, `TaxRulesChanged` is published on commit (search re-prices its destination prices)."""
    source, data_day, standard = _package_rates()
    start = valid_from or data_day
    report = RateImportReport(source=source, valid_from=start)
    now = clock.now()
    with transaction.atomic():
        for country, rate_bp in sorted(standard.items()):
            current = (
                VatRate.objects.select_for_update()
                .filter(country=country, tax_class=TaxClass.STANDARD, category="", valid_from__lte=start)
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
        if report.created or report.changed:
            events.publish_on_commit(TaxRulesChanged(starts_on=start))
    return report


def vat_number_check(*, number: str, actor=None) -> VatNumberCheck:
    """Check a VAT number and record the answer (a new row each time: evidence for the sale it is used for). The format
    is checked with python-stdnum; a well-formed number is then asked to VIES when the operator turned it on
    (`COMPTOIR["TAXES"]["VIES_CHECK"]`): "valid"/"invalid" as VIES answers, "unreachable" when it could not be asked
    (the number is then accepted on its format, and the answer says so). Runs in the caller's transaction; never
    raises on a bad number (the row says why)."""
    checked = vat_number_format(number)
    row = VatNumberCheck(
        number=checked.number,
        country=checked.country,
        is_format_valid=checked.is_valid,
        format_problem=checked.problem[:200],
        checked_by=actor if getattr(actor, "pk", None) else None,
        checked_at=clock.now(),
    )
    if checked.is_valid and taxes_settings().vies_check:
        _vies_ask(row)
    row.save()
    return row


def _vies_ask(row: VatNumberCheck) -> None:
    from stdnum.eu import vat as eu_vat

    try:
        answer = eu_vat.check_vies(row.number, timeout=taxes_settings().vies_timeout_seconds)
    except Exception as error:  # the SOAP client (zeep or suds) raises its own types: any failure is "unreachable"
        logger.warning("VIES unreachable for %s: %s", row.number, error)
        row.vies_status = ViesStatus.UNREACHABLE
        return
    row.vies_status = ViesStatus.VALID if answer.get("valid") else ViesStatus.INVALID
    row.vies_name = str(answer.get("name") or "")[:200]
    row.vies_address = str(answer.get("address") or "")[:300]
    request_date = answer.get("requestDate")
    row.vies_request_date = request_date if isinstance(request_date, dt.date) else None


def seller_tax_profile_set(
    *, seller_id: int, charges_destination_vat: bool, oss_registration: str = "", actor=None
) -> SellerTaxProfile:
    """Record whether a seller charges destination VAT on its intra-EU distance sales (over the EUR 10,000 threshold
    or opted in, OSS). Applies to orders placed afterwards; audited. A change publishes `SellerVatStatusChanged` on
    commit (search re-prices the seller's products)."""
    with transaction.atomic():
        profile, _created = SellerTaxProfile.objects.select_for_update().get_or_create(seller_id=seller_id)
        if profile.charges_destination_vat != charges_destination_vat:
            events.publish_on_commit(SellerVatStatusChanged(seller_id=seller_id))
        profile.charges_destination_vat = charges_destination_vat
        profile.oss_registration = oss_registration.strip()[:40]
        profile.save()
        audit_record(
            actor=actor,
            action="taxes.seller_profile_set",
            target=profile,
            data={"charges_destination_vat": charges_destination_vat, "oss_registration": profile.oss_registration},
        )
    return profile


DUTY_RULES_FILE = Path(__file__).resolve().parent / "data" / "duty_rules.json"
_DUTY_RULE_FIELDS = (
    "currency",
    "amount",
    "value_limit",
    "valid_to",
    "marketplace_collected_only",
    "customs_value",
    "source",
)


@dataclass
class DutyRulesLoadReport:
    version: str
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def duty_rules_load(*, path: Path | None = None) -> DutyRulesLoadReport:
    """Load the duty rules of `path` (default: taxes/data/duty_rules.json), one row per area, kind and start date:
    a new rule is created, a rule whose terms changed is updated (the file is the reference; correct it there), an
    identical one left alone. Idempotent. Raises ValueError on a malformed file (nothing is written). When a rule was
    created or changed, `TaxRulesChanged` is published on commit."""
    document = json.loads((path or DUTY_RULES_FILE).read_text(encoding="utf-8"))
    parsed = [_duty_rule_parse(entry) for entry in document["rules"]]
    report = DutyRulesLoadReport(version=str(document.get("version", "")))
    now = clock.now()
    with transaction.atomic():
        for rule in parsed:
            values = {name: _plain(getattr(rule, name)) for name in _DUTY_RULE_FIELDS}
            label = f"{rule.area} {rule.kind} from {rule.valid_from}"
            row = (
                DutyRule.objects.select_for_update()
                .filter(area=rule.area, kind=rule.kind.value, valid_from=rule.valid_from)
                .first()
            )
            if row is None:
                DutyRule.objects.create(
                    area=rule.area, kind=rule.kind.value, valid_from=rule.valid_from, loaded_at=now, **values
                )
                report.created.append(label)
            elif any(getattr(row, name) != value for name, value in values.items()):
                for name, value in values.items():
                    setattr(row, name, value)
                row.loaded_at = now
                row.save()
                report.changed.append(label)
            else:
                report.unchanged += 1
        changed = {*report.created, *report.changed}
        touched = [rule.valid_from for rule in parsed if f"{rule.area} {rule.kind} from {rule.valid_from}" in changed]
        if touched:
            events.publish_on_commit(TaxRulesChanged(starts_on=min(touched)))
    return report


def _duty_rule_parse(entry: dict) -> DomainDutyRule:
    try:
        rule = DomainDutyRule(
            area=str(entry["area"]).upper(),
            kind=DutyKind(entry["kind"]),
            currency=str(entry["currency"]).upper(),
            amount=int(entry.get("amount", 0)),
            value_limit=None if entry.get("value_limit") is None else int(entry["value_limit"]),
            valid_from=dt.date.fromisoformat(entry["valid_from"]),
            valid_to=None if entry.get("valid_to") is None else dt.date.fromisoformat(entry["valid_to"]),
            source=str(entry["source"]),
            marketplace_collected_only=bool(entry.get("marketplace_collected_only", False)),
            customs_value=CustomsValue(entry.get("customs_value", CustomsValue.CIF.value)),
        )
    except (KeyError, TypeError, ValueError) as error:
        raise ValueError(f"invalid duty rule {entry!r}: {error}") from error
    if len(rule.area) != 2 or not rule.source.strip() or rule.amount < 0:
        raise ValueError(f"invalid duty rule {entry!r}")
    return rule


def _plain(value):
    return value.value if isinstance(value, CustomsValue) else value


TARIFF_COLUMNS = ("area", "hs_prefix", "origin", "rate_percent", "valid_from", "valid_to", "source")
# Optional columns (a file without them loads as before: ad valorem rates only): a specific duty per unit.
TARIFF_SPECIFIC_COLUMNS = ("specific_amount", "specific_currency", "specific_unit", "specific_kind")
_TARIFF_FIELDS = (
    "rate_bp",
    "valid_to",
    "source",
    "specific_amount",
    "specific_currency",
    "specific_unit",
    "specific_kind",
)
_SPECIFIC_AMOUNT = re.compile(r"^[0-9]{1,10}(\.[0-9]{1,4})?$")
_COUNTRY = re.compile(r"^[A-Z]{2}$")
_HS_PREFIX = re.compile(r"^[0-9]{2,10}$")


class TariffFileError(ValueError):
    """A tariff rates file that cannot be loaded: `problems` lists each one with its line number."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


@dataclass
class TariffRatesLoadReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0


def _tariff_row_parse(row: dict[str, str], line: int) -> tuple[TariffRate | None, list[str]]:
    problems: list[str] = []
    cells = {name: (row.get(name) or "").strip() for name in (*TARIFF_COLUMNS, *TARIFF_SPECIFIC_COLUMNS)}
    area, prefix, origin = cells["area"].upper(), cells["hs_prefix"].replace(".", ""), cells["origin"].upper()
    if not _COUNTRY.match(area):
        problems.append(f"line {line}: area {cells['area']!r} is not a customs area (EU, GB, CH, US…)")
    if not _HS_PREFIX.match(prefix):
        problems.append(f"line {line}: hs_prefix {cells['hs_prefix']!r} is not 2 to 10 digits")
    if origin and not _COUNTRY.match(origin):
        problems.append(f"line {line}: origin {cells['origin']!r} is not a country code (or empty: any origin)")
    specific, specific_problems = _tariff_specific_parse(cells, line)
    problems += specific_problems
    rate_bp = None
    try:
        # A specific duty alone ("CHF 10.50 per 100 kg gross") may leave the percentage empty: 0 %.
        specific_alone = not cells["rate_percent"] and specific is not None and specific[3] == SpecificKind.PLUS
        rate_bp = 0 if specific_alone else rate_bp_from_percent(cells["rate_percent"])
        if rate_bp < 0:
            raise ValueError
    except (ArithmeticError, ValueError):
        problems.append(f"line {line}: rate_percent {cells['rate_percent']!r} is not a percentage (12, 2.7, 0)")
    valid_from, valid_to = _validity_cells(cells, line, problems)
    if not cells["source"]:
        problems.append(f"line {line}: source is empty (every rate says where it comes from)")
    if problems or rate_bp is None or valid_from is None:
        return None, problems
    rate = TariffRate(
        area=area,
        hs_prefix=prefix,
        origin=origin,
        rate_bp=rate_bp,
        valid_from=valid_from,
        valid_to=valid_to,
        source=cells["source"],
    )
    if specific is not None:
        rate.specific_amount, rate.specific_currency, rate.specific_unit, rate.specific_kind = specific
    return rate, []


def _tariff_specific_parse(cells: dict[str, str], line: int) -> tuple[tuple[Decimal, str, str, str] | None, list[str]]:
    """The specific component of a tariff line: (amount, currency, unit, kind), None when the line has none."""
    amount, currency = cells["specific_amount"], cells["specific_currency"].upper()
    unit, kind = cells["specific_unit"].lower(), cells["specific_kind"].lower() or SpecificKind.PLUS.value
    if not amount:
        if currency or unit or cells["specific_kind"]:
            return None, [f"line {line}: specific_currency, specific_unit or specific_kind without a specific_amount"]
        return None, []
    problems = []
    if not _SPECIFIC_AMOUNT.match(amount):
        problems.append(f"line {line}: specific_amount {amount!r} is not an amount (0.50, 10, 1.2345: major units)")
    if not is_known_currency(currency):
        problems.append(f"line {line}: specific_currency {cells['specific_currency']!r} is not an ISO 4217 currency")
    if unit not in {item.value for item in SpecificUnit}:
        units = ", ".join(item.value for item in SpecificUnit)
        problems.append(f"line {line}: specific_unit {cells['specific_unit']!r} is not one of {units}")
    if kind not in {item.value for item in SpecificKind}:
        kinds = ", ".join(item.value for item in SpecificKind)
        problems.append(f"line {line}: specific_kind {cells['specific_kind']!r} is not one of {kinds}")
    if problems:
        return None, problems
    return (Decimal(amount), currency, unit, kind), []


def tariff_rates_parse(text: str) -> list[TariffRate]:
    """The rates of a tariff CSV (header: area, hs_prefix, origin, rate_percent, valid_from, valid_to, source; optional
    specific_amount, specific_currency, specific_unit, specific_kind) as unsaved rows. Raises TariffFileError listing
    every problem with its line number (a file is loaded whole or not at all)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in TARIFF_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise TariffFileError([f"line 1: missing column(s) {', '.join(missing)} (expected {','.join(TARIFF_COLUMNS)})"])
    problems: list[str] = []
    rates: list[TariffRate] = []
    seen: dict[tuple, int] = {}
    for row in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in row.values() if isinstance(value, str)):
            continue
        rate, found = _tariff_row_parse(row, line)
        problems += found
        if rate is None:
            continue
        key = (rate.area, rate.hs_prefix, rate.origin, rate.valid_from)
        if key in seen:
            problems.append(f"line {line}: the same rate (area, prefix, origin, valid_from) as line {seen[key]}")
            continue
        seen[key] = line
        rates.append(rate)
    if problems:
        raise TariffFileError(problems)
    return rates


def tariff_rates_load(*, text: str, actor=None) -> TariffRatesLoadReport:
    """Load the tariff rates of a CSV (`tariff_rates_parse`), one row per area, HS prefix, origin and start date: a new
    rate is created, a rate whose terms changed (rate, end, source) is updated, an identical one left alone; rows not
    in the file stay as they are (end a rate with its `valid_to`). Idempotent and all-or-nothing: a file with any bad
    line raises TariffFileError and writes nothing. When a rate was created or changed, `TaxRulesChanged` is
    published on commit (search re-prices its destination prices) and an audit row is written. Two loads at once:
    the one that inserts second meets the first's rows at the unique constraint and loads again against them (it then
    finds them unchanged)."""
    parsed = tariff_rates_parse(text)
    try:
        return _tariff_rates_write(parsed, actor=actor)
    except IntegrityError:
        return _tariff_rates_write(parsed, actor=actor)


def _tariff_rates_write(parsed: list[TariffRate], *, actor) -> TariffRatesLoadReport:
    report = TariffRatesLoadReport(rows=len(parsed))
    with transaction.atomic():
        existing = {
            (row.area, row.hs_prefix, row.origin, row.valid_from): row
            for row in TariffRate.objects.select_for_update().filter(area__in={rate.area for rate in parsed})
        }
        _dated_rows_upsert(
            TariffRate,
            parsed,
            report,
            existing=existing,
            key=lambda rate: (rate.area, rate.hs_prefix, rate.origin, rate.valid_from),
            label=lambda rate: (
                f"{rate.area} {rate.hs_prefix}{' from ' + rate.origin if rate.origin else ''} @ {rate.valid_from}"
            ),
            fields=_TARIFF_FIELDS,
            stamp="loaded_at",
            action="taxes.tariff_rates_loaded",
            actor=actor,
        )
    return report


def _validity_cells(cells: dict[str, str], line: int, problems: list[str]) -> tuple[dt.date | None, dt.date | None]:
    """A loaded file's `valid_from` / `valid_to` cells (ISO dates; the end may be empty), their problems appended to
    `problems` with the line number; None for a cell that is not a date."""
    valid_from = valid_to = None
    try:
        valid_from = dt.date.fromisoformat(cells["valid_from"])
    except ValueError:
        problems.append(f"line {line}: valid_from {cells['valid_from']!r} is not a date (YYYY-MM-DD)")
    try:
        valid_to = dt.date.fromisoformat(cells["valid_to"]) if cells["valid_to"] else None
    except ValueError:
        problems.append(f"line {line}: valid_to {cells['valid_to']!r} is not a date (YYYY-MM-DD) or empty")
    if valid_from and valid_to and valid_to < valid_from:
        problems.append(f"line {line}: valid_to {valid_to} is before valid_from {valid_from}")
    return valid_from, valid_to


def _dated_rows_upsert(model, parsed, report, *, existing, key, label, fields, stamp, action, actor) -> None:
    """Write a loaded file's effective-dated rows (tariff rates, category rates) inside the caller's transaction:
    a row new by `key` is created, a row whose `fields` changed is updated, an identical one left alone (counted in
    `report`); when anything was written, one audit row and a `TaxRulesChanged` from the earliest start touched."""
    now = clock.now()
    touched: list[dt.date] = []
    creations, updated = [], []
    for rate in parsed:
        row = existing.get(key(rate))
        if row is None:
            setattr(rate, stamp, now)
            creations.append(rate)
            report.created.append(label(rate))
            touched.append(rate.valid_from)
        elif any(getattr(row, name) != getattr(rate, name) for name in fields):
            for name in fields:
                setattr(row, name, getattr(rate, name))
            setattr(row, stamp, now)
            row.save(update_fields=[*fields, stamp])
            updated.append(row)
            report.changed.append(label(rate))
            touched.append(rate.valid_from)
        else:
            report.unchanged += 1
    created = model.objects.bulk_create(creations, batch_size=1000)
    if touched:
        audit_record(
            actor=actor,
            action=action,
            target=(created or updated)[0],
            data={"created": len(report.created), "changed": len(report.changed), "rows": report.rows},
        )
        events.publish_on_commit(TaxRulesChanged(starts_on=min(touched)))


CATEGORY_RATES_FILE = Path(__file__).resolve().parent / "data" / "category_rates.csv"
CATEGORY_COLUMNS = ("category", "country", "kind", "rate_percent", "valid_from", "valid_to", "source", "verify")
_CATEGORY_FIELDS = ("tax_class", "rate_bp", "valid_to", "source")
_VERIFY_MARK = " [verify]"


def _package_kind_rates() -> tuple[dt.date, dict[str, dict[TaxClass, set[int]]]]:
    """The package's date and, per country, the rates it lists of each kind (basis points)."""
    import eu_vat_rates_data

    listed: dict[str, dict[TaxClass, set[int]]] = {}
    for code, entry in eu_vat_rates_data.get_all_rates().items():
        reduced = [*(entry.get("reduced") or []), *([entry["parking"]] if entry.get("parking") else [])]
        listed[code] = {
            TaxClass.STANDARD: {rate_bp_from_percent(repr(entry["standard"]))},
            TaxClass.REDUCED: {rate_bp_from_percent(repr(rate)) for rate in reduced},
            TaxClass.SUPER_REDUCED: (
                {rate_bp_from_percent(repr(entry["super_reduced"]))} if entry.get("super_reduced") else set()
            ),
            TaxClass.ZERO: {0},
        }
    return dt.date.fromisoformat(eu_vat_rates_data.data_version), listed


class CategoryRatesFileError(TariffFileError):
    """A category rates file that cannot be loaded: `problems` lists each one with its line number."""


@dataclass
class CategoryRatesLoadReport:
    rows: int = 0
    created: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    unchanged: int = 0
    to_verify: int = 0


def _category_row_parse(
    cells: dict[str, str], line: int, *, package_day: dt.date, listed: dict[str, dict[TaxClass, set[int]]]
) -> tuple[VatRate | None, list[str]]:
    problems: list[str] = []
    category, country, kind_text = cells["category"], cells["country"].upper(), cells["kind"].lower()
    if not CATEGORY_PATTERN.match(category):
        problems.append(f"line {line}: category {category!r} is not a slug (lower case letters, digits, _)")
    if not _COUNTRY.match(country):
        problems.append(f"line {line}: country {cells['country']!r} is not a country code")
    kind = TaxClass(kind_text) if kind_text in set(TaxClass) else None
    if kind is None:
        problems.append(f"line {line}: kind {cells['kind']!r} is not one of {', '.join(TaxClass)}")
    rate_bp = None
    try:
        rate_bp = rate_bp_from_percent(cells["rate_percent"])
        if not 0 <= rate_bp <= 10_000:
            raise ValueError
    except (ArithmeticError, ValueError):
        problems.append(f"line {line}: rate_percent {cells['rate_percent']!r} is not a percentage (5.5, 7, 0)")
        rate_bp = None
    valid_from, valid_to = _validity_cells(cells, line, problems)
    verify = cells["verify"].lower()
    if verify not in {"", "yes", "no"}:
        problems.append(f"line {line}: verify {cells['verify']!r} is not yes, no or empty")
    source = cells["source"] + (_VERIFY_MARK if verify == "yes" else "")
    if not cells["source"]:
        problems.append(f"line {line}: source is empty (every row says where it comes from)")
    elif len(source) > 200:
        problems.append(f"line {line}: source is longer than {200 - len(_VERIFY_MARK)} characters")
    if kind is TaxClass.ZERO and rate_bp:
        problems.append(f"line {line}: a zero kind has rate_percent 0")
    # A row still in force on the package's day names a rate the package lists for that kind and country (a typo, 5
    # for 5.5, is refused); earlier rows are history the package no longer lists.
    current = valid_to is None or valid_to >= package_day
    checked = kind is not None and kind is not TaxClass.ZERO and rate_bp is not None and current
    if checked and kind is not None and rate_bp is not None and _COUNTRY.match(country):
        known = listed.get(country)
        if known is None:
            problems.append(f"line {line}: eu-vat-rates-data has no rates for {country}")
        elif rate_bp not in known[kind]:
            shown = ", ".join(f"{rate / 100:g}" for rate in sorted(known[kind])) or "none"
            problems.append(
                f"line {line}: {country} {kind} {rate_bp / 100:g} % is not among eu-vat-rates-data's {kind} rates "
                f"for {country} ({shown})"
            )
    if problems or kind is None or rate_bp is None or valid_from is None:
        return None, problems
    row = VatRate(
        country=country,
        category=category,
        tax_class=kind,
        rate_bp=rate_bp,
        valid_from=valid_from,
        valid_to=valid_to,
        source=source,
    )
    return row, []


def category_rates_parse(text: str) -> list[VatRate]:
    """The rows of a category rates CSV (header: category, country, kind, rate_percent, valid_from, valid_to, source,
    verify) as unsaved `VatRate` rows with their category. A row in force on the day of the installed eu-vat-rates-data
    must name a rate the package lists for that country and kind. Raises CategoryRatesFileError listing every problem
    with its line number (a file is loaded whole or not at all)."""
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    missing = [name for name in CATEGORY_COLUMNS if name not in (reader.fieldnames or [])]
    if missing:
        raise CategoryRatesFileError(
            [f"line 1: missing column(s) {', '.join(missing)} (expected {','.join(CATEGORY_COLUMNS)})"]
        )
    package_day, listed = _package_kind_rates()
    problems: list[str] = []
    rows: list[VatRate] = []
    seen: dict[tuple, int] = {}
    for raw in reader:
        line = reader.line_num
        if not any((value or "").strip() for value in raw.values() if isinstance(value, str)):
            continue
        cells = {name: (raw.get(name) or "").strip() for name in CATEGORY_COLUMNS}
        row, found = _category_row_parse(cells, line, package_day=package_day, listed=listed)
        problems += found
        if row is None:
            continue
        key = (row.category, row.country, row.valid_from)
        if key in seen:
            problems.append(f"line {line}: the same category, country and valid_from as line {seen[key]}")
            continue
        seen[key] = line
        rows.append(row)
    if problems:
        raise CategoryRatesFileError(problems)
    return rows


def category_rates_load(*, text: str, actor=None) -> CategoryRatesLoadReport:
    """Load which rate each tax category bears per country (`category_rates_parse`), one row per category, country and
    start date: a new row is created, a row whose terms changed (kind, rate, end, source) is updated, an identical one
    left alone; rows not in the file stay (end one with its `valid_to`). Idempotent and all-or-nothing: a file with any
    bad line raises CategoryRatesFileError and writes nothing. When a row was created or changed, an audit row is
    written and `TaxRulesChanged` is published on commit (search re-prices its destination prices). Two loads at once:
    the one that inserts second meets the first's rows at the unique constraint and loads again against them."""
    parsed = category_rates_parse(text)
    try:
        return _category_rates_write(parsed, actor=actor)
    except IntegrityError:
        return _category_rates_write(parsed, actor=actor)


def _category_rates_write(parsed: list[VatRate], *, actor) -> CategoryRatesLoadReport:
    verify = sum(row.source.endswith(_VERIFY_MARK) for row in parsed)
    report = CategoryRatesLoadReport(rows=len(parsed), to_verify=verify)
    with transaction.atomic():
        existing = {
            (row.category, row.country, row.valid_from): row
            for row in VatRate.objects.select_for_update()
            .filter(category__in={row.category for row in parsed})
            .order_by("pk")
        }
        _dated_rows_upsert(
            VatRate,
            parsed,
            report,
            existing=existing,
            key=lambda rate: (rate.category, rate.country, rate.valid_from),
            label=lambda rate: (
                f"{rate.category} {rate.country} {rate.tax_class} {rate.rate_bp / 100:g} % from {rate.valid_from}"
            ),
            fields=_CATEGORY_FIELDS,
            stamp="imported_at",
            action="taxes.category_rates_loaded",
            actor=actor,
        )
    return report


@dataclass(frozen=True)
class DistanceSaleCount:
    seller_id: int
    year: int
    net_eur_cents: int  # the seller's counted distance sales of the year, after this count
    counted_over_through_year: int | None


def seller_distance_sale_count(
    *, seller_id: int, seller_order_id: int, year: int, net_eur_cents: int
) -> DistanceSaleCount:
    """Count one seller order's intra-EU distance sales (net of VAT, EUR cents; 0 for a cancelled or refunded one)
    towards the seller's threshold of `year`, and keep `SellerTaxProfile.counted_over_through_year` in step.

    Idempotent and atomic: one row per seller order (counting it again replaces its amount), the seller's profile
    row locked while its years are summed, so two orders of one seller counted at once never lose one."""
    if net_eur_cents < 0:
        raise ValidationError("A distance sale is not negative.", code=errors.DISTANCE_SALE_NEGATIVE)
    with transaction.atomic():
        profile, _created = SellerTaxProfile.objects.select_for_update().get_or_create(seller_id=seller_id)
        SellerDistanceSale.objects.update_or_create(
            seller_order_id=seller_order_id,
            defaults={"seller_id": seller_id, "year": year, "net_eur_cents": net_eur_cents, "counted_at": clock.now()},
        )
        by_year = dict(
            SellerDistanceSale.objects.filter(seller_id=seller_id)
            .values("year")
            .annotate(total=Sum("net_eur_cents"))
            .values_list("year", "total")
        )
        through = over_through_year(by_year)
        if through != profile.counted_over_through_year:
            audit_record(
                actor=None,
                action="taxes.distance_sales_threshold",
                target=profile,
                data={"counted_over_through_year": through, "previous": profile.counted_over_through_year},
            )
            profile.counted_over_through_year = through
            profile.save(update_fields=["counted_over_through_year", "updated_at"])
            events.publish_on_commit(SellerVatStatusChanged(seller_id=seller_id))
    return DistanceSaleCount(seller_id, year, int(by_year.get(year) or 0), through)


def seller_tax_identity_set(
    *, seller_id: int, legal_form: str, tin: str, tin_country: str, date_of_birth: dt.date | None, actor=None
) -> SellerTaxProfile:
    """Record the identity a DAC7 report needs that the seller's onboarding did not collect: legal form, tax
    identification number and its issuing country, date of birth (individuals). Raises ValidationError (422) for an
    unknown legal form, a country that is not two letters, a date of birth in the future or given for an entity.
    Audited; any field may be left empty (the report then says it is missing)."""
    tin, tin_country = tin.strip()[:40], tin_country.strip().upper()
    problems: dict[str, str] = {}
    if legal_form not in ("", "individual", "entity"):
        problems["legal_form"] = gettext_noop("Choose individual or entity.")
    if tin_country and (len(tin_country) != 2 or not tin_country.isalpha()):
        problems["tin_country"] = gettext_noop("A two-letter country code.")
    if date_of_birth is not None and (legal_form == "entity" or date_of_birth >= clock.now().date()):
        problems["date_of_birth"] = gettext_noop("A past date, for an individual only.")
    if problems:
        raise ValidationError(
            gettext_noop("The tax identity is not valid."), code=errors.TAX_IDENTITY_INVALID, fields=problems
        )
    with transaction.atomic():
        profile, _created = SellerTaxProfile.objects.select_for_update().get_or_create(seller_id=seller_id)
        profile.legal_form, profile.tin, profile.tin_country = legal_form, tin, tin_country
        profile.date_of_birth = date_of_birth
        profile.save()
        audit_record(
            actor=actor,
            action="taxes.seller_identity_set",
            target=profile,
            data={"legal_form": legal_form, "tin_country": tin_country, "tin_given": bool(tin)},
        )
    return profile

"""Reading VAT rates and deciding liability with the data in the database."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.db.models import Q, Sum

from comptoir.core import clock
from comptoir.sellers.models import Seller
from comptoir.taxes.domain.distance_sales import charges_destination_vat
from comptoir.taxes.domain.duties import CustomsValue, DutyKind, TariffSchedule, customs_area, specific_duty_from
from comptoir.taxes.domain.duties import DutyRule as DomainDutyRule
from comptoir.taxes.domain.duties import TariffRate as DomainTariffRate
from comptoir.taxes.domain.rates import DatedRate, TaxClass, rate_on, rates_by_country
from comptoir.taxes.models import DutyRule, SellerDistanceSale, SellerTaxProfile, TariffRate, VatRate


def _dated(row: VatRate) -> DatedRate:
    return DatedRate(
        country=row.country,
        tax_class=TaxClass(row.tax_class),
        rate_bp=row.rate_bp,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        category=row.category,
    )


def vat_rate_on(*, country: str, tax_class: TaxClass = TaxClass.STANDARD, day: dt.date | None = None) -> DatedRate:
    """The rate in force on `day` (default: today). Raises domain.rates.NoRate when there is none."""
    day = day or clock.now().date()
    rows = VatRate.objects.filter(country=country.upper(), tax_class=tax_class, category="", valid_from__lte=day)
    return rate_on((_dated(row) for row in rows), country=country.upper(), tax_class=tax_class, day=day)


def vat_rates_in_force(*, day: dt.date | None = None) -> list[DatedRate]:
    """Every country's rates in force on `day`, one per country and class and one per country and tax category,
    sorted by country, then the classes, then the categories."""
    day = day or clock.now().date()
    latest: dict[tuple[str, str, str], DatedRate] = {}
    for row in VatRate.objects.filter(valid_from__lte=day).order_by("valid_from"):
        rate = _dated(row)
        latest[(rate.country, rate.category, "" if rate.category else rate.tax_class)] = rate
    return sorted(
        (rate for rate in latest.values() if rate.valid_to is None or rate.valid_to >= day),
        key=lambda rate: (rate.country, rate.category, list(TaxClass).index(rate.tax_class)),
    )


def vat_rates_for(*, countries: set[str], tax_class: str, day: dt.date | None = None) -> dict[str, int]:
    """country -> rate (basis points) of `tax_class` in force on `day` (today by default) for the `countries` that have
    one (domain.rates.rates_by_country: a class without a rate falls back to the standard rate). One query."""
    day = day or clock.now().date()
    wanted = {country.upper() for country in countries if country}
    rows = VatRate.objects.filter(
        country__in=wanted, tax_class__in={tax_class, TaxClass.STANDARD}, category="", valid_from__lte=day
    )
    return rates_by_country((_dated(row) for row in rows), tax_class=tax_class, countries=wanted, day=day)


def vat_rates_dated(*, countries: set[str] | None, day: dt.date | None = None) -> list[DatedRate]:
    """Every rate row of `countries` (None: of every country) that started on or before `day` (all classes): what
    domain.rates.rates_by_country picks from. One query."""
    day = day or clock.now().date()
    rows = VatRate.objects.filter(valid_from__lte=day)
    if countries is not None:
        rows = rows.filter(country__in={country.upper() for country in countries if country})
    return [_dated(row) for row in rows]


def seller_ids_charging_destination_vat(seller_ids: set[int], *, year: int | None = None) -> set[int]:
    """The sellers among `seller_ids` that charge destination VAT on intra-EU distance sales in `year` (this year by
    default): declared over the threshold, or counted over it by the marketplace this year or last year
    (domain.distance_sales: whichever says "over" wins). One query."""
    year = year or clock.now().year
    return set(
        SellerTaxProfile.objects.filter(seller_id__in=seller_ids)
        .filter(Q(charges_destination_vat=True) | Q(counted_over_through_year__gte=year))
        .values_list("seller_id", flat=True)
    )


@dataclass(frozen=True)
class DistancePosition:
    """A seller's position against the EUR 10,000 threshold in a year: whether it charges destination VAT (declared
    or counted over), and its distance sales counted so far that year (EUR cents, net of VAT)."""

    charges_destination_vat: bool
    counted_eur_cents: int


def seller_distance_positions(seller_ids: set[int], *, year: int | None = None) -> dict[int, DistancePosition]:
    """seller id -> its DistancePosition in `year` (this year by default), for every seller of `seller_ids` that
    exists: declared or counted over (its tax profile; none: neither), and the sum of its `SellerDistanceSale` rows of
    the year, orders placed and not yet paid included (they are counted when placed). What checkout reads in its own
    statement (orders.checkout_reads), for the cart's totals, the product page and the search index. One query."""
    year = year or clock.now().year
    rows = (
        Seller.objects.filter(pk__in=seller_ids)
        .annotate(counted=Sum("distance_sales__net_eur_cents", filter=Q(distance_sales__year=year)))
        .values_list("pk", "tax_profile__charges_destination_vat", "tax_profile__counted_over_through_year", "counted")
    )
    return {
        seller_id: DistancePosition(
            charges_destination_vat(declared=bool(declared), counted_over_through_year=through, year=year),
            int(counted or 0),
        )
        for seller_id, declared, through, counted in rows
    }


def duty_rule_of(row: DutyRule) -> DomainDutyRule:
    return DomainDutyRule(
        area=row.area,
        kind=DutyKind(row.kind),
        currency=row.currency,
        amount=row.amount,
        value_limit=row.value_limit,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        marketplace_collected_only=row.marketplace_collected_only,
        customs_value=CustomsValue(row.customs_value),
    )


def tariff_rate_of(row: TariffRate) -> DomainTariffRate:
    return DomainTariffRate(
        area=row.area,
        hs_prefix=row.hs_prefix,
        origin=row.origin,
        rate_bp=row.rate_bp,
        valid_from=row.valid_from,
        valid_to=row.valid_to,
        source=row.source,
        specific=specific_duty_from(row.specific_amount, row.specific_currency, row.specific_unit, row.specific_kind),
    )


def tariff_rates_in_force(*, day: dt.date | None = None, area: str | None = None) -> tuple[DomainTariffRate, ...]:
    """The operator's tariff rates in force on `day` (today by default), of one customs area or all. One query."""
    day = day or clock.now().date()
    rows = TariffRate.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    if area is not None:
        rows = rows.filter(area=area)
    return tuple(map(tariff_rate_of, rows.order_by("area", "hs_prefix", "origin", "valid_from", "id")))


def tariff_schedule(*, day: dt.date | None = None, area: str | None = None) -> TariffSchedule:
    """The tariff rates in force on `day` as a schedule (`domain.duties.TariffSchedule`). One query."""
    day = day or clock.now().date()
    return TariffSchedule(tariff_rates_in_force(day=day, area=area), day=day)


def duty_rules_for(*, destination: str, day: dt.date | None = None) -> tuple[DomainDutyRule, ...]:
    """The duty rules of `destination`'s customs area in force on `day` (today by default). One query."""
    day = day or clock.now().date()
    rows = DutyRule.objects.filter(area=customs_area(destination), valid_from__lte=day)
    return tuple(rule for rule in map(duty_rule_of, rows) if rule.in_force(day))


def duty_rules_in_force(*, day: dt.date | None = None) -> tuple[DomainDutyRule, ...]:
    """The duty rules of every customs area in force on `day` (today by default). One query."""
    day = day or clock.now().date()
    rows = DutyRule.objects.filter(valid_from__lte=day).filter(Q(valid_to__isnull=True) | Q(valid_to__gte=day))
    return tuple(rule for rule in map(duty_rule_of, rows.order_by("area", "valid_from", "id")) if rule.in_force(day))


def seller_tax_profile(seller_id: int) -> SellerTaxProfile | None:
    return SellerTaxProfile.objects.filter(seller_id=seller_id).first()


def seller_distance_sales_by_year(seller_id: int, *, years: set[int]) -> dict[int, int]:
    """year -> the seller's intra-EU distance sales counted by the marketplace (EUR cents, net of VAT). One query."""
    rows = (
        SellerDistanceSale.objects.filter(seller_id=seller_id, year__in=years)
        .values("year")
        .annotate(total=Sum("net_eur_cents"))
        .values_list("year", "total")
    )
    found = dict.fromkeys(years, 0)
    found.update({year: int(total or 0) for year, total in rows})
    return found


def tax_rules_fingerprint(*, day: dt.date | None = None) -> str:
    """A digest of every VAT rate, duty rule and tariff rate in force on `day` (today by default): it changes when a
    rate or rule is imported, edited, comes into force or lapses, so a reader that priced with the rules of a day can
    tell whether its prices still hold. Three queries."""
    day = day or clock.now().date()
    rates = [(rate.country, str(rate.tax_class), rate.rate_bp, rate.category) for rate in vat_rates_in_force(day=day)]
    duties = [
        (
            rule.area,
            str(rule.kind),
            rule.currency,
            rule.amount,
            rule.value_limit,
            rule.marketplace_collected_only,
            str(rule.customs_value),
        )
        for rule in duty_rules_in_force(day=day)
    ]
    tariffs = [
        (rate.area, rate.hs_prefix, rate.origin, rate.rate_bp, rate.specific and rate.specific.describe())
        for rate in tariff_schedule(day=day).rates()
    ]
    return hashlib.sha256(repr((sorted(rates), sorted(duties, key=repr), sorted(tariffs))).encode()).hexdigest()

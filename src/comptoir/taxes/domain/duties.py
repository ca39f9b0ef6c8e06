"""Customs duties and the landed cost of an imported parcel, and who pays them when. Pure (no Django).

Duty rules are effective-dated data with their source (`taxes/data/duty_rules.json`, loaded by
`comptoir tax duties-load`), one list per customs area ("EU", "GB", "CH", or a country such as "US"). The facts come
from ../shared/research/global_selling.md (sections 1 and 2); what it does not source is not encoded, and a parcel no
rule covers has an *unknown* duty: the buyer is told that duties may be charged on delivery (DAP), never a guess.

Kinds of rule:

- `flat_per_item`: a flat amount per item of a consignment whose intrinsic value is at most `value_limit` (the EU's
  EUR 3 per item from 1 July 2026 to 1 July 2028 on parcels up to EUR 150 imported through IOSS). An *item* is one
  distinct tariff subheading: lines are grouped by the first six digits of their product's HS code; a line whose
  product has no HS code counts as an item of its own (the most it can be);
- `relief`: no duty on a consignment of at most `value_limit` (the EU's relief up to EUR 150 before 1 July 2026, Reg.
  1186/2009 Art. 23; the UK's relief up to GBP 135; the US de minimis of USD 800 until 29 August 2025);
- `tariff`: duty follows the destination's tariff (the EU and the UK above their low-value limits, the US since the
  suspension of de minimis on 29 August 2025). It applies when no `relief` or `flat_per_item` rule does, and reads the
  operator's ad valorem tariff rates (`TariffRate`, loaded by `comptoir tax tariffs-load`): duty = rate × customs
  value per line, the rate of the longest HS prefix matching the product's code, a rate for the goods' declared origin
  (a preference) before the general one. The customs value is the goods' net value plus, where the area values
  imports CIF (`customs_value` "cif": the EU, UK), the shipping shared by value; FOB areas ("fob": the US) leave the
  shipping out. A line without HS code or without a matching rate makes the duty unknown.

  A rate may carry a **specific** component (`SpecificDuty`): an amount per unit of quantity (kg net, kg or 100 kg
  gross, item, pair, litre, hectolitre) in a stated currency, added to the ad valorem part (`plus`: "8 % + EUR
  1.20/kg", or a specific duty alone at 0 %) or bounding it (`minimum`: "12 % min EUR 0.50/kg"; `maximum`). Lines
  matched by the same rate form one tariff item: their customs values and quantities are summed, the combination is
  applied to the sums. A quantity is read from the product (net weight, gross weight, volume; items and pairs count
  the units sold); a line missing the quantity its rate needs makes the duty unknown, as a missing HS code does. Where
  the unit is 100 kg, the weight is rounded up to the next 100 g (Swiss Customs Tariff Act, SR 632.10, Art. 2(3)).
  An amount in another currency than the parcel's is converted with the pricing seam's rates (`SpecificIn`; unknown
  without a rate). Everything is summed exactly and rounded half up once per parcel.

Excise goods never take a `flat_per_item` or `relief` rule. A rule with `marketplace_collected_only` applies only when
the marketplace collects the import VAT at checkout (the EU's flat duty is levied on IOSS consignments).

DDP or DAP: a duty that is known (a flat amount, or nothing under a relief) is collected at checkout — *delivered duty
paid* — when the marketplace collects the import VAT at checkout too (IOSS, UK, CH) and the operator's handling choice
is `ddp`; the buyer then pays it as separate tax lines (kind "duty"). Otherwise the parcel is *delivered at place*:
the product page, the cart and checkout say before paying that duties and import VAT may be charged on delivery, with
the estimate when it is known (`DutyAssessment.at_delivery_estimate`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from enum import StrEnum

from comptoir.taxes.domain.jurisdictions import vat_area
from comptoir.taxes.domain.liability import Collector, Liability
from comptoir.taxes.domain.vat import BASIS_POINTS, add_to_net


class DutyKind(StrEnum):
    FLAT_PER_ITEM = "flat_per_item"
    RELIEF = "relief"
    TARIFF = "tariff"


class CustomsValue(StrEnum):
    """What a tariff's ad valorem rate applies to: CIF = the goods and their transport and insurance up to the
    customs border (EU: Art. 71(1)(e) Reg. (EU) 952/2013; UK likewise), FOB = the goods without the international
    transport (US: 19 U.S.C. 1401a(b)(4)(A))."""

    CIF = "cif"
    FOB = "fob"


class SpecificUnit(StrEnum):
    """What a specific duty is levied per."""

    KG_NET = "kg_net"  # the goods' own weight (catalog.Product.weight_grams)
    HUNDRED_KG_NET = "100kg_net"  # per 100 kg of net mass (Swiss preferential processed agricultural products)
    KG_GROSS = "kg_gross"  # with the packing (catalog.Product.gross_weight_grams)
    HUNDRED_KG_GROSS = "100kg_gross"  # Switzerland's general basis: CHF per 100 kg gross (SR 632.10 Art. 2)
    ITEM = "item"  # per unit sold ("p/st": pieces)
    PAIR = "pair"  # per unit sold, the product being one pair (footwear, gloves)
    LITRE = "litre"  # catalog.Product.volume_millilitres
    HECTOLITRE = "hl"


class SpecificKind(StrEnum):
    """How a specific amount combines with the rate's ad valorem part."""

    PLUS = "plus"  # ad valorem + specific (a specific duty alone: the ad valorem rate is 0)
    MINIMUM = "minimum"  # ad valorem, but at least the specific amount ("12 % min EUR 0.50/kg")
    MAXIMUM = "maximum"  # ad valorem, but at most the specific amount ("20 % max EUR 2.00/pair")


@dataclass(frozen=True, slots=True)
class SpecificDuty:
    """An amount of `currency` (major units, exact: EUR 0.50 is Decimal("0.50")) per `unit` of quantity."""

    amount: Decimal
    currency: str
    unit: SpecificUnit
    kind: SpecificKind = SpecificKind.PLUS

    def describe(self) -> str:
        return f"{self.kind.value} {self.currency} {self.amount:f}/{self.unit.value}"


def specific_duty_from(amount: Decimal | None, currency: str, unit: str, kind: str) -> SpecificDuty | None:
    """A stored specific component (a `TariffRate` row's columns), None when the rate has none."""
    if amount is None or not unit:
        return None
    return SpecificDuty(Decimal(amount), currency, SpecificUnit(unit), SpecificKind(kind or SpecificKind.PLUS.value))


class DutyHandling(StrEnum):
    """The marketplace's choice for known duties: collect them at checkout (DDP) or leave them to the carrier (DAP)."""

    DDP = "ddp"
    DAP = "dap"


class DutyStatus(StrEnum):
    NOT_IMPORTED = "not_imported"  # the goods do not cross a customs border
    RELIEF = "relief"  # no duty: a low-value relief applies
    FLAT = "flat"  # a flat duty per item
    TARIFF = "tariff"  # ad valorem, from the operator's tariff rates
    UNKNOWN = "unknown"  # duty follows a tariff the engine does not hold, or no rule covers the parcel


@dataclass(frozen=True, slots=True)
class DutyRule:
    area: str  # the customs area of the destination ("EU", "GB", "CH") or a country ("US")
    kind: DutyKind
    currency: str
    amount: int  # minor units per item (flat_per_item); 0 otherwise
    value_limit: int | None  # the consignment's intrinsic value up to which the rule applies (minor units); None: any
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    marketplace_collected_only: bool = False
    customs_value: CustomsValue = CustomsValue.CIF  # tariff rules: whether the shipping is in the customs value

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


@dataclass(frozen=True, slots=True)
class DutyItem:
    """One line of the parcel as customs see it."""

    key: int
    hs_code: str  # "" when the seller gave none
    quantity: int
    value: int = 0  # the line's net value in the parcel's currency (minor units): a tariff rate applies to it
    origin: str = ""  # the product's declared country of origin ("" unknown): a preferential rate reads it
    # Per unit sold, as the product declares them (None: not given): what a specific duty is levied on.
    net_grams: int | None = None
    gross_grams: int | None = None
    millilitres: int | None = None


@dataclass(frozen=True, slots=True)
class TariffRate:
    """An ad valorem duty rate of a customs area's tariff for goods whose HS code starts with `hs_prefix` (2 digits:
    a chapter … 6 or more: a subheading), from any origin (`origin` "") or from one country (a preferential rate,
    e.g. 0 % for UK-originating goods into the EU under the EU-UK Trade and Cooperation Agreement)."""

    area: str
    hs_prefix: str
    origin: str
    rate_bp: int  # basis points of the customs value (1200 = 12 %)
    valid_from: dt.date
    valid_to: dt.date | None
    source: str
    specific: SpecificDuty | None = None  # a specific component (compound duty), None: ad valorem only

    def in_force(self, day: dt.date) -> bool:
        return self.valid_from <= day and (self.valid_to is None or day <= self.valid_to)


class TariffSchedule:
    """The tariff rates in force on a day, indexed by (area, HS prefix, origin). `rate_for` finds a line's rate in at
    most 2 × 9 dictionary look-ups, so a full tariff of many thousand rows costs nothing per quote."""

    __slots__ = ("_index",)

    def __init__(self, rates: Iterable[TariffRate], *, day: dt.date | None = None) -> None:
        index: dict[tuple[str, str, str], TariffRate] = {}
        for rate in rates:
            if day is not None and not rate.in_force(day):
                continue
            key = (rate.area, rate.hs_prefix, rate.origin)
            known = index.get(key)
            if known is None or known.valid_from < rate.valid_from:
                index[key] = rate
        self._index = index

    def __len__(self) -> int:
        return len(self._index)

    def rates(self) -> tuple[TariffRate, ...]:
        return tuple(self._index.values())

    def rate_for(self, *, area: str, hs_code: str, origin: str = "") -> TariffRate | None:
        """The rate of the longest prefix of `hs_code` with a rate for `origin` (a preference), else the longest with a
        rate for any origin; None without HS code or rate."""
        if len(hs_code) < 2:
            return None
        for wanted in (origin.upper(), "") if origin else ("",):
            for length in range(len(hs_code), 1, -1):
                found = self._index.get((area, hs_code[:length], wanted))
                if found is not None:
                    return found
        return None


EMPTY_TARIFF = TariffSchedule(())


# Converts an exact amount of a currency (major units) into exact minor units of the parcel's currency; None without a
# rate. The pricing seam builds it from its (frozen) rates.
SpecificIn = Callable[[Decimal, str], Decimal | None]

_GRAMS_PER_KG = Decimal(1000)
_HUNDRED_GRAMS = 100


def _total(values: Iterable[int | None], quantities: Iterable[int]) -> int | None:
    total = 0
    for value, quantity in zip(values, quantities, strict=True):
        if value is None:
            return None
        total += value * quantity
    return total


def specific_quantity(unit: SpecificUnit, items: Sequence[DutyItem]) -> Decimal | None:
    """The quantity of `items` in `unit` (exact), None when a line lacks the fact the unit needs (a weight, a volume).
    Per 100 kg, the weight is first rounded up to the next 100 g (SR 632.10 Art. 2(3))."""
    quantities = [item.quantity for item in items]
    if unit in (SpecificUnit.ITEM, SpecificUnit.PAIR):
        return Decimal(sum(quantities))
    if unit in (SpecificUnit.LITRE, SpecificUnit.HECTOLITRE):
        millilitres = _total((item.millilitres for item in items), quantities)
        if millilitres is None:
            return None
        return Decimal(millilitres) / (1000 if unit is SpecificUnit.LITRE else 100_000)
    net = unit in (SpecificUnit.KG_NET, SpecificUnit.HUNDRED_KG_NET)
    grams = _total((item.net_grams if net else item.gross_grams for item in items), quantities)
    if grams is None:
        return None
    if unit in (SpecificUnit.HUNDRED_KG_NET, SpecificUnit.HUNDRED_KG_GROSS):
        grams = -(-grams // _HUNDRED_GRAMS) * _HUNDRED_GRAMS
        return Decimal(grams) / (_GRAMS_PER_KG * 100)
    return Decimal(grams) / _GRAMS_PER_KG


def _no_conversion(amount: Decimal, currency: str) -> Decimal | None:
    return None


def tariff_duty(
    items: Sequence[DutyItem],
    *,
    area: str,
    tariff: TariffSchedule,
    shipping: int,
    specific_in: SpecificIn = _no_conversion,
) -> tuple[int, tuple[TariffRate, ...]] | None:
    """The duty of the parcel's lines (minor units of the parcel's currency) and the rates used, one per line. Each
    line's customs value is its value plus its share of `shipping` (by value; 0 for an FOB area). Lines matched by one
    rate are one tariff item: ad valorem = rate × their customs values; with a specific component, its amount × their
    quantity in its unit (converted by `specific_in`) is added, or bounds the ad valorem part from below (minimum) or
    above (maximum). Summed exactly and rounded half up once. None when a line has no rate, lacks the quantity its
    rate needs, or a specific amount cannot be converted."""
    total = sum(item.value for item in items)
    used: list[TariffRate] = []
    groups: dict[tuple, tuple[TariffRate, list[DutyItem], list[Decimal]]] = {}
    for item in items:
        rate = tariff.rate_for(area=area, hs_code=item.hs_code, origin=item.origin)
        if rate is None:
            return None
        share = Decimal(shipping) * item.value / total if total else Decimal(shipping) / len(items)
        key = (rate.area, rate.hs_prefix, rate.origin, rate.valid_from)
        group = groups.setdefault(key, (rate, [], []))
        group[1].append(item)
        group[2].append(item.value + share)
        used.append(rate)
    exact = Decimal(0)
    for rate, grouped, customs_values in groups.values():
        ad_valorem = sum(customs_values, Decimal(0)) * rate.rate_bp / BASIS_POINTS
        specific = rate.specific
        if specific is None:
            exact += ad_valorem
            continue
        quantity = specific_quantity(specific.unit, grouped)
        if quantity is None:
            return None
        amount = specific_in(specific.amount * quantity, specific.currency)
        if amount is None:
            return None
        if specific.kind is SpecificKind.PLUS:
            exact += ad_valorem + amount
        elif specific.kind is SpecificKind.MINIMUM:
            exact += max(ad_valorem, amount)
        else:
            exact += min(ad_valorem, amount)
    return int(exact.quantize(Decimal(1), rounding=ROUND_HALF_UP)), tuple(used)


@dataclass(frozen=True, slots=True)
class DutyAssessment:
    """The duty of one parcel in the parcel's currency. `amount` None: unknown. `collected_at_checkout`: DDP (the
    buyer pays `amount` with the order); else DAP. `vat_at_delivery`: customs collect the import VAT (the VAT is not
    charged at checkout); `import_vat_estimate` is then its estimate, None when no rate is known."""

    status: DutyStatus
    amount: int | None
    items: int
    collected_at_checkout: bool
    rule: DutyRule | None = None
    vat_at_delivery: bool = False
    import_vat_estimate: int | None = None
    tariff_rates: tuple[TariffRate, ...] = ()  # the rates a tariff duty used, one per line

    @property
    def charged_amount(self) -> int:
        """The duty the buyer pays at checkout (0 when it is not collected there)."""
        return (self.amount or 0) if self.collected_at_checkout else 0

    @property
    def is_imported(self) -> bool:
        return self.status is not DutyStatus.NOT_IMPORTED

    @property
    def charges_at_delivery(self) -> bool:
        """Whether the buyer may owe duties or import VAT on delivery (what the pages say before paying)."""
        if not self.is_imported:
            return False
        return self.vat_at_delivery or (not self.collected_at_checkout and self.amount != 0)

    @property
    def at_delivery_estimate(self) -> int | None:
        """What the buyer may pay on delivery (duty not collected at checkout + import VAT), None when a part of it is
        unknown; 0 when nothing is due on delivery."""
        if not self.charges_at_delivery:
            return 0
        duty = 0 if self.collected_at_checkout else self.amount
        vat = self.import_vat_estimate if self.vat_at_delivery else 0
        if duty is None or vat is None:
            return None
        return duty + vat


def rules_in_force(rules: Iterable[DutyRule], *, area: str, day: dt.date) -> tuple[DutyRule, ...]:
    """The rules of `area` in force on `day`."""
    return tuple(rule for rule in rules if rule.area == area and rule.in_force(day))


def customs_area(country: str) -> str:
    """The customs area of a country: the EU, the UK and Switzerland (with Liechtenstein) as for VAT, else itself."""
    return vat_area(country)


def duty_items(items: Sequence[DutyItem]) -> int:
    """How many items the flat duty counts: distinct HS subheadings (first six digits); a line without HS code is an
    item of its own."""
    subheadings = {item.hs_code[:6] for item in items if len(item.hs_code) >= 6}
    return len(subheadings) + sum(1 for item in items if len(item.hs_code) < 6)


# Converts an amount (minor units of the given currency) into the parcel's currency; None without a rate.
AmountIn = Callable[[int, str], int | None]
# Converts an amount of the parcel's currency into the given currency; None without a rate.
ValueIn = Callable[[int, str], int | None]


def assess_duty(
    *,
    goods_country: str,
    destination: str,
    liability: Liability,
    items: Sequence[DutyItem],
    net_value: int,
    net_shipping: int,
    rules: Iterable[DutyRule],
    day: dt.date,
    value_in: ValueIn,
    amount_in: AmountIn,
    excise_goods: bool = False,
    handling: DutyHandling = DutyHandling.DDP,
    destination_rate_bp: int | None = None,
    tariff: TariffSchedule = EMPTY_TARIFF,
    specific_in: SpecificIn = _no_conversion,
) -> DutyAssessment:
    """The duty of a parcel leaving `goods_country` for `destination` (net values in the parcel's currency), who pays
    it when, and the import VAT estimate for the buyer when customs collect it (`destination_rate_bp`: the
    destination's VAT rate of the parcel's main line, when known; the estimate is on goods + shipping + duty, rounded
    half up). `tariff`: the operator's tariff rates in force, read when the rule that applies is `tariff`;
    `specific_in` converts their specific amounts into the parcel's currency."""
    area = customs_area(destination)
    if customs_area(goods_country) == area:
        return DutyAssessment(DutyStatus.NOT_IMPORTED, 0, 0, False)
    count = duty_items(items)
    marketplace_collects_vat = liability.collector is Collector.MARKETPLACE
    status, amount, chosen = DutyStatus.UNKNOWN, None, None
    tariff_rule: DutyRule | None = None
    used: tuple[TariffRate, ...] = ()
    for rule in sorted(rules_in_force(rules, area=area, day=day), key=lambda rule: rule.valid_from, reverse=True):
        if rule.kind is DutyKind.TARIFF:
            # The tariff is what applies when no relief and no flat duty does (over their value limits, excise).
            tariff_rule = tariff_rule or rule
            continue
        if excise_goods or (rule.marketplace_collected_only and not marketplace_collects_vat):
            continue
        value = value_in(net_value, rule.currency)
        if value is None or (rule.value_limit is not None and value > rule.value_limit):
            continue
        if rule.kind is DutyKind.RELIEF:
            status, amount, chosen = DutyStatus.RELIEF, 0, rule
            break
        converted = amount_in(rule.amount * count, rule.currency)
        if converted is None:
            continue
        status, amount, chosen = DutyStatus.FLAT, converted, rule
        break
    if chosen is None and tariff_rule is not None:
        shipping = net_shipping if tariff_rule.customs_value is CustomsValue.CIF else 0
        assessed = tariff_duty(items, area=area, tariff=tariff, shipping=shipping, specific_in=specific_in)
        if assessed is not None:
            status, chosen = DutyStatus.TARIFF, tariff_rule
            amount, used = assessed
    collected = amount is not None and marketplace_collects_vat and handling is DutyHandling.DDP
    vat_at_delivery = liability.import_charges_at_delivery
    import_vat = None
    if vat_at_delivery and destination_rate_bp is not None:
        import_vat = add_to_net(net_value + net_shipping + (amount or 0), destination_rate_bp).vat
    return DutyAssessment(status, amount, count, collected, chosen, vat_at_delivery, import_vat, used)

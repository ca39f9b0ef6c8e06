"""What a buyer pays for one seller's parcel once VAT is applied, line by line. Pure (no Django).

The seller enters its prices as it sells at home: **gross**, including its home country's VAT at the product's class
rate (a seller established outside the EU, the UK, Switzerland or a country of the rate table enters net prices).
`tax_parcel` first decides who owes which VAT (`liability.decide_liability`), then prices each line:

- VAT charged at checkout (the seller or the marketplace collects it) in the seller's home country: the price as
  entered, its VAT split out at that rate;
- VAT charged at checkout in another country (OSS over the distance-sales threshold, IOSS, deemed supplier, UK, CH):
  the home VAT taken out of the unit price and the destination's added (`uniform_gross`: the operator's choice of the
  same gross price everywhere, the VAT re-split inside it);
- no VAT charged at checkout (reverse charge for a business buyer with a valid VAT number, an export, an import whose
  VAT customs collect): the unit price net of the home VAT; `Liability.import_charges_at_delivery` then tells the
  buyer that import VAT and duties may be charged on delivery (DAP).

Re-pricing is per unit (a line stays unit price × quantity); each line's VAT is split from the line total, rounded
half up once (`vat.split_gross`). Shipping follows the parcel's main line (the largest line, then the highest rate):
its rate and its re-pricing. A rate the table lacks for a country the sale needs makes the parcel *untaxed*
(`tax_parcel` returns None and the price stays as entered): the marketplace has not loaded its rates, and guessing a
rate would charge a wrong amount.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass, replace

from comptoir.taxes.domain.duties import (
    EMPTY_TARIFF,
    AmountIn,
    DutyAssessment,
    DutyHandling,
    DutyItem,
    DutyRule,
    SpecificIn,
    TariffSchedule,
    assess_duty,
)
from comptoir.taxes.domain.jurisdictions import vat_area
from comptoir.taxes.domain.liability import Collector, Liability, Regime, Sale, decide_liability
from comptoir.taxes.domain.vat import LineTax, add_to_net, split_gross

VAT_AREAS = frozenset({"EU", "GB", "CH"})


@dataclass(frozen=True, slots=True)
class TaxPart:
    """One line of a parcel as the seller priced it. `rates`: country -> rate in basis points of the line's tax class
    in force on the day (at least the seller's home country, the goods' country and the destination when known)."""

    key: int  # the caller's id for the line (an offer id)
    unit_price: int  # minor units, as entered by the seller
    quantity: int
    rates: Mapping[str, int]
    hs_code: str = ""  # the product's HS code ("" when the seller gave none): duties count items by it
    origin: str = ""  # the product's declared country of origin ("" unknown): a preferential tariff rate reads it
    # Per unit, as the product declares them (None: not given): a specific tariff duty is levied on them.
    net_grams: int | None = None
    gross_grams: int | None = None
    millilitres: int | None = None


@dataclass(frozen=True, slots=True)
class ParcelFacts:
    """The tax facts of one seller's parcel: where the seller is established, where the goods are, whether it charges
    destination VAT on its intra-EU distance sales (over the EUR 10,000 threshold, or opted in: OSS), its lines."""

    seller_country: str
    goods_country: str
    seller_charges_destination_vat: bool
    parts: tuple[TaxPart, ...]
    excise_goods: bool = False
    # Duties (domain/duties.py): the rules of the destination's customs area and the day of the sale. Without a day the
    # parcel is priced without duty assessment (search, callers that do not read the rules).
    duty_rules: tuple[DutyRule, ...] = ()
    day: dt.date | None = None
    duty_handling: DutyHandling = DutyHandling.DDP
    # The operator's tariff rates in force on the day (at least those of the destination's area): a `tariff` rule
    # reads them (domain/duties.py).
    tariff: TariffSchedule = EMPTY_TARIFF
    # The seller's intra-EU B2C distance sales already counted by the marketplace this calendar year (EUR cents, net of
    # VAT): with this parcel's own net value, whether this very sale passes the EUR 10,000 threshold (Art. 59c).
    seller_distance_sales_eur_cents: int = 0


@dataclass(frozen=True, slots=True)
class TaxedLine:
    key: int | None  # the part's key; None for the shipping
    unit_price: int  # what the buyer pays per unit (tax-inclusive when VAT is charged at checkout)
    quantity: int
    tax: LineTax  # of the line total: net, VAT, gross (= unit_price × quantity), rate


@dataclass(frozen=True, slots=True)
class ParcelTax:
    liability: Liability
    lines: tuple[TaxedLine, ...]
    shipping: TaxedLine | None
    duty: DutyAssessment | None = None  # None: not assessed (no day given)
    # The VAT rate on the duty collected at checkout (basis points): the taxable amount includes the duties levied
    # because of the import (Art. 78(a), 85 and 86 Dir. 2006/112/EC), so the marketplace charging VAT at checkout
    # charges it on the duty too; 0 when no VAT is charged at checkout. The main line's rate: the rate of the duty of a
    # parcel without `duty_items_by_rate`.
    duty_rate_bp: int = 0
    # (rate in basis points, items) of the duty's items (domain/duties.py: distinct tariff subheadings, a line without
    # HS code its own): each item's duty is taxed at its own line's rate. Empty: every item at `duty_rate_bp`.
    duty_items_by_rate: tuple[tuple[int, int], ...] = ()

    @property
    def duty_taxes(self) -> tuple[LineTax, ...]:
        """The duty collected at checkout as taxed lines, one per VAT rate of its items (highest rate first): net = the
        duty the items at that rate bear, VAT on it, gross. The duty is shared out per item (equal shares, computed
        cumulatively and rounded half up so that the nets add up to the duty). Empty when no duty is collected."""
        if self.duty is None or not self.duty.charged_amount:
            return ()
        amount = self.duty.charged_amount
        groups = self.duty_items_by_rate or ((self.duty_rate_bp, 1),)
        count = sum(items for _rate, items in groups)
        taxes, given, counted = [], 0, 0
        for rate_bp, items in groups:
            counted += items
            upto = (2 * amount * counted + count) // (2 * count)
            if upto > given:
                taxes.append(add_to_net(upto - given, rate_bp))
            given = upto
        return tuple(taxes)

    @property
    def duty_tax(self) -> LineTax | None:
        """The duty collected at checkout as one taxed line (the sum of `duty_taxes`; its rate the main line's): net =
        the duty, VAT on it, gross = what the buyer pays for it; None when no duty is collected at checkout."""
        taxes = self.duty_taxes
        if not taxes:
            return None
        if len(taxes) == 1:
            return taxes[0]
        return LineTax(
            net=sum(tax.net for tax in taxes),
            vat=sum(tax.vat for tax in taxes),
            gross=sum(tax.gross for tax in taxes),
            rate_bp=self.duty_rate_bp,
        )

    @property
    def duty_charged(self) -> int:
        """What the buyer pays at checkout for the duty (DDP), with the VAT on it, in the parcel's currency; 0
        otherwise."""
        duty_tax = self.duty_tax
        return 0 if duty_tax is None else duty_tax.gross

    @property
    def items_gross(self) -> int:
        return sum(line.tax.gross for line in self.lines)

    @property
    def shipping_gross(self) -> int | None:
        return None if self.shipping is None else self.shipping.tax.gross

    @property
    def vat(self) -> int:
        """The VAT of the lines, the shipping and the duty collected at checkout."""
        return sum(line.tax.vat for line in self.all_lines) + sum(tax.vat for tax in self.duty_taxes)

    @property
    def all_lines(self) -> tuple[TaxedLine, ...]:
        return self.lines if self.shipping is None else (*self.lines, self.shipping)

    @property
    def rate_bp(self) -> int:
        """The rate of the main line (what the product page shows as "incl. X % VAT")."""
        return self.lines[0].tax.rate_bp if self.lines else 0


# Converts an amount of the parcel's currency (minor units) into EUR or GBP minor units; None without a rate.
ValueIn = Callable[[int, str], int | None]


def _home_rate(part: TaxPart, home: str) -> int | None:
    """The VAT included in the seller's entered price: its home country's rate; 0 for a country without VAT in the
    table and outside the VAT areas the engine models (a US seller enters net prices); None when it should be there."""
    if home in part.rates:
        return part.rates[home]
    return None if vat_area(home) in VAT_AREAS else 0


def _main_part(parts: tuple[TaxPart, ...], tax_country: str | None) -> TaxPart:
    return max(parts, key=lambda part: (part.unit_price * part.quantity, part.rates.get(tax_country or "", 0)))


def tax_parcel(
    facts: ParcelFacts,
    *,
    destination: str,
    buyer_is_business: bool,
    shipping: int | None,
    value_in: ValueIn,
    uniform_gross: bool = False,
    amount_in: AmountIn | None = None,
    specific_in: SpecificIn | None = None,
) -> ParcelTax | None:
    """The parcel priced with its VAT for a buyer in `destination` (`buyer_is_business`: with a validated VAT number of
    that country). `shipping`: the parcel's shipping as entered (None: not shipped there). `value_in` converts the
    consignment's net value for the EUR 150 / GBP 135 thresholds (no rate: taken as over the threshold). None when the
    sale is not modelled or a rate it needs is missing (then nothing is added or split: prices stay as entered).

    With `facts.day`, the duty of an imported parcel is assessed too (`ParcelTax.duty`, domain/duties.py): `amount_in`
    converts a rule's amount (EUR 3) into the parcel's currency (None: only the same currency converts), `specific_in`
    a tariff rate's specific amount (None: a specific duty is unknown)."""
    if not facts.parts:
        raise ValueError("a parcel has at least one line")
    home, goods, destination = facts.seller_country.upper(), facts.goods_country.upper(), destination.upper()
    home_rates: dict[int, int] = {}
    for part in facts.parts:
        rate = _home_rate(part, home)
        if rate is None:
            return None
        home_rates[part.key] = rate
    # Each line's value net of its home VAT: the consignment's value, the distance sale's and the duty's (split once).
    part_nets = [split_gross(part.unit_price * part.quantity, home_rates[part.key]).net for part in facts.parts]
    net_value = sum(part_nets)
    currency_value_eur = value_in(net_value, "EUR")
    # The GBP value is read by the UK's rules only (GBP 135): not converted for a parcel to anywhere else.
    currency_value_gbp = value_in(net_value, "GBP") if vat_area(destination) == "GB" else 0
    over = 10**15  # no rate: the consignment is taken as over every low-value threshold
    main_home = _main_part(facts.parts, home)
    net_shipping = 0 if shipping is None else split_gross(shipping, home_rates[main_home.key]).net
    # What this sale adds to the seller's distance sales if it is one: the goods and the shipping, net of VAT (the
    # taxable amount includes the transport charged, Art. 78(b)); unknown without a EUR rate (then not added).
    sale_value_eur = value_in(net_value + net_shipping, "EUR")
    liability = decide_liability(
        Sale(
            seller_country=home,
            goods_country=goods,
            destination_country=destination,
            buyer_is_business=buyer_is_business,
            buyer_vat_number_valid=buyer_is_business,
            consignment_value_eur_cents=over if currency_value_eur is None else currency_value_eur,
            consignment_value_gbp_pence=over if currency_value_gbp is None else currency_value_gbp,
            excise_goods=facts.excise_goods,
            seller_opted_for_destination_vat=facts.seller_charges_destination_vat,
            seller_eu_distance_sales_this_year_eur_cents=facts.seller_distance_sales_eur_cents,
            sale_value_eur_cents=sale_value_eur or 0,
        )
    )
    if liability.regime is Regime.NOT_MODELLED:
        return None
    charged = liability.charged_at_checkout
    tax_country = liability.tax_country
    if charged and (tax_country is None or any(tax_country not in part.rates for part in facts.parts)):
        return None

    def price(unit_price: int, quantity: int, part: TaxPart, key: int | None) -> TaxedLine:
        home_rate = home_rates[part.key]
        if not charged:
            unit = split_gross(unit_price, home_rate).net
            return TaxedLine(key, unit, quantity, LineTax(net=unit * quantity, vat=0, gross=unit * quantity, rate_bp=0))
        assert tax_country is not None
        rate = part.rates[tax_country]
        if tax_country == home or uniform_gross:
            unit = unit_price
        else:
            unit = add_to_net(split_gross(unit_price, home_rate).net, rate).gross
        return TaxedLine(key, unit, quantity, split_gross(unit * quantity, rate))

    lines = tuple(price(part.unit_price, part.quantity, part, part.key) for part in facts.parts)
    shipping_line = None
    main = _main_part(facts.parts, tax_country)
    if shipping is not None:
        shipping_line = price(shipping, 1, main, None)
    duty = None
    if facts.day is not None:
        duty = assess_duty(
            goods_country=goods,
            destination=destination,
            liability=liability,
            items=[
                DutyItem(
                    part.key,
                    part.hs_code,
                    part.quantity,
                    value=part_net,
                    origin=part.origin,
                    net_grams=part.net_grams,
                    gross_grams=part.gross_grams,
                    millilitres=part.millilitres,
                )
                for part, part_net in zip(facts.parts, part_nets, strict=True)
            ],
            net_value=net_value,
            net_shipping=0
            if shipping is None
            else net_shipping
            if main.key == main_home.key
            else split_gross(shipping, home_rates[main.key]).net,
            rules=facts.duty_rules,
            day=facts.day,
            value_in=value_in,
            amount_in=amount_in or (lambda amount, currency: None),
            excise_goods=facts.excise_goods,
            handling=facts.duty_handling,
            destination_rate_bp=main.rates.get(destination),
            tariff=facts.tariff,
            **({} if specific_in is None else {"specific_in": specific_in}),
        )
    duty_rate_bp = main.rates[tax_country] if charged and tax_country is not None else 0
    by_rate: tuple[tuple[int, int], ...] = ()
    if charged and tax_country is not None and duty is not None and duty.charged_amount:
        by_rate = duty_items_by_rate(facts.parts, tax_country)
    return ParcelTax(
        liability=liability,
        lines=lines,
        shipping=shipping_line,
        duty=duty,
        duty_rate_bp=duty_rate_bp,
        duty_items_by_rate=by_rate,
    )


def duty_items_by_rate(parts: tuple[TaxPart, ...], tax_country: str) -> tuple[tuple[int, int], ...]:
    """(rate, items) of a parcel's duty items at `tax_country`, highest rate first: an item is a tariff subheading (the
    first six digits of the HS code, as `duties.duty_items` counts them) at the rate of its first line (lines of one
    subheading share a tax class in practice), or a line without HS code at its own rate."""
    counts: dict[int, int] = {}
    seen: set[str] = set()
    for part in parts:
        subheading = part.hs_code[:6] if len(part.hs_code) >= 6 else ""
        if subheading:
            if subheading in seen:
                continue
            seen.add(subheading)
        rate = part.rates[tax_country]
        counts[rate] = counts.get(rate, 0) + 1
    return tuple(sorted(counts.items(), key=lambda item: -item[0]))


def collected_by_marketplace(liability: Liability) -> bool:
    """Whether the marketplace owes the VAT it charged (deemed supplier, IOSS, UK, CH): booked to its VAT liability."""
    return liability.collector is Collector.MARKETPLACE


def parcel_resplit(
    parcel: ParcelTax,
    *,
    unit_prices: Mapping[int, int],
    shipping: int | None,
    convert: Callable[[int], int] | None = None,
) -> ParcelTax:
    """The same parcel with its unit prices (by key) and shipping replaced — converted into the seller's settlement
    currency — and each line's VAT split again at its own rate, so that the tax lines stay in the seller order's
    currency and sum to what it records; the duty's amounts converted by `convert` (the same frozen rate)."""

    def resplit(line: TaxedLine, unit: int) -> TaxedLine:
        total = unit * line.quantity
        tax = split_gross(total, line.tax.rate_bp) if line.tax.vat or line.tax.rate_bp else LineTax(total, 0, total, 0)
        return TaxedLine(line.key, unit, line.quantity, tax)

    lines = tuple(resplit(line, unit_prices[line.key]) for line in parcel.lines if line.key is not None)
    shipping_line = None
    if parcel.shipping is not None and shipping is not None:
        shipping_line = resplit(parcel.shipping, shipping)
    duty = parcel.duty
    if duty is not None and convert is not None:
        duty = replace(
            duty,
            amount=None if duty.amount is None else convert(duty.amount),
            import_vat_estimate=None if duty.import_vat_estimate is None else convert(duty.import_vat_estimate),
        )
    return ParcelTax(
        liability=parcel.liability,
        lines=lines,
        shipping=shipping_line,
        duty=duty,
        duty_rate_bp=parcel.duty_rate_bp,
        duty_items_by_rate=parcel.duty_items_by_rate,
    )

"""The Swiss VAT return of the platform as deemed supplier: turnover and tax per rate for a quarter or a half-year, in
Swiss francs, from the `ch_platform` tax lines. Pure.

Since 1 January 2025 a mail-order platform is the supplier of the goods sold through it to Swiss buyers (ESTV,
"Mail-order trade", estv.admin.ch; ../shared/research/global_selling.md). The rates are the VAT rates of
Switzerland in force since 1 January 2024: 8.1 % standard, 2.6 % reduced, 3.8 % accommodation (ESTV, "VAT rates in
Switzerland"); they come from the rates table like every other rate (the tax lines carry the rate applied), so a rate
not listed here is reported under its own percentage rather than dropped. Which line of ESTV's form each figure goes
into is not encoded (docs/TAXES.md says what is not known).
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass

from comptoir.filings.domain.returns import SUPPLIES, VatReturn

CH_REGIMES = frozenset({"ch_platform"})
CH_RATE_NAMES = {810: "standard", 260: "reduced", 380: "accommodation"}


@dataclass(frozen=True, slots=True)
class ChRateFigures:
    rate_bp: int
    name: str  # standard, reduced, accommodation, or "other"
    turnover_cents: int  # net of VAT, the period's supplies less refunds made within it
    tax_cents: int
    reductions_turnover_cents: int  # refunds of earlier periods' sales and adjustments of filed periods (≤ 0 or ≥ 0)
    reductions_tax_cents: int


@dataclass(frozen=True, slots=True)
class ChVatSummary:
    rates: tuple[ChRateFigures, ...]

    @property
    def turnover_cents(self) -> int:
        return sum(item.turnover_cents + item.reductions_turnover_cents for item in self.rates)

    @property
    def tax_cents(self) -> int:
        return sum(item.tax_cents + item.reductions_tax_cents for item in self.rates)


def ch_summary(vat_return: VatReturn) -> ChVatSummary:
    """Per rate (highest first): the period's own supplies, and apart the changes to earlier periods. Raises ValueError
    for a return that is not in francs."""
    if vat_return.currency != "CHF":
        raise ValueError(f"a Swiss VAT return is in CHF, not {vat_return.currency}")
    # The three rates are always shown, 0 when there was nothing.
    figures: dict[int, list[int]] = defaultdict(lambda: [0, 0, 0, 0], {rate: [0, 0, 0, 0] for rate in CH_RATE_NAMES})
    for row in vat_return.rows:
        own = row.section == SUPPLIES and row.period == vat_return.period.label
        offset = 0 if own else 2
        figures[row.rate_bp][offset] += row.taxable_cents
        figures[row.rate_bp][offset + 1] += row.vat_cents
    return ChVatSummary(
        tuple(
            ChRateFigures(rate_bp, CH_RATE_NAMES.get(rate_bp, "other"), *values)
            for rate_bp, values in sorted(figures.items(), key=lambda item: -item[0])
        )
    )

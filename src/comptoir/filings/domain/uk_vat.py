"""The UK VAT return of the marketplace as deemed supplier ("online marketplace", OMP): the nine boxes HMRC asks for,
from the `uk_marketplace` tax lines of a quarter in pounds. Pure.

Sources (docs/TAXES.md, "UK and Swiss returns"): since 1 January 2021 the OMP is the supplier of goods in consignments
of at most GBP 135 sold to UK consumers, and of an overseas seller's goods already in the UK at any value (gov.uk,
"Overview of VAT on low-value imports", as summarised in ../shared/research/global_selling.md). The boxes as HMRC
describes them (hmrc.gov.uk, "VAT Returns: how to complete your VAT Return box-by-box", VAT Notice 700/12):
box 1 VAT due on sales, box 2 VAT due on acquisitions from the EU (Northern Ireland goods only since 2021), box 3 =
1 + 2, box 4 VAT reclaimed on purchases, box 5 = 3 − 4, box 6 sales excluding VAT (less the net of the credit notes
issued), box 7 purchases excluding VAT, box 8 supplies of goods to the EU, box 9 acquisitions of goods from the EU.
Boxes 1 to 5 are in pounds and pence, 6 to 9 in whole pounds (HMRC's format for the online return; 50p and over rounds
up).

What Comptoir knows is its sales: boxes 1 and 6. Box 4 and 7 (the operator's own purchases and their input VAT) are
not in Comptoir: they are 0 here and the operator adds them. Boxes 2, 8 and 9 are 0: the marketplace's UK deemed
supplies are neither acquisitions from nor supplies to the EU (Northern Ireland is not modelled). A refund issued in
the quarter (a credit note) reduces boxes 1 and 6 of the quarter it is issued in, whatever the quarter of the sale.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from comptoir.filings.domain.returns import VatReturn, amount_text

UK_REGIMES = frozenset({"uk_marketplace"})  # the OMP collects: imports of at most GBP 135, overseas sellers' UK stock

BOX_TITLES = {
    1: "VAT due on sales and other outputs",
    2: "VAT due on acquisitions of goods from the EU",
    3: "Total VAT due (box 1 + box 2)",
    4: "VAT reclaimed on purchases and other inputs",
    5: "Net VAT to pay or reclaim (box 3 - box 4)",
    6: "Total value of sales and all other outputs excluding VAT",
    7: "Total value of purchases and all other inputs excluding VAT",
    8: "Total value of supplies of goods to the EU excluding VAT",
    9: "Total value of acquisitions of goods from the EU excluding VAT",
}
WHOLE_POUND_BOXES = frozenset({6, 7, 8, 9})


@dataclass(frozen=True, slots=True)
class UkVatBoxes:
    """The nine boxes: 1 to 5 in pence, 6 to 9 in whole pounds."""

    box1: int
    box2: int
    box3: int
    box4: int
    box5: int
    box6: int
    box7: int
    box8: int
    box9: int
    credit_notes_vat: int  # pence: the part of box 1 that is refunds of sales of earlier quarters (negative)
    credit_notes_net: int  # pence: the same for box 6

    def boxes(self) -> list[tuple[int, int]]:
        return [(number, getattr(self, f"box{number}")) for number in range(1, 10)]


def whole_pounds(pence: int) -> int:
    """Pence to whole pounds, 50p and over away from zero (HMRC's rounding of boxes 6 to 9)."""
    sign = -1 if pence < 0 else 1
    return sign * ((abs(pence) + 50) // 100)


def uk_boxes(vat_return: VatReturn) -> UkVatBoxes:
    """The boxes of a `uk-vat` return (amounts in GBP): box 1 the VAT of every row (the quarter's supplies, less the
    refunds of earlier quarters' sales and the adjustments of filed quarters), box 6 their net. Raises ValueError for
    a return that is not in pounds."""
    if vat_return.currency != "GBP":
        raise ValueError(f"a UK VAT return is in GBP, not {vat_return.currency}")
    vat = vat_return.total_vat_cents
    net = vat_return.total_taxable_cents
    earlier = [row for row in vat_return.rows if row.period != vat_return.period.label]
    return UkVatBoxes(
        box1=vat,
        box2=0,
        box3=vat,
        box4=0,
        box5=vat,
        box6=whole_pounds(net),
        box7=0,
        box8=0,
        box9=0,
        credit_notes_vat=sum(row.vat_cents for row in earlier),
        credit_notes_net=sum(row.taxable_cents for row in earlier),
    )


UK_CSV_COLUMNS = ("return", "period", "box", "description", "amount_gbp")


def uk_vat_csv(vat_return: VatReturn) -> str:
    """The nine boxes as CSV, one row per box (boxes 1 to 5 with pence, 6 to 9 whole pounds)."""
    figures = uk_boxes(vat_return)
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(UK_CSV_COLUMNS)
    for number, value in figures.boxes():
        text = str(value) if number in WHOLE_POUND_BOXES else amount_text(value)
        writer.writerow(("uk-vat", vat_return.period.label, number, BOX_TITLES[number], text))
    return buffer.getvalue()

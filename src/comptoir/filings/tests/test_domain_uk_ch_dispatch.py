"""The UK boxes, the Swiss figures per rate, half-years, the dispatch transitions and the late changes carried into a
later return: pure, no database."""

import datetime as dt

import pytest

from comptoir.core.exceptions import InvalidTransition
from comptoir.filings.domain import periods
from comptoir.filings.domain.ch_vat import ch_summary
from comptoir.filings.domain.dispatch import ReturnAction, ReturnState, next_state
from comptoir.filings.domain.returns import (
    ADJUSTMENT,
    CORRECTION,
    SUPPLIES,
    RefundFact,
    ReturnRow,
    TaxLineFact,
    VatReturn,
    build_return,
    late_changes,
    return_csv,
    rows_from_json,
    rows_to_json,
    with_rows,
)
from comptoir.filings.domain.uk_vat import uk_boxes, uk_vat_csv, whole_pounds

Q3 = periods.quarter("2026-Q3")


def same_currency(amount, currency, day):
    return amount


def uk_return(lines, refunds=(), period=Q3):
    return build_return(
        kind="uk-vat",
        scope="marketplace",
        period=period,
        lines=lines,
        refunds=refunds,
        period_of=periods.quarter_of,
        to_eur=same_currency,
        currency="GBP",
    )


def test_half_years():
    assert periods.half_year("2026-H2") == periods.Period(dt.date(2026, 7, 1), dt.date(2026, 12, 31), "2026-H2")
    assert periods.half_year("2027h1").end == dt.date(2027, 6, 30)
    assert periods.half_year_of(dt.date(2026, 6, 30)).label == "2026-H1"
    with pytest.raises(ValueError, match="half-year"):
        periods.half_year("2026-H3")
    assert [periods.parse(label).label for label in ("2026-q3", "2026-H1", "2026-07")] == [
        "2026-Q3",
        "2026-H1",
        "2026-07",
    ]
    with pytest.raises(ValueError):
        periods.parse("2026")


def test_whole_pounds_round_50p_up_and_keep_the_sign():
    assert [whole_pounds(value) for value in (0, 49, 50, 149, 150, -49, -50, -12345)] == [0, 0, 1, 1, 2, 0, -1, -123]


def test_uk_boxes_of_a_quarter_with_a_credit_note_for_an_earlier_quarter():
    lines = [
        TaxLineFact(1, dt.date(2026, 7, 10), "GB", 2000, "GBP", 5000, 1000),
        TaxLineFact(1, dt.date(2026, 7, 10), "GB", 2000, "GBP", 500, 100),
        TaxLineFact(2, dt.date(2026, 4, 2), "GB", 2000, "GBP", 4050, 810),  # sold in Q2, half refunded in Q3
    ]
    refunds = [RefundFact(2, dt.date(2026, 8, 1), 2430, 4860)]

    figures = uk_boxes(uk_return(lines, refunds))

    # box 1: 11.00 of the quarter's sales less 4.05 refunded of the Q2 sale; box 6: 55.00 - 20.25 = 34.75 → £35
    assert figures.boxes() == [(1, 695), (2, 0), (3, 695), (4, 0), (5, 695), (6, 35), (7, 0), (8, 0), (9, 0)]
    assert (figures.credit_notes_vat, figures.credit_notes_net) == (-405, -2025)


def test_the_uk_csv_has_one_row_per_box():
    text = uk_vat_csv(uk_return([TaxLineFact(1, dt.date(2026, 7, 10), "GB", 2000, "GBP", 5050, 1010)]))
    rows = text.splitlines()
    assert rows[0] == "return,period,box,description,amount_gbp"
    assert rows[1] == "uk-vat,2026-Q3,1,VAT due on sales and other outputs,10.10"
    assert rows[6] == "uk-vat,2026-Q3,6,Total value of sales and all other outputs excluding VAT,51"
    assert len(rows) == 10


def test_uk_boxes_refuse_a_return_in_euros():
    with pytest.raises(ValueError, match="GBP"):
        uk_boxes(VatReturn(kind="oss", period=Q3, scope="marketplace", rows=()))


def test_the_swiss_figures_per_rate_with_the_three_rates_always_shown():
    swiss = VatReturn(
        kind="ch-vat",
        period=Q3,
        scope="marketplace",
        currency="CHF",
        rows=(
            ReturnRow(SUPPLIES, "2026-Q3", "CH", 810, 10000, 810),
            ReturnRow(SUPPLIES, "2026-Q3", "CH", 260, 5000, 130),
            ReturnRow(CORRECTION, "2026-Q2", "CH", 810, -2000, -162),
        ),
    )

    summary = ch_summary(swiss)

    assert [(item.rate_bp, item.name) for item in summary.rates] == [
        (810, "standard"),
        (380, "accommodation"),
        (260, "reduced"),
    ]
    standard = summary.rates[0]
    assert (standard.turnover_cents, standard.tax_cents) == (10000, 810)
    assert (standard.reductions_turnover_cents, standard.reductions_tax_cents) == (-2000, -162)
    assert (summary.rates[1].turnover_cents, summary.rates[1].tax_cents) == (0, 0)
    assert (summary.turnover_cents, summary.tax_cents) == (13000, 778)
    assert return_csv(swiss).splitlines()[0].endswith(",country,vat_rate_percent,taxable_amount_chf,vat_amount_chf")
    assert return_csv(swiss).splitlines()[2] == "ch-vat,marketplace,2026-Q3,supplies,,CH,2.6,50.00,1.30"


def test_dispatch_transitions():
    assert next_state(ReturnState.DRAFT, ReturnAction.FILE) is ReturnState.FILED
    assert next_state(ReturnState.FILED, ReturnAction.CORRECT) is ReturnState.CORRECTED
    assert next_state(ReturnState.CORRECTED, ReturnAction.CORRECT) is ReturnState.CORRECTED
    for state, action in (
        (ReturnState.FILED, ReturnAction.FILE),
        (ReturnState.DRAFT, ReturnAction.CORRECT),
        (ReturnState.CORRECTED, ReturnAction.FILE),
    ):
        with pytest.raises(InvalidTransition) as raised:
            next_state(state, action)
        assert raised.value.code == "invalid_return_transition"


def test_late_changes_are_what_was_not_filed_nor_carried_yet():
    filed = (
        ReturnRow(SUPPLIES, "2026-Q3", "GB", 2000, 5500, 1100),
        ReturnRow(CORRECTION, "2026-Q2", "GB", 2000, -100, -20),  # another period's: ignored
    )
    recomputed = (
        ReturnRow(SUPPLIES, "2026-Q3", "GB", 2000, 11000, 2200),
        ReturnRow(SUPPLIES, "2026-Q3", "GB", 500, 1000, 50),
    )

    changes = late_changes(filed=filed, recomputed=recomputed, carried=(), period_label="2026-Q3")
    assert changes == (
        ReturnRow(ADJUSTMENT, "2026-Q3", "GB", 2000, 5500, 1100),
        ReturnRow(ADJUSTMENT, "2026-Q3", "GB", 500, 1000, 50),
    )
    # Once a later filed return carried them, nothing is left to carry.
    assert late_changes(filed=filed, recomputed=recomputed, carried=changes, period_label="2026-Q3") == ()


def test_rows_survive_their_json_form_and_adjustments_sort_last():
    rows = (ReturnRow(ADJUSTMENT, "2026-Q2", "GB", 2000, 1, 2), ReturnRow(SUPPLIES, "2026-Q3", "GB", 2000, 3, 4))
    assert rows_from_json(rows_to_json(rows)) == rows
    merged = with_rows(uk_return([]), rows)
    assert [row.section for row in merged.rows] == [SUPPLIES, ADJUSTMENT]
    assert return_csv(merged).splitlines()[2].startswith("uk-vat,marketplace,2026-Q3,adjustment,2026-Q2,GB,20,")

"""The OSS/IOSS return arithmetic, without a database: rows per Member State and rate in euros, refunds within the
period netted, refunds of earlier periods as corrections of those periods."""

import datetime as dt

import pytest

from comptoir.filings.domain import periods
from comptoir.filings.domain.returns import RefundFact, ReturnRow, TaxLineFact, build_return, return_csv

Q3 = periods.quarter("2026-Q3")


def to_eur(amount, currency, day):
    return {"EUR": amount, "PLN": None}.get(currency, amount // 2) if currency != "PLN" else None


def line(order, day, country, rate, net, vat, currency="EUR"):
    return TaxLineFact(order, day, country, rate, currency, net, vat)


def test_periods_parse_quarters_and_months():
    assert (Q3.start, Q3.end, Q3.label) == (dt.date(2026, 7, 1), dt.date(2026, 9, 30), "2026-Q3")
    assert periods.quarter("2026q4").end == dt.date(2026, 12, 31)
    assert periods.month("2028-02").end == dt.date(2028, 2, 29)
    assert periods.quarter_of(dt.date(2026, 5, 31)).label == "2026-Q2"
    for wrong in ("2026-Q5", "2026-13", "Q3"):
        with pytest.raises(ValueError):
            periods.quarter(wrong) if "Q" in wrong else periods.month(wrong)


def test_supplies_grouped_by_country_and_rate_with_a_refund_of_the_same_quarter_netted():
    lines = [
        line(1, dt.date(2026, 7, 3), "FR", 2000, 10000, 2000),
        line(1, dt.date(2026, 7, 3), "FR", 2000, 1000, 200),  # its shipping
        line(2, dt.date(2026, 8, 9), "FR", 550, 20000, 1100),
        line(3, dt.date(2026, 9, 30), "IT", 2200, 5000, 1100),
    ]
    refunds = [RefundFact(1, dt.date(2026, 9, 1), amount=6600, paid=13200)]  # half of order 1

    result = build_return(
        kind="oss",
        scope="seller:1",
        period=Q3,
        lines=lines,
        refunds=refunds,
        period_of=periods.quarter_of,
        to_eur=to_eur,
    )

    assert result.rows == (
        ReturnRow("supplies", "2026-Q3", "FR", 2000, 5500, 1100),
        ReturnRow("supplies", "2026-Q3", "FR", 550, 20000, 1100),
        ReturnRow("supplies", "2026-Q3", "IT", 2200, 5000, 1100),
    )
    assert result.total_vat_cents == 3300


def test_a_refund_of_an_earlier_quarter_is_a_correction_of_that_quarter():
    lines = [line(1, dt.date(2026, 6, 28), "DE", 1900, 10000, 1900), line(2, dt.date(2026, 7, 1), "DE", 1900, 100, 19)]
    refunds = [RefundFact(1, dt.date(2026, 7, 2), amount=11900, paid=11900)]

    result = build_return(
        kind="oss",
        scope="marketplace",
        period=Q3,
        lines=lines,
        refunds=refunds,
        period_of=periods.quarter_of,
        to_eur=to_eur,
    )

    assert result.rows == (
        ReturnRow("supplies", "2026-Q3", "DE", 1900, 100, 19),
        ReturnRow("correction", "2026-Q2", "DE", 1900, -10000, -1900),
    )
    assert return_csv(result).splitlines() == [
        "return,scope,period,section,corrected_period,member_state_of_consumption,vat_rate_percent,"
        "taxable_amount_eur,vat_amount_eur,member_state_of_dispatch",
        "oss,marketplace,2026-Q3,supplies,,DE,19,1.00,0.19,",  # the State of dispatch not known
        "oss,marketplace,2026-Q3,correction,2026-Q2,DE,19,-100.00,-19.00,",
    ]


def test_amounts_in_another_currency_are_converted_per_group_and_a_missing_rate_is_reported():
    lines = [
        line(1, dt.date(2026, 7, 3), "FR", 2000, 1001, 201, currency="USD"),
        line(2, dt.date(2026, 7, 4), "FR", 2000, 999, 199, currency="USD"),
        line(3, dt.date(2026, 7, 5), "FR", 2000, 5000, 1000, currency="PLN"),
    ]

    result = build_return(
        kind="ioss",
        scope="marketplace",
        period=periods.month("2026-07"),
        lines=lines,
        refunds=[],
        period_of=periods.month_of,
        to_eur=to_eur,
    )

    assert result.rows == (ReturnRow("supplies", "2026-07", "FR", 2000, 1000, 200),)
    assert result.unconverted == ("PLN",)


def test_a_reduced_rate_prints_its_decimals():
    result = build_return(
        kind="oss",
        scope="marketplace",
        period=Q3,
        lines=[line(1, dt.date(2026, 7, 3), "FR", 550, 1000, 55)],
        refunds=[],
        period_of=periods.quarter_of,
        to_eur=to_eur,
    )
    assert return_csv(result).splitlines()[1].split(",")[6] == "5.5"

"""HMRC's and the ESTV's monthly exchange rates: their files read as data, loaded idempotently, and used for the
foreign-currency amounts of the UK and Swiss returns when the operator chooses them (docs/TAXES.md, "Authorities'
exchange rates")."""

import datetime as dt
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command

from comptoir.currencies.models import ExchangeRate
from comptoir.currencies.selectors import rates_cache_clear
from comptoir.filings import selectors
from comptoir.filings.domain import authority_rates, periods
from comptoir.filings.domain.authority_rates import AuthorityRate as Rate
from comptoir.filings.domain.returns import ReturnRow
from comptoir.filings.models import AuthorityRate
from comptoir.filings.services import authority_rates_import
from comptoir.orders.models import OrderTaxLine

from .helpers import buy, offer_from

HMRC_JULY = b"""<?xml version="1.0" encoding="UTF-8"?>
<exchangeRateMonthList Period="01/Jul/2026 to 31/Jul/2026">
  <exchangeRate><countryName>Eurozone</countryName><countryCode>EU</countryCode><currencyName>Euro</currencyName>
    <currencyCode>EUR</currencyCode><rateNew>1.2500</rateNew></exchangeRate>
  <exchangeRate><countryName>USA</countryName><countryCode>US</countryCode><currencyName>Dollar</currencyName>
    <currencyCode>USD</currencyCode><rateNew>1.3421</rateNew></exchangeRate>
</exchangeRateMonthList>"""
ESTV_JULY = b"""<?xml version="1.0" encoding="UTF-8"?>
<monatsmittelkurs xmlns="https://www.backend-rates.ezv.admin.ch/avgratesmonth">
  <monat>2026-07</monat>
  <devise code="eur"><land_de>Euro-Raum</land_de><waehrung>1 EUR</waehrung><kurs>0.95000</kurs></devise>
  <devise code="jpy"><land_de>Japan</land_de><waehrung>100 JPY</waehrung><kurs>0.55000</kurs></devise>
</monatsmittelkurs>"""


def test_hmrcs_monthly_file_is_read_as_units_per_pound():
    month = authority_rates.parse_hmrc_monthly(HMRC_JULY)

    assert month.month == dt.date(2026, 7, 1)
    assert month.rates == (Rate("EUR", 1, Decimal("1.2500")), Rate("USD", 1, Decimal("1.3421")))
    # EUR 100.00 at 1.25 per pound: GBP 80.00; EUR 0.05 at 1.25: 4p
    assert authority_rates.convert(10000, "EUR", authority="hmrc", rate=month.rates[0]) == 8000
    assert authority_rates.convert(5, "EUR", authority="hmrc", rate=month.rates[0]) == 4
    assert authority_rates.convert(-5, "EUR", authority="hmrc", rate=month.rates[0]) == -4


def test_the_estvs_monthly_file_is_read_as_francs_for_units():
    month = authority_rates.parse_estv_monthly(ESTV_JULY)

    assert month.month == dt.date(2026, 7, 1)
    assert month.rates == (Rate("EUR", 1, Decimal("0.95000")), Rate("JPY", 100, Decimal("0.55000")))
    assert authority_rates.convert(11900, "EUR", authority="estv", rate=month.rates[0]) == 11305  # CHF 113.05
    assert authority_rates.convert(20000, "JPY", authority="estv", rate=month.rates[1]) == 11000  # JPY 20,000: CHF 110


@pytest.mark.parametrize(
    ("authority", "content", "message"),
    [
        ("hmrc", b"<rates/>", "not exchangeRateMonthList"),
        ("hmrc", HMRC_JULY.replace(b"01/Jul/2026", b"2026-07-01"), "is not 'DD/Mon/YYYY"),
        ("hmrc", HMRC_JULY.replace(b"1.3421", b"-1"), "is not a positive rate"),
        ("hmrc", HMRC_JULY.replace(b">USD<", b">US Dollar<"), "is not a currency code"),
        ("estv", ESTV_JULY.replace(b"2026-07", b"July"), "monat 'July' is not YYYY-MM"),
        ("estv", ESTV_JULY.replace(b"0.55000", b"n/a"), "is not a number"),
        ("estv", b"<monatsmittelkurs", "not an ESTV monthly rates file"),
        ("ecb", HMRC_JULY, "unknown authority"),
    ],
)
def test_a_file_that_is_not_the_format_is_refused_with_what_is_wrong(authority, content, message):
    with pytest.raises(ValueError, match=message):
        authority_rates.parse(authority, content)


@pytest.mark.django_db
def test_loading_is_idempotent_and_a_changed_rate_is_updated(tmp_path):
    assert authority_rates_import(authority="hmrc", content=HMRC_JULY, source="exrates-monthly-0726.xml") == (2, 0)
    assert authority_rates_import(authority="hmrc", content=HMRC_JULY) == (0, 0)
    assert authority_rates_import(authority="hmrc", content=HMRC_JULY.replace(b"1.3421", b"1.3500")) == (0, 1)
    assert AuthorityRate.objects.get(currency="USD").rate == Decimal("1.35")

    path = tmp_path / "xmlavgmonth.xml"
    path.write_bytes(ESTV_JULY)
    call_command("filings", "rates", "--authority", "estv", str(path))
    assert AuthorityRate.objects.filter(authority="estv", month=dt.date(2026, 7, 1)).count() == 2
    path.write_bytes(b"<html>maintenance</html>")
    with pytest.raises(CommandError, match="not monatsmittelkurs"):
        call_command("filings", "rates", "--authority", "estv", str(path))
    with pytest.raises(CommandError, match="No such file"):
        call_command("filings", "rates", "--authority", "hmrc", str(tmp_path / "missing.xml"))


@pytest.fixture
def uk_rates_from_hmrc(settings):
    filings = {**settings.COMPTOIR["FILINGS"], "UK_VAT_RATES": "hmrc", "CH_VAT_RATES": "estv"}
    settings.COMPTOIR = {**settings.COMPTOIR, "FILINGS": filings}


@pytest.mark.django_db
def test_the_uk_return_converts_a_euro_sale_at_hmrcs_rate_of_its_month(vat_rates, uk_rates_from_hmrc):
    # Checkout needs the ECB rate to weigh a euro parcel against GBP 135 (docs/TAXES.md, "Liability first").
    ExchangeRate.objects.create(
        currency="GBP",
        day=dt.date(2026, 6, 30),
        rate=Decimal("0.8500"),
        imported_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
    )
    rates_cache_clear()
    offer = offer_from("FR", 6000, shipping=600)  # EUR 60.00 + 6.00, a French seller's parcel to a UK consumer
    buy(offer, to="GB", at=dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC))
    buy(offer, to="GB", at=dt.datetime(2026, 8, 10, 12, tzinfo=dt.UTC))
    lines = OrderTaxLine.objects.filter(regime="uk_marketplace", order__paid_at__month=7)
    assert sorted(lines.values_list("currency", "net_amount", "vat_amount")) == [("EUR", 500, 100), ("EUR", 5000, 1000)]
    quarter = periods.quarter("2026-Q3")

    authority_rates_import(authority="hmrc", content=HMRC_JULY)
    without_august = selectors.vat_return(kind="uk-vat", period=quarter)
    assert without_august.rows == (ReturnRow("supplies", "2026-Q3", "GB", 2000, 4400, 880),)  # July: 55.00 / 1.25
    assert without_august.unconverted == ("EUR",)  # August's rate is not loaded: named, never guessed

    authority_rates_import(
        authority="hmrc", content=HMRC_JULY.replace(b"Jul/2026", b"Aug/2026").replace(b"1.2500", b"1.1000")
    )
    q3 = selectors.vat_return(kind="uk-vat", period=quarter)

    # July EUR 55.00 / 11.00 at 1.25 (44.00 / 8.80) and August at 1.10 (50.00 / 10.00), one row per rate
    assert q3.rows == (ReturnRow("supplies", "2026-Q3", "GB", 2000, 4400 + 5000, 880 + 1000),)
    assert q3.unconverted == ()


@pytest.mark.django_db
def test_the_swiss_return_converts_a_euro_sale_at_the_estvs_monthly_average_rate(vat_rates, uk_rates_from_hmrc):
    ExchangeRate.objects.create(
        currency="CHF",
        day=dt.date(2026, 6, 30),
        rate=Decimal("0.9300"),
        imported_at=dt.datetime(2026, 6, 30, tzinfo=dt.UTC),
    )
    rates_cache_clear()
    offer = offer_from("DE", 11900, shipping=0)  # EUR 119.00 to a Swiss consumer: the platform is the supplier
    buy(offer, to="CH", at=dt.datetime(2026, 7, 10, 12, tzinfo=dt.UTC))
    lines = list(OrderTaxLine.objects.filter(regime="ch_platform").values_list("currency", "net_amount", "vat_amount"))
    assert sorted(lines) == [("EUR", 0, 0), ("EUR", 10000, 810)]  # EUR 100.00 + 8.10 VAT (8.1 %), free shipping
    authority_rates_import(authority="estv", content=ESTV_JULY)

    q3 = selectors.vat_return(kind="ch-vat", period=periods.quarter("2026-Q3"))

    # The return is in CHF even when every sale was in euros (its currency used to follow the last row's).
    assert q3.currency == "CHF" and q3.unconverted == ()
    assert q3.rows == (ReturnRow("supplies", "2026-Q3", "CH", 810, 9500, 770),)  # CHF 95.00 and 7.695 -> 7.70

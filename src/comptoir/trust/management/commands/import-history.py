"""`comptoir import-history FILE.csv`: historical orders and reviews (docs/IMPORT_HISTORY.md), all or nothing.

Exit codes: 0 imported (or nothing new), 1 the file has errors (nothing imported), 2 the file cannot be read."""

from __future__ import annotations

import sys
import time

from django.core.management.base import BaseCommand

from comptoir.trust.importers.history import ImportReport, history_import

WARNINGS_LISTED = 20  # beyond, the warnings are summarised by kind


class Progress:
    """A one-line progress display on stderr (rows, rows per second, share done), redrawn at most 4 times a
    second; nothing when stderr is not a terminal or with --quiet."""

    def __init__(self, stream) -> None:
        self.stream = stream
        self.started = time.monotonic()
        self.shown = 0.0
        self.phase = ""

    def __call__(self, phase: str, rows: int, fraction: float | None) -> None:
        now = time.monotonic()
        if phase != self.phase:
            if self.phase:
                self.stream.write("\n")
            self.phase, self.started, self.shown = phase, now, 0.0
        if now - self.shown < 0.25 and fraction != 1.0:
            return
        self.shown = now
        rate = rows / max(now - self.started, 1e-6)
        label = "checking" if phase == "check" else "writing"
        share = f"{fraction:4.0%} " if fraction is not None else ""
        width = 30
        bar = "#" * int(width * (fraction or 0)) + "." * (width - int(width * (fraction or 0)))
        self.stream.write(f"\r{label:9} [{bar}] {share}{rows:>10,} rows {rate:>9,.0f} rows/s")
        self.stream.flush()

    def close(self) -> None:
        if self.phase:
            self.stream.write("\n")
            self.stream.flush()


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
        parser.add_argument("--quiet", action="store_true", help="No progress display.")
        parser.add_argument(
            "--exclusive",
            action="store_true",
            help="PostgreSQL: drop the orders, events, reviews and messages tables' secondary indexes and build them "
            "again before the commit (much faster for a first large import; those tables are locked against every "
            "other session until the commit). SQLite does this by itself for an import that doubles the orders.",
        )

    def handle(self, *args, **options):
        progress = None
        if not options["quiet"] and getattr(sys.stderr, "isatty", lambda: False)():
            progress = Progress(sys.stderr)
        try:
            report = history_import(
                path=options["file"], progress=progress, rebuild_indexes=True if options["exclusive"] else None
            )
        except (OSError, UnicodeDecodeError) as error:
            self.stderr.write(f"Cannot read {options['file']}: {error}")
            sys.exit(2)
        finally:
            if progress is not None:
                progress.close()
        self._warnings(report)
        if not report.is_ok:
            for problem in report.errors:
                self.stderr.write(str(problem))
            if report.error_count > len(report.errors):
                self.stderr.write(f"… and {report.error_count - len(report.errors)} more error(s) not listed.")
            self.stderr.write(f"{report.error_count} error(s): nothing was imported.")
            sys.exit(1)
        self.stdout.write(
            f"Imported {report.imported} seller orders ({report.reviews} reviews, {report.messages} messages, "
            f"{report.buyers_created} new buyer accounts); {report.already_imported} were already imported."
        )
        if options["recompute"] and report.imported:
            from comptoir.trust.rebuild import trust_rebuild

            marks = trust_rebuild()
            self.stdout.write(f"Recomputed {marks.sellers} sellers in {marks.seconds:.2f} s.")
        elif report.imported:
            self.stdout.write("Run `comptoir trust recompute` for the history to count in trust scores.")

    def _warnings(self, report: ImportReport) -> None:
        """Every warning when there are few; else the first ones and a count per kind."""
        if not report.warning_count:
            return
        listed = report.warnings[: WARNINGS_LISTED if report.warning_count > WARNINGS_LISTED else None]
        for warning in listed:
            self.stderr.write(f"warning: {warning}")
        if report.warning_count > len(listed):
            self.stderr.write(f"… {report.warning_count - len(listed)} more warning(s); by kind:")
            for kind, count in sorted(report.warning_kinds.items(), key=lambda item: -item[1]):
                lines = ", ".join(map(str, report.warning_lines.get(kind, [])))
                more = ", …" if count > len(report.warning_lines.get(kind, [])) else ""
                self.stderr.write(f"  {count} row(s): {kind} (lines {lines}{more})")
        self.stderr.write(f"{report.warning_count} warning(s): those rows are imported as the warnings say.")

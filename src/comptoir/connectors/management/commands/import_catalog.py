"""`comptoir import-catalog FILE --format shopify --seller SLUG [--commit]`: the dry-run report, then the import."""

from __future__ import annotations

import contextlib
import json
import sys
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptoir.connectors.domain.formats import FORMATS
from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
from comptoir.core.exceptions import ApplicationError
from comptoir.sellers.models import Seller


class ProgressBar:
    def __init__(self, total: int, stream) -> None:
        self.total = max(total, 1)
        self.stream = stream

    def __call__(self, done: int) -> None:
        width = 40
        filled = min(width, width * done // self.total)
        self.stream.write(f"\r[{'#' * filled}{'.' * (width - filled)}] {done}/{self.total}")
        self.stream.flush()


class Command(BaseCommand):
    help = "Import a shop's product export (dry run unless --commit)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", required=True, choices=sorted(FORMATS))
        parser.add_argument("--seller", required=True, help="The seller's slug or id.")
        parser.add_argument("--combinations", help="PrestaShop: the combinations file.")
        parser.add_argument("--stock-sources", help="Magento: stock_sources.csv (multi-source stock).")
        parser.add_argument("--advanced-pricing", help="Magento: advanced_pricing.csv (tier prices, reported).")
        parser.add_argument("--shipping-profile", type=int, help="Shipping profile id (default: the first).")
        parser.add_argument("--default-category", type=int, help="Category id for unmatched categories.")
        parser.add_argument("--untracked-stock", type=int, default=0, help="Stock of products the shop does not count.")
        parser.add_argument("--commit", action="store_true", help="Import when the dry run finds no error.")
        parser.add_argument("--json", action="store_true", help="Print the report as JSON.")

    def handle(self, *args, **options) -> None:
        key = options["seller"]
        seller = Seller.objects.filter(slug=key).first() or (
            Seller.objects.filter(pk=int(key)).first() if key.isdigit() else None
        )
        if seller is None:
            raise CommandError(f"No seller '{key}'.")
        paths = {"combinations": options["combinations"], "stock_sources": options["stock_sources"]}
        paths["advanced_pricing"] = options["advanced_pricing"]
        path = Path(options["file"])
        for candidate in [path, *(Path(value) for value in paths.values() if value)]:
            if not candidate.is_file():
                raise CommandError(f"No file {candidate}.")
        with contextlib.ExitStack() as stack:
            files = {name: stack.enter_context(Path(value).open("rb")) for name, value in paths.items() if value}
            handle = stack.enter_context(path.open("rb"))
            try:
                job = import_job_create(
                    seller=seller,
                    actor=None,
                    format_name=options["format"],
                    file=handle,
                    file_name=path.name,
                    companions=files,
                    options=ImportOptions(
                        shipping_profile_id=options["shipping_profile"],
                        default_category_id=options["default_category"],
                        untracked_stock=options["untracked_stock"],
                    ),
                )
            except ApplicationError as error:
                raise CommandError(f"{error.message} {getattr(error, 'fields', '')}") from error
        report = job.report
        if options["json"]:
            self.stdout.write(json.dumps(report, indent=2, ensure_ascii=False))
        else:
            self._print(report)
        if job.status == job.Status.INVALID:
            raise CommandError("The file has errors: nothing imported.")
        if not options["commit"]:
            self.stdout.write(f"Dry run (job {job.pk}): nothing written. Add --commit to import.")
            return
        try:
            import_job_commit(
                seller=seller, actor=None, job_id=job.pk, progress=ProgressBar(job.progress_total, sys.stderr)
            )
        except ApplicationError as error:
            raise CommandError(error.message) from error
        sys.stderr.write("\n")
        self.stdout.write(self.style.SUCCESS(f"Imported (job {job.pk})."))

    def _print(self, report: dict) -> None:
        write = self.stdout.write
        write(
            f"{report['products']} products ({report['families']} with variants), {report['variants']} variants, "
            f"{report['offers']} offers ({report['offers_new']} new, {report['offers_updated']} updated), "
            f"{report['gtin_matches']} attached to catalog products by GTIN, {report['pictures']} pictures."
        )
        for code, count in sorted(report["skipped"].items()):
            write(f"  skipped: {code.removeprefix('skipped_')} × {count}")
        for path, name in sorted(report["category_mapping"].items()):
            write(f"  category {path or '(none)'!r} → {name or 'NO MATCH'}")
        if report["unknown_columns"]:
            write(f"  unknown columns: {', '.join(report['unknown_columns'])}")
        for label, entries, count in (
            ("error", report["errors"], report["error_count"]),
            ("warning", report["warnings"], report["warning_count"]),
        ):
            for entry in entries:
                write(f"  {label} line {entry['line']} [{entry['column']}]: {entry['message']}")
            if count > len(entries):
                write(f"  … {count - len(entries)} more {label}s")

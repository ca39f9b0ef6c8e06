"""Import a marketplace's order history (docs/IMPORT_HISTORY.md) so its sellers do not start from zero.

Design (no new table, no migration): each CSV row becomes the rows the live system would have written —
an Order and a SellerOrder (number `IMP-` + a digest of seller and external id, so the unique order number
makes a re-import skip rows already imported), the SellerOrderEvent history (`payment_captured`, `accept`, `ship`,
`deliver`, `cancel`, `request_return`, `refund`, `dispute_opened`, `dispute_decided`, each with
`data.imported = true`), the buyer's first message and the seller's answer (trust.Message) and the Review.
`comptoir trust recompute` reads those rows like any other, so imported history becomes evidence with no special
case. No Payment, no ledger entry: no money moves (the seller orders are marked released so the escrow release job
never touches them).

Streamed in two passes, so memory does not grow with the rows: the first reads the file once, checks every row and
keeps only the first errors and warnings, while it spools each checked row, already converted, to a temporary file,
and its order number and buyer to on-disk buckets (history_buckets: duplicates and buyers are found one bucket at a
time); when the file has no error, the second reads the
spool and writes it in chunks (history_writer: COPY on PostgreSQL, executemany on SQLite) inside ONE transaction, so
a failure leaves nothing behind. All or nothing: any error → nothing is written and every error is
reported with its line, column and message (the first 1,000; the count is exact)."""

from __future__ import annotations

import contextlib
import datetime as dt
import functools
import io
import os
from collections.abc import Callable, Iterator
from contextlib import AbstractContextManager
from dataclasses import dataclass, field

from django.db import connection, transaction

from comptoir.sellers.models import Seller
from comptoir.trust.importers import history_buckets
from comptoir.trust.importers.history_buckets import OrderKeys, buyer_groups
from comptoir.trust.importers.history_check import Source, check_source, spooled_rows
from comptoir.trust.importers.history_rows import (
    COLUMNS,
    MAX_KEPT,
    REQUIRED,
    Findings,
    RowError,
    RowWarning,
    SellerDirectory,
    history_order_number,
)
from comptoir.trust.importers.history_writer import HistoryWriter, seller_responders
from comptoir.trust.services.measures import trust_history_imported

__all__ = [
    "COLUMNS",
    "MAX_KEPT",
    "REQUIRED",
    "ImportReport",
    "RowError",
    "RowWarning",
    "history_import",
    "history_order_number",
]

CHUNK_ROWS = 10_000
Progress = Callable[[str, int, float | None], None]  # (phase "check" or "write", rows done, fraction done or None)


@dataclass
class ImportReport:
    rows: int = 0
    imported: int = 0
    already_imported: int = 0
    reviews: int = 0
    messages: int = 0
    buyers_created: int = 0
    buyers_dated: int = 0
    errors: list[RowError] = field(default_factory=list)
    error_count: int = 0
    warnings: list[RowWarning] = field(default_factory=list)
    warning_count: int = 0
    warning_kinds: dict[str, int] = field(default_factory=dict)
    warning_lines: dict[str, list[int]] = field(default_factory=dict)
    seller_ids: set[int] = field(default_factory=set)
    # PostgreSQL: the rows skipped the server's foreign-key checks, the import having guaranteed every reference
    # (HistoryWriter.foreign_key_checks_skipped); False when the database role may not, or on SQLite.
    foreign_key_checks_skipped: bool = False

    @property
    def is_ok(self) -> bool:
        return not self.error_count


def _opener(content: str | None, path: str | os.PathLike | None) -> tuple[Callable[[], AbstractContextManager], int]:
    """A function opening a fresh line iterator over the source, and the source's size (for progress)."""
    if (content is None) == (path is None):
        raise TypeError("Give content or path.")
    if content is not None:
        text = content.lstrip("\ufeff")
        return (lambda: io.StringIO(text, newline="")), len(text)
    assert path is not None
    return (lambda: open(path, encoding="utf-8-sig", newline="")), os.path.getsize(path)


def _merged(parts: list[Findings]) -> Findings:
    """The findings of a file's parts, given in line order: the first MAX_KEPT errors and warnings, exact counts."""
    if len(parts) == 1:
        return parts[0]
    merged = Findings()
    for findings in parts:
        merged.errors = (merged.errors + findings.errors)[:MAX_KEPT]
        merged.warnings = (merged.warnings + findings.warnings)[:MAX_KEPT]
        merged.error_count += findings.error_count
        merged.warning_count += findings.warning_count
        for kind, count in findings.warning_kinds.items():
            merged.warning_kinds[kind] = merged.warning_kinds.get(kind, 0) + count
            lines = merged.warning_lines.setdefault(kind, [])
            lines.extend(findings.warning_lines.get(kind, [])[: 5 - len(lines)])
    return merged


def _report_duplicates(keys: list[OrderKeys], findings: Findings) -> None:
    """Adds an error for every row whose (seller, external id) an earlier row has. The kept errors stay the first
    MAX_KEPT by line: those of the check and the duplicates are each the first of their kind, merged."""
    duplicates, count = history_buckets.duplicates(keys, MAX_KEPT)
    if not count:
        return
    found = [
        RowError(line, "external_order_id", f"Duplicate of line {first} for this seller.") for line, first in duplicates
    ]
    findings.errors = sorted([*findings.errors, *found], key=lambda error: error.line)[:MAX_KEPT]
    findings.error_count += count


def _chunks(rows: Iterator[list[str]], size: int) -> Iterator[list[list[str]]]:
    chunk: list[list[str]] = []
    for fields in rows:
        chunk.append(fields)
        if len(chunk) >= size:
            yield chunk
            chunk = []
    if chunk:
        yield chunk


def history_import(
    *,
    content: str | None = None,
    path: str | os.PathLike | None = None,
    now: dt.datetime | None = None,
    progress: Progress | None = None,
    chunk_rows: int = CHUNK_ROWS,
    rebuild_indexes: bool | None = None,
    check_processes: int | None = None,
) -> ImportReport:
    """Import every row of a history CSV (`content`, or the file at `path`, read once) in one transaction, or
    nothing when any row is invalid (the report then lists the errors). Rows whose (seller, external_order_id) was
    imported before are skipped, so a re-import of the same file changes nothing. Never posts to the ledger.
    `rebuild_indexes`: see HistoryWriter.bulk_session (None: automatic on SQLite, off on PostgreSQL).
    `check_processes`: 1 or 2 processes check the file (None: two for a large file; history_check).
    Raises OSError / UnicodeDecodeError when the file cannot be read (nothing written)."""
    from comptoir.core import clock

    now = now or clock.now()
    open_source, size = _opener(content, path)
    report = ImportReport()
    responders = seller_responders()
    sellers = SellerDirectory(Seller.objects.values_list("pk", "slug", "vat_id"), responders)
    writer = HistoryWriter(connection)
    writer.responders = responders
    with contextlib.ExitStack() as stack:
        parts = check_source(
            Source(open_source, size, path if content is None else None),
            stack,
            sellers=sellers,
            now=now,
            spooled=writer.spooled,
            progress=None if progress is None else functools.partial(progress, "check"),
            processes=check_processes,
        )
        report.rows = sum(part.rows for part in parts)
        findings = _merged([part.findings for part in parts])
        _report_duplicates([part.keys for part in parts], findings)
        if progress is not None:
            progress("check", report.rows, 1.0)
        report.errors, report.error_count = findings.errors, findings.error_count
        report.warnings, report.warning_count = findings.warnings, findings.warning_count
        report.warning_kinds, report.warning_lines = findings.warning_kinds, findings.warning_lines
        if findings.error_count:
            return report
        total = report.rows
        with transaction.atomic(durable=True), writer.bulk_session(total, rebuild_indexes=rebuild_indexes):
            report.buyers_created, report.buyers_dated = writer.buyers_prepare(
                buyer_groups([part.buyers for part in parts])
            )
            done = 0
            with writer.foreign_key_checks_skipped() as report.foreign_key_checks_skipped:
                for outcome in writer.write_chunks(_chunks(spooled_rows(parts), chunk_rows)):
                    report.already_imported += outcome.already_imported
                    report.imported += outcome.imported
                    report.reviews += outcome.reviews
                    report.messages += outcome.messages
                    report.seller_ids |= outcome.seller_ids
                    done += outcome.rows
                    if progress is not None and done < total:
                        progress("write", done, done / total)
            # Imported history proposes measures to an operator during a grace period, never imposes them.
            trust_history_imported(seller_ids=report.seller_ids, at=now)
        if progress is not None:  # after the commit (and, on SQLite, the indexes built again)
            progress("write", total, 1.0)
    return report

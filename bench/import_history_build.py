"""Client CPU of building a history import's rows (docs/PERFORMANCE.md, "History import", fourth round): the check
pass spools the first `--rows` rows of a benchmark file once (no database write), then each chunk's table rows and
their COPY data are built and timed with `time.process_time` — `HistoryWriter._build`, plus psycopg's text formatting
(`write_row`) when the tree's writer gives tuples instead of COPY text.

    DATABASE_URL=postgres://postgres@127.0.0.1:5432/comptoir_bench_import \\
        .venv/bin/python -m bench.import_history_build --file var/bench/history-100000.csv

Run `bench.import_history` on that database first (it holds the bench sellers). To compare with another tree, run
this file with that tree's sources first on the path:
`PYTHONPATH=OTHER/src .venv/bin/python bench/import_history_build.py --file …`.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import functools
import itertools
import os
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--file", required=True)
    parser.add_argument("--rows", type=int, default=50_000)
    parser.add_argument("--chunk", type=int, default=10_000)
    options = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.db import connection
    from psycopg._copy_base import TextFormatter
    from psycopg.adapt import Transformer

    from comptoir.sellers.models import Seller
    from comptoir.trust.importers import history_writer
    from comptoir.trust.importers.history_check import Source, check_source
    from comptoir.trust.importers.history_rows import SellerDirectory

    responders = dict.fromkeys(Seller.objects.values_list("pk", flat=True), 1)
    sellers = SellerDirectory(Seller.objects.values_list("pk", "slug", "vat_id"), responders)
    writer = history_writer.HistoryWriter(connection)
    writer.responders = responders
    is_text = hasattr(history_writer, "_copy_block") and writer.is_postgresql  # rows built as COPY text
    path = options.file
    with contextlib.ExitStack() as stack:
        opener = functools.partial(open, path, encoding="utf-8-sig", newline="")
        source = Source(opener, os.path.getsize(path), path)
        parts = check_source(
            source, stack, sellers=sellers, now=dt.datetime.now(dt.UTC), spooled=writer.spooled, processes=1
        )
        assert not parts[0].findings.error_count, parts[0].findings.errors[:3]
        rows = list(itertools.islice(parts[0].spooled_rows(), options.rows))
    buyers = {email: index + 1 for index, email in enumerate(sorted({row[2] for row in rows}))}
    spent = 0.0
    for start in range(0, len(rows), options.chunk):
        chunk = rows[start : start + options.chunk]
        ids: list = list(range(start + 1, start + 1 + len(chunk)))
        chunk_buyers: dict = buyers
        if is_text:
            ids, chunk_buyers = list(map(str, ids)), {email: str(pk) for email, pk in buyers.items()}
        prepared = history_writer._Prepared(ids, ids, chunk_buyers)
        began = time.process_time()
        for table, table_rows in writer._build(chunk, prepared):
            if not isinstance(table_rows, str) and writer.is_postgresql:
                formatter = TextFormatter(Transformer())
                for row in table_rows:
                    formatter.write_row(row + table.constants)
                formatter.end()
        spent += time.process_time() - began
    kind = "COPY text blocks" if is_text else ("tuples + write_row" if writer.is_postgresql else "tuples")
    print(f"{kind}: {spent / len(rows) * 1e6:.1f} µs of CPU per history row ({len(rows)} rows)")


if __name__ == "__main__":
    main()

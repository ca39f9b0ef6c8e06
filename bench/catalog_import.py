"""Shop import memory and speed: `python -m bench.catalog_import 100000` writes a Shopify CSV of that many variant
rows (families of five sizes) to a temporary folder and measures the dry run's parse and analysis (pure, no
database) with tracemalloc: peak memory must not grow with the file beyond the duplicate-detection keys
(docs/PERFORMANCE.md, "Shop imports"). `--time` measures the time alone (tracemalloc slows Python down)."""

from __future__ import annotations

import sys
import tempfile
import time
import tracemalloc
from pathlib import Path

HEADER = "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty\n"
SIZES = ("XS", "S", "M", "L", "XL")


def write_file(path: Path, rows: int) -> None:
    with path.open("w", encoding="utf-8") as handle:
        handle.write(HEADER)
        for number in range(rows):
            family, size = divmod(number, len(SIZES))
            first = size == 0
            handle.write(
                f"family-{family},{'Shirt ' + str(family) if first else ''},"
                f"{'<p>Cotton <b>shirt</b> number ' + str(family) + '</p>' if first else ''},"
                f"{'Acme' if first else ''},{'Size' if first else ''},{SIZES[size]},SKU-{number},19.90,{number % 50}\n"
            )


def measure(rows: int, *, trace: bool = True) -> dict[str, float]:
    sys.path.insert(0, "src")
    from comptoir.connectors.domain.formats import parse
    from comptoir.connectors.domain.report import Analyser

    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "products.csv"
        write_file(path, rows)
        if trace:
            tracemalloc.start()
        started = time.perf_counter()
        analyser = Analyser(format_name="shopify", currency="EUR", max_price_minor=10**9)
        for item in parse("shopify", lambda: path.open("rb")):
            analyser.accept(item)
        seconds = time.perf_counter() - started
        peak = tracemalloc.get_traced_memory()[1] if trace else 0
        tracemalloc.stop()
        report = analyser.report
        assert (report.offers, report.error_count) == (rows, 0), report.errors[:3]
        return {
            "rows": rows,
            "bytes": path.stat().st_size,
            "seconds": round(seconds, 2),
            "peak_mib": round(peak / 2**20, 2),
        }


if __name__ == "__main__":
    counts = [int(argument) for argument in sys.argv[1:] if argument.isdigit()] or [10_000, 100_000]
    for count in counts:
        print(measure(count, trace="--time" not in sys.argv))

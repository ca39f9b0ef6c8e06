"""Peak memory of a whole shop import through the command, at several sizes: does it stay flat?

    .venv/bin/python -m bench.catalog_import_memory --database sqlite 10000 100000
    .venv/bin/python -m bench.catalog_import_memory --database postgres 10000 100000

For each size it makes a throw-away database (as bench.catalog_import_commit), migrates it, creates a seller, its
shipping profile and a category, writes bench.catalog_import's Shopify file (variant rows in families of five sizes),
then runs `comptoir import-catalog FILE --format shopify --seller … --commit` (dry run, then the commit, which reads
the file twice) under `/usr/bin/time -v` and prints one JSON line: rows, file size, maximum resident set size, user
and system CPU, wall time, and the progress bar's last state as the command drew it on stderr. Tasks are stored, not
run (`COMPTOIR_TASK_BACKEND=database`: the search refresh after the commit is a worker's job, not the command's).
Read the wall time next to the load average printed before and after."""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import tempfile
from pathlib import Path

from bench.catalog_import import write_file
from bench.catalog_import_commit import DATABASE_NAME, _configure, _postgres

ROOT = Path(__file__).resolve().parents[1]
COMPTOIR = str(ROOT / ".venv" / "bin" / "comptoir")
SETUP = (
    "from comptoir.testing.builders import make_category, make_seller, make_shipping_profile; "
    "seller = make_seller('Bench shop'); make_shipping_profile(seller); "
    "print(seller.slug, make_category('Imported').pk)"
)


def _time_v(stderr: str, label: str) -> str:
    match = re.search(rf"^\s*{re.escape(label)}: (.+)$", stderr, re.MULTILINE)
    return match.group(1).strip() if match else ""


def measure(rows: int, database: str, database_url: str) -> dict:
    _configure(database, database_url)
    if database == "postgres":
        _postgres(database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
        _postgres(database_url, f"CREATE DATABASE {DATABASE_NAME}")
    environment = {**os.environ, "PYTHONPATH": f"{ROOT}:{ROOT / 'src'}"}
    try:
        subprocess.run([COMPTOIR, "migrate", "-v", "0"], check=True, env=environment, cwd=ROOT)
        slug, category = subprocess.run(
            [COMPTOIR, "shell", "-c", SETUP], check=True, env=environment, cwd=ROOT, capture_output=True, text=True
        ).stdout.split()[-2:]
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "products.csv"
            write_file(path, rows)
            done = subprocess.run(
                ["/usr/bin/time", "-v", COMPTOIR, "import-catalog", str(path), "--format", "shopify", "--seller", slug,
                 "--default-category", category, "--commit"],
                env=environment, cwd=ROOT, capture_output=True, text=True,
            )  # fmt: skip
            size = path.stat().st_size
    finally:
        if database == "postgres":
            _postgres(database_url, f"DROP DATABASE IF EXISTS {DATABASE_NAME}")
    bars = [part for part in re.split(r"[\r\n]", done.stderr) if part.startswith("[") and "/" in part]
    return {
        "database": database,
        "rows": rows,
        "file_mb": round(size / 1e6, 1),
        "exit": done.returncode,
        "max_rss_mb": round(int(_time_v(done.stderr, "Maximum resident set size (kbytes)") or 0) / 1024, 1),
        "user_s": float(_time_v(done.stderr, "User time (seconds)") or 0),
        "system_s": float(_time_v(done.stderr, "System time (seconds)") or 0),
        "wall": _time_v(done.stderr, "Elapsed (wall clock) time (h:mm:ss or m:ss)"),
        "progress_bar_last": bars[-1].strip() if bars else "",
        "stdout_tail": done.stdout.strip().splitlines()[-1:] if done.stdout.strip() else [],
        "stderr_tail": [] if done.returncode == 0 else done.stderr.strip().splitlines()[-5:],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n", 1)[0])
    parser.add_argument("rows", type=int, nargs="+")
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", default="postgres://postgres@127.0.0.1:5432/postgres")
    arguments = parser.parse_args()
    for rows in arguments.rows:
        print(json.dumps({"load_average_before": os.getloadavg()}), flush=True)
        print(json.dumps(measure(rows, arguments.database, arguments.database_url)), flush=True)
    print(json.dumps({"load_average_after": os.getloadavg()}), flush=True)
    sys.exit(0)


if __name__ == "__main__":
    main()

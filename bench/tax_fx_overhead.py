"""Tax + FX overhead (issue 12: "tax + FX add ≤ 10% to checkout server CPU and to search p95"): one tree, two worker
processes, A/B in one run.

Both workers are `bench/inprocess.py` workers of this tree (their own freshly migrated database, the checkout bench's
seed and traffic, the WSGI handler in-process, no HTTP server) with the standard VAT rates imported
(`eu-vat-rates-data`) and the operator's EUR/GBP/PLN rates; they differ only in the pricing strategy:

- `on`:  `COMPTOIR_PRICING_STRATEGY=taxed` (the default: VAT for the destination, prices converted through the rates;
  checkout writes tax lines, search indexes and compares destination prices);
- `off`: `COMPTOIR_PRICING_STRATEGY=delivered` (item + shipping as entered, no VAT, no conversion).

The parent asks each worker for rounds in turn, alternating which goes first so that both see the same load:
N checkouts (`POST /api/v1/checkout`: worker CPU per checkout, `time.process_time()`, on SQLite the database's work
included; PostgreSQL adds the backend's CPU from /proc), then M searches (`GET /api/v1/search`, buyers in FR, DE, IT,
US and GB, half of them in GBP: the wall time of each request, whose 95th percentile is the figure, and the worker's
CPU per search, steadier on a loaded machine). The figures are the medians over the rounds; the overhead is
on / off − 1.

    .venv/bin/python bench/tax_fx_overhead.py --database sqlite --rounds 6 --checkouts 100 --searches 200
    .venv/bin/python bench/tax_fx_overhead.py --database postgres --rounds 6 --checkouts 100 --searches 200

Nothing is asserted about speed (a loaded machine moves the figures; run it on a quiet one for the record)."""

from __future__ import annotations

import argparse
import io
import json
import os
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve()
ROOT = HERE.parent.parent
sys.path[:0] = [str(ROOT / "src"), str(ROOT)]

from bench import inprocess  # noqa: E402  (the tree's own bench package, after the path above)

SEARCH_COUNTRIES = ("FR", "DE", "IT", "US", "GB")
SEARCH_WORDS = ("bench", "product", "bench product", "product 1", "bench 2")
OPERATOR_RATES = {"EUR/GBP": "0.85", "EUR/PLN": "4.30", "GBP/PLN": "5.05"}


class Worker(inprocess.Worker):
    """A checkout worker that also answers searches, with VAT rates loaded and the search index built."""

    def __init__(self, *, sellers: int, offers: int, buyers: int) -> None:
        super().__init__(sellers=sellers, offers=offers, buyers=buyers)
        from django.conf import settings

        from comptoir.search.services import search_reindex
        from comptoir.taxes.services import vat_rates_import_package

        settings.COMPTOIR["EXCHANGE_RATES"] = dict(OPERATOR_RATES)
        vat_rates_import_package()
        search_reindex()
        self.random = random.Random(7)

    def search(self) -> tuple[str, float]:
        query = (
            f"q={self.random.choice(SEARCH_WORDS).replace(' ', '+')}&country={self.random.choice(SEARCH_COUNTRIES)}"
            + ("&currency=GBP" if self.random.random() < 0.5 else "")
        )
        environ = {
            "REQUEST_METHOD": "GET",
            "PATH_INFO": "/api/v1/search",
            "SCRIPT_NAME": "",
            "QUERY_STRING": query,
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_ACCEPT": "application/json",
            "wsgi.input": io.BytesIO(b""),
            "wsgi.errors": sys.stderr,
            "wsgi.url_scheme": "http",
            "wsgi.version": (1, 0),
            "wsgi.multithread": False,
            "wsgi.multiprocess": True,
            "wsgi.run_once": False,
        }
        statuses: list[str] = []

        def start_response(status: str, headers: list[tuple[str, str]], exc_info: Any = None) -> Any:
            statuses.append(status)
            return lambda data: None

        started = time.perf_counter()
        result = self.handler(environ, start_response)
        try:
            b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()
        return statuses[0].split()[0], time.perf_counter() - started

    def run_searches(self, count: int) -> dict:
        timings: list[float] = []
        statuses: dict[str, int] = {}
        cpu = time.process_time()
        for _ in range(count):
            status, seconds = self.search()
            timings.append(seconds)
            statuses[status] = statuses.get(status, 0) + 1
        cpu = time.process_time() - cpu
        timings.sort()
        return {
            "searches": count,
            "p50_ms": round(timings[len(timings) // 2] * 1000, 3),
            "p95_ms": round(timings[min(len(timings) - 1, int(len(timings) * 0.95))] * 1000, 3),
            "cpu_ms": round(cpu / count * 1000, 3),
            "statuses": statuses,
        }


def serve(arguments: argparse.Namespace) -> None:
    protocol: IO[str] = sys.stdout
    sys.stdout = sys.stderr
    worker = Worker(sellers=arguments.sellers, offers=arguments.offers, buyers=arguments.buyers)
    ready = worker.warm_up(arguments.warmup)
    worker.run_searches(20)  # warm the search path too
    protocol.write(json.dumps({"ready": True, **ready}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        if command[0] == "run":
            protocol.write(json.dumps(worker.run(int(command[1]))) + "\n")
        else:
            protocol.write(json.dumps(worker.run_searches(int(command[1]))) + "\n")
        protocol.flush()
    worker.connection.close()


def _start(arguments: argparse.Namespace, label: str, strategy: str) -> tuple[subprocess.Popen, Any]:
    url, drop = inprocess._database(arguments, f"taxfx_{label}")
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-taxfx-" + os.urandom(8).hex(),
            "COMPTOIR_ENCRYPTION_KEYS": inprocess.BENCH_ENCRYPTION_KEY,
            "COMPTOIR_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SECURE_COOKIES": "0",
            "COMPTOIR_LEDGER_SEAL_ON_COMMIT": "0",
            "COMPTOIR_TASK_BACKEND": "database",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_DB_CONN_MAX_AGE": "3600",
            "COMPTOIR_PRICING_STRATEGY": strategy,
            "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), str(ROOT)]),
        }
    )
    command = [sys.executable, str(HERE), "--serve", "--warmup", str(arguments.warmup)]
    command += ["--sellers", str(arguments.sellers), "--offers", str(arguments.offers)]
    command += ["--buyers", str(arguments.buyers)]
    process = subprocess.Popen(
        command, cwd=ROOT, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    return process, drop


def compare(arguments: argparse.Namespace) -> dict:
    workers: dict[str, tuple[subprocess.Popen, Any]] = {}
    report: dict[str, Any] = {
        "database": arguments.database,
        "load_average_before": inprocess._load_average(),
        "sides": {},
    }
    try:
        for label, strategy in (("on", "taxed"), ("off", "delivered")):
            workers[label] = _start(arguments, label, strategy)
        for label, (process, _drop) in workers.items():
            report["sides"][label] = {"warm_up": inprocess._ask(process, None), "checkout": [], "search": []}
        labels = list(workers)
        for number in range(arguments.rounds):
            for label in labels if number % 2 == 0 else labels[::-1]:
                process = workers[label][0]
                checkout = inprocess._ask(process, f"run {arguments.checkouts}")
                search = inprocess._ask(process, f"search {arguments.searches}")
                report["sides"][label]["checkout"].append(checkout)
                report["sides"][label]["search"].append(search)
                print(f"round {number + 1} {label:3} {json.dumps(checkout)} {json.dumps(search)}", file=sys.stderr)
        for side in report["sides"].values():
            for name, rounds, key in (
                ("checkout_worker_cpu_ms", side["checkout"], "worker_cpu_ms"),
                ("checkout_database_cpu_ms", side["checkout"], "database_cpu_ms"),
                ("search_p95_ms", side["search"], "p95_ms"),
                ("search_p50_ms", side["search"], "p50_ms"),
                ("search_cpu_ms", side["search"], "cpu_ms"),
            ):
                values = [figures[key] for figures in rounds if figures[key] is not None]
                side[name] = round(statistics.median(values), 3) if values else None
        on, off = report["sides"]["on"], report["sides"]["off"]
        report["overhead"] = {
            name: round(on[name] / off[name] - 1, 4) if on.get(name) and off.get(name) else None
            for name in (
                "checkout_worker_cpu_ms",
                "checkout_database_cpu_ms",
                "search_p95_ms",
                "search_p50_ms",
                "search_cpu_ms",
            )
        }
        report["load_average_after"] = inprocess._load_average()
    finally:
        inprocess.stop_workers(workers)
    return report


def _print(report: dict) -> None:
    print(f"{report['database']}: load average {report['load_average_before']} → {report.get('load_average_after')}")
    for label, side in report["sides"].items():
        print(
            f"  {label:3} checkout worker {side['checkout_worker_cpu_ms']} ms"
            + (f" + database {side['checkout_database_cpu_ms']} ms" if side["checkout_database_cpu_ms"] else "")
            + f" per checkout ({side['warm_up']['statements_per_checkout']} statements); search p95"
            f" {side['search_p95_ms']} ms, p50 {side['search_p50_ms']} ms, worker CPU {side['search_cpu_ms']} ms"
        )
    overhead = {name: f"{value:+.1%}" for name, value in report["overhead"].items() if value is not None}
    print(f"  tax + FX overhead (on / off − 1): {overhead}")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help=f"PostgreSQL server (default {inprocess.DEFAULT_POSTGRES_SERVER})")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--checkouts", type=int, default=100, help="checkouts per round")
    parser.add_argument("--searches", type=int, default=200, help="searches per round")
    parser.add_argument("--warmup", type=int, default=60)
    parser.add_argument("--sellers", type=int, default=20)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--json", action="store_true")
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    arguments = parser.parse_args(argv)
    if arguments.serve:
        serve(arguments)
        return
    report = compare(arguments)
    if arguments.json:
        print(json.dumps(report, indent=2))
    else:
        _print(report)


if __name__ == "__main__":
    main()

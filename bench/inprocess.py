"""In-process A/B of the checkout's CPU: N checkouts through Django's WSGI handler, no HTTP server, no load generator.

`comptoir bench checkout` needs a quiet machine; this harness compares two trees on a busy one. Each tree runs in its
own worker process (this file, with the tree's `src` and root first on the path, so the tree's comptoir, config and
bench.seed are the ones imported) against its own freshly migrated database, seeded as the bench seeds (`bench.seed`,
smaller by default), with the bench's traffic (`bench.loadgen.CheckoutTraffic`: 1–3 lines, quantity 1 or 2) and the
bench's server environment (`database` task backend, no ledger sealing on commit, DEBUG off). The parent process asks
the workers for rounds of N checkouts in turn, alternating which goes first, so that both trees see the same load;
the figures are the medians of the rounds:

- worker CPU per checkout: `time.process_time()` of the worker around the round (on SQLite the database's work is in
  it too, as in a gunicorn worker);
- database CPU per checkout (PostgreSQL): the CPU time of the worker's backend process, from /proc;
- statements per checkout (counted during the warm-up, outside the measured rounds).

Run it from the tree to measure; `--against PATH` adds another tree (e.g. a worktree of `main`):

    .venv/bin/python bench/inprocess.py --database postgres --against /work/main --rounds 8 --checkouts 100

Nothing is asserted about speed; a round's figures include the WSGI handler and middleware, not gunicorn's parsing."""

from __future__ import annotations

import argparse
import io
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import IO, Any

HERE = Path(__file__).resolve()
DEFAULT_POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
BENCH_ENCRYPTION_KEY = "YmVuY2gtb25seS1rZXktbm90LWZvci1wcm9kdWN0aW8="


# --- Worker (one per tree) ------------------------------------------------------------------------


def _backend_cpu_seconds(pid: int) -> float:
    """CPU time of a local process: /proc/PID/schedstat (nanoseconds) when the kernel has it, else /proc/PID/stat."""
    try:
        with open(f"/proc/{pid}/schedstat") as schedstat:
            return int(schedstat.read().split()[0]) / 1e9
    except (OSError, ValueError, IndexError):
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


class Worker:
    """A migrated, seeded database and the WSGI handler of one tree."""

    def __init__(self, *, sellers: int, offers: int, buyers: int) -> None:
        import django

        django.setup()
        from django.core.handlers.wsgi import WSGIHandler
        from django.core.management import call_command
        from django.db import connection

        from bench.loadgen import CheckoutTraffic
        from bench.seed import seed_checkout_data

        call_command("migrate", verbosity=0, interactive=False)
        call_command("createcachetable", verbosity=0)
        seeded = seed_checkout_data(sellers=sellers, offers=offers, hot_offers=1, hot_stock=10, buyers=buyers)
        self.traffic = CheckoutTraffic(
            tokens=seeded["tokens"],
            offer_ids=seeded["offer_ids"],
            hot_offer_ids=[],
            hot_share=0.0,
            run_id=f"inprocess-{os.getpid()}",
            host="127.0.0.1",
        )
        self.handler = WSGIHandler()
        self.connection = connection
        # As config/wsgi.py does in a serving process (a tree from before it did has no such step).
        try:
            from comptoir.core.serving import settle_after_startup
        except ImportError:
            pass
        else:
            settle_after_startup()

    def checkout(self) -> str:
        traffic = self.traffic
        traffic.sequence += 1
        body = json.dumps(
            {"lines": traffic.lines(), "shipping_address": traffic.address, "payment": {"card_number": "4242" * 4}},
            separators=(",", ":"),
        ).encode()
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": traffic.path,
            "SCRIPT_NAME": "",
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "80",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "127.0.0.1",
            "HTTP_HOST": "127.0.0.1",
            "HTTP_AUTHORIZATION": f"Bearer {traffic.random.choice(traffic.tokens)}",
            "HTTP_IDEMPOTENCY_KEY": f"{traffic.run_id}-{traffic.sequence}",
            "HTTP_ACCEPT": "application/json",
            "CONTENT_TYPE": "application/json",
            "CONTENT_LENGTH": str(len(body)),
            "wsgi.input": io.BytesIO(body),
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

        result = self.handler(environ, start_response)
        try:
            b"".join(result)
        finally:
            close = getattr(result, "close", None)
            if close is not None:
                close()  # request_finished: what a server does after each response (connection age checks, …)
        return statuses[0].split()[0]

    def backend_pid(self) -> int | None:
        if self.connection.vendor != "postgresql":
            return None
        with self.connection.cursor() as cursor:
            cursor.execute("SELECT pg_backend_pid()")
            row = cursor.fetchone()
        return int(row[0]) if row else None

    def warm_up(self, count: int) -> dict:
        counted = [0]

        def count_statement(execute, sql, params, many, context):
            counted[0] += 1
            if os.environ.get("INPROCESS_SHOW"):
                print("SQL", sql[:150].replace("\n", " "), file=sys.stderr)
            return execute(sql, params, many, context)

        # The first sale of each seller creates its ledger accounts (a rare path): statements are counted over the
        # second half of the warm-up only.
        statuses: dict[str, int] = {}
        for _ in range(count - count // 2):
            status = self.checkout()
            statuses[status] = statuses.get(status, 0) + 1
        with self.connection.execute_wrapper(count_statement):
            for _ in range(count // 2):
                status = self.checkout()
                statuses[status] = statuses.get(status, 0) + 1
        return {"statements_per_checkout": round(counted[0] / max(count // 2, 1), 2), "statuses": statuses}

    def run(self, count: int) -> dict:
        pid = self.backend_pid()
        database_before = _backend_cpu_seconds(pid) if pid else None
        statuses: dict[str, int] = {}
        wall, cpu = time.perf_counter(), time.process_time()
        for _ in range(count):
            status = self.checkout()
            statuses[status] = statuses.get(status, 0) + 1
        cpu, wall = time.process_time() - cpu, time.perf_counter() - wall
        database_ms = None
        if pid and database_before is not None and self.backend_pid() == pid:
            # the pid query above ran after the round: its own cost (tens of µs) is inside the figure
            database_ms = round((_backend_cpu_seconds(pid) - database_before) / count * 1000, 3)
        return {
            "checkouts": count,
            "worker_cpu_ms": round(cpu / count * 1000, 3),
            "database_cpu_ms": database_ms,
            "wall_ms": round(wall / count * 1000, 3),
            "statuses": statuses,
        }


def serve(arguments: argparse.Namespace) -> None:
    """Worker mode: seed, warm up, then answer `run N` lines on stdin with one JSON line each until `quit`."""
    protocol: IO[str] = sys.stdout
    sys.stdout = sys.stderr  # anything printed by Django or the seeding stays off the protocol
    worker = Worker(sellers=arguments.sellers, offers=arguments.offers, buyers=arguments.buyers)
    ready = worker.warm_up(arguments.warmup)
    protocol.write(json.dumps({"ready": True, **ready}) + "\n")
    protocol.flush()
    for line in sys.stdin:
        command = line.split()
        if not command or command[0] == "quit":
            break
        protocol.write(json.dumps(worker.run(int(command[1]))) + "\n")
        protocol.flush()
    worker.connection.close()


# --- Parent (the A/B) -------------------------------------------------------------------------------


def _postgres_url(server: str, name: str) -> str:
    from urllib.parse import urlsplit, urlunsplit

    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres_admin(server: str, statement: str) -> None:
    import psycopg

    with psycopg.connect(server, autocommit=True) as connection:
        connection.execute(statement)


def _database(arguments: argparse.Namespace, label: str) -> tuple[str, Any]:
    """The database URL of one side, created empty, and how to drop it."""
    name = f"comptoir_inprocess_{os.getpid()}_{label}"
    if arguments.database == "postgres":
        server = arguments.database_url or DEFAULT_POSTGRES_SERVER
        drop_statement = f"DROP DATABASE IF EXISTS {name} WITH (FORCE)"
        _postgres_admin(server, drop_statement)
        _postgres_admin(server, f"CREATE DATABASE {name}")
        return _postgres_url(server, name), lambda: _postgres_admin(server, drop_statement)
    directory = HERE.parent.parent / "var" / "bench"
    directory.mkdir(parents=True, exist_ok=True)
    path = directory / f"{name}.sqlite3"

    def drop() -> None:
        for suffix in ("", "-wal", "-shm"):
            Path(f"{path}{suffix}").unlink(missing_ok=True)

    drop()
    return f"sqlite:///{path}", drop


def _start(arguments: argparse.Namespace, tree: Path, label: str) -> tuple[subprocess.Popen, Any]:
    url, drop = _database(arguments, label)
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": url,
            "COMPTOIR_SECRET_KEY": "bench-inprocess-" + os.urandom(8).hex(),
            "COMPTOIR_ENCRYPTION_KEYS": BENCH_ENCRYPTION_KEY,
            "COMPTOIR_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SECURE_COOKIES": "0",
            "COMPTOIR_LEDGER_SEAL_ON_COMMIT": "0",
            "COMPTOIR_TASK_BACKEND": "database",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "COMPTOIR_DB_CONN_MAX_AGE": "3600",  # one connection (one PostgreSQL backend to measure) for the whole run
            "PYTHONPATH": os.pathsep.join([str(tree / "src"), str(tree)]),
        }
    )
    command = [sys.executable, str(HERE), "--serve", "--warmup", str(arguments.warmup)]
    command += ["--sellers", str(arguments.sellers), "--offers", str(arguments.offers)]
    command += ["--buyers", str(arguments.buyers)]
    process = subprocess.Popen(
        command, cwd=tree, env=environment, stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True, bufsize=1
    )
    return process, drop


def _ask(process: subprocess.Popen, command: str | None) -> dict:
    assert process.stdin is not None and process.stdout is not None
    if command is not None:
        process.stdin.write(command + "\n")
        process.stdin.flush()
    line = process.stdout.readline()
    if not line:
        raise RuntimeError(f"a worker stopped (exit status {process.wait()}); see its output above")
    return json.loads(line)


def _load_average() -> float:
    return round(os.getloadavg()[0], 1)


def compare(arguments: argparse.Namespace) -> dict:
    trees = {"this": HERE.parent.parent}
    if arguments.against:
        trees["against"] = Path(arguments.against).resolve()
    workers: dict[str, tuple[subprocess.Popen, Any]] = {}
    report: dict[str, Any] = {"database": arguments.database, "load_average_before": _load_average(), "sides": {}}
    try:
        for label, tree in trees.items():
            workers[label] = _start(arguments, tree, label)
        for label, (process, _drop) in workers.items():
            ready = _ask(process, None)
            report["sides"][label] = {"tree": str(trees[label]), "warm_up": ready, "rounds": []}
        labels = list(workers)
        for number in range(arguments.rounds):
            for label in labels if number % 2 == 0 else labels[::-1]:
                figures = _ask(workers[label][0], f"run {arguments.checkouts}")
                report["sides"][label]["rounds"].append(figures)
                print(f"round {number + 1} {label:8} {json.dumps(figures)}", file=sys.stderr)
        for side in report["sides"].values():
            for name in ("worker_cpu_ms", "database_cpu_ms"):
                values = [figures[name] for figures in side["rounds"] if figures[name] is not None]
                side[f"median_{name}"] = round(statistics.median(values), 3) if values else None
        report["load_average_after"] = _load_average()
    finally:
        stop_workers(workers)
    return report


def stop_workers(workers: dict[str, tuple[subprocess.Popen, Any]]) -> None:
    """Ask each serving process to quit (killed after a minute or on a broken pipe), then drop its database."""
    for process, drop in workers.values():
        if process.poll() is None:
            try:
                assert process.stdin is not None
                process.stdin.write("quit\n")
                process.stdin.flush()
                process.wait(timeout=60)
            except (OSError, subprocess.TimeoutExpired):
                process.kill()
        drop()


def _print(report: dict) -> None:
    print(f"{report['database']}: load average {report['load_average_before']} → {report.get('load_average_after')}")
    for label, side in report["sides"].items():
        database = side.get("median_database_cpu_ms")
        print(
            f"  {label:8} worker {side.get('median_worker_cpu_ms')} ms"
            + (f" + database {database} ms" if database is not None else "")
            + f" per checkout (median of {len(side['rounds'])} rounds),"
            f" {side['warm_up']['statements_per_checkout']} statements per checkout — {side['tree']}"
        )


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n", 1)[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--database-url", help=f"PostgreSQL server (default {DEFAULT_POSTGRES_SERVER})")
    parser.add_argument("--against", help="another source tree to compare with (e.g. a worktree of main)")
    parser.add_argument("--rounds", type=int, default=6)
    parser.add_argument("--checkouts", type=int, default=100, help="checkouts per round")
    parser.add_argument("--warmup", type=int, default=60, help="checkouts before the rounds (statements counted)")
    parser.add_argument("--sellers", type=int, default=20)
    parser.add_argument("--offers", type=int, default=500)
    parser.add_argument("--buyers", type=int, default=100)
    parser.add_argument("--json", action="store_true", help="print the whole report as JSON")
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

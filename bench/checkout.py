"""`comptoir bench checkout`: concurrent checkouts over HTTP against gunicorn, on SQLite or PostgreSQL.

One invocation: create a benchmark database, migrate and seed it once (kept as a template), then
for each application under test (Comptoir's real API, then the raw-SQL skeleton) clone the
template, start gunicorn on a free loopback port, drive POST /api/v1/checkout with C keep-alive
connections, stop the server, and check stock conservation and the ledger in the database.
Optionally profile one worker. Everything runs on this machine; traffic goes only to 127.0.0.1."""

from __future__ import annotations

import datetime as dt
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any
from urllib.parse import urlsplit, urlunsplit

from bench.loadgen import CheckoutTraffic, run_load

BASE_DIR = Path(__file__).resolve().parent.parent
WORK_DIR = BASE_DIR / "var" / "bench"
BENCH_DATABASE = "comptoir_bench"
TEMPLATE_DATABASE = "comptoir_bench_template"
DEFAULT_POSTGRES_SERVER = "postgres://postgres@127.0.0.1:5432/postgres"
MAX_LOAD_SECONDS = 60
APPLICATIONS = {
    "comptoir": "config.settings",
    "skeleton": "bench.settings_skeleton",
    "profile": "bench.settings_profile",
}
# A fixed benchmark-only Fernet key: the seeding subprocess and the servers must agree on it.
BENCH_ENCRYPTION_KEY = "YmVuY2gtb25seS1rZXktbm90LWZvci1wcm9kdWN0aW8="


@dataclass
class Options:
    database: str = "sqlite"
    database_url: str | None = None
    applications: tuple[str, ...] = ("comptoir", "skeleton")
    workers: int = 4
    worker_class: str = "sync"
    threads: int = 4
    concurrency: int = 16
    duration: float = 20.0
    warmup: float = 3.0
    requests: int | None = None
    sellers: int = 20
    buyers: int = 500
    offers: int = 2000
    hot_offers: int = 10
    hot_stock: int = 10
    hot_share: float = 0.2
    seal_on_commit: bool = False
    profile: bool = False
    profile_duration: float = 8.0
    keep_database: bool = False
    work_dir: Path = WORK_DIR
    log: Callable[[str], object] = print


# --- Databases ----------------------------------------------------------------------------------


def _postgres_server(options: Options) -> str:
    return options.database_url or os.environ.get("COMPTOIR_BENCH_POSTGRES_URL") or DEFAULT_POSTGRES_SERVER


def _postgres_url(server: str, name: str) -> str:
    parts = urlsplit(server)
    return urlunsplit((parts.scheme, parts.netloc, "/" + name, parts.query, parts.fragment))


def _postgres_admin(server: str, *statements: str) -> None:
    import psycopg

    # Administrative statements run on the server URL's own database (default: postgres), never on the benchmark's.
    with psycopg.connect(
        _postgres_url(server, urlsplit(server).path.lstrip("/") or "postgres"), autocommit=True
    ) as conn:
        for statement in statements:
            conn.execute(statement)


def _postgres_version(server: str) -> str:
    import psycopg

    with psycopg.connect(server, autocommit=True) as conn:
        row = conn.execute("SHOW server_version").fetchone()
        assert row is not None  # SHOW always answers one row
        return row[0]


def _sqlite_files(path: Path) -> list[Path]:
    return [path, path.with_name(path.name + "-wal"), path.with_name(path.name + "-shm")]


def database_template_url(options: Options) -> str:
    if options.database == "postgres":
        server = _postgres_server(options)
        _postgres_admin(
            server, f"DROP DATABASE IF EXISTS {TEMPLATE_DATABASE} WITH (FORCE)", f"CREATE DATABASE {TEMPLATE_DATABASE}"
        )
        return _postgres_url(server, TEMPLATE_DATABASE)
    path = options.work_dir / "template.sqlite3"
    for file in _sqlite_files(path):
        file.unlink(missing_ok=True)
    return f"sqlite:///{path}"


def database_clone(options: Options) -> str:
    """A fresh copy of the seeded template for one measured run."""
    if options.database == "postgres":
        server = _postgres_server(options)
        _postgres_admin(
            server,
            f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
            f"CREATE DATABASE {BENCH_DATABASE} TEMPLATE {TEMPLATE_DATABASE}",
        )
        return _postgres_url(server, BENCH_DATABASE)
    source, target = options.work_dir / "template.sqlite3", options.work_dir / "checkout.sqlite3"
    for file in _sqlite_files(target):
        file.unlink(missing_ok=True)
    for source_file, target_file in zip(_sqlite_files(source), _sqlite_files(target), strict=True):
        if source_file.exists():
            shutil.copyfile(source_file, target_file)
    return f"sqlite:///{target}"


def database_drop_all(options: Options) -> None:
    if options.database == "postgres":
        _postgres_admin(
            _postgres_server(options),
            f"DROP DATABASE IF EXISTS {BENCH_DATABASE} WITH (FORCE)",
            f"DROP DATABASE IF EXISTS {TEMPLATE_DATABASE} WITH (FORCE)",
        )
    else:
        for name in ("template.sqlite3", "checkout.sqlite3"):
            for file in _sqlite_files(options.work_dir / name):
                file.unlink(missing_ok=True)


# --- Processes ------------------------------------------------------------------------------------


def server_environment(*, database_url: str, settings_module: str, options: Options, extra: dict | None = None) -> dict:
    """The environment of every benchmark process: production defaults except the documented choices."""
    environment = {
        key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_URL"))
    }
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": settings_module,
            "DATABASE_URL": database_url,
            "COMPTOIR_SECRET_KEY": "bench-" + uuid.uuid4().hex,
            "COMPTOIR_ENCRYPTION_KEYS": BENCH_ENCRYPTION_KEY,
            "COMPTOIR_ALLOWED_HOSTS": "127.0.0.1,localhost",
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_SECURE_COOKIES": "0",
            "COMPTOIR_LEDGER_SEAL_ON_COMMIT": "1" if options.seal_on_commit else "0",
            # As in production: tasks are rows for a worker (none runs during the load), so that a task enqueued by a
            # checkout (the trust app's evidence task per seller-order transition) costs its INSERT, not its work.
            "COMPTOIR_TASK_BACKEND": "database",
            "COMPTOIR_LOG_LEVEL": "WARNING",
            "PYTHONPATH": os.pathsep.join(
                filter(None, [str(BASE_DIR), str(BASE_DIR / "src"), os.environ.get("PYTHONPATH")])
            ),
        }
    )
    environment.update(extra or {})
    return environment


def django_run(arguments: list[str], environment: dict) -> str:
    completed = subprocess.run(
        [sys.executable, "-m", "django", *arguments],
        env=environment,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=600,
    )
    if completed.returncode != 0:
        raise RuntimeError(f"`django {' '.join(arguments)}` failed:\n{completed.stderr[-3000:]}")
    return completed.stdout


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_ready(port: int, process: subprocess.Popen, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError("gunicorn exited during start-up (see its log under var/bench/)")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=2) as client:
                client.sendall(b"GET /__bench/ready HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n")
                client.settimeout(10)
                if client.recv(16).startswith(b"HTTP/"):
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"gunicorn did not answer on 127.0.0.1:{port} within {timeout:.0f} s")


def start_server(
    *, environment: dict, workers: int, worker_class: str, threads: int, log_path: Path
) -> tuple[subprocess.Popen, int]:
    port = free_port()
    command = [
        sys.executable,
        "-m",
        "gunicorn",
        "config.wsgi:application",
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        worker_class,
        "--backlog",
        "2048",
        "--timeout",
        "60",
        "--graceful-timeout",
        "5",
        "--keep-alive",
        "30",
        "--log-level",
        "warning",
        "--chdir",
        str(BASE_DIR),
    ]
    if worker_class == "gthread":
        command += ["--threads", str(threads)]
    log = open(log_path, "w")  # noqa: SIM115  closed with the process by the caller's stop_server
    process = subprocess.Popen(
        command, env=environment, cwd=BASE_DIR, stdout=log, stderr=subprocess.STDOUT, start_new_session=True
    )
    _SERVER_LOGS[process.pid] = log
    wait_ready(port, process)
    return process, port


# The log file of each running server (by pid), closed when the server is stopped.
_SERVER_LOGS: dict[int, IO[str]] = {}


def stop_server(process: subprocess.Popen) -> None:
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait(timeout=5)
    _SERVER_LOGS.pop(process.pid).close()


# --- CPU accounting (Linux /proc) ------------------------------------------------------------------

_TICKS = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100


def _machine_ticks() -> tuple[int, int]:
    with open("/proc/stat") as stat:
        values = [int(value) for value in stat.readline().split()[1:]]
    idle = values[3] + (values[4] if len(values) > 4 else 0)
    return sum(values[:8]) - idle, sum(values[:8])


def _process_ticks(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            fields = stat.read().rsplit(")", 1)[1].split()
        return int(fields[11]) + int(fields[12])
    except (OSError, IndexError, ValueError):
        return 0


def _descendants(pid: int) -> list[int]:
    found, pending = [], [pid]
    while pending:
        current = pending.pop()
        found.append(current)
        try:
            with open(f"/proc/{current}/task/{current}/children") as children:
                pending.extend(int(child) for child in children.read().split())
        except OSError:
            continue
    return found


def _database_backends(database_name: str) -> list[int]:
    pids = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/cmdline", "rb") as cmdline:
                    text = cmdline.read().replace(b"\0", b" ")
            except OSError:
                continue
            if text.startswith(b"postgres:") and f" {database_name} ".encode() in text:
                pids.append(int(entry))
    return pids


class CpuMeter:
    """CPU used during the load by the server processes, the database backends and the whole machine."""

    def __init__(self, server_pid: int, database_name: str | None):
        self.server_pid, self.database_name = server_pid, database_name

    def sample(self) -> dict:
        server = {pid: _process_ticks(pid) for pid in _descendants(self.server_pid)}
        database = (
            {pid: _process_ticks(pid) for pid in _database_backends(self.database_name)} if self.database_name else {}
        )
        return {"server": server, "database": database, "machine": _machine_ticks(), "at": time.perf_counter()}

    @staticmethod
    def shares(before: dict, after: dict, client_cpu_seconds: float, requests: int) -> dict:
        wall = after["at"] - before["at"]
        cores = os.cpu_count() or 1

        def seconds(kind: str) -> float:
            return sum(ticks - before[kind].get(pid, 0) for pid, ticks in after[kind].items()) / _TICKS

        busy = (after["machine"][0] - before["machine"][0]) / max(1, after["machine"][1] - before["machine"][1])
        server, database = seconds("server"), seconds("database")
        share = {"load generator": client_cpu_seconds / (wall * cores), "gunicorn workers": server / (wall * cores)}
        if before["database"] or after["database"]:
            share["postgres backends"] = database / (wall * cores)
        share["rest of the machine"] = max(0.0, busy - sum(share.values()))
        share["idle"] = max(0.0, 1 - busy)
        cost = {
            "gunicorn_ms": round(server / max(1, requests) * 1000, 2),
            "load_generator_ms": round(client_cpu_seconds / max(1, requests) * 1000, 2),
        }
        if before["database"] or after["database"]:
            cost["postgres_ms"] = round(database / max(1, requests) * 1000, 2)
        return {"share": {name: f"{value:.0%}" for name, value in share.items()}, "cpu_per_request": cost}


# --- Runs ---------------------------------------------------------------------------------------------


def _measure(
    *,
    application: str,
    options: Options,
    seed: dict,
    workers: int,
    worker_class: str,
    concurrency: int,
    duration: float,
    extra_environment: dict | None = None,
) -> tuple[dict, dict]:
    """One measured run on a fresh clone. Returns (figures, verification)."""
    database_url = database_clone(options)
    environment = server_environment(
        database_url=database_url, settings_module=APPLICATIONS[application], options=options, extra=extra_environment
    )
    server, port = start_server(
        environment=environment,
        workers=workers,
        worker_class=worker_class,
        threads=options.threads,
        log_path=options.work_dir / f"gunicorn-{options.database}-{application}.log",
    )
    profile = None
    try:
        traffic = CheckoutTraffic(
            tokens=seed["tokens"],
            offer_ids=seed["offer_ids"],
            hot_offer_ids=seed["hot_offer_ids"],
            hot_share=options.hot_share,
            run_id=f"bench-{uuid.uuid4().hex[:12]}",
            host=f"127.0.0.1:{port}",
        )
        meter = CpuMeter(server.pid, BENCH_DATABASE if options.database == "postgres" else None)
        before = meter.sample()
        load = run_load(
            host="127.0.0.1",
            port=port,
            make_request=traffic.next_request,
            concurrency=concurrency,
            duration=duration,
            max_requests=options.requests,
            warmup=options.warmup,
        )
        after = meter.sample()
        figures = load.summary()
        cpu = CpuMeter.shares(before, after, load.client_cpu_seconds, load.total_requests)
        figures["cpu_share"], figures["cpu_ms_per_request"] = cpu["share"], cpu["cpu_per_request"]
        if application == "profile":
            profile = _get_json(port, "/__bench/profile")
    finally:
        stop_server(server)
    verification = json.loads(
        django_run(
            ["bench", "verify", "--seed-file", str(options.work_dir / "seed.json")],
            server_environment(database_url=database_url, settings_module="config.settings", options=options),
        )
    )
    if profile is not None:
        figures["profile"] = profile
    return figures, verification


def _get_json(port: int, path: str) -> dict:
    import http.client

    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=60)
    try:
        connection.request("GET", path)
        return json.loads(connection.getresponse().read())
    finally:
        connection.close()


def machine_facts(options: Options) -> dict:
    import sqlite3

    import django
    import gunicorn

    facts = {
        "nproc": os.cpu_count(),
        "cpu": _cpu_model(),
        "python": platform.python_version(),
        "django": django.get_version(),
        "gunicorn": gunicorn.__version__,
        "load_average_before": " ".join(f"{value:.2f}" for value in os.getloadavg()),
    }
    if options.database == "postgres":
        facts["database"] = f"PostgreSQL {_postgres_version(_postgres_server(options))}"
    else:
        facts["database"] = f"SQLite {sqlite3.sqlite_version} (WAL, synchronous=NORMAL)"
    return facts


def _cpu_model() -> str:
    try:
        with open("/proc/cpuinfo") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "unknown"


def run_checkout_benchmark(options: Options) -> dict:
    """Run the whole benchmark and return the figures (see docs/PERFORMANCE.md for their meaning)."""
    if options.duration + options.warmup > MAX_LOAD_SECONDS + 5 or options.duration <= 0:
        raise ValueError(f"--duration must be between 0 and {MAX_LOAD_SECONDS} seconds")
    started = time.perf_counter()
    options.work_dir.mkdir(parents=True, exist_ok=True)
    log = options.log
    report: dict[str, Any] = {
        "database": options.database,
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "machine": machine_facts(options),
        "settings": {
            "workers": options.workers,
            "worker_class": options.worker_class,
            "threads": options.threads if options.worker_class == "gthread" else None,
            "concurrency": options.concurrency,
            "duration_s": options.duration,
            "warmup_s": options.warmup,
            "sellers": options.sellers,
            "buyers": options.buyers,
            "offers": options.offers,
            "hot_offers": options.hot_offers,
            "hot_stock": options.hot_stock,
            "hot_share": options.hot_share,
            "ledger_seal_on_commit": options.seal_on_commit,
        },
        "runs": {},
    }
    try:
        log(f"[bench] preparing the {options.database} template database (migrate + seed)…")
        template_url = database_template_url(options)
        phase = time.perf_counter()
        environment = server_environment(database_url=template_url, settings_module="config.settings", options=options)
        django_run(["migrate", "--noinput", "-v", "0"], environment)
        report["migrate_seconds"] = round(time.perf_counter() - phase, 1)
        django_run(
            [
                "bench",
                "seed",
                "--out",
                str(options.work_dir / "seed.json"),
                "--sellers",
                str(options.sellers),
                "--buyers",
                str(options.buyers),
                "--offers",
                str(options.offers),
                "--hot-offers",
                str(options.hot_offers),
                "--hot-stock",
                str(options.hot_stock),
            ],
            environment,
        )
        seed = json.loads((options.work_dir / "seed.json").read_text())
        report["seed_seconds"] = seed["seconds"]
        for application in options.applications:
            log(
                f"[bench] {application}: {options.workers} {options.worker_class} workers, {options.concurrency} "
                f"connections, {options.duration:.0f} s…"
            )
            figures, verification = _measure(
                application=application,
                options=options,
                seed=seed,
                workers=options.workers,
                worker_class=options.worker_class,
                concurrency=options.concurrency,
                duration=options.duration,
            )
            report["runs"][application] = {**figures, "verification": verification}
            log(
                f"[bench] {application}: {figures['checkouts_per_second']} checkouts/s, p99 "
                f"{figures['latency_ms']['p99']} ms, "
                f"oversold {verification['stock']['oversold_units']}"
            )
        if options.profile:
            for mode, extra in (("split", {}), ("cprofile", {"COMPTOIR_BENCH_CPROFILE": "1"})):
                log(f"[bench] profiling one worker ({mode}, 1 connection, {options.profile_duration:.0f} s)…")
                figures, verification = _measure(
                    application="profile",
                    options=options,
                    seed=seed,
                    workers=1,
                    worker_class="sync",
                    concurrency=1,
                    duration=options.profile_duration,
                    extra_environment=extra,
                )
                report["runs"][f"profile_{mode}"] = {**figures, "verification": verification}
        comptoir, skeleton = report["runs"].get("comptoir"), report["runs"].get("skeleton")
        if comptoir and skeleton and skeleton["checkouts_per_second"]:
            report["ratio_comptoir_to_skeleton"] = round(
                comptoir["checkouts_per_second"] / skeleton["checkouts_per_second"], 2
            )
    finally:
        if not options.keep_database:
            database_drop_all(options)
    report["wall_seconds"] = round(time.perf_counter() - started, 1)
    return report

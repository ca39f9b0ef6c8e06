"""Where a request's time goes, measured inside one gunicorn worker (benchmark only).

RequestProfileMiddleware times each request, and with `connection.execute_wrapper` counts its
queries and the time spent in them (driver + round trip + database). With the environment variable
COMPTOIR_BENCH_CPROFILE=1 it also runs cProfile around each request. GET /__bench/profile returns
the totals as JSON (the worker must be the only one, so that it holds every request)."""

from __future__ import annotations

import cProfile
import os
import pstats
import re
import time
from collections import Counter, defaultdict

from django.db import connection
from django.http import JsonResponse

_STATE = {
    "requests": 0,
    "by_status": Counter(),
    "total_seconds": 0.0,
    "cpu_seconds": 0.0,
    "db_seconds": 0.0,
    "queries": 0,
    "checkout_201": {"requests": 0, "queries": 0, "total_seconds": 0.0, "cpu_seconds": 0.0, "db_seconds": 0.0},
}
_STATEMENTS: dict[str, list] = defaultdict(lambda: [0, 0.0])
# CPU time, not wall time: waiting for the database must not show up as "time in psycopg".
_PROFILER = cProfile.Profile(time.process_time) if os.environ.get("COMPTOIR_BENCH_CPROFILE") == "1" else None
_LITERALS = re.compile(r"'[^']*'|\b\d+\b|(?<=\"s)\d+_x\d+(?=\")")


def _shape(sql: str) -> str:
    """A statement's short shape: verb, table(s), filtered or set columns, FOR UPDATE — no literals."""
    text = _LITERALS.sub("?", sql).replace('"', "")
    verb = text.split(None, 1)[0].upper() if text.strip() else ""
    if verb == "SELECT":
        tables = re.findall(r"(?:FROM|JOIN) (\w+)", text)
        where = text.split(" WHERE ", 1)[1] if " WHERE " in text else ""
        columns = sorted(set(re.findall(r"\w+\.(\w+) (?:=|IN|>=|<=|>|<|IS)", where)))
        shape = f"SELECT {' + '.join(dict.fromkeys(tables))}" + (f" WHERE {', '.join(columns)}" if columns else "")
        return shape + (" FOR UPDATE" if "FOR UPDATE" in text else "")
    if verb == "INSERT":
        inserted = re.search(r"INSERT INTO (\w+)", text)
        return "INSERT " + (inserted.group(1) if inserted else "?")
    if verb == "UPDATE":
        match = re.search(r"UPDATE (\w+) SET (.*?)(?: WHERE (.*))?$", text, re.S)
        assigned = ", ".join(dict.fromkeys(re.findall(r"(\w+) = ", match.group(2)))) if match else ""
        guarded = sorted(set(re.findall(r"\w+\.(\w+) (?:=|>=|IN)", match.group(3) or ""))) if match else []
        return f"UPDATE {match.group(1) if match else '?'} SET {assigned}" + (
            f" WHERE {', '.join(guarded)}" if guarded else ""
        )
    return text[:80]


class RequestProfileMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.path.startswith("/__bench/"):
            return self.get_response(request)
        counters = {"queries": 0, "db": 0.0}

        def timed(execute, sql, params, many, context):
            started = time.perf_counter()
            try:
                return execute(sql, params, many, context)
            finally:
                elapsed = time.perf_counter() - started
                counters["queries"] += 1
                counters["db"] += elapsed
                statement = _STATEMENTS[_shape(sql)]
                statement[0] += 1
                statement[1] += elapsed

        started, cpu_started = time.perf_counter(), time.process_time()
        if _PROFILER is not None:
            _PROFILER.enable()
        try:
            with connection.execute_wrapper(timed):
                response = self.get_response(request)
        finally:
            if _PROFILER is not None:
                _PROFILER.disable()
        elapsed, cpu = time.perf_counter() - started, time.process_time() - cpu_started
        _STATE["requests"] += 1
        _STATE["cpu_seconds"] += cpu
        _STATE["by_status"][response.status_code] += 1
        _STATE["total_seconds"] += elapsed
        _STATE["db_seconds"] += counters["db"]
        _STATE["queries"] += counters["queries"]
        if response.status_code == 201:
            bucket = _STATE["checkout_201"]
            bucket["requests"] += 1
            bucket["queries"] += counters["queries"]
            bucket["total_seconds"] += elapsed
            bucket["cpu_seconds"] += cpu
            bucket["db_seconds"] += counters["db"]
        return response


def _package(filename: str) -> str:
    if filename.startswith("~") or filename.startswith("<"):
        return "builtins (C calls: driver, json, hashing…)"
    for marker, name in (
        ("/comptoir/", "comptoir"),
        ("/django/db/", "django.db (ORM)"),
        ("/django/", "django (other)"),
        ("/ninja/", "ninja"),
        ("/pydantic", "pydantic"),
        ("/psycopg", "psycopg"),
        ("/gunicorn/", "gunicorn"),
        ("/stdnum/", "stdnum"),
        ("/babel/", "babel"),
    ):
        if marker in filename:
            return name
    return "python stdlib / other"


def profile_report(request):
    bucket = _STATE["checkout_201"]
    report = {
        "pid": os.getpid(),
        "requests": _STATE["requests"],
        "by_status": {str(key): value for key, value in _STATE["by_status"].items()},
        "mean_request_ms": round(_STATE["total_seconds"] / max(1, _STATE["requests"]) * 1000, 2),
        "mean_db_ms": round(_STATE["db_seconds"] / max(1, _STATE["requests"]) * 1000, 2),
        "queries_per_request": round(_STATE["queries"] / max(1, _STATE["requests"]), 2),
        "successful_checkout": {
            "requests": bucket["requests"],
            "queries_per_checkout": round(bucket["queries"] / max(1, bucket["requests"]), 2),
            "mean_ms": round(bucket["total_seconds"] / max(1, bucket["requests"]) * 1000, 2),
            "mean_db_ms": round(bucket["db_seconds"] / max(1, bucket["requests"]) * 1000, 2),
            "mean_worker_cpu_ms": round(bucket["cpu_seconds"] / max(1, bucket["requests"]) * 1000, 2),
        },
        "statements": [
            {
                "count_per_request": round(count / max(1, _STATE["requests"]), 2),
                "ms_per_request": round(seconds / max(1, _STATE["requests"]) * 1000, 3),
                "sql": sql,
            }
            for sql, (count, seconds) in sorted(_STATEMENTS.items(), key=lambda item: -item[1][1])[:25]
        ],
    }
    if _PROFILER is not None:
        stats = pstats.Stats(_PROFILER)
        by_package: Counter = Counter()
        for (filename, _line, _name), (_calls, _primitive, own_time, _cumulative, _callers) in stats.stats.items():
            by_package[_package(filename)] += own_time
        total = sum(by_package.values()) or 1.0
        report["self_time_by_package"] = {name: f"{seconds / total:.0%}" for name, seconds in by_package.most_common()}
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][3])
        report["top_cumulative"] = [
            {
                "function": f"{os.path.relpath(filename) if filename.startswith('/') else filename}:{line}({name})",
                "ms_per_request": round(cumulative / max(1, _STATE["requests"]) * 1000, 2),
            }
            for (filename, line, name), (_calls, _primitive, _own, cumulative, _callers) in rows[:40]
        ]
        rows = sorted(stats.stats.items(), key=lambda item: -item[1][2])
        report["top_self"] = [
            {
                "function": f"{os.path.relpath(filename) if filename.startswith('/') else filename}:{line}({name})",
                "ms_per_request": round(own / max(1, _STATE["requests"]) * 1000, 3),
            }
            for (filename, line, name), (_calls, _primitive, own, _cumulative, _callers) in rows[:25]
        ]
    return JsonResponse(report)

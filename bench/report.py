"""Rendering benchmark figures into docs/PERFORMANCE.md.

Each database has its own generated section between markers; the prose around them (analysis,
next optimisations) is written by hand and never touched by `--write-report`."""

from __future__ import annotations

from pathlib import Path

REPORT_PATH = Path(__file__).resolve().parent.parent / "docs" / "PERFORMANCE.md"
TARGET_RATE, TARGET_P99_MS = 500, 100
TITLES = {"postgres": "PostgreSQL", "sqlite": "SQLite"}


def _markers(database: str) -> tuple[str, str]:
    return f"<!-- bench:{database}:start -->", f"<!-- bench:{database}:end -->"


def render_section(report: dict, command: str) -> str:
    machine, settings = report["machine"], report["settings"]
    runs = report["runs"]
    connections = (
        "kept alive"
        if settings["worker_class"] == "gthread"
        else "sync workers close each connection after one response"
    )
    lines = [
        f"### {TITLES[report['database']]} — {report['date']}",
        "",
        "```",
        command,
        "```",
        "",
        f"Machine: {machine['nproc']} cores ({machine['cpu']}), Python {machine['python']}, Django "
        f"{machine['django']}, gunicorn {machine['gunicorn']}, "
        f"{machine['database']}. Load average before the run: {machine['load_average_before']} (other work shares "
        "these cores).",
        "",
        f"Setup: {settings['workers']} gunicorn {settings['worker_class']} workers"
        + (f" × {settings['threads']} threads" if settings.get("threads") else "")
        + f", {settings['concurrency']} concurrent client connections ({connections}), "
        f"{settings['warmup_s']:.0f} s warm-up + {settings['duration_s']:.0f} s measured; "
        f"{settings['sellers']} sellers, {settings['offers']} offers ({settings['hot_offers']} hot offers with "
        f"{settings['hot_stock']} units each, "
        f"{settings['hot_share']:.0%} of checkouts include one), {settings['buyers']} buyers with API tokens, 1–3 "
        "lines per checkout; "
        f"ledger sealing on commit {'on' if settings['ledger_seal_on_commit'] else 'off (sealed once after the run)'}.",
        "",
        "| application | checkouts/s (201) | 409 stock | other errors | p50 ms | p95 ms | p99 ms | oversold units | "
        "stock mismatches | ledger |",
        "|---|---:|---:|---:|---:|---:|---:|---:|---:|---|",
    ]
    for name in ("comptoir", "skeleton", "profile_split", "profile_cprofile"):
        run = runs.get(name)
        if not run:
            continue
        stock, ledger = run["verification"]["stock"], run["verification"]["ledger"]
        verify = ledger.get("verify")
        verdict = (
            ("ok" if verify.get("ok") else "FAILED: " + "; ".join(verify.get("problems", []))[:120])
            if isinstance(verify, dict)
            else str(verify)
        )
        balanced = all(total == 0 for total in ledger.get("postings_sum_by_currency", {}).values())
        postings = "balanced" if balanced else "UNBALANCED"
        ledger_cell = f"{verdict}; postings {postings}, {ledger.get('journal_entries', 0)} entries"
        label = {
            "comptoir": "Comptoir API",
            "skeleton": "raw-SQL skeleton",
            "profile_split": "Comptoir, 1 worker, 1 connection (profiled)",
            "profile_cprofile": "Comptoir, 1 worker, under cProfile",
        }[name]
        lines.append(
            f"| {label} | {run['checkouts_per_second']} | {run['insufficient_stock_409']} | "
            f"{run['other_errors'] + run['connection_errors']} "
            f"| {run['latency_ms']['p50']} | {run['latency_ms']['p95']} | {run['latency_ms']['p99']} | "
            f"{stock['oversold_units']} "
            f"| {stock['stock_mismatch_units']} | {ledger_cell} |"
        )
    lines.append("")
    if report["database"] == "postgres" and "comptoir" in runs:
        comptoir = runs["comptoir"]
        met = comptoir["checkouts_per_second"] >= TARGET_RATE and comptoir["latency_ms"]["p99"] < TARGET_P99_MS
        lines.append(
            f"Target ({TARGET_RATE} checkouts/s with p99 under {TARGET_P99_MS} ms): **{'met' if met else 'not met'}** "
            "— "
            f"{comptoir['checkouts_per_second'] / TARGET_RATE:.0%} of the throughput, p99 "
            f"{comptoir['latency_ms']['p99']} ms."
        )
        lines.append("")
    if "ratio_comptoir_to_skeleton" in report:
        sentence = (
            f"Comptoir reaches **{report['ratio_comptoir_to_skeleton']:.0%}** of the skeleton's throughput in this run"
        )
        costs = [
            sum(runs[name]["cpu_ms_per_request"].get(key, 0) for key in ("gunicorn_ms", "postgres_ms"))
            for name in ("comptoir", "skeleton")
        ]
        if all(costs):
            sentence += (
                "; by server CPU per request (gunicorn + database, which background load on the shared cores disturbs "
                "far less than "
                f"throughput) it costs **{costs[0] / costs[1]:.1f}×** the skeleton ({costs[0]:.1f} ms against "
                f"{costs[1]:.1f} ms)"
            )
        lines.append(sentence + ".")
        lines.append("")
    for name in ("comptoir", "skeleton"):
        if name in runs:
            share = ", ".join(f"{key} {value}" for key, value in runs[name]["cpu_share"].items())
            cost = runs[name]["cpu_ms_per_request"]
            total = sum(cost.values())
            capacity = machine["nproc"] * 1000 / total if total else 0
            lines.append(
                f"- {name}: CPU share of all cores during the load: {share}. CPU per request: "
                + ", ".join(f"{key.removesuffix('_ms').replace('_', ' ')} {value} ms" for key, value in cost.items())
                + f" — on otherwise idle cores that is a ceiling of about {capacity:.0f} requests/s."
            )
    lines.append("")
    split = runs.get("profile_split", {}).get("profile")
    if split and not split["successful_checkout"]["requests"]:
        lines += [
            f"The profiled run had no successful checkout ({runs['profile_split']['statuses']}); see "
            f"var/bench/gunicorn-{report['database']}-profile.log.",
            "",
        ]
    elif split:
        checkout = split["successful_checkout"]
        lines += [
            f"One worker, one connection: a successful checkout takes {checkout['mean_ms']} ms inside Django (wall), "
            f"of which {checkout['mean_db_ms']} ms in "
            f"{checkout['queries_per_checkout']} SQL statements (driver + round trip + database, wall) and the rest in "
            "Python; the worker itself burns "
            f"{checkout.get('mean_worker_cpu_ms', '?')} ms of CPU per checkout "
            f"({split['successful_checkout']['requests']} checkouts profiled; client-side mean latency "
            f"{runs['profile_split']['mean_latency_ms']} ms).",
            "",
            "Statements per request, by time:",
            "",
            "| per request | ms per request | statement |",
            "|---:|---:|---|",
        ]
        for statement in split["statements"][:15]:
            lines.append(
                f"| {statement['count_per_request']} | {statement['ms_per_request']} | "
                f"`{statement['sql'].replace('|', '/')}` |"
            )
        lines.append("")
    profiled = runs.get("profile_cprofile", {}).get("profile")
    if profiled and "self_time_by_package" in profiled:
        lines.append(
            "Worker CPU self time by package under cProfile (CPU clock, so waiting for the database is excluded): "
            + ", ".join(f"{key} {value}" for key, value in profiled["self_time_by_package"].items())
            + "."
        )
        lines.append("")
        lines += [
            "Heaviest calls under cProfile (cumulative CPU ms per request, cProfile overhead included):",
            "",
            "| ms | function |",
            "|---:|---|",
        ]
        shown = 0
        for row in profiled["top_cumulative"]:
            if (
                "/comptoir/" in row["function"]
                or "ninja" in row["function"]
                or "django/db/models/query.py" in row["function"]
            ):
                lines.append(f"| {row['ms_per_request']} | `{row['function']}` |")
                shown += 1
            if shown >= 15:
                break
        lines.append("")
    lines.append(
        f"Wall time of this invocation: {report['wall_seconds']:.0f} s (migrate {report['migrate_seconds']} s, seed "
        f"{report['seed_seconds']} s)."
    )
    return "\n".join(lines)


def write_section(report: dict, command: str, path: Path = REPORT_PATH) -> None:
    start, end = _markers(report["database"])
    section = f"{start}\n{render_section(report, command)}\n{end}"
    text = path.read_text(encoding="utf-8") if path.exists() else "# Performance\n"
    if start in text and end in text:
        before, rest = text.split(start, 1)
        after = rest.split(end, 1)[1]
        text = before + section + after
    else:
        text = text.rstrip("\n") + "\n\n" + section + "\n"
    path.write_text(text, encoding="utf-8")

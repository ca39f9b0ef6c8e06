#!/usr/bin/env python3
"""Comptoir from a fresh clone, with only Python 3.12+ installed.

    python3 dev.py demo     create .venv, install, migrate SQLite, seed the demo and serve it at
                            http://127.0.0.1:8000
    python3 dev.py test     create .venv, install, run the whole test suite (SQLite; DATABASE_URL=postgres://...
                            for PostgreSQL)
    python3 dev.py lint     create .venv, install, run ruff check, ruff format --check, mypy and lint-imports
                            (import contracts), stopping at the first that fails

Anything after demo or test is passed on (`python3 dev.py test -k checkout`, `python3 dev.py demo --seed 7`).
"""

from __future__ import annotations

import hashlib
import os
import secrets
import shutil
import subprocess
import sys
from base64 import urlsafe_b64encode
from pathlib import Path

ROOT = Path(__file__).resolve().parent
VENV = ROOT / ".venv"
BIN = VENV / ("Scripts" if os.name == "nt" else "bin")
MINIMUM = (3, 12)


def find_python() -> str:
    """This interpreter if it is recent enough, else python3.13 / python3.12 from PATH."""
    if sys.version_info >= MINIMUM:
        return sys.executable
    for name in ("python3.14", "python3.13", "python3.12"):
        found = shutil.which(name)
        if found:
            return found
    sys.exit(
        f"Comptoir needs Python {MINIMUM[0]}.{MINIMUM[1]} or newer; this is {sys.version.split()[0]} "
        "and no python3.12+ is on PATH."
    )


def ensure_venv() -> None:
    python = BIN / "python"
    if python.exists():
        version = subprocess.run(
            [str(python), "-c", "import sys; print(sys.version_info >= (3, 12))"], capture_output=True, text=True
        ).stdout.strip()
        if version != "True":
            shutil.rmtree(VENV)
    if not python.exists():
        print(f"Creating {VENV} …", flush=True)
        subprocess.run([find_python(), "-m", "venv", str(VENV)], check=True)
    marker = VENV / ".comptoir-installed"
    digest = hashlib.sha256((ROOT / "pyproject.toml").read_bytes()).hexdigest()
    if not marker.exists() or marker.read_text() != digest:
        print("Installing Comptoir and its dependencies into .venv …", flush=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "--upgrade", "pip"], check=True)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", f"{ROOT}[dev]"], check=True)
        marker.write_text(digest)


def ensure_env_file() -> None:
    """Write a development .env with fresh random keys on first use (never committed)."""
    env_file = ROOT / ".env"
    if env_file.exists():
        return
    key = urlsafe_b64encode(secrets.token_bytes(32)).decode()
    env_file.write_text(
        "# Development settings written by dev.py; see .env.example for every option.\n"
        "COMPTOIR_DEBUG=1\n"
        f"COMPTOIR_SECRET_KEY={secrets.token_urlsafe(48)}\n"
        f"COMPTOIR_ENCRYPTION_KEYS={key}\n"
        "COMPTOIR_SECURE_COOKIES=0\n"
    )
    print("Wrote .env with development keys.", flush=True)


# The lint gate, in order: each tool's own output is shown, and the first failure stops the run.
LINTERS = (
    ("ruff check", ["ruff", "check", "."]),
    ("ruff format", ["ruff", "format", "--check", "."]),
    ("mypy", ["mypy"]),
    ("import contracts", ["lint-imports", "--no-logo"]),
)


def lint() -> int:
    """Run every linter with the project's configuration (pyproject.toml); the exit status of the first failure."""
    for title, command in LINTERS:
        print(f"== {title}: {' '.join(command)}", flush=True)
        status = subprocess.call([str(BIN / command[0]), *command[1:]])
        if status != 0:
            print(f"lint: {title} failed (exit status {status})", flush=True)
            return status
    print("lint: all clean", flush=True)
    return 0


def main() -> int:
    if len(sys.argv) < 2 or sys.argv[1] not in {"demo", "test", "lint"}:
        print(__doc__)
        return 2
    command, rest = sys.argv[1], sys.argv[2:]
    if command == "lint" and rest:
        print("dev.py lint takes no arguments (it checks the whole project).", file=sys.stderr)
        return 2
    ensure_venv()
    os.chdir(ROOT)
    if command == "lint":
        return lint()
    if command == "demo":
        ensure_env_file()
        # The demo marketplace sells in ten currencies: it charges each buyer in the currency they chose, at rates
        # frozen on the order (an operator's choice; the default for a deployment is the offer's currency).
        demo_env = {**os.environ}
        demo_env.setdefault("COMPTOIR_FX_CHARGE_CURRENCY", "presentment")
        return subprocess.call([str(BIN / "comptoir"), "demo", *rest], env=demo_env)
    # Tests run in parallel processes (pytest-xdist), each with its own test database, unless told otherwise.
    # Whole files go to one worker (--dist loadfile): a module's fixtures (a seeded demo marketplace, a browser, a
    # generated history) are then built once, not once per worker.
    serial = any(arg == "-n" or arg.startswith("-n") or arg == "no:xdist" for arg in rest)
    parallel = [] if serial else ["-n", "auto", "--dist", "loadfile"]
    return subprocess.call([str(BIN / "python"), "-m", "pytest", *parallel, *rest])


if __name__ == "__main__":
    sys.exit(main())

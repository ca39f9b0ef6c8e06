"""Fuzz the REST API with schemathesis against its own OpenAPI document: any 5xx or any response that does not match
the schema it declares fails the run (exit status non-zero).

    .venv/bin/python .ci/api_fuzz.py                    # as CI runs it (about two minutes on two busy cores)
    .venv/bin/python .ci/api_fuzz.py --max-examples 50  # deeper, locally

It builds a throwaway SQLite database under a temporary folder (migrate, then a small marketplace: a buyer with a
token and a paid order, a verified seller with an all-scope API key, offers), serves it with gunicorn on a free
loopback port, and runs schemathesis twice: the seller endpoints (/seller/...) with the seller's key, everything
else with the buyer's token. Nothing leaves the machine: the only address used is 127.0.0.1."""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
API = "/api/v1"
SELLER_PATHS = r"^/api/v1/seller/"
TOKEN_REVOKE_OPERATION = "comptoir_api_routers_accounts_token_revoke"
# 5xx and response/schema mismatches: what a client generated from the document would trip on.
CHECKS = "not_a_server_error,response_schema_conformance,content_type_conformance"
PHASES = "examples,coverage,fuzzing"

SEED = """
import json, sys
import django
django.setup()
from comptoir.accounts.services import api_token_create
from comptoir.checkout.services import order_checkout
from comptoir.sellers.models import ALL_SCOPES
from comptoir.sellers.services import seller_api_key_create
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_seller, make_user

seller = make_seller("Fuzz Shop")
owner = seller.members.get().user
_key, seller_key = seller_api_key_create(seller=seller, actor=owner, name="fuzz", scopes=list(ALL_SCOPES))
offers = [make_offer(seller=seller, price_amount=1500 + index, stock=1000) for index in range(3)]
buyer = make_user("fuzz-buyer@example.com")
_token, buyer_token = api_token_create(user=buyer, name="fuzz")
order_checkout(
    buyer=buyer,
    shipping_address=ADDRESS,
    payment_method=CARD_OK,
    lines=[{"offer_id": offers[0].pk, "quantity": 1}],
    idempotency_key="fuzz-seed",
)
json.dump({"buyer_token": buyer_token, "seller_key": seller_key}, sys.stdout)
"""


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def wait_until_serving(url: str, server: subprocess.Popen, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise SystemExit(f"The server stopped (exit status {server.returncode}).")
        try:
            with urllib.request.urlopen(url, timeout=5) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            time.sleep(0.5)
    raise SystemExit(f"The server did not answer {url} within {seconds:.0f} s.")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--max-examples", type=int, default=8, help="Test cases per operation and phase (default 8).")
    parser.add_argument("--seed", type=int, default=1, help="Random seed, for a reproducible run (default 1).")
    parser.add_argument("--checks", default=CHECKS, help=f"schemathesis checks (default {CHECKS}).")
    parser.add_argument("--phases", default=PHASES, help=f"schemathesis phases (default {PHASES}).")
    parser.add_argument(
        "extra", nargs="*", help="More schemathesis options, after --, e.g. -- --include-path-regex /checkout"
    )
    options = parser.parse_args()

    with tempfile.TemporaryDirectory(prefix="comptoir-fuzz-") as folder:
        environment = {
            **os.environ,
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": f"sqlite:///{folder}/fuzz.sqlite3",
            "COMPTOIR_SECRET_KEY": "fuzz-only-secret-key-not-for-production",
            "COMPTOIR_ENCRYPTION_KEYS": "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM=",
            # Plain HTTP on the loopback: development mode (no HTTPS redirect, no secure-only cookies).
            "COMPTOIR_DEBUG": "1",
            "COMPTOIR_ALLOWED_HOSTS": "127.0.0.1",
            "COMPTOIR_TASK_BACKEND": "immediate",
            "PYTHONPATH": str(ROOT),
        }
        print("== API fuzzing: migrating and seeding a throwaway SQLite database", flush=True)
        subprocess.run(
            [str(BIN / "python"), "-m", "django", "migrate", "--verbosity", "0"], check=True, env=environment, cwd=ROOT
        )
        seeded = subprocess.run(
            [str(BIN / "python"), "-c", SEED], env=environment, cwd=ROOT, capture_output=True, text=True
        )
        if seeded.returncode != 0:
            print(seeded.stdout, seeded.stderr, sep="\n", file=sys.stderr)
            return seeded.returncode
        credentials = json.loads(seeded.stdout.strip().splitlines()[-1])

        port = free_port()
        base = f"http://127.0.0.1:{port}"
        # The server's request log (every 4xx the fuzzer provokes) goes to a file, shown only when the run fails.
        server_log_path = Path(folder) / "server.log"
        server_log = server_log_path.open("w")
        server = subprocess.Popen(
            [
                *(str(BIN / "python"), "-m", "gunicorn", "config.wsgi:application", "--bind", f"127.0.0.1:{port}"),
                *("--workers", "1", "--timeout", "60", "--log-level", "warning"),
            ],
            env=environment,
            cwd=ROOT,
            stdout=server_log,
            stderr=subprocess.STDOUT,
        )
        try:
            wait_until_serving(f"{base}{API}/openapi.json", server)
            status = 0
            for label, token, filters in (
                ("seller endpoints, seller API key", credentials["seller_key"], ["--include-path-regex", SELLER_PATHS]),
                (
                    "buyer and public endpoints, buyer token",
                    credentials["buyer_token"],
                    # Not DELETE /auth/token: it revokes the very token the rest of the run authenticates with.
                    ["--exclude-path-regex", SELLER_PATHS, "--exclude-operation-id", TOKEN_REVOKE_OPERATION],
                ),
            ):
                print(f"== API fuzzing: {label}", flush=True)
                run = subprocess.run(
                    [
                        str(BIN / "schemathesis"),
                        "run",
                        f"{base}{API}/openapi.json",
                        "--header",
                        f"Authorization: Bearer {token}",
                        "--checks",
                        options.checks,
                        "--phases",
                        options.phases,
                        "--max-examples",
                        str(options.max_examples),
                        "--seed",
                        str(options.seed),
                        "--workers",
                        "2",
                        "--generation-database",
                        "none",
                        "--request-timeout",
                        "30",
                        "--no-color",
                        *filters,
                        *options.extra,
                    ],
                    env={**environment, "SCHEMATHESIS_HOOKS": ""},
                    cwd=folder,
                )
                status = status or run.returncode
            if status:
                print(
                    "== The server's log, last 150 lines:", *server_log_path.read_text().splitlines()[-150:], sep="\n"
                )
            return status
        finally:
            server.terminate()
            server.wait(timeout=30)
            server_log.close()


if __name__ == "__main__":
    raise SystemExit(main())

"""The `comptoir` command: Comptoir's operations under one name.

    comptoir demo [--no-serve] [--seed N]   seed the demo marketplace and serve it
    comptoir serve [--addr HOST:PORT]       serve the marketplace (gunicorn)
    comptoir migrate                        create or update the database schema
    comptoir worker [db_worker options]     run a background task worker (django-tasks-db)
    comptoir scheduler                      enqueue periodic work (escrow release, ledger sealing)
    comptoir ledger verify|seal             check or seal the tamper-evident ledger
    comptoir bench checkout [...]           checkout benchmark over HTTP
    comptoir <django command> ...           any other Django management command

Settings come from the environment and from a `.env` file at the repository root (see .env.example).
"""

from __future__ import annotations

import os
import sys

ALIASES = {"worker": "db_worker"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not argv or argv[0] in {"-h", "--help", "help"}:
        print(__doc__)
        if not argv:
            return
    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comptoir", *argv])


if __name__ == "__main__":
    main()

"""The `comptoir` command: Comptoir's operations under one name.

    comptoir demo [--seed N] [--reset] [--no-serve] [--addr HOST:PORT]
                                            seed the demo marketplace (once) and serve it
    comptoir demo-otp                       the demo operator's login code (demo databases only)
    comptoir serve [--addr HOST:PORT] [--workers N] [--dev]
                                            serve the marketplace (gunicorn; --dev: Django's dev server)
    comptoir migrate                        create or update the database schema
    comptoir worker [db_worker options]     run a background task worker (django-tasks-db)
    comptoir scheduler                      enqueue periodic work (escrow release, ledger sealing)
    comptoir ledger verify|seal             check or seal the tamper-evident ledger
    comptoir trust recompute                rebuild trust evidence and recompute every seller's score
    comptoir search reindex                 rebuild the full-text search index
    comptoir search query TEXT              try a search: ranked product names with their explanation
    comptoir fx import [FILE]|refresh|show  ECB exchange rates: import a file (default: the bundled history),
                                            download now, show today's
    comptoir import-catalog FILE --format F --seller S [--commit]
                                            import a seller's shop export (dry-run report, then commit)
    comptoir feed list|generate [ID…]      product feeds (Google Merchant Center, channels): list, write now
    comptoir tax rates-import|rates|decide|duties-load|tariffs-load|categories-load|product-set
                                            VAT rates (effective-dated), which VAT regime applies to a sale,
                                            the customs duty rules, the operator's tariff rates (CSV), the
                                            rates of tax categories per country, a product's tax category
    comptoir filings oss|ioss|uk-vat|ch-vat|file|correct|records|dac7|rates|distance-sales
                                            OSS/IOSS/UK/Swiss VAT returns (CSV) and their dispatch (filed,
                                            corrected), Art. 54c records, DAC7 (DPI XML), the sellers' EU
                                            distance-sales counter
    comptoir compliance rules-load|rules|refresh
                                            country rules: load the shipped rules, list them, recompute blocks
    comptoir import-history FILE.csv        import historical orders and reviews
    comptoir simulate                       the trust simulation (how well scores rank sellers)
    comptoir bench checkout|search|trust    benchmarks (figures in docs/PERFORMANCE.md)
    comptoir createsuperuser, ...           any other Django management command
    comptoir help COMMAND                   a command's options (or: comptoir COMMAND --help)

Settings come from the environment and from a `.env` file at the repository root (see .env.example).
"""

from __future__ import annotations

import os
import sys

ALIASES = {"worker": "db_worker", "demo-otp": "demo_otp", "import-catalog": "import_catalog"}


def main(argv: list[str] | None = None) -> None:
    argv = list(sys.argv[1:] if argv is None else argv)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    if not argv or (len(argv) == 1 and argv[0] in {"-h", "--help", "help"}):
        print(__doc__)  # then Django's own list of every command (`comptoir help COMMAND` goes straight to Django)
        if not argv:
            return
    if argv and argv[0] in ALIASES:
        argv[0] = ALIASES[argv[0]]
    from django.core.management import execute_from_command_line

    execute_from_command_line(["comptoir", *argv])


if __name__ == "__main__":
    main()

"""Serve Comptoir with gunicorn (several worker processes), or Django's development server with --dev."""

from __future__ import annotations

import os
import sys

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from comptoir.core.serving import busy_address_message


class Command(BaseCommand):
    help = "Serve the marketplace: gunicorn with several workers (default), or the development server (--dev)."

    def add_arguments(self, parser):
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to listen on (default 127.0.0.1:8000)")
        parser.add_argument("--workers", type=int, default=int(os.environ.get("COMPTOIR_WEB_WORKERS", "2")))
        parser.add_argument("--threads", type=int, default=int(os.environ.get("COMPTOIR_WEB_THREADS", "4")))
        parser.add_argument(
            "--dev", action="store_true", help="Django's auto-reloading development server instead of gunicorn."
        )

    def handle(self, *args, addr, workers, threads, dev, **options):
        busy = busy_address_message(addr)
        if busy:
            raise CommandError(busy)
        if dev:
            call_command("runserver", addr, use_reloader=True)
            return
        engine = settings.DATABASES["default"]["ENGINE"]
        command = [
            sys.executable,
            "-m",
            "gunicorn",
            "config.wsgi:application",
            "--bind",
            addr,
            "--workers",
            str(workers),
            "--threads",
            str(threads),
            "--access-logfile",
            "-",
            "--graceful-timeout",
            "10",
        ]
        if engine.endswith("sqlite3"):
            # SQLite serialises writers anyway; threads in one process share nothing useful, so keep processes.
            command[command.index("--threads") + 1] = "1"
        self.stdout.write(f"Serving Comptoir at http://{addr}/ with {workers} gunicorn workers (Ctrl+C to stop)")
        sys.stdout.flush()
        os.execv(sys.executable, command)

"""Enqueue the periodic background work: releasing escrow whose hold has elapsed, sealing the ledger.

Run one scheduler per deployment next to any number of `comptoir worker` processes. The tasks are
idempotent, so a second scheduler (or a tick that overlaps a slow worker) is harmless; a task still
waiting from the previous tick is not enqueued again, so a queue without workers does not grow."""

from __future__ import annotations

import signal
import time

from django.core.management.base import BaseCommand, CommandError
from django.tasks import TaskResultStatus

from comptoir.checkout.tasks import release_due_task
from comptoir.compliance.tasks import compliance_refresh_task
from comptoir.connectors.tasks import imported_pictures_retries_due_task
from comptoir.currencies.conf import fx_settings
from comptoir.currencies.tasks import rates_refresh_task
from comptoir.feeds.tasks import feeds_refresh_task
from comptoir.notifications.tasks import late_to_ship_notify_task
from comptoir.payments.tasks import ledger_seal_task
from comptoir.search.tasks import search_prices_follow_tax_rules_task
from comptoir.trust.tasks import trust_daily_task
from comptoir.webhooks.tasks import webhook_retries_due_task

# (task, minimum seconds between two enqueues[, whether it is switched on]): escrow release and sealing every
# tick; the trust recompute that slides metric windows and advances the enforcement ladder without new events, hourly
# (it is idempotent within a day, so running it more often than daily only keeps it fresh). Late-to-ship
# notices hourly (each seller order is told once).
PERIODIC_TASKS = (
    (release_due_task, 0.0),
    (ledger_seal_task, 0.0),
    (trust_daily_task, 3600.0),
    (late_to_ship_notify_task, 3600.0),
    # Webhook retries that are due (the only way they happen on a backend that cannot defer a task), every tick.
    (webhook_retries_due_task, 0.0),
    # Pictures of shop imports whose host failed for a while, tried again when their backoff is due, every tick.
    (imported_pictures_retries_due_task, 0.0),
    # ECB reference rates (published once a working day, ~16:00 CET): fetched every 6 hours when
    # COMPTOIR["FX"]["REFRESH_URL"] is set (not enqueued otherwise); a failure only logs.
    (rates_refresh_task, 6 * 3600.0, lambda: bool(fx_settings().refresh_url)),
    # Country rules: every offer's blocked markets recomputed, so that a rule coming into force (or lapsing) at
    # midnight applies within the hour; idempotent, writes only what changed (docs/COMPLIANCE.md).
    (compliance_refresh_task, 3600.0),
    # Product feeds (Google Merchant Center, channels): every active feed older than its refresh period (6 hours by
    # default) is written again; checked hourly so a feed is never more than an hour late.
    (feeds_refresh_task, 3600.0),
    # Search's destination prices: re-priced when the VAT rates and duty rules in force differ from those the index
    # was priced with (a rate coming into force on its day, an edit in the admin); a no-op otherwise.
    (search_prices_follow_tax_rules_task, 3600.0),
)
_WAITING = (TaskResultStatus.READY, TaskResultStatus.RUNNING)


class Command(BaseCommand):
    help = (
        "Every --interval seconds, enqueue the release of due escrow and the sealing of the ledger "
        "(--once: a single tick)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--interval", type=float, default=60.0, help="Seconds between ticks (default 60).")
        parser.add_argument("--once", action="store_true", help="Enqueue once and exit.")

    def handle(self, *args, interval: float, once: bool, **options):
        if interval <= 0:
            raise CommandError("--interval must be a positive number of seconds.")
        self._running = True
        self._last_enqueued: dict[str, float] = {}
        if not once:
            signal.signal(signal.SIGTERM, self._stop)
            signal.signal(signal.SIGINT, self._stop)
        last_results: dict[str, object] = {}
        while True:
            self.tick(last_results)
            if once:
                return
            deadline = time.monotonic() + interval
            while self._running and time.monotonic() < deadline:
                time.sleep(min(0.5, max(0.0, deadline - time.monotonic())))
            if not self._running:
                self.stdout.write("scheduler stopped")
                return

    def _stop(self, signum, frame) -> None:
        self._running = False

    def tick(self, last_results: dict) -> None:
        now = time.monotonic()
        if not hasattr(self, "_last_enqueued"):
            self._last_enqueued = {}
        for periodic, every, *switch in PERIODIC_TASKS:
            if switch and not switch[0]():
                continue
            last_enqueued = self._last_enqueued.get(periodic.module_path)
            if last_enqueued is not None and now - last_enqueued < every:
                continue
            previous = last_results.get(periodic.module_path)
            if previous is not None and self._still_waiting(periodic, previous):
                self.stdout.write(f"{periodic.name}: still waiting from the previous tick, not enqueued again")
                continue
            result = periodic.enqueue()
            self._last_enqueued[periodic.module_path] = now
            last_results[periodic.module_path] = result
            self.stdout.write(f"{periodic.name}: enqueued ({result.status})")

    @staticmethod
    def _still_waiting(periodic, previous) -> bool:
        if not periodic.get_backend().supports_get_result:
            return False
        previous.refresh()
        return previous.status in _WAITING

"""`comptoir trust recompute`: rebuild the daily evidence from the source rows and recompute every seller."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Trust maintenance: `recompute` rebuilds every seller's evidence buckets and score from the source rows."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        recompute = sub.add_parser(
            "recompute", help="Rebuild buckets from events, reviews and messages; recompute every seller."
        )
        recompute.add_argument("--today", help="Evaluate as of this date (YYYY-MM-DD); default today.")
        recompute.add_argument(
            "--keep-credibility", action="store_true", help="Do not re-run the review credibility analysis."
        )
        recompute.add_argument(
            "--workers",
            type=int,
            help="Worker processes on a large history (default COMPTOIR_TRUST_REBUILD_WORKERS, else one "
            "per core; 1 = none).",
        )

    def handle(self, *args, **options):
        from comptoir.trust.rebuild import trust_rebuild

        if options["subcommand"] != "recompute":
            raise CommandError("Unknown subcommand.")
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be YYYY-MM-DD.") from error
        if options.get("workers") is not None and options["workers"] < 1:
            raise CommandError("--workers must be at least 1.")
        marks = trust_rebuild(
            today=today, refresh_credibility=not options["keep_credibility"], workers=options.get("workers")
        )
        phases = ", ".join(f"{name} {seconds:.2f} s" for name, seconds in marks.phases.items())
        self.stdout.write(
            f"Recomputed {marks.sellers} sellers in {marks.seconds:.2f} s ({phases}; {marks.workers} process"
            f"{'es' if marks.workers > 1 else ''}; events ≤ {marks.last_event_id}, reviews ≤ {marks.last_review_id}, "
            f"messages ≤ {marks.last_message_id})."
        )

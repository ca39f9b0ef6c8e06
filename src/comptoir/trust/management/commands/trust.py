"""`comptoir trust recompute`: rebuild the daily evidence from the source rows and recompute every seller."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand, CommandError


class Command(BaseCommand):
    help = "Trust maintenance: `recompute` rebuilds every seller's evidence buckets and score from the source rows."

    def add_arguments(self, parser):
        sub = parser.add_subparsers(dest="subcommand", required=True)
        recompute = sub.add_parser("recompute", help="Rebuild buckets from events, reviews and messages; recompute every seller.")
        recompute.add_argument("--today", help="Evaluate as of this date (YYYY-MM-DD); default today.")
        recompute.add_argument("--keep-credibility", action="store_true", help="Do not re-run the review credibility analysis.")

    def handle(self, *args, **options):
        from comptoir.trust.services import trust_rebuild

        if options["subcommand"] != "recompute":
            raise CommandError("Unknown subcommand.")
        today = None
        if options.get("today"):
            try:
                today = dt.date.fromisoformat(options["today"])
            except ValueError as error:
                raise CommandError("--today must be YYYY-MM-DD.") from error
        marks = trust_rebuild(today=today, refresh_credibility=not options["keep_credibility"])
        self.stdout.write(f"Recomputed {marks.sellers} sellers in {marks.seconds:.2f} s "
                          f"(events ≤ {marks.last_event_id}, reviews ≤ {marks.last_review_id}, messages ≤ {marks.last_message_id}).")

"""`comptoir feed list` shows every feed; `comptoir feed generate [ID …] [--due]` writes feeds now."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError

from comptoir.feeds.selectors import feed_list_all
from comptoir.feeds.services import feed_generate, feeds_generate_due


class Command(BaseCommand):
    help = "Product feeds for Google Merchant Center and other channels: list them, or generate them now."

    def add_arguments(self, parser):
        actions = parser.add_subparsers(dest="action", required=True)
        actions.add_parser("list", help="Every feed: owner, kind, format, market, last generation.")
        generate = actions.add_parser("generate", help="Write feeds now (default: every active feed).")
        generate.add_argument("feed_ids", nargs="*", type=int, metavar="ID", help="Only these feeds.")
        generate.add_argument(
            "--due", action="store_true", help="Only the feeds older than the refresh period (as the scheduler)."
        )

    def handle(self, *args, action: str, **options):
        if action == "list":
            self._list()
        else:
            self._generate(options["feed_ids"], due=options["due"])

    def _list(self) -> None:
        feeds = list(feed_list_all())
        if not feeds:
            self.stdout.write("No feeds.")
            return
        for feed in feeds:
            owner = feed.seller.slug if feed.seller_id else "(marketplace)"
            generated = feed.generated_at.isoformat(timespec="seconds") if feed.generated_at else "never"
            state = "active" if feed.is_active else "inactive"
            self.stdout.write(
                f"{feed.pk:>5}  {feed.name[:30]:<30}  {owner[:20]:<20}  {feed.kind:<7} {feed.format:<3}  "
                f"{feed.country}/{feed.language}/{feed.currency}  {state:<8}  {generated}  "
                f"{feed.item_count} items, {feed.excluded_count} left out"
            )

    def _generate(self, feed_ids: list[int], *, due: bool) -> None:
        if due and feed_ids:
            raise CommandError("Give feed ids or --due, not both.")
        if due:
            results = feeds_generate_due()
        else:
            ids = feed_ids or [feed.pk for feed in feed_list_all() if feed.is_active]
            results = []
            for feed_id in ids:
                result = feed_generate(feed_id=feed_id)
                if result is None:
                    raise CommandError(f"No active feed {feed_id}.")
                results.append(result)
        for result in results:
            self.stdout.write(
                f"feed {result.feed_id}: {result.item_count} items, {result.excluded_count} offers left out, "
                f"{result.byte_size} bytes"
            )
        self.stdout.write(f"{len(results)} feed(s) generated.")

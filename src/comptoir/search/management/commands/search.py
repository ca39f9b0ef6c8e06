"""`comptoir search reindex` rebuilds the whole index; `comptoir search query "…"` prints ranked results with their
explanation."""

from __future__ import annotations

import datetime as dt

from django.core.management.base import BaseCommand

from comptoir.catalog.models import Product
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_reindex


class Command(BaseCommand):
    help = (
        "Search index maintenance: `search reindex` rebuilds the index from the catalog; `search query TEXT` tries a "
        "query."
    )

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        reindex = commands.add_parser("reindex", help="Rebuild every search document and the full-text index.")
        reindex.add_argument("--batch-size", type=int, default=2000)
        query = commands.add_parser("query", help="Run a query and print the ranked results with their explanation.")
        query.add_argument("text", help="What a buyer would type in the search box.")
        query.add_argument("--country", default="FR", help="The buyer's country, for landed prices (default FR).")
        query.add_argument("--limit", type=int, default=10, help="Results to print (default 10).")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "reindex":
            report = search_reindex(
                batch_size=options["batch_size"],
                progress=lambda done, total: (
                    self.stderr.write(f"  {done}/{total} products") if options["verbosity"] > 1 else None
                ),
            )
            self.stdout.write(
                f"Indexed {report.documents} products with visible offers out of {report.products_seen} "
                f"in {report.seconds:.1f} s."
            )
            return
        page = search_products(
            SearchQuery(text=options["text"], country=options["country"].upper()), placed_on=dt.date.today()
        )
        self.stdout.write(
            f"{page.total} results{' (candidate limit reached)' if page.is_capped else ''} [{page.backend}]"
        )
        shown = page.hits[: options["limit"]]
        titles = dict(Product.objects.filter(pk__in=[hit.product_id for hit in shown]).values_list("pk", "title"))
        for hit in shown:
            factors = ", ".join(f"{line.factor} {line.points:.1f}" for line in hit.explanation.factors)
            self.stdout.write(
                f"  #{hit.product_id}  {titles.get(hit.product_id, '?')}\n"
                f"      score {hit.explanation.score:.1f}  {hit.landed}  ({factors})"
            )

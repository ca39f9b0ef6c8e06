"""`comptoir demo`: migrate, seed the demo marketplace (once), print the logins, serve.

comptoir demo                      migrate, seed if the database holds no demo yet, serve on 127.0.0.1:8000
comptoir demo --no-serve           seed only
comptoir demo --seed 7 --reset     erase the database content and seed again from seed 7
comptoir demo --sellers 10 --products 300 --orders 200 --buyers 40 --no-serve   a small demo
"""

from __future__ import annotations

import datetime as dt

from django.core.management import call_command, get_commands
from django.core.management.base import BaseCommand, CommandError

from comptoir.core.serving import busy_address_message
from comptoir.demo.authenticator import demo_operator_authenticator_ensure, demo_operator_second_factor
from comptoir.demo.marketplace_seed import OPERATOR_EMAIL
from comptoir.demo.seeding import (
    DEFAULT_SEED,
    DEMO_PASSWORD,
    DemoSizes,
    database_has_marketplace_data,
    demo_logins,
    demo_seed,
    demo_seeded_with,
)

# Options that only shape a new seeding: given for a database already seeded, they are ignored (and it is said).
SEEDING_OPTIONS = ("seed", "sellers", "products", "orders", "buyers", "today")


class Command(BaseCommand):
    help = "Seed a believable demo marketplace deterministically from a seed, print the logins and serve it."

    def add_arguments(self, parser):
        defaults = DemoSizes()
        parser.add_argument(
            "--seed",
            type=int,
            default=None,
            help=f"Random seed: the same seed gives the same marketplace (default {DEFAULT_SEED}).",
        )
        parser.add_argument("--no-serve", action="store_true", help="Seed (if needed) and exit without serving.")
        parser.add_argument(
            "--reset", action="store_true", help="Erase every row of the database first, then seed again."
        )
        parser.add_argument(
            "--sellers",
            type=int,
            default=None,
            help=f"Verified sellers (default {defaults.sellers}; 3 applications come on top).",
        )
        parser.add_argument("--products", type=int, default=None, help=f"Products (default {defaults.products}).")
        parser.add_argument(
            "--orders",
            type=int,
            default=None,
            help=f"Checkouts over six months (default {defaults.orders}).",
        )
        parser.add_argument("--buyers", type=int, default=None, help=f"Buyers (default {defaults.buyers}).")
        parser.add_argument(
            "--today",
            type=dt.date.fromisoformat,
            default=None,
            help=(
                "End of the history (YYYY-MM-DD, default today). With the same seed and date the content is identical."
            ),
        )
        parser.add_argument("--addr", default="127.0.0.1:8000", help="HOST:PORT to serve on (default 127.0.0.1:8000).")

    def handle(self, *args, **options):
        if not options["no_serve"]:
            # Said before the seeding, not a minute later when the server cannot start.
            busy = busy_address_message(options["addr"])
            if busy:
                raise CommandError(busy)
        call_command("migrate", interactive=False, verbosity=0)
        if options["reset"]:
            call_command("flush", interactive=False, verbosity=0)
            self.stdout.write("Database content erased.")
        defaults = DemoSizes()
        given = {name: options[name] for name in SEEDING_OPTIONS if options[name] is not None}
        options = {
            **options,
            "seed": options["seed"] if options["seed"] is not None else DEFAULT_SEED,
            **{
                name: getattr(defaults, name) if options[name] is None else options[name]
                for name in ("sellers", "products", "orders", "buyers")
            },
        }
        seeded_with = demo_seeded_with()
        if seeded_with is not None:
            self._say_already_seeded(seeded_with, given)
        elif database_has_marketplace_data():
            raise CommandError(
                "This database already holds marketplace data that is not the demo's; use --reset to erase it, or "
                "another DATABASE_URL."
            )
        else:
            sizes = DemoSizes(
                sellers=options["sellers"],
                products=options["products"],
                orders=options["orders"],
                buyers=options["buyers"],
            )
            self.stdout.write(
                f"Seeding the demo marketplace (seed {options['seed']}): {sizes.products} products, "
                f"{sizes.sellers} sellers, {sizes.orders} orders over six months …"
            )
            self.stdout.flush()
            try:
                report = demo_seed(seed=options["seed"], sizes=sizes, today=options["today"], progress=self._progress)
            except ValueError as error:
                raise CommandError(str(error)) from error
            self._print_report(report)
        # Also for a demo seeded before the operator's authenticator was part of it.
        demo_operator_authenticator_ensure()
        self._print_logins()
        if not options["no_serve"]:
            self._serve(options["addr"])

    def _progress(self, line: str) -> None:
        self.stdout.write(line)
        self.stdout.flush()

    def _say_already_seeded(self, seeded_with: dict, given: dict) -> None:
        sizes = seeded_with.get("sizes", {})
        described = f"seed {seeded_with.get('seed')}" + "".join(
            f", {sizes[name]} {name}" for name in ("sellers", "products", "orders", "buyers") if name in sizes
        )
        if not given:
            self.stdout.write(f"The demo marketplace is already seeded ({described}; --reset seeds it again).")
            return
        ignored = " ".join(f"--{name.replace('_', '-')} {value}" for name, value in given.items())
        self.stdout.write(
            self.style.WARNING(
                f"Ignored {ignored}: the demo marketplace is already seeded ({described}). "
                f"Add --reset to erase it and seed again with {ignored}."
            )
        )

    def _print_report(self, report) -> None:
        from comptoir.demo.summary import demo_state_counts

        counts = demo_state_counts()
        phases = ", ".join(f"{phase} {seconds:.1f} s" for phase, seconds in report.phase_seconds.items())
        self.stdout.write(
            self.style.SUCCESS(f"Seeded in {report.seconds:.1f} s ({phases}); history up to {report.end:%Y-%m-%d}.")
        )
        self.stdout.write(
            f"  {counts['categories']} categories, {counts['products']} products, {counts['offers']} offers"
        )
        self.stdout.write(
            f"  {counts['sellers']} sellers from {len(counts['seller_countries'])} countries "
            f"({', '.join(counts['seller_countries'])}), "
            f"{counts['buyers']} buyers"
        )
        self.stdout.write(
            f"  {counts['orders']} orders, {counts['seller_orders']} seller orders, {counts['journal_entries']} ledger "
            "entries"
        )
        self.stdout.write(
            "  seller orders by status: "
            + ", ".join(f"{status} {count}" for status, count in counts["seller_order_statuses"].items())
        )
        notes = {
            key: value
            for key, value in sorted(report.stats.items())
            if key.startswith(("refused", "checkout_", "orders_without"))
        }
        if notes:
            self.stdout.write("  history notes: " + ", ".join(f"{key} {value}" for key, value in notes.items()))
        self.stdout.write(
            "  disputes: " + ", ".join(f"{status} {count}" for status, count in counts["dispute_statuses"].items())
        )
        languages = ", ".join(f"{language} {count}" for language, count in counts["review_languages"].items())
        ring = (
            f"; a review ring of {len(report.review_ring['buyers'])} new accounts on {report.review_ring['seller']}"
            if report.review_ring
            else ""
        )
        self.stdout.write(
            f"  reviews: {counts['reviews']} ({languages}; {counts['review_replies']} with a seller reply), "
            f"messages: {counts['messages']} in {counts['message_threads']} threads{ring}"
        )

    def _print_logins(self) -> None:
        self.stdout.write("")
        self.stdout.write(self.style.MIGRATE_HEADING(f"Demo logins (password for all: {DEMO_PASSWORD})"))
        for login in demo_logins():
            self.stdout.write(f"  {login.role:<9} {login.email:<48} {login.note}")
        self._print_operator_second_factor()
        self.stdout.write("")

    def _print_operator_second_factor(self) -> None:
        second_factor = demo_operator_second_factor()
        if second_factor is None:
            self.stdout.write(f"  The operator sets up an authenticator app at the first login ({OPERATOR_EMAIL}).")
            return
        self.stdout.write("")
        self.stdout.write(
            self.style.MIGRATE_HEADING("The operator also types a 6-digit code at each login (two-factor, demo only):")
        )
        self.stdout.write("  code to type now:   .venv/bin/comptoir demo-otp")
        if second_factor.secret:
            grouped = " ".join(
                second_factor.secret[index : index + 4] for index in range(0, len(second_factor.secret), 4)
            )
            self.stdout.write(f"  or in an authenticator app, the public demo secret: {grouped}")
        else:
            self.stdout.write("  (the operator enrolled an authenticator app of their own)")
        if second_factor.recovery_codes:
            self.stdout.write(f"  recovery codes (each works once): {', '.join(second_factor.recovery_codes)}")

    def _serve(self, addr: str) -> None:
        if "serve" in get_commands():
            call_command("serve", "--addr", addr)
        else:
            call_command("runserver", addr, use_reloader=False)

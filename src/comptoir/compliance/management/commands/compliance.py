"""`comptoir compliance rules-load [FILE] [--skip CODE]`: load the country rules (default: the ones shipped with
Comptoir); `comptoir compliance rules [--day DATE]`: list them; `comptoir compliance refresh`: recompute every
offer's blocked markets (docs/COMPLIANCE.md)."""

from __future__ import annotations

import datetime as dt
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptoir.compliance.models import ComplianceRule, OfferMarketBlock
from comptoir.compliance.services import compliance_rules_load, offer_market_blocks_refresh
from comptoir.core import clock
from comptoir.core.exceptions import ValidationError


class Command(BaseCommand):
    help = "Country rules: `compliance rules-load`, `compliance rules`, `compliance refresh` (docs/COMPLIANCE.md)."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="subcommand", required=True)
        load = commands.add_parser("rules-load", help="Load the rules file (created, changed, removed by code).")
        load.add_argument("file", nargs="?", type=Path, help="Default: the rules shipped with Comptoir.")
        load.add_argument("--skip", action="append", default=[], metavar="CODE", help="Leave this rule out.")
        show = commands.add_parser("rules", help="The loaded rules, with whether each is in force.")
        show.add_argument("--day", type=dt.date.fromisoformat)
        commands.add_parser("refresh", help="Recompute every offer's blocked markets.")

    def handle(self, *args, subcommand: str, **options):
        if subcommand == "rules-load":
            try:
                report = compliance_rules_load(path=options["file"], skip=options["skip"])
            except ValidationError as error:
                raise CommandError(error.message) from None
            self.stdout.write(
                f"{report.source}: {len(report.created)} new, {len(report.changed)} changed, "
                f"{len(report.removed)} removed, {report.unchanged} unchanged."
            )
            self._blocks(report.blocks)
            return
        if subcommand == "rules":
            day = options["day"] or clock.now().date()
            rules = list(ComplianceRule.objects.order_by("code"))
            if not rules:
                self.stdout.write("No rule loaded (comptoir compliance rules-load).")
            for rule in rules:
                state = "in force" if rule.as_rule().is_in_force(day) else "not in force"
                scope = ",".join(rule.categories) or "all categories"
                self.stdout.write(
                    f"{rule.code:<28} {rule.requirement:<18} {rule.scheme or '-':<17} {','.join(rule.countries):<6} "
                    f"{scope}  from {rule.effective_from}"
                    f"{f' to {rule.effective_to}' if rule.effective_to else ''} ({state})\n    {rule.source}"
                )
            return
        self._blocks(offer_market_blocks_refresh())

    def _blocks(self, report) -> None:
        if report is None:
            return
        self.stdout.write(
            f"{report.offers} offers checked, {len(set(report.changed_offer_ids))} changed; "
            f"{OfferMarketBlock.objects.count()} blocked markets in all."
        )

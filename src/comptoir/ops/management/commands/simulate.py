"""`comptoir simulate`: the marketplace simulation (trust/domain/simulation.py) and its report."""

from __future__ import annotations

import shlex
import sys
import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from comptoir.search.domain.simulated import rank_seller_by_search
from comptoir.trust.domain.simulation import ATTACKS, SimulationOptions, render_report, run_simulation

REPORT_MARKER = "## Results"


class Command(BaseCommand):
    help = (
        "Simulate a marketplace whose sellers have a hidden true quality; report how well the trust score ranks them "
        "(Spearman) against the plain mean rating, with and without review attacks."
    )
    requires_system_checks: list = []

    def add_arguments(self, parser):
        defaults = SimulationOptions()
        parser.add_argument(
            "--sellers",
            type=int,
            default=defaults.sellers,
            help="Simulated sellers, at least 10 (default %(default)s).",
        )
        parser.add_argument(
            "--buyers", type=int, default=defaults.buyers, help="Simulated buyers, at least 100 (default %(default)s)."
        )
        parser.add_argument(
            "--days", type=int, default=defaults.days, help="Days of trading, at least 30 (default %(default)s)."
        )
        parser.add_argument(
            "--seed",
            type=int,
            default=defaults.seed,
            help="Random seed: the same seed gives the same report (default %(default)s).",
        )
        parser.add_argument(
            "--attack",
            choices=[*ATTACKS],
            default="all",
            help="none: the honest marketplace only; ring/burst: that attack (and the honest baseline); "
            "all: every scenario (default %(default)s).",
        )
        parser.add_argument(
            "--report", help="Write the results into this Markdown file (replacing its '## Results' section)."
        )

    def handle(self, *args, **options):
        if options["sellers"] < 10 or options["buyers"] < 100 or options["days"] < 30:
            raise CommandError("Use at least 10 sellers, 100 buyers and 30 days.")
        simulation = SimulationOptions(
            sellers=options["sellers"], buyers=options["buyers"], days=options["days"], seed=options["seed"]
        )
        attacks = (
            ATTACKS
            if options["attack"] == "all"
            else ("none",)
            if options["attack"] == "none"
            else ("none", options["attack"])
        )
        started = time.perf_counter()
        results = run_simulation(simulation, attacks, search_rank=rank_seller_by_search)
        arguments = sys.argv[sys.argv.index("simulate") + 1 :] if "simulate" in sys.argv else []
        command = " ".join(["comptoir simulate", *(shlex.quote(argument) for argument in arguments)])
        report = render_report(simulation, results, command=command, seconds=time.perf_counter() - started)
        if options["report"]:
            write_report(Path(options["report"]), report)
        self.stdout.write(report)


def write_report(path: Path, section: str) -> None:
    """Replace the generated section of `path` (from '## Results' to the next '## ' heading), keeping the prose
    around it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Simulation\n\n"
    if REPORT_MARKER in text:
        before, _, rest = text.partition(REPORT_MARKER)
        after = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        text = before + section.rstrip("\n") + "\n" + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")

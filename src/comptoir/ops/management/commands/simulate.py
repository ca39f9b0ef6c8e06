"""`comptoir simulate`: the marketplace simulations and their reports.

`--generator classic` (default): the pure simulation of trust/domain/simulation.py. `--generator independent`: the
history of testing/marketplace_history.py (different assumptions) through the real pipeline (bulk sellers, the history
importer, the trust rebuild, the storefront's ranking), each history in its own throwaway SQLite database."""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from comptoir.search.domain.ranking import Candidate, RankingConfig, rank
from comptoir.search.domain.simulated import rank_seller_by_search
from comptoir.trust.domain.config import trust_config
from comptoir.trust.domain.simulation import ATTACKS, ScenarioResult, SimulationOptions, render_report, run_simulation
from comptoir.trust.domain.tiers import visibility_multiplier

REPORT_MARKER = "## Results"
VARIANTS = ("attacked", "honest")


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
            "--report",
            help="Write the results into this Markdown file (replacing its '## Results' section, or the independent "
            "generator's own section).",
        )
        parser.add_argument(
            "--generator",
            choices=("classic", "independent"),
            default="classic",
            help="classic: the pure simulation (trust/domain/simulation.py); independent: a history with other "
            "assumptions (testing/marketplace_history.py) imported through the real pipeline; --sellers, --buyers, "
            "--days and --attack are the classic one's, --scale and --columns the independent one's "
            "(default %(default)s).",
        )
        parser.add_argument(
            "--scale",
            choices=("judge", "small"),
            default="judge",
            help="independent: judge = 300 sellers, 180 days (~40k orders, minutes); small = 40 sellers, 60 days.",
        )
        parser.add_argument(
            "--columns",
            choices=("legacy", "full"),
            default="legacy",
            help="independent: legacy = the importer's original columns only; full = also addresses, buyer since, "
            "accepted at, message times, payment fingerprints and reviews of lost parcels (default %(default)s).",
        )
        parser.add_argument(
            "--export", help="independent: also write history.csv and truth.json (the hidden truth) into this folder."
        )
        parser.add_argument(
            "--database",
            choices=("throwaway", "current"),
            default="throwaway",
            help="independent: throwaway = a temporary SQLite database per history, in a subprocess (default); "
            "current = the configured database, which must hold no seller (the attacked history only).",
        )
        parser.add_argument(
            "--analyse",
            action="store_true",
            help="independent, with --database current: after the import, also print the tuning analysis "
            "(testing/trust_tuning.py: the rater-bias correction's Spearman, the rank-error losses by archetype, drift "
            "and evidence volume) and keep the database for further in-memory tuning.",
        )
        parser.add_argument("--variant", choices=VARIANTS, default="attacked", help=argparse.SUPPRESS)
        parser.add_argument("--result-json", help=argparse.SUPPRESS)

    def handle(self, *args, **options):
        if options["generator"] == "independent":
            self.handle_independent(options)
            return
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
        report = report.rstrip("\n") + "\n\n" + classic_storefront_table(results)
        if options["report"]:
            write_report(Path(options["report"]), report)
        self.stdout.write(report)

    def handle_independent(self, options) -> None:
        from comptoir.testing.marketplace_evaluation import (
            REPORT_MARKER as INDEPENDENT_MARKER,
        )
        from comptoir.testing.marketplace_evaluation import (
            HistoryImportFailed,
            render_independent_report,
            run_as_dict,
            run_from_dict,
            run_pipeline,
        )
        from comptoir.testing.marketplace_history import HistoryOptions, generate_history, history_csv, truth_json

        started = time.perf_counter()
        history = generate_history(
            HistoryOptions.at_scale(options["scale"], seed=options["seed"], columns=options["columns"])
        )
        if options["export"]:
            folder = Path(options["export"])
            folder.mkdir(parents=True, exist_ok=True)
            (folder / "history.csv").write_text(history_csv(history.rows, options["columns"]), encoding="utf-8")
            (folder / "truth.json").write_text(truth_json(history), encoding="utf-8")
            self.stderr.write(f"Wrote {folder / 'history.csv'} ({len(history.rows)} rows) and {folder / 'truth.json'}.")
        if options["analyse"] and options["database"] != "current":
            raise CommandError("--analyse reads the imported history back: use it with --database current.")
        if options["database"] == "current":
            from comptoir.sellers.models import Seller

            if Seller.objects.exists():
                raise CommandError(
                    "--database current needs a database without sellers (use the default, --database throwaway)."
                )
            rows = history.rows if options["variant"] == "attacked" else history.honest_rows()
            try:
                run = run_pipeline(history, name=_variant_name(options["variant"]), rows=rows)
            except HistoryImportFailed as error:
                raise CommandError(f"The importer refused the generated history: {error}") from error
            if options["result_json"]:
                Path(options["result_json"]).write_text(json.dumps(run_as_dict(run)), encoding="utf-8")
            if options["analyse"]:
                from comptoir.testing.trust_tuning import analyse, snapshot_load
                from comptoir.trust.conf import trust_settings

                self.stdout.write(analyse(snapshot_load(history), trust_settings().rules))
            if options["result_json"] or options["analyse"]:
                return
            runs = [run]
        else:
            runs = [run_from_dict(result) for result in _run_throwaway(options, VARIANTS)]
        arguments = sys.argv[sys.argv.index("simulate") + 1 :] if "simulate" in sys.argv else []
        command = " ".join(["comptoir simulate", *(shlex.quote(argument) for argument in arguments)])
        report = render_independent_report(history, runs, command=command, seconds=time.perf_counter() - started)
        if options["report"]:
            write_report(Path(options["report"]), report, marker=INDEPENDENT_MARKER)
        self.stdout.write(report)


def classic_storefront_table(results: list[ScenarioResult]) -> str:
    """The classic simulation's sellers ranked by the storefront's ranking function (one comparable product each,
    as search.domain.simulated does for the target), measured as the independent generator's runs are: Spearman of
    the storefront score and bottom-quartile sellers in the top 10s."""
    from comptoir.testing.marketplace_evaluation import TOP, PipelineRun, SellerOutcome, measures

    config = trust_config()
    lines = [
        "Storefront ranking of every seller (same measures as the independent generator's):",
        "",
        "| attack | Spearman of the storefront ranking | bottom-quartile sellers in the overall top 10 "
        "| …in the category top 10s | tiers |",
        "|---|---:|---:|---:|---|",
    ]
    for result in results:
        candidates = [
            Candidate(
                product_id=outcome.seller_id,
                category_id=outcome.category,
                relevance=0.0,
                views=200,
                orders=4,
                delivery_days=3,
                landed_price=2_500,
                seller_trust=float(outcome.score),
                seller_tier=outcome.tier,
                satisfaction=float(outcome.satisfaction),
                visibility_multiplier=float(
                    visibility_multiplier(tier=outcome.tier, is_restricted=False, config=config)
                ),
            )
            for outcome in result.sellers
        ]
        storefront = {
            ranked.product_id: ranked.score for ranked in rank(candidates, config=RankingConfig(), has_text_query=False)
        }
        run = PipelineRun(
            name=result.attack,
            outcomes=[
                SellerOutcome(
                    slug=str(outcome.seller_id),
                    category=outcome.category,
                    true_quality=outcome.true_quality,
                    labels=(),
                    score=float(outcome.score),
                    tier=outcome.tier,
                    visibility=1.0,
                    satisfaction=float(outcome.satisfaction),
                    mean_rating=outcome.mean_rating,
                    reviews=0,
                    orders=0,
                    storefront=storefront[outcome.seller_id],
                )
                for outcome in result.sellers
            ],
            orders=result.orders,
            reviews=result.reviews,
            enforcement={},
        )
        measured = measures(run)
        tiers = ", ".join(f"{name} {count}" for name, count in sorted(measured.tiers.items()))
        lines.append(
            f"| {result.attack} | {measured.spearman_storefront:.3f} | {measured.top_overall_bottom_quartile} / {TOP} "
            f"| {measured.top_category_bottom_quartile} / {measured.top_category_slots} | {tiers} |"
        )
    return "\n".join(lines) + "\n"


def _variant_name(variant: str) -> str:
    return "with the attacks" if variant == "attacked" else "without the attacks"


def _migrated_template(folder: Path) -> Path:
    """A freshly migrated SQLite database in `folder` (migrated once, copied for each history)."""
    template = folder / "template.sqlite3"
    _run_step([sys.executable, "-m", "comptoir.cli", "migrate", "--verbosity", "0"], template)
    return template


def _run_step(step: list[str], database: Path) -> None:
    environment = {
        **os.environ,
        "DATABASE_URL": f"sqlite:///{database}",
        # Notices of the enforcement ladder to the generated sellers' owners stay in the throwaway folder, whatever
        # mail server the deployment is configured with.
        "COMPTOIR_EMAIL_URL": f"file://{database.parent / 'mail'}",
    }
    completed = subprocess.run(
        step, env=environment, cwd=settings.BASE_DIR, capture_output=True, text=True, check=False
    )
    if completed.returncode != 0:
        raise CommandError(f"`comptoir {step[3]}` failed in the throwaway database:\n{completed.stderr[-3000:]}")


def _run_throwaway(options: dict, variants: tuple[str, ...]) -> list[dict]:
    """Run each history variant in a fresh temporary SQLite database, in a subprocess (so the configured database is
    never touched): migrate once, copy, `simulate --database current`; the subprocesses' outcomes as dicts."""
    results = []
    with tempfile.TemporaryDirectory(prefix="comptoir-simulate-") as name:
        folder = Path(name)
        template = _migrated_template(folder)
        for variant in variants:
            database, result = folder / f"{variant}.sqlite3", folder / f"{variant}.json"
            shutil.copyfile(template, database)
            _run_step(
                [
                    sys.executable,
                    "-m",
                    "comptoir.cli",
                    "simulate",
                    "--generator",
                    "independent",
                    "--database",
                    "current",
                    "--variant",
                    variant,
                    "--seed",
                    str(options["seed"]),
                    "--scale",
                    options["scale"],
                    "--columns",
                    options["columns"],
                    "--result-json",
                    str(result),
                ],
                database,
            )
            results.append(json.loads(result.read_text(encoding="utf-8")))
    return results


def write_report(path: Path, section: str, *, marker: str = REPORT_MARKER) -> None:
    """Replace the generated section of `path` (from `marker` to the next '## ' heading), keeping the prose
    around it."""
    text = path.read_text(encoding="utf-8") if path.exists() else "# Simulation\n\n"
    if marker in text:
        before, _, rest = text.partition(marker)
        after = rest[rest.find("\n## ") :] if "\n## " in rest else ""
        text = before + section.rstrip("\n") + "\n" + after
    else:
        text = text.rstrip("\n") + "\n\n" + section
    path.write_text(text, encoding="utf-8")

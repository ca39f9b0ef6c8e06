"""Run a generated history (testing/marketplace_history.py) through the real pipeline and measure the outcome.

Sellers are inserted in bulk, the CSV goes through `comptoir import-history`'s importer, `trust_rebuild()` scores
every seller (credibility analysis, buckets, scores, tiers, the enforcement ladder), and the storefront's ranking
function ranks one comparable product per seller with what the storefront reads of each seller's trust
(`search.selectors.seller_ranking_trust_map`: score, visibility multiplier, satisfaction). The measures (Spearman,
top-10 contamination, the attacked sellers, tiers) are pure functions of the outcome and the hidden truth.

Runs on the current database, which must hold no seller (a throwaway one: `comptoir simulate --generator independent`
creates a temporary SQLite database in a subprocess for it)."""

from __future__ import annotations

import dataclasses
import datetime as dt
import math
import time
from collections import Counter
from dataclasses import dataclass, field

from django.db import transaction

from comptoir.core import clock
from comptoir.search.domain.ranking import Candidate, RankingConfig, rank
from comptoir.search.selectors import seller_ranking_trust_map
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.testing.marketplace_history import GeneratedHistory, history_csv
from comptoir.trust.importers.history import history_import
from comptoir.trust.models import EnforcementAction, SellerTrust
from comptoir.trust.rebuild import trust_rebuild

TOP = 10
REPORT_MARKER = "## Independent generator: results"


class HistoryImportFailed(Exception):
    """The importer refused the generated file (its first errors are in the message)."""


@dataclass(frozen=True)
class SellerOutcome:
    slug: str
    category: int
    true_quality: float
    labels: tuple[str, ...]
    score: float
    tier: str
    visibility: float
    satisfaction: float
    mean_rating: float | None
    reviews: int
    orders: int
    storefront: float  # the ranking function's score for the seller's product (browse, no text query)


@dataclass
class PipelineRun:
    name: str
    outcomes: list[SellerOutcome]
    orders: int
    reviews: int
    enforcement: dict[str, int]
    seconds: dict[str, float] = field(default_factory=dict)


def _sellers_create(history: GeneratedHistory) -> dict[str, int]:
    """One verified seller per profile, bulk-inserted with distinct identities; slug -> id."""
    moment = dt.datetime.combine(history.options.start, dt.time(0, 0), tzinfo=dt.UTC)
    with transaction.atomic():
        Seller.objects.bulk_create(
            [
                Seller(
                    name=profile.slug.replace("-", " ").title(),
                    slug=profile.slug,
                    status=SellerStatus.VERIFIED,
                    legal_name=f"{profile.slug} SARL",
                    street=f"{index + 1} rue du Commerce",
                    postal_code="75015",
                    city="Paris",
                    country="FR",
                    phone=f"+33 1 {index:08d}",
                    email=f"{profile.slug}@sellers.example",
                    trade_register="RCS Paris",
                    trade_register_number=str(800_000_000 + index),
                    vat_id=f"FR{index:011d}",
                    iban_encrypted="-",
                    iban_last4=f"{index % 10_000:04d}",
                    self_certified_at=moment + dt.timedelta(days=profile.opens),
                    verified_at=moment + dt.timedelta(days=profile.opens),
                    created_at=moment + dt.timedelta(days=profile.opens),
                )
                for index, profile in enumerate(history.sellers)
            ],
            batch_size=1000,
        )
    return dict(Seller.objects.filter(slug__in=[p.slug for p in history.sellers]).values_list("slug", "pk"))


def run_pipeline(history: GeneratedHistory, *, name: str, rows: list[dict] | None = None) -> PipelineRun:
    """Import `rows` (default: the whole history) into the current, seller-free database, rebuild trust as of the
    history's last day and read what the storefront would show. Raises HistoryImportFailed when the importer
    refuses the file."""
    rows = history.rows if rows is None else rows
    seconds: dict[str, float] = {}
    end = dt.datetime.combine(history.today, dt.time(23, 59, 59), tzinfo=dt.UTC)
    with clock.frozen_at(end):
        started = time.perf_counter()
        ids = _sellers_create(history)
        report = history_import(content=history_csv(rows, history.options.columns), now=end)
        if not report.is_ok:
            shown = "; ".join(str(error) for error in report.errors[:5])
            raise HistoryImportFailed(f"{len(report.errors)} error(s), e.g. {shown}")
        seconds["import"] = time.perf_counter() - started
        started = time.perf_counter()
        trust_rebuild(today=history.today, workers=1)
        seconds["rebuild"] = time.perf_counter() - started
    trusts = {row.seller_id: row for row in SellerTrust.objects.filter(seller_id__in=ids.values())}
    ranking_trust = seller_ranking_trust_map(ids.values())
    enforcement = Counter(
        EnforcementAction.objects.filter(seller_id__in=ids.values(), is_active=True).values_list("kind", flat=True)
    )
    ratings: dict[str, list[int]] = {}
    orders: Counter[str] = Counter()
    for row in rows:
        orders[row["seller"]] += 1
        if row["review_rating"]:
            ratings.setdefault(row["seller"], []).append(int(row["review_rating"]))
    truth = history.truth()["sellers"]
    candidates = []
    for profile in history.sellers:
        view = ranking_trust[ids[profile.slug]]
        trust = trusts.get(ids[profile.slug])
        candidates.append(
            Candidate(
                product_id=ids[profile.slug],
                category_id=profile.category,
                relevance=0.0,
                views=200,
                orders=4,
                delivery_days=3,
                landed_price=2_500,
                seller_trust=view.trust_score,
                seller_tier=trust.tier if trust else "new",
                satisfaction=view.satisfaction,
                visibility_multiplier=view.visibility_multiplier,
            )
        )
    ranked = rank(candidates, config=RankingConfig(), has_text_query=False)
    storefront = {result.product_id: result.score for result in ranked}
    outcomes = []
    for profile in history.sellers:
        seller_id = ids[profile.slug]
        trust = trusts.get(seller_id)
        mine = ratings.get(profile.slug, [])
        outcomes.append(
            SellerOutcome(
                slug=profile.slug,
                category=profile.category,
                true_quality=truth[profile.slug]["true_quality"],
                labels=profile.labels,
                score=float(trust.score) if trust else 50.0,
                tier=(trust.tier_override or trust.tier) if trust else "new",
                visibility=ranking_trust[seller_id].visibility_multiplier,
                satisfaction=ranking_trust[seller_id].satisfaction,
                mean_rating=sum(mine) / len(mine) if mine else None,
                reviews=len(mine),
                orders=orders[profile.slug],
                storefront=storefront[seller_id],
            )
        )
    return PipelineRun(
        name=name,
        outcomes=outcomes,
        orders=report.imported,
        reviews=report.reviews,
        enforcement=dict(enforcement),
        seconds=seconds,
    )


# ---------------------------------------------------------------- measures (pure)


def _average_ranks(values: list[float]) -> list[float]:
    order = sorted(range(len(values)), key=values.__getitem__)
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        stop = start
        while stop + 1 < len(order) and values[order[stop + 1]] == values[order[start]]:
            stop += 1
        for index in order[start : stop + 1]:
            ranks[index] = (start + stop) / 2 + 1
        start = stop + 1
    return ranks


def rank_correlation(first: list[float], second: list[float]) -> float:
    """Spearman's rho (Pearson on average ranks; 0 when either side is constant)."""
    ranks_a, ranks_b = _average_ranks(first), _average_ranks(second)
    mean_a, mean_b = sum(ranks_a) / len(ranks_a), sum(ranks_b) / len(ranks_b)
    covariance = sum((a - mean_a) * (b - mean_b) for a, b in zip(ranks_a, ranks_b, strict=True))
    spread = math.sqrt(sum((a - mean_a) ** 2 for a in ranks_a) * sum((b - mean_b) ** 2 for b in ranks_b))
    return covariance / spread if spread else 0.0


@dataclass(frozen=True)
class Measures:
    spearman_score: float
    spearman_mean_rating: float
    spearman_storefront: float
    top_overall_bottom_quartile: int  # of the storefront's overall top 10
    top_category_bottom_quartile: int  # summed over every category's top 10
    top_category_slots: int
    tiers: dict[str, int]


def measures(run: PipelineRun) -> Measures:
    outcomes = run.outcomes
    truth = [outcome.true_quality for outcome in outcomes]
    rated = [outcome.mean_rating for outcome in outcomes if outcome.mean_rating is not None]
    neutral = sum(rated) / len(rated) if rated else 3.0  # a seller without reviews sits at the average rating
    quartile = sorted(truth)[len(truth) // 4]
    bottom = {outcome.slug for outcome in outcomes if outcome.true_quality < quartile}
    by_storefront = sorted(outcomes, key=lambda outcome: -outcome.storefront)
    category_slots = contaminated = 0
    for category in sorted({outcome.category for outcome in outcomes}):
        top = [outcome for outcome in by_storefront if outcome.category == category][:TOP]
        category_slots += len(top)
        contaminated += sum(outcome.slug in bottom for outcome in top)
    return Measures(
        spearman_score=rank_correlation([outcome.score for outcome in outcomes], truth),
        spearman_mean_rating=rank_correlation(
            [outcome.mean_rating if outcome.mean_rating is not None else neutral for outcome in outcomes], truth
        ),
        spearman_storefront=rank_correlation([outcome.storefront for outcome in outcomes], truth),
        top_overall_bottom_quartile=sum(outcome.slug in bottom for outcome in by_storefront[:TOP]),
        top_category_bottom_quartile=contaminated,
        top_category_slots=category_slots,
        tiers=dict(Counter(outcome.tier for outcome in outcomes)),
    )


@dataclass(frozen=True)
class Placement:
    slug: str
    score: float
    tier: str
    rank_overall: int
    rank_in_category: int
    category_size: int
    truth_rank_in_category: int


def placement(run: PipelineRun, slug: str) -> Placement | None:
    mine = next((outcome for outcome in run.outcomes if outcome.slug == slug), None)
    if mine is None:
        return None
    by_storefront = sorted(run.outcomes, key=lambda outcome: -outcome.storefront)
    category = [outcome for outcome in by_storefront if outcome.category == mine.category]
    by_truth = sorted(category, key=lambda outcome: -outcome.true_quality)
    return Placement(
        slug=slug,
        score=mine.score,
        tier=mine.tier,
        rank_overall=1 + by_storefront.index(mine),
        rank_in_category=1 + category.index(mine),
        category_size=len(category),
        truth_rank_in_category=1 + by_truth.index(mine),
    )


def run_as_dict(run: PipelineRun) -> dict:
    return dataclasses.asdict(run)


def run_from_dict(data: dict) -> PipelineRun:
    return PipelineRun(
        name=data["name"],
        outcomes=[SellerOutcome(**{**outcome, "labels": tuple(outcome["labels"])}) for outcome in data["outcomes"]],
        orders=data["orders"],
        reviews=data["reviews"],
        enforcement=data["enforcement"],
        seconds=data["seconds"],
    )


# ---------------------------------------------------------------- report


def _tiers_text(tiers: dict[str, int], total: int) -> str:
    return ", ".join(f"{name} {count} ({100 * count / total:.0f} %)" for name, count in sorted(tiers.items()))


def _place_text(place: Placement | None) -> str:
    if place is None:
        return "— | — | — | —"
    return f"{place.score:.2f} | {place.tier} | {place.rank_in_category} / {place.category_size} | {place.rank_overall}"


def render_independent_report(
    history: GeneratedHistory, runs: list[PipelineRun], *, command: str, seconds: float
) -> str:
    """The Markdown section of docs/SIMULATION.md for the independent generator: `runs` are the attacked history
    and, when measured, the same history without the attacks' orders."""
    options = history.options
    attacked = runs[0]
    honest = runs[1] if len(runs) > 1 else None
    lines = [
        REPORT_MARKER,
        "",
        f"Command: `{command}` (ran in {seconds:.0f} s)",
        "",
        f"{len(history.sellers)} sellers in {options.categories} categories, {options.days} days "
        f"({options.start} – {options.end}), seed {options.seed}, columns `{options.columns}`.",
        "",
        "Spearman rank correlation with the hidden true quality; storefront top 10s (one comparable product per "
        "seller, the storefront's ranking function): how many of them are sellers of the bottom quartile by true "
        "quality.",
        "",
        "| history | seller orders | reviews | trust score | plain mean rating | storefront ranking "
        "| bottom-quartile sellers in the overall top 10 | …in the category top 10s |",
        "|---|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for run in runs:
        measured = measures(run)
        lines.append(
            f"| {run.name} | {run.orders} | {run.reviews} | {measured.spearman_score:.3f} "
            f"| {measured.spearman_mean_rating:.3f} | {measured.spearman_storefront:.3f} "
            f"| {measured.top_overall_bottom_quartile} / {TOP} "
            f"| {measured.top_category_bottom_quartile} / {measured.top_category_slots} |"
        )
    lines += [
        "",
        "Attacked sellers (storefront rank in its category and overall; truth rank = its place in its category by true "
        "quality):",
        "",
        "| attack | target | truth rank in category | score | tier | storefront rank in category | overall "
        "| without the attack: score | tier | rank in category | overall |",
        "|---|---|---:|---:|---|---:|---:|---:|---|---:|---:|",
    ]
    for label in ("ring", "slander", "burst"):
        slug = history.target(label)
        with_attack = placement(attacked, slug)
        without = placement(honest, slug) if honest else None
        truth_rank = f"{with_attack.truth_rank_in_category} / {with_attack.category_size}" if with_attack else "—"
        lines.append(f"| {label} | {slug} | {truth_rank} | {_place_text(with_attack)} | {_place_text(without)} |")
    newcomer = history.target("reregistered")
    old = next((seller.predecessor for seller in history.sellers if seller.slug == newcomer), "")
    new_place, old_place = placement(attacked, newcomer), placement(attacked, old)
    if new_place and old_place:
        lines += [
            "",
            f"Re-registration: the old account {old} (true quality "
            f"{next(o.true_quality for o in attacked.outcomes if o.slug == old):.3f}, stopped trading 35 days before "
            f"the end) scores {old_place.score:.2f} ({old_place.tier}), storefront rank {old_place.rank_in_category} / "
            f"{old_place.category_size} in its category, {old_place.rank_overall} overall; its new identity {newcomer} "
            f"(same quality, {next(o.orders for o in attacked.outcomes if o.slug == newcomer)} orders in 30 days) "
            f"scores {new_place.score:.2f} ({new_place.tier}), rank {new_place.rank_in_category} / "
            f"{new_place.category_size}, {new_place.rank_overall} overall.",
        ]
    for run in runs:
        total = len(run.outcomes)
        enforcement = ", ".join(f"{kind} {count}" for kind, count in sorted(run.enforcement.items())) or "none"
        lines += [
            "",
            f"Tiers ({run.name}): {_tiers_text(measures(run).tiers, total)}. "
            f"Active enforcement actions: {enforcement}. Import {run.seconds.get('import', 0):.0f} s, "
            f"trust rebuild {run.seconds.get('rebuild', 0):.0f} s.",
        ]
    return "\n".join(lines) + "\n"

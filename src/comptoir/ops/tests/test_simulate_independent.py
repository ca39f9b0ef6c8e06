"""The independent history generator (testing/marketplace_history.py), its pipeline run (marketplace_evaluation.py)
and `comptoir simulate --generator independent`. No figure of the current trust code is asserted beyond the sign
of the correlation: the measured figures live in docs/SIMULATION.md."""

from __future__ import annotations

import csv
import datetime as dt
import io
from collections import Counter, defaultdict

import pytest
from django.core.management import CommandError, call_command

from comptoir.ops.management.commands.simulate import write_report
from comptoir.testing.marketplace_evaluation import (
    REPORT_MARKER,
    PipelineRun,
    SellerOutcome,
    measures,
    placement,
    rank_correlation,
    run_as_dict,
    run_from_dict,
    run_pipeline,
)
from comptoir.testing.marketplace_history import (
    FULL_ONLY_COLUMNS,
    LEGACY_COLUMNS,
    RING_ACCOUNTS,
    SLANDER_ACCOUNTS,
    HistoryOptions,
    generate_history,
    history_csv,
)
from comptoir.trust.importers.history import COLUMNS as IMPORTER_COLUMNS
from comptoir.trust.models import SellerTrust

SMALL = HistoryOptions.at_scale("small")


@pytest.fixture(scope="module")
def small_history():
    return generate_history(SMALL)


def _rows_by_buyer(rows: list[dict]) -> dict[str, list[dict]]:
    by_buyer = defaultdict(list)
    for row in rows:
        by_buyer[row["buyer"]].append(row)
    return by_buyer


def test_the_same_seed_gives_the_same_history_and_another_seed_another(small_history):
    again = generate_history(SMALL)
    other = generate_history(HistoryOptions.at_scale("small", seed=SMALL.seed + 1))

    assert history_csv(again.rows) == history_csv(small_history.rows)
    assert again.truth() == small_history.truth()
    assert history_csv(other.rows) != history_csv(small_history.rows)


def test_ring_accounts_buy_only_from_their_poor_target_joined_within_three_weeks_and_rate_five_stars(small_history):
    target = small_history.target("ring")
    accounts = small_history.attack_accounts["ring"]
    by_buyer = _rows_by_buyer(small_history.rows)
    truth = small_history.truth()["sellers"]
    qualities = sorted(seller["true_quality"] for seller in truth.values())

    assert len(accounts) == RING_ACCOUNTS
    assert truth[target]["true_quality"] <= qualities[len(qualities) // 4]  # bottom quartile
    for account in accounts:
        assert {row["seller"] for row in by_buyer[account]} == {target}
        assert all(row["attack"] == "ring" for row in by_buyer[account])
        assert {row["review_rating"] for row in by_buyer[account] if row["reviewed_at"]} <= {"5"}
    reviewed = [row for account in accounts for row in by_buyer[account] if row["review_rating"]]
    assert len(reviewed) >= RING_ACCOUNTS // 2
    # …and no honest buyer shares an account with the ring
    assert all(row["attack"] == "ring" for row in small_history.rows if row["buyer"] in set(accounts))


def test_ring_accounts_were_created_within_three_weeks_in_the_full_columns():
    history = generate_history(HistoryOptions.at_scale("small", columns="full"))
    accounts = set(history.attack_accounts["ring"])
    since = {
        dt.date.fromisoformat(row["buyer_since"])
        for row in history.rows
        if row["buyer"] in accounts and row["buyer_since"]
    }
    assert since
    assert (max(since) - min(since)).days < 21


def test_slander_accounts_buy_once_from_a_good_seller_and_rate_it_one_star(small_history):
    target = small_history.target("slander")
    truth = small_history.truth()["sellers"]
    qualities = sorted(seller["true_quality"] for seller in truth.values())
    by_buyer = _rows_by_buyer(small_history.rows)

    assert truth[target]["true_quality"] >= qualities[3 * len(qualities) // 4 - 1]  # top quartile
    assert len(small_history.attack_accounts["slander"]) == SLANDER_ACCOUNTS
    for account in small_history.attack_accounts["slander"]:
        assert [row["seller"] for row in by_buyer[account]] == [target]
        assert by_buyer[account][0]["review_rating"] in ("", "1")


def test_a_reregistered_seller_opens_after_its_old_account_closes_with_the_same_poor_quality(small_history):
    newcomer = next(seller for seller in small_history.sellers if "reregistered" in seller.labels)
    old = next(seller for seller in small_history.sellers if seller.slug == newcomer.predecessor)
    placed = Counter(row["seller"] for row in small_history.rows)

    assert "abandoned" in old.labels
    assert newcomer.opens > old.closes
    assert newcomer.rates_start == old.rates_end
    assert newcomer.true_quality(SMALL.days) == pytest.approx(old.true_quality(SMALL.days), abs=0.02)
    assert placed[newcomer.slug] > 0
    assert newcomer.popularity < old.popularity  # a fresh identity starts with fewer buyers
    last_old_order = max(row["placed_at"] for row in small_history.rows if row["seller"] == old.slug)
    first_new_order = min(row["placed_at"] for row in small_history.rows if row["seller"] == newcomer.slug)
    assert last_old_order < first_new_order


def test_ratings_are_j_shaped_and_unhappy_buyers_review_more(small_history):
    ratings = Counter(row["review_rating"] for row in small_history.rows if row["review_rating"])
    delivered = [row for row in small_history.rows if row["delivered_at"]]
    returned = [row for row in delivered if row["return_reason"] == "not_as_described"]
    smooth = [row for row in delivered if not row["return_reason"]]

    assert ratings.most_common(1)[0][0] == "5"
    assert ratings["1"] > ratings["2"]  # the J: more 1★ than 2★
    assert sum(bool(row["review_rating"]) for row in returned) / len(returned) > sum(
        bool(row["review_rating"]) for row in smooth
    ) / len(smooth)


def test_legacy_columns_are_the_importers_and_full_columns_add_the_new_ones_and_lost_parcel_reviews():
    legacy = generate_history(HistoryOptions.at_scale("small", seed=3))
    full = generate_history(HistoryOptions.at_scale("small", seed=3, columns="full"))
    header = next(csv.reader(io.StringIO(history_csv(legacy.rows, "legacy"))))
    full_header = next(csv.reader(io.StringIO(history_csv(full.rows, "full"))))

    assert set(header) <= set(IMPORTER_COLUMNS)
    assert full_header == [*LEGACY_COLUMNS, *FULL_ONLY_COLUMNS]
    assert not [row for row in legacy.rows if row["review_rating"] and not row["delivered_at"]]
    lost = [row for row in full.rows if row["review_rating"] and not row["delivered_at"]]
    assert lost
    assert all(row["dispute_outcome"] == "buyer" and row["dispute_decided_at"] for row in lost)
    assert any(not row["carrier"] and row["tracking_number"] for row in legacy.rows)  # a column the old system lost


@pytest.mark.django_db
def test_the_whole_pipeline_scores_every_seller_and_the_scores_follow_the_truth(small_history):
    run = run_pipeline(small_history, name="with the attacks")

    assert run.orders == len(small_history.rows)
    assert run.reviews == sum(bool(row["review_rating"]) for row in small_history.rows)
    assert SellerTrust.objects.count() == len(small_history.sellers)
    assert {outcome.slug for outcome in run.outcomes} == {seller.slug for seller in small_history.sellers}
    measured = measures(run)
    assert measured.spearman_score > 0.3
    assert measured.spearman_storefront > 0
    assert sum(measured.tiers.values()) == len(small_history.sellers)
    assert run_from_dict(run_as_dict(run)) == run
    ring = placement(run, small_history.target("ring"))
    assert ring is not None
    assert 1 <= ring.rank_in_category <= ring.category_size


@pytest.mark.django_db
def test_simulate_independent_on_the_current_database_writes_its_own_report_section(tmp_path):
    report = tmp_path / "SIMULATION.md"
    report.write_text("# Simulation\n\n## Results\n\nclassic figures\n\n## Reading the figures\n\nprose\n")

    call_command(
        "simulate",
        generator="independent",
        scale="small",
        database="current",
        report=str(report),
        export=str(tmp_path),
        stdout=io.StringIO(),
        stderr=io.StringIO(),
    )

    text = report.read_text()
    assert "classic figures" in text
    assert text.index("## Reading the figures") < text.index(REPORT_MARKER)
    assert "| with the attacks |" in text
    assert (tmp_path / "history.csv").read_text().startswith("external_order_id,seller,buyer,")
    assert '"ring"' in (tmp_path / "truth.json").read_text()


@pytest.mark.django_db
def test_simulate_independent_refuses_a_database_that_has_sellers():
    from comptoir.testing.builders import make_seller

    make_seller()

    with pytest.raises(CommandError, match="without sellers"):
        call_command("simulate", generator="independent", scale="small", database="current", stdout=io.StringIO())


def test_spearman_top_ten_contamination_and_placement_on_a_hand_made_outcome():
    def outcome(slug: str, category: int, truth: float, storefront: float) -> SellerOutcome:
        return SellerOutcome(
            slug=slug,
            category=category,
            true_quality=truth,
            labels=(),
            score=storefront * 100,
            tier="good",
            visibility=1.0,
            satisfaction=50.0,
            mean_rating=None,
            reviews=0,
            orders=1,
            storefront=storefront,
        )

    # the worst seller by truth is first in the storefront
    run = PipelineRun(
        name="t",
        outcomes=[
            outcome("a", 0, 0.1, 0.9),
            outcome("b", 0, 0.5, 0.5),
            outcome("c", 1, 0.7, 0.6),
            outcome("d", 1, 0.9, 0.8),
        ],
        orders=4,
        reviews=0,
        enforcement={},
    )

    measured = measures(run)
    assert measured.top_overall_bottom_quartile == 1
    assert measured.top_category_bottom_quartile == 1
    assert measured.spearman_storefront == pytest.approx(rank_correlation([0.9, 0.5, 0.6, 0.8], [0.1, 0.5, 0.7, 0.9]))
    assert rank_correlation([1, 2, 3], [10, 20, 30]) == pytest.approx(1.0)
    assert rank_correlation([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert rank_correlation([1, 1, 2], [1, 2, 3]) == pytest.approx(0.8660254)  # ties share their average rank
    place = placement(run, "a")
    assert (place.rank_overall, place.rank_in_category, place.truth_rank_in_category) == (1, 1, 2)


def test_write_report_replaces_only_its_own_section(tmp_path):
    path = tmp_path / "doc.md"
    path.write_text(f"# T\n\n## Results\n\nA\n\n{REPORT_MARKER}\n\nold\n\n## After\n\nkeep\n")

    write_report(path, f"{REPORT_MARKER}\n\nnew\n", marker=REPORT_MARKER)

    assert path.read_text() == f"# T\n\n## Results\n\nA\n\n{REPORT_MARKER}\n\nnew\n\n## After\n\nkeep\n"

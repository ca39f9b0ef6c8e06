"""The index follows the domains through the event bus: offers and seller status by a reindexing task queued when
the writer's transaction commits, seller trust after the commit as one UPDATE of the trust copy per batch of sellers
(never a reindex)."""

import datetime as dt

import pytest
from django.db import connection, transaction
from django.tasks.signals import task_enqueued
from django.test.utils import CaptureQueriesContext

from comptoir.core import clock, events
from comptoir.offers.services import offer_create, offer_update
from comptoir.search import subscribers as hooks
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_reindex, search_seller_trust_refresh
from comptoir.search.tests.support import committed
from comptoir.sellers.services import seller_reinstate, seller_suspend
from comptoir.testing.builders import (
    make_category,
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
)
from comptoir.trust.domain.config import trust_config
from comptoir.trust.events import SellerTrustChanged
from comptoir.trust.models import SellerDailyStats, SellerTrust
from comptoir.trust.selectors import seller_trust_map
from comptoir.trust.services import seller_trust_tier_override, trust_recompute_all

NEWCOMER_FLOOR = float(trust_config()["visibility"]["new"])  # the visibility of a seller without evidence

pytestmark = pytest.mark.django_db
T0 = dt.datetime(2026, 3, 2, 9, 0, tzinfo=dt.UTC)
T1 = T0 + dt.timedelta(hours=1)
MONDAY = T0.date()
TRUST_COPY = (
    "ranked_seller_id",
    "seller_trust",
    "seller_satisfaction",
    "visibility_multiplier",
    "quality_base",
    "quality",
    "indexed_at",
)


def sellers_with_one_product_each(count: int, *, category=None):
    """`count` sellers, each with the same offer (price, shipping) on its own product of one category; indexed at T0."""
    category = category or make_category()
    pairs = []
    with clock.frozen_at(T0), committed():
        for _ in range(count):
            seller = make_seller()
            offer = make_offer(seller=seller, product=make_product(category=category), price_amount=2500)
            pairs.append((seller, offer.product))
    return category, pairs


def copy_of(product) -> dict:
    return SearchDocument.objects.values(*TRUST_COPY).get(product_id=product.pk)


def browse(category) -> list[int]:
    return [hit.product_id for hit in search_products(SearchQuery(category_id=category.pk), placed_on=MONDAY).hits]


def bad_days(seller, *, count: int = 40):
    """Enough poor facts (cancellations, defects, late and untracked shipments) for the batch recompute to rate the
    seller below standard."""
    SellerDailyStats.objects.bulk_create(
        [
            SellerDailyStats(
                seller=seller,
                day=MONDAY - dt.timedelta(days=offset),
                orders=5,
                cancelled_by_seller=1,
                defects=offset % 2,
                shipped=5,
                shipped_late=2,
                shipped_with_valid_tracking=4,
                delivered=5,
                delivered_on_time=3,
                returns=1,
                returns_not_as_described=1,
                reviews=2,
                review_weight_permille=1700,
                rating_weighted_sum_permille=1700 * 2,
                accept_seconds=[3600 * 30, 1800 + offset],
                response_seconds=[7200 + offset] if offset % 3 == 0 else [],
            )
            for offset in range(count)
        ]
    )


def good_days(seller, *, count: int = 40):
    SellerDailyStats.objects.bulk_create(
        [
            SellerDailyStats(
                seller=seller,
                day=MONDAY - dt.timedelta(days=offset),
                orders=5,
                shipped=5,
                shipped_late=int(offset % 7 == 0),
                shipped_with_valid_tracking=5,
                delivered=5,
                delivered_on_time=5,
                returns=1,
                reviews=2,
                review_weight_permille=1700,
                rating_weighted_sum_permille=1700 * 4,
                accept_seconds=[3600 * 2, 1800 + offset],
            )
            for offset in range(count)
        ]
    )


def test_a_tier_drop_then_rise_rewrites_the_trust_copy_and_the_browse_order_without_a_reindex(
    settings, django_capture_on_commit_callbacks
):
    # given two sellers with the same offer on two products of one category, indexed with neutral trust, and a browse
    # page that only reads the best stored quality (so a stale copy would show)
    category, ((first, first_product), (second, second_product)) = sellers_with_one_product_each(2)
    settings.COMPTOIR_SEARCH = {**settings.COMPTOIR_SEARCH, "candidate_limit": 1}
    assert (
        copy_of(first_product)["ranked_seller_id"] == first.pk
        and copy_of(first_product)["visibility_multiplier"] == NEWCOMER_FLOOR
    )
    assert browse(category) == [first_product.pk]  # equal quality: the lower product id
    operator = make_operator()
    # the second seller is an established one in good standing (a newcomer ranks below even a below-standard seller)
    with clock.frozen_at(T1), django_capture_on_commit_callbacks(execute=True):
        seller_trust_tier_override(seller_id=second.pk, actor=operator, tier="good", reason="Known seller, migrated")

    # when an operator drops the first seller to below standard
    with clock.frozen_at(T1), django_capture_on_commit_callbacks(execute=True):
        seller_trust_tier_override(
            seller_id=first.pk, actor=operator, tier="below_standard", reason="Counterfeits reported"
        )

    # then its document carries the seller's new trust and a lower quality, without being reindexed, and browsing
    # shows the other
    dropped, snapshot = copy_of(first_product), seller_trust_map([first.pk])[first.pk]
    assert dropped["visibility_multiplier"] == float(snapshot.visibility_multiplier) == 0.7
    assert dropped["seller_trust"] == float(snapshot.score)
    assert dropped["quality"] < copy_of(second_product)["quality"]
    assert dropped["indexed_at"] == T0
    assert browse(category) == [second_product.pk]

    # when the operator raises it to top rated
    with clock.frozen_at(T1), django_capture_on_commit_callbacks(execute=True):
        seller_trust_tier_override(
            seller_id=first.pk, actor=operator, tier="top_rated", reason="Known brand, history migrated"
        )

    # then it comes first again, and the stored values are those a full reindex computes
    raised = copy_of(first_product)
    assert (
        raised["visibility_multiplier"] == 1.2
        and raised["quality"] > copy_of(second_product)["quality"]
        and raised["indexed_at"] == T0
    )
    assert browse(category) == [first_product.pk]
    assert search_seller_trust_refresh(seller_ids=[first.pk, second.pk]) == 0  # already current: nothing rewritten
    with clock.frozen_at(T0):
        search_reindex()
    reindexed = copy_of(first_product)
    assert {name: pytest.approx(reindexed[name], abs=1e-12) for name in TRUST_COPY if name != "indexed_at"} == {
        name: raised[name] for name in TRUST_COPY if name != "indexed_at"
    }


@pytest.mark.django_db(
    transaction=True
)  # real commits: each chunk of the recompute is its own transaction, as in production
def test_the_batch_recompute_refreshes_the_index_with_one_task_and_a_few_statements_per_chunk():
    # given two identical groups of four indexed sellers (two with good facts, two with poor ones)
    category = make_category()
    groups = []
    for _ in range(2):
        _category, pairs = sellers_with_one_product_each(4, category=category)
        for index, (seller, _product) in enumerate(pairs):
            (good_days if index % 2 == 0 else bad_days)(seller)
        groups.append(pairs)
    quiet, followed = groups
    enqueued = []

    def count_refresh_tasks(sender, task_result, **kwargs):
        if task_result.task.module_path.endswith("search_seller_trust_refresh_task"):
            enqueued.append(task_result.args or task_result.kwargs)

    task_enqueued.connect(count_refresh_tasks)
    try:
        # when the first group is recomputed in chunks of two with the search subscriber detached, and the second
        # with it
        events.unsubscribe(SellerTrustChanged, hooks.on_sellers_trust_changed)
        try:
            with clock.frozen_at(T1), CaptureQueriesContext(connection) as without_search:
                trust_recompute_all(today=MONDAY, seller_ids=[seller.pk for seller, _product in quiet], chunk=2)
        finally:
            events.subscribe_batch(SellerTrustChanged, hooks.on_sellers_trust_changed)
        with clock.frozen_at(T1), CaptureQueriesContext(connection) as with_search:
            trust_recompute_all(today=MONDAY, seller_ids=[seller.pk for seller, _product in followed], chunk=2)
    finally:
        task_enqueued.disconnect(count_refresh_tasks)

    # then each chunk costs one task: three reads of trust and one UPDATE of the documents, never a reindex
    chunks = 2
    updates = [query["sql"] for query in with_search.captured_queries if "UPDATE search_searchdocument" in query["sql"]]
    assert len(enqueued) == chunks and len(updates) == chunks
    assert len(with_search.captured_queries) - len(without_search.captured_queries) <= 4 * chunks
    assert not any(
        "search_fts" in query["sql"] or "search_searchtext" in query["sql"] for query in with_search.captured_queries
    )
    # and the followed group's documents carry their sellers' new trust, the poor sellers' products now browsed last
    for seller, product in followed:
        snapshot, stored = seller_trust_map([seller.pk])[seller.pk], copy_of(product)
        assert (stored["seller_trust"], stored["visibility_multiplier"], stored["indexed_at"]) == (
            float(snapshot.score),
            float(snapshot.visibility_multiplier),
            T0,
        )
        assert stored["seller_satisfaction"] == float(SellerTrust.objects.get(seller=seller).satisfaction)
    tiers = {product.pk: seller_trust_map([seller.pk])[seller.pk].tier for seller, product in followed}
    assert sorted(tiers.values()).count("below_standard") == 2
    by_quality = list(
        SearchDocument.objects.filter(product_id__in=tiers).order_by("-quality").values_list("product_id", flat=True)
    )
    assert [tiers[product_id] == "below_standard" for product_id in by_quality] == [False, False, True, True]
    # while the group recomputed without the subscriber still shows its sellers' previous trust (what a stale index
    # looked like)
    assert all(
        copy_of(product)["seller_trust"] != float(SellerTrust.objects.get(seller=seller).score)
        for seller, product in quiet
    )


def test_the_refresh_costs_three_reads_and_one_update_per_thousand_sellers(django_assert_num_queries):
    # given 1,500 seller ids (most without trust rows, so neutral)
    seller_ids = range(1, 1501)
    # when their trust copy is refreshed, then three reads of trust and two UPDATEs run
    with django_assert_num_queries(5):
        assert search_seller_trust_refresh(seller_ids=seller_ids) == 0


def test_events_published_in_a_rolled_back_transaction_change_nothing(django_capture_on_commit_callbacks):
    # given an indexed seller
    _category, ((seller, product),) = sellers_with_one_product_each(1)
    offer = product.offers.get()
    before = SearchDocument.objects.values().get(product_id=product.pk)

    # when its tier drops and its price changes inside a transaction that is rolled back
    with (
        django_capture_on_commit_callbacks(execute=True) as callbacks,
        pytest.raises(RuntimeError),
        transaction.atomic(),
    ):
        seller_trust_tier_override(
            seller_id=seller.pk, actor=make_operator(), tier="below_standard", reason="Counterfeits reported"
        )
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"price_amount": 1000})
        # the reindexing waits for the commit: the writer's transaction does not touch the index
        assert SearchDocument.objects.get(product_id=product.pk).min_price == before["min_price"]
        raise RuntimeError("rolled back")

    # then no subscriber ran after it and the document is as before
    assert callbacks == []
    assert SearchDocument.objects.values().get(product_id=product.pk) == before


def test_a_paused_bulk_load_changes_nothing_until_the_reindex(django_capture_on_commit_callbacks):
    # given two indexed sellers
    category, ((suspended, suspended_product), (other, other_product)) = sellers_with_one_product_each(2)
    operator = make_operator()

    # when, with delivery paused (as the demo seeding and imports run), one gets a new offer and a tier drop and the
    # other is suspended
    with events.delivery_paused(), clock.frozen_at(T1), django_capture_on_commit_callbacks(execute=True):
        added = offer_create(
            seller=other,
            actor=None,
            product_id=make_product(category=category).pk,
            sku="PAUSED-1",
            price_amount=1500,
            currency="EUR",
            stock=3,
            shipping_profile_id=make_shipping_profile(other).pk,
        )
        seller_trust_tier_override(seller_id=other.pk, actor=operator, tier="below_standard", reason="Imported history")
        seller_suspend(seller_id=suspended.pk, actor=operator, reason="Imported decision")

    # then the index has not moved (a new seller without evidence sits at the newcomer's floor)
    assert not SearchDocument.objects.filter(product_id=added.product_id).exists()
    assert SearchDocument.objects.filter(product_id=suspended_product.pk).exists()
    assert copy_of(other_product)["visibility_multiplier"] == NEWCOMER_FLOOR

    # when the load ends with a reindex, then everything shows
    search_reindex()
    assert SearchDocument.objects.filter(product_id=added.product_id).exists()
    assert not SearchDocument.objects.filter(product_id=suspended_product.pk).exists()
    assert copy_of(other_product)["visibility_multiplier"] == 0.7


def test_a_suspension_removes_the_sellers_products_at_once_and_a_reinstatement_restores_them(
    django_capture_on_commit_callbacks,
):
    # given an indexed seller
    category, ((seller, product),) = sellers_with_one_product_each(1)
    operator = make_operator()
    # when it is suspended, then its product leaves the index and browsing once that commits, and a trust refresh does
    # not bring it back
    with django_capture_on_commit_callbacks(execute=True):
        seller_suspend(seller_id=seller.pk, actor=operator, reason="Unpaid fees")
    assert browse(category) == [] and not SearchDocument.objects.filter(product_id=product.pk).exists()
    with django_capture_on_commit_callbacks(execute=True):
        seller_trust_tier_override(seller_id=seller.pk, actor=operator, tier="top_rated", reason="Check")
    assert browse(category) == []
    # when it is reinstated, then its product is back with its current trust
    with django_capture_on_commit_callbacks(execute=True):
        seller_reinstate(seller_id=seller.pk, actor=operator, reason="Fees paid")
    assert browse(category) == [product.pk] and copy_of(product)["visibility_multiplier"] == 1.2


def test_a_stock_change_alone_leaves_the_index_alone_and_a_price_change_reindexes_on_commit():
    # given an indexed offer
    _category, ((seller, product),) = sellers_with_one_product_each(1)
    offer = product.offers.get()
    # when only its stock changes, then the document is not rewritten (the index holds no stock)
    with clock.frozen_at(T1), committed():
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"stock": 0})
    assert copy_of(product)["indexed_at"] == T0
    # when its price changes, then the product is reindexed when the change commits
    with clock.frozen_at(T1), committed():
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"price_amount": 1990})
    document = SearchDocument.objects.get(product_id=product.pk)
    assert (document.min_price, document.indexed_at) == (1990, T1)

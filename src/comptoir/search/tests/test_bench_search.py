"""The search benchmark's harness on a tiny catalog: bulk generation makes visible offers the index picks up, and
the measurement reports every query type."""

import pytest

import bench.search
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.services import search_reindex
from comptoir.sellers.models import Seller, SellerStatus

pytestmark = pytest.mark.django_db


def test_generated_catalog_is_indexed_searchable_and_measured():
    # given a generated catalog of 200 offers (50 products, 4 offers each from distinct bulk-created sellers)
    figures = bench.search.generate(offers=200, log=lambda line: None)
    report = search_reindex()
    # then every product has a visible offer and a document, and the sellers are verified
    assert (figures["products"], figures["offers"], figures["sellers"]) == (50, 200, 120)
    assert report.documents == 50 == SearchDocument.objects.count()
    assert Seller.objects.filter(status=SellerStatus.VERIFIED).count() == 120
    # and a brand of the vocabulary finds products, each hit explained
    hits = [
        hit
        for brand in bench.search.BRANDS
        for hit in search_products(SearchQuery(text=brand), placed_on=bench.search.dt.date(2026, 3, 2)).hits
    ]
    assert hits and all(hit.explanation.factors for hit in hits[:5])
    # when measured with two queries per type
    queries = bench.search.measure(root_ids=figures["root_ids"], repeats=2)
    # then every query type has its percentiles
    assert set(queries) == {
        "single word",
        "two words",
        "brand",
        "word + category",
        "word + facets",
        "category browse (no text)",
    }
    assert all(values["p95_ms"] >= values["p50_ms"] > 0 for values in queries.values())

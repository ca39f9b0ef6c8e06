"""The checkout's offers read and the VAT rates: the class rows and the category rows come back together, and the
empty category is written into the SQL, not bound (both unique indexes on VAT rates are partial on `category = ''`;
SQLite re-prepares a statement at every execution when a bound value decides whether a partial index applies)."""

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from comptoir.orders.checkout_reads import offers_for_checkout, vat_rates_of
from comptoir.taxes.models import VatRate
from comptoir.testing.builders import make_offer

pytestmark = pytest.mark.django_db


def rate(country, tax_class, rate_bp, category=""):
    return VatRate.objects.create(
        country=country,
        tax_class=tax_class,
        category=category,
        rate_bp=rate_bp,
        valid_from=dt.date(2024, 1, 1),
        source="test",
        imported_at=dt.datetime(2026, 1, 1, tzinfo=dt.UTC),
    )


def test_the_offer_read_brings_the_class_rows_and_the_product_category_rows_only():
    offer = make_offer()
    offer.product.tax_category = "books"
    offer.product.save(update_fields=["tax_category"])
    country = offer.seller.country
    rate(country, "standard", 2000)
    rate(country, "reduced", 550)  # another class of the same country: not the product's
    rate(country, "reduced", 550, category="books")
    rate(country, "zero", 0, category="childrens_clothing")  # another category
    rate("DE", "standard", 1900)  # the destination

    with CaptureQueriesContext(connection) as queries:
        (read,) = offers_for_checkout([offer.pk], destination="DE")

    got = sorted((r.country, r.tax_class, r.category) for r in vat_rates_of(read))
    assert got == [("DE", "standard", ""), (country, "reduced", "books"), (country, "standard", "")]
    statement = next(q["sql"] for q in queries.captured_queries if '"taxes_vatrate"' in q["sql"])
    assert "\"category\" = ('')" in statement  # a literal, never a bound parameter

"""Every file of ../shared/data's Shopify, WooCommerce, PrestaShop and Magento folders (SOURCES.md), imported.

The expected counts are read from the files here, with the csv module and ElementTree and the formats' own rules,
independently of the parsers; they are also written out, so a change in the files shows. Catalog files import
(dry run, commit, DB counts); every other file of those folders gets a report naming what it is and imports nothing."""

import csv
import io
import xml.etree.ElementTree as ET
from collections import Counter

import pytest

from comptoir.catalog.models import Product
from comptoir.connectors.domain.formats import parse
from comptoir.connectors.domain.report import Analyser
from comptoir.connectors.models import ImportJob
from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
from comptoir.connectors.tests.shared_data import shared_data_dir, shared_file
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_seller, make_shipping_profile


def rows(path, delimiter=","):
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return [
            row for row in csv.DictReader(handle, delimiter=delimiter) if any((v or "").strip() for v in row.values())
        ]


def count_shopify(path):
    by_handle: dict[str, list[dict]] = {}
    for row in rows(path):
        by_handle.setdefault(row["Handle"], []).append(row)
    products = variants = offers = 0
    for group in by_handle.values():
        priced = [row for row in group if row["Variant Price"]]
        products += 1
        offers += len(priced)
        if group[0]["Option1 Name"] not in ("", "Title") or len(priced) > 1:
            variants += len(priced)
    return products, variants, offers


def count_woocommerce(path):
    types = Counter(row["Type"].split(",")[0].strip() for row in rows(path))
    return types["simple"] + types["variable"], types["variation"], types["simple"] + types["variation"]


def count_wxr(path):
    wp = "{http://wordpress.org/export/1.2/}"
    kinds = Counter()
    for item in ET.parse(path).getroot().iter("item"):
        post_type = item.findtext(f"{wp}post_type")
        if post_type == "product_variation":
            kinds["variation"] += 1
        elif post_type == "product":
            kinds[next(c.text for c in item.findall("category") if c.get("domain") == "product_type")] += 1
    return kinds["simple"] + kinds["variable"], kinds["variation"], kinds["simple"] + kinds["variation"]


def count_prestashop(products_path, combinations_path):
    products = rows(products_path, ";")
    combinations = rows(combinations_path, ";")
    # A combination repeating an earlier one's options, or its reference, is skipped (reported).
    seen_options, seen_references, variants = set(), set(), 0
    for row in combinations:
        options = (row["Product ID*"], row["Value (Value:Position)*"])
        if options in seen_options or row["Reference"] in seen_references:
            seen_options.add(options)
            continue
        seen_options.add(options)
        seen_references.add(row["Reference"])
        variants += 1
    with_combinations = {row["Product ID*"] for row in combinations}
    simple = sum(1 for row in products if row["Product ID"] not in with_combinations)
    return len(products), variants, simple + variants


def count_magento(path, *companions):
    types = Counter(row["product_type"] for row in rows(path) if not row["store_view_code"])
    return types["simple"] + types["virtual"] + types["configurable"], 0, types["simple"] + types["virtual"]


# (folder, file, format, companions, independent counter, counts written out: products, variants, offers)
CATALOG_FILES = [
    ("shopify", "product_template.csv", "shopify", {}, count_shopify, (3, 15, 16)),
    ("shopify", "Product-data.csv", "shopify", {}, count_shopify, (20, 2, 21)),
    ("woocommerce", "sample_products.csv", "woocommerce", {}, count_woocommerce, (16, 7, 21)),
    ("woocommerce", "sample_products.xml", "woocommerce-wxr", {}, count_wxr, (16, 7, 21)),
    (
        "prestashop",
        "products_import.csv",
        "prestashop",
        {"combinations": "combinations_import.csv"},
        count_prestashop,
        (7, 25, 28),
    ),
    (
        "magento2",
        "catalog_product.csv",
        "magento",
        {"stock_sources": "stock_sources.csv", "advanced_pricing": "advanced_pricing.csv"},
        count_magento,
        (3, 0, 3),
    ),
]
# Every other file of the four folders, with the format it is given as and the kind its report must name.
OTHER_FILES = [
    ("woocommerce", "sample_tax_rates.csv", "woocommerce", "WooCommerce tax rates"),
    ("prestashop", "addresses_import.csv", "prestashop", "PrestaShop addresses"),
    ("prestashop", "alias_import.csv", "prestashop", "PrestaShop search aliases"),
    ("prestashop", "brands_import.csv", "prestashop", "PrestaShop brands"),
    ("prestashop", "categories_import.csv", "prestashop", "PrestaShop categories"),
    ("prestashop", "combinations_import.csv", "prestashop", "PrestaShop combinations"),
    ("prestashop", "customers_import.csv", "prestashop", "PrestaShop customers"),
    ("prestashop", "store_contacts.csv", "prestashop", "PrestaShop store contacts"),
    ("prestashop", "suppliers_import.csv", "prestashop", "PrestaShop suppliers"),
    ("prestashop", "supply_orders_details_import.csv", "prestashop", "PrestaShop supply order details"),
    ("prestashop", "supply_orders_import.csv", "prestashop", "PrestaShop supply orders"),
    ("magento2", "advanced_pricing.csv", "magento", "Magento advanced pricing"),
    ("magento2", "stock_sources.csv", "magento", "Magento stock sources"),
    ("magento2", "customer.csv", "magento", "Magento customers"),
    ("magento2", "customer_address.csv", "magento", "Magento customer"),
    ("magento2", "customer_composite.csv", "magento", "Magento customers"),
    ("magento2", "customer_finance.csv", "magento", "Magento customer"),
]
NOT_DATA = {"LICENSE.Packt-MIT", "LICENSE.PrestaShop.md", "README.md", "LICENSE.OSL-3.0.txt", "LICENSE.AFL-3.0.txt"}


@pytest.fixture
def seller(db):
    seller = make_seller()
    make_shipping_profile(seller, currency="EUR")
    return seller


def test_every_file_of_the_four_folders_is_covered():
    root = shared_data_dir()
    if not root.is_dir():
        pytest.skip(f"{root} is absent")
    listed = {(folder, name) for folder, name, *_ in CATALOG_FILES} | {(f, n) for f, n, *_ in OTHER_FILES}
    present = {
        (folder, path.name)
        for folder in ("shopify", "woocommerce", "prestashop", "magento2")
        for path in (root / folder).iterdir()
        if path.name not in NOT_DATA
    }
    assert present == listed


def _upload(seller, folder, name, format_name, companions, default_category):
    path = shared_file(folder, name)
    return import_job_create(
        seller=seller,
        actor=None,
        format_name=format_name,
        file=io.BytesIO(path.read_bytes()),
        file_name=name,
        companions={key: io.BytesIO(shared_file(folder, value).read_bytes()) for key, value in companions.items()},
        options=ImportOptions(default_category_id=default_category.pk),
    )


@pytest.mark.parametrize(("folder", "name", "format_name", "companions", "counter", "expected"), CATALOG_FILES)
def test_a_catalog_file_imports_with_the_counts_read_from_it(
    seller, folder, name, format_name, companions, counter, expected
):
    paths = [shared_file(folder, name), *(shared_file(folder, value) for value in companions.values())]
    assert counter(*paths) == expected
    products, variants, offers = expected
    job = _upload(seller, folder, name, format_name, companions, make_category("Imported"))
    report = job.report
    assert job.status == ImportJob.Status.ANALYSED, report["errors"]
    assert (report["products"], report["variants"], report["offers"]) == expected
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert Offer.objects.filter(seller=seller).count() == offers
    assert Product.objects.filter(created_by_seller=seller, parent__isnull=True).count() == products
    assert Product.objects.filter(created_by_seller=seller, parent__isnull=False).count() == variants
    assert not Offer.objects.filter(product__variants__isnull=False).exists()


@pytest.mark.parametrize(("folder", "name", "format_name", "kind"), OTHER_FILES)
def test_a_file_that_is_not_a_catalog_gets_a_report_naming_what_it_is(folder, name, format_name, kind):
    path = shared_file(folder, name)
    analyser = Analyser(format_name=format_name, currency="EUR", max_price_minor=10**9)
    for item in parse(format_name, lambda: path.open("rb")):
        analyser.accept(item)
    report = analyser.report
    assert (report.error_count, report.offers, report.products) == (1, 0, 0)
    assert report.errors[0]["code"] == "missing_columns"
    assert kind in report.errors[0]["message"]


def test_a_file_that_is_not_a_catalog_imports_nothing(seller):
    job = _upload(seller, "prestashop", "customers_import.csv", "prestashop", {}, make_category("Imported"))
    assert job.status == ImportJob.Status.INVALID
    assert "PrestaShop customers" in job.report["errors"][0]["message"]
    with pytest.raises(Exception, match="nothing was imported"):
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert not Offer.objects.filter(seller=seller).exists()
    assert not Product.objects.filter(created_by_seller=seller).exists()

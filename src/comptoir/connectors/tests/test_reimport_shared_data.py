"""Re-importing every catalog file of ../shared/data: the same file twice changes nothing (no row written: every
`updated_at` stays, no picture recorded twice); a newer export with one price, one stock and one title changed updates
exactly those. Counts asserted for each format."""

import csv
import io
import xml.etree.ElementTree as ET
from decimal import Decimal

import pytest

from comptoir.catalog.models import Product
from comptoir.connectors.models import ImportedFamily, ImportedPicture, ImportJob
from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
from comptoir.connectors.tests.shared_data import shared_file
from comptoir.core.models import AuditLog
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db

MARKER = "Renamed by the shop"


def _numeric(value):
    return (value or "").strip().replace(".", "", 1).isdigit()


def retitle_csv(content, *, delimiter, title):
    text = content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    title_row = next(row for row in rows if row[title])
    title_row[title] = f"{MARKER} {title_row[title]}"
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=reader.fieldnames, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode()


def mutate_prestashop(files):
    files["combinations"] = mutate_csv(
        files["combinations"], delimiter=";", price="Impact on price", stock="Quantity", title=None, sold=lambda r: 1
    )
    files["file"] = retitle_csv(files["file"], delimiter=";", title="Name *")
    return files


def on(target, change):
    def mutation(files):
        files[target] = change(files[target])
        return files

    return mutation


def mutate_csv(content, *, delimiter, price, stock, title, sold):
    """The file with the first sold row's price raised by one, the first sold row's stock raised by three and the
    first titled row's title changed."""
    text = content.decode("utf-8-sig")
    reader = csv.DictReader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = list(reader)
    price_row = next(row for row in rows if sold(row) and _numeric(row[price]))
    price_row[price] = str(int(Decimal(price_row[price])) + 1)
    # A blank stock is one the shop does not count (imported as the untracked stock, 0 here).
    stock_target = next(row for row in rows if sold(row) and (row[stock] or "0").strip().isdigit())
    stock_target[stock] = str(int(stock_target[stock] or 0) + 3)
    if title is not None:
        title_row = next(row for row in rows if row[title])
        title_row[title] = f"{MARKER} {title_row[title]}"
    output = io.StringIO(newline="")
    writer = csv.DictWriter(output, fieldnames=reader.fieldnames, delimiter=delimiter, extrasaction="ignore")
    writer.writeheader()
    writer.writerows(rows)
    return output.getvalue().encode()


WP = "{http://wordpress.org/export/1.2/}"


def mutate_wxr(content):
    root = ET.fromstring(content)
    items = [item for item in root.iter("item") if item.findtext(f"{WP}post_type") in ("product", "product_variation")]

    def meta(item):
        return {m.findtext(f"{WP}meta_key"): m.find(f"{WP}meta_value") for m in item.findall(f"{WP}postmeta")}

    priced = next(
        meta(item)
        for item in items
        if _numeric(meta(item).get("_regular_price").text if meta(item).get("_regular_price") is not None else "")
        and not (meta(item).get("_sale_price") is not None and meta(item)["_sale_price"].text)
    )
    priced["_regular_price"].text = str(int(Decimal(priced["_regular_price"].text)) + 1)
    # No product of the sample counts its stock: the first sold one starts to (3 units instead of the untracked 0).
    stocked = next(
        item
        for item in items
        if item.findtext(f"{WP}post_type") == "product_variation"
        or (meta(item).get("_regular_price") is not None and meta(item)["_regular_price"].text)
    )
    for key, value in (("_manage_stock", "yes"), ("_stock", "3")):
        if key in meta(stocked):
            meta(stocked)[key].text = value
        else:
            entry = ET.SubElement(stocked, f"{WP}postmeta")
            ET.SubElement(entry, f"{WP}meta_key").text = key
            ET.SubElement(entry, f"{WP}meta_value").text = value
    titled = items[0].find("title")
    titled.text = f"{MARKER} {titled.text}"
    return ET.tostring(root, encoding="utf-8", xml_declaration=True)


def _sold_shopify(row):
    return bool(row["Variant Price"])


def _sold_woocommerce(row):
    return row["Type"] in ("simple", "variation") and not row["Sale price"]


# (folder, file, format, companions, offers, products, variants, the mutation: (file to change, function))
FILES = [
    (
        "shopify",
        "product_template.csv",
        "shopify",
        {},
        (16, 3, 15),
        on("file", lambda c: mutate_csv(c, delimiter=",", price="Variant Price", stock="Variant Inventory Qty",
                                      title="Title", sold=_sold_shopify)),
    ),
    (
        "shopify",
        "Product-data.csv",
        "shopify",
        {},
        (21, 20, 2),
        on("file", lambda c: mutate_csv(c, delimiter=",", price="Variant Price", stock="Variant Inventory Qty",
                                      title="Title", sold=_sold_shopify)),
    ),
    (
        "woocommerce",
        "sample_products.csv",
        "woocommerce",
        {},
        (21, 16, 7),
        on("file", lambda c: mutate_csv(c, delimiter=",", price="Regular price", stock="Stock", title="Name",
                                      sold=_sold_woocommerce)),
    ),
    ("woocommerce", "sample_products.xml", "woocommerce-wxr", {}, (21, 16, 7), on("file", mutate_wxr)),
    (
        "prestashop",
        "products_import.csv",
        "prestashop",
        {"combinations": "combinations_import.csv"},
        (28, 7, 25),
        mutate_prestashop,
    ),
    (
        "magento2",
        "catalog_product.csv",
        "magento",
        {"stock_sources": "stock_sources.csv", "advanced_pricing": "advanced_pricing.csv"},
        (3, 3, 0),
        on("file", lambda c: mutate_csv(c, delimiter=",", price="price", stock="qty", title="name",
                                      sold=lambda row: row["product_type"] == "simple")),
    ),
]  # fmt: skip


@pytest.fixture
def seller():
    seller = make_seller()
    make_shipping_profile(seller, currency="EUR")
    return seller


def _upload(seller, format_name, files, category):
    main = files.pop("file")
    return import_job_create(
        seller=seller,
        actor=None,
        format_name=format_name,
        file=io.BytesIO(main),
        file_name="export",
        companions={name: io.BytesIO(content) for name, content in files.items()},
        options=ImportOptions(default_category_id=category.pk),
    )


def _again(job):
    """The same stored files, as a new job (uploading them again would return the committed job)."""
    return ImportJob.objects.create(
        seller=job.seller,
        format=job.format,
        file=job.file.name,
        file_name=job.file_name,
        file_sha256=f"again-{job.pk}",
        companions=job.companions,
        options=job.options,
        report=job.report,
        progress_total=job.progress_total,
    )


def snapshot(seller):
    offers = {
        offer.sku: (offer.product_id, offer.price_amount, offer.stock, offer.is_active, offer.updated_at)
        for offer in Offer.objects.filter(seller=seller)
    }
    products = {
        product.pk: (
            product.title,
            product.description,
            product.option_names,
            product.option_values,
            product.updated_at,
        )
        for product in Product.objects.filter(created_by_seller=seller)
    }
    pictures = sorted(ImportedPicture.objects.filter(seller=seller).values_list("product_id", "url", "position"))
    return offers, products, pictures, ImportedFamily.objects.filter(seller=seller).count()


@pytest.mark.parametrize(("folder", "name", "format_name", "companions", "counts", "mutation"), FILES)
def test_reimporting_changes_nothing_and_a_newer_export_updates_only_what_changed(
    seller, folder, name, format_name, companions, counts, mutation
):
    # given the shop's export imported once
    category = make_category("Imported")
    files = {"file": shared_file(folder, name).read_bytes()}
    files |= {key: shared_file(folder, value).read_bytes() for key, value in companions.items()}
    job = _upload(seller, format_name, dict(files), category)
    assert job.status == ImportJob.Status.ANALYSED, job.report["errors"]
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    offers_count, products_count, variants_count = counts
    assert Offer.objects.filter(seller=seller).count() == offers_count
    assert Product.objects.filter(created_by_seller=seller, parent__isnull=True).count() == products_count
    assert Product.objects.filter(created_by_seller=seller, parent__isnull=False).count() == variants_count
    before = snapshot(seller)
    audit_rows = AuditLog.objects.count()

    # when the same files are imported again
    again = _again(job)
    import_job_commit(seller=seller, actor=None, job_id=again.pk)

    # then nothing changed: not one row written but the job's own audit row
    assert snapshot(seller) == before
    assert AuditLog.objects.count() == audit_rows + 1

    # when a newer export changes one price, one stock and one title
    files = mutation(files)
    newer = _upload(seller, format_name, dict(files), category)
    assert newer.status == ImportJob.Status.ANALYSED, newer.report["errors"]
    assert (newer.report["offers_new"], newer.report["offers_updated"]) == (0, offers_count)
    import_job_commit(seller=seller, actor=None, job_id=newer.pk)

    # then exactly those changed
    offers, products, pictures, families = snapshot(seller)
    old_offers, old_products, old_pictures, old_families = before
    assert (set(offers), pictures, families) == (set(old_offers), old_pictures, old_families)
    price_changed = [sku for sku in offers if offers[sku][1] != old_offers[sku][1]]
    stock_changed = [sku for sku in offers if offers[sku][2] != old_offers[sku][2]]
    assert len(price_changed) == 1
    assert len(stock_changed) == 1
    for sku in offers:
        if sku not in price_changed and sku not in stock_changed:
            assert offers[sku] == old_offers[sku]
    renamed = [pk for pk in products if products[pk][0] != old_products[pk][0]]
    assert renamed
    for pk, values in products.items():
        if pk in renamed:
            assert MARKER in values[0] or values[0] != old_products[pk][0]
        else:
            assert values == old_products[pk]

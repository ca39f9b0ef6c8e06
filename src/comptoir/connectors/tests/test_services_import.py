"""The dry run and the commit: all or nothing, idempotent, keyed by seller and SKU, GTIN matches attach offers."""

import io

import pytest

from comptoir.catalog.models import Product, ProductImage
from comptoir.connectors.models import ImportedFamily, ImportedPicture, ImportJob
from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db

SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
    "Variant Inventory Qty,Variant Barcode,Image Src,Status\n"
    "tee,Tee,<p>Soft</p>,Acme,Apparel > Shirts,Size,S,TEE-S,10.00,3,,https://x/tee.jpg,active\n"
    "tee,,,,,,M,TEE-M,11.00,4,,,\n"
    "mug,Mug,,Acme,Kitchen,Title,Default Title,MUG,5.50,7,4006381333931,,active\n"
)


@pytest.fixture
def seller():
    seller = make_seller()
    make_shipping_profile(seller)
    return seller


@pytest.fixture
def shirts():
    return make_category("Shirts")


def upload(seller, text, *, format_name="shopify", default_category=None, name="products.csv"):
    options = ImportOptions(default_category_id=default_category.pk if default_category else None)
    return import_job_create(
        seller=seller,
        actor=None,
        format_name=format_name,
        file=io.BytesIO(text.encode()),
        file_name=name,
        options=options,
    )


def test_the_dry_run_reports_and_writes_nothing_but_the_job(seller, shirts):
    kitchen = make_category("Kitchen")
    job = upload(seller, SHOPIFY)
    report = job.report
    assert job.status == ImportJob.Status.ANALYSED
    assert (report["products"], report["families"], report["variants"], report["offers"]) == (2, 1, 2, 3)
    assert report["category_mapping"] == {"Apparel > Shirts": "Shirts", "Kitchen": "Kitchen"}
    assert report["offers_new"] == 3
    assert Offer.objects.count() == 0
    assert not Product.objects.filter(category__in=[shirts, kitchen]).exists()


def test_the_commit_creates_the_family_its_variants_and_the_offers(seller, shirts):
    make_category("Kitchen")
    job = upload(seller, SHOPIFY)
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    family = Product.objects.get(option_names=["Size"])
    assert (family.title, family.description, family.category, family.created_by_seller) == (
        "Tee", "Soft", shirts, seller
    )  # fmt: skip
    variants = {variant.option_values["Size"]: variant for variant in family.variants.all()}
    assert set(variants) == {"S", "M"}
    small = Offer.objects.get(seller=seller, sku="TEE-S")
    assert (small.product, small.price_amount, small.currency, small.stock) == (variants["S"], 1000, "EUR", 3)
    assert not Offer.objects.filter(product=family).exists()  # never on a family that has variants
    picture = ImportedPicture.objects.get(product=family)  # fetched by a worker after the commit
    assert (picture.url, picture.status, picture.seller) == (
        "https://x/tee.jpg",
        ImportedPicture.Status.PENDING,
        seller,
    )
    assert not ProductImage.objects.exists()
    assert Product.objects.get(gtin="04006381333931").title == "Mug"
    job.refresh_from_db()
    assert job.status == ImportJob.Status.COMMITTED


def test_importing_the_same_file_twice_changes_nothing_and_a_newer_file_updates_price_stock_and_text(seller, shirts):
    make_category("Kitchen")
    import_job_commit(seller=seller, actor=None, job_id=upload(seller, SHOPIFY).pk)
    counts = (Product.objects.count(), Offer.objects.count(), ImportedPicture.objects.count())
    job = upload(seller, SHOPIFY)
    assert job.status == ImportJob.Status.COMMITTED  # the same file with the same options: the same job
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert (Product.objects.count(), Offer.objects.count(), ImportedPicture.objects.count()) == counts
    newer = SHOPIFY.replace("TEE-S,10.00,3", "TEE-S,12.00,9").replace("<p>Soft</p>", "<p>Softer</p>")
    job = upload(seller, newer)
    assert (job.report["offers_new"], job.report["offers_updated"]) == (0, 3)
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert (Product.objects.count(), Offer.objects.count(), ImportedPicture.objects.count()) == counts
    small = Offer.objects.get(seller=seller, sku="TEE-S")
    assert (small.price_amount, small.stock) == (1200, 9)
    assert Product.objects.get(option_names=["Size"]).description == "Softer"
    assert ImportedFamily.objects.filter(seller=seller).count() == 1


def test_committing_a_job_again_is_idempotent(seller, shirts):
    make_category("Kitchen")
    job = upload(seller, SHOPIFY)
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    again = import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert again.status == ImportJob.Status.COMMITTED
    assert Offer.objects.count() == 3


def test_an_offer_attaches_to_the_catalog_product_with_the_same_gtin(seller, shirts):
    kitchen = make_category("Kitchen")
    existing = make_product("Ceramic mug by its maker", category=kitchen, gtin="4006381333931")
    job = upload(seller, SHOPIFY)
    assert job.report["gtin_matches"] == 1
    assert job.report["gtin_match_examples"][0]["product_id"] == existing.pk
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    mug = Offer.objects.get(seller=seller, sku="MUG")
    assert mug.product == existing
    existing.refresh_from_db()
    assert existing.title == "Ceramic mug by its maker"  # another's product keeps its text
    assert Product.objects.filter(gtin="04006381333931").count() == 1


def test_a_malformed_file_gives_a_report_by_line_and_column_and_imports_nothing(seller, shirts):
    make_category("Kitchen")
    broken = SHOPIFY + "hat,Hat,,Acme,Kitchen,Title,Default Title,HAT,twelve,1,,,active\n"
    job = upload(seller, broken)
    assert job.status == ImportJob.Status.INVALID
    [error] = job.report["errors"]
    assert (error["line"], error["column"]) == (5, "Variant Price")
    with pytest.raises(ValidationError) as raised:
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert raised.value.code == "import_invalid"
    assert (Product.objects.count(), Offer.objects.count(), ImportedFamily.objects.count()) == (0, 0, 0)


def test_products_in_an_unknown_category_need_a_default_category(seller, shirts):
    job = upload(seller, SHOPIFY)  # no "Kitchen" category
    assert job.status == ImportJob.Status.INVALID
    assert job.report["errors"][0]["code"] == "category_unmapped"
    fallback = make_category("Everything else")
    job = upload(seller, SHOPIFY, default_category=fallback)
    assert job.status == ImportJob.Status.ANALYSED
    assert job.report["category_mapping"]["Kitchen"] == "Everything else"


def test_a_seller_never_commits_or_updates_another_sellers_import(seller, shirts):
    make_category("Kitchen")
    other = make_seller()
    make_shipping_profile(other)
    job = upload(seller, SHOPIFY)
    with pytest.raises(NotFound):
        import_job_commit(seller=other, actor=None, job_id=job.pk)
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    theirs = upload(other, SHOPIFY.replace("10.00", "99.00"))
    assert theirs.report["offers_new"] == 3  # keyed by seller and SKU: the same SKUs are new for them
    import_job_commit(seller=other, actor=None, job_id=theirs.pk)
    assert Offer.objects.get(seller=seller, sku="TEE-S").price_amount == 1000
    assert Offer.objects.get(seller=other, sku="TEE-S").price_amount == 9900
    # The other seller's family is its own; the mug (GTIN) is shared and offered by both.
    assert (
        ImportedFamily.objects.filter(seller=other).get().product != ImportedFamily.objects.get(seller=seller).product
    )
    assert Offer.objects.filter(sku="MUG").values("product").distinct().count() == 1


def test_a_gtin_the_seller_already_offers_under_another_sku_is_an_error(seller, shirts):
    kitchen = make_category("Kitchen")
    mug = make_product("Mug", category=kitchen, gtin="4006381333931")
    make_offer(seller=seller, product=mug, sku="OLD-MUG")
    job = upload(seller, SHOPIFY)
    assert job.status == ImportJob.Status.INVALID
    assert job.report["errors"][0]["code"] == "gtin_already_offered"


def test_an_unknown_format_is_refused(seller):
    with pytest.raises(ValidationError) as raised:
        upload(seller, SHOPIFY, format_name="ebay")
    assert raised.value.code == "import_unknown_format"


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"Handle,Title,Variant Price\n\xff\xfe,broken,1\n", "encoding"),
        (b'Handle,Title,Variant Price\nhat,"' + b"x" * 200_000 + b'",1\n', "malformed_csv"),
        (b"", "empty_file"),
    ],
)
def test_unreadable_files_are_reports_not_crashes(seller, content, code):
    job = import_job_create(
        seller=seller, actor=None, format_name="shopify", file=io.BytesIO(content), file_name="x.csv"
    )
    assert job.status == ImportJob.Status.INVALID
    assert job.report["errors"][0]["code"] == code


def test_a_catalog_change_between_the_dry_run_and_the_commit_is_caught_and_nothing_is_written(seller, shirts):
    kitchen = make_category("Kitchen")
    job = upload(seller, SHOPIFY)
    assert job.status == ImportJob.Status.ANALYSED
    # Meanwhile the seller lists the mug by hand under another SKU: the file's MUG would be a second offer on it.
    mug = make_product("Mug", category=kitchen, gtin="4006381333931")
    make_offer(seller=seller, product=mug, sku="HAND-MUG")
    with pytest.raises(ValidationError):
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert job.report["errors"][0]["code"] == "gtin_already_offered"
    assert list(Offer.objects.filter(seller=seller).values_list("sku", flat=True)) == ["HAND-MUG"]
    assert not ImportedFamily.objects.exists()


def test_variants_that_do_not_all_give_every_option_are_an_error_of_the_dry_run(seller, shirts):
    partial = (
        "Handle,Title,Product Category,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
        "Variant SKU,Variant Price\n"
        "tee,Tee,Apparel > Shirts,Size,S,Colour,Red,TEE-S,10.00\n"
        "tee,,,,M,,,TEE-M,11.00\n"
    )
    job = upload(seller, partial)
    assert job.status == ImportJob.Status.INVALID
    [error] = job.report["errors"]
    assert (error["code"], error["line"]) == ("variant_options_incomplete", 2)
    assert "Colour" in error["message"]


def test_the_commit_sends_far_fewer_statements_than_rows(seller, shirts, django_assert_max_num_queries):
    # given a file of 600 variants in 120 families, and 200 products without variants
    lines = ["Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty"]
    for family in range(120):
        for size in ("XS", "S", "M", "L", "XL"):
            first = size == "XS"
            lines.append(
                f"f{family},{'Tee ' + str(family) if first else ''},{'Shirts' if first else ''},"
                f"{'Size' if first else ''},{size},F{family}-{size},19.90,4"
            )
    lines += [f"p{n},Mug {n},Shirts,Title,Default Title,P{n},5.00,2" for n in range(200)]
    job = upload(seller, "\n".join(lines) + "\n")
    assert job.status == ImportJob.Status.ANALYSED, job.report["errors"]
    # when it is committed, then 800 offers cost a few dozen statements (checks, then one bulk call per kind)
    with django_assert_max_num_queries(60):
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    assert Offer.objects.filter(seller=seller).count() == 800
    assert Product.objects.filter(created_by_seller=seller, parent__isnull=False).count() == 600


TEE_BY_SIZE = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
    "Variant Inventory Qty,Status\n"
    "tee,Tee,Soft,Acme,Apparel > Shirts,Size,S,TEE-S,10.00,3,active\n"
    "tee,,,,,,M,TEE-M,11.00,4,\n"
    "tee,,,,,,L,TEE-L,12.00,5,\n"
)
TEE_BY_SIZE_AND_COLOUR = (
    "Handle,Title,Body (HTML),Vendor,Product Category,Option1 Name,Option1 Value,Option2 Name,Option2 Value,"
    "Variant SKU,Variant Price,Variant Inventory Qty,Status\n"
    "tee,Tee,Soft,Acme,Apparel > Shirts,Size,S,Colour,Red,TEE-S,10.00,3,active\n"
    "tee,,,,,,S,,Blue,TEE-S-BLUE,10.00,2,\n"
    "tee,,,,,,M,,Blue,TEE-M,11.00,4,\n"
)


def test_a_family_that_gains_an_option_group_keeps_its_variants_and_offers_and_gets_the_new_combinations(
    seller, shirts
):
    import_job_commit(seller=seller, actor=None, job_id=upload(seller, TEE_BY_SIZE).pk)
    family = Product.objects.get(option_names=["Size"])
    before = {offer.sku: (offer.pk, offer.product_id) for offer in Offer.objects.filter(seller=seller)}

    job = upload(seller, TEE_BY_SIZE_AND_COLOUR, name="newer.csv")

    assert job.status == ImportJob.Status.ANALYSED
    assert job.report["families_restructured"] == 1
    assert [warning["code"] for warning in job.report["warnings"]] == ["family_options_added"]
    assert "Colour" in job.report["warnings"][0]["message"]
    assert (job.report["offers_new"], job.report["offers_updated"]) == (1, 2)
    family.refresh_from_db()
    assert family.option_names == ["Size"]  # the dry run wrote nothing

    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    family.refresh_from_db()
    assert family.option_names == ["Size", "Colour"]
    offers = {offer.sku: offer for offer in Offer.objects.select_related("product").filter(seller=seller)}
    for sku in ("TEE-S", "TEE-M", "TEE-L"):  # same offers on the same variants
        assert (offers[sku].pk, offers[sku].product_id) == before[sku]
    assert offers["TEE-S"].product.option_values == {"Size": "S", "Colour": "Red"}
    assert offers["TEE-M"].product.option_values == {"Size": "M", "Colour": "Blue"}
    # Not in the newer file: it takes the group's first value, as a shop gives existing variants.
    assert offers["TEE-L"].product.option_values == {"Size": "L", "Colour": "Red"}
    assert offers["TEE-S-BLUE"].product.parent_id == family.pk
    assert offers["TEE-S-BLUE"].product.option_values == {"Size": "S", "Colour": "Blue"}
    assert family.variants.count() == 4

    # A newer export (one stock changed) with the same groups: nothing to restructure.
    again = upload(seller, TEE_BY_SIZE_AND_COLOUR.replace("TEE-M,11.00,4", "TEE-M,11.00,6"), name="again.csv")
    assert again.report["families_restructured"] == 0
    assert again.report["warning_count"] == 0


def test_a_family_whose_option_groups_are_renamed_is_an_error_of_the_dry_run(seller, shirts):
    import_job_commit(seller=seller, actor=None, job_id=upload(seller, TEE_BY_SIZE).pk)

    job = upload(seller, TEE_BY_SIZE.replace(",Size,", ",Taille,"), name="renamed.csv")

    assert job.status == ImportJob.Status.INVALID
    assert [error["code"] for error in job.report["errors"]] == ["family_options_changed"]
    assert Product.objects.get(option_names=["Size"])


def test_a_gained_group_that_makes_two_variants_alike_is_refused_and_nothing_is_written(seller, shirts):
    import_job_commit(seller=seller, actor=None, job_id=upload(seller, TEE_BY_SIZE).pk)
    # TEE-L is not in the newer file, so it takes the first colour (L / Red), which a new SKU claims too.
    clash = TEE_BY_SIZE_AND_COLOUR + "tee,,,,,,L,,Red,TEE-L-RED,12.00,1,\n"

    job = upload(seller, clash, name="clash.csv")
    with pytest.raises(ValidationError):
        import_job_commit(seller=seller, actor=None, job_id=job.pk)

    job.refresh_from_db()
    assert job.status == ImportJob.Status.INVALID
    assert any(error["code"] == "refused_by_catalog" for error in job.report["errors"])
    assert Product.objects.get(option_names=["Size"]).variants.count() == 3


def test_the_markets_of_the_imported_offers_are_refreshed_in_slices_of_products(seller, shirts, monkeypatch):
    # A statement takes at most 65,535 parameters on PostgreSQL: a 100k-row file's products go in slices.
    from comptoir.connectors import services

    make_category("Kitchen")
    calls = []
    real = services.offer_market_blocks_refresh

    def spy(**arguments):
        calls.append(list(arguments["product_ids"]))
        return real(**arguments)

    monkeypatch.setattr(services, "MARKET_REFRESH_SLICE", 2)
    monkeypatch.setattr(services, "offer_market_blocks_refresh", spy)
    import_job_commit(seller=seller, actor=None, job_id=upload(seller, SHOPIFY).pk)

    sold = set(Offer.objects.filter(seller=seller).values_list("product_id", flat=True))
    assert all(len(ids) <= 2 for ids in calls) and len(calls) >= 2
    assert sold <= {product_id for ids in calls for product_id in ids}

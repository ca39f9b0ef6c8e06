"""`comptoir import-catalog`: the dry run prints the report and writes nothing; `--commit` imports and draws its
progress bar on stderr up to the total the dry run counted; a file with errors imports nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db

CSV = (
    "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty\n"
    "tee,Tee,Shirts,Size,S,TEE-S,10.00,3\n"
    "tee,,,,M,TEE-M,11.00,4\n"
    "mug,Mug,Shirts,Title,Default Title,MUG,5.50,7\n"
)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


@pytest.fixture
def seller():
    seller = make_seller("Atelier")
    make_shipping_profile(seller)
    make_category("Shirts")
    return seller


def test_the_dry_run_reports_then_commit_imports_with_a_progress_bar(seller, tmp_path, capsys):
    path = tmp_path / "products.csv"
    path.write_text(CSV)
    out = io.StringIO()
    call_command("import_catalog", str(path), "--format", "shopify", "--seller", seller.slug, stdout=out)
    assert "2 products (1 with variants), 2 variants" in out.getvalue()
    assert "nothing written" in out.getvalue()
    assert not Offer.objects.exists()

    out = io.StringIO()
    capsys.readouterr()
    call_command("import_catalog", str(path), "--format", "shopify", "--seller", seller.slug, "--commit", stdout=out)
    # on the terminal's stderr: records (a family, two variants, a product), no pictures; the bar ends full at 4 of 4
    bar = capsys.readouterr().err.replace("\r", "\n").split()
    assert bar[-2:] == [f"[{'#' * 40}]", "4/4"]
    assert "Imported" in out.getvalue()
    assert Offer.objects.filter(seller=seller).count() == 3


def test_a_file_with_errors_imports_nothing(seller, tmp_path):
    path = tmp_path / "products.csv"
    path.write_text(CSV.replace("10.00", "ten"))
    with pytest.raises(CommandError, match="nothing imported"):
        call_command(
            "import_catalog", str(path), "--format", "shopify", "--seller", seller.slug, "--commit",
            stdout=io.StringIO(),
        )  # fmt: skip
    assert not Offer.objects.exists()

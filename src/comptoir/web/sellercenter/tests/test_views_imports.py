"""The seller center's shop import pages without a browser: upload, report, commit, progress, isolation, French."""

import html
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category
from comptoir.web.sellercenter.tests.support import shop

CSV = (
    "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty\n"
    "tee,Tee,Shirts,Size,S,TEE-S,10.00,3\n"
    "tee,,,,M,TEE-M,11.00,4\n"
)


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"


def upload(client, seller_setup, content=CSV):
    return client.post(
        "/seller/imports/",
        {
            "format": "shopify",
            "file": SimpleUploadedFile("shop.csv", content.encode(), content_type="text/csv"),
            "shipping_profile": seller_setup["profile"].pk,
            "default_category": "",
            "untracked_stock": "0",
        },
    )


def test_upload_shows_the_report_then_the_commit_imports_and_shows_the_progress(
    owner_client, seller_setup, django_capture_on_commit_callbacks
):
    make_category("Shirts")
    response = upload(owner_client, seller_setup)
    assert response.status_code == 302
    job = ImportJob.objects.get()
    page = owner_client.get(response["Location"]).content.decode()
    assert "Import now" in page and "Shirts" in page
    assert not Offer.objects.filter(sku__startswith="TEE").exists()

    with django_capture_on_commit_callbacks(execute=True):
        owner_client.post(f"/seller/imports/{job.pk}/commit")
    assert Offer.objects.filter(seller=seller_setup["seller"], sku__startswith="TEE").count() == 2
    progress = owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode()
    assert 'value="100"' in progress and "hx-trigger" not in progress  # done: the polling stops


def test_a_committing_job_polls_its_progress(owner_client, seller_setup):
    make_category("Shirts")
    upload(owner_client, seller_setup)
    ImportJob.objects.update(status=ImportJob.Status.COMMITTING)
    job = ImportJob.objects.get()
    progress = owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode()
    assert re.search(r'hx-trigger="every 1s"', progress)


def test_a_malformed_file_shows_its_errors_and_offers_no_import(owner_client, seller_setup):
    make_category("Shirts")
    response = upload(owner_client, seller_setup, CSV.replace("11.00", "x"))
    page = owner_client.get(response["Location"]).content.decode()
    assert "&#x27;x&#x27; is not a number." in page
    assert "Import now" not in page


def test_another_sellers_import_is_404(client, seller_setup):
    make_category("Shirts")
    client.force_login(seller_setup["owner"])
    upload(client, seller_setup)
    job = ImportJob.objects.get()
    _other, other_owner, _profile = shop()
    client.force_login(other_owner)
    assert client.get(f"/seller/imports/{job.pk}/").status_code == 404
    assert client.post(f"/seller/imports/{job.pk}/commit").status_code == 404


def test_the_import_page_speaks_french(owner_client):
    owner_client.cookies["django_language"] = "fr"
    page = owner_client.get("/seller/imports/").content.decode()
    assert "Importer votre boutique" in page and "Vérifier le fichier" in page


def test_after_the_commit_the_progress_follows_the_pictures_until_the_worker_is_done(owner_client, seller_setup):
    # given a committed import whose two pictures wait for the worker
    make_category("Shirts")
    upload(owner_client, seller_setup)
    job = ImportJob.objects.get()
    ImportJob.objects.update(status=ImportJob.Status.COMMITTED)
    product = seller_setup["offer"].product
    for url in ("https://shop.example/a.jpg", "https://shop.example/b.jpg"):
        ImportedPicture.objects.create(seller=seller_setup["seller"], job=job, product=product, url=url)
    # then the block keeps polling and counts them
    progress = owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode()
    assert "Pictures: 0 of 2 fetched" in progress and 'hx-trigger="every 1s"' in progress
    # when the worker has fetched one and failed the other, the polling stops
    ImportedPicture.objects.filter(url__endswith="a.jpg").update(status=ImportedPicture.Status.FETCHED)
    ImportedPicture.objects.filter(url__endswith="b.jpg").update(status=ImportedPicture.Status.FAILED)
    progress = owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode()
    assert "Pictures: 1 of 2 fetched" in progress and "1 could not be fetched" in progress
    assert "hx-trigger" not in progress


def test_final_picture_failures_show_their_reason_and_the_seller_retries_them(owner_client, client, seller_setup):
    # given a committed import: one picture failed for good, one waits for its host, one was fetched
    make_category("Shirts")
    upload(owner_client, seller_setup)
    job = ImportJob.objects.get()
    ImportJob.objects.update(status=ImportJob.Status.COMMITTED)
    product = seller_setup["offer"].product
    seller = seller_setup["seller"]
    ImportedPicture.objects.create(
        seller=seller, job=job, product=product, url="https://shop.example/gone.jpg",
        status=ImportedPicture.Status.FAILED, failure="HTTP 404.", attempts=1,
    )  # fmt: skip
    ImportedPicture.objects.create(
        seller=seller, job=job, product=product, url="https://shop.example/later.jpg", failure="HTTP 503.", attempts=1
    )
    # then the block says which failed and why, and that the other will be asked again
    progress = owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode()
    assert "https://shop.example/gone.jpg" in progress and "HTTP 404." in progress
    assert "1 picture&#x27;s host did not answer" in progress or "1 picture's host did not answer" in progress
    assert f'action="/seller/imports/{job.pk}/pictures/retry"' in progress
    # when the seller retries (queued on commit; this test's transaction is rolled back, so nothing is fetched)
    response = owner_client.post(f"/seller/imports/{job.pk}/pictures/retry")
    assert response.status_code == 302
    gone = ImportedPicture.objects.get(url__endswith="gone.jpg")
    assert (gone.status, gone.attempts, gone.failure) == ("pending", 0, "")
    # and another seller cannot
    _other, other_owner, _profile = shop()
    client.force_login(other_owner)
    assert client.post(f"/seller/imports/{job.pk}/pictures/retry").status_code == 404


MALFORMED = (
    "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Variant Inventory Qty\n"
    "tee,Tee,Shirts,Size,S,TEE-S,10.00,3\n"
    "tee,,,,M,TEE-M,x,4\n"
    ",,,,L,TEE-L,12.00,4\n"
    "mug,,Shirts,,,MUG,9.00,-2\n"
)


def report_page(client, job, language):
    client.cookies["django_language"] = language
    return html.unescape(client.get(f"/seller/imports/{job.pk}/").content.decode())


def test_a_french_and_a_german_seller_read_the_report_of_a_malformed_shopify_file_in_their_language(client, db):
    make_category("Shirts")
    french_seller, french_owner, french_profile = shop("Boutique Lumière")
    german_seller, german_owner, german_profile = shop("Laden Licht")
    jobs = {}
    for language, seller, owner, profile in (
        ("fr", french_seller, french_owner, french_profile),
        ("de", german_seller, german_owner, german_profile),
    ):
        client.force_login(owner)
        client.cookies["django_language"] = language
        upload(client, {"profile": profile}, MALFORMED)
        jobs[language] = ImportJob.objects.get(seller=seller)
    assert jobs["fr"].status == jobs["de"].status == ImportJob.Status.INVALID

    client.force_login(french_owner)
    page = report_page(client, jobs["fr"], "fr")
    assert "« x » n'est pas un nombre." in page
    assert "Chaque ligne doit porter le handle du produit." in page
    assert "La première ligne de « mug » doit avoir un titre." in page
    assert "is not a number" not in page and "needs a title" not in page

    client.force_login(german_owner)
    page = report_page(client, jobs["de"], "de")
    assert "„x“ ist keine Zahl." in page
    assert "Jede Zeile braucht das Handle des Produkts." in page
    assert "Die erste Zeile von „mug“ braucht einen Titel." in page
    assert "is not a number" not in page


def test_a_stored_report_speaks_the_viewers_language_not_the_one_of_the_import(owner_client, seller_setup):
    # given a report made while the seller browsed in English, with a warning built around a value
    make_category("Shirts")
    upload(owner_client, seller_setup, CSV.replace("TEE-M,11.00,4", "TEE-M,11.00,-4"))
    job = ImportJob.objects.get()
    assert job.report["warnings"][0]["message"] == "Negative stock (-4) is imported as 0."
    assert job.report["warnings"][0]["params"] == {"quantity": -4}
    # then each language reads it in its own words, with the value in place
    assert "Le stock négatif (-4) est importé comme 0." in report_page(owner_client, job, "fr")
    assert "El stock negativo (-4) se importa como 0." in report_page(owner_client, job, "es")
    assert "La giacenza negativa (-4) viene importata come 0." in report_page(owner_client, job, "it")
    assert "Negative stock (-4) is imported as 0." in report_page(owner_client, job, "en")


def test_a_report_stored_before_the_message_ids_still_shows_its_messages(owner_client, seller_setup):
    make_category("Shirts")
    upload(owner_client, seller_setup, CSV.replace("11.00", "x"))
    job = ImportJob.objects.get()
    job.report["errors"] = [{"line": 3, "column": "Variant Price", "message": "A price is required.", "code": "x"}]
    job.save(update_fields=["report"])
    assert "Ein Preis ist erforderlich." in report_page(owner_client, job, "de")


def test_picture_failures_are_shown_in_the_sellers_language(owner_client, seller_setup):
    make_category("Shirts")
    upload(owner_client, seller_setup)
    job = ImportJob.objects.get()
    ImportJob.objects.update(status=ImportJob.Status.COMMITTED)
    product = seller_setup["offer"].product
    for url, failure in (
        ("https://shop.example/big.jpg", "Larger than 5000 bytes."),
        ("https://shop.example/slow.jpg", "No answer within 10 s."),
        ("https://shop.example/bad.jpg", "The picture is damaged or truncated."),
    ):
        ImportedPicture.objects.create(
            seller=seller_setup["seller"], job=job, product=product, url=url,
            status=ImportedPicture.Status.FAILED, failure=failure, attempts=1,
        )  # fmt: skip
    owner_client.cookies["django_language"] = "de"
    progress = html.unescape(owner_client.get(f"/seller/imports/{job.pk}/progress").content.decode())
    assert "Größer als 5000 Byte." in progress
    assert "Keine Antwort innerhalb von 10 s." in progress
    assert "Das Bild ist beschädigt oder abgeschnitten." in progress

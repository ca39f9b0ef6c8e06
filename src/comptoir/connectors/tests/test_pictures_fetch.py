"""Pictures of imports: fetched once by a worker through the SSRF guard and the size and time limits, checked and
resized by the catalog's pipeline; a re-import records and fetches nothing new."""

import datetime as dt
import io

import pytest

from comptoir.catalog.models import ProductImage
from comptoir.catalog.tests.files import png_bytes
from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.connectors.pictures import imported_picture_fetch, imported_pictures_retry, imported_pictures_retry_due
from comptoir.connectors.selectors import import_job_picture_failures, import_job_pictures
from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
from comptoir.connectors.tasks import imported_pictures_fetch_task, imported_pictures_retries_due_task
from comptoir.connectors.tests.picture_server import PictureServer
from comptoir.core import clock
from comptoir.core.exceptions import NotFound
from comptoir.core.outbound import AddressRefused, FetchFailed, fetch, is_public_address
from comptoir.testing.builders import make_category, make_seller, make_shipping_profile


@pytest.fixture
def server():
    server = PictureServer({"/tee.png": png_bytes(320, 240), "/mug.png": png_bytes(200, 200, (0, 90, 200))})
    server.files["/big.png"] = b"\x89PNG" + b"0" * 5000
    server.files["/text.png"] = b"not a picture at all, whatever its name says"
    yield server
    server.close()


@pytest.fixture
def private_allowed(settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "IMPORTS": {"ALLOW_PRIVATE_ADDRESSES": True}}


def test_fetch_refuses_private_addresses_unless_allowed(server):
    with pytest.raises(AddressRefused):
        fetch(f"{server.url}/tee.png", max_bytes=10**6, timeout=5, allow_private=False)
    assert server.requests["/tee.png"] == 0  # refused before connecting
    assert fetch(f"{server.url}/tee.png", max_bytes=10**6, timeout=5, allow_private=True).content.startswith(b"\x89PNG")
    with pytest.raises(AddressRefused):
        fetch("file:///etc/passwd", max_bytes=10**6, timeout=5, allow_private=True)
    assert not is_public_address("169.254.169.254")
    assert not is_public_address("::ffff:10.0.0.1")
    assert is_public_address("93.184.215.14")


def test_fetch_limits_size_time_and_redirects(server):
    server.slow_seconds = 1.0
    with pytest.raises(FetchFailed, match="Larger than"):
        fetch(f"{server.url}/big.png", max_bytes=1000, timeout=5, allow_private=True)
    with pytest.raises(FetchFailed):
        fetch(f"{server.url}/slow", max_bytes=10**6, timeout=0.3, allow_private=True)
    with pytest.raises(FetchFailed, match="redirects"):
        fetch(f"{server.url}/loop", max_bytes=10**6, timeout=5, allow_private=True, max_redirects=2)
    assert server.requests["/loop"] == 3
    with pytest.raises(FetchFailed, match="HTTP 404"):
        fetch(f"{server.url}/missing.png", max_bytes=10**6, timeout=5, allow_private=True)
    fetched = fetch(f"{server.url}/redirect-to/tee.png", max_bytes=10**6, timeout=5, allow_private=True)
    assert fetched.url.endswith("/tee.png")


def shopify(server):
    return (
        "Handle,Title,Body (HTML),Vendor,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,"
        "Variant Inventory Qty,Image Src,Image Position,Status\n"
        f"tee,Tee,,Acme,Shirts,Size,S,TEE-S,10.00,3,{server.url}/tee.png,1,active\n"
        f"tee,,,,,,M,TEE-M,11.00,4,{server.url}/redirect-to/mug.png,2,\n"
        f"tee,,,,,,,,,,{server.url}/text.png,3,\n"
        f"mug,Mug,,Acme,Shirts,Title,Default Title,MUG,5.50,7,{server.url}/big.png,1,active\n"
    )


@pytest.mark.django_db(transaction=True)
def test_an_imports_pictures_are_fetched_once_and_go_through_the_picture_pipeline(server, settings):
    # given a seller whose shop export names pictures on a host (a small picture limit for the big file)
    settings.COMPTOIR = {**settings.COMPTOIR, "IMPORTS": {"ALLOW_PRIVATE_ADDRESSES": True, "PICTURE_MAX_BYTES": 4000}}
    seller = make_seller()
    make_shipping_profile(seller)
    make_category("Shirts")

    def upload(text):
        return import_job_create(
            seller=seller, actor=None, format_name="shopify", file=io.BytesIO(text.encode()), file_name="p.csv",
            options=ImportOptions(),
        )  # fmt: skip

    job = upload(shopify(server))
    assert job.status == ImportJob.Status.ANALYSED, job.report["errors"]
    # when it is committed (the immediate task backend fetches the pictures after the commit)
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    # then each address was fetched once; good pictures are stored and resized, the others say why they failed
    pictures = {picture.url.removeprefix(server.url): picture for picture in ImportedPicture.objects.all()}
    assert {path: picture.status for path, picture in pictures.items()} == {
        "/tee.png": "fetched",
        "/redirect-to/mug.png": "fetched",
        "/text.png": "failed",
        "/big.png": "failed",
    }
    assert "Larger than 4000 bytes" in pictures["/big.png"].failure
    family_images = list(ProductImage.objects.filter(product=pictures["/tee.png"].product).order_by("position"))
    assert [image.pk for image in family_images] == [
        pictures["/tee.png"].image_id,
        pictures["/redirect-to/mug.png"].image_id,
    ]
    assert family_images[0].file.name.startswith(f"catalog/products/{family_images[0].product_id}/")
    assert family_images[0].width == 320 and family_images[0].renditions  # the renditions task ran
    assert family_images[0].uploaded_by_seller == seller
    progress = import_job_pictures(job)
    assert (progress.total, progress.fetched, progress.failed) == (4, 2, 2)
    assert sum(server.requests.values()) == 5  # the redirect is two requests

    # when a newer export is imported (one more picture, the others unchanged)
    newer = shopify(server).replace("TEE-S,10.00,3", "TEE-S,12.00,3") + f"mug,,,,,,,,,,{server.url}/mug.png,2,\n"
    import_job_commit(seller=seller, actor=None, job_id=upload(newer).pk)
    # then only the new address is fetched
    assert ImportedPicture.objects.count() == 5
    assert server.requests["/tee.png"] == 1 and server.requests["/mug.png"] == 2
    assert ImportedPicture.objects.get(url=f"{server.url}/mug.png").status == "fetched"


@pytest.mark.django_db
def test_the_fetch_is_idempotent_and_refuses_private_addresses_by_default(server):
    # given a recorded picture on a private address, with the default settings
    seller = make_seller()
    make_shipping_profile(seller)
    make_category("Shirts")
    job = import_job_create(
        seller=seller, actor=None, format_name="shopify", file=io.BytesIO(shopify(server).encode()),
        file_name="p.csv", options=ImportOptions(),
    )  # fmt: skip
    import_job_commit(seller=seller, actor=None, job_id=job.pk)
    picture = ImportedPicture.objects.get(url=f"{server.url}/tee.png")
    # when the worker runs twice
    assert imported_pictures_fetch_task.call(picture_ids=[picture.pk]) == {"failed": 1}
    assert imported_picture_fetch(picture_id=picture.pk) == "failed"
    # then nothing was requested and the reason is kept
    picture.refresh_from_db()
    assert "private or reserved address" in picture.failure
    assert (picture.attempts, sum(server.requests.values())) == (1, 0)


@pytest.mark.django_db(transaction=True)
def test_a_host_that_fails_for_a_while_is_asked_again_with_backoff_then_the_failure_is_final(server, settings):
    # given pictures on a host that answers 503 for a while (three attempts allowed, a minute's backoff doubling)
    settings.COMPTOIR = {
        **settings.COMPTOIR,
        "IMPORTS": {"ALLOW_PRIVATE_ADDRESSES": True, "PICTURE_MAX_ATTEMPTS": 3, "PICTURE_RETRY_BASE_SECONDS": 60},
    }
    server.unavailable["/tee.png"] = 1
    server.unavailable["/mug.png"] = 10
    seller = make_seller()
    make_shipping_profile(seller)
    make_category("Shirts")
    text = (
        "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src,Status\n"
        f"tee,Tee,Shirts,Title,Default Title,TEE,10.00,{server.url}/tee.png,active\n"
        f"mug,Mug,Shirts,Title,Default Title,MUG,5.00,{server.url}/mug.png,active\n"
    )
    start = clock.now()
    with clock.frozen_at(start):
        job = import_job_create(
            seller=seller, actor=None, format_name="shopify", file=io.BytesIO(text.encode()), file_name="p.csv",
            options=ImportOptions(),
        )  # fmt: skip
        # when it is committed (the immediate backend runs the first attempts; it cannot defer the retries)
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
        tee = ImportedPicture.objects.get(url=f"{server.url}/tee.png")
        # then both wait for their retry, a minute later, with the reason
        assert (tee.status, tee.attempts, tee.failure) == ("pending", 1, "HTTP 503.")
        assert tee.next_attempt_at == start + dt.timedelta(seconds=60)
        assert imported_pictures_retry_due() == 0  # not due yet
    with clock.frozen_at(start + dt.timedelta(seconds=61)):
        # when the scheduler's sweep runs after the backoff
        assert imported_pictures_retries_due_task.call() == 2
    # then the host that came back gave its picture; the other waits twice as long
    tee.refresh_from_db()
    mug = ImportedPicture.objects.get(url=f"{server.url}/mug.png")
    assert (tee.status, tee.attempts, tee.failure) == ("fetched", 2, "")
    assert (mug.status, mug.attempts) == ("pending", 2)
    assert mug.next_attempt_at == start + dt.timedelta(seconds=61 + 120)
    with clock.frozen_at(start + dt.timedelta(seconds=61 + 121)):
        assert imported_pictures_retry_due() == 1
    # then after the last attempt the failure is final, with its reason, on the import's progress
    mug.refresh_from_db()
    assert (mug.status, mug.attempts, mug.failure, mug.next_attempt_at) == ("failed", 3, "HTTP 503.", None)
    assert server.requests["/mug.png"] == 3
    assert [(failure.url, failure.failure) for failure in import_job_picture_failures(job)] == [(mug.url, "HTTP 503.")]
    progress = import_job_pictures(job)
    assert (progress.total, progress.fetched, progress.failed) == (2, 1, 1)

    # when the host is back and the seller asks for a retry (twice: the second finds nothing failed)
    server.unavailable["/mug.png"] = 0
    assert imported_pictures_retry(seller=seller, actor=None, job_id=job.pk) == 1
    assert imported_pictures_retry(seller=seller, actor=None, job_id=job.pk) == 0
    # then the picture is fetched
    mug.refresh_from_db()
    assert (mug.status, mug.attempts, mug.failure) == ("fetched", 1, "")
    with pytest.raises(NotFound):
        imported_pictures_retry(seller=make_seller(), actor=None, job_id=job.pk)


@pytest.mark.django_db
def test_a_failure_that_cannot_pass_later_is_final_at_once_and_a_claimed_attempt_is_not_made_twice(server, settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "IMPORTS": {"ALLOW_PRIVATE_ADDRESSES": True}}
    seller = make_seller()
    make_shipping_profile(seller)
    make_category("Shirts")
    job = import_job_create(
        seller=seller, actor=None, format_name="shopify", file=io.BytesIO(shopify(server).encode()),
        file_name="p.csv", options=ImportOptions(),
    )  # fmt: skip
    import_job_commit(seller=seller, actor=None, job_id=job.pk)  # rolled back at the end: no fetch on commit
    missing = ImportedPicture.objects.get(url=f"{server.url}/tee.png")
    ImportedPicture.objects.filter(pk=missing.pk).update(url=f"{server.url}/missing.png")
    # an attempt another worker holds (its lease not over) is left alone
    ImportedPicture.objects.filter(pk=missing.pk).update(next_attempt_at=clock.now() + dt.timedelta(minutes=1))
    assert imported_picture_fetch(picture_id=missing.pk) == "pending"
    assert server.requests["/missing.png"] == 0
    ImportedPicture.objects.filter(pk=missing.pk).update(next_attempt_at=None)
    # a 404 is final at the first attempt
    assert imported_picture_fetch(picture_id=missing.pk) == "failed"
    missing.refresh_from_db()
    assert (missing.attempts, missing.failure) == (1, "HTTP 404.")

"""Pictures through an S3-compatible storage (several servers share the bucket): django-storages' S3 backend against
moto's S3 server, a real HTTP server on 127.0.0.1 — the upload and its checks, the WebP renditions task, an import's
pictures fetched by the worker, the addresses pages give (fetched back over HTTP) and the deletion of the files."""

import io
import logging
import socket
import urllib.request

import boto3
import pytest
from moto.server import ThreadedMotoServer
from PIL import Image

from comptoir.catalog.models import ProductImage
from comptoir.catalog.services import product_image_delete, product_image_upload
from comptoir.catalog.tests.files import png_bytes, text_named_jpeg
from comptoir.core.exceptions import ValidationError
from comptoir.testing.builders import make_offer, make_product

BUCKET = "comptoir-media"
CREDENTIALS = {"access_key": "testing-key", "secret_key": "testing-secret"}  # moto accepts any


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@pytest.fixture(scope="module")
def s3_endpoint():
    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # moto's server logs every request otherwise
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=_free_port(), verbose=False)
    server.start()
    host, port = server.get_host_and_port()
    endpoint = f"http://{host}:{port}"
    yield endpoint
    server.stop()


@pytest.fixture
def s3_bucket(s3_endpoint, settings, tmp_path):
    """A fresh bucket, and the default storage set as an operator does it (config/settings.py,
    COMPTOIR_MEDIA_S3_*): public pictures at stable addresses, no overwriting."""
    client = boto3.client(
        "s3",
        endpoint_url=s3_endpoint,
        region_name="us-east-1",
        aws_access_key_id=CREDENTIALS["access_key"],
        aws_secret_access_key=CREDENTIALS["secret_key"],
    )
    name = f"{BUCKET}-{tmp_path.name.lower().replace('_', '-')}"[:63].rstrip("-")
    client.create_bucket(Bucket=name)
    settings.MEDIA_ROOT = tmp_path / "not-used"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "storages.backends.s3.S3Storage",
            "OPTIONS": {
                "bucket_name": name,
                "endpoint_url": s3_endpoint,
                "region_name": "us-east-1",
                "querystring_auth": False,
                "file_overwrite": False,
                "default_acl": "public-read",  # COMPTOIR_MEDIA_S3_DEFAULT_ACL
                **CREDENTIALS,
            },
        },
    }
    yield client, name, s3_endpoint
    settings.STORAGES = {**settings.STORAGES}  # the storage is rebuilt from the restored settings


def _keys(client, bucket) -> set[str]:
    return {item["Key"] for item in client.list_objects_v2(Bucket=bucket).get("Contents", [])}


def _get(url: str) -> bytes:
    with urllib.request.urlopen(url, timeout=10) as response:  # a test server on 127.0.0.1
        return response.read()


@pytest.mark.django_db
def test_an_uploaded_picture_its_renditions_and_their_addresses_live_in_the_bucket(
    s3_bucket, client, django_capture_on_commit_callbacks
):
    s3, bucket, endpoint = s3_bucket
    offer = make_offer(product=make_product("Blue teapot"))
    owner = offer.seller.members.get().user

    # a file that is not a picture is refused and nothing reaches the bucket
    with pytest.raises(ValidationError):
        product_image_upload(product_id=offer.product_id, seller=offer.seller, actor=owner, content=text_named_jpeg())
    assert _keys(s3, bucket) == set()

    # a picture is stored in the bucket, and the renditions task (run on commit) writes its WebP files there too
    with django_capture_on_commit_callbacks(execute=True):
        outcome = product_image_upload(
            product_id=offer.product_id, seller=offer.seller, actor=owner, content=png_bytes(800, 600)
        )
    image = ProductImage.objects.get(pk=outcome.image.pk)
    names = [image.file.name] + [item["name"] for item in image.renditions]
    assert [item["width"] for item in image.renditions] == [160, 480, 800]
    assert _keys(s3, bucket) == set(names)

    # the addresses pages give are the bucket's, and they serve the files
    assert image.src == f"{endpoint}/{bucket}/{image.file.name}"
    assert Image.open(io.BytesIO(_get(image.src))).size == (800, 600)
    for entry in image.srcset.split(", "):
        url, width = entry.split(" ")
        served = Image.open(io.BytesIO(_get(url)))
        assert (served.format, f"{served.width}w") == ("WEBP", width)
    page = client.get(f"/p/{offer.product_id}/", follow=True).content.decode()
    assert f'src="{image.large_src}"' in page and image.large_src.startswith(f"{endpoint}/{bucket}/")
    assert f'srcset="{image.srcset}"' in page

    # deleting the picture deletes its files from the bucket
    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image_id=image.pk, seller=offer.seller, actor=owner)
    assert _keys(s3, bucket) == set()


@pytest.mark.django_db(transaction=True)
def test_an_imports_pictures_are_fetched_into_the_bucket(s3_bucket, settings):
    from comptoir.connectors.models import ImportedPicture
    from comptoir.connectors.services import ImportOptions, import_job_commit, import_job_create
    from comptoir.connectors.tests.picture_server import PictureServer
    from comptoir.testing.builders import make_category, make_seller, make_shipping_profile

    s3, bucket, _endpoint = s3_bucket
    settings.COMPTOIR = {**settings.COMPTOIR, "IMPORTS": {"ALLOW_PRIVATE_ADDRESSES": True}}
    pictures = PictureServer({"/tee.png": png_bytes(320, 240)})
    try:
        seller = make_seller()
        make_shipping_profile(seller)
        make_category("Shirts")
        text = (
            "Handle,Title,Product Category,Option1 Name,Option1 Value,Variant SKU,Variant Price,Image Src,Status\n"
            f"tee,Tee,Shirts,Title,Default Title,TEE,10.00,{pictures.url}/tee.png,active\n"
        )
        job = import_job_create(
            seller=seller, actor=None, format_name="shopify", file=io.BytesIO(text.encode()), file_name="p.csv",
            options=ImportOptions(),
        )  # fmt: skip
        # the uploaded export itself is kept in the bucket too (the commit reads it back from there)
        assert job.file.name in _keys(s3, bucket)
        import_job_commit(seller=seller, actor=None, job_id=job.pk)
    finally:
        pictures.close()
    picture = ImportedPicture.objects.select_related("image").get()
    assert picture.status == "fetched"
    image = picture.image
    assert {image.file.name, *(item["name"] for item in image.renditions)} <= _keys(s3, bucket)
    assert Image.open(io.BytesIO(_get(image.src))).size == (320, 240)

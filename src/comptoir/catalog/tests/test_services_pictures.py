"""Pictures and 3D files of shared products: who may add and delete them, what is stored, the renditions task."""

import io

import pytest
from django.core.files.storage import default_storage
from PIL import Image

from comptoir.catalog import errors
from comptoir.catalog.models import ProductImage, ProductModel3D
from comptoir.catalog.services import (
    product_image_delete,
    product_image_renditions_build,
    product_image_upload,
    product_model_3d_delete,
    product_model_3d_upload,
)
from comptoir.catalog.tasks import product_image_renditions_task
from comptoir.catalog.tests.files import (
    glb_bytes,
    jpeg_with_exif_rotation,
    png_bomb_header,
    png_bytes,
    text_named_jpeg,
    usdz_bytes,
)
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_offer, make_operator, make_product, make_seller

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("media_root")]


@pytest.fixture
def offer():
    return make_offer(product=make_product("Blue teapot"))


def _owner(seller):
    return seller.members.get().user


def _upload(offer, content=None, **extra):
    return product_image_upload(
        product_id=offer.product_id,
        seller=offer.seller,
        actor=_owner(offer.seller),
        content=content if content is not None else png_bytes(),
        **extra,
    )


def test_a_seller_with_an_offer_adds_a_picture(offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        outcome = _upload(offer, jpeg_with_exif_rotation(400, 200), alt_text=" Teapot, side view ")

    image = ProductImage.objects.get()
    assert outcome.created and outcome.image == image
    assert (image.product_id, image.uploaded_by_seller_id, image.position) == (offer.product_id, offer.seller_id, 0)
    assert (image.content_type, image.width, image.height) == ("image/jpeg", 200, 400)
    assert image.alt_text == "Teapot, side view"
    with default_storage.open(image.file.name) as stored:
        assert Image.open(io.BytesIO(stored.read())).size == (200, 400)
    assert image.src == f"/media/{image.file.name}"
    assert AuditLog.objects.filter(action="product.image_added", seller_id=offer.seller_id).count() == 1
    # The task ran on commit: WebP renditions at 160 px and at the 200 px of the original (never upscaled).
    image.refresh_from_db()
    assert [item["width"] for item in image.renditions] == [160, 200]
    for item in image.renditions:
        assert default_storage.exists(item["name"]) and item["name"].endswith(".webp")
    assert image.srcset == ", ".join(f"/media/{item['name']} {item['width']}w" for item in image.renditions)


def test_the_same_picture_twice_is_one_picture(offer):
    first = _upload(offer)
    again = _upload(offer)

    assert (first.created, again.created) == (True, False)
    assert again.image.pk == first.image.pk
    assert ProductImage.objects.count() == 1


def test_pictures_are_appended_in_order(offer):
    _upload(offer, png_bytes(colour=(1, 2, 3)))
    _upload(offer, png_bytes(colour=(4, 5, 6)))

    assert list(ProductImage.objects.values_list("position", flat=True)) == [0, 1]


def test_a_seller_without_an_offer_on_the_product_is_refused(offer):
    other = make_seller()
    with pytest.raises(PermissionDenied) as refused:
        product_image_upload(product_id=offer.product_id, seller=other, actor=_owner(other), content=png_bytes())
    assert refused.value.code == errors.OFFER_REQUIRED_FOR_MEDIA
    assert not ProductImage.objects.exists()


def test_an_unknown_product_is_not_found(offer):
    with pytest.raises(NotFound):
        product_image_upload(product_id=999_999, seller=offer.seller, actor=None, content=png_bytes())


@pytest.mark.parametrize(
    "content, status, code",
    [
        (text_named_jpeg(), 415, errors.UNSUPPORTED_FILE_TYPE),
        (png_bomb_header(), 422, errors.IMAGE_TOO_MANY_PIXELS),
        (png_bytes(50, 50), 422, errors.IMAGE_TOO_SMALL),
        (png_bytes()[:100], 422, errors.INVALID_IMAGE),
    ],
)
def test_invalid_uploads_are_refused_and_nothing_is_stored(offer, media_root, content, status, code):
    with pytest.raises(ValidationError) as refused:
        _upload(offer, content)

    assert (refused.value.status, refused.value.code) == (status, code)
    assert "file" in refused.value.fields
    assert not ProductImage.objects.exists()
    assert not media_root.exists() or not any(path.is_file() for path in media_root.rglob("*"))


def test_an_oversized_file_is_413(offer, settings):
    settings.COMPTOIR_CATALOG_MEDIA = {"IMAGE_MAX_BYTES": 5_000}
    with pytest.raises(ValidationError) as refused:
        _upload(offer, png_bytes(400, 400) + b"\x00" * 5_000)
    assert (refused.value.status, refused.value.code) == (413, errors.FILE_TOO_LARGE)


def test_a_product_has_a_limited_number_of_pictures(offer, settings):
    settings.COMPTOIR_CATALOG_MEDIA = {"IMAGES_PER_PRODUCT": 2}
    _upload(offer, png_bytes(colour=(1, 1, 1)))
    _upload(offer, png_bytes(colour=(2, 2, 2)))
    with pytest.raises(Conflict) as refused:
        _upload(offer, png_bytes(colour=(3, 3, 3)))
    assert refused.value.code == errors.TOO_MANY_IMAGES


def test_a_failed_insert_leaves_no_file(offer, media_root, monkeypatch):
    def broken(*args, **kwargs):
        raise RuntimeError("database gone")

    monkeypatch.setattr("comptoir.catalog.services.pictures.audit_record", broken)
    with pytest.raises(RuntimeError):
        _upload(offer)

    assert not ProductImage.objects.exists()
    assert not any(path.is_file() for path in media_root.rglob("*"))


def test_alt_text_is_checked(offer):
    with pytest.raises(ValidationError) as refused:
        _upload(offer, alt_text="x" * 301)
    assert refused.value.fields == {"alt_text": "At most 300 characters."}
    with pytest.raises(ValidationError):
        _upload(offer, alt_text="tab\x00null")


def test_the_seller_who_added_a_picture_deletes_it_with_its_files(offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = _upload(offer, png_bytes(800, 600)).image
    image.refresh_from_db()
    names = [image.file.name] + [item["name"] for item in image.renditions]
    assert len(names) == 4 and all(default_storage.exists(name) for name in names)

    with django_capture_on_commit_callbacks(execute=True):
        product_image_delete(image_id=image.pk, seller=offer.seller, actor=_owner(offer.seller))

    assert not ProductImage.objects.exists()
    assert not any(default_storage.exists(name) for name in names)
    assert AuditLog.objects.filter(action="product.image_removed").count() == 1


def test_another_sellers_picture_cannot_be_deleted(offer):
    image = _upload(offer).image
    rival = make_offer(product=offer.product)  # also sells the product, did not add the picture

    with pytest.raises(PermissionDenied) as refused:
        product_image_delete(image_id=image.pk, seller=rival.seller, actor=_owner(rival.seller))

    assert refused.value.code == errors.MEDIA_NOT_YOURS
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_an_operator_removes_any_picture_and_nobody_else_does_without_a_seller(offer):
    image = _upload(offer).image
    with pytest.raises(PermissionDenied):
        product_image_delete(image_id=image.pk, actor=_owner(offer.seller))

    product_image_delete(image_id=image.pk, actor=make_operator(), reason="Watermark of another shop")

    assert not ProductImage.objects.exists()
    assert AuditLog.objects.get(action="product.image_removed").reason == "Watermark of another shop"


def test_renditions_are_idempotent(offer):
    image = _upload(offer, png_bytes(1600, 1200)).image  # on_commit not run: no renditions yet
    assert image.renditions == [] and image.thumbnail_src == image.src

    assert product_image_renditions_build(image_id=image.pk) == 3
    image.refresh_from_db()
    first = list(image.renditions)
    assert [(item["width"], item["height"]) for item in first] == [(160, 120), (480, 360), (1200, 900)]
    modified = {item["name"]: default_storage.get_modified_time(item["name"]) for item in first}

    assert product_image_renditions_task.call(image_id=image.pk) == 0  # nothing left to do
    image.refresh_from_db()
    assert image.renditions == first
    assert {item["name"]: default_storage.get_modified_time(item["name"]) for item in first} == modified
    assert image.thumbnail_src.endswith("-w160.webp") and image.card_src.endswith("-w480.webp")


def test_a_failed_rendition_leaves_no_half_record_and_no_file(offer, media_root, monkeypatch):
    image = _upload(offer, png_bytes(1600, 1200)).image
    from comptoir.catalog.services import pictures

    real_store, stored = pictures._store, []

    def failing_store(name, content):
        if len(stored) == 2:  # the third rendition cannot be written
            raise OSError("disk full")
        stored.append(name)
        return real_store(name, content)

    monkeypatch.setattr(pictures, "_store", failing_store)
    with pytest.raises(OSError):
        product_image_renditions_build(image_id=image.pk)

    image.refresh_from_db()
    assert image.renditions == []
    assert len(stored) == 2  # two were written, then removed
    assert sorted(path.name for path in media_root.rglob("*") if path.is_file()) == [image.file.name.rsplit("/")[-1]]
    monkeypatch.setattr(pictures, "_store", real_store)
    assert product_image_renditions_build(image_id=image.pk) == 3  # a retry completes


def test_renditions_of_a_deleted_picture_are_not_made(offer):
    image = _upload(offer).image
    ProductImage.objects.filter(pk=image.pk).delete()
    assert product_image_renditions_build(image_id=image.pk) == 0


def test_3d_files_are_added_by_offering_sellers_and_deleted_by_their_owner(offer):
    glb = product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=glb_bytes())
    usdz = product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=usdz_bytes())
    again = product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=glb_bytes())

    assert (glb.model.kind, usdz.model.kind) == ("glb", "usdz")
    assert again.created is False and ProductModel3D.objects.count() == 2
    assert glb.model.file.name.endswith(".glb") and default_storage.exists(glb.model.file.name)

    outsider = make_seller()
    with pytest.raises(PermissionDenied):
        product_model_3d_upload(product_id=offer.product_id, seller=outsider, actor=None, content=glb_bytes())
    rival = make_offer(product=offer.product)
    with pytest.raises(PermissionDenied):
        product_model_3d_delete(model_id=glb.model.pk, seller=rival.seller, actor=None)
    product_model_3d_delete(model_id=glb.model.pk, seller=offer.seller, actor=None)
    assert list(ProductModel3D.objects.values_list("kind", flat=True)) == ["usdz"]


@pytest.mark.parametrize(
    "content, status, code",
    [
        (glb_bytes(version=1), 422, errors.INVALID_MODEL_3D),
        (usdz_bytes(first="readme.txt"), 422, errors.INVALID_MODEL_3D),
        (png_bytes(), 415, errors.UNSUPPORTED_FILE_TYPE),
    ],
)
def test_invalid_3d_files_are_refused(offer, content, status, code):
    with pytest.raises(ValidationError) as refused:
        product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=content)
    assert (refused.value.status, refused.value.code) == (status, code)
    assert not ProductModel3D.objects.exists()

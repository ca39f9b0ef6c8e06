"""Seller uploads of product pictures and 3D files through the API (multipart/form-data), and their problems."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.api.tests.conftest import assert_problem
from comptoir.catalog.models import ProductImage, ProductModel3D
from comptoir.catalog.tests.files import (
    glb_bytes,
    jpeg_with_exif_rotation,
    png_bomb_header,
    png_bytes,
    text_named_jpeg,
    usdz_bytes,
)

pytestmark = [pytest.mark.django_db]


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def upload(api, path, content, *, key, name="photo.jpg", content_type="image/jpeg", **fields):
    return api.client.post(
        f"/api/v1/{path}",
        data={"file": SimpleUploadedFile(name, content, content_type=content_type), **fields},
        headers={"Authorization": f"Bearer {key}"},
    )


def test_a_seller_uploads_a_picture(api, seller_a, offer_a, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        response = upload(
            api,
            f"seller/products/{offer_a.product_id}/images",
            jpeg_with_exif_rotation(),
            key=seller_a.key,
            alt_text="The teapot from the side",
        )

    assert response.status_code == 201, response.content
    body = response.json()
    image = ProductImage.objects.get()
    assert body["id"] == image.pk and body["product_id"] == offer_a.product_id
    assert (body["width"], body["height"], body["content_type"]) == (200, 400, "image/jpeg")
    assert body["alt_text"] == "The teapot from the side" and body["uploaded_by_you"] is True
    assert body["url"] == f"/media/{image.file.name}"
    assert body["renditions"] == []  # made after the commit, by the task
    image.refresh_from_db()
    assert [item["width"] for item in image.renditions] == [160, 200]

    # The public product shows the picture too.
    product = api.get(f"products/{offer_a.product_id}").json()
    assert product["images"] == [{"url": f"/media/{image.file.name}", "alt_text": "The teapot from the side"}]


def test_the_same_upload_again_is_200_and_changes_nothing(api, seller_a, offer_a):
    path = f"seller/products/{offer_a.product_id}/images"
    first = upload(api, path, png_bytes(), key=seller_a.key, name="a.png")
    again = upload(api, path, png_bytes(), key=seller_a.key, name="b.png")

    assert (first.status_code, again.status_code) == (201, 200), first.content
    assert first.json()["id"] == again.json()["id"]
    assert ProductImage.objects.count() == 1


@pytest.mark.parametrize(
    "content, status, code",
    [
        (text_named_jpeg(), 415, "unsupported_file_type"),
        (png_bomb_header(), 422, "image_too_many_pixels"),
        (png_bytes(40, 40), 422, "image_too_small"),
        (png_bytes()[:120], 422, "invalid_image"),
    ],
)
def test_bad_pictures_get_a_problem_document(api, seller_a, offer_a, content, status, code):
    response = upload(api, f"seller/products/{offer_a.product_id}/images", content, key=seller_a.key)

    body = assert_problem(response, status, code)
    assert "file" in body["errors"]
    assert not ProductImage.objects.exists()


def test_an_oversized_picture_is_413(api, seller_a, offer_a, settings):
    settings.COMPTOIR_CATALOG_MEDIA = {"IMAGE_MAX_BYTES": 2_000}
    response = upload(
        api, f"seller/products/{offer_a.product_id}/images", png_bytes(300, 300) + b"\x00" * 3_000, key=seller_a.key
    )
    assert_problem(response, 413, "file_too_large")


def test_a_request_without_a_file_is_422(api, seller_a, offer_a):
    response = api.client.post(
        f"/api/v1/seller/products/{offer_a.product_id}/images",
        data={"alt_text": "nothing"},
        headers={"Authorization": f"Bearer {seller_a.key}"},
    )
    body = assert_problem(response, 422)
    assert "file" in body["errors"]


def test_a_malformed_multipart_body_is_400_not_500(api, seller_a, offer_a):
    response = api.client.post(
        f"/api/v1/seller/products/{offer_a.product_id}/images",
        data=b"garbage",
        content_type="multipart/form-data",  # no boundary
        headers={"Authorization": f"Bearer {seller_a.key}"},
    )
    assert_problem(response, 400, "malformed_multipart")


def test_a_seller_without_an_offer_is_403_and_an_unknown_product_404(api, seller_b, offer_a):
    refused = upload(api, f"seller/products/{offer_a.product_id}/images", png_bytes(), key=seller_b.key)
    assert_problem(refused, 403, "offer_required_for_media")
    missing = upload(api, "seller/products/999999/images", png_bytes(), key=seller_b.key)
    assert_problem(missing, 404, "product_not_found")


def test_the_write_scope_is_required(api, seller_a, offer_a):
    response = upload(
        api, f"seller/products/{offer_a.product_id}/images", png_bytes(), key=seller_a.key_with("offers:read")
    )
    assert_problem(response, 403, "insufficient_scope")


def test_pictures_are_deleted_by_the_seller_who_added_them_only(api, seller_a, seller_b, offer_a):
    from comptoir.testing.builders import make_offer

    make_offer(seller=seller_b.seller, product=offer_a.product)
    image_id = upload(api, f"seller/products/{offer_a.product_id}/images", png_bytes(), key=seller_a.key).json()["id"]
    path = f"seller/products/{offer_a.product_id}/images/{image_id}"

    assert_problem(api.delete(path, token=seller_b.key), 403, "media_not_yours")
    assert_problem(api.delete(f"seller/products/999/images/{image_id}", token=seller_a.key), 404, "image_not_found")
    assert api.delete(path, token=seller_a.key).status_code == 204
    assert not ProductImage.objects.exists()


def test_3d_files_are_uploaded_and_checked(api, seller_a, offer_a):
    path = f"seller/products/{offer_a.product_id}/models-3d"
    glb = upload(api, path, glb_bytes(), key=seller_a.key, name="teapot.glb", content_type="model/gltf-binary")
    usdz = upload(api, path, usdz_bytes(), key=seller_a.key, name="teapot.usdz", content_type="model/vnd.usdz+zip")
    assert (glb.status_code, usdz.status_code) == (201, 201)
    assert (glb.json()["kind"], usdz.json()["kind"]) == ("glb", "usdz")
    assert glb.json()["url"].endswith(".glb")

    bad = upload(api, path, glb_bytes(length_delta=8), key=seller_a.key, name="teapot.glb")
    assert_problem(bad, 422, "invalid_model_3d")
    wrong = upload(api, path, png_bytes(), key=seller_a.key, name="teapot.glb")
    assert_problem(wrong, 415, "unsupported_file_type")

    model_id = glb.json()["id"]
    assert api.delete(f"{path}/{model_id}", token=seller_a.key).status_code == 204
    assert list(ProductModel3D.objects.values_list("kind", flat=True)) == ["usdz"]


def test_the_openapi_document_describes_the_multipart_upload(api):
    document = api.get("openapi.json").json()
    operation = document["paths"]["/api/v1/seller/products/{product_id}/images"]["post"]

    body = operation["requestBody"]["content"]["multipart/form-data"]["schema"]
    assert set(body["required"]) == {"file"}
    assert body["properties"]["file"]["format"] == "binary"
    assert body["properties"]["alt_text"]["maxLength"] == 300
    assert {"200", "201", "400", "401", "403", "404", "409", "413", "415", "422"} <= set(operation["responses"])
    assert "application/problem+json" in operation["responses"]["415"]["content"]

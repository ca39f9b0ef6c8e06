"""Pictures and 3D files of a product in the seller center: upload, refusals shown on the form, delete, permissions."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.catalog.models import ProductImage, ProductModel3D
from comptoir.catalog.services import product_image_upload
from comptoir.catalog.tests.files import glb_bytes, png_bomb_header, png_bytes, text_named_jpeg
from comptoir.testing.builders import make_product
from comptoir.web.sellercenter.tests.support import offer_of, shop

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


def _page(product_id):
    return f"/seller/products/{product_id}/media"


def _picture(content, name="photo.jpg"):
    return SimpleUploadedFile(name, content, content_type="image/jpeg")


def test_the_offers_list_links_to_the_pictures_page(owner_client, seller_setup):
    response = owner_client.get("/seller/offers/")
    assert _page(seller_setup["offer"].product_id) in response.content.decode()


def test_a_seller_uploads_a_picture_and_sees_it(owner_client, seller_setup, django_capture_on_commit_callbacks):
    product_id = seller_setup["offer"].product_id
    with django_capture_on_commit_callbacks(execute=True):
        response = owner_client.post(
            f"/seller/products/{product_id}/pictures",
            {"file": _picture(png_bytes(640, 480)), "alt_text": "Mug seen from the front"},
        )

    assert response.status_code == 302 and response["Location"] == _page(product_id)
    image = ProductImage.objects.get()
    assert (image.uploaded_by_seller_id, image.alt_text) == (seller_setup["seller"].pk, "Mug seen from the front")
    page = owner_client.get(_page(product_id)).content.decode()
    assert "Picture added" in page and "Mug seen from the front" in page
    assert image.card_src in page and image.card_src.endswith("-w480.webp")
    assert f"/seller/products/{product_id}/pictures/{image.pk}/delete" in page


@pytest.mark.parametrize(
    "content, message",
    [
        (text_named_jpeg(), "not of an accepted type"),
        (png_bomb_header(), "too many pixels"),
        (png_bytes(40, 40), "too small"),
    ],
)
def test_refused_uploads_are_explained_next_to_the_field(owner_client, seller_setup, content, message):
    product_id = seller_setup["offer"].product_id
    response = owner_client.post(f"/seller/products/{product_id}/pictures", {"file": _picture(content)})

    assert response.status_code == 422
    assert message in response.content.decode()
    assert not ProductImage.objects.exists()


def test_a_seller_without_an_offer_cannot_open_or_post(client, seller_setup):
    _other, owner, _profile = shop("Other shop")
    client.force_login(owner)
    product_id = seller_setup["offer"].product_id

    assert client.get(_page(product_id)).status_code == 403
    response = client.post(f"/seller/products/{product_id}/pictures", {"file": _picture(png_bytes())})
    assert response.status_code == 403
    assert not ProductImage.objects.exists()


def test_another_sellers_picture_has_no_delete_button_and_cannot_be_deleted(client, seller_setup):
    rival, owner, profile = shop("Rival shop")
    offer_of(rival, profile, product=seller_setup["offer"].product, sku="RIVAL-1")
    image = product_image_upload(
        product_id=seller_setup["offer"].product_id, seller=rival, actor=owner, content=png_bytes()
    ).image
    client.force_login(seller_setup["owner"])
    product_id = seller_setup["offer"].product_id

    page = client.get(_page(product_id)).content.decode()
    assert "Added by another seller" in page and f"/pictures/{image.pk}/delete" not in page
    response = client.post(f"/seller/products/{product_id}/pictures/{image.pk}/delete", follow=True)
    assert "Another seller added this file" in response.content.decode()
    assert ProductImage.objects.filter(pk=image.pk).exists()


def test_the_seller_deletes_its_own_picture(owner_client, seller_setup):
    product_id = seller_setup["offer"].product_id
    image = product_image_upload(
        product_id=product_id, seller=seller_setup["seller"], actor=seller_setup["owner"], content=png_bytes()
    ).image

    response = owner_client.post(f"/seller/products/{product_id}/pictures/{image.pk}/delete")

    assert response.status_code == 302
    assert not ProductImage.objects.exists()
    other = make_product("Someone else's product")
    assert owner_client.post(f"/seller/products/{other.pk}/pictures/{image.pk}/delete").status_code == 403


def test_a_3d_file_is_uploaded_and_listed(owner_client, seller_setup):
    product_id = seller_setup["offer"].product_id
    response = owner_client.post(
        f"/seller/products/{product_id}/models-3d", {"file": SimpleUploadedFile("mug.glb", glb_bytes())}
    )
    assert response.status_code == 302
    model = ProductModel3D.objects.get()
    assert model.file.url in owner_client.get(_page(product_id)).content.decode()

    bad = owner_client.post(
        f"/seller/products/{product_id}/models-3d", {"file": SimpleUploadedFile("mug.glb", glb_bytes(version=1))}
    )
    assert bad.status_code == 422 and "not a valid GLB" in bad.content.decode()


def test_a_seller_moves_a_picture_up_and_down_and_the_first_is_the_main_one(owner_client, seller_setup):
    # given three pictures on the seller's product
    seller, product_id = seller_setup["seller"], seller_setup["offer"].product_id
    ids = [
        product_image_upload(
            product_id=product_id, seller=seller, actor=None, content=png_bytes(200, 200, colour)
        ).image.pk
        for colour in ((10, 10, 10), (120, 0, 0), (0, 120, 0))
    ]
    page = owner_client.get(_page(product_id)).content.decode()
    assert (
        page.count('value="up"') == 2 and page.count('value="down"') == 2
    )  # not up for the first, nor down for the last
    # when the last is moved up twice, then the first down
    for image_id, direction in ((ids[2], "up"), (ids[2], "up"), (ids[0], "down")):
        response = owner_client.post(
            f"/seller/products/{product_id}/pictures/{image_id}/move", {"direction": direction}
        )
        assert response.status_code == 302
    # then the order follows, and the storefront's main picture is the new first
    order = list(ProductImage.objects.filter(product_id=product_id).order_by("position").values_list("pk", "position"))
    assert order == [(ids[2], 0), (ids[1], 1), (ids[0], 2)]
    assert "Pictures reordered" in owner_client.get(_page(product_id)).content.decode()
    # and a direction that is neither is refused without change
    owner_client.post(f"/seller/products/{product_id}/pictures/{ids[0]}/move", {"direction": "sideways"})
    assert list(ProductImage.objects.order_by("position").values_list("pk", flat=True)) == [ids[2], ids[1], ids[0]]


def test_a_seller_without_an_offer_cannot_reorder_the_pictures(client, seller_setup):
    seller, product_id = seller_setup["seller"], seller_setup["offer"].product_id
    first, second = (
        product_image_upload(product_id=product_id, seller=seller, actor=None, content=png_bytes(200, 200, c)).image
        for c in ((1, 2, 3), (200, 2, 3))
    )
    _, other_owner, _ = shop("Another shop")
    client.force_login(other_owner)
    response = client.post(f"/seller/products/{product_id}/pictures/{second.pk}/move", {"direction": "up"})
    assert response.status_code == 403
    assert list(ProductImage.objects.order_by("position").values_list("pk", flat=True)) == [first.pk, second.pk]

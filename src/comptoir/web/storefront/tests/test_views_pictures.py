"""Pictures on the storefront: the product gallery (main picture, thumbnails, srcset of the WebP renditions, alt text),
product cards, the 3D/AR links, and the uploaded files served in development."""

import pytest
from django.utils.text import slugify

from comptoir.catalog.services import product_image_upload, product_model_3d_upload
from comptoir.catalog.tests.files import glb_bytes, png_bytes, usdz_bytes
from comptoir.testing.builders import make_offer, make_product

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def media_root(tmp_path, settings):
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def offer():
    return make_offer(product=make_product("Blue teapot", brand="Théière & Co"))


def _url(product):
    return f"/p/{product.pk}/{slugify(product.title)}"


def _add(offer, colour, alt_text=""):
    return product_image_upload(
        product_id=offer.product_id,
        seller=offer.seller,
        actor=None,
        content=png_bytes(1600, 1200, colour=colour),
        alt_text=alt_text,
    ).image


def test_without_pictures_the_product_shows_its_tile(client, offer):
    page = client.get(_url(offer.product)).content.decode()
    assert "tile__initial" in page and 'class="gallery"' not in page


def test_the_gallery_shows_the_main_picture_and_thumbnails(client, offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        main = _add(offer, (200, 40, 40), "Teapot from the front")
    with django_capture_on_commit_callbacks(execute=True):
        second = _add(offer, (40, 40, 200))
    main.refresh_from_db()
    second.refresh_from_db()

    page = client.get(_url(offer.product)).content.decode()

    assert page.index(f'id="picture-{main.pk}"') < page.index(f'id="picture-{second.pk}"')
    assert f'src="{main.large_src}"' in page and main.large_src.endswith("-w1200.webp")
    assert f'srcset="{main.srcset}"' in page and " 160w, " in main.srcset and main.srcset.endswith(" 1200w")
    assert 'alt="Teapot from the front"' in page
    assert 'alt="Blue teapot"' in page  # no alt text given: the product's title
    assert f'href="#picture-{second.pk}"' in page and f'src="{second.thumbnail_src}"' in page
    assert "Picture 2 of 2" in page
    assert "tile__initial" not in page


def test_until_the_renditions_exist_the_original_is_shown(client, offer):
    image = _add(offer, (10, 120, 10))  # the task has not run (no commit in this test)

    page = client.get(_url(offer.product)).content.decode()

    assert f'src="/media/{image.file.name}"' in page and "srcset" not in page


def test_cards_show_the_first_picture(client, offer, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        image = _add(offer, (200, 40, 40), "Teapot")
    image.refresh_from_db()

    page = client.get("/").content.decode()

    card = page[page.index(_url(offer.product)) :]
    card = card[: card.index("</a>")]
    assert f'src="{image.card_src}"' in card and image.card_src.endswith("-w480.webp")
    assert 'sizes="' in card and "tile__initial" not in card


def test_3d_files_are_offered_as_links(client, offer):
    glb = product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=glb_bytes())
    usdz = product_model_3d_upload(product_id=offer.product_id, seller=offer.seller, actor=None, content=usdz_bytes())

    page = client.get(_url(offer.product)).content.decode()

    assert f'href="{glb.model.file.url}"' in page and "View in 3D (GLB)" in page
    assert f'rel="ar" href="{usdz.model.file.url}"' in page


def test_uploaded_files_are_served_when_media_serving_is_on(client, offer, settings):
    image = _add(offer, (1, 2, 3))
    settings.COMPTOIR_SERVE_MEDIA = True
    response = client.get(f"/media/{image.file.name}")
    assert response.status_code == 200 and response["Content-Type"] == "image/png"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert b"".join(response.streaming_content).startswith(b"\x89PNG")
    client.raise_request_exception = False
    assert client.get("/media/../config/settings.py").status_code == 400  # outside MEDIA_ROOT: refused

    settings.COMPTOIR_SERVE_MEDIA = False
    assert client.get(f"/media/{image.file.name}").status_code == 404

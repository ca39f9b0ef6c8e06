"""Demo pictures: drawn with Pillow, accepted by the catalog's checks, uploaded by a seller offering the product."""

import io

import pytest
from PIL import Image

from comptoir.catalog.conf import catalog_media_settings
from comptoir.catalog.domain.pictures import normalise_picture
from comptoir.catalog.models import ProductImage
from comptoir.demo.pictures import demo_pictures_seed, render_demo_picture
from comptoir.testing.builders import make_offer, make_product


def test_a_demo_picture_is_a_small_jpeg_the_catalog_accepts(settings):
    content = render_demo_picture(title="Théière en fonte – 1,5 L", brand="Cristel", tone=3, view=1)

    assert len(content) < 60_000
    assert Image.open(io.BytesIO(content)).size == (640, 480)
    assert normalise_picture(content, catalog_media_settings().picture_limits).format == "JPEG"
    assert content == render_demo_picture(title="Théière en fonte – 1,5 L", brand="Cristel", tone=3, view=1)
    assert content != render_demo_picture(title="Théière en fonte – 1,5 L", brand="Cristel", tone=3, view=2)


@pytest.mark.django_db
def test_the_seed_uploads_galleries_through_the_catalog(tmp_path, settings, django_capture_on_commit_callbacks):
    settings.MEDIA_ROOT = tmp_path
    offers = [make_offer(product=make_product(f"Kettle {number}")) for number in range(3)]
    sellers = {offer.product_id: offer.seller for offer in offers}
    products = [offer.product for offer in offers]

    with django_capture_on_commit_callbacks(execute=True):
        added = demo_pictures_seed(
            products=products,
            seller_for=lambda product_id: sellers[product_id] if product_id != products[2].pk else None,
            gallery_size=lambda index: 3 if index == 0 else 1,
        )

    assert added == 4
    assert [ProductImage.objects.filter(product=product).count() for product in products] == [3, 1, 0]
    first = ProductImage.objects.filter(product=products[0]).first()
    assert first.uploaded_by_seller_id == sellers[products[0].pk].pk
    assert first.alt_text == "Kettle 0 (front)"
    assert [item["width"] for item in first.renditions] == [160, 480, 640]

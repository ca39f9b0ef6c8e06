"""The "Languages" page of a product in the seller center: add, change, delete a translation; refusals explained on the
form; another seller's product is not found; a variant's page is its family's."""

import pytest

from comptoir.catalog.models import ProductTranslation
from comptoir.catalog.services import VariantSpec, product_family_create
from comptoir.core.models import AuditLog
from comptoir.testing.builders import make_category, make_product
from comptoir.web.sellercenter.tests.support import offer_of, shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def own_product(seller_setup):
    product = make_product("Stoneware mug", seller=seller_setup["seller"], attributes={"Colour": "Blue"})
    offer_of(seller_setup["seller"], seller_setup["profile"], product=product, sku="MUG-OWN")
    return product


def _page(product_id):
    return f"/seller/products/{product_id}/languages"


def test_the_offers_list_links_to_the_languages_page_of_own_products(owner_client, own_product, seller_setup):
    content = owner_client.get("/seller/offers/").content.decode()
    assert _page(own_product.pk) in content
    # The fixture's other product was not created by this seller: no link.
    assert _page(seller_setup["offer"].product_id) not in content


def test_a_seller_adds_changes_and_deletes_a_translation(owner_client, own_product, seller_setup):
    body = {"language": "de", "title": "Steinzeugbecher", "description": "Handgemacht.", "attributes": "Farbe: Blau"}

    added = owner_client.post(f"{_page(own_product.pk)}/save", body, follow=True)
    again = owner_client.post(f"{_page(own_product.pk)}/save", body, follow=True)
    changed = owner_client.post(f"{_page(own_product.pk)}/save", {**body, "title": "Becher"}, follow=True)

    assert added.status_code == 200 and "Steinzeugbecher" in added.content.decode()
    assert "Nothing changed" in again.content.decode()
    assert "Becher" in changed.content.decode()
    translation = ProductTranslation.objects.get(product=own_product, language="de")
    assert translation.title == "Becher" and translation.attributes == {"Farbe": "Blau"}
    audited = AuditLog.objects.filter(action="product.translation_saved", seller_id=seller_setup["seller"].pk)
    assert audited.count() == 2 and audited.first().actor_id == seller_setup["owner"].pk
    # The edit link fills the form with the stored text.
    assert 'value="Becher"' in owner_client.get(f"{_page(own_product.pk)}?language=de").content.decode()

    deleted = owner_client.post(f"{_page(own_product.pk)}/de/delete", follow=True)
    assert deleted.status_code == 200 and not ProductTranslation.objects.filter(product=own_product).exists()


def test_refusals_are_shown_next_to_the_fields(owner_client, own_product):
    own_language = owner_client.post(f"{_page(own_product.pk)}/save", {"language": "en", "title": "Mug"})
    bad_lines = owner_client.post(
        f"{_page(own_product.pk)}/save", {"language": "fr", "title": "Tasse", "attributes": "no colon here"}
    )

    assert own_language.status_code == 422  # English is the product's own language: not offered
    assert bad_lines.status_code == 422 and "Name: value" in bad_lines.content.decode()
    assert not ProductTranslation.objects.exists()


def test_the_page_speaks_the_sellers_language(owner_client, own_product):
    response = owner_client.get(f"{_page(own_product.pk)}?lang=de")
    assert "Diese Sprache speichern" in response.content.decode()


def test_another_sellers_product_is_not_found(client, own_product):
    _seller, other_owner, _profile = shop("Other shop")
    client.force_login(other_owner)

    assert client.get(_page(own_product.pk)).status_code == 404
    posted = client.post(f"{_page(own_product.pk)}/save", {"language": "de", "title": "Becher"})
    assert posted.status_code == 404
    assert client.post(f"{_page(own_product.pk)}/de/delete").status_code == 404
    assert not ProductTranslation.objects.exists()


def test_a_variant_page_is_its_familys(owner_client, seller_setup):
    family = product_family_create(
        title="Wool jumper",
        category_id=make_category().pk,
        option_names=["Size"],
        variants=[VariantSpec(option_values={"Size": "M"})],
        seller=seller_setup["seller"],
    )
    response = owner_client.get(_page(family.variants.get().pk))
    assert response.status_code == 302 and response["Location"] == _page(family.pk)

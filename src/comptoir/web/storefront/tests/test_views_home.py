import pytest

from comptoir.testing.builders import make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db


def test_home_lists_only_products_offered_by_verified_sellers(client):
    visible = make_product("Casque audio sans fil")
    hidden = make_product("Produit d'un vendeur en attente")
    make_offer(product=visible, seller=make_seller("Verified shop"))
    make_offer(product=hidden, seller=make_seller("Pending shop", verified=False))

    response = client.get("/")

    assert response.status_code == 200
    body = response.content.decode()
    assert "Casque audio sans fil" in body
    assert "Produit d&#x27;un vendeur en attente" not in body and "Produit d'un vendeur en attente" not in body

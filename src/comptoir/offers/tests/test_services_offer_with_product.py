"""A product the catalog lacks and the seller's first offer on it: created together, or not at all."""

import pytest

from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.models import Product
from comptoir.core.exceptions import ValidationError
from comptoir.offers import errors
from comptoir.offers.models import Offer
from comptoir.offers.services import NewProduct, OfferTerms, offer_create_with_product
from comptoir.testing.builders import make_category, make_offer, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return make_seller()


def _terms(seller, **overrides):
    values = dict(
        sku="PAN-14", price_amount=7900, currency="EUR", stock=6, shipping_profile_id=make_shipping_profile(seller).pk
    )
    values.update(overrides)
    return OfferTerms(**values)


def test_the_product_and_the_offer_are_created_together(seller):
    owner = seller.members.get().user

    offer = offer_create_with_product(
        seller=seller,
        actor=owner,
        product=NewProduct(title="Copper milk pan", category_id=make_category().pk, brand="Mauviel"),
        terms=_terms(seller),
    )

    assert (offer.product.title, offer.product.created_by_seller_id, offer.sku, offer.stock) == (
        "Copper milk pan",
        seller.pk,
        "PAN-14",
        6,
    )


def test_a_refused_offer_leaves_no_product(seller):
    make_offer(seller=seller, sku="PAN-14")

    with pytest.raises(ValidationError) as refused:
        offer_create_with_product(
            seller=seller,
            actor=seller.members.get().user,
            product=NewProduct(title="Copper milk pan", category_id=make_category().pk),
            terms=_terms(seller),
        )

    assert refused.value.code == errors.OFFER_DUPLICATE
    assert not Product.objects.filter(title="Copper milk pan").exists()


def test_a_refused_product_is_reported_with_the_catalog_code_and_nothing_is_written(seller):
    with pytest.raises(ValidationError) as refused:
        offer_create_with_product(
            seller=seller,
            actor=seller.members.get().user,
            product=NewProduct(title="", category_id=make_category().pk),
            terms=_terms(seller),
        )

    assert refused.value.code == catalog_errors.INVALID_PRODUCT
    assert "title" in refused.value.fields
    assert not Offer.objects.exists()

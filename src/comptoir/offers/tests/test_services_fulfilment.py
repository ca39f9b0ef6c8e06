"""Marketplace fulfilment does not exist yet and earns the featured-offer bonus: only an operator may mark an
offer as fulfilled by the marketplace. Sellers keep every other edit, including on offers already so marked."""

import pytest

from comptoir.core.exceptions import PermissionDenied
from comptoir.core.models import AuditLog
from comptoir.core.permissions import OPERATOR_REQUIRED
from comptoir.offers import errors
from comptoir.offers.models import FulfilmentMethod, Offer
from comptoir.offers.services import offer_create, offer_fulfilment_method_set, offer_update
from comptoir.testing.builders import make_offer, make_operator, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return make_seller()


def _owner(seller):
    return seller.members.get().user


def test_a_seller_cannot_create_an_offer_fulfilled_by_the_marketplace(seller):
    # given a seller's owner and a valid offer asking for marketplace fulfilment
    profile = make_shipping_profile(seller)

    # when the seller creates it
    with pytest.raises(PermissionDenied) as refused:
        offer_create(
            seller=seller,
            actor=_owner(seller),
            product_id=make_product().pk,
            sku="TEA-1",
            price_amount=2490,
            currency="EUR",
            stock=3,
            shipping_profile_id=profile.pk,
            fulfilment_method=FulfilmentMethod.MARKETPLACE,
        )

    # then it is refused with the offers' code and nothing is written
    assert refused.value.code == errors.FULFILMENT_METHOD_RESERVED
    assert not Offer.objects.exists()


@pytest.mark.parametrize("actor", ["owner", "system"])
def test_only_an_operator_may_switch_an_offer_to_marketplace_fulfilment(seller, actor):
    offer = make_offer(seller=seller)

    with pytest.raises(PermissionDenied) as refused:
        offer_update(
            seller=seller,
            actor=_owner(seller) if actor == "owner" else None,
            offer_id=offer.pk,
            changes={"fulfilment_method": FulfilmentMethod.MARKETPLACE, "stock": 99},
        )

    assert refused.value.code == errors.FULFILMENT_METHOD_RESERVED
    offer.refresh_from_db()
    assert (offer.fulfilment_method, offer.stock) == (FulfilmentMethod.MERCHANT, 10)


def test_an_operator_marks_an_offer_and_the_seller_keeps_editing_it(seller):
    # given an offer an operator marked as fulfilled by the marketplace
    offer = make_offer(seller=seller)
    operator = make_operator()
    offer_fulfilment_method_set(actor=operator, offer_id=offer.pk, fulfilment_method=FulfilmentMethod.MARKETPLACE)
    assert AuditLog.objects.filter(action="offer.updated", actor=operator, target_id=str(offer.pk)).exists()

    # when the seller changes its price, sending the method it already has
    offer = offer_update(
        seller=seller,
        actor=_owner(seller),
        offer_id=offer.pk,
        changes={"price_amount": 2100, "fulfilment_method": FulfilmentMethod.MARKETPLACE},
    )

    # then the change is made and the method kept; the seller may also go back to fulfilling it
    assert (offer.price_amount, offer.fulfilment_method) == (2100, FulfilmentMethod.MARKETPLACE)
    offer = offer_update(
        seller=seller, actor=_owner(seller), offer_id=offer.pk, changes={"fulfilment_method": FulfilmentMethod.MERCHANT}
    )
    assert offer.fulfilment_method == FulfilmentMethod.MERCHANT


def test_the_operator_service_refuses_anyone_else(seller):
    offer = make_offer(seller=seller)

    with pytest.raises(PermissionDenied) as refused:
        offer_fulfilment_method_set(
            actor=_owner(seller), offer_id=offer.pk, fulfilment_method=FulfilmentMethod.MARKETPLACE
        )

    assert refused.value.code == OPERATOR_REQUIRED
    offer.refresh_from_db()
    assert offer.fulfilment_method == FulfilmentMethod.MERCHANT

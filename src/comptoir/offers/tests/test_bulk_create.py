"""offer_bulk_create: offer_create's rules for a batch, all or nothing, one audit row and one event."""

import pytest

from comptoir.catalog.services import product_family_create
from comptoir.core import events
from comptoir.core.exceptions import ValidationError
from comptoir.core.models import AuditLog
from comptoir.offers.bulk import OfferDraft, offer_bulk_create
from comptoir.offers.events import OffersChanged
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db


@pytest.fixture
def seller():
    return make_seller()


@pytest.fixture
def profile(seller):
    return make_shipping_profile(seller, currency="EUR")


def draft(product, profile, sku, **extra):
    terms = {"price_amount": 1000, "currency": "eur", "stock": 3, **extra}
    return OfferDraft(product_id=product.pk, sku=sku, shipping_profile_id=profile.pk, **terms)


def test_a_batch_creates_the_offers_with_one_audit_row_and_one_event(seller, profile):
    # given three products
    products = [make_product() for _ in range(3)]
    published = []
    events.subscribe(OffersChanged, published.append)
    try:
        # when the seller offers them in one batch
        offers = offer_bulk_create(
            seller=seller,
            actor=None,
            drafts=[draft(product, profile, f" SKU-{n} ", is_active=n != 2) for n, product in enumerate(products)],
        )
    finally:
        events.unsubscribe(OffersChanged, published.append)
    # then the offers are made as offer_create makes them
    assert [(offer.sku, offer.currency, offer.ships_from_country, offer.is_active) for offer in offers] == [
        ("SKU-0", "EUR", seller.country, True),
        ("SKU-1", "EUR", seller.country, True),
        ("SKU-2", "EUR", seller.country, False),
    ]
    assert Offer.objects.filter(seller=seller).count() == 3
    assert AuditLog.objects.filter(action="offer.bulk_created").count() == 1
    [event] = published
    assert set(event.offer_ids) == {offer.pk for offer in offers}


def test_one_bad_draft_refuses_the_batch_and_names_every_error(seller, profile):
    # given an existing offer, a family and another seller's profile
    taken = make_product()
    make_offer(seller=seller, product=taken, sku="OLD")
    family = product_family_create(title="Tee", category_id=make_category().pk, option_names=["Size"])
    others = make_shipping_profile(make_seller())
    usd_only = make_shipping_profile(seller, currency="USD")
    fine = make_product()
    # when a batch mixes a good draft with bad ones
    with pytest.raises(ValidationError) as raised:
        offer_bulk_create(
            seller=seller,
            actor=None,
            drafts=[
                draft(fine, profile, "FINE"),
                draft(make_product(), profile, "OLD"),
                draft(taken, profile, "NEW"),
                draft(family, profile, "FAM"),
                draft(make_product(), others, "OTHER"),
                draft(make_product(), usd_only, "EURO"),
                draft(make_product(), profile, "FINE"),
                draft(make_product(), profile, "PRICE", price_amount=0),
            ],
        )
    # then nothing is written and each error is named by index
    assert set(raised.value.fields) == {
        "items[1].sku",
        "items[2].product_id",
        "items[3].product_id",
        "items[4].shipping_profile_id",
        "items[5].shipping_profile_id",
        "items[6].sku",
        "items[7].price_amount",
    }
    assert list(Offer.objects.filter(seller=seller).values_list("sku", flat=True)) == ["OLD"]


def test_a_batch_costs_a_fixed_number_of_queries(seller, profile, django_assert_max_num_queries):
    products = [make_product() for _ in range(200)]
    # 10, and 2 for the country rules (the rules in force, the new offers' blocked markets: docs/COMPLIANCE.md)
    with django_assert_max_num_queries(12):
        offer_bulk_create(
            seller=seller, actor=None, drafts=[draft(product, profile, f"S{n}") for n, product in enumerate(products)]
        )

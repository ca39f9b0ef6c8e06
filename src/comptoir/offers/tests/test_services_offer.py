"""Offers: a seller's price, stock and terms on a shared product; a seller only touches its own rows."""

import pytest
from django.test import override_settings

from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.offers.models import Condition, FulfilmentMethod, Offer
from comptoir.offers.selectors import offer_list_for_product, offer_visible_qs
from comptoir.offers.services import (
    offer_create,
    offer_stock_adjust,
    offer_stock_bulk_set,
    offer_stock_set,
    offer_update,
)
from comptoir.sellers.services import seller_reject, seller_suspend
from comptoir.testing.builders import make_offer, make_operator, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db


def _create(seller, profile, product=None, **overrides):
    values = dict(
        seller=seller,
        actor=seller.members.get().user,
        product_id=(product or make_product()).pk,
        sku="SKU-1",
        price_amount=1999,
        currency="EUR",
        stock=5,
        shipping_profile_id=profile.pk,
    )
    values.update(overrides)
    return offer_create(**values)


@pytest.fixture
def seller():
    return make_seller(country="DE")


@pytest.fixture
def profile(seller):
    return make_shipping_profile(seller, countries=("FR", "DE", "BE"))


def test_offer_is_created_with_its_terms_and_audited(seller, profile):
    product = make_product()

    offer = _create(
        seller,
        profile,
        product,
        sku="  KNIFE-20 ",
        condition=Condition.REFURBISHED,
        condition_note="Resharpened",
        handling_days=2,
        return_policy_days=30,
    )

    offer.refresh_from_db()
    assert (offer.product, offer.sku, offer.price_amount, offer.currency, offer.stock) == (
        product,
        "KNIFE-20",
        1999,
        "EUR",
        5,
    )
    assert (offer.condition, offer.condition_note, offer.handling_days, offer.return_policy_days) == (
        "refurbished",
        "Resharpened",
        2,
        30,
    )
    assert offer.ships_from_country == "DE"
    assert offer.fulfilment_method == FulfilmentMethod.MERCHANT
    assert AuditLog.objects.filter(
        action="offer.created", target_id=str(offer.pk), seller_id=seller.pk, actor=seller.members.get().user
    ).exists()


def test_ships_to_is_derived_from_the_shipping_profile(seller, profile):
    offer = _create(seller, profile)

    assert offer.ships_to == ["BE", "DE", "FR"]
    assert make_offer().ships_to == ["*"]


def test_ships_from_country_can_differ_from_the_seller_country(seller, profile):
    assert _create(seller, profile, ships_from_country="pl").ships_from_country == "PL"


@pytest.mark.parametrize("method", [FulfilmentMethod.MERCHANT, FulfilmentMethod.MARKETPLACE, FulfilmentMethod.DROPSHIP])
def test_every_fulfilment_method_is_representable(seller, profile, method):
    # an operator, since only an operator may mark an offer as fulfilled by the marketplace
    offer = _create(seller, profile, actor=make_operator(), fulfilment_method=method)

    assert offer.fulfilment_method == method


@pytest.mark.parametrize("price", [0, -1, -1999, 1.99, "19.99", None, True])
def test_non_positive_or_non_integer_prices_are_refused(seller, profile, price):
    with pytest.raises(ValidationError) as raised:
        _create(seller, profile, price_amount=price)

    assert set(raised.value.fields) == {"price_amount"}
    assert not Offer.objects.exists()


@override_settings(COMPTOIR={"MAX_UNIT_PRICE_MAJOR": 1_000_000})
def test_absurd_prices_are_refused_according_to_the_currency_exponent(seller):
    eur_profile, jpy_profile = (
        make_shipping_profile(seller, currency="EUR"),
        make_shipping_profile(seller, currency="JPY"),
    )

    assert _create(seller, eur_profile, price_amount=100_000_000).price_amount == 100_000_000
    with pytest.raises(ValidationError) as too_much:
        _create(seller, eur_profile, sku="SKU-2", price_amount=100_000_001)
    assert _create(seller, jpy_profile, sku="SKU-3", currency="JPY", price_amount=1_000_000).price.amount == 1_000_000
    with pytest.raises(ValidationError):
        _create(seller, jpy_profile, sku="SKU-4", currency="JPY", price_amount=1_000_001)

    assert set(too_much.value.fields) == {"price_amount"}


@pytest.mark.parametrize("currency", ["XXY", "EURO", "", None, "€"])
def test_unknown_currencies_are_refused(seller, profile, currency):
    with pytest.raises(ValidationError) as raised:
        _create(seller, profile, currency=currency)

    assert set(raised.value.fields) == {"currency"}


@pytest.mark.parametrize("currency", ["eur", "Eur", " EUR "])
def test_currency_codes_are_normalised_to_upper_case(seller, profile, currency):
    assert _create(seller, profile, currency=currency).currency == "EUR"


def test_offer_currency_must_be_served_by_its_shipping_profile(seller, profile):
    with pytest.raises(ValidationError) as raised:
        _create(seller, profile, currency="USD")

    assert set(raised.value.fields) == {"shipping_profile_id"}
    assert "USD" in raised.value.fields["shipping_profile_id"]


@pytest.mark.parametrize("stock", [-1, 1.5, "3", None, 1_000_001])
def test_bad_stock_is_refused(seller, profile, stock):
    with pytest.raises(ValidationError) as raised:
        _create(seller, profile, stock=stock)

    assert set(raised.value.fields) == {"stock"}


@pytest.mark.parametrize(
    "field, value",
    [
        ("condition", "mint"),
        ("fulfilment_method", "drone"),
        ("handling_days", -1),
        ("handling_days", 31),
        ("return_policy_days", 366),
        ("ships_from_country", "ZZ"),
        ("sku", " "),
        ("sku", "S" * 101),
        ("condition_note", "n" * 301),
    ],
)
def test_bad_terms_are_field_errors(seller, profile, field, value):
    with pytest.raises(ValidationError) as raised:
        _create(seller, profile, **{field: value})

    assert set(raised.value.fields) == {field}


def test_every_problem_is_reported_at_once(seller):
    with pytest.raises(ValidationError) as raised:
        offer_create(
            seller=seller,
            actor=None,
            product_id=999999,
            sku="",
            price_amount=0,
            currency="EUR",
            stock=-1,
            shipping_profile_id=999999,
            condition="mint",
            fulfilment_method="drone",
        )

    assert set(raised.value.fields) == {
        "product_id",
        "sku",
        "price_amount",
        "stock",
        "shipping_profile_id",
        "condition",
        "fulfilment_method",
    }


def test_a_seller_cannot_use_another_sellers_shipping_profile(seller):
    other_profile = make_shipping_profile(make_seller())

    with pytest.raises(ValidationError) as raised:
        _create(seller, other_profile)

    assert set(raised.value.fields) == {"shipping_profile_id"}


def test_duplicate_sku_and_duplicate_product_condition_are_refused(seller, profile):
    product = make_product()
    _create(seller, profile, product, sku="A")

    with pytest.raises(ValidationError) as same_sku:
        _create(seller, profile, sku="A")
    with pytest.raises(ValidationError) as same_product:
        _create(seller, profile, product, sku="B")

    assert same_sku.value.code == same_product.value.code == "offer_duplicate"
    assert _create(seller, profile, product, sku="C", condition=Condition.USED_GOOD).condition == "used_good"
    assert Offer.objects.filter(seller=seller).count() == 2


def test_two_sellers_may_use_the_same_sku_on_the_same_product():
    product = make_product()

    first, second = make_offer(product=product, sku="SAME"), make_offer(product=product, sku="SAME")

    assert first.seller != second.seller
    assert [offer.pk for offer in offer_list_for_product(product.pk)] == sorted([first.pk, second.pk])


def test_update_changes_terms_and_audits_before_and_after(seller, profile):
    offer = _create(seller, profile)
    express_profile = make_shipping_profile(seller, countries=("FR",))

    updated = offer_update(
        seller=seller,
        actor=None,
        offer_id=offer.pk,
        changes={"price_amount": 2499, "is_active": False, "shipping_profile_id": express_profile.pk},
    )

    assert (updated.price_amount, updated.is_active, updated.shipping_profile_id) == (2499, False, express_profile.pk)
    row = AuditLog.objects.get(action="offer.updated")
    assert row.data["before"] == {"price_amount": 1999, "is_active": True, "shipping_profile_id": profile.pk}
    assert row.data["after"]["price_amount"] == 2499


@pytest.mark.parametrize(
    "changes, field",
    [
        ({"price_amount": 0}, "price_amount"),
        ({"price_amount": -5}, "price_amount"),
        ({"currency": "XXY"}, "currency"),
        ({"stock": -1}, "stock"),
        ({"handling_days": 99}, "handling_days"),
        ({"fulfilment_method": "drone"}, "fulfilment_method"),
        ({"is_active": "yes"}, "is_active"),
        ({"return_policy_days": -1}, "return_policy_days"),
        ({"condition_note": "n" * 301}, "condition_note"),
        ({"shipping_profile_id": 999999}, "shipping_profile_id"),
        ({"currency": "USD"}, "shipping_profile_id"),
        ({"shipping_profile_id": "abc"}, "shipping_profile_id"),
        ({"product_id": 1}, "product_id"),
        ({"seller_id": 1}, "seller_id"),
        ({"sku": "X"}, "sku"),
    ],
)
def test_invalid_updates_are_refused_and_change_nothing(seller, profile, changes, field):
    offer = _create(seller, profile)

    with pytest.raises(ValidationError) as raised:
        offer_update(seller=seller, actor=None, offer_id=offer.pk, changes=changes)

    assert set(raised.value.fields) == {field}
    fresh = Offer.objects.get(pk=offer.pk)
    assert (fresh.price_amount, fresh.currency, fresh.stock, fresh.is_active, fresh.shipping_profile_id) == (
        1999,
        "EUR",
        5,
        True,
        profile.pk,
    )


def test_update_accepts_a_lowercase_currency_served_by_the_profile(seller, profile):
    offer = _create(seller, profile)

    assert offer_update(seller=seller, actor=None, offer_id=offer.pk, changes={"currency": "eur"}).currency == "EUR"


def test_a_seller_cannot_update_another_sellers_offer(seller, profile):
    foreign = make_offer()

    with pytest.raises(NotFound):
        offer_update(seller=seller, actor=None, offer_id=foreign.pk, changes={"price_amount": 1})
    with pytest.raises(NotFound):
        offer_stock_set(seller=seller, actor=None, offer_id=foreign.pk, stock=0)
    with pytest.raises(NotFound):
        offer_stock_adjust(seller=seller, actor=None, offer_id=foreign.pk, delta=-1)

    assert Offer.objects.get(pk=foreign.pk).price_amount == foreign.price_amount


def test_a_seller_cannot_move_its_offer_to_another_sellers_profile(seller, profile):
    offer = _create(seller, profile)

    with pytest.raises(ValidationError) as raised:
        offer_update(
            seller=seller,
            actor=None,
            offer_id=offer.pk,
            changes={"shipping_profile_id": make_shipping_profile(make_seller()).pk},
        )

    assert set(raised.value.fields) == {"shipping_profile_id"}


def test_stock_set(seller, profile):
    offer = _create(seller, profile)

    assert offer_stock_set(seller=seller, actor=None, offer_id=offer.pk, stock=42).stock == 42
    with pytest.raises(ValidationError):
        offer_stock_set(seller=seller, actor=None, offer_id=offer.pk, stock=-1)
    assert Offer.objects.get(pk=offer.pk).stock == 42


def test_bulk_stock_sets_every_sku(seller, profile):
    first, second = _create(seller, profile, sku="A"), _create(seller, profile, sku="B")

    offer_stock_bulk_set(seller=seller, actor=None, stock_by_sku={"A": 0, "B": 17})

    assert dict(Offer.objects.filter(seller=seller).values_list("sku", "stock")) == {"A": 0, "B": 17}
    assert AuditLog.objects.get(action="offer.stock_bulk_set").data == {"stock": {"A": 0, "B": 17}}
    assert {first.pk, second.pk} == set(Offer.objects.values_list("pk", flat=True))


@pytest.mark.parametrize(
    "batch, bad",
    [
        ({"A": 3, "B": -1}, {"B"}),
        ({"A": 3, "UNKNOWN": 1}, {"UNKNOWN"}),
        ({"A": 3, "B": 1.5, "C": 1}, {"B", "C"}),
    ],
)
def test_bulk_stock_is_all_or_nothing(seller, profile, batch, bad):
    _create(seller, profile, sku="A")
    _create(seller, profile, sku="B")

    with pytest.raises(ValidationError) as raised:
        offer_stock_bulk_set(seller=seller, actor=None, stock_by_sku=batch)

    assert set(raised.value.fields) == bad
    assert dict(Offer.objects.filter(seller=seller).values_list("sku", "stock")) == {"A": 5, "B": 5}


def test_bulk_stock_cannot_reach_another_sellers_sku(seller, profile):
    _create(seller, profile, sku="A")
    foreign = make_offer(sku="FOREIGN")

    with pytest.raises(ValidationError) as raised:
        offer_stock_bulk_set(seller=seller, actor=None, stock_by_sku={"A": 1, "FOREIGN": 0})

    assert set(raised.value.fields) == {"FOREIGN"}
    assert Offer.objects.get(pk=foreign.pk).stock == foreign.stock


def test_stock_adjust_adds_and_removes_units(seller, profile):
    offer = _create(seller, profile, stock=5)

    assert offer_stock_adjust(seller=seller, actor=None, offer_id=offer.pk, delta=3).stock == 8
    assert offer_stock_adjust(seller=seller, actor=None, offer_id=offer.pk, delta=-8).stock == 0
    assert AuditLog.objects.filter(action="offer.stock_adjusted").count() == 2


@pytest.mark.parametrize("delta", [-6, -100])
def test_stock_adjust_cannot_go_below_zero(seller, profile, delta):
    offer = _create(seller, profile, stock=5)

    with pytest.raises(ValidationError) as raised:
        offer_stock_adjust(seller=seller, actor=None, offer_id=offer.pk, delta=delta)

    assert raised.value.code == "insufficient_stock"
    assert Offer.objects.get(pk=offer.pk).stock == 5


@pytest.mark.parametrize("delta", [1.0, "1", True])
def test_stock_adjust_takes_whole_numbers_only(seller, profile, delta):
    offer = _create(seller, profile)

    with pytest.raises(ValidationError):
        offer_stock_adjust(seller=seller, actor=None, offer_id=offer.pk, delta=delta)


def test_only_active_offers_of_verified_sellers_are_visible():
    verified_offer = make_offer()
    inactive_offer = make_offer()
    offer_update(seller=inactive_offer.seller, actor=None, offer_id=inactive_offer.pk, changes={"is_active": False})
    pending_offer = make_offer(seller=make_seller(verified=False))
    suspended_offer = make_offer()
    seller_suspend(seller_id=suspended_offer.seller_id, actor=make_operator(), reason="Complaints")
    rejected_seller = make_seller(verified=False)
    rejected_offer = make_offer(seller=rejected_seller)
    seller_reject(seller_id=rejected_seller.pk, actor=make_operator(), reason="Fake")

    visible = set(offer_visible_qs().values_list("pk", flat=True))

    assert visible == {verified_offer.pk}
    assert {inactive_offer.pk, pending_offer.pk, suspended_offer.pk, rejected_offer.pk}.isdisjoint(visible)


def test_offers_for_a_product_list_only_visible_ones_cheapest_first():
    product = make_product()
    dear = make_offer(product=product, price_amount=3000)
    cheap = make_offer(product=product, price_amount=1000)
    make_offer(product=product, price_amount=500, seller=make_seller(verified=False))

    assert list(offer_list_for_product(product.pk)) == [cheap, dear]

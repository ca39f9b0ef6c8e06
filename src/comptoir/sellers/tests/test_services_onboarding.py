"""Seller onboarding: trader information validated, IBAN encrypted at rest."""

import pytest
from cryptography.fernet import Fernet
from django.db import connection

from comptoir.core import clock
from comptoir.core.exceptions import ValidationError
from comptoir.core.models import AuditLog
from comptoir.sellers.models import MemberRole, Seller, SellerStatus
from comptoir.sellers.services import seller_onboard
from comptoir.testing.builders import make_user, trader_information

pytestmark = pytest.mark.django_db

IBAN = "FR1420041010050500013M02606"


def _raw_iban_column(seller_id: int) -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT iban_encrypted FROM sellers_seller WHERE id = %s", [seller_id])
        return cursor.fetchone()[0]


def test_onboarding_creates_a_pending_seller_with_its_owner():
    owner = make_user()

    seller = seller_onboard(
        owner=owner, name="  Atelier Lumière ", trader=trader_information("FR", vat_id="FR 403 032 650 45")
    )

    seller.refresh_from_db()
    assert seller.status == SellerStatus.PENDING
    assert seller.name == "Atelier Lumière"
    assert seller.slug == "atelier-lumiere"
    assert seller.vat_id == "FR40303265045"
    assert seller.country == "FR"
    assert seller.self_certified_at is not None
    assert seller.members.get().user == owner and seller.members.get().role == MemberRole.OWNER
    assert AuditLog.objects.filter(
        action="seller.onboarded", target_id=str(seller.pk), actor=owner, seller_id=seller.pk
    ).exists()


def test_trader_fields_are_stored_as_given():
    seller = seller_onboard(
        owner=make_user(),
        name="Shop",
        trader=trader_information(
            "DE", legal_name="Werkstatt GmbH", trade_register="HRB München", trade_register_number="HRB 12345"
        ),
    )

    seller.refresh_from_db()
    assert (seller.legal_name, seller.trade_register, seller.trade_register_number) == (
        "Werkstatt GmbH",
        "HRB München",
        "HRB 12345",
    )
    assert (seller.street, seller.postal_code, seller.city, seller.phone, seller.email) == (
        "12 rue de la Paix",
        "75002",
        "Paris",
        "+33 1 23 45 67 89",
        "contact@atelier.example",
    )


def test_iban_is_not_stored_in_plaintext():
    seller = seller_onboard(
        owner=make_user(), name="Shop", trader=trader_information("FR", iban="FR14 2004 1010 0505 0001 3M02 606")
    )

    raw = _raw_iban_column(seller.pk)

    assert IBAN not in raw
    assert "20041010050500013" not in raw
    assert "FR14" not in raw
    assert seller.iban_last4 == "2606"
    assert seller.iban_masked == "•••• 2606"


def test_stored_iban_decrypts_with_the_configured_key(settings):
    seller = seller_onboard(owner=make_user(), name="Shop", trader=trader_information("FR"))
    raw = _raw_iban_column(seller.pk)

    assert Seller.objects.get(pk=seller.pk).iban() == IBAN
    assert Fernet(settings.COMPTOIR_ENCRYPTION_KEYS[0].encode()).decrypt(raw.encode()).decode() == IBAN


def test_stored_iban_does_not_decrypt_with_another_key(settings):
    seller = seller_onboard(owner=make_user(), name="Shop", trader=trader_information("FR"))

    settings.COMPTOIR_ENCRYPTION_KEYS = [Fernet.generate_key().decode()]

    with pytest.raises(ValueError):
        Seller.objects.get(pk=seller.pk).iban()


def test_after_key_rotation_old_ibans_still_decrypt_and_new_ones_use_the_new_key(settings):
    old_key = settings.COMPTOIR_ENCRYPTION_KEYS[0]
    old_seller = seller_onboard(owner=make_user(), name="Old", trader=trader_information("FR"))
    new_key = Fernet.generate_key().decode()
    settings.COMPTOIR_ENCRYPTION_KEYS = [new_key, old_key]

    new_seller = seller_onboard(owner=make_user(), name="New", trader=trader_information("DE"))

    assert Seller.objects.get(pk=old_seller.pk).iban() == IBAN
    assert Seller.objects.get(pk=new_seller.pk).iban() == "DE89370400440532013000"
    assert Fernet(new_key.encode()).decrypt(_raw_iban_column(new_seller.pk).encode()) == b"DE89370400440532013000"


def test_every_invalid_field_is_reported_and_nothing_is_created():
    trader = trader_information(
        "FR",
        legal_name="",
        vat_id="FR40303265046",
        iban="FR1420041010050500013M02607",
        phone="1",
        email="x",
        self_certified=False,
    )

    with pytest.raises(ValidationError) as raised:
        seller_onboard(owner=make_user(), name="", trader=trader, default_currency="XXY")

    assert raised.value.code == "invalid_trader_information"
    assert set(raised.value.fields) == {
        "legal_name",
        "vat_id",
        "iban",
        "phone",
        "email",
        "self_certified",
        "name",
        "default_currency",
    }
    assert not Seller.objects.exists()
    assert not AuditLog.objects.filter(action="seller.onboarded").exists()


def test_vat_id_of_another_country_is_refused():
    with pytest.raises(ValidationError) as raised:
        seller_onboard(owner=make_user(), name="Shop", trader=trader_information("FR", vat_id="DE136695976"))

    assert set(raised.value.fields) == {"vat_id"}


def test_overlong_postal_code_is_a_field_error_not_a_database_error():
    with pytest.raises(ValidationError) as raised:
        seller_onboard(owner=make_user(), name="Shop", trader=trader_information("FR", postal_code="7" * 21))

    assert set(raised.value.fields) == {"postal_code"}


def test_two_sellers_with_the_same_name_get_distinct_slugs():
    first = seller_onboard(owner=make_user(), name="Même Boutique", trader=trader_information("FR"))
    second = seller_onboard(owner=make_user(), name="Même Boutique", trader=trader_information("FR"))

    assert (first.slug, second.slug) == ("meme-boutique", "meme-boutique-2")


def test_self_certification_time_is_the_onboarding_time():
    import datetime as dt

    moment = dt.datetime(2031, 5, 6, 7, 8, tzinfo=dt.UTC)
    with clock.frozen_at(moment):
        seller = seller_onboard(owner=make_user(), name="Shop", trader=trader_information("FR"))

    assert seller.self_certified_at == moment

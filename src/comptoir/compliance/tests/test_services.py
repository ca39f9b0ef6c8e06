"""Loading rules, sellers' registrations and the offers' market blocks kept in step with every write."""

import datetime as dt
import json

import pytest

from comptoir.catalog.models import ProductImage
from comptoir.compliance.models import (
    ComplianceRule,
    Manufacturer,
    OfferMarketBlock,
    ResponsiblePerson,
    SellerRegistration,
)
from comptoir.compliance.selectors import seller_missing_manufacturers
from comptoir.compliance.services import (
    RULES_FILE,
    compliance_rules_load,
    manufacturer_delete,
    manufacturer_set,
    offer_market_blocks_refresh,
    responsible_person_set,
    seller_registration_delete,
    seller_registration_set,
)
from comptoir.compliance.tests.support import KNIVES_GB, LUCID_DE, RESPONSIBLE_EU, load_rules, rules_file, slug_category
from comptoir.core import clock
from comptoir.core.exceptions import NotFound, ValidationError
from comptoir.core.models import AuditLog
from comptoir.offers.services import offer_update
from comptoir.sellers.models import Seller
from comptoir.testing.builders import make_offer, make_product, make_seller

pytestmark = pytest.mark.django_db


def blocks():
    return {
        (offer_id, country): reasons
        for offer_id, country, reasons in OfferMarketBlock.objects.values_list("offer_id", "country", "reasons")
    }


@pytest.fixture
def knife():
    kitchen = slug_category("kitchen")
    return make_product("Chef's knife", category=slug_category("knives", parent=kitchen), brand="Sabatier")


def test_the_table_is_empty_until_loaded_and_nothing_is_blocked(knife):
    make_offer(product=knife)
    assert not ComplianceRule.objects.exists()
    assert offer_market_blocks_refresh().blocks == 0


def test_the_shipped_rules_load_once_with_their_sources():
    report = compliance_rules_load()
    assert len(report.created) == 17 == ComplianceRule.objects.count()
    assert all(rule.source and rule.effective_from for rule in ComplianceRule.objects.all())
    again = compliance_rules_load()
    assert (again.created, again.changed, again.removed, again.unchanged) == ([], [], [], 17)
    assert AuditLog.objects.filter(action="compliance.rules_loaded").count() == 1


def test_a_new_file_changes_and_removes_rules_by_code(tmp_path):
    load_rules(tmp_path, KNIVES_GB, LUCID_DE)
    report = load_rules(tmp_path, {**KNIVES_GB, "countries": ["GB", "IE"]})
    assert report.changed == ["gb_bladed_items"] and report.removed == ["de_lucid_packaging"]
    assert ComplianceRule.objects.get().countries == ["GB", "IE"]


@pytest.mark.parametrize(
    "entry",
    [
        {**KNIVES_GB, "requirement": "forbidden"},
        {**KNIVES_GB, "countries": []},
        {**KNIVES_GB, "countries": ["gbr"]},
        {**KNIVES_GB, "effective_from": "16/05/2019"},
        {**KNIVES_GB, "source": ""},
        {**LUCID_DE, "scheme": ""},
    ],
)
def test_a_malformed_file_writes_nothing(tmp_path, entry):
    load_rules(tmp_path, LUCID_DE)
    with pytest.raises(ValidationError) as raised:
        load_rules(tmp_path, KNIVES_GB, entry)
    assert raised.value.code == "rules_file_invalid"
    assert list(ComplianceRule.objects.values_list("code", flat=True)) == ["de_lucid_packaging"]


def test_an_unreadable_file_is_a_validation_error(tmp_path):
    path = tmp_path / "rules.json"
    path.write_text("{not json", encoding="utf-8")
    with pytest.raises(ValidationError):
        compliance_rules_load(path=path)


def test_loading_blocks_existing_offers_and_a_new_offer_is_blocked_when_created(tmp_path, knife):
    first = make_offer(product=knife)
    load_rules(tmp_path, KNIVES_GB)
    assert blocks() == {(first.pk, "GB"): [{"rule": "gb_bladed_items", "code": "prohibited_for_destination"}]}

    second = make_offer(product=knife)  # computed in the creating transaction (OfferChanged)

    assert set(blocks()) == {(first.pk, "GB"), (second.pk, "GB")}


def test_a_product_moved_out_of_the_category_is_freed_on_its_next_change(tmp_path, knife):
    offer = make_offer(product=knife)
    load_rules(tmp_path, KNIVES_GB)
    knife.category = slug_category("books")
    knife.save(update_fields=["category"])
    offer_update(seller=offer.seller, actor=None, offer_id=offer.pk, changes={"price_amount": 2500})
    assert blocks() == {}


def test_a_registration_lifts_the_block_and_its_deletion_restores_it(tmp_path):
    seller = make_seller(country="FR")
    offer = make_offer(seller=seller)
    load_rules(tmp_path, LUCID_DE)
    assert set(blocks()) == {(offer.pk, "DE")}

    seller_registration_set(seller=seller, actor=None, scheme="de_lucid", country="de", number="DE5120412345678")
    assert blocks() == {}
    # Idempotent: the same number again changes nothing and writes no second audit row.
    seller_registration_set(seller=seller, actor=None, scheme="de_lucid", country="DE", number="DE5120412345678")
    assert AuditLog.objects.filter(action="compliance.registration_set").count() == 1

    seller_registration_delete(seller=seller, actor=None, scheme="de_lucid", country="DE")
    assert set(blocks()) == {(offer.pk, "DE")}
    with pytest.raises(NotFound):
        seller_registration_delete(seller=seller, actor=None, scheme="de_lucid", country="DE")


@pytest.mark.parametrize(
    "values, field",
    [
        ({"scheme": "nope", "country": "FR", "number": "1"}, "scheme"),
        ({"scheme": "de_lucid", "country": "FR", "number": "1"}, "country"),
        ({"scheme": "fr_epr_eee", "country": "France", "number": "1"}, "country"),
        ({"scheme": "battery_epr", "country": "GB", "number": "1"}, "country"),
        ({"scheme": "fr_epr_eee", "country": "FR", "number": "  "}, "number"),
        ({"scheme": "fr_epr_eee", "country": "FR", "number": "x" * 101}, "number"),
    ],
)
def test_invalid_registrations_are_refused(values, field):
    seller = make_seller()
    with pytest.raises(ValidationError) as raised:
        seller_registration_set(seller=seller, actor=None, **values)
    assert field in raised.value.fields
    assert not SellerRegistration.objects.exists()


def test_a_seller_outside_the_eu_needs_a_responsible_person(tmp_path):
    seller = make_seller()
    Seller.objects.filter(pk=seller.pk).update(country="US")  # (the builders know EU identifiers only)
    seller.refresh_from_db()
    offer = make_offer(seller=seller)
    load_rules(tmp_path, RESPONSIBLE_EU)
    assert len([key for key in blocks() if key[0] == offer.pk]) == 27

    with pytest.raises(ValidationError) as raised:
        responsible_person_set(
            seller=seller, actor=None, name="Rep", address="1 Main St", email="rep@example.com", country="US"
        )
    assert set(raised.value.fields) == {"country"}

    responsible_person_set(
        seller=seller,
        actor=None,
        name="EU Rep GmbH",
        address="Hauptstr. 1, Berlin",
        email="rep@example.eu",
        country="DE",
    )
    assert blocks() == {}
    assert ResponsiblePerson.objects.get().seller == seller


def test_a_rule_blocks_from_the_day_it_comes_into_force(tmp_path, knife):
    offer = make_offer(product=knife)
    with clock.frozen_at(dt.datetime(2019, 5, 15, 12, tzinfo=dt.UTC)):
        load_rules(tmp_path, KNIVES_GB)
        assert blocks() == {}
    report = offer_market_blocks_refresh(day=dt.date(2019, 5, 16))  # the scheduler's run on the day
    assert report.changed_offer_ids == [offer.pk]
    assert set(blocks()) == {(offer.pk, "GB")}
    assert offer_market_blocks_refresh(day=dt.date(2019, 5, 16)).changed_offer_ids == []  # idempotent


def test_gpsr_picture_manufacturer_and_warnings_read_the_product(tmp_path):
    kitchen = slug_category("kitchen")
    product = make_product("Knife", category=slug_category("knives", parent=kitchen), brand="")
    offer = make_offer(product=product)
    shipped = {rule["code"]: rule for rule in json.loads(RULES_FILE.read_text())["rules"]}
    load_rules(tmp_path, shipped["eu_gpsr_manufacturer"], shipped["eu_gpsr_picture"], shipped["eu_gpsr_warnings"])
    assert [reason["code"] for reason in blocks()[(offer.pk, "FR")]] == [
        "manufacturer_missing",
        "picture_missing",
        "warnings_missing",
    ]
    product.attributes = {"manufacturer": "Coutellerie Nontron", "safety_warnings": "Keep from children"}
    product.save(update_fields=["attributes"])
    ProductImage.objects.create(product=product, url="knife.jpg")
    offer_market_blocks_refresh(product_ids=[product.pk])
    # Named, but GPSR Art. 19(a) asks for its postal and electronic address too.
    assert [reason["code"] for reason in blocks()[(offer.pk, "FR")]] == ["manufacturer_address_missing"]
    manufacturer_set(
        seller=offer.seller,
        actor=None,
        name="coutellerie NONTRON",
        address="Le Bourg, 24300 Nontron",
        email="contact@nontron.example",
        country="fr",
    )
    assert blocks() == {}


def test_refresh_publishes_only_when_blocks_change(tmp_path, knife):
    from comptoir.compliance.events import OfferMarketsChanged
    from comptoir.core.events import subscribe, unsubscribe

    offer = make_offer(product=knife)
    seen = []
    subscribe(OfferMarketsChanged, seen.append)
    try:
        load_rules(tmp_path, KNIVES_GB)
        offer_market_blocks_refresh()
    finally:
        unsubscribe(OfferMarketsChanged, seen.append)
    assert [(event.offer_ids, event.product_ids) for event in seen] == [((offer.pk,), (knife.pk,))]


def test_the_rules_file_shipped_is_valid_for_a_dry_load(tmp_path):
    entries = json.loads(RULES_FILE.read_text())["rules"]
    report = compliance_rules_load(path=rules_file(tmp_path, *entries), skip=["eu_gpsr_picture"])
    assert len(report.created) == 16 and "eu_gpsr_picture" not in report.created


@pytest.mark.postgres_only
@pytest.mark.django_db(transaction=True)
def test_refreshes_of_the_same_offers_at_once_both_succeed(tmp_path):
    from comptoir.testing.concurrency import run_together

    seller = make_seller()
    offers = [make_offer(seller=seller) for _ in range(3)]
    load_rules(tmp_path, LUCID_DE)
    OfferMarketBlock.objects.all().delete()  # as if the rules had just been loaded by another process

    results, errors = run_together(
        lambda: offer_market_blocks_refresh(seller_ids=[seller.pk]),
        lambda: offer_market_blocks_refresh(offer_ids=[offer.pk for offer in reversed(offers)]),
    )

    assert errors == []
    assert len(results) == 2
    assert set(blocks()) == {(offer.pk, "DE") for offer in offers}


def test_manufacturer_addresses_are_validated_idempotent_and_per_seller(tmp_path):
    offer = make_offer(product=make_product("Drill", brand="Bohrmax"))
    other = make_offer(product=offer.product)
    shipped = {rule["code"]: rule for rule in json.loads(RULES_FILE.read_text())["rules"]}
    load_rules(tmp_path, shipped["eu_gpsr_manufacturer"])
    assert seller_missing_manufacturers(offer.seller_id) == ["Bohrmax"]
    with pytest.raises(ValidationError) as invalid:
        manufacturer_set(seller=offer.seller, actor=None, name=" ", address="x", email="not-an-email", country="XX")
    assert set(invalid.value.fields) == {"name", "email", "country"}
    values = {"name": "Bohrmax", "address": "Werkstr. 5, 10115 Berlin", "email": "info@bohrmax.example"}
    first = manufacturer_set(seller=offer.seller, actor=None, country="DE", **values)
    again = manufacturer_set(seller=offer.seller, actor=None, country="de", **values)

    assert first.pk == again.pk and Manufacturer.objects.count() == 1
    assert (offer.pk, "FR") not in blocks()
    # Another seller of the same product answers for its own offer: still blocked until it gives the address.
    assert [reason["code"] for reason in blocks()[(other.pk, "FR")]] == ["manufacturer_address_missing"]
    assert seller_missing_manufacturers(offer.seller_id) == []
    with pytest.raises(NotFound):
        manufacturer_delete(seller=other.seller, actor=None, manufacturer_id=first.pk)
    manufacturer_delete(seller=offer.seller, actor=None, manufacturer_id=first.pk)
    assert [reason["code"] for reason in blocks()[(offer.pk, "FR")]] == ["manufacturer_address_missing"]


def test_the_responsible_persons_country_must_be_a_real_eu_code():
    seller = make_offer().seller
    for country, message in (("QQ", "ISO 3166"), ("US", "EU Member State")):
        with pytest.raises(ValidationError) as invalid:
            responsible_person_set(
                seller=seller, actor=None, name="Rep", address="1 Rue, Paris", email="rep@x.example", country=country
            )
        assert message in invalid.value.fields["country"]

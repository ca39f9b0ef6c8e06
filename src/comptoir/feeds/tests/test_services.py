"""Feeds generated from real offers: who is in them, at what price, checked against Google's specification."""

import csv
import datetime as dt
import io
import xml.etree.ElementTree as ET

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command

from comptoir.catalog.models import ProductImage
from comptoir.catalog.services.translations import product_translation_put
from comptoir.catalog.services.variants import product_family_create, product_variant_create
from comptoir.core import clock
from comptoir.core.exceptions import Conflict, NotFound, PermissionDenied, ValidationError
from comptoir.feeds.domain.specification import validate_tsv, validate_xml
from comptoir.feeds.models import Feed, GoogleCategoryMapping
from comptoir.feeds.selectors import feed_by_token, feed_token
from comptoir.feeds.services import (
    feed_create,
    feed_delete,
    feed_generate,
    feed_token_rotate,
    feed_update,
    feeds_generate_due,
)
from comptoir.feeds.tests.google_files import google_specification
from comptoir.offers.services import offer_update
from comptoir.sellers.services import seller_suspend
from comptoir.testing.builders import (
    make_category,
    make_offer,
    make_operator,
    make_product,
    make_seller,
    make_shipping_profile,
)

pytestmark = pytest.mark.django_db
G = "{http://base.google.com/ns/1.0}"


def pictured(product, *names):
    for position, name in enumerate(names or ("front.jpg",)):
        ProductImage.objects.create(product=product, url=f"https://cdn.example/{product.pk}/{name}", position=position)
    return product


def a_product(title="Cast iron teapot", **extra):
    extra.setdefault("description", "Cast iron, 0.8 l.")
    extra.setdefault("brand", "Kyusu")
    return pictured(make_product(title, **extra))


def marketplace_feed(operator, **changes):
    values = dict(name="Google FR", kind="google", format="xml", country="FR", language="fr", currency="EUR")
    values.update(changes)
    feed, _ = feed_create(seller=None, actor=operator, **values)
    return feed


def content(feed) -> bytes:
    feed.refresh_from_db()
    with default_storage.open(feed.file_name, "rb") as handle:
        return handle.read()


def items_by_id(document: bytes) -> dict:
    channel = ET.fromstring(document).find("channel")
    return {item.findtext(f"{G}id"): item for item in channel.findall("item")}


def test_the_marketplace_feed_lists_every_visible_offer_that_ships_to_its_country():
    operator = make_operator()
    shown = make_offer(product=a_product(gtin="4006381333931"), price_amount=2490, stock=3, sku="TEA-1")
    out_of_stock = make_offer(product=a_product("Kettle"), stock=0)
    inactive = make_offer(product=a_product("Cup"))
    offer_update(seller=inactive.seller, actor=None, offer_id=inactive.pk, changes={"is_active": False})
    suspended = make_offer(product=a_product("Saucer"))
    seller_suspend(seller_id=suspended.seller_id, actor=operator, reason="test")
    german_seller = make_seller()
    germany_only = make_offer(
        seller=german_seller,
        product=a_product("Tray"),
        shipping_profile=make_shipping_profile(german_seller, countries=("DE",)),
    )
    no_picture = make_offer(product=make_product("Spoon", description="Steel.", brand="Kyusu"))
    feed = marketplace_feed(operator)

    result = feed_generate(feed_id=feed.pk)

    items = items_by_id(content(feed))
    assert set(items) == {f"offer-{shown.pk}", f"offer-{out_of_stock.pk}"}
    item = items[f"offer-{shown.pk}"]
    assert item.findtext(f"{G}price") == "24.90 EUR" and item.findtext(f"{G}availability") == "in_stock"
    assert item.findtext(f"{G}external_seller_id") == shown.seller.slug
    assert item.find(f"{G}shipping").findtext(f"{G}price") == "4.90 EUR"  # the cheapest rate, as checkout picks
    assert item.findtext(f"{G}link").startswith(f"https://shop.example/p/{shown.product_id}/cast-iron-teapot?")
    assert item.findtext(f"{G}image_link") == f"https://cdn.example/{shown.product_id}/front.jpg"
    assert items[f"offer-{out_of_stock.pk}"].findtext(f"{G}availability") == "out_of_stock"
    feed.refresh_from_db()
    assert (result.item_count, result.excluded_count) == (2, 2) == (feed.item_count, feed.excluded_count)
    assert {(row["offer_id"], tuple(row["reasons"])) for row in feed.exclusions} == {
        (germany_only.pk, ("does_not_ship_there",)),
        (no_picture.pk, ("no_image",)),
    }


def test_a_generated_google_feed_validates_in_xml_and_tsv():
    spec, taxonomy = google_specification()
    operator = make_operator()
    kitchen = make_category("Kitchen")
    GoogleCategoryMapping.objects.create(category=kitchen, google_category_id=649)
    make_offer(product=a_product(gtin="4006381333931", category=make_category("Teapots", parent=kitchen)))
    make_offer(product=a_product("Pot", brand="", attributes={"MPN": "P-1"}), condition="used_good")
    pictured(make_product("x"))
    xml_feed = marketplace_feed(operator)
    tsv_feed = marketplace_feed(operator, format="tsv")

    feed_generate(feed_id=xml_feed.pk)
    feed_generate(feed_id=tsv_feed.pk)

    document = content(xml_feed)
    assert validate_xml(document, spec=spec, taxonomy=taxonomy, currency="EUR") == []
    categories = [item.findtext(f"{G}google_product_category") for item in items_by_id(document).values()]
    assert "649" in categories  # a subcategory takes its ancestor's Google category
    text = content(tsv_feed).decode()
    assert validate_tsv(text, spec=spec, taxonomy=taxonomy, currency="EUR") == []
    assert len(text.splitlines()) == 3


def test_prices_are_quoted_in_the_feeds_currency_through_the_pricing_seam(settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "EXCHANGE_RATES": {"EUR/GBP": "0.8"}}
    operator = make_operator()
    euro = make_offer(product=a_product(), price_amount=2490)
    yen = make_offer(product=a_product("Tea bowl"), price_amount=3000, currency="JPY")
    feed = marketplace_feed(operator, country="GB", language="en", currency="GBP")

    feed_generate(feed_id=feed.pk)

    items = items_by_id(content(feed))
    item = items[f"offer-{euro.pk}"]
    assert item.findtext(f"{G}price") == "19.92 GBP"  # 24.90 × 0.8
    assert item.find(f"{G}shipping").findtext(f"{G}price") == "3.92 GBP"  # (24.90 + 4.90) × 0.8 − 19.92
    assert f"offer-{yen.pk}" not in items
    feed.refresh_from_db()
    assert feed.exclusions == [{"offer_id": yen.pk, "sku": yen.sku, "reasons": ["no_exchange_rate"]}]


def test_variants_share_an_item_group_and_name_their_options():
    operator = make_operator()
    family = product_family_create(
        title="T-shirt",
        category_id=make_category().pk,
        option_names=["Size", "Colour"],
        description="Organic cotton.",
        brand="Loom",
    )
    pictured(family)
    small = product_variant_create(family_id=family.pk, option_values={"Size": "S", "Colour": "Red"})
    large = product_variant_create(family_id=family.pk, option_values={"Size": "L", "Colour": "Red"})
    seller = make_seller()
    profile = make_shipping_profile(seller)
    first = make_offer(seller=seller, product=small, shipping_profile=profile)
    second = make_offer(seller=seller, product=large, shipping_profile=profile)
    feed = marketplace_feed(operator)

    feed_generate(feed_id=feed.pk)

    items = items_by_id(content(feed))
    small_item, large_item = items[f"offer-{first.pk}"], items[f"offer-{second.pk}"]
    group = f"family-{family.pk}-{seller.pk}"
    assert small_item.findtext(f"{G}item_group_id") == large_item.findtext(f"{G}item_group_id") == group
    assert (small_item.findtext(f"{G}size"), small_item.findtext(f"{G}color")) == ("S", "Red")
    assert small_item.findtext(f"{G}description") == "Organic cotton."  # the family's text through feed_text
    assert f"?variant={small.pk}&" in small_item.findtext(f"{G}link")
    assert small_item.findtext(f"{G}image_link") == f"https://cdn.example/{family.pk}/front.jpg"


def test_a_sellers_channel_feed_holds_only_its_own_offers():
    mine = make_offer(product=a_product(gtin="4006381333931"), price_amount=1250, sku="MINE-1")
    make_offer(product=mine.product, sku="THEIRS-1")
    feed, _ = feed_create(
        seller=mine.seller,
        actor=None,
        name="Lengow",
        kind="channel",
        format="csv",
        country="FR",
        language="fr",
        currency="EUR",
        columns=[
            {"column": "SKU", "field": "sku"},
            {"column": "EAN", "field": "gtin"},
            {"column": "Price", "field": "price_amount"},
            {"column": "Marketplace", "field": "constant", "value": "comptoir"},
        ],
    )

    feed_generate(feed_id=feed.pk)

    rows = list(csv.reader(io.StringIO(content(feed).decode())))
    assert rows == [["SKU", "EAN", "Price", "Marketplace"], ["MINE-1", "04006381333931", "12.50", "comptoir"]]


def test_feed_definitions_are_checked_and_nothing_is_written_on_refusal():
    seller = make_seller()
    valid = dict(name="F", kind="channel", format="csv", country="FR", language="fr", currency="EUR")
    refusals = [
        ({"country": "XX"}, "country"),
        ({"currency": "EURO"}, "currency"),
        ({"language": "pt"}, "language"),
        ({"format": "tsv"}, "format"),
        ({"kind": "google", "format": "xml", "columns": [{"column": "a", "field": "sku"}]}, "columns"),
        ({"columns": [{"column": "a", "field": "cost"}]}, "columns[0]"),
        ({"name": ""}, "name"),
    ]
    for changes, field in refusals:
        values = {**valid, "columns": [{"column": "SKU", "field": "sku"}], **changes}
        with pytest.raises(ValidationError) as raised:
            feed_create(seller=seller, actor=None, **values)
        assert field in raised.value.fields, changes
    assert not Feed.objects.exists()


def test_only_an_operator_manages_the_marketplaces_feeds():
    with pytest.raises(PermissionDenied):
        feed_create(
            seller=None, actor=None, name="F", kind="google", format="xml", country="FR", language="fr", currency="EUR"
        )
    feed = marketplace_feed(make_operator())
    seller = make_seller()
    with pytest.raises(NotFound):  # a seller's scope never reaches the marketplace's feed
        feed_update(seller=seller, actor=seller.members.first().user, feed_id=feed.pk, changes={"name": "x"})


def test_a_seller_has_a_limited_number_of_feeds(settings):
    settings.COMPTOIR = {**settings.COMPTOIR, "FEEDS": {"MAX_FEEDS_PER_SELLER": 1}}
    seller = make_seller()
    values = dict(name="F", kind="google", format="xml", country="FR", language="fr", currency="EUR")
    feed_create(seller=seller, actor=None, **values)

    with pytest.raises(Conflict):
        feed_create(seller=seller, actor=None, **values)


def test_rotating_the_token_revokes_the_old_address():
    operator = make_operator()
    feed, token = feed_create(
        seller=None, actor=operator, name="F", kind="google", format="xml", country="FR", language="fr", currency="EUR"
    )
    assert feed_by_token(token) == feed and feed_token(feed) == token

    feed, new_token = feed_token_rotate(seller=None, actor=operator, feed_id=feed.pk)

    assert feed_by_token(token) is None and feed_by_token(new_token) == feed
    feed_update(seller=None, actor=operator, feed_id=feed.pk, changes={"is_active": False})
    assert feed_by_token(new_token) is None


def test_creating_a_feed_generates_it_after_the_commit(django_capture_on_commit_callbacks):
    make_offer(product=a_product())
    with django_capture_on_commit_callbacks(execute=True):
        feed = marketplace_feed(make_operator())

    feed.refresh_from_db()
    assert feed.generated_at is not None and feed.item_count == 1


def test_regenerating_replaces_the_file_and_removes_the_previous_one(django_capture_on_commit_callbacks):
    make_offer(product=a_product())
    feed = marketplace_feed(make_operator())
    with django_capture_on_commit_callbacks(execute=True):
        feed_generate(feed_id=feed.pk)
    feed.refresh_from_db()
    first = feed.file_name

    with django_capture_on_commit_callbacks(execute=True):
        feed_generate(feed_id=feed.pk)

    feed.refresh_from_db()
    assert feed.file_name != first and default_storage.exists(feed.file_name) and not default_storage.exists(first)
    with django_capture_on_commit_callbacks(execute=True):
        feed_delete(seller=None, actor=make_operator(), feed_id=feed.pk)
    assert not default_storage.exists(feed.file_name)


def test_the_refresh_writes_only_active_feeds_older_than_the_period():
    operator = make_operator()
    fresh, stale, inactive = (marketplace_feed(operator, name=name) for name in ("fresh", "stale", "inactive"))
    feed_update(seller=None, actor=operator, feed_id=inactive.pk, changes={"is_active": False})
    feed_generate(feed_id=fresh.pk)
    with clock.frozen_at(clock.now() - dt.timedelta(hours=7)):
        feed_generate(feed_id=stale.pk)

    results = feeds_generate_due()

    assert [result.feed_id for result in results] == [stale.pk]


def test_the_refresh_task_enqueues_one_generation_per_due_feed():
    from comptoir.feeds.tasks import feeds_refresh_task

    operator = make_operator()
    fresh, stale = (marketplace_feed(operator, name=name) for name in ("fresh", "stale"))
    feed_generate(feed_id=fresh.pk)
    with clock.frozen_at(clock.now() - dt.timedelta(hours=7)):
        feed_generate(feed_id=stale.pk)
    before = {feed.pk: feed.generated_at for feed in Feed.objects.all()}

    result = feeds_refresh_task.enqueue()  # the immediate backend runs it, and the generations it enqueues, at once

    assert result.return_value == 1
    after = {feed.pk: feed.generated_at for feed in Feed.objects.all()}
    assert after[fresh.pk] == before[fresh.pk] and after[stale.pk] > before[stale.pk]


def test_the_feed_command_lists_and_generates(capsys):
    make_offer(product=a_product())
    feed = marketplace_feed(make_operator())

    call_command("feed", "generate", str(feed.pk))
    call_command("feed", "list")

    output = capsys.readouterr().out
    assert f"feed {feed.pk}: 1 items, 0 offers left out" in output
    assert "Google FR" in output and "(marketplace)" in output and "FR/fr/EUR" in output


def test_the_scheduler_refreshes_feeds():
    from comptoir.feeds.tasks import feeds_refresh_task
    from comptoir.ops.management.commands.scheduler import PERIODIC_TASKS

    assert any(entry[0] is feeds_refresh_task for entry in PERIODIC_TASKS)


def test_a_feed_in_another_language_shows_the_sellers_translation_and_falls_back_to_the_own_text():
    operator = make_operator()
    translated = make_offer(product=a_product("Cast iron teapot", description="Cast iron, 0.8 l."))
    untranslated = make_offer(product=a_product("Bamboo whisk", description="Hand carved."))
    product_translation_put(
        product_id=translated.product_id,
        language="de",
        title="Teekanne aus Gusseisen",
        description="Gusseisen, 0,8 l.",
        actor=operator,
    )
    feed = marketplace_feed(operator, name="Google DE", country="FR", language="de")

    feed_generate(feed_id=feed.pk)

    items = items_by_id(content(feed))
    german = items[f"offer-{translated.pk}"]
    assert (german.findtext(f"{G}title"), german.findtext(f"{G}description")) == (
        "Teekanne aus Gusseisen",
        "Gusseisen, 0,8 l.",
    )
    fallback = items[f"offer-{untranslated.pk}"]
    assert (fallback.findtext(f"{G}title"), fallback.findtext(f"{G}description")) == ("Bamboo whisk", "Hand carved.")

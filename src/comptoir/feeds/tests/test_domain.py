"""The pure feed core: items rendered as Google XML/TSV and channel CSV/XML, and checked against Google's own
specification and taxonomy files (shared/data/google-merchant)."""

import csv
import dataclasses
import io
import xml.etree.ElementTree as ET

import pytest

from comptoir.core.money import Money
from comptoir.feeds.domain import channel, google
from comptoir.feeds.domain.items import FeedItem, ShippingLine, google_condition, option_attributes
from comptoir.feeds.domain.specification import gtin_is_valid, validate_tsv, validate_xml
from comptoir.feeds.tests.google_files import google_specification

G = "{http://base.google.com/ns/1.0}"


def an_item(**changes) -> FeedItem:
    item = FeedItem(
        id="offer-1",
        sku="TEA-1",
        title="Cast iron teapot",
        description="A teapot.\nCast iron, 0.8 l.",
        link="https://shop.example/p/1/cast-iron-teapot?country=FR&currency=EUR",
        image_link="https://shop.example/media/teapot.jpg",
        additional_image_links=("https://shop.example/media/teapot-2.jpg",),
        availability="in_stock",
        stock=3,
        price=Money(2490, "EUR"),
        condition="new",
        brand="Kyusu",
        gtin="04006381333931",
        mpn="",
        google_product_category=649,
        product_type="Home > Kitchen",
        item_group_id="",
        options=(),
        shipping=ShippingLine("FR", "standard", Money(490, "EUR"), 2, 4),
        handling_days=1,
        seller_id="tea-house",
        seller_name="Tea House",
    )
    return dataclasses.replace(item, **changes)


def xml_of(items) -> bytes:
    return "".join(google.render_xml(items, title="Feed", link="https://shop.example/", description="d")).encode()


def test_a_google_xml_feed_carries_the_required_attributes():
    root = ET.fromstring(xml_of([an_item()]))

    [item] = root.find("channel").findall("item")
    assert item.findtext(f"{G}id") == "offer-1"
    assert item.findtext(f"{G}price") == "24.90 EUR"
    assert item.findtext(f"{G}availability") == "in_stock" and item.findtext(f"{G}condition") == "new"
    assert item.findtext(f"{G}gtin") == "04006381333931" and item.findtext(f"{G}brand") == "Kyusu"
    assert item.findtext(f"{G}google_product_category") == "649"
    assert item.find(f"{G}identifier_exists") is None
    shipping = item.find(f"{G}shipping")
    assert shipping.findtext(f"{G}country") == "FR" and shipping.findtext(f"{G}price") == "4.90 EUR"
    assert item.findtext(f"{G}external_seller_id") == "tea-house"


def test_xml_escapes_markup_and_drops_characters_xml_forbids():
    root = ET.fromstring(xml_of([an_item(title="Tea & <b>pots</b>\x0b", description="ok\x00")]))

    item = root.find("channel").find("item")
    assert item.findtext(f"{G}title") == "Tea & <b>pots</b>" and item.findtext(f"{G}description") == "ok"


def test_an_item_without_brand_and_identifier_says_identifier_exists_no():
    root = ET.fromstring(xml_of([an_item(brand="", gtin="")]))

    assert root.find("channel").find("item").findtext(f"{G}identifier_exists") == "no"


def test_long_titles_are_cut_on_a_word_under_googles_limit():
    title = "word " * 60

    text = google.item_attributes(an_item(title=title))[1][1]

    assert len(text) <= google.MAX_TITLE_LENGTH and text.endswith("word…")


def test_the_tsv_feed_has_one_row_per_item_with_googles_shipping_notation():
    text = "".join(google.render_tsv([an_item(), an_item(id="offer-2", description="two\tcells\nor rows")]))

    rows = list(csv.reader(io.StringIO(text), delimiter="\t"))
    header = rows[0]
    assert len(rows) == 3 and all(len(row) == len(header) for row in rows)
    first = dict(zip(header, rows[1], strict=True))
    assert first["shipping"] == "FR::standard:4.90 EUR" and first["price"] == "24.90 EUR"
    assert dict(zip(header, rows[2], strict=True))["description"] == "two cells or rows"


def test_prices_have_as_many_decimals_as_the_currency():
    root = ET.fromstring(
        xml_of([an_item(price=Money(2490, "JPY"), shipping=ShippingLine("JP", "s", Money(500, "JPY"), 1, 2))])
    )

    assert root.find("channel").find("item").findtext(f"{G}price") == "2490 JPY"


def test_item_problems_name_what_google_would_refuse():
    assert google.item_problems(an_item()) == []
    problems = google.item_problems(an_item(image_link="", description=" ", shipping=None))
    assert problems == ["no_description", "no_image", "does_not_ship_there"]


def test_conditions_and_variant_options_map_to_googles_names():
    assert [google_condition(value) for value in ("new", "refurbished", "used_good", "used_like_new")] == [
        "new",
        "refurbished",
        "used",
        "used",
    ]
    assert option_attributes({"Taille": "M", "Colour": "Red", "Fit": "slim"}) == (("color", "Red"), ("size", "M"))


def test_gtin_check_digits():
    assert gtin_is_valid("4006381333931") and gtin_is_valid("04006381333931") and gtin_is_valid("96385074")
    assert not gtin_is_valid("4006381333932") and not gtin_is_valid("12345") and not gtin_is_valid("40063813339a1")


# --- Against Google's specification and taxonomy (shared/data/google-merchant) --------------------------------------


def test_a_rendered_xml_feed_validates_against_googles_specification():
    spec, taxonomy = google_specification()
    items = [
        an_item(),
        an_item(id="offer-2", brand="", gtin="", item_group_id="family-7-1", options=(("color", "Red"),)),
        an_item(id="offer-3", condition="used", availability="out_of_stock", mpn="KY-80", gtin=""),
    ]

    assert validate_xml(xml_of(items), spec=spec, taxonomy=taxonomy, currency="EUR") == []


def test_a_rendered_tsv_feed_validates_against_googles_specification():
    spec, taxonomy = google_specification()
    text = "".join(google.render_tsv([an_item(), an_item(id="offer-2", additional_image_links=())]))

    assert validate_tsv(text, spec=spec, taxonomy=taxonomy, currency="EUR") == []


def test_the_validator_reports_each_broken_attribute():
    spec, taxonomy = google_specification()
    broken = xml_of([an_item(), an_item()]).replace(
        b"<g:condition>new</g:condition>", b"<g:condition>mint</g:condition>"
    )
    broken = broken.replace(b"<g:google_product_category>649<", b"<g:google_product_category>99999999<", 1)
    broken = broken.replace(b"24.90 EUR", b"24.901 EUR", 1).replace(b"<g:gtin>04006381333931<", b"<g:gtin>123<", 1)
    broken = broken.replace(b"<g:external_seller_id>", b"<g:colour>red</g:colour><g:external_seller_id>", 1)
    broken = broken.replace(b"<g:image_link>https://shop.example/media/teapot.jpg</g:image_link>", b"", 1)

    problems = {
        (problem.attribute, problem.message)
        for problem in validate_xml(broken, spec=spec, taxonomy=taxonomy, currency="EUR")
    }

    assert ("condition", "'mint' is not one of new, refurbished, used") in problems
    assert ("google_product_category", "'99999999' is not in Google's taxonomy") in problems
    assert ("price", "EUR has at most 2 decimals") in problems
    assert ("gtin", "'123' is not a valid GTIN") in problems
    assert ("colour", "not an attribute of the specification") in problems
    assert ("image_link", "required") in problems
    assert ("id", "used by another item") in problems


def test_the_validator_refuses_another_currency_and_unknown_shipping_fields():
    spec, taxonomy = google_specification()
    document = xml_of([an_item()]).replace(b"<g:service>", b"<g:speed>fast</g:speed><g:service>")

    problems = {
        (problem.attribute, problem.message)
        for problem in validate_xml(document, spec=spec, taxonomy=taxonomy, currency="GBP")
    }

    assert ("price", "EUR instead of the feed's GBP") in problems
    assert ("shipping.speed", "not a field of Shipping") in problems


def test_the_taxonomy_file_is_read_with_its_ids():
    _, taxonomy = google_specification()

    assert taxonomy[1] == "Animals & Pet Supplies" and len(taxonomy) > 5000


# --- Channel feeds -------------------------------------------------------------------------------------------------


def test_a_channel_mapping_is_checked_column_by_column():
    with pytest.raises(channel.ColumnsInvalid) as raised:
        channel.channel_columns_check(
            [
                {"column": "Title", "field": "title"},
                {"column": "title", "field": "price"},
                {"column": "Price", "field": "cost"},
                {"column": "Fixed", "field": "constant", "value": 3},
            ],
            xml=False,
        )

    assert set(raised.value.errors) == {"columns[1]", "columns[2]", "columns[3]"}
    with pytest.raises(channel.ColumnsInvalid):
        channel.channel_columns_check([], xml=False)
    with pytest.raises(channel.ColumnsInvalid) as raised:
        channel.channel_columns_check([{"column": "Product title", "field": "title"}], xml=True)
    assert "XML element name" in raised.value.errors["columns[0]"]


def test_a_channel_csv_has_the_mapped_columns_in_order():
    columns = channel.channel_columns_check(
        [
            {"column": "EAN", "field": "gtin"},
            {"column": "Prix TTC", "field": "price_amount"},
            {"column": "Frais de port", "field": "shipping_price"},
            {"column": "Délai", "field": "delivery_days_max"},
            {"column": "Canal", "field": "constant", "value": "comptoir"},
            {"column": "Titre", "field": "title"},
        ],
        xml=False,
    )

    text = "".join(channel.render_csv([an_item(title='Teapot, "cast"\niron')], columns))

    rows = list(csv.reader(io.StringIO(text)))
    assert rows == [
        ["EAN", "Prix TTC", "Frais de port", "Délai", "Canal", "Titre"],
        ["04006381333931", "24.90", "4.90", "5", "comptoir", 'Teapot, "cast" iron'],
    ]


def test_a_channel_xml_has_one_element_per_column():
    columns = channel.channel_columns_check(
        [{"column": "sku", "field": "sku"}, {"column": "price", "field": "price"}], xml=True
    )

    root = ET.fromstring("".join(channel.render_xml([an_item(sku="A&B")], columns)))

    [product] = root.findall("product")
    assert [(child.tag, child.text) for child in product] == [("sku", "A&B"), ("price", "24.90 EUR")]

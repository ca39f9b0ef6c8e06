"""The pure parsers, on small files written here: every format's shapes and the values shops get wrong."""

import io
from decimal import Decimal

from comptoir.connectors.domain.cleaning import html_to_text, parse_barcode
from comptoir.connectors.domain.formats import parse
from comptoir.connectors.domain.magento import parse_pipes
from comptoir.connectors.domain.records import (
    ERROR,
    FAMILY,
    SIMPLE,
    VARIANT,
    PictureRecord,
    Problem,
    ProductRecord,
    gettext_noop,
    message,
    render,
)
from comptoir.connectors.domain.report import Analyser


def opener(text: str, encoding: str = "utf-8"):
    data = text.encode(encoding)
    return lambda: io.BytesIO(data)


def items(format_name: str, text: str, **companions: str):
    return list(parse(format_name, opener(text), {name: opener(body) for name, body in companions.items()}))


def records(found):
    return [item for item in found if isinstance(item, ProductRecord)]


def problems(found, severity=None):
    return [item for item in found if isinstance(item, Problem) and (severity is None or item.severity == severity)]


def test_a_barcode_rounded_by_a_spreadsheet_is_refused_with_the_reason():
    gtin, problem = parse_barcode("1.23457E+12")
    assert gtin is None
    assert "rounded by a spreadsheet" in problem


def test_a_barcode_in_scientific_notation_with_every_digit_is_expanded():
    assert parse_barcode("4.006381333931E+12") == ("04006381333931", None)


def test_a_upc_that_lost_its_leading_zero_and_a_trailing_point_zero_are_repaired():
    assert parse_barcode("36000291452") == ("00036000291452", None)
    assert parse_barcode("4006381333931.0") == ("04006381333931", None)
    assert parse_barcode("4006381333932")[1] == "The GTIN check digit is wrong."


def test_html_bodies_become_plain_paragraphs_without_scripts():
    html = "<h6>Description</h6><p>Soft &amp; <b>warm</b>.</p><script>alert(1)</script><ul><li>Cotton<li>Wool</ul>"
    assert html_to_text(html) == "Description\n\nSoft & warm.\n\n• Cotton\n• Wool"


def test_magento_pipes_split_entries_and_keep_commas_inside_values():
    cell = "name=Size,type=drop_down,option_title=Small, narrow|name=Size,type=drop_down,option_title=Large"
    assert parse_pipes(cell) == [
        {"name": "Size", "type": "drop_down", "option_title": "Small, narrow"},
        {"name": "Size", "type": "drop_down", "option_title": "Large"},
    ]


SHOPIFY = (
    "Handle,Title,Body (HTML),Vendor,Option1 Name,Option1 Value,Option2 Name,Option2 Value,Variant SKU,"
    "Variant Price,Variant Inventory Qty,Variant Barcode,Image Src,Image Position,Status\r\n"
    "tee,Tee,<p>Nice</p>,Acme,Color,Red,Size,S,TEE-R-S,10.00,3,1.23457E+12,https://x/1.jpg,1,active\r\n"
    "tee,,,,,Red,,M,TEE-R-M,11.00,4,4006381333931,https://x/2.jpg,2,\r\n"
    "tee,,,,,,,,,,,,https://x/3.jpg,3,\r\n"
    "mug,Mug,,Acme,Title,Default Title,,,MUG,5,,,,,draft\r\n"
)


def test_shopify_rows_of_a_handle_make_a_family_of_option_variants_and_a_default_title_a_simple_product():
    found = items("shopify", SHOPIFY)
    family, red_small, red_medium, mug = records(found)
    assert (family.kind, family.key, family.option_names) == (FAMILY, "tee", ("Color", "Size"))
    assert family.image_urls == ("https://x/1.jpg", "https://x/2.jpg", "https://x/3.jpg")
    assert family.description == "Nice"
    assert (red_small.kind, red_small.family_key, red_small.option_values) == (
        VARIANT,
        "tee",
        {"Color": "Red", "Size": "S"},
    )
    assert red_small.gtin is None and red_small.price == Decimal("10.00") and red_small.stock == 3
    assert red_medium.gtin == "04006381333931"
    assert (mug.kind, mug.sku, mug.is_active, mug.stock) == (SIMPLE, "MUG", False, None)
    [warning] = problems(found, "warning")
    assert (warning.line, warning.column) == (2, "Variant Barcode")


def test_shopify_errors_name_their_line_and_column():
    found = items("shopify", "Handle,Title,Variant Price\nhat,Hat,abc\n")
    [error] = problems(found, ERROR)
    assert (error.line, error.column) == (2, "Variant Price")


WOO = (
    "\ufeffID,Type,SKU,Name,Published,Regular price,Sale price,Stock,In stock?,Categories,Parent,Grouped products,"
    "Attribute 1 name,Attribute 1 value(s),Attribute 2 name,Attribute 2 value(s)\n"
    '10,variable,tee,Tee,1,,,,1,Clothing > Tshirts,,,Color,"Red, Blue",Size,"S, M"\n'
    "11,variation,tee-red,Tee - Red,1,20,18,5,1,,tee,,Color,Red,Size,\n"
    "12,variation,tee-blue,Tee - Blue,1,20,,,1,,id:10,,Color,Blue,Size,\n"
    "13,simple,cap,Cap,1,9.5,,,0,Clothing,,,,,,\n"
    '14,grouped,set,Set,1,,,,1,Clothing,,"tee, cap",,,,\n'
)


def test_woocommerce_variable_products_variations_and_grouped_products():
    found = items("woocommerce", WOO)
    family, red, blue, cap = records(found)
    assert (family.kind, family.option_names) == (FAMILY, ("Color", "Size"))
    assert (red.kind, red.family_key, red.price, red.stock, red.option_values) == (
        VARIANT, "tee", Decimal("18"), 5, {"Color": "Red"}
    )  # fmt: skip
    assert blue.family_key == "tee"  # "id:10" names the parent by its id
    assert (cap.kind, cap.in_stock, cap.stock) == (SIMPLE, False, None)
    [skipped] = problems(found, "warning")
    assert (skipped.line, skipped.code) == (6, "skipped_grouped")


def test_a_variation_whose_parent_is_not_above_it_is_an_error():
    analyser = Analyser(format_name="woocommerce", currency="EUR", max_price_minor=10**8)
    header = WOO.splitlines()[0]
    for item in items("woocommerce", header + "\n11,variation,tee-red,Tee - Red,1,20,,5,1,,ghost,,Color,Red,,\n"):
        analyser.accept(item)
    assert analyser.report.error_count == 1
    assert analyser.report.errors[0]["code"] == "no_family"


WXR = """<?xml version="1.0" encoding="UTF-8"?>
<rss xmlns:wp="http://wordpress.org/export/1.2/" xmlns:content="http://purl.org/rss/1.0/modules/content/"><channel>
<item><title>Hoodie</title><content:encoded><![CDATA[<p>Warm</p>]]></content:encoded><wp:post_id>7</wp:post_id>
<wp:post_parent>0</wp:post_parent><wp:status>publish</wp:status><wp:post_type>product</wp:post_type>
<category domain="product_type" nicename="variable">variable</category>
<category domain="product_cat" nicename="hoodies">Hoodies</category>
<wp:postmeta><wp:meta_key>_sku</wp:meta_key><wp:meta_value>hoodie</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_thumbnail_id</wp:meta_key><wp:meta_value>31</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_product_attributes</wp:meta_key><wp:meta_value><![CDATA[a:1:{s:8:"pa_color";a:2:{s:4:"name";s:8:"pa_color";s:5:"value";s:0:"";}}]]></wp:meta_value></wp:postmeta>
</item>
<item><title>Hoodie - Red</title><wp:post_id>23</wp:post_id><wp:post_parent>7</wp:post_parent>
<wp:status>publish</wp:status><wp:post_type>product_variation</wp:post_type>
<wp:postmeta><wp:meta_key>_sku</wp:meta_key><wp:meta_value>hoodie-red</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_regular_price</wp:meta_key><wp:meta_value>45</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>_sale_price</wp:meta_key><wp:meta_value>42</wp:meta_value></wp:postmeta>
<wp:postmeta><wp:meta_key>attribute_pa_color</wp:meta_key><wp:meta_value>red</wp:meta_value></wp:postmeta>
</item>
<item><title>hoodie.jpg</title><wp:post_id>31</wp:post_id><wp:post_parent>7</wp:post_parent>
<wp:post_type>attachment</wp:post_type><wp:attachment_url>https://x/hoodie.jpg</wp:attachment_url></item>
</channel></rss>"""


def test_woocommerce_wxr_variations_and_pictures_met_after_their_product():
    found = items("woocommerce-wxr", WXR)
    family, red = records(found)
    assert (family.kind, family.key, family.option_names, family.description) == (FAMILY, "hoodie", ("Color",), "Warm")
    assert (red.family_key, red.option_values, red.price) == ("hoodie", {"Color": "Red"}, Decimal("42"))
    [picture] = [item for item in found if isinstance(item, PictureRecord)]
    assert (picture.key, picture.url) == ("hoodie", "https://x/hoodie.jpg")


def test_malformed_xml_is_an_error_with_its_line():
    found = items("woocommerce-wxr", "<rss><channel><item><title>x</item></channel></rss>")
    assert problems(found, ERROR)[0].code == "malformed_xml"


PRESTA_PRODUCTS = (
    "Product ID;Active (0/1);Name *;Categories (x,y,z...);Price tax excluded;Reference #;Quantity;EAN13\n"
    "1;1;iPod Nano;iPods;100;NANO;0;\n"
    "2;1;Case;Accessories;25,50;CASE;7;4006381333931\n"
)
PRESTA_COMBINATIONS = (
    "Product ID*;Attribute (Name:Type:Position)*;Value (Value:Position)*;Reference;Impact on price;Quantity\n"
    "1;Color:color:0, Disk space:select:1;Blue:0, 16GB:1;NANO-B16;40;10\n"
    "1;Color:color:0, Disk space:select:1;Blue:0, 8GB:1;NANO-B8;0;4\n"
    "1;Color:color:0, Disk space:select:1;Blue:0, 8GB:1;NANO-B8-BIS;0;4\n"
)


def test_prestashop_combinations_join_their_product_as_variants_priced_with_their_impact():
    found = items("prestashop", PRESTA_PRODUCTS, combinations=PRESTA_COMBINATIONS)
    nano, case, blue16, blue8 = records(found)
    assert (nano.kind, nano.option_names) == (FAMILY, ("Color", "Disk space"))
    assert (case.kind, case.price, case.gtin) == (SIMPLE, Decimal("25.50"), "04006381333931")
    assert (blue16.family_key, blue16.price, blue16.stock, blue16.option_values) == (
        "NANO", Decimal("140"), 10, {"Color": "Blue", "Disk space": "16GB"}
    )  # fmt: skip
    assert blue8.price == Decimal("100")
    assert [problem.code for problem in problems(found, "warning")] == ["tax", "duplicate"]


MAGENTO = (
    "sku,product_type,name,price,qty,categories,configurable_variations,custom_options\n"
    "TEE-S,simple,Tee S,10,3,Default Category/Men/Tops,,\n"
    "TEE-M,simple,Tee M,11,0,Default Category/Men/Tops,,\n"
    'TEE,configurable,Tee,10,0,Default Category/Men/Tops,"sku=TEE-S,size=S|sku=TEE-M,size=M",\n'
    'STRAP,simple,Strap,14,100,Default Category/Gear,,"name=Colour,type=drop_down,option_title=Gold|'
    'name=Colour,type=drop_down,option_title=Silver"\n'
)


def test_magento_configurable_children_become_variants_and_stock_sources_add_up():
    stock = "source_code,sku,status,quantity\ndefault,TEE-S,1,2.5\nsecond,TEE-S,1,4\nclosed,TEE-S,0,50\n"
    found = items("magento", MAGENTO, stock_sources=stock)
    family, small, medium, strap = records(found)
    assert (family.kind, family.key, family.option_names) == (FAMILY, "TEE", ("Size",))
    assert (small.kind, small.family_key, small.option_values, small.stock) == (VARIANT, "TEE", {"Size": "S"}, 6)
    assert medium.stock == 0
    assert strap.attributes["custom_options"] == {"Colour": ["Gold", "Silver"]}


def test_a_file_of_another_kind_says_what_it_looks_like():
    found = items("shopify", "Customer ID;Active (0/1);Email *\n1;1;a@b.c\n")
    [error] = problems(found, ERROR)
    assert error.code == "missing_columns"
    assert "PrestaShop customers" in error.text


def test_the_analyser_counts_products_variants_and_offers():
    analyser = Analyser(format_name="shopify", currency="EUR", max_price_minor=10**9)
    for item in items("shopify", SHOPIFY):
        analyser.accept(item)
    report = analyser.report
    assert (report.products, report.families, report.variants, report.offers) == (2, 1, 2, 3)
    assert (report.error_count, report.warning_count) == (0, 1)


def test_the_analyser_refuses_a_price_finer_than_the_currency_allows():
    analyser = Analyser(format_name="shopify", currency="JPY", max_price_minor=10**9)
    for item in items("shopify", "Handle,Title,Variant SKU,Variant Price\nhat,Hat,HAT,10.50\n"):
        analyser.accept(item)
    assert analyser.report.errors[0]["line"] == 2
    assert "too many decimals" in analyser.report.errors[0]["message"]


def test_a_problem_keeps_its_message_id_and_values_for_a_later_translation():
    found = items("shopify", "Customer ID;Active (0/1);Email *\n1;1;a@b.c\n")
    [error] = problems(found, ERROR)
    assert error.message == gettext_noop(
        "Not %(format)s: the required column(s) %(columns)s are missing. This looks like %(guess)s."
    )
    assert error.params["guess"] == message("a PrestaShop customers file")
    # the nested messages go through the same translation as the outer one
    marked = render(error.message, error.params, lambda text: f"[{text}]")
    assert marked == (
        "[Not [a Shopify product CSV]: the required column(s) Handle, Title, Variant Price are missing. "
        "This looks like [a PrestaShop customers file].]"
    )
    # a translation whose placeholders are broken gives the English rather than an error
    assert render(error.message, error.params, str.upper).startswith("Not A SHOPIFY PRODUCT CSV: the required")

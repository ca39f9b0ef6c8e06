"""Offers: search and filters, creation from a GTIN or a new product, inline edits (htmx), bulk stock."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from comptoir.catalog.models import Product
from comptoir.offers.models import Offer
from comptoir.testing.builders import make_category, make_product
from comptoir.web.sellercenter.tests.support import offer_of

pytestmark = pytest.mark.django_db

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def more_offers(seller_setup):
    lamp = offer_of(
        seller_setup["seller"],
        seller_setup["profile"],
        sku="LAMP-7",
        price_amount=12900,
        stock=2,
        product=make_product("Brass table lamp", brand="Lueur"),
    )
    vase = offer_of(seller_setup["seller"], seller_setup["profile"], sku="VASE-3", price_amount=3200, stock=0)
    return {"lamp": lamp, "vase": vase}


def _skus(response):
    return {row["offer"].sku for row in response.context["rows"]}


def test_search_and_filters(owner_client, seller_setup, more_offers):
    assert _skus(owner_client.get("/seller/offers/?q=lueur")) == {"LAMP-7"}
    assert _skus(owner_client.get("/seller/offers/?q=vase-3")) == {"VASE-3"}
    assert _skus(owner_client.get("/seller/offers/?status=low_stock")) == {"LAMP-7"}
    assert _skus(owner_client.get("/seller/offers/?status=out_of_stock")) == {"VASE-3"}
    assert _skus(owner_client.get("/seller/offers/")) == {"MUG-001", "LAMP-7", "VASE-3"}


def test_inline_edit_with_htmx_returns_the_row_and_saves(owner_client, seller_setup):
    offer = seller_setup["offer"]
    response = owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": "16.50", "stock": "30"}, **HTMX)
    assert response.status_code == 200
    assert response.content.decode().lstrip().startswith(f'<tr id="offer-row-{offer.pk}"')
    offer.refresh_from_db()
    assert (offer.price_amount, offer.stock) == (1650, 30)


def test_prices_are_read_in_the_visitors_locale(owner_client, seller_setup):
    offer = seller_setup["offer"]
    owner_client.cookies["django_language"] = "fr"
    owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": "12,34", "stock": "3"}, **HTMX)
    offer.refresh_from_db()
    assert offer.price_amount == 1234
    row = owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": "1\u202f234,5", "stock": "3"}, **HTMX)
    offer.refresh_from_db()
    assert offer.price_amount == 123450
    assert 'value="1234,50"' in row.content.decode()


@pytest.mark.parametrize(
    "price, stock, field, message",
    [
        ("12,34", "3", "price", "Enter an amount such as 12.34."),  # a French decimal comma in English
        ("abc", "3", "price", "Enter an amount such as 12.34."),
        ("12.345", "3", "price", "EUR amounts have at most 2 decimal places."),
        ("0", "3", "price", "The price must be positive."),
        ("5.00", "-1", "stock", "Ensure this value is greater than or equal to 0."),
    ],
)
def test_inline_edit_errors_are_shown_in_the_row_and_nothing_changes(
    owner_client, seller_setup, price, stock, field, message
):
    offer = seller_setup["offer"]
    response = owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": price, "stock": stock}, **HTMX)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert f'id="{field}-{offer.pk}-error"' in response.content.decode()
    offer.refresh_from_db()
    assert (offer.price_amount, offer.stock) == (1490, 12)


def test_inline_edit_without_htmx_redirects_with_a_message(owner_client, seller_setup):
    offer = seller_setup["offer"]
    response = owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": "oops", "stock": "3"}, follow=True)
    assert "was not changed" in response.content.decode()
    response = owner_client.post(f"/seller/offers/{offer.pk}/inline", {"price": "9.90", "stock": "3"}, follow=True)
    assert "Offer MUG-001 updated." in response.content.decode()


def test_an_offer_can_be_paused_and_resumed(owner_client, seller_setup):
    offer = seller_setup["offer"]
    owner_client.post(f"/seller/offers/{offer.pk}/toggle", **HTMX)
    offer.refresh_from_db()
    assert offer.is_active is False
    owner_client.post(f"/seller/offers/{offer.pk}/toggle")
    offer.refresh_from_db()
    assert offer.is_active is True


def test_gtin_lookup_finds_the_catalog_product(owner_client, seller_setup):
    product = make_product("Enamel pour-over dripper", gtin="4006381333931")
    response = owner_client.get("/seller/offers/new?gtin=4006381333931")
    assert response["Location"] == f"/seller/offers/new/{product.pk}"


def test_gtin_lookup_explains_a_wrong_check_digit_and_an_unknown_product(owner_client, seller_setup):
    wrong = owner_client.get("/seller/offers/new?gtin=4006381333932")
    assert wrong.context["form"].errors["gtin"] == ["The GTIN check digit is wrong."]
    unknown = owner_client.get("/seller/offers/new?gtin=4006381333931")
    assert unknown.context["not_found_gtin"] == "4006381333931"
    assert "/seller/offers/new/product?gtin=4006381333931" in unknown.content.decode()


def _terms(seller_setup, **overrides):
    return {
        "sku": "DRIP-1",
        "price": "28.90",
        "stock": "11",
        "condition": "new",
        "condition_note": "",
        "handling_days": "2",
        "shipping_profile": str(seller_setup["profile"].pk),
        "return_policy_days": "30",
        **overrides,
    }


def test_an_offer_on_an_existing_product(owner_client, seller_setup):
    product = make_product("Enamel pour-over dripper", gtin="4006381333931")
    response = owner_client.post(f"/seller/offers/new/{product.pk}", _terms(seller_setup))
    assert response["Location"] == "/seller/offers/"
    offer = Offer.objects.get(seller=seller_setup["seller"], sku="DRIP-1")
    assert (offer.product_id, offer.price_amount, offer.stock, offer.return_policy_days) == (product.pk, 2890, 11, 30)


def test_an_offer_with_a_duplicate_sku_is_refused_next_to_the_sku(owner_client, seller_setup):
    product = make_product()
    response = owner_client.post(f"/seller/offers/new/{product.pk}", _terms(seller_setup, sku="MUG-001"))
    assert response.status_code == 422
    assert "SKU already used" in response.context["form"].errors["sku"][0]


def test_a_new_product_and_its_offer_are_created_together(owner_client, seller_setup):
    category = make_category("Kitchen")
    data = {
        "product-title": "Copper milk pan, 14 cm",
        "product-brand": "Mauviel",
        "product-gtin": "",
        "product-category": str(category.pk),
        "product-description": "Tin-lined.",
        **_terms(seller_setup, sku="PAN-14", price="79.00"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response["Location"] == "/seller/offers/"
    offer = Offer.objects.select_related("product").get(sku="PAN-14")
    assert (offer.product.title, offer.product.created_by_seller_id, offer.price_amount) == (
        "Copper milk pan, 14 cm",
        seller_setup["seller"].pk,
        7900,
    )


def test_a_new_product_keeps_its_hs_code_and_origin_for_duties(owner_client, seller_setup):
    category = make_category("Clothing")
    data = {
        "product-title": "Silk blouse",
        "product-category": str(category.pk),
        "product-hs_code": "62061000",
        "product-country_of_origin": "it",
        **_terms(seller_setup, sku="BLOUSE-1", price="120.00"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response["Location"] == "/seller/offers/"
    product = Offer.objects.select_related("product").get(sku="BLOUSE-1").product
    assert (product.hs_code, product.country_of_origin) == ("62061000", "IT")


def test_a_new_product_keeps_its_weights_and_volume_for_specific_duties(owner_client, seller_setup):
    category = make_category("Food")
    data = {
        "product-title": "Chocolate assortment",
        "product-category": str(category.pk),
        "product-hs_code": "18063210",
        "product-weight_grams": "1000",
        "product-gross_weight_grams": "1250",
        "product-volume_millilitres": "",
        **_terms(seller_setup, sku="CHOC-1", price="11.90"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response["Location"] == "/seller/offers/"
    product = Offer.objects.select_related("product").get(sku="CHOC-1").product
    assert (product.weight_grams, product.gross_weight_grams, product.volume_millilitres) == (1000, 1250, None)


def test_a_gross_weight_under_the_net_weight_is_explained(owner_client, seller_setup):
    category = make_category("Food")
    data = {
        "product-title": "Chocolate assortment",
        "product-category": str(category.pk),
        "product-weight_grams": "1000",
        "product-gross_weight_grams": "900",
        **_terms(seller_setup, sku="CHOC-2", price="11.90"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response.status_code == 422
    assert response.context["product_form"].errors["gross_weight_grams"] == [
        "At least the net weight (the packing is added to it)."
    ]
    assert not Offer.objects.filter(sku="CHOC-2").exists()


def test_a_new_product_with_a_bad_hs_code_is_explained(owner_client, seller_setup):
    category = make_category("Clothing")
    data = {
        "product-title": "Silk blouse",
        "product-category": str(category.pk),
        "product-hs_code": "6206",
        **_terms(seller_setup, sku="BLOUSE-2"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response.status_code == 422
    assert response.context["product_form"].errors["hs_code"] == ["An HS code has 6 to 10 digits."]


def test_a_refused_offer_leaves_no_orphan_product(owner_client, seller_setup):
    category = make_category("Kitchen")
    data = {
        "product-title": "Copper milk pan, 14 cm",
        "product-category": str(category.pk),
        **_terms(seller_setup, sku="MUG-001"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response.status_code == 422
    assert not Product.objects.filter(title="Copper milk pan, 14 cm").exists()


def test_a_new_product_with_a_bad_gtin_is_explained(owner_client, seller_setup):
    category = make_category("Kitchen")
    data = {
        "product-title": "Pan",
        "product-gtin": "4006381333932",
        "product-category": str(category.pk),
        **_terms(seller_setup, sku="PAN-1"),
    }
    response = owner_client.post("/seller/offers/new/product", data)
    assert response.context["product_form"].errors["gtin"] == ["The GTIN check digit is wrong."]


def test_bulk_stock_from_the_textarea(owner_client, seller_setup, more_offers):
    response = owner_client.post("/seller/offers/stock", {"lines": "sku,stock\nMUG-001,40\nLAMP-7, 6\n"})
    assert response["Location"] == "/seller/offers/"
    assert dict(Offer.objects.filter(seller=seller_setup["seller"]).values_list("sku", "stock")) == {
        "MUG-001": 40,
        "LAMP-7": 6,
        "VASE-3": 0,
    }


def test_bulk_stock_from_a_csv_upload(owner_client, seller_setup, more_offers):
    upload = SimpleUploadedFile("stock.csv", "SKU,stock\r\nVASE-3,15\r\n".encode("utf-8-sig"), content_type="text/csv")
    owner_client.post("/seller/offers/stock", {"file": upload})
    more_offers["vase"].refresh_from_db()
    assert more_offers["vase"].stock == 15


def test_bulk_stock_is_all_or_nothing_with_errors_per_sku(owner_client, seller_setup, more_offers):
    response = owner_client.post("/seller/offers/stock", {"lines": "MUG-001,40\nNOPE-1,3\nLAMP-7,2000000"})
    assert response.status_code == 422
    assert dict(response.context["sku_errors"]) == {
        "NOPE-1": "Unknown SKU.",
        "LAMP-7": "A whole number from 0 to 1000000.",
    }
    assert "nothing was changed" in response.content.decode()
    seller_setup["offer"].refresh_from_db()
    assert seller_setup["offer"].stock == 12


def test_bulk_stock_lines_that_cannot_be_read_are_listed(owner_client, seller_setup):
    response = owner_client.post("/seller/offers/stock", {"lines": "MUG-001\nMUG-001,x\nA,1\nA,2"})
    errors = response.context["form"].non_field_errors()
    assert errors == [
        "Line 1: expected “SKU,stock”.",
        "Line 2 (MUG-001): the stock must be a whole number.",
        "Line 4: A appears twice.",
    ]


def test_a_shipping_profile_can_be_created(owner_client, seller_setup):
    response = owner_client.post(
        "/seller/offers/shipping-profiles/new",
        {
            "name": "France",
            "countries": "FR, BE",
            "carrier": "Colissimo",
            "currency": "EUR",
            "first_item": "4.90",
            "additional_item": "1.00",
            "transit_days_min": "2",
            "transit_days_max": "3",
        },
    )
    assert response["Location"] == "/seller/offers/"
    profile = seller_setup["seller"].shipping_profiles.get(name="France")
    rate = profile.rates.get()
    assert (rate.countries, rate.first_item_amount, rate.additional_item_amount) == (["FR", "BE"], 490, 100)


def test_a_shipping_profile_with_a_bad_country_is_explained(owner_client, seller_setup):
    response = owner_client.post(
        "/seller/offers/shipping-profiles/new",
        {
            "name": "X",
            "countries": "FR, XX",
            "currency": "EUR",
            "first_item": "4.90",
            "transit_days_min": "2",
            "transit_days_max": "3",
        },
    )
    assert response.context["form"].errors["countries"] == ["ISO country codes, or '*' for the rest of the world."]


def test_the_seller_center_cannot_mark_an_offer_as_fulfilled_by_the_marketplace(owner_client, seller_setup):
    # the form offers no fulfilment choice: a forged field is ignored and the seller fulfils the offer
    product = make_product()
    response = owner_client.post(
        f"/seller/offers/new/{product.pk}", _terms(seller_setup, sku="DRIP-9", fulfilment_method="marketplace")
    )

    assert response["Location"] == "/seller/offers/"
    assert Offer.objects.get(sku="DRIP-9").fulfilment_method == "merchant"


def test_add_an_offer_finds_products_by_name_with_the_current_best_price(owner_client, seller_setup):
    # given a lamp two other shops sell (129.00 and 119.00 € plus 4.90 € delivery) and a lamp nobody sells yet
    from comptoir.web.sellercenter.tests.support import shop

    lamp = make_product("Brass table lamp", brand="Lueur", gtin="4006381333931")
    bare = make_product("Brass floor lamp", brand="Lueur")
    for name, price in (("Maison Alba", 12900), ("Casa Lux", 11900)):
        seller, _owner, profile = shop(name)
        offer_of(seller, profile, product=lamp, price_amount=price, stock=3)

    # when the seller searches the catalog by name (any case, words in any order)
    response = owner_client.get("/seller/offers/new?q=lamp BRASS")

    # then both lamps are listed, the sold one with its best delivered price and number of offers
    rows = {row["product"].pk: row for row in response.context["results"]}
    assert set(rows) == {lamp.pk, bare.pk}
    assert rows[lamp.pk]["card"].lowest_landed.amount == 11900 + 490
    assert rows[lamp.pk]["card"].offer_count == 2
    assert rows[bare.pk]["card"] is None
    body = response.content.decode()
    assert "€123.90" in body and "No offer yet" in body
    assert f"/seller/offers/new/{lamp.pk}" in body
    # and the same search box finds a product by its GTIN
    by_gtin = owner_client.get("/seller/offers/new?q=4006381333931")
    assert [row["product"].pk for row in by_gtin.context["results"]] == [lamp.pk]
    french = owner_client.get("/seller/offers/new?q=brass", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Meilleur prix actuel" in french and "Aucune offre pour l’instant" in french

"""Variants in search: a family is one result standing for its matching variants ("from" price, options offered),
and option values are facets and filters. Same assertions on SQLite (FTS5) and PostgreSQL."""

import datetime as dt

import pytest

from comptoir.catalog.services import VariantSpec, product_family_create
from comptoir.search.models import SearchDocument
from comptoir.search.selectors import SearchQuery, search_products
from comptoir.search.tests.support import committed
from comptoir.testing.builders import make_category, make_offer, make_product, make_seller, make_shipping_profile

pytestmark = pytest.mark.django_db
MONDAY = dt.date(2026, 3, 2)


@pytest.fixture
def catalog(db):
    with committed():
        category = make_category("Clothing")
        first, second = make_seller(), make_seller()
        profiles = {first: make_shipping_profile(first), second: make_shipping_profile(second)}
        shirt = product_family_create(
            title="Organic cotton T-shirt",
            category_id=category.pk,
            option_names=["Size", "Colour"],
            brand="Maille",
            description="Heavy jersey, made in Portugal.",
            variants=[
                VariantSpec(option_values={"Size": size, "Colour": colour})
                for colour in ("Red", "Navy")
                for size in ("S", "M", "L")
            ],
        )
        variants = {(v.option_values["Size"], v.option_values["Colour"]): v for v in shirt.variants.order_by("id")}
        prices = {("S", "Red"): 1900, ("M", "Red"): 2100, ("L", "Red"): 2300, ("M", "Navy"): 2500}
        for key, price in prices.items():
            make_offer(seller=first, product=variants[key], price_amount=price, shipping_profile=profiles[first])
        make_offer(seller=second, product=variants[("M", "Red")], price_amount=1800, shipping_profile=profiles[second])
        sneaker = product_family_create(
            title="Canvas sneaker",
            category_id=category.pk,
            option_names=["Size"],
            variants=[VariantSpec(option_values={"Size": size}) for size in ("41", "42")],
        )
        make_offer(
            seller=first,
            product=sneaker.variants.get(option_values={"Size": "42"}),
            price_amount=5900,
            shipping_profile=profiles[first],
        )
        cap = make_product("Cotton cap", category=category)
        make_offer(seller=second, product=cap, price_amount=1200, shipping_profile=profiles[second])
    return {"shirt": shirt, "variants": variants, "sneaker": sneaker, "cap": cap}


def search(**filters):
    return search_products(SearchQuery(**filters), placed_on=MONDAY)


def test_variants_are_indexed_with_their_family_and_options(catalog):
    document = SearchDocument.objects.get(product_id=catalog["variants"][("M", "Red")].pk)

    assert document.family_id == catalog["shirt"].pk
    assert document.option_values == {"Size": "M", "Colour": "Red"}
    # Only variants with offers are indexed; the family itself takes no offers and has no document.
    assert not SearchDocument.objects.filter(product_id=catalog["shirt"].pk).exists()
    assert SearchDocument.objects.filter(family_id=catalog["shirt"].pk).count() == 4


def test_a_family_is_one_result_with_its_from_price_and_options(catalog):
    page = search(text="t-shirt")

    (hit,) = page.hits
    assert page.total == 1 and hit.family_id == catalog["shirt"].pk
    assert set(hit.variant_ids) == {
        catalog["variants"][key].pk for key in [("S", "Red"), ("M", "Red"), ("L", "Red"), ("M", "Navy")]
    }
    assert hit.option_choices == {"Size": ["S", "M", "L"], "Colour": ["Red", "Navy"]}
    # "From": the lowest landed price among the variants (1800 + the second seller's 490 shipping).
    assert hit.landed.amount == 1800 + 490


def test_browsing_counts_each_family_once(catalog):
    page = search()

    assert page.total == 3
    assert {hit.card_product_id for hit in page.hits} == {catalog["shirt"].pk, catalog["sneaker"].pk, catalog["cap"].pk}
    assert page.facets.conditions == [("new", 3)]


def test_option_facets_count_families_per_value(catalog):
    facets = dict(search().facets.options)

    assert facets["Size"] == [("42", 1), ("L", 1), ("M", 1), ("S", 1)]
    assert facets["Colour"] == [("Navy", 1), ("Red", 1)]
    assert "41" not in dict(facets["Size"])  # no offer on the 41: not searchable


def test_option_filter_keeps_families_with_a_matching_variant(catalog):
    navy = search(options=(("Colour", ("Navy",)),))
    large = search(options=(("Size", ("L", "42")),))

    (hit,) = navy.hits
    assert hit.variant_ids == [catalog["variants"][("M", "Navy")].pk]
    assert hit.option_choices == {"Size": ["M"], "Colour": ["Navy"]}
    assert hit.landed.amount == 2500 + 490
    assert {hit.card_product_id for hit in large.hits} == {catalog["shirt"].pk, catalog["sneaker"].pk}


def test_option_facets_are_multi_select_per_group(catalog):
    facets = dict(search(options=(("Colour", ("Navy",)),)).facets.options)

    # Under the colour filter, the sizes are those of navy variants; the colours are counted without it.
    assert facets["Size"] == [("M", 1)]
    assert facets["Colour"] == [("Navy", 1), ("Red", 1)]


def test_options_combine_across_groups_on_one_variant(catalog):
    assert search(options=(("Size", ("L",)), ("Colour", ("Navy",)))).total == 0
    assert search(options=(("Size", ("L",)), ("Colour", ("Red",)))).total == 1


def test_option_values_are_searchable_words(catalog):
    (hit,) = search(text="navy t-shirt").hits

    assert hit.variant_ids == [catalog["variants"][("M", "Navy")].pk]


def test_price_sort_places_a_family_at_its_cheapest_variant(catalog):
    ordered = [hit.card_product_id for hit in search(sort="price_asc").hits]

    assert ordered == [catalog["cap"].pk, catalog["shirt"].pk, catalog["sneaker"].pk]


def test_the_api_groups_families_and_filters_on_options(client, catalog):
    response = client.get("/api/v1/search", {"q": "t-shirt", "option": "Colour:Navy"})
    bad = client.get("/api/v1/search", {"q": "t-shirt", "option": "Navy"})

    assert response.status_code == 200, response.content
    body = response.json()
    (result,) = body["results"]
    assert result["family_id"] == catalog["shirt"].pk and result["title"] == "Organic cotton T-shirt"
    assert result["variant_ids"] == [catalog["variants"][("M", "Navy")].pk]
    assert result["option_choices"] == {"Size": ["M"], "Colour": ["Navy"]}
    colours = next(facet for facet in body["facets"]["options"] if facet["name"] == "Colour")
    assert colours["values"] == [{"value": "Navy", "count": 1}, {"value": "Red", "count": 1}]
    assert bad.status_code == 422 and "option" in bad.json()["errors"]


def test_editing_a_variant_or_its_family_reindexes_it(catalog):
    from comptoir.catalog.services import product_family_update, product_variant_update

    navy = catalog["variants"][("M", "Navy")]
    with committed():
        product_variant_update(variant_id=navy.pk, changes={"option_values": {"Size": "M", "Colour": "Indigo"}})
        product_family_update(family_id=catalog["shirt"].pk, changes={"description": "Garment-dyed in Porto."})

    assert SearchDocument.objects.get(product_id=navy.pk).option_values == {"Size": "M", "Colour": "Indigo"}
    assert dict(search().facets.options)["Colour"] == [("Indigo", 1), ("Red", 1)]
    assert search(text="porto").total == 1

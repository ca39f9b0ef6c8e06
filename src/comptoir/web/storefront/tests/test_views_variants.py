"""The product page of a family: the variant picker (links, no JavaScript needed), the chosen variant's offers and
pictures; search results grouped by family with option facets."""

import pytest

from comptoir.search.tests.support import committed
from comptoir.web.storefront.tests.seed import seed_family, seed_shop

pytestmark = pytest.mark.django_db


@pytest.fixture
def shop(db):
    with committed():
        shop = seed_shop()
        seed_family(shop)
    return shop


def page_of(client, shop, query=""):
    family = shop.products["tshirt"]
    return client.get(f"/p/{family.pk}/organic-cotton-t-shirt{query}")


def offer_ids(response) -> set[int]:
    return {row["offer"].pk for row in response.context["rows"]}


def test_family_page_opens_on_the_first_variant_on_sale_with_its_offers(client, shop):
    response = page_of(client, shop)

    assert response.status_code == 200
    assert response.context["product"] == shop.products["tshirt S Red"]
    assert offer_ids(response) == {shop.offers["tshirt S Red son"].pk}
    body = response.content.decode()
    assert '<h1 id="product-title">Organic cotton T-shirt</h1>' in body
    assert "Chosen: S / Red" in body
    assert "Heavy organic cotton jersey" in body  # the family's description


def test_picker_links_lead_to_each_variant_and_mark_what_cannot_be_bought(client, shop):
    response = page_of(client, shop, f"?variant={shop.products['tshirt M Red'].pk}")

    groups = {group.name: {item.value: item for item in group.values} for group in response.context["picker"]["groups"]}
    assert groups["Size"]["M"].is_selected and groups["Colour"]["Red"].is_selected
    # From M / Red: "L" leads to L / Red, "Navy" to M / Navy (both keep the other choice).
    assert groups["Size"]["L"].variant_id == shop.products["tshirt L Red"].pk and groups["Size"]["L"].is_exact
    assert groups["Colour"]["Navy"].variant_id == shop.products["tshirt M Navy"].pk
    body = response.content.decode()
    assert f'href="?variant={shop.products["tshirt L Red"].pk}"' in body
    assert 'aria-current="true"' in body
    # Both sellers of M / Red; the cheaper delivered to France (21.00 + 4.90 against 19.90 + 6.90) is featured.
    assert offer_ids(response) == {shop.offers["tshirt M Red son"].pk, shop.offers["tshirt M Red klang"].pk}
    assert response.context["featured"]["row"]["offer"] == shop.offers["tshirt M Red son"]


def test_out_of_stock_and_offerless_variants_show_as_unavailable(client, shop):
    response = page_of(client, shop, f"?variant={shop.products['tshirt S Navy'].pk}")

    groups = {group.name: {item.value: item for item in group.values} for group in response.context["picker"]["groups"]}
    assert not groups["Size"]["S"].is_available  # S / Navy: its only offer is out of stock
    assert not groups["Size"]["L"].is_available  # L / Navy: no offer at all
    assert groups["Size"]["M"].is_available
    assert "S / Navy is out of stock at the moment." in response.content.decode()
    assert "is-unavailable" in response.content.decode()


def test_option_values_in_the_query_choose_the_variant(client, shop):
    response = page_of(client, shop, "?o.Size=L&o.Colour=Red")

    assert response.context["product"] == shop.products["tshirt L Red"]


def test_a_variant_address_opens_its_family_page_on_it(client, shop):
    variant = shop.products["tshirt M Navy"]

    response = client.get(f"/p/{variant.pk}/whatever")

    assert response.status_code == 302
    assert response["Location"] == f"/p/{shop.products['tshirt'].pk}/organic-cotton-t-shirt?variant={variant.pk}"


def test_search_shows_one_card_per_family_with_from_price_and_options(client, shop):
    response = client.get("/search", {"q": "t-shirt"})

    (tile,) = response.context["tiles"]
    assert tile["product"] == shop.products["tshirt"] and tile["is_family"]
    # From: the cheapest delivered variant (S / Red, 19.00 + 4.90 shipping to France); every offer of the family.
    assert tile["card"].lowest_landed.amount == 1900 + 490
    assert tile["card"].offer_count == 6
    body = response.content.decode()
    assert "Size: S, M, L" in body and "Colour: Red, Navy" in body
    assert ">from<" in body


def test_search_option_facets_filter_with_checkboxes(client, shop):
    everything = client.get("/search", {"q": "t-shirt"})
    navy = client.get("/search", {"q": "t-shirt", "o.Colour": "Navy"})

    facets = dict(everything.context["option_facets"])
    assert [value for value, _count, _checked in facets["Colour"]] == ["Navy", "Red"]
    body = everything.content.decode()
    assert 'name="o.Colour" value="Navy"' in body
    (tile,) = navy.context["tiles"]
    assert set(tile["hit"].variant_ids) == {shop.products["tshirt M Navy"].pk, shop.products["tshirt S Navy"].pk}
    assert tile["hit"].option_choices == {"Size": ["S", "M"], "Colour": ["Navy"]}
    assert dict(navy.context["option_facets"])["Colour"][0] == ("Navy", 1, True)


def test_family_page_in_french(client, shop):
    response = page_of(client, shop, f"?variant={shop.products['tshirt S Navy'].pk}")
    french = client.get(
        f"/p/{shop.products['tshirt'].pk}/organic-cotton-t-shirt?variant={shop.products['tshirt S Navy'].pk}",
        HTTP_ACCEPT_LANGUAGE="fr",
    )

    assert response.status_code == french.status_code == 200
    assert "est en rupture de stock pour le moment" in french.content.decode()

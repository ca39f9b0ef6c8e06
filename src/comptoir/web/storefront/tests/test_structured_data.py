"""schema.org Product/Offer JSON-LD on the product page, and /sitemap.xml."""

import json
import re
import xml.etree.ElementTree as ET

import pytest

from comptoir.offers.services import offer_update
from comptoir.testing.builders import make_offer, make_product

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def json_ld(html: str) -> dict:
    [found] = re.findall(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    return json.loads(found)


def test_the_product_page_describes_the_product_and_its_offers(client):
    product = make_product("Teapot </script><b>", brand="Kyusu", gtin="4006381333931", description="Cast iron.")
    offer = make_offer(product=product, price_amount=2490, stock=3, sku="TEA-1")

    response = client.get(f"/p/{product.pk}/", follow=True)

    html = response.content.decode()
    assert "</script><b>" not in html.split("<body")[0]  # escaped inside the script element
    data = json_ld(html)
    assert data["@type"] == "Product" and data["name"] == "Teapot </script><b>"
    assert (
        data["brand"] == {"@type": "Brand", "name": "Kyusu"} and data["gtin"] == "04006381333931"
    )  # stored as GTIN-14
    assert data["url"].startswith("http://testserver/p/") and data["description"] == "Cast iron."
    [found] = data["offers"]
    assert found.pop("shippingDetails") == {
        "@type": "OfferShippingDetails",
        "shippingRate": {"@type": "MonetaryAmount", "value": "4.90", "currency": "EUR"},
        "shippingDestination": {"@type": "DefinedRegion", "addressCountry": "FR"},
        "deliveryTime": {
            "@type": "ShippingDeliveryTime",
            "handlingTime": {"@type": "QuantitativeValue", "minValue": 1, "maxValue": 1, "unitCode": "DAY"},
            "transitTime": {"@type": "QuantitativeValue", "minValue": 2, "maxValue": 4, "unitCode": "DAY"},
        },
    }
    assert found.pop("hasMerchantReturnPolicy") == {
        "@type": "MerchantReturnPolicy",
        "applicableCountry": "FR",
        "returnPolicyCategory": "https://schema.org/MerchantReturnFiniteReturnWindow",
        "merchantReturnDays": 14,
    }
    assert data["offers"] == [
        {
            "@type": "Offer",
            "sku": "TEA-1",
            "price": "24.90",
            "priceCurrency": "EUR",
            "availability": "https://schema.org/InStock",
            "itemCondition": "https://schema.org/NewCondition",
            "seller": {"@type": "Organization", "name": offer.seller.name},
            "url": data["url"],
        }
    ]


def test_the_sitemap_lists_the_pages_of_products_buyers_can_see(client):
    shown = make_offer(sku="SHOWN").product
    hidden = make_offer(sku="HIDDEN")
    offer_update(seller=hidden.seller, actor=None, offer_id=hidden.pk, changes={"is_active": False})

    response = client.get("/sitemap.xml")

    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    locations = [element.text for element in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]
    assert locations[0] == "http://testserver/"
    assert any(location.startswith(f"http://testserver/p/{shown.pk}/") for location in locations)
    assert not any(f"/p/{hidden.product_id}/" in location for location in locations)


def test_a_variant_names_its_product_group_and_options(client):
    from comptoir.catalog.services.variants import product_family_create, product_variant_create
    from comptoir.testing.builders import make_category

    family = product_family_create(
        title="T-shirt", category_id=make_category().pk, option_names=["Size", "Colour"], description="Cotton."
    )
    variant = product_variant_create(family_id=family.pk, option_values={"Size": "M", "Colour": "Red"})
    make_offer(product=variant)

    response = client.get(f"/p/{variant.pk}/", follow=True)

    data = json_ld(response.content.decode())
    assert data["url"].endswith(f"?variant={variant.pk}") and data["description"] == "Cotton."
    assert data["inProductGroupWithID"] == str(family.pk)
    assert data["isVariantOf"] == {
        "@type": "ProductGroup",
        "productGroupID": str(family.pk),
        "name": "T-shirt",
        "variesBy": ["https://schema.org/size", "https://schema.org/color"],
    }
    assert (data["size"], data["color"]) == ("M", "Red")


def sitemap_locations(client, path="/sitemap.xml") -> list[str]:
    response = client.get(path)
    assert response.status_code == 200 and response["Content-Type"].startswith("application/xml")
    return [element.text for element in ET.fromstring(response.content).iter(f"{SITEMAP}loc")]


def test_the_sitemap_gives_a_variants_family_page_once_and_the_sellers_pages(client):
    from comptoir.catalog.services.variants import product_family_create, product_variant_create
    from comptoir.testing.builders import make_category

    family = product_family_create(title="T-shirt", category_id=make_category().pk, option_names=["Size"])
    small = product_variant_create(family_id=family.pk, option_values={"Size": "S"})
    large = product_variant_create(family_id=family.pk, option_values={"Size": "L"})
    offer = make_offer(product=small)
    make_offer(product=large)

    locations = sitemap_locations(client)

    assert f"http://testserver/p/{family.pk}/t-shirt" in locations
    assert not any(f"/p/{small.pk}/" in location or f"/p/{large.pk}/" in location for location in locations)
    assert f"http://testserver/s/{offer.seller.slug}" in locations


def test_a_large_sitemap_becomes_an_index_of_files(client, monkeypatch):
    from comptoir.web.storefront.views import sitemap

    monkeypatch.setattr(sitemap, "SITEMAP_MAX_URLS", 2)
    products = [make_offer().product for _ in range(2)]  # home + 2 sellers + 2 products = 5 addresses

    index = client.get("/sitemap.xml")

    assert ET.fromstring(index.content).tag == f"{SITEMAP}sitemapindex"
    files = [element.text for element in ET.fromstring(index.content).iter(f"{SITEMAP}loc")]
    assert files == [f"http://testserver/sitemap-{number}.xml" for number in (1, 2, 3)]
    listed = [
        location for path in files for location in sitemap_locations(client, path.removeprefix("http://testserver"))
    ]
    assert len(listed) == 5 and listed[0] == "http://testserver/"
    assert all(any(f"/p/{product.pk}/" in location for location in listed) for product in products)
    assert client.get("/sitemap-4.xml").status_code == 404 and client.get("/sitemap-0.xml").status_code == 404


def test_robots_txt_names_the_sitemap_and_keeps_private_areas_out(client):
    response = client.get("/robots.txt")

    text = response.content.decode()
    assert response["Content-Type"].startswith("text/plain")
    assert "Sitemap: http://testserver/sitemap.xml" in text
    assert "Disallow: /seller/" in text and "Disallow: /feeds/" in text and "Disallow: /checkout" in text

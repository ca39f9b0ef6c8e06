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

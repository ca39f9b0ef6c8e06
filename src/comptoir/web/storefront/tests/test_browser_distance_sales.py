"""The product page in a real browser for a French consumer and a Polish seller whose distance sales of the year
would pass EUR 10,000 with this unit (docs/TAXES.md, "The crossing sale"): the offer is shown with the French VAT
checkout will charge, not the Polish VAT the seller enters its price with."""

import datetime as dt

import pytest
from django.utils.text import slugify

from comptoir.search.tests.support import committed
from comptoir.sellers.models import Seller
from comptoir.taxes.services import seller_distance_sale_count
from comptoir.testing.builders import make_offer, make_product, make_seller, make_shipping_profile, make_vat_rates
from comptoir.web.tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_unit_crossing_the_threshold_is_shown_with_french_vat(browser_page, live_server):
    year = dt.date.today().year
    with committed():
        make_vat_rates({"FR": 2000, "PL": 2300}, imported_at=dt.datetime(year, 1, 1, tzinfo=dt.UTC))
        seller = make_seller("Sklep Wisła", country="FR")
        Seller.objects.filter(pk=seller.pk).update(country="PL")
        seller.refresh_from_db()
        offer = make_offer(
            seller=seller,
            product=make_product("Bursztynowy naszyjnik"),
            price_amount=12300,
            ships_from_country="PL",
            shipping_profile=make_shipping_profile(seller, first_item_amount=492, express=False),
        )
        # 9,950.00 counted this year (an order awaiting payment among them): the 104.00 net parcel would cross.
        seller_distance_sale_count(seller_id=seller.pk, seller_order_id=10**12, year=year, net_eur_cents=995_000)
    page = browser_page
    page.context.set_extra_http_headers({"Accept-Language": "en-GB,en;q=0.9"})
    page.set_viewport_size({"width": 1280, "height": 900})

    page.goto(f"{live_server.url}/p/{offer.product_id}/{slugify(offer.product.title)[:80]}?country=FR")

    featured = page.locator("#featured-offer").inner_text()
    assert "€120.00" in featured and "20 % VAT (FR)" in page.content()
    assert "23 % VAT (PL)" not in page.content()
    save_screenshot(page, "product-crossing-sale-french-vat")

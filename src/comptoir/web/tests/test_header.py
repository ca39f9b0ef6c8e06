"""The header of every page (issue 10, items 17 and 19): who sees which links, the way in for new sellers, the
favicon."""

import re

import pytest
from django.contrib.staticfiles import finders
from django.utils import translation

from comptoir.testing.builders import make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db


def _nav(client) -> str:
    page = client.get("/").content.decode()
    return re.search(r'<nav class="site-nav".*?</nav>', page, re.S).group(0)


def test_a_visitor_sees_the_cart_login_and_a_way_to_become_a_seller(client):
    nav = _nav(client)
    assert 'id="cart-link"' in nav and "/accounts/login/" in nav
    assert '<a href="/seller/onboarding/">Sell on Comptoir</a>' in nav
    footer = client.get("/").content.decode().split('<footer class="site-footer">')[1]
    assert '<a href="/seller/onboarding/">Professional seller? Sell on Comptoir</a>' in footer


def test_the_sell_link_is_translated(client):
    with translation.override("fr"):
        page = client.get("/", HTTP_ACCEPT_LANGUAGE="fr").content.decode()
    assert "Vendre sur Comptoir" in page and "Vendeur professionnel ? Vendez sur Comptoir" in page


def test_a_buyer_sees_cart_orders_and_the_sell_link_a_seller_the_seller_center_instead(client):
    client.force_login(make_user())
    nav = _nav(client)
    assert 'id="cart-link"' in nav and "/account/orders" in nav and "/seller/onboarding/" in nav

    owner = make_user()
    make_seller(owner=owner)
    client.force_login(owner)
    nav = _nav(client)
    assert '<a href="/seller/">Seller center</a>' in nav and "/seller/onboarding/" not in nav


def test_an_operator_sees_operator_navigation_not_buyer_links(client):
    client.force_login(make_operator())

    nav = _nav(client)

    assert '<a href="/console/">Console</a>' in nav and "Log out" in nav
    assert 'id="cart-link"' not in nav and "/account/orders" not in nav and "/seller/onboarding/" not in nav


def test_every_page_links_a_favicon_served_from_static(client):
    page = client.get("/").content.decode()

    link = re.search(r'<link rel="icon" href="([^"]+)" type="image/svg\+xml">', page)
    assert link and link.group(1).endswith("comptoir/favicon.svg")
    assert finders.find("comptoir/favicon.svg")


def test_favicon_ico_leads_to_the_icon(client):
    response = client.get("/favicon.ico")

    assert response.status_code == 301 and response["Location"].endswith("comptoir/favicon.svg")

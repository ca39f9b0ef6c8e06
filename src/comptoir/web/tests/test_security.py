"""Security properties of the web pages: CSP on every page (and pages that respect it), cookie flags,
2FA for the admin, role separation between buyer, seller and operator areas, error pages."""

import re
from collections import deque
from html.parser import HTMLParser
from urllib.parse import urljoin, urlparse

import pytest
from django.conf import settings
from django.test import Client, override_settings
from django.urls import reverse

from comptoir.checkout.services import order_checkout
from comptoir.orders.models import SellerOrder
from comptoir.testing.auth import force_login_verified, make_totp_device
from comptoir.testing.builders import ADDRESS, CARD_OK, make_offer, make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db

SKIPPED_PREFIXES = ("/admin/", "/api/", "/static/", "/media/", "/i18n/")
PAGE_BUDGET_PER_ROLE = 120


class _PageScan(HTMLParser):
    """Collects links and every construct the CSP would block (or that only works when it is relaxed)."""

    def __init__(self):
        super().__init__()
        self.links: list[str] = []
        self.problems: list[str] = []

    def handle_starttag(self, tag, attrs):
        attributes = dict(attrs)
        if "style" in attributes:
            self.problems.append(f"<{tag} style=...> inline style attribute")
        for name in attributes:
            if name.startswith("on"):
                self.problems.append(f"<{tag} {name}=...> inline event handler")
        if tag == "style":
            self.problems.append("<style> element (style-src has no nonce)")
        if tag == "script":
            is_data_block = attributes.get("type") in ("application/json", "application/ld+json")
            if not is_data_block and "nonce" not in attributes:
                self.problems.append(f"<script src={attributes.get('src')!r}> without nonce")
            if not is_data_block and "src" not in attributes and "nonce" not in attributes:
                self.problems.append("inline <script> without nonce")
        for name in ("href", "src", "action", "hx-get", "hx-post"):
            value = attributes.get(name) or ""
            if value.startswith("javascript:"):
                self.problems.append(f"<{tag} {name}=javascript:...>")
        if tag == "a" and attributes.get("href"):
            self.links.append(attributes["href"])


def _seed_marketplace():
    """Something on every page: a verified seller with an order and an offer, a pending seller, a buyer."""
    offer = make_offer(price_amount=2590, stock=8)
    seller_owner = offer.seller.members.get().user
    buyer = make_user("crawler-buyer@example.com")
    result = order_checkout(
        buyer=buyer,
        shipping_address=ADDRESS,
        payment_method=CARD_OK,
        lines=[{"offer_id": offer.pk, "quantity": 1}],
        idempotency_key="crawl-1",
    )
    make_seller("Pending crawl shop", verified=False)
    return {
        "buyer": buyer,
        "seller_owner": seller_owner,
        "operator": make_operator("crawler-ops@example.com"),
        "order": result.order,
        "seller_order": SellerOrder.objects.filter(order=result.order).first(),
    }


def _crawl(client, start_paths):
    """Breadth-first GET of every same-site page reachable from `start_paths`; yields (path, response)."""
    queue, seen = deque(start_paths), set(start_paths)
    while queue and len(seen) <= PAGE_BUDGET_PER_ROLE:
        path = queue.popleft()
        response = client.get(path)
        yield path, response
        if "text/html" not in response.get("Content-Type", ""):
            continue
        scan = _PageScan()
        scan.feed(response.content.decode())
        for link in scan.links:
            target = urlparse(urljoin(path, link))
            if target.scheme not in ("", "http") or (target.netloc and target.netloc != "testserver"):
                continue
            next_path = target.path + (f"?{target.query}" if target.query else "")
            if next_path in seen or target.path.startswith(SKIPPED_PREFIXES) or target.path.endswith(".csv"):
                continue
            seen.add(next_path)
            queue.append(next_path)


START_PATHS = [
    "/",
    "/search",
    "/search?q=a",
    "/cart",
    "/account/orders",
    "/seller/",
    "/console/",
    "/console/sellers/",
    "/accounts/login/",
    "/accounts/register/",
    "/accounts/logout/",
    "/accounts/2fa/setup",
    "/this-page-does-not-exist",
]


@pytest.mark.parametrize("language", ["en", "fr"])
def test_every_reachable_page_of_every_role_carries_a_nonce_csp_and_needs_nothing_it_forbids(language):
    people = _seed_marketplace()
    make_totp_device(people["seller_owner"])
    clients = {"anonymous": Client()}
    for role in ("buyer", "seller_owner", "operator"):
        clients[role] = Client()
        force_login_verified(clients[role], people[role])
    problems, html_pages = [], 0
    for role, client in clients.items():
        client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
        starts = [
            *START_PATHS,
            f"/account/orders/{people['order'].number}",
            f"/console/sellers/{people['seller_order'].seller_id}/",
        ]
        for path, response in _crawl(client, starts):
            if response.status_code >= 500:
                problems.append(f"{role} {path}: HTTP {response.status_code}")
            if "text/html" not in response.get("Content-Type", "") or response.status_code in (301, 302):
                continue
            html_pages += 1
            policy = response.get("Content-Security-Policy", "")
            if not re.search(r"script-src 'self' 'nonce-[^']+'", policy) or "style-src 'self'" not in policy:
                problems.append(f"{role} {path}: CSP header missing or without nonce: {policy!r}")
            scan = _PageScan()
            scan.feed(response.content.decode())
            problems.extend(f"{role} {path}: {problem}" for problem in scan.problems)
    assert html_pages > 20, "the crawl should reach the pages of every area"
    assert problems == []


def test_the_session_and_csrf_cookies_are_secure_and_the_session_cookie_is_http_only(client):
    make_user("cookie@example.com")
    client.get("/accounts/login/")
    response = client.post("/accounts/login/", {"email": "cookie@example.com", "password": "correct-horse-battery"})
    session_cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    csrf_cookie = client.cookies[settings.CSRF_COOKIE_NAME]
    assert session_cookie["secure"] and session_cookie["httponly"] and session_cookie["samesite"] == "Lax"
    assert csrf_cookie["secure"]


def test_secure_cookies_default_to_on_unless_debug():
    import importlib
    import os

    import config.settings as base_settings

    previous = os.environ.pop("COMPTOIR_SECURE_COOKIES", None), os.environ.get("COMPTOIR_DEBUG")
    try:
        os.environ["COMPTOIR_DEBUG"] = "0"
        reloaded = importlib.reload(base_settings)
        assert reloaded.SESSION_COOKIE_SECURE and reloaded.CSRF_COOKIE_SECURE and reloaded.SESSION_COOKIE_HTTPONLY
    finally:
        if previous[0] is not None:
            os.environ["COMPTOIR_SECURE_COOKIES"] = previous[0]
        if previous[1] is not None:
            os.environ["COMPTOIR_DEBUG"] = previous[1]
        importlib.reload(base_settings)


def test_the_admin_refuses_an_operator_session_without_2fa_and_uses_our_login(client):
    operator = make_operator()
    client.force_login(operator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/2fa/setup")
    make_totp_device(operator)
    response = client.get("/admin/", follow=True)
    assert response.redirect_chain[-1][0].startswith("/accounts/login/?next=")


def test_the_admin_opens_for_an_operator_verified_by_a_code(client):
    force_login_verified(client, make_operator())
    assert client.get("/admin/").status_code == 200


def test_the_admin_login_form_cannot_be_used_to_skip_the_code_step(client):
    operator = make_operator("admin-login@example.com")
    make_totp_device(operator)
    response = client.post("/admin/login/", {"username": operator.email, "password": "correct-horse-battery"})
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert "_auth_user_id" not in client.session


def test_a_buyer_cannot_open_the_seller_center_or_the_console(client):
    force_login_verified(client, make_user())
    assert client.get("/console/").status_code == 403
    seller_center = client.get("/seller/")
    # A buyer who is no seller member is either refused or invited to become a seller; never shown a seller's data.
    assert seller_center.status_code in (302, 403)
    if seller_center.status_code == 302:
        assert seller_center["Location"].startswith("/seller/onboarding")


def test_a_seller_member_cannot_open_the_console(client):
    owner = make_seller().members.get().user
    force_login_verified(client, owner)
    assert client.get("/console/").status_code == 403
    assert client.get("/console/sellers/").status_code == 403


@pytest.mark.parametrize(
    ("language", "title"), [("en", "We could not find this page"), ("fr", "Nous n’avons pas trouvé cette page")]
)
def test_the_404_page_speaks_the_visitors_language(client, language, title):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    response = client.get("/no-such-page")
    assert response.status_code == 404
    assert title in response.content.decode()


@pytest.mark.parametrize(
    ("language", "title"), [("en", "Something went wrong on our side"), ("fr", "Une erreur est survenue de notre côté")]
)
def test_the_500_page_renders_standalone_even_when_the_database_is_down(language, title, monkeypatch):
    from django.db.backends.base.base import BaseDatabaseWrapper

    from comptoir.web import errors

    client = Client(raise_request_exception=False)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language

    def database_is_down(*args, **kwargs):
        raise RuntimeError("database unavailable")

    with override_settings(ROOT_URLCONF="comptoir.web.tests.failing_urls"):
        monkeypatch.setattr(BaseDatabaseWrapper, "cursor", database_is_down)
        response = client.get("/boom")
    assert response.status_code == 500
    page = response.content.decode()
    assert title in page and f'lang="{language}"' in page
    assert errors.server_error.__module__ == "comptoir.web.errors"


def test_a_csrf_failure_gets_a_friendly_page(client):
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(reverse("account:login"), {"email": "a@example.com", "password": "x"})
    assert response.status_code == 403
    assert "Your session has expired" in response.content.decode()

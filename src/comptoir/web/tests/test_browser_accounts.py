"""Accounts journeys in a real browser: login with the code step, the lockout, registration, the 404."""

import pytest

from comptoir.testing.auth import make_totp_device
from comptoir.testing.builders import make_seller, make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_seller_logs_in_with_password_then_code(browser_page, live_server):
    page = browser_page
    owner = make_seller().members.get().user
    device = make_totp_device(owner)
    page.goto(live_server.url + "/accounts/login/")
    save_screenshot(page, "login")
    login_browser(page, live_server, owner.email, "correct-horse-battery", totp_device=device)
    assert page.url == live_server.url + "/"
    assert page.get_by_role("button", name="Log out").is_visible()


def test_the_lockout_journey_in_french(browser_page, live_server):
    page = browser_page
    make_user("cible@example.com")
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/")
    for attempt in range(5):
        page.locator("#id_email").fill("cible@example.com")
        page.locator("#id_password").fill(f"mauvais-{attempt}")
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
        if attempt < 4:
            assert "L’adresse e-mail ou le mot de passe est incorrect." in page.locator("main").inner_text()
    assert page.locator("h1").inner_text() == "Trop de tentatives"
    save_screenshot(page, "lockout-fr")
    # Even the right password is refused now.
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_email").fill("cible@example.com")
    page.locator("#id_password").fill("correct-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Trop de tentatives"


def test_a_buyer_registers_and_sees_the_error_next_to_the_field_first(browser_page, live_server):
    page = browser_page
    page.goto(live_server.url + "/accounts/register/")
    page.locator("#id_full_name").fill("Grace Hopper")
    page.locator("#id_email").fill("grace@example.com")
    page.locator("#id_password").fill("12345")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    assert page.locator("#id_password_error").is_visible()
    page.locator("#id_password").fill("compiler-pioneer-1952")
    page.get_by_role("button", name="Create my account").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Check your inbox"


@pytest.mark.parametrize("language", ["en", "fr"])
def test_the_404_page_in_both_languages(browser_page, live_server, language):
    page = browser_page
    page.goto(live_server.url + "/")
    if language == "fr":
        page.get_by_role("button", name="FR").click()
        page.wait_for_load_state()
    response = page.goto(live_server.url + "/no-such-page")
    assert response.status == 404
    expected = {"en": "We could not find this page", "fr": "Nous n’avons pas trouvé cette page"}[language]
    assert page.locator("h1").inner_text() == expected
    save_screenshot(page, f"error-404-{language}")

"""In a real browser: the login page refuses one network's password spraying across accounts (in French), and a
form over the upload limit gets the 413 page rather than a bare error."""

import time

import pytest

from comptoir.testing.builders import make_user
from comptoir.web.tests.browser import save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)


def _submit_login(page, email: str, password: str) -> None:
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_password_spraying_from_one_network_is_stopped_in_french(browser_page, live_server, settings):
    # given: 3 password attempts an hour per address, and a French visitor; counts run in fixed windows, so the
    # journey starts at least a minute before the hour's window ends
    settings.COMPTOIR_LOGIN_RATE_LIMIT = {"PER_IP": 3, "PERIOD_SECONDS": 3600}
    left_in_window = 3600 - time.time() % 3600
    if left_in_window < 60:
        time.sleep(left_in_window + 1)
    make_user("victime@example.com")
    page = browser_page
    page.goto(live_server.url + "/")
    page.get_by_role("button", name="FR").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/")

    # when: one wrong password on each of three accounts, then the right password of a fourth
    for number in range(3):
        _submit_login(page, f"compte{number}@example.com", "motdepasse-courant")
        assert "L’adresse e-mail ou le mot de passe est incorrect." in page.locator("main").inner_text()
    _submit_login(page, "victime@example.com", "correct-horse-battery")

    # then: refused with the reason and the wait, not logged in
    message = page.locator("main").inner_text()
    assert "Trop de tentatives de connexion depuis votre réseau. Réessayez dans " in message
    assert "minutes" in message or "minute" in message
    assert page.url.startswith(live_server.url + "/accounts/login/")
    save_screenshot(page, "login-rate-limited-fr")


def test_a_form_over_the_upload_limit_shows_the_413_page(browser_page, live_server, settings):
    # given: a limit smaller than the login form's body
    settings.DATA_UPLOAD_MAX_MEMORY_SIZE = 150
    page = browser_page
    page.goto(live_server.url + "/accounts/login/")

    # when
    page.locator("#id_email").fill("someone-with-a-long-address@example.com")
    page.locator("#id_password").fill("a-long-password-" * 6)
    with page.expect_response(lambda response: response.request.method == "POST") as answer:
        page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()

    # then
    assert answer.value.status == 413
    assert page.locator("h1").inner_text() == "Too much data sent"
    save_screenshot(page, "request-too-large")

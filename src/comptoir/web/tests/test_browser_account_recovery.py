"""Account recovery in a real browser: the password reset journey by email, and recovery codes."""

import re
import uuid

import pytest
from django.core import mail

from comptoir.accounts.two_factor import recovery_codes_regenerate
from comptoir.testing.auth import make_totp_device, totp_code
from comptoir.testing.builders import make_user
from comptoir.web.tests.browser import login_browser, save_screenshot

pytestmark = pytest.mark.django_db(transaction=True)

NEW_PASSWORD = "orchard-lantern-violet-7"


@pytest.fixture(autouse=True)
def throttle_cache(settings):
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }


def _submit(page):
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()


def test_a_seller_resets_a_forgotten_password_and_still_needs_the_code(browser_page, live_server):
    page = browser_page
    seller = make_user("seller@example.com", full_name="Ada Lovelace")
    device = make_totp_device(seller)
    recovery_codes_regenerate(user=seller)
    # given the seller on the login page follows "Forgot your password?"
    page.goto(live_server.url + "/accounts/login/")
    page.get_by_role("link", name="Forgot your password?").click()
    page.wait_for_load_state()
    assert page.locator("h1").inner_text() == "Reset your password"
    page.locator("#id_email").fill("seller@example.com")
    save_screenshot(page, "password-reset-request")
    _submit(page)
    assert page.locator("h1").inner_text() == "Check your inbox"
    # when they open the link from the email and choose a new password
    link = re.search(r"https?://\S+/accounts/password/reset/\S+/", mail.outbox[0].body).group(0)
    page.goto(link)
    assert page.locator("h1").inner_text() == "Choose a new password"
    page.locator("#id_new_password1").fill("12345")
    page.locator("#id_new_password2").fill("12345")
    _submit(page)
    assert "This password is too short." in page.locator("main").inner_text()
    page.locator("#id_new_password1").fill(NEW_PASSWORD)
    page.locator("#id_new_password2").fill(NEW_PASSWORD)
    _submit(page)
    assert page.locator("h1").inner_text() == "Your password is changed"
    # then logging in with it still goes through the code step
    login_browser(page, live_server, "seller@example.com", NEW_PASSWORD, totp_device=device)
    assert page.url == live_server.url + "/"
    assert page.get_by_role("button", name="Log out").is_visible()
    # and the link is dead
    page.goto(link)
    assert page.locator("h1").inner_text() == "This link no longer works"


def test_recovery_codes_are_made_shown_once_and_accepted_at_login(browser_page, live_server):
    page = browser_page
    user = make_user("ops@example.com")
    device = make_totp_device(user)
    login_browser(page, live_server, "ops@example.com", "correct-horse-battery", totp_device=device)
    # given the user opens the 2FA page and makes recovery codes
    page.goto(live_server.url + "/accounts/2fa/setup")
    assert "You have 0 unused recovery codes." in page.locator("main").inner_text()
    page.get_by_role("button", name="Make new recovery codes").click()
    page.wait_for_load_state()
    codes = page.locator(".recovery-codes code").all_inner_texts()
    assert len(codes) == 10
    save_screenshot(page, "recovery-codes")
    # when they log in again with a recovery code instead of the app
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_email").fill("ops@example.com")
    page.locator("#id_password").fill("correct-horse-battery")
    _submit(page)
    page.locator("#id_token").fill(codes[0])
    _submit(page)
    # then they are in, told how many codes are left, and offered to replace the app
    assert "You used a recovery code; 9 are left." in page.locator(".messages").inner_text()
    assert page.get_by_role("link", name="Set up a new authenticator app").is_visible()
    # and the code does not work a second time
    page.get_by_role("button", name="Log out").click()
    page.wait_for_load_state()
    page.goto(live_server.url + "/accounts/login/")
    page.locator("#id_email").fill("ops@example.com")
    page.locator("#id_password").fill("correct-horse-battery")
    _submit(page)
    page.locator("#id_token").fill(codes[0])
    _submit(page)
    assert "This recovery code is not valid or was already used." in page.locator("main").inner_text()
    # while the authenticator app still works
    page.locator("#id_token").fill(totp_code(device))
    _submit(page)
    assert page.get_by_role("button", name="Log out").is_visible()

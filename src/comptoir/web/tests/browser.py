"""Real-browser testing: Playwright (Python) driving Debian's chromium against a live server.

Use the `browser_page` fixture (from comptoir/web/conftest.py) with pytest-django's live_server.
Screenshots go through `save_screenshot`: to var/screenshots/ on every run, and to docs/screenshots/ (the
ones the README shows) when COMPTOIR_SCREENSHOTS=1 — so that running the tests never rewrites tracked files:

    COMPTOIR_SCREENSHOTS=1 python3 dev.py test -k browser
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
_ROOT = Path(__file__).resolve().parents[4]
SCREENSHOT_DIR = (
    _ROOT / "docs" / "screenshots" if os.environ.get("COMPTOIR_SCREENSHOTS") == "1" else _ROOT / "var" / "screenshots"
)


def chromium_path() -> str | None:
    for candidate in (
        os.environ.get("COMPTOIR_CHROMIUM"),
        "/usr/bin/chromium",
        shutil.which("chromium"),
        shutil.which("chromium-browser"),
    ):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def save_screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login_browser(page, live_server, email, password: str | None = None, totp_device=None, next_path: str = "/"):
    """Log the browser in.

    With an email and a password it goes through the real pages (/accounts/login/, then the code step
    with a code computed from `totp_device`, as an authenticator app would). Given a user object and
    no password, it plants a session cookie instead (quick set-up for journeys that are not about
    logging in); the session counts as 2FA-verified when the user has a confirmed TOTP device or
    `totp_device` is given."""
    from urllib.parse import urlencode, urlparse

    if password is None and not isinstance(email, str):
        return _plant_session_cookie(page, live_server, email, totp_device)
    from comptoir.testing.auth import totp_code

    page.goto(f"{live_server.url}/accounts/login/?{urlencode({'next': next_path})}")
    page.locator("#id_email").fill(email)
    page.locator("#id_password").fill(password)
    page.locator("main form button[type=submit]").click()
    page.wait_for_load_state()
    if totp_device is not None:
        if urlparse(page.url).path != "/accounts/login/verify":
            raise AssertionError(f"expected the code step after the password, got {page.url}")
        page.locator("#id_token").fill(totp_code(totp_device))
        page.locator("main form button[type=submit]").click()
        page.wait_for_load_state()
    return page


def _plant_session_cookie(page, live_server, user, totp_device=None):
    from urllib.parse import urlparse

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.contrib.sessions.backends.db import SessionStore
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    session = SessionStore()
    session[SESSION_KEY] = str(user.pk)
    session[BACKEND_SESSION_KEY] = "django.contrib.auth.backends.ModelBackend"
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    device = totp_device or TOTPDevice.objects.filter(user=user, confirmed=True).first()
    if device is not None:
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    host = urlparse(live_server.url).hostname
    page.context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "domain": host,
                "path": "/",
                "httpOnly": True,
            }
        ]
    )
    return page

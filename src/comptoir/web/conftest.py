import os

import pytest

from comptoir.web.tests.browser import CHROMIUM_ARGS, chromium_path


@pytest.fixture(scope="module")
def _browser():
    # Module scope: Playwright's sync API keeps an event loop running in this thread while it is open,
    # which would break any later test that runs its own asyncio loop.
    path = chromium_path()
    if path is None:
        message = (
            "Browser tests need Chromium (Debian: apt-get install chromium; or set COMPTOIR_CHROMIUM); "
            ".ci/run installs it."
        )
        if os.environ.get("CI"):
            pytest.fail(message)  # in CI a missing browser is an error, never a silent skip
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    # Playwright's sync API runs an event loop in this thread; the test's own ORM calls are still synchronous.
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=path, args=CHROMIUM_ARGS, headless=True)
        yield browser
        browser.close()


@pytest.fixture
def browser_page(_browser, live_server):
    """A fresh browser context (no cookies) at a desktop size; `page.goto(live_server.url + path)`."""
    context = _browser.new_context(viewport={"width": 1280, "height": 900}, locale="en-GB")
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

"""Real-browser testing: Playwright (Python) driving Debian's chromium against a live server.

Use the `browser_page` fixture (from comptoir/web/conftest.py) with pytest-django's live_server.
Screenshots for the documentation go to docs/screenshots/ through `save_screenshot`."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

CHROMIUM_ARGS = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic", "--no-first-run",
                 "--disable-component-update", "--disable-sync"]
SCREENSHOT_DIR = Path(__file__).resolve().parents[4] / "docs" / "screenshots"


def chromium_path() -> str | None:
    for candidate in (os.environ.get("COMPTOIR_CHROMIUM"), "/usr/bin/chromium", shutil.which("chromium"), shutil.which("chromium-browser")):
        if candidate and Path(candidate).exists():
            return candidate
    return None


def save_screenshot(page, name: str) -> Path:
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    path = SCREENSHOT_DIR / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path

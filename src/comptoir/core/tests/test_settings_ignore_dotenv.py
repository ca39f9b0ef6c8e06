"""The test settings never read the developer's `.env` (issue 10, item 20).

`python3 dev.py demo` writes a development `.env` (COMPTOIR_DEBUG=1, COMPTOIR_SECURE_COOKIES=0); the README then says
`python3 dev.py test`, whose results must not depend on it. Each test runs the settings in a fresh interpreter, over a
copy of `config/` whose repository root holds an odd `.env`."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

from django.conf import settings

ODD_DOTENV = """\
COMPTOIR_DEBUG=1
COMPTOIR_SECURE_COOKIES=0
COMPTOIR_SSL_REDIRECT=1
COMPTOIR_LOGIN_THROTTLING=0
COMPTOIR_DEFAULT_COMMISSION_BP=1
COMPTOIR_SECRET_KEY=from-the-odd-dotenv
COMPTOIR_ALLOWED_HOSTS=odd.example
"""

PRINT_SETTINGS = """
import json
from django.conf import settings
print(json.dumps({
    "DEBUG": settings.DEBUG,
    "SESSION_COOKIE_SECURE": settings.SESSION_COOKIE_SECURE,
    "SECURE_SSL_REDIRECT": settings.SECURE_SSL_REDIRECT,
    "AXES_ENABLED": settings.AXES_ENABLED,
    "DEFAULT_COMMISSION_BP": settings.COMPTOIR["DEFAULT_COMMISSION_BP"],
    "SECRET_KEY": settings.SECRET_KEY,
    "ALLOWED_HOSTS": settings.ALLOWED_HOSTS,
}))
"""


def _settings_seen(root: Path, module: str) -> dict:
    """The settings `module` gives in a new interpreter whose repository root is `root`, with no COMPTOIR_ variable
    inherited from this test run."""
    environment = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("COMPTOIR_") and key not in {"DATABASE_URL", "DJANGO_SETTINGS_MODULE"}
    }
    environment.update(
        DJANGO_SETTINGS_MODULE=module,
        PYTHONPATH=os.pathsep.join([str(root), str(Path(settings.BASE_DIR) / "src")]),
    )
    if module == "config.settings":  # what the plain settings require besides the .env; the test settings set their own
        environment.update(
            COMPTOIR_ENCRYPTION_KEYS=",".join(settings.COMPTOIR_ENCRYPTION_KEYS),
            DATABASE_URL=f"sqlite:///{root / 'unused.sqlite3'}",
        )
    completed = subprocess.run(
        [sys.executable, "-c", f"import django; django.setup(); {PRINT_SETTINGS}"],
        cwd=root,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert completed.returncode == 0, completed.stderr[-3000:]
    return json.loads(completed.stdout.strip().splitlines()[-1])


def _repository_with_odd_dotenv(tmp_path: Path) -> Path:
    shutil.copytree(Path(settings.BASE_DIR) / "config", tmp_path / "config")
    (tmp_path / ".env").write_text(ODD_DOTENV, encoding="utf-8")
    return tmp_path


def test_the_plain_settings_do_read_the_dotenv_so_the_copy_is_a_fair_check(tmp_path):
    # Given a repository root with an odd .env, when the production settings load, then they take its values.
    seen = _settings_seen(_repository_with_odd_dotenv(tmp_path), "config.settings")
    assert seen["DEBUG"] is True
    assert seen["SESSION_COOKIE_SECURE"] is False
    assert seen["SECRET_KEY"] == "from-the-odd-dotenv"


def test_the_test_settings_ignore_an_odd_dotenv(tmp_path):
    # Given the same odd .env, when the test settings load, then not one of its values gets through.
    seen = _settings_seen(_repository_with_odd_dotenv(tmp_path), "config.settings_test")
    assert seen == {
        "DEBUG": False,
        "SESSION_COOKIE_SECURE": True,
        "SECURE_SSL_REDIRECT": False,
        "AXES_ENABLED": True,
        "DEFAULT_COMMISSION_BP": 1200,
        "SECRET_KEY": "test-only-secret-key-not-for-production",
        "ALLOWED_HOSTS": [],
    }


def test_this_test_run_reads_no_dotenv():
    # The suite itself: the settings it runs with were loaded with the .env switched off, so the two tests of
    # secure cookies (web/tests/test_security.py) pass after `python3 dev.py demo` wrote a .env with secure cookies off.
    assert os.environ["COMPTOIR_READ_DOTENV"] == "0"
    assert settings.SESSION_COOKIE_SECURE is True
    assert settings.DEBUG is False

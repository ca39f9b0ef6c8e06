"""Production settings: HTTPS redirect and HSTS on by default when DEBUG is off, plain HTTP when the deployment says
so (the benchmark's environment), and no start with `.env.example`'s placeholder secret key.

Each case imports config.settings in a fresh interpreter with the variables it names; every other variable a
developer's `.env` may hold is set empty, so that the file (loaded without overriding) cannot change the outcome."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[4]
ENCRYPTION_KEY = "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM="
PRINT_SETTINGS = (
    "import json, config.settings as s; print(json.dumps({'redirect': s.SECURE_SSL_REDIRECT, "
    "'hsts': s.SECURE_HSTS_SECONDS, 'secure_cookies': s.SESSION_COOKIE_SECURE, "
    "'proxy': list(getattr(s, 'SECURE_PROXY_SSL_HEADER', None) or [])}))"
)


def _settings(**variables: str) -> subprocess.CompletedProcess:
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_"))}
    dotenv = ROOT / ".env"
    if dotenv.is_file():
        for line in dotenv.read_text(encoding="utf-8").splitlines():
            if "=" in line and not line.lstrip().startswith("#"):
                environment[line.split("=", 1)[0].strip()] = ""
    environment.update(
        {
            "COMPTOIR_SECRET_KEY": "a-long-random-production-secret-0123456789",
            "COMPTOIR_ENCRYPTION_KEYS": ENCRYPTION_KEY,
            "COMPTOIR_DEBUG": "0",
            "DATABASE_URL": "sqlite:///" + str(ROOT / "var" / "settings-check.sqlite3"),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
    )
    environment.update(variables)
    return subprocess.run(
        [sys.executable, "-c", PRINT_SETTINGS], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=60
    )


def _values(**variables: str) -> dict:
    result = _settings(**variables)
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_with_debug_off_https_is_enforced_by_default():
    values = _values()

    assert values == {"redirect": True, "hsts": 31_536_000, "secure_cookies": True, "proxy": []}


def test_a_site_declared_plain_http_like_the_benchmark_server_is_not_redirected():
    # The benchmark starts its server with DEBUG off over plain HTTP on localhost and COMPTOIR_SECURE_COOKIES=0.
    values = _values(COMPTOIR_SECURE_COOKIES="0")

    assert values["redirect"] is False and values["hsts"] == 0


def test_each_https_setting_can_be_set_on_its_own():
    values = _values(COMPTOIR_SSL_REDIRECT="0", COMPTOIR_HSTS_SECONDS="300", COMPTOIR_BEHIND_PROXY="1")

    assert values["redirect"] is False and values["hsts"] == 300 and values["secure_cookies"] is True
    assert values["proxy"] == ["HTTP_X_FORWARDED_PROTO", "https"]


def test_debug_stays_on_plain_http():
    values = _values(COMPTOIR_DEBUG="1")

    assert values["redirect"] is False and values["hsts"] == 0


def _example_secret_key() -> str:
    for line in (ROOT / ".env.example").read_text(encoding="utf-8").splitlines():
        if line.startswith("COMPTOIR_SECRET_KEY="):
            return line.split("=", 1)[1].strip()
    raise AssertionError(".env.example has no COMPTOIR_SECRET_KEY line")


@pytest.mark.parametrize("debug", ["0", ""])
def test_the_example_placeholder_secret_key_is_refused_with_debug_off(debug):
    result = _settings(COMPTOIR_SECRET_KEY=_example_secret_key(), COMPTOIR_DEBUG=debug)

    assert result.returncode != 0
    assert "COMPTOIR_SECRET_KEY is still the placeholder of .env.example" in result.stderr


def test_an_empty_secret_key_is_refused():
    result = _settings(COMPTOIR_SECRET_KEY="")

    assert result.returncode != 0 and "COMPTOIR_SECRET_KEY must be set" in result.stderr


def test_the_placeholder_is_accepted_for_local_development_with_debug_on():
    assert _settings(COMPTOIR_SECRET_KEY=_example_secret_key(), COMPTOIR_DEBUG="1").returncode == 0

"""Password attempts per client IP are counted in a cache every server process shares (the database by default):
two workers do not get twice the allowance, the web login and POST /auth/token count together, and the count is
exact under concurrent requests."""

import json
import os
import subprocess
import sys
import threading
from pathlib import Path

import pytest
from django.conf import settings as django_settings
from django.db import close_old_connections, connection
from django.test import Client
from django.urls import reverse

from comptoir.api.tests.conftest import OTHER_ADDRESS, Api, assert_problem
from comptoir.core.cache import AtomicDatabaseCache
from comptoir.core.ratelimit import RateLimit, rate_limit_hit
from comptoir.testing.builders import make_user

ROOT = Path(__file__).resolve().parents[4]
# A window far longer than the test, so that no window boundary falls inside it.
NO_BOUNDARY = 10**9


def _token(api, email, password="guess-123456"):
    return api.post("auth/token", {"email": email, "password": password})


def _web_login(client, email, password="guess-123456"):
    return client.post(reverse("account:login"), {"email": email, "password": password})


@pytest.fixture
def small_limit(settings):
    settings.COMPTOIR_LOGIN_RATE_LIMIT = {"PER_IP": 4, "PERIOD_SECONDS": NO_BOUNDARY}
    return 4


@pytest.mark.django_db
def test_two_cache_clients_on_the_database_share_one_count():
    # given: two cache objects, as two server processes would each build from the settings
    first = AtomicDatabaseCache("comptoir_cache", {})
    second = AtomicDatabaseCache("comptoir_cache", {})
    key = "ratelimit-shared"

    # when: the counts alternate between them
    outcomes = []
    for number in range(4):
        cache = first if number % 2 == 0 else second
        cache.add(key, 0, timeout=60)
        outcomes.append(cache.incr(key))

    # then: one counter, seen and bumped by both
    assert outcomes == [1, 2, 3, 4]
    assert first.get("ratelimit-shared") == second.get("ratelimit-shared") == 4


@pytest.mark.django_db
def test_the_web_login_is_limited_per_address_across_accounts(small_limit):
    # given: an address that tried a password on as many accounts as allowed
    client = Client()
    for number in range(small_limit):
        assert _web_login(client, f"user{number}@example.com").status_code == 422
    make_user("innocent@example.com")

    # when: the right password of yet another account, from this address and from another one
    refused = _web_login(client, "innocent@example.com", "correct-horse-battery")
    other_address = _web_login(Client(REMOTE_ADDR=OTHER_ADDRESS), "innocent@example.com", "correct-horse-battery")

    # then
    assert refused.status_code == 429
    assert "Too many login attempts from your network" in refused.content.decode()
    assert int(refused["Retry-After"]) >= 1
    assert "_auth_user_id" not in client.session
    assert other_address.status_code == 302


@pytest.mark.django_db
def test_the_web_login_page_says_it_in_french(small_limit):
    client = Client(headers={"Accept-Language": "fr"})
    for number in range(small_limit):
        _web_login(client, f"user{number}@example.com")

    refused = _web_login(client, "x@example.com")

    assert refused.status_code == 429
    assert "Trop de tentatives de connexion depuis votre réseau" in refused.content.decode()


@pytest.mark.django_db
def test_web_logins_and_api_tokens_count_together(small_limit, api):
    # given: half the allowance on the web, half on the API
    client = Client()
    for number in range(small_limit // 2):
        _web_login(client, f"web{number}@example.com")
    for number in range(small_limit - small_limit // 2):
        assert_problem(_token(api, f"api{number}@example.com"), 401, "invalid_credentials")

    # when
    response = _token(api, "next@example.com")

    # then
    assert_problem(response, 429, "rate_limited")


def _subprocess_database_url() -> str:
    database = connection.settings_dict
    if connection.vendor == "sqlite":
        return f"sqlite:///{database['NAME']}"
    credentials = database["USER"] + (f":{database['PASSWORD']}" if database["PASSWORD"] else "")
    return f"postgres://{credentials}@{database['HOST'] or '127.0.0.1'}:{database['PORT'] or 5432}/{database['NAME']}"


OTHER_WORKER = """
import json, django
django.setup()
from comptoir.accounts.login_rate import login_attempt_admit
print(json.dumps([login_attempt_admit(ip_address="127.0.0.1") for _ in range({count})]))
"""


@pytest.mark.django_db(transaction=True)
def test_a_second_server_process_shares_the_count(small_limit):
    # given: half the allowance spent on the token endpoint in this process
    api = Api()
    for number in range(small_limit // 2):
        assert_problem(_token(api, f"user{number}@example.com"), 401, "invalid_credentials")

    # when: another process, with the production settings (database cache), counts the rest of the allowance
    environment = {key: value for key, value in os.environ.items() if not key.startswith(("COMPTOIR_", "DJANGO_"))}
    environment.update(
        {
            "DJANGO_SETTINGS_MODULE": "config.settings",
            "DATABASE_URL": _subprocess_database_url(),
            "COMPTOIR_SECRET_KEY": "another-worker-" + "x" * 40,
            "COMPTOIR_ENCRYPTION_KEYS": ",".join(django_settings.COMPTOIR_ENCRYPTION_KEYS),
            "COMPTOIR_DEBUG": "0",
            "COMPTOIR_CACHE_URL": "",
            "REDIS_URL": "",
            "COMPTOIR_LOGIN_ATTEMPTS_PER_IP": str(small_limit),
            "COMPTOIR_LOGIN_ATTEMPTS_PERIOD_SECONDS": str(NO_BOUNDARY),
            "PYTHONPATH": os.pathsep.join([str(ROOT), str(ROOT / "src")]),
        }
    )
    code = OTHER_WORKER.format(count=small_limit - small_limit // 2 + 1)
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=environment, capture_output=True, text=True, timeout=120
    )
    assert result.returncode == 0, result.stderr
    waits = json.loads(result.stdout.strip().splitlines()[-1])

    # then: the other process admits only what was left, and this one now refuses too
    assert [wait is None for wait in waits] == [True] * (small_limit - small_limit // 2) + [False]
    assert_problem(_token(api, "late@example.com"), 429, "rate_limited")


@pytest.mark.django_db(transaction=True)
def test_concurrent_attempts_are_counted_exactly():
    # given
    rule = RateLimit(scope="race", limit=12, period_seconds=NO_BOUNDARY)
    admitted: list[bool] = []
    lock = threading.Lock()
    start = threading.Barrier(4)

    def worker():
        try:
            start.wait()
            for _ in range(6):
                outcome = rate_limit_hit(rule, identity="198.51.100.7")
                with lock:
                    admitted.append(outcome is None)
        finally:
            close_old_connections()
            connection.close()

    # when: 4 threads (each its own database connection) make 24 attempts at once
    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    # then: exactly the limit got through
    assert len(admitted) == 24
    assert admitted.count(True) == 12


@pytest.mark.django_db
def test_a_burst_across_a_window_boundary_does_not_get_twice_the_limit():
    # given: the whole allowance spent in the last second of a window
    rule = RateLimit(scope="boundary", limit=20, period_seconds=60)
    start = 1_800_000_000 - 1.0  # one second before a window boundary (a multiple of 60)
    spent = [rate_limit_hit(rule, identity="192.0.2.55", clock=lambda: start) for _ in range(20)]

    # when: the next window starts
    just_after = [rate_limit_hit(rule, identity="192.0.2.55", clock=lambda: start + 2) for _ in range(5)]
    half_way = rate_limit_hit(rule, identity="192.0.2.55", clock=lambda: start + 31)
    a_period_later = rate_limit_hit(rule, identity="192.0.2.55", clock=lambda: start + 62)

    # then: still refused just after the boundary, and told how long to wait; admitted again as the burst ages
    assert all(wait is None for wait in spent)
    assert all(wait is not None and wait >= 1 for wait in just_after)
    assert 1 <= just_after[0] <= 60
    assert half_way is None  # half of the burst has aged out of the last minute
    assert a_period_later is None

"""Settings for the test suite: development keys, the database from DATABASE_URL (SQLite by default)."""

import os

# Never read the repository's .env here: `python3 dev.py demo` writes one (COMPTOIR_DEBUG=1,
# COMPTOIR_SECURE_COOKIES=0, ...) and the tests must see the same settings on every machine. Set in os.environ, not
# only for this import, so that settings reloaded by a test and subprocesses started by one skip it too.
os.environ["COMPTOIR_READ_DOTENV"] = "0"
os.environ.setdefault("COMPTOIR_SECRET_KEY", "test-only-secret-key-not-for-production")
os.environ.setdefault("COMPTOIR_ENCRYPTION_KEYS", "kIS6R5ZtmCJyY1hc0vqJ4WkU4ZaG6nMUTdyZ4hFGfCM=")
os.environ.setdefault("COMPTOIR_DEBUG", "0")
# Production settings otherwise, but the test client and the live server speak plain HTTP.
os.environ.setdefault("COMPTOIR_SSL_REDIRECT", "0")
os.environ.setdefault(
    "DATABASE_URL", "sqlite:///" + os.path.join(os.path.dirname(os.path.dirname(__file__)), "var", "test.sqlite3")
)

from config.settings import *  # noqa: F403
from config.settings import BASE_DIR, CACHES, COMPTOIR, DATABASES, PASSWORD_HASHERS, STORAGES

# Fast hashing, in tests only.
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher", *PASSWORD_HASHERS]
COMPTOIR = {**COMPTOIR}

# A file database even on SQLite: concurrency tests open several connections to it.
# Each pytest process gets its own test database so that parallel runs never share one.
_suffix = str(os.getpid())
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["TEST"] = {"NAME": str(BASE_DIR / "var" / f"test_db_{_suffix}.sqlite3")}
else:
    DATABASES["default"]["TEST"] = {"NAME": f"test_comptoir_{_suffix}"}
STORAGES = {**STORAGES, "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"}}
# Request throttles (password reset, logins) count in the database cache as in production, so each test's counts
# go with its transaction (or its flush): never a count carried from one test, or one run, to the next.
CACHES = {
    **CACHES,
    "throttle": {"BACKEND": "comptoir.core.cache.AtomicDatabaseCache", "LOCATION": "comptoir_cache"},
}
# The test receivers of webhooks (comptoir.webhooks tests) listen on plain http://127.0.0.1.
COMPTOIR["WEBHOOKS"] = {**COMPTOIR["WEBHOOKS"], "ALLOW_PRIVATE_ADDRESSES": True, "REQUIRE_HTTPS": False}

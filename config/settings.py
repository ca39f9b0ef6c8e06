"""Comptoir settings. Every deployment-specific value comes from the environment; see `.env.example`.

Defaults are safe for production: DEBUG is off, a secret key and an encryption key must be given,
and the hosts list is empty. `comptoir demo` and the test settings provide development values.
"""

import os
from pathlib import Path
from typing import Any

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from config.env import BASE_DIR, env_bool, env_int, env_list, env_str, load_dotenv

# The test settings turn this off (config/settings_test.py): a developer's .env must not change what the tests see.
if env_bool("COMPTOIR_READ_DOTENV", True):
    load_dotenv(BASE_DIR / ".env")

DEBUG = env_bool("COMPTOIR_DEBUG", False)

SECRET_KEY = env_str("COMPTOIR_SECRET_KEY")
if not SECRET_KEY:
    raise ImproperlyConfigured("COMPTOIR_SECRET_KEY must be set (see .env.example).")
# The value `.env.example` ships with: a copied example file must not sign production sessions and reset links.
PLACEHOLDER_SECRET_KEYS = frozenset({"change-me"})
if not DEBUG and SECRET_KEY.strip() in PLACEHOLDER_SECRET_KEYS:
    raise ImproperlyConfigured(
        "COMPTOIR_SECRET_KEY is still the placeholder of .env.example. Set a long random value, e.g. the output of: "
        'python3 -c "import secrets; print(secrets.token_urlsafe(50))"'
    )

ALLOWED_HOSTS = env_list("COMPTOIR_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("COMPTOIR_CSRF_TRUSTED_ORIGINS", [])

# Fernet keys (urlsafe base64, 32 bytes) protecting sensitive seller data at rest (IBANs).
# Several keys, comma separated, allow rotation: the first encrypts, all decrypt.
COMPTOIR_ENCRYPTION_KEYS = env_list("COMPTOIR_ENCRYPTION_KEYS", [])
if not COMPTOIR_ENCRYPTION_KEYS:
    raise ImproperlyConfigured("COMPTOIR_ENCRYPTION_KEYS must be set (see .env.example).")

INSTALLED_APPS = [
    # The admin's default site requires a 2FA-verified session and uses our login pages.
    "comptoir.web.console.admin_config.ComptoirAdminConfig",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "ninja",
    "django_tasks_db",
    "django_htmx",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "comptoir.core",
    "comptoir.accounts",
    "comptoir.currencies",
    "comptoir.sellers",
    "comptoir.catalog",
    "comptoir.taxes",
    "comptoir.offers",
    "comptoir.compliance",
    "comptoir.orders",
    "comptoir.payments",
    "comptoir.checkout",
    "comptoir.connectors",
    "comptoir.filings",
    "comptoir.trust",
    "comptoir.search",
    "comptoir.notifications",
    "comptoir.webhooks",
    "comptoir.feeds",
    "comptoir.api",
    "comptoir.web",
    "comptoir.web.storefront",
    "comptoir.web.sellercenter",
    "comptoir.web.console",
    "comptoir.demo",
    "comptoir.ops",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    # ?lang=de chooses the language of a request (crawlers follow the hreflang links): comptoir.web.language_links.
    "comptoir.web.language_links.QueryLanguageMiddleware",
    # Dates and times in the reader's regional format (Accept-Language region): comptoir.web.locale_formats.
    "comptoir.web.locale_formats.FormattingLocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Refuses control characters in a page's path, query string or posted form (400 page); the API has its own parser.
    "comptoir.web.control_characters.ControlCharacterMiddleware",
    # Last, as django-axes requires: it turns lockouts into responses.
    "axes.middleware.AxesMiddleware",
]

AUTHENTICATION_BACKENDS = [
    # django-axes first: it refuses to authenticate a locked-out username/IP before any password check.
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]

ROOT_URLCONF = "config.urls"
WSGI_APPLICATION = "config.wsgi.application"
ASGI_APPLICATION = "config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "comptoir.web.context_processors.site",
                "comptoir.web.notification_context.notifications",
            ],
        },
    },
]

# --- Database -------------------------------------------------------------------------------
# SQLite (WAL) is the embedded default; PostgreSQL is chosen with DATABASE_URL=postgres://...
DATABASE_URL = env_str("DATABASE_URL", f"sqlite:///{BASE_DIR / 'var' / 'comptoir.sqlite3'}")
DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=env_int("COMPTOIR_DB_CONN_MAX_AGE", 60))}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # Connections persist as on PostgreSQL (COMPTOIR_DB_CONN_MAX_AGE, 60 s by default): each thread keeps its own, so
    # a request does not open the file, run the PRAGMAs below and register Django's SQL functions again.
    DATABASES["default"]["OPTIONS"] = {
        # WAL lets readers proceed while one writer commits; IMMEDIATE takes the write lock at
        # BEGIN so two writers never deadlock upgrading a read lock; busy timeout makes them queue.
        # mmap_size: the database file's pages are read through a memory map instead of a read() and a copy each.
        # Each time another connection (another gunicorn worker) has committed, a connection drops its page cache
        # and reads its pages again: mapped, that costs no system call. A production setting (docs/PERFORMANCE.md);
        # COMPTOIR_SQLITE_MMAP_BYTES=0 turns it off (e.g. on a network file system, where SQLite advises against it).
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON; "
        f"PRAGMA mmap_size={env_int('COMPTOIR_SQLITE_MMAP_BYTES', 256 * 1024 * 1024)};",
        "transaction_mode": "IMMEDIATE",
        "timeout": env_int("COMPTOIR_SQLITE_TIMEOUT", 30),
    }
    db_name = DATABASES["default"]["NAME"]
    if db_name and db_name != ":memory:":
        os.makedirs(os.path.dirname(os.path.abspath(db_name)), exist_ok=True)
else:
    # Server-side binding and prepared statements: psycopg prepares a statement the fifth time a connection
    # runs it, so the hot paths' fixed statements (core.db) are parsed and planned once per connection instead of
    # once per request. Behind a pooler in transaction mode without prepared-statement support (PgBouncer
    # < 1.21), set COMPTOIR_PG_PREPARED_STATEMENTS=0.
    if env_bool("COMPTOIR_PG_PREPARED_STATEMENTS", True):
        DATABASES["default"].setdefault("OPTIONS", {}).update(server_side_binding=True, prepare_threshold=5)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Background work (Django Tasks) -------------------------------------------------------
# "immediate" runs tasks in-process right after the enqueuing transaction commits;
# "database" stores them (django-tasks-db) for `comptoir worker` processes on any machine.
COMPTOIR_TASK_BACKEND = env_str("COMPTOIR_TASK_BACKEND", "immediate")
_TASK_BACKENDS = {
    "immediate": "django.tasks.backends.immediate.ImmediateBackend",
    "database": "comptoir.core.task_backend.DatabaseBackend",
    "dummy": "django.tasks.backends.dummy.DummyBackend",
}
if COMPTOIR_TASK_BACKEND not in _TASK_BACKENDS:
    raise ImproperlyConfigured(f"COMPTOIR_TASK_BACKEND must be one of {sorted(_TASK_BACKENDS)}")
TASKS = {"default": {"BACKEND": _TASK_BACKENDS[COMPTOIR_TASK_BACKEND], "QUEUES": ["default"]}}

# --- Accounts and security ----------------------------------------------------------------
AUTH_USER_MODEL = "accounts.User"
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
SESSION_COOKIE_HTTPONLY = True
# HTTPS: cookies only over TLS, plain HTTP redirected to HTTPS and HSTS for a year, all on unless DEBUG.
# COMPTOIR_SECURE_COOKIES=0 declares a site served over plain HTTP (a benchmark on localhost): then the redirect and
# HSTS default to off as well. Each can be set on its own (COMPTOIR_SSL_REDIRECT, COMPTOIR_HSTS_SECONDS). Behind a
# proxy that terminates TLS, set COMPTOIR_BEHIND_PROXY=1 (trusts its X-Forwarded-Proto: otherwise every request
# looks like plain HTTP and is redirected again and again).
SESSION_COOKIE_SECURE = env_bool("COMPTOIR_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SESSION_COOKIE_SAMESITE = "Lax"
# htmx and forms send the token from the page, so no script ever needs to read the cookie.
CSRF_COOKIE_HTTPONLY = True
CSRF_FAILURE_VIEW = "comptoir.web.errors.csrf_failure"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Largest request body read into memory (uploaded files aside); a larger one is answered 413 (API problem, web page).
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("COMPTOIR_MAX_REQUEST_BODY_BYTES", 2_621_440)
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_SSL_REDIRECT = env_bool("COMPTOIR_SSL_REDIRECT", SESSION_COOKIE_SECURE)
SECURE_HSTS_SECONDS = env_int("COMPTOIR_HSTS_SECONDS", 31_536_000 if SESSION_COOKIE_SECURE else 0)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("COMPTOIR_HSTS_INCLUDE_SUBDOMAINS", False)
if env_bool("COMPTOIR_BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")

# Content-Security-Policy (Django's built-in middleware): only our own origin, scripts with a nonce.
from django.utils.csp import CSP  # noqa: E402

SECURE_CSP = {
    "default-src": [CSP.SELF],
    "script-src": [CSP.SELF, CSP.NONCE],
    "style-src": [CSP.SELF],
    # Pictures from another origin (an S3 bucket's domain, a CDN) are listed in COMPTOIR_MEDIA_ORIGINS.
    "img-src": [CSP.SELF, "data:", *env_list("COMPTOIR_MEDIA_ORIGINS", [])],
    "font-src": [CSP.SELF],
    "connect-src": [CSP.SELF],
    "frame-ancestors": [CSP.NONE],
    "form-action": [CSP.SELF],
    "base-uri": [CSP.SELF],
    "object-src": [CSP.NONE],
}

# Login throttling (django-axes): a username/IP pair is locked after 5 failures for 15 minutes.
AXES_ENABLED = env_bool("COMPTOIR_LOGIN_THROTTLING", True)
AXES_FAILURE_LIMIT = env_int("COMPTOIR_LOGIN_FAILURE_LIMIT", 5)
AXES_COOLOFF_TIME = __import__("datetime").timedelta(minutes=env_int("COMPTOIR_LOGIN_COOLOFF_MINUTES", 15))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "web/lockout.html"
AXES_USERNAME_FORM_FIELD = "email"

# Two-factor authentication (django-otp TOTP) for sellers and operators.
OTP_TOTP_ISSUER = env_str("COMPTOIR_SITE_NAME", "Comptoir")
LOGIN_URL = "account:login"
LOGIN_REDIRECT_URL = "/"
COMPTOIR_SITE_NAME = env_str("COMPTOIR_SITE_NAME", "Comptoir")

# --- Internationalisation ------------------------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", "English"), ("fr", "Français"), ("de", "Deutsch"), ("es", "Español"), ("it", "Italiano")]
LOCALE_PATHS = [BASE_DIR / "src" / "comptoir" / "locale"]
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "var" / "static"
os.makedirs(STATIC_ROOT, exist_ok=True)
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# Without collectstatic (development, tests) WhiteNoise serves files straight from the apps.
WHITENOISE_USE_FINDERS = True
MEDIA_URL = env_str("COMPTOIR_MEDIA_URL", "media/")
MEDIA_ROOT = Path(env_str("COMPTOIR_MEDIA_ROOT", str(BASE_DIR / "var" / "media")))
# Uploaded product pictures and 3D files (docs/CATALOG.md). Local files under MEDIA_ROOT by default; with
# COMPTOIR_MEDIA_S3_BUCKET, an S3-compatible bucket through django-storages (`pip install django-storages[s3]`,
# credentials from AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY), so that several servers share them.
if env_str("COMPTOIR_MEDIA_S3_BUCKET", ""):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("COMPTOIR_MEDIA_S3_BUCKET", ""),
            "endpoint_url": env_str("COMPTOIR_MEDIA_S3_ENDPOINT", "") or None,
            "region_name": env_str("COMPTOIR_MEDIA_S3_REGION", "") or None,
            "custom_domain": env_str("COMPTOIR_MEDIA_S3_CUSTOM_DOMAIN", "") or None,
            "querystring_auth": False,  # public product pictures: stable addresses, cacheable
            "file_overwrite": False,
            # Pictures must be readable without credentials: a bucket policy does it (AWS buckets whose ACLs are
            # disabled refuse an ACL), or "public-read" here on servers that keep ACLs (docs/CATALOG.md, "Storage").
            "default_acl": env_str("COMPTOIR_MEDIA_S3_DEFAULT_ACL", "") or None,
        },
    }
# Django serves MEDIA_ROOT itself only where nothing else does (development, the demo); in production the web server
# or the bucket serves it.
COMPTOIR_SERVE_MEDIA = env_bool("COMPTOIR_SERVE_MEDIA", DEBUG)
COMPTOIR_CATALOG_MEDIA = {
    "IMAGE_MAX_BYTES": env_int("COMPTOIR_IMAGE_MAX_BYTES", 10 * 1024 * 1024),
    "IMAGE_MIN_SIDE": env_int("COMPTOIR_IMAGE_MIN_SIDE", 100),
    "IMAGE_MAX_SIDE": env_int("COMPTOIR_IMAGE_MAX_SIDE", 8000),
    "IMAGE_MAX_PIXELS": env_int("COMPTOIR_IMAGE_MAX_PIXELS", 40_000_000),
    "IMAGES_PER_PRODUCT": env_int("COMPTOIR_IMAGES_PER_PRODUCT", 12),
    "MODEL_3D_MAX_BYTES": env_int("COMPTOIR_MODEL_3D_MAX_BYTES", 25 * 1024 * 1024),
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("COMPTOIR_LOG_LEVEL", "WARNING")},
    # Django's default logging gives the "django" logger a console handler of its own (when DEBUG is on), and its
    # records reach the root's handler too: every task log line was printed twice. The root's handler is the one.
    "loggers": {"django": {"handlers": [], "level": "INFO"}},
}

# --- Marketplace rules (operator configuration) ---------------------------------------------
# Values of several types: each app reads its own through its typed settings (`<app>/conf.py`).
COMPTOIR: dict[str, Any] = {
    # Commission charged when a category (and its ancestors) has no rate, in basis points (1/100 %).
    "DEFAULT_COMMISSION_BP": env_int("COMPTOIR_DEFAULT_COMMISSION_BP", 1200),
    # Days between delivery and the release of escrowed funds to the seller's payable balance.
    "RELEASE_HOLD_DAYS": env_int("COMPTOIR_RELEASE_HOLD_DAYS", 14),
    # Days after delivery during which a buyer may request a return.
    "RETURN_WINDOW_DAYS": env_int("COMPTOIR_RETURN_WINDOW_DAYS", 14),
    # Largest accepted unit price, in major units of the currency (absurd prices are refused).
    "MAX_UNIT_PRICE_MAJOR": env_int("COMPTOIR_MAX_UNIT_PRICE_MAJOR", 1_000_000),
    "MAX_LINE_QUANTITY": env_int("COMPTOIR_MAX_LINE_QUANTITY", 999),
    "PAYMENT_PROVIDER": env_str("COMPTOIR_PAYMENT_PROVIDER", "sandbox"),
    # Ledger entries are sealed into hash-chained blocks right after commit (by a task).
    "LEDGER_SEAL_ON_COMMIT": env_bool("COMPTOIR_LEDGER_SEAL_ON_COMMIT", True),
    "LEDGER_BLOCK_MAX_ENTRIES": env_int("COMPTOIR_LEDGER_BLOCK_MAX_ENTRIES", 500),
    # Worker processes of `comptoir trust recompute` on a large history (0 = one per core).
    "TRUST_REBUILD_WORKERS": env_int("COMPTOIR_TRUST_REBUILD_WORKERS", 0),
    # Exchange rates (comptoir.currencies, docs/CURRENCIES.md): the scheduler's daily ECB download is off while
    # REFRESH_URL is empty (no internet in the demo).
    # CHARGE_CURRENCY: "offer" charges each order in its offers' currency (one currency per order); "presentment"
    # charges in the buyer's display currency at the rate frozen on the order (docs/CURRENCIES.md).
    "FX": {
        "REFRESH_URL": env_str("COMPTOIR_FX_REFRESH_URL", ""),
        "CHARGE_CURRENCY": env_str("COMPTOIR_FX_CHARGE_CURRENCY", "offer"),
    },
    # PRICING_STRATEGY: "taxed" (VAT for the destination, prices converted through the rates); "delivered": no VAT
    # nor conversion, the baseline bench/tax_fx_overhead.py measures tax and FX against (never in production: no VAT
    # is charged).
    "PRICING_STRATEGY": env_str("COMPTOIR_PRICING_STRATEGY", "taxed"),
    # VAT (comptoir.taxes, docs/TAXES.md). UNIFORM_GROSS_PRICES: a seller's gross price is the same in every
    # destination, the VAT re-split inside it (else the destination's VAT replaces the home VAT in the price).
    # VIES_CHECK: ask the Commission's VIES service whether a buyer's VAT number is registered (needs the internet).
    # DUTY_HANDLING: "ddp" collects a known duty at checkout when the marketplace collects the import VAT (IOSS, UK,
    # CH); "dap" never does (the buyer is told duties may be charged on delivery).
    "TAXES": {
        "UNIFORM_GROSS_PRICES": env_bool("COMPTOIR_UNIFORM_GROSS_PRICES", False),
        "VIES_CHECK": env_bool("COMPTOIR_VIES_CHECK", False),
        "VIES_TIMEOUT_SECONDS": env_int("COMPTOIR_VIES_TIMEOUT_SECONDS", 10),
        "DUTY_HANDLING": os.environ.get("COMPTOIR_DUTY_HANDLING", "ddp"),
    },
    # Tax filings (comptoir.filings, docs/TAXES.md "Returns and DAC7"): the platform operator as the DAC7 report names
    # it (the Member State it reports in, its TIN and address).
    "FILINGS": {
        "OPERATOR_NAME": env_str("COMPTOIR_OPERATOR_NAME", "Comptoir marketplace"),
        "OPERATOR_COUNTRY": env_str("COMPTOIR_OPERATOR_COUNTRY", "FR"),
        "OPERATOR_TIN": env_str("COMPTOIR_OPERATOR_TIN", ""),
        "OPERATOR_ADDRESS": env_str("COMPTOIR_OPERATOR_ADDRESS", ""),
        "CH_VAT_PERIOD": env_str("COMPTOIR_CH_VAT_PERIOD", "quarter"),
        # HMRC's stagger of the UK VAT quarters: 1 (ending Mar/Jun/Sep/Dec), 2 (Apr/Jul/Oct/Jan), 3 (May/Aug/Nov/Feb).
        "UK_VAT_STAGGER": env_str("COMPTOIR_UK_VAT_STAGGER", "1"),  # or "half-year" (the Swiss return's period)
        # The XSD the DAC7 (DPI) XML is validated against: the official one your tax authority publishes (its imports
        # next to it); empty: Comptoir's own transcription (filings/schemas/comptoir-dpi-v1.xsd, docs/TAXES.md).
        "DAC7_XSD": env_str("COMPTOIR_DAC7_XSD", ""),
        # Non-GBP amounts of the UK return, non-CHF ones of the Swiss return: "ecb" (the ECB rate of the period's last
        # day, through the euro) or the authority's monthly rates loaded with `comptoir filings rates` ("hmrc", "estv").
        "UK_VAT_RATES": env_str("COMPTOIR_UK_VAT_RATES", "ecb"),
        "CH_VAT_RATES": env_str("COMPTOIR_CH_VAT_RATES", "ecb"),
    },
    # Outbound webhooks (comptoir.webhooks, docs/WEBHOOKS.md). Sellers' endpoints must be public https URLs; private
    # and loopback addresses (SSRF) and plain http are for tests and local development only.
    "WEBHOOKS": {
        "ALLOW_PRIVATE_ADDRESSES": env_bool("COMPTOIR_WEBHOOKS_ALLOW_PRIVATE_ADDRESSES", False),
        "REQUIRE_HTTPS": env_bool("COMPTOIR_WEBHOOKS_REQUIRE_HTTPS", True),
        "TIMEOUT_SECONDS": env_int("COMPTOIR_WEBHOOKS_TIMEOUT_SECONDS", 10),
        "MAX_ATTEMPTS": env_int("COMPTOIR_WEBHOOKS_MAX_ATTEMPTS", 8),
        "RETRY_BASE_SECONDS": env_int("COMPTOIR_WEBHOOKS_RETRY_BASE_SECONDS", 30),
        "RETRY_MAX_SECONDS": env_int("COMPTOIR_WEBHOOKS_RETRY_MAX_SECONDS", 6 * 3600),
        "MAX_ENDPOINTS_PER_SELLER": env_int("COMPTOIR_WEBHOOKS_MAX_ENDPOINTS_PER_SELLER", 10),
    },
}

# Search ranking and featured offer (comptoir.search). The weights are public: the /ranking page and docs/SEARCH.md
# describe them (P2B Regulation Art. 5, DSA Art. 27). Relative weights: each factor's share is weight / sum of weights.
COMPTOIR_SEARCH = {
    "ranking": {
        "weights": {"relevance": 40, "trust": 20, "conversion": 10, "delivery": 10, "price": 10, "satisfaction": 10},
        "conversion_prior_orders": 1,
        "conversion_prior_views": 50,
        "delivery_fast_days": 2,
        "delivery_slow_days": 15,
        "price_ratio_best": 0.7,
        "price_ratio_worst": 1.3,
    },
    "featured": {
        "weights": {"price": 45, "delivery": 20, "trust": 25, "fulfilment": 10},
        "fulfilment_scores": {"marketplace": 1.0, "merchant": 0.7, "dropship": 0.4},
        "alternatives": 3,
    },
    "candidate_limit": env_int("COMPTOIR_SEARCH_CANDIDATES", 500),
    "conversion_window_days": 90,
}

# --- Trust (issue 4): metric anchors, pillar weights, decay, prior, tiers, visibility, enforcement ------------
# The defaults and their meaning live in comptoir/trust/domain/config.py (the one configuration dict, documented
# in docs/TRUST.md); put only the operator's overrides here, e.g. {"pillar_weights": {"security": "0.15"}}.
from comptoir.trust.domain.config import trust_config as _trust_config  # noqa: E402

COMPTOIR_TRUST = _trust_config({})

# --- Email and account recovery (password reset by email, 2FA recovery codes) --------------------------------
# Django 6.1 MAILERS. COMPTOIR_EMAIL_URL picks the backend: smtp://USER:PASSWORD@HOST:587?tls=1 (STARTTLS),
# smtps://USER:PASSWORD@HOST:465 (TLS from the start), console:// (printed by the server) or file:///ABSOLUTE/DIR.
# Without it, COMPTOIR_EMAIL_HOST (with _PORT, _HOST_USER, _HOST_PASSWORD, _USE_TLS, _USE_SSL) configures SMTP; with
# neither, mail is written to files under var/mail/ (development and demo: open the newest file to read it).
from urllib.parse import parse_qs as _parse_qs  # noqa: E402
from urllib.parse import unquote as _unquote  # noqa: E402
from urllib.parse import urlsplit as _urlsplit  # noqa: E402

_EMAIL_TIMEOUT = env_int("COMPTOIR_EMAIL_TIMEOUT", 10)
_EMAIL_DEFAULT_DIRECTORY = str(BASE_DIR / "var" / "mail")
_email_url = env_str("COMPTOIR_EMAIL_URL")
if _email_url:
    _parsed = _urlsplit(_email_url)
    _query = {key: values[-1] for key, values in _parse_qs(_parsed.query).items()}
    if _parsed.scheme in ("smtp", "smtps"):
        _mailer = {
            "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
            "OPTIONS": {
                "host": _parsed.hostname or "localhost",
                "port": _parsed.port or (465 if _parsed.scheme == "smtps" else 25),
                "username": _unquote(_parsed.username or ""),
                "password": _unquote(_parsed.password or ""),
                "use_ssl": _parsed.scheme == "smtps",
                "use_tls": _parsed.scheme == "smtp" and _query.get("tls", "0").lower() in {"1", "true", "yes", "on"},
                "timeout": _EMAIL_TIMEOUT,
            },
        }
    elif _parsed.scheme == "console":
        _mailer = {"BACKEND": "django.core.mail.backends.console.EmailBackend"}
    elif _parsed.scheme == "file":
        _mailer = {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": _unquote(_parsed.path) or _EMAIL_DEFAULT_DIRECTORY},
        }
    else:
        raise ImproperlyConfigured("COMPTOIR_EMAIL_URL must start with smtp://, smtps://, console:// or file://")
elif env_str("COMPTOIR_EMAIL_HOST"):
    _use_ssl = env_bool("COMPTOIR_EMAIL_USE_SSL", False)
    _mailer = {
        "BACKEND": "django.core.mail.backends.smtp.EmailBackend",
        "OPTIONS": {
            "host": env_str("COMPTOIR_EMAIL_HOST"),
            "port": env_int("COMPTOIR_EMAIL_PORT", 465 if _use_ssl else 587),
            "username": env_str("COMPTOIR_EMAIL_HOST_USER", ""),
            "password": env_str("COMPTOIR_EMAIL_HOST_PASSWORD", ""),
            "use_ssl": _use_ssl,
            "use_tls": not _use_ssl and env_bool("COMPTOIR_EMAIL_USE_TLS", True),
            "timeout": _EMAIL_TIMEOUT,
        },
    }
else:
    _mailer = {
        "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
        "OPTIONS": {"file_path": _EMAIL_DEFAULT_DIRECTORY},
    }
MAILERS = {"default": _mailer}
DEFAULT_FROM_EMAIL = env_str("COMPTOIR_DEFAULT_FROM_EMAIL", f"{COMPTOIR_SITE_NAME} <noreply@localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Where links in notification emails point (scheme and host, no trailing slash).
COMPTOIR_SITE_URL = env_str("COMPTOIR_SITE_URL", "http://127.0.0.1:8000")

# A password reset link works once (it dies when the password changes) and for one hour at most.
PASSWORD_RESET_TIMEOUT = 60 * 60
# Reset requests per hour, counted per email address and per client IP whether or not an account exists. The
# counters live in the "throttle" cache below, which every server process shares.
COMPTOIR_PASSWORD_RESET_LIMITS = {
    "PER_EMAIL_PER_HOUR": env_int("COMPTOIR_PASSWORD_RESET_PER_EMAIL_PER_HOUR", 3),
    "PER_IP_PER_HOUR": env_int("COMPTOIR_PASSWORD_RESET_PER_IP_PER_HOUR", 10),
}
CACHES = globals().get("CACHES") or {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Request rate limits (password resets, logins, POST /api/v1/auth/token) count in the "throttle" cache, which every
# server process must share: the database by default (table comptoir_cache, created by `migrate`; increments are
# atomic), or Redis when COMPTOIR_CACHE_URL (or REDIS_URL) is set, e.g. redis://127.0.0.1:6379/1 (needs `pip install
# redis`).
_cache_url = env_str("COMPTOIR_CACHE_URL") or env_str("REDIS_URL")
if _cache_url:
    if _urlsplit(_cache_url).scheme not in ("redis", "rediss", "unix"):
        raise ImproperlyConfigured("COMPTOIR_CACHE_URL must be a redis://, rediss:// or unix:// URL")
    CACHES["throttle"] = {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": _cache_url}
else:
    CACHES["throttle"] = {
        "BACKEND": "comptoir.core.cache.AtomicDatabaseCache",
        "LOCATION": "comptoir_cache",
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
# Password attempts from one client IP, across accounts: web login and POST /api/v1/auth/token together.
COMPTOIR_LOGIN_RATE_LIMIT = {
    "PER_IP": env_int("COMPTOIR_LOGIN_ATTEMPTS_PER_IP", 20),
    "PERIOD_SECONDS": env_int("COMPTOIR_LOGIN_ATTEMPTS_PERIOD_SECONDS", 60),
}

# Shared secret of the sandbox provider's signed notifications (POST /api/v1/payments/notifications/sandbox,
# HMAC-SHA256). Empty: the endpoint refuses every notification.
COMPTOIR_SANDBOX_WEBHOOK_SECRET = env_str("COMPTOIR_SANDBOX_WEBHOOK_SECRET", "")

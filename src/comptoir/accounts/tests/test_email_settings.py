"""Email configuration from the environment (config/settings.py): which Django 6.1 mailer is built."""

import importlib

import pytest
from django.core.exceptions import ImproperlyConfigured

import config.settings as base_settings

EMAIL_VARIABLES = [
    "COMPTOIR_EMAIL_URL",
    "COMPTOIR_EMAIL_HOST",
    "COMPTOIR_EMAIL_PORT",
    "COMPTOIR_EMAIL_HOST_USER",
    "COMPTOIR_EMAIL_HOST_PASSWORD",
    "COMPTOIR_EMAIL_USE_TLS",
    "COMPTOIR_EMAIL_USE_SSL",
    "COMPTOIR_DEFAULT_FROM_EMAIL",
]


@pytest.fixture
def reload_settings(monkeypatch):
    for name in EMAIL_VARIABLES:
        monkeypatch.setenv(name, "")

    def reload(**environment):
        for name, value in environment.items():
            monkeypatch.setenv(name, value)
        return importlib.reload(base_settings)

    yield reload
    monkeypatch.undo()
    importlib.reload(base_settings)


def test_without_configuration_mail_goes_to_files_under_var(reload_settings):
    settings = reload_settings()
    assert {
        "default": {
            "BACKEND": "django.core.mail.backends.filebased.EmailBackend",
            "OPTIONS": {"file_path": str(settings.BASE_DIR / "var" / "mail")},
        }
    } == settings.MAILERS
    assert settings.DEFAULT_FROM_EMAIL == "Comptoir <noreply@localhost>"


def test_an_smtp_url_with_starttls(reload_settings):
    settings = reload_settings(
        COMPTOIR_EMAIL_URL="smtp://mailer%40example.com:p%2Fss@smtp.example.com:587?tls=1",
        COMPTOIR_DEFAULT_FROM_EMAIL="Market <noreply@market.example.com>",
    )
    mailer = settings.MAILERS["default"]
    assert mailer["BACKEND"] == "django.core.mail.backends.smtp.EmailBackend"
    assert mailer["OPTIONS"] == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "mailer@example.com",
        "password": "p/ss",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }
    assert settings.DEFAULT_FROM_EMAIL == settings.SERVER_EMAIL == "Market <noreply@market.example.com>"


def test_an_smtps_url_uses_tls_from_the_start(reload_settings):
    options = reload_settings(COMPTOIR_EMAIL_URL="smtps://user:secret@smtp.example.com").MAILERS["default"]["OPTIONS"]
    assert (options["port"], options["use_ssl"], options["use_tls"]) == (465, True, False)


def test_console_and_file_urls(reload_settings):
    assert reload_settings(COMPTOIR_EMAIL_URL="console://").MAILERS["default"] == {
        "BACKEND": "django.core.mail.backends.console.EmailBackend"
    }
    assert reload_settings(COMPTOIR_EMAIL_URL="file:///srv/comptoir/mail").MAILERS["default"]["OPTIONS"] == {
        "file_path": "/srv/comptoir/mail"
    }


def test_host_variables_configure_smtp(reload_settings):
    options = reload_settings(
        COMPTOIR_EMAIL_HOST="smtp.example.com", COMPTOIR_EMAIL_HOST_USER="u", COMPTOIR_EMAIL_HOST_PASSWORD="p"
    ).MAILERS["default"]["OPTIONS"]
    assert options == {
        "host": "smtp.example.com",
        "port": 587,
        "username": "u",
        "password": "p",
        "use_ssl": False,
        "use_tls": True,
        "timeout": 10,
    }


def test_an_unknown_scheme_is_refused(reload_settings):
    with pytest.raises(ImproperlyConfigured):
        reload_settings(COMPTOIR_EMAIL_URL="sendgrid://key")

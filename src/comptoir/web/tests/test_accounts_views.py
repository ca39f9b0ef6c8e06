"""Accounts pages: password then TOTP, operators forced to enrol, lockout, registration, logout."""

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.accounts.models import User
from comptoir.core.models import AuditLog
from comptoir.testing.auth import make_totp_device, totp_code
from comptoir.testing.builders import make_operator, make_seller, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"


def _login(client, email, password=PASSWORD, **extra):
    return client.post(reverse("account:login"), {"email": email, "password": password, **extra})


def test_a_buyer_logs_in_with_email_and_password_and_lands_on_next(client):
    user = make_user("buyer@example.com")
    response = _login(client, "Buyer@Example.com", next="/cart")
    assert response.status_code == 302 and response["Location"] == "/cart"
    assert client.get("/").wsgi_request.user == user


def test_a_wrong_password_shows_one_friendly_error_and_does_not_log_in(client):
    make_user("buyer@example.com")
    response = _login(client, "buyer@example.com", "wrong-password")
    assert response.status_code == 422
    assert "The email address or the password is incorrect." in response.content.decode()
    assert not response.wsgi_request.user.is_authenticated


def test_an_external_next_url_is_ignored(client):
    make_user("buyer@example.com")
    response = _login(client, "buyer@example.com", next="https://evil.example/phish")
    assert response["Location"] == "/"


def test_the_sixth_attempt_is_locked_out_even_with_the_right_password(client):
    user = make_user("victim@example.com")
    for _ in range(4):
        assert _login(client, "victim@example.com", "guess-123456").status_code == 422
    fifth = _login(client, "victim@example.com", "guess-123456")
    sixth = _login(client, "victim@example.com", PASSWORD)
    assert fifth.status_code == 429
    assert sixth.status_code == 429
    assert "Too many attempts" in sixth.content.decode()
    assert "15 minutes" in sixth.content.decode()
    assert "_auth_user_id" not in client.session
    assert user.last_login is None


def test_the_lockout_page_is_in_french_for_a_french_visitor(client):
    make_user("victime@example.com")
    client.cookies["django_language"] = "fr"
    for _ in range(5):
        response = _login(client, "victime@example.com", "devine-123456")
    assert response.status_code == 429
    assert "Trop de tentatives" in response.content.decode()
    assert "Réessayez dans 15 minutes." in response.content.decode()


def test_a_user_with_a_device_must_type_a_code_before_being_logged_in(client):
    seller = make_seller()
    owner = seller.members.get().user
    device = make_totp_device(owner)
    response = _login(client, owner.email, next="/seller/")
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:login-verify"))
    assert "_auth_user_id" not in client.session

    wrong = client.post(reverse("account:login-verify"), {"token": "000000", "next": "/seller/"})
    assert wrong.status_code == 422
    assert "This code is not valid" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.throttling_failure_timestamp = None
    device.save()
    right = client.post(reverse("account:login-verify"), {"token": totp_code(device), "next": "/seller/"})
    assert right.status_code == 302 and right["Location"] == "/seller/"
    request_user = client.get("/").wsgi_request.user
    assert request_user == owner and request_user.is_verified()


def test_a_code_cannot_be_replayed(client):
    user = make_user("twice@example.com")
    device = make_totp_device(user)
    code = totp_code(device)
    _login(client, user.email)
    assert client.post(reverse("account:login-verify"), {"token": code}).status_code == 302
    client.post(reverse("account:logout"))
    _login(client, user.email)
    assert client.post(reverse("account:login-verify"), {"token": code}).status_code == 422


def test_the_code_step_without_a_password_step_sends_back_to_login(client):
    response = client.get(reverse("account:login-verify"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("account:login"))


def test_an_operator_without_a_device_is_sent_to_enrol_and_cannot_use_the_console_meanwhile(client):
    operator = make_operator("ops@example.com")
    response = _login(client, operator.email, next="/console/")
    assert response["Location"].startswith(reverse("account:2fa-setup"))
    console = client.get("/console/")
    assert console.status_code == 302 and console["Location"].startswith(reverse("account:2fa-setup"))

    setup = client.get(reverse("account:2fa-setup"), {"next": "/console/"})
    assert setup.status_code == 200
    page = setup.content.decode()
    assert "<svg" in page and "Secret key" in page
    device = TOTPDevice.objects.get(user=operator, confirmed=False)

    wrong = client.post(reverse("account:2fa-setup"), {"token": "123", "next": "/console/"})
    assert wrong.status_code == 422 and "This code is not valid" in wrong.content.decode()

    device.refresh_from_db()
    device.throttling_failure_count = 0
    device.save()
    confirmed = client.post(reverse("account:2fa-setup"), {"token": totp_code(device), "next": "/console/"})
    # The recovery codes are shown once, then the console opens.
    assert (
        confirmed.status_code == 302
        and confirmed["Location"] == reverse("account:2fa-recovery-codes") + "?next=%2Fconsole%2F"
    )
    assert client.get("/console/").status_code == 200
    assert AuditLog.objects.filter(action="two_factor.enrolled", actor=operator).exists()


def test_an_operator_with_a_device_goes_through_the_code_step(client):
    operator = make_operator("ops2@example.com")
    device = make_totp_device(operator)
    response = _login(client, operator.email, next="/console/")
    assert response["Location"].startswith(reverse("account:login-verify"))
    verified = client.post(reverse("account:login-verify"), {"token": totp_code(device), "next": "/console/"})
    assert verified["Location"] == "/console/"
    assert client.get("/console/").status_code == 200


def test_registration_creates_a_buyer_and_logs_them_in(client):
    response = client.post(
        reverse("account:register"),
        {"full_name": "Ada Lovelace", "email": "ada@example.com", "password": "analytical-engine-1843"},
    )
    assert response.status_code == 302
    user = User.objects.get(email="ada@example.com")
    assert user.full_name == "Ada Lovelace" and not user.is_operator
    assert client.get("/").wsgi_request.user == user


def test_registration_errors_are_shown_next_to_their_field(client):
    make_user("taken@example.com")
    taken = client.post(
        reverse("account:register"),
        {"full_name": "X", "email": "taken@example.com", "password": "analytical-engine-1843"},
    )
    assert taken.status_code == 422
    assert 'id="id_email_error">An account already exists with this email address.' in taken.content.decode()
    weak = client.post(reverse("account:register"), {"full_name": "X", "email": "new@example.com", "password": "123"})
    assert weak.status_code == 422
    assert 'id="id_password_error">' in weak.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()


def test_registration_errors_are_translated_in_french(client):
    make_user("pris@example.com")
    client.cookies["django_language"] = "fr"
    response = client.post(
        reverse("account:register"),
        {"full_name": "X", "email": "pris@example.com", "password": "analytical-engine-1843"},
    )
    assert "Un compte existe déjà avec cette adresse e-mail." in response.content.decode()


def test_logout_needs_a_post(client):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("account:logout")).status_code == 200
    assert client.get("/").wsgi_request.user.is_authenticated
    response = client.post(reverse("account:logout"))
    assert response.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated

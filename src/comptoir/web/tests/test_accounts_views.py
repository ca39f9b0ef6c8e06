"""Accounts pages: password then TOTP, operators forced to enrol, lockout, registration, logout."""

import re

import pytest
from django.core import mail
from django.test import Client, override_settings
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


def _register(client, email, password="analytical-engine-1843", full_name="Ada Lovelace"):
    return client.post(reverse("account:register"), {"full_name": full_name, "email": email, "password": password})


def _main(response) -> str:
    # The page without what differs on every response anyway (CSP nonce, CSRF token).
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def test_registration_creates_a_buyer_and_sends_a_welcome_email(client):
    response = _register(client, "ada@example.com")
    assert response.status_code == 302
    assert response["Location"] == reverse("account:register-sent") + "?next=%2F"
    user = User.objects.get(email="ada@example.com")
    assert user.full_name == "Ada Lovelace" and not user.is_operator
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert mail.outbox[0].subject == "Welcome to Comptoir"
    # the new account logs in with the password it chose
    assert (
        client.post(reverse("account:login"), {"email": "ada@example.com", "password": "analytical-engine-1843"})[
            "Location"
        ]
        == "/"
    )


def test_registering_a_taken_address_looks_the_same_and_mails_its_owner(client):
    # given an existing account
    make_user("taken@example.com", full_name="Owner")
    # when someone registers with it, and someone else with a new address
    taken = _register(client, "Taken@Example.com", full_name="Mallory")
    new = _register(Client(), "fresh@example.com", full_name="Mallory")
    # then both answers are the same redirect and the same page
    assert (taken.status_code, taken["Location"]) == (new.status_code, new["Location"])
    assert _main(client.get(taken["Location"])) == _main(Client().get(new["Location"]))
    assert "An account already exists" not in client.get(taken["Location"]).content.decode()
    # and the owner of the taken address is told by email, the password unchanged
    owner_mail = next(message for message in mail.outbox if message.to == ["taken@example.com"])
    assert owner_mail.subject == "Someone tried to register on Comptoir with your address"
    assert "/accounts/password/reset/" in owner_mail.body
    assert User.objects.get(email="taken@example.com").check_password(PASSWORD)
    assert User.objects.get(email="taken@example.com").full_name == "Owner"


def test_registration_mail_is_sent_by_a_task_for_both_cases(client):
    make_user("taken@example.com")
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        from django.tasks import default_task_backend

        default_task_backend.clear()
        _register(client, "taken@example.com")
        _register(Client(), "fresh@example.com")
        queued = [(result.task.name, result.kwargs["is_new_account"]) for result in default_task_backend.results]
    # the requests sent nothing themselves: each queued one task of the same kind
    assert mail.outbox == []
    assert queued == [("registration_mail_task", False), ("registration_mail_task", True)]


def test_registration_errors_are_shown_next_to_their_field(client):
    weak = client.post(reverse("account:register"), {"full_name": "X", "email": "new@example.com", "password": "123"})
    assert weak.status_code == 422
    assert 'id="id_password_error">' in weak.content.decode()
    assert not User.objects.filter(email="new@example.com").exists()
    assert mail.outbox == []


def test_the_registration_answer_and_emails_are_in_french(client):
    make_user("pris@example.com", preferred_language="fr")
    client.cookies["django_language"] = "fr"
    response = client.post(
        reverse("account:register"),
        {"full_name": "X", "email": "pris@example.com", "password": "analytical-engine-1843"},
        follow=True,
    )
    assert "Consultez votre boîte de réception" in response.content.decode()
    assert mail.outbox[0].subject == "Quelqu’un a tenté de s’inscrire sur Comptoir avec votre adresse"


def test_logout_needs_a_post(client):
    user = make_user()
    client.force_login(user)
    assert client.get(reverse("account:logout")).status_code == 200
    assert client.get("/").wsgi_request.user.is_authenticated
    response = client.post(reverse("account:logout"))
    assert response.status_code == 302
    assert not client.get("/").wsgi_request.user.is_authenticated

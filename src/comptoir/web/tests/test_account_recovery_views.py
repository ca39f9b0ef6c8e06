"""Account recovery pages: password reset by email (neutral answer, one-time link, expiry, validators,
throttling, 2FA still asked afterwards) and 2FA recovery codes (shown once, accepted once, regenerated)."""

import datetime as dt
import re
import uuid

import pytest
from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.core import mail
from django.test import Client, override_settings
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

import config.settings as production_settings
from comptoir.accounts.two_factor import recovery_codes_regenerate, recovery_codes_remaining
from comptoir.core.models import AuditLog
from comptoir.testing.auth import force_login_verified, make_totp_device, totp_code
from comptoir.testing.builders import make_operator, make_user

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
NEW_PASSWORD = "orchard-lantern-violet-7"
LINK = re.compile(r"https?://[^/\s]+(/accounts/password/reset/[^\s]+/)")


@pytest.fixture(autouse=True)
def throttle_cache(settings):
    # A private in-memory cache per test: the file cache under var/ is shared by every process on the machine.
    settings.CACHES = {
        **settings.CACHES,
        "throttle": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": uuid.uuid4().hex},
    }
    settings.COMPTOIR_PASSWORD_RESET_LIMITS = {"PER_EMAIL_PER_HOUR": 3, "PER_IP_PER_HOUR": 10}


def _ask_reset(client, email, **extra):
    return client.post(reverse("account:password-reset"), {"email": email}, **extra)


def _main(response) -> str:
    # The page without what differs on every response anyway (CSP nonce, CSRF token).
    return re.search(r"<main.*</main>", response.content.decode(), re.DOTALL).group(0)


def _link_path(message) -> str:
    return LINK.search(message.body).group(1)


def _login(client, email, password=PASSWORD):
    return client.post(reverse("account:login"), {"email": email, "password": password})


def _reset_through_link(client, path, password=NEW_PASSWORD):
    landing = client.get(path)
    assert landing.status_code == 302  # Django moves the token into the session
    return client.post(landing["Location"], {"new_password1": password, "new_password2": password})


# --- Password reset -----------------------------------------------------------------------------------------


def test_the_login_page_links_to_the_reset_request(client):
    page = client.get(reverse("account:login")).content.decode()
    assert f'href="{reverse("account:password-reset")}">Forgot your password?</a>' in page


def test_the_answer_is_the_same_whether_or_not_the_account_exists(client):
    # given one real account
    make_user("ada@example.com")
    # when a reset is asked for it and for an unknown address
    known = _ask_reset(client, "Ada@Example.com", follow=True)
    unknown = _ask_reset(client, "nobody@example.com", follow=True)
    # then both get the same page, and only the real account gets an email
    assert known.redirect_chain == unknown.redirect_chain == [(reverse("account:password-reset-sent"), 302)]
    assert _main(known) == _main(unknown)
    assert "If an account exists for this address" in known.content.decode()
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]


def test_the_request_only_queues_a_task_for_known_and_unknown_addresses_alike(client):
    # given one real account, and a task backend that keeps what is queued instead of running it
    make_user("ada@example.com")
    with override_settings(TASKS={"default": {"BACKEND": "django.tasks.backends.dummy.DummyBackend"}}):
        from django.tasks import default_task_backend

        default_task_backend.clear()
        # when a reset is asked for the account and for an unknown address
        known = _ask_reset(client, "ada@example.com")
        unknown = _ask_reset(client, "nobody@example.com")
        queued = list(default_task_backend.results)
    # then the answers are identical, no email was built in the requests, and each queued the same task
    assert (known.status_code, known["Location"], known.content) == (
        unknown.status_code,
        unknown["Location"],
        unknown.content,
    )
    assert mail.outbox == []
    assert [(result.task.name, result.kwargs["email"]) for result in queued] == [
        ("password_reset_mail_task", "ada@example.com"),
        ("password_reset_mail_task", "nobody@example.com"),
    ]
    # and the task sends the link to the real account only
    assert [result.task.call(*result.args, **result.kwargs) for result in queued] == [1, 0]
    assert [message.to for message in mail.outbox] == [["ada@example.com"]]
    assert _link_path(mail.outbox[0]).startswith("/accounts/password/reset/")


def test_the_email_carries_a_one_time_link_and_the_request_is_audited(client):
    user = make_user("ada@example.com", full_name="Ada Lovelace")
    _ask_reset(client, "ada@example.com")
    message = mail.outbox[0]
    assert message.subject == "Reset your Comptoir password"
    assert "Hello Ada Lovelace," in message.body and "within the next hour" in message.body
    assert _link_path(message).startswith("/accounts/password/reset/")
    assert (
        AuditLog.objects.filter(action="user.password_reset_requested", target_id=str(user.pk), actor=None).count() == 1
    )


def test_the_email_is_in_the_users_language(client):
    make_user("ada@example.com", preferred_language="fr")
    _ask_reset(client, "ada@example.com")
    message = mail.outbox[0]
    assert message.subject == "Réinitialisez votre mot de passe Comptoir"
    assert "Ce lien ne fonctionne qu’une fois." in message.body


def test_inactive_accounts_get_no_email(client):
    make_user("gone@example.com", is_active=False)
    assert _ask_reset(client, "gone@example.com")["Location"] == reverse("account:password-reset-sent")
    assert mail.outbox == []


def test_a_malformed_address_is_a_field_error(client):
    response = _ask_reset(client, "not-an-address")
    assert response.status_code == 422
    assert 'id="id_email_error"' in response.content.decode()


def test_the_link_sets_a_new_password_once_and_does_not_log_in(client):
    user = make_user("ada@example.com")
    _ask_reset(client, "ada@example.com")
    path = _link_path(mail.outbox[0])
    # when the link is followed and a new password chosen
    response = _reset_through_link(client, path)
    # then the password is changed, audited, and nobody is logged in
    assert response.status_code == 302 and response["Location"] == reverse("account:password-reset-complete")
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD)
    assert "_auth_user_id" not in client.session
    assert AuditLog.objects.filter(action="user.password_reset", actor=user).count() == 1
    assert "Log in with your new password" in client.get(response["Location"]).content.decode()
    # and the same link no longer works
    again = client.get(path, follow=True)
    assert "This link no longer works" in again.content.decode()
    assert 'name="new_password1"' not in again.content.decode()


def test_an_older_link_dies_when_the_password_changes(client):
    user = make_user("ada@example.com")
    _ask_reset(client, "ada@example.com")
    _ask_reset(client, "ada@example.com")
    first, second = (_link_path(message) for message in mail.outbox)
    _reset_through_link(client, second)
    assert user.password != type(user).objects.get(pk=user.pk).password
    assert "This link no longer works" in client.get(first, follow=True).content.decode()


def test_the_link_expires_after_one_hour(client, monkeypatch):
    assert production_settings.PASSWORD_RESET_TIMEOUT == 3600
    make_user("ada@example.com")
    _ask_reset(client, "ada@example.com")
    path = _link_path(mail.outbox[0])
    issued_at = dt.datetime.now()
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: issued_at + dt.timedelta(minutes=59))
    assert client.get(path).status_code == 302
    monkeypatch.setattr(PasswordResetTokenGenerator, "_now", lambda self: issued_at + dt.timedelta(minutes=61))
    expired = client.get(path)
    assert expired.status_code == 200 and "This link no longer works" in expired.content.decode()


def test_the_new_password_must_pass_the_validators(client):
    user = make_user("ada@example.com", full_name="Ada Lovelace")
    _ask_reset(client, "ada@example.com")
    form_url = client.get(_link_path(mail.outbox[0]))["Location"]
    for weak, expected in [
        ("short", "too short"),
        ("1234567890123", "entirely numeric"),
        ("password1234", "too common"),
    ]:
        response = client.post(form_url, {"new_password1": weak, "new_password2": weak})
        assert response.status_code == 422
        assert expected in response.content.decode()
    mismatch = client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD + "x"})
    assert mismatch.status_code == 422
    user.refresh_from_db()
    assert user.check_password(PASSWORD)
    assert client.post(form_url, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD}).status_code == 302


def test_the_fourth_request_in_an_hour_is_refused_without_email(client):
    make_user("ada@example.com")
    for _ in range(3):
        assert _ask_reset(client, "ada@example.com").status_code == 302
    refused = _ask_reset(client, "ada@example.com")
    assert refused.status_code == 429
    assert "Too many password reset requests. Try again in an hour." in refused.content.decode()
    assert len(mail.outbox) == 3
    # the same for an address without an account: being refused tells nothing
    for _ in range(3):
        _ask_reset(client, "nobody@example.com")
    assert _ask_reset(client, "nobody@example.com").status_code == 429


def test_one_ip_cannot_spray_many_addresses(client):
    for index in range(10):
        assert _ask_reset(client, f"person{index}@example.com").status_code == 302
    assert _ask_reset(client, "person10@example.com").status_code == 429
    assert _ask_reset(client, "person10@example.com", REMOTE_ADDR="198.51.100.20").status_code == 302


def test_the_throttle_message_is_in_french(client):
    client.cookies["django_language"] = "fr"
    for _ in range(3):
        _ask_reset(client, "ada@example.com")
    assert "Trop de demandes de réinitialisation" in _ask_reset(client, "ada@example.com").content.decode()


def test_after_a_reset_the_second_factor_is_still_asked(client):
    # given a seller with an authenticator who resets their password
    user = make_user("seller@example.com")
    device = make_totp_device(user)
    _ask_reset(client, user.email)
    _reset_through_link(client, _link_path(mail.outbox[0]))
    # when they log in with the new password
    response = _login(client, user.email, NEW_PASSWORD)
    # then the code step comes before any session
    assert response["Location"].startswith(reverse("account:login-verify"))
    assert "_auth_user_id" not in client.session
    assert client.post(reverse("account:login-verify"), {"token": totp_code(device)}).status_code == 302
    assert client.get("/").wsgi_request.user.is_verified()


def test_a_reset_ends_the_other_sessions(client):
    user = make_user("ada@example.com")
    elsewhere = Client()
    elsewhere.force_login(user)
    _ask_reset(client, user.email)
    _reset_through_link(client, _link_path(mail.outbox[0]))
    assert not elsewhere.get("/").wsgi_request.user.is_authenticated


def test_a_reset_lifts_a_login_lockout(client):
    user = make_user("ada@example.com")
    for attempt in range(5):
        _login(client, user.email, f"guess-{attempt}-123456")
    assert _login(client, user.email).status_code == 429
    _ask_reset(client, user.email)
    _reset_through_link(client, _link_path(mail.outbox[0]))
    assert _login(client, user.email, NEW_PASSWORD).status_code == 302


# --- Recovery codes ----------------------------------------------------------------------------------------


def _codes_on_page(response) -> list[str]:
    return re.findall(r"<li><code>([a-z2-7]{4}-[a-z2-7]{4})</code></li>", response.content.decode())


def test_enrolment_shows_ten_recovery_codes_once(client):
    user = make_user("ada@example.com")
    client.force_login(user)
    client.get(reverse("account:2fa-setup"))
    device = TOTPDevice.objects.get(user=user, confirmed=False)
    confirmed = client.post(reverse("account:2fa-setup"), {"token": totp_code(device), "next": "/cart"})
    assert confirmed["Location"] == reverse("account:2fa-recovery-codes") + "?next=%2Fcart"
    page = client.get(confirmed["Location"])
    codes = _codes_on_page(page)
    assert len(codes) == 10 and 'href="/cart"' in page.content.decode()
    assert page["Cache-Control"].startswith("max-age=0") and "no-store" in page["Cache-Control"]
    # shown once: a reload goes to the 2FA page, which only counts them
    again = client.get(confirmed["Location"])
    assert again.status_code == 302 and again["Location"].startswith(reverse("account:2fa-setup"))
    assert "You have 10 unused recovery codes." in client.get(reverse("account:2fa-setup")).content.decode()


def test_a_recovery_code_logs_in_once_and_says_how_many_are_left(client):
    user = make_user("seller@example.com")
    make_totp_device(user)
    code = recovery_codes_regenerate(user=user)[0]
    _login(client, user.email)
    response = client.post(reverse("account:login-verify"), {"token": code.upper(), "next": "/seller/"})
    # then the session is verified and the user lands on the 2FA page to replace the lost app
    assert response["Location"] == reverse("account:2fa-setup") + "?next=%2Fseller%2F"
    page = client.get(response["Location"])
    assert page.wsgi_request.user.is_verified()
    assert "You used a recovery code; 9 are left." in page.content.decode()
    assert recovery_codes_remaining(user=user) == 9
    # and the same code is refused next time
    client.post(reverse("account:logout"))
    _login(client, user.email)
    refused = client.post(reverse("account:login-verify"), {"token": code})
    assert refused.status_code == 422
    assert "This recovery code is not valid or was already used." in refused.content.decode()
    assert "_auth_user_id" not in client.session


def test_regenerating_from_the_2fa_page_cancels_the_old_codes(client):
    user = make_user("ada@example.com")
    force_login_verified(client, user)
    old_codes = recovery_codes_regenerate(user=user)
    response = client.post(reverse("account:2fa-recovery-codes"), follow=True)
    new_codes = [code.replace("-", "") for code in _codes_on_page(response)]
    assert len(new_codes) == 10 and not set(new_codes) & set(old_codes)
    client.post(reverse("account:logout"))
    _login(client, user.email)
    assert client.post(reverse("account:login-verify"), {"token": old_codes[0]}).status_code == 422


def test_codes_cannot_be_regenerated_from_an_unverified_session(client):
    user = make_user("ada@example.com")
    make_totp_device(user)
    codes = recovery_codes_regenerate(user=user)
    client.force_login(user)  # password only, no code step
    response = client.post(reverse("account:2fa-recovery-codes"))
    assert response.status_code == 302
    assert recovery_codes_remaining(user=user) == 10
    assert sorted(codes) == sorted(user.staticdevice_set.get().token_set.values_list("token", flat=True))


def test_an_operator_gets_into_the_console_and_the_admin_with_a_recovery_code(client):
    operator = make_operator("ops@example.com")
    make_totp_device(operator)
    code = recovery_codes_regenerate(user=operator)[0]
    _login(client, operator.email)
    client.post(reverse("account:login-verify"), {"token": code, "next": "/console/"})
    assert client.get("/console/").status_code == 200
    assert client.get("/admin/").status_code == 200


def test_a_lost_authenticator_is_replaced_after_a_recovery_code_login(client):
    user = make_user("seller@example.com")
    lost = make_totp_device(user)
    code = recovery_codes_regenerate(user=user)[0]
    _login(client, user.email)
    client.post(reverse("account:login-verify"), {"token": code})
    page = client.get(reverse("account:2fa-replace"))
    assert page.status_code == 200 and "<svg" in page.content.decode()
    pending = TOTPDevice.objects.get(user=user, confirmed=False)
    replaced = client.post(reverse("account:2fa-replace"), {"token": totp_code(pending)})
    assert replaced["Location"] == reverse("account:2fa-setup")
    assert not TOTPDevice.objects.filter(pk=lost.pk).exists()
    assert client.get("/").wsgi_request.user.is_verified()
    # the next login asks for the new app's code
    client.post(reverse("account:logout"))
    _login(client, user.email)
    assert client.post(reverse("account:login-verify"), {"token": totp_code(pending)}).status_code == 302


def test_replacing_the_app_needs_a_verified_session(client):
    user = make_user("ada@example.com")
    make_totp_device(user)
    client.force_login(user)
    assert client.get(reverse("account:2fa-replace")).status_code == 302
    assert not TOTPDevice.objects.filter(user=user, confirmed=False).exists()


def test_a_user_without_codes_is_pointed_to_them_after_the_code_step(client):
    user = make_user("early@example.com")
    device = make_totp_device(user)
    _login(client, user.email)
    response = client.post(reverse("account:login-verify"), {"token": totp_code(device), "next": "/cart"}, follow=True)
    assert response.redirect_chain[-1][0] == "/cart"
    assert (
        f'You have no recovery codes yet. <a href="{reverse("account:2fa-setup")}">Make them now</a>'
        in response.content.decode()
    )

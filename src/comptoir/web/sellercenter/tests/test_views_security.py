import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from comptoir.core.models import AuditLog
from comptoir.testing.auth import force_login_verified, make_totp_device, totp_code

pytestmark = pytest.mark.django_db


def test_enrolment_shows_a_qr_code_and_confirms_with_a_code(owner_client, seller_setup):
    # Given the owner opens the two-factor page
    page = owner_client.get("/seller/security/two-factor")
    content = page.content.decode()
    assert "<svg" in content and "qr-code" in content and page.context["secret"]
    device = TOTPDevice.objects.get(user=seller_setup["owner"], confirmed=False)
    # When a wrong code then the right code is entered
    wrong = owner_client.post("/seller/security/two-factor", {"code": "000000"})
    assert wrong.status_code == 422
    assert "This code is not valid" in wrong.content.decode()
    response = owner_client.post("/seller/security/two-factor", {"code": totp_code(device)})
    # Then the device is confirmed, the recovery codes are shown once (then back to the seller center's page),
    # and this session counts as verified
    assert response["Location"].startswith(reverse("account:2fa-recovery-codes"))
    codes = owner_client.get(response["Location"])
    assert codes.status_code == 200 and len(codes.context["codes"]) == 10
    assert reverse("sellercenter:two_factor") in codes.content.decode()
    assert owner_client.get(response["Location"]).status_code == 302  # shown once
    device.refresh_from_db()
    assert device.confirmed is True
    assert owner_client.get("/seller/orders/").status_code == 200


def test_the_verify_step_accepts_a_recovery_code_once(client, seller_setup):
    from comptoir.accounts.two_factor import recovery_codes_regenerate

    make_totp_device(seller_setup["owner"])
    codes = recovery_codes_regenerate(user=seller_setup["owner"])
    client.force_login(seller_setup["owner"])
    response = client.post("/seller/security/verify", {"code": codes[0], "next": "/seller/orders/"}, follow=True)
    assert response.redirect_chain[0][0] == "/seller/orders/"
    assert "9 codes left" in response.content.decode()
    other = client.__class__()
    other.force_login(seller_setup["owner"])
    reused = other.post("/seller/security/verify", {"code": codes[0], "next": "/seller/orders/"})
    assert reused.status_code == 422 and "recovery code is not valid" in reused.content.decode()


def test_the_verify_step_lets_a_session_in_with_the_right_code(client, seller_setup):
    device = make_totp_device(seller_setup["owner"])
    client.force_login(seller_setup["owner"])
    response = client.post("/seller/security/verify", {"code": totp_code(device), "next": "/seller/orders/"})
    assert response["Location"] == "/seller/orders/"
    assert client.get("/seller/orders/").status_code == 200


def test_the_verify_step_refuses_a_wrong_code(client, seller_setup):
    make_totp_device(seller_setup["owner"])
    client.force_login(seller_setup["owner"])
    wrong = client.post("/seller/security/verify?next=/seller/orders/", {"code": "123456"})
    assert wrong.status_code == 422
    assert "This code is not valid" in wrong.content.decode()
    assert client.get("/seller/orders/")["Location"].startswith("/seller/security/verify")


def test_the_verify_step_never_redirects_outside_the_seller_center(client, seller_setup):
    device = make_totp_device(seller_setup["owner"])
    client.force_login(seller_setup["owner"])
    response = client.post("/seller/security/verify", {"code": totp_code(device), "next": "https://evil.example/"})
    assert response["Location"] == "/seller/"


def test_the_owner_requires_two_factor_for_the_team_once_protected_themselves(client, seller_setup):
    client.force_login(seller_setup["owner"])
    refused = client.post("/seller/security/two-factor/policy", {"require_two_factor": "on"}, follow=True)
    assert "before requiring it from your team" in refused.content.decode()
    seller_setup["seller"].refresh_from_db()
    assert seller_setup["seller"].require_two_factor is False
    force_login_verified(client, seller_setup["owner"])
    client.post("/seller/security/two-factor/policy", {"require_two_factor": "on"})
    seller_setup["seller"].refresh_from_db()
    assert seller_setup["seller"].require_two_factor is True
    assert (
        AuditLog.objects.filter(action="seller.two_factor_required", seller_id=seller_setup["seller"].pk).count() == 1
    )
    client.post("/seller/security/two-factor/policy", {})
    seller_setup["seller"].refresh_from_db()
    assert seller_setup["seller"].require_two_factor is False

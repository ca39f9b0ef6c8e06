"""Two-factor authentication with django-otp: TOTP enrolment (QR code as inline SVG by segno, then the recovery
codes, shown once by the accounts pages), the verification step for a session that has not yet proved the second
factor (an authenticator code or a recovery code), and the owner's policy."""

from __future__ import annotations

import segno
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST
from django_otp import login as otp_login

from comptoir.accounts.two_factor import (
    second_factor_verify,
    totp_device_confirm,
    totp_device_confirmed_for,
    totp_device_start,
    totp_secret_base32,
)
from comptoir.core.exceptions import ApplicationError, ValidationError
from comptoir.sellers.services import seller_two_factor_requirement_set
from comptoir.web.accounts_views import show_new_recovery_codes
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import TwoFactorCodeForm, TwoFactorPolicyForm, TwoFactorVerifyForm


def _secret_groups(device) -> str:
    secret = totp_secret_base32(device)
    return " ".join(secret[index : index + 4] for index in range(0, len(secret), 4))


@seller_view(enrolment=True)
def two_factor(request):
    user = request.user
    confirmed = totp_device_confirmed_for(user=user)
    code_form = TwoFactorCodeForm(request.POST or None) if "code" in request.POST else TwoFactorCodeForm()
    policy_form = TwoFactorPolicyForm(initial={"require_two_factor": request.seller.require_two_factor})
    if confirmed is not None and not user.is_verified():
        return redirect("sellercenter:two_factor_verify")
    device = None
    if confirmed is None:
        device = totp_device_start(user=user)
        if request.method == "POST" and "code" in request.POST and code_form.is_valid():
            try:
                device = totp_device_confirm(user=user, device_id=device.pk, token=code_form.cleaned_data["code"])
            except ValidationError:
                code_form.add_error(
                    "code", _("This code is not valid. Check the time on your phone and try the current code.")
                )
            else:
                otp_login(request, device)
                messages.success(
                    request, _("Two-factor authentication is on. You will be asked for a code when you log in.")
                )
                # The recovery codes, shown once, then back here.
                return show_new_recovery_codes(request, reverse("sellercenter:two_factor"))
    qr_svg = ""
    if device is not None:
        qr_svg = mark_safe(
            segno.make(device.config_url, error="m").svg_inline(
                scale=5,
                border=2,
                dark="#17202e",
                omitsize=True,
                svgclass="qr-code",
                title=_("QR code for your authenticator app"),
            )
        )
    return render(
        request,
        "sellercenter/security/two_factor.html",
        {
            "section": "security",
            "confirmed": confirmed,
            "device": device,
            "qr_svg": qr_svg,
            "secret": _secret_groups(device) if device else "",
            "code_form": code_form,
            "policy_form": policy_form,
        },
        status=422 if code_form.errors else 200,
    )


@require_POST
@seller_view
def two_factor_policy(request):
    if not request.seller_access.is_owner:
        raise PermissionDenied
    form = TwoFactorPolicyForm(request.POST)
    form.is_valid()
    required = bool(form.cleaned_data.get("require_two_factor"))
    if required and not request.seller_access.has_confirmed_device:
        messages.error(request, _("Turn on two-factor authentication for yourself before requiring it from your team."))
        return redirect("sellercenter:two_factor")
    try:
        seller_two_factor_requirement_set(seller=request.seller, actor=request.user, required=required)
    except ApplicationError as error:
        messages.error(request, error.message)
    else:
        messages.success(
            request,
            _("Every team member now needs two-factor authentication.")
            if required
            else _("Two-factor authentication is now optional for team members."),
        )
    return redirect("sellercenter:two_factor")


@seller_view(enrolment=True)
def two_factor_verify(request):
    """The second step for a session that logged in without proving the second factor."""
    next_url = request.GET.get("next") or request.POST.get("next") or ""
    if not url_has_allowed_host_and_scheme(
        next_url, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ) or not next_url.startswith("/seller/"):
        next_url = "/seller/"
    if totp_device_confirmed_for(user=request.user) is None or request.user.is_verified():
        return redirect(next_url)
    form = TwoFactorVerifyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        check = second_factor_verify(user=request.user, code=form.cleaned_data["code"])
        if check is not None:
            otp_login(request, check.device)
            if check.used_recovery_code:
                messages.warning(
                    request,
                    ngettext(
                        "You used a recovery code: %(count)d code left. Make new codes on the two-factor page.",
                        "You used a recovery code: %(count)d codes left. Make new codes on the two-factor page.",
                        check.recovery_codes_remaining,
                    )
                    % {"count": check.recovery_codes_remaining},
                )
            return redirect(next_url)
        if any(character.isalpha() for character in form.cleaned_data["code"]):
            form.add_error("code", _("This recovery code is not valid or was already used."))
        else:
            form.add_error("code", _("This code is not valid. Check the time on your phone and try the current code."))
    return render(
        request,
        "sellercenter/security/verify.html",
        {"form": form, "next": next_url},
        status=422 if form.errors else 200,
    )

"""The Django admin behind the same login as the rest of the site, with two-factor authentication.

`admin_config.ComptoirAdminConfig` replaces "django.contrib.admin" in INSTALLED_APPS so that `admin.site` (where
every app registers its models) is a `ComptoirAdminSite`: only active staff whose session was verified
by a TOTP device get in, and its login page is ours (/accounts/login/, then the code step), so the
admin cannot be used to skip 2FA or django-axes throttling."""

from __future__ import annotations

from django.contrib.admin import AdminSite
from django.contrib.auth import logout as auth_logout
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import urlencode

from comptoir.accounts.two_factor import totp_device_confirmed_for


class ComptoirAdminSite(AdminSite):
    def has_permission(self, request) -> bool:
        user = request.user
        is_verified = getattr(user, "is_verified", None)
        return super().has_permission(request) and callable(is_verified) and is_verified()

    def login(self, request, extra_context=None):
        next_url = request.GET.get("next") or reverse("admin:index", current_app=self.name)
        user = request.user
        if user.is_authenticated and user.is_active and user.is_staff and totp_device_confirmed_for(user=user) is None:
            return redirect(f"{reverse('account:2fa-setup')}?{urlencode({'next': next_url})}")
        if user.is_authenticated and user.is_staff:
            # Logged in without the code step (a confirmed device exists): prove it again.
            auth_logout(request)
        return redirect(f"{reverse('account:login')}?{urlencode({'next': next_url})}")

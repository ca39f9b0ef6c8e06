"""Team: members and roles, API keys (owner only; the secret is shown once)."""

from __future__ import annotations

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.sellers.models import SellerApiKey, SellerMember
from comptoir.sellers.services import seller_api_key_create, seller_api_key_revoke, seller_member_add_by_email
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import SCOPE_LABELS, ApiKeyCreateForm, MemberAddForm
from comptoir.web.sellercenter.messages import apply_service_error

SESSION_NEW_KEY = "sellercenter_new_api_key"


def _members(seller):
    from django_otp.plugins.otp_totp.models import TOTPDevice

    members = list(
        SellerMember.objects.filter(seller=seller).select_related("user").order_by("role", "created_at", "id")
    )
    protected = set(
        TOTPDevice.objects.filter(user__in=[member.user_id for member in members], confirmed=True).values_list(
            "user_id", flat=True
        )
    )
    return [{"member": member, "has_two_factor": member.user_id in protected} for member in members]


@seller_view
def team(request):
    form = MemberAddForm(request.POST or None)
    if request.method == "POST":
        if not request.seller_access.is_owner:
            from django.core.exceptions import PermissionDenied

            raise PermissionDenied
        if form.is_valid():
            try:
                member = seller_member_add_by_email(
                    seller=request.seller, actor=request.user, email=form.cleaned_data["email"]
                )
            except ApplicationError as error:
                apply_service_error(form, error, {"user": "email"})
            else:
                messages.success(request, _("%(email)s joined the team as staff.") % {"email": member.user.email})
                return redirect("sellercenter:team")
    return render(
        request,
        "sellercenter/team/members.html",
        {"section": "team", "members": _members(request.seller), "form": form},
        status=422 if request.method == "POST" else 200,
    )


@seller_view(owner_only=True)
def api_keys(request):
    form = ApiKeyCreateForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            key, secret = seller_api_key_create(
                seller=request.seller,
                actor=request.user,
                name=form.cleaned_data["name"],
                scopes=form.cleaned_data["scopes"],
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            # Shown once, on the next page, then forgotten: only the hash is stored.
            request.session[SESSION_NEW_KEY] = {"id": key.pk, "secret": secret}
            return redirect("sellercenter:api_key_created")
    keys = (
        SellerApiKey.objects.filter(seller=request.seller)
        .select_related("created_by")
        .order_by("revoked_at", "-created_at", "-id")
    )
    rows = [{"key": key, "scopes": [SCOPE_LABELS.get(scope, scope) for scope in key.scopes]} for key in keys]
    return render(
        request,
        "sellercenter/team/api_keys.html",
        {"section": "api_keys", "form": form, "rows": rows},
        status=422 if request.method == "POST" else 200,
    )


@seller_view(owner_only=True)
def api_key_created(request):
    shown = request.session.pop(SESSION_NEW_KEY, None)
    if shown is None:
        return redirect("sellercenter:api_keys")
    key = SellerApiKey.objects.filter(seller=request.seller, pk=shown["id"]).first()
    if key is None:
        raise Http404
    return render(
        request,
        "sellercenter/team/api_key_created.html",
        {
            "section": "api_keys",
            "key": key,
            "secret": shown["secret"],
            "scopes": [SCOPE_LABELS.get(scope, scope) for scope in key.scopes],
        },
    )


@require_POST
@seller_view(owner_only=True)
def api_key_revoke(request, key_id: int):
    try:
        key = seller_api_key_revoke(seller=request.seller, actor=request.user, key_id=key_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(
        request, _("The key “%(name)s” is revoked; integrations using it are refused from now on.") % {"name": key.name}
    )
    return redirect("sellercenter:api_keys")

"""The operator console: dashboard and seller verification queue. Operators only, and only with a
session verified by their authenticator app; everything else lives in the Django admin (/admin/)."""

from __future__ import annotations

import datetime
from functools import wraps
from urllib.parse import urlencode

from babel import Locale
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.accounts.two_factor import totp_device_confirmed_for
from comptoir.core import clock
from comptoir.core.exceptions import InvalidTransition, NotFound, ValidationError
from comptoir.core.permissions import is_operator
from comptoir.sellers.models import SellerStatus
from comptoir.sellers.services import seller_reject, seller_verify
from comptoir.web.console import selectors
from comptoir.web.console.charts import daily_bar_chart
from comptoir.web.forms import SellerApproveForm, SellerRejectForm, add_application_error


def operator_required(view):
    """Anonymous → login; not an operator → 403; an operator without a verified session → the
    code step (or the enrolment page when they have no device yet)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path(), reverse("account:login"))
        if not is_operator(user):
            raise PermissionDenied
        if not user.is_verified():
            next_query = urlencode({"next": request.get_full_path()})
            if totp_device_confirmed_for(user=user) is None:
                return redirect(f"{reverse('account:2fa-setup')}?{next_query}")
            auth_logout(request)
            return redirect(f"{reverse('account:login')}?{next_query}")
        return view(request, *args, **kwargs)

    return wrapper


@operator_required
def dashboard(request):
    now = clock.now()
    per_day = selectors.paid_orders_per_day(days=30, today=now.date())
    context = {
        "gmv_30_days": selectors.gmv_by_currency(since=now - datetime.timedelta(days=30)),
        "gmv_all_time": selectors.gmv_by_currency(),
        "orders_30_days": sum(count for _, count in per_day),
        "chart": daily_bar_chart(per_day),
        "seller_statuses": selectors.seller_status_counts(),
        "disputes": selectors.disputes_open(limit=8),
        "disputes_count": selectors.disputes_open_count(),
        "payments": selectors.payments_under_review(limit=8),
        "payments_count": selectors.payments_under_review_count(),
        "pending_count": selectors.sellers_pending().count(),
        "section": "dashboard",
    }
    return render(request, "console/dashboard.html", context)


@operator_required
def seller_queue(request):
    return render(
        request,
        "console/seller_queue.html",
        {"sellers": list(selectors.sellers_pending()), "now": clock.now(), "section": "sellers"},
    )


def _seller_detail_response(request, seller, *, approve_form=None, reject_form=None, status=200):
    members = sorted(seller.members.all(), key=lambda member: (member.role != "owner", member.pk))
    iban = seller.iban()
    context = {
        "seller": seller,
        "members": members,
        # Decrypted for operators on this page only; grouped by four as printed on bank documents.
        "iban_display": " ".join(iban[index : index + 4] for index in range(0, len(iban), 4)),
        "country_name": Locale.parse(get_language() or "en", sep="-").territories.get(seller.country, seller.country),
        "commission_percent": None if seller.commission_rate_bp is None else seller.commission_rate_bp / 100,
        "is_pending": seller.status == SellerStatus.PENDING,
        "approve_form": approve_form or SellerApproveForm(prefix="approve"),
        "reject_form": reject_form or SellerRejectForm(prefix="reject"),
        "section": "sellers",
    }
    return render(request, "console/seller_detail.html", context, status=status)


def _load_seller(seller_id: int):
    seller = selectors.seller_for_review(seller_id=seller_id)
    if seller is None:
        raise Http404
    return seller


@operator_required
def seller_detail(request, seller_id: int):
    return _seller_detail_response(request, _load_seller(seller_id))


@operator_required
@require_POST
def seller_approve(request, seller_id: int):
    seller = _load_seller(seller_id)
    form = SellerApproveForm(request.POST, prefix="approve")
    if not form.is_valid():
        return _seller_detail_response(request, seller, approve_form=form, status=422)
    note = form.cleaned_data["reason"].strip()
    try:
        seller_verify(seller_id=seller.pk, actor=request.user, **({"reason": note} if note else {}))
    except (InvalidTransition, NotFound):
        messages.error(request, _("%(seller)s cannot be approved: it is no longer pending.") % {"seller": seller.name})
        return redirect("console:seller-detail", seller_id=seller.pk)
    messages.success(request, _("%(seller)s is verified: its offers can now be listed.") % {"seller": seller.name})
    return redirect("console:seller-queue")


@operator_required
@require_POST
def seller_reject_view(request, seller_id: int):
    seller = _load_seller(seller_id)
    form = SellerRejectForm(request.POST, prefix="reject")
    if form.is_valid():
        try:
            seller_reject(seller_id=seller.pk, actor=request.user, reason=form.cleaned_data["reason"])
        except ValidationError as error:
            add_application_error(form, error)
        except (InvalidTransition, NotFound):
            messages.error(request, _("%(seller)s cannot be rejected in its current status.") % {"seller": seller.name})
            return redirect("console:seller-detail", seller_id=seller.pk)
        else:
            messages.success(
                request, _("%(seller)s was rejected. The seller can see your reason.") % {"seller": seller.name}
            )
            return redirect("console:seller-queue")
    return _seller_detail_response(request, seller, reject_form=form, status=422)

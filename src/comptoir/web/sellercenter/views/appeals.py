"""Enforcement notices and appeals: each restriction with its full statement of reasons (DSA Art. 17: the
facts, the rule, whether automated, how to appeal) and the appeal form. Another seller's notice is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _

from comptoir.core.exceptions import ApplicationError
from comptoir.trust import selectors
from comptoir.trust.models import AppealStatus, EnforcementAction
from comptoir.trust.services import appeal_submit
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.views.trust_common import ERRORS, statement


class AppealForm(forms.Form):
    text = forms.CharField(
        label=_("Your appeal"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Explain what is wrong in the facts or what you have changed. A person at the marketplace will read it."
        ),
        error_messages={"required": _("Explain why the decision should change.")},
    )


@seller_view
def notice_list(request):
    actions = selectors.enforcement_list_for_seller(seller_id=request.seller.pk)
    return render(
        request,
        "sellercenter/trust/notices.html",
        {"section": "health", "items": [statement(action) for action in actions]},
    )


@seller_view
def notice_detail(request, action_id: int):
    action = EnforcementAction.objects.filter(pk=action_id, seller=request.seller).prefetch_related("appeals").first()
    if action is None:
        raise Http404
    form = AppealForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                appeal_submit(
                    seller=request.seller, actor=request.user, action_id=action.pk, text=form.cleaned_data["text"]
                )
            except ApplicationError as error:
                form.add_error("text" if error.fields else None, ERRORS.get(error.code, error.message))
                status = error.status
            else:
                flash.success(
                    request, _("Your appeal was sent. You will find the decision and its reasons on this page.")
                )
                return redirect("sellercenter:notice", action_id=action.pk)
        else:
            status = 422
    appeals = sorted(action.appeals.all(), key=lambda appeal: appeal.created_at, reverse=True)
    can_appeal = not any(appeal.status == AppealStatus.OPEN for appeal in appeals)
    return render(
        request,
        "sellercenter/trust/notice.html",
        {
            "section": "health",
            "item": statement(action),
            "appeals": appeals,
            "form": form,
            "can_appeal": can_appeal,
        },
        status=status,
    )

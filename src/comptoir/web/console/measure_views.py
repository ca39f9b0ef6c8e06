"""Operator measures on a seller from the console, in French and English: warn, reduce visibility, suspend, lift a
measure, reinstate. Each needs a reason (the seller reads it in the statement of reasons) and a confirmation step
that shows what the seller will read; the decision goes through trust.services (statement, audit, status change,
notice). Operators with a verified session only."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.sellers.models import Seller, SellerStatus
from comptoir.trust import errors as trust_errors
from comptoir.trust.models import EnforcementAction
from comptoir.trust.services import measure_lift, measure_take, seller_measures_reinstate
from comptoir.web.console.views import operator_required
from comptoir.web.sellercenter.views.trust_common import GROUNDS, MANUAL_RULES
from comptoir.web.storefront import trust_labels

MEASURE_KINDS = {
    "warning": _("Warning"),
    "visibility_reduced": _("Reduced visibility"),
    "suspension": _("Suspension"),
}
CONSEQUENCES = {
    "warning": _("The seller is warned; nothing else changes. It can appeal."),
    "visibility_reduced": _(
        "The seller's offers rank lower in search and cannot be the featured offer until you lift the measure."
    ),
    "suspension": _("The seller's offers leave the storefront at once and can no longer be bought."),
    "lift": _("The measure stops applying at once; the seller is told, with your reason."),
    "reinstate": _("The seller is verified again and its offers return to the storefront."),
}
ERRORS = {
    trust_errors.REASON_REQUIRED: _("State the facts: the seller reads them in the statement of reasons."),
    trust_errors.INVALID_GROUND: _("Choose the ground of the measure."),
    trust_errors.INVALID_MEASURE: _("Choose a measure."),
    trust_errors.MEASURE_ACTIVE: _("A measure of this kind is already active for this seller."),
    trust_errors.MEASURE_NOT_ACTIVE: _("This measure was already lifted."),
    trust_errors.SELLER_NOT_VERIFIED: _("Only a verified seller can be suspended."),
    trust_errors.SELLER_NOT_SUSPENDED: _("This seller is not suspended."),
}
REASON_ERRORS = {"required": ERRORS[trust_errors.REASON_REQUIRED]}


def _reason_field(label):
    return forms.CharField(
        label=label,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("The seller reads this in the statement of reasons; it is recorded in the audit log."),
        error_messages=REASON_ERRORS,
    )


class MeasureForm(forms.Form):
    kind = forms.ChoiceField(label=_("Measure"), choices=list(MEASURE_KINDS.items()))
    ground = forms.ChoiceField(
        label=_("Ground"),
        choices=list(GROUNDS.items()),
        error_messages={"required": ERRORS[trust_errors.INVALID_GROUND]},
    )
    reason = _reason_field(_("Facts (the seller reads them)"))


class LiftForm(forms.Form):
    action_id = forms.IntegerField(widget=forms.HiddenInput)
    reason = _reason_field(_("Why the measure is lifted"))


class ReinstateForm(forms.Form):
    reason = _reason_field(_("Why the seller is reinstated"))


OPERATIONS = {"take": MeasureForm, "lift": LiftForm, "reinstate": ReinstateForm}


def _load_seller(seller_id: int) -> Seller:
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is None:
        raise Http404
    return seller


def _confirm_page(request, seller, *, operation: str, form, action=None, status: int = 200):
    data = form.cleaned_data if form.is_bound and form.is_valid() else {}
    kind: str = (data.get("kind") or "") if operation == "take" else operation
    return render(
        request,
        "console/trust/measure_confirm.html",
        {
            "section": "trust",
            "seller": seller,
            "operation": operation,
            "form": form,
            "action": action,
            "action_label": (
                trust_labels.ENFORCEMENT_KINDS.get(action.kind) or action.get_kind_display() if action else ""
            ),
            "kind_label": MEASURE_KINDS.get(kind, ""),
            "ground_label": GROUNDS.get(data.get("ground", ""), ""),
            "rule": MANUAL_RULES.get(kind, ""),
            "consequence": CONSEQUENCES.get(kind, ""),
            "reason": data.get("reason", ""),
        },
        status=status,
    )


@operator_required
@require_POST
def seller_measure(request, seller_id: int):
    """One endpoint for the three operations (`operation`: take, lift, reinstate). Without `confirmed` a valid form
    shows the confirmation page; with it the service runs. An invalid form shows the form again (422)."""
    seller = _load_seller(seller_id)
    operation = request.POST.get("operation", "")
    form_class = OPERATIONS.get(operation)
    if form_class is None:
        raise Http404
    form = form_class(request.POST)
    action = None
    if form.is_valid() and operation == "lift":
        action = EnforcementAction.objects.filter(pk=form.cleaned_data["action_id"], seller=seller).first()
        if action is None:
            raise Http404
    if not form.is_valid():
        return _confirm_page(request, seller, operation=operation, form=form, action=action, status=422)
    if request.POST.get("confirmed") != "1":
        return _confirm_page(request, seller, operation=operation, form=form, action=action)
    reason = form.cleaned_data["reason"]
    try:
        if operation == "take":
            measure_take(
                seller_id=seller.pk,
                actor=request.user,
                kind=form.cleaned_data["kind"],
                ground=form.cleaned_data["ground"],
                reason=reason,
            )
            done = _("The measure is taken. The seller is notified with your statement of reasons and can appeal.")
        elif operation == "lift":
            assert action is not None  # loaded above
            measure_lift(action_id=action.pk, actor=request.user, reason=reason)
            done = _("The measure is lifted. The seller is notified with your reason.")
        else:
            seller_measures_reinstate(seller_id=seller.pk, actor=request.user, reason=reason)
            done = _("The seller is reinstated: its offers are back in the storefront.")
    except ApplicationError as error:
        messages.error(request, ERRORS.get(error.code, error.message))
    else:
        messages.success(request, done)
    return redirect("console:trust-seller", seller_id=seller.pk)


def measure_context(seller: Seller) -> dict:
    """What the seller trust page needs to offer the measures."""
    return {
        "measure_form": MeasureForm(),
        "reinstate_form": ReinstateForm() if seller.status == SellerStatus.SUSPENDED else None,
        "is_suspended": seller.status == SellerStatus.SUSPENDED,
        "can_suspend": seller.status == SellerStatus.VERIFIED,
    }

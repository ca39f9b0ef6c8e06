"""Operator pages for trust: the review reports queue (uphold → hide the review, or dismiss, with a note),
the appeals queue (grant or reject with a statement the seller reads), sellers by trust, and a seller's trust
detail with the audited tier override. Operators with a verified session only (`operator_required`)."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.sellers.models import Seller
from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.trust.models import AppealStatus, ReviewReportStatus, SellerTrust
from comptoir.trust.services import appeal_decide, review_moderate, seller_trust_tier_override
from comptoir.web.console.measure_views import measure_context
from comptoir.web.console.views import operator_required
from comptoir.web.sellercenter.views.trust_common import GROUNDS, metric_cards, statement
from comptoir.web.storefront import trust_labels

ERRORS = {
    trust_errors.NOTE_REQUIRED: _("Write the reasons: the people concerned will read them."),
    trust_errors.REASON_REQUIRED: _("Explain the override; it is audited."),
    trust_errors.REPORT_DECIDED: _("This report was already decided."),
    trust_errors.APPEAL_DECIDED: _("This appeal was already decided."),
    trust_errors.INVALID_TIER: _("Choose a tier."),
    trust_errors.INVALID_GROUND: _("Choose the ground of the measure."),
}


class DecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("accept", "accept"), ("refuse", "refuse")])
    note = forms.CharField(
        label=_("Statement of reasons"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ERRORS[trust_errors.NOTE_REQUIRED]},
    )


class OverrideForm(forms.Form):
    tier = forms.ChoiceField(
        label=_("Tier"),
        required=False,
        choices=[("", _("Computed (no override)"))] + [(value, label) for value, label in trust_labels.TIERS.items()],
    )
    ground = forms.ChoiceField(
        label=_("Ground (when the tier restricts the seller)"),
        choices=list(GROUNDS.items()),
        initial="performance",
        required=False,
        help_text=_("A tier at risk, below standard or below the computed one is a measure the seller can appeal."),
    )
    reason = forms.CharField(
        label=_("Reason (audited)"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        error_messages={"required": ERRORS[trust_errors.REASON_REQUIRED]},
    )


def _status_filter(request, choices, default):
    value = request.GET.get("status", default)
    return value if value in choices else default


@operator_required
def report_queue(request):
    status = _status_filter(request, ReviewReportStatus.values, ReviewReportStatus.OPEN)
    reports = list(selectors.review_report_queue(status=status)[:200])
    return render(
        request,
        "console/trust/reports.html",
        {
            "section": "reports",
            "reports": reports,
            "status": status,
            "statuses": ReviewReportStatus.choices,
            "reasons": dict(trust_labels.REPORT_REASONS),
            "bound": None,
        },
    )


@operator_required
@require_POST
def report_decide(request, report_id: int):
    form = DecisionForm(request.POST, prefix=f"report{report_id}")
    if not form.is_valid():
        messages.error(request, ERRORS[trust_errors.NOTE_REQUIRED])
        return redirect("console:trust-reports")
    try:
        review_moderate(
            report_id=report_id,
            actor=request.user,
            uphold=form.cleaned_data["decision"] == "accept",
            note=form.cleaned_data["note"],
        )
    except ApplicationError as error:
        if error.code == trust_errors.REPORT_NOT_FOUND:
            raise Http404 from error
        messages.error(request, ERRORS.get(error.code, error.message))
    else:
        messages.success(
            request,
            _("Report upheld: the review is hidden and no longer counts.")
            if form.cleaned_data["decision"] == "accept"
            else _("Report dismissed: the review stays published."),
        )
    return redirect("console:trust-reports")


@operator_required
def appeal_queue(request):
    status = _status_filter(request, AppealStatus.values, AppealStatus.OPEN)
    appeals = list(selectors.appeal_queue(status=status)[:200])
    return render(
        request,
        "console/trust/appeals.html",
        {
            "section": "appeals",
            "items": [{"appeal": appeal, "statement": statement(appeal.action)} for appeal in appeals],
            "status": status,
            "statuses": AppealStatus.choices,
        },
    )


@operator_required
@require_POST
def appeal_decide_view(request, appeal_id: int):
    form = DecisionForm(request.POST, prefix=f"appeal{appeal_id}")
    if not form.is_valid():
        messages.error(request, ERRORS[trust_errors.NOTE_REQUIRED])
        return redirect("console:trust-appeals")
    grant = form.cleaned_data["decision"] == "accept"
    try:
        appeal_decide(appeal_id=appeal_id, actor=request.user, grant=grant, note=form.cleaned_data["note"])
    except ApplicationError as error:
        if error.code == trust_errors.APPEAL_NOT_FOUND:
            raise Http404 from error
        messages.error(request, ERRORS.get(error.code, error.message))
    else:
        messages.success(
            request,
            _("Appeal granted: the restriction is lifted.")
            if grant
            else _("Appeal rejected. The seller can read your reasons."),
        )
    return redirect("console:trust-appeals")


@operator_required
def seller_list(request):
    tier = request.GET.get("tier", "")
    rows = SellerTrust.objects.select_related("seller").order_by("score", "seller_id")
    if tier in trust_labels.TIERS:
        rows = rows.filter(tier=tier) if tier else rows
    return render(
        request,
        "console/trust/sellers.html",
        {
            "section": "trust",
            "rows": list(rows[:200]),
            "tier": tier,
            "tiers": trust_labels.TIERS,
            "tones": trust_labels.TIER_TONES,
        },
    )


def _seller_trust_page(request, seller, *, form=None, status=200):
    trust = selectors.seller_trust_row(seller_id=seller.pk)
    history = selectors.seller_trust_history(seller_id=seller.pk)
    snapshot = selectors.seller_trust_map([seller.pk])[seller.pk]
    return render(
        request,
        "console/trust/seller.html",
        {
            "section": "trust",
            "seller": seller,
            "trust": trust,
            "snapshot": snapshot,
            "tier_label": trust_labels.TIERS.get(snapshot.tier, snapshot.tier),
            "tier_tone": trust_labels.TIER_TONES.get(snapshot.tier, ""),
            "computed_tier_label": trust_labels.TIERS.get(trust.tier, trust.tier)
            if trust
            else trust_labels.TIERS["new"],
            "pillars": [
                {"label": label, "value": int(getattr(trust, name)) if trust else 50}
                for name, label in trust_labels.PILLARS.items()
            ],
            "cards": metric_cards(trust, history, seller_id=seller.pk),
            "actions": [statement(action) for action in selectors.enforcement_list_for_seller(seller_id=seller.pk)],
            "form": form or OverrideForm(initial={"tier": trust.tier_override if trust else ""}),
            **measure_context(seller),
        },
        status=status,
    )


@operator_required
def seller_trust(request, seller_id: int):
    seller = Seller.objects.filter(pk=seller_id).first()
    if seller is None:
        raise Http404
    if request.method == "POST":
        form = OverrideForm(request.POST)
        if form.is_valid():
            try:
                seller_trust_tier_override(
                    seller_id=seller.pk,
                    actor=request.user,
                    tier=form.cleaned_data["tier"],
                    reason=form.cleaned_data["reason"],
                    ground=form.cleaned_data["ground"] or "performance",
                )
            except ApplicationError as error:
                target = next((name for name in error.fields if name in form.fields), None)
                form.add_error(target, ERRORS.get(error.code, error.message))
                return _seller_trust_page(request, seller, form=form, status=error.status)
            messages.success(request, _("The tier override is saved and recorded in the audit log."))
            return redirect("console:trust-seller", seller_id=seller.pk)
        return _seller_trust_page(request, seller, form=form, status=422)
    return _seller_trust_page(request, seller)

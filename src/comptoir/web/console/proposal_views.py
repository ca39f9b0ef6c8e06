"""Measures proposed after a history import (issue 11): during the grace period the automated ladder opens nothing on
imported evidence and proposes instead; an operator confirms a proposal (the measure is taken as the operator's own,
with the facts the operator states, and the seller may appeal) or dismisses it. French and English; operators with a
verified session only."""

from __future__ import annotations

from types import SimpleNamespace

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.trust.models import MeasureProposal, ProposalStatus
from comptoir.trust.services import measure_proposal_confirm, measure_proposal_dismiss
from comptoir.web.console.views import operator_required
from comptoir.web.sellercenter.views.trust_common import statement
from comptoir.web.storefront import trust_labels

STATUSES = [
    ("pending", _("Pending")),
    ("confirmed", _("Confirmed")),
    ("dismissed", _("Dismissed")),
    ("lapsed", _("Lapsed")),
]
ERRORS = {
    trust_errors.REASON_REQUIRED: _("State the facts: the seller reads them in the statement of reasons."),
    trust_errors.PROPOSAL_DECIDED: _("This proposal was already decided."),
    trust_errors.PROPOSAL_LAPSED: _("The seller is no longer below standard: the proposal lapsed."),
    trust_errors.MEASURE_ACTIVE: _("A measure of this kind is already active for this seller."),
    trust_errors.SELLER_NOT_VERIFIED: _("Only a verified seller can be suspended."),
}


class ProposalDecisionForm(forms.Form):
    decision = forms.ChoiceField(choices=[("confirm", "confirm"), ("dismiss", "dismiss")])
    reason = forms.CharField(max_length=5000, error_messages={"required": ERRORS[trust_errors.REASON_REQUIRED]})


def _facts(proposal: MeasureProposal) -> dict:
    """The proposal's facts in the reader's language: the statement the automated measure would have carried."""
    would_be = SimpleNamespace(
        kind=proposal.kind,
        facts=proposal.facts,
        is_automated=True,
        ground="",
        rule=proposal.rule,
        facts_text=proposal.facts_text,
        get_kind_display=proposal.get_kind_display,
    )
    item = statement(would_be)
    trust = getattr(proposal.seller, "trust", None)
    tier = (trust.tier_override or trust.tier) if trust is not None else ""
    item["current_tier"] = tier
    item["current_tier_label"] = trust_labels.TIERS.get(tier, tier)
    return item


@operator_required
def proposal_queue(request):
    status = request.GET.get("status", "pending")
    if status not in ProposalStatus.values:
        status = "pending"
    proposals = list(selectors.measure_proposal_queue(status=status)[:200])
    return render(
        request,
        "console/trust/proposals.html",
        {
            "section": "proposals",
            "items": [{"proposal": proposal, "facts": _facts(proposal)} for proposal in proposals],
            "status": status,
            "statuses": STATUSES,
            "grace_days": selectors.config()["enforcement"]["import_grace_days"],
        },
    )


@operator_required
@require_POST
def proposal_decide(request, proposal_id: int):
    form = ProposalDecisionForm(request.POST, prefix=f"proposal{proposal_id}")
    if not form.is_valid():
        messages.error(request, ERRORS[trust_errors.REASON_REQUIRED])
        return redirect("console:trust-proposals")
    confirm = form.cleaned_data["decision"] == "confirm"
    try:
        if confirm:
            measure_proposal_confirm(proposal_id=proposal_id, actor=request.user, reason=form.cleaned_data["reason"])
        else:
            measure_proposal_dismiss(proposal_id=proposal_id, actor=request.user, reason=form.cleaned_data["reason"])
    except ApplicationError as error:
        if error.code == trust_errors.PROPOSAL_NOT_FOUND:
            raise Http404 from error
        messages.error(request, ERRORS.get(error.code, error.message))
    else:
        messages.success(
            request,
            _("The measure is taken. The seller is notified with your statement of reasons and can appeal.")
            if confirm
            else _("Proposal dismissed: nothing is imposed on the seller."),
        )
    return redirect("console:trust-proposals")

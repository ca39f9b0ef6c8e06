"""Becoming a seller: a three-step wizard (shop, trader information, payouts) kept in the session until
the last step calls sellers.services.seller_onboard, which checks everything again and decides."""

from __future__ import annotations

from django import forms
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse

from comptoir.core.exceptions import ValidationError
from comptoir.sellers.domain.trader import TraderInformation, normalise_country, validate_iban, validate_vat_id
from comptoir.sellers.services import seller_onboard
from comptoir.web.sellercenter.access import SESSION_SELLER_KEY, current_membership
from comptoir.web.sellercenter.forms import PayoutStepForm, ShopStepForm, TraderStepForm
from comptoir.web.sellercenter.messages import apply_service_error, translate_service_message
from comptoir.web.sellercenter.views.common import SELLER_STATUS_BADGES

SESSION_KEY = "sellercenter_onboarding"
STEPS: list[tuple[str, type[forms.Form]]] = [
    ("shop", ShopStepForm),
    ("trader", TraderStepForm),
    ("payout", PayoutStepForm),
]
STEP_OF_FIELD = {name: step for step, form_class in STEPS for name in form_class.base_fields}


def _draft(request) -> dict:
    return dict(request.session.get(SESSION_KEY, {}))


def _step_checks(step: str, form) -> None:
    """The checks that need more than one field (a VAT ID against its country), at the step where the
    seller typed them, with the same messages as the onboarding service."""
    form.is_valid()  # cleans every field, so each check below runs even when another field is wrong
    data = form.cleaned_data
    if step == "trader" and "country" in data and "vat_id" in data:
        country = normalise_country(data["country"])
        if country:
            _, problem = validate_vat_id(data["vat_id"], country)
            if problem:
                form.add_error("vat_id", translate_service_message(problem))
    if step == "payout" and "iban" in data:
        _, problem = validate_iban(data["iban"])
        if problem:
            form.add_error("iban", translate_service_message(problem))


@login_required
def onboarding(request, step: str = "shop"):
    steps = [name for name, _ in STEPS]
    if step not in steps:
        return redirect("sellercenter:onboarding")
    index = steps.index(step)
    form_class = STEPS[index][1]
    draft = _draft(request)
    # A step is reachable once the ones before it are filled in.
    for earlier in steps[:index]:
        if earlier not in draft:
            return redirect("sellercenter:onboarding_step", step=earlier)
    if request.method == "POST":
        form = form_class(request.POST)
        _step_checks(step, form)
        if form.is_valid():
            draft[step] = {name: value for name, value in form.cleaned_data.items() if name != "iban"}
            request.session[SESSION_KEY] = draft
            if step != "payout":
                return redirect("sellercenter:onboarding_step", step=steps[index + 1])
            return _finish(request, draft, form)
    else:
        form = form_class(initial=draft.get(step, {}))
    return _render_step(request, step, form)


def _render_step(request, step: str, form, status: int = 200):
    steps = [name for name, _ in STEPS]
    return render(
        request,
        "sellercenter/onboarding/step.html",
        {
            "form": form,
            "step": step,
            "step_number": steps.index(step) + 1,
            "step_count": len(steps),
            "steps": steps,
            "done_steps": [name for name in steps if name in _draft(request)],
            "previous_url": reverse("sellercenter:onboarding_step", args=[steps[steps.index(step) - 1]])
            if step != "shop"
            else "",
        },
        status=status,
    )


def _finish(request, draft: dict, payout_form):
    trader_values = draft["trader"]
    trader = TraderInformation(
        legal_name=trader_values["legal_name"],
        street=trader_values["street"],
        postal_code=trader_values["postal_code"],
        city=trader_values["city"],
        country=trader_values["country"],
        phone=trader_values["phone"],
        email=trader_values["email"],
        trade_register=trader_values["trade_register"],
        trade_register_number=trader_values["trade_register_number"],
        vat_id=trader_values["vat_id"],
        iban=payout_form.cleaned_data["iban"],
        self_certified=payout_form.cleaned_data["self_certified"],
    )
    try:
        seller = seller_onboard(owner=request.user, name=draft["shop"]["name"], trader=trader)
    except ValidationError as error:
        # Show the earliest step with a problem, its fields marked.
        steps = [name for name, _ in STEPS]
        wrong = sorted({STEP_OF_FIELD.get(name, "payout") for name in error.fields} or {"payout"}, key=steps.index)[0]
        form = payout_form if wrong == "payout" else dict(STEPS)[wrong](draft[wrong])
        form.is_valid()
        apply_service_error(form, error)
        return _render_step(request, wrong, form, status=422)
    request.session.pop(SESSION_KEY, None)
    request.session[SESSION_SELLER_KEY] = seller.pk
    return redirect("sellercenter:onboarding_pending")


@login_required
def onboarding_pending(request):
    member, _ = current_membership(request)
    if member is None:
        return redirect("sellercenter:onboarding")
    seller = member.seller
    return render(
        request,
        "sellercenter/onboarding/pending.html",
        {"seller": seller, "status_badge": SELLER_STATUS_BADGES.get(seller.status, "")},
    )

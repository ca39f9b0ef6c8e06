"""Markets: which countries each offer may be sold to and why not (country rules, docs/COMPLIANCE.md), and the
registrations and EU responsible person the rules ask for."""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.compliance.reasons import reason_text, scheme_label
from comptoir.compliance.selectors import (
    compliance_rules,
    market_blocks_by_offer,
    seller_manufacturers,
    seller_missing_manufacturers,
    seller_registrations,
    seller_responsible_person,
)
from comptoir.compliance.services import (
    manufacturer_delete,
    manufacturer_set,
    responsible_person_set,
    seller_registration_delete,
    seller_registration_set,
)
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError
from comptoir.offers.selectors import offer_list_for_seller
from comptoir.sellers.domain.trader import EU_MEMBER_STATES
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import ManufacturerForm, RegistrationForm, ResponsiblePersonForm
from comptoir.web.sellercenter.messages import apply_service_error

PAGE_SIZE = 25


def _offer_rows(offers) -> list[dict]:
    blocks = market_blocks_by_offer(offer.pk for offer in offers)
    return [
        {
            "offer": offer,
            "blocked": [
                {"country": country, "reasons": [reason_text(reason, country=country) for reason in reasons]}
                for country, reasons in sorted(blocks.get(offer.pk, {}).items())
            ],
        }
        for offer in offers
    ]


@seller_view
def markets(request):
    seller = request.seller
    registration_form = RegistrationForm(prefix="registration")
    person = seller_responsible_person(seller.pk)
    person_form = ResponsiblePersonForm(
        prefix="person",
        initial={"name": person.name, "address": person.address, "email": person.email, "country": person.country}
        if person
        else None,
    )
    manufacturer_form = ManufacturerForm(prefix="manufacturer")
    if request.method == "POST" and request.POST.get("form") == "manufacturer":
        manufacturer_form = ManufacturerForm(request.POST, prefix="manufacturer")
        if manufacturer_form.is_valid():
            try:
                manufacturer_set(seller=seller, actor=request.user, **manufacturer_form.cleaned_data)
            except ApplicationError as error:
                apply_service_error(manufacturer_form, error)
            else:
                messages.success(request, _("Manufacturer saved; your offers' markets are up to date."))
                return redirect("sellercenter:markets")
    elif request.method == "POST" and request.POST.get("form") == "registration":
        registration_form = RegistrationForm(request.POST, prefix="registration")
        if registration_form.is_valid():
            try:
                seller_registration_set(seller=seller, actor=request.user, **registration_form.cleaned_data)
            except ApplicationError as error:
                apply_service_error(registration_form, error)
            else:
                messages.success(request, _("Registration saved; your offers' markets are up to date."))
                return redirect("sellercenter:markets")
    elif request.method == "POST" and request.POST.get("form") == "person":
        person_form = ResponsiblePersonForm(request.POST, prefix="person")
        if person_form.is_valid():
            try:
                responsible_person_set(seller=seller, actor=request.user, **person_form.cleaned_data)
            except ApplicationError as error:
                apply_service_error(person_form, error)
            else:
                messages.success(request, _("Responsible person saved; your offers' markets are up to date."))
                return redirect("sellercenter:markets")
    offers = offer_list_for_seller(seller)
    only_blocked = request.GET.get("blocked") == "1"
    if only_blocked:
        offers = offers.filter(market_blocks__isnull=False).distinct()
    page = Paginator(offers, PAGE_SIZE).get_page(request.GET.get("page"))
    day = clock.now().date()
    countries = sorted({country for rule in compliance_rules() if rule.is_in_force(day) for country in rule.countries})
    status = 422 if request.method == "POST" else 200
    return render(
        request,
        "sellercenter/markets/markets.html",
        {
            "section": "markets",
            "page": page,
            "rows": _offer_rows(page.object_list),
            "only_blocked": only_blocked,
            "ruled_countries": countries,
            "registrations": [
                {"registration": item, "label": scheme_label(item.scheme)} for item in seller_registrations(seller.pk)
            ],
            "person": person,
            "needs_person": person is None and seller.country not in EU_MEMBER_STATES,
            "manufacturers": seller_manufacturers(seller.pk),
            "manufacturers_missing": seller_missing_manufacturers(seller.pk),
            "manufacturer_form": manufacturer_form,
            "registration_form": registration_form,
            "person_form": person_form,
        },
        status=status,
    )


@seller_view
@require_POST
def registration_delete(request, scheme: str, country: str):
    try:
        seller_registration_delete(seller=request.seller, actor=request.user, scheme=scheme, country=country)
    except ApplicationError:
        messages.error(request, _("This registration was already removed."))
    else:
        messages.success(request, _("Registration removed; your offers' markets are up to date."))
    return redirect("sellercenter:markets")


@seller_view
@require_POST
def manufacturer_remove(request, manufacturer_id: int):
    try:
        manufacturer_delete(seller=request.seller, actor=request.user, manufacturer_id=manufacturer_id)
    except ApplicationError:
        messages.error(request, _("This manufacturer was already removed."))
    else:
        messages.success(request, _("Manufacturer removed; your offers' markets are up to date."))
    return redirect("sellercenter:markets")

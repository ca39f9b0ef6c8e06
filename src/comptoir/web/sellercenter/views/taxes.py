"""Taxes: the seller's intra-EU distance sales against the EUR 10,000 threshold, its DAC7 figures and notices, and
the tax identity a DAC7 report needs (docs/TAXES.md, "Returns and DAC7")."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from comptoir.core.exceptions import ApplicationError
from comptoir.filings.selectors import seller_tax_overview
from comptoir.sellers.models import MemberRole
from comptoir.taxes.services import seller_tax_identity_set
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import TaxIdentityForm
from comptoir.web.sellercenter.messages import apply_service_error


def _missing_labels() -> dict[str, str]:
    return {
        "legal_form": _("legal form"),
        "legal_name": _("legal name"),
        "address": _("address"),
        "tin": _("tax identification number and its country"),
        "iban": _("bank account (IBAN)"),
        "date_of_birth": _("date of birth"),
        "business_registration_number": _("business registration number"),
    }


@seller_view
def taxes(request):
    seller = request.seller
    overview = seller_tax_overview(seller_id=seller.pk)
    profile = overview.profile
    initial = (
        {
            "legal_form": profile.legal_form,
            "tin": profile.tin,
            "tin_country": profile.tin_country,
            "date_of_birth": profile.date_of_birth,
        }
        if profile
        else None
    )
    form = TaxIdentityForm(initial=initial)
    is_owner = request.seller_access.member.role == MemberRole.OWNER
    if request.method == "POST":
        if not is_owner:
            raise PermissionDenied(_("Only an owner of the shop can do this."))
        form = TaxIdentityForm(request.POST)
        if form.is_valid():
            try:
                seller_tax_identity_set(seller_id=seller.pk, actor=request.user, **form.cleaned_data)
            except ApplicationError as error:
                apply_service_error(form, error)
            else:
                messages.success(request, _("Tax identity saved."))
                return redirect("sellercenter:taxes")
    labels = _missing_labels()
    return render(
        request,
        "sellercenter/taxes/taxes.html",
        {
            "section": "taxes",
            "overview": overview,
            "distance_years": sorted(overview.distance_sales.items(), reverse=True),
            "missing": [labels[name] for name in overview.missing],
            "form": form,
            "is_owner": is_owner,
        },
        status=422 if request.method == "POST" else 200,
    )

"""Products sold in variants (docs/CATALOG.md, "Variants"): a seller creates a family with its option groups (every
combination becomes a variant), then fills a grid — each variant's GTIN and the seller's offer on it (SKU, price,
stock) — and adds pictures per variant (the pictures page of each variant). The catalog and offers services validate
and write; the grid is saved all or nothing."""

from __future__ import annotations

import itertools

from django.contrib import messages
from django.db import transaction
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.domain.variants import variant_label
from comptoir.catalog.selectors import category_list, product_family_variants, product_get
from comptoir.catalog.services import (
    VariantSpec,
    product_family_create,
    product_variant_create,
    product_variant_update,
)
from comptoir.core.exceptions import ApplicationError, ValidationError
from comptoir.core.money import Money, currency_exponent
from comptoir.offers.selectors import offers_of_seller_by_product, shipping_profile_list_for_seller
from comptoir.offers.services import offer_create, offer_update
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import ProductFamilyForm, VariantAddForm, VariantOfferForm, localised_decimal
from comptoir.web.sellercenter.messages import apply_service_error
from comptoir.web.sellercenter.views.offers import OFFER_FIELD_MAP

FAMILY_FIELD_MAP = {"category_id": "category", "option_names": "option1_name"}


@seller_view
def family_new(request):
    """A new product sold in variants: its description and option groups; every combination becomes a variant."""
    form = ProductFamilyForm(
        request.POST if request.method == "POST" else None, categories=list(category_list()), prefix="family"
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        groups = data["groups"]
        names = [name for name, _values in groups]
        try:
            family = product_family_create(
                title=data["title"],
                category_id=data["category"],
                option_names=names,
                brand=data["brand"],
                description=data["description"],
                language=(request.LANGUAGE_CODE or "en")[:2],
                variants=[
                    VariantSpec(option_values=dict(zip(names, combination, strict=True)))
                    for combination in itertools.product(*(values for _name, values in groups))
                ],
                seller=request.seller,
                actor=request.user,
            )
        except ValidationError as error:
            apply_service_error(form, error, FAMILY_FIELD_MAP)
        else:
            messages.success(
                request,
                _("“%(title)s” is created with %(count)s variants: now give each the offer you make.")
                % {"title": family.title, "count": family.variants.count()},
            )
            return redirect("sellercenter:family", family_id=family.pk)
    return render(
        request,
        "sellercenter/offers/family_new.html",
        {"section": "offers", "form": form},
        status=422 if request.method == "POST" else 200,
    )


def _family_or_404(family_id: int):
    family = product_get(family_id)
    if family is None or not family.is_family:
        raise Http404
    return family


def _grid(request, family, data=None) -> list[dict]:
    """One row per variant: its label, the row form (GTIN and the seller's offer), the existing offer."""
    variants = list(product_family_variants(family.pk))
    offers = offers_of_seller_by_product(seller=request.seller, product_ids=[variant.pk for variant in variants])
    rows = []
    for variant in variants:
        offer = offers.get(variant.pk)
        initial = {"gtin": variant.gtin or ""}
        if offer is not None:
            initial.update(
                sku=offer.sku,
                price=localised_decimal(offer.price_amount, currency_exponent(offer.currency)),
                stock=offer.stock,
            )
        rows.append(
            {
                "variant": variant,
                "label": variant_label(family.option_names, variant.option_values),
                "offer": offer,
                "is_mine": variant.created_by_seller_id == request.seller.pk,
                "form": VariantOfferForm(data, initial=initial, prefix=f"v{variant.pk}"),
            }
        )
    return rows


def _save_row(request, family, row, profile_id: int | None) -> None:
    """Write one row through the services; raises ApplicationError (the grid is rolled back by the caller)."""
    form, variant, offer = row["form"], row["variant"], row["offer"]
    data = form.cleaned_data
    typed = data["gtin"].strip()
    normalised, problem = normalise_gtin(typed)
    if row["is_mine"] and (problem or normalised != variant.gtin):
        product_variant_update(
            variant_id=variant.pk, changes={"gtin": typed or None}, seller=request.seller, actor=request.user
        )
    if not form.offers_variant:
        return
    currency = offer.currency if offer else request.seller.default_currency
    amount = Money.from_decimal(data["price"], currency).amount
    if offer is None:
        offer_create(
            seller=request.seller,
            actor=request.user,
            product_id=variant.pk,
            sku=data["sku"],
            price_amount=amount,
            currency=currency,
            stock=data["stock"],
            shipping_profile_id=profile_id or 0,
        )
    elif (amount, data["stock"]) != (offer.price_amount, offer.stock):
        offer_update(
            seller=request.seller,
            actor=request.user,
            offer_id=offer.pk,
            changes={"price_amount": amount, "stock": data["stock"]},
        )


class _GridRefused(Exception):
    """A row was refused: roll the whole grid back."""


@seller_view
def family_detail(request, family_id: int):
    """The variants of a family with the seller's offer on each: GTINs (of the variants the seller created) and
    offers (SKU, price, stock) saved together, all or nothing. Pictures are added per variant once it is offered."""
    family = _family_or_404(family_id)
    profiles = list(shipping_profile_list_for_seller(seller=request.seller))
    posted = request.method == "POST"
    rows = _grid(request, family, request.POST if posted else None)
    profile_id = None
    grid_error = ""
    if posted:
        try:
            profile_id = int(request.POST.get("shipping_profile", ""))
        except ValueError:
            profile_id = None
        if profile_id not in {profile.pk for profile in profiles}:
            profile_id = None
        valid = all(row["form"].is_valid() for row in rows)
        if valid and profile_id is None and any(row["form"].offers_variant and not row["offer"] for row in rows):
            grid_error = _("Choose the shipping profile of your new offers.")
            valid = False
        if valid:
            try:
                with transaction.atomic():
                    failed = False
                    for row in rows:
                        try:
                            _save_row(request, family, row, profile_id)
                        except ApplicationError as error:
                            apply_service_error(row["form"], error, {**OFFER_FIELD_MAP, "product_id": "sku"})
                            failed = True
                    if failed:
                        raise _GridRefused
            except _GridRefused:
                grid_error = _("Nothing was saved: correct the rows marked below.")
            else:
                messages.success(request, _("Your variants and offers are saved."))
                return redirect("sellercenter:family", family_id=family.pk)
        elif not grid_error:
            grid_error = _("Nothing was saved: correct the rows marked below.")
    return render(
        request,
        "sellercenter/offers/family.html",
        {
            "section": "offers",
            "family": family,
            "rows": rows,
            "profiles": profiles,
            "profile_id": profile_id,
            "grid_error": grid_error,
            "currency": request.seller.default_currency,
            "add_form": VariantAddForm(option_names=family.option_names, prefix="add"),
        },
        status=422 if posted else 200,
    )


@require_POST
@seller_view
def family_variant_add(request, family_id: int):
    """Add the variant a family lacks (its creator, or a seller offering one of its variants)."""
    family = _family_or_404(family_id)
    form = VariantAddForm(request.POST, option_names=family.option_names, prefix="add")
    if form.is_valid():
        try:
            variant = product_variant_create(
                family_id=family.pk,
                option_values=form.option_values(),
                gtin=form.cleaned_data["gtin"] or None,
                seller=request.seller,
                actor=request.user,
            )
        except ApplicationError as error:
            field_map = {f"option_values.{name}": f"option_{index}" for index, name in enumerate(family.option_names)}
            if error.code in (catalog_errors.INVALID_VARIANT, catalog_errors.INVALID_PRODUCT):
                field_map["option_values"] = "option_0"
            apply_service_error(form, error, field_map)
        else:
            messages.success(
                request,
                _("The variant %(label)s is added.")
                % {"label": variant_label(family.option_names, variant.option_values)},
            )
            return redirect("sellercenter:family", family_id=family.pk)
    profiles = list(shipping_profile_list_for_seller(seller=request.seller))
    return render(
        request,
        "sellercenter/offers/family.html",
        {
            "section": "offers",
            "family": family,
            "rows": _grid(request, family),
            "profiles": profiles,
            "profile_id": None,
            "grid_error": "",
            "currency": request.seller.default_currency,
            "add_form": form,
        },
        status=422,
    )

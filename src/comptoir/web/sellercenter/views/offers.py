"""Offers: list with search and filters, creation from a GTIN or a new product, inline price and stock
edits (htmx row swaps), bulk stock updates. Prices are typed in the visitor's locale and become minor
units through Money.from_decimal; the offers services validate and write."""

from __future__ import annotations

from dataclasses import asdict

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog import errors as catalog_errors
from comptoir.catalog.domain.identifiers import normalise_gtin
from comptoir.catalog.selectors import category_list, product_get, product_get_by_gtin, product_search
from comptoir.core.exceptions import ApplicationError, ValidationError
from comptoir.core.money import Money, currency_exponent
from comptoir.offers.models import Offer
from comptoir.offers.selectors import (
    OFFER_STOCK_LOW_THRESHOLD,
    offer_get_for_seller,
    offer_search_for_seller,
    offer_stock_summary_for_seller,
    shipping_profile_list_for_seller,
)
from comptoir.offers.services import (
    NewProduct,
    OfferTerms,
    offer_create,
    offer_create_with_product,
    offer_stock_bulk_set,
    offer_update,
    shipping_profile_create,
)
from comptoir.search.selectors import search_cards
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import (
    BulkStockForm,
    GtinLookupForm,
    NewProductForm,
    OfferFilterForm,
    OfferInlineForm,
    OfferTermsForm,
    ProductSearchForm,
    ShippingProfileForm,
    localised_decimal,
)
from comptoir.web.sellercenter.messages import apply_service_error, translate_service_message
from comptoir.web.sellercenter.views.common import paginate, today

OFFER_FIELD_MAP = {
    "price_amount": "price",
    "amount": "price",
    "shipping_profile_id": "shipping_profile",
    "product_id": "gtin",
}
PRODUCT_FIELD_MAP = {"category_id": "category"}


def _minor_units(form, field: str, currency: str) -> int | None:
    """The form's decimal as minor units of `currency`, or None with the error put on the field."""
    try:
        return Money.from_decimal(form.cleaned_data[field], currency).amount
    except ValidationError as error:
        apply_service_error(form, error, {"amount": field})
        return None


def _row_context(offer, form=None) -> dict:
    exponent = currency_exponent(offer.currency)
    form = form or OfferInlineForm(
        initial={"price": localised_decimal(offer.price_amount, exponent), "stock": offer.stock}
    )
    return {"offer": offer, "form": form, "low_stock": 0 < offer.stock <= OFFER_STOCK_LOW_THRESHOLD}


@seller_view
def offer_list(request):
    filters = OfferFilterForm(request.GET or None)
    query, status = "", ""
    if filters.is_valid():
        query, status = filters.cleaned_data["q"], filters.cleaned_data["status"]
    page = paginate(request, offer_search_for_seller(seller=request.seller, query=query, status=status))
    rows = [_row_context(offer) for offer in page]
    return render(
        request,
        "sellercenter/offers/list.html",
        {
            "section": "offers",
            "filters": filters or OfferFilterForm(),
            "page": page,
            "rows": rows,
            "query": query,
            "status": status,
            "summary": offer_stock_summary_for_seller(seller=request.seller),
            "has_profiles": shipping_profile_list_for_seller(seller=request.seller).exists(),
        },
    )


@require_POST
@seller_view
def offer_inline_update(request, offer_id: int):
    """Change price and stock of one offer. With htmx the row is swapped (errors inside it); without,
    the list is shown again with a message."""
    offer = offer_get_for_seller(seller=request.seller, offer_id=offer_id)
    if offer is None:
        raise Http404
    form = OfferInlineForm(request.POST)
    saved = False
    if form.is_valid():
        amount = _minor_units(form, "price", offer.currency)
        if amount is not None:
            try:
                offer = offer_update(
                    seller=request.seller,
                    actor=request.user,
                    offer_id=offer.pk,
                    changes={"price_amount": amount, "stock": form.cleaned_data["stock"]},
                )
                saved = True
            except ValidationError as error:
                apply_service_error(form, error, OFFER_FIELD_MAP)
    if request.htmx:
        context = _row_context(offer, None if saved else form)
        context["saved"] = saved
        return render(request, "sellercenter/offers/_row.html", context)
    if saved:
        messages.success(request, _("Offer %(sku)s updated.") % {"sku": offer.sku})
    else:
        problems = "; ".join(str(message) for errors in form.errors.values() for message in errors)
        messages.error(
            request, _("Offer %(sku)s was not changed: %(problems)s") % {"sku": offer.sku, "problems": problems}
        )
    return redirect("sellercenter:offers")


@require_POST
@seller_view
def offer_toggle_active(request, offer_id: int):
    offer = offer_get_for_seller(seller=request.seller, offer_id=offer_id)
    if offer is None:
        raise Http404
    offer = offer_update(
        seller=request.seller, actor=request.user, offer_id=offer.pk, changes={"is_active": not offer.is_active}
    )
    if request.htmx:
        return render(request, "sellercenter/offers/_row.html", _row_context(offer))
    messages.success(
        request,
        (_("Offer %(sku)s is live again.") if offer.is_active else _("Offer %(sku)s is paused.")) % {"sku": offer.sku},
    )
    return redirect("sellercenter:offers")


@seller_view
def offer_new(request):
    """Step one of a new offer: find the product by its barcode."""
    form = GtinLookupForm(request.GET if "gtin" in request.GET else None)
    product, not_found_gtin = None, ""
    if form.is_valid():
        gtin, problem = normalise_gtin(form.cleaned_data["gtin"])
        if problem:
            form.add_error("gtin", translate_service_message(problem))
        else:
            product = product_get_by_gtin(gtin)
            if product is None:
                not_found_gtin = form.cleaned_data["gtin"].strip()
            else:
                return redirect("sellercenter:offer_new_for_product", product_id=product.pk)
    search_form = ProductSearchForm(request.GET if "q" in request.GET else None)
    results = _product_results(request, search_form.cleaned_data["q"]) if search_form.is_valid() else None
    return render(
        request,
        "sellercenter/offers/new.html",
        {
            "section": "offers",
            "form": form,
            "search_form": search_form,
            "results": results,
            "not_found_gtin": not_found_gtin,
            "has_profiles": shipping_profile_list_for_seller(seller=request.seller).exists(),
        },
    )


SEARCH_RESULTS = 20


def _product_results(request, query: str) -> list[dict]:
    """Catalog products matching a name (every word, in title, brand or description) or a GTIN, each with the best
    delivered price a buyer in the seller's country pays today (the storefront's cards, through the pricing seam) and
    how many offers reach that country."""
    query = query.strip()
    products = []
    compact = query.replace(" ", "")
    if compact.isdigit():
        gtin, problem = normalise_gtin(compact)
        found = product_get_by_gtin(gtin) if gtin and not problem else None
        products = [found] if found else []
    if not products:
        products = list(product_search(query=query)[:SEARCH_RESULTS])
    cards = search_cards([product.pk for product in products], country=request.seller.country, placed_on=today())
    return [{"product": product, "card": cards.get(product.pk)} for product in products]


def _terms_form(request, data=None):
    profiles = list(shipping_profile_list_for_seller(seller=request.seller))
    return OfferTermsForm(
        data, shipping_profiles=profiles, initial={"shipping_profile": profiles[0].pk if profiles else None}
    ), profiles


def _offer_terms(request, form) -> OfferTerms | None:
    """The terms form as the offers service takes it, or None with the price error put on the form."""
    amount = _minor_units(form, "price", request.seller.default_currency)
    if amount is None:
        return None
    data = form.cleaned_data
    return OfferTerms(
        sku=data["sku"],
        price_amount=amount,
        currency=request.seller.default_currency,
        stock=data["stock"],
        shipping_profile_id=data["shipping_profile"],
        condition=data["condition"],
        condition_note=data["condition_note"],
        handling_days=data["handling_days"],
        return_policy_days=data["return_policy_days"],
    )


def _offer_create(request, form, terms: OfferTerms, product_id: int) -> Offer | None:
    try:
        return offer_create(seller=request.seller, actor=request.user, product_id=product_id, **asdict(terms))
    except ValidationError as error:
        apply_service_error(form, error, OFFER_FIELD_MAP)
        return None


@seller_view
def offer_new_for_product(request, product_id: int):
    product = product_get(product_id)
    if product is None:
        raise Http404
    form, profiles = _terms_form(request, request.POST if request.method == "POST" else None)
    terms = _offer_terms(request, form) if request.method == "POST" and form.is_valid() else None
    if terms is not None:
        offer = _offer_create(request, form, terms, product.pk)
        if offer is not None:
            messages.success(
                request, _("Your offer %(sku)s on “%(title)s” is created.") % {"sku": offer.sku, "title": product.title}
            )
            return redirect("sellercenter:offers")
    return render(
        request,
        "sellercenter/offers/terms.html",
        {
            "section": "offers",
            "product": product,
            "form": form,
            "profiles": profiles,
            "currency": request.seller.default_currency,
        },
        status=422 if request.method == "POST" else 200,
    )


@seller_view
def offer_new_product(request):
    """A product the catalog does not have yet, and the seller's offer on it, created together or not at all."""
    categories = list(category_list())
    post = request.POST if request.method == "POST" else None
    product_form = NewProductForm(
        post, categories=categories, initial={"gtin": request.GET.get("gtin", "")}, prefix="product"
    )
    form, profiles = _terms_form(request, post)
    if request.method == "POST" and product_form.is_valid() and form.is_valid():
        terms = _offer_terms(request, form)
        if terms is not None:
            data = product_form.cleaned_data
            product = NewProduct(
                title=data["title"],
                brand=data["brand"],
                gtin=data["gtin"] or None,
                category_id=data["category"],
                description=data["description"],
                language=(request.LANGUAGE_CODE or "en")[:2],
                hs_code=data["hs_code"],
                country_of_origin=data["country_of_origin"].upper(),
                weight_grams=data["weight_grams"],
                gross_weight_grams=data["gross_weight_grams"],
                volume_millilitres=data["volume_millilitres"],
            )
            try:
                offer = offer_create_with_product(
                    seller=request.seller, actor=request.user, product=product, terms=terms
                )
            except ValidationError as error:
                if error.code == catalog_errors.INVALID_PRODUCT:
                    apply_service_error(product_form, error, PRODUCT_FIELD_MAP)
                else:
                    apply_service_error(form, error, OFFER_FIELD_MAP)
            else:
                messages.success(
                    request,
                    _("Your offer %(sku)s on “%(title)s” is created.") % {"sku": offer.sku, "title": product.title},
                )
                return redirect("sellercenter:offers")
    return render(
        request,
        "sellercenter/offers/new_product.html",
        {
            "section": "offers",
            "product_form": product_form,
            "form": form,
            "profiles": profiles,
            "currency": request.seller.default_currency,
        },
        status=422 if request.method == "POST" else 200,
    )


@seller_view
def offer_bulk_stock(request):
    form = BulkStockForm(request.POST or None, request.FILES or None)
    sku_errors: list[tuple[str, str]] = []
    if request.method == "POST" and form.is_valid():
        try:
            offers = offer_stock_bulk_set(
                seller=request.seller, actor=request.user, stock_by_sku=form.cleaned_data["stock_by_sku"]
            )
        except ValidationError as error:
            sku_errors = [(sku, translate_service_message(message)) for sku, message in sorted(error.fields.items())]
            form.add_error(None, translate_service_message(error.message))
        else:
            messages.success(request, _("Stock updated for %(count)s offers.") % {"count": len(offers)})
            return redirect("sellercenter:offers")
    return render(
        request,
        "sellercenter/offers/bulk_stock.html",
        {"section": "offers", "form": form, "sku_errors": sku_errors},
        status=422 if request.method == "POST" else 200,
    )


@seller_view
def shipping_profile_new(request):
    form = ShippingProfileForm(request.POST or None, initial={"currency": request.seller.default_currency})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        currency = data["currency"].upper()
        first = _minor_units(form, "first_item", currency)
        additional = _minor_units(form, "additional_item", currency) if data["additional_item"] is not None else 0
        if first is not None and additional is not None:
            countries = [code.strip() for code in data["countries"].replace(";", ",").split(",") if code.strip()]
            try:
                shipping_profile_create(
                    seller=request.seller,
                    actor=request.user,
                    name=data["name"],
                    rates=[
                        {
                            "zone_name": _("Everywhere") if countries == ["*"] else ", ".join(countries)[:60],
                            "countries": countries,
                            "service_level": "standard",
                            "carrier": data["carrier"],
                            "currency": currency,
                            "first_item_amount": first,
                            "additional_item_amount": additional,
                            "transit_days_min": data["transit_days_min"],
                            "transit_days_max": data["transit_days_max"],
                        }
                    ],
                )
            except ApplicationError as error:
                apply_service_error(
                    form,
                    error,
                    {
                        "rates[0].countries": "countries",
                        "rates[0].carrier": "carrier",
                        "rates[0].currency": "currency",
                        "rates[0].transit_days": "transit_days_max",
                        "rates[0].first_item_amount": "first_item",
                    },
                )
            else:
                messages.success(request, _("Shipping profile created."))
                return redirect(
                    request.GET.get("next")
                    if request.GET.get("next", "").startswith("/seller/")
                    else "sellercenter:offers"
                )
    return render(
        request,
        "sellercenter/offers/shipping_profile.html",
        {"section": "offers", "form": form},
        status=422 if request.method == "POST" else 200,
    )

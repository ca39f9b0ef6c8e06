"""Cart and checkout."""

from __future__ import annotations

import uuid
from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.catalog.selectors import products_localize
from comptoir.checkout.errors import IDEMPOTENCY_IN_PROGRESS, PAYMENT_DECLINED
from comptoir.checkout.selectors import checkout_progress_for_key
from comptoir.checkout.services import CheckoutOutcome, order_checkout
from comptoir.checkout.services.fx import presentment_currency
from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.offers.models import Offer
from comptoir.orders.errors import INSUFFICIENT_STOCK
from comptoir.orders.selectors import (
    cart_item_count,
    cart_line_quantity,
    cart_summary_for_buyer,
    order_get_for_buyer_with_history,
    seller_order_service_levels,
)
from comptoir.orders.services import cart_line_remove, cart_line_set
from comptoir.web.storefront.countries import buyer_country
from comptoir.web.storefront.currency import buyer_currency
from comptoir.web.storefront.forms import AddToCartForm, CartQuantityForm, CheckoutForm, DeliveryCountryForm
from comptoir.web.storefront.views.common import (
    add_service_error,
    buyer_required,
    error_message,
    localize_order_lines,
    today,
)

CHECKOUT_FIELD_MAP = {
    "shipping_address.name": "name",
    "shipping_address.street": "street",
    "shipping_address.postal_code": "postal_code",
    "shipping_address.city": "city",
    "shipping_address.country": "country",
    "payment.card_number": "card_number",
    "payment": "card_number",
    "Idempotency-Key": "idempotency_key",
    "vat_number": "vat_number",
}


def _safe_next(request, fallback: str) -> str:
    target = request.POST.get("next") or ""
    return (
        target
        if url_has_allowed_host_and_scheme(
            target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
        )
        else fallback
    )


@require_POST
@buyer_required
def cart_add(request):
    """Add units of an offer to the cart. htmx: answers with the header's cart link and a status line for the offer."""
    form = AddToCartForm(request.POST)
    status, ok, offer_id = "", False, None
    if form.is_valid():
        offer_id = form.cleaned_data["offer_id"]
        quantity = cart_line_quantity(buyer=request.user, offer_id=offer_id) + form.cleaned_data["quantity"]
        try:
            cart_line_set(buyer=request.user, offer_id=offer_id, quantity=quantity)
            ok, status = True, _("Added to your cart.")
        except ApplicationError as error:
            status = error_message(error)
    else:
        offer_id = form.data.get("offer_id") if str(form.data.get("offer_id", "")).isdigit() else None
        status = _("Choose a quantity from 1 to 999.")
    if request.htmx:
        return render(request, "storefront/_cart_added.html", {"ok": ok, "status": status, "offer_id": offer_id})
    (messages.success if ok else messages.error)(request, status)
    return redirect(_safe_next(request, reverse("storefront:cart")))


def _cart_context(request, country: str) -> dict:
    summary = cart_summary_for_buyer(
        buyer=request.user, country=country, placed_on=today(), charge_currency=_charge_currency(request)
    )
    _localize_lines(summary)
    return {"summary": summary, "country": country, "country_form": DeliveryCountryForm(initial={"country": country})}


def _localize_lines(summary) -> None:
    """The cart's products in the request's language (docs/LANGUAGES.md, "Product text")."""
    products_localize([line.offer.product for group in summary.groups for line in group.lines], None)


@buyer_required
def cart(request):
    country = buyer_country(request)
    return render(request, "storefront/cart.html", _cart_context(request, country))


@require_POST
@buyer_required
def cart_line_update(request, offer_id: int):
    """Set a line's quantity (0 removes it). htmx: answers with the refreshed cart and cart counter."""
    form = CartQuantityForm(request.POST)
    error = ""
    if form.is_valid():
        try:
            if form.cleaned_data["quantity"] == 0:
                cart_line_remove(buyer=request.user, offer_id=offer_id)
            else:
                cart_line_set(buyer=request.user, offer_id=offer_id, quantity=form.cleaned_data["quantity"])
        except ApplicationError as service_error:
            error = error_message(service_error)
    else:
        error = _("Choose a quantity from 0 to 999.")
    if request.htmx:
        context = _cart_context(request, buyer_country(request))
        context.update({"line_error": error, "error_offer_id": offer_id})
        return render(request, "storefront/_cart_body.html", context, status=200)
    if error:
        messages.error(request, error)
    return redirect("storefront:cart")


@require_POST
@buyer_required
def cart_line_delete(request, offer_id: int):
    cart_line_remove(buyer=request.user, offer_id=offer_id)
    if request.htmx:
        return render(request, "storefront/_cart_body.html", _cart_context(request, buyer_country(request)))
    messages.success(request, _("The item was removed from your cart."))
    return redirect("storefront:cart")


def _shipping_choices(data) -> dict[int, str]:
    """`shipping_<seller id>=<service level>` fields of the checkout form."""
    choices = {}
    for name, value in data.items():
        seller_id = name.removeprefix("shipping_")
        if name.startswith("shipping_") and seller_id.isdigit() and value and len(value) <= 20:
            choices[int(seller_id)] = value
    return choices


def _charge_currency(request) -> str | None:
    """The buyer's display currency when the marketplace charges in it (checkout.services.fx), else None."""
    return presentment_currency(buyer_currency(request))


def _checkout_page(
    request,
    form: CheckoutForm,
    country: str,
    choices: dict[int, str],
    *,
    status: int = 200,
    seller_errors=None,
    problem: str = "",
):
    summary = cart_summary_for_buyer(
        buyer=request.user,
        country=country,
        placed_on=today(),
        service_levels=choices,
        charge_currency=_charge_currency(request),
    )
    _localize_lines(summary)
    # A new key for every rendering: one rendered form is one checkout, however often it is submitted.
    context = {
        "form": form,
        "idempotency_key": uuid.uuid4().hex,
        "summary": summary,
        "country": country,
        "seller_errors": seller_errors or {},
        "problem": problem,
        "unavailable_offers": _unavailable_titles(request),
    }
    return render(request, "storefront/checkout.html", context, status=status)


def _unavailable_titles(request) -> list[str]:
    ids = request.session.pop("storefront_short_offers", None) or []
    products = [offer.product for offer in Offer.objects.filter(pk__in=ids).select_related("product")]
    products_localize(products, None)
    return [product.display_title for product in products]


def _checkout_outcome_page(request, outcome: CheckoutOutcome, form: CheckoutForm, country: str, choices, *, status):
    """A finished checkout: the confirmation, or the checkout page with the decline next to the card field."""
    if outcome.is_declined:
        form.add_error(None, error_message(ApplicationError("", code=PAYMENT_DECLINED)))
        form.add_error("card_number", _("Declined: %(reason)s") % {"reason": _declined_reason(outcome.decline_message)})
        return _checkout_page(request, form, country, choices, status=status, problem=PAYMENT_DECLINED)
    return redirect("storefront:order_confirmation", number=outcome.summary["number"])


def _declined_checkout_page(request, outcome: CheckoutOutcome):
    """The checkout page again after a declined payment reached through the in-progress page: the address and the
    delivery choices of the declined attempt filled in (the cart is kept), the card field empty, the reason next to
    it."""
    address = outcome.order.shipping_address or {}
    initial = {name: address.get(name, "") for name in ("name", "street", "postal_code", "city", "country")}
    data = {**initial, "card_number": "", "idempotency_key": "declined"}
    form = CheckoutForm(data)
    form.is_valid()  # binds the address so that the page shows it; the card field's "required" is replaced below
    form.errors.pop("card_number", None)
    choices = seller_order_service_levels(order_id=outcome.order.pk)
    return _checkout_outcome_page(
        request, outcome, form, initial["country"] or buyer_country(request), choices, status=402
    )


def _checkout_in_progress(request, idempotency_key: str):
    """The same form's checkout is still running (a double click, a reload): a page that refreshes itself until
    the outcome is there, instead of holding the request open."""
    return render(
        request,
        "storefront/checkout_progress.html",
        {"progress_url": f"{reverse('storefront:checkout')}?{urlencode({'key': idempotency_key})}"},
        status=202,
    )


def _checkout_progress(request, idempotency_key: str):
    """GET ?key=: where the checkout of one rendered form stands (the in-progress page polls it)."""
    progress = checkout_progress_for_key(buyer=request.user, idempotency_key=idempotency_key)
    if progress.is_running:
        return _checkout_in_progress(request, idempotency_key)
    if progress.outcome is None:
        return redirect("storefront:checkout")
    if progress.outcome.is_declined:
        return _declined_checkout_page(request, progress.outcome)
    return redirect("storefront:order_confirmation", number=progress.outcome.summary["number"])


@buyer_required
def checkout(request):
    country = buyer_country(request)
    if request.method != "POST":
        key = request.GET.get("key", "")
        if key and len(key) <= 200:
            return _checkout_progress(request, key)
        if cart_item_count(buyer=request.user) == 0:
            messages.info(request, _("Your cart is empty."))
            return redirect("storefront:cart")
        form = CheckoutForm(initial={"country": country, "name": request.user.full_name})
        return _checkout_page(request, form, country, _shipping_choices(request.GET))

    form = CheckoutForm(request.POST)
    choices = _shipping_choices(request.POST)
    if not form.is_valid():
        return _checkout_page(request, form, country, choices, status=422)
    country = form.cleaned_data["country"]
    key = form.cleaned_data["idempotency_key"]
    # One rendered form is one checkout: a second submission gets the first one's outcome, or waits for it.
    progress = checkout_progress_for_key(buyer=request.user, idempotency_key=key)
    if progress.outcome is not None:
        return _checkout_outcome_page(request, progress.outcome, form, country, choices, status=402)
    if progress.is_running:
        return _checkout_in_progress(request, key)
    try:
        outcome = order_checkout(
            buyer=request.user,
            idempotency_key=key,
            key_required=True,
            shipping_address=form.address(),
            payment_method={"card_number": form.cleaned_data["card_number"]},
            lines=None,
            shipping_choices=choices,
            currency=buyer_currency(request),
            vat_number=form.cleaned_data.get("vat_number") or None,
        )
    except Conflict as error:
        if error.code == IDEMPOTENCY_IN_PROGRESS:
            return _checkout_in_progress(request, key)
        return _checkout_error_page(request, form, country, choices, error)
    except ApplicationError as error:
        return _checkout_error_page(request, form, country, choices, error)
    return _checkout_outcome_page(request, outcome, form, country, choices, status=402)


def _checkout_error_page(request, form: CheckoutForm, country: str, choices, error: ApplicationError):
    seller_errors = {
        int(field.split(".")[1]): error_message(error)
        for field in error.fields
        if field.startswith("shipping.") and field.split(".")[1].isdigit()
    }
    if error.code == INSUFFICIENT_STOCK:
        request.session["storefront_short_offers"] = error.extra.get("offer_ids", [])
    if not seller_errors:
        add_service_error(form, error, CHECKOUT_FIELD_MAP)
    return _checkout_page(
        request, form, country, choices, status=error.status, seller_errors=seller_errors, problem=error.code
    )


def _declined_reason(detail: str) -> str:
    return {"Card declined.": _("the bank refused the payment"), "Insufficient funds.": _("insufficient funds")}.get(
        detail, detail
    )


@buyer_required
def order_confirmation(request, number: str):
    order = order_get_for_buyer_with_history(buyer=request.user, number=number)
    if order is None:
        raise Http404
    seller_orders = list(order.seller_orders.all())
    localize_order_lines(seller_orders)
    return render(request, "storefront/confirmation.html", {"order": order, "seller_orders": seller_orders})

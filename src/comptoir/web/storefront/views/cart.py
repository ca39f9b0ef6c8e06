"""Cart and checkout."""

from __future__ import annotations

import time
import uuid
from dataclasses import dataclass

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError, Conflict
from comptoir.offers.models import Offer
from comptoir.orders.selectors import (
    cart_item_count,
    cart_line_quantity,
    cart_summary_for_buyer,
    checkout_outcome_for_key,
    order_get_for_buyer_with_history,
)
from comptoir.orders.services import cart_line_remove, cart_line_set, order_checkout
from comptoir.web.storefront.countries import buyer_country
from comptoir.web.storefront.forms import AddToCartForm, CartQuantityForm, CheckoutForm, DeliveryCountryForm
from comptoir.web.storefront.views.common import add_service_error, buyer_required, error_message, today

CHECKOUT_FIELD_MAP = {
    "shipping_address.name": "name",
    "shipping_address.street": "street",
    "shipping_address.postal_code": "postal_code",
    "shipping_address.city": "city",
    "shipping_address.country": "country",
    "payment.card_number": "card_number",
    "payment": "card_number",
    "Idempotency-Key": "idempotency_key",
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
    summary = cart_summary_for_buyer(buyer=request.user, country=country, placed_on=today())
    return {"summary": summary, "country": country, "country_form": DeliveryCountryForm(initial={"country": country})}


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
    summary = cart_summary_for_buyer(buyer=request.user, country=country, placed_on=today(), service_levels=choices)
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
    return list(Offer.objects.filter(pk__in=ids).values_list("product__title", flat=True))


@dataclass(frozen=True)
class _Outcome:
    status: int
    order: object
    body: dict


def _run_checkout(*, buyer, idempotency_key: str, **arguments) -> _Outcome:
    """order_checkout for one rendered form. A second submission of the same form (a double click, a reload) gets the first
    one's outcome: stored already, or awaited while the first is still running."""
    for _attempt in range(40):
        earlier = checkout_outcome_for_key(buyer=buyer, idempotency_key=idempotency_key)
        if earlier is not None:
            return _Outcome(*earlier)
        try:
            result = order_checkout(buyer=buyer, idempotency_key=idempotency_key, key_required=True, **arguments)
            return _Outcome(result.status, result.order, result.body)
        except Conflict as error:
            if error.code != "idempotency_in_progress":
                raise
            time.sleep(0.25)
    raise Conflict("Still processing.", code="idempotency_in_progress")


@buyer_required
def checkout(request):
    country = buyer_country(request)
    if request.method != "POST":
        if cart_item_count(buyer=request.user) == 0:
            messages.info(request, _("Your cart is empty."))
            return redirect("storefront:cart")
        form = CheckoutForm(initial={"country": country, "name": request.user.full_name})
        return _checkout_page(request, form, country, _shipping_choices(request.GET))

    form = CheckoutForm(request.POST)
    choices = _shipping_choices(request.POST)
    if form.is_valid():
        country = form.cleaned_data["country"]
        try:
            result = _run_checkout(
                buyer=request.user,
                idempotency_key=form.cleaned_data["idempotency_key"],
                shipping_address=form.address(),
                payment_method={"card_number": form.cleaned_data["card_number"]},
                lines=None,
                shipping_choices=choices,
            )
        except ApplicationError as error:
            seller_errors = {
                int(field.split(".")[1]): error_message(error)
                for field in error.fields
                if field.startswith("shipping.") and field.split(".")[1].isdigit()
            }
            if error.code == "insufficient_stock":
                request.session["storefront_short_offers"] = error.extra.get("offer_ids", [])
            if not seller_errors:
                add_service_error(form, error, CHECKOUT_FIELD_MAP)
            return _checkout_page(
                request, form, country, choices, status=error.status, seller_errors=seller_errors, problem=error.code
            )
        if result.status == 402:
            form.add_error(None, error_message(ApplicationError("", code="payment_declined")))
            form.add_error("card_number", _("Declined: %(reason)s") % {"reason": _declined_reason(result.body)})
            return _checkout_page(request, form, country, choices, status=402, problem="payment_declined")
        return redirect("storefront:order_confirmation", number=result.order.number)
    return _checkout_page(request, form, country, choices, status=422)


def _declined_reason(body: dict) -> str:
    detail = body.get("detail", "")
    return {"Card declined.": _("the bank refused the payment"), "Insufficient funds.": _("insufficient funds")}.get(
        detail, detail
    )


@buyer_required
def order_confirmation(request, number: str):
    order = order_get_for_buyer_with_history(buyer=request.user, number=number)
    if order is None:
        raise Http404
    return render(
        request, "storefront/confirmation.html", {"order": order, "seller_orders": list(order.seller_orders.all())}
    )

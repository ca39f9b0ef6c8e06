"""What every storefront view shares: sign-in for buyers, translated service errors, the quoting date."""

from __future__ import annotations

import datetime as dt
from functools import wraps
from urllib.parse import quote, urlsplit

from django import forms
from django.contrib.auth.views import redirect_to_login
from django.http import HttpResponse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from comptoir.catalog.domain.translations import language_base
from comptoir.catalog.selectors import product_text_table
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError

LOGIN_URL = "/accounts/login/"

# Service messages are written in English for the API; the storefront shows its own words per error code.
ERROR_MESSAGES = {
    "payment_declined": _("Your card was declined. Nothing was charged and your cart is unchanged: try another card."),
    "invalid_card": _("This card number is not valid."),
    "insufficient_stock": _(
        "Some items are no longer available in the quantity you asked for. Adjust your cart and try again."
    ),
    "offer_unavailable": _("An item in your cart is no longer on sale. Remove it and try again."),
    "shipping_unavailable": _("A seller cannot ship your order to this country."),
    "invalid_quantity": _("Choose a quantity from 1 to 999."),
    "empty_cart": _("Your cart is empty."),
    "mixed_currencies": _("Your cart mixes currencies: check out the items of one currency at a time."),
    "no_exchange_rate": _(
        "Your order cannot be converted into your currency today. Choose another currency to pay in."
    ),
    "invalid_address": _("The delivery address is incomplete."),
    "invalid_vat_number": _("This VAT number is not valid. Check it, or leave the field empty to buy as a consumer."),
    "vat_number_country_mismatch": _("The VAT number must be of the delivery country."),
    "idempotency_key_reused": _("This form was already sent with other details. Check your order and send it again."),
    "idempotency_in_progress": _("Your order is still being processed. Check your orders in a moment."),
    "invalid_transition": _("This is no longer possible for this order; the page shows its current status."),
    "transition_not_allowed_for_actor": _(
        "This is no longer possible for this order; the page shows its current status."
    ),
    "reason_required": _("Tell the seller why."),
    "return_window_closed": _("The return window for this order has closed."),
    "dispute_not_allowed": _("A dispute cannot be opened on this order now."),
    "description_required": _("Describe the problem."),
    "invalid_return_reason": _("Choose a reason."),
    "invalid_dispute_reason": _("Choose a reason."),
}


def error_message(error: ApplicationError) -> str:
    return str(ERROR_MESSAGES.get(error.code, error.message))


def add_service_error(form: forms.Form, error: ApplicationError, field_map: dict[str, str] | None = None) -> None:
    """Show a service error next to the form fields it names (through `field_map` when names differ), else above the
    form."""
    message = error_message(error)
    placed = False
    for field in error.fields:
        target = (field_map or {}).get(field, field)
        if target in form.fields:
            form.add_error(target, ERROR_MESSAGES.get(error.code) or error.fields[field])
            placed = True
    if not placed:
        form.add_error(None, message)


def buyer_required(view):
    """Signed-in users only; a visitor goes to the login page and comes back (htmx requests are redirected as a whole
    page)."""

    @wraps(view)
    def wrapper(request, *args, **kwargs):
        if request.user.is_authenticated:
            return view(request, *args, **kwargs)
        if getattr(request, "htmx", False):
            response = HttpResponse(status=204)
            current = urlsplit(request.headers.get("HX-Current-URL", "/"))
            response["HX-Redirect"] = (
                f"{LOGIN_URL}?next={quote(current.path + ('?' + current.query if current.query else ''))}"
            )
            return response
        return redirect_to_login(request.get_full_path(), LOGIN_URL)

    return wrapper


def today() -> dt.date:
    """The date delivery promises are computed from: the same one checkout will use."""
    return clock.now().date()


def localize_order_lines(seller_orders) -> None:
    """Give each line of these seller orders a `display_title`: its product's title in the request's language when a
    translation exists, else the title recorded when it was bought (docs/LANGUAGES.md, "Product text")."""
    lines = [line for seller_order in seller_orders for line in seller_order.lines.all()]
    language = language_base(get_language())
    texts = product_text_table({line.product_id for line in lines}, [language])
    for line in lines:
        text = texts.get((line.product_id, language))
        line.display_title = text.title if text is not None and text.is_translation else line.title

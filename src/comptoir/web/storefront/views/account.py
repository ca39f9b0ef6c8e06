"""A buyer's orders and the actions on each seller order. Every lookup is scoped to the signed-in buyer: another buyer's
number is 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.checkout.services import seller_order_cancel
from comptoir.core import clock
from comptoir.core.exceptions import ApplicationError
from comptoir.orders.domain.disputes import dispute_opens_on
from comptoir.orders.domain.state_machine import DISPUTABLE, Actor, allowed_actions
from comptoir.orders.errors import DISPUTE_TOO_EARLY
from comptoir.orders.models import DisputeReason, DisputeStatus
from comptoir.orders.selectors import (
    credit_notes_for_seller_order,
    order_get_for_buyer_with_history,
    order_list_for_buyer,
)
from comptoir.orders.services import dispute_open, seller_order_mark_delivered, seller_order_request_return
from comptoir.web.storefront.forms import CancelForm, ConfirmDeliveryForm, DisputeForm, ReturnForm
from comptoir.web.storefront.views.common import add_service_error, buyer_required, localize_order_lines

ACTION_FORMS = {
    "cancel": CancelForm,
    "confirm-delivery": ConfirmDeliveryForm,
    "return": ReturnForm,
    "dispute": DisputeForm,
}
SUCCESS_MESSAGES = {
    "cancel": _("Your order was cancelled. The refund is on its way to your card."),
    "confirm-delivery": _("Thank you for confirming the delivery."),
    "return": _("Your return request was sent to the seller."),
    "dispute": _("Your dispute was opened. The marketplace team will look into it."),
}


def _not_received_from(seller_order):
    """The date from which "item not received" may be reported, while it is still ahead; else None."""
    opens_on = dispute_opens_on(reason=DisputeReason.NOT_RECEIVED, deliver_by=seller_order.deliver_by)
    return opens_on if opens_on and clock.now().date() < opens_on else None


def _too_early_message(seller_order) -> str:
    # A "not received" dispute always has an opening date (the day after the promise).
    opens_on = dispute_opens_on(reason=DisputeReason.NOT_RECEIVED, deliver_by=seller_order.deliver_by) or (
        seller_order.deliver_by
    )
    return _(
        "The parcel is promised by %(deliver_by)s. If it has still not arrived, you can report it from %(opens_on)s."
    ) % {
        "deliver_by": date_format(seller_order.deliver_by, "DATE_FORMAT"),
        "opens_on": date_format(opens_on, "DATE_FORMAT"),
    }


@buyer_required
def order_list(request):
    page = Paginator(order_list_for_buyer(request.user), 10).get_page(request.GET.get("page"))
    return render(request, "storefront/account/orders.html", {"page": page})


def _action_form(action: str, seller_order, data=None) -> forms.Form:
    """The form of one action on a seller order (the return form lists the seller order's lines)."""
    prefix = f"{seller_order.number}-{action}"
    if action == "return":
        return ReturnForm(data, prefix=prefix, lines=list(seller_order.lines.all()))
    return ACTION_FORMS[action](data, prefix=prefix)


def _actions_for(seller_order) -> list[str]:
    """The forms a buyer may use now on a seller order, in the page's order."""
    allowed = allowed_actions(seller_order.status, Actor.BUYER)
    actions = [
        name
        for name, action in (("cancel", "cancel"), ("confirm-delivery", "deliver"), ("return", "request_return"))
        if action in allowed
    ]
    has_open_dispute = any(dispute.status == DisputeStatus.OPEN for dispute in seller_order.disputes.all())
    if seller_order.status in DISPUTABLE and not has_open_dispute:
        actions.append("dispute")
    return actions


def _order_page(request, order, *, bound: tuple[str, str, forms.Form] | None = None, status: int = 200):
    """The order page; `bound` = (seller order number, action, form) puts a submitted form with its errors back in
    place."""
    parts = []
    localize_order_lines(order.seller_orders.all())
    for seller_order in order.seller_orders.all():
        forms = {action: _action_form(action, seller_order) for action in _actions_for(seller_order)}
        errors = []
        if bound and bound[0] == seller_order.number:
            if bound[1] in forms:
                forms[bound[1]] = bound[2]
            else:  # the action is no longer possible (the seller moved first): say so where the form was
                errors = [message for messages_of_field in bound[2].errors.values() for message in messages_of_field]
        parts.append(
            {
                "seller_order": seller_order,
                "forms": forms,
                "open_action": bound[1] if bound and bound[0] == seller_order.number else "",
                "errors": errors,
                "not_received_from": _not_received_from(seller_order),
            }
        )
    return render(request, "storefront/account/order_detail.html", {"order": order, "parts": parts}, status=status)


@buyer_required
def order_detail(request, number: str):
    order = order_get_for_buyer_with_history(buyer=request.user, number=number)
    if order is None:
        raise Http404
    return _order_page(request, order)


@buyer_required
def invoice(request, number: str, seller_order_number: str):
    """The invoice of one seller order of the buyer's order: seller, buyer, lines, shipping and the VAT breakdown with
    the regime's mention (reverse charge, deemed supplier). Only for orders priced with VAT."""
    order = order_get_for_buyer_with_history(buyer=request.user, number=number)
    seller_order = (
        next((part for part in order.seller_orders.all() if part.number == seller_order_number), None)
        if order is not None
        else None
    )
    if order is None or seller_order is None or not seller_order.tax_lines.all():
        raise Http404
    return render(
        request,
        "storefront/account/invoice.html",
        {"order": order, "seller_order": seller_order, "credit_notes": credit_notes_for_seller_order(seller_order)},
    )


@require_POST
@buyer_required
def seller_order_action(request, number: str, seller_order_number: str, action: str):
    order = order_get_for_buyer_with_history(buyer=request.user, number=number)
    seller_order = (
        next((part for part in order.seller_orders.all() if part.number == seller_order_number), None)
        if order is not None
        else None
    )
    if order is None or seller_order is None or action not in ACTION_FORMS:
        raise Http404
    form = _action_form(action, seller_order, request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            if action == "cancel":
                seller_order_cancel(
                    seller_order_id=seller_order.pk,
                    actor=request.user,
                    actor_role=Actor.BUYER,
                    reason=data["reason"],
                    buyer=request.user,
                )
            elif action == "confirm-delivery":
                seller_order_mark_delivered(
                    seller_order_id=seller_order.pk, actor=request.user, actor_role=Actor.BUYER, buyer=request.user
                )
            elif action == "return":
                seller_order_request_return(
                    buyer=request.user,
                    seller_order_id=seller_order.pk,
                    return_reason=data["return_reason"],
                    comment=data["comment"],
                    lines=form.chosen_lines() if isinstance(form, ReturnForm) else None,
                )
            else:
                dispute_open(
                    buyer=request.user,
                    seller_order_id=seller_order.pk,
                    reason=data["reason"],
                    description=data["description"],
                )
        except ApplicationError as error:
            if error.code == DISPUTE_TOO_EARLY:
                form.add_error("reason", _too_early_message(seller_order))
            else:
                add_service_error(form, error)
            order = order_get_for_buyer_with_history(buyer=request.user, number=number) or order
            return _order_page(request, order, bound=(seller_order.number, action, form), status=error.status)
        messages.success(request, SUCCESS_MESSAGES[action])
        return redirect(reverse("storefront:order_detail", kwargs={"number": order.number}) + f"#{seller_order.number}")
    return _order_page(request, order, bound=(seller_order.number, action, form), status=422)

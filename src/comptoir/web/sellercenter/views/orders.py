"""Orders: list with status filters (late ones highlighted), detail, and the seller's actions, each a
call to its orders service. A refused action is shown next to its field or as a message."""

from __future__ import annotations

import uuid

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.checkout.services import seller_order_cancel, seller_order_credit, seller_order_refund
from comptoir.checkout.services.credit_notes import CreditOutcome
from comptoir.core.exceptions import ApplicationError, InvalidTransition, ValidationError
from comptoir.orders import errors as order_errors
from comptoir.orders.domain.state_machine import Actor, allowed_actions
from comptoir.orders.selectors import (
    credit_notes_for_seller_order,
    return_request_for_seller_order,
    seller_order_duty_vat,
    seller_order_events,
    seller_order_get_for_seller,
    seller_order_list_for_seller,
    seller_order_net_amount,
    seller_return_policy,
)
from comptoir.orders.services import (
    credit_note_find,
    seller_order_accept,
    seller_order_creditable_lines,
    seller_order_mark_delivered,
    seller_order_receive_return,
    seller_order_return_accept,
    seller_order_ship,
    seller_return_policy_set,
)
from comptoir.web.locale_formats import format_local_date
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import (
    ORDER_FILTERS,
    CancelForm,
    CreditNoteForm,
    ReceiveReturnForm,
    ReturnPolicyForm,
    ShipForm,
)
from comptoir.web.sellercenter.messages import apply_service_error, translate_service_message
from comptoir.web.sellercenter.views.common import (
    ORDER_STATUS_BADGES,
    ORDER_STATUS_LABELS,
    is_late,
    order_rows,
    paginate,
    today,
)
from comptoir.web.templatetags.comptoir import as_money

FILTER_VALUES = {value for value, _label in ORDER_FILTERS}
EVENT_LABELS = {
    "create": _("Order placed"),
    "payment_captured": _("Payment received"),
    "payment_failed": _("Payment failed"),
    "accept": _("Accepted"),
    "ship": _("Shipped"),
    "deliver": _("Delivered"),
    "complete": _("Completed, funds released"),
    "cancel": _("Cancelled"),
    "request_return": _("Return requested"),
    "receive_return": _("Return received"),
    "refund": _("Refunded"),
    "return_accepted": _("Return accepted"),
    "dispute_opened": _("Dispute opened"),
    "dispute_decided": _("Dispute decided"),
}


@seller_view
def order_list(request):
    status = request.GET.get("status", "")
    if status not in FILTER_VALUES:
        status = ""
    if status == "late":
        seller_orders = seller_order_list_for_seller(seller=request.seller).filter(
            status__in=("placed", "accepted"), ship_by__lt=today()
        )
    else:
        seller_orders = seller_order_list_for_seller(seller=request.seller, status=status or None)
    page = paginate(request, seller_orders, 20)
    return render(
        request,
        "sellercenter/orders/list.html",
        {"section": "orders", "page": page, "rows": order_rows(page), "status": status, "filters": ORDER_FILTERS},
    )


def _get(request, number: str):
    seller_order = seller_order_get_for_seller(seller=request.seller, number=number)
    if seller_order is None:
        raise Http404
    return seller_order


def _credit_form(seller_order, data=None) -> CreditNoteForm:
    titles = {line.pk: f"{line.title} ({line.sku})" for line in seller_order.lines.all()}
    return CreditNoteForm(
        data,
        creditable=seller_order_creditable_lines(seller_order),
        titles=titles,
        initial={"key": uuid.uuid4().hex},
    )


def _credit_context(seller_order, form=None, *, issued=None) -> dict:
    """The credit notes card: the notes issued (a chargeback's too, before the release), and the form while something
    is left to refund (released orders)."""
    if not seller_order.is_released:
        return {"order": seller_order, "credit_notes": credit_notes_for_seller_order(seller_order), "credit_form": None}
    form = form or _credit_form(seller_order)
    return {
        "order": seller_order,
        "credit_notes": credit_notes_for_seller_order(seller_order),
        "credit_form": form if form.line_fields else None,
        "issued": issued,
    }


def _detail(
    request, seller_order, *, ship_form=None, cancel_form=None, return_form=None, credit_form=None, status: int = 200
):
    actions = allowed_actions(seller_order.status, Actor.SELLER)
    events = seller_order_events(seller_order)
    return render(
        request,
        "sellercenter/orders/detail.html",
        {
            **_credit_context(seller_order, credit_form),
            "net_amount": seller_order_net_amount(seller_order),
            "duty_remitted": seller_order.duty_amount - seller_order_duty_vat(seller_order),
            "section": "orders",
            "order": seller_order,
            "actions": actions,
            "is_late": is_late(seller_order),
            "status_label": ORDER_STATUS_LABELS.get(seller_order.status, seller_order.status),
            "badge": ORDER_STATUS_BADGES.get(seller_order.status, ""),
            "ship_form": ship_form or ShipForm(),
            "cancel_form": cancel_form or CancelForm(),
            "return_form": return_form or ReceiveReturnForm(initial={"restock": True}),
            "events": [{"event": event, "label": EVENT_LABELS.get(event.action, event.action)} for event in events],
            "address": seller_order.order.shipping_address,
            "return_request": return_request_for_seller_order(seller_order),
            "has_return_policy": seller_return_policy(seller=request.seller) is not None,
        },
        status=status,
    )


@seller_view
def order_detail(request, number: str):
    return _detail(request, _get(request, number))


DONE_MESSAGES = {
    "accept": _("Order %(number)s accepted. Ship it by %(date)s."),
    "ship": _("Order %(number)s marked as shipped. The buyer can follow the parcel."),
    "deliver": _("Order %(number)s marked as delivered."),
    "cancel": _("Order %(number)s cancelled; the buyer is refunded in full."),
    "receive_return": _("Return of order %(number)s received."),
    "refund": _("Order %(number)s refunded."),
    "accept_return": _("Return of order %(number)s accepted. The buyer now sees your return address."),
}


@require_POST
@seller_view
def order_action(request, number: str, action: str):
    seller_order = _get(request, number)
    seller, actor, order_id = request.seller, request.user, seller_order.pk
    form: forms.Form | None = None
    try:
        if action == "accept":
            seller_order_accept(seller=seller, seller_order_id=order_id, actor=actor)
        elif action == "ship":
            form = ShipForm(request.POST)
            if not form.is_valid():
                return _detail(request, seller_order, ship_form=form, status=422)
            seller_order_ship(
                seller=seller,
                seller_order_id=order_id,
                actor=actor,
                carrier=form.carrier_name(),
                tracking_number=form.cleaned_data["tracking_number"],
            )
        elif action == "deliver":
            seller_order_mark_delivered(seller=seller, seller_order_id=order_id, actor=actor, actor_role=Actor.SELLER)
        elif action == "cancel":
            form = CancelForm(request.POST)
            if not form.is_valid():
                return _detail(request, seller_order, cancel_form=form, status=422)
            seller_order_cancel(
                seller=seller,
                seller_order_id=order_id,
                actor=actor,
                actor_role=Actor.SELLER,
                reason=form.cleaned_data["reason"],
            )
        elif action == "receive-return":
            form = ReceiveReturnForm(request.POST)
            form.is_valid()
            seller_order_receive_return(
                seller=seller, seller_order_id=order_id, actor=actor, restock=bool(form.cleaned_data.get("restock"))
            )
        elif action == "refund":
            seller_order_refund(seller=seller, seller_order_id=order_id, actor=actor)
        elif action == "accept-return":
            seller_order_return_accept(seller=seller, seller_order_id=order_id, actor=actor)
        else:
            raise Http404
    except InvalidTransition as error:
        messages.error(request, translate_service_message(error.message))
        return redirect("sellercenter:order_detail", number=number)
    except ValidationError as error:
        if form is not None:
            apply_service_error(form, error)
            keyword = {"ship": "ship_form", "cancel": "cancel_form", "receive-return": "return_form"}[action]
            return _detail(request, seller_order, status=422, **{keyword: form})
        messages.error(request, translate_service_message(error.message))
        return redirect("sellercenter:order_detail", number=number)
    except ApplicationError as error:
        if error.code == order_errors.RETURN_ADDRESS_MISSING:
            messages.error(request, _("Set your return address before accepting returns."))
            return redirect("sellercenter:return_policy")
        messages.error(request, translate_service_message(error.message))
        return redirect("sellercenter:order_detail", number=number)
    seller_order.refresh_from_db()
    messages.success(
        request,
        str(DONE_MESSAGES[action.replace("-", "_")])
        % {"number": number, "date": format_local_date(seller_order.ship_by)},
    )
    return redirect("sellercenter:order_detail", number=number)


@require_POST
@seller_view
def order_credit(request, number: str):
    """Issue a credit note for a released order (checkout.services.seller_order_credit): units per line and the
    shipping given back, the VAT reversed. With htmx the credit notes card is swapped (errors inside it); without, the
    order page is shown again. The form's key makes a second submission return the first note."""
    seller_order = _get(request, number)
    form = _credit_form(seller_order, request.POST)
    issued = None
    # A form submitted again (a double click, a retry) names a note already issued: that note is the answer, before
    # its quantities are checked against what is left now.
    existing = credit_note_find(seller_order=seller_order, key=str(request.POST.get("key", ""))[:120])
    if existing is not None:
        issued = CreditOutcome(existing, created=False)
    elif form.is_valid():
        try:
            outcome = seller_order_credit(
                seller_order_id=seller_order.pk,
                key=form.cleaned_data["key"],
                quantities=form.quantities(),
                reason=form.cleaned_data["reason"],
                actor=request.user,
                seller=request.seller,
            )
        except ValidationError as error:
            apply_service_error(form, error)
        except ApplicationError as error:
            form.add_error(None, translate_service_message(error.message))
        else:
            issued = outcome
    if issued is not None:
        seller_order = _get(request, number)
        note = issued.credit_note
        text = (
            _("Credit note %(number)s issued: %(amount)s refunded to the buyer.")
            if issued.created
            else _("Credit note %(number)s was already issued.")
        ) % {"number": note.number, "amount": as_money(note.gross)}
        if request.htmx:
            return render(
                request, "sellercenter/orders/_credit_notes.html", {**_credit_context(seller_order), "issued": text}
            )
        messages.success(request, text)
        return redirect("sellercenter:order_detail", number=number)
    if request.htmx:
        # htmx swaps 2xx answers only: the card comes back with its errors.
        return render(request, "sellercenter/orders/_credit_notes.html", _credit_context(seller_order, form))
    return _detail(request, seller_order, credit_form=form, status=422)


RETURN_ADDRESS_FIELDS = ("name", "street", "postal_code", "city", "country")


@seller_view
def return_policy(request):
    """The seller's return address and instructions, given to a buyer once the seller accepts their return."""
    policy = seller_return_policy(seller=request.seller)
    if request.method != "POST":
        initial = {**(policy.address if policy else {}), "instructions": policy.instructions if policy else ""}
        form = ReturnPolicyForm(initial=initial)
        return render(request, "sellercenter/orders/return_policy.html", {"section": "orders", "form": form})
    form = ReturnPolicyForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        try:
            seller_return_policy_set(
                seller=request.seller,
                actor=request.user,
                address={name: data[name] for name in RETURN_ADDRESS_FIELDS},
                instructions=data["instructions"],
            )
        except ValidationError as error:
            for field, text in error.fields.items():
                name = field.removeprefix("address.")
                form.add_error(name if name in form.fields else None, translate_service_message(text))
        else:
            messages.success(request, _("Your return address is saved."))
            return redirect("sellercenter:return_policy")
    return render(request, "sellercenter/orders/return_policy.html", {"section": "orders", "form": form}, status=422)

"""Webhooks (owner only): endpoints, their secret shown once, the delivery log with each attempt, replays."""

from __future__ import annotations

import json

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError, NotFound
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.forms import WebhookEndpointForm
from comptoir.web.sellercenter.messages import apply_service_error
from comptoir.webhooks.models import DeliveryStatus, WebhookEventType
from comptoir.webhooks.selectors import (
    webhook_attempt_list,
    webhook_delivery_get,
    webhook_delivery_list,
    webhook_endpoint_get,
    webhook_endpoint_list,
)
from comptoir.webhooks.services import (
    webhook_delivery_replay,
    webhook_endpoint_create,
    webhook_endpoint_delete,
    webhook_endpoint_secret_rotate,
    webhook_endpoint_update,
)

SESSION_NEW_SECRET = "sellercenter_new_webhook_secret"
EVENT_LABELS = dict(WebhookEventType.choices)
STATUS_BADGES = {
    DeliveryStatus.PENDING: "warning",
    DeliveryStatus.SUCCEEDED: "success",
    DeliveryStatus.FAILED: "danger",
}
LOG_PAGE_SIZE = 25


def _delivery_rows(deliveries) -> list[dict]:
    return [
        {
            "delivery": delivery,
            "event_label": EVENT_LABELS.get(delivery.event_type, delivery.event_type),
            "status_label": DeliveryStatus(delivery.status).label,
            "badge": STATUS_BADGES[DeliveryStatus(delivery.status)],
        }
        for delivery in deliveries
    ]


@seller_view(owner_only=True)
def endpoint_list(request):
    form = WebhookEndpointForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            endpoint, secret = webhook_endpoint_create(
                seller=request.seller,
                actor=request.user,
                url=form.cleaned_data["url"],
                event_types=form.cleaned_data["event_types"],
                description=form.cleaned_data["description"],
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            # Shown once, on the next page, then forgotten by the session.
            request.session[SESSION_NEW_SECRET] = {"id": endpoint.pk, "secret": secret}
            return redirect("sellercenter:webhook_secret")
    endpoints = [
        {"endpoint": endpoint, "events": [EVENT_LABELS.get(value, value) for value in endpoint.event_types]}
        for endpoint in webhook_endpoint_list(request.seller)
    ]
    status = request.GET.get("status") or ""
    if status not in DeliveryStatus.values:
        status = ""
    page = Paginator(webhook_delivery_list(request.seller, status=status or None), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sellercenter/webhooks/endpoints.html",
        {
            "section": "webhooks",
            "form": form,
            "endpoints": endpoints,
            "rows": _delivery_rows(page.object_list),
            "page": page,
            "status": status,
            "statuses": DeliveryStatus.choices,
        },
        status=422 if request.method == "POST" else 200,
    )


@seller_view(owner_only=True)
def endpoint_secret(request):
    shown = request.session.pop(SESSION_NEW_SECRET, None)
    if shown is None:
        return redirect("sellercenter:webhooks")
    endpoint = webhook_endpoint_get(request.seller, shown["id"])
    if endpoint is None:
        raise Http404
    return render(
        request,
        "sellercenter/webhooks/secret.html",
        {"section": "webhooks", "endpoint": endpoint, "secret": shown["secret"]},
    )


@seller_view(owner_only=True)
def endpoint_detail(request, endpoint_id: int):
    endpoint = webhook_endpoint_get(request.seller, endpoint_id)
    if endpoint is None:
        raise Http404
    initial = {
        "url": endpoint.url,
        "description": endpoint.description,
        "event_types": endpoint.event_types,
        "is_active": endpoint.is_active,
    }
    form = WebhookEndpointForm(request.POST or None, initial=initial, with_active=True)
    if request.method == "POST" and form.is_valid():
        try:
            webhook_endpoint_update(
                seller=request.seller, actor=request.user, endpoint_id=endpoint.pk, changes=form.cleaned_data
            )
        except ApplicationError as error:
            apply_service_error(form, error)
        else:
            messages.success(request, _("The endpoint is saved."))
            return redirect("sellercenter:webhook_endpoint", endpoint_id=endpoint.pk)
    page = Paginator(webhook_delivery_list(request.seller, endpoint_id=endpoint.pk), LOG_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(
        request,
        "sellercenter/webhooks/endpoint.html",
        {
            "section": "webhooks",
            "endpoint": endpoint,
            "form": form,
            "rows": _delivery_rows(page.object_list),
            "page": page,
        },
        status=422 if request.method == "POST" else 200,
    )


@require_POST
@seller_view(owner_only=True)
def endpoint_secret_rotate(request, endpoint_id: int):
    try:
        endpoint, secret = webhook_endpoint_secret_rotate(
            seller=request.seller, actor=request.user, endpoint_id=endpoint_id
        )
    except NotFound as error:
        raise Http404 from error
    request.session[SESSION_NEW_SECRET] = {"id": endpoint.pk, "secret": secret}
    return redirect("sellercenter:webhook_secret")


@require_POST
@seller_view(owner_only=True)
def endpoint_delete(request, endpoint_id: int):
    try:
        webhook_endpoint_delete(seller=request.seller, actor=request.user, endpoint_id=endpoint_id)
    except NotFound as error:
        raise Http404 from error
    messages.success(request, _("The endpoint and its delivery log are removed."))
    return redirect("sellercenter:webhooks")


@seller_view(owner_only=True)
def delivery_detail(request, delivery_id: int):
    delivery = webhook_delivery_get(request.seller, delivery_id)
    if delivery is None:
        raise Http404
    [row] = _delivery_rows([delivery])
    return render(
        request,
        "sellercenter/webhooks/delivery.html",
        {
            "section": "webhooks",
            "row": row,
            "delivery": delivery,
            "attempts": list(webhook_attempt_list(delivery)),
            "payload": json.dumps(delivery.payload, indent=2, ensure_ascii=False),
        },
    )


@require_POST
@seller_view(owner_only=True)
def delivery_replay(request, delivery_id: int):
    try:
        delivery, queued = webhook_delivery_replay(seller=request.seller, actor=request.user, delivery_id=delivery_id)
    except NotFound as error:
        raise Http404 from error
    if queued:
        messages.success(request, _("The event is being sent again; its attempt appears below."))
    else:
        messages.info(request, _("This delivery is still pending: it is not sent twice."))
    return redirect("sellercenter:webhook_delivery", delivery_id=delivery.pk)

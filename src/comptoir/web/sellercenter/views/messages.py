"""Buyer messages and reviews: the inbox (threads waiting for an answer first, with how long they have waited),
a thread with the reply form, the reviews list with a one-time public reply. Scoped to the current seller:
another seller's order or review is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages as flash
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.orders.models import SellerOrder
from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.trust.services import message_send, review_reply
from comptoir.web.sellercenter.access import seller_view
from comptoir.web.sellercenter.views.common import paginate
from comptoir.web.sellercenter.views.trust_common import ERRORS
from comptoir.web.storefront import trust_labels


class ReplyForm(forms.Form):
    body = forms.CharField(
        label=_("Your answer"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message of 1 to 5,000 characters.")},
    )


class ReviewReplyForm(forms.Form):
    text = forms.CharField(
        label=_("Public reply"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Shown under the review on your shop and product pages. You can reply only once."),
        error_messages={"required": _("Write a reply of 1 to 5,000 characters.")},
    )


def _service_error(form, error: ApplicationError) -> None:
    message = ERRORS.get(error.code, error.message)
    target = next((name for name in error.fields if name in form.fields), None)
    form.add_error(target, message)


@seller_view
def inbox(request):
    rows = selectors.message_inbox_for_seller(seller_id=request.seller.pk)
    response = selectors.seller_trust_row(seller_id=request.seller.pk)
    metric = (response.metrics or {}).get("response_time_hours") if response else None
    return render(
        request,
        "sellercenter/trust/inbox.html",
        {
            "section": "messages",
            "rows": rows,
            "waiting": sum(1 for row in rows if row.is_awaiting_reply),
            "response_time": trust_labels.metric_value_text("response_time_hours", metric.get("value"))
            if metric
            else "—",
            "response_target": trust_labels.target_text("response_time_hours", metric) if metric else "< 24 h",
        },
    )


@seller_view
def thread(request, number: str):
    seller_order = (
        SellerOrder.objects.filter(seller=request.seller, number=number).select_related("order__buyer").first()
    )
    if seller_order is None:
        raise Http404
    form = ReplyForm(request.POST or None)
    status = 200
    if request.method == "POST":
        if form.is_valid():
            try:
                message_send(
                    sender=request.user,
                    seller=request.seller,
                    seller_order_id=seller_order.pk,
                    body=form.cleaned_data["body"],
                )
            except ApplicationError as error:
                _service_error(form, error)
                status = error.status
            else:
                flash.success(request, _("Your answer was sent to the buyer."))
                return redirect("sellercenter:message_thread", number=seller_order.number)
        else:
            status = 422
    return render(
        request,
        "sellercenter/trust/thread.html",
        {
            "section": "messages",
            "seller_order": seller_order,
            "thread": selectors.message_thread(seller_order_id=seller_order.pk),
            "form": form,
        },
        status=status,
    )


@seller_view
def review_list(request):
    only_unanswered = request.GET.get("filter") == "unanswered"
    page = paginate(
        request, selectors.review_list_for_seller(seller_id=request.seller.pk, only_unanswered=only_unanswered), 20
    )
    return render(
        request,
        "sellercenter/trust/reviews.html",
        {
            "section": "reviews",
            "page": page,
            "only_unanswered": only_unanswered,
            "breakdown": selectors.review_breakdown(seller_id=request.seller.pk),
            "forms": {
                review.pk: ReviewReplyForm(prefix=f"r{review.pk}")
                for review in page.object_list
                if not review.seller_replied_at
            },
        },
    )


@require_POST
@seller_view
def review_reply_view(request, review_id: int):
    form = ReviewReplyForm(request.POST, prefix=f"r{review_id}")
    if form.is_valid():
        try:
            review_reply(seller=request.seller, actor=request.user, review_id=review_id, text=form.cleaned_data["text"])
        except ApplicationError as error:
            if error.code == trust_errors.REVIEW_NOT_FOUND:
                raise Http404 from error
            flash.error(request, ERRORS.get(error.code, error.message))
        else:
            flash.success(request, _("Your reply is published under the review."))
    else:
        flash.error(request, ERRORS[trust_errors.INVALID_REPLY])
    return redirect(reverse("sellercenter:reviews") + f"#review-{review_id}")

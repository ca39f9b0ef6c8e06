"""Trust pages of the storefront: write a review of a delivered seller order, the message thread with the
seller, report a review, and the public page on how reviews are verified (Omnibus Directive, UCPD Art. 7(6)).
Every lookup is scoped to the signed-in buyer: another buyer's seller order is a 404."""

from __future__ import annotations

from django import forms
from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _
from django.views.decorators.http import require_POST

from comptoir.core.exceptions import ApplicationError
from comptoir.orders.models import SellerOrder
from comptoir.trust import errors as trust_errors
from comptoir.trust import selectors
from comptoir.trust.services import REVIEWABLE, message_send, review_create, review_report
from comptoir.web.storefront import trust_labels
from comptoir.web.storefront.views.common import buyer_required

RATING_CHOICES = [(value, str(value)) for value in range(1, 6)]

ERRORS = {
    trust_errors.REVIEW_NOT_ALLOWED: _("Only a delivered order can be reviewed."),
    trust_errors.REVIEW_EXISTS: _("You have already reviewed this order."),
    trust_errors.INVALID_RATING: _("Choose from 1 to 5 stars."),
    trust_errors.INVALID_TEXT: _("At most 5,000 characters."),
    trust_errors.INVALID_MESSAGE: _("Write a message of 1 to 5,000 characters."),
    trust_errors.REPORT_EXISTS: _("You have already reported this review."),
    trust_errors.REASON_REQUIRED: _("Choose a reason."),
    trust_errors.REVIEW_NOT_FOUND: _("This review is no longer shown."),
}


class ReviewForm(forms.Form):
    product_rating = forms.TypedChoiceField(
        label=trust_labels.RATING_NAMES["product_rating"],
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    item_as_described = forms.TypedChoiceField(
        label=trust_labels.RATING_NAMES["item_as_described"],
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    communication = forms.TypedChoiceField(
        label=trust_labels.RATING_NAMES["communication"],
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    shipping_speed = forms.TypedChoiceField(
        label=trust_labels.RATING_NAMES["shipping_speed"],
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    packaging = forms.TypedChoiceField(
        label=trust_labels.RATING_NAMES["packaging"],
        choices=RATING_CHOICES,
        coerce=int,
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose from 1 to 5 stars.")},
    )
    text = forms.CharField(
        label=_("Your review"),
        required=False,
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("What should other buyers know? Please do not include personal data."),
    )

    RATINGS = ("product_rating", "item_as_described", "communication", "shipping_speed", "packaging")

    def rating_fields(self):
        return [self[name] for name in self.RATINGS]


class MessageForm(forms.Form):
    body = forms.CharField(
        label=_("Your message"),
        max_length=5000,
        widget=forms.Textarea(attrs={"rows": 4}),
        error_messages={"required": _("Write a message of 1 to 5,000 characters.")},
    )


class ReportForm(forms.Form):
    reason = forms.ChoiceField(
        label=_("Reason"), choices=trust_labels.REPORT_REASONS, error_messages={"required": _("Choose a reason.")}
    )
    details = forms.CharField(
        label=_("Details (optional)"), required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 3})
    )


def _translated(form, error: ApplicationError) -> None:
    code_message = ERRORS.get(error.code)
    placed = False
    for field in error.fields:
        if field in form.fields:
            form.add_error(field, code_message or error.fields[field])
            placed = True
    if not placed:
        form.add_error(None, code_message or error.message)


def _buyer_seller_order(request, seller_order_number: str) -> SellerOrder:
    seller_order = (
        SellerOrder.objects.filter(number=seller_order_number, order__buyer=request.user)
        .select_related("order", "seller")
        .prefetch_related("lines")
        .first()
    )
    if seller_order is None:
        raise Http404
    return seller_order


@buyer_required
def review_new(request, seller_order_number: str):
    seller_order = _buyer_seller_order(request, seller_order_number)
    existing = selectors.review_for_seller_orders([seller_order.pk]).get(seller_order.pk)
    order_url = (
        reverse("storefront:order_detail", kwargs={"number": seller_order.order.number}) + f"#{seller_order.number}"
    )
    if existing is not None:
        messages.info(request, ERRORS[trust_errors.REVIEW_EXISTS])
        return redirect(order_url)
    status = 200
    if request.method == "POST":
        form = ReviewForm(request.POST)
        if form.is_valid():
            data = form.cleaned_data
            try:
                review_create(
                    buyer=request.user,
                    seller_order_id=seller_order.pk,
                    ratings={name: data[name] for name in ReviewForm.RATINGS},
                    text=data["text"],
                    language=(get_language() or "en")[:2],
                )
            except ApplicationError as error:
                _translated(form, error)
                status = error.status
            else:
                messages.success(request, _("Thank you, your review is published."))
                return redirect(order_url)
        else:
            status = 422
    else:
        form = ReviewForm()
    return render(
        request,
        "storefront/trust/review_form.html",
        {
            "form": form,
            "seller_order": seller_order,
            "order_url": order_url,
            "is_reviewable": seller_order.status in REVIEWABLE,
        },
        status=status,
    )


@buyer_required
def message_thread(request, seller_order_number: str):
    seller_order = _buyer_seller_order(request, seller_order_number)
    status = 200
    if request.method == "POST":
        form = MessageForm(request.POST)
        if form.is_valid():
            try:
                message_send(sender=request.user, seller_order_id=seller_order.pk, body=form.cleaned_data["body"])
            except ApplicationError as error:
                _translated(form, error)
                status = error.status
            else:
                messages.success(request, _("Your message was sent to the seller."))
                return redirect("storefront:messages", seller_order_number=seller_order.number)
        else:
            status = 422
    else:
        form = MessageForm()
    return render(
        request,
        "storefront/trust/messages.html",
        {
            "form": form,
            "seller_order": seller_order,
            "thread": selectors.message_thread(seller_order_id=seller_order.pk),
            "order_url": reverse("storefront:order_detail", kwargs={"number": seller_order.order.number})
            + f"#{seller_order.number}",
        },
        status=status,
    )


@require_POST
@buyer_required
def review_report_view(request, review_id: int):
    form = ReportForm(request.POST)
    back = request.POST.get("next") or "/"
    if not back.startswith("/") or back.startswith("//"):
        back = "/"
    if form.is_valid():
        try:
            review_report(
                reporter=request.user,
                review_id=review_id,
                reason=form.cleaned_data["reason"],
                details=form.cleaned_data["details"],
            )
        except ApplicationError as error:
            if error.code == trust_errors.REVIEW_NOT_FOUND:
                raise Http404 from error
            messages.error(request, str(ERRORS.get(error.code, error.message)))
        else:
            messages.success(request, _("Thank you. The marketplace team will look at this review."))
    else:
        messages.error(request, ERRORS[trust_errors.REASON_REQUIRED])
    return redirect(back)


def how_reviews_work(request):
    config = selectors.config()
    return render(
        request,
        "storefront/trust/how_reviews_work.html",
        {
            "negative_max": config["negative_review_max_rating"],
            "credible_percent": int(config["defect_min_credibility_permille"]) // 10,
        },
    )

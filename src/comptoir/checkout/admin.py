"""Orders, seller orders and disputes in the operator console (registered by the checkout app: the pages show the
orders with their payments, refunds and chargebacks, and the decisions move money).

Everything is read-only; the operator's decisions are admin actions calling checkout.services:
settling a payment held for review (order_payment_review_decide), deciding a dispute with a
statement of reasons (dispute_decide, which refunds the buyer from escrow when decided for them) and
recording a chargeback the provider reported by another channel (chargeback_record) and issuing a credit note for a
released seller order (seller_order_credit, the seller center's service)."""

import uuid

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from comptoir.checkout import services
from comptoir.core.admin import (
    OperatorActionsMixin,
    ReadOnlyModelAdmin,
    ReadOnlyTabularInline,
    money_column,
    money_display,
)
from comptoir.core.exceptions import ApplicationError
from comptoir.core.money import Money
from comptoir.orders.domain.credit_note import SHIPPING, is_duty
from comptoir.orders.models import Dispute, DisputeStatus, Order, OrderLine, SellerOrder, SellerOrderEvent
from comptoir.orders.services import credit_note_find, seller_order_creditable_lines
from comptoir.payments.models import Chargeback, Payment, Refund
from comptoir.payments.selectors import seller_order_charged_back_amount


def _link(obj, label=None) -> str:
    url = reverse(f"admin:{obj._meta.app_label}_{obj._meta.model_name}_change", args=[obj.pk])
    return format_html('<a href="{}">{}</a>', url, label or str(obj))


class SellerOrderInline(ReadOnlyTabularInline):
    model = SellerOrder
    fields = (
        "number",
        "seller",
        "status",
        "total",
        "commission",
        "ship_by",
        "deliver_by",
        "tracking_number",
        "is_released",
    )
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller").order_by("number")

    total = money_column("total_amount", "total")

    commission = money_column("commission_amount", "commission")


class PaymentInline(ReadOnlyTabularInline):
    model = Payment
    fields = ("provider", "provider_reference", "status", "amount_display", "card_last4", "message", "created_at")
    readonly_fields = fields

    amount_display = money_column("amount", "amount")


@admin.register(Order)
class OrderAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = ("number", "buyer", "status", "total", "seller_order_count", "placed_at", "paid_at")
    list_filter = ("status", "currency")
    search_fields = ("=number", "buyer__email", "seller_orders__number")
    list_select_related = ("buyer",)
    date_hierarchy = "placed_at"
    ordering = ("-placed_at",)
    fields = (
        "number",
        "buyer",
        "status",
        "currency",
        "items",
        "shipping",
        "total",
        "shipping_address",
        "placed_at",
        "paid_at",
    )
    readonly_fields = fields
    inlines = [SellerOrderInline, PaymentInline]
    actions = ["approve_payment_review", "reject_payment_review"]

    items = money_column("items_amount", "items")

    shipping = money_column("shipping_amount", "shipping")

    total = money_column("total_amount", "total", ordering="total_amount")

    @admin.display(description="seller orders")
    def seller_order_count(self, order: Order) -> int:
        return len(order.seller_orders.all())

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("seller_orders")

    @admin.action(description="Approve the payment under review (capture)", permissions=["operator"])
    def approve_payment_review(self, request, queryset):
        self.run_service_for_each(
            request,
            queryset,
            lambda order: services.order_payment_review_decide(order_id=order.pk, approve=True, actor=request.user),
            done="Payments approved",
        )

    @admin.action(description="Reject the payment under review (cancel the order)", permissions=["operator"])
    def reject_payment_review(self, request, queryset):
        self.run_service_for_each(
            request,
            queryset,
            lambda order: services.order_payment_review_decide(order_id=order.pk, approve=False, actor=request.user),
            done="Payments rejected",
        )


class OrderLineInline(ReadOnlyTabularInline):
    model = OrderLine
    fields = ("title", "sku", "quantity", "unit_price", "line_total", "commission_rate_bp")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller_order")

    @admin.display(description="unit price")
    def unit_price(self, line: OrderLine) -> str:
        return money_display(line.unit_price_amount, line.seller_order.currency)

    @admin.display(description="line total")
    def line_total(self, line: OrderLine) -> str:
        return money_display(line.line_amount, line.seller_order.currency)


class SellerOrderEventInline(ReadOnlyTabularInline):
    """The seller order's timeline: every transition with its time, actor and reason."""

    model = SellerOrderEvent
    verbose_name_plural = "timeline"
    fields = ("created_at", "action", "from_status", "to_status", "actor_role", "actor", "reason", "data")
    readonly_fields = fields
    ordering = ("id",)

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DisputeInline(ReadOnlyTabularInline):
    model = Dispute
    fields = ("reason", "status", "opened_by", "opened_at", "decided_by", "decided_at", "decision_note")
    readonly_fields = fields
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("opened_by", "decided_by")


class RefundInline(ReadOnlyTabularInline):
    model = Refund
    fields = ("amount_display", "status", "provider_reference", "reason", "created_at")
    readonly_fields = fields

    amount_display = money_column("amount", "amount")


class ChargebackInline(ReadOnlyTabularInline):
    model = Chargeback
    fields = (
        "amount_display",
        "provider",
        "provider_reference",
        "reason",
        "source",
        "was_released",
        "recorded_by",
        "created_at",
    )
    readonly_fields = fields

    amount_display = money_column("amount", "amount")


class ChargebackForm(forms.Form):
    amount = forms.DecimalField(min_value=0, max_digits=14, help_text="In the order's currency, major units (12.34).")
    reason = forms.CharField(
        max_length=300, strip=True, help_text="The card issuer's reason (fraudulent, product not received…)."
    )
    reference = forms.CharField(
        max_length=100,
        strip=True,
        label="Provider reference",
        help_text="The provider's case reference: recording the same reference twice changes nothing.",
    )

    def __init__(self, *args, currency: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.currency = currency

    def clean_amount(self):
        try:
            return Money.from_decimal(self.cleaned_data["amount"], self.currency).amount
        except ApplicationError as error:
            raise forms.ValidationError("; ".join(error.fields.values()) or error.message) from None


class CreditNoteAdminForm(forms.Form):
    """A credit note for a released seller order: units per line (`line_<id>`, at most what is left), the shipping, a
    reason for the buyer. `key` is the idempotency key drawn when the form is shown: submitting the same form twice
    issues one note (seller_order_credit)."""

    reason = forms.CharField(max_length=300, strip=True, required=False, help_text="Shown to the buyer on the note.")
    key = forms.CharField(widget=forms.HiddenInput, max_length=120)

    def __init__(self, *args, creditable=(), titles=None, **kwargs):
        super().__init__(*args, **kwargs)
        titles = titles or {}
        self.line_fields: list[str] = []
        for line in creditable:
            # The duty follows the goods credited; a line chargebacks gave back entirely has nothing left.
            if line.remaining_quantity <= 0 or line.remaining_gross <= 0 or is_duty(line.key):
                continue
            if line.key == SHIPPING:
                self.fields["shipping"] = forms.BooleanField(label="Shipping", required=False)
            else:
                self.fields[f"line_{line.key}"] = forms.IntegerField(
                    label=titles.get(line.key, f"Line {line.key}"),
                    min_value=0,
                    max_value=line.remaining_quantity,
                    initial=0,
                    required=False,
                    help_text=f"Units to refund, at most {line.remaining_quantity}.",
                )
            self.line_fields.append("shipping" if line.key == SHIPPING else f"line_{line.key}")
        self.order_fields(["reason", *self.line_fields, "key"])

    def quantities(self) -> dict[int | str, int]:
        chosen: dict[int | str, int] = {}
        for name in self.line_fields:
            value = self.cleaned_data.get(name)
            if value and name == "shipping":
                chosen[SHIPPING] = 1
            elif value:
                chosen[int(name.removeprefix("line_"))] = int(value)
        return chosen

    def clean(self):
        cleaned = super().clean()
        if not self.errors and not self.quantities():
            raise forms.ValidationError("Choose at least one unit or the shipping to refund.")
        return cleaned


@admin.register(SellerOrder)
class SellerOrderAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = (
        "number",
        "seller",
        "status",
        "total",
        "commission",
        "ship_by",
        "deliver_by",
        "release_due_at",
        "is_released",
        "placed_at",
    )
    list_filter = ("status", "is_released", "shipping_service_level", "currency")
    search_fields = ("=number", "order__number", "seller__name", "tracking_number", "order__buyer__email")
    list_select_related = ("seller",)
    date_hierarchy = "placed_at"
    ordering = ("-placed_at",)
    fieldsets = (
        (
            None,
            {
                "fields": (
                    "number",
                    "order_link",
                    "seller",
                    "status",
                    "items",
                    "shipping",
                    "total",
                    "commission",
                    "refunded",
                )
            },
        ),
        (
            "Shipping promise",
            {"fields": ("shipping_service_level", "shipping_zone", "ship_by", "deliver_by_earliest", "deliver_by")},
        ),
        (
            "Fulfilment",
            {
                "fields": (
                    "carrier",
                    "tracking_number",
                    "accepted_at",
                    "shipped_at",
                    "delivered_at",
                    "completed_at",
                    "cancelled_at",
                    "cancelled_by",
                    "cancel_reason",
                    "return_reason",
                )
            },
        ),
        ("Funds", {"fields": ("release_due_at", "is_released")}),
    )
    readonly_fields = (
        "number",
        "order_link",
        "seller",
        "status",
        "items",
        "shipping",
        "total",
        "commission",
        "refunded",
        "shipping_service_level",
        "shipping_zone",
        "ship_by",
        "deliver_by_earliest",
        "deliver_by",
        "carrier",
        "tracking_number",
        "accepted_at",
        "shipped_at",
        "delivered_at",
        "completed_at",
        "cancelled_at",
        "cancelled_by",
        "cancel_reason",
        "return_reason",
        "release_due_at",
        "is_released",
    )
    inlines = [OrderLineInline, SellerOrderEventInline, DisputeInline, RefundInline, ChargebackInline]
    actions = ["record_chargeback", "issue_credit_note"]

    @admin.action(description="Issue a credit note…", permissions=["operator"])
    def issue_credit_note(self, request, queryset):
        """One released seller order at a time: units per line, the shipping and a reason, then seller_order_credit
        (the seller center's service) with the operator as actor; idempotent on the key drawn when the form is
        shown."""
        seller_orders = list(queryset[:2])
        if len(seller_orders) != 1:
            self.message_user(request, "Select exactly one seller order to issue a credit note.", level=messages.ERROR)
            return None
        seller_order = seller_orders[0]
        posted_key = request.POST.get("key", "") if "apply" in request.POST else ""
        existing = credit_note_find(seller_order=seller_order, key=f"console:{posted_key}") if posted_key else None
        if existing is not None:  # the same form posted again (a double click, a reload): nothing more
            self.message_user(
                request, f"Credit note {existing.number} was already issued: nothing changed.", level=messages.WARNING
            )
            return None
        if not seller_order.is_released:
            self.message_user(
                request,
                f"{seller_order}: its funds are not released yet: cancel it, accept its return or decide its dispute.",
                level=messages.ERROR,
            )
            return None
        creditable = seller_order_creditable_lines(seller_order)
        titles = {line.pk: f"{line.title} ({line.sku})" for line in seller_order.lines.all()}
        applying = "apply" in request.POST
        form = CreditNoteAdminForm(
            request.POST if applying else None,
            creditable=creditable,
            titles=titles,
            initial={"key": uuid.uuid4().hex},
        )
        if not form.line_fields:
            self.message_user(request, f"{seller_order}: nothing is left to refund.", level=messages.WARNING)
            return None
        if applying and form.is_valid():
            try:
                outcome = services.seller_order_credit(
                    seller_order_id=seller_order.pk,
                    key=f"console:{form.cleaned_data['key']}",
                    quantities=form.quantities(),
                    reason=form.cleaned_data["reason"],
                    actor=request.user,
                )
            except ApplicationError as error:
                self._refused(request, seller_order, error)
                return None
            note = outcome.credit_note
            amount = money_display(note.gross_amount, note.currency)
            if outcome.created:
                self.message_user(
                    request, f"{seller_order}: credit note {note.number} of {amount} issued.", level=messages.SUCCESS
                )
            else:
                self.message_user(
                    request, f"Credit note {note.number} was already issued: nothing changed.", level=messages.WARNING
                )
            return None
        context = {
            **self.admin_site.each_context(request),
            "title": "Issue a credit note",
            "opts": self.model._meta,
            "seller_order": seller_order,
            "total": money_display(seller_order.total_amount, seller_order.currency),
            "refunded": money_display(seller_order.refunded_amount, seller_order.currency),
            "form": form,
            "action": "issue_credit_note",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/checkout/credit_note_issue.html", context)

    def _refused(self, request, seller_order, error: ApplicationError) -> None:
        """The service's refusal as the console's error message: its message, then each field's."""
        details = "; ".join(f"{name}: {message}" for name, message in error.fields.items())
        self.message_user(
            request, f"{seller_order}: {error.message}{f' ({details})' if details else ''}", level=messages.ERROR
        )

    @admin.action(description="Record a chargeback…", permissions=["operator"])
    def record_chargeback(self, request, queryset):
        """One seller order at a time: amount, reason and the provider's reference, then chargeback_record with the
        operator as actor (audited there)."""
        seller_orders = list(queryset[:2])
        if len(seller_orders) != 1:
            self.message_user(request, "Select exactly one seller order to record a chargeback.", level=messages.ERROR)
            return None
        seller_order = seller_orders[0]
        form = ChargebackForm(request.POST if "apply" in request.POST else None, currency=seller_order.currency)
        if "apply" in request.POST and form.is_valid():
            try:
                outcome = services.chargeback_record(
                    seller_order_id=seller_order.pk,
                    amount=form.cleaned_data["amount"],
                    reason=form.cleaned_data["reason"],
                    provider_reference=form.cleaned_data["reference"],
                    actor=request.user,
                )
            except ApplicationError as error:
                self._refused(request, seller_order, error)
                return None
            chargeback = outcome.chargeback
            amount = money_display(chargeback.amount, chargeback.currency)
            if outcome.created:
                self.message_user(request, f"{seller_order}: chargeback of {amount} recorded.", level=messages.SUCCESS)
            else:
                self.message_user(
                    request,
                    f"Reference {chargeback.provider_reference} was already recorded ({amount} on "
                    f"{chargeback.seller_order.number}): "
                    "nothing changed.",
                    level=messages.WARNING,
                )
            return None
        available = (
            seller_order.total_amount - seller_order.refunded_amount - seller_order_charged_back_amount(seller_order.pk)
        )
        context = {
            **self.admin_site.each_context(request),
            "title": "Record a chargeback",
            "opts": self.model._meta,
            "seller_order": seller_order,
            "total": money_display(seller_order.total_amount, seller_order.currency),
            "available": money_display(max(0, available), seller_order.currency),
            "form": form,
            "action": "record_chargeback",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/payments/chargeback_record.html", context)

    @admin.display(description="order")
    def order_link(self, seller_order: SellerOrder) -> str:
        return _link(seller_order.order)

    items = money_column("items_amount", "items")

    shipping = money_column("shipping_amount", "shipping")

    total = money_column("total_amount", "total", ordering="total_amount")

    commission = money_column("commission_amount", "commission", ordering="commission_amount")

    refunded = money_column("refunded_amount", "refunded")


class DisputeStatusFilter(admin.SimpleListFilter):
    """Open disputes first: the list an operator works through. 'All' shows decided ones too."""

    title = "status"
    parameter_name = "status"

    def lookups(self, request, model_admin):
        return [*DisputeStatus.choices, ("all", "All")]

    def value(self):
        return super().value() or DisputeStatus.OPEN

    def queryset(self, request, queryset):
        return queryset if self.value() == "all" else queryset.filter(status=self.value())

    def choices(self, changelist):
        for lookup, title in self.lookup_choices:
            yield {
                "selected": self.value() == str(lookup),
                "query_string": changelist.get_query_string({self.parameter_name: lookup}),
                "display": title,
            }


@admin.register(Dispute)
class DisputeAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = ("__str__", "seller", "reason", "status", "amount", "opened_by", "opened_at", "decided_at")
    list_filter = (DisputeStatusFilter, "reason")
    search_fields = ("=seller_order__number", "seller_order__seller__name", "opened_by__email", "description")
    list_select_related = ("seller_order__seller", "opened_by")
    ordering = ("opened_at",)
    fields = (
        "seller_order_link",
        "seller",
        "reason",
        "description",
        "status",
        "opened_by",
        "opened_at",
        "decided_by",
        "decided_at",
        "decision_note",
    )
    readonly_fields = fields
    actions = ["decide_for_buyer", "decide_for_seller"]

    @admin.display(description="seller order")
    def seller_order_link(self, dispute: Dispute) -> str:
        return _link(dispute.seller_order)

    @admin.display(description="seller", ordering="seller_order__seller__name")
    def seller(self, dispute: Dispute) -> str:
        return str(dispute.seller_order.seller)

    @admin.display(description="amount")
    def amount(self, dispute: Dispute) -> str:
        return money_display(dispute.seller_order.total_amount, dispute.seller_order.currency)

    @admin.action(description="Decide for the buyer (refund in full)…", permissions=["operator"])
    def decide_for_buyer(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="decide_for_buyer",
            title="Decide for the buyer and refund",
            confirm="Decide for the buyer",
            done="Disputes decided for the buyer",
            label="Statement of reasons",
            help_text="Both parties will read it.",
            call=lambda dispute, note: services.dispute_decide(
                dispute_id=dispute.pk, actor=request.user, in_favour_of="buyer", note=note
            ),
        )

    @admin.action(description="Decide for the seller…", permissions=["operator"])
    def decide_for_seller(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="decide_for_seller",
            title="Decide for the seller",
            confirm="Decide for the seller",
            done="Disputes decided for the seller",
            label="Statement of reasons",
            help_text="Both parties will read it.",
            call=lambda dispute, note: services.dispute_decide(
                dispute_id=dispute.pk, actor=request.user, in_favour_of="seller", note=note
            ),
        )

"""The ledger, payments and payouts in the operator console: read-only.

Ledger rows are append-only facts, so no model here can be added, changed or deleted from the
console. The one write is "Create payout batch", which calls payments.services.payout_batch_create
with the operator as actor."""

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count, Sum
from django.http import HttpResponseRedirect
from django.template.response import TemplateResponse
from django.urls import path, reverse

from comptoir.core.admin import ReadOnlyModelAdmin, ReadOnlyTabularInline, money_column, money_display
from comptoir.core.exceptions import ApplicationError
from comptoir.core.money import validate_currency
from comptoir.core.permissions import is_operator
from comptoir.payments import services
from comptoir.payments.domain.ledger import CREDIT_NORMAL, TAX_LIABILITY_PREFIXES
from comptoir.payments.models import (
    JournalEntry,
    LedgerAccount,
    LedgerBlock,
    LedgerBlockEntry,
    Payment,
    Payout,
    PayoutBatch,
    Posting,
    Refund,
)


@admin.register(Payment)
class PaymentAdmin(ReadOnlyModelAdmin):
    list_display = ("order", "provider", "provider_reference", "status", "amount_display", "card_last4", "created_at")
    list_filter = ("status", "provider", "currency")
    search_fields = ("=provider_reference", "=order__number")
    list_select_related = ("order",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)

    amount_display = money_column("amount", "amount", ordering="amount")


@admin.register(Refund)
class RefundAdmin(ReadOnlyModelAdmin):
    list_display = ("source_key", "seller_order", "amount_display", "status", "provider_reference", "created_at")
    list_filter = ("status", "currency")
    search_fields = ("=source_key", "=seller_order__number", "provider_reference")
    list_select_related = ("seller_order",)
    ordering = ("-created_at",)

    amount_display = money_column("amount", "amount", ordering="amount")


class PostingInline(ReadOnlyTabularInline):
    model = Posting
    fields = ("account", "debit", "credit")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("account").order_by("id")

    @admin.display(description="debit")
    def debit(self, posting: Posting) -> str:
        return money_display(posting.amount, posting.currency) if posting.amount > 0 else ""

    @admin.display(description="credit")
    def credit(self, posting: Posting) -> str:
        return money_display(-posting.amount, posting.currency) if posting.amount < 0 else ""


@admin.register(JournalEntry)
class JournalEntryAdmin(ReadOnlyModelAdmin):
    list_display = (
        "id",
        "created_at",
        "kind",
        "source_key",
        "memo",
        "order_id_ref",
        "seller_order_id_ref",
        "is_sealed",
        "created_by",
    )
    list_filter = ("kind",)
    search_fields = ("=source_key", "memo", "=order_id_ref", "=seller_order_id_ref")
    list_select_related = ("created_by", "seal")
    date_hierarchy = "created_at"
    ordering = ("-id",)
    fields = ("kind", "source_key", "memo", "order_id_ref", "seller_order_id_ref", "created_at", "created_by", "block")
    readonly_fields = fields
    inlines = [PostingInline]

    @admin.display(description="sealed", boolean=True)
    def is_sealed(self, entry: JournalEntry) -> bool:
        return hasattr(entry, "seal")

    @admin.display(description="block")
    def block(self, entry: JournalEntry) -> str:
        seal = LedgerBlockEntry.objects.select_related("block").filter(entry=entry).first()
        return f"#{seal.block.height} ({seal.block.block_hash[:16]}…)" if seal else "not sealed yet"


@admin.register(LedgerAccount)
class LedgerAccountAdmin(ReadOnlyModelAdmin):
    list_display = ("kind", "seller", "currency", "balance", "posting_count")
    list_filter = ("kind", "currency")
    search_fields = ("seller__name",)
    list_select_related = ("seller",)
    ordering = ("kind", "seller_id", "currency")
    fields = ("kind", "seller", "currency", "balance", "posting_count")
    readonly_fields = fields

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(signed_balance=Sum("postings__amount"), posting_total=Count("postings"))
        )

    @admin.display(description="balance", ordering="signed_balance")
    def balance(self, account: LedgerAccount) -> str:
        # Shown on the account's normal side: credit-normal accounts (what is owed) as positive amounts.
        signed = getattr(account, "signed_balance", None) or 0  # annotated by get_queryset
        credit_normal = account.kind in CREDIT_NORMAL or account.kind.startswith(TAX_LIABILITY_PREFIXES)
        return money_display(-signed if credit_normal else signed, account.currency)

    @admin.display(description="postings", ordering="posting_total")
    def posting_count(self, account: LedgerAccount) -> int:
        return int(getattr(account, "posting_total", 0))  # annotated by get_queryset


class LedgerBlockEntryInline(ReadOnlyTabularInline):
    model = LedgerBlockEntry
    fields = ("entry", "entry_hash")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("entry").order_by("id")


@admin.register(LedgerBlock)
class LedgerBlockAdmin(ReadOnlyModelAdmin):
    list_display = ("height", "sealed_at", "entry_count", "block_hash", "previous_hash", "merkle_root")
    ordering = ("-height",)
    search_fields = ("=block_hash", "=merkle_root")
    fields = ("height", "sealed_at", "entry_count", "previous_hash", "merkle_root", "block_hash")
    readonly_fields = fields
    inlines = [LedgerBlockEntryInline]


class PayoutInline(ReadOnlyTabularInline):
    model = Payout
    fields = ("seller", "amount_display", "iban_last4", "entry", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("seller", "entry")

    amount_display = money_column("amount", "amount")


class PayoutBatchForm(forms.Form):
    currency = forms.CharField(max_length=3, initial="EUR")
    minimum_amount = forms.IntegerField(
        min_value=1, initial=1, help_text="Smallest payable balance paid out, in minor units (cents)."
    )

    def clean_currency(self) -> str:
        try:
            return validate_currency(self.cleaned_data["currency"].upper())
        except ApplicationError as error:
            raise forms.ValidationError(error.message) from error


@admin.register(PayoutBatch)
class PayoutBatchAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "created_at", "currency", "total", "payout_count", "created_by")
    list_filter = ("currency",)
    list_select_related = ("created_by",)
    ordering = ("-created_at",)
    fields = ("currency", "total", "payout_count", "created_at", "created_by")
    readonly_fields = fields
    inlines = [PayoutInline]
    change_list_template = "admin/comptoir/payoutbatch_change_list.html"

    total = money_column("total_amount", "total", ordering="total_amount")

    def get_urls(self):
        custom = [path("create/", self.admin_site.admin_view(self.create_view), name="payments_payoutbatch_create")]
        return custom + super().get_urls()

    def changelist_view(self, request, extra_context=None):
        extra_context = {**(extra_context or {}), "can_create_payout_batch": self._can_create(request)}
        return super().changelist_view(request, extra_context)

    def _can_create(self, request) -> bool:
        return is_operator(request.user)

    def create_view(self, request):
        """Pay every seller's whole payable balance in one currency (one payout and one journal entry each)."""
        if not self._can_create(request):
            raise PermissionDenied
        form = PayoutBatchForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            try:
                batch = services.payout_batch_create(
                    currency=form.cleaned_data["currency"],
                    actor=request.user,
                    minimum_amount=form.cleaned_data["minimum_amount"],
                )
            except ApplicationError as error:
                self.message_user(request, error.message, level=messages.ERROR)
            else:
                self.message_user(
                    request,
                    f"Payout batch #{batch.pk}: {batch.payout_count} payouts, "
                    f"{money_display(batch.total_amount, batch.currency)}.",
                    level=messages.SUCCESS,
                )
                return HttpResponseRedirect(reverse("admin:payments_payoutbatch_change", args=[batch.pk]))
        context = {
            **self.admin_site.each_context(request),
            "title": "Create a payout batch",
            "opts": self.model._meta,
            "form": form,
        }
        return TemplateResponse(request, "admin/comptoir/payoutbatch_create.html", context)


@admin.register(Payout)
class PayoutAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "batch", "seller", "amount_display", "iban_last4", "created_at")
    list_filter = ("currency",)
    search_fields = ("seller__name",)
    list_select_related = ("batch", "seller")
    ordering = ("-created_at",)

    amount_display = money_column("amount", "amount", ordering="amount")

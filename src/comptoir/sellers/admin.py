"""Seller verification in the operator console (suspension and reinstatement are measures with a statement of
reasons: trust.admin adds them to this page, since the sellers app cannot call the trust services).

Every field is read-only: the status moves only through the actions below, which call
comptoir.sellers.services with the operator as actor (the service writes the audit row). The IBAN is
shown masked in lists; only the detail page of one seller decrypts it, for the operator checking the
trader information. API key hashes are never shown."""

from django.contrib import admin
from django.utils.html import format_html_join
from django.utils.safestring import mark_safe

from comptoir.core.admin import OperatorActionsMixin, ReadOnlyModelAdmin, ReadOnlyTabularInline, basis_points_display
from comptoir.core.models import AuditLog
from comptoir.sellers import services
from comptoir.sellers.models import Seller, SellerApiKey, SellerMember

TRADER_FIELDS = (
    "legal_name",
    "street",
    "postal_code",
    "city",
    "country",
    "phone",
    "email",
    "trade_register",
    "trade_register_number",
    "vat_id",
    "iban_masked",
    "self_certified_at",
)


class SellerMemberInline(ReadOnlyTabularInline):
    model = SellerMember
    fields = ("user", "role", "created_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("user")


class SellerApiKeyInline(ReadOnlyTabularInline):
    model = SellerApiKey
    fields = ("name", "prefix", "scopes", "created_by", "created_at", "last_used_at", "revoked_at")
    readonly_fields = fields

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("created_by")


@admin.register(Seller)
class SellerAdmin(OperatorActionsMixin, ReadOnlyModelAdmin):
    list_display = (
        "name",
        "legal_name",
        "country",
        "status",
        "vat_id",
        "iban_masked",
        "commission",
        "created_at",
        "verified_at",
    )
    list_filter = ("status", "country", "default_currency")
    search_fields = ("name", "slug", "legal_name", "email", "vat_id", "trade_register_number")
    ordering = ("-created_at",)
    date_hierarchy = "created_at"
    fieldsets = (
        (
            "Shop",
            {
                "fields": (
                    "name",
                    "slug",
                    "status",
                    "status_reason",
                    "created_at",
                    "verified_at",
                    "default_currency",
                    "settlement_currency",
                    "commission",
                    "description",
                )
            },
        ),
        ("Trader information (DSA Art. 30)", {"fields": TRADER_FIELDS}),
        ("History", {"fields": ("status_history",)}),
    )
    inlines = [SellerMemberInline, SellerApiKeyInline]
    actions = ["verify", "reject"]  # warn, suspend, reinstate: trust.admin (a measure writes its statement)

    @admin.display(description="IBAN")
    def iban_masked(self, seller: Seller) -> str:
        return seller.iban_masked

    @admin.display(description="IBAN")
    def iban_full(self, seller: Seller) -> str:
        try:
            return seller.iban()
        except ValueError:
            return f"{seller.iban_masked} (cannot be decrypted with the configured keys)"

    @admin.display(description="commission override", ordering="commission_rate_bp")
    def commission(self, seller: Seller) -> str:
        return basis_points_display(seller.commission_rate_bp)

    def _trader_fields(self, request) -> tuple[str, ...]:
        # Decrypted for one seller at a time, on the detail page, for operators only.
        iban = "iban_full" if self.has_operator_permission(request) else "iban_masked"
        return tuple(iban if name == "iban_masked" else name for name in TRADER_FIELDS)

    def get_fieldsets(self, request, obj=None):
        shop, (trader_title, _), history = self.fieldsets
        return (shop, (trader_title, {"fields": self._trader_fields(request)}), history)

    def get_readonly_fields(self, request, obj=None):
        return (*self.fieldsets[0][1]["fields"], *self._trader_fields(request), "status_history")

    @admin.display(description="status changes")
    def status_history(self, seller: Seller) -> str:
        rows = (
            AuditLog.objects.filter(target_type=Seller._meta.label_lower, target_id=str(seller.pk))
            .select_related("actor")
            .order_by("-id")[:50]
        )
        return (
            format_html_join(
                mark_safe("<br>"),
                "{} · {} · {} · {}",
                (
                    (
                        f"{row.created_at:%Y-%m-%d %H:%M}",
                        row.action,
                        row.actor.email if row.actor is not None else row.actor_label,
                        row.reason or "—",
                    )
                    for row in rows
                ),
            )
            or "—"
        )

    @admin.action(description="Verify selected sellers", permissions=["operator"])
    def verify(self, request, queryset):
        self.run_service_for_each(
            request,
            queryset,
            lambda seller: services.seller_verify(seller_id=seller.pk, actor=request.user),
            done="Sellers verified",
        )

    @admin.action(description="Reject selected sellers…", permissions=["operator"])
    def reject(self, request, queryset):
        return self.action_with_reason(
            request,
            queryset,
            action="reject",
            title="Reject sellers",
            confirm="Reject",
            done="Sellers rejected",
            help_text="The seller will read this reason.",
            call=lambda seller, reason: services.seller_reject(seller_id=seller.pk, actor=request.user, reason=reason),
        )

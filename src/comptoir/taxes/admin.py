from decimal import Decimal

from django.contrib import admin

from comptoir.taxes.models import DutyRule, SellerTaxProfile, TariffRate, VatNumberCheck, VatRate


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "category", "tax_class", "rate_bp", "valid_from", "valid_to", "source"]
    list_filter = ["tax_class", "category", "country"]
    search_fields = ["country", "category", "source"]
    ordering = ["country", "category", "tax_class", "-valid_from"]


@admin.register(SellerTaxProfile)
class SellerTaxProfileAdmin(admin.ModelAdmin):
    list_display = ["seller", "charges_destination_vat", "counted_over_through_year", "oss_registration", "updated_at"]
    list_filter = ["charges_destination_vat"]
    search_fields = ["seller__name", "oss_registration"]
    raw_id_fields = ["seller"]
    # The counter is the marketplace's (filings), the identity the seller's (seller center, Taxes): shown, not edited.
    fields = [
        "seller",
        "charges_destination_vat",
        "oss_registration",
        "counted_over_through_year",
        "legal_form",
        "tin",
        "tin_country",
        "date_of_birth",
    ]
    readonly_fields = ["counted_over_through_year", "legal_form", "tin", "tin_country", "date_of_birth"]

    def save_model(self, request, obj, form, change):
        # Through the service (audited), never a bare save.
        from comptoir.taxes.services import seller_tax_profile_set

        saved = seller_tax_profile_set(
            seller_id=obj.seller_id,
            charges_destination_vat=obj.charges_destination_vat,
            oss_registration=obj.oss_registration,
            actor=request.user,
        )
        obj.pk = saved.pk


@admin.register(VatNumberCheck)
class VatNumberCheckAdmin(admin.ModelAdmin):
    """Evidence for reverse-charged sales: read-only."""

    list_display = ["number", "country", "is_format_valid", "vies_status", "vies_name", "checked_at"]
    list_filter = ["vies_status", "is_format_valid", "country"]
    search_fields = ["number", "vies_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class _LoadedFromFiles(admin.ModelAdmin):
    """Loaded from their files by commands (`comptoir tax duties-load`, `tax tariffs-load`), which publish the change
    to search: shown, not edited here (an edit would bypass that)."""

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(DutyRule)
class DutyRuleAdmin(_LoadedFromFiles):
    list_display = ["area", "kind", "currency", "amount", "value_limit", "customs_value", "valid_from", "valid_to"]
    list_filter = ["area", "kind"]
    search_fields = ["source"]


@admin.register(TariffRate)
class TariffRateAdmin(_LoadedFromFiles):
    list_display = ["area", "hs_prefix", "origin", "rate_percent", "specific", "valid_from", "valid_to", "source"]
    list_filter = ["area", "origin", "specific_unit"]
    search_fields = ["hs_prefix", "source"]

    @admin.display(description="rate %", ordering="rate_bp")
    def rate_percent(self, obj: TariffRate) -> str:
        return f"{Decimal(obj.rate_bp).scaleb(-2).normalize():f}"

    @admin.display(description="specific")
    def specific(self, obj: TariffRate) -> str:
        """The specific component, e.g. "plus CHF 40/100kg_gross" ("" for an ad valorem rate)."""
        if obj.specific_amount is None:
            return ""
        return f"{obj.specific_kind} {obj.specific_currency} {obj.specific_amount.normalize():f}/{obj.specific_unit}"

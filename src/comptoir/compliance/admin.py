from django.contrib import admin

from comptoir.compliance.models import ComplianceRule, OfferMarketBlock, ResponsiblePerson, SellerRegistration


@admin.register(ComplianceRule)
class ComplianceRuleAdmin(admin.ModelAdmin):
    """Read-only: rules come from `comptoir compliance rules-load`."""

    list_display = ("code", "requirement", "scheme", "effective_from", "effective_to")
    search_fields = ("code", "title", "source")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(SellerRegistration)
class SellerRegistrationAdmin(admin.ModelAdmin):
    list_display = ("seller", "scheme", "country", "number", "updated_at")
    list_filter = ("scheme", "country")
    search_fields = ("number", "seller__name")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ResponsiblePerson)
class ResponsiblePersonAdmin(admin.ModelAdmin):
    list_display = ("seller", "name", "country", "email")

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(OfferMarketBlock)
class OfferMarketBlockAdmin(admin.ModelAdmin):
    list_display = ("offer", "country", "computed_at")
    list_filter = ("country",)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

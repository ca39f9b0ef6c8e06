from django.contrib import admin

from comptoir.filings.models import Dac7Exclusion, Dac7Notice


@admin.register(Dac7Notice)
class Dac7NoticeAdmin(admin.ModelAdmin):
    """The DAC7 notices sent to sellers: read-only (sent from the console's Tax filings page)."""

    list_display = ["seller", "year", "consideration_eur_cents", "activities", "issued_at"]
    list_filter = ["year"]
    search_fields = ["seller__legal_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Dac7Exclusion)
class Dac7ExclusionAdmin(admin.ModelAdmin):
    """The sellers excluded from DAC7: read-only (set and lifted from the console's Tax filings page, audited)."""

    list_display = ["seller", "kind", "reason", "set_by", "set_at"]
    list_filter = ["kind"]
    search_fields = ["seller__legal_name"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

from django.contrib import admin

from comptoir.filings.models import Dac7Notice


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

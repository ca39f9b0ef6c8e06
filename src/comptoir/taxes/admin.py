from django.contrib import admin

from comptoir.taxes.models import VatRate


@admin.register(VatRate)
class VatRateAdmin(admin.ModelAdmin):
    list_display = ["country", "tax_class", "rate_bp", "valid_from", "valid_to", "source"]
    list_filter = ["tax_class", "country"]
    search_fields = ["country", "source"]
    ordering = ["country", "tax_class", "-valid_from"]

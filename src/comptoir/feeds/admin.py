from django.contrib import admin

from comptoir.feeds.models import Feed, GoogleCategoryMapping


@admin.register(GoogleCategoryMapping)
class GoogleCategoryMappingAdmin(admin.ModelAdmin):
    list_display = ("category", "google_category_id")
    search_fields = ("category__name_en", "category__name_fr")
    autocomplete_fields = ("category",)


@admin.register(Feed)
class FeedAdmin(admin.ModelAdmin):
    """Read-only: feeds are created and changed through their services (the console's and seller center's pages)."""

    list_display = ("name", "seller", "kind", "format", "country", "language", "currency", "is_active", "generated_at")
    list_filter = ("kind", "format", "is_active")
    exclude = ("token_hash", "token_encrypted")
    readonly_fields = tuple(
        field.name for field in Feed._meta.fields if field.name not in {"token_hash", "token_encrypted"}
    )

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

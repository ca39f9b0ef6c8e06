"""Shop imports in the operator console: jobs and the pictures they asked a worker to fetch (why one failed), read
only (imports change through connectors.services)."""

from django.contrib import admin

from comptoir.connectors.models import ImportedPicture, ImportJob
from comptoir.core.admin import ReadOnlyModelAdmin


@admin.register(ImportJob)
class ImportJobAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "seller", "format", "file_name", "status", "created_at", "committed_at")
    list_filter = ("status", "format")
    search_fields = ("seller__name", "file_name")
    list_select_related = ("seller",)
    ordering = ("-created_at",)
    exclude = ("report",)


@admin.register(ImportedPicture)
class ImportedPictureAdmin(ReadOnlyModelAdmin):
    list_display = ("id", "seller", "product", "url", "status", "failure", "fetched_at")
    list_filter = ("status",)
    search_fields = ("=url", "seller__name", "product__title")
    list_select_related = ("seller", "product")
    ordering = ("-id",)

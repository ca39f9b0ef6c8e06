from django.contrib import admin

from comptoir.core.admin import ReadOnlyModelAdmin
from comptoir.notifications.models import Notification


@admin.register(Notification)
class NotificationAdmin(ReadOnlyModelAdmin):
    """What was told to whom and whether it was emailed (support: "I never got the email")."""

    list_display = ("recipient", "kind", "created_at", "email_sent_at", "read_at")
    list_filter = ("kind",)
    search_fields = ("=recipient__email", "dedupe_key")
    list_select_related = ("recipient",)
    date_hierarchy = "created_at"
    ordering = ("-created_at",)
